package app_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/haven-project/haven/internal/app"
	"github.com/haven-project/haven/internal/apptest"
	"github.com/haven-project/haven/internal/haven"
)

// outcome is what a use case answers one actor.
type outcome int

const (
	allowed outcome = iota
	unauthenticated
	forbidden
	notFound
)

func (o outcome) String() string {
	return [...]string{"allowed", "ErrUnauthenticated", "ErrForbidden", "ErrNotFound"}[o]
}

func outcomeOf(err error) (outcome, bool) {
	switch {
	case err == nil:
		return allowed, true
	case errors.Is(err, haven.ErrUnauthenticated):
		return unauthenticated, true
	case errors.Is(err, haven.ErrForbidden):
		return forbidden, true
	case errors.Is(err, haven.ErrNotFound):
		return notFound, true
	}
	return 0, false
}

// The actors, in the order of the table's columns.
var actorNames = [...]string{"visitor", "researcher", "other researcher", "viewer", "triager", "owner", "admin", "system"}

// Rows of the table that many use cases share.
var (
	adminOnly = [8]outcome{unauthenticated, forbidden, forbidden, forbidden, forbidden, forbidden, allowed, allowed}
	// selfService use cases act on the actor's own account; the system
	// has none.
	selfService = [8]outcome{unauthenticated, allowed, allowed, allowed, allowed, allowed, allowed, unauthenticated}
	// researchersOwn acts on an object of the researcher's: anyone else
	// is told it does not exist, admins included.
	researchersOwn = [8]outcome{unauthenticated, allowed, notFound, notFound, notFound, notFound, notFound, unauthenticated}
)

// TestPermissionMatrix runs every account and admin use case as each kind
// of actor against one table of who may (SECURITY 8.2.1; STYLE 2.4). The
// actors come from real log-ins, so their memberships are what
// Authenticate loads. A use case added without a row here is not
// authorization-tested: add it.
func TestPermissionMatrix(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := apptest.New(t)

	prog, err := e.App.CreateProgram(ctx, haven.System, app.NewProgram{Slug: "acme", Name: "Acme"})
	if err != nil {
		t.Fatal(err)
	}
	target := e.CreateUser(t, "target@example.test", pw, false)
	researcher := e.CreateUser(t, "researcher@example.test", pw, false)
	users := map[string]*haven.User{
		"researcher":       researcher,
		"other researcher": e.CreateUser(t, "other@example.test", pw, false),
		"viewer":           e.CreateUser(t, "viewer@example.test", pw, false),
		"triager":          e.CreateUser(t, "triager@example.test", pw, false),
		"owner":            e.CreateUser(t, "owner@example.test", pw, false),
		"admin":            e.CreateUser(t, "admin@example.test", pw, true),
	}
	for name, role := range map[string]haven.Role{"viewer": haven.RoleViewer, "triager": haven.RoleTriager, "owner": haven.RoleOwner} {
		if err := e.App.SetMember(ctx, haven.System, prog.ID, users[name].ID, role); err != nil {
			t.Fatal(err)
		}
	}
	actors := map[string]haven.Actor{"visitor": {IP: client.IP}, "system": haven.System}
	for name, u := range users {
		actors[name], _ = signIn(t, e, u.Email, pw)
	}
	if r, ok := actors["triager"].Role(prog.ID); !ok || r != haven.RoleTriager {
		t.Fatalf("triager actor has role %q on the program", r)
	}

	// researchersToken and researchersSession make a fresh object of the
	// researcher's for each actor to try.
	researchersToken := func(t *testing.T) int64 {
		_, tok, err := e.App.CreateToken(ctx, haven.Actor{User: researcher}, app.CreateTokenInput{Name: "ci"})
		if err != nil {
			t.Fatal(err)
		}
		return tok.ID
	}
	researchersSession := func(t *testing.T) int64 {
		a, _ := signIn(t, e, researcher.Email, pw)
		return a.SessionID
	}

	n := 0 // makes names unique across rows
	uniq := func() int { n++; return n }
	tests := []struct {
		name string
		want [8]outcome
		run  func(t *testing.T, a haven.Actor) error
	}{
		{"CreateUser", adminOnly, func(t *testing.T, a haven.Actor) error {
			_, err := e.App.CreateUser(ctx, a, app.CreateUserInput{Email: fmt.Sprintf("new%d@example.test", uniq()), Password: pw})
			return err
		}},
		{"Users", adminOnly, func(t *testing.T, a haven.Actor) error {
			_, err := e.App.Users(ctx, a)
			return err
		}},
		{"UserByEmail", adminOnly, func(t *testing.T, a haven.Actor) error {
			_, err := e.App.UserByEmail(ctx, a, target.Email)
			return err
		}},
		{"SetUserDisabled", adminOnly, func(t *testing.T, a haven.Actor) error {
			return e.App.SetUserDisabled(ctx, a, target.ID, true)
		}},
		{"SetUserPassword", adminOnly, func(t *testing.T, a haven.Actor) error {
			return e.App.SetUserPassword(ctx, a, target.ID, fmt.Sprintf("a new passphrase %d", uniq()))
		}},
		{"CreateProgram", adminOnly, func(t *testing.T, a haven.Actor) error {
			_, err := e.App.CreateProgram(ctx, a, app.NewProgram{Slug: fmt.Sprintf("p%d", uniq()), Name: "P"})
			return err
		}},
		{"SetMember", adminOnly, func(t *testing.T, a haven.Actor) error {
			return e.App.SetMember(ctx, a, prog.ID, target.ID, haven.RoleViewer)
		}},
		{"Tokens", selfService, func(t *testing.T, a haven.Actor) error {
			_, err := e.App.Tokens(ctx, a)
			return err
		}},
		{"CreateToken", selfService, func(t *testing.T, a haven.Actor) error {
			_, _, err := e.App.CreateToken(ctx, a, app.CreateTokenInput{Name: "script"})
			return err
		}},
		{"RevokeToken of the researcher's", researchersOwn, func(t *testing.T, a haven.Actor) error {
			return e.App.RevokeToken(ctx, a, researchersToken(t))
		}},
		{"Sessions", selfService, func(t *testing.T, a haven.Actor) error {
			_, err := e.App.Sessions(ctx, a)
			return err
		}},
		{"RevokeSession of the researcher's", researchersOwn, func(t *testing.T, a haven.Actor) error {
			return e.App.RevokeSession(ctx, a, researchersSession(t))
		}},
	}
	for _, tt := range tests {
		for i, name := range actorNames {
			err := tt.run(t, actors[name])
			got, ok := outcomeOf(err)
			if !ok {
				t.Errorf("%s as %s: unexpected error %v", tt.name, name, err)
				continue
			}
			if got != tt.want[i] {
				t.Errorf("%s as %s: %v (%v), want %v", tt.name, name, got, err, tt.want[i])
			}
		}
	}

	// Whatever was allowed, the other account's objects are untouched:
	// the researcher's own token still authenticates after everyone else
	// tried to revoke theirs.
	id := researchersToken(t)
	for _, name := range actorNames[2:7] {
		if err := e.App.RevokeToken(ctx, actors[name], id); !errors.Is(err, haven.ErrNotFound) {
			t.Errorf("%s revoking the researcher's token: %v", name, err)
		}
	}
	toks, err := e.App.Tokens(ctx, actors["researcher"])
	if err != nil {
		t.Fatal(err)
	}
	for _, tok := range toks {
		if tok.ID == id && tok.RevokedAt != nil {
			t.Error("another actor revoked the researcher's token")
		}
	}
}
