package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/haven-project/haven/internal/haven"
)

// Members lists a program's team, owners first.
func (db *DB) Members(ctx context.Context, programID int64) ([]haven.Member, error) {
	rows, err := db.query(ctx, `SELECT m.role, m.created_at, `+prefixed("u.", userColumns)+`
		FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.program_id = $1
		ORDER BY CASE m.role WHEN 'owner' THEN 0 WHEN 'triager' THEN 1 ELSE 2 END, lower(u.email)`, programID)
	if err != nil {
		return nil, fmt.Errorf("store.Members: %w", err)
	}
	defer rows.Close()
	var ms []haven.Member
	for rows.Next() {
		var (
			m    haven.Member
			role string
		)
		u, err := scanUser(prependScan(rows, &role, &m.CreatedAt))
		if err != nil {
			return nil, err
		}
		m.User, m.Role, m.CreatedAt = u, haven.Role(role), m.CreatedAt.UTC()
		ms = append(ms, m)
	}
	return ms, rows.Err()
}

// CountOwners returns how many owners a program has.
func (db *DB) CountOwners(ctx context.Context, programID int64) (int, error) {
	var n int
	err := db.queryRow(ctx, `SELECT count(*) FROM memberships WHERE program_id = $1 AND role = 'owner'`, programID).Scan(&n)
	return n, db.scanErr(err)
}

// InsertInvitation stores an invitation under the hash of its link secret.
func (db *DB) InsertInvitation(ctx context.Context, tokenHash string, inv haven.Invitation) (int64, error) {
	return db.insertID(ctx, `INSERT INTO invitations (program_id, email, role, token_hash, invited_by, created_at,
		expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
		inv.ProgramID, inv.Email, string(inv.Role), tokenHash, inv.InvitedBy, dbTime(inv.CreatedAt), dbTime(inv.ExpiresAt))
}

const invitationColumns = `id, program_id, email, role, invited_by, created_at, expires_at`

func scanInvitation(sc interface{ Scan(...any) error }) (haven.Invitation, error) {
	var (
		inv  haven.Invitation
		role string
	)
	err := sc.Scan(&inv.ID, &inv.ProgramID, &inv.Email, &role, &inv.InvitedBy, &inv.CreatedAt, &inv.ExpiresAt)
	inv.Role, inv.CreatedAt, inv.ExpiresAt = haven.Role(role), inv.CreatedAt.UTC(), inv.ExpiresAt.UTC()
	return inv, err
}

// OpenInvitation returns the unused, unrevoked, unexpired invitation whose
// secret hashes to tokenHash.
func (db *DB) OpenInvitation(ctx context.Context, tokenHash string, now time.Time) (haven.Invitation, error) {
	inv, err := scanInvitation(db.queryRow(ctx, `SELECT `+invitationColumns+` FROM invitations
		WHERE token_hash = $1 AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > $2`, tokenHash, dbTime(now)))
	if err != nil {
		return inv, fmt.Errorf("store.OpenInvitation: %w", db.scanErr(err))
	}
	return inv, nil
}

// Invitations lists a program's open invitations.
func (db *DB) Invitations(ctx context.Context, programID int64, now time.Time) ([]haven.Invitation, error) {
	rows, err := db.query(ctx, `SELECT `+invitationColumns+` FROM invitations WHERE program_id = $1
		AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > $2 ORDER BY created_at`, programID, dbTime(now))
	if err != nil {
		return nil, fmt.Errorf("store.Invitations: %w", err)
	}
	defer rows.Close()
	var out []haven.Invitation
	for rows.Next() {
		inv, err := scanInvitation(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, inv)
	}
	return out, rows.Err()
}

// AcceptInvitation spends an invitation (compare-and-set: exactly one of
// concurrent accepts succeeds; the others get haven.ErrNotFound).
func (db *DB) AcceptInvitation(ctx context.Context, id int64, now time.Time) error {
	return db.execOne(ctx, `UPDATE invitations SET accepted_at = $1 WHERE id = $2 AND accepted_at IS NULL
		AND revoked_at IS NULL AND expires_at > $1`, dbTime(now), id)
}

// RevokeInvitation withdraws an open invitation of a program.
func (db *DB) RevokeInvitation(ctx context.Context, programID, id int64, now time.Time) error {
	return db.execOne(ctx, `UPDATE invitations SET revoked_at = $1 WHERE id = $2 AND program_id = $3
		AND accepted_at IS NULL AND revoked_at IS NULL`, dbTime(now), id, programID)
}

// RevokeInvitationsTo withdraws every open invitation of a program to an
// address (any case): a member who is removed cannot come back through a
// link sent earlier.
func (db *DB) RevokeInvitationsTo(ctx context.Context, programID int64, email string, now time.Time) error {
	_, err := db.exec(ctx, `UPDATE invitations SET revoked_at = $1 WHERE program_id = $2 AND lower(email) = lower($3)
		AND accepted_at IS NULL AND revoked_at IS NULL`, dbTime(now), programID, email)
	if err != nil {
		return fmt.Errorf("store.RevokeInvitationsTo: %w", err)
	}
	return nil
}

// InsertProgramUpdate stores an update (published when PublishedAt is set).
func (db *DB) InsertProgramUpdate(ctx context.Context, u haven.ProgramUpdate) (int64, error) {
	return db.insertID(ctx, `INSERT INTO program_updates (program_id, title, body, author_id, created_at, published_at)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, u.ProgramID, u.Title, u.Body, u.AuthorID, dbTime(u.CreatedAt),
		nullTime(u.PublishedAt))
}

