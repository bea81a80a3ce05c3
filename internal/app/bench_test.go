package app_test

import (
	"fmt"
	"testing"

	"github.com/haven-project/haven/internal/app"
	"github.com/haven-project/haven/internal/haven"
	"github.com/haven-project/haven/internal/password"
	"github.com/haven-project/haven/internal/storetest"
)

// benchApp returns an App on a fresh SQLite database with the production
// password hasher, and one confirmed account.
func benchApp(b *testing.B) (*app.App, app.LogInInput) {
	b.Helper()
	a := app.New(storetest.SQLite(b), app.Config{Passwords: password.Default})
	in := app.LogInInput{Email: "bench@example.org", Password: "correct horse battery staple"}
	if _, err := a.CreateUser(b.Context(), haven.System, app.CreateUserInput{Email: in.Email, Password: in.Password}); err != nil {
		b.Fatal(err)
	}
	return a, in
}

// BenchmarkLogIn is one successful log-in end to end from a known device
// (the everyday case): throttle counters, argon2id verification (OWASP
// parameters), session and audit writes on SQLite with synchronous=FULL.
func BenchmarkLogIn(b *testing.B) {
	a, in := benchApp(b)
	ctx := b.Context()
	// Log in once from a new device to get its cookie: attempts from
	// unknown devices are limited per account, a known device's success
	// resets its own counter.
	first, err := a.LogIn(ctx, haven.Actor{IP: "10.255.255.255"}, in)
	if err != nil {
		b.Fatal(err)
	}
	in.Device = first.Device
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		// A client address per log-in, so no per-address counter builds up.
		actor := haven.Actor{IP: fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255), UserAgent: "bench"}
		if _, err := a.LogIn(ctx, actor, in); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAuthenticate is the per-request cost of a session cookie:
// looking up the session, its account and memberships.
func BenchmarkAuthenticate(b *testing.B) {
	a, in := benchApp(b)
	ctx := b.Context()
	res, err := a.LogIn(ctx, haven.Actor{IP: "10.0.0.1"}, in)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		actor, _, err := a.Authenticate(ctx, res.Session, "10.0.0.1", "bench")
		if err != nil {
			b.Fatal(err)
		}
		if actor.User == nil {
			b.Fatal("Authenticate returned no account")
		}
	}
}
