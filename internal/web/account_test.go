package web_test

// End-to-end tests of every account flow over real HTTP: sign-up and
// confirmation, log-in (answers alike, throttling with device cookies),
// two-factor, password reset, password and e-mail change, sessions,
// timeouts, admin and first-admin setup. Each test drives a whole Haven
// (apptest) the way a browser would; only the clock and the mailer are
// fake.

import (
	"context"
	"errors"
	"fmt"
	"html"
	"net/http"
	"net/netip"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/haven-project/haven/internal/app"
	"github.com/haven-project/haven/internal/apptest"
	"github.com/haven-project/haven/internal/haven"
	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

const (
	accPassword = "correct horse battery staple"
	accCookie   = "haven_session" // plain HTTP: no __Host- prefix
	accDevice   = "haven_device"
	badLogIn    = "The e-mail address or password is incorrect."
)

// accTOTPOpts are the authenticator parameters Haven uses.
var accTOTPOpts = totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

// accCode returns the TOTP code for secret at the env's current time.
func accCode(t *testing.T, e *apptest.Env, secret string) string {
	t.Helper()
	c, err := totp.GenerateCodeCustom(secret, e.Clock.Now(), accTOTPOpts)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// accWrongCode returns a 6-digit code that the server does not accept now:
// none of the codes of the current step or its neighbours.
func accWrongCode(t *testing.T, e *apptest.Env, secret string) string {
	t.Helper()
	taken := map[string]bool{}
	for _, d := range []time.Duration{-30 * time.Second, 0, 30 * time.Second} {
		c, err := totp.GenerateCodeCustom(secret, e.Clock.Now().Add(d), accTOTPOpts)
		if err != nil {
			t.Fatal(err)
		}
		taken[c] = true
	}
	for i := 0; ; i++ {
		c := fmt.Sprintf("%06d", 123456+i)
		if !taken[c] {
			return c
		}
	}
}

// accMatch returns the first submatch of re in s, failing the test when
// there is none.
func accMatch(t *testing.T, s, re string) string {
	t.Helper()
	m := regexp.MustCompile(re).FindStringSubmatch(s)
	if m == nil {
		t.Fatalf("no match for %s in:\n%s", re, s)
	}
	return m[1]
}

// accWant fails the test unless r has the status and, when loc is not "",
// a Location starting with loc.
func accWant(t *testing.T, what string, r *apptest.Response, status int, loc string) {
	t.Helper()
	if r.StatusCode != status {
		t.Fatalf("%s: status %d, want %d\n%s", what, r.StatusCode, status, accMain(r.Body))
	}
	if loc != "" && !strings.HasPrefix(r.Header.Get("Location"), loc) {
		t.Fatalf("%s: Location %q, want %q…", what, r.Header.Get("Location"), loc)
	}
}

// accMain returns the <main> part of a page, for failure messages.
func accMain(body string) string {
	if _, after, ok := strings.Cut(body, "<main"); ok {
		body, _, _ = strings.Cut(after, "</main>")
	}
	return body
}

// accContains fails the test unless body holds every text; plain text is
// looked for HTML-escaped, as html/template writes it, and fragments of
// markup (anything with < or =") as they are.
func accContains(t *testing.T, what, body string, texts ...string) {
	t.Helper()
	for _, s := range texts {
		want := s
		if !strings.Contains(s, "<") && !strings.Contains(s, `="`) {
			want = html.EscapeString(s)
		}
		if !strings.Contains(body, want) {
			t.Errorf("%s: page lacks %q\n%s", what, s, accMain(body))
		}
	}
}

// accSignedIn reports whether c's session is good for the settings page:
// 200 means yes, 303 to the log-in page means no.
func accSignedIn(t *testing.T, c *apptest.Client) bool {
	t.Helper()
	r := c.Get("/settings")
	switch {
	case r.StatusCode == http.StatusOK:
		return true
	case r.StatusCode == http.StatusSeeOther && strings.HasPrefix(r.Header.Get("Location"), "/login"):
		return false
	}
	t.Fatalf("GET /settings: %d %s", r.StatusCode, r.Header.Get("Location"))
	return false
}

// accHeaders is a transport that adds fixed headers (X-Forwarded-For,
// User-Agent) to every request of one client, so a test can pose as a
// browser at some address behind a trusted proxy.
type accHeaders struct {
	h  http.Header
	rt http.RoundTripper
}

func (a accHeaders) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	for k, v := range a.h {
		r.Header[k] = v
	}
	return a.rt.RoundTrip(r)
}

// accClient returns a client whose requests carry the headers given as
// key, value pairs.
func accClient(t *testing.T, e *apptest.Env, kv ...string) *apptest.Client {
	c := e.Client(t)
	h := http.Header{}
	for i := 0; i+1 < len(kv); i += 2 {
		h.Set(kv[i], kv[i+1])
	}
	c.Client.Transport = accHeaders{h: h, rt: http.DefaultTransport}
	return c
}

// accSetCookie puts a session cookie value back into c's jar (to replay a
// cookie the server told the browser to forget).
func accSetCookie(c *apptest.Client, e *apptest.Env, value string) {
	u, _ := url.Parse(e.Server.URL)
	c.Jar.SetCookies(u, []*http.Cookie{{Name: accCookie, Value: value, Path: "/"}})
}

func accPost(c *apptest.Client, path string, kv ...string) *apptest.Response {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Add(kv[i], kv[i+1])
	}
	return c.Post(path, v)
}

func accLogOut(t *testing.T, c *apptest.Client) {
	t.Helper()
	accWant(t, "log out", c.Post("/logout", nil), http.StatusSeeOther, "/login")
}

