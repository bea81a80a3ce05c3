package mail

import (
	"context"
	"log/slog"
)

// LogSender writes each message to a logger instead of delivering it, at
// info level with the keys to, subject and body. `haven demo` uses it when
// no SMTP server is configured, so that a person can follow the sign-in and
// reset links from the log. Never use it in production: those links are
// credentials.
type LogSender struct {
	logger *slog.Logger
}

// NewLogSender returns a LogSender that writes to logger, or to
// slog.Default() if logger is nil.
func NewLogSender(logger *slog.Logger) *LogSender {
	if logger == nil {
		logger = slog.Default()
	}
	return &LogSender{logger: logger}
}

// Send validates m and logs it.
func (s *LogSender) Send(ctx context.Context, m Message) error {
	if err := m.Validate(); err != nil {
		return err
	}
	s.logger.InfoContext(ctx, "mail not sent, logged instead",
		slog.String("to", m.To),
		slog.String("subject", m.Subject),
		slog.String("body", m.Text),
	)
	return nil
}
