package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/haven-project/haven/internal/app"
	"github.com/haven-project/haven/internal/haven"
)

// access says who may use a route and how the request authenticates.
type access struct {
	name  string
	api   bool // bearer token; otherwise the session cookie
	level level
	// maxBody caps the request body; 0 is maxBodyBytes.
	maxBody int64
	// setup: an account that must still set up two-factor authentication
	// may use the route (the set-up itself, logging out).
	setup bool
}

// twoFactorSetup is a's level for a route that an account required to set
// up two-factor authentication may use before it has.
func (a access) twoFactorSetup() access {
	a.setup = true
	return a
}

// errTwoFactorRequired refuses a request of an account that must set up
// two-factor authentication first (403; pages redirect to the set-up).
var errTwoFactorRequired = twoFactorError{}

type twoFactorError struct{}

func (twoFactorError) Error() string     { return "two-factor authentication required" }
func (twoFactorError) Is(err error) bool { return err == haven.ErrForbidden }
func (twoFactorError) publicMessage() string {
	return "This instance requires two-factor authentication of program team members and admins: set it up under Settings → Two-factor authentication, then go on."
}

// uploads is a's level for a route that takes attachments: its body may
// hold a report's worth of files.
func (a access) uploads() access {
	a.maxBody = app.MaxReportAttachmentBytes + 1<<20
	return a
}

type level int

const (
	levelPublic level = iota + 1
	levelMFAPending
	levelSignedIn
	levelAdmin
)

// The access levels a route can be registered with.
var (
	public        = access{"public", false, levelPublic, 0, false}
	mfaPending    = access{"mfa-pending", false, levelMFAPending, 0, false}
	signedIn      = access{"signed-in", false, levelSignedIn, 0, false}
	instanceAdmin = access{"instance-admin", false, levelAdmin, 0, false}
	apiPublic     = access{"api-public", true, levelPublic, 0, false}
	apiSignedIn   = access{"api-signed-in", true, levelSignedIn, 0, false}
	apiAdmin      = access{"api-instance-admin", true, levelAdmin, 0, false}
)

// route is one line of the route table, kept for tests that walk it.
type route struct {
	pattern string
	access  access
}

// handlerFunc is a handler that returns its error; wrap renders it.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// handle registers a route with its access level. A zero access panics at
// start-up: no route exists without a policy.
func (s *Server) handle(pattern string, a access, h handlerFunc) {
	if a.level == 0 {
		panic(fmt.Sprintf("web: route %q registered without an access level", pattern))
	}
	if a.api != strings.Contains(pattern, "/api/") {
		panic(fmt.Sprintf("web: route %q: API routes need an api access level and only they", pattern))
	}
	s.routes = append(s.routes, route{pattern, a})
	if _, path, _ := strings.Cut(pattern, " "); strings.Contains(path, "{token}") {
		s.linkPaths = append(s.linkPaths, strings.Split(path, "/"))
	}
	s.mux.Handle(pattern, s.wrap(a, h))
}

// wrap authenticates the request as its access level says, refuses it
// before h runs when the actor may not use the route, and renders h's
// error.
func (s *Server) wrap(a access, h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		limit := int64(maxBodyBytes)
		if a.maxBody > 0 {
			limit = a.maxBody
		}
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		r, err := s.authenticate(w, r, a)
		if errors.Is(err, errTwoFactorRequired) && !a.api {
			s.redirect(w, r, "/settings/two-factor", "two-factor-required")
			return
		}
		if err == nil {
			err = h(w, r)
		}
		if err != nil {
			s.serveError(w, r, err)
		}
	})
}

const maxBodyBytes = 1 << 20

var errTokenInURL = errors.New("credentials in URL")

func actorFrom(r *http.Request) haven.Actor {
	a, _ := r.Context().Value(keyActor).(haven.Actor)
	return a
}

// authenticate resolves the actor and enforces the route's level.
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request, a access) (*http.Request, error) {
	ip, ua := s.clientIP(r), r.UserAgent()
	actor := haven.Actor{IP: ip, UserAgent: ua}
	pending := false
	var err error
	if a.api {
		q := r.URL.Query()
		if q.Has("token") || q.Has("access_token") || q.Has("api_key") {
			return r, errTokenInURL
		}
		if h := r.Header.Get("Authorization"); h != "" {
			scheme, tok, ok := strings.Cut(h, " ")
			if !ok || !strings.EqualFold(scheme, "Bearer") {
				return r, haven.ErrUnauthenticated
			}
			actor, err = s.app.AuthenticateToken(r.Context(), strings.TrimSpace(tok), ip, ua)
			if err != nil {
				if errors.Is(err, haven.ErrUnauthenticated) {
					s.log.Info("api token refused", "request_id", requestID(r.Context()), "ip", ip)
				}
				return r, err
			}
		}
	} else if c, cerr := r.Cookie(s.sessionCookieName()); cerr == nil {
		actor, pending, err = s.app.Authenticate(r.Context(), c.Value, ip, ua)
		if errors.Is(err, haven.ErrUnauthenticated) {
			s.clearCookie(w, s.sessionCookieName())
			err = nil
		}
		if err != nil {
			return r, err
		}
	}
	if s.app.NeedsTwoFactor(actor) && !a.setup {
		if a.api && a.level == levelPublic {
			// Public API answers, as to a visitor: the rights wait.
			actor = haven.Actor{IP: ip, UserAgent: ua}
		} else {
			// Every page leads to the set-up; other API calls are 403.
			return r, errTwoFactorRequired
		}
	}
	ctx := context.WithValue(r.Context(), keyActor, actor)
	ctx = context.WithValue(ctx, keyPending, pending)
	r = r.WithContext(ctx)

	switch a.level {
	case levelPublic:
		return r, nil
	case levelMFAPending:
		if !pending {
			return r, haven.ErrUnauthenticated
		}
		return r, nil
	case levelSignedIn:
		if !actor.SignedIn() {
			return r, haven.ErrUnauthenticated
		}
		return r, nil
	case levelAdmin:
		if !actor.SignedIn() {
			return r, haven.ErrUnauthenticated
		}
		if !actor.IsAdmin() {
			s.log.Warn("admin route refused", "request_id", requestID(r.Context()), "user_id", actor.UserID())
			return r, haven.ErrNotFound
		}
		return r, nil
	}
	return r, haven.ErrForbidden // unknown level: fail closed
}
