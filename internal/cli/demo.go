package cli

import (
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"text/tabwriter"

	"github.com/haven-project/haven/internal/app"
	"github.com/haven-project/haven/internal/config"
	"github.com/haven-project/haven/internal/haven"
)

// demoAccount is one account `haven demo` creates.
type demoAccount struct {
	email, name string
	admin       bool
	role        haven.Role // on the demo program, "" for none
	what        string
}

var demoAccounts = []demoAccount{
	{"admin@haven.test", "Instance Admin", true, "", "instance admin"},
	{"owner@jupyter.test", "Jupyter Owner", false, haven.RoleOwner, "program owner (jupyter)"},
	{"triager@jupyter.test", "Jupyter Triager", false, haven.RoleTriager, "program triager (jupyter)"},
	{"viewer@jupyter.test", "Jupyter Viewer", false, haven.RoleViewer, "program viewer (jupyter)"},
	{"alice@researcher.test", "Alice", false, "", "researcher"},
	{"bob@researcher.test", "Bob", false, "", "researcher"},
}

func demo(ctx context.Context, e env, args []string) error {
	var cfg config.Config
	fs, err := newFlagSet(e, "demo", &cfg)
	if err != nil {
		return usageError{err}
	}
	if err := cfg.ServerFlags(fs, e.getenv, "127.0.0.1:8080"); err != nil {
		return usageError{err}
	}
	if err := parse(fs, &cfg, args); err != nil {
		return err
	}
	// Unless told where, the demo lives in a fresh directory that goes away
	// when it stops.
	if !flagSet(fs, "data") && e.getenv(config.EnvName("data")) == "" {
		dir, err := os.MkdirTemp("", "haven-demo-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		cfg.Data = dir
	}
	log := newLogger(cfg, e.stderr)
	db, err := openStore(ctx, cfg, true, log)
	if err != nil {
		return err
	}
	defer db.Close()
	inst, err := newInstance(cfg, db, log, nil)
	if err != nil {
		return err
	}
	return inst.run(ctx, e, func(ctx context.Context) error {
		creds, err := seedDemo(ctx, inst.app)
		if err != nil {
			return err
		}
		printDemo(e.stdout, cfg, creds)
		return nil
	})
}

func flagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) {
		if f.Name == name {
			set = true
		}
	})
	return set
}

// seedDemo creates the demo program and accounts, or gives existing demo
// accounts new passwords, and returns each account's password.
func seedDemo(ctx context.Context, a *app.App) (map[string]string, error) {
	creds := map[string]string{}
	users := map[string]*haven.User{}
	for _, d := range demoAccounts {
		pw := demoPassword()
		creds[d.email] = pw
		u, err := a.CreateUser(ctx, haven.System, app.CreateUserInput{Email: d.email, Password: pw, DisplayName: d.name, Admin: d.admin})
		var inv *haven.InvalidError
		if errors.As(err, &inv) && inv.Fields["email"] != "" {
			// A demo run on kept data: the account exists; renew its password.
			if u, err = a.UserByEmail(ctx, haven.System, d.email); err == nil {
				err = a.SetUserPassword(ctx, haven.System, u.ID, pw)
			}
		}
		if err != nil {
			return nil, fmt.Errorf("demo account %s: %w", d.email, err)
		}
		users[d.email] = u
	}
	prog, err := seedJupyter(ctx, a, "owner@jupyter.test")
	if err != nil {
		return nil, fmt.Errorf("demo program: %w", err)
	}
	for _, d := range demoAccounts {
		if d.role != "" {
			if err := a.SetMember(ctx, haven.System, prog.ID, users[d.email].ID, d.role); err != nil {
				return nil, err
			}
		}
	}
	return creds, nil
}

// demoPassword returns a random password such as "demo-k3j9dq2mzx": each
// demo start gets new ones, so a demo left running is not open to anyone
// who read the README.
func demoPassword() string {
	const letters = "abcdefghjkmnpqrstuvwxyz23456789"
	b := make([]byte, 12)
	rand.Read(b)
	for i := range b {
		b[i] = letters[int(b[i])%len(letters)]
	}
	return "demo-" + string(b)
}

func printDemo(w io.Writer, cfg config.Config, creds map[string]string) {
	fmt.Fprintf(w, "\nHaven demo is running at %s\n", cfg.BaseURL)
	fmt.Fprintf(w, "Data: %s (SQLite). E-mail is written to the log below.\n\n", cfg.Data)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ACCOUNT\tPASSWORD\tROLE")
	for _, d := range demoAccounts {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", d.email, creds[d.email], d.what)
	}
	tw.Flush()
	fmt.Fprintln(w, "\nPress Ctrl-C to stop.")
}
