package web_test

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"text/tabwriter"

	"github.com/haven-project/haven/internal/apptest"
	"github.com/haven-project/haven/internal/web"
)

// accessNames are the access levels a route may be registered with
// (web/access.go). A route with any other name has no reviewed policy.
var accessNames = map[string]struct{ api, public bool }{
	"public":             {false, true},
	"mfa-pending":        {false, false},
	"signed-in":          {false, false},
	"instance-admin":     {false, false},
	"api-public":         {true, true},
	"api-signed-in":      {true, false},
	"api-instance-admin": {true, false},
}

// reviewedPublic lists every route anonymous requests may use. A new public
// route fails TestRoutesRequireAuth until someone has looked at it and
// added it here: public is a decision, not a default.
var reviewedPublic = map[string]bool{
	"GET /healthz":                         true,
	"GET /readyz":                          true,
	"GET /static/{hash}/{name}":            true,
	"GET /{$}":                             true,
	"GET /login":                           true,
	"POST /login":                          true,
	"GET /signup":                          true,
	"POST /signup":                         true,
	"GET /signup/sent":                     true,
	"GET /verify/{token}":                  true,
	"POST /verify/{token}":                 true,
	"GET /reset":                           true,
	"POST /reset":                          true,
	"GET /reset/sent":                      true,
	"GET /reset/{token}":                   true,
	"POST /reset/{token}":                  true,
	"GET /settings/email/confirm/{token}":  true,
	"POST /settings/email/confirm/{token}": true,
	"GET /setup/{token}":                   true,
	"POST /setup/{token}":                  true,
	"GET /api/v1/openapi.json":             true,

	// Programs: what researchers read before they test. Drafts answer 404
	// to anyone outside their team, like an unknown slug.
	"GET /programs":                        true,
	"GET /programs/{slug}":                 true,
	"GET /programs/{slug}/security.txt":    true, // RFC 9116; 404 for drafts
	"GET /programs/{slug}/pgp-key.asc":     true, // a public key
	"GET /programs/{slug}/rules":           true, // what researchers accepted
	"GET /programs/{slug}/rules/{version}": true,
	// Disclosed reports: both sides agreed to publish them; anything else
	// is the 404 of an unknown id.
	"GET /programs/{slug}/disclosed":             true,
	"GET /programs/{slug}/disclosed/{id}":        true,
	"GET /api/v1/programs/{slug}/disclosed":      true,
	"GET /api/v1/programs/{slug}/disclosed/{id}": true,
	// Attachments: OpenAttachment lets the report's reporter and team
	// through, and anyone to the public files of a fully disclosed
	// report; everyone else gets the 404 of an unknown id.
	"GET /attachments/{id}":         true,
	"GET /api/v1/attachments/{id}":  true,
	"GET /.well-known/security.txt": true,
	// Anonymous feedback is the point: nothing about the sender is kept,
	// and it is rate-limited per address.
	"POST /programs/{slug}/feedback": true,
	// The link is the credential; accepting it needs an account.
	"GET /invitations/{token}": true,
	// The API's public reads: public fields of public programs, more with
	// a token of the team.
	"GET /api/v1/programs":                 true,
	"GET /api/v1/programs/{slug}":          true,
	"GET /api/v1/programs/{slug}/assets":   true,
	"GET /api/v1/programs/{slug}/rewards":  true,
	"GET /api/v1/programs/{slug}/updates":  true,
	"GET /api/v1/programs/{slug}/activity": true,
	// A CVSS calculator: it scores the vector it is given and reads
	// nothing stored, so it tells nobody anything about any report.
	"GET /api/v1/cvss": true,
}

var wildcard = regexp.MustCompile(`\{[^}]*\}`)

// routeRequest turns a registered pattern into a method and a concrete
// path: {$} ends the path, ids become "1", one-time link tokens random.
func routeRequest(pattern string) (method, path string) {
	method, path, _ = strings.Cut(pattern, " ")
	path = wildcard.ReplaceAllStringFunc(path, func(w string) string {
		switch w {
		case "{$}":
			return ""
		case "{token}":
			b := make([]byte, 32)
			rand.Read(b)
			return hex.EncodeToString(b)
		case "{hash}":
			return "000000000000"
		case "{name}":
			return "haven.css"
		}
		return "1"
	})
	return method, path
}

