// Package cli is Haven's command line: one file per subcommand, each with
// its own flag.FlagSet. It wires the parts together (store, app, web, jobs,
// mail) and is the only package that knows them all.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/haven-project/haven/internal/app"
	"github.com/haven-project/haven/internal/config"
	"github.com/haven-project/haven/internal/haven"
	"github.com/haven-project/haven/internal/seal"
	"github.com/haven-project/haven/internal/store"
)

// Version is set at build time with -ldflags "-X .../cli.Version=...".
var Version = "dev"

// env is the process environment as the commands see it: tests replace it.
type env struct {
	stdout, stderr io.Writer
	getenv         func(string) string
}

type command struct {
	name    string
	summary string
	run     func(ctx context.Context, e env, args []string) error
}

func commands() []command {
	return []command{
		{"serve", "run the server", serve},
		{"demo", "run a ready demo instance with Jupyter's program and demo accounts", demo},
		{"migrate", "apply pending database migrations", migrate},
		{"user", "manage accounts: create, list, disable, set-password", user},
		{"token", "manage API tokens: create, list, revoke", token},
		{"version", "print the version", version},
	}
}

// Main runs the command named by args[0] and returns the exit code.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return run(ctx, env{stdout: stdout, stderr: stderr, getenv: os.Getenv}, args)
}

func run(ctx context.Context, e env, args []string) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(e.stderr)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	for _, c := range commands() {
		if c.name == args[0] {
			err := c.run(ctx, e, args[1:])
			if err == nil {
				return 0
			}
			if errors.Is(err, flag.ErrHelp) {
				return 0
			}
			var ue usageError
			if errors.As(err, &ue) {
				fmt.Fprintf(e.stderr, "haven %s: %v\n", c.name, err)
				return 2
			}
			fmt.Fprintf(e.stderr, "haven %s: %s\n", c.name, describe(err))
			return 1
		}
	}
	fmt.Fprintf(e.stderr, "haven: unknown command %q\n\n", args[0])
	usage(e.stderr)
	return 2
}

// usageError is a mistake in the command line itself (exit code 2).
type usageError struct{ error }

func usageErrorf(format string, args ...any) error { return usageError{fmt.Errorf(format, args...)} }

// fieldFlags names the flag of an app input field whose name differs.
var fieldFlags = map[string]string{
	"display_name":    "name",         // user create --name
	"expires_in_days": "expires-days", // token create --expires-days
}

// describe turns an error into a sentence for the terminal: validation
// messages are shown field by field.
func describe(err error) string {
	var inv *haven.InvalidError
	if errors.As(err, &inv) {
		var parts []string
		if inv.Msg != "" {
			parts = append(parts, inv.Msg)
		}
		for _, k := range slices.Sorted(maps.Keys(inv.Fields)) {
			flagName, ok := fieldFlags[k]
			if !ok {
				flagName = strings.ReplaceAll(k, "_", "-")
			}
			parts = append(parts, "--"+flagName+": "+inv.Fields[k])
		}
		return strings.Join(parts, "; ")
	}
	if errors.Is(err, haven.ErrNotFound) {
		return "not found"
	}
	return err.Error()
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Haven: vulnerability disclosure and bug bounty platform")
	fmt.Fprintln(w, "\nUsage: haven COMMAND [flags]\n\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nEvery flag can also be set with an environment variable: --database-url is HAVEN_DATABASE_URL.")
	fmt.Fprintln(w, "Run 'haven COMMAND -h' for the flags of a command.")
}

// newFlagSet returns a FlagSet for a command with the storage flags.
func newFlagSet(e env, name string, cfg *config.Config) (*flag.FlagSet, error) {
	fs := flag.NewFlagSet("haven "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	return fs, cfg.StorageFlags(fs, e.getenv)
}

func parse(fs *flag.FlagSet, cfg *config.Config, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err}
	}
	if err := cfg.Validate(); err != nil {
		return usageError{err}
	}
	return nil
}