// accUser returns the account with the address, or nil.
func accUser(t *testing.T, e *apptest.Env, email string) *haven.User {
	t.Helper()
	u, err := e.App.UserByEmail(context.Background(), haven.System, email)
	if errors.Is(err, haven.ErrNotFound) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func accUserCount(t *testing.T, e *apptest.Env) int {
	t.Helper()
	us, err := e.App.Users(context.Background(), haven.System)
	if err != nil {
		t.Fatal(err)
	}
	return len(us)
}

// accMailCount delivers queued mail and counts the messages to addr.
func accMailCount(t *testing.T, e *apptest.Env, addr string) int {
	t.Helper()
	e.DeliverMail(t)
	n := 0
	for _, m := range e.Mail.Messages() {
		if strings.EqualFold(m.To, addr) {
			n++
		}
	}
	return n
}

// accEnableTOTP turns two-factor on through the settings pages and returns
// the secret and the recovery codes. The code used to confirm is spent, so
// the clock moves on one step afterwards.
func accEnableTOTP(t *testing.T, e *apptest.Env, c *apptest.Client, pw string) (secret string, codes []string) {
	t.Helper()
	r := accPost(c, "/settings/two-factor/begin", "current_password", pw)
	accWant(t, "begin two-factor", r, http.StatusOK, "")
	secret = accMatch(t, r.Body, `<code class="secret" id="totp-secret">([A-Z2-7]+)</code>`)
	r = accPost(c, "/settings/two-factor/confirm", "code", accCode(t, e, secret))
	accWant(t, "confirm two-factor", r, http.StatusOK, "")
	list := accMatch(t, r.Body, `(?s)<ul class="codes">(.*?)</ul>`)
	for _, m := range regexp.MustCompile(`<code>([a-z2-7]{5}-[a-z2-7]{5})</code>`).FindAllStringSubmatch(list, -1) {
		codes = append(codes, m[1])
	}
	e.Clock.Advance(30 * time.Second)
	return secret, codes
}

// accLogInTOTP logs in with password and second factor and fails unless
// the client ends up signed in.
func accLogInTOTP(t *testing.T, e *apptest.Env, c *apptest.Client, email, pw, code string) {
	t.Helper()
	accWant(t, "log in (password)", accPost(c, "/login", "email", email, "password", pw), http.StatusSeeOther, "/login/two-factor")
	accWant(t, "log in (code)", accPost(c, "/login/two-factor", "code", code), http.StatusSeeOther, "/")
}

// TestSignUpJourney follows a new researcher from the sign-up form to the
// settings page, on every database: the confirmation link only works when
// its button is pressed, and an unconfirmed account cannot log in (ASVS
// 6.3.8: sign-up for a taken address answers like a new one).
func TestSignUpJourney(t *testing.T) {
	t.Parallel()
	apptest.Run(t, func(t *testing.T, e *apptest.Env) {
		c := e.Client(t)
		const email = "dora@example.test"

		r := c.Get("/signup")
		accWant(t, "GET /signup", r, http.StatusOK, "")
		r = accPost(c, "/signup", "email", email, "display_name", "Dora", "password", accPassword)
		accWant(t, "sign up", r, http.StatusSeeOther, "/signup/sent")
		newSignUp, newSent := r, c.Get("/signup/sent")
		accContains(t, "sent page", newSent.Body, "Check your inbox")

		m := e.LastMail(t, email)
		if !strings.Contains(m.Subject, "Confirm your e-mail address") {
			t.Fatalf("mail subject %q", m.Subject)
		}
		link := apptest.LinkIn(t, m, "/verify/")

		// Opening the link (as a mail scanner would) shows a button and
		// changes nothing.
		r = c.Get(link)
		accWant(t, "GET verify link", r, http.StatusOK, "")
		accContains(t, "verify page", r.Body, "Confirm my address")
		if !strings.Contains(r.Body, `action="`+link+`"`) {
			t.Errorf("verify page has no form posting to the link:\n%s", r.Body)
		}

		// Logging in before confirming: 422, "confirm first", and a new link.
		before := accMailCount(t, e, email)
		r = accPost(c, "/login", "email", email, "password", accPassword)
		accWant(t, "log in unconfirmed", r, http.StatusUnprocessableEntity, "")
		accContains(t, "log in unconfirmed", r.Body, "Confirm your e-mail address first")
		if c.Cookie(accCookie) != "" {
			t.Error("unconfirmed log-in set a session cookie")
		}
		if got := accMailCount(t, e, email); got != before+1 {
			t.Errorf("log-in before confirming sent %d mails, want 1", got-before)
		}
		if again := apptest.LinkIn(t, e.LastMail(t, email), "/verify/"); again == link {
			t.Error("the new confirmation mail repeats the old link")
		}

		// Pressing the button confirms (the first link still works: opening
		// it spent nothing).
		r = c.Post(link, nil)
		accWant(t, "POST verify link", r, http.StatusSeeOther, "/login")
		r = c.Post(link, nil)
		accContains(t, "verify link reused", r.Body, "This link does not work")

		c.LogIn(email, accPassword)
		r = c.Get("/settings")
		accWant(t, "settings", r, http.StatusOK, "")
		accContains(t, "settings", r.Body, "Signed in as "+email, `value="Dora"`)

		// Sign-up with the taken address (in other case) from a stranger:
		// the same answer, a warning mail to the owner, no second account.
		accLogOut(t, c)
		users := accUserCount(t, e)
		stranger := e.Client(t)
		r = accPost(stranger, "/signup", "email", strings.ToUpper(email[:1])+email[1:], "display_name", "Dora", "password", "another fine passphrase")
		if r.StatusCode != newSignUp.StatusCode || r.Header.Get("Location") != newSignUp.Header.Get("Location") || r.Body != newSignUp.Body {
			t.Errorf("sign-up for a taken address answered %d %q, a new one %d %q",
				r.StatusCode, r.Header.Get("Location"), newSignUp.StatusCode, newSignUp.Header.Get("Location"))
		}
		if sent := stranger.Get(r.Header.Get("Location")); sent.StatusCode != newSent.StatusCode || sent.Body != newSent.Body {
			t.Error("the page after sign-up differs for a taken address")
		}
		if got := e.LastMail(t, email).Subject; !strings.Contains(got, "tried to sign up") {
			t.Errorf("owner got %q, want the already-have-an-account mail", got)
		}
		if n := accUserCount(t, e); n != users {
			t.Errorf("%d accounts after signing up twice, want %d", n, users)
		}
		c.LogIn(email, accPassword) // the original password still works
	})
}

// TestSignUpPasswordPolicy checks the password rules at sign-up (ASVS
// 6.2.1, 6.2.4, 6.2.9): too short, common and personal passwords are
// refused with the form kept; 8 and 128 characters are accepted.
func TestSignUpPasswordPolicy(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	tests := []struct {
		name, email, pw, msg string
	}{
		{"7 characters", "a@example.test", "kq7vmpz", "Use at least 8 characters."},
		{"common", "b@example.test", "password123", "This password is too common; choose another."},
		{"the e-mail address", "c.d@example.test", "c.d@example.test", "Don't use your e-mail address or user name as your password."},
		{"8 characters", "e@example.test", "kq7vmpzx", ""},
		{"128 characters", "f@example.test", strings.Repeat("abcdefgh", 16), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := e.Client(t)
			r := accPost(c, "/signup", "email", tt.email, "display_name", "Tester", "password", tt.pw)
			if tt.msg == "" {
				accWant(t, "sign up", r, http.StatusSeeOther, "/signup/sent")
				if accUser(t, e, tt.email) == nil {
					t.Error("no account was created")
				}
				return
			}
			accWant(t, "sign up", r, http.StatusUnprocessableEntity, "")
			accContains(t, "sign-up form", r.Body, tt.msg, `value="`+tt.email+`"`, `value="Tester"`)
			if strings.Contains(r.Body, tt.pw) && tt.pw != tt.email {
				t.Error("the form echoes the password")
			}
			if accUser(t, e, tt.email) != nil {
				t.Error("an account was created")
			}
		})
	}
}