// PublishProgramUpdate publishes a draft update (compare-and-set).
func (db *DB) PublishProgramUpdate(ctx context.Context, programID, id int64, now time.Time) error {
	return db.execOne(ctx, `UPDATE program_updates SET published_at = $1 WHERE id = $2 AND program_id = $3
		AND published_at IS NULL`, dbTime(now), id, programID)
}

// ProgramUpdates lists a program's updates, newest first; drafts only when
// withDrafts.
func (db *DB) ProgramUpdates(ctx context.Context, programID int64, withDrafts bool) ([]haven.ProgramUpdate, error) {
	rows, err := db.query(ctx, `SELECT id, program_id, title, body, author_id, created_at, published_at
		FROM program_updates WHERE program_id = $1 AND ($2 OR published_at IS NOT NULL)
		ORDER BY coalesce(published_at, created_at) DESC, id DESC`, programID, withDrafts)
	if err != nil {
		return nil, fmt.Errorf("store.ProgramUpdates: %w", err)
	}
	defer rows.Close()
	var out []haven.ProgramUpdate
	for rows.Next() {
		var (
			u   haven.ProgramUpdate
			pub sql.NullTime
		)
		if err := rows.Scan(&u.ID, &u.ProgramID, &u.Title, &u.Body, &u.AuthorID, &u.CreatedAt, &pub); err != nil {
			return nil, err
		}
		u.CreatedAt, u.PublishedAt = u.CreatedAt.UTC(), timePtr(pub)
		out = append(out, u)
	}
	return out, rows.Err()
}

// InsertActivity appends an event to a program's public feed.
func (db *DB) InsertActivity(ctx context.Context, a haven.Activity) error {
	_, err := db.exec(ctx, `INSERT INTO activity (program_id, type, text, at) VALUES ($1, $2, $3, $4)`,
		a.ProgramID, a.Type, a.Text, dbTime(a.At))
	if err != nil {
		return fmt.Errorf("store.InsertActivity: %w", err)
	}
	return nil
}

