package store_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/haven-project/haven/internal/haven"
	"github.com/haven-project/haven/internal/store"
	"github.com/haven-project/haven/internal/storetest"
)

// newProgram inserts a program with Haven's defaults.
func newProgram(t *testing.T, db *store.DB, slug string, status haven.ProgramStatus) *haven.Program {
	t.Helper()
	p, err := db.InsertProgram(context.Background(), haven.Program{
		Slug: slug, Name: "Program " + slug, Status: status, Kind: haven.KindBounty, Currency: "EUR",
		Bands: haven.DefaultBands(), ValidationDays: haven.DefaultValidationDays(), Calendar: haven.DefaultCalendar(),
		NeedsInfoDays: 30,
	}, t0)
	if err != nil {
		t.Fatalf("InsertProgram(%s): %v", slug, err)
	}
	return p
}

func newUser(t *testing.T, db *store.DB, email string) *haven.User {
	t.Helper()
	u, err := db.InsertUser(context.Background(), store.NewUser{Email: email, PasswordHash: "h"}, t0)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// TestProgramRoundTrip checks that every field, the JSON columns
// included, reads back as written, on insert and on update.
func TestProgramRoundTrip(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		in := haven.Program{
			Slug: "jupyter", Name: "Project Jupyter", Organisation: "Project Jupyter", Status: haven.StatusPublished,
			Kind: haven.KindBounty, Currency: "EUR", Policy: "# Policy\n\nBe *kind* — «ünïcödé» ✓",
			Rules: "No DoS.", SafeHarbour: "We will not sue.", Guidelines: "Write clearly.", PolicyVersion: 3,
			ContactEmail: "security@jupyter.test", PGPKey: "-----BEGIN PGP PUBLIC KEY BLOCK-----\n...", PGPFinger: "ABCDEF",
			Links:          []haven.Link{{Label: "Docs", URL: "https://docs.jupyter.test/security"}, {Label: "Forum", URL: "https://discourse.jupyter.test"}},
			Bands:          haven.CVSSBands(),
			ValidationDays: map[string]int{"Critical": 10, "High": 15, "Low": 60},
			Calendar: haven.Calendar{TimeZone: "Europe/Paris", Weekend: []string{"friday", "saturday"},
				Holidays: []string{"2026-12-25", "2027-01-01"}},
			RetestBonus: 5000, NeedsInfoDays: 21,
		}
		p, err := db.InsertProgram(ctx, in, t0)
		if err != nil {
			t.Fatal(err)
		}
		want := in
		want.ID, want.CreatedAt, want.UpdatedAt = p.ID, t0, t0
		if diff := cmp.Diff(&want, p); diff != "" {
			t.Errorf("inserted program (-want +got):\n%s", diff)
		}
		bySlug, err := db.ProgramBySlug(ctx, "jupyter")
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(p, bySlug); diff != "" {
			t.Errorf("ProgramBySlug differs from Program (-id +slug):\n%s", diff)
		}

		// Update every field UpdateProgram writes; slug and status stay.
		later := t0.Add(time.Hour)
		up := *p
		up.Slug, up.Status = "ignored", haven.StatusClosed
		up.Name, up.Organisation, up.Kind, up.Currency = "Jupyter", "NumFOCUS", haven.KindVDP, "USD"
		up.Policy, up.Rules, up.SafeHarbour, up.Guidelines, up.PolicyVersion = "p2", "r2", "s2", "g2", 4
		up.ContactEmail, up.PGPKey, up.PGPFinger = "", "", ""
		up.Links = nil // stored as an empty list
		up.Bands = haven.DefaultBands()
		up.ValidationDays = nil // stored as an empty map
		up.Calendar = haven.Calendar{TimeZone: "UTC"}
		up.RetestBonus, up.NeedsInfoDays = 0, 30
		if err := db.UpdateProgram(ctx, &up, later); err != nil {
			t.Fatal(err)
		}
		got, err := db.Program(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		want = up
		want.Slug, want.Status, want.UpdatedAt = "jupyter", haven.StatusPublished, later
		want.Links, want.ValidationDays = []haven.Link{}, map[string]int{}
		if diff := cmp.Diff(&want, got); diff != "" {
			t.Errorf("updated program (-want +got):\n%s", diff)
		}

		// Slugs are unique; unknown programs are ErrNotFound.
		if _, err := db.InsertProgram(ctx, haven.Program{Slug: "jupyter", Name: "Again", Status: haven.StatusDraft,
			Kind: haven.KindVDP, Currency: "EUR"}, t0); !errors.Is(err, haven.ErrConflict) {
			t.Errorf("second program with slug jupyter: %v, want ErrConflict", err)
		}
		if _, err := db.Program(ctx, p.ID+100); !errors.Is(err, haven.ErrNotFound) {
			t.Errorf("Program(unknown): %v, want ErrNotFound", err)
		}
		if _, err := db.ProgramBySlug(ctx, "nope"); !errors.Is(err, haven.ErrNotFound) {
			t.Errorf("ProgramBySlug(unknown): %v, want ErrNotFound", err)
		}
		missing := up
		missing.ID = p.ID + 100
		if err := db.UpdateProgram(ctx, &missing, later); !errors.Is(err, haven.ErrNotFound) {
			t.Errorf("UpdateProgram(unknown): %v, want ErrNotFound", err)
		}
	})
}