// TestLogInAnswersAlike checks that an unknown address, a wrong password,
// an unconfirmed account with a wrong password and a disabled account with
// the right password all get the same page (ASVS 6.3.8).
func TestLogInAnswersAlike(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.CreateUser(t, "known@example.test", accPassword, false)
	off := e.CreateUser(t, "off@example.test", accPassword, false)
	if err := e.App.SetUserDisabled(context.Background(), haven.System, off.ID, true); err != nil {
		t.Fatal(err)
	}
	if err := e.App.SignUp(context.Background(), haven.Actor{IP: "192.0.2.9"}, app.SignUpInput{Email: "new@example.test", Password: accPassword}); err != nil {
		t.Fatal(err)
	}
	try := func(email, pw string) (int, string) {
		c := e.Client(t)
		r := accPost(c, "/login", "email", email, "password", pw)
		if len(r.Header.Values("Set-Cookie")) != 0 {
			t.Errorf("%s: failed log-in set cookies %q", email, r.Header.Values("Set-Cookie"))
		}
		return r.StatusCode, strings.ReplaceAll(r.Body, email, "EMAIL")
	}
	wantStatus, wantBody := try("nobody@example.test", accPassword)
	if wantStatus != http.StatusUnprocessableEntity || !strings.Contains(wantBody, badLogIn) {
		t.Fatalf("unknown address: %d\n%s", wantStatus, wantBody)
	}
	for _, tt := range []struct{ name, email, pw string }{
		{"wrong password", "known@example.test", "not the password at all"},
		{"unconfirmed, wrong password", "new@example.test", "not the password at all"},
		{"disabled, right password", "off@example.test", accPassword},
	} {
		status, body := try(tt.email, tt.pw)
		if status != wantStatus || body != wantBody {
			t.Errorf("%s: %d, want %d as for an unknown address; page:\n%s", tt.name, status, wantStatus, body)
		}
	}
}

