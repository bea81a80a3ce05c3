package mail

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Message is one plain-text e-mail to one recipient.
type Message struct {
	// To is the recipient, either a bare address or "Name <address>".
	To string
	// Subject is the Subject header. It must be a single line; use OneLine
	// on text that comes from users, such as report titles.
	Subject string
	// Text is the UTF-8 plain-text body. Line breaks are allowed here.
	Text string
}

// Sender delivers messages. Implementations are safe for concurrent use.
type Sender interface {
	// Send delivers m or returns why it could not. Send validates m first
	// and returns the Validate error without contacting anyone.
	Send(ctx context.Context, m Message) error
}

// Validate reports why m cannot be sent: To is not a single valid address,
// To or Subject holds a control character (CR and LF above all, which would
// let the text start a new header), or a field is not valid UTF-8.
func (m Message) Validate() error {
	if err := checkHeader("recipient", m.To); err != nil {
		return err
	}
	if err := checkHeader("subject", m.Subject); err != nil {
		return err
	}
	if !utf8.ValidString(m.Text) {
		return errors.New("mail: body is not valid UTF-8")
	}
	if _, err := parseAddress(m.To); err != nil {
		return fmt.Errorf("mail: invalid recipient address: %w", err)
	}
	return nil
}

// checkHeader returns an error if v cannot be a single-line header value.
// It also refuses the Unicode line and paragraph separators, which some
// mail software treats as line breaks.
func checkHeader(field, v string) error {
	if !utf8.ValidString(v) {
		return fmt.Errorf("mail: %s is not valid UTF-8", field)
	}
	for _, r := range v {
		if isBreak(r) {
			return fmt.Errorf("mail: %s contains control character %U", field, r)
		}
	}
	return nil
}

func isBreak(r rune) bool {
	return unicode.IsControl(r) || r == '\u2028' || r == '\u2029'
}

// parseAddress parses a single address. It exists so that Validate and
// NewSMTPSender agree on what an address is.
func parseAddress(s string) (*mail.Address, error) {
	if s == "" {
		return nil, errors.New("empty")
	}
	return mail.ParseAddress(s)
}

// OneLine returns s with every run of control characters (CR, LF, tab, ...)
// and Unicode line separators replaced by one space, and with surrounding
// space trimmed. Use it to put user text, such as a report title, into a
// Subject that Validate accepts.
func OneLine(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		if isBreak(r) {
			space = true
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return strings.TrimSpace(b.String())
}
