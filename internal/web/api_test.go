package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/haven-project/haven/internal/app"
	"github.com/haven-project/haven/internal/apptest"
	"github.com/haven-project/haven/internal/haven"
)

// problemOf checks that r is an RFC 9457 problem with the given status,
// served with a charset, and returns it decoded.
func problemOf(t *testing.T, name string, r *apptest.Response, status int) map[string]any {
	t.Helper()
	if r.StatusCode != status {
		t.Errorf("%s: status %d, want %d\n%s", name, r.StatusCode, status, r.Body)
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/problem+json; charset=utf-8" {
		t.Errorf("%s: Content-Type %q, want application/problem+json; charset=utf-8", name, ct)
	}
	var p map[string]any
	if err := json.Unmarshal([]byte(r.Body), &p); err != nil {
		t.Errorf("%s: body is not JSON: %v\n%s", name, err, r.Body)
		return nil
	}
	if p["status"] != float64(status) || p["title"] != http.StatusText(status) || p["type"] != "about:blank" {
		t.Errorf("%s: problem %v does not match status %d", name, p, status)
	}
	if want := "urn:haven:request:" + r.Header.Get("X-Request-Id"); p["instance"] != want {
		t.Errorf("%s: instance %v, want %s", name, p["instance"], want)
	}
	if status == http.StatusUnauthorized && r.Header.Get("WWW-Authenticate") != `Bearer realm="haven"` {
		t.Errorf("%s: 401 without WWW-Authenticate: Bearer", name)
	}
	return p
}

// apiRequest sends an API request with an exact Authorization header
// ("" for none).
func apiRequest(c *apptest.Client, e *apptest.Env, method, path, authorization string) *apptest.Response {
	req, _ := http.NewRequest(method, e.URL(path), nil)
	if authorization != "" {
		req.Header.Set("Authorization", authorization)
	}
	return c.Do(req)
}

// TestAPICredentialsOnlyInHeader checks that the API takes a token only
// from the Authorization header with the Bearer scheme, and refuses a
// request that carries one in the URL even when the header is right (ASVS
// 14.2.1: URLs end up in logs, history and Referer).
func TestAPICredentialsOnlyInHeader(t *testing.T) {
	t.Parallel()
	apptest.Run(t, func(t *testing.T, e *apptest.Env) {
		u := e.CreateUser(t, "user@example.com", "user password 1", false)
		token := e.Token(t, u)
		c := e.Client(t)
		cases := []struct {
			name, path, auth string
			status           int
		}{
			{"header", "/api/v1/me", "Bearer " + token, 200},
			{"header, lower-case scheme", "/api/v1/me", "bearer " + token, 200},
			{"no credentials", "/api/v1/me", "", 401},
			{"?token=", "/api/v1/me?token=" + token, "", 401},
			{"?access_token=", "/api/v1/me?access_token=" + token, "", 401},
			{"?api_key=", "/api/v1/me?api_key=" + token, "", 401},
			{"?token= and a valid header", "/api/v1/me?token=" + token, "Bearer " + token, 401},
			{"?access_token= and a valid header", "/api/v1/me?access_token=" + token, "Bearer " + token, 401},
			{"empty ?token= and a valid header", "/api/v1/me?token=", "Bearer " + token, 401},
			{"?token= on a public API route", "/api/v1/openapi.json?token=" + token, "", 401},
			{"Basic scheme", "/api/v1/me", "Basic " + token, 401},
			{"Token scheme", "/api/v1/me", "Token " + token, 401},
			{"scheme only", "/api/v1/me", "Bearer", 401},
			{"bare secret", "/api/v1/me", token, 401},
			{"unknown token", "/api/v1/me", "Bearer hvn_" + strings.Repeat("a", 52), 401},
			{"secret without its prefix", "/api/v1/me", "Bearer " + strings.TrimPrefix(token, app.TokenPrefix), 401},
		}
		for _, tc := range cases {
			r := apiRequest(c, e, "GET", tc.path, tc.auth)
			if tc.status == 200 {
				if r.StatusCode != 200 {
					t.Errorf("%s: status %d, want 200\n%s", tc.name, r.StatusCode, r.Body)
				}
				continue
			}
			p := problemOf(t, tc.name, r, tc.status)
			if strings.Contains(r.Body, token) {
				t.Errorf("%s: the answer echoes the token", tc.name)
			}
			if p != nil && p["detail"] != "Log in to continue." {
				t.Errorf("%s: detail %q", tc.name, p["detail"])
			}
		}
	})
}