// TestSetProgramStatusCAS checks that a status change names the status it
// changes from, and that of concurrent changes from one status exactly one
// wins.
func TestSetProgramStatusCAS(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		p := newProgram(t, db, "p", haven.StatusDraft)
		if err := db.SetProgramStatus(ctx, p.ID, haven.StatusPublished, haven.StatusSuspended, t0); !errors.Is(err, haven.ErrConflict) {
			t.Errorf("change from a status the program is not in: %v, want ErrConflict", err)
		}
		if err := db.SetProgramStatus(ctx, p.ID, haven.StatusDraft, haven.StatusPublished, t0.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		errs := make([]error, 10)
		for i := range errs {
			to := haven.StatusSuspended
			if i%2 == 1 {
				to = haven.StatusClosed
			}
			wg.Go(func() { errs[i] = db.SetProgramStatus(ctx, p.ID, haven.StatusPublished, to, t0.Add(2*time.Minute)) })
		}
		wg.Wait()
		won := 0
		for i, err := range errs {
			switch {
			case err == nil:
				won++
			case !errors.Is(err, haven.ErrConflict):
				t.Errorf("change %d: %v, want nil or ErrConflict", i, err)
			}
		}
		if won != 1 {
			t.Errorf("%d of %d concurrent changes from published won, want 1", won, len(errs))
		}
		got, _ := db.Program(ctx, p.ID)
		if got.Status != haven.StatusSuspended && got.Status != haven.StatusClosed || !got.UpdatedAt.Equal(t0.Add(2*time.Minute)) {
			t.Errorf("after the race: status %s, updated %v", got.Status, got.UpdatedAt)
		}
		if err := db.SetProgramStatus(ctx, p.ID+100, haven.StatusDraft, haven.StatusPublished, t0); !errors.Is(err, haven.ErrConflict) {
			t.Errorf("unknown program: %v, want ErrConflict", err)
		}
	})
}

// TestProgramsVisibleTo checks the listing's scope: drafts only for their
// members and admins, everything else for everyone, by name.
func TestProgramsVisibleTo(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		mine := newProgram(t, db, "b-draft-mine", haven.StatusDraft)
		newProgram(t, db, "a-draft-other", haven.StatusDraft)
		newProgram(t, db, "c-published", haven.StatusPublished)
		newProgram(t, db, "D-suspended", haven.StatusSuspended) // sorts without regard to case
		newProgram(t, db, "e-closed", haven.StatusClosed)
		member := newUser(t, db, "m@x.test")
		stranger := newUser(t, db, "s@x.test")
		if err := db.SetMembership(ctx, mine.ID, member.ID, haven.RoleViewer, t0); err != nil {
			t.Fatal(err)
		}
		slugs := func(userID int64, admin bool) []string {
			ps, err := db.ProgramsVisibleTo(ctx, userID, admin)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, p := range ps {
				out = append(out, p.Slug)
			}
			return out
		}
		public := []string{"c-published", "D-suspended", "e-closed"}
		tests := []struct {
			name   string
			userID int64
			admin  bool
			want   []string
		}{
			{"visitor", 0, false, public},
			{"stranger", stranger.ID, false, public},
			{"member of a draft", member.ID, false, append([]string{"b-draft-mine"}, public...)},
			{"admin", stranger.ID, true, append([]string{"a-draft-other", "b-draft-mine"}, public...)},
		}
		for _, tt := range tests {
			if diff := cmp.Diff(tt.want, slugs(tt.userID, tt.admin)); diff != "" {
				t.Errorf("%s (-want +got):\n%s", tt.name, diff)
			}
		}
	})
}

