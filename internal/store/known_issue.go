package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/haven-project/haven/internal/haven"
)

const knownIssueColumns = `k.id, k.public_id, k.program_id, k.title, k.description, k.created_by, k.created_at,
	k.updated_at, k.archived_at, (SELECT count(*) FROM reports d WHERE d.duplicate_known_id = k.id)`

func scanKnownIssue(sc interface{ Scan(...any) error }) (*haven.KnownIssue, error) {
	var (
		k        haven.KnownIssue
		archived sql.NullTime
	)
	if err := sc.Scan(&k.ID, &k.PublicID, &k.ProgramID, &k.Title, &k.Description, &k.CreatedBy, &k.CreatedAt,
		&k.UpdatedAt, &archived, &k.Duplicates); err != nil {
		return nil, err
	}
	k.CreatedAt, k.UpdatedAt, k.ArchivedAt = k.CreatedAt.UTC(), k.UpdatedAt.UTC(), timePtr(archived)
	return &k, nil
}

// InsertKnownIssue records a known issue and returns its id.
func (db *DB) InsertKnownIssue(ctx context.Context, k haven.KnownIssue) (int64, error) {
	id, err := db.insertID(ctx, `INSERT INTO known_issues (public_id, program_id, title, description, created_by,
		created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id`,
		k.PublicID, k.ProgramID, k.Title, k.Description, k.CreatedBy, dbTime(k.CreatedAt))
	if err != nil {
		return 0, fmt.Errorf("store.InsertKnownIssue: %w", err)
	}
	return id, nil
}

// KnownIssues lists a program's known issues, newest first; archived ones
// only when withArchived.
func (db *DB) KnownIssues(ctx context.Context, programID int64, withArchived bool) ([]*haven.KnownIssue, error) {
	rows, err := db.query(ctx, `SELECT `+knownIssueColumns+` FROM known_issues k
		WHERE k.program_id = $1 AND ($2 OR k.archived_at IS NULL) ORDER BY k.created_at DESC, k.id DESC`, programID, withArchived)
	if err != nil {
		return nil, fmt.Errorf("store.KnownIssues: %w", err)
	}
	defer rows.Close()
	var out []*haven.KnownIssue
	for rows.Next() {
		k, err := scanKnownIssue(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

// KnownIssue returns one of a program's known issues by public id.
func (db *DB) KnownIssue(ctx context.Context, programID int64, publicID string) (*haven.KnownIssue, error) {
	k, err := scanKnownIssue(db.queryRow(ctx, `SELECT `+knownIssueColumns+` FROM known_issues k
		WHERE k.program_id = $1 AND k.public_id = $2`, programID, publicID))
	if err != nil {
		return nil, fmt.Errorf("store.KnownIssue: %w", db.scanErr(err))
	}
	return k, nil
}

// KnownIssueByID returns a known issue by its row id.
func (db *DB) KnownIssueByID(ctx context.Context, id int64) (*haven.KnownIssue, error) {
	k, err := scanKnownIssue(db.queryRow(ctx, `SELECT `+knownIssueColumns+` FROM known_issues k WHERE k.id = $1`, id))
	if err != nil {
		return nil, fmt.Errorf("store.KnownIssueByID(%d): %w", id, db.scanErr(err))
	}
	return k, nil
}

// UpdateKnownIssue changes a known issue's text and whether it is
// archived.
func (db *DB) UpdateKnownIssue(ctx context.Context, k *haven.KnownIssue, now time.Time) error {
	return db.execOne(ctx, `UPDATE known_issues SET title = $1, description = $2, archived_at = $3, updated_at = $4
		WHERE id = $5`, k.Title, k.Description, nullTime(k.ArchivedAt), dbTime(now), k.ID)
}
