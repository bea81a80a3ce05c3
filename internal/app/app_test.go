package app_test

// App-level tests of account rules that are awkward to reach over HTTP:
// spent TOTP steps, token validation, the password policy on every path
// that sets one, and one-time links. The HTTP journeys are in
// internal/web/account_test.go.

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/haven-project/haven/internal/app"
	"github.com/haven-project/haven/internal/apptest"
	"github.com/haven-project/haven/internal/haven"
	"github.com/haven-project/haven/internal/password"
	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

const pw = "correct horse battery staple"

var totpOpts = totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

// client is the address and browser every test request comes from.
var client = haven.Actor{IP: "192.0.2.10", UserAgent: "app-test"}

// signIn logs u in with a password (no second factor) and returns the
// actor its session authenticates as, and the session secret.
func signIn(t *testing.T, e *apptest.Env, email, password string) (haven.Actor, string) {
	t.Helper()
	ctx := context.Background()
	res, err := e.App.LogIn(ctx, client, app.LogInInput{Email: email, Password: password})
	if err != nil {
		t.Fatalf("LogIn(%s): %v", email, err)
	}
	if res.MFARequired {
		t.Fatalf("LogIn(%s) wants a second factor", email)
	}
	actor, pending, err := e.App.Authenticate(ctx, res.Session, client.IP, client.UserAgent)
	if err != nil || pending || !actor.SignedIn() {
		t.Fatalf("Authenticate(%s) = %v, pending %t, %v", email, actor.UserID(), pending, err)
	}
	return actor, res.Session
}

// code returns the TOTP code of secret at time at.
func code(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	c, err := totp.GenerateCodeCustom(secret, at, totpOpts)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// wantField fails unless err is an *haven.InvalidError with a message for
// field (or, when field is "", a form-level message).
func wantField(t *testing.T, what string, err error, field string) {
	t.Helper()
	var inv *haven.InvalidError
	if !errors.As(err, &inv) {
		t.Fatalf("%s: error %v, want a validation error", what, err)
	}
	if field == "" && inv.Msg == "" || field != "" && inv.Fields[field] == "" {
		t.Fatalf("%s: %v, want a message for %q", what, inv, field)
	}
}

// mfaLogIn runs the password step and returns the pending session.
func mfaLogIn(t *testing.T, e *apptest.Env, email string) string {
	t.Helper()
	res, err := e.App.LogIn(context.Background(), client, app.LogInInput{Email: email, Password: pw})
	if err != nil || !res.MFARequired {
		t.Fatalf("LogIn = %+v, %v; want a pending session", res, err)
	}
	return res.Session
}

// TestConfirmTOTPCodeIsSpent checks ASVS 6.5.1 at the source: the code
// that confirms set-up is spent, a code works once, and time steps only
// move forward (a later step used makes earlier codes useless).
func TestConfirmTOTPCodeIsSpent(t *testing.T) {
	t.Parallel()
	apptest.Run(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		u := e.CreateUser(t, "tia@example.test", pw, false)
		actor, _ := signIn(t, e, u.Email, pw)

		if _, err := e.App.BeginTOTP(ctx, actor, "wrong password"); err == nil {
			t.Fatal("BeginTOTP with a wrong password succeeded")
		}
		first, err := e.App.BeginTOTP(ctx, actor, pw)
		if err != nil {
			t.Fatal(err)
		}
		// Beginning again replaces the secret: the first one's codes fail.
		setup, err := e.App.BeginTOTP(ctx, actor, pw)
		if err != nil {
			t.Fatal(err)
		}
		if setup.Secret == first.Secret || !strings.HasPrefix(setup.URL, "otpauth://totp/") {
			t.Fatalf("second set-up: %+v", setup)
		}
		now := e.Clock.Now()
		if code(t, first.Secret, now) != code(t, setup.Secret, now) {
			_, err = e.App.ConfirmTOTP(ctx, actor, code(t, first.Secret, now))
			wantField(t, "code of the replaced secret", err, "code")
		}

		c := code(t, setup.Secret, now)
		codes, err := e.App.ConfirmTOTP(ctx, actor, c)
		if err != nil {
			t.Fatalf("ConfirmTOTP: %v", err)
		}
		seen := map[string]bool{}
		for _, rc := range codes {
			if !regexp.MustCompile(`^[a-z2-7]{5}-[a-z2-7]{5}$`).MatchString(rc) || seen[rc] {
				t.Errorf("recovery code %q malformed or repeated", rc)
			}
			seen[rc] = true
		}
		if len(codes) != 10 {
			t.Errorf("%d recovery codes, want 10", len(codes))
		}
		_, err = e.App.ConfirmTOTP(ctx, actor, c)
		wantField(t, "ConfirmTOTP twice", err, "")

		// The confirming code does not log in, nor turn two-factor off.
		pending := mfaLogIn(t, e, u.Email)
		_, err = e.App.CompleteLogIn(ctx, client, pending, c)
		wantField(t, "confirm code replayed at log-in", err, "code")
		wantField(t, "confirm code replayed to disable", e.App.DisableTOTP(ctx, actor, pw, c), "code")

		// A code one step ahead (clock drift) is accepted once; after it,
		// the current step's code is refused, though never used.
		ahead := code(t, setup.Secret, now.Add(30*time.Second))
		if _, err := e.App.CompleteLogIn(ctx, client, pending, ahead); err != nil {
			t.Fatalf("code of the next step: %v", err)
		}
		pending = mfaLogIn(t, e, u.Email)
		_, err = e.App.CompleteLogIn(ctx, client, pending, ahead)
		wantField(t, "next step's code replayed", err, "code")
		e.Clock.Advance(30 * time.Second) // "ahead" is now the current step
		_, err = e.App.CompleteLogIn(ctx, client, pending, code(t, setup.Secret, e.Clock.Now()))
		wantField(t, "used step's code", err, "code")
		e.Clock.Advance(30 * time.Second)
		if _, err := e.App.CompleteLogIn(ctx, client, pending, code(t, setup.Secret, e.Clock.Now())); err != nil {
			t.Fatalf("fresh code: %v", err)
		}

		// Recovery codes: any case, with or without the dash, once.
		pending = mfaLogIn(t, e, u.Email)
		typed := strings.ToUpper(strings.ReplaceAll(codes[0], "-", " "))
		if _, err := e.App.CompleteLogIn(ctx, client, pending, typed); err != nil {
			t.Fatalf("recovery code %q: %v", typed, err)
		}
		pending = mfaLogIn(t, e, u.Email)
		_, err = e.App.CompleteLogIn(ctx, client, pending, codes[0])
		wantField(t, "recovery code reused", err, "code")
		st, err := e.App.TwoFactor(ctx, actor)
		if err != nil || !st.Enabled || st.RecoveryCodes != 9 {
			t.Errorf("TwoFactor = %+v, %v; want on with 9 codes", st, err)
		}
	})
}