// TestAssetsArchive checks that assets list in order, that an archived
// asset leaves the scope but cannot be changed or archived again, and
// that every asset query is scoped to its program.
func TestAssetsArchive(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		p := newProgram(t, db, "p", haven.StatusPublished)
		other := newProgram(t, db, "other", haven.StatusPublished)
		var ids []int64
		for i, name := range []string{"JupyterLab", "Jupyter Server", "JupyterHub"} {
			a, err := db.InsertAsset(ctx, haven.Asset{ProgramID: p.ID, Name: name, Type: "repository",
				Identifier: "https://github.test/jupyter/" + name, Tier: 2, InScope: true, BountyEligible: true,
				MaxSeverity: "High", Description: "d", Instructions: "i", Position: 3 - i}, t0)
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, a.ID)
		}
		names := func() []string {
			as, err := db.Assets(ctx, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, a := range as {
				out = append(out, a.Name)
			}
			return out
		}
		if diff := cmp.Diff([]string{"JupyterHub", "Jupyter Server", "JupyterLab"}, names()); diff != "" {
			t.Errorf("assets by position (-want +got):\n%s", diff)
		}
		a, err := db.Asset(ctx, p.ID, ids[0])
		if err != nil {
			t.Fatal(err)
		}
		want := &haven.Asset{ID: ids[0], ProgramID: p.ID, Name: "JupyterLab", Type: "repository",
			Identifier: "https://github.test/jupyter/JupyterLab", Tier: 2, InScope: true, BountyEligible: true,
			MaxSeverity: "High", Description: "d", Instructions: "i", Position: 3}
		if diff := cmp.Diff(want, a); diff != "" {
			t.Errorf("Asset (-want +got):\n%s", diff)
		}
		a.InScope, a.BountyEligible, a.Tier, a.Type = false, false, 1, "other"
		if err := db.UpdateAsset(ctx, a); err != nil {
			t.Fatal(err)
		}
		if got, _ := db.Asset(ctx, p.ID, ids[0]); got.InScope || got.BountyEligible || got.Tier != 1 || got.Type != "other" {
			t.Errorf("updated asset = %+v", got)
		}

		// Scoped to the program.
		if _, err := db.Asset(ctx, other.ID, ids[0]); !errors.Is(err, haven.ErrNotFound) {
			t.Errorf("Asset through another program: %v, want ErrNotFound", err)
		}
		if err := db.ArchiveAsset(ctx, other.ID, ids[0], t0); !errors.Is(err, haven.ErrNotFound) {
			t.Errorf("ArchiveAsset through another program: %v, want ErrNotFound", err)
		}
		moved := *a
		moved.ProgramID = other.ID
		if err := db.UpdateAsset(ctx, &moved); !errors.Is(err, haven.ErrNotFound) {
			t.Errorf("UpdateAsset through another program: %v, want ErrNotFound", err)
		}

		// Archived: gone from the scope, frozen.
		if err := db.ArchiveAsset(ctx, p.ID, ids[1], t0); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{"JupyterHub", "JupyterLab"}, names()); diff != "" {
			t.Errorf("assets after archiving (-want +got):\n%s", diff)
		}
		if _, err := db.Asset(ctx, p.ID, ids[1]); !errors.Is(err, haven.ErrNotFound) {
			t.Errorf("Asset(archived): %v, want ErrNotFound", err)
		}
		if err := db.ArchiveAsset(ctx, p.ID, ids[1], t0); !errors.Is(err, haven.ErrNotFound) {
			t.Errorf("archiving twice: %v, want ErrNotFound", err)
		}
		archived := haven.Asset{ID: ids[1], ProgramID: p.ID, Name: "revived", Type: "other", Tier: 1}
		if err := db.UpdateAsset(ctx, &archived); !errors.Is(err, haven.ErrNotFound) {
			t.Errorf("UpdateAsset(archived): %v, want ErrNotFound", err)
		}
		// A new asset never takes an archived one's id.
		n, err := db.InsertAsset(ctx, haven.Asset{ProgramID: p.ID, Name: "new", Type: "web", Tier: 1}, t0)
		if err != nil {
			t.Fatal(err)
		}
		if slices.Contains(ids, n.ID) {
			t.Errorf("new asset reuses id %d", n.ID)
		}
	})
}

