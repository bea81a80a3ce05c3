// Package app holds Haven's use cases, one method per user intention. Every
// method takes the acting haven.Actor, authorizes, validates, runs its
// transaction, writes the audit record and enqueues follow-up jobs (mail).
// It is the only package that calls store; web, jobs and mail-in call app.
package app