// TestCompleteLogInRefusesOtherSessions checks that only a session waiting
// for its second factor can complete log-in: a full session, an unknown
// secret and an expired pending session get ErrUnauthenticated.
func TestCompleteLogInRefusesOtherSessions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := apptest.New(t)
	u := e.CreateUser(t, "ned@example.test", pw, false)
	actor, full := signIn(t, e, u.Email, pw)
	setup, err := e.App.BeginTOTP(ctx, actor, pw)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.App.ConfirmTOTP(ctx, actor, code(t, setup.Secret, e.Clock.Now())); err != nil {
		t.Fatal(err)
	}
	e.Clock.Advance(30 * time.Second)
	c := code(t, setup.Secret, e.Clock.Now())
	for name, secret := range map[string]string{"full session": full, "unknown": "no-such-session", "empty": ""} {
		if _, err := e.App.CompleteLogIn(ctx, client, secret, c); !errors.Is(err, haven.ErrUnauthenticated) {
			t.Errorf("%s: %v, want ErrUnauthenticated", name, err)
		}
	}
	pending := mfaLogIn(t, e, u.Email)
	if a, isPending, err := e.App.Authenticate(ctx, pending, client.IP, client.UserAgent); err != nil || !isPending || a.SignedIn() {
		t.Errorf("Authenticate(pending) = signed in %t, pending %t, %v; want a pending visitor", a.SignedIn(), isPending, err)
	}
	e.Clock.Advance(10 * time.Minute)
	if _, err := e.App.CompleteLogIn(ctx, client, pending, code(t, setup.Secret, e.Clock.Now())); !errors.Is(err, haven.ErrUnauthenticated) {
		t.Errorf("pending session after 10 minutes: %v, want ErrUnauthenticated", err)
	}
}

