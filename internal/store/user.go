package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/haven-project/haven/internal/haven"
)

const userColumns = `id, email, display_name, password_hash, is_admin, email_verified_at,
	disabled_at, totp_enabled_at, created_at`

func scanUser(sc interface{ Scan(...any) error }) (*haven.User, error) {
	var (
		u                       haven.User
		verified, disabled, mfa sql.NullTime
	)
	err := sc.Scan(&u.ID, &u.Email, &u.DisplayName, &u.PasswordHash, &u.Admin, &verified,
		&disabled, &mfa, &u.CreatedAt)
	if err != nil {
		return nil, err
	}
	u.EmailVerifiedAt = timePtr(verified)
	u.DisabledAt = timePtr(disabled)
	u.TOTPEnabled = mfa.Valid
	u.CreatedAt = u.CreatedAt.UTC()
	return &u, nil
}

// NewUser is what InsertUser needs.
type NewUser struct {
	Email        string
	DisplayName  string
	PasswordHash string
	Admin        bool
	Verified     bool
}

// InsertUser creates an account. A taken e-mail address (compared without
// case) gives haven.ErrConflict.
func (db *DB) InsertUser(ctx context.Context, nu NewUser, now time.Time) (*haven.User, error) {
	var verified any
	if nu.Verified {
		verified = dbTime(now)
	}
	id, err := db.insertID(ctx, `INSERT INTO users (email, email_lower, display_name, password_hash,
		is_admin, email_verified_at, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id`,
		nu.Email, strings.ToLower(nu.Email), nu.DisplayName, nu.PasswordHash, nu.Admin, verified, dbTime(now))
	if err != nil {
		return nil, fmt.Errorf("store.InsertUser: %w", err)
	}
	return db.User(ctx, id)
}

// User returns the account with the given id.
func (db *DB) User(ctx context.Context, id int64) (*haven.User, error) {
	u, err := scanUser(db.queryRow(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1`, id))
	if err != nil {
		return nil, fmt.Errorf("store.User(%d): %w", id, db.scanErr(err))
	}
	return u, nil
}

// UserByEmail returns the account with the given e-mail address, compared
// without case.
func (db *DB) UserByEmail(ctx context.Context, email string) (*haven.User, error) {
	u, err := scanUser(db.queryRow(ctx, `SELECT `+userColumns+` FROM users WHERE email_lower = $1`,
		strings.ToLower(email)))
	if err != nil {
		return nil, fmt.Errorf("store.UserByEmail: %w", db.scanErr(err))
	}
	return u, nil
}

// Users lists accounts by id.
func (db *DB) Users(ctx context.Context) ([]*haven.User, error) {
	rows, err := db.query(ctx, `SELECT `+userColumns+` FROM users ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("store.Users: %w", err)
	}
	defer rows.Close()
	var us []*haven.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("store.Users: %w", err)
		}
		us = append(us, u)
	}
	return us, rows.Err()
}

// CountAdmins returns the number of enabled instance admins.
func (db *DB) CountAdmins(ctx context.Context) (int, error) {
	var n int
	err := db.queryRow(ctx, `SELECT count(*) FROM users WHERE is_admin AND disabled_at IS NULL`).Scan(&n)
	return n, db.scanErr(err)
}

// SetPassword stores a new password hash.
func (db *DB) SetPassword(ctx context.Context, userID int64, hash string, now time.Time) error {
	err := db.execOne(ctx, `UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3`,
		hash, dbTime(now), userID)
	if err != nil {
		return fmt.Errorf("store.SetPassword(%d): %w", userID, err)
	}
	return nil
}

// SetEmail changes the e-mail address and marks it verified (the change is
// only made once the new address proved it receives mail).
func (db *DB) SetEmail(ctx context.Context, userID int64, email string, now time.Time) error {
	err := db.execOne(ctx, `UPDATE users SET email = $1, email_lower = $2, email_verified_at = $3,
		updated_at = $3 WHERE id = $4`, email, strings.ToLower(email), dbTime(now), userID)
	if err != nil {
		return fmt.Errorf("store.SetEmail(%d): %w", userID, err)
	}
	return nil
}

// MarkVerified records that the account's address receives mail.
func (db *DB) MarkVerified(ctx context.Context, userID int64, now time.Time) error {
	_, err := db.exec(ctx, `UPDATE users SET email_verified_at = $1, updated_at = $1
		WHERE id = $2 AND email_verified_at IS NULL`, dbTime(now), userID)
	if err != nil {
		return fmt.Errorf("store.MarkVerified(%d): %w", userID, err)
	}
	return nil
}

// SetDisplayName changes the display name.
func (db *DB) SetDisplayName(ctx context.Context, userID int64, name string, now time.Time) error {
	err := db.execOne(ctx, `UPDATE users SET display_name = $1, updated_at = $2 WHERE id = $3`,
		name, dbTime(now), userID)
	if err != nil {
		return fmt.Errorf("store.SetDisplayName(%d): %w", userID, err)
	}
	return nil
}

// SetDisabled disables (at != nil) or re-enables an account.
func (db *DB) SetDisabled(ctx context.Context, userID int64, at *time.Time, now time.Time) error {
	err := db.execOne(ctx, `UPDATE users SET disabled_at = $1, updated_at = $2 WHERE id = $3`,
		nullTime(at), dbTime(now), userID)
	if err != nil {
		return fmt.Errorf("store.SetDisabled(%d): %w", userID, err)
	}
	return nil
}

