package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"text/tabwriter"

	"github.com/haven-project/haven/internal/app"
	"github.com/haven-project/haven/internal/config"
	"github.com/haven-project/haven/internal/haven"
)

// subcommand parses "NAME [flags]" for the user and token commands, and
// returns an App acting as the system plus a function to close it.
type subcommand struct {
	cfg config.Config
	fs  *flag.FlagSet
}

func newSubcommand(e env, name string) (*subcommand, error) {
	sc := &subcommand{}
	fs, err := newFlagSet(e, name, &sc.cfg)
	if err != nil {
		return nil, usageError{err}
	}
	sc.fs = fs
	return sc, nil
}

// parse parses the flags; call it, and check required flags, before open,
// so that a mistake on the command line never touches the database.
func (sc *subcommand) parse(args []string) error {
	if err := parse(sc.fs, &sc.cfg, args); err != nil {
		return err
	}
	if sc.fs.NArg() > 0 {
		return usageErrorf("unexpected argument %q", sc.fs.Arg(0))
	}
	return nil
}

func (sc *subcommand) open(ctx context.Context, e env) (*app.App, func(), error) {
	log := newLogger(sc.cfg, e.stderr)
	db, err := openStore(ctx, sc.cfg, false, log)
	if err != nil {
		return nil, nil, err
	}
	return cliApp(db, sc.cfg, log), func() { db.Close() }, nil
}

func user(ctx context.Context, e env, args []string) error {
	if len(args) == 0 {
		return usageErrorf("name a subcommand: create, list, disable, enable or set-password")
	}
	sub, args := args[0], args[1:]
	sc, err := newSubcommand(e, "user "+sub)
	if err != nil {
		return err
	}
	var email, password, name string
	var admin bool
	switch sub {
	case "create":
		sc.fs.StringVar(&email, "email", "", "e-mail address of the account")
		sc.fs.StringVar(&password, "password", e.getenv("HAVEN_PASSWORD"), "password ($HAVEN_PASSWORD)")
		sc.fs.StringVar(&name, "name", "", "display name")
		sc.fs.BoolVar(&admin, "admin", false, "make the account an instance admin")
	case "disable", "enable":
		sc.fs.StringVar(&email, "email", "", "e-mail address of the account")
	case "set-password":
		sc.fs.StringVar(&email, "email", "", "e-mail address of the account")
		sc.fs.StringVar(&password, "password", e.getenv("HAVEN_PASSWORD"), "new password ($HAVEN_PASSWORD)")
	case "list":
	default:
		return usageErrorf("unknown subcommand %q: use create, list, disable, enable or set-password", sub)
	}
	if err := sc.parse(args); err != nil {
		return err
	}
	if sub != "list" && email == "" {
		return usageErrorf("--email is required")
	}
	a, done, err := sc.open(ctx, e)
	if err != nil {
		return err
	}
	defer done()
	switch sub {
	case "create":
		u, err := a.CreateUser(ctx, haven.System, app.CreateUserInput{Email: email, Password: password, DisplayName: name, Admin: admin})
		if err != nil {
			return err
		}
		kind := "account"
		if u.Admin {
			kind = "admin account"
		}
		fmt.Fprintf(e.stdout, "created %s %d for %s\n", kind, u.ID, u.Email)
	case "list":
		us, err := a.Users(ctx, haven.System)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tEMAIL\tNAME\tADMIN\tSTATUS\tTWO-FACTOR")
		for _, u := range us {
			status := "active"
			switch {
			case u.Disabled():
				status = "disabled"
			case !u.Verified():
				status = "unconfirmed"
			}
			fmt.Fprintf(tw, "%d\t%s\t%s\t%t\t%s\t%t\n", u.ID, u.Email, u.DisplayName, u.Admin, status, u.TOTPEnabled)
		}
		return tw.Flush()
	case "disable", "enable":
		u, err := userByEmail(ctx, a, email)
		if err != nil {
			return err
		}
		if err := a.SetUserDisabled(ctx, haven.System, u.ID, sub == "disable"); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "%sd %s\n", sub, u.Email)
	case "set-password":
		u, err := userByEmail(ctx, a, email)
		if err != nil {
			return err
		}
		if err := a.SetUserPassword(ctx, haven.System, u.ID, password); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "password set for %s; their sessions have ended\n", u.Email)
	}
	return nil
}

// userByEmail finds an account for a command, saying plainly when there is
// none (and passing any other error through).
func userByEmail(ctx context.Context, a *app.App, email string) (*haven.User, error) {
	u, err := a.UserByEmail(ctx, haven.System, email)
	if errors.Is(err, haven.ErrNotFound) {
		return nil, fmt.Errorf("no account with address %s", email)
	}
	return u, err
}
