package web

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/haven-project/haven/internal/app"
)

// Config configures the HTTP side.
type Config struct {
	// BaseURL is the public URL; an https:// URL makes cookies Secure and
	// __Host- prefixed and turns on HSTS.
	BaseURL string
	// TrustedProxies are the addresses whose X-Forwarded-For is believed.
	TrustedProxies []netip.Prefix
	// Dev reads templates and static files from disk at each request.
	Dev bool
	// Version is shown in /healthz.
	Version string
}

// Server is Haven's HTTP handler.
type Server struct {
	app     *app.App
	cfg     Config
	log     *slog.Logger
	mux     *http.ServeMux
	routes  []route
	pages   map[string]*template.Template
	static  *staticFiles
	secure  bool
	handler http.Handler
	// linkPaths are the path segments of routes that carry a one-time
	// link secret, which logs leave out (logPath).
	linkPaths [][]string
}

// New builds the server and its route table. It parses every template now
// and fails if one is broken.
func New(a *app.App, cfg Config, logger *slog.Logger) (*Server, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	s := &Server{
		app:    a,
		cfg:    cfg,
		log:    logger,
		mux:    http.NewServeMux(),
		secure: strings.HasPrefix(cfg.BaseURL, "https://"),
	}
	var err error
	if s.static, err = newStaticFiles(); err != nil {
		return nil, err
	}
	if s.pages, err = parsePages(s.templateFuncs()); err != nil {
		return nil, err
	}
	s.registerRoutes()
	cop := http.NewCrossOriginProtection()
	// The API authenticates with bearer tokens only, never cookies, so a
	// cross-site request to it carries no authority.
	cop.AddInsecureBypassPattern("/api/v1/")
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.log.Warn("cross-origin request refused", "request_id", requestID(r.Context()), "path", s.logPath(r))
		s.serveError(w, r, errCrossOrigin)
	}))
	s.handler = s.logRequests(s.securityHeaders(cop.Handler(http.HandlerFunc(s.dispatch))))
	return s, nil
}

var errCrossOrigin = errors.New("cross-origin request refused")

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// dispatch routes a request. Requests no pattern matches get Haven's own
// 404 or 405 (with Allow) instead of the mux's plain text.
func (s *Server) dispatch(w http.ResponseWriter, r *http.Request) {
	h, pattern := s.mux.Handler(r)
	if pattern != "" {
		s.mux.ServeHTTP(w, r)
		return
	}
	rec := &statusRecorder{header: http.Header{}}
	h.ServeHTTP(rec, r)
	// The error page shows who is signed in, as on every other page: a
	// 404 for a path that does not exist must look like the 404 of a
	// route the account may not see.
	if !isAPI(r) {
		if ar, err := s.authenticate(w, r, public); err == nil {
			r = ar
		}
	}
	if rec.status == http.StatusMethodNotAllowed {
		w.Header().Set("Allow", rec.header.Get("Allow"))
		s.serveError(w, r, errMethodNotAllowed)
		return
	}
	s.serveError(w, r, errNoRoute)
}

var (
	errNoRoute          = errors.New("no such route")
	errMethodNotAllowed = errors.New("method not allowed")
)

// statusRecorder captures what the mux's own 404/405 handlers would write.
type statusRecorder struct {
	header http.Header
	status int
}

func (r *statusRecorder) Header() http.Header         { return r.header }
func (r *statusRecorder) Write(b []byte) (int, error) { return len(b), nil }
func (r *statusRecorder) WriteHeader(code int)        { r.status = code }

// clientIP returns the client's address: the connection's peer, or, when
// the peer is a trusted proxy, the nearest untrusted X-Forwarded-For hop.
func (s *Server) clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	peer, err := netip.ParseAddr(host)
	if err != nil || !s.trusted(peer) {
		return host
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			return host
		}
		if !s.trusted(a) {
			return a.String()
		}
	}
	return host
}

func (s *Server) trusted(a netip.Addr) bool {
	for _, p := range s.cfg.TrustedProxies {
		if p.Contains(a.Unmap()) {
			return true
		}
	}
	return false
}

// ListenAndServe serves on addr until ctx ends, then shuts down
// gracefully: in-flight requests get up to grace to finish.
func (s *Server) ListenAndServe(ctx context.Context, addr string, grace time.Duration, ready func(net.Addr)) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	if ready != nil {
		ready(ln.Addr())
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	s.log.Info("shutting down", "grace", grace.String())
	sctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}
