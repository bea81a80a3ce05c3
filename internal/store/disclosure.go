package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/haven-project/haven/internal/haven"
)

const disclosureColumns = `q.id, q.report_id, q.requested_by, q.side, q.mode, q.summary, q.message, q.state,
	q.created_at, q.decided_by, q.decided_at, q.reason, q.title`

func scanDisclosure(sc interface{ Scan(...any) error }) (*haven.DisclosureRequest, error) {
	var (
		q         haven.DisclosureRequest
		decidedBy sql.NullInt64
		decided   sql.NullTime
	)
	if err := sc.Scan(&q.ID, &q.ReportID, &q.RequestedBy, &q.Side, &q.Mode, &q.Summary, &q.Message, &q.State,
		&q.CreatedAt, &decidedBy, &decided, &q.Reason, &q.Title); err != nil {
		return nil, err
	}
	q.CreatedAt, q.DecidedBy, q.DecidedAt = q.CreatedAt.UTC(), decidedBy.Int64, timePtr(decided)
	return &q, nil
}

// InsertDisclosureRequest records a request to disclose a report. A
// report with an open request gives haven.ErrConflict.
func (db *DB) InsertDisclosureRequest(ctx context.Context, q haven.DisclosureRequest) (int64, error) {
	id, err := db.insertID(ctx, `INSERT INTO disclosure_requests (report_id, requested_by, side, mode, summary, message,
		state, created_at, title) VALUES ($1, $2, $3, $4, $5, $6, 'open', $7, $8) RETURNING id`,
		q.ReportID, q.RequestedBy, q.Side, q.Mode, q.Summary, q.Message, dbTime(q.CreatedAt), q.Title)
	if err != nil {
		return 0, fmt.Errorf("store.InsertDisclosureRequest: %w", err)
	}
	return id, nil
}

// DisclosureRequests lists a report's disclosure requests, oldest first.
func (db *DB) DisclosureRequests(ctx context.Context, reportID int64) ([]*haven.DisclosureRequest, error) {
	rows, err := db.query(ctx, `SELECT `+disclosureColumns+` FROM disclosure_requests q WHERE q.report_id = $1
		ORDER BY q.created_at, q.id`, reportID)
	if err != nil {
		return nil, fmt.Errorf("store.DisclosureRequests: %w", err)
	}
	defer rows.Close()
	var out []*haven.DisclosureRequest
	for rows.Next() {
		q, err := scanDisclosure(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, q)
	}
	return out, rows.Err()
}

// CloseDisclosureRequest ends an open request (agreed, declined or
// withdrawn), with the mode and summary finally agreed; a compare-and-set
// (haven.ErrConflict when it is no longer open).
func (db *DB) CloseDisclosureRequest(ctx context.Context, id int64, state string, by int64, mode, summary, title, reason string, now time.Time) error {
	err := db.execOne(ctx, `UPDATE disclosure_requests SET state = $1, decided_by = $2, decided_at = $3, mode = $4,
		summary = $5, reason = $6, title = $8 WHERE id = $7 AND state = 'open'`, state, by, dbTime(now), mode, summary, reason, id, title)
	if isNotFound(err) {
		return fmt.Errorf("store.CloseDisclosureRequest(%d): %w", id, haven.ErrConflict)
	}
	return err
}

// DiscloseReport publishes a report (once: haven.ErrConflict if it is
// public already).
func (db *DB) DiscloseReport(ctx context.Context, id int64, mode, summary, title string, now time.Time) error {
	err := db.execOne(ctx, `UPDATE reports SET disclosed_at = $1, disclosure_mode = $2, disclosure_summary = $3,
		disclosure_title = $5, updated_at = $1 WHERE id = $4 AND disclosed_at IS NULL`, dbTime(now), mode, summary, id, title)
	if isNotFound(err) {
		return fmt.Errorf("store.DiscloseReport(%d): %w", id, haven.ErrConflict)
	}
	return err
}

// publicState keeps disclosed reports public only while they are fixed or
// closed: a disclosed report reopened (the fix was incomplete) is hidden
// until it is resolved again. It matches haven.ReportState.Disclosable.
const publicState = `r.state IN ('resolved', 'informative', 'not_applicable', 'out_of_scope')`

// DisclosedReport returns a public report by public id; haven.ErrNotFound
// when there is none or it is not disclosed (alike).
func (db *DB) DisclosedReport(ctx context.Context, publicID string) (*haven.Report, error) {
	r, err := scanReport(db.queryRow(ctx, `SELECT `+reportColumns+` FROM reports r
		WHERE r.public_id = $1 AND r.disclosed_at IS NOT NULL AND `+publicState, publicID))
	if err != nil {
		return nil, fmt.Errorf("store.DisclosedReport: %w", db.scanErr(err))
	}
	return r, nil
}

// DisclosedReports lists a program's public reports, newest disclosure
// first.
func (db *DB) DisclosedReports(ctx context.Context, programID int64, limit, offset int) ([]*haven.Report, int, error) {
	var total int
	if err := db.queryRow(ctx, `SELECT count(*) FROM reports r WHERE r.program_id = $1 AND r.disclosed_at IS NOT NULL AND `+publicState,
		programID).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("store.DisclosedReports: %w", db.scanErr(err))
	}
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	rows, err := db.query(ctx, `SELECT `+reportColumns+` FROM reports r WHERE r.program_id = $1 AND r.disclosed_at IS NOT NULL
		AND `+publicState+` ORDER BY r.disclosed_at DESC, r.id DESC LIMIT $2 OFFSET $3`, programID, limit, max(offset, 0))
	if err != nil {
		return nil, 0, fmt.Errorf("store.DisclosedReports: %w", err)
	}
	defer rows.Close()
	var out []*haven.Report
	for rows.Next() {
		r, err := scanReport(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, r)
	}
	return out, total, rows.Err()
}

// Credits lists the display names of the researchers of a program's public
// reports, most reports first. Researchers without a display name are not
// named; a report's existence is public only once it is disclosed, so no
// other report counts.
func (db *DB) Credits(ctx context.Context, programID int64) ([]string, error) {
	rows, err := db.query(ctx, `SELECT u.display_name FROM reports r JOIN users u ON u.id = r.reporter_id
		WHERE r.program_id = $1 AND r.disclosed_at IS NOT NULL AND `+publicState+` AND u.display_name <> ''
		GROUP BY u.display_name ORDER BY count(*) DESC, u.display_name`, programID)
	if err != nil {
		return nil, fmt.Errorf("store.Credits: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return nil, err
		}
		out = append(out, name)
	}
	return out, rows.Err()
}
