package cli

import (
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
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
	if err := seedDemoReports(ctx, a, prog, users); err != nil {
		return nil, fmt.Errorf("demo reports: %w", err)
	}
	return creds, nil
}

// seedDemoReports files a few reports by the demo researchers, at
// different stages, so that the inbox and the report pages have something
// to show. The texts are Haven's own examples, not real Jupyter reports.
func seedDemoReports(ctx context.Context, a *app.App, prog *haven.Program, users map[string]*haven.User) error {
	existing, err := a.Reports(ctx, haven.Actor{User: users["alice@researcher.test"]}, app.ReportQuery{Program: prog.Slug})
	if err != nil || existing.Total > 0 {
		return err // kept data: the reports are there already
	}
	v, err := a.Program(ctx, haven.System, prog.Slug)
	if err != nil {
		return err
	}
	assets := map[string]int64{}
	for _, as := range v.Assets {
		assets[as.Name] = as.ID
	}
	member := func(email string, role haven.Role) haven.Actor {
		return haven.Actor{User: users[email], Memberships: map[int64]haven.Role{prog.ID: role}}
	}
	alice, bob := haven.Actor{User: users["alice@researcher.test"]}, haven.Actor{User: users["bob@researcher.test"]}
	triager := member("triager@jupyter.test", haven.RoleTriager)
	owner := member("owner@jupyter.test", haven.RoleOwner)
	known, err := a.AddKnownIssue(ctx, triager, prog.Slug, app.KnownIssueInput{
		Title:       "Terminals stay open after the user's server is culled",
		Description: "Found in our own tests; the fix ships with the next JupyterHub release. Reports of it close as duplicates of this known issue.",
	})
	if err != nil {
		return err
	}
	samples := []struct {
		by    haven.Actor
		asset string
		in    app.SubmitInput
		then  func(id string) error
	}{
		{alice, "JupyterLab", app.SubmitInput{
			Title: "Stored XSS through a crafted notebook cell output name", Weakness: "CWE-79",
			CVSSVector:  "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:H/I:H/A:H",
			Description: "A notebook whose output metadata holds a crafted `name` renders it as HTML in the\nlog console, so opening a shared notebook runs the author's script in the reader's session.",
			Steps:       "1. Save the attached notebook.\n2. Share it with another user of the same JupyterHub.\n3. The reader opens it: the script runs with their token.",
			Impact:      "Code execution in another user's server through their session.",
		}, func(id string) error {
			if err := a.Transition(ctx, triager, id, app.TransitionInput{To: haven.StateTriaged}); err != nil {
				return err
			}
			_, err := a.Comment(ctx, triager, id, "Thanks! We reproduced it on JupyterLab 4.2 and are looking at the renderer.", false)
			return err
		}},
		{bob, "Jupyter Server", app.SubmitInput{
			Title: "Path traversal in the contents API on Windows", Weakness: "CWE-22",
			CVSSVector:  "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N",
			Description: "Backslashes in a path given to `/api/contents` escape the root directory on Windows hosts.",
			Steps:       "`GET /api/contents/..%5c..%5cWindows%5cwin.ini` with a valid token.",
			Impact:      "Read any file the server process can read.",
		}, func(id string) error {
			return a.Transition(ctx, triager, id, app.TransitionInput{To: haven.StateNeedsInfo,
				Reason: "Which Jupyter Server version and which Windows build did you test?"})
		}},
		{alice, "JupyterHub", app.SubmitInput{
			Title:       "Missing security headers on the hub's login page",
			Description: "The login page does not send `Permissions-Policy`.",
		}, func(id string) error {
			return a.Transition(ctx, triager, id, app.TransitionInput{To: haven.StateInformative,
				Reason: "Missing security headers are out of scope for this program; thank you for the report."})
		}},
	}
	samples = append(samples, struct {
		by    haven.Actor
		asset string
		in    app.SubmitInput
		then  func(id string) error
	}{bob, "JupyterHub", app.SubmitInput{
		Title: "API token written to the hub's debug log", Weakness: "CWE-532",
		CVSSVector:  "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N",
		Description: "With `--debug`, the hub logs the full `Authorization` header of API requests, so anyone who reads the log gets working tokens.",
		Steps:       "1. Start the hub with `--debug`.\n2. Call `/hub/api/users` with a token.\n3. The token is in the log.",
		Impact:      "Tokens of every API user reach whoever reads the logs.",
		Files:       []app.Upload{{Filename: "hub-debug-excerpt.txt", Body: strings.NewReader("[D 2026-11-20 10:02:11 JupyterHub] Authorization: token 3f9c…(redacted)\n")}},
	}, func(id string) error {
		// The whole journey: triage, accept, bounty, fix, retest with the
		// bonus, and a disclosure both sides agreed to, as a summary.
		steps := []func() error{
			func() error { return a.Transition(ctx, triager, id, app.TransitionInput{To: haven.StateTriaged}) },
			func() error { return a.Transition(ctx, triager, id, app.TransitionInput{To: haven.StateAccepted}) },
			func() error {
				_, err := a.Award(ctx, owner, id, app.AwardInput{Kind: "bounty", Amount: 75000, Nonce: "demo-bounty"})
				return err
			},
			func() error { return a.Transition(ctx, triager, id, app.TransitionInput{To: haven.StateResolved}) },
			func() error {
				_, err := a.RequestRetest(ctx, triager, id, app.RetestInput{Bonus: 5000, Deadline: a.Now().Add(app.DefaultRetestWindow),
					Note: "The fix masks the header in every log line. Could you check it on the release candidate?"})
				return err
			},
			func() error {
				_, err := a.AnswerRetest(ctx, bob, id, app.RetestAnswer{Result: haven.RetestFixed,
					Notes: "Checked on the release candidate with `--debug`: the header shows as `[secret]`."})
				return err
			},
			func() error { _, err := a.DecideRetest(ctx, owner, id, true, ""); return err },
			func() error {
				_, err := a.RequestDisclosure(ctx, bob, id, app.DisclosureInput{Message: "Could we publish this now that the release is out?"})
				return err
			},
			func() error {
				return a.AnswerDisclosure(ctx, owner, id, true, app.DisclosureInput{Mode: haven.DisclosureSummary,
					Summary: "With debug logging on, JupyterHub wrote the `Authorization` header of API requests to its log. The header is now masked. Thanks to the researcher for the report and the retest."})
			},
		}
		for _, step := range steps {
			if err := step(); err != nil {
				return err
			}
		}
		return nil
	}}, struct {
		by    haven.Actor
		asset string
		in    app.SubmitInput
		then  func(id string) error
	}{alice, "JupyterHub", app.SubmitInput{
		Title:       "Terminal survives server culling",
		Description: "After the idle culler stops my server, a terminal I had open still accepts commands for a minute.",
	}, func(id string) error {
		return a.Transition(ctx, triager, id, app.TransitionInput{To: haven.StateDuplicate, DuplicateOf: known.PublicID})
	}})
	for _, sm := range samples {
		sm.in.AssetID, sm.in.AcceptRules = assets[sm.asset], true
		r, err := a.SubmitReport(ctx, sm.by, prog.Slug, sm.in)
		if err != nil {
			return err
		}
		if err := sm.then(r.PublicID); err != nil {
			return err
		}
	}
	return nil
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