// Activity lists a program's feed, newest first.
func (db *DB) Activity(ctx context.Context, programID int64, limit int) ([]haven.Activity, error) {
	rows, err := db.query(ctx, `SELECT id, program_id, type, text, at FROM activity WHERE program_id = $1
		ORDER BY at DESC, id DESC LIMIT $2`, programID, limit)
	if err != nil {
		return nil, fmt.Errorf("store.Activity: %w", err)
	}
	defer rows.Close()
	var out []haven.Activity
	for rows.Next() {
		var a haven.Activity
		if err := rows.Scan(&a.ID, &a.ProgramID, &a.Type, &a.Text, &a.At); err != nil {
			return nil, err
		}
		a.At = a.At.UTC()
		out = append(out, a)
	}
	return out, rows.Err()
}

// InsertFeedback stores an anonymous message to a program's owners.
func (db *DB) InsertFeedback(ctx context.Context, f haven.Feedback) error {
	_, err := db.exec(ctx, `INSERT INTO feedback (program_id, body, created_at) VALUES ($1, $2, $3)`,
		f.ProgramID, f.Body, dbTime(f.CreatedAt))
	return err
}

// Feedback lists a program's feedback, newest first.
func (db *DB) Feedback(ctx context.Context, programID int64) ([]haven.Feedback, error) {
	rows, err := db.query(ctx, `SELECT id, program_id, body, created_at FROM feedback WHERE program_id = $1
		ORDER BY created_at DESC, id DESC`, programID)
	if err != nil {
		return nil, fmt.Errorf("store.Feedback: %w", err)
	}
	defer rows.Close()
	var out []haven.Feedback
	for rows.Next() {
		var f haven.Feedback
		if err := rows.Scan(&f.ID, &f.ProgramID, &f.Body, &f.CreatedAt); err != nil {
			return nil, err
		}
		f.CreatedAt = f.CreatedAt.UTC()
		out = append(out, f)
	}
	return out, rows.Err()
}

// InsertCannedResponse adds a prepared answer to a program.
func (db *DB) InsertCannedResponse(ctx context.Context, c haven.CannedResponse, now time.Time) (int64, error) {
	return db.insertID(ctx, `INSERT INTO canned_responses (program_id, title, body, created_at) VALUES ($1, $2, $3, $4)
		RETURNING id`, c.ProgramID, c.Title, c.Body, dbTime(now))
}

// CannedResponses lists a program's prepared answers by title.
func (db *DB) CannedResponses(ctx context.Context, programID int64) ([]haven.CannedResponse, error) {
	rows, err := db.query(ctx, `SELECT id, program_id, title, body FROM canned_responses WHERE program_id = $1
		ORDER BY lower(title), id`, programID)
	if err != nil {
		return nil, fmt.Errorf("store.CannedResponses: %w", err)
	}
	defer rows.Close()
	var out []haven.CannedResponse
	for rows.Next() {
		var c haven.CannedResponse
		if err := rows.Scan(&c.ID, &c.ProgramID, &c.Title, &c.Body); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// DeleteCannedResponse removes a prepared answer of a program.
func (db *DB) DeleteCannedResponse(ctx context.Context, programID, id int64) error {
	return db.execOne(ctx, `DELETE FROM canned_responses WHERE id = $1 AND program_id = $2`, id, programID)
}

// prefixed qualifies a column list ("a, b" → "u.a, u.b").
func prefixed(prefix, cols string) string {
	out := ""
	for i, c := range splitColumns(cols) {
		if i > 0 {
			out += ", "
		}
		out += prefix + c
	}
	return out
}

func splitColumns(cols string) []string {
	var out []string
	cur := ""
	for _, r := range cols {
		switch r {
		case ',':
			out = append(out, cur)
			cur = ""
		case ' ', '\n', '\t':
		default:
			cur += string(r)
		}
	}
	return append(out, cur)
}

// prependScan lets a row scanner fill extra leading columns before handing
// the rest to a scan function written for the bare table.
func prependScan(rows *sql.Rows, first ...any) interface{ Scan(...any) error } {
	return scanFunc(func(dest ...any) error { return rows.Scan(append(first, dest...)...) })
}

type scanFunc func(dest ...any) error

func (f scanFunc) Scan(dest ...any) error { return f(dest...) }