// TestTwoFactorJourney sets up TOTP, then logs in with it every way there
// is (ASVS 6.3.3, 6.5.1, 6.6.3, 7.2.4): the pending session grants
// nothing, the session id changes, codes and recovery codes work once,
// five wrong codes end the attempt, and turning it off needs password and
// code.
func TestTwoFactorJourney(t *testing.T) {
	t.Parallel()
	apptest.Run(t, func(t *testing.T, e *apptest.Env) {
		const email = "tess@example.test"
		e.CreateUser(t, email, accPassword, false)
		c := e.Client(t)
		c.LogIn(email, accPassword)

		// Set-up needs the current password.
		r := accPost(c, "/settings/two-factor/begin", "current_password", "not my password")
		accWant(t, "begin, wrong password", r, http.StatusUnprocessableEntity, "")
		accContains(t, "begin, wrong password", r.Body, "Your current password is not right.")
		if strings.Contains(r.Body, `id="totp-secret"`) {
			t.Error("a wrong password still showed a secret")
		}
		r = accPost(c, "/settings/two-factor/begin", "current_password", accPassword)
		accWant(t, "begin", r, http.StatusOK, "")
		secret := accMatch(t, r.Body, `<code class="secret" id="totp-secret">([A-Z2-7]+)</code>`)
		if !strings.Contains(r.Body, `src="data:image/png;base64,`) {
			t.Error("no QR code on the set-up page")
		}

		// A wrong code keeps set-up going with the same secret, still off.
		r = accPost(c, "/settings/two-factor/confirm", "code", accWrongCode(t, e, secret))
		accWant(t, "confirm, wrong code", r, http.StatusUnprocessableEntity, "")
		if got := accMatch(t, r.Body, `id="totp-secret">([A-Z2-7]+)<`); got != secret {
			t.Errorf("set-up shows secret %q after a wrong code, want %q", got, secret)
		}
		if !strings.Contains(r.Body, `id="mfa-status">Off`) {
			t.Error("two-factor is not off after a wrong code")
		}

		// The right code turns it on and shows ten recovery codes, once.
		r = accPost(c, "/settings/two-factor/confirm", "code", accCode(t, e, secret))
		accWant(t, "confirm", r, http.StatusOK, "")
		if !strings.Contains(r.Body, `id="mfa-status">On`) {
			t.Error("two-factor is not on")
		}
		var codes []string
		for _, m := range regexp.MustCompile(`<code>([a-z2-7]{5}-[a-z2-7]{5})</code>`).FindAllStringSubmatch(accMatch(t, r.Body, `(?s)<ul class="codes">(.*?)</ul>`), -1) {
			codes = append(codes, m[1])
		}
		if len(codes) != 10 {
			t.Fatalf("%d recovery codes, want 10", len(codes))
		}
		r = c.Get("/settings/two-factor")
		if strings.Contains(r.Body, codes[0]) || strings.Contains(r.Body, `class="codes"`) {
			t.Error("recovery codes are shown a second time")
		}
		accContains(t, "two-factor page", r.Body, "You have 10 unused recovery codes.")
		if got := e.LastMail(t, email).Subject; !strings.Contains(got, "turned on") {
			t.Errorf("mail %q, want two-factor turned on", got)
		}
		accLogOut(t, c)

		// The code that confirmed set-up is spent: it does not log in.
		r = accPost(c, "/login", "email", email, "password", accPassword)
		accWant(t, "log in (password)", r, http.StatusSeeOther, "/login/two-factor")
		accWant(t, "confirm code replayed", accPost(c, "/login/two-factor", "code", accCode(t, e, secret)), http.StatusUnprocessableEntity, "")
		e.Clock.Advance(30 * time.Second)

		// The pending session grants nothing but the code page.
		pending := c.Cookie(accCookie)
		if pending == "" {
			t.Fatal("no pending session cookie")
		}
		accWant(t, "GET /settings while pending", c.Get("/settings"), http.StatusSeeOther, "/login")
		accWant(t, "GET code page", c.Get("/login/two-factor"), http.StatusOK, "")

		// The right code signs in with a new session id (fixation).
		code := accCode(t, e, secret)
		accWant(t, "two-factor code", accPost(c, "/login/two-factor", "code", code), http.StatusSeeOther, "/")
		full := c.Cookie(accCookie)
		if full == "" || full == pending {
			t.Errorf("session cookie after the second factor is %q, pending was %q: want a new one", full, pending)
		}
		if !accSignedIn(t, c) {
			t.Fatal("not signed in after the second factor")
		}
		old := e.Client(t)
		accSetCookie(old, e, pending)
		accWant(t, "pending cookie after log-in", old.Get("/login/two-factor"), http.StatusSeeOther, "/login")
		if accSignedIn(t, old) {
			t.Error("the pending session id signs in")
		}
		accLogOut(t, c)

		// The same code again, within its 30 s step, fails; the next works.
		accWant(t, "log in (password)", accPost(c, "/login", "email", email, "password", accPassword), http.StatusSeeOther, "/login/two-factor")
		r = accPost(c, "/login/two-factor", "code", code)
		accWant(t, "code replayed", r, http.StatusUnprocessableEntity, "")
		accContains(t, "code replayed", r.Body, "That code is not right.")
		e.Clock.Advance(30 * time.Second)
		accWant(t, "next code", accPost(c, "/login/two-factor", "code", accCode(t, e, secret)), http.StatusSeeOther, "/")
		accLogOut(t, c)

		// A recovery code works once.
		accLogInTOTP(t, e, c, email, accPassword, strings.ToUpper(codes[0]))
		accLogOut(t, c)
		accWant(t, "log in (password)", accPost(c, "/login", "email", email, "password", accPassword), http.StatusSeeOther, "/login/two-factor")
		accWant(t, "recovery code reused", accPost(c, "/login/two-factor", "code", codes[0]), http.StatusUnprocessableEntity, "")
		accWant(t, "another recovery code", accPost(c, "/login/two-factor", "code", codes[1]), http.StatusSeeOther, "/")
		accContains(t, "two-factor page", c.Get("/settings/two-factor").Body, "You have 8 unused recovery codes.")
		accLogOut(t, c)

		// Five wrong codes end the pending session, server-side.
		e.Clock.Advance(30 * time.Second)
		accWant(t, "log in (password)", accPost(c, "/login", "email", email, "password", accPassword), http.StatusSeeOther, "/login/two-factor")
		pending = c.Cookie(accCookie)
		for i := 1; i <= 4; i++ {
			r = accPost(c, "/login/two-factor", "code", accWrongCode(t, e, secret))
			accWant(t, fmt.Sprintf("wrong code %d", i), r, http.StatusUnprocessableEntity, "")
		}
		r = accPost(c, "/login/two-factor", "code", accWrongCode(t, e, secret))
		accWant(t, "wrong code 5", r, http.StatusUnprocessableEntity, "")
		accContains(t, "wrong code 5", r.Body, "Too many wrong codes. Log in again.")
		if c.Cookie(accCookie) != "" {
			t.Error("the pending cookie survived five wrong codes")
		}
		accSetCookie(c, e, pending)
		r = accPost(c, "/login/two-factor", "code", accCode(t, e, secret))
		accWant(t, "right code after five wrong", r, http.StatusUnauthorized, "")
		if accSignedIn(t, c) {
			t.Fatal("signed in after five wrong codes")
		}

		// Turning two-factor off needs the password and a code.
		accLogInTOTP(t, e, c, email, accPassword, accCode(t, e, secret))
		e.Clock.Advance(30 * time.Second)
		r = accPost(c, "/settings/two-factor/disable", "current_password", accPassword)
		accWant(t, "disable without code", r, http.StatusUnprocessableEntity, "")
		r = accPost(c, "/settings/two-factor/disable", "current_password", "not my password", "code", accCode(t, e, secret))
		accWant(t, "disable with wrong password", r, http.StatusUnprocessableEntity, "")
		if !strings.Contains(c.Get("/settings/two-factor").Body, `id="mfa-status">On`) {
			t.Fatal("two-factor went off without password and code")
		}
		r = accPost(c, "/settings/two-factor/disable", "current_password", accPassword, "code", accCode(t, e, secret))
		accWant(t, "disable", r, http.StatusSeeOther, "/settings/two-factor")
		if !strings.Contains(c.Get("/settings/two-factor").Body, `id="mfa-status">Off`) {
			t.Error("two-factor is still on")
		}
		accLogOut(t, c)
		c.LogIn(email, accPassword)
	})
}

