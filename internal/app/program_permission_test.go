package app_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/haven-project/haven/internal/app"
	"github.com/haven-project/haven/internal/apptest"
	"github.com/haven-project/haven/internal/haven"
)

// The actors of the program permission matrix, in the order of its
// columns. "other owner" owns another program; "admin" is an instance
// admin who is not a member.
var programActorNames = [...]string{"visitor", "researcher", "viewer", "triager", "owner", "other owner", "admin", "system"}

// TestProgramPermissionMatrix runs every program use case as each kind of
// actor, on a draft and on a published program, against one table of who
// may (STYLE 2.4). The rules, from the code's documentation: programs are
// created by instance admins; owners manage a program's settings, scope,
// team and updates, and so do admins (not its reports or feedback);
// members read the team and the history; triagers and owners use canned
// responses; only owners read feedback; anyone sees a published program,
// and a draft is ErrNotFound to everyone outside its team but admins.
// Actors come from API tokens, so their memberships are what
// AuthenticateToken loads.
func TestProgramPermissionMatrix(t *testing.T) {
	ctx := context.Background()
	e := apptest.New(t)

	progs := map[string]*haven.Program{}
	for slug, status := range map[string]haven.ProgramStatus{"acme": haven.StatusPublished, "secret": haven.StatusDraft, "other": haven.StatusPublished} {
		p, err := e.App.CreateProgram(ctx, haven.System, app.NewProgram{Slug: slug, Name: slug, Kind: haven.KindBounty, Status: status})
		if err != nil {
			t.Fatal(err)
		}
		progs[slug] = p
	}
	users := map[string]*haven.User{}
	for _, name := range programActorNames[1:7] {
		users[name] = e.CreateUser(t, fmt.Sprintf("user%d@example.test", len(users)), pw, name == "admin")
	}
	for _, slug := range []string{"acme", "secret"} {
		for name, role := range map[string]haven.Role{"viewer": haven.RoleViewer, "triager": haven.RoleTriager, "owner": haven.RoleOwner} {
			if err := e.App.SetMember(ctx, haven.System, progs[slug].ID, users[name].ID, role); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := e.App.SetMember(ctx, haven.System, progs["other"].ID, users["other owner"].ID, haven.RoleOwner); err != nil {
		t.Fatal(err)
	}
	actors := map[string]haven.Actor{"visitor": {IP: client.IP}, "system": haven.System}
	for name, u := range users {
		actors[name] = tokenActor(t, e, u)
	}

	n := 0 // makes names unique across cells
	uniq := func() int { n++; return n }
	// Fresh objects for the use cases that spend one, made by the system.
	newAsset := func(t *testing.T, slug string) int64 {
		a, err := e.App.AddAsset(ctx, haven.System, slug, app.AssetInput{Name: fmt.Sprint("asset ", uniq()), Type: "web", Tier: 1, InScope: true})
		if err != nil {
			t.Fatal(err)
		}
		return a.ID
	}
	newMember := func(t *testing.T, slug string) int64 {
		u := e.CreateUser(t, fmt.Sprintf("member%d@example.test", uniq()), pw, false)
		if err := e.App.SetMember(ctx, haven.System, progs[slug].ID, u.ID, haven.RoleViewer); err != nil {
			t.Fatal(err)
		}
		return u.ID
	}
	newInvitation := func(t *testing.T, slug string) int64 {
		now := e.Clock.Now()
		id, err := e.DB.InsertInvitation(ctx, fmt.Sprint("matrix-hash-", uniq()), haven.Invitation{ProgramID: progs[slug].ID,
			Email: fmt.Sprintf("invitee%d@example.test", uniq()), Role: haven.RoleViewer, CreatedAt: now, ExpiresAt: now.Add(time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	newDraftUpdate := func(t *testing.T, slug string) int64 {
		id, err := e.App.PostUpdate(ctx, haven.System, slug, "Draft", "Not yet.", false)
		if err != nil {
			t.Fatal(err)
		}
		return id
	}

	const A, U, F, N = allowed, unauthenticated, forbidden, notFound
	type row [8]outcome
	// Columns: visitor, researcher, viewer, triager, owner, other owner, admin, system.
	var (
		everyone  = row{A, A, A, A, A, A, A, A}
		adminOnly = row{U, F, F, F, F, F, A, A}

		manage      = row{U, F, F, F, A, F, A, A} // owners, admins
		members     = row{U, F, A, A, A, F, A, A} // the team, admins
		ownersOnly  = row{U, F, F, F, A, F, F, A} // feedback: not admins
		triagersUp  = row{U, F, F, A, A, F, F, A} // canned responses: not admins
		draftManage = row{N, N, F, F, A, N, A, A}
		draftMember = row{N, N, A, A, A, N, A, A}
		draftOwners = row{N, N, F, F, A, N, F, A}
		draftTriage = row{N, N, F, A, A, N, F, A}
	)
	tests := []struct {
		name             string
		published, draft row
		run              func(t *testing.T, a haven.Actor, slug string) error
	}{
		{"CreateProgram", adminOnly, adminOnly, func(t *testing.T, a haven.Actor, slug string) error {
			_, err := e.App.CreateProgram(ctx, a, app.NewProgram{Slug: fmt.Sprint("p", uniq()), Name: "P"})
			return err
		}},
		{"UpdateProgram", manage, draftManage, func(t *testing.T, a haven.Actor, slug string) error {
			_, err := e.App.UpdateProgram(ctx, a, slug, app.ProgramPatch{Name: ptr(fmt.Sprint("Name ", uniq()))})
			return err
		}},
		{"SetRewards", manage, draftManage, func(t *testing.T, a haven.Actor, slug string) error {
			return e.App.SetRewards(ctx, a, slug, []haven.Reward{{Tier: 1, Severity: "High", Min: int64(uniq()), Max: 100000}})
		}},
		{"SetOutOfScope", manage, draftManage, func(t *testing.T, a haven.Actor, slug string) error {
			return e.App.SetOutOfScope(ctx, a, slug, []app.OutOfScopeInput{{Text: fmt.Sprint("Class ", uniq())}})
		}},
		{"AddAsset", manage, draftManage, func(t *testing.T, a haven.Actor, slug string) error {
			_, err := e.App.AddAsset(ctx, a, slug, app.AssetInput{Name: fmt.Sprint("Asset ", uniq()), Type: "api", Tier: 2, InScope: true})
			return err
		}},
		{"UpdateAsset", manage, draftManage, func(t *testing.T, a haven.Actor, slug string) error {
			_, err := e.App.UpdateAsset(ctx, a, slug, newAsset(t, slug), app.AssetInput{Name: "Changed", Type: "api", Tier: 3, InScope: true})
			return err
		}},
		{"RemoveAsset", manage, draftManage, func(t *testing.T, a haven.Actor, slug string) error {
			return e.App.RemoveAsset(ctx, a, slug, newAsset(t, slug))
		}},
		{"Invite", manage, draftManage, func(t *testing.T, a haven.Actor, slug string) error {
			return e.App.Invite(ctx, a, slug, fmt.Sprintf("new%d@example.test", uniq()), haven.RoleViewer)
		}},
		{"SetRole", manage, draftManage, func(t *testing.T, a haven.Actor, slug string) error {
			return e.App.SetRole(ctx, a, slug, newMember(t, slug), haven.RoleTriager)
		}},
		{"RemoveMember (another member)", manage, draftManage, func(t *testing.T, a haven.Actor, slug string) error {
			return e.App.RemoveMember(ctx, a, slug, newMember(t, slug))
		}},
		{"RevokeInvitation", manage, draftManage, func(t *testing.T, a haven.Actor, slug string) error {
			return e.App.RevokeInvitation(ctx, a, slug, newInvitation(t, slug))
		}},
		{"Team", members, draftMember, func(t *testing.T, a haven.Actor, slug string) error {
			_, err := e.App.Team(ctx, a, slug)
			return err
		}},
		{"History", members, draftMember, func(t *testing.T, a haven.Actor, slug string) error {
			_, err := e.App.History(ctx, a, slug)
			return err
		}},
		{"Feedback", ownersOnly, draftOwners, func(t *testing.T, a haven.Actor, slug string) error {
			_, err := e.App.Feedback(ctx, a, slug)
			return err
		}},
		{"PostUpdate", manage, draftManage, func(t *testing.T, a haven.Actor, slug string) error {
			_, err := e.App.PostUpdate(ctx, a, slug, fmt.Sprint("Update ", uniq()), "Body.", true)
			return err
		}},
		{"PublishUpdate", manage, draftManage, func(t *testing.T, a haven.Actor, slug string) error {
			return e.App.PublishUpdate(ctx, a, slug, newDraftUpdate(t, slug))
		}},
		{"CannedResponses", triagersUp, draftTriage, func(t *testing.T, a haven.Actor, slug string) error {
			_, err := e.App.CannedResponses(ctx, a, slug)
			return err
		}},
		{"AddCannedResponse", manage, draftManage, func(t *testing.T, a haven.Actor, slug string) error {
			_, err := e.App.AddCannedResponse(ctx, a, slug, fmt.Sprint("Answer ", uniq()), "Thanks.")
			return err
		}},
		{"Program", everyone, draftMember, func(t *testing.T, a haven.Actor, slug string) error {
			_, err := e.App.Program(ctx, a, slug)
			return err
		}},
		{"Programs (lists it)", everyone, draftMember, func(t *testing.T, a haven.Actor, slug string) error {
			ps, err := e.App.Programs(ctx, a)
			if err != nil {
				return err
			}
			if !slices.ContainsFunc(ps, func(p *haven.Program) bool { return p.Slug == slug }) {
				return haven.ErrNotFound
			}
			return nil
		}},
		// Reads of what a program publishes, and the feedback form.
		{"Updates", everyone, draftMember, func(t *testing.T, a haven.Actor, slug string) error {
			_, err := e.App.Updates(ctx, a, slug)
			return err
		}},
		{"Activity", everyone, draftMember, func(t *testing.T, a haven.Actor, slug string) error {
			_, err := e.App.Activity(ctx, a, slug, 10)
			return err
		}},
		{"Assets", everyone, draftMember, func(t *testing.T, a haven.Actor, slug string) error {
			_, err := e.App.Assets(ctx, a, slug)
			return err
		}},
		{"PolicyVersions", everyone, draftMember, func(t *testing.T, a haven.Actor, slug string) error {
			_, _, err := e.App.PolicyVersions(ctx, a, slug)
			return err
		}},
		{"PolicyVersion", everyone, draftMember, func(t *testing.T, a haven.Actor, slug string) error {
			_, _, err := e.App.PolicyVersion(ctx, a, slug, 1)
			return err
		}},
		{"SendFeedback", everyone, draftMember, func(t *testing.T, a haven.Actor, slug string) error {
			a.IP = fmt.Sprintf("198.51.100.%d", uniq()) // one message per address, below the limit
			return e.App.SendFeedback(ctx, a, slug, "A message for the owners.")
		}},
	}
	for _, program := range []struct{ status, slug string }{{"published", "acme"}, {"draft", "secret"}} {
		t.Run(program.status, func(t *testing.T) {
			for _, tt := range tests {
				want := tt.published
				if program.status == "draft" {
					want = tt.draft
				}
				for i, name := range programActorNames {
					err := tt.run(t, actors[name], program.slug)
					got, ok := outcomeOf(err)
					if !ok {
						t.Errorf("%s as %s: unexpected error %v", tt.name, name, err)
						continue
					}
					if got != want[i] {
						t.Errorf("%s as %s: %v (%v), want %v", tt.name, name, got, err, want[i])
					}
				}
			}
		})
	}

	// Whatever was refused left no trace: the accounts that may change
	// nothing on these programs appear nowhere in their history.
	for _, slug := range []string{"acme", "secret"} {
		for _, h := range history(t, e, haven.System, slug) {
			for _, name := range []string{"researcher", "viewer", "triager", "other owner"} {
				if h.ActorID == users[name].ID {
					t.Errorf("%s: the %s changed something: %+v", slug, name, h)
				}
			}
		}
	}
}
