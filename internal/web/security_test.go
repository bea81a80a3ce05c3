package web_test

import (
	"bufio"
	"context"
	"encoding/json"
	"html"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/haven-project/haven/internal/app"
	"github.com/haven-project/haven/internal/apptest"
	"github.com/haven-project/haven/internal/haven"
	"github.com/haven-project/haven/internal/web"
)

func mustUser(t testing.TB, e *apptest.Env, email string) *haven.User {
	t.Helper()
	u, err := e.App.UserByEmail(context.Background(), haven.System, email)
	if err != nil {
		t.Fatalf("UserByEmail(%s): %v", email, err)
	}
	return u
}

// httpsServer builds a second web.Server over e's App whose public URL is
// https://haven.example, as behind a TLS-terminating proxy. Tests call its
// ServeHTTP directly with http:// requests, so r.TLS stays nil and only the
// configuration can make it behave as secure.
func httpsServer(t testing.TB, e *apptest.Env) *web.Server {
	t.Helper()
	s, err := web.New(e.App, web.Config{BaseURL: "https://haven.example"}, slog.New(slog.NewJSONHandler(e.Logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// serveRecorded sends one request to h and returns the recorded response.
func serveRecorded(h http.Handler, method, target string, form url.Values, header map[string]string) *http.Response {
	var req *http.Request
	if form != nil {
		req = httptest.NewRequest(method, target, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	} else {
		req = httptest.NewRequest(method, target, nil)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Result()
}

var sameOriginHeader = map[string]string{"Sec-Fetch-Site": "same-origin"}

// sendForm posts a form with the given extra headers (and none of the
// same-origin headers apptest's Post adds).
func sendForm(c *apptest.Client, e *apptest.Env, path string, form url.Values, header map[string]string) *apptest.Response {
	req, _ := http.NewRequest(http.MethodPost, e.URL(path), strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	return c.Do(req)
}

var staticCSS = regexp.MustCompile(`/static/[0-9a-f]+/haven\.css`)

// checkCommonHeaders checks the headers every response carries (ASVS
// V3.4, 13.4, 14.3.2; SECURITY.md 1.3: "CSP on every response, errors
// too").
func checkCommonHeaders(t *testing.T, name string, h http.Header, bodyLen int) {
	t.Helper()
	csp := h.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'none'", "frame-ancestors 'none'", "object-src 'none'", "base-uri 'none'", "form-action 'self'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("%s: CSP %q lacks %s", name, csp, want)
		}
	}
	for _, bad := range []string{"'unsafe-inline'", "'unsafe-eval'", "*", "http:", "https:"} {
		if strings.Contains(csp, bad) {
			t.Errorf("%s: CSP %q allows %s", name, csp, bad)
		}
	}
	for k, want := range map[string]string{
		"X-Content-Type-Options":       "nosniff",
		"Referrer-Policy":              "no-referrer",
		"X-Frame-Options":              "DENY",
		"Cross-Origin-Opener-Policy":   "same-origin",
		"Cross-Origin-Resource-Policy": "same-origin",
	} {
		if got := h.Get(k); got != want {
			t.Errorf("%s: %s %q, want %q", name, k, got, want)
		}
	}
	if h.Get("X-Request-Id") == "" {
		t.Errorf("%s: no X-Request-Id", name)
	}
	if ct := h.Get("Content-Type"); bodyLen > 0 && !strings.Contains(ct, "charset=utf-8") {
		t.Errorf("%s: Content-Type %q of a %d-byte body names no charset", name, ct, bodyLen)
	}
}

// TestSecurityHeaders checks every kind of response for the same security
// headers: pages, redirects, errors of each kind, the API and static files.
func TestSecurityHeaders(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	c := e.Client(t)
	login := c.Get("/login")
	css := staticCSS.FindString(login.Body)
	if css == "" {
		t.Fatalf("no stylesheet link on /login:\n%s", login.Body)
	}
	const noStore = "no-store"
	cases := []struct {
		name         string
		method, path string
		header       map[string]string
		status       int
		cache        string
		allow        string
	}{
		{"page", "GET", "/login", nil, 200, noStore, ""},
		{"redirect to log in", "GET", "/settings", nil, 303, noStore, ""},
		{"unknown path", "GET", "/no-such-page", nil, 404, noStore, ""},
		{"PUT on a page", "PUT", "/login", nil, 405, noStore, "GET, HEAD, POST"},
		{"TRACE", "TRACE", "/", nil, 405, noStore, "GET, HEAD"},
		{"POST to a page", "POST", "/", sameOriginHeader, 405, noStore, "GET, HEAD"},
		{"anonymous form post", "POST", "/settings", sameOriginHeader, 401, noStore, ""},
		{"cross-origin post", "POST", "/login", map[string]string{"Sec-Fetch-Site": "cross-site"}, 403, noStore, ""},
		{"API unauthenticated", "GET", "/api/v1/me", nil, 401, noStore, ""},
		{"API unknown path", "GET", "/api/v1/nope", nil, 404, noStore, ""},
		{"API wrong method", "PUT", "/api/v1/me", nil, 405, noStore, "GET, HEAD"},
		{"static file", "GET", css, nil, 200, "public, max-age=31536000, immutable", ""},
		{"static file, stale hash", "GET", "/static/000000000000/haven.css", nil, 404, noStore, ""},
		{"health", "GET", "/healthz", nil, 200, noStore, ""},
	}
	for _, tc := range cases {
		req, _ := http.NewRequest(tc.method, e.URL(tc.path), nil)
		for k, v := range tc.header {
			req.Header.Set(k, v)
		}
		r := c.Do(req)
		if r.StatusCode != tc.status {
			t.Errorf("%s: %s %s: status %d, want %d", tc.name, tc.method, tc.path, r.StatusCode, tc.status)
		}
		checkCommonHeaders(t, tc.name, r.Header, len(r.Body))
		if got := r.Header.Get("Cache-Control"); got != tc.cache {
			t.Errorf("%s: Cache-Control %q, want %q", tc.name, got, tc.cache)
		}
		if got := r.Header.Get("Allow"); got != tc.allow {
			t.Errorf("%s: Allow %q, want %q", tc.name, got, tc.allow)
		}
		if got := r.Header.Get("Strict-Transport-Security"); got != "" {
			t.Errorf("%s: HSTS %q over plain http with an http base URL", tc.name, got)
		}
	}
}

// TestHSTS checks that HSTS (at least a year, with subdomains) is sent when
// the public URL is https, on every kind of response, or when the request
// itself came over TLS.
func TestHSTS(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	s := httpsServer(t, e)
	check := func(name string, resp *http.Response) {
		t.Helper()
		hsts := resp.Header.Get("Strict-Transport-Security")
		var maxAge int
		for _, part := range strings.Split(hsts, ";") {
			if v, ok := strings.CutPrefix(strings.TrimSpace(part), "max-age="); ok {
				maxAge, _ = strconv.Atoi(v)
			}
		}
		if maxAge < 365*24*3600 || !strings.Contains(hsts, "includeSubDomains") {
			t.Errorf("%s: HSTS %q, want max-age ≥ 1 year and includeSubDomains", name, hsts)
		}
	}
	cases := []struct {
		name, method, path string
		header             map[string]string
		status             int
	}{
		{"page", "GET", "/login", nil, 200},
		{"redirect", "GET", "/settings", nil, 303},
		{"unknown path", "GET", "/no-such-page", nil, 404},
		{"wrong method", "PUT", "/login", nil, 405},
		{"cross-origin", "POST", "/login", map[string]string{"Sec-Fetch-Site": "cross-site"}, 403},
		{"API", "GET", "/api/v1/me", nil, 401},
	}
	for _, tc := range cases {
		resp := serveRecorded(s, tc.method, "http://haven.example"+tc.path, nil, tc.header)
		if resp.StatusCode != tc.status {
			t.Errorf("%s: status %d, want %d", tc.name, resp.StatusCode, tc.status)
		}
		check(tc.name, resp)
	}
	// The http-configured server still says it when a request did come
	// over TLS.
	check("TLS request", serveRecorded(e.Web, "GET", "https://"+e.Server.Listener.Addr().String()+"/login", nil, nil))
}

// TestCrossOriginRefused checks the CSRF defence (ASVS 3.5): a form post
// from another site is refused before it changes anything, by
// Sec-Fetch-Site or, from older browsers, by Origin.
func TestCrossOriginRefused(t *testing.T) {
	t.Parallel()
	apptest.Run(t, func(t *testing.T, e *apptest.Env) {
		const email, pw, newPW = "victim@example.com", "victim password 1", "changed password 2"
		e.CreateUser(t, email, pw, false)
		attacks := []struct {
			name   string
			header map[string]string
		}{
			{"Sec-Fetch-Site cross-site", map[string]string{"Sec-Fetch-Site": "cross-site"}},
			{"Sec-Fetch-Site same-site", map[string]string{"Sec-Fetch-Site": "same-site"}},
			{"Origin of another site", map[string]string{"Origin": "https://evil.example"}},
			{"Origin null", map[string]string{"Origin": "null"}},
			{"cross-site with a same-origin Origin", map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": e.Server.URL}},
		}
		for _, a := range attacks {
			c := e.Client(t)
			r := sendForm(c, e, "/login", url.Values{"email": {email}, "password": {pw}}, a.header)
			if r.StatusCode != http.StatusForbidden {
				t.Errorf("POST /login, %s: status %d, want 403", a.name, r.StatusCode)
			}
			if !strings.Contains(r.Body, "came from another site") {
				t.Errorf("POST /login, %s: not the cross-origin error page:\n%s", a.name, r.Body)
			}
			if c.Cookie("haven_session") != "" {
				t.Errorf("POST /login, %s: a session cookie was set", a.name)
			}
		}

		c := e.Client(t)
		c.LogIn(email, pw)
		change := url.Values{"current_password": {pw}, "new_password": {newPW}}
		for _, a := range attacks {
			r := sendForm(c, e, "/settings/password", change, a.header)
			if r.StatusCode != http.StatusForbidden {
				t.Errorf("POST /settings/password, %s: status %d, want 403", a.name, r.StatusCode)
			}
		}
		// Nothing changed: the old password still logs in, the new one not.
		e.Client(t).LogIn(email, pw)
		if r := e.Client(t).Post("/login", url.Values{"email": {email}, "password": {newPW}}); r.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("log in with the password a refused request tried to set: status %d, want 422", r.StatusCode)
		}
		// Safe methods are not refused: following a link from another site
		// works.
		if r := getWithHeaders(c, e, "/settings", map[string]string{"Sec-Fetch-Site": "cross-site"}); r.StatusCode != http.StatusOK {
			t.Errorf("GET /settings from another site: status %d, want 200", r.StatusCode)
		}
		// Same-origin passes.
		if r := c.Post("/settings/password", change); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("same-origin password change: status %d, want 303\n%s", r.StatusCode, r.Body)
		}
		e.Client(t).LogIn(email, newPW)

		// The API is exempt from the check because cookies do not
		// authenticate it: a bearer token works cross-origin, a session
		// cookie does not work at all.
		u := mustUser(t, e, email)
		secret, tok, err := e.App.CreateToken(context.Background(), haven.Actor{User: u}, app.CreateTokenInput{Name: "cross-origin"})
		if err != nil {
			t.Fatal(err)
		}
		req, _ := http.NewRequest(http.MethodDelete, e.URL("/api/v1/tokens/"+strconv.FormatInt(tok.ID, 10)), nil)
		req.Header.Set("Authorization", "Bearer "+secret)
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		req.Header.Set("Origin", "https://evil.example")
		if r := e.Client(t).Do(req); r.StatusCode != http.StatusNoContent {
			t.Errorf("cross-origin DELETE with a bearer token: status %d, want 204\n%s", r.StatusCode, r.Body)
		}
		for _, h := range []map[string]string{nil, {"Sec-Fetch-Site": "same-origin"}, {"Sec-Fetch-Site": "cross-site"}} {
			req, _ := http.NewRequest(http.MethodGet, e.URL("/api/v1/me"), nil)
			for k, v := range h {
				req.Header.Set(k, v)
			}
			r := c.Do(req) // c holds a valid session cookie
			if c.Cookie("haven_session") == "" {
				t.Fatal("the client lost its session cookie")
			}
			if r.StatusCode != http.StatusUnauthorized || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/problem+json") {
				t.Errorf("GET /api/v1/me with a session cookie, headers %v: %d %s, want 401 problem", h, r.StatusCode, r.Header.Get("Content-Type"))
			}
		}
	})
}

// getWithHeaders fetches a path with extra request headers.
func getWithHeaders(c *apptest.Client, e *apptest.Env, path string, header map[string]string) *apptest.Response {
	req, _ := http.NewRequest(http.MethodGet, e.URL(path), nil)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	return c.Do(req)
}

var tokenSecret = regexp.MustCompile(`hvn_[a-z2-7]{20,}`)

// TestLogsHoldNoSecrets runs the flows that handle secrets (log-in, failed
// log-in, API tokens, reset and confirmation links, refused requests) and
// then searches everything logged for them (ASVS 16.2.5; JS CVE-2022-24757
// logged cookies, JS GHSA-c3mw-737p-c7g2 tokens).
func TestLogsHoldNoSecrets(t *testing.T) {
	t.Parallel()
	apptest.Run(t, func(t *testing.T, e *apptest.Env) {
		const (
			email    = "owner@example.com"
			pw       = "owner password 1"
			wrongPW  = "not the password 9"
			resetPW  = "reset password 3"
			newEmail = "new@example.com"
			signupPW = "signup password 4"
		)
		e.CreateUser(t, email, pw, false)
		secrets := map[string]string{"password": pw, "wrong password": wrongPW, "reset password": resetPW, "sign-up password": signupPW}

		c := e.Client(t)
		if r := e.Client(t).Post("/login", url.Values{"email": {email}, "password": {wrongPW}}); r.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("wrong password: status %d", r.StatusCode)
		}
		c.LogIn(email, pw)
		secrets["session cookie"] = c.Cookie("haven_session")
		secrets["device cookie"] = c.Cookie("haven_device")

		r := c.Post("/settings/tokens", url.Values{"name": {"ci"}, "expires_in_days": {"30"}})
		token := tokenSecret.FindString(r.Body)
		if r.StatusCode != http.StatusOK || token == "" {
			t.Fatalf("create token: status %d, no secret shown\n%s", r.StatusCode, r.Body)
		}
		secrets["API token"] = token
		if r := c.API("GET", "/api/v1/me", token, nil); r.StatusCode != http.StatusOK {
			t.Errorf("GET /api/v1/me with the token: %d", r.StatusCode)
		}
		if r := c.API("GET", "/api/v1/me?token="+token, "", nil); r.StatusCode != http.StatusUnauthorized {
			t.Errorf("token in the URL: %d, want 401", r.StatusCode)
		}
		if r := c.API("GET", "/api/v1/me", "hvn_wrongwrongwrongwrongwrong", nil); r.StatusCode != http.StatusUnauthorized {
			t.Errorf("wrong token: %d, want 401", r.StatusCode)
		}
		secrets["wrong token"] = "hvn_wrongwrongwrongwrongwrong"
		if r := c.Get("/nope?token=hvn_x&access_token=hvn_y"); r.StatusCode != http.StatusNotFound {
			t.Errorf("404 with a token in the query: %d", r.StatusCode)
		}
		secrets["query token"] = "hvn_x"
		// Refused requests carrying credentials.
		sendForm(e.Client(t), e, "/login", url.Values{"email": {email}, "password": {pw}}, map[string]string{"Sec-Fetch-Site": "cross-site"})
		c.Post("/settings/password", url.Values{"current_password": {wrongPW}, "new_password": {resetPW}})

		// A reset link and a sign-up confirmation link, opened and used.
		e.Client(t).Post("/reset", url.Values{"email": {email}})
		reset := apptest.LinkIn(t, e.LastMail(t, email), "/reset/")
		secrets["reset link"] = strings.TrimPrefix(reset, "/reset/")
		anon := e.Client(t)
		if r := anon.Get(reset); r.StatusCode != http.StatusOK {
			t.Errorf("GET reset link: %d", r.StatusCode)
		}
		if r := anon.Post(reset, url.Values{"password": {resetPW}}); r.StatusCode != http.StatusSeeOther {
			t.Errorf("POST reset link: %d\n%s", r.StatusCode, r.Body)
		}
		anon.Post("/signup", url.Values{"email": {newEmail}, "password": {signupPW}, "display_name": {"New"}})
		verify := apptest.LinkIn(t, e.LastMail(t, newEmail), "/verify/")
		secrets["confirmation link"] = strings.TrimPrefix(verify, "/verify/")
		anon.Get(verify)
		if r := anon.Post(verify, nil); r.StatusCode != http.StatusSeeOther {
			t.Errorf("POST confirmation link: %d", r.StatusCode)
		}

		logs := e.Logs.String()
		for name, s := range secrets {
			if s == "" {
				t.Errorf("%s: the flow did not produce one", name)
				continue
			}
			if strings.Contains(logs, s) {
				t.Errorf("the log holds the %s %q", name, s)
			}
		}
		lower := strings.ToLower(logs)
		for _, word := range []string{"authorization", "cookie", "bearer"} {
			if i := strings.Index(lower, word); i >= 0 {
				t.Errorf("the log mentions %q: …%s…", word, logs[max(0, i-100):min(len(logs), i+100)])
			}
		}
		// The links were logged, without their secret.
		for _, want := range []string{`"path":"/reset/{token}"`, `"path":"/verify/{token}"`} {
			if !strings.Contains(logs, want) {
				t.Errorf("no request logged with %s", want)
			}
		}
	})
}

// TestLogsEscapeControlCharacters checks that a request path cannot forge
// log lines or send terminal escapes to whoever reads the log (ASVS 16.4.1).
func TestLogsEscapeControlCharacters(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	c := e.Client(t)
	paths := []string{
		"/forged%0d%0a%7B%22msg%22:%22request%22,%22status%22:200%7D",
		"/forged%1b[31mred%1b[0m",
		"/reset/forged%0atoken",
		"/api/v1/forged%0d%0a%07",
	}
	for _, p := range paths {
		c.Get(p)
		sendForm(c, e, p, url.Values{}, map[string]string{"Sec-Fetch-Site": "cross-site"})
	}
	logs := e.Logs.String()
	if i := strings.IndexAny(logs, "\r\x1b\x07"); i >= 0 {
		t.Errorf("raw control character in the log: %q", logs[max(0, i-60):min(len(logs), i+60)])
	}
	n := 0
	sc := bufio.NewScanner(strings.NewReader(logs))
	for sc.Scan() {
		var entry map[string]any
		if err := json.Unmarshal(sc.Bytes(), &entry); err != nil {
			t.Errorf("log line is not one JSON object (forged?): %q", sc.Text())
			continue
		}
		path, _ := entry["path"].(string)
		if !strings.Contains(path, "forged") {
			continue
		}
		n++
		if strings.ContainsFunc(path, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
			t.Errorf("%v: logged path %q holds control characters", entry["msg"], path)
		}
	}
	if n < len(paths) {
		t.Errorf("found %d log entries with the test paths, want at least %d", n, len(paths))
	}
}

// cookieNamed returns the Set-Cookie of the response with that name.
func cookieNamed(resp *http.Response, name string) *http.Cookie {
	for _, c := range resp.Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// TestSessionCookie checks the session and device cookies' attributes
// (ASVS 3.3.1–3.3.4): HttpOnly, SameSite=Lax, Path=/, no Domain, and over
// https the __Host- prefix and Secure.
func TestSessionCookie(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	const email, pw = "user@example.com", "user password 1"
	e.CreateUser(t, email, pw, false)
	form := url.Values{"email": {email}, "password": {pw}}

	deviceLife := 180 * 24 * time.Hour
	cases := []struct {
		name    string
		h       http.Handler
		target  string
		prefix  string
		secure  bool
		headers map[string]string
	}{
		{"http", e.Web, e.URL("/login"), "", false, map[string]string{"Origin": e.Server.URL}},
		{"https base URL", httpsServer(t, e), "http://haven.example/login", "__Host-", true, sameOriginHeader},
	}
	for _, tc := range cases {
		resp := serveRecorded(tc.h, "POST", tc.target, form, tc.headers)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("%s: log in: status %d", tc.name, resp.StatusCode)
		}
		for _, raw := range resp.Header.Values("Set-Cookie") {
			if strings.Contains(strings.ToLower(raw), "domain=") {
				t.Errorf("%s: cookie with a Domain: %s", tc.name, raw)
			}
		}
		for _, name := range []string{"haven_session", "haven_device"} {
			if tc.prefix != "" && cookieNamed(resp, name) != nil {
				t.Errorf("%s: cookie %s set without the %s prefix", tc.name, name, tc.prefix)
			}
			c := cookieNamed(resp, tc.prefix+name)
			if c == nil {
				t.Errorf("%s: no %s%s cookie in %q", tc.name, tc.prefix, name, resp.Header.Values("Set-Cookie"))
				continue
			}
			if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || c.Domain != "" || c.Secure != tc.secure {
				t.Errorf("%s: %s: HttpOnly=%t SameSite=%v Path=%q Domain=%q Secure=%t, want HttpOnly, Lax, /, no Domain, Secure=%t",
					tc.name, c.Name, c.HttpOnly, c.SameSite, c.Path, c.Domain, c.Secure, tc.secure)
			}
			if len(c.Value) < 43 { // 256 bits, base64
				t.Errorf("%s: %s value %q is short", tc.name, c.Name, c.Value)
			}
			switch name {
			case "haven_session":
				// A browser-session cookie; the server ends the session.
				if c.MaxAge != 0 || !c.Expires.IsZero() {
					t.Errorf("%s: session cookie persists: Max-Age=%d Expires=%v", tc.name, c.MaxAge, c.Expires)
				}
			case "haven_device":
				// Its lifetime comes from the App's clock, in both
				// attributes.
				if c.MaxAge != int(deviceLife.Seconds()) || !c.Expires.Equal(e.Clock.Now().Add(deviceLife).Truncate(time.Second)) {
					t.Errorf("%s: device cookie Max-Age=%d Expires=%v, want %d and %v", tc.name, c.MaxAge, c.Expires,
						int(deviceLife.Seconds()), e.Clock.Now().Add(deviceLife))
				}
			}
		}
	}

	// Over https only the __Host- cookie is the session.
	s := httpsServer(t, e)
	resp := serveRecorded(s, "POST", "http://haven.example/login", form, sameOriginHeader)
	sess := cookieNamed(resp, "__Host-haven_session")
	if sess == nil {
		t.Fatal("no __Host-haven_session")
	}
	if r := serveRecorded(s, "GET", "http://haven.example/settings", nil, map[string]string{"Cookie": "__Host-haven_session=" + sess.Value}); r.StatusCode != http.StatusOK {
		t.Errorf("GET /settings with the __Host- cookie: %d, want 200", r.StatusCode)
	}
	if r := serveRecorded(s, "GET", "http://haven.example/settings", nil, map[string]string{"Cookie": "haven_session=" + sess.Value}); r.StatusCode != http.StatusSeeOther {
		t.Errorf("GET /settings with the value under the unprefixed name: %d, want 303 to log in", r.StatusCode)
	}
}

// plantCookie puts a cookie into a client's jar, as an attacker who can
// write cookies for the site (a sibling subdomain, a shared computer) would.
func plantCookie(c *apptest.Client, e *apptest.Env, name, value string) {
	u, _ := url.Parse(e.Server.URL)
	c.Jar.SetCookies(u, []*http.Cookie{{Name: name, Value: value, Path: "/"}})
}

// TestSessionFixation checks that logging in always starts a new session
// (ASVS 7.2.4): a session id planted before log-in never becomes the
// victim's session.
func TestSessionFixation(t *testing.T) {
	t.Parallel()
	apptest.Run(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		for _, u := range []app.CreateUserInput{
			{Email: "victim@example.com", Password: "victim password 1", DisplayName: "Victoria Victim"},
			{Email: "mallory@example.com", Password: "mallory password 1", DisplayName: "Mallory Attacker"},
		} {
			if _, err := e.App.CreateUser(ctx, haven.System, u); err != nil {
				t.Fatal(err)
			}
		}
		attacker := e.Client(t)
		attacker.LogIn("mallory@example.com", "mallory password 1")
		attackerSession := attacker.Cookie("haven_session")

		for _, planted := range []struct{ name, value string }{
			{"made-up value", "fixated-by-the-attacker-0123456789abcdefghijklmnopq"},
			{"the attacker's own live session", attackerSession},
		} {
			victim := e.Client(t)
			plantCookie(victim, e, "haven_session", planted.value)
			victim.LogIn("victim@example.com", "victim password 1")
			got := victim.Cookie("haven_session")
			if got == "" || got == planted.value {
				t.Errorf("%s: session after log-in is %q, the planted value", planted.name, got)
			}
			if r := victim.Get("/settings"); r.StatusCode != http.StatusOK || !strings.Contains(r.Body, "Victoria Victim") {
				t.Errorf("%s: the victim's new session does not work: %d", planted.name, r.StatusCode)
			}
			// The planted value gives the attacker nothing of the victim.
			replay := e.Client(t)
			plantCookie(replay, e, "haven_session", planted.value)
			r := replay.Get("/settings")
			if strings.Contains(r.Body, "Victoria Victim") {
				t.Errorf("%s: the planted cookie shows the victim's account", planted.name)
			}
			if planted.value != attackerSession && r.StatusCode != http.StatusSeeOther {
				t.Errorf("%s: the planted cookie answers %d, want 303 to log in", planted.name, r.StatusCode)
			}
		}
	})
}

// TestLogOutEndsSession checks that logging out ends the session on the
// server (ASVS 7.4.1): replaying the old cookie gets nowhere.
func TestLogOutEndsSession(t *testing.T) {
	t.Parallel()
	apptest.Run(t, func(t *testing.T, e *apptest.Env) {
		e.CreateUser(t, "user@example.com", "user password 1", false)
		c := e.Client(t)
		c.LogIn("user@example.com", "user password 1")
		old := c.Cookie("haven_session")
		r := c.Post("/logout", nil)
		if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/login" {
			t.Fatalf("log out: %d %q", r.StatusCode, r.Header.Get("Location"))
		}
		if c.Cookie("haven_session") != "" {
			t.Error("log out left the session cookie in the browser")
		}
		replay := e.Client(t)
		plantCookie(replay, e, "haven_session", old)
		if r := replay.Get("/settings"); r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/login?next=%2Fsettings" {
			t.Errorf("GET /settings with the logged-out cookie: %d %q, want 303 to /login?next=%%2Fsettings", r.StatusCode, r.Header.Get("Location"))
		}
		plantCookie(replay, e, "haven_session", old)
		if r := replay.Post("/settings", url.Values{"display_name": {"Hijacked"}}); r.StatusCode != http.StatusUnauthorized {
			t.Errorf("POST /settings with the logged-out cookie: %d, want 401", r.StatusCode)
		}
	})
}

