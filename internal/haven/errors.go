package haven

import (
	"errors"
	"sort"
	"strings"
)

// Error kinds. Layers wrap them with context; the web layer maps them to
// HTTP status codes with errors.Is, in one table.
var (
	// ErrNotFound means the object does not exist or the actor may not
	// know that it exists. The two are never told apart.
	ErrNotFound = errors.New("not found")
	// ErrUnauthenticated means the request needs a signed-in account.
	ErrUnauthenticated = errors.New("authentication required")
	// ErrForbidden means the actor knows the object but may not do this.
	ErrForbidden = errors.New("forbidden")
	// ErrConflict means the object changed under the request (a
	// compare-and-set lost) or a unique value is taken.
	ErrConflict = errors.New("conflict")
	// ErrTooManyRequests means a rate limit refused the request.
	ErrTooManyRequests = errors.New("too many requests")
)

// InvalidError reports input that failed validation. Fields maps a field
// name to a message a person can act on; Msg is a message for the form as
// a whole. Both are safe to show to the client.
type InvalidError struct {
	Msg    string
	Fields map[string]string
}

// Invalid returns an *InvalidError for one field.
func Invalid(field, msg string) *InvalidError {
	return &InvalidError{Fields: map[string]string{field: msg}}
}

// Add records a message for field and returns e, for chaining.
func (e *InvalidError) Add(field, msg string) *InvalidError {
	if e.Fields == nil {
		e.Fields = map[string]string{}
	}
	if _, ok := e.Fields[field]; !ok {
		e.Fields[field] = msg
	}
	return e
}

// Err returns e as an error, or nil when it holds no message, so that
// validation code can collect messages and return v.Err().
func (e *InvalidError) Err() error {
	if e == nil || (e.Msg == "" && len(e.Fields) == 0) {
		return nil
	}
	return e
}

func (e *InvalidError) Error() string {
	var parts []string
	if e.Msg != "" {
		parts = append(parts, e.Msg)
	}
	keys := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		parts = append(parts, k+": "+e.Fields[k])
	}
	if len(parts) == 0 {
		return "invalid input"
	}
	return strings.Join(parts, "; ")
}

// RateLimitError is ErrTooManyRequests with the time after which the
// client may try again.
type RateLimitError struct {
	RetryAfterSeconds int
}

func (e *RateLimitError) Error() string { return "too many requests" }

// Is makes errors.Is(err, ErrTooManyRequests) true.
func (e *RateLimitError) Is(target error) bool { return target == ErrTooManyRequests }
