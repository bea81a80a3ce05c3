package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/haven-project/haven/internal/haven"
)

// InsertAward records an award. A second bounty on a report, or the same
// form sent twice (same nonce), gives haven.ErrConflict: awards happen
// once, even under concurrency.
func (db *DB) InsertAward(ctx context.Context, a haven.Award, nonce string) (int64, error) {
	id, err := db.insertID(ctx, `INSERT INTO awards (report_id, program_id, kind, amount, currency, reason, nonce,
		awarded_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
		a.ReportID, a.ProgramID, a.Kind, a.Amount, a.Currency, a.Reason, nonce, a.AwardedBy, dbTime(a.CreatedAt))
	if err != nil {
		return 0, fmt.Errorf("store.InsertAward: %w", err)
	}
	return id, nil
}

const awardColumns = `w.id, w.report_id, w.program_id, w.kind, w.amount, w.currency, w.reason, w.status, w.awarded_by,
	w.created_at, w.paid_at, r.public_id`

func scanAward(sc interface{ Scan(...any) error }) (haven.Award, error) {
	var (
		a    haven.Award
		paid sql.NullTime
	)
	err := sc.Scan(&a.ID, &a.ReportID, &a.ProgramID, &a.Kind, &a.Amount, &a.Currency, &a.Reason, &a.Status, &a.AwardedBy,
		&a.CreatedAt, &paid, &a.ReportPublicID)
	a.CreatedAt, a.PaidAt = a.CreatedAt.UTC(), timePtr(paid)
	return a, err
}

func (db *DB) awards(ctx context.Context, where string, args ...any) ([]haven.Award, error) {
	rows, err := db.query(ctx, `SELECT `+awardColumns+` FROM awards w JOIN reports r ON r.id = w.report_id
		WHERE `+where+` ORDER BY w.created_at, w.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("store.Awards: %w", err)
	}
	defer rows.Close()
	var out []haven.Award
	for rows.Next() {
		a, err := scanAward(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// ReportAwards lists the awards on a report, oldest first.
func (db *DB) ReportAwards(ctx context.Context, reportID int64) ([]haven.Award, error) {
	return db.awards(ctx, `w.report_id = $1`, reportID)
}

// ProgramAwards lists a program's awards (its ledger), oldest first.
func (db *DB) ProgramAwards(ctx context.Context, programID int64) ([]haven.Award, error) {
	return db.awards(ctx, `w.program_id = $1`, programID)
}

// MarkAwardPaid records that a pending award of the program was paid
// (compare-and-set: a paid award gives haven.ErrNotFound).
func (db *DB) MarkAwardPaid(ctx context.Context, programID, id int64, now time.Time) error {
	return db.execOne(ctx, `UPDATE awards SET status = 'paid', paid_at = $1 WHERE id = $2 AND program_id = $3
		AND status = 'pending'`, dbTime(now), id, programID)
}
