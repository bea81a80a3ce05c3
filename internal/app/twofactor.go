package app

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"image/png"

	"net/url"
	"strconv"
	"strings"

	"github.com/haven-project/haven/internal/haven"
	"github.com/haven-project/haven/internal/store"
	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

const recoveryCodeCount = 10

// TOTPSetup is a two-factor secret being set up, for the settings page.
type TOTPSetup struct {
	Secret string // base32, for typing into an app
	URL    string // otpauth:// URL
	QRPNG  string // data: URL of a QR code of URL
}

// TwoFactorStatus describes the actor's two-factor state.
type TwoFactorStatus struct {
	Enabled       bool
	RecoveryCodes int // unused codes left
}

// TwoFactor returns the actor's two-factor state.
func (a *App) TwoFactor(ctx context.Context, actor haven.Actor) (TwoFactorStatus, error) {
	u, err := requireUser(actor)
	if err != nil {
		return TwoFactorStatus{}, err
	}
	st, err := a.db.TOTP(ctx, u.ID)
	if err != nil {
		return TwoFactorStatus{}, err
	}
	n, err := a.db.UnusedRecoveryCodes(ctx, u.ID)
	if err != nil {
		return TwoFactorStatus{}, err
	}
	return TwoFactorStatus{Enabled: st.Enabled, RecoveryCodes: n}, nil
}

// BeginTOTP checks the password and creates a new, not yet enabled, secret.
// Two-factor stays off until ConfirmTOTP proves the app has the secret.
func (a *App) BeginTOTP(ctx context.Context, actor haven.Actor, currentPassword string) (TOTPSetup, error) {
	u, err := requireUser(actor)
	if err != nil {
		return TOTPSetup{}, err
	}
	st, err := a.db.TOTP(ctx, u.ID)
	if err != nil {
		return TOTPSetup{}, err
	}
	if st.Enabled {
		return TOTPSetup{}, &haven.InvalidError{Msg: "Two-factor authentication is already on."}
	}
	if err := a.reauthenticate(ctx, actor, "current_password", currentPassword); err != nil {
		return TOTPSetup{}, err
	}
	key, err := totp.Generate(totp.GenerateOpts{Issuer: "Haven", AccountName: u.Email, SecretSize: 20})
	if err != nil {
		return TOTPSetup{}, err
	}
	sealed, err := a.sealTOTP(u.ID, key.Secret())
	if err != nil {
		return TOTPSetup{}, err
	}
	if err := a.db.SetTOTPSecret(ctx, u.ID, sealed, a.now()); err != nil {
		return TOTPSetup{}, err
	}
	return setupFor(key.Secret(), key.URL(), key)
}

// PendingTOTP returns the secret being set up, so the page can show it
// again (for example after a mistyped code).
func (a *App) PendingTOTP(ctx context.Context, actor haven.Actor) (TOTPSetup, error) {
	u, err := requireUser(actor)
	if err != nil {
		return TOTPSetup{}, err
	}
	st, err := a.db.TOTP(ctx, u.ID)
	if err != nil {
		return TOTPSetup{}, err
	}
	if st.Enabled || st.Secret == "" {
		return TOTPSetup{}, haven.ErrNotFound
	}
	secret, err := a.openTOTP(u.ID, st.Secret)
	if err != nil {
		return TOTPSetup{}, err
	}
	key, err := totpKey(u.Email, secret)
	if err != nil {
		return TOTPSetup{}, err
	}
	return setupFor(secret, key.URL(), key)
}

// ConfirmTOTP enables two-factor once the person typed a code from the
// app, and returns fresh recovery codes, shown this once.
func (a *App) ConfirmTOTP(ctx context.Context, actor haven.Actor, code string) ([]string, error) {
	u, err := requireUser(actor)
	if err != nil {
		return nil, err
	}
	st, err := a.db.TOTP(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	if st.Enabled || st.Secret == "" {
		return nil, &haven.InvalidError{Msg: "Start the set-up again."}
	}
	if err := a.limit(ctx, "otp", fmtID(u.ID), 3*maxMFAFailures, throttleWindow); err != nil {
		return nil, err
	}
	secret, err := a.openTOTP(u.ID, st.Secret)
	if err != nil {
		return nil, err
	}
	ok, err := a.useTOTP(ctx, u.ID, secret, normalizeCode(code), a.now())
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, haven.Invalid("code", "That code is not right. Check the time on your phone and type the current code.")
	}
	codes, hashes := newRecoveryCodes()
	err = a.tx(ctx, func(tx *store.DB) error {
		if err := tx.EnableTOTP(ctx, u.ID, a.now()); err != nil {
			return err
		}
		if err := tx.ReplaceRecoveryCodes(ctx, u.ID, hashes); err != nil {
			return err
		}
		if err := a.audit(ctx, tx, actor, "user.mfa_enable", userTarget(u.ID), nil); err != nil {
			return err
		}
		return a.sendMail(ctx, tx, u.Email, "twofactor", map[string]any{"Enabled": true, "ResetLink": a.link("/reset")})
	})
	if err != nil {
		return nil, err
	}
	return codes, nil
}

// NeedsTwoFactor reports whether the instance requires two-factor
// authentication of the actor (a program member or an instance admin, with
// TeamTwoFactor on) and the actor has not set it up: such an account may
// use nothing but the set-up until it does.
func (a *App) NeedsTwoFactor(actor haven.Actor) bool {
	return a.cfg.TeamTwoFactor && actor.SignedIn() && !actor.User.TOTPEnabled &&
		(len(actor.Memberships) > 0 || actor.User.Admin)
}