// TestCreateTokenValidation checks the rules for API tokens: a name is
// required and short, the lifetime is 0 (none) or 1 to 366 days.
func TestCreateTokenValidation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := apptest.New(t)
	u := e.CreateUser(t, "tom@example.test", pw, false)
	actor, _ := signIn(t, e, u.Email, pw)
	now := e.Clock.Now()
	day := 24 * time.Hour
	tests := []struct {
		name    string
		in      app.CreateTokenInput
		field   string        // expected validation error, or ""
		expires time.Duration // 0: never
	}{
		{"no name", app.CreateTokenInput{Name: ""}, "name", 0},
		{"blank name", app.CreateTokenInput{Name: "   "}, "name", 0},
		{"81 characters", app.CreateTokenInput{Name: strings.Repeat("é", 81)}, "name", 0},
		{"80 characters", app.CreateTokenInput{Name: strings.Repeat("é", 80)}, "", 0},
		{"negative lifetime", app.CreateTokenInput{Name: "ci", ExpiresInDays: -1}, "expires_in_days", 0},
		{"367 days", app.CreateTokenInput{Name: "ci", ExpiresInDays: 367}, "expires_in_days", 0},
		{"no expiry", app.CreateTokenInput{Name: "ci", ExpiresInDays: 0}, "", 0},
		{"1 day", app.CreateTokenInput{Name: "ci", ExpiresInDays: 1}, "", day},
		{"366 days", app.CreateTokenInput{Name: "ci", ExpiresInDays: 366}, "", 366 * day},
	}
	for _, tt := range tests {
		secret, tok, err := e.App.CreateToken(ctx, actor, tt.in)
		if tt.field != "" {
			wantField(t, tt.name, err, tt.field)
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if !strings.HasPrefix(secret, app.TokenPrefix) || len(secret) < len(app.TokenPrefix)+40 || !strings.HasPrefix(secret, tok.Prefix) {
			t.Errorf("%s: secret %q, prefix %q", tt.name, secret, tok.Prefix)
		}
		switch {
		case tt.expires == 0 && tok.ExpiresAt != nil:
			t.Errorf("%s: expires at %v, want never", tt.name, tok.ExpiresAt)
		case tt.expires != 0 && (tok.ExpiresAt == nil || !tok.ExpiresAt.Equal(now.Add(tt.expires))):
			t.Errorf("%s: expires at %v, want %v", tt.name, tok.ExpiresAt, now.Add(tt.expires))
		}
	}
	if _, _, err := e.App.CreateToken(ctx, haven.Visitor, app.CreateTokenInput{Name: "x"}); !errors.Is(err, haven.ErrUnauthenticated) {
		t.Errorf("visitor: %v, want ErrUnauthenticated", err)
	}
}

// TestTokenLifetime checks that an API token stops working when it
// expires or is revoked, at once, and that the number of live tokens is
// capped.
func TestTokenLifetime(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := apptest.New(t)
	u := e.CreateUser(t, "lia@example.test", pw, false)
	actor, _ := signIn(t, e, u.Email, pw)
	secret, tok, err := e.App.CreateToken(ctx, actor, app.CreateTokenInput{Name: "one day", ExpiresInDays: 1})
	if err != nil {
		t.Fatal(err)
	}
	forever, other, err := e.App.CreateToken(ctx, actor, app.CreateTokenInput{Name: "forever"})
	if err != nil {
		t.Fatal(err)
	}
	auth := func(s string) error {
		_, err := e.App.AuthenticateToken(ctx, s, client.IP, client.UserAgent)
		return err
	}
	if err := auth(secret); err != nil {
		t.Fatalf("fresh token: %v", err)
	}
	for _, bad := range []string{"", "hvn_", secret[:len(secret)-1], strings.TrimPrefix(secret, app.TokenPrefix)} {
		if err := auth(bad); !errors.Is(err, haven.ErrUnauthenticated) {
			t.Errorf("token %q: %v, want ErrUnauthenticated", bad, err)
		}
	}
	e.Clock.Advance(24*time.Hour - time.Second)
	if err := auth(secret); err != nil {
		t.Errorf("token a second before expiry: %v", err)
	}
	e.Clock.Advance(time.Second)
	if err := auth(secret); !errors.Is(err, haven.ErrUnauthenticated) {
		t.Errorf("expired token: %v, want ErrUnauthenticated", err)
	}
	if err := e.App.RevokeToken(ctx, actor, other.ID); err != nil {
		t.Fatal(err)
	}
	if err := auth(forever); !errors.Is(err, haven.ErrUnauthenticated) {
		t.Errorf("revoked token: %v, want ErrUnauthenticated", err)
	}
	if err := e.App.RevokeToken(ctx, actor, other.ID); !errors.Is(err, haven.ErrNotFound) {
		t.Errorf("revoking twice: %v, want ErrNotFound", err)
	}
	_ = tok

	// At most 50 live tokens (expired and revoked ones don't count).
	for i := range 50 {
		if _, _, err := e.App.CreateToken(ctx, actor, app.CreateTokenInput{Name: fmt.Sprint("t", i)}); err != nil {
			t.Fatalf("token %d: %v", i+1, err)
		}
	}
	_, _, err = e.App.CreateToken(ctx, actor, app.CreateTokenInput{Name: "one too many"})
	wantField(t, "51st token", err, "")
}

