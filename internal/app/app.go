package app

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/haven-project/haven/internal/blob"
	"github.com/haven-project/haven/internal/haven"
	"github.com/haven-project/haven/internal/mail"
	"github.com/haven-project/haven/internal/seal"
	"github.com/haven-project/haven/internal/store"
)

// Config holds what the use cases need to know about the instance.
type Config struct {
	// BaseURL is the instance's public URL (scheme and host, no trailing
	// slash), for links in e-mails.
	BaseURL string
	// SessionIdle ends a session unused for this long; SessionMax ends any
	// session this long after log-in.
	SessionIdle, SessionMax time.Duration
	// Now is the clock; tests pass a fake one.
	Now func() time.Time
	// Logger receives security events (log-ins, denials, throttling).
	Logger *slog.Logger
	// Passwords hashes and checks passwords; tests may pass cheap params.
	Passwords PasswordHasher
	// TeamTwoFactor requires two-factor authentication of every program
	// member and instance admin: until they set it up, they may use
	// nothing but its set-up (ASVS 6.3.3).
	TeamTwoFactor bool
	// Blobs keeps attachments' bytes; nil refuses attachments.
	Blobs blob.Store
	// Wake, when set, is called after a transaction enqueued a job, so a
	// worker need not wait for its next poll.
	Wake func()
	// Secrets seals secrets stored in the database (two-factor secrets).
	// The command line passes the instance's key; without one, setting up
	// or checking two-factor fails (no secret is ever stored in the clear
	// or under a key that is lost at restart).
	Secrets *seal.Key
}

// PasswordHasher hashes passwords for storage and checks them.
type PasswordHasher interface {
	Hash(pw string) (string, error)
	Verify(pw, encoded string) (bool, error)
	// DummyVerify spends the time of a Verify, so that an unknown e-mail
	// address takes as long to refuse as a wrong password.
	DummyVerify(pw string)
}

// App runs Haven's use cases.
type App struct {
	db  *store.DB
	cfg Config
	log *slog.Logger
}

// New returns an App over db.
func New(db *store.DB, cfg Config) *App {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.SessionIdle == 0 {
		cfg.SessionIdle = 12 * time.Hour
	}
	if cfg.SessionMax == 0 {
		cfg.SessionMax = 14 * 24 * time.Hour
	}
	if cfg.Passwords == nil {
		cfg.Passwords = defaultHasher()
	}
	if cfg.Secrets == nil {
		cfg.Logger.Warn("no secret key: two-factor authentication is unavailable")
	}
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	return &App{db: db, cfg: cfg, log: cfg.Logger}
}

// Config returns the configuration the App runs with.
func (a *App) Config() Config { return a.cfg }

func (a *App) now() time.Time { return a.cfg.Now().UTC() }

// Ready reports whether the database answers.
func (a *App) Ready(ctx context.Context) error { return a.db.Ping(ctx) }

// tx runs fn in a transaction and wakes the job worker afterwards.
func (a *App) tx(ctx context.Context, fn func(tx *store.DB) error) error {
	err := a.db.Tx(ctx, fn)
	if err == nil && a.cfg.Wake != nil {
		a.cfg.Wake()
	}
	return err
}

// audit appends a record of a security-relevant event to the hash-chained
// audit log. detail must never hold secrets.
func (a *App) audit(ctx context.Context, tx *store.DB, actor haven.Actor, action, target string, detail map[string]any) error {
	d := "{}"
	if len(detail) > 0 {
		b, err := json.Marshal(detail)
		if err != nil {
			return err
		}
		d = string(b)
	}
	_, err := tx.AppendAudit(ctx, haven.AuditEntry{
		At: a.now(), ActorID: actor.UserID(), Action: action, Target: target, Detail: d, IP: actor.IP,
	})
	if err != nil {
		return fmt.Errorf("audit %s: %w", action, err)
	}
	return nil
}

// JobMail is the job kind that sends one e-mail.
const JobMail = "mail"

// enqueueMail queues a message in the caller's transaction: it is sent
// only if the change that caused it commits.
func (a *App) enqueueMail(ctx context.Context, tx *store.DB, m mail.Message) error {
	if err := m.Validate(); err != nil {
		return fmt.Errorf("mail to queue: %w", err)
	}
	_, err := tx.EnqueueJob(ctx, JobMail, m, a.now())
	return err
}

// MailJob returns the job handler that sends queued e-mail through s.
func (a *App) MailJob(s mail.Sender) func(ctx context.Context, payload []byte) error {
	return func(ctx context.Context, payload []byte) error {
		var m mail.Message
		if err := json.Unmarshal(payload, &m); err != nil {
			return fmt.Errorf("mail job: %w", err)
		}
		return s.Send(ctx, m)
	}
}

// link returns an absolute URL on the instance.
func (a *App) link(path string) string { return a.cfg.BaseURL + path }

// Now returns the App's clock reading.
func (a *App) Now() time.Time { return a.now() }
