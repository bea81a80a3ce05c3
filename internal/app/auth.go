package app

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/haven-project/haven/internal/haven"
	"github.com/haven-project/haven/internal/store"
	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// Log-in throttling. Log-in attempts count per client address, per account
// from unknown devices, and per trusted device. A device that logged in to
// the account before carries a device cookie; its attempts count only
// against itself, so an attacker hammering the account from elsewhere
// cannot lock its owner out (OWASP's device-cookie scheme). Counters are
// fixed windows in the database, shared by replicas. An attempt is counted
// before its password is checked, atomically: counting only after a
// failure let parallel guesses all pass the check before any was counted.
// A right password resets the account's or the device's counter (whoever
// knows it has nothing left to guess); the address counter counts every
// attempt, so that an attacker's own account cannot reset it.
const (
	throttleWindow    = 15 * time.Minute
	maxFailuresIP     = 50
	maxFailuresAcct   = 10
	maxFailuresDevice = 10
	maxMFAFailures    = 5
	mfaPendingTTL     = 10 * time.Minute
	trustedDeviceTTL  = 180 * 24 * time.Hour
)

// ErrEmailNotVerified means the password was right but the account has not
// confirmed its address yet; a new confirmation link was sent. Only someone
// who knows the password learns this.
var ErrEmailNotVerified = errors.New("e-mail address not confirmed")

// errBadCredentials is the one answer for an unknown address, a wrong
// password and a disabled account.
func errBadCredentials() error {
	return &haven.InvalidError{Msg: "The e-mail address or password is incorrect."}
}

// LogInInput is what the log-in form sends.
type LogInInput struct {
	Email    string
	Password string
	// Device is the device cookie the browser holds, if any.
	Device string
}

// LogInResult is a successful first step of logging in.
type LogInResult struct {
	// Session is the new session's secret, for the cookie.
	Session string
	// MFARequired is true when the session waits for a second factor.
	MFARequired bool
	// Device is a new device cookie value to store, or "".
	Device string
	// Expires is when the session ends at the latest.
	Expires time.Time
}

func throttleKey(kind, v string) string {
	h := sha256.Sum256([]byte(strings.ToLower(strings.TrimSpace(v))))
	return kind + ":" + hex.EncodeToString(h[:12])
}