// logRouteTable writes the route table as "METHOD /path  access" lines.
func logRouteTable(t *testing.T, routes []web.RouteInfo) {
	t.Helper()
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	tw.Write([]byte("METHOD\tPATH\tACCESS\n"))
	for _, r := range routes {
		method, path, _ := strings.Cut(r.Pattern, " ")
		tw.Write([]byte(method + "\t" + path + "\t" + r.Access + "\n"))
	}
	tw.Flush()
	t.Logf("%d routes:\n%s", len(routes), b.String())
}

// TestRoutesRequireAuth walks the route table (ASVS 8.2.1): every route has
// a known access level, public routes are the reviewed ones, and every
// other route refuses an anonymous request before its handler runs, the
// way its kind of client expects.
func TestRoutesRequireAuth(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	routes := e.Web.Routes()
	if len(routes) == 0 {
		t.Fatal("the route table is empty")
	}
	logRouteTable(t, routes)

	seen := map[string]bool{}
	for _, r := range routes {
		if seen[r.Pattern] {
			t.Errorf("%s: registered twice", r.Pattern)
		}
		seen[r.Pattern] = true
		want, ok := accessNames[r.Access]
		if !ok {
			t.Errorf("%s: access %q is not a known level", r.Pattern, r.Access)
			continue
		}
		_, path := routeRequest(r.Pattern)
		if r.API != want.api || r.Public != want.public {
			t.Errorf("%s: access %q reported as API=%t public=%t, want API=%t public=%t",
				r.Pattern, r.Access, r.API, r.Public, want.api, want.public)
		}
		if r.API != strings.HasPrefix(path, "/api/") {
			t.Errorf("%s: API=%t but the path says otherwise", r.Pattern, r.API)
		}
		if r.Public && !reviewedPublic[r.Pattern] {
			t.Errorf("%s: public but not in reviewedPublic; review who may use it, then add it", r.Pattern)
		}
	}
	for p := range reviewedPublic {
		if !seen[p] {
			t.Errorf("reviewedPublic lists %s, which is not a route", p)
		}
	}

	for _, r := range routes {
		if r.Public {
			continue
		}
		method, path := routeRequest(r.Pattern)
		methods := []string{method}
		if method == http.MethodGet {
			methods = append(methods, http.MethodHead) // HEAD answers as GET does
		}
		for _, m := range methods {
			name := m + " " + path
			c := e.Client(t)
			req, _ := http.NewRequest(m, e.URL(path), nil)
			if m != http.MethodGet && m != http.MethodHead {
				req.Header.Set("Origin", e.Server.URL)
				req.Header.Set("Sec-Fetch-Site", "same-origin")
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			}
			resp := c.Do(req)
			switch {
			case r.API:
				if resp.StatusCode != http.StatusUnauthorized {
					t.Errorf("%s (%s): status %d, want 401", name, r.Access, resp.StatusCode)
				}
				if ct := resp.Header.Get("Content-Type"); ct != "application/problem+json; charset=utf-8" {
					t.Errorf("%s: Content-Type %q, want problem+json", name, ct)
				}
				if got := resp.Header.Get("WWW-Authenticate"); got != `Bearer realm="haven"` {
					t.Errorf("%s: WWW-Authenticate %q", name, got)
				}
			case m == http.MethodGet || m == http.MethodHead:
				want := "/login?next=" + url.QueryEscape(path)
				if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != want {
					t.Errorf("%s (%s): %d Location %q, want 303 to %q", name, r.Access, resp.StatusCode, resp.Header.Get("Location"), want)
				}
			default:
				// A form post cannot be replayed after logging in: the
				// answer is a 401 page, not a redirect.
				if resp.StatusCode != http.StatusUnauthorized {
					t.Errorf("%s (%s): status %d, want 401", name, r.Access, resp.StatusCode)
				}
				if ct := resp.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
					t.Errorf("%s: Content-Type %q, want an HTML error page", name, ct)
				}
				if !strings.Contains(resp.Body, "Log in to continue.") {
					t.Errorf("%s: body is not the 401 page:\n%s", name, resp.Body)
				}
			}
			if sc := resp.Header.Values("Set-Cookie"); len(sc) > 0 {
				t.Errorf("%s: an anonymous refusal set cookies %q", name, sc)
			}
		}
	}
}

