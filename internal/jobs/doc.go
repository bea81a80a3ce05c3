// Package jobs runs background work from Haven's durable job queue.
//
// The queue itself (a jobs table, claimed with leases) lives in package
// store, so that app can enqueue a job in the same transaction as the
// change that causes it. This package holds the worker loop: it claims due
// jobs one at a time, runs the Handler registered for the job's kind,
// and completes, retries with backoff, or gives up on the job. It reaches
// the queue only through the small Queue interface, which *store.DB
// satisfies; handlers call package app as haven.System.
//
// Delivery is at least once: a job whose worker dies, or overruns its
// lease, runs again. Handlers must be idempotent.
package jobs
