package web_test

// The account journey in a headless Chromium, as a person makes it: sign
// up, confirm the address from the mail, log in, turn on two-factor, log
// out, log in with a code, look at sessions and tokens, log out. It runs
// at desktop size and again at phone size, where nothing may stick out
// sideways, and it leaves screenshots of every page for people to look at.

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/haven-project/haven/internal/apptest"
	"github.com/haven-project/haven/internal/browsertest"
	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// abViewport is a window size the journey runs at.
type abViewport struct {
	name          string
	width, height int
	mobile        bool
}

var abViewports = []abViewport{
	{"desktop", 1280, 900, false},
	{"phone", 390, 844, true}, // about an iPhone 14
}

// abBrowser is one person in one tab, on one Haven.
type abBrowser struct {
	t      *testing.T
	tab    *browsertest.Tab
	e      *apptest.Env
	vp     abViewport
	dir    string
	errors int   // console errors already reported
	status int64 // the status the next page must have, when not 200
}

// abScreenshotDir returns $HAVEN_SCREENSHOTS, or a temporary directory.
func abScreenshotDir(t *testing.T) string {
	if d := os.Getenv("HAVEN_SCREENSHOTS"); d != "" {
		return d
	}
	return t.TempDir()
}

// abCode returns the authenticator code for secret at the app's time.
func abCode(t *testing.T, e *apptest.Env, secret string) string {
	t.Helper()
	c, err := totp.GenerateCodeCustom(secret, e.Clock.Now(),
		totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// where describes the tab for a failure message.
func (b *abBrowser) where() string {
	loc, _ := chromedp.Run(b.tab.Context(), chromedp.Location())
	s := " [" + b.vp.name + ", at " + loc + "]"
	if errs := b.tab.ConsoleErrors(); len(errs) > 0 {
		s += fmt.Sprintf(" console errors: %q", errs)
	}
	return s
}

// arrived checks the page that the tab just loaded: its HTTP status, its
// path, no new console error and, on a phone, no sideways overflow.
func (b *abBrowser) arrived(what string, status int64, gotURL, wantPath string) {
	b.t.Helper()
	u, err := url.Parse(gotURL)
	if err != nil {
		b.t.Fatalf("%s: address %q: %v", what, gotURL, err)
	}
	if u.Path != wantPath {
		b.t.Fatalf("%s: landed on %s, want %s (status %d)%s", what, u.RequestURI(), wantPath, status, b.where())
	}
	want := int64(200)
	if b.status != 0 {
		want, b.status = b.status, 0
	}
	if status != want {
		b.t.Errorf("%s: status %d, want %d%s", what, status, want, b.where())
	}
	// Chromium logs a page that answers 4xx, such as a form sent back
	// with its errors (422), as a failed resource: that one is expected.
	expected := fmt.Sprintf("network: Failed to load resource: the server responded with a status of %d ", status)
	var unexpected []string
	for _, e := range b.tab.ConsoleErrors()[b.errors:] {
		if status == want && status >= 400 && strings.HasPrefix(e, expected) && strings.HasSuffix(e, "("+gotURL+")") {
			continue
		}
		unexpected = append(unexpected, e)
	}
	if len(unexpected) > 0 {
		b.t.Errorf("%s: console errors: %q", what, unexpected)
	}
	b.errors = len(b.tab.ConsoleErrors())
	if b.vp.mobile {
		b.noOverflow(what)
	}
}

// noOverflow fails the test when the page is wider than the phone's
// screen, and names the elements that stick out.
func (b *abBrowser) noOverflow(what string) {
	b.t.Helper()
	type overflow struct {
		ScrollWidth int      `json:"scrollWidth"`
		InnerWidth  int      `json:"innerWidth"`
		Culprits    []string `json:"culprits"`
	}
	o := browsertest.Get(b.tab, chromedp.Evaluate[overflow](`(() => {
		const w = window.innerWidth, culprits = [];
		for (const el of document.body.querySelectorAll("*")) {
			const r = el.getBoundingClientRect();
			if (r.width > 0 && (r.right > w + 0.5 || r.left < -0.5)) {
				let name = el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
					(el.classList.length ? "." + [...el.classList].join(".") : "");
				culprits.push(name + " [" + Math.round(r.left) + ", " + Math.round(r.right) + "]");
				if (culprits.length >= 8) break;
			}
		}
		return {scrollWidth: document.documentElement.scrollWidth, innerWidth: w, culprits};
	})()`))
	if o.ScrollWidth > o.InnerWidth || o.InnerWidth > b.vp.width {
		b.t.Errorf("%s: the page is %d px wide in a %d px window on a %d px phone; sticking out: %s",
			what, o.ScrollWidth, o.InnerWidth, b.vp.width, strings.Join(o.Culprits, ", "))
	}
}

// open loads path by its address, as a person typing it or following a
// link from a mail, and checks where it lands.
func (b *abBrowser) open(path, wantPath string) {
	b.t.Helper()
	resp := browsertest.Get(b.tab, chromedp.NavigateResponse(b.e.URL(path)))
	b.arrived("GET "+path, resp.Status, resp.URL, wantPath)
}

// press clicks (on a phone, taps) the element, waits for the page it
// loads and checks where it lands.
func (b *abBrowser) press(what, sel, wantPath string) {
	b.t.Helper()
	act := chromedp.Click(chromedp.CSS(sel))
	if b.vp.mobile {
		act = chromedp.Tap(chromedp.CSS(sel))
	}
	ctx, cancel := context.WithTimeout(b.tab.Context(), 15*time.Second)
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, act)
	if err != nil {
		b.t.Fatalf("%s: pressing %s: %v%s", what, sel, err, b.where())
	}
	b.arrived(what, resp.Status, resp.URL, wantPath)
}

// expect sets the status of the next page when it is not 200.
func (b *abBrowser) expect(status int64) { b.status = status }

// typeInto types text into the field with the id, key by key.
func (b *abBrowser) typeInto(id, text string) {
	b.t.Helper()
	b.tab.Run(chromedp.SendKeys(chromedp.ID(id), text))
}

// text returns the visible text of the first element matching sel, or ""
// when there is none.
func (b *abBrowser) text(sel string) string {
	b.t.Helper()
	return browsertest.Get(b.tab, chromedp.Evaluate[string](
		`(() => { const el = document.querySelector(`+jsString(sel)+`); return el ? el.innerText.trim() : ""; })()`))
}

// count returns how many elements match sel.
func (b *abBrowser) count(sel string) int {
	b.t.Helper()
	return browsertest.Get(b.tab, chromedp.Evaluate[int](`document.querySelectorAll(`+jsString(sel)+`).length`))
}

// see fails the test unless the element matching sel shows every text.
func (b *abBrowser) see(what, sel string, texts ...string) {
	b.t.Helper()
	got := b.text(sel)
	for _, s := range texts {
		if !strings.Contains(got, s) {
			b.t.Errorf("%s: %s does not say %q; it says %q%s", what, sel, s, got, b.where())
		}
	}
}

// shoot writes a screenshot of the whole page.
func (b *abBrowser) shoot(name string) {
	b.t.Helper()
	b.tab.Screenshot(filepath.Join(b.dir, "account-"+name+"-"+b.vp.name+".png"))
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	b, _ := json.Marshal(s) // a JSON string is a JavaScript string
	return string(b)
}

// TestAccountJourneyInBrowser makes a whole account journey in Chromium,
// at desktop size and at phone size, on a Haven of its own for each.
func TestAccountJourneyInBrowser(t *testing.T) {
	t.Parallel()
	dir := abScreenshotDir(t)
	for _, vp := range abViewports {
		// One after the other: a tab has browsertest.Timeout for its
		// whole journey, and two journeys at once on a busy machine
		// come close to it.
		t.Run(vp.name, func(t *testing.T) {
			start := time.Now()
			abJourney(t, apptest.New(t), vp, dir)
			t.Logf("%s journey took %v; screenshots in %s", vp.name, time.Since(start).Round(time.Millisecond), dir)
		})
	}
}

func abJourney(t *testing.T, e *apptest.Env, vp abViewport, dir string) {
	const (
		email    = "dora@example.test"
		name     = "Dora Researcher"
		password = "correct horse battery staple"
	)
	b := &abBrowser{t: t, tab: browsertest.New(t), e: e, vp: vp, dir: dir}
	b.tab.SetViewport(vp.width, vp.height, vp.mobile)

	// Home → "Create an account".
	b.open("/", "/")
	b.see("home", "main h1", "Report vulnerabilities safely.")
	b.shoot("home")
	b.press("create an account", `main a.btn[href="/signup"]`, "/signup")
	b.see("sign-up", "main h1", "Create your Haven account")
	b.shoot("signup")

	// A 5-character password: the form comes back with the error by the
	// field, and keeps the address and the name.
	b.typeInto("email", email)
	b.typeInto("display_name", name)
	b.typeInto("password", "short")
	b.expect(422)
	b.press("sign up with a short password", `main button[type="submit"]`, "/signup")
	b.see("sign-up errors", "main .notice-error", "Some fields need attention")
	b.see("sign-up errors", "#password-error", "at least 8 characters")
	if got := browsertest.Get(b.tab, chromedp.Value(chromedp.ID("email"))); got != email {
		t.Errorf("sign-up errors: the e-mail field holds %q, want %q", got, email)
	}
	if got := browsertest.Get(b.tab, chromedp.Value(chromedp.ID("display_name"))); got != name {
		t.Errorf("sign-up errors: the name field holds %q, want %q", got, name)
	}
	b.shoot("signup-errors")

	b.typeInto("password", password)
	b.press("sign up", `main button[type="submit"]`, "/signup/sent")
	b.see("check inbox", "main h1", "Check your inbox")
	b.shoot("check-inbox")

	// The link in the mail shows a button; pressing it confirms.
	link := apptest.LinkIn(t, e.LastMail(t, email), "/verify/")
	b.open(link, link)
	b.see("confirmation page", "main", "Confirm my address")
	b.press("confirm the address", `main button[type="submit"]`, "/login")
	b.see("after confirming", ".flash", "Your e-mail address is confirmed")
	b.shoot("login")

	// Log in with the password only.
	b.typeInto("email", email)
	b.typeInto("password", password)
	b.press("log in", `main button[type="submit"]`, "/")
	b.see("signed in", ".site-header .nav-user-name", name)

	// Settings → Two-factor → set up with the current password.
	b.press("open settings", `.site-header a.nav-user`, "/settings")
	b.press("open two-factor settings", `.settings-nav a[href="/settings/two-factor"]`, "/settings/two-factor")
	b.see("two-factor off", "#mfa-status", "Off")
	b.typeInto("current_password", password)
	b.press("set up two-factor", `main button[type="submit"]`, "/settings/two-factor/begin")
	secret := b.text("#totp-secret")
	if secret == "" {
		t.Fatalf("two-factor set-up: no secret in #totp-secret%s", b.where())
	}
	if w := browsertest.Get(b.tab, chromedp.Evaluate[int](`(document.querySelector(".qr img") || {}).naturalWidth || 0`)); w == 0 {
		t.Errorf("two-factor set-up: the QR code image does not load%s", b.where())
	}
	b.shoot("two-factor-setup")
	b.typeInto("code", abCode(t, e, secret))
	b.press("turn two-factor on", `main button[type="submit"]`, "/settings/two-factor/confirm")
	if n := b.count("#recovery-codes ul.codes li"); n != 10 {
		t.Errorf("after turning two-factor on: %d recovery codes shown, want 10%s", n, b.where())
	}
	b.see("two-factor on", "#mfa-status", "On")
	b.shoot("recovery-codes")

	// Log out with the header's button, then log in with a code.
	b.press("log out", `.site-header form[action="/logout"] button`, "/login")
	b.see("logged out", ".flash", "You are logged out.")
	e.Clock.Advance(30 * time.Second) // the first code is spent
	b.typeInto("email", email)
	b.typeInto("password", password)
	b.press("log in (password)", `main button[type="submit"]`, "/login/two-factor")
	b.see("two-factor log-in", "main h1", "Two-factor authentication")
	b.shoot("two-factor-login")
	b.typeInto("code", abCode(t, e, secret))
	b.press("log in (code)", `main form[action="/login/two-factor"] button[type="submit"]`, "/")
	b.see("signed in with two-factor", ".site-header .nav-user-name", name)
	b.open("/settings", "/settings")
	b.see("settings", "main .page-head", "Signed in as "+email)

	// Sessions, and tokens after making one.
	b.press("open sessions", `.settings-nav a[href="/settings/sessions"]`, "/settings/sessions")
	b.see("sessions", "main .table", "This browser")
	b.shoot("sessions")
	b.press("open tokens", `.settings-nav a[href="/settings/tokens"]`, "/settings/tokens")
	b.typeInto("name", "CI export script")
	b.press("create a token", `main form[action="/settings/tokens"] button[type="submit"]`, "/settings/tokens")
	if tok := b.text("#new-token"); tok == "" {
		t.Errorf("after creating a token: no #new-token%s", b.where())
	}
	b.see("tokens", "main .table", "CI export script")
	b.shoot("tokens")

	// Log out: the log-in page says so, and settings need a log-in again.
	b.press("log out again", `.site-header form[action="/logout"] button`, "/login")
	b.see("logged out again", ".flash", "You are logged out.")
	if n := b.count(".site-header .nav-user"); n != 0 {
		t.Errorf("after logging out: the header still shows the account%s", b.where())
	}
	b.open("/settings", "/login")
	if errs := b.tab.ConsoleErrors(); len(errs) > b.errors {
		t.Errorf("console errors at the end: %q", errs[b.errors:])
	}
}
