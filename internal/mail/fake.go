package mail

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"
)

// defaultWait bounds Fake.WaitFor when its context has no deadline.
const defaultWait = 10 * time.Second

// Fake is a Sender for tests. It records every message it accepts, in
// order. The zero value is ready to use and safe for concurrent use:
//
//	var f mail.Fake
//	... run code that sends through &f ...
//	m, err := f.WaitFor(ctx, "alice@example.org", func(m mail.Message) bool {
//		return strings.Contains(m.Subject, "Reset")
//	})
//
// Recipients are matched by address, ignoring case and any display name,
// so "Alice <ALICE@example.org>" matches "alice@example.org".
type Fake struct {
	mu      sync.Mutex
	msgs    []Message
	err     error
	changed chan struct{} // closed and cleared on each Send; nil when nobody waits
}

// Send records m, unless m is invalid (Send returns the Validate error, as
// every Sender does), ctx is done, or SetError set an error.
func (f *Fake) Send(ctx context.Context, m Message) error {
	if err := m.Validate(); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return f.err
	}
	f.msgs = append(f.msgs, m)
	if f.changed != nil {
		close(f.changed)
		f.changed = nil
	}
	return nil
}

// SetError makes every later Send fail with err, without recording the
// message, until SetError(nil). Use it to test retries.
func (f *Fake) SetError(err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.err = err
}

// Messages returns a copy of all recorded messages, oldest first.
func (f *Fake) Messages() []Message {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Message(nil), f.msgs...)
}

// Last returns the most recent message to the address to, and reports
// whether there was one. An empty to matches every recipient.
func (f *Fake) Last(to string) (Message, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	want := normalAddress(to)
	for i := len(f.msgs) - 1; i >= 0; i-- {
		if matchAddress(want, f.msgs[i].To) {
			return f.msgs[i], true
		}
	}
	return Message{}, false
}

// WaitFor returns the first message, oldest first, that went to the address
// to and satisfies pred, waiting for it if none has been sent yet. It is for
// tests where mail goes out asynchronously, from a job. An empty to matches
// every recipient; a nil pred matches every message.
//
// WaitFor gives up when ctx is done, or after 10 seconds if ctx has no
// deadline (t.Context() has none), so that a missing message fails the test
// instead of hanging it. The error says how many messages it saw.
func (f *Fake) WaitFor(ctx context.Context, to string, pred func(Message) bool) (Message, error) {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, defaultWait)
		defer cancel()
	}
	want := normalAddress(to)
	next := 0 // messages before next have been checked
	for {
		f.mu.Lock()
		for ; next < len(f.msgs); next++ {
			m := f.msgs[next]
			if matchAddress(want, m.To) && (pred == nil || pred(m)) {
				f.mu.Unlock()
				return m, nil
			}
		}
		if f.changed == nil {
			f.changed = make(chan struct{})
		}
		changed := f.changed
		f.mu.Unlock()

		select {
		case <-changed:
		case <-ctx.Done():
			matched, total := f.count(want)
			return Message{}, fmt.Errorf("mail: Fake.WaitFor(%q): no matching message among %d to that address (%d in all): %w",
				to, matched, total, context.Cause(ctx))
		}
	}
}

// count returns how many recorded messages went to want, and how many
// there are in all.
func (f *Fake) count(want string) (matched, total int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, m := range f.msgs {
		if matchAddress(want, m.To) {
			matched++
		}
	}
	return matched, len(f.msgs)
}

// normalAddress returns the lower-cased address in s, or s lower-cased if it
// does not parse.
func normalAddress(s string) string {
	if a, err := parseAddress(s); err == nil {
		return strings.ToLower(a.Address)
	}
	return strings.ToLower(strings.TrimSpace(s))
}

// matchAddress reports whether the recipient to has the normalized address
// want; an empty want matches everything.
func matchAddress(want, to string) bool {
	return want == "" || normalAddress(to) == want
}
