package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"strings"
	"time"
)

type ctxKey int

const (
	keyRequestID ctxKey = iota
	keyActor
	keyPending
)

func requestID(ctx context.Context) string {
	id, _ := ctx.Value(keyRequestID).(string)
	return id
}

// contentSecurityPolicy allows scripts, styles and fonts from Haven's own
// origin only, images from it and data: URLs (QR codes), and nothing else:
// no inline script, no framing, no plugins, no base tag, and forms post
// only back to Haven.
const contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"

// securityHeaders sets the headers every response carries, errors and 404s
// included. Responses are not cached, except static files, which set their
// own Cache-Control.
func (s *Server) securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Cross-Origin-Resource-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=()")
		h.Set("Cache-Control", "no-store")
		if s.secure || r.TLS != nil {
			h.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
		}
		next.ServeHTTP(w, r)
	})
}

// loggingWriter remembers the status code for the access log.
type loggingWriter struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (w *loggingWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *loggingWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += n
	return n, err
}

func (w *loggingWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// logRequests gives each request an id (X-Request-Id) and logs one line per
// request: method, path (never the query string), status, duration. It
// never logs headers, cookies or bodies.
func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		b := make([]byte, 8)
		rand.Read(b)
		id := hex.EncodeToString(b)
		w.Header().Set("X-Request-Id", id)
		lw := &loggingWriter{ResponseWriter: w}
		r = r.WithContext(context.WithValue(r.Context(), keyRequestID, id))
		next.ServeHTTP(lw, r)
		if lw.status == 0 {
			lw.status = http.StatusOK
		}
		s.log.Info("request", "request_id", id, "method", r.Method, "path", s.logPath(r),
			"status", lw.status, "bytes", lw.bytes, "duration_ms", time.Since(start).Milliseconds(),
			"ip", s.clientIP(r))
	})
}

// logPath returns the request's path for the log: one-time link secrets
// (the {token} of /reset/{token} and its kind) replaced by "{token}", and
// control characters escaped. Those links are credentials: whoever reads
// the log must not be able to use a pending reset or confirmation link.
func (s *Server) logPath(r *http.Request) string {
	segs := strings.Split(r.URL.Path, "/")
	for _, link := range s.linkPaths {
		if len(segs) < len(link) {
			continue
		}
		match := true
		for i, l := range link {
			if l != "{token}" && l != segs[i] {
				match = false
				break
			}
		}
		if match {
			for i, l := range link {
				if l == "{token}" {
					segs[i] = l
				}
			}
			break
		}
	}
	return safeLogText(strings.Join(segs, "/"))
}

// safeLogText escapes control characters (CR, LF, ANSI escapes) so that
// logged input cannot forge log lines, and cuts long values.
func safeLogText(s string) string {
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return '?'
		}
		return r
	}, s)
}