// TestAPIMe checks /api/v1/me: exactly the documented fields, of the
// token's owner.
func TestAPIMe(t *testing.T) {
	t.Parallel()
	apptest.Run(t, func(t *testing.T, e *apptest.Env) {
		u, err := e.App.CreateUser(context.Background(), haven.System, app.CreateUserInput{
			Email: "ada@example.com", Password: "ada password 1", DisplayName: "Ada", Admin: true})
		if err != nil {
			t.Fatal(err)
		}
		e.CreateUser(t, "other@example.com", "other password 1", false)
		r := e.Client(t).API("GET", "/api/v1/me", e.Token(t, u), nil)
		if r.StatusCode != http.StatusOK || r.Header.Get("Content-Type") != "application/json; charset=utf-8" {
			t.Fatalf("GET /api/v1/me: %d %s\n%s", r.StatusCode, r.Header.Get("Content-Type"), r.Body)
		}
		if cc := r.Header.Get("Cache-Control"); cc != "no-store" {
			t.Errorf("authenticated answer: Cache-Control %q, want no-store", cc)
		}
		var got map[string]any
		if err := json.Unmarshal([]byte(r.Body), &got); err != nil {
			t.Fatal(err)
		}
		want := map[string]any{"id": float64(u.ID), "email": "ada@example.com", "display_name": "Ada", "admin": true}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("GET /api/v1/me (-want +got):\n%s", diff)
		}
	})
}

// TestAPITokenEndsAtOnce checks that a revoked token, an expired token and
// a disabled account's token stop working on the very next request (ASVS
// 7.4.1, 7.4.2).
func TestAPITokenEndsAtOnce(t *testing.T) {
	t.Parallel()
	apptest.Run(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		c := e.Client(t)
		works := func(name, token string, want bool) {
			t.Helper()
			r := c.API("GET", "/api/v1/me", token, nil)
			if want && r.StatusCode != http.StatusOK {
				t.Errorf("%s: status %d, want 200\n%s", name, r.StatusCode, r.Body)
			}
			if !want {
				problemOf(t, name, r, http.StatusUnauthorized)
			}
		}

		// Revoked through the API, with the token itself.
		u := e.CreateUser(t, "revoke@example.com", "revoke password 1", false)
		token := e.Token(t, u)
		works("before revoking", token, true)
		id := tokenID(t, c, token)
		if r := c.API("DELETE", "/api/v1/tokens/"+id, token, nil); r.StatusCode != http.StatusNoContent || r.Body != "" {
			t.Fatalf("DELETE own token: %d %q", r.StatusCode, r.Body)
		}
		works("revoked token", token, false)

		// Revoked on the settings page.
		token = e.Token(t, u)
		id = tokenID(t, c, token)
		page := e.Client(t)
		page.LogIn("revoke@example.com", "revoke password 1")
		if r := page.Post("/settings/tokens/"+id+"/revoke", nil); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("revoke on the page: %d", r.StatusCode)
		}
		works("token revoked on the page", token, false)

		// Expired.
		u2 := e.CreateUser(t, "expire@example.com", "expire password 1", false)
		token, _, err := e.App.CreateToken(ctx, haven.Actor{User: u2}, app.CreateTokenInput{Name: "short", ExpiresInDays: 1})
		if err != nil {
			t.Fatal(err)
		}
		e.Clock.Advance(24*time.Hour - time.Second)
		works("a second before expiry", token, true)
		e.Clock.Advance(time.Second)
		works("at expiry", token, false)

		// Disabled account.
		u3 := e.CreateUser(t, "disable@example.com", "disable password 1", false)
		token = e.Token(t, u3)
		works("before disabling", token, true)
		if err := e.App.SetUserDisabled(ctx, haven.System, u3.ID, true); err != nil {
			t.Fatal(err)
		}
		works("disabled account", token, false)
	})
}

// tokenID returns the id of the token, from the token list.
func tokenID(t *testing.T, c *apptest.Client, token string) string {
	t.Helper()
	r := c.API("GET", "/api/v1/tokens", token, nil)
	if r.StatusCode != http.StatusOK {
		t.Fatalf("GET /api/v1/tokens: %d\n%s", r.StatusCode, r.Body)
	}
	if strings.Contains(r.Body, token) {
		t.Error("the token list shows a secret")
	}
	var list struct {
		Tokens []struct {
			ID     int64  `json:"id"`
			Prefix string `json:"prefix"`
		} `json:"tokens"`
	}
	if err := json.Unmarshal([]byte(r.Body), &list); err != nil {
		t.Fatal(err)
	}
	for _, tk := range list.Tokens {
		if strings.HasPrefix(token, tk.Prefix) {
			return strconv.FormatInt(tk.ID, 10)
		}
	}
	t.Fatalf("token not in its owner's list:\n%s", r.Body)
	return ""
}

