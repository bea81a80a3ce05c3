package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/haven-project/haven/internal/haven"
)

// Job is a claimed job of the durable queue.
//
// It is an alias of an unnamed struct type so that package jobs can declare
// the identical type, and so have *DB satisfy its Queue interface, without
// importing store. Keep the two field lists identical: a compile-time check
// in package jobs' tests fails otherwise. (Once the type moves to package
// haven, both become aliases of haven.Job.)
type Job = struct {
	ID        int64
	Kind      string
	Payload   []byte    // JSON
	RunAt     time.Time // when the job became due
	Attempts  int       // runs started, this one included
	LastError string    // the previous run's error, if any
}

// maxJobError caps the stored error text of a job.
const maxJobError = 2000

// EnqueueJob adds a job of the given kind, due at runAt, with payload
// encoded as JSON. Called on the *DB of an app transaction, the job commits
// or rolls back with the change that caused it.
func (db *DB) EnqueueJob(ctx context.Context, kind string, payload any, runAt time.Time) (int64, error) {
	if kind == "" {
		return 0, errors.New("store.EnqueueJob: empty kind")
	}
	b, err := json.Marshal(payload)
	if err != nil {
		return 0, fmt.Errorf("store.EnqueueJob(%q): encode payload: %w", kind, err)
	}
	// created_at is informational only (nothing orders or filters on it),
	// so the wall clock is good enough here.
	id, err := db.insertID(ctx, `INSERT INTO jobs (kind, payload, run_at, created_at)
		VALUES ($1, $2, $3, $4) RETURNING id`, kind, string(b), dbTime(runAt), dbTime(time.Now()))
	if err != nil {
		return 0, fmt.Errorf("store.EnqueueJob(%q): %w", kind, err)
	}
	return id, nil
}

// The claim statement: the oldest due job that is neither finished nor
// held under an unexpired lease. It is the one job query whose text
// differs between the databases (see claimJobQuery).
const (
	claimJobHead = `UPDATE jobs SET locked_until = $2, attempts = attempts + 1
		WHERE id = (SELECT id FROM jobs
			WHERE run_at <= $1 AND done_at IS NULL AND failed_at IS NULL
				AND (locked_until IS NULL OR locked_until <= $1)
			ORDER BY run_at, id LIMIT 1`
	claimJobTail = `)
		RETURNING id, kind, payload, run_at, attempts, last_error`

	claimJobSQLite   = claimJobHead + claimJobTail
	claimJobPostgres = claimJobHead + ` FOR UPDATE SKIP LOCKED` + claimJobTail
)

// claimJobQuery returns the claim statement for db's database. On
// PostgreSQL concurrent workers must skip a row another worker is claiming
// (FOR UPDATE SKIP LOCKED), or they would queue behind its lock and then
// find it taken. SQLite has no such clause and needs none: its single
// writer runs one claim at a time.
func (db *DB) claimJobQuery() string {
	if db.d.name == "postgres" {
		return claimJobPostgres
	}
	return claimJobSQLite
}

// ClaimJob claims the oldest job due at now that is not finished and not
// held by another worker; a lease that expired (its worker died) counts
// as free. The job stays leased until now+lease and its attempt count
// goes up by one. With no such job, ClaimJob returns haven.ErrNotFound.
//
// The queue runs each job at least once: a worker that overruns its lease
// may see the job run again elsewhere, so handlers must be idempotent.
func (db *DB) ClaimJob(ctx context.Context, now time.Time, lease time.Duration) (Job, error) {
	var j Job
	err := db.wr.QueryRowContext(ctx, db.claimJobQuery(), dbTime(now), dbTime(now.Add(lease))).
		Scan(&j.ID, &j.Kind, &j.Payload, &j.RunAt, &j.Attempts, &j.LastError)
	if err = db.scanErr(err); err != nil {
		if errors.Is(err, haven.ErrNotFound) {
			return Job{}, haven.ErrNotFound
		}
		return Job{}, fmt.Errorf("store.ClaimJob: %w", err)
	}
	j.RunAt = j.RunAt.UTC()
	return j, nil
}

// CompleteJob marks job id done at now. It returns haven.ErrNotFound if
// the job is already finished.
func (db *DB) CompleteJob(ctx context.Context, id int64, now time.Time) error {
	err := db.execOne(ctx, `UPDATE jobs SET done_at = $2, locked_until = NULL
		WHERE id = $1 AND done_at IS NULL AND failed_at IS NULL`, id, dbTime(now))
	if err != nil {
		return fmt.Errorf("store.CompleteJob(%d): %w", id, err)
	}
	return nil
}

// RetryJob releases job id to run again at runAt, recording errText (cut
// to a bounded length) as its last error. It returns haven.ErrNotFound if
// the job is already finished.
func (db *DB) RetryJob(ctx context.Context, id int64, runAt time.Time, errText string) error {
	err := db.execOne(ctx, `UPDATE jobs SET run_at = $2, last_error = $3, locked_until = NULL
		WHERE id = $1 AND done_at IS NULL AND failed_at IS NULL`, id, dbTime(runAt), jobError(errText))
	if err != nil {
		return fmt.Errorf("store.RetryJob(%d): %w", id, err)
	}
	return nil
}

// FailJob gives up on job id at now, recording errText as its last error;
// the job stays in the table for inspection. It returns haven.ErrNotFound
// if the job is already finished.
func (db *DB) FailJob(ctx context.Context, id int64, now time.Time, errText string) error {
	err := db.execOne(ctx, `UPDATE jobs SET failed_at = $2, last_error = $3, locked_until = NULL
		WHERE id = $1 AND done_at IS NULL AND failed_at IS NULL`, id, dbTime(now), jobError(errText))
	if err != nil {
		return fmt.Errorf("store.FailJob(%d): %w", id, err)
	}
	return nil
}

// PendingJobs counts the jobs of a kind (of every kind when kind is "")
// that are neither done nor failed, whether due, leased or waiting.
func (db *DB) PendingJobs(ctx context.Context, kind string) (int, error) {
	return db.countJobs(ctx, "store.PendingJobs", `SELECT count(*) FROM jobs
		WHERE done_at IS NULL AND failed_at IS NULL AND ($1 = '' OR kind = $1)`, kind)
}

// FailedJobs counts the jobs of a kind (of every kind when kind is "")
// that were given up on.
func (db *DB) FailedJobs(ctx context.Context, kind string) (int, error) {
	return db.countJobs(ctx, "store.FailedJobs", `SELECT count(*) FROM jobs
		WHERE failed_at IS NOT NULL AND ($1 = '' OR kind = $1)`, kind)
}

func (db *DB) countJobs(ctx context.Context, op, query, kind string) (int, error) {
	var n int
	if err := db.queryRow(ctx, query, kind).Scan(&n); err != nil {
		return 0, fmt.Errorf("%s(%q): %w", op, kind, db.scanErr(err))
	}
	return n, nil
}

// jobError makes error text storable and bounded.
func jobError(s string) string {
	s = storableText(s)
	if len(s) <= maxJobError {
		return s
	}
	s = s[:maxJobError]
	for len(s) > 0 && !utf8.ValidString(s) { // don't split a rune
		s = s[:len(s)-1]
	}
	return s + "…"
}
