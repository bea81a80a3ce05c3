// Package mail sends outbound e-mail. It owns the Message a job hands over,
// the Sender interface, and three senders: SMTPSender for real delivery
// (through github.com/wneessen/go-mail), LogSender for `haven demo` without an
// SMTP server, and Fake for tests.
//
// Callers render the text; this package only checks and delivers it. Every
// sender calls Message.Validate first, so a report title carrying CR or LF
// can never add a header (ASVS 1.3.11). Mail goes out only from jobs, never
// from a request handler.
//
// Package mail imports no other Haven package: it is a leaf at the process
// edge, and other packages (jobs, cli, apptest) import it.
package mail