// LogIn checks an e-mail address and password. It answers an unknown
// address, a wrong password and a disabled account alike, in the same time.
// The actor carries the client address and user agent.
func (a *App) LogIn(ctx context.Context, actor haven.Actor, in LogInInput) (LogInResult, error) {
	now := a.now()
	email := strings.TrimSpace(in.Email)
	ipKey := throttleKey("login-ip", actor.IP)
	acctKey := throttleKey("login-acct", email)

	u, err := a.db.UserByEmail(ctx, email)
	if err != nil && !errors.Is(err, haven.ErrNotFound) {
		return LogInResult{}, err
	}
	trusted := false
	devKey := ""
	if u != nil && in.Device != "" {
		trusted, err = a.db.TrustedDevice(ctx, u.ID, hashSecret(in.Device), now)
		if err != nil {
			return LogInResult{}, err
		}
		devKey = throttleKey("login-dev", in.Device)
	}

	// Count the attempt, and refuse before checking the password when a
	// counter is over its limit.
	limits := []struct {
		key string
		max int
	}{{ipKey, maxFailuresIP}}
	if trusted {
		limits = append(limits, struct {
			key string
			max int
		}{devKey, maxFailuresDevice})
	} else {
		limits = append(limits, struct {
			key string
			max int
		}{acctKey, maxFailuresAcct})
	}
	for _, l := range limits {
		n, start, err := a.db.Throttle(ctx, l.key, now, throttleWindow)
		if err != nil {
			return LogInResult{}, err
		}
		if n > l.max {
			a.log.Warn("log-in throttled", "ip", actor.IP, "limit", strings.SplitN(l.key, ":", 2)[0])
			return LogInResult{}, &haven.RateLimitError{RetryAfterSeconds: int(start.Add(throttleWindow).Sub(now).Seconds()) + 1}
		}
	}

	ok := false
	if u == nil {
		a.cfg.Passwords.DummyVerify(in.Password)
	} else {
		ok, err = a.cfg.Passwords.Verify(in.Password, u.PasswordHash)
		if err != nil {
			return LogInResult{}, fmt.Errorf("log in: %w", err)
		}
	}
	if !ok || u.Disabled() {
		a.log.Info("log-in failed", "ip", actor.IP, "known_device", trusted)
		if u != nil {
			a.tx(ctx, func(tx *store.DB) error {
				return a.audit(ctx, tx, actor, "login.failed", userTarget(u.ID), nil)
			})
		}
		return LogInResult{}, errBadCredentials()
	}

	if !u.Verified() {
		if err := a.tx(ctx, func(tx *store.DB) error { return a.sendVerification(ctx, tx, u) }); err != nil {
			return LogInResult{}, err
		}
		return LogInResult{}, ErrEmailNotVerified
	}

	var res LogInResult
	err = a.tx(ctx, func(tx *store.DB) error {
		s := haven.Session{UserID: u.ID, CreatedAt: now, LastSeenAt: now, ReauthAt: now,
			ExpiresAt: now.Add(a.cfg.SessionMax), IP: actor.IP, UserAgent: truncate(actor.UserAgent, 300)}
		if u.TOTPEnabled {
			s.MFAPending = true
			s.ExpiresAt = now.Add(mfaPendingTTL)
			res.MFARequired = true
		}
		res.Session = newSecret()
		res.Expires = s.ExpiresAt
		if _, err := tx.InsertSession(ctx, hashSecret(res.Session), s); err != nil {
			return err
		}
		if !trusted {
			res.Device = newSecret()
			if err := tx.InsertTrustedDevice(ctx, u.ID, hashSecret(res.Device), now, now.Add(trustedDeviceTTL)); err != nil {
				return err
			}
		}
		if res.MFARequired {
			return nil
		}
		return a.audit(ctx, tx, asUser(actor, u), "login", userTarget(u.ID), nil)
	})
	if err != nil {
		return LogInResult{}, fmt.Errorf("log in: %w", err)
	}
	if devKey != "" {
		a.db.ResetThrottle(ctx, devKey)
	}
	if !trusted {
		a.db.ResetThrottle(ctx, acctKey)
	}
	// Attempts are counted before the password is checked (so parallel
	// guesses cannot slip past the limit); a right one is taken back from
	// the address's counter, so many people behind one address can log in.
	a.db.Unthrottle(ctx, ipKey)
	if !res.MFARequired {
		a.log.Info("log-in", "user_id", u.ID, "ip", actor.IP)
	}
	return res, nil
}

// asUser returns the actor acting as account u (during log-in, before a
// session exists).
func asUser(actor haven.Actor, u *haven.User) haven.Actor {
	actor.User = u
	return actor
}

func userTarget(id int64) string { return fmt.Sprintf("user:%d", id) }

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