// TestReplaceRewards checks that the reward table is replaced whole, in
// order, and that a bad table leaves the old one in place.
func TestReplaceRewards(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		p := newProgram(t, db, "p", haven.StatusPublished)
		other := newProgram(t, db, "other", haven.StatusPublished)
		first := []haven.Reward{
			{Tier: 2, Severity: "Exceptional", Min: 500000, Max: 500000},
			{Tier: 1, Severity: "Low", Min: 10000, Max: 20000},
			{Tier: 2, Severity: "Low", Min: 25000, Max: 25000},
		}
		if err := db.ReplaceRewards(ctx, p.ID, first); err != nil {
			t.Fatal(err)
		}
		if err := db.ReplaceRewards(ctx, other.ID, []haven.Reward{{Tier: 1, Severity: "High", Min: 1, Max: 1}}); err != nil {
			t.Fatal(err)
		}
		rs, err := db.Rewards(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := []haven.Reward{first[1], first[2], first[0]} // by tier, then minimum
		if diff := cmp.Diff(want, rs); diff != "" {
			t.Errorf("rewards (-want +got):\n%s", diff)
		}
		second := []haven.Reward{{Tier: 3, Severity: "Medium", Min: 100, Max: 200}}
		if err := db.ReplaceRewards(ctx, p.ID, second); err != nil {
			t.Fatal(err)
		}
		if rs, _ := db.Rewards(ctx, p.ID); !cmp.Equal(second, rs) {
			t.Errorf("after replacing: %v, want %v", rs, second)
		}
		// A duplicate row or a range upside down: refused, nothing changes.
		for name, bad := range map[string][]haven.Reward{
			"duplicate":    {{Tier: 1, Severity: "Low", Min: 1, Max: 1}, {Tier: 1, Severity: "Low", Min: 2, Max: 2}},
			"min over max": {{Tier: 1, Severity: "Low", Min: 1, Max: 2}, {Tier: 1, Severity: "High", Min: 3, Max: 2}},
		} {
			if err := db.ReplaceRewards(ctx, p.ID, bad); err == nil {
				t.Errorf("%s: ReplaceRewards succeeded", name)
			}
			if rs, _ := db.Rewards(ctx, p.ID); !cmp.Equal(second, rs) {
				t.Errorf("%s: a refused table changed the rewards to %v", name, rs)
			}
		}
		if err := db.ReplaceRewards(ctx, p.ID, nil); err != nil {
			t.Fatal(err)
		}
		if rs, _ := db.Rewards(ctx, p.ID); len(rs) != 0 {
			t.Errorf("after clearing: %v", rs)
		}
		if rs, _ := db.Rewards(ctx, other.ID); len(rs) != 1 {
			t.Errorf("the other program's rewards changed: %v", rs)
		}
	})
}

// TestOutOfScopeArchiveKeepsIDs checks that out-of-scope classes keep
// their ids through edits and archiving, so closed reports can cite them.
func TestOutOfScopeArchiveKeepsIDs(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		p := newProgram(t, db, "p", haven.StatusPublished)
		other := newProgram(t, db, "other", haven.StatusPublished)
		var ids []int64
		for i, text := range []string{"Clickjacking", "Self-XSS", "Missing headers"} {
			id, err := db.InsertOutOfScope(ctx, p.ID, text, i+1)
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, id)
		}
		if err := db.UpdateOutOfScope(ctx, p.ID, ids[0], "Clickjacking on pages without actions", 3); err != nil {
			t.Fatal(err)
		}
		if err := db.ArchiveOutOfScope(ctx, p.ID, ids[1], t0); err != nil {
			t.Fatal(err)
		}
		got, err := db.OutOfScope(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := []haven.OutOfScopeClass{
			{ID: ids[2], Text: "Missing headers", Position: 3},
			{ID: ids[0], Text: "Clickjacking on pages without actions", Position: 3},
		}
		sort.Slice(want, func(i, j int) bool { return want[i].ID < want[j].ID })
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("classes (-want +got):\n%s", diff)
		}
		if err := db.ArchiveOutOfScope(ctx, p.ID, ids[1], t0); !errors.Is(err, haven.ErrNotFound) {
			t.Errorf("archiving twice: %v, want ErrNotFound", err)
		}
		if err := db.UpdateOutOfScope(ctx, p.ID, ids[1], "back", 1); !errors.Is(err, haven.ErrNotFound) {
			t.Errorf("updating an archived class: %v, want ErrNotFound", err)
		}
		if err := db.UpdateOutOfScope(ctx, other.ID, ids[0], "hijacked", 1); !errors.Is(err, haven.ErrNotFound) {
			t.Errorf("updating through another program: %v, want ErrNotFound", err)
		}
		if err := db.ArchiveOutOfScope(ctx, other.ID, ids[0], t0); !errors.Is(err, haven.ErrNotFound) {
			t.Errorf("archiving through another program: %v, want ErrNotFound", err)
		}
		id, err := db.InsertOutOfScope(ctx, p.ID, "Self-XSS", 4)
		if err != nil {
			t.Fatal(err)
		}
		if slices.Contains(ids, id) {
			t.Errorf("a new class reuses id %d", id)
		}
	})
}