// TestPasswordPolicyEverywhere checks that every way to set a password
// applies one policy (ASVS 6.2.1, 6.2.4, 6.2.9, 6.3.4), with a message
// for the field: CreateUser (admins, command line), SignUp, ChangePassword,
// SetUserPassword.
func TestPasswordPolicyEverywhere(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := apptest.New(t)
	owner := e.CreateUser(t, "pat@example.test", pw, false)
	target := e.CreateUser(t, "tim@example.test", pw, false)
	actor, _ := signIn(t, e, owner.Email, pw)
	tests := []struct {
		name, pw string
		ok       bool
	}{
		{"7 characters", "kq7vmpz", false},
		{"common", "password123", false},
		{"common, other case", "PASSWORD123", false},
		{"one character repeated", "zzzzzzzzzzzz", false},
		{"257 characters", strings.Repeat("abcdefgh", 32) + "x", false},
		{"8 characters", "kq7vmpzx", true},
		{"128 characters", strings.Repeat("abcdefgh", 16), true},
		{"256 characters", strings.Repeat("abcdefgh", 32), true},
		{"8 runes, not bytes", "πασσωρδά", true},
	}
	for i, tt := range tests {
		email := fmt.Sprintf("user%d@example.test", i)
		paths := map[string]error{
			"CreateUser": func() error {
				_, err := e.App.CreateUser(ctx, haven.System, app.CreateUserInput{Email: email, Password: tt.pw})
				return err
			}(),
			"SignUp":          e.App.SignUp(ctx, client, app.SignUpInput{Email: "s" + email, Password: tt.pw}),
			"SetUserPassword": e.App.SetUserPassword(ctx, haven.System, target.ID, tt.pw),
		}
		for path, err := range paths {
			if tt.ok && err != nil {
				t.Errorf("%s %s: %v", path, tt.name, err)
			}
			if !tt.ok {
				wantField(t, path+" "+tt.name, err, "password")
			}
		}
		if tt.ok {
			continue
		}
		err := e.App.ChangePassword(ctx, actor, app.ChangePasswordInput{Current: pw, New: tt.pw})
		wantField(t, "ChangePassword "+tt.name, err, "new_password")
	}

	// Personal passwords: the address, its local part, any case.
	for _, bad := range []string{"pers.onal@example.test", "PERS.ONAL@example.test", "pers.onal"} {
		_, err := e.App.CreateUser(ctx, haven.System, app.CreateUserInput{Email: "pers.onal@example.test", Password: bad})
		wantField(t, "CreateUser with personal password "+bad, err, "password")
	}
	_, err := e.App.CreateUser(ctx, haven.System, app.CreateUserInput{Email: "bad address", Password: pw})
	wantField(t, "CreateUser with a bad address", err, "email")
	_, err = e.App.CreateUser(ctx, haven.System, app.CreateUserInput{Email: owner.Email, Password: pw})
	wantField(t, "CreateUser with a taken address", err, "email")
}

// TestPasswordNotTruncated checks ASVS 6.2.8: passwords that differ only
// after byte 72 (bcrypt's limit) are different passwords.
func TestPasswordNotTruncated(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	long := strings.Repeat("abcdefgh", 9) // 72 bytes
	u := e.CreateUser(t, "lee@example.test", long+"-one", false)
	_, err := e.App.LogIn(context.Background(), client, app.LogInInput{Email: u.Email, Password: long + "-two"})
	wantField(t, "log in with another 73rd byte", err, "")
	signIn(t, e, u.Email, long+"-one")
}

// secretIn returns the secret at the end of the mail's link under prefix.
func secretIn(t *testing.T, e *apptest.Env, to, prefix string) string {
	t.Helper()
	return strings.TrimPrefix(apptest.LinkIn(t, e.LastMail(t, to), prefix), prefix)
}

