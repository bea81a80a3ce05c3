package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/haven-project/haven/internal/haven"
)

const tokenColumns = `id, user_id, name, prefix, created_at, last_used_at, expires_at, revoked_at`

func scanToken(sc interface{ Scan(...any) error }) (*haven.Token, error) {
	var (
		t                      haven.Token
		used, expires, revoked sql.NullTime
	)
	if err := sc.Scan(&t.ID, &t.UserID, &t.Name, &t.Prefix, &t.CreatedAt, &used, &expires, &revoked); err != nil {
		return nil, err
	}
	t.CreatedAt = t.CreatedAt.UTC()
	t.LastUsedAt, t.ExpiresAt, t.RevokedAt = timePtr(used), timePtr(expires), timePtr(revoked)
	return &t, nil
}

// InsertToken stores a new API token under the hash of its secret.
func (db *DB) InsertToken(ctx context.Context, tokenHash string, t haven.Token) (*haven.Token, error) {
	id, err := db.insertID(ctx, `INSERT INTO api_tokens (user_id, name, prefix, token_hash, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
		t.UserID, t.Name, t.Prefix, tokenHash, dbTime(t.CreatedAt), nullTime(t.ExpiresAt))
	if err != nil {
		return nil, fmt.Errorf("store.InsertToken: %w", err)
	}
	t.ID = id
	return &t, nil
}

// TokenByHash returns the token whose secret hashes to tokenHash.
func (db *DB) TokenByHash(ctx context.Context, tokenHash string) (*haven.Token, error) {
	t, err := scanToken(db.queryRow(ctx, `SELECT `+tokenColumns+` FROM api_tokens WHERE token_hash = $1`, tokenHash))
	if err != nil {
		return nil, fmt.Errorf("store.TokenByHash: %w", db.scanErr(err))
	}
	return t, nil
}

// Tokens lists an account's tokens, newest first.
func (db *DB) Tokens(ctx context.Context, userID int64) ([]*haven.Token, error) {
	rows, err := db.query(ctx, `SELECT `+tokenColumns+` FROM api_tokens WHERE user_id = $1
		ORDER BY created_at DESC, id DESC`, userID)
	if err != nil {
		return nil, fmt.Errorf("store.Tokens: %w", err)
	}
	defer rows.Close()
	var ts []*haven.Token
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, fmt.Errorf("store.Tokens: %w", err)
		}
		ts = append(ts, t)
	}
	return ts, rows.Err()
}

// TouchToken records use of a token, at most once a minute per token.
func (db *DB) TouchToken(ctx context.Context, id int64, now time.Time) error {
	_, err := db.exec(ctx, `UPDATE api_tokens SET last_used_at = $1
		WHERE id = $2 AND (last_used_at IS NULL OR last_used_at < $3)`,
		dbTime(now), id, dbTime(now.Add(-time.Minute)))
	return err
}

// RevokeToken revokes one of an account's tokens. It returns
// haven.ErrNotFound when the account has no such active token.
func (db *DB) RevokeToken(ctx context.Context, userID, id int64, now time.Time) error {
	err := db.execOne(ctx, `UPDATE api_tokens SET revoked_at = $1
		WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL`, dbTime(now), id, userID)
	if err != nil {
		return fmt.Errorf("store.RevokeToken(%d): %w", id, err)
	}
	return nil
}