// TestPasswordReset covers reset links (ASVS 6.3.8, 6.5.1, 6.5.5, 7.4.3):
// the request answers alike for unknown addresses, links work once,
// expire after an hour, are voided by a newer one, and a reset ends every
// session.
func TestPasswordReset(t *testing.T) {
	t.Parallel()
	apptest.Run(t, func(t *testing.T, e *apptest.Env) {
		const email, stranger = "rita@example.test", "nobody@example.test"
		e.CreateUser(t, email, accPassword, false)
		other := e.Client(t) // a browser signed in before the reset
		other.LogIn(email, accPassword)

		c := e.Client(t)
		accWant(t, "GET /reset", c.Get("/reset"), http.StatusOK, "")
		unknown := accPost(c, "/reset", "email", stranger)
		known := accPost(c, "/reset", "email", email)
		accWant(t, "reset request", known, http.StatusSeeOther, "/reset/sent")
		if unknown.StatusCode != known.StatusCode || unknown.Header.Get("Location") != known.Header.Get("Location") || unknown.Body != known.Body {
			t.Errorf("reset request answers %d %q for an unknown address, %d %q for a known one",
				unknown.StatusCode, unknown.Header.Get("Location"), known.StatusCode, known.Header.Get("Location"))
		}
		if n := accMailCount(t, e, stranger); n != 0 {
			t.Errorf("%d mails to an address without account", n)
		}
		first := apptest.LinkIn(t, e.LastMail(t, email), "/reset/")

		// A newer link voids the older one.
		accPost(c, "/reset", "email", email)
		link := apptest.LinkIn(t, e.LastMail(t, email), "/reset/")
		if link == first {
			t.Fatal("the second reset mail repeats the link")
		}
		accContains(t, "voided link", c.Get(first).Body, "This link does not work")

		r := c.Get(link)
		accWant(t, "GET reset link", r, http.StatusOK, "")
		accContains(t, "reset form", r.Body, "For "+email)
		if strings.Contains(r.Body, `name="code"`) {
			t.Error("the reset form asks for a code of an account without two-factor")
		}
		r = accPost(c, link, "password", "password123")
		accWant(t, "reset to a common password", r, http.StatusUnprocessableEntity, "")
		const newPassword = "a brand new passphrase"
		r = accPost(c, link, "password", newPassword)
		accWant(t, "reset", r, http.StatusSeeOther, "/login")

		if accSignedIn(t, other) {
			t.Error("a session from before the reset still works")
		}
		if got := e.LastMail(t, email).Subject; got != "Your Haven password was changed" {
			t.Errorf("mail after reset: %q", got)
		}
		accContains(t, "link used twice", accPost(c, link, "password", "yet another passphrase").Body, "This link does not work")
		accContains(t, "old password", accPost(c, "/login", "email", email, "password", accPassword).Body, badLogIn)
		c.LogIn(email, newPassword)

		// Links expire after 60 minutes.
		accPost(c, "/reset", "email", email)
		link = apptest.LinkIn(t, e.LastMail(t, email), "/reset/")
		e.Clock.Advance(59 * time.Minute)
		accWant(t, "link at 59 minutes", c.Get(link), http.StatusOK, "")
		if r := c.Get(link); !strings.Contains(r.Body, "Choose a new password") {
			t.Errorf("link at 59 minutes:\n%s", r.Body)
		}
		e.Clock.Advance(time.Minute)
		accContains(t, "link at 60 minutes", c.Get(link).Body, "This link does not work")
		accContains(t, "POST link at 60 minutes", accPost(c, link, "password", "too late a passphrase").Body, "This link does not work")
		accLogOut(t, c)
		c.LogIn(email, newPassword)
	})
}

// TestPasswordResetNeedsSecondFactor checks that a reset link alone does
// not take over an account with two-factor on (ASVS 6.4.3).
func TestPasswordResetNeedsSecondFactor(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	const email = "mia@example.test"
	e.CreateUser(t, email, accPassword, false)
	c := e.Client(t)
	c.LogIn(email, accPassword)
	secret, codes := accEnableTOTP(t, e, c, accPassword)
	accLogOut(t, c)

	accPost(c, "/reset", "email", email)
	m := e.LastMail(t, email)
	link := apptest.LinkIn(t, m, "/reset/")
	if !strings.Contains(m.Text, "authenticator app or a recovery code") {
		t.Error("the reset mail does not mention the second factor")
	}
	r := c.Get(link)
	if !strings.Contains(r.Body, `name="code"`) {
		t.Fatalf("the reset form does not ask for a code:\n%s", r.Body)
	}
	const newPassword = "a brand new passphrase"
	for _, code := range []string{"", accWrongCode(t, e, secret), "aaaaa-bbbbb"} {
		r = accPost(c, link, "password", newPassword, "code", code)
		accWant(t, fmt.Sprintf("reset with code %q", code), r, http.StatusUnprocessableEntity, "")
		accContains(t, "reset without code", r.Body, "That code is not right.")
	}
	// The password is unchanged: the old one still passes the first step.
	accWant(t, "old password", accPost(c, "/login", "email", email, "password", accPassword), http.StatusSeeOther, "/login/two-factor")
	accWant(t, "cancel", c.Post("/login/two-factor/cancel", nil), http.StatusSeeOther, "/login")

	// With a recovery code it works (the link stayed valid).
	r = accPost(c, link, "password", newPassword, "code", codes[0])
	accWant(t, "reset with recovery code", r, http.StatusSeeOther, "/login")
	accLogInTOTP(t, e, c, email, newPassword, accCode(t, e, secret))
}

// TestChangePassword checks the change-password form (ASVS 6.2.3, 7.4.3):
// it needs the current password, can sign out other sessions but keeps
// this one, and tells the owner by mail.
func TestChangePassword(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	const email = "paul@example.test"
	e.CreateUser(t, email, accPassword, false)
	c, other := e.Client(t), e.Client(t)
	c.LogIn(email, accPassword)
	other.LogIn(email, accPassword)
	mails := accMailCount(t, e, email)

	r := accPost(c, "/settings/password", "current_password", "not my password", "new_password", "a brand new passphrase", "end_sessions", "on")
	accWant(t, "wrong current password", r, http.StatusUnprocessableEntity, "")
	accContains(t, "wrong current password", r.Body, "Your current password is not right.")
	r = accPost(c, "/settings/password", "current_password", accPassword, "new_password", "password123", "end_sessions", "on")
	accWant(t, "common new password", r, http.StatusUnprocessableEntity, "")
	accContains(t, "common new password", r.Body, "This password is too common; choose another.")
	if !accSignedIn(t, other) || accMailCount(t, e, email) != mails {
		t.Fatal("a refused change had effects")
	}
	e.Client(t).LogIn(email, accPassword) // unchanged

	const newPassword = "a brand new passphrase"
	r = accPost(c, "/settings/password", "current_password", accPassword, "new_password", newPassword, "end_sessions", "on")
	accWant(t, "change password", r, http.StatusSeeOther, "/settings/password")
	if !accSignedIn(t, c) {
		t.Error("the session that changed the password was signed out")
	}
	if accSignedIn(t, other) {
		t.Error("another session survived the change with sign-out")
	}
	if got := e.LastMail(t, email).Subject; got != "Your Haven password was changed" {
		t.Errorf("mail %q, want password changed", got)
	}
	accContains(t, "old password", accPost(e.Client(t), "/login", "email", email, "password", accPassword).Body, badLogIn)
	other.LogIn(email, newPassword)

	// Without the box ticked, other sessions stay.
	r = accPost(c, "/settings/password", "current_password", newPassword, "new_password", "the third passphrase")
	accWant(t, "change password, keep sessions", r, http.StatusSeeOther, "/settings/password")
	if !accSignedIn(t, other) {
		t.Error("another session ended though sign-out was not asked")
	}
}

