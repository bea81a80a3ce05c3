package mail_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/haven-project/haven/internal/mail"
)

var _ mail.Sender = (*mail.Fake)(nil)
var _ mail.Sender = (*mail.LogSender)(nil)
var _ mail.Sender = (*mail.SMTPSender)(nil)

func TestFakeRecords(t *testing.T) {
	var f mail.Fake
	ctx := t.Context()
	msgs := []mail.Message{
		{To: "alice@example.org", Subject: "one", Text: "1"},
		{To: "Bob <bob@example.org>", Subject: "two", Text: "2"},
		{To: "ALICE@example.org", Subject: "three", Text: "3"},
	}
	for _, m := range msgs {
		if err := f.Send(ctx, m); err != nil {
			t.Fatalf("Send(%v): %v", m, err)
		}
	}
	if diff := cmp.Diff(msgs, f.Messages()); diff != "" {
		t.Errorf("Messages() mismatch (-want +got):\n%s", diff)
	}

	tests := []struct {
		to     string
		want   mail.Message
		wantOK bool
	}{
		{"alice@example.org", msgs[2], true},
		{"Alice <alice@EXAMPLE.org>", msgs[2], true},
		{"bob@example.org", msgs[1], true},
		{"", msgs[2], true},
		{"carol@example.org", mail.Message{}, false},
	}
	for _, tt := range tests {
		got, ok := f.Last(tt.to)
		if ok != tt.wantOK || got != tt.want {
			t.Errorf("Last(%q) = %v, %v, want %v, %v", tt.to, got, ok, tt.want, tt.wantOK)
		}
	}

	// Messages returns a copy.
	f.Messages()[0].Subject = "changed"
	if got := f.Messages()[0].Subject; got != "one" {
		t.Errorf("after changing the copy, Messages()[0].Subject = %q, want %q", got, "one")
	}
}

func TestFakeValidates(t *testing.T) {
	var f mail.Fake
	err := f.Send(t.Context(), mail.Message{To: "a\r\nBcc: x@y", Subject: "s"})
	if err == nil {
		t.Error("Send accepted a recipient with CRLF")
	}
	if n := len(f.Messages()); n != 0 {
		t.Errorf("Send recorded %d invalid messages, want 0", n)
	}
}

func TestFakeSetError(t *testing.T) {
	var f mail.Fake
	boom := errors.New("boom")
	f.SetError(boom)
	m := mail.Message{To: "alice@example.org", Subject: "s"}
	if err := f.Send(t.Context(), m); !errors.Is(err, boom) {
		t.Errorf("Send = %v, want %v", err, boom)
	}
	f.SetError(nil)
	if err := f.Send(t.Context(), m); err != nil {
		t.Errorf("Send after SetError(nil) = %v, want nil", err)
	}
	if n := len(f.Messages()); n != 1 {
		t.Errorf("len(Messages()) = %d, want 1", n)
	}
}

func TestFakeWaitFor(t *testing.T) {
	var f mail.Fake
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()

	// Already sent: found at once.
	early := mail.Message{To: "alice@example.org", Subject: "Welcome"}
	if err := f.Send(ctx, early); err != nil {
		t.Fatal(err)
	}
	got, err := f.WaitFor(ctx, "alice@example.org", nil)
	if err != nil || got != early {
		t.Fatalf("WaitFor(nil pred) = %v, %v, want %v, nil", got, err, early)
	}

	// Sent later, by another goroutine, after non-matching messages.
	want := mail.Message{To: "alice@example.org", Subject: "Reset your password", Text: "https://haven.example/reset/xyz"}
	go func() {
		time.Sleep(10 * time.Millisecond)
		f.Send(ctx, mail.Message{To: "bob@example.org", Subject: "Reset your password"})
		f.Send(ctx, mail.Message{To: "alice@example.org", Subject: "Something else"})
		f.Send(ctx, want)
	}()
	got, err = f.WaitFor(ctx, "alice@example.org", func(m mail.Message) bool {
		return strings.HasPrefix(m.Subject, "Reset")
	})
	if err != nil {
		t.Fatalf("WaitFor: %v", err)
	}
	if got != want {
		t.Errorf("WaitFor = %v, want %v", got, want)
	}
}

func TestFakeWaitForTimeout(t *testing.T) {
	var f mail.Fake
	f.Send(t.Context(), mail.Message{To: "alice@example.org", Subject: "Welcome"})
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Millisecond)
	defer cancel()
	_, err := f.WaitFor(ctx, "alice@example.org", func(m mail.Message) bool { return false })
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("WaitFor = %v, want context.DeadlineExceeded", err)
	}
	if want := "among 1 to that address (1 in all)"; !strings.Contains(err.Error(), want) {
		t.Errorf("WaitFor error %q does not contain %q", err, want)
	}
}

func TestFakeConcurrent(t *testing.T) {
	var f mail.Fake
	const n = 50
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			to := fmt.Sprintf("user%d@example.org", i)
			if err := f.Send(t.Context(), mail.Message{To: to, Subject: "s"}); err != nil {
				t.Error(err)
			}
		})
	}
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	if _, err := f.WaitFor(ctx, fmt.Sprintf("user%d@example.org", n-1), nil); err != nil {
		t.Error(err)
	}
	wg.Wait()
	if got := len(f.Messages()); got != n {
		t.Errorf("len(Messages()) = %d, want %d", got, n)
	}
}