// TestPolicyVersions checks that snapshots of the rules read back whole,
// newest first, and that a version number is used once per program.
func TestPolicyVersions(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		p := newProgram(t, db, "p", haven.StatusPublished)
		other := newProgram(t, db, "other", haven.StatusPublished)
		author := newUser(t, db, "o@x.test")
		v1 := haven.PolicyVersion{ProgramID: p.ID, Version: 1, Policy: "p1", Rules: "r1", SafeHarbour: "s1",
			Guidelines: "g1", OutOfScope: []string{}, CreatedAt: t0, AuthorID: 0}
		v2 := haven.PolicyVersion{ProgramID: p.ID, Version: 2, Policy: "p2 ✓", Rules: "r2", SafeHarbour: "s2",
			Guidelines: "g2", OutOfScope: []string{"Clickjacking", "Self-XSS"}, CreatedAt: t0.Add(time.Hour), AuthorID: author.ID}
		for _, v := range []haven.PolicyVersion{v1, v2, {ProgramID: other.ID, Version: 1, CreatedAt: t0}} {
			if err := db.InsertPolicyVersion(ctx, v); err != nil {
				t.Fatal(err)
			}
		}
		got, err := db.PolicyVersion(ctx, p.ID, 2)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(v2, got); diff != "" {
			t.Errorf("PolicyVersion(2) (-want +got):\n%s", diff)
		}
		all, err := db.PolicyVersions(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]haven.PolicyVersion{v2, v1}, all); diff != "" {
			t.Errorf("PolicyVersions (-want +got):\n%s", diff)
		}
		if err := db.InsertPolicyVersion(ctx, v2); !errors.Is(err, haven.ErrConflict) {
			t.Errorf("version 2 again: %v, want ErrConflict", err)
		}
		if _, err := db.PolicyVersion(ctx, p.ID, 3); !errors.Is(err, haven.ErrNotFound) {
			t.Errorf("PolicyVersion(3): %v, want ErrNotFound", err)
		}
		if _, err := db.PolicyVersion(ctx, other.ID, 2); !errors.Is(err, haven.ErrNotFound) {
			t.Errorf("another program's version 2: %v, want ErrNotFound", err)
		}
	})
}

