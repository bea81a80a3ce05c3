// Package securitytxt owns the security.txt file of RFC 9116, which Haven
// serves at /.well-known/security.txt so that a finder knows where to
// report: File holds the fields, Validate checks them, String renders the
// file and Parse reads one back.
//
// Expires: the RFC requires the field and recommends a date less than a
// year ahead, and a file past its date must not be trusted. Haven builds
// the file on each request with ExpiresAt(now), 180 days ahead, so the date
// is always current and never goes stale, as a hand-written file does when
// nobody remembers to update it. ExpiresAt truncates to the UTC day, so the
// file stays byte-identical for a whole day (caches, ETags) and does not
// reveal the time of the request.
//
// Field order: RFC 9116 says the order is not significant, except that
// Contact fields are listed in order of preference. String writes Contact
// first, then Expires, Encryption, Acknowledgments, Preferred-Languages,
// Canonical, Policy and Hiring: the order of the generator at
// securitytxt.org, which puts what a finder needs first. The RFC's own
// section order is alphabetical.
//
// Line injection: every value goes on its own "Name: value" line, so a
// value holding CR, LF or another control character could forge a field.
// Validate refuses such values, and String drops control characters
// instead of writing them, so even an unvalidated File cannot add a line.
//
// The file is not signed: RFC 9116 makes an OpenPGP signature optional,
// and the Canonical field with HTTPS covers what the signature would.
// Parse skips the armor of a signed file without checking the signature.
//
// Package securitytxt imports only the standard library. It is a leaf: it
// must not import any other Haven package, it does no I/O, and only
// Validate reads the clock (ValidateAt takes the time instead).
package securitytxt
