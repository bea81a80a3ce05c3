package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"runtime/debug"
	"sync"
	"time"

	"github.com/haven-project/haven/internal/haven"
)

// Job is a job claimed from the queue.
//
// It is an alias of the same unnamed struct type as store.Job, so that
// *store.DB satisfies Queue although this package does not import store.
// Keep the two field lists identical: a compile-time assertion in
// worker_test.go fails otherwise.
type Job = struct {
	ID        int64
	Kind      string
	Payload   []byte    // JSON
	RunAt     time.Time // when the job became due
	Attempts  int       // runs started, this one included
	LastError string    // the previous run's error, if any
}

// Queue is the durable job queue as the worker uses it. *store.DB
// implements it.
type Queue interface {
	// ClaimJob leases the oldest job due at now until now+lease, or
	// returns haven.ErrNotFound when none is due.
	ClaimJob(ctx context.Context, now time.Time, lease time.Duration) (Job, error)
	// CompleteJob marks a job done.
	CompleteJob(ctx context.Context, id int64, now time.Time) error
	// RetryJob releases a job to run again at runAt.
	RetryJob(ctx context.Context, id int64, runAt time.Time, errText string) error
	// FailJob gives up on a job.
	FailJob(ctx context.Context, id int64, now time.Time, errText string) error
}

// A Handler runs one kind of job with the job's JSON payload. A nil
// return completes the job; an error (or a panic) makes the worker retry
// it later. The error is logged and stored with the job, so it should
// not contain personal data such as e-mail addresses. ctx ends when the
// job's lease does or the worker stops.
type Handler func(ctx context.Context, payload []byte) error

// Options configure a Worker. Zero values take the defaults.
type Options struct {
	// Now is the clock (default time.Now). Due times, leases and retry
	// times come from it.
	Now func() time.Time
	// PollInterval is how long Run sleeps when no job is due (default
	// 1s), unless Notify wakes it.
	PollInterval time.Duration
	// Lease is how long a claimed job is reserved for this worker
	// (default 5m). A handler gets no more than that; after it, another
	// worker may claim the job again.
	Lease time.Duration
	// MaxAttempts is how many times a job runs before the worker gives
	// up on it (default 10).
	MaxAttempts int
	// Backoff returns how long to wait before the next run after the
	// given attempt (1 for the first run) failed (default
	// ExponentialBackoff).
	Backoff func(attempt int) time.Duration
}

// Default options.
const (
	DefaultPollInterval = time.Second
	DefaultLease        = 5 * time.Minute
	DefaultMaxAttempts  = 10
)

// recordTimeout bounds the queue update that records a job's outcome.
const recordTimeout = 10 * time.Second

// A Worker claims due jobs from a Queue and runs the Handler registered
// for each job's kind, one job at a time. Several workers, in one process
// or in several replicas, may share a queue.
type Worker struct {
	q           Queue
	log         *slog.Logger
	now         func() time.Time
	poll, lease time.Duration
	maxAttempts int
	backoff     func(attempt int) time.Duration
	wake        chan struct{}

	mu       sync.Mutex
	handlers map[string]Handler
}

// New returns a worker on queue q that logs to logger (nothing when nil).
func New(q Queue, logger *slog.Logger, opts Options) *Worker {
	w := &Worker{
		q:           q,
		log:         logger,
		now:         opts.Now,
		poll:        opts.PollInterval,
		lease:       opts.Lease,
		maxAttempts: opts.MaxAttempts,
		backoff:     opts.Backoff,
		wake:        make(chan struct{}, 1),
		handlers:    map[string]Handler{},
	}
	if w.log == nil {
		w.log = slog.New(slog.DiscardHandler)
	}
	if w.now == nil {
		w.now = time.Now
	}
	if w.poll <= 0 {
		w.poll = DefaultPollInterval
	}
	if w.lease <= 0 {
		w.lease = DefaultLease
	}
	if w.maxAttempts <= 0 {
		w.maxAttempts = DefaultMaxAttempts
	}
	if w.backoff == nil {
		w.backoff = ExponentialBackoff
	}
	return w
}

// ExponentialBackoff waits about 30s after the first failed attempt and
// twice as long after each further one, up to 6h, each time give or take
// a random quarter, so that jobs that failed together do not all retry
// together.
func ExponentialBackoff(attempt int) time.Duration {
	const base, ceiling = 30 * time.Second, 6 * time.Hour
	d := ceiling
	if attempt < 1 {
		attempt = 1
	}
	if attempt < 20 {
		d = min(base<<(attempt-1), ceiling)
	}
	return d - d/4 + rand.N(d/2)
}