// TestInvitationAcceptOnce checks that an invitation is spent once (of
// concurrent accepts exactly one wins) and that expired, revoked and
// spent invitations are no longer open.
func TestInvitationAcceptOnce(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		p := newProgram(t, db, "p", haven.StatusPublished)
		other := newProgram(t, db, "other", haven.StatusPublished)
		week := 7 * 24 * time.Hour
		inv := func(hash, email string) int64 {
			id, err := db.InsertInvitation(ctx, hash, haven.Invitation{ProgramID: p.ID, Email: email, Role: haven.RoleTriager,
				InvitedBy: 0, CreatedAt: t0, ExpiresAt: t0.Add(week)})
			if err != nil {
				t.Fatal(err)
			}
			return id
		}
		a := inv("hash-a", "a@x.test")
		b := inv("hash-b", "b@x.test")
		c := inv("hash-c", "c@x.test")
		if _, err := db.InsertInvitation(ctx, "hash-a", haven.Invitation{ProgramID: p.ID, Email: "z@x.test",
			Role: haven.RoleOwner, CreatedAt: t0, ExpiresAt: t0.Add(week)}); !errors.Is(err, haven.ErrConflict) {
			t.Errorf("second invitation with the same secret: %v, want ErrConflict", err)
		}

		got, err := db.OpenInvitation(ctx, "hash-a", t0.Add(time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		want := haven.Invitation{ID: a, ProgramID: p.ID, Email: "a@x.test", Role: haven.RoleTriager, CreatedAt: t0, ExpiresAt: t0.Add(week)}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("OpenInvitation (-want +got):\n%s", diff)
		}

		var wg sync.WaitGroup
		errs := make([]error, 8)
		for i := range errs {
			wg.Go(func() { errs[i] = db.AcceptInvitation(ctx, a, t0.Add(time.Hour)) })
		}
		wg.Wait()
		won := 0
		for i, err := range errs {
			switch {
			case err == nil:
				won++
			case !errors.Is(err, haven.ErrNotFound):
				t.Errorf("accept %d: %v, want nil or ErrNotFound", i, err)
			}
		}
		if won != 1 {
			t.Errorf("%d of %d concurrent accepts won, want 1", won, len(errs))
		}
		if _, err := db.OpenInvitation(ctx, "hash-a", t0.Add(time.Hour)); !errors.Is(err, haven.ErrNotFound) {
			t.Errorf("spent invitation still open: %v", err)
		}

		// Revoked: closed, and cannot be accepted or revoked again.
		if err := db.RevokeInvitation(ctx, other.ID, b, t0); !errors.Is(err, haven.ErrNotFound) {
			t.Errorf("revoking through another program: %v, want ErrNotFound", err)
		}
		if err := db.RevokeInvitation(ctx, p.ID, b, t0); err != nil {
			t.Fatal(err)
		}
		if err := db.RevokeInvitation(ctx, p.ID, b, t0); !errors.Is(err, haven.ErrNotFound) {
			t.Errorf("revoking twice: %v, want ErrNotFound", err)
		}
		if err := db.AcceptInvitation(ctx, b, t0); !errors.Is(err, haven.ErrNotFound) {
			t.Errorf("accepting a revoked invitation: %v, want ErrNotFound", err)
		}
		if err := db.RevokeInvitation(ctx, p.ID, a, t0); !errors.Is(err, haven.ErrNotFound) {
			t.Errorf("revoking a spent invitation: %v, want ErrNotFound", err)
		}

		// Expired: open until the last instant, then closed.
		if open, _ := db.Invitations(ctx, p.ID, t0.Add(week-time.Microsecond)); len(open) != 1 || open[0].ID != c {
			t.Errorf("open invitations before expiry: %+v, want only %d", open, c)
		}
		if _, err := db.OpenInvitation(ctx, "hash-c", t0.Add(week)); !errors.Is(err, haven.ErrNotFound) {
			t.Errorf("expired invitation still open: %v", err)
		}
		if err := db.AcceptInvitation(ctx, c, t0.Add(week)); !errors.Is(err, haven.ErrNotFound) {
			t.Errorf("accepting an expired invitation: %v, want ErrNotFound", err)
		}
		if open, _ := db.Invitations(ctx, p.ID, t0.Add(week)); len(open) != 0 {
			t.Errorf("open invitations after expiry: %+v", open)
		}
	})
}

