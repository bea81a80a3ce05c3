package jobs_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/haven-project/haven/internal/jobs"
	"github.com/haven-project/haven/internal/store"
	"github.com/haven-project/haven/internal/storetest"
)

// The worker's Queue is what the store offers; this also checks that
// jobs.Job and store.Job are the same type.
var _ jobs.Queue = (*store.DB)(nil)

var t0 = time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)

// clock is a fake clock that tests move by hand.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// setup returns a SQLite store, a fake clock at t0 and a worker on them
// that logs into the returned buffer.
func setup(t *testing.T, opts jobs.Options) (*store.DB, *clock, *jobs.Worker, *bytes.Buffer) {
	t.Helper()
	db := storetest.SQLite(t)
	clk := &clock{now: t0}
	opts.Now = clk.Now
	if opts.Backoff == nil {
		opts.Backoff = func(attempt int) time.Duration { return time.Duration(attempt) * time.Minute }
	}
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	return db, clk, jobs.New(db, logger, opts), &logs
}

func enqueue(t *testing.T, db *store.DB, kind string, payload any, runAt time.Time) int64 {
	t.Helper()
	id, err := db.EnqueueJob(context.Background(), kind, payload, runAt)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// runOnce calls RunOnce and checks whether it ran a job.
func runOnce(t *testing.T, w *jobs.Worker, wantRan bool) {
	t.Helper()
	ran, err := w.RunOnce(context.Background())
	if err != nil {
		t.Fatalf("RunOnce: %v", err)
	}
	if ran != wantRan {
		t.Fatalf("RunOnce ran a job: %t, want %t", ran, wantRan)
	}
}

// counts returns the pending and failed jobs of every kind.
func counts(t *testing.T, db *store.DB) (pending, failed int) {
	t.Helper()
	ctx := context.Background()
	pending, err := db.PendingJobs(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	failed, err = db.FailedJobs(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	return pending, failed
}

const secretAddress = "alice@example.com"

func TestRetryThenSucceed(t *testing.T) {
	db, clk, w, logs := setup(t, jobs.Options{})
	var calls int
	w.Handle("mail.send", func(ctx context.Context, payload []byte) error {
		calls++
		if string(payload) != `{"to":"`+secretAddress+`"}` {
			t.Errorf("payload = %s", payload)
		}
		if calls <= 2 {
			return errors.New("smtp: 451 try again later")
		}
		return nil
	})
	enqueue(t, db, "mail.send", map[string]string{"to": secretAddress}, t0)

	runOnce(t, w, true) // attempt 1 fails: retry after 1m
	runOnce(t, w, false)
	clk.Advance(time.Minute - time.Second)
	runOnce(t, w, false)
	clk.Advance(time.Second)
	runOnce(t, w, true) // attempt 2 fails: retry after 2m
	clk.Advance(2 * time.Minute)
	runOnce(t, w, true) // attempt 3 succeeds
	clk.Advance(24 * time.Hour)
	runOnce(t, w, false)

	if calls != 3 {
		t.Errorf("handler ran %d times, want 3", calls)
	}
	if pending, failed := counts(t, db); pending != 0 || failed != 0 {
		t.Errorf("pending %d, failed %d; want the job done", pending, failed)
	}
	out := logs.String()
	for _, want := range []string{"job_id=1", "kind=mail.send", "attempt=2", "will retry", "smtp: 451"} {
		if !strings.Contains(out, want) {
			t.Errorf("logs lack %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, secretAddress) {
		t.Errorf("logs contain the payload:\n%s", out)
	}
}

func TestGiveUpAfterMaxAttempts(t *testing.T) {
	db, clk, w, logs := setup(t, jobs.Options{MaxAttempts: 3})
	var calls int
	w.Handle("webhook.deliver", func(context.Context, []byte) error {
		calls++
		return errors.New("HTTP 503")
	})
	enqueue(t, db, "webhook.deliver", nil, t0)
	for range 3 {
		runOnce(t, w, true)
		clk.Advance(time.Hour)
	}
	runOnce(t, w, false)
	if calls != 3 {
		t.Errorf("handler ran %d times, want 3", calls)
	}
	if pending, failed := counts(t, db); pending != 0 || failed != 1 {
		t.Errorf("pending %d, failed %d; want 0, 1", pending, failed)
	}
	if !strings.Contains(logs.String(), "giving up") {
		t.Errorf("logs do not say the worker gave up:\n%s", logs)
	}
}

func TestUnknownKindFails(t *testing.T) {
	db, clk, w, logs := setup(t, jobs.Options{})
	w.Handle("mail.send", func(context.Context, []byte) error {
		t.Error("the handler of another kind ran")
		return nil
	})
	enqueue(t, db, "mail.sned", nil, t0)
	runOnce(t, w, true)
	clk.Advance(24 * time.Hour)
	runOnce(t, w, false)
	if pending, failed := counts(t, db); pending != 0 || failed != 1 {
		t.Errorf("pending %d, failed %d; want 0, 1", pending, failed)
	}
	if !strings.Contains(logs.String(), "no handler") {
		t.Errorf("logs do not name the problem:\n%s", logs)
	}
}

func TestPanicIsRecovered(t *testing.T) {
	db, clk, w, logs := setup(t, jobs.Options{})
	w.Handle("sla.check", func(context.Context, []byte) error { panic("boom") })
	enqueue(t, db, "sla.check", nil, t0)

	runOnce(t, w, true)
	if pending, failed := counts(t, db); pending != 1 || failed != 0 {
		t.Errorf("after the panic: pending %d, failed %d; want 1, 0 (a retry)", pending, failed)
	}
	if !strings.Contains(logs.String(), "panicked") {
		t.Errorf("logs do not report the panic:\n%s", logs)
	}
	clk.Advance(time.Minute)
	j, err := db.ClaimJob(context.Background(), clk.Now(), time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if j.Attempts != 2 || !strings.Contains(j.LastError, "panic: boom") {
		t.Errorf("retried job: attempt %d, last error %q; want attempt 2 after a panic", j.Attempts, j.LastError)
	}
}

// TestRunDrainsQueue runs the loop on both databases with a poll interval
// too long to matter: it must drain the due jobs, wake on Notify, and stop
// with its context.
func TestRunDrainsQueue(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		clk := &clock{now: t0}
		w := jobs.New(db, nil, jobs.Options{Now: clk.Now, PollInterval: time.Hour})
		var ran atomic.Int64
		done := make(chan struct{}, 100)
		w.Handle("a", func(context.Context, []byte) error {
			ran.Add(1)
			done <- struct{}{}
			return nil
		})
		for range 20 {
			enqueue(t, db, "a", nil, t0)
		}
		enqueue(t, db, "a", nil, t0.Add(time.Hour)) // not due

		ctx, cancel := context.WithCancel(context.Background())
		stopped := make(chan struct{})
		go func() {
			w.Run(ctx)
			close(stopped)
		}()
		wait := func(n int) {
			t.Helper()
			for range n {
				select {
				case <-done:
				case <-time.After(10 * time.Second):
					t.Fatalf("jobs run: %d, want more", ran.Load())
				}
			}
		}
		wait(20)
		enqueue(t, db, "a", nil, t0)
		w.Notify()
		wait(1)
		cancel()
		select {
		case <-stopped:
		case <-time.After(10 * time.Second):
			t.Fatal("Run did not return after its context ended")
		}
		if n := ran.Load(); n != 21 {
			t.Errorf("ran %d jobs, want 21", n)
		}
		if pending, _ := counts(t, db); pending != 1 {
			t.Errorf("pending %d, want 1 (the job not due)", pending)
		}
	})
}

func TestExponentialBackoff(t *testing.T) {
	for _, tt := range []struct {
		attempt int
		base    time.Duration
	}{
		{0, 30 * time.Second},
		{1, 30 * time.Second},
		{2, time.Minute},
		{5, 8 * time.Minute},
		{10, 256 * time.Minute},
		{11, 6 * time.Hour},
		{64, 6 * time.Hour},
		{1 << 30, 6 * time.Hour},
	} {
		lo, hi := tt.base-tt.base/4, tt.base+tt.base/4
		seen := map[time.Duration]bool{}
		for range 50 {
			d := jobs.ExponentialBackoff(tt.attempt)
			if d < lo || d > hi {
				t.Errorf("ExponentialBackoff(%d) = %v, want within [%v, %v]", tt.attempt, d, lo, hi)
			}
			seen[d] = true
		}
		if len(seen) < 2 {
			t.Errorf("ExponentialBackoff(%d) has no jitter", tt.attempt)
		}
	}
}

func TestHandleRejectsSecondHandler(t *testing.T) {
	w := jobs.New(storetest.SQLite(t), nil, jobs.Options{})
	w.Handle("a", func(context.Context, []byte) error { return nil })
	defer func() {
		if recover() == nil {
			t.Error("second Handle for a kind did not panic")
		}
	}()
	w.Handle("a", func(context.Context, []byte) error { return nil })
}