func newLogger(cfg config.Config, w io.Writer) *slog.Logger {
	var level slog.Level
	level.UnmarshalText([]byte(cfg.LogLevel))
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// openedStore is the database of an instance with the secret key that
// opens its sealed values.
type openedStore struct {
	*store.DB
	key *seal.Key
}

// openStore opens the database and its secret key (see openKey). Unless
// migrate is true it refuses a schema older than this binary's.
func openStore(ctx context.Context, cfg config.Config, migrate bool, log *slog.Logger) (*openedStore, error) {
	db, err := openDB(ctx, cfg, migrate, log)
	if err != nil {
		return nil, err
	}
	key, err := openKey(ctx, cfg, db, log)
	if err != nil {
		db.Close()
		return nil, err
	}
	return &openedStore{DB: db, key: key}, nil
}

func openDB(ctx context.Context, cfg config.Config, migrate bool, log *slog.Logger) (*store.DB, error) {
	if !migrate && cfg.DatabaseURL == "" && !store.SQLiteExists(cfg.Data) {
		return nil, fmt.Errorf("there is no Haven database in %s: check --data, or create one with 'haven migrate --data %s' (or start with --migrate)", cfg.Data, cfg.Data)
	}
	db, err := store.Open(ctx, cfg.Data, cfg.DatabaseURL)
	if err != nil {
		return nil, err
	}
	if migrate {
		n, err := db.Migrate(ctx)
		if err != nil {
			db.Close()
			return nil, err
		}
		if n > 0 && log != nil {
			log.Info("migrated database", "migrations", n, "database", db.Dialect())
		}
		return db, nil
	}
	cur, target, err := db.SchemaVersion(ctx)
	if err != nil {
		db.Close()
		return nil, err
	}
	if cur < target {
		db.Close()
		return nil, fmt.Errorf("the database schema is at version %d but this Haven needs %d: run 'haven migrate' (with the same --data or --database-url), or start with --migrate", cur, target)
	}
	if cur > target {
		db.Close()
		return nil, fmt.Errorf("the database schema (version %d) is newer than this Haven (version %d): run a newer Haven", cur, target)
	}
	return db, nil
}

// keyCheck is the text sealed into instance_key.check_value, for context
// keyCheckContext, to prove a key file belongs to the database.
const keyCheck, keyCheckContext = "haven instance key check", "instance_key"

// openKey returns the secret key of the database, from --secret-key-file.
// A fresh database (no instance_key row) takes the file's key, or a new
// key written to the file, and records it. A database with a record needs
// the file with that very key: Haven refuses to run on data it cannot
// decrypt (a restore without the key fails here, not later). Two-factor
// secrets still stored in the clear are then sealed, once.
func openKey(ctx context.Context, cfg config.Config, db *store.DB, log *slog.Logger) (*seal.Key, error) {
	path := cfg.KeyFile()
	rec, err := db.InstanceKey(ctx)
	switch {
	case errors.Is(err, haven.ErrNotFound):
		key, err := seal.LoadKey(path)
		if errors.Is(err, fs.ErrNotExist) {
			if key, err = seal.NewKey(); err != nil {
				return nil, err
			}
			if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
				return nil, err
			}
			if err := seal.WriteKey(path, key); err != nil {
				return nil, fmt.Errorf("write the new secret key: %w", err)
			}
			log.Warn("created the secret key of this instance: back it up with the database; without it Haven refuses to start",
				"path", path, "key_id", key.ID())
		} else if err != nil {
			return nil, err
		}
		err = db.InsertInstanceKey(ctx, store.InstanceKey{
			KeyID: key.ID(), CheckValue: key.Seal([]byte(keyCheck), []byte(keyCheckContext)), CreatedAt: time.Now(),
		})
		if err != nil && !errors.Is(err, haven.ErrConflict) {
			return nil, err
		}
		// Another process may have recorded its key first: check ours
		// against the record either way.
		if rec, err = db.InstanceKey(ctx); err != nil {
			return nil, err
		}
	case err != nil:
		return nil, err
	}
	key, err := seal.LoadKey(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("the database was set up with secret key %s, but %s does not exist: restore the key file that belongs to this database (README: back up secret.key), or point --secret-key-file at it", rec.KeyID, path)
	}
	if err != nil {
		return nil, err
	}
	check, err := key.Open(rec.CheckValue, []byte(keyCheckContext))
	if err != nil || key.ID() != rec.KeyID || string(check) != keyCheck {
		return nil, fmt.Errorf("%s holds key %s, but this database needs key %s: restore the key file that belongs to this database (README: back up secret.key)", path, key.ID(), rec.KeyID)
	}
	n, err := db.SealTOTPSecrets(ctx, seal.IsSealed, func(userID int64, secret string) string {
		return key.Seal([]byte(secret), app.TOTPContext(userID))
	})
	if err != nil {
		return nil, err
	}
	if n > 0 {
		log.Info("encrypted two-factor secrets stored in the clear", "count", n)
	}
	return key, nil
}

// cliApp builds an App for one-off commands, acting as the system.
func cliApp(db *openedStore, cfg config.Config, log *slog.Logger) *app.App {
	return app.New(db.DB, app.Config{BaseURL: cfg.BaseURL, Logger: log, Secrets: db.key})
}