// TestOneTimeLinks checks that confirmation, reset and e-mail change links
// work once and expire, and that a reset link sent to an address the
// account no longer uses is void.
func TestOneTimeLinks(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := apptest.New(t)

	// Confirmation links: once, within 48 hours.
	if err := e.App.SignUp(ctx, client, app.SignUpInput{Email: "vic@example.test", Password: pw}); err != nil {
		t.Fatal(err)
	}
	verify := secretIn(t, e, "vic@example.test", "/verify/")
	if err := e.App.VerifyEmail(ctx, client, verify); err != nil {
		t.Fatal(err)
	}
	if err := e.App.VerifyEmail(ctx, client, verify); !errors.Is(err, haven.ErrNotFound) {
		t.Errorf("confirmation link twice: %v, want ErrNotFound", err)
	}
	if err := e.App.SignUp(ctx, client, app.SignUpInput{Email: "val@example.test", Password: pw}); err != nil {
		t.Fatal(err)
	}
	verify = secretIn(t, e, "val@example.test", "/verify/")
	e.Clock.Advance(48 * time.Hour)
	if err := e.App.VerifyEmail(ctx, client, verify); !errors.Is(err, haven.ErrNotFound) {
		t.Errorf("confirmation link after 48 hours: %v, want ErrNotFound", err)
	}

	// A reset link sent to the old address dies when the address changes.
	u := e.CreateUser(t, "old@example.test", pw, false)
	actor, _ := signIn(t, e, u.Email, pw)
	if err := e.App.RequestPasswordReset(ctx, client, u.Email); err != nil {
		t.Fatal(err)
	}
	reset := secretIn(t, e, u.Email, "/reset/")
	if err := e.App.RequestEmailChange(ctx, actor, pw, "new@example.test"); err != nil {
		t.Fatal(err)
	}
	change := secretIn(t, e, "new@example.test", "/settings/email/confirm/")
	if err := e.App.ConfirmEmailChange(ctx, client, change); err != nil {
		t.Fatal(err)
	}
	if err := e.App.ConfirmEmailChange(ctx, client, change); !errors.Is(err, haven.ErrNotFound) {
		t.Errorf("e-mail change link twice: %v, want ErrNotFound", err)
	}
	if _, err := e.App.PeekReset(ctx, reset); !errors.Is(err, haven.ErrNotFound) {
		t.Errorf("PeekReset of a link sent to the old address: %v, want ErrNotFound", err)
	}
	if err := e.App.ResetPassword(ctx, client, reset, "taken over at last", ""); !errors.Is(err, haven.ErrNotFound) {
		t.Errorf("reset through a link sent to the old address: %v, want ErrNotFound", err)
	}

	// An e-mail change link dies when its address is taken meanwhile.
	if err := e.App.RequestEmailChange(ctx, actor, pw, "race@example.test"); err != nil {
		t.Fatal(err)
	}
	change = secretIn(t, e, "race@example.test", "/settings/email/confirm/")
	e.CreateUser(t, "race@example.test", pw, false)
	if err := e.App.ConfirmEmailChange(ctx, client, change); !errors.Is(err, haven.ErrNotFound) {
		t.Errorf("e-mail change to an address taken meanwhile: %v, want ErrNotFound", err)
	}
	// The e-mail change link expires after 24 hours.
	if err := e.App.RequestEmailChange(ctx, actor, pw, "late@example.test"); err != nil {
		t.Fatal(err)
	}
	change = secretIn(t, e, "late@example.test", "/settings/email/confirm/")
	e.Clock.Advance(24 * time.Hour)
	if err := e.App.ConfirmEmailChange(ctx, client, change); !errors.Is(err, haven.ErrNotFound) {
		t.Errorf("e-mail change link after 24 hours: %v, want ErrNotFound", err)
	}
}

