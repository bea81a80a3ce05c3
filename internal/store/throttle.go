package store

import (
	"context"
	"fmt"
	"time"
)

// Throttle counts an event under key in a fixed window and returns the
// count in the current window (including this one) and when the window
// started. The counter lives in the database, so every replica shares it.
func (db *DB) Throttle(ctx context.Context, key string, now time.Time, window time.Duration) (count int, start time.Time, err error) {
	now = dbTime(now)
	err = db.Tx(ctx, func(tx *DB) error {
		// Start a new window when the old one is over, else count on.
		err := tx.wr.QueryRowContext(ctx, `INSERT INTO throttles (key, window_start, count) VALUES ($1, $2, 1)
			ON CONFLICT (key) DO UPDATE SET
			  count = CASE WHEN throttles.window_start <= $3 THEN 1 ELSE throttles.count + 1 END,
			  window_start = CASE WHEN throttles.window_start <= $3 THEN $2 ELSE throttles.window_start END
			RETURNING count, window_start`, key, now, dbTime(now.Add(-window))).Scan(&count, &start)
		return tx.d.translate(err)
	})
	if err != nil {
		return 0, time.Time{}, fmt.Errorf("store.Throttle: %w", err)
	}
	return count, start.UTC(), nil
}

// ThrottleCount returns the count under key in the window that is current
// at now, without counting.
func (db *DB) ThrottleCount(ctx context.Context, key string, now time.Time, window time.Duration) (count int, start time.Time, err error) {
	err = db.queryRow(ctx, `SELECT count, window_start FROM throttles WHERE key = $1 AND window_start > $2`,
		key, dbTime(now.Add(-window))).Scan(&count, &start)
	if err != nil {
		if err = db.scanErr(err); err != nil && isNotFound(err) {
			return 0, time.Time{}, nil
		}
		return 0, time.Time{}, fmt.Errorf("store.ThrottleCount: %w", err)
	}
	return count, start.UTC(), nil
}

// ResetThrottle forgets the counter under key.
func (db *DB) ResetThrottle(ctx context.Context, key string) error {
	_, err := db.exec(ctx, `DELETE FROM throttles WHERE key = $1`, key)
	return err
}

// InsertTrustedDevice remembers a device that logged in successfully.
func (db *DB) InsertTrustedDevice(ctx context.Context, userID int64, tokenHash string, now, expires time.Time) error {
	_, err := db.exec(ctx, `INSERT INTO trusted_devices (user_id, token_hash, created_at, expires_at)
		VALUES ($1, $2, $3, $4)`, userID, tokenHash, dbTime(now), dbTime(expires))
	return err
}

// TrustedDevice reports whether tokenHash is an unexpired trusted device of
// the account.
func (db *DB) TrustedDevice(ctx context.Context, userID int64, tokenHash string, now time.Time) (bool, error) {
	var n int
	err := db.queryRow(ctx, `SELECT count(*) FROM trusted_devices WHERE user_id = $1 AND token_hash = $2
		AND expires_at > $3`, userID, tokenHash, dbTime(now)).Scan(&n)
	return n > 0, db.scanErr(err)
}

// Unthrottle takes back one event counted under key in its current window
// (a log-in that turned out to be right counts only its attempt, not a
// failure), never going below zero.
func (db *DB) Unthrottle(ctx context.Context, key string) error {
	_, err := db.exec(ctx, `UPDATE throttles SET count = count - 1 WHERE key = $1 AND count > 0`, key)
	return err
}
