package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// OneTimeToken is a single-use link secret (e-mail verification, password
// reset, e-mail change, first-admin setup), stored hashed.
type OneTimeToken struct {
	ID        int64
	Purpose   string
	UserID    int64 // 0 for setup
	Email     string
	CreatedAt time.Time
	ExpiresAt time.Time
}

// InsertOneTimeToken stores a one-time token.
func (db *DB) InsertOneTimeToken(ctx context.Context, tokenHash string, t OneTimeToken) error {
	var uid any
	if t.UserID != 0 {
		uid = t.UserID
	}
	_, err := db.exec(ctx, `INSERT INTO onetime_tokens (purpose, token_hash, user_id, email, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6)`, t.Purpose, tokenHash, uid, t.Email, dbTime(t.CreatedAt), dbTime(t.ExpiresAt))
	if err != nil {
		return fmt.Errorf("store.InsertOneTimeToken: %w", err)
	}
	return nil
}

// PeekOneTimeToken returns the unused, unexpired token of the purpose
// without using it (to show a form before the token is spent).
func (db *DB) PeekOneTimeToken(ctx context.Context, purpose, tokenHash string, now time.Time) (OneTimeToken, error) {
	var (
		t   OneTimeToken
		uid sql.NullInt64
	)
	err := db.queryRow(ctx, `SELECT id, purpose, user_id, email, created_at, expires_at FROM onetime_tokens
		WHERE purpose = $1 AND token_hash = $2 AND used_at IS NULL AND expires_at > $3`,
		purpose, tokenHash, dbTime(now)).Scan(&t.ID, &t.Purpose, &uid, &t.Email, &t.CreatedAt, &t.ExpiresAt)
	if err != nil {
		return t, fmt.Errorf("store.PeekOneTimeToken: %w", db.scanErr(err))
	}
	t.UserID = uid.Int64
	return t, nil
}

// UseOneTimeToken spends the token: it is a compare-and-set, so of two
// concurrent uses exactly one succeeds; the other (and any use of an
// expired, spent or unknown token) gets haven.ErrNotFound.
func (db *DB) UseOneTimeToken(ctx context.Context, purpose, tokenHash string, now time.Time) (OneTimeToken, error) {
	var t OneTimeToken
	err := db.Tx(ctx, func(tx *DB) error {
		var err error
		t, err = tx.PeekOneTimeToken(ctx, purpose, tokenHash, now)
		if err != nil {
			return err
		}
		return tx.execOne(ctx, `UPDATE onetime_tokens SET used_at = $1 WHERE id = $2 AND used_at IS NULL`,
			dbTime(now), t.ID)
	})
	if err != nil {
		return OneTimeToken{}, fmt.Errorf("store.UseOneTimeToken: %w", err)
	}
	return t, nil
}

// ExpireOneTimeTokens spends every open token of the purpose for an
// account (a new reset link voids the older ones).
func (db *DB) ExpireOneTimeTokens(ctx context.Context, purpose string, userID int64, now time.Time) error {
	_, err := db.exec(ctx, `UPDATE onetime_tokens SET used_at = $1
		WHERE purpose = $2 AND user_id = $3 AND used_at IS NULL`, dbTime(now), purpose, userID)
	return err
}

// ExpireSetupTokens spends every open first-admin setup token.
func (db *DB) ExpireSetupTokens(ctx context.Context, now time.Time) (int64, error) {
	res, err := db.exec(ctx, `UPDATE onetime_tokens SET used_at = $1 WHERE purpose = 'setup' AND used_at IS NULL`, dbTime(now))
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
