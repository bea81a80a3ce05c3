package store_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/haven-project/haven/internal/haven"
	"github.com/haven-project/haven/internal/store"
	"github.com/haven-project/haven/internal/storetest"
)

var jobT0 = time.Date(2026, 11, 22, 10, 0, 0, 123456789, time.UTC)

const jobLease = 5 * time.Minute

func enqueue(t *testing.T, db *store.DB, kind string, payload any, runAt time.Time) int64 {
	t.Helper()
	id, err := db.EnqueueJob(context.Background(), kind, payload, runAt)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func pendingJobs(t *testing.T, db *store.DB, kind string) int {
	t.Helper()
	n, err := db.PendingJobs(context.Background(), kind)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func claim(t *testing.T, db *store.DB, now time.Time) store.Job {
	t.Helper()
	j, err := db.ClaimJob(context.Background(), now, jobLease)
	if err != nil {
		t.Fatalf("ClaimJob at %v: %v", now, err)
	}
	return j
}

func claimNone(t *testing.T, db *store.DB, now time.Time) {
	t.Helper()
	if j, err := db.ClaimJob(context.Background(), now, jobLease); !errors.Is(err, haven.ErrNotFound) {
		t.Fatalf("ClaimJob at %v = job %d, %v; want haven.ErrNotFound", now, j.ID, err)
	}
}

func TestEnqueueJobRollsBackWithTx(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		errRollback := errors.New("roll back")
		err := db.Tx(ctx, func(tx *store.DB) error {
			if _, err := tx.EnqueueJob(ctx, "mail.send", map[string]int{"report": 1}, jobT0); err != nil {
				return err
			}
			if n := pendingJobs(t, tx, ""); n != 1 {
				t.Errorf("inside the transaction: PendingJobs = %d, want 1", n)
			}
			return errRollback
		})
		if !errors.Is(err, errRollback) {
			t.Fatalf("Tx = %v, want %v", err, errRollback)
		}
		if n := pendingJobs(t, db, ""); n != 0 {
			t.Errorf("after rollback: PendingJobs = %d, want 0", n)
		}
		claimNone(t, db, jobT0.Add(time.Hour))

		err = db.Tx(ctx, func(tx *store.DB) error {
			_, err := tx.EnqueueJob(ctx, "mail.send", nil, jobT0)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if n := pendingJobs(t, db, "mail.send"); n != 1 {
			t.Errorf("after commit: PendingJobs = %d, want 1", n)
		}
	})
}

func TestClaimJobOrder(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		third := enqueue(t, db, "a", map[string]string{"n": "third"}, jobT0.Add(2*time.Second))
		first := enqueue(t, db, "b", map[string]string{"n": "first"}, jobT0)
		second := enqueue(t, db, "a", map[string]string{"n": "second"}, jobT0.Add(time.Second))
		later := enqueue(t, db, "a", nil, jobT0.Add(time.Hour))
		if n := pendingJobs(t, db, "a"); n != 3 {
			t.Errorf(`PendingJobs("a") = %d, want 3`, n)
		}

		now := jobT0.Add(10 * time.Second)
		for _, want := range []struct {
			id      int64
			kind    string
			payload string
			runAt   time.Time
		}{
			{first, "b", `{"n":"first"}`, jobT0},
			{second, "a", `{"n":"second"}`, jobT0.Add(time.Second)},
			{third, "a", `{"n":"third"}`, jobT0.Add(2 * time.Second)},
		} {
			j := claim(t, db, now)
			if j.ID != want.id || j.Kind != want.kind || string(j.Payload) != want.payload ||
				!j.RunAt.Equal(want.runAt.Truncate(time.Microsecond)) || j.Attempts != 1 || j.LastError != "" {
				t.Errorf("claimed %+v (payload %s), want job %d %s %s due %v, attempt 1",
					j, j.Payload, want.id, want.kind, want.payload, want.runAt)
			}
			if err := db.CompleteJob(context.Background(), j.ID, now); err != nil {
				t.Fatal(err)
			}
		}
		claimNone(t, db, now)
		if j := claim(t, db, jobT0.Add(time.Hour)); j.ID != later || string(j.Payload) != "null" {
			t.Errorf("at the later job's time: claimed %d with payload %s, want %d with null", j.ID, j.Payload, later)
		}
		if n := pendingJobs(t, db, ""); n != 1 {
			t.Errorf("a claimed job is still pending: PendingJobs = %d, want 1", n)
		}
	})
}

