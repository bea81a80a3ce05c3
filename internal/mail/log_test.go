package mail_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/haven-project/haven/internal/mail"
)

func TestLogSender(t *testing.T) {
	var buf bytes.Buffer
	s := mail.NewLogSender(slog.New(slog.NewJSONHandler(&buf, nil)))
	m := mail.Message{
		To:      "alice@example.org",
		Subject: "Réinitialisation du mot de passe",
		Text:    "Open https://haven.example/reset/abc123\nto choose a new password.\n",
	}
	if err := s.Send(t.Context(), m); err != nil {
		t.Fatalf("Send: %v", err)
	}

	var got map[string]any
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatalf("log line %q is not one JSON object: %v", buf.String(), err)
	}
	delete(got, "time")
	delete(got, "msg")
	want := map[string]any{
		"level":   "INFO",
		"to":      m.To,
		"subject": m.Subject,
		"body":    m.Text,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("log record mismatch (-want +got):\n%s", diff)
	}
}

func TestLogSenderRefusesInvalid(t *testing.T) {
	var buf bytes.Buffer
	s := mail.NewLogSender(slog.New(slog.NewTextHandler(&buf, nil)))
	err := s.Send(context.Background(), mail.Message{To: "alice@example.org", Subject: "a\r\nBcc: x@y"})
	if err == nil {
		t.Fatal("Send accepted a subject with CRLF")
	}
	if buf.Len() != 0 {
		t.Errorf("Send logged a refused message: %q", buf.String())
	}
}