// TestChangeEmail checks the e-mail change (ASVS 7.5.1): password needed,
// confirmation at the new address, change on POST only, old address told,
// taken addresses answered alike with nothing sent.
func TestChangeEmail(t *testing.T) {
	t.Parallel()
	apptest.Run(t, func(t *testing.T, e *apptest.Env) {
		const oldAddr, newAddr, taken = "olga@example.test", "olga@new.example.test", "tom@example.test"
		e.CreateUser(t, oldAddr, accPassword, false)
		e.CreateUser(t, taken, accPassword, false)
		c := e.Client(t)
		c.LogIn(oldAddr, accPassword)

		r := accPost(c, "/settings/email", "new_email", newAddr, "current_password", "not my password")
		accWant(t, "wrong password", r, http.StatusUnprocessableEntity, "")
		accContains(t, "wrong password", r.Body, "Your current password is not right.", `value="`+newAddr+`"`)
		if n := accMailCount(t, e, newAddr); n != 0 {
			t.Fatalf("%d mails to the new address after a wrong password", n)
		}

		r = accPost(c, "/settings/email", "new_email", newAddr, "current_password", accPassword)
		accWant(t, "change e-mail", r, http.StatusSeeOther, "/settings/email")
		m := e.LastMail(t, newAddr)
		link := apptest.LinkIn(t, m, "/settings/email/confirm/")
		if n := accMailCount(t, e, oldAddr); n != 0 {
			t.Errorf("%d mails to the old address before confirming", n)
		}

		// A taken address: the same answer, and nothing sent to anyone.
		takenMails, allMails := accMailCount(t, e, taken), len(e.Mail.Messages())
		r2 := accPost(c, "/settings/email", "new_email", taken, "current_password", accPassword)
		if r2.StatusCode != r.StatusCode || r2.Header.Get("Location") != r.Header.Get("Location") {
			t.Errorf("taken address answered %d %q, free one %d %q", r2.StatusCode, r2.Header.Get("Location"), r.StatusCode, r.Header.Get("Location"))
		}
		if accMailCount(t, e, taken) != takenMails || len(e.Mail.Messages()) != allMails {
			t.Error("asking for a taken address sent mail")
		}

		// Opening the link changes nothing; pressing its button does.
		r = c.Get(link)
		accWant(t, "GET confirm link", r, http.StatusOK, "")
		accContains(t, "confirm page", r.Body, "Use this address")
		if accUser(t, e, oldAddr) == nil || accUser(t, e, newAddr) != nil {
			t.Fatal("the address changed when the link was opened")
		}
		accContains(t, "settings before confirming", c.Get("/settings/email").Body, "Your address is <strong>"+oldAddr)

		accWant(t, "POST confirm link", c.Post(link, nil), http.StatusSeeOther, "/settings/email")
		if accUser(t, e, oldAddr) != nil || accUser(t, e, newAddr) == nil {
			t.Fatal("the address did not change")
		}
		told := e.LastMail(t, oldAddr)
		if told.Subject != "Your Haven e-mail address was changed" || !strings.Contains(told.Text, newAddr) {
			t.Errorf("old address got %q:\n%s", told.Subject, told.Text)
		}
		accContains(t, "link reused", c.Post(link, nil).Body, "This link does not work")

		accLogOut(t, c)
		accContains(t, "old address", accPost(c, "/login", "email", oldAddr, "password", accPassword).Body, badLogIn)
		c.LogIn(newAddr, accPassword)
	})
}

var accSessionRow = regexp.MustCompile(`(?s)<tr>\s*<td data-label="Browser">(.*?)</td>.*?action="/settings/sessions/(\d+)/revoke"`)

// accSessions returns the session list of c's account: user agent (with
// the "This browser" badge) by session id.
func accSessions(t *testing.T, c *apptest.Client) map[string]string {
	t.Helper()
	r := c.Get("/settings/sessions")
	accWant(t, "GET sessions", r, http.StatusOK, "")
	out := map[string]string{}
	for _, m := range accSessionRow.FindAllStringSubmatch(r.Body, -1) {
		out[m[2]] = m[1]
	}
	return out
}

// TestSessions checks the session list and revocation (ASVS 7.4.3,
// 7.5.2): both browsers are listed, revoking one ends it on its next
// request, "sign out all other sessions" keeps only this one, and another
// account's session id is not found.
func TestSessions(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	const email = "sam@example.test"
	e.CreateUser(t, email, accPassword, false)
	e.CreateUser(t, "bob@example.test", accPassword, false)
	c := accClient(t, e, "User-Agent", "AccBrowser/1")
	other := accClient(t, e, "User-Agent", "AccBrowser/2")
	c.LogIn(email, accPassword)
	other.LogIn(email, accPassword)

	list := accSessions(t, c)
	if len(list) != 2 {
		t.Fatalf("sessions page lists %d sessions, want 2: %v", len(list), list)
	}
	var mine, theirs string
	for id, ua := range list {
		switch {
		case strings.Contains(ua, "AccBrowser/1") && strings.Contains(ua, "This browser"):
			mine = id
		case strings.Contains(ua, "AccBrowser/2") && !strings.Contains(ua, "This browser"):
			theirs = id
		}
	}
	if mine == "" || theirs == "" {
		t.Fatalf("cannot tell the sessions apart: %v", list)
	}

	accWant(t, "revoke other", c.Post("/settings/sessions/"+theirs+"/revoke", nil), http.StatusSeeOther, "/settings/sessions")
	if accSignedIn(t, other) {
		t.Error("the revoked session still works")
	}
	if !accSignedIn(t, c) {
		t.Error("revoking another session ended this one")
	}
	if got := accSessions(t, c); len(got) != 1 || got[mine] == "" {
		t.Errorf("after revoking: %v", got)
	}

	// Sign out all other sessions.
	third := e.Client(t)
	other.LogIn(email, accPassword)
	third.LogIn(email, accPassword)
	accWant(t, "revoke others", c.Post("/settings/sessions/revoke-others", nil), http.StatusSeeOther, "/settings/sessions")
	if accSignedIn(t, other) || accSignedIn(t, third) {
		t.Error("another session survived sign-out of all others")
	}
	if !accSignedIn(t, c) {
		t.Error("sign-out of all others ended this session")
	}

	// Another account's session: 404, and it lives on.
	bob := e.Client(t)
	bob.LogIn("bob@example.test", accPassword)
	var bobs string
	for id := range accSessions(t, bob) {
		bobs = id
	}
	r := c.Post("/settings/sessions/"+bobs+"/revoke", nil)
	accWant(t, "revoke another account's session", r, http.StatusNotFound, "")
	missing := c.Post("/settings/sessions/999999/revoke", nil)
	accWant(t, "revoke an unknown session", missing, http.StatusNotFound, "")
	noID := regexp.MustCompile(`Request [0-9a-f]+`)
	if noID.ReplaceAllString(r.Body, "") != noID.ReplaceAllString(missing.Body, "") {
		t.Error("another account's session and a missing one answer differently")
	}
	if !accSignedIn(t, bob) {
		t.Error("another account's session was ended")
	}

	// Revoking the current session logs this browser out.
	accWant(t, "revoke own", c.Post("/settings/sessions/"+mine+"/revoke", nil), http.StatusSeeOther, "/login")
	if accSignedIn(t, c) {
		t.Error("still signed in after revoking the current session")
	}
}