// TestOtherAccountsTokensLookMissing checks that one account acting on
// another's token or session id gets exactly the answer for an id that
// does not exist (ASVS 8.2.2), on the API and the pages, and changes
// nothing.
func TestOtherAccountsTokensLookMissing(t *testing.T) {
	t.Parallel()
	apptest.Run(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		alice := e.CreateUser(t, "alice@example.com", "alice password 1", false)
		bob := e.CreateUser(t, "bob@example.com", "bob password 1", false)
		aliceToken, bobToken := e.Token(t, alice), e.Token(t, bob)
		c := e.Client(t)
		bobTokenID := tokenID(t, c, bobToken)
		bobBrowser := e.Client(t)
		bobBrowser.LogIn("bob@example.com", "bob password 1")
		sessions, err := e.App.Sessions(ctx, haven.Actor{User: bob})
		if err != nil || len(sessions) != 1 {
			t.Fatalf("Bob's sessions: %v, %v", sessions, err)
		}
		bobSessionID := strconv.FormatInt(sessions[0].ID, 10)

		// The API.
		other := c.API("DELETE", "/api/v1/tokens/"+bobTokenID, aliceToken, nil)
		pOther := problemOf(t, "another account's token", other, http.StatusNotFound)
		for _, id := range []string{"999999", "0", "-1", "abc", "1e3"} {
			r := c.API("DELETE", "/api/v1/tokens/"+id, aliceToken, nil)
			p := problemOf(t, "token "+id, r, http.StatusNotFound)
			delete(p, "instance")
			q := map[string]any{}
			for k, v := range pOther {
				if k != "instance" {
					q[k] = v
				}
			}
			if diff := cmp.Diff(p, q); diff != "" {
				t.Errorf("another account's token vs. token %s (-missing +other):\n%s", id, diff)
			}
		}

		// The pages.
		aliceBrowser := e.Client(t)
		aliceBrowser.LogIn("alice@example.com", "alice password 1")
		for _, tc := range []struct{ name, other, missing string }{
			{"token", "/settings/tokens/" + bobTokenID + "/revoke", "/settings/tokens/999999/revoke"},
			{"session", "/settings/sessions/" + bobSessionID + "/revoke", "/settings/sessions/999999/revoke"},
		} {
			o := aliceBrowser.Post(tc.other, nil)
			m := aliceBrowser.Post(tc.missing, nil)
			if o.StatusCode != http.StatusNotFound || m.StatusCode != http.StatusNotFound {
				t.Errorf("%s: another account's %d, missing %d, want 404 both", tc.name, o.StatusCode, m.StatusCode)
			}
			ob := withoutRequestID(o.Body, o.Header.Get("X-Request-Id"))
			mb := withoutRequestID(m.Body, m.Header.Get("X-Request-Id"))
			if ob != mb {
				t.Errorf("%s: another account's id and a missing id answer differently:\n%s\n---\n%s", tc.name, ob, mb)
			}
		}

		// Bob's token and session still work.
		if r := c.API("GET", "/api/v1/me", bobToken, nil); r.StatusCode != http.StatusOK {
			t.Errorf("Bob's token after Alice's attempts: %d", r.StatusCode)
		}
		if r := bobBrowser.Get("/settings"); r.StatusCode != http.StatusOK {
			t.Errorf("Bob's session after Alice's attempts: %d", r.StatusCode)
		}
	})
}

