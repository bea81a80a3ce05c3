package app

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/haven-project/haven/internal/haven"
	"github.com/haven-project/haven/internal/password"
	"github.com/haven-project/haven/internal/store"
)

const (
	verifyTTL      = 48 * time.Hour
	resetTTL       = 60 * time.Minute
	emailChangeTTL = 24 * time.Hour
	// reauthWindow is how recent a proof of the password must be for
	// changes that need re-authentication.
	reauthWindow = 10 * time.Minute
	maxNameLen   = 80
)

func defaultHasher() PasswordHasher { return password.Default }

// checkEmail validates and normalises an e-mail address.
func checkEmail(field, s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", haven.Invalid(field, "Enter an e-mail address.")
	}
	addr, err := mail.ParseAddress(s)
	if err != nil || addr.Address != s || len(s) > 254 || !strings.Contains(s[strings.LastIndex(s, "@")+1:], ".") &&
		!strings.HasSuffix(s, ".test") {
		return "", haven.Invalid(field, "Enter an e-mail address like name@example.org.")
	}
	return s, nil
}

// checkPassword applies the password policy, naming the field.
func checkPassword(field, pw string, context ...string) error {
	if err := password.Check(pw, context...); err != nil {
		return haven.Invalid(field, err.Error())
	}
	return nil
}

func checkName(s string) (string, error) {
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) > maxNameLen {
		return "", haven.Invalid("display_name", fmt.Sprintf("Use at most %d characters.", maxNameLen))
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			return "", haven.Invalid("display_name", "Use letters, digits and punctuation only.")
		}
	}
	return s, nil
}

// SignUpInput is what the sign-up form sends.
type SignUpInput struct {
	Email       string
	Password    string
	DisplayName string
}

// SignUp creates an unconfirmed account and mails a confirmation link. When
// the address already has an account, it mails that account's owner instead
// and answers exactly as for a new address, so sign-up does not tell who
// has an account.
func (a *App) SignUp(ctx context.Context, actor haven.Actor, in SignUpInput) error {
	if actor.SignedIn() {
		return &haven.InvalidError{Msg: "You are already logged in."}
	}
	v := &haven.InvalidError{}
	email, err := checkEmail("email", in.Email)
	if err != nil {
		v.Add("email", err.(*haven.InvalidError).Fields["email"])
	}
	if err := checkPassword("password", in.Password, email); err != nil {
		v.Add("password", err.(*haven.InvalidError).Fields["password"])
	}
	name, err := checkName(in.DisplayName)
	if err != nil {
		v.Add("display_name", err.(*haven.InvalidError).Fields["display_name"])
	}
	if err := v.Err(); err != nil {
		return err
	}
	if err := a.limit(ctx, "signup-ip", actor.IP, 20, time.Hour); err != nil {
		return err
	}
	// Hash before looking the address up, so both paths take as long.
	hash, err := a.cfg.Passwords.Hash(in.Password)
	if err != nil {
		return err
	}
	now := a.now()
	return a.tx(ctx, func(tx *store.DB) error {
		existing, err := tx.UserByEmail(ctx, email)
		switch {
		case err == nil:
			return a.sendMail(ctx, tx, existing.Email, "already", map[string]string{
				"Login": a.link("/login"), "Reset": a.link("/reset"),
			})
		case !errors.Is(err, haven.ErrNotFound):
			return err
		}
		u, err := tx.InsertUser(ctx, store.NewUser{Email: email, DisplayName: name, PasswordHash: hash}, now)
		if err != nil {
			return err
		}
		if err := a.audit(ctx, tx, asUser(actor, u), "user.signup", userTarget(u.ID), nil); err != nil {
			return err
		}
		return a.sendVerification(ctx, tx, u)
	})
}

// limit counts one event under kind+value and refuses it past max per
// window.
func (a *App) limit(ctx context.Context, kind, value string, max int, window time.Duration) error {
	now := a.now()
	n, start, err := a.db.Throttle(ctx, throttleKey(kind, value), now, window)
	if err != nil {
		return err
	}
	if n > max {
		a.log.Warn("rate limit", "limit", kind)
		return &haven.RateLimitError{RetryAfterSeconds: int(start.Add(window).Sub(now).Seconds()) + 1}
	}
	return nil
}