// CompleteLogIn checks the second factor (an authenticator code or a
// recovery code) of a session waiting for it. On success the pending
// session is replaced by a new full one whose secret is returned (the
// session id changes at every privilege step). After too many wrong codes
// the pending session ends and the person must log in again.
func (a *App) CompleteLogIn(ctx context.Context, actor haven.Actor, pendingSecret, code string) (LogInResult, error) {
	now := a.now()
	s, err := a.db.SessionByHash(ctx, hashSecret(pendingSecret))
	if err != nil || !s.MFAPending || !now.Before(s.ExpiresAt) {
		return LogInResult{}, haven.ErrUnauthenticated
	}
	u, err := a.db.User(ctx, s.UserID)
	if err != nil || u.Disabled() {
		return LogInResult{}, haven.ErrUnauthenticated
	}
	n, _, err := a.db.Throttle(ctx, throttleKey("otp", fmt.Sprint(u.ID)), now, throttleWindow)
	if err != nil {
		return LogInResult{}, err
	}
	ok := false
	if n <= 3*maxMFAFailures {
		ok, err = a.checkSecondFactor(ctx, u.ID, code, now)
		if err != nil {
			return LogInResult{}, err
		}
	}
	if !ok {
		fails, err := a.db.CountMFAFailure(ctx, s.ID)
		if err != nil {
			return LogInResult{}, err
		}
		a.log.Info("two-factor code refused", "user_id", u.ID, "ip", actor.IP)
		if fails >= maxMFAFailures {
			a.db.DeleteSession(ctx, u.ID, s.ID)
			return LogInResult{}, &haven.InvalidError{Msg: "Too many wrong codes. Log in again."}
		}
		return LogInResult{}, haven.Invalid("code", "That code is not right. Try the current code from your app, or a recovery code.")
	}
	var res LogInResult
	err = a.tx(ctx, func(tx *store.DB) error {
		if err := tx.DeleteSession(ctx, u.ID, s.ID); err != nil {
			return err
		}
		full := haven.Session{UserID: u.ID, CreatedAt: now, LastSeenAt: now, ReauthAt: now,
			ExpiresAt: now.Add(a.cfg.SessionMax), IP: actor.IP, UserAgent: truncate(actor.UserAgent, 300)}
		res.Session = newSecret()
		res.Expires = full.ExpiresAt
		if _, err := tx.InsertSession(ctx, hashSecret(res.Session), full); err != nil {
			return err
		}
		return a.audit(ctx, tx, asUser(actor, u), "login", userTarget(u.ID), map[string]any{"mfa": true})
	})
	if err != nil {
		return LogInResult{}, fmt.Errorf("complete log-in: %w", err)
	}
	a.db.ResetThrottle(ctx, throttleKey("otp", fmt.Sprint(u.ID)))
	a.log.Info("log-in", "user_id", u.ID, "ip", actor.IP, "mfa", true)
	return res, nil
}

// totpOpts are the authenticator parameters every app understands.
var totpOpts = totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