// Handle registers h for jobs of the given kind. It panics if kind is
// empty, h is nil or the kind already has a handler, like
// http.ServeMux.Handle.
func (w *Worker) Handle(kind string, h Handler) {
	if kind == "" || h == nil {
		panic("jobs: Handle needs a kind and a handler")
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if _, ok := w.handlers[kind]; ok {
		panic("jobs: second handler for kind " + kind)
	}
	w.handlers[kind] = h
}

func (w *Worker) handler(kind string) Handler {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.handlers[kind]
}

// Notify wakes Run if it is waiting for jobs, so that a job enqueued for
// now runs without waiting for the next poll. It never blocks.
func (w *Worker) Notify() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// Run runs due jobs until ctx is done. It drains every due job, then
// sleeps for the poll interval or until Notify. Queue errors are logged
// and retried after a growing pause; Run returns only when ctx is done.
func (w *Worker) Run(ctx context.Context) {
	var errWait time.Duration
	for {
		ran, err := w.RunOnce(ctx)
		if ctx.Err() != nil {
			return
		}
		wait := w.poll
		switch {
		case err != nil:
			w.log.Error("job queue", "err", err)
			errWait = min(max(2*errWait, w.poll), time.Minute)
			wait = errWait
		case ran:
			errWait = 0
			continue
		default:
			errWait = 0
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-w.wake:
			t.Stop()
		case <-t.C:
		}
	}
}

// RunOnce claims one due job and runs it. It reports whether there was a
// job to run; err reports a queue failure, never the job's own error,
// which the worker records with the job and logs.
//
// A job of a kind with no handler fails at once. A job whose handler
// returns an error or panics runs again after Backoff(attempt), until
// MaxAttempts runs have failed; then the worker gives up on it.
func (w *Worker) RunOnce(ctx context.Context) (ran bool, err error) {
	j, err := w.q.ClaimJob(ctx, w.now(), w.lease)
	if errors.Is(err, haven.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("jobs: claim: %w", err)
	}
	// Never log the payload: it may hold addresses or report content.
	log := w.log.With("job_id", j.ID, "kind", j.Kind, "attempt", j.Attempts)
	// Record the outcome even if ctx ends meanwhile, or a finished job
	// would wait out its lease and run again.
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), recordTimeout)
	defer cancel()

	h := w.handler(j.Kind)
	if h == nil {
		log.Error("job failed: no handler for its kind")
		return true, recorded("FailJob", j, w.q.FailJob(rctx, j.ID, w.now(), fmt.Sprintf("no handler for job kind %q", j.Kind)))
	}
	start := time.Now()
	herr := w.call(ctx, log, h, j.Payload)
	switch {
	case herr == nil:
		log.Debug("job done", "duration", time.Since(start))
		return true, recorded("CompleteJob", j, w.q.CompleteJob(rctx, j.ID, w.now()))
	case ctx.Err() != nil:
		// The worker is stopping: release the job to run again at once.
		log.Warn("job interrupted", "err", herr)
		return true, recorded("RetryJob", j, w.q.RetryJob(rctx, j.ID, w.now(), herr.Error()))
	case j.Attempts >= w.maxAttempts:
		log.Error("job failed, giving up", "err", herr)
		return true, recorded("FailJob", j, w.q.FailJob(rctx, j.ID, w.now(), herr.Error()))
	default:
		next := w.now().Add(w.backoff(j.Attempts))
		log.Warn("job failed, will retry", "err", herr, "retry_at", next)
		return true, recorded("RetryJob", j, w.q.RetryJob(rctx, j.ID, next, herr.Error()))
	}
}

// call runs h within the job's lease and turns a panic into an error.
func (w *Worker) call(ctx context.Context, log *slog.Logger, h Handler, payload []byte) (err error) {
	ctx, cancel := context.WithTimeout(ctx, w.lease)
	defer cancel()
	defer func() {
		if p := recover(); p != nil {
			log.Error("job handler panicked", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			err = fmt.Errorf("panic: %v", p)
		}
	}()
	return h(ctx, payload)
}

// recorded wraps an error from recording a job's outcome.
func recorded(op string, j Job, err error) error {
	if err != nil {
		return fmt.Errorf("jobs: %s(%d): %w", op, j.ID, err)
	}
	return nil
}