// TestSessionTimeouts checks the idle (12 h) and absolute (14 days)
// timeouts with the fake clock (ASVS 7.3.1, 7.3.2). The client keeps its
// cookie throughout, so the refusal is the server's.
func TestSessionTimeouts(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	const email = "ida@example.test"
	e.CreateUser(t, email, accPassword, false)

	t.Run("idle", func(t *testing.T) {
		c := e.Client(t)
		c.LogIn(email, accPassword)
		e.Clock.Advance(12*time.Hour - time.Minute)
		if !accSignedIn(t, c) {
			t.Fatal("session ended before 12 idle hours")
		}
		e.Clock.Advance(12 * time.Hour)
		if c.Cookie(accCookie) == "" {
			t.Fatal("the client lost its cookie")
		}
		if accSignedIn(t, c) {
			t.Error("session lives after 12 idle hours")
		}
	})
	t.Run("absolute", func(t *testing.T) {
		c := e.Client(t)
		c.LogIn(email, accPassword)
		cookie := c.Cookie(accCookie)
		for i := 1; i < 14*24/4; i++ {
			e.Clock.Advance(4 * time.Hour)
			if !accSignedIn(t, c) {
				t.Fatalf("session ended after %d hours of activity", 4*i)
			}
		}
		e.Clock.Advance(4 * time.Hour) // 14 days after log-in
		accSetCookie(c, e, cookie)
		if accSignedIn(t, c) {
			t.Error("session lives 14 days after log-in")
		}
		accSetCookie(c, e, cookie)
		if accSignedIn(t, c) {
			t.Error("the expired session id works again")
		}
	})
}

// TestLogInThrottling checks ASVS 6.3.1: an attacker spreading 50 bad
// guesses over 50 addresses gets the account throttled for unknown
// devices, yet its owner, whose browser logged in before, still gets in;
// one address failing 50 times is throttled across accounts; the windows
// end after 15 minutes.
func TestLogInThrottling(t *testing.T) {
	t.Parallel()
	e := apptest.NewWith(t, apptest.Options{TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}})
	const victim = "vera@example.test"
	e.CreateUser(t, victim, accPassword, false)
	e.CreateUser(t, "carl@example.test", accPassword, false)

	owner := accClient(t, e, "X-Forwarded-For", "198.51.100.7")
	owner.LogIn(victim, accPassword)
	if owner.Cookie(accDevice) == "" {
		t.Fatal("no device cookie after log-in")
	}
	accLogOut(t, owner)

	t.Run("account", func(t *testing.T) {
		refused := 0
		for i := 1; i <= 50; i++ {
			c := accClient(t, e, "X-Forwarded-For", fmt.Sprintf("203.0.113.%d", i))
			r := accPost(c, "/login", "email", victim, "password", fmt.Sprintf("guess number %d", i))
			switch r.StatusCode {
			case http.StatusUnprocessableEntity:
				if refused > 0 {
					t.Fatalf("guess %d was checked after the account was throttled", i)
				}
			case http.StatusTooManyRequests:
				refused++
				accContains(t, "throttled", r.Body, "Too many failed attempts.")
				if r.Header.Get("Retry-After") == "" {
					t.Error("429 without Retry-After")
				}
			default:
				t.Fatalf("guess %d: status %d", i, r.StatusCode)
			}
		}
		if refused == 0 {
			t.Fatal("50 bad guesses from 50 addresses were not throttled")
		}
		// Even the right password is refused from an unknown device.
		r := accPost(accClient(t, e, "X-Forwarded-For", "203.0.113.99"), "/login", "email", victim, "password", accPassword)
		accWant(t, "right password, unknown device", r, http.StatusTooManyRequests, "")
		// The owner's browser still logs in.
		owner.LogIn(victim, accPassword)
		accLogOut(t, owner)
		// Another account is not affected.
		accClient(t, e, "X-Forwarded-For", "203.0.113.98").LogIn("carl@example.test", accPassword)
	})

	t.Run("address", func(t *testing.T) {
		const ip = "192.0.2.200"
		for i := 1; i <= 50; i++ {
			c := accClient(t, e, "X-Forwarded-For", ip)
			r := accPost(c, "/login", "email", fmt.Sprintf("nobody%d@example.test", i), "password", accPassword)
			accWant(t, fmt.Sprintf("failure %d", i), r, http.StatusUnprocessableEntity, "")
		}
		r := accPost(accClient(t, e, "X-Forwarded-For", ip), "/login", "email", "carl@example.test", "password", accPassword)
		accWant(t, "51st attempt from the address", r, http.StatusTooManyRequests, "")
		// The limit is the address's, not the account's.
		accClient(t, e, "X-Forwarded-For", "192.0.2.201").LogIn("carl@example.test", accPassword)
		// Hops the client made up come before the one the proxy adds and
		// do not count: the throttled address stays throttled.
		spoof := accClient(t, e, "X-Forwarded-For", "192.0.2.202, "+ip)
		r = accPost(spoof, "/login", "email", "carl@example.test", "password", accPassword)
		accWant(t, "made-up hop", r, http.StatusTooManyRequests, "")
	})

	t.Run("window", func(t *testing.T) {
		e.Clock.Advance(15 * time.Minute)
		accClient(t, e, "X-Forwarded-For", "203.0.113.99").LogIn(victim, accPassword)
		accClient(t, e, "X-Forwarded-For", "192.0.2.200").LogIn("carl@example.test", accPassword)
	})
}