// SetAdmin grants or withdraws instance admin rights.
func (db *DB) SetAdmin(ctx context.Context, userID int64, admin bool, now time.Time) error {
	err := db.execOne(ctx, `UPDATE users SET is_admin = $1, updated_at = $2 WHERE id = $3`,
		admin, dbTime(now), userID)
	if err != nil {
		return fmt.Errorf("store.SetAdmin(%d): %w", userID, err)
	}
	return nil
}

// TOTPState is an account's two-factor secret and the last time step used
// (a code is accepted once).
type TOTPState struct {
	Secret   string
	Enabled  bool
	LastStep int64
}

// TOTP returns the account's two-factor state.
func (db *DB) TOTP(ctx context.Context, userID int64) (TOTPState, error) {
	var (
		s       TOTPState
		enabled sql.NullTime
	)
	err := db.queryRow(ctx, `SELECT totp_secret, totp_enabled_at, totp_last_step FROM users WHERE id = $1`,
		userID).Scan(&s.Secret, &enabled, &s.LastStep)
	if err != nil {
		return s, fmt.Errorf("store.TOTP(%d): %w", userID, db.scanErr(err))
	}
	s.Enabled = enabled.Valid
	return s, nil
}

// SetTOTPSecret stores a secret being set up (not yet enabled), or clears
// two-factor entirely when secret is "".
func (db *DB) SetTOTPSecret(ctx context.Context, userID int64, secret string, now time.Time) error {
	err := db.execOne(ctx, `UPDATE users SET totp_secret = $1, totp_enabled_at = NULL, totp_last_step = 0,
		updated_at = $2 WHERE id = $3`, secret, dbTime(now), userID)
	if err != nil {
		return fmt.Errorf("store.SetTOTPSecret(%d): %w", userID, err)
	}
	return nil
}

// SealTOTPSecrets replaces every stored two-factor secret that is not yet
// sealed (plaintext from before secrets were encrypted) with seal's result,
// in one transaction, and returns how many it changed. isSealed tells
// sealed values apart.
func (db *DB) SealTOTPSecrets(ctx context.Context, isSealed func(secret string) bool, seal func(userID int64, secret string) string) (int, error) {
	n := 0
	err := db.Tx(ctx, func(tx *DB) error {
		rows, err := tx.query(ctx, `SELECT id, totp_secret FROM users WHERE totp_secret <> '' ORDER BY id`)
		if err != nil {
			return err
		}
		type secret struct {
			id    int64
			value string
		}
		var plain []secret
		for rows.Next() {
			var s secret
			if err := rows.Scan(&s.id, &s.value); err != nil {
				rows.Close()
				return err
			}
			if !isSealed(s.value) {
				plain = append(plain, s)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, s := range plain {
			// Compare-and-set: only the value just read is replaced.
			if err := tx.execOne(ctx, `UPDATE users SET totp_secret = $1 WHERE id = $2 AND totp_secret = $3`,
				seal(s.id, s.value), s.id, s.value); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("store.SealTOTPSecrets: %w", err)
	}
	return n, nil
}

// EnableTOTP turns two-factor on for the stored secret.
func (db *DB) EnableTOTP(ctx context.Context, userID int64, now time.Time) error {
	err := db.execOne(ctx, `UPDATE users SET totp_enabled_at = $1, updated_at = $1
		WHERE id = $2 AND totp_secret <> ''`, dbTime(now), userID)
	if err != nil {
		return fmt.Errorf("store.EnableTOTP(%d): %w", userID, err)
	}
	return nil
}

// UseTOTPStep records that the code of time step was used. It is a
// compare-and-set: it fails with haven.ErrConflict when that step (or a
// later one) was already used, so a code works once even under concurrency.
func (db *DB) UseTOTPStep(ctx context.Context, userID, step int64) error {
	err := db.execOne(ctx, `UPDATE users SET totp_last_step = $1 WHERE id = $2 AND totp_last_step < $1`,
		step, userID)
	if err == haven.ErrNotFound {
		return fmt.Errorf("store.UseTOTPStep(%d): code already used: %w", userID, haven.ErrConflict)
	}
	return err
}

// ReplaceRecoveryCodes stores new recovery code hashes, dropping old ones.
func (db *DB) ReplaceRecoveryCodes(ctx context.Context, userID int64, hashes []string) error {
	return db.Tx(ctx, func(tx *DB) error {
		if _, err := tx.exec(ctx, `DELETE FROM recovery_codes WHERE user_id = $1`, userID); err != nil {
			return fmt.Errorf("store.ReplaceRecoveryCodes: %w", err)
		}
		for _, h := range hashes {
			if _, err := tx.exec(ctx, `INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)`,
				userID, h); err != nil {
				return fmt.Errorf("store.ReplaceRecoveryCodes: %w", err)
			}
		}
		return nil
	})
}

// UseRecoveryCode marks the unused recovery code with the given hash used.
// It returns haven.ErrNotFound when there is no such unused code.
func (db *DB) UseRecoveryCode(ctx context.Context, userID int64, hash string, now time.Time) error {
	err := db.execOne(ctx, `UPDATE recovery_codes SET used_at = $1
		WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL`, dbTime(now), userID, hash)
	if err != nil {
		return fmt.Errorf("store.UseRecoveryCode(%d): %w", userID, err)
	}
	return nil
}

// UnusedRecoveryCodes counts the recovery codes left.
func (db *DB) UnusedRecoveryCodes(ctx context.Context, userID int64) (int, error) {
	var n int
	err := db.queryRow(ctx, `SELECT count(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL`,
		userID).Scan(&n)
	return n, db.scanErr(err)
}