// TestClaimJobConcurrent checks that concurrent workers never claim the
// same job.
func TestClaimJobConcurrent(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		const jobs, workers = 50, 4
		for range jobs {
			enqueue(t, db, "a", nil, jobT0)
		}
		var (
			mu      sync.Mutex
			claimed = map[int64]int{}
			wg      sync.WaitGroup
		)
		for range workers {
			wg.Go(func() {
				for {
					j, err := db.ClaimJob(context.Background(), jobT0, jobLease)
					if errors.Is(err, haven.ErrNotFound) {
						return
					}
					if err != nil {
						t.Error(err)
						return
					}
					mu.Lock()
					claimed[j.ID]++
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		if len(claimed) != jobs {
			t.Errorf("%d jobs claimed, want %d", len(claimed), jobs)
		}
		for id, n := range claimed {
			if n != 1 {
				t.Errorf("job %d claimed %d times", id, n)
			}
		}
	})
}

func TestClaimJobReclaimsExpiredLease(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		id := enqueue(t, db, "a", nil, jobT0)
		claim(t, db, jobT0)
		claimNone(t, db, jobT0.Add(jobLease-time.Second))
		j := claim(t, db, jobT0.Add(jobLease))
		if j.ID != id || j.Attempts != 2 {
			t.Errorf("reclaimed job %d attempt %d, want job %d attempt 2", j.ID, j.Attempts, id)
		}
	})
}

func TestRetryCompleteFailJob(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		retried := enqueue(t, db, "a", nil, jobT0)
		failed := enqueue(t, db, "a", nil, jobT0)

		j := claim(t, db, jobT0)
		if err := db.RetryJob(ctx, j.ID, jobT0.Add(time.Minute), "smtp: 451 try later"); err != nil {
			t.Fatal(err)
		}
		j = claim(t, db, jobT0)
		if j.ID != failed {
			t.Fatalf("claimed %d, want %d (the retried job is not due yet)", j.ID, failed)
		}
		if err := db.FailJob(ctx, j.ID, jobT0, "no handler"); err != nil {
			t.Fatal(err)
		}
		claimNone(t, db, jobT0.Add(30*time.Second))

		// The retry lease was released: the job is due again at its new time.
		j = claim(t, db, jobT0.Add(time.Minute))
		if j.ID != retried || j.Attempts != 2 || j.LastError != "smtp: 451 try later" {
			t.Errorf("claimed %+v, want job %d attempt 2 with its last error", j, retried)
		}
		if err := db.CompleteJob(ctx, j.ID, jobT0.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		claimNone(t, db, jobT0.Add(24*time.Hour))

		if n := pendingJobs(t, db, ""); n != 0 {
			t.Errorf("PendingJobs = %d, want 0", n)
		}
		if n, err := db.FailedJobs(ctx, "a"); err != nil || n != 1 {
			t.Errorf(`FailedJobs("a") = %d, %v; want 1`, n, err)
		}
		// A finished job cannot change again.
		for name, err := range map[string]error{
			"CompleteJob(done)":   db.CompleteJob(ctx, retried, jobT0),
			"RetryJob(done)":      db.RetryJob(ctx, retried, jobT0, "x"),
			"FailJob(failed)":     db.FailJob(ctx, failed, jobT0, "x"),
			"CompleteJob(gone)":   db.CompleteJob(ctx, 12345, jobT0),
			"CompleteJob(failed)": db.CompleteJob(ctx, failed, jobT0),
		} {
			if !errors.Is(err, haven.ErrNotFound) {
				t.Errorf("%s = %v, want haven.ErrNotFound", name, err)
			}
		}
	})
}

// TestJobErrorText checks that any error text can be stored, and that
// long text is cut.
func TestJobErrorText(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		enqueue(t, db, "a", nil, jobT0)
		j := claim(t, db, jobT0)
		long := strings.Repeat("é", 5000)
		if err := db.RetryJob(ctx, j.ID, jobT0, "bad \xff\x00 bytes"); err != nil {
			t.Fatal(err)
		}
		j = claim(t, db, jobT0)
		if j.LastError != "bad \uFFFD\uFFFD bytes" {
			t.Errorf("LastError = %q", j.LastError)
		}
		if err := db.RetryJob(ctx, j.ID, jobT0, long); err != nil {
			t.Fatal(err)
		}
		j = claim(t, db, jobT0)
		if len(j.LastError) > 2100 || !strings.HasPrefix(long, strings.TrimSuffix(j.LastError, "…")) {
			t.Errorf("LastError of a long error: %d bytes, not a prefix", len(j.LastError))
		}
	})
}

func TestEnqueueJobRejects(t *testing.T) {
	db := storetest.SQLite(t)
	ctx := context.Background()
	if _, err := db.EnqueueJob(ctx, "", nil, jobT0); err == nil {
		t.Error("EnqueueJob with no kind succeeded")
	}
	if _, err := db.EnqueueJob(ctx, "a", func() {}, jobT0); err == nil {
		t.Error("EnqueueJob with an unencodable payload succeeded")
	}
}