// checkSecondFactor reports whether code is a current, unused TOTP code or
// an unused recovery code of the account, and spends it.
func (a *App) checkSecondFactor(ctx context.Context, userID int64, code string, now time.Time) (bool, error) {
	st, err := a.db.TOTP(ctx, userID)
	if err != nil {
		return false, err
	}
	if !st.Enabled {
		return false, nil
	}
	code = strings.ReplaceAll(strings.TrimSpace(code), " ", "")
	if len(code) == 6 {
		secret, err := a.openTOTP(userID, st.Secret)
		if err != nil {
			return false, err
		}
		return a.useTOTP(ctx, userID, secret, code, now)
	}
	err = a.db.UseRecoveryCode(ctx, userID, hashSecret(normalizeRecoveryCode(code)), now)
	if errors.Is(err, haven.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

// useTOTP accepts the code of the current 30-second step or its
// neighbours (clock drift), once: the step is recorded with a
// compare-and-set, so a code cannot be replayed.
func (a *App) useTOTP(ctx context.Context, userID int64, secret, code string, now time.Time) (bool, error) {
	step := now.Unix() / 30
	for _, s := range []int64{step, step - 1, step + 1} {
		want, err := totp.GenerateCodeCustom(secret, time.Unix(s*30, 0), totpOpts)
		if err != nil {
			return false, err
		}
		if subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			err := a.db.UseTOTPStep(ctx, userID, s)
			if errors.Is(err, haven.ErrConflict) {
				return false, nil
			}
			return err == nil, err
		}
	}
	return false, nil
}

// Authenticate resolves a session cookie's secret to the acting account.
// A session waiting for its second factor grants nothing: the actor is then
// a visitor and pending is true. Expired sessions and sessions of disabled
// accounts end here (ErrUnauthenticated).
func (a *App) Authenticate(ctx context.Context, secret, ip, userAgent string) (actor haven.Actor, pending bool, err error) {
	actor = haven.Actor{IP: ip, UserAgent: userAgent}
	if secret == "" {
		return actor, false, haven.ErrUnauthenticated
	}
	now := a.now()
	s, err := a.db.SessionByHash(ctx, hashSecret(secret))
	if errors.Is(err, haven.ErrNotFound) {
		return actor, false, haven.ErrUnauthenticated
	}
	if err != nil {
		return actor, false, err
	}
	if !now.Before(s.ExpiresAt) || now.Sub(s.LastSeenAt) >= a.cfg.SessionIdle {
		a.db.DeleteSession(ctx, s.UserID, s.ID)
		return actor, false, haven.ErrUnauthenticated
	}
	if s.MFAPending {
		return actor, true, nil
	}
	u, err := a.db.User(ctx, s.UserID)
	if err != nil {
		return actor, false, err
	}
	if u.Disabled() {
		a.db.DeleteSessions(ctx, u.ID, 0)
		return actor, false, haven.ErrUnauthenticated
	}
	if now.Sub(s.LastSeenAt) > time.Minute {
		if err := a.db.TouchSession(ctx, s.ID, now); err != nil {
			return actor, false, err
		}
	}
	return a.actorFor(ctx, u, s.ID, 0, ip, userAgent)
}

// AuthenticateToken resolves an API token to the acting account.
func (a *App) AuthenticateToken(ctx context.Context, secret, ip, userAgent string) (haven.Actor, error) {
	actor := haven.Actor{IP: ip, UserAgent: userAgent}
	if !strings.HasPrefix(secret, TokenPrefix) {
		return actor, haven.ErrUnauthenticated
	}
	now := a.now()
	t, err := a.db.TokenByHash(ctx, hashSecret(secret))
	if errors.Is(err, haven.ErrNotFound) {
		return actor, haven.ErrUnauthenticated
	}
	if err != nil {
		return actor, err
	}
	if !t.Active(now) {
		return actor, haven.ErrUnauthenticated
	}
	u, err := a.db.User(ctx, t.UserID)
	if err != nil {
		return actor, err
	}
	if u.Disabled() {
		return actor, haven.ErrUnauthenticated
	}
	if err := a.db.TouchToken(ctx, t.ID, now); err != nil {
		return actor, err
	}
	actor, _, err = a.actorFor(ctx, u, 0, t.ID, ip, userAgent)
	return actor, err
}

func (a *App) actorFor(ctx context.Context, u *haven.User, sessionID, tokenID int64, ip, ua string) (haven.Actor, bool, error) {
	m, err := a.db.Memberships(ctx, u.ID)
	if err != nil {
		return haven.Actor{}, false, err
	}
	return haven.Actor{User: u, Memberships: m, SessionID: sessionID, TokenID: tokenID, IP: ip, UserAgent: ua}, false, nil
}

// LogOut ends the actor's session.
func (a *App) LogOut(ctx context.Context, actor haven.Actor) error {
	if !actor.SignedIn() || actor.SessionID == 0 {
		return nil
	}
	err := a.db.DeleteSession(ctx, actor.UserID(), actor.SessionID)
	if err != nil && !errors.Is(err, haven.ErrNotFound) {
		return err
	}
	return nil
}

// LogOutPending ends a session that waits for its second factor.
func (a *App) LogOutPending(ctx context.Context, pendingSecret string) error {
	s, err := a.db.SessionByHash(ctx, hashSecret(pendingSecret))
	if err != nil || !s.MFAPending {
		return nil
	}
	return a.db.DeleteSession(ctx, s.UserID, s.ID)
}