// TestResetLiftsAccountThrottle checks that an owner locked out by
// someone else's guesses gets back in after a password reset, from a
// browser the account has never seen: proving control of the mailbox
// ends the account's throttle (the log-in page tells a throttled person
// to reset their password).
func TestResetLiftsAccountThrottle(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := apptest.New(t)
	u := e.CreateUser(t, "kim@example.test", pw, false)
	for i := range 20 {
		attacker := haven.Actor{IP: fmt.Sprintf("203.0.113.%d", i+1)}
		_, err := e.App.LogIn(ctx, attacker, app.LogInInput{Email: u.Email, Password: fmt.Sprint("guess ", i)})
		if err == nil {
			t.Fatal("a guess logged in")
		}
	}
	if _, err := e.App.LogIn(ctx, client, app.LogInInput{Email: u.Email, Password: pw}); !errors.Is(err, haven.ErrTooManyRequests) {
		t.Fatalf("log-in from a new browser after 20 bad guesses: %v, want ErrTooManyRequests", err)
	}
	if err := e.App.RequestPasswordReset(ctx, client, u.Email); err != nil {
		t.Fatal(err)
	}
	const newPassword = "a brand new passphrase"
	if err := e.App.ResetPassword(ctx, client, secretIn(t, e, u.Email, "/reset/"), newPassword, ""); err != nil {
		t.Fatal(err)
	}
	signIn(t, e, u.Email, newPassword)
}

// TestDisabledAccountEndsOnNextRequest checks ASVS 7.4.2 where the account
// was disabled by another path than SetUserDisabled (the command line,
// another replica, a restore), so its sessions were not deleted:
// Authenticate, AuthenticateToken and CompleteLogIn still refuse it.
func TestDisabledAccountEndsOnNextRequest(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := apptest.New(t)
	u := e.CreateUser(t, "dan@example.test", pw, false)
	actor, session := signIn(t, e, u.Email, pw)
	token := e.Token(t, u)
	setup, err := e.App.BeginTOTP(ctx, actor, pw)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.App.ConfirmTOTP(ctx, actor, code(t, setup.Secret, e.Clock.Now())); err != nil {
		t.Fatal(err)
	}
	pending := mfaLogIn(t, e, u.Email)
	e.Clock.Advance(30 * time.Second)

	now := e.Clock.Now()
	if err := e.DB.SetDisabled(ctx, u.ID, &now, now); err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.App.Authenticate(ctx, session, client.IP, client.UserAgent); !errors.Is(err, haven.ErrUnauthenticated) {
		t.Errorf("session of a disabled account: %v, want ErrUnauthenticated", err)
	}
	if _, err := e.App.AuthenticateToken(ctx, token, client.IP, client.UserAgent); !errors.Is(err, haven.ErrUnauthenticated) {
		t.Errorf("token of a disabled account: %v, want ErrUnauthenticated", err)
	}
	if _, err := e.App.CompleteLogIn(ctx, client, pending, code(t, setup.Secret, e.Clock.Now())); !errors.Is(err, haven.ErrUnauthenticated) {
		t.Errorf("second factor of a disabled account: %v, want ErrUnauthenticated", err)
	}
}

// TestLogInThrottleHoldsUnderParallelGuesses checks ASVS 6.3.1 against
// guesses sent all at once: the per-account and per-address limits hold
// exactly, however many requests are in flight. (Counting only after a
// failed check let every parallel guess through.) Hashing is made slower
// than in other tests, to keep many guesses in flight.
func TestLogInThrottleHoldsUnderParallelGuesses(t *testing.T) {
	t.Parallel()
	apptest.Run(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		a := app.New(e.DB, app.Config{Now: e.Clock.Now, Passwords: password.Hasher{Memory: 4 * 1024, Time: 1, Threads: 1}})
		u := e.CreateUser(t, "pia@example.test", pw, false)
		if err := a.SetUserPassword(ctx, haven.System, u.ID, pw); err != nil {
			t.Fatal(err)
		}
		guess := func(n int, actor func(i int) haven.Actor, email func(i int) string) (checked int) {
			var c atomic.Int32
			var wg sync.WaitGroup
			for i := range n {
				wg.Go(func() {
					_, err := a.LogIn(ctx, actor(i), app.LogInInput{Email: email(i), Password: fmt.Sprint("guess ", i)})
					if !errors.Is(err, haven.ErrTooManyRequests) {
						c.Add(1)
					}
				})
			}
			wg.Wait()
			return int(c.Load())
		}
		if n := guess(60,
			func(i int) haven.Actor { return haven.Actor{IP: fmt.Sprintf("203.0.113.%d", i+1)} },
			func(int) string { return u.Email }); n != 10 {
			t.Errorf("%d of 60 parallel guesses at one account were checked, want 10", n)
		}
		if n := guess(60,
			func(int) haven.Actor { return haven.Actor{IP: "198.51.100.1"} },
			func(i int) string { return fmt.Sprintf("nobody%d@example.test", i) }); n != 50 {
			t.Errorf("%d of 60 parallel guesses from one address were checked, want 50", n)
		}
	})
}