// TestLoginRedirectStaysOnSite checks the ?next= parameter of log-in
// (ASVS 3.7.2): only same-origin relative paths are followed, whether the
// value comes through the log-in page, straight in the form, or to an
// account that is already signed in.
func TestLoginRedirectStaysOnSite(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	const email, pw = "user@example.com", "user password 1"
	e.CreateUser(t, email, pw, false)
	signedIn := e.Client(t)
	signedIn.LogIn(email, pw)
	cases := []struct{ next, want string }{
		{"//evil.example", "/"},
		{"https://evil.example", "/"},
		{"http:evil.example", "/"},
		{`/\evil.example`, "/"},
		{`/\/evil.example`, "/"},
		{`\\evil.example`, "/"},
		{"/\t/evil.example", "/"},
		{"/\r\n/evil.example", "/"},
		{" //evil.example", "/"},
		{"javascript:alert(1)", "/"},
		{"", "/"},
		{"/settings/tokens", "/settings/tokens"},
		{"/settings/sessions?x=1", "/settings/sessions?x=1"},
	}
	hidden := regexp.MustCompile(`name="next" value="([^"]*)"`)
	for _, tc := range cases {
		// The log-in page carries only a safe value on.
		page := e.Client(t).Get("/login?next=" + url.QueryEscape(tc.next))
		m := hidden.FindStringSubmatch(page.Body)
		if m == nil || html.UnescapeString(m[1]) != tc.want {
			t.Errorf("GET /login?next=%q: hidden next %q, want %q", tc.next, m, tc.want)
		}
		// A hand-made form gets the same treatment.
		r := e.Client(t).Post("/login", url.Values{"email": {email}, "password": {pw}, "next": {tc.next}})
		if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != tc.want {
			t.Errorf("POST /login next=%q: %d Location %q, want %q", tc.next, r.StatusCode, r.Header.Get("Location"), tc.want)
		}
		// So does a signed-in visit to the log-in page.
		r = signedIn.Get("/login?next=" + url.QueryEscape(tc.next))
		if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != tc.want {
			t.Errorf("signed in, GET /login?next=%q: %d Location %q, want %q", tc.next, r.StatusCode, r.Header.Get("Location"), tc.want)
		}
	}

	// The whole round trip: a protected page, log in, back to that page.
	c := e.Client(t)
	r := c.Get("/settings/tokens")
	loc, _ := url.Parse(r.Header.Get("Location"))
	if r.StatusCode != http.StatusSeeOther || loc.Path != "/login" {
		t.Fatalf("GET /settings/tokens: %d %q", r.StatusCode, r.Header.Get("Location"))
	}
	next := loc.Query().Get("next")
	r = c.Post("/login", url.Values{"email": {email}, "password": {pw}, "next": {next}})
	if r.Header.Get("Location") != "/settings/tokens" {
		t.Errorf("after log-in: Location %q, want /settings/tokens", r.Header.Get("Location"))
	}
}

