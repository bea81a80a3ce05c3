package store

import (
	"context"
	"fmt"
	"time"
)

// WaitingReport is a needs_info report and when it started waiting.
type WaitingReport struct {
	ID, ProgramID int64
	PublicID      string
	Since         time.Time
}

// ReportsWaitingForInfo lists reports in needs_info that have waited since
// before the given time (the caller narrows by each program's limit).
func (db *DB) ReportsWaitingForInfo(ctx context.Context, before time.Time) ([]WaitingReport, error) {
	rows, err := db.query(ctx, `SELECT id, program_id, public_id, state_changed_at FROM reports
		WHERE state = 'needs_info' AND state_changed_at < $1 ORDER BY state_changed_at`, dbTime(before))
	if err != nil {
		return nil, fmt.Errorf("store.ReportsWaitingForInfo: %w", err)
	}
	defer rows.Close()
	var out []WaitingReport
	for rows.Next() {
		var w WaitingReport
		if err := rows.Scan(&w.ID, &w.ProgramID, &w.PublicID, &w.Since); err != nil {
			return nil, err
		}
		w.Since = w.Since.UTC()
		out = append(out, w)
	}
	return out, rows.Err()
}