func (a *App) sendVerification(ctx context.Context, tx *store.DB, u *haven.User) error {
	now := a.now()
	secret := newSecret()
	err := tx.InsertOneTimeToken(ctx, hashSecret(secret), store.OneTimeToken{
		Purpose: "verify", UserID: u.ID, Email: u.Email, CreatedAt: now, ExpiresAt: now.Add(verifyTTL),
	})
	if err != nil {
		return err
	}
	return a.sendMail(ctx, tx, u.Email, "verify", map[string]any{
		"Link": a.link("/verify/" + secret), "Hours": int(verifyTTL.Hours()),
	})
}

// VerifyEmail spends a confirmation link and marks the account's address
// confirmed. An unknown, used or expired link gives haven.ErrNotFound.
func (a *App) VerifyEmail(ctx context.Context, actor haven.Actor, secret string) error {
	now := a.now()
	return a.tx(ctx, func(tx *store.DB) error {
		t, err := tx.UseOneTimeToken(ctx, "verify", hashSecret(secret), now)
		if err != nil {
			return err
		}
		u, err := tx.User(ctx, t.UserID)
		if err != nil {
			return err
		}
		if !strings.EqualFold(u.Email, t.Email) {
			return haven.ErrNotFound // the address changed since the link was sent
		}
		if err := tx.MarkVerified(ctx, u.ID, now); err != nil {
			return err
		}
		return a.audit(ctx, tx, asUser(actor, u), "user.verify_email", userTarget(u.ID), nil)
	})
}

