package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/haven-project/haven/internal/haven"
)

func isNotFound(err error) bool { return errors.Is(err, haven.ErrNotFound) }

// Memberships returns the account's role on each program it belongs to.
func (db *DB) Memberships(ctx context.Context, userID int64) (map[int64]haven.Role, error) {
	rows, err := db.query(ctx, `SELECT program_id, role FROM memberships WHERE user_id = $1`, userID)
	if err != nil {
		return nil, fmt.Errorf("store.Memberships(%d): %w", userID, err)
	}
	defer rows.Close()
	m := map[int64]haven.Role{}
	for rows.Next() {
		var (
			id   int64
			role string
		)
		if err := rows.Scan(&id, &role); err != nil {
			return nil, err
		}
		m[id] = haven.Role(role)
	}
	return m, rows.Err()
}

// SetMembership gives an account a role on a program, replacing any role
// it had.
func (db *DB) SetMembership(ctx context.Context, programID, userID int64, role haven.Role, now time.Time) error {
	_, err := db.exec(ctx, `INSERT INTO memberships (program_id, user_id, role, created_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (program_id, user_id) DO UPDATE SET role = excluded.role`,
		programID, userID, string(role), dbTime(now))
	if err != nil {
		return fmt.Errorf("store.SetMembership: %w", err)
	}
	return nil
}

// DeleteMembership removes an account from a program.
func (db *DB) DeleteMembership(ctx context.Context, programID, userID int64) error {
	return db.execOne(ctx, `DELETE FROM memberships WHERE program_id = $1 AND user_id = $2`, programID, userID)
}