// TestServerErrorsAreGeneric breaks the database under a running server:
// pages and the API answer a generic 5xx with the usual headers and no
// internal detail, the full error goes to the log with the request id, the
// session survives the outage, and readiness fails (ASVS 16.5.1, A9).
func TestServerErrorsAreGeneric(t *testing.T) {
	t.Parallel()
	apptest.Run(t, func(t *testing.T, e *apptest.Env) {
		u := e.CreateUser(t, "user@example.com", "user password 1", false)
		token := e.Token(t, u)
		c := e.Client(t)
		c.LogIn("user@example.com", "user password 1")
		if err := e.DB.Close(); err != nil {
			t.Fatal(err)
		}
		internal := []string{"sql", "closed", "database", "store.", "haven_test_"}

		r := c.Get("/settings")
		if r.StatusCode != http.StatusInternalServerError {
			t.Fatalf("GET /settings with the database closed: %d, want 500\n%s", r.StatusCode, r.Body)
		}
		checkCommonHeaders(t, "500 page", r.Header, len(r.Body))
		if r.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("500 page: Cache-Control %q", r.Header.Get("Cache-Control"))
		}
		if !strings.Contains(r.Body, "Something went wrong on our side.") {
			t.Errorf("500 page lacks the generic message:\n%s", r.Body)
		}
		id := r.Header.Get("X-Request-Id")
		if !strings.Contains(r.Body, id) {
			t.Errorf("500 page does not show request id %s", id)
		}
		for _, s := range internal {
			if strings.Contains(strings.ToLower(r.Body), s) {
				t.Errorf("500 page shows %q:\n%s", s, r.Body)
			}
		}
		if sc := r.Header.Values("Set-Cookie"); len(sc) > 0 {
			t.Errorf("an outage logged the visitor out: Set-Cookie %q", sc)
		}
		found := false
		sc := bufio.NewScanner(strings.NewReader(e.Logs.String()))
		for sc.Scan() {
			var entry struct {
				Level     string `json:"level"`
				RequestID string `json:"request_id"`
				Err       string `json:"err"`
			}
			if json.Unmarshal(sc.Bytes(), &entry) == nil && entry.RequestID == id && entry.Level == "ERROR" && strings.Contains(entry.Err, "closed") {
				found = true
			}
		}
		if !found {
			t.Errorf("the 500's error was not logged at ERROR with request id %s", id)
		}

		r = c.API("GET", "/api/v1/me", token, nil)
		if r.StatusCode != http.StatusInternalServerError || r.Header.Get("Content-Type") != "application/problem+json; charset=utf-8" {
			t.Errorf("API with the database closed: %d %s, want 500 problem", r.StatusCode, r.Header.Get("Content-Type"))
		}
		var p map[string]any
		if err := json.Unmarshal([]byte(r.Body), &p); err != nil {
			t.Errorf("API 500: %v\n%s", err, r.Body)
		}
		if p["detail"] != "Something went wrong on our side. It has been logged; please try again later." {
			t.Errorf("API 500 detail %q", p["detail"])
		}
		for _, s := range internal {
			if strings.Contains(strings.ToLower(r.Body), s) {
				t.Errorf("API 500 shows %q:\n%s", s, r.Body)
			}
		}

		// Probes send no cookies.
		probe := e.Client(t)
		if r := probe.Get("/readyz"); r.StatusCode != http.StatusServiceUnavailable {
			t.Errorf("/readyz with the database closed: %d, want 503", r.StatusCode)
		}
		if r := probe.Get("/healthz"); r.StatusCode != http.StatusOK {
			t.Errorf("/healthz (liveness) with the database closed: %d, want 200", r.StatusCode)
		}
	})
}
