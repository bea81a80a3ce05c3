package store

import (
	"context"
	"fmt"
	"time"

	"github.com/haven-project/haven/internal/haven"
)

const sessionColumns = `id, user_id, mfa_pending, created_at, last_seen_at, reauth_at, expires_at, ip, user_agent`

func scanSession(sc interface{ Scan(...any) error }) (*haven.Session, error) {
	var s haven.Session
	err := sc.Scan(&s.ID, &s.UserID, &s.MFAPending, &s.CreatedAt, &s.LastSeenAt, &s.ReauthAt,
		&s.ExpiresAt, &s.IP, &s.UserAgent)
	if err != nil {
		return nil, err
	}
	s.CreatedAt, s.LastSeenAt, s.ReauthAt, s.ExpiresAt = s.CreatedAt.UTC(), s.LastSeenAt.UTC(), s.ReauthAt.UTC(), s.ExpiresAt.UTC()
	return &s, nil
}

// InsertSession stores a new session under the hash of its secret.
func (db *DB) InsertSession(ctx context.Context, tokenHash string, s haven.Session) (*haven.Session, error) {
	id, err := db.insertID(ctx, `INSERT INTO sessions (token_hash, user_id, mfa_pending, created_at,
		last_seen_at, reauth_at, expires_at, ip, user_agent)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
		tokenHash, s.UserID, s.MFAPending, dbTime(s.CreatedAt), dbTime(s.LastSeenAt), dbTime(s.ReauthAt),
		dbTime(s.ExpiresAt), s.IP, s.UserAgent)
	if err != nil {
		return nil, fmt.Errorf("store.InsertSession: %w", err)
	}
	s.ID = id
	return &s, nil
}

// SessionByHash returns the session whose secret hashes to tokenHash.
// Expiry is the caller's decision (it knows the clock and the timeouts).
func (db *DB) SessionByHash(ctx context.Context, tokenHash string) (*haven.Session, error) {
	s, err := scanSession(db.queryRow(ctx, `SELECT `+sessionColumns+` FROM sessions WHERE token_hash = $1`, tokenHash))
	if err != nil {
		return nil, fmt.Errorf("store.SessionByHash: %w", db.scanErr(err))
	}
	return s, nil
}

// Sessions lists an account's sessions, most recently used first.
func (db *DB) Sessions(ctx context.Context, userID int64) ([]*haven.Session, error) {
	rows, err := db.query(ctx, `SELECT `+sessionColumns+` FROM sessions
		WHERE user_id = $1 AND NOT mfa_pending ORDER BY last_seen_at DESC, id DESC`, userID)
	if err != nil {
		return nil, fmt.Errorf("store.Sessions: %w", err)
	}
	defer rows.Close()
	var ss []*haven.Session
	for rows.Next() {
		s, err := scanSession(rows)
		if err != nil {
			return nil, fmt.Errorf("store.Sessions: %w", err)
		}
		ss = append(ss, s)
	}
	return ss, rows.Err()
}

// TouchSession records activity on a session.
func (db *DB) TouchSession(ctx context.Context, id int64, now time.Time) error {
	_, err := db.exec(ctx, `UPDATE sessions SET last_seen_at = $1 WHERE id = $2`, dbTime(now), id)
	return err
}

// CompleteMFA turns a pending session into a full one.
func (db *DB) CompleteMFA(ctx context.Context, id int64, now time.Time) error {
	err := db.execOne(ctx, `UPDATE sessions SET mfa_pending = FALSE, last_seen_at = $1, reauth_at = $1
		WHERE id = $2 AND mfa_pending`, dbTime(now), id)
	if err != nil {
		return fmt.Errorf("store.CompleteMFA(%d): %w", id, err)
	}
	return nil
}

// CountMFAFailure adds one failed second-factor attempt to a pending
// session and returns the new count.
func (db *DB) CountMFAFailure(ctx context.Context, id int64) (int, error) {
	var n int
	err := db.wr.QueryRowContext(ctx, `UPDATE sessions SET mfa_failures = mfa_failures + 1
		WHERE id = $1 RETURNING mfa_failures`, id).Scan(&n)
	return n, db.scanErr(err)
}

// SetReauth records a fresh proof of the password on a session.
func (db *DB) SetReauth(ctx context.Context, id int64, now time.Time) error {
	return db.execOne(ctx, `UPDATE sessions SET reauth_at = $1 WHERE id = $2`, dbTime(now), id)
}

// DeleteSession ends one session of an account. It returns haven.ErrNotFound
// when the account has no such session.
func (db *DB) DeleteSession(ctx context.Context, userID, id int64) error {
	if err := db.execOne(ctx, `DELETE FROM sessions WHERE id = $1 AND user_id = $2`, id, userID); err != nil {
		return fmt.Errorf("store.DeleteSession(%d): %w", id, err)
	}
	return nil
}

// DeleteSessions ends every session of an account except keepID (0 ends
// all) and returns how many ended.
func (db *DB) DeleteSessions(ctx context.Context, userID, keepID int64) (int64, error) {
	res, err := db.exec(ctx, `DELETE FROM sessions WHERE user_id = $1 AND id <> $2`, userID, keepID)
	if err != nil {
		return 0, fmt.Errorf("store.DeleteSessions(%d): %w", userID, err)
	}
	return res.RowsAffected()
}

// DeleteExpiredSessions removes sessions past their absolute expiry or
// idle since before idleBefore.
func (db *DB) DeleteExpiredSessions(ctx context.Context, now, idleBefore time.Time) (int64, error) {
	res, err := db.exec(ctx, `DELETE FROM sessions WHERE expires_at <= $1 OR last_seen_at < $2`,
		dbTime(now), dbTime(idleBefore))
	if err != nil {
		return 0, fmt.Errorf("store.DeleteExpiredSessions: %w", err)
	}
	return res.RowsAffected()
}