// TestAPIErrors checks the API's own errors: problem details for unknown
// paths and wrong methods (with Allow), never an HTML page, and a charset
// on every body.
func TestAPIErrors(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	token := e.Token(t, e.CreateUser(t, "user@example.com", "user password 1", false))
	c := e.Client(t)
	cases := []struct {
		method, path string
		status       int
		allow        string
	}{
		{"GET", "/api/v1/nope", 404, ""},
		{"GET", "/api/v1/", 404, ""},
		{"GET", "/api/v2/me", 404, ""},
		{"DELETE", "/api/v1/nope/1", 404, ""},
		{"PUT", "/api/v1/me", 405, "GET, HEAD"},
		{"POST", "/api/v1/me", 405, "GET, HEAD"},
		{"POST", "/api/v1/tokens", 405, "GET, HEAD"},
		{"GET", "/api/v1/tokens/1", 405, "DELETE"},
		{"PATCH", "/api/v1/tokens/1", 405, "DELETE"},
		{"TRACE", "/api/v1/me", 405, "GET, HEAD"},
	}
	for _, tc := range cases {
		for _, tok := range []string{"", token} {
			name := fmt.Sprintf("%s %s (token %t)", tc.method, tc.path, tok != "")
			r := c.API(tc.method, tc.path, tok, nil)
			p := problemOf(t, name, r, tc.status)
			if got := r.Header.Get("Allow"); got != tc.allow {
				t.Errorf("%s: Allow %q, want %q", name, got, tc.allow)
			}
			if p != nil && p["detail"] == "" {
				t.Errorf("%s: no detail", name)
			}
		}
	}
	// Every API answer with a body names its charset.
	for _, tc := range []struct{ method, path string }{
		{"GET", "/api/v1/me"}, {"GET", "/api/v1/tokens"}, {"GET", "/api/v1/openapi.json"},
	} {
		r := c.API(tc.method, tc.path, token, nil)
		if r.StatusCode != http.StatusOK || !strings.HasSuffix(r.Header.Get("Content-Type"), "; charset=utf-8") {
			t.Errorf("%s %s: %d Content-Type %q", tc.method, tc.path, r.StatusCode, r.Header.Get("Content-Type"))
		}
	}
}

// TestOpenAPIMatchesRoutes checks the served OpenAPI document against the
// route table both ways: every API route is documented, every documented
// operation is a route (so the document describes nothing internal or
// gone), and each operation has an operationId and responses.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	r := e.Client(t).Get("/api/v1/openapi.json")
	if r.StatusCode != http.StatusOK || r.Header.Get("Content-Type") != "application/json; charset=utf-8" {
		t.Fatalf("GET /api/v1/openapi.json: %d %s", r.StatusCode, r.Header.Get("Content-Type"))
	}
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Servers []struct{ URL string }                `json:"servers"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal([]byte(r.Body), &doc); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.") || len(doc.Servers) != 1 {
		t.Fatalf("openapi %q with %d servers, want 3.x and one server", doc.OpenAPI, len(doc.Servers))
	}
	u, err := url.Parse(doc.Servers[0].URL)
	if err != nil || u.IsAbs() || !strings.HasPrefix(u.Path, "/api/") {
		t.Fatalf("server URL %q, want a relative /api/... path", doc.Servers[0].URL)
	}
	prefix := strings.TrimSuffix(u.Path, "/")

	methods := map[string]bool{"get": true, "put": true, "post": true, "delete": true, "options": true, "head": true, "patch": true, "trace": true}
	var documented []string
	ids := map[string]string{}
	for path, item := range doc.Paths {
		for key, raw := range item {
			if !methods[key] {
				continue // parameters, summary, ...
			}
			op := strings.ToUpper(key) + " " + prefix + path
			documented = append(documented, op)
			var o struct {
				OperationID string                     `json:"operationId"`
				Responses   map[string]json.RawMessage `json:"responses"`
			}
			if err := json.Unmarshal(raw, &o); err != nil {
				t.Errorf("%s: %v", op, err)
				continue
			}
			if o.OperationID == "" {
				t.Errorf("%s: no operationId", op)
			} else if prev, dup := ids[o.OperationID]; dup {
				t.Errorf("%s: operationId %q also used by %s", op, o.OperationID, prev)
			}
			ids[o.OperationID] = op
			if len(o.Responses) == 0 {
				t.Errorf("%s: no responses", op)
			}
		}
	}
	var routed []string
	for _, rt := range e.Web.Routes() {
		if rt.API {
			routed = append(routed, rt.Pattern)
		}
	}
	slices.Sort(documented)
	slices.Sort(routed)
	for _, op := range routed {
		if !slices.Contains(documented, op) {
			t.Errorf("route %s is not in openapi.json", op)
		}
	}
	for _, op := range documented {
		if !slices.Contains(routed, op) {
			t.Errorf("openapi.json documents %s, which is not a route", op)
		}
	}
	if len(routed) == 0 {
		t.Error("no API routes")
	}
}
