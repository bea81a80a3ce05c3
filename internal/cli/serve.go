package cli

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"path/filepath"
	"time"

	"github.com/haven-project/haven/internal/app"
	"github.com/haven-project/haven/internal/blob"
	"github.com/haven-project/haven/internal/config"
	"github.com/haven-project/haven/internal/jobs"
	"github.com/haven-project/haven/internal/mail"
	"github.com/haven-project/haven/internal/web"
)

func serve(ctx context.Context, e env, args []string) error {
	var cfg config.Config
	fs, err := newFlagSet(e, "serve", &cfg)
	if err != nil {
		return usageError{err}
	}
	if err := cfg.ServerFlags(fs, e.getenv, "127.0.0.1:8080"); err != nil {
		return usageError{err}
	}
	if err := parse(fs, &cfg, args); err != nil {
		return err
	}
	log := newLogger(cfg, e.stderr)
	db, err := openStore(ctx, cfg, cfg.Migrate, log)
	if err != nil {
		return err
	}
	defer db.Close()
	inst, err := newInstance(cfg, db, log, nil)
	if err != nil {
		return err
	}
	return inst.run(ctx, e, func(ctx context.Context) error {
		link, err := inst.app.SetupLink(ctx)
		if err != nil {
			return err
		}
		if link != "" {
			fmt.Fprintf(e.stdout, "\nThis instance has no admin yet. Create the first one within 24 hours at:\n\n  %s\n\n(or run 'haven user create --admin'). Restarting prints a new link.\n\n", link)
		}
		return nil
	})
}

// instance is a running Haven: the App, its HTTP server and job worker.
type instance struct {
	cfg    config.Config
	app    *app.App
	web    *web.Server
	worker *jobs.Worker
	log    *slog.Logger
}

// newInstance wires the parts. sender nil means: SMTP when --smtp-url is
// set, else the log.
func newInstance(cfg config.Config, db *openedStore, log *slog.Logger, sender mail.Sender) (*instance, error) {
	if sender == nil {
		if cfg.SMTPURL != "" {
			s, err := mail.NewSMTPSender(cfg.SMTPURL, cfg.MailFrom)
			if err != nil {
				return nil, usageErrorf("--smtp-url: %v", err)
			}
			sender = s
		} else {
			log.Warn("no --smtp-url: e-mail is written to the log, not sent")
			sender = mail.NewLogSender(log)
		}
	}
	worker := jobs.New(db.DB, log, jobs.Options{})
	// Attachments live under --data, with SQLite and with PostgreSQL alike
	// (S3-compatible storage is for later).
	blobs, err := blob.NewDir(filepath.Join(cfg.Data, "attachments"))
	if err != nil {
		return nil, err
	}
	a := app.New(db.DB, app.Config{
		BaseURL: cfg.BaseURL, SessionIdle: cfg.SessionIdle, SessionMax: cfg.SessionMax,
		Logger: log, Wake: worker.Notify, Blobs: blobs, TeamTwoFactor: cfg.TeamTwoFactor, Secrets: db.key,
	})
	worker.Handle(app.JobMail, a.MailJob(sender))
	srv, err := web.New(a, web.Config{BaseURL: cfg.BaseURL, TrustedProxies: cfg.TrustedProxies, Dev: cfg.Dev, Version: Version}, log)
	if err != nil {
		return nil, err
	}
	return &instance{cfg: cfg, app: a, web: srv, worker: worker, log: log}, nil
}

// run serves until ctx ends (SIGINT/SIGTERM), then drains requests and
// stops the worker. started runs once the listener is up.
func (in *instance) run(ctx context.Context, e env, started func(context.Context) error) error {
	wctx, stopWorker := context.WithCancel(context.WithoutCancel(ctx))
	workerDone := make(chan struct{})
	go func() {
		defer close(workerDone)
		in.worker.Run(wctx)
	}()
	go in.chores(wctx)
	// A failed start (setup link, demo seeding) stops the server at once
	// rather than leaving it up half-ready until the next signal.
	sctx, stop := context.WithCancel(ctx)
	defer stop()
	var startErr error
	err := in.web.ListenAndServe(sctx, in.cfg.Addr, in.cfg.ShutdownGrace, func(addr net.Addr) {
		in.log.Info("listening", "addr", addr.String(), "base_url", in.cfg.BaseURL, "version", Version)
		if started != nil {
			if startErr = started(sctx); startErr != nil {
				stop()
			}
		}
	})
	stopWorker()
	<-workerDone
	if err != nil {
		return err
	}
	in.log.Info("stopped")
	return startErr
}

// chores runs periodic housekeeping until ctx ends: expired sessions go,
// needs_info reports without an answer close, unanswered retests expire,
// attachment bytes no record refers to go. Every replica runs them;
// each step is idempotent (compare-and-set), so that is safe.
func (in *instance) chores(ctx context.Context) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		if n, err := in.app.PruneSessions(ctx); err != nil && ctx.Err() == nil {
			in.log.Warn("prune sessions", "err", err)
		} else if n > 0 {
			in.log.Info("pruned expired sessions", "count", n)
		}
		if n, err := in.app.CloseUnansweredReports(ctx); err != nil && ctx.Err() == nil {
			in.log.Warn("close unanswered reports", "err", err)
		} else if n > 0 {
			in.log.Info("closed unanswered needs_info reports", "count", n)
		}
		if n, err := in.app.SweepBlobs(ctx); err != nil && ctx.Err() == nil {
			in.log.Warn("sweep attachment bytes", "err", err)
		} else if n > 0 {
			in.log.Info("removed attachment bytes no record refers to", "count", n)
		}
		if n, err := in.app.ExpireRetests(ctx); err != nil && ctx.Err() == nil {
			in.log.Warn("expire retests", "err", err)
		} else if n > 0 {
			in.log.Info("expired unanswered retests", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
