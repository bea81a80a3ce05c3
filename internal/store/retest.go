package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/haven-project/haven/internal/haven"
)

const retestColumns = `t.id, t.report_id, t.requested_by, t.requested_at, t.deadline, t.bonus, t.currency, t.note,
	t.state, t.result, t.answer, t.answered_at, t.decided_by, t.decided_at, t.decision_reason, t.award_id`

func scanRetest(sc interface{ Scan(...any) error }) (*haven.Retest, error) {
	var (
		t                 haven.Retest
		state             string
		answered, decided sql.NullTime
		decidedBy, award  sql.NullInt64
	)
	if err := sc.Scan(&t.ID, &t.ReportID, &t.RequestedBy, &t.RequestedAt, &t.Deadline, &t.Bonus, &t.Currency, &t.Note,
		&state, &t.Result, &t.Answer, &answered, &decidedBy, &decided, &t.DecisionReason, &award); err != nil {
		return nil, err
	}
	t.State = haven.RetestState(state)
	t.RequestedAt, t.Deadline = t.RequestedAt.UTC(), t.Deadline.UTC()
	t.AnsweredAt, t.DecidedAt = timePtr(answered), timePtr(decided)
	t.DecidedBy, t.AwardID = decidedBy.Int64, award.Int64
	return &t, nil
}

// InsertRetest records a retest request. A report with a retest in
// progress gives haven.ErrConflict.
func (db *DB) InsertRetest(ctx context.Context, t haven.Retest) (int64, error) {
	id, err := db.insertID(ctx, `INSERT INTO retests (report_id, requested_by, requested_at, deadline, bonus, currency,
		note, state) VALUES ($1, $2, $3, $4, $5, $6, $7, 'requested') RETURNING id`,
		t.ReportID, t.RequestedBy, dbTime(t.RequestedAt), dbTime(t.Deadline), t.Bonus, t.Currency, t.Note)
	if err != nil {
		return 0, fmt.Errorf("store.InsertRetest: %w", err)
	}
	return id, nil
}

// Retests lists a report's retests, oldest first.
func (db *DB) Retests(ctx context.Context, reportID int64) ([]*haven.Retest, error) {
	rows, err := db.query(ctx, `SELECT `+retestColumns+` FROM retests t WHERE t.report_id = $1
		ORDER BY t.requested_at, t.id`, reportID)
	if err != nil {
		return nil, fmt.Errorf("store.Retests: %w", err)
	}
	defer rows.Close()
	var out []*haven.Retest
	for rows.Next() {
		t, err := scanRetest(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// AnswerRetest records the researcher's answer: a compare-and-set from
// requested, before the deadline (haven.ErrConflict otherwise).
func (db *DB) AnswerRetest(ctx context.Context, id int64, result, answer string, now time.Time) error {
	err := db.execOne(ctx, `UPDATE retests SET state = 'answered', result = $1, answer = $2, answered_at = $3
		WHERE id = $4 AND state = 'requested' AND deadline > $3`, result, answer, dbTime(now), id)
	if isNotFound(err) {
		return fmt.Errorf("store.AnswerRetest(%d): %w", id, haven.ErrConflict)
	}
	return err
}

// DecideRetest moves a retest from one state to a final one
// (compare-and-set: haven.ErrConflict when it is no longer in from).
func (db *DB) DecideRetest(ctx context.Context, id int64, from, to haven.RetestState, by int64, reason string, awardID int64, now time.Time) error {
	err := db.execOne(ctx, `UPDATE retests SET state = $1, decided_by = $2, decided_at = $3, decision_reason = $4,
		award_id = $5 WHERE id = $6 AND state = $7`, string(to), nullID(by), dbTime(now), reason, nullID(awardID), id, string(from))
	if isNotFound(err) {
		return fmt.Errorf("store.DecideRetest(%d): %w", id, haven.ErrConflict)
	}
	return err
}

// DueRetests lists requested retests whose deadline passed (for expiry).
func (db *DB) DueRetests(ctx context.Context, now time.Time, limit int) ([]*haven.Retest, error) {
	rows, err := db.query(ctx, `SELECT `+retestColumns+` FROM retests t WHERE t.state = 'requested' AND t.deadline <= $1
		ORDER BY t.deadline, t.id LIMIT $2`, dbTime(now), limit)
	if err != nil {
		return nil, fmt.Errorf("store.DueRetests: %w", err)
	}
	defer rows.Close()
	var out []*haven.Retest
	for rows.Next() {
		t, err := scanRetest(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}