// TestMembers checks the team list (owners first), the owner count and
// membership changes.
func TestMembers(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		p := newProgram(t, db, "p", haven.StatusPublished)
		other := newProgram(t, db, "other", haven.StatusPublished)
		users := map[string]*haven.User{}
		for _, email := range []string{"zed@x.test", "amy@x.test", "Bob@x.test", "cat@x.test"} {
			users[email] = newUser(t, db, email)
		}
		for email, role := range map[string]haven.Role{"zed@x.test": haven.RoleOwner, "amy@x.test": haven.RoleViewer,
			"Bob@x.test": haven.RoleTriager, "cat@x.test": haven.RoleViewer} {
			if err := db.SetMembership(ctx, p.ID, users[email].ID, role, t0); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.SetMembership(ctx, other.ID, users["amy@x.test"].ID, haven.RoleOwner, t0); err != nil {
			t.Fatal(err)
		}
		list := func() []string {
			ms, err := db.Members(ctx, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, m := range ms {
				out = append(out, fmt.Sprintf("%s %s", m.Role, m.User.Email))
			}
			return out
		}
		want := []string{"owner zed@x.test", "triager Bob@x.test", "viewer amy@x.test", "viewer cat@x.test"}
		if diff := cmp.Diff(want, list()); diff != "" {
			t.Errorf("Members (-want +got):\n%s", diff)
		}
		if n, err := db.CountOwners(ctx, p.ID); err != nil || n != 1 {
			t.Errorf("CountOwners = %d, %v; want 1", n, err)
		}
		// SetMembership replaces the role.
		if err := db.SetMembership(ctx, p.ID, users["cat@x.test"].ID, haven.RoleOwner, t0.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if n, _ := db.CountOwners(ctx, p.ID); n != 2 {
			t.Errorf("CountOwners after a promotion = %d, want 2", n)
		}
		ms, _ := db.Memberships(ctx, users["amy@x.test"].ID)
		if diff := cmp.Diff(map[int64]haven.Role{p.ID: haven.RoleViewer, other.ID: haven.RoleOwner}, ms); diff != "" {
			t.Errorf("Memberships (-want +got):\n%s", diff)
		}
		if err := db.DeleteMembership(ctx, p.ID, users["amy@x.test"].ID); err != nil {
			t.Fatal(err)
		}
		if err := db.DeleteMembership(ctx, p.ID, users["amy@x.test"].ID); !errors.Is(err, haven.ErrNotFound) {
			t.Errorf("removing twice: %v, want ErrNotFound", err)
		}
		ms, _ = db.Memberships(ctx, users["amy@x.test"].ID)
		if diff := cmp.Diff(map[int64]haven.Role{other.ID: haven.RoleOwner}, ms); diff != "" {
			t.Errorf("Memberships after removal (-want +got):\n%s", diff)
		}
	})
}

// TestActivityOrder checks the feed: newest first, ties by insertion,
// limited, per program.
func TestActivityOrder(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		p := newProgram(t, db, "p", haven.StatusPublished)
		other := newProgram(t, db, "other", haven.StatusPublished)
		events := []haven.Activity{
			{ProgramID: p.ID, Type: "program_published", Text: "published the program", At: t0},
			{ProgramID: p.ID, Type: "program_update", Text: "first update", At: t0.Add(2 * time.Hour)},
			{ProgramID: p.ID, Type: "program_update", Text: "same time, later row", At: t0.Add(2 * time.Hour)},
			{ProgramID: p.ID, Type: "program_suspended", Text: "suspended the program", At: t0.Add(time.Hour)},
			{ProgramID: other.ID, Type: "program_update", Text: "elsewhere", At: t0.Add(3 * time.Hour)},
		}
		for _, a := range events {
			if err := db.InsertActivity(ctx, a); err != nil {
				t.Fatal(err)
			}
		}
		got, err := db.Activity(ctx, p.ID, 10)
		if err != nil {
			t.Fatal(err)
		}
		var texts []string
		for _, a := range got {
			texts = append(texts, a.Text)
			if a.ProgramID != p.ID || a.ID == 0 || a.At.Location() != time.UTC {
				t.Errorf("activity %+v", a)
			}
		}
		want := []string{"same time, later row", "first update", "suspended the program", "published the program"}
		if diff := cmp.Diff(want, texts); diff != "" {
			t.Errorf("Activity (-want +got):\n%s", diff)
		}
		if got, _ := db.Activity(ctx, p.ID, 2); len(got) != 2 || got[0].Text != want[0] {
			t.Errorf("Activity with limit 2 = %+v", got)
		}
	})
}

