package cli

import (
	"context"
	"errors"
	"fmt"
	"text/tabwriter"

	"github.com/haven-project/haven/internal/app"
	"github.com/haven-project/haven/internal/haven"
)

func token(ctx context.Context, e env, args []string) error {
	if len(args) == 0 {
		return usageErrorf("name a subcommand: create, list or revoke")
	}
	sub, args := args[0], args[1:]
	sc, err := newSubcommand(e, "token "+sub)
	if err != nil {
		return err
	}
	var email, name string
	var days int
	var id int64
	sc.fs.StringVar(&email, "email", "", "e-mail address of the token's account")
	switch sub {
	case "create":
		sc.fs.StringVar(&name, "name", "", "what the token is for")
		sc.fs.IntVar(&days, "expires-days", 0, "days until the token expires (0: never)")
	case "revoke":
		sc.fs.Int64Var(&id, "id", 0, "id of the token (see 'haven token list')")
	case "list":
	default:
		return usageErrorf("unknown subcommand %q: use create, list or revoke", sub)
	}
	if err := sc.parse(args); err != nil {
		return err
	}
	if email == "" {
		return usageErrorf("--email is required")
	}
	if sub == "revoke" && id <= 0 {
		return usageErrorf("--id is required")
	}
	a, done, err := sc.open(ctx, e)
	if err != nil {
		return err
	}
	defer done()
	u, err := userByEmail(ctx, a, email)
	if err != nil {
		return err
	}
	if u.Disabled() {
		return fmt.Errorf("the account %s is disabled", email)
	}
	as := haven.Actor{User: u}
	switch sub {
	case "create":
		secret, t, err := a.CreateToken(ctx, as, app.CreateTokenInput{Name: name, ExpiresInDays: days})
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stderr, "created token %d %q for %s; it is shown once:\n", t.ID, t.Name, u.Email)
		fmt.Fprintln(e.stdout, secret)
	case "list":
		ts, err := a.Tokens(ctx, as)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tNAME\tPREFIX\tCREATED\tEXPIRES\tSTATUS")
		now := a.Now()
		for _, t := range ts {
			exp := "never"
			if t.ExpiresAt != nil {
				exp = t.ExpiresAt.Format("2006-01-02")
			}
			status := "active"
			if t.RevokedAt != nil {
				status = "revoked"
			} else if !t.Active(now) {
				status = "expired"
			}
			fmt.Fprintf(tw, "%d\t%s\t%s…\t%s\t%s\t%s\n", t.ID, t.Name, t.Prefix, t.CreatedAt.Format("2006-01-02"), exp, status)
		}
		return tw.Flush()
	case "revoke":
		if err := a.RevokeToken(ctx, as, id); errors.Is(err, haven.ErrNotFound) {
			return fmt.Errorf("%s has no active token %d", email, id)
		} else if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "revoked token %d of %s\n", id, email)
	}
	return nil
}