// RequestPasswordReset mails a reset link when the address has an account,
// and answers alike when it has none.
func (a *App) RequestPasswordReset(ctx context.Context, actor haven.Actor, email string) error {
	email, err := checkEmail("email", email)
	if err != nil {
		return err
	}
	if err := a.limit(ctx, "reset-ip", actor.IP, 20, time.Hour); err != nil {
		return err
	}
	if err := a.limit(ctx, "reset-acct", email, 5, time.Hour); err != nil {
		return err
	}
	now := a.now()
	return a.tx(ctx, func(tx *store.DB) error {
		u, err := tx.UserByEmail(ctx, email)
		if errors.Is(err, haven.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		if u.Disabled() {
			return nil
		}
		// A new link voids the older ones.
		if err := tx.ExpireOneTimeTokens(ctx, "reset", u.ID, now); err != nil {
			return err
		}
		secret := newSecret()
		err = tx.InsertOneTimeToken(ctx, hashSecret(secret), store.OneTimeToken{
			Purpose: "reset", UserID: u.ID, Email: u.Email, CreatedAt: now, ExpiresAt: now.Add(resetTTL),
		})
		if err != nil {
			return err
		}
		return a.sendMail(ctx, tx, u.Email, "reset", map[string]any{
			"Link": a.link("/reset/" + secret), "Minutes": int(resetTTL.Minutes()), "TwoFactor": u.TOTPEnabled,
		})
	})
}

// ResetLink describes a valid, unused reset link, for its form.
type ResetLink struct {
	Email     string
	TwoFactor bool
}

// PeekReset checks a reset link without spending it.
func (a *App) PeekReset(ctx context.Context, secret string) (ResetLink, error) {
	t, err := a.db.PeekOneTimeToken(ctx, "reset", hashSecret(secret), a.now())
	if err != nil {
		return ResetLink{}, err
	}
	u, err := a.db.User(ctx, t.UserID)
	if err != nil {
		return ResetLink{}, err
	}
	if !strings.EqualFold(u.Email, t.Email) {
		return ResetLink{}, haven.ErrNotFound // sent to an address the account no longer uses
	}
	return ResetLink{Email: u.Email, TwoFactor: u.TOTPEnabled}, nil
}

// ResetPassword spends a reset link and sets a new password. An account
// with two-factor also needs a current code or a recovery code: a reset
// never bypasses the second factor. Every session ends, the address counts
// as confirmed (the link reached it), and the owner is told by mail.
func (a *App) ResetPassword(ctx context.Context, actor haven.Actor, secret, newPassword, code string) error {
	now := a.now()
	link, err := a.PeekReset(ctx, secret)
	if err != nil {
		return err
	}
	if err := checkPassword("password", newPassword, link.Email); err != nil {
		return err
	}
	t, err := a.db.PeekOneTimeToken(ctx, "reset", hashSecret(secret), now)
	if err != nil {
		return err
	}
	if link.TwoFactor {
		if err := a.limit(ctx, "otp", fmt.Sprint(t.UserID), 3*maxMFAFailures, throttleWindow); err != nil {
			return err
		}
		ok, err := a.checkSecondFactor(ctx, t.UserID, code, now)
		if err != nil {
			return err
		}
		if !ok {
			return haven.Invalid("code", "That code is not right. Use the current code from your app, or a recovery code.")
		}
	}
	hash, err := a.cfg.Passwords.Hash(newPassword)
	if err != nil {
		return err
	}
	err = a.tx(ctx, func(tx *store.DB) error {
		t, err := tx.UseOneTimeToken(ctx, "reset", hashSecret(secret), now)
		if err != nil {
			return err
		}
		u, err := tx.User(ctx, t.UserID)
		if err != nil {
			return err
		}
		if !strings.EqualFold(u.Email, t.Email) {
			return haven.ErrNotFound
		}
		if err := tx.SetPassword(ctx, u.ID, hash, now); err != nil {
			return err
		}
		if err := tx.MarkVerified(ctx, u.ID, now); err != nil {
			return err
		}
		if _, err := tx.DeleteSessions(ctx, u.ID, 0); err != nil {
			return err
		}
		if err := a.audit(ctx, tx, asUser(actor, u), "user.password_reset", userTarget(u.ID), nil); err != nil {
			return err
		}
		return a.sendMail(ctx, tx, u.Email, "password_changed", map[string]any{"Reset": true, "ResetLink": a.link("/reset")})
	})
	if err != nil {
		return err
	}
	// Whoever reset the password controls the mailbox (and the second
	// factor): the owner. Lift the throttle that others' guesses put on the
	// account, so the owner can log in from any browser, as the throttled
	// log-in page suggests.
	a.db.ResetThrottle(ctx, throttleKey("login-acct", link.Email))
	return nil
}

// requireUser returns the actor's account or ErrUnauthenticated.
func requireUser(actor haven.Actor) (*haven.User, error) {
	if !actor.SignedIn() {
		return nil, haven.ErrUnauthenticated
	}
	return actor.User, nil
}

// reauthenticate checks the actor's current password (re-authentication
// for sensitive changes). Wrong passwords count like failed log-ins.
func (a *App) reauthenticate(ctx context.Context, actor haven.Actor, field, pw string) error {
	u, err := requireUser(actor)
	if err != nil {
		return err
	}
	// Counted before checking, atomically (see LogIn); a success resets.
	key := throttleKey("reauth", fmt.Sprint(u.ID))
	now := a.now()
	if n, _, err := a.db.Throttle(ctx, key, now, throttleWindow); err != nil {
		return err
	} else if n > maxFailuresAcct {
		return &haven.RateLimitError{RetryAfterSeconds: int(throttleWindow.Seconds())}
	}
	fresh, err := a.db.User(ctx, u.ID)
	if err != nil {
		return err
	}
	ok, err := a.cfg.Passwords.Verify(pw, fresh.PasswordHash)
	if err != nil {
		return err
	}
	if !ok {
		return haven.Invalid(field, "Your current password is not right.")
	}
	a.db.ResetThrottle(ctx, key)
	if actor.SessionID != 0 {
		return a.db.SetReauth(ctx, actor.SessionID, now)
	}
	return nil
}

// ChangePasswordInput is what the change-password form sends.
type ChangePasswordInput struct {
	Current string
	New     string
	// EndOtherSessions signs out every other session.
	EndOtherSessions bool
}

// ChangePassword sets a new password after checking the current one.
func (a *App) ChangePassword(ctx context.Context, actor haven.Actor, in ChangePasswordInput) error {
	u, err := requireUser(actor)
	if err != nil {
		return err
	}
	if err := a.reauthenticate(ctx, actor, "current_password", in.Current); err != nil {
		return err
	}
	if err := checkPassword("new_password", in.New, u.Email); err != nil {
		return err
	}
	if in.New == in.Current {
		return haven.Invalid("new_password", "Choose a password other than your current one.")
	}
	hash, err := a.cfg.Passwords.Hash(in.New)
	if err != nil {
		return err
	}
	now := a.now()
	return a.tx(ctx, func(tx *store.DB) error {
		if err := tx.SetPassword(ctx, u.ID, hash, now); err != nil {
			return err
		}
		ended := int64(0)
		if in.EndOtherSessions {
			if ended, err = tx.DeleteSessions(ctx, u.ID, actor.SessionID); err != nil {
				return err
			}
		}
		if err := a.audit(ctx, tx, actor, "user.password_change", userTarget(u.ID), map[string]any{"sessions_ended": ended}); err != nil {
			return err
		}
		return a.sendMail(ctx, tx, u.Email, "password_changed", map[string]any{"Reset": false, "ResetLink": a.link("/reset")})
	})
}

// RequestEmailChange checks the password and mails a confirmation link to
// the new address; the address changes when the link is opened. A taken
// address gets the same answer (nothing is sent to it).
func (a *App) RequestEmailChange(ctx context.Context, actor haven.Actor, currentPassword, newEmail string) error {
	u, err := requireUser(actor)
	if err != nil {
		return err
	}
	email, err := checkEmail("new_email", newEmail)
	if err != nil {
		return err
	}
	if strings.EqualFold(email, u.Email) {
		return haven.Invalid("new_email", "That is already your address.")
	}
	if err := a.reauthenticate(ctx, actor, "current_password", currentPassword); err != nil {
		return err
	}
	if err := a.limit(ctx, "email-change", fmt.Sprint(u.ID), 5, time.Hour); err != nil {
		return err
	}
	now := a.now()
	return a.tx(ctx, func(tx *store.DB) error {
		if _, err := tx.UserByEmail(ctx, email); err == nil {
			return nil
		} else if !errors.Is(err, haven.ErrNotFound) {
			return err
		}
		if err := tx.ExpireOneTimeTokens(ctx, "email_change", u.ID, now); err != nil {
			return err
		}
		secret := newSecret()
		err := tx.InsertOneTimeToken(ctx, hashSecret(secret), store.OneTimeToken{
			Purpose: "email_change", UserID: u.ID, Email: email, CreatedAt: now, ExpiresAt: now.Add(emailChangeTTL),
		})
		if err != nil {
			return err
		}
		return a.sendMail(ctx, tx, email, "email_change", map[string]any{
			"Link": a.link("/settings/email/confirm/" + secret), "Hours": int(emailChangeTTL.Hours()),
		})
	})
}

// ConfirmEmailChange spends an e-mail change link: the account's address
// becomes the new one, and the old address is told.
func (a *App) ConfirmEmailChange(ctx context.Context, actor haven.Actor, secret string) error {
	now := a.now()
	return a.tx(ctx, func(tx *store.DB) error {
		t, err := tx.UseOneTimeToken(ctx, "email_change", hashSecret(secret), now)
		if err != nil {
			return err
		}
		u, err := tx.User(ctx, t.UserID)
		if err != nil {
			return err
		}
		if err := tx.SetEmail(ctx, u.ID, t.Email, now); err != nil {
			if errors.Is(err, haven.ErrConflict) {
				return haven.ErrNotFound
			}
			return err
		}
		if err := a.audit(ctx, tx, asUser(actor, u), "user.email_change", userTarget(u.ID), nil); err != nil {
			return err
		}
		return a.sendMail(ctx, tx, u.Email, "email_changed", map[string]any{
			"NewEmail": t.Email, "Reset": a.link("/reset"),
		})
	})
}

// UpdateProfile changes the actor's display name.
func (a *App) UpdateProfile(ctx context.Context, actor haven.Actor, displayName string) error {
	u, err := requireUser(actor)
	if err != nil {
		return err
	}
	name, err := checkName(displayName)
	if err != nil {
		return err
	}
	return a.db.SetDisplayName(ctx, u.ID, name, a.now())
}