// TestProgramUpdatesDrafts checks that drafts are listed only on request,
// that publishing is a compare-and-set, and the order.
func TestProgramUpdatesDrafts(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		p := newProgram(t, db, "p", haven.StatusPublished)
		other := newProgram(t, db, "other", haven.StatusPublished)
		pub := t0.Add(time.Hour)
		old, err := db.InsertProgramUpdate(ctx, haven.ProgramUpdate{ProgramID: p.ID, Title: "Old", Body: "b", CreatedAt: t0, PublishedAt: &t0})
		if err != nil {
			t.Fatal(err)
		}
		draft, err := db.InsertProgramUpdate(ctx, haven.ProgramUpdate{ProgramID: p.ID, Title: "Draft", Body: "b", CreatedAt: t0.Add(3 * time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		newer, err := db.InsertProgramUpdate(ctx, haven.ProgramUpdate{ProgramID: p.ID, Title: "Newer", Body: "b", CreatedAt: t0, PublishedAt: &pub})
		if err != nil {
			t.Fatal(err)
		}
		ids := func(withDrafts bool) []int64 {
			us, err := db.ProgramUpdates(ctx, p.ID, withDrafts)
			if err != nil {
				t.Fatal(err)
			}
			var out []int64
			for _, u := range us {
				out = append(out, u.ID)
				if (u.PublishedAt == nil) != (u.ID == draft) {
					t.Errorf("update %d: published at %v", u.ID, u.PublishedAt)
				}
			}
			return out
		}
		if diff := cmp.Diff([]int64{newer, old}, ids(false)); diff != "" {
			t.Errorf("published updates (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]int64{draft, newer, old}, ids(true)); diff != "" {
			t.Errorf("with drafts (-want +got):\n%s", diff)
		}
		if err := db.PublishProgramUpdate(ctx, other.ID, draft, pub); !errors.Is(err, haven.ErrNotFound) {
			t.Errorf("publishing through another program: %v, want ErrNotFound", err)
		}
		if err := db.PublishProgramUpdate(ctx, p.ID, old, pub); !errors.Is(err, haven.ErrNotFound) {
			t.Errorf("publishing a published update: %v, want ErrNotFound", err)
		}
		at := t0.Add(4 * time.Hour)
		if err := db.PublishProgramUpdate(ctx, p.ID, draft, at); err != nil {
			t.Fatal(err)
		}
		us, _ := db.ProgramUpdates(ctx, p.ID, false)
		if len(us) != 3 || us[0].ID != draft || us[0].PublishedAt == nil || !us[0].PublishedAt.Equal(at) {
			t.Errorf("after publishing the draft: %+v", us)
		}
	})
}

// TestFeedbackStoresNoSender checks that the feedback table has no column
// that could identify a sender, and the list order.
func TestFeedbackStoresNoSender(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		cols, err := db.Columns(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var fb []string
		for _, c := range cols {
			if len(c) > len("feedback.") && c[:len("feedback.")] == "feedback." {
				fb = append(fb, c)
			}
		}
		sort.Strings(fb)
		if diff := cmp.Diff([]string{"feedback.body", "feedback.created_at", "feedback.id", "feedback.program_id"}, fb); diff != "" {
			t.Errorf("feedback columns (-want +got):\n%s", diff)
		}
		p := newProgram(t, db, "p", haven.StatusPublished)
		for i, body := range []string{"first message", "second message"} {
			if err := db.InsertFeedback(ctx, haven.Feedback{ProgramID: p.ID, Body: body, CreatedAt: t0.Add(time.Duration(i) * time.Minute)}); err != nil {
				t.Fatal(err)
			}
		}
		got, err := db.Feedback(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[0].Body != "second message" || got[1].Body != "first message" {
			t.Errorf("Feedback = %+v, want newest first", got)
		}
	})
}

// TestCannedResponses checks that prepared answers are listed by title and
// deleted only through their program.
func TestCannedResponses(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		p := newProgram(t, db, "p", haven.StatusPublished)
		other := newProgram(t, db, "other", haven.StatusPublished)
		var ids []int64
		for _, title := range []string{"vendor assessment", "Duplicate", "already known"} {
			id, err := db.InsertCannedResponse(ctx, haven.CannedResponse{ProgramID: p.ID, Title: title, Body: "b"}, t0)
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, id)
		}
		titles := func() []string {
			cs, err := db.CannedResponses(ctx, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, c := range cs {
				out = append(out, c.Title)
			}
			return out
		}
		if diff := cmp.Diff([]string{"already known", "Duplicate", "vendor assessment"}, titles()); diff != "" {
			t.Errorf("CannedResponses (-want +got):\n%s", diff)
		}
		if err := db.DeleteCannedResponse(ctx, other.ID, ids[0]); !errors.Is(err, haven.ErrNotFound) {
			t.Errorf("deleting through another program: %v, want ErrNotFound", err)
		}
		if err := db.DeleteCannedResponse(ctx, p.ID, ids[0]); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{"already known", "Duplicate"}, titles()); diff != "" {
			t.Errorf("after deleting (-want +got):\n%s", diff)
		}
	})
}