// DisableTOTP turns two-factor off; it needs the password and a current
// code (or a recovery code).
func (a *App) DisableTOTP(ctx context.Context, actor haven.Actor, currentPassword, code string) error {
	u, err := requireUser(actor)
	if err != nil {
		return err
	}
	if a.cfg.TeamTwoFactor && (len(actor.Memberships) > 0 || u.Admin) {
		return &haven.InvalidError{Msg: "This instance requires two-factor authentication of program team members and admins: keep it on, or set up a new authenticator instead."}
	}
	if err := a.reauthenticate(ctx, actor, "current_password", currentPassword); err != nil {
		return err
	}
	if err := a.limit(ctx, "otp", fmtID(u.ID), 3*maxMFAFailures, throttleWindow); err != nil {
		return err
	}
	ok, err := a.checkSecondFactor(ctx, u.ID, code, a.now())
	if err != nil {
		return err
	}
	if !ok {
		return haven.Invalid("code", "That code is not right.")
	}
	return a.tx(ctx, func(tx *store.DB) error {
		if err := tx.SetTOTPSecret(ctx, u.ID, "", a.now()); err != nil {
			return err
		}
		if err := tx.ReplaceRecoveryCodes(ctx, u.ID, nil); err != nil {
			return err
		}
		if err := a.audit(ctx, tx, actor, "user.mfa_disable", userTarget(u.ID), nil); err != nil {
			return err
		}
		return a.sendMail(ctx, tx, u.Email, "twofactor", map[string]any{"Enabled": false, "ResetLink": a.link("/reset")})
	})
}

// RegenerateRecoveryCodes replaces the recovery codes after checking the
// password; the new ones are shown once.
func (a *App) RegenerateRecoveryCodes(ctx context.Context, actor haven.Actor, currentPassword string) ([]string, error) {
	u, err := requireUser(actor)
	if err != nil {
		return nil, err
	}
	st, err := a.db.TOTP(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	if !st.Enabled {
		return nil, &haven.InvalidError{Msg: "Turn on two-factor authentication first."}
	}
	if err := a.reauthenticate(ctx, actor, "current_password", currentPassword); err != nil {
		return nil, err
	}
	codes, hashes := newRecoveryCodes()
	err = a.tx(ctx, func(tx *store.DB) error {
		if err := tx.ReplaceRecoveryCodes(ctx, u.ID, hashes); err != nil {
			return err
		}
		return a.audit(ctx, tx, actor, "user.mfa_recovery_codes", userTarget(u.ID), nil)
	})
	if err != nil {
		return nil, err
	}
	return codes, nil
}

// errNoSecrets is the error of two-factor operations on an App built
// without Config.Secrets.
var errNoSecrets = errors.New("app: no secret key (Config.Secrets) to seal or open two-factor secrets")

// TOTPContext is what a user's sealed two-factor secret is bound to: the
// value opens only in that user's row.
func TOTPContext(userID int64) []byte { return []byte("totp:" + fmtID(userID)) }

// sealTOTP encrypts a two-factor secret for storage in the user's row.
func (a *App) sealTOTP(userID int64, secret string) (string, error) {
	if a.cfg.Secrets == nil {
		return "", errNoSecrets
	}
	return a.cfg.Secrets.Seal([]byte(secret), TOTPContext(userID)), nil
}

// openTOTP decrypts the stored two-factor secret of the user. A secret
// that does not open is an error, never a pass: the code check fails.
func (a *App) openTOTP(userID int64, stored string) (string, error) {
	if a.cfg.Secrets == nil {
		return "", errNoSecrets
	}
	b, err := a.cfg.Secrets.Open(stored, TOTPContext(userID))
	if err != nil {
		return "", fmt.Errorf("two-factor secret of user %d: %w", userID, err)
	}
	return string(b), nil
}

func newRecoveryCodes() (codes, hashes []string) {
	for range recoveryCodeCount {
		c := newRecoveryCode()
		codes = append(codes, c)
		hashes = append(hashes, hashSecret(c))
	}
	return codes, hashes
}

func fmtID(id int64) string { return strconv.FormatInt(id, 10) }

func normalizeCode(code string) string {
	return strings.ReplaceAll(strings.TrimSpace(code), " ", "")
}

// totpKey rebuilds the otpauth key of a stored secret.
func totpKey(email, secret string) (*otp.Key, error) {
	v := url.Values{}
	v.Set("secret", secret)
	v.Set("issuer", "Haven")
	v.Set("algorithm", "SHA1")
	v.Set("digits", "6")
	v.Set("period", "30")
	u := url.URL{Scheme: "otpauth", Host: "totp", Path: "/Haven:" + email, RawQuery: v.Encode()}
	return otp.NewKeyFromURL(u.String())
}

// setupFor renders the QR code of the key as a data: URL (the page's CSP
// allows data: images; nothing is fetched from elsewhere).
func setupFor(secret, keyURL string, key *otp.Key) (TOTPSetup, error) {
	img, err := key.Image(240, 240)
	if err != nil {
		return TOTPSetup{}, err
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return TOTPSetup{}, err
	}
	return TOTPSetup{Secret: secret, URL: keyURL, QRPNG: "data:image/png;base64," + base64.StdEncoding.EncodeToString(buf.Bytes())}, nil
}
