package app_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/haven-project/haven/internal/app"
	"github.com/haven-project/haven/internal/apptest"
	"github.com/haven-project/haven/internal/haven"
)

// TestTOTPSecretSealed checks that two-factor secrets are stored sealed
// with the instance key, bound to their account: a sealed secret copied
// into another account's row does not open there, and the code check
// fails instead of passing.
func TestTOTPSecretSealed(t *testing.T) {
	t.Parallel()
	apptest.Run(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		ann := e.CreateUser(t, "ann@example.test", pw, false)
		ben := e.CreateUser(t, "ben@example.test", pw, false)
		actor, _ := signIn(t, e, ann.Email, pw)
		setup, err := e.App.BeginTOTP(ctx, actor, pw)
		if err != nil {
			t.Fatal(err)
		}
		st, err := e.DB.TOTP(ctx, ann.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(st.Secret, "v1:") || strings.Contains(st.Secret, setup.Secret) {
			t.Fatalf("stored secret %q, want it sealed", st.Secret)
		}
		// The set-up page shows the secret again, opened.
		if again, err := e.App.PendingTOTP(ctx, actor); err != nil || again.Secret != setup.Secret {
			t.Fatalf("PendingTOTP = %q, %v; want %q", again.Secret, err, setup.Secret)
		}
		if _, err := e.App.ConfirmTOTP(ctx, actor, code(t, setup.Secret, e.Clock.Now())); err != nil {
			t.Fatal(err)
		}

		// Ann's sealed secret copied into Ben's row.
		now := e.Clock.Now()
		if err := e.DB.SetTOTPSecret(ctx, ben.ID, st.Secret, now); err != nil {
			t.Fatal(err)
		}
		if err := e.DB.EnableTOTP(ctx, ben.ID, now); err != nil {
			t.Fatal(err)
		}
		e.Clock.Advance(30 * time.Second)
		pending := mfaLogIn(t, e, ben.Email)
		res, err := e.App.CompleteLogIn(ctx, client, pending, code(t, setup.Secret, e.Clock.Now()))
		if err == nil || res.Session != "" {
			t.Fatalf("Ben logged in with Ann's secret: %+v, %v", res, err)
		}
		if _, pend, err := e.App.Authenticate(ctx, pending, client.IP, client.UserAgent); err == nil && !pend {
			t.Error("the pending session of Ben became a full one")
		}

		// Ann's own secret still works.
		pending = mfaLogIn(t, e, ann.Email)
		if _, err := e.App.CompleteLogIn(ctx, client, pending, code(t, setup.Secret, e.Clock.Now())); err != nil {
			t.Errorf("Ann's log-in with her code: %v", err)
		}

		// An App without the key cannot set up or check two-factor: it
		// errs rather than storing a secret in the clear or letting a code
		// pass.
		keyless := app.New(e.DB, app.Config{Now: e.Clock.Now, Passwords: apptest.CheapHasher})
		e.Clock.Advance(30 * time.Second)
		res, err = keyless.LogIn(ctx, client, app.LogInInput{Email: ann.Email, Password: pw})
		if err != nil || !res.MFARequired {
			t.Fatalf("LogIn = %+v, %v", res, err)
		}
		if done, err := keyless.CompleteLogIn(ctx, client, res.Session, code(t, setup.Secret, e.Clock.Now())); err == nil || done.Session != "" {
			t.Errorf("keyless CompleteLogIn = %+v, %v; want an error", done, err)
		}
		var inv *haven.InvalidError
		cy := e.CreateUser(t, "cy@example.test", pw, false)
		cyActor, _ := signIn(t, e, cy.Email, pw)
		if _, err := keyless.BeginTOTP(ctx, cyActor, pw); err == nil || errors.As(err, &inv) {
			t.Errorf("keyless BeginTOTP: %v, want an error", err)
		}
		if st, _ := e.DB.TOTP(ctx, cy.ID); st.Secret != "" {
			t.Errorf("keyless BeginTOTP stored %q", st.Secret)
		}
	})
}