// TestAdmin checks the admin user list and disabling (ASVS 7.4.2): the
// disabled account's session and API token die on their next request,
// and only admins see the page.
func TestAdmin(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	admin := e.CreateUser(t, "ada@example.test", accPassword, true)
	user := e.CreateUser(t, "rex@example.test", accPassword, false)
	a, u := e.Client(t), e.Client(t)
	a.LogIn(admin.Email, accPassword)
	u.LogIn(user.Email, accPassword)
	token := e.Token(t, user)

	r := a.Get("/admin/users")
	accWant(t, "admin users", r, http.StatusOK, "")
	accContains(t, "admin users", r.Body, admin.Email, user.Email)
	accWant(t, "visitor", e.Client(t).Get("/admin/users"), http.StatusSeeOther, "/login")
	r = u.Get("/admin/users")
	accWant(t, "non-admin", r, http.StatusNotFound, "")
	if strings.Contains(r.Body, admin.Email) {
		t.Error("the 404 page shows users")
	}
	accWant(t, "non-admin disables", u.Post(fmt.Sprintf("/admin/users/%d/disable", admin.ID), nil), http.StatusNotFound, "")
	accWant(t, "API before", u.API(http.MethodGet, "/api/v1/me", token, nil), http.StatusOK, "")

	accWant(t, "disable", a.Post(fmt.Sprintf("/admin/users/%d/disable", user.ID), nil), http.StatusSeeOther, "/admin/users")
	accWant(t, "web after disable", u.Get("/settings"), http.StatusSeeOther, "/login")
	accWant(t, "API after disable", u.API(http.MethodGet, "/api/v1/me", token, nil), http.StatusUnauthorized, "")
	accContains(t, "log in disabled", accPost(e.Client(t), "/login", "email", user.Email, "password", accPassword).Body, badLogIn)
	accContains(t, "admin users", a.Get("/admin/users").Body, "Disabled")
	accWant(t, "disable self", a.Post(fmt.Sprintf("/admin/users/%d/disable", admin.ID), nil), http.StatusUnprocessableEntity, "")
	accWant(t, "disable unknown", a.Post("/admin/users/999999/disable", nil), http.StatusNotFound, "")

	accWant(t, "enable", a.Post(fmt.Sprintf("/admin/users/%d/enable", user.ID), nil), http.StatusSeeOther, "/admin/users")
	e.Client(t).LogIn(user.Email, accPassword)
}

// TestFirstAdminSetup checks ASVS 6.3.2: a fresh instance has no account,
// and its first admin comes from a one-time setup link.
func TestFirstAdminSetup(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := apptest.New(t)
	if n := accUserCount(t, e); n != 0 {
		t.Fatalf("a fresh instance has %d accounts", n)
	}
	older, err := e.App.SetupLink(ctx)
	if err != nil || older == "" {
		t.Fatalf("SetupLink = %q, %v", older, err)
	}
	link, err := e.App.SetupLink(ctx)
	if err != nil || link == "" || link == older {
		t.Fatalf("second SetupLink = %q, %v", link, err)
	}
	path := strings.TrimPrefix(link, e.Server.URL)
	oldPath := strings.TrimPrefix(older, e.Server.URL)
	c := e.Client(t)
	accWant(t, "older setup link", c.Get(oldPath), http.StatusNotFound, "")
	accWant(t, "GET setup", c.Get(path), http.StatusOK, "")

	r := accPost(c, path, "email", "root@example.test", "password", "short")
	accWant(t, "setup, weak password", r, http.StatusUnprocessableEntity, "")
	accContains(t, "setup form", r.Body, "Use at least 8 characters.", `value="root@example.test"`)
	accWant(t, "setup", accPost(c, path, "email", "root@example.test", "display_name", "Root", "password", accPassword), http.StatusSeeOther, "/login")
	accWant(t, "setup link again", c.Get(path), http.StatusNotFound, "")
	accWant(t, "POST setup link again", accPost(c, path, "email", "evil@example.test", "password", accPassword), http.StatusNotFound, "")
	if accUser(t, e, "evil@example.test") != nil {
		t.Fatal("a used setup link made a second admin")
	}

	c.LogIn("root@example.test", accPassword)
	accWant(t, "admin page", c.Get("/admin/users"), http.StatusOK, "")
	if again, err := e.App.SetupLink(ctx); err != nil || again != "" {
		t.Errorf("SetupLink with an admin = %q, %v; want \"\"", again, err)
	}
}

// TestSetupLinkAfterAdminExists checks that an unused setup link stops
// working once an admin exists by another way (the command line), so it
// cannot make a second admin.
func TestSetupLinkAfterAdminExists(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	link, err := e.App.SetupLink(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	path := strings.TrimPrefix(link, e.Server.URL)
	e.CreateUser(t, "cli@example.test", accPassword, true)
	c := e.Client(t)
	accWant(t, "GET setup link", c.Get(path), http.StatusNotFound, "")
	accWant(t, "POST setup link", accPost(c, path, "email", "evil@example.test", "password", accPassword), http.StatusNotFound, "")
	if accUser(t, e, "evil@example.test") != nil {
		t.Error("the setup link made a second admin")
	}
}

// TestLogInThrottlingUntrustedForwardedFor checks ASVS 4.1.3: without
// trusted proxies, X-Forwarded-For is ignored, so changing it does not
// escape the per-address limit.
func TestLogInThrottlingUntrustedForwardedFor(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.CreateUser(t, "carl@example.test", accPassword, false)
	for i := 1; i <= 50; i++ {
		c := accClient(t, e, "X-Forwarded-For", fmt.Sprintf("203.0.113.%d", i))
		r := accPost(c, "/login", "email", fmt.Sprintf("nobody%d@example.test", i), "password", accPassword)
		accWant(t, fmt.Sprintf("failure %d", i), r, http.StatusUnprocessableEntity, "")
	}
	r := accPost(accClient(t, e, "X-Forwarded-For", "203.0.113.77"), "/login", "email", "carl@example.test", "password", accPassword)
	accWant(t, "51st attempt with a new X-Forwarded-For", r, http.StatusTooManyRequests, "")
}