// withoutRequestID replaces the request id an error page or problem shows,
// the one part that differs between two otherwise identical answers.
func withoutRequestID(body, id string) string {
	if id == "" {
		return body
	}
	return strings.ReplaceAll(body, id, "REQUEST-ID")
}

// TestAdminRoutesLookMissing checks that a signed-in account without admin
// rights cannot tell an admin route from a path that does not exist:
// same status, same headers, same page.
func TestAdminRoutesLookMissing(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.CreateUser(t, "user@example.com", "user password 1", false)
	e.CreateUser(t, "admin@example.com", "admin password 1", true)
	user := e.Client(t)
	user.LogIn("user@example.com", "user password 1")
	admin := e.Client(t)
	admin.LogIn("admin@example.com", "admin password 1")
	userToken := e.Token(t, mustUser(t, e, "user@example.com"))

	send := func(c *apptest.Client, r web.RouteInfo, method, path string) *apptest.Response {
		t.Helper()
		if r.API {
			return c.API(method, path, userToken, nil)
		}
		if method == http.MethodGet {
			return c.Get(path)
		}
		req, _ := http.NewRequest(method, e.URL(path), strings.NewReader(""))
		req.Header.Set("Origin", e.Server.URL)
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		return c.Do(req)
	}
	n := 0
	for _, r := range e.Web.Routes() {
		if r.Access != "instance-admin" && r.Access != "api-instance-admin" {
			continue
		}
		n++
		method, path := routeRequest(r.Pattern)
		got := send(user, r, method, path)
		// The same path with one letter more matches no pattern, for any
		// method.
		missing := send(user, r, method, path+"x")
		if missing.StatusCode != http.StatusNotFound {
			t.Fatalf("%s %sx: status %d; the comparison path must not exist", method, path, missing.StatusCode)
		}
		if got.StatusCode != missing.StatusCode {
			t.Errorf("%s as non-admin: status %d, unknown path %d", r.Pattern, got.StatusCode, missing.StatusCode)
		}
		for _, h := range []string{"Content-Type", "Content-Length", "Cache-Control", "Content-Security-Policy", "Allow", "WWW-Authenticate", "Set-Cookie"} {
			if g, m := got.Header.Values(h), missing.Header.Values(h); strings.Join(g, "\n") != strings.Join(m, "\n") {
				t.Errorf("%s as non-admin: header %s %q, unknown path %q", r.Pattern, h, g, m)
			}
		}
		gb := withoutRequestID(got.Body, got.Header.Get("X-Request-Id"))
		mb := withoutRequestID(missing.Body, missing.Header.Get("X-Request-Id"))
		if gb != mb {
			t.Errorf("%s as non-admin: body differs from an unknown path's\n--- admin route:\n%s\n--- unknown path:\n%s", r.Pattern, gb, mb)
		}
		// An admin does get past the route check: the 404 is not for
		// everyone. (Only pages: posting would change accounts.)
		if method == http.MethodGet {
			if a := send(admin, r, method, path); a.StatusCode != http.StatusOK {
				t.Errorf("%s as admin: status %d, want 200", r.Pattern, a.StatusCode)
			}
		}
	}
	if n == 0 {
		t.Fatal("no admin routes found")
	}
}

// TestNoRedirectLoops follows every GET page's redirects, for a visitor
// and a signed-in account: each chain must end on a page within a few hops.
func TestNoRedirectLoops(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.CreateUser(t, "user@example.com", "user password 1", false)
	visitor := e.Client(t)
	user := e.Client(t)
	user.LogIn("user@example.com", "user password 1")
	for _, r := range e.Web.Routes() {
		method, path := routeRequest(r.Pattern)
		if r.API || method != http.MethodGet {
			continue
		}
		for who, c := range map[string]*apptest.Client{"visitor": visitor, "signed-in": user} {
			at, hops := path, []string{path}
			for {
				resp := c.Get(at)
				if resp.StatusCode < 300 || resp.StatusCode > 399 {
					break
				}
				at = resp.Header.Get("Location")
				if !strings.HasPrefix(at, "/") || strings.HasPrefix(at, "//") {
					t.Errorf("%s GET %s: redirected off the site to %q", who, path, at)
					break
				}
				hops = append(hops, at)
				if len(hops) > 4 {
					t.Errorf("%s GET %s: redirect loop: %s", who, path, strings.Join(hops, " → "))
					break
				}
			}
		}
	}
}
