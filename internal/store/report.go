package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/haven-project/haven/internal/haven"
)

const reportColumns = `r.id, r.public_id, r.program_id, r.asset_id, r.reporter_id, r.title, r.weakness, r.cvss_vector,
	r.cvss_score, r.severity, r.description, r.steps, r.impact, r.state, r.policy_version, r.duplicate_of,
	r.out_of_scope_id, r.assignee_id, r.submitted_at, r.updated_at, r.validation_deadline, r.duplicate_known_id,
	r.disclosed_at, r.disclosure_mode, r.disclosure_summary, r.disclosure_title`

func scanReport(sc interface{ Scan(...any) error }) (*haven.Report, error) {
	var (
		r                         haven.Report
		state                     string
		dup, oos, assignee, known sql.NullInt64
		deadline, disclosed       sql.NullTime
	)
	err := sc.Scan(&r.ID, &r.PublicID, &r.ProgramID, &r.AssetID, &r.ReporterID, &r.Title, &r.Weakness, &r.CVSSVector,
		&r.CVSSScore, &r.Severity, &r.Description, &r.Steps, &r.Impact, &state, &r.PolicyVersion, &dup, &oos, &assignee,
		&r.SubmittedAt, &r.UpdatedAt, &deadline, &known, &disclosed, &r.DisclosureMode, &r.DisclosureSummary, &r.DisclosureTitle)
	if err != nil {
		return nil, err
	}
	r.State = haven.ReportState(state)
	r.DuplicateOf, r.OutOfScopeID, r.AssigneeID = dup.Int64, oos.Int64, assignee.Int64
	r.SubmittedAt, r.UpdatedAt = r.SubmittedAt.UTC(), r.UpdatedAt.UTC()
	r.ValidationDeadline = timePtr(deadline)
	r.DuplicateKnownID = known.Int64
	r.DisclosedAt = timePtr(disclosed)
	return &r, nil
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// visibleReports is the one predicate that decides which reports an
// account may see: its own, and every report of the programs it is a
// member of. $1 is the account id (0 for visitors: nothing).
const visibleReports = `(` + visibleOwn + ` OR ` + visibleMember + `)`

// The two arms of visibleReports: the viewer's own reports, and the
// reports of the programs the viewer is a member of.
const (
	visibleOwn    = `r.reporter_id = $1`
	visibleMember = `r.program_id IN (SELECT program_id FROM memberships WHERE user_id = $1)`
)

// InsertReport stores a new report and returns it with its id.
func (db *DB) InsertReport(ctx context.Context, r haven.Report) (*haven.Report, error) {
	id, err := db.insertID(ctx, `INSERT INTO reports (public_id, program_id, asset_id, reporter_id, title, weakness,
		cvss_vector, cvss_score, severity, description, steps, impact, state, policy_version, submitted_at, updated_at,
		state_changed_at, validation_deadline)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15, $15, $16) RETURNING id`,
		r.PublicID, r.ProgramID, r.AssetID, r.ReporterID, r.Title, r.Weakness, r.CVSSVector, r.CVSSScore, r.Severity,
		r.Description, r.Steps, r.Impact, string(r.State), r.PolicyVersion, dbTime(r.SubmittedAt), nullTime(r.ValidationDeadline))
	if err != nil {
		return nil, fmt.Errorf("store.InsertReport: %w", err)
	}
	r.ID = id
	r.UpdatedAt = r.SubmittedAt
	return &r, nil
}

// Report returns the report with the public id when the viewer may see
// it; otherwise haven.ErrNotFound, exactly as for an id that does not
// exist.
func (db *DB) Report(ctx context.Context, viewerID int64, publicID string) (*haven.Report, error) {
	r, err := scanReport(db.queryRow(ctx, `SELECT `+reportColumns+` FROM reports r
		WHERE `+visibleReports+` AND r.public_id = $2`, viewerID, publicID))
	if err != nil {
		return nil, fmt.Errorf("store.Report: %w", db.scanErr(err))
	}
	return r, nil
}

// ReportForSystem returns a report by id whoever may see it: for the
// system's own work (jobs, notifications) and for checks that reveal no
// content (a duplicate's original). Never show its result to a person
// without deciding what they may see.
func (db *DB) ReportForSystem(ctx context.Context, id int64) (*haven.Report, error) {
	r, err := scanReport(db.queryRow(ctx, `SELECT `+reportColumns+` FROM reports r WHERE r.id = $1`, id))
	if err != nil {
		return nil, fmt.Errorf("store.ReportForSystem(%d): %w", id, db.scanErr(err))
	}
	return r, nil
}

// ReportByPublicIDForSystem is ReportForSystem by public id.
func (db *DB) ReportByPublicIDForSystem(ctx context.Context, publicID string) (*haven.Report, error) {
	r, err := scanReport(db.queryRow(ctx, `SELECT `+reportColumns+` FROM reports r WHERE r.public_id = $1`, publicID))
	if err != nil {
		return nil, fmt.Errorf("store.ReportByPublicIDForSystem: %w", db.scanErr(err))
	}
	return r, nil
}

// ReportFilter narrows a report list. Zero values do not filter.
type ReportFilter struct {
	ProgramID  int64
	ReporterID int64
	States     []haven.ReportState
	Severity   string
	AssetID    int64
	AssigneeID int64 // -1: unassigned
	// DueBefore keeps open reports whose deadline is before it (overdue
	// and due-soon views).
	DueBefore *time.Time
	Limit     int // at most 200; default 50
	Offset    int
}

// Reports lists the reports the viewer may see, by validation deadline
// (soonest first, reports without one last), then newest, with the total
// of the whole list.
//
// It reads visibleReports as the union of its two arms, the viewer's own
// reports and the reports of the viewer's programs, each with every
// filter: PostgreSQL can use no index for the OR, but one for each arm.
func (db *DB) Reports(ctx context.Context, viewerID int64, f ReportFilter) ([]*haven.Report, int, error) {
	var filter string // " AND ..." for each filter
	args := []any{viewerID}
	add := func(cond string, v any) {
		args = append(args, v)
		filter += " AND " + strings.ReplaceAll(cond, "?", fmt.Sprintf("$%d", len(args)))
	}
	if f.ProgramID != 0 {
		add("r.program_id = ?", f.ProgramID)
	}
	if f.ReporterID != 0 {
		add("r.reporter_id = ?", f.ReporterID)
	}
	if len(f.States) > 0 {
		var ors []string
		for _, s := range f.States {
			args = append(args, string(s))
			ors = append(ors, fmt.Sprintf("r.state = $%d", len(args)))
		}
		filter += " AND (" + strings.Join(ors, " OR ") + ")"
	}
	if f.Severity != "" {
		add("r.severity = ?", f.Severity)
	}
	if f.AssetID != 0 {
		add("r.asset_id = ?", f.AssetID)
	}
	switch {
	case f.AssigneeID > 0:
		add("r.assignee_id = ?", f.AssigneeID)
	case f.AssigneeID < 0:
		filter += " AND r.assignee_id IS NULL"
	}
	if f.DueBefore != nil {
		add("r.validation_deadline < ?", dbTime(*f.DueBefore))
		filter += " AND r.state IN ('new', 'triaged', 'needs_info')"
	}
	// The total is |own| + |member| - |own and member|: three counts that
	// indexes serve, often from the index alone.
	var total int
	err := db.queryRow(ctx, `SELECT (SELECT count(*) FROM reports r WHERE `+visibleOwn+filter+`)
		+ (SELECT count(*) FROM reports r WHERE `+visibleMember+filter+`)
		- (SELECT count(*) FROM reports r WHERE `+visibleOwn+` AND `+visibleMember+filter+`)`, args...).Scan(&total)
	if err != nil {
		return nil, 0, fmt.Errorf("store.Reports: %w", db.scanErr(err))
	}
	limit := f.Limit
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	args = append(args, limit, max(f.Offset, 0))
	// The page is cut from the union of the two arms (the second without
	// the viewer's own reports, so that each report is there once) holding
	// only the sort keys; then its reports are read whole.
	keys := `r.id, r.submitted_at,
		CASE WHEN r.state IN ('new', 'triaged', 'needs_info') AND r.validation_deadline IS NOT NULL THEN 0 ELSE 1 END AS open_due,
		CASE WHEN r.state IN ('new', 'triaged', 'needs_info') THEN r.validation_deadline END AS due`
	// On PostgreSQL the union is MATERIALIZED, so that one process sorts
	// it: inlined, it gets parallel workers whose start costs more than
	// the sort (a researcher's page took 50 to 150 ms instead of 1).
	// SQLite, left alone, sorts each arm for the page and merges them,
	// which beats materializing the union.
	materialized := ""
	if db.d.name == "postgres" {
		materialized = " MATERIALIZED"
	}
	rows, err := db.query(ctx, `WITH visible AS`+materialized+` (
		SELECT `+keys+` FROM reports r WHERE `+visibleOwn+filter+`
		UNION ALL
		SELECT `+keys+` FROM reports r WHERE `+visibleMember+` AND r.reporter_id <> $1`+filter+`)
		SELECT `+reportColumns+` FROM reports r JOIN (
		  SELECT v.id, v.submitted_at, v.open_due, v.due FROM visible v
		  ORDER BY v.open_due, v.due, v.submitted_at DESC, v.id DESC
		  LIMIT $`+fmt.Sprint(len(args)-1)+` OFFSET $`+fmt.Sprint(len(args))+`) p ON p.id = r.id
		ORDER BY p.open_due, p.due, p.submitted_at DESC, p.id DESC`, args...)
	if err != nil {
		return nil, 0, fmt.Errorf("store.Reports: %w", err)
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

// SetReportState moves a report from one state to another: a
// compare-and-set, so of two concurrent changes exactly one succeeds; the
// other gets haven.ErrConflict.
func (db *DB) SetReportState(ctx context.Context, id int64, from, to haven.ReportState, duplicateOf, outOfScopeID int64, now time.Time) error {
	err := db.execOne(ctx, `UPDATE reports SET state = $1, duplicate_of = $2, out_of_scope_id = $3, updated_at = $4,
		state_changed_at = $4, duplicate_known_id = NULL WHERE id = $5 AND state = $6`,
		string(to), nullID(duplicateOf), nullID(outOfScopeID), dbTime(now), id, string(from))
	if isNotFound(err) {
		return fmt.Errorf("store.SetReportState(%d): %w", id, haven.ErrConflict)
	}
	return err
}

// SetReportKnownIssue records the known issue a duplicate repeats (after
// SetReportState, which clears it).
func (db *DB) SetReportKnownIssue(ctx context.Context, id, knownID int64) error {
	return db.execOne(ctx, `UPDATE reports SET duplicate_known_id = $1 WHERE id = $2`, knownID, id)
}

// SetReportCVSS changes a report's score, severity and deadline.
func (db *DB) SetReportCVSS(ctx context.Context, id int64, vector string, score float64, severity string, deadline *time.Time, now time.Time) error {
	return db.execOne(ctx, `UPDATE reports SET cvss_vector = $1, cvss_score = $2, severity = $3, validation_deadline = $4,
		updated_at = $5 WHERE id = $6`, vector, score, severity, nullTime(deadline), dbTime(now), id)
}

// SetReportAssignee assigns a report (0 unassigns).
func (db *DB) SetReportAssignee(ctx context.Context, id, assigneeID int64, now time.Time) error {
	return db.execOne(ctx, `UPDATE reports SET assignee_id = $1, updated_at = $2 WHERE id = $3`, nullID(assigneeID), dbTime(now), id)
}

// TouchReport records activity on a report.
func (db *DB) TouchReport(ctx context.Context, id int64, now time.Time) error {
	return db.execOne(ctx, `UPDATE reports SET updated_at = $1 WHERE id = $2`, dbTime(now), id)
}

// CountDuplicates returns how many reports were closed as duplicates of
// the report.
func (db *DB) CountDuplicates(ctx context.Context, id int64) (int, error) {
	var n int
	err := db.queryRow(ctx, `SELECT count(*) FROM reports WHERE duplicate_of = $1`, id).Scan(&n)
	return n, db.scanErr(err)
}

// InsertReportEvent appends to a report's history.
func (db *DB) InsertReportEvent(ctx context.Context, e haven.ReportEvent) error {
	_, err := db.exec(ctx, `INSERT INTO report_events (report_id, actor_id, at, kind, from_value, to_value, reason, internal)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, e.ReportID, e.ActorID, dbTime(e.At), e.Kind, e.From, e.To, e.Reason, e.Internal)
	if err != nil {
		return fmt.Errorf("store.InsertReportEvent: %w", err)
	}
	return nil
}

// ReportEvents lists a report's history, oldest first; internal events
// only when withInternal.
func (db *DB) ReportEvents(ctx context.Context, reportID int64, withInternal bool) ([]haven.ReportEvent, error) {
	rows, err := db.query(ctx, `SELECT id, report_id, actor_id, at, kind, from_value, to_value, reason, internal
		FROM report_events WHERE report_id = $1 AND ($2 OR NOT internal) ORDER BY at, id`, reportID, withInternal)
	if err != nil {
		return nil, fmt.Errorf("store.ReportEvents: %w", err)
	}
	defer rows.Close()
	var out []haven.ReportEvent
	for rows.Next() {
		var e haven.ReportEvent
		if err := rows.Scan(&e.ID, &e.ReportID, &e.ActorID, &e.At, &e.Kind, &e.From, &e.To, &e.Reason, &e.Internal); err != nil {
			return nil, err
		}
		e.At = e.At.UTC()
		out = append(out, e)
	}
	return out, rows.Err()
}

// InsertComment adds a comment to a report.
func (db *DB) InsertComment(ctx context.Context, c haven.Comment) (int64, error) {
	return db.insertID(ctx, `INSERT INTO comments (report_id, author_id, body, internal, created_at)
		VALUES ($1, $2, $3, $4, $5) RETURNING id`, c.ReportID, c.AuthorID, c.Body, c.Internal, dbTime(c.CreatedAt))
}

// Comments lists a report's comments, oldest first; internal ones only
// when withInternal.
func (db *DB) Comments(ctx context.Context, reportID int64, withInternal bool) ([]haven.Comment, error) {
	rows, err := db.query(ctx, `SELECT id, report_id, author_id, body, internal, created_at FROM comments
		WHERE report_id = $1 AND ($2 OR NOT internal) ORDER BY created_at, id`, reportID, withInternal)
	if err != nil {
		return nil, fmt.Errorf("store.Comments: %w", err)
	}
	defer rows.Close()
	var out []haven.Comment
	for rows.Next() {
		var c haven.Comment
		if err := rows.Scan(&c.ID, &c.ReportID, &c.AuthorID, &c.Body, &c.Internal, &c.CreatedAt); err != nil {
			return nil, err
		}
		c.CreatedAt = c.CreatedAt.UTC()
		out = append(out, c)
	}
	return out, rows.Err()
}

// IdempotentResult returns the stored result of an earlier request with the
// same key, and the hash of that request's body; haven.ErrNotFound when
// the key is new.
func (db *DB) IdempotentResult(ctx context.Context, userID int64, endpoint, key string) (bodyHash, result string, err error) {
	err = db.queryRow(ctx, `SELECT body_hash, result FROM idempotency_keys WHERE user_id = $1 AND endpoint = $2 AND key = $3`,
		userID, endpoint, key).Scan(&bodyHash, &result)
	return bodyHash, result, db.scanErr(err)
}

// SaveIdempotentResult records a request's result under its key. A
// concurrent request with the same key makes it fail with
// haven.ErrConflict.
func (db *DB) SaveIdempotentResult(ctx context.Context, userID int64, endpoint, key, bodyHash, result string, now time.Time) error {
	_, err := db.exec(ctx, `INSERT INTO idempotency_keys (user_id, endpoint, key, body_hash, result, created_at)
		VALUES ($1, $2, $3, $4, $5, $6)`, userID, endpoint, key, bodyHash, result, dbTime(now))
	return err
}

// SetIdempotentResult fills in the result of a request whose key was
// saved before it ran.
func (db *DB) SetIdempotentResult(ctx context.Context, userID int64, endpoint, key, result string) error {
	return db.execOne(ctx, `UPDATE idempotency_keys SET result = $1 WHERE user_id = $2 AND endpoint = $3 AND key = $4`,
		result, userID, endpoint, key)
}

// DeleteIdempotentKey forgets a key whose request failed, so that it can
// be retried.
func (db *DB) DeleteIdempotentKey(ctx context.Context, userID int64, endpoint, key string) error {
	_, err := db.exec(ctx, `DELETE FROM idempotency_keys WHERE user_id = $1 AND endpoint = $2 AND key = $3`, userID, endpoint, key)
	return err
}

// AssetForReport returns the asset a report names, archived or not.
func (db *DB) AssetForReport(ctx context.Context, id int64) (*haven.Asset, error) {
	a, err := scanAsset(db.queryRow(ctx, `SELECT `+assetColumns+` FROM assets WHERE id = $1`, id))
	if err != nil {
		return nil, fmt.Errorf("store.AssetForReport(%d): %w", id, db.scanErr(err))
	}
	return a, nil
}

// OutOfScopeAll lists a program's out-of-scope classes, archived ones
// included (closed reports cite them).
func (db *DB) OutOfScopeAll(ctx context.Context, programID int64) ([]haven.OutOfScopeClass, error) {
	rows, err := db.query(ctx, `SELECT id, text, position FROM out_of_scope WHERE program_id = $1 ORDER BY position, id`, programID)
	if err != nil {
		return nil, fmt.Errorf("store.OutOfScopeAll: %w", err)
	}
	defer rows.Close()
	var cs []haven.OutOfScopeClass
	for rows.Next() {
		var c haven.OutOfScopeClass
		if err := rows.Scan(&c.ID, &c.Text, &c.Position); err != nil {
			return nil, err
		}
		cs = append(cs, c)
	}
	return cs, rows.Err()
}

// ReleaseStaleIdempotentKey forgets a key whose request never recorded a
// result (the process died, or recording failed) and that was saved before
// cutoff, so that a retry can run. It reports whether it released one.
func (db *DB) ReleaseStaleIdempotentKey(ctx context.Context, userID int64, endpoint, key string, cutoff time.Time) (bool, error) {
	res, err := db.exec(ctx, `DELETE FROM idempotency_keys WHERE user_id = $1 AND endpoint = $2 AND key = $3
		AND result = '' AND created_at < $4`, userID, endpoint, key, dbTime(cutoff))
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}
