package mail_test

import (
	"strings"
	"testing"

	"github.com/haven-project/haven/internal/mail"
)

func TestValidate(t *testing.T) {
	valid := mail.Message{To: "alice@example.org", Subject: "Hello", Text: "Body\r\nwith lines\n"}
	tests := []struct {
		name    string
		edit    func(m *mail.Message)
		wantErr string // "" means valid
	}{
		{"valid", func(m *mail.Message) {}, ""},
		{"display name", func(m *mail.Message) { m.To = "Alice Example <alice@example.org>" }, ""},
		{"non-ASCII subject", func(m *mail.Message) { m.Subject = "Réinitialisation du mot de passe ✓" }, ""},
		{"empty subject", func(m *mail.Message) { m.Subject = "" }, ""},
		{"CRLF header injection in subject", func(m *mail.Message) { m.Subject = "a\r\nBcc: x@y" }, "subject contains control character U+000D"},
		{"CRLF header injection in to", func(m *mail.Message) { m.To = "a\r\nBcc: x@y" }, "recipient contains control character U+000D"},
		{"LF in subject", func(m *mail.Message) { m.Subject = "a\nBcc: x@y" }, "subject contains control character U+000A"},
		{"CR in to", func(m *mail.Message) { m.To = "alice@example.org\rBcc: x@y" }, "recipient contains control character U+000D"},
		{"NUL in subject", func(m *mail.Message) { m.Subject = "a\x00b" }, "U+0000"},
		{"tab in subject", func(m *mail.Message) { m.Subject = "a\tb" }, "U+0009"},
		{"DEL in subject", func(m *mail.Message) { m.Subject = "a\x7fb" }, "U+007F"},
		{"C1 NEL in subject", func(m *mail.Message) { m.Subject = "a\u0085b" }, "U+0085"},
		{"line separator in subject", func(m *mail.Message) { m.Subject = "a\u2028b" }, "U+2028"},
		{"invalid UTF-8 subject", func(m *mail.Message) { m.Subject = "a\xffb" }, "subject is not valid UTF-8"},
		{"invalid UTF-8 body", func(m *mail.Message) { m.Text = "a\xffb" }, "body is not valid UTF-8"},
		{"empty to", func(m *mail.Message) { m.To = "" }, "invalid recipient address"},
		{"to without at", func(m *mail.Message) { m.To = "alice" }, "invalid recipient address"},
		{"two recipients", func(m *mail.Message) { m.To = "alice@example.org, bob@example.org" }, "invalid recipient address"},
		{"header in to without CRLF", func(m *mail.Message) { m.To = "alice@example.org Bcc: x@y" }, "invalid recipient address"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := valid
			tt.edit(&m)
			err := m.Validate()
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("Validate(%+q) = %v, want nil", m, err)
			case tt.wantErr != "" && err == nil:
				t.Errorf("Validate(%+q) = nil, want error containing %q", m, tt.wantErr)
			case tt.wantErr != "" && !strings.Contains(err.Error(), tt.wantErr):
				t.Errorf("Validate(%+q) = %q, want error containing %q", m, err, tt.wantErr)
			}
		})
	}
}

func TestOneLine(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"plain title", "plain title"},
		{"a\r\nBcc: x@y", "a Bcc: x@y"},
		{"\n\tXSS in\n\nlogin \r\n", "XSS in login"},
		{"a\u2028b\u2029c", "a b c"},
		{"bad \xff byte", "bad \uFFFD byte"},
		{"", ""},
	}
	for _, tt := range tests {
		got := mail.OneLine(tt.in)
		if got != tt.want {
			t.Errorf("OneLine(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if err := (mail.Message{To: "a@example.org", Subject: got}).Validate(); err != nil {
			t.Errorf("OneLine(%q) = %q, which Validate refuses: %v", tt.in, got, err)
		}
	}
}
