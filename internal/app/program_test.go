package app_test

// App-level tests of programs (issue 3): creation, settings and their
// validation, the audit history and policy versions, the team and its
// invitations, updates and the activity feed, anonymous feedback and
// security.txt. Who may call each use case is in
// program_permission_test.go.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ProtonMail/gopenpgp/v3/crypto"
	"github.com/google/go-cmp/cmp"
	"github.com/haven-project/haven/internal/app"
	"github.com/haven-project/haven/internal/apptest"
	"github.com/haven-project/haven/internal/haven"
	"github.com/haven-project/haven/internal/securitytxt"
)

// programFixture is a bounty program with an owner, a triager and a
// viewer, plus a researcher and an instance admin who are not members.
type programFixture struct {
	prog   *haven.Program
	users  map[string]*haven.User // by name: owner, triager, viewer, researcher, admin
	actors map[string]haven.Actor // the same, plus visitor
}

// newProgramFixture creates the program slug with its team. Account
// addresses are name@slug.test.
func newProgramFixture(t *testing.T, e *apptest.Env, slug string, status haven.ProgramStatus) *programFixture {
	t.Helper()
	ctx := context.Background()
	p, err := e.App.CreateProgram(ctx, haven.System, app.NewProgram{Slug: slug, Name: "Program " + slug,
		Kind: haven.KindBounty, Status: status})
	if err != nil {
		t.Fatalf("CreateProgram(%s): %v", slug, err)
	}
	f := &programFixture{prog: p, users: map[string]*haven.User{}, actors: map[string]haven.Actor{"visitor": {IP: client.IP}}}
	for _, name := range []string{"owner", "triager", "viewer", "researcher", "admin"} {
		f.users[name] = e.CreateUser(t, name+"@"+slug+".test", pw, name == "admin")
		if role, err := haven.ParseRole(name); err == nil {
			if err := e.App.SetMember(ctx, haven.System, p.ID, f.users[name].ID, role); err != nil {
				t.Fatal(err)
			}
		}
		f.actors[name] = tokenActor(t, e, f.users[name])
	}
	return f
}

// tokenActor returns the actor an API token of u authenticates as, with
// the memberships Authenticate loads. (Tokens rather than log-ins, so the
// log-in throttle plays no part in these tests.)
func tokenActor(t *testing.T, e *apptest.Env, u *haven.User) haven.Actor {
	t.Helper()
	a, err := e.App.AuthenticateToken(context.Background(), e.Token(t, u), client.IP, client.UserAgent)
	if err != nil {
		t.Fatalf("AuthenticateToken(%s): %v", u.Email, err)
	}
	return a
}

// wantErr fails unless errors.Is(err, target).
func wantErr(t *testing.T, what string, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Errorf("%s: %v, want %v", what, err, target)
	}
}

// changedFields returns the field names an audit entry of
// program.update records.
func changedFields(t *testing.T, e haven.AuditEntry) []string {
	t.Helper()
	var d struct {
		Fields []string `json:"fields"`
	}
	if err := json.Unmarshal([]byte(e.Detail), &d); err != nil {
		t.Fatalf("audit detail %q: %v", e.Detail, err)
	}
	return d.Fields
}

// history returns a program's audit entries, newest first.
func history(t *testing.T, e *apptest.Env, actor haven.Actor, slug string) []haven.AuditEntry {
	t.Helper()
	h, err := e.App.History(context.Background(), actor, slug)
	if err != nil {
		t.Fatalf("History(%s): %v", slug, err)
	}
	return h
}

func ptr[T any](v T) *T { return &v }

// TestCreateProgram checks who may create a program, the validation of
// the form, the defaults a new program gets, and how named owners join:
// an existing account at once, an address without one by invitation.
func TestCreateProgram(t *testing.T) {
	ctx := context.Background()
	e := apptest.New(t)
	admin := tokenActor(t, e, e.CreateUser(t, "admin@example.test", pw, true))
	researcher := tokenActor(t, e, e.CreateUser(t, "res@example.test", pw, false))
	existing := e.CreateUser(t, "owner@example.test", pw, false)

	_, err := e.App.CreateProgram(ctx, haven.Actor{IP: client.IP}, app.NewProgram{Slug: "x", Name: "X"})
	wantErr(t, "visitor", err, haven.ErrUnauthenticated)
	_, err = e.App.CreateProgram(ctx, researcher, app.NewProgram{Slug: "x", Name: "X"})
	wantErr(t, "researcher", err, haven.ErrForbidden)

	tests := []struct {
		name  string
		in    app.NewProgram
		field string
	}{
		{"upper case slug", app.NewProgram{Slug: "Acme", Name: "X"}, "slug"},
		{"slug with a space", app.NewProgram{Slug: "ac me", Name: "X"}, "slug"},
		{"slug starting with a dash", app.NewProgram{Slug: "-acme", Name: "X"}, "slug"},
		{"41-character slug", app.NewProgram{Slug: strings.Repeat("a", 41), Name: "X"}, "slug"},
		{"no name", app.NewProgram{Slug: "acme", Name: "  "}, "name"},
		{"121-character name", app.NewProgram{Slug: "acme", Name: strings.Repeat("n", 121)}, "name"},
		{"unknown kind", app.NewProgram{Slug: "acme", Name: "X", Kind: "paid"}, "kind"},
		{"unknown currency", app.NewProgram{Slug: "acme", Name: "X", Currency: "EURO"}, "currency"},
		{"created suspended", app.NewProgram{Slug: "acme", Name: "X", Status: haven.StatusSuspended}, "status"},
		{"owner that is no address", app.NewProgram{Slug: "acme", Name: "X", Owners: []string{"not an address"}}, "owners"},
	}
	for _, tt := range tests {
		_, err := e.App.CreateProgram(ctx, admin, tt.in)
		wantField(t, tt.name, err, tt.field)
	}
	if ps, _ := e.App.Programs(ctx, haven.System); len(ps) != 0 {
		t.Fatalf("refused programs were created: %v", ps)
	}

	p, err := e.App.CreateProgram(ctx, admin, app.NewProgram{Slug: "acme", Name: " Acme ", Organisation: "Acme Inc.",
		Kind: haven.KindBounty, Currency: "usd", Status: haven.StatusPublished,
		Owners: []string{existing.Email, "", "newcomer@example.test"}})
	if err != nil {
		t.Fatal(err)
	}
	want := &haven.Program{ID: p.ID, Slug: "acme", Name: "Acme", Organisation: "Acme Inc.", Status: haven.StatusPublished,
		Kind: haven.KindBounty, Currency: "USD", PolicyVersion: 1, Links: []haven.Link{}, Bands: haven.DefaultBands(),
		ValidationDays: haven.DefaultValidationDays(), Calendar: haven.DefaultCalendar(), NeedsInfoDays: 30,
		CreatedAt: e.Clock.Now(), UpdatedAt: e.Clock.Now()}
	if diff := cmp.Diff(want, p); diff != "" {
		t.Errorf("new program (-want +got):\n%s", diff)
	}
	_, err = e.App.CreateProgram(ctx, admin, app.NewProgram{Slug: "acme", Name: "Again"})
	wantField(t, "taken slug", err, "slug")

	// Version 1 of the (empty) rules exists from the start; publishing
	// shows in the feed; the creation is in the program's history.
	if _, vs, err := e.App.PolicyVersions(ctx, haven.Visitor, "acme"); err != nil || len(vs) != 1 || vs[0].Version != 1 {
		t.Errorf("PolicyVersions = %+v, %v; want version 1", vs, err)
	}
	act, _ := e.App.Activity(ctx, haven.Visitor, "acme", 0)
	if len(act) != 1 || act[0].Type != "program_published" || act[0].Text != "published the program" {
		t.Errorf("activity of a program created published: %+v", act)
	}
	// The history records the creation, the owner named and the owner
	// invited, each by the admin.
	actions := map[string]string{}
	for _, h := range history(t, e, admin, "acme") {
		if h.ActorID == admin.UserID() {
			actions[h.Action] = h.Detail
		}
	}
	if _, ok := actions["program.create"]; !ok {
		t.Errorf("the history lacks program.create by the admin: %v", actions)
	}
	if d := actions["program.member_set"]; !strings.Contains(d, fmt.Sprintf(`"user_id":%d`, existing.ID)) || !strings.Contains(d, `"role":"owner"`) {
		t.Errorf("the history lacks the named owner: %v", actions)
	}
	if _, ok := actions["program.invite"]; !ok {
		t.Errorf("the history lacks the invitation: %v", actions)
	}

	// The existing account is owner at once (NewProgram.Owners).
	if r, ok := tokenActor(t, e, existing).Role(p.ID); !ok || r != haven.RoleOwner {
		t.Errorf("existing account named as owner has role %q (%t), want owner", r, ok)
	}
	// The address without an account is invited as owner, and becomes one
	// by accepting with an account of that address.
	team, err := e.App.Team(ctx, admin, "acme")
	if err != nil {
		t.Fatal(err)
	}
	if len(team.Invitations) != 1 || team.Invitations[0].Email != "newcomer@example.test" || team.Invitations[0].Role != haven.RoleOwner {
		t.Fatalf("invitations = %+v, want one for newcomer@example.test as owner", team.Invitations)
	}
	m := e.LastMail(t, "newcomer@example.test")
	if !strings.Contains(m.Text, `"Acme"`) || !strings.Contains(m.Text, "as owner") {
		t.Errorf("invitation mail:\n%s", m.Text)
	}
	secret := strings.TrimPrefix(apptest.LinkIn(t, m, "/invitations/"), "/invitations/")
	newcomer := e.CreateUser(t, "newcomer@example.test", pw, false)
	slug, err := e.App.AcceptInvitation(ctx, tokenActor(t, e, newcomer), secret)
	if err != nil || slug != "acme" {
		t.Fatalf("AcceptInvitation = %q, %v", slug, err)
	}
	if r, _ := tokenActor(t, e, newcomer).Role(p.ID); r != haven.RoleOwner {
		t.Errorf("newcomer's role after accepting: %q, want owner", r)
	}
}

// TestUpdateProgramHistory checks that every edit is recorded with who,
// when and which fields changed, and that an edit that changes nothing
// records nothing.
func TestUpdateProgramHistory(t *testing.T) {
	ctx := context.Background()
	e := apptest.New(t)
	f := newProgramFixture(t, e, "acme", haven.StatusPublished)
	owner, viewer := f.actors["owner"], f.actors["viewer"]
	before := len(history(t, e, viewer, "acme"))

	e.Clock.Advance(time.Hour)
	p, err := e.App.UpdateProgram(ctx, owner, "acme", app.ProgramPatch{Name: ptr("Acme Corp"), Organisation: ptr("Acme")})
	if err != nil {
		t.Fatal(err)
	}
	if p.Name != "Acme Corp" || p.Organisation != "Acme" || !p.UpdatedAt.Equal(e.Clock.Now()) {
		t.Errorf("after the edit: name %q, organisation %q, updated %v", p.Name, p.Organisation, p.UpdatedAt)
	}
	if p.PolicyVersion != 1 {
		t.Errorf("renaming made policy version %d, want 1", p.PolicyVersion)
	}
	h := history(t, e, viewer, "acme")
	if len(h) != before+1 {
		t.Fatalf("%d new history entries, want 1", len(h)-before)
	}
	if got := h[0]; got.Action != "program.update" || got.ActorID != owner.UserID() || !got.At.Equal(e.Clock.Now()) ||
		got.Target != fmt.Sprintf("program:%d", p.ID) {
		t.Errorf("history entry = %+v; want program.update by the owner now", got)
	}
	if diff := cmp.Diff([]string{"name", "organisation"}, changedFields(t, h[0])); diff != "" {
		t.Errorf("changed fields (-want +got):\n%s", diff)
	}

	// The settings form sends every field: unchanged values are not
	// changes, and a save that changes nothing records nothing.
	same := app.ProgramPatch{
		Name: ptr(p.Name), Organisation: ptr(p.Organisation), Kind: ptr(p.Kind), Currency: ptr(strings.ToLower(p.Currency)),
		Policy: ptr(p.Policy), Rules: ptr(p.Rules), SafeHarbour: ptr(p.SafeHarbour), Guidelines: ptr(p.Guidelines),
		ContactEmail: ptr(p.ContactEmail), PGPKey: ptr(p.PGPKey), Links: ptr(slices.Clone(p.Links)),
		Bands: ptr(slices.Clone(p.Bands)), ValidationDays: ptr(haven.DefaultValidationDays()),
		Calendar: ptr(haven.DefaultCalendar()), RetestBonus: ptr(p.RetestBonus), NeedsInfoDays: ptr(p.NeedsInfoDays),
		Status: ptr(p.Status),
	}
	e.Clock.Advance(time.Hour)
	if _, err := e.App.UpdateProgram(ctx, owner, "acme", same); err != nil {
		t.Fatal(err)
	}
	if h2 := history(t, e, viewer, "acme"); len(h2) != len(h) {
		t.Errorf("a save without changes recorded %+v", h2[0])
	}
	links := []haven.Link{{Label: "Docs", URL: "https://docs.acme.test"}}
	same.Links, same.Name = &links, ptr("Acme")
	if _, err := e.App.UpdateProgram(ctx, owner, "acme", same); err != nil {
		t.Fatal(err)
	}
	h = history(t, e, viewer, "acme")
	if diff := cmp.Diff([]string{"links", "name"}, changedFields(t, h[0])); diff != "" {
		t.Errorf("changed fields of a full form with two changes (-want +got):\n%s", diff)
	}

	// A status change is an edit too.
	if _, err := e.App.UpdateProgram(ctx, f.actors["admin"], "acme", app.ProgramPatch{Status: ptr(haven.StatusSuspended)}); err != nil {
		t.Fatal(err)
	}
	h = history(t, e, viewer, "acme")
	if h[0].ActorID != f.users["admin"].ID || !slices.Equal(changedFields(t, h[0]), []string{"status"}) {
		t.Errorf("status change recorded as %+v", h[0])
	}
}

// TestPolicyVersions checks that a change to the policy texts or to the
// out-of-scope list makes a new version with a snapshot of the rules as
// they were, which anyone who can see the program can read; other edits
// keep the version.
func TestPolicyVersions(t *testing.T) {
	ctx := context.Background()
	e := apptest.New(t)
	f := newProgramFixture(t, e, "acme", haven.StatusPublished)
	owner := f.actors["owner"]
	version := func() int {
		t.Helper()
		v, err := e.App.Program(ctx, haven.Visitor, "acme")
		if err != nil {
			t.Fatal(err)
		}
		return v.PolicyVersion
	}
	steps := []struct {
		name  string
		patch app.ProgramPatch
		want  int
	}{
		{"policy and rules", app.ProgramPatch{Policy: ptr("Policy one"), Rules: ptr("Rules one")}, 2},
		{"same texts again", app.ProgramPatch{Policy: ptr("Policy one"), Rules: ptr(" Rules one\n")}, 2},
		{"safe harbour", app.ProgramPatch{SafeHarbour: ptr("We will not sue.")}, 3},
		{"guidelines", app.ProgramPatch{Guidelines: ptr("Write clearly.")}, 4},
		{"name only", app.ProgramPatch{Name: ptr("Renamed")}, 4},
		{"contact and days", app.ProgramPatch{ContactEmail: ptr("sec@acme.test"), NeedsInfoDays: ptr(14)}, 4},
		{"policy again", app.ProgramPatch{Policy: ptr("Policy two")}, 5},
	}
	for _, s := range steps {
		e.Clock.Advance(time.Minute)
		p, err := e.App.UpdateProgram(ctx, owner, "acme", s.patch)
		if err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if p.PolicyVersion != s.want {
			t.Errorf("after %s: policy version %d, want %d", s.name, p.PolicyVersion, s.want)
		}
	}

	// The out-of-scope list is part of the rules.
	if err := e.App.SetOutOfScope(ctx, owner, "acme", []app.OutOfScopeInput{{Text: "Clickjacking"}, {Text: "Self-XSS"}}); err != nil {
		t.Fatal(err)
	}
	if v := version(); v != 6 {
		t.Errorf("after adding out-of-scope classes: version %d, want 6", v)
	}
	view, _ := e.App.Program(ctx, haven.Visitor, "acme")
	classes := view.OutOfScope
	if err := e.App.SetOutOfScope(ctx, owner, "acme", []app.OutOfScopeInput{{ID: classes[0].ID, Text: "Clickjacking"}, {ID: classes[1].ID, Text: "Self-XSS"}}); err != nil {
		t.Fatal(err)
	}
	if v := version(); v != 6 {
		t.Errorf("after saving the same classes: version %d, want 6", v)
	}
	if err := e.App.SetOutOfScope(ctx, owner, "acme", []app.OutOfScopeInput{{ID: classes[1].ID, Text: "Self-XSS"}}); err != nil {
		t.Fatal(err)
	}
	if v := version(); v != 7 {
		t.Errorf("after removing a class: version %d, want 7", v)
	}
	view, _ = e.App.Program(ctx, haven.Visitor, "acme")
	if len(view.OutOfScope) != 1 || view.OutOfScope[0].ID != classes[1].ID {
		t.Errorf("classes after removal: %+v (the kept class must keep id %d)", view.OutOfScope, classes[1].ID)
	}

	// Anyone who can see the program reads every version: what a
	// researcher accepted, and what changed since.
	for _, name := range []string{"visitor", "researcher"} {
		_, vs, err := e.App.PolicyVersions(ctx, f.actors[name], "acme")
		if err != nil {
			t.Fatalf("%s: PolicyVersions: %v", name, err)
		}
		var nums []int
		for _, v := range vs {
			nums = append(nums, v.Version)
		}
		if diff := cmp.Diff([]int{7, 6, 5, 4, 3, 2, 1}, nums); diff != "" {
			t.Errorf("%s: versions (-want +got):\n%s", name, diff)
		}
	}
	wantTexts := map[int]haven.PolicyVersion{
		1: {Policy: "", Rules: "", OutOfScope: []string{}},
		2: {Policy: "Policy one", Rules: "Rules one", OutOfScope: []string{}},
		4: {Policy: "Policy one", Rules: "Rules one", SafeHarbour: "We will not sue.", Guidelines: "Write clearly.", OutOfScope: []string{}},
		5: {Policy: "Policy two", Rules: "Rules one", SafeHarbour: "We will not sue.", Guidelines: "Write clearly.", OutOfScope: []string{}},
		6: {Policy: "Policy two", Rules: "Rules one", SafeHarbour: "We will not sue.", Guidelines: "Write clearly.", OutOfScope: []string{"Clickjacking", "Self-XSS"}},
		7: {Policy: "Policy two", Rules: "Rules one", SafeHarbour: "We will not sue.", Guidelines: "Write clearly.", OutOfScope: []string{"Self-XSS"}},
	}
	for n, want := range wantTexts {
		_, got, err := e.App.PolicyVersion(ctx, f.actors["researcher"], "acme", n)
		if err != nil {
			t.Fatalf("PolicyVersion(%d): %v", n, err)
		}
		if got.Version != n || got.ProgramID != f.prog.ID {
			t.Errorf("PolicyVersion(%d) = version %d of program %d", n, got.Version, got.ProgramID)
		}
		if n > 1 && got.AuthorID != f.users["owner"].ID {
			t.Errorf("version %d author %d, want the owner", n, got.AuthorID)
		}
		got.ProgramID, got.Version, got.AuthorID, got.CreatedAt = 0, 0, 0, time.Time{}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("version %d (-want +got):\n%s", n, diff)
		}
	}
	if _, _, err := e.App.PolicyVersion(ctx, haven.Visitor, "acme", 8); !errors.Is(err, haven.ErrNotFound) {
		t.Errorf("PolicyVersion(8): %v, want ErrNotFound", err)
	}
}

// pgpKeys generates an OpenPGP key in the test (no key material in the
// repository) and returns its armored public and private forms and its
// fingerprint. The key is made a day before the app's clock: Haven checks
// keys on that clock, and a key made later (by the wall clock, once it
// passes the fake one) would not be valid yet.
func pgpKeys(t *testing.T, e *apptest.Env) (public, private, fingerprint string) {
	t.Helper()
	key, err := crypto.PGP().KeyGeneration().AddUserId("Acme Security", "security@acme.test").
		GenerationTime(e.Clock.Now().Add(-24 * time.Hour).Unix()).New().GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	public, err = key.GetArmoredPublicKey()
	if err != nil {
		t.Fatal(err)
	}
	private, err = key.Armor()
	if err != nil {
		t.Fatal(err)
	}
	return public, private, strings.ToUpper(key.GetFingerprint())
}

// TestProgramValidation checks that bad values are refused with a message
// for the field, and that a refused patch changes nothing.
func TestProgramValidation(t *testing.T) {
	ctx := context.Background()
	e := apptest.New(t)
	f := newProgramFixture(t, e, "acme", haven.StatusPublished)
	owner := f.actors["owner"]
	public, private, fingerprint := pgpKeys(t, e)
	rewards := []haven.Reward{{Tier: 1, Severity: "High", Min: 100000, Max: 200000}}
	if err := e.App.SetRewards(ctx, owner, "acme", rewards); err != nil {
		t.Fatal(err)
	}
	read := func() *app.ProgramView {
		t.Helper()
		v, err := e.App.Program(ctx, owner, "acme")
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	start := read()

	tests := []struct {
		name  string
		patch app.ProgramPatch
		field string
	}{
		{"overlapping bands", app.ProgramPatch{Bands: &[]haven.SeverityBand{{Name: "Low", Min: 0.1, Max: 4.0}, {Name: "High", Min: 4.0, Max: 10.0}}}, "severity_bands"},
		{"gap between bands", app.ProgramPatch{Bands: &[]haven.SeverityBand{{Name: "Low", Min: 0.1, Max: 3.9}, {Name: "High", Min: 4.1, Max: 10.0}}}, "severity_bands"},
		{"band with min above max", app.ProgramPatch{Bands: &[]haven.SeverityBand{{Name: "All", Min: 10.0, Max: 0.1}}}, "severity_bands"},
		{"bands without names", app.ProgramPatch{Bands: &[]haven.SeverityBand{{Name: "", Min: 0.0, Max: 10.0}}}, "severity_bands"},
		{"no bands", app.ProgramPatch{Bands: &[]haven.SeverityBand{}}, "severity_bands"},
		{"unknown currency", app.ProgramPatch{Currency: ptr("XXY")}, "currency"},
		{"empty currency", app.ProgramPatch{Currency: ptr("")}, "currency"},
		{"PGP garbage", app.ProgramPatch{PGPKey: ptr("not a key at all")}, "pgp_key"},
		{"PGP armor with garbage inside", app.ProgramPatch{PGPKey: ptr("-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nAAAA\n-----END PGP PUBLIC KEY BLOCK-----")}, "pgp_key"},
		{"a private key", app.ProgramPatch{PGPKey: &private}, "pgp_key"},
		{"validation days for an unknown band", app.ProgramPatch{ValidationDays: &map[string]int{"Severe": 5}}, "validation_days"},
		{"validation days for no band", app.ProgramPatch{ValidationDays: &map[string]int{"": 5}}, "validation_days"},
		{"zero validation days", app.ProgramPatch{ValidationDays: &map[string]int{"High": 0}}, "validation_days"},
		{"366 validation days", app.ProgramPatch{ValidationDays: &map[string]int{"High": 366}}, "validation_days"},
		{"bands that drop a band the days name", app.ProgramPatch{Bands: ptr(haven.CVSSBands())}, "validation_days"},
		{"calendar in an unknown time zone", app.ProgramPatch{Calendar: &haven.Calendar{TimeZone: "Mars/Olympus_Mons"}}, "calendar"},
		{"calendar in the server's zone", app.ProgramPatch{Calendar: &haven.Calendar{TimeZone: "Local"}}, "calendar"},
		{"all-week weekend", app.ProgramPatch{Calendar: &haven.Calendar{TimeZone: "UTC", Weekend: []string{
			"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}}}, "calendar"},
		{"unknown weekday", app.ProgramPatch{Calendar: &haven.Calendar{TimeZone: "UTC", Weekend: []string{"caturday"}}}, "calendar"},
		{"holiday that is no date", app.ProgramPatch{Calendar: &haven.Calendar{TimeZone: "UTC", Holidays: []string{"2026-02-30"}}}, "calendar"},
		{"javascript link", app.ProgramPatch{Links: &[]haven.Link{{Label: "Docs", URL: "javascript:alert(1)"}}}, "links"},
		{"data link", app.ProgramPatch{Links: &[]haven.Link{{Label: "Docs", URL: "data:text/html,<script>alert(1)</script>"}}}, "links"},
		{"link without host", app.ProgramPatch{Links: &[]haven.Link{{Label: "Docs", URL: "https:///path"}}}, "links"},
		{"link without label", app.ProgramPatch{Links: &[]haven.Link{{Label: "", URL: "https://acme.test"}}}, "links"},
		{"11 links", app.ProgramPatch{Links: ptr(slices.Repeat([]haven.Link{{Label: "L", URL: "https://acme.test"}}, 11))}, "links"},
		{"empty name", app.ProgramPatch{Name: ptr(" ")}, "name"},
		{"NUL in the policy", app.ProgramPatch{Policy: ptr("a\x00b")}, "policy"},
		{"policy of 100,001 characters", app.ProgramPatch{Policy: ptr(strings.Repeat("é", 100_001))}, "policy"},
		{"unknown kind", app.ProgramPatch{Kind: ptr(haven.ProgramKind("paid"))}, "kind"},
		{"bad contact address", app.ProgramPatch{ContactEmail: ptr("security at acme")}, "contact_email"},
		{"negative retest bonus", app.ProgramPatch{RetestBonus: ptr(int64(-1))}, "retest_bonus"},
		{"zero needs-info days", app.ProgramPatch{NeedsInfoDays: ptr(0)}, "needs_info_days"},
		{"unknown status", app.ProgramPatch{Status: ptr(haven.ProgramStatus("archived"))}, "status"},
		{"back to draft", app.ProgramPatch{Status: ptr(haven.StatusDraft)}, "status"},
		{"a good name with a bad currency", app.ProgramPatch{Name: ptr("Renamed"), Policy: ptr("New policy"), Currency: ptr("XXY")}, "currency"},
		{"a good status with a bad key", app.ProgramPatch{Status: ptr(haven.StatusSuspended), PGPKey: ptr("junk")}, "pgp_key"},
	}
	for _, tt := range tests {
		_, err := e.App.UpdateProgram(ctx, owner, "acme", tt.patch)
		wantField(t, tt.name, err, tt.field)
	}
	rewardTests := []struct {
		name    string
		rewards []haven.Reward
	}{
		{"min above max", []haven.Reward{{Tier: 1, Severity: "High", Min: 300, Max: 200}}},
		{"negative", []haven.Reward{{Tier: 1, Severity: "High", Min: -1, Max: 200}}},
		{"unknown band", []haven.Reward{{Tier: 1, Severity: "Severe", Min: 1, Max: 2}}},
		{"tier 0", []haven.Reward{{Tier: 0, Severity: "High", Min: 1, Max: 2}}},
		{"tier 6", []haven.Reward{{Tier: 6, Severity: "High", Min: 1, Max: 2}}},
		{"twice the same cell", []haven.Reward{{Tier: 1, Severity: "Low", Min: 1, Max: 1}, {Tier: 1, Severity: "Low", Min: 2, Max: 2}}},
		{"too large", []haven.Reward{{Tier: 1, Severity: "Low", Min: 1, Max: 100_000_000_01}}},
	}
	for _, tt := range rewardTests {
		wantField(t, "rewards: "+tt.name, e.App.SetRewards(ctx, owner, "acme", tt.rewards), "rewards")
	}

	got := read()
	if diff := cmp.Diff(start, got); diff != "" {
		t.Errorf("refused changes changed the program (-before +after):\n%s", diff)
	}

	// A VDP pays nothing.
	p, err := e.App.UpdateProgram(ctx, owner, "acme", app.ProgramPatch{Kind: ptr(haven.KindVDP)})
	if err != nil {
		t.Fatal(err)
	}
	wantField(t, "rewards for a VDP", e.App.SetRewards(ctx, owner, "acme", rewards), "rewards")
	_, err = e.App.UpdateProgram(ctx, owner, "acme", app.ProgramPatch{RetestBonus: ptr(int64(5000))})
	wantField(t, "retest bonus for a VDP", err, "retest_bonus")
	if err := e.App.SetRewards(ctx, owner, "acme", nil); err != nil {
		t.Errorf("clearing a VDP's rewards: %v", err)
	}
	if p.Kind != haven.KindVDP {
		t.Fatalf("kind = %s", p.Kind)
	}

	// Good values are stored: an OpenPGP public key with its fingerprint,
	// https links, a calendar, CVSS bands with days that name them.
	p, err = e.App.UpdateProgram(ctx, owner, "acme", app.ProgramPatch{
		PGPKey:         ptr("Our key:\n\n" + public),
		Links:          &[]haven.Link{{Label: " Docs ", URL: " https://docs.acme.test/security "}, {}},
		Calendar:       &haven.Calendar{TimeZone: "Europe/Paris", Weekend: []string{"saturday", "sunday"}, Holidays: []string{"2026-12-25"}},
		Bands:          ptr(haven.CVSSBands()),
		ValidationDays: &map[string]int{"Critical": 5, "High": 10, "Medium": 20, "Low": 40, "None": 60},
		Currency:       ptr(" gbp "),
	})
	if err != nil {
		t.Fatal(err)
	}
	if p.PGPFinger != fingerprint || !strings.HasPrefix(p.PGPKey, "-----BEGIN PGP PUBLIC KEY BLOCK-----") {
		t.Errorf("stored key: fingerprint %q (want %q), key %.40q", p.PGPFinger, fingerprint, p.PGPKey)
	}
	if diff := cmp.Diff([]haven.Link{{Label: "Docs", URL: "https://docs.acme.test/security"}}, p.Links); diff != "" {
		t.Errorf("links (-want +got):\n%s", diff)
	}
	if p.Currency != "GBP" || p.Calendar.TimeZone != "Europe/Paris" || p.Bands[0].Name != "None" || p.ValidationDays["None"] != 60 {
		t.Errorf("stored program: %+v", p)
	}
	p, err = e.App.UpdateProgram(ctx, owner, "acme", app.ProgramPatch{PGPKey: ptr("")})
	if err != nil || p.PGPKey != "" || p.PGPFinger != "" {
		t.Errorf("removing the key: key %.20q, fingerprint %q, %v", p.PGPKey, p.PGPFinger, err)
	}
}

// TestProgramStatusChanges checks the allowed status changes, the words
// the public feed uses for each, and that illegal ones are refused.
func TestProgramStatusChanges(t *testing.T) {
	ctx := context.Background()
	e := apptest.New(t)
	f := newProgramFixture(t, e, "acme", haven.StatusDraft)
	owner := f.actors["owner"]
	steps := []struct {
		to       haven.ProgramStatus
		typ      string
		text     string
		badField string // for a refused change
	}{
		{to: haven.StatusSuspended, badField: "status"}, // draft → suspended
		{haven.StatusPublished, "program_published", "published the program", ""},
		{to: haven.StatusDraft, badField: "status"},
		{haven.StatusSuspended, "program_suspended", "suspended the program", ""},
		{haven.StatusPublished, "program_published", "resumed the program", ""},
		{haven.StatusClosed, "program_closed", "closed the program", ""},
		{to: haven.StatusSuspended, badField: "status"}, // closed → suspended
		{to: haven.StatusDraft, badField: "status"},
		{haven.StatusPublished, "program_published", "reopened the program", ""},
	}
	for _, s := range steps {
		e.Clock.Advance(time.Minute)
		before, _ := e.App.Program(ctx, owner, "acme")
		p, err := e.App.UpdateProgram(ctx, owner, "acme", app.ProgramPatch{Status: ptr(s.to)})
		if s.badField != "" {
			wantField(t, fmt.Sprintf("%s → %s", before.Status, s.to), err, s.badField)
			continue
		}
		if err != nil {
			t.Fatalf("%s → %s: %v", before.Status, s.to, err)
		}
		if p.Status != s.to {
			t.Errorf("%s → %s: status %s", before.Status, s.to, p.Status)
		}
		act, err := e.App.Activity(ctx, owner, "acme", 1)
		if err != nil || len(act) != 1 {
			t.Fatalf("Activity: %v, %v", act, err)
		}
		if act[0].Type != s.typ || act[0].Text != s.text || !act[0].At.Equal(e.Clock.Now()) {
			t.Errorf("%s → %s: activity %+v, want %s %q now", before.Status, s.to, act[0], s.typ, s.text)
		}
	}
	act, _ := e.App.Activity(ctx, haven.Visitor, "acme", 0)
	if len(act) != 5 {
		t.Errorf("%d activities, want one per allowed change (5)", len(act))
	}
	// A closed draft: closed straight from draft, as a program abandoned
	// before it opened.
	g := newProgramFixture(t, e, "gone", haven.StatusDraft)
	if _, err := e.App.UpdateProgram(ctx, g.actors["owner"], "gone", app.ProgramPatch{Status: ptr(haven.StatusClosed)}); err != nil {
		t.Errorf("draft → closed: %v", err)
	}
}

// TestProgramStatusRace sends status changes from one state at the same
// time. Each change is a compare-and-set on the status it read: whatever
// the interleaving, the changes that took effect form a legal chain from
// the starting state, each recorded once in the feed and the history, and
// every other request failed with ErrConflict or a status message (or was
// a no-op because the program already had the status it asked for).
func TestProgramStatusRace(t *testing.T) {
	apptest.Run(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		f := newProgramFixture(t, e, "acme", haven.StatusPublished)
		owners := []haven.Actor{f.actors["owner"], f.actors["admin"]}
		for round := range 5 {
			if round > 0 {
				// Back to published (from suspended or closed).
				if _, err := e.App.UpdateProgram(ctx, haven.System, "acme", app.ProgramPatch{Status: ptr(haven.StatusPublished)}); err != nil {
					t.Fatal(err)
				}
			}
			actBefore, _ := e.App.Activity(ctx, haven.System, "acme", 200)
			histBefore := history(t, e, haven.System, "acme")
			targets := []haven.ProgramStatus{haven.StatusSuspended, haven.StatusClosed, haven.StatusSuspended, haven.StatusClosed}
			errs := make([]error, len(targets))
			var wg sync.WaitGroup
			for i, to := range targets {
				wg.Go(func() {
					_, errs[i] = e.App.UpdateProgram(ctx, owners[i%2], "acme", app.ProgramPatch{Status: ptr(to)})
				})
			}
			wg.Wait()
			for i, err := range errs {
				var inv *haven.InvalidError
				switch {
				case err == nil, errors.Is(err, haven.ErrConflict):
				case errors.As(err, &inv) && inv.Fields["status"] != "":
				default:
					t.Errorf("round %d, change %d to %s: %v", round, i, targets[i], err)
				}
			}
			act, _ := e.App.Activity(ctx, haven.System, "acme", 200)
			var texts []string
			for _, a := range act[:len(act)-len(actBefore)] {
				texts = append([]string{a.Text}, texts...) // oldest first
			}
			p, _ := e.App.Program(ctx, haven.System, "acme")
			legal := map[string]haven.ProgramStatus{
				"suspended the program":                       haven.StatusSuspended,
				"closed the program":                          haven.StatusClosed,
				"suspended the program\x00closed the program": haven.StatusClosed,
			}
			want, ok := legal[strings.Join(texts, "\x00")]
			if !ok || p.Status != want {
				t.Errorf("round %d: feed %q and status %s are not one legal chain of changes from published", round, texts, p.Status)
			}
			statusEdits := 0
			for _, h := range history(t, e, haven.System, "acme") {
				if h.Seq <= histBefore[0].Seq {
					break
				}
				if slices.Contains(changedFields(t, h), "status") {
					statusEdits++
				}
			}
			if statusEdits != len(texts) {
				t.Errorf("round %d: %d status edits in the history for %d changes in the feed", round, statusEdits, len(texts))
			}
		}
	})
}

// TestConcurrentEditsKeepEachOther checks that two owners saving
// different fields at the same time both keep their change (no lost
// update), and that concurrent policy edits each get their own version
// or fail with ErrConflict.
func TestConcurrentEditsKeepEachOther(t *testing.T) {
	apptest.Run(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		f := newProgramFixture(t, e, "acme", haven.StatusPublished)
		owner, admin := f.actors["owner"], f.actors["admin"]
		for round := range 6 {
			name, policy := fmt.Sprintf("Name %d", round), fmt.Sprintf("Policy %d", round)
			var wg sync.WaitGroup
			var errName, errPolicy, errOOS error
			wg.Go(func() { _, errName = e.App.UpdateProgram(ctx, owner, "acme", app.ProgramPatch{Name: &name}) })
			wg.Go(func() { _, errPolicy = e.App.UpdateProgram(ctx, admin, "acme", app.ProgramPatch{Policy: &policy}) })
			wg.Go(func() {
				errOOS = e.App.SetOutOfScope(ctx, owner, "acme", []app.OutOfScopeInput{{Text: fmt.Sprintf("Class %d", round)}})
			})
			wg.Wait()
			for what, err := range map[string]error{"name": errName, "policy": errPolicy, "out of scope": errOOS} {
				if err != nil && !errors.Is(err, haven.ErrConflict) {
					t.Fatalf("round %d, %s: %v", round, what, err)
				}
			}
			v, err := e.App.Program(ctx, haven.System, "acme")
			if err != nil {
				t.Fatal(err)
			}
			if errName == nil && v.Name != name {
				t.Errorf("round %d: name %q, want %q (a concurrent edit overwrote it)", round, v.Name, name)
			}
			if errPolicy == nil && v.Policy != policy {
				t.Errorf("round %d: policy %q, want %q (a concurrent edit overwrote it)", round, v.Policy, policy)
			}
			_, vs, err := e.App.PolicyVersions(ctx, haven.System, "acme")
			if err != nil {
				t.Fatal(err)
			}
			if vs[0].Version != v.PolicyVersion || vs[0].Policy != v.Policy {
				t.Errorf("round %d: program at version %d with policy %q, newest snapshot %d with %q",
					round, v.PolicyVersion, v.Policy, vs[0].Version, vs[0].Policy)
			}
		}
	})
}

// TestTeamInvitations checks invitations: a mail with a single-use link
// that only the invited, confirmed address can accept, within 7 days,
// unless revoked.
func TestTeamInvitations(t *testing.T) {
	ctx := context.Background()
	e := apptest.New(t)
	f := newProgramFixture(t, e, "acme", haven.StatusPublished)
	owner := f.actors["owner"]
	invite := func(email string, role haven.Role) string {
		t.Helper()
		if err := e.App.Invite(ctx, owner, "acme", email, role); err != nil {
			t.Fatalf("Invite(%s): %v", email, err)
		}
		return secretIn(t, e, email, "/invitations/")
	}

	secret := invite("tri@example.test", haven.RoleTriager)
	peek, err := e.App.PeekInvitation(ctx, secret)
	if err != nil || peek != (app.InvitationView{Program: "Program acme", Role: haven.RoleTriager, Email: "tri@example.test"}) {
		t.Errorf("PeekInvitation = %+v, %v", peek, err)
	}
	// Only the invited address, confirmed, may accept.
	_, err = e.App.AcceptInvitation(ctx, haven.Actor{IP: client.IP}, secret)
	wantErr(t, "visitor accepting", err, haven.ErrUnauthenticated)
	_, err = e.App.AcceptInvitation(ctx, f.actors["researcher"], secret)
	wantField(t, "another account accepting", err, "")
	if err := e.App.SignUp(ctx, client, app.SignUpInput{Email: "tri@example.test", Password: pw}); err != nil {
		t.Fatal(err)
	}
	unconfirmed, err := e.DB.UserByEmail(ctx, "tri@example.test")
	if err != nil || unconfirmed.Verified() {
		t.Fatalf("signed-up account: %+v, %v", unconfirmed, err)
	}
	_, err = e.App.AcceptInvitation(ctx, haven.Actor{User: unconfirmed}, secret)
	wantField(t, "the invited address, unconfirmed, accepting", err, "")
	if r, ok := tokenActor(t, e, f.users["researcher"]).Role(f.prog.ID); ok {
		t.Fatalf("the researcher got role %q from refused accepts", r)
	}
	if err := e.App.VerifyEmail(ctx, client, secretIn(t, e, "tri@example.test", "/verify/")); err != nil {
		t.Fatal(err)
	}
	tri := tokenActor(t, e, unconfirmed)
	// Single use, even when accepted many times at once.
	errs := make([]error, 6)
	var wg sync.WaitGroup
	for i := range errs {
		wg.Go(func() { _, errs[i] = e.App.AcceptInvitation(ctx, tri, secret) })
	}
	wg.Wait()
	won := 0
	for i, err := range errs {
		switch {
		case err == nil:
			won++
		case !errors.Is(err, haven.ErrNotFound) && !errors.Is(err, haven.ErrConflict):
			t.Errorf("concurrent accept %d: %v", i, err)
		}
	}
	if won != 1 {
		t.Errorf("%d of %d concurrent accepts succeeded, want 1", won, len(errs))
	}
	if r, _ := tokenActor(t, e, unconfirmed).Role(f.prog.ID); r != haven.RoleTriager {
		t.Errorf("role after accepting: %q, want triager", r)
	}
	if _, err := e.App.PeekInvitation(ctx, secret); !errors.Is(err, haven.ErrNotFound) {
		t.Errorf("PeekInvitation of a spent link: %v, want ErrNotFound", err)
	}
	// A member cannot be invited again; a role must be a role.
	wantField(t, "inviting a member", e.App.Invite(ctx, owner, "acme", "tri@example.test", haven.RoleOwner), "email")
	wantField(t, "inviting as admin", e.App.Invite(ctx, owner, "acme", "x@example.test", "admin"), "role")
	wantField(t, "inviting no address", e.App.Invite(ctx, owner, "acme", "nobody", haven.RoleViewer), "email")

	// Expired after 7 days.
	late := invite("late@example.test", haven.RoleViewer)
	soon := invite("soon@example.test", haven.RoleViewer)
	lateUser := tokenActor(t, e, e.CreateUser(t, "late@example.test", pw, false))
	soonUser := tokenActor(t, e, e.CreateUser(t, "soon@example.test", pw, false))
	e.Clock.Advance(7*24*time.Hour - time.Second)
	if _, err := e.App.AcceptInvitation(ctx, soonUser, soon); err != nil {
		t.Errorf("accepting a second before expiry: %v", err)
	}
	e.Clock.Advance(time.Second)
	_, err = e.App.AcceptInvitation(ctx, lateUser, late)
	wantErr(t, "accepting after 7 days", err, haven.ErrNotFound)

	// Revoked: no longer listed, no longer accepted.
	revoked := invite("rev@example.test", haven.RoleOwner)
	team, err := e.App.Team(ctx, owner, "acme")
	if err != nil {
		t.Fatal(err)
	}
	var id int64
	for _, inv := range team.Invitations {
		if inv.Email == "rev@example.test" {
			id = inv.ID
		}
		if inv.Email == "late@example.test" {
			t.Error("an expired invitation is listed")
		}
	}
	if id == 0 {
		t.Fatalf("open invitations %+v lack rev@example.test", team.Invitations)
	}
	other := newProgramFixture(t, e, "other", haven.StatusPublished)
	wantErr(t, "revoking through another program", e.App.RevokeInvitation(ctx, other.actors["owner"], "other", id), haven.ErrNotFound)
	if err := e.App.RevokeInvitation(ctx, owner, "acme", id); err != nil {
		t.Fatal(err)
	}
	_, err = e.App.AcceptInvitation(ctx, tokenActor(t, e, e.CreateUser(t, "rev@example.test", pw, false)), revoked)
	wantErr(t, "accepting a revoked invitation", err, haven.ErrNotFound)
	wantErr(t, "revoking twice", e.App.RevokeInvitation(ctx, owner, "acme", id), haven.ErrNotFound)
	if team, _ := e.App.Team(ctx, owner, "acme"); len(team.Invitations) != 0 {
		t.Errorf("open invitations after revoking: %+v", team.Invitations)
	}
	// Members see the team but not the open invitations.
	if err := e.App.Invite(ctx, owner, "acme", "open@example.test", haven.RoleViewer); err != nil {
		t.Fatal(err)
	}
	team, err = e.App.Team(ctx, f.actors["viewer"], "acme")
	if err != nil || len(team.Members) != 5 || len(team.Invitations) != 0 {
		t.Errorf("viewer's Team: %d members, invitations %+v, %v; want 5 members and no invitations", len(team.Members), team.Invitations, err)
	}
}

// TestTeamRoles checks who may manage the team, that nobody grants more
// than they hold, and that the last owner stays.
func TestTeamRoles(t *testing.T) {
	ctx := context.Background()
	e := apptest.New(t)
	f := newProgramFixture(t, e, "acme", haven.StatusPublished)
	d := newProgramFixture(t, e, "secret", haven.StatusDraft)
	owner, triager, viewer := f.actors["owner"], f.actors["triager"], f.actors["viewer"]
	granted := false // SetMember (the command line, the demo) shows in the program's history too
	for _, h := range history(t, e, viewer, "acme") {
		granted = granted || h.Action == "program.member_set" && strings.Contains(h.Detail, fmt.Sprintf(`"user_id":%d`, f.users["triager"].ID))
	}
	if !granted {
		t.Error("the history lacks the triager's SetMember")
	}

	for name, a := range map[string]haven.Actor{"triager": triager, "viewer": viewer} {
		wantErr(t, name+" inviting", e.App.Invite(ctx, a, "acme", "x@example.test", haven.RoleViewer), haven.ErrForbidden)
		wantErr(t, name+" making themselves owner", e.App.SetRole(ctx, a, "acme", a.UserID(), haven.RoleOwner), haven.ErrForbidden)
		wantErr(t, name+" removing the owner", e.App.RemoveMember(ctx, a, "acme", f.users["owner"].ID), haven.ErrForbidden)
	}
	wantErr(t, "researcher inviting to a published program", e.App.Invite(ctx, f.actors["researcher"], "acme", "x@example.test", haven.RoleViewer), haven.ErrForbidden)
	wantErr(t, "researcher inviting to a draft", e.App.Invite(ctx, f.actors["researcher"], "secret", "x@example.test", haven.RoleViewer), haven.ErrNotFound)
	wantErr(t, "owner of another program inviting to a draft", e.App.Invite(ctx, owner, "secret", "x@example.test", haven.RoleViewer), haven.ErrNotFound)
	wantErr(t, "visitor inviting", e.App.Invite(ctx, haven.Actor{IP: client.IP}, "acme", "x@example.test", haven.RoleViewer), haven.ErrUnauthenticated)
	_, err := e.App.Team(ctx, f.actors["researcher"], "acme")
	wantErr(t, "researcher reading a published program's team", err, haven.ErrForbidden)
	_, err = e.App.Team(ctx, f.actors["researcher"], "secret")
	wantErr(t, "researcher reading a draft's team", err, haven.ErrNotFound)
	_, err = e.App.Team(ctx, d.actors["triager"], "acme")
	wantErr(t, "another program's triager reading the team", err, haven.ErrForbidden)

	// A member of another program is not a member here.
	wantErr(t, "changing the role of a non-member", e.App.SetRole(ctx, owner, "acme", d.users["owner"].ID, haven.RoleViewer), haven.ErrNotFound)
	wantErr(t, "removing a non-member", e.App.RemoveMember(ctx, owner, "acme", d.users["owner"].ID), haven.ErrNotFound)
	wantField(t, "an unknown role", e.App.SetRole(ctx, owner, "acme", f.users["viewer"].ID, "admin"), "role")

	// The last owner can neither leave nor be demoted or removed, by
	// themselves or by an admin.
	ownerID := f.users["owner"].ID
	wantField(t, "last owner leaving", e.App.RemoveMember(ctx, owner, "acme", ownerID), "")
	wantField(t, "last owner stepping down", e.App.SetRole(ctx, owner, "acme", ownerID, haven.RoleTriager), "")
	wantField(t, "admin removing the last owner", e.App.RemoveMember(ctx, f.actors["admin"], "acme", ownerID), "")
	wantField(t, "admin demoting the last owner", e.App.SetRole(ctx, f.actors["admin"], "acme", ownerID, haven.RoleViewer), "")
	if err := e.App.SetRole(ctx, owner, "acme", ownerID, haven.RoleOwner); err != nil {
		t.Errorf("last owner staying owner: %v", err)
	}

	// With a second owner, the first may leave.
	if err := e.App.SetRole(ctx, owner, "acme", f.users["triager"].ID, haven.RoleOwner); err != nil {
		t.Fatal(err)
	}
	if err := e.App.RemoveMember(ctx, owner, "acme", ownerID); err != nil {
		t.Fatalf("an owner leaving with another owner left: %v", err)
	}
	team, _ := e.App.Team(ctx, f.actors["admin"], "acme")
	var roles []string
	for _, m := range team.Members {
		roles = append(roles, string(m.Role)+" "+m.User.Email)
	}
	if diff := cmp.Diff([]string{"owner triager@acme.test", "viewer viewer@acme.test"}, roles); diff != "" {
		t.Errorf("team (-want +got):\n%s", diff)
	}
	// Members may leave on their own.
	if err := e.App.RemoveMember(ctx, viewer, "acme", viewer.UserID()); err != nil {
		t.Errorf("viewer leaving: %v", err)
	}
}

// TestRemovalTakesEffectOnNextRequest checks that a removed member's
// next request, by session or by token, carries no role on the program.
func TestRemovalTakesEffectOnNextRequest(t *testing.T) {
	ctx := context.Background()
	e := apptest.New(t)
	f := newProgramFixture(t, e, "secret", haven.StatusDraft)
	u := f.users["triager"]
	_, session := signIn(t, e, u.Email, pw)
	token := e.Token(t, u)
	if err := e.App.RemoveMember(ctx, f.actors["owner"], "secret", u.ID); err != nil {
		t.Fatal(err)
	}
	a, _, err := e.App.Authenticate(ctx, session, client.IP, client.UserAgent)
	if err != nil {
		t.Fatal(err)
	}
	if r, ok := a.Role(f.prog.ID); ok {
		t.Errorf("session after removal has role %q", r)
	}
	a, err = e.App.AuthenticateToken(ctx, token, client.IP, client.UserAgent)
	if err != nil {
		t.Fatal(err)
	}
	if r, ok := a.Role(f.prog.ID); ok {
		t.Errorf("token after removal has role %q", r)
	}
	_, err = e.App.Team(ctx, a, "secret")
	wantErr(t, "removed member reading the draft's team", err, haven.ErrNotFound)
	_, err = e.App.Program(ctx, a, "secret")
	wantErr(t, "removed member reading the draft", err, haven.ErrNotFound)
	h := history(t, e, f.actors["owner"], "secret")
	if h[0].Action != "program.remove_member" || h[0].ActorID != f.users["owner"].ID {
		t.Errorf("removal recorded as %+v", h[0])
	}
}

// TestLastOwnerRace has the only two owners leave, and remove each other,
// at the same time: one of them must stay.
func TestLastOwnerRace(t *testing.T) {
	apptest.Run(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		f := newProgramFixture(t, e, "acme", haven.StatusPublished)
		a := f.users["owner"]
		b := e.CreateUser(t, "second@acme.test", pw, false)
		for round := range 6 {
			for _, u := range []*haven.User{a, b} {
				if err := e.App.SetMember(ctx, haven.System, f.prog.ID, u.ID, haven.RoleOwner); err != nil {
					t.Fatal(err)
				}
			}
			actA, actB := tokenActor(t, e, a), tokenActor(t, e, b)
			var wg sync.WaitGroup
			var errA, errB error
			if round%2 == 0 {
				wg.Go(func() { errA = e.App.RemoveMember(ctx, actA, "acme", a.ID) })
				wg.Go(func() { errB = e.App.RemoveMember(ctx, actB, "acme", b.ID) })
			} else {
				wg.Go(func() { errA = e.App.SetRole(ctx, actA, "acme", b.ID, haven.RoleViewer) })
				wg.Go(func() { errB = e.App.SetRole(ctx, actB, "acme", a.ID, haven.RoleViewer) })
			}
			wg.Wait()
			team, err := e.App.Team(ctx, haven.System, "acme")
			if err != nil {
				t.Fatal(err)
			}
			owners := 0
			for _, m := range team.Members {
				if m.Role == haven.RoleOwner {
					owners++
				}
			}
			if owners != 1 {
				t.Fatalf("round %d: %d owners left (errors %v, %v), want 1", round, owners, errA, errB)
			}
			for _, err := range []error{errA, errB} {
				var inv *haven.InvalidError
				if err != nil && !errors.As(err, &inv) && !errors.Is(err, haven.ErrConflict) && !errors.Is(err, haven.ErrNotFound) && !errors.Is(err, haven.ErrForbidden) {
					t.Errorf("round %d: %v", round, err)
				}
			}
		}
	})
}

// TestAcceptInvitationKeepsLastOwner checks that an owner accepting an old
// invitation with a weaker role does not leave the program without owner.
func TestAcceptInvitationKeepsLastOwner(t *testing.T) {
	ctx := context.Background()
	e := apptest.New(t)
	f := newProgramFixture(t, e, "acme", haven.StatusPublished)
	// An invitation as viewer, sent before the account became the owner.
	u := e.CreateUser(t, "later-owner@acme.test", pw, false)
	if err := e.App.Invite(ctx, f.actors["owner"], "acme", u.Email, haven.RoleViewer); err != nil {
		t.Fatal(err)
	}
	secret := secretIn(t, e, u.Email, "/invitations/")
	if err := e.App.SetMember(ctx, haven.System, f.prog.ID, u.ID, haven.RoleOwner); err != nil {
		t.Fatal(err)
	}
	if err := e.App.RemoveMember(ctx, f.actors["owner"], "acme", f.users["owner"].ID); err != nil {
		t.Fatal(err)
	}
	_, err := e.App.AcceptInvitation(ctx, tokenActor(t, e, u), secret)
	wantField(t, "a member accepting an invitation", err, "")
	if r, _ := tokenActor(t, e, u).Role(f.prog.ID); r != haven.RoleOwner {
		t.Errorf("the last owner accepted a viewer invitation and is now %q", r)
	}
}

// TestRemovedMemberCannotRejoin checks that a member who is removed, or
// demoted, cannot undo it with an invitation link sent earlier.
func TestRemovedMemberCannotRejoin(t *testing.T) {
	ctx := context.Background()
	e := apptest.New(t)
	f := newProgramFixture(t, e, "acme", haven.StatusPublished)
	owner := f.actors["owner"]
	u := e.CreateUser(t, "twice@acme.test", pw, false)
	var secrets []string
	for range 2 {
		if err := e.App.Invite(ctx, owner, "acme", u.Email, haven.RoleOwner); err != nil {
			t.Fatal(err)
		}
		secrets = append(secrets, secretIn(t, e, u.Email, "/invitations/"))
	}
	if _, err := e.App.AcceptInvitation(ctx, tokenActor(t, e, u), secrets[0]); err != nil {
		t.Fatal(err)
	}
	// Demoted: the second link does not make them owner again.
	if err := e.App.SetRole(ctx, owner, "acme", u.ID, haven.RoleViewer); err != nil {
		t.Fatal(err)
	}
	_, err := e.App.AcceptInvitation(ctx, tokenActor(t, e, u), secrets[1])
	wantField(t, "a demoted member accepting an older owner invitation", err, "")
	if r, _ := tokenActor(t, e, u).Role(f.prog.ID); r != haven.RoleViewer {
		t.Errorf("role after the old link: %q, want viewer", r)
	}
	// Removed: the second link is void.
	if err := e.App.RemoveMember(ctx, owner, "acme", u.ID); err != nil {
		t.Fatal(err)
	}
	_, err = e.App.AcceptInvitation(ctx, tokenActor(t, e, u), secrets[1])
	wantErr(t, "a removed member accepting an older invitation", err, haven.ErrNotFound)
	if r, ok := tokenActor(t, e, u).Role(f.prog.ID); ok {
		t.Errorf("the removed member is back as %q", r)
	}
}

// TestUpdatesAndActivity checks program updates: a published one is in
// the feed at once, a draft only when published, drafts are shown only
// to those who manage the program.
func TestUpdatesAndActivity(t *testing.T) {
	ctx := context.Background()
	e := apptest.New(t)
	f := newProgramFixture(t, e, "acme", haven.StatusPublished)
	owner := f.actors["owner"]
	feed := func() []haven.Activity {
		t.Helper()
		a, err := e.App.Activity(ctx, haven.Visitor, "acme", 0)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	n := len(feed())
	e.Clock.Advance(time.Hour)
	if _, err := e.App.PostUpdate(ctx, owner, "acme", "New scope", "JupyterHub is in scope.", true); err != nil {
		t.Fatal(err)
	}
	act := feed()
	if len(act) != n+1 || act[0].Type != "program_update" || act[0].Text != "published a program update" || !act[0].At.Equal(e.Clock.Now()) {
		t.Errorf("feed after publishing an update: %+v", act)
	}
	e.Clock.Advance(time.Hour)
	draft, err := e.App.PostUpdate(ctx, owner, "acme", "Holidays", "We are away.", false)
	if err != nil {
		t.Fatal(err)
	}
	if len(feed()) != n+1 {
		t.Error("a draft update appeared in the feed")
	}
	titles := func(a haven.Actor) []string {
		t.Helper()
		us, err := e.App.Updates(ctx, a, "acme")
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, u := range us {
			out = append(out, u.Title)
		}
		return out
	}
	for _, name := range []string{"visitor", "researcher", "viewer", "triager"} {
		if diff := cmp.Diff([]string{"New scope"}, titles(f.actors[name])); diff != "" {
			t.Errorf("%s's updates (-want +got):\n%s", name, diff)
		}
	}
	for _, name := range []string{"owner", "admin"} {
		if diff := cmp.Diff([]string{"Holidays", "New scope"}, titles(f.actors[name])); diff != "" {
			t.Errorf("%s's updates (-want +got):\n%s", name, diff)
		}
	}
	if v, _ := e.App.Program(ctx, f.actors["researcher"], "acme"); len(v.Updates) != 1 {
		t.Errorf("program page shows a researcher %d updates, want 1", len(v.Updates))
	}
	e.Clock.Advance(time.Hour)
	if err := e.App.PublishUpdate(ctx, owner, "acme", draft); err != nil {
		t.Fatal(err)
	}
	if act := feed(); len(act) != n+2 || act[0].Text != "published a program update" {
		t.Errorf("feed after publishing the draft: %+v", act)
	}
	wantErr(t, "publishing twice", e.App.PublishUpdate(ctx, owner, "acme", draft), haven.ErrNotFound)
	other := newProgramFixture(t, e, "other", haven.StatusPublished)
	d2, err := e.App.PostUpdate(ctx, owner, "acme", "Another draft", "Body.", false)
	if err != nil {
		t.Fatal(err)
	}
	wantErr(t, "publishing through another program", e.App.PublishUpdate(ctx, other.actors["owner"], "other", d2), haven.ErrNotFound)
	if diff := cmp.Diff([]string{"Holidays", "New scope"}, titles(haven.Visitor)); diff != "" {
		t.Errorf("visitor's updates after publishing (-want +got):\n%s", diff)
	}
	_, err = e.App.PostUpdate(ctx, owner, "acme", "", "Body.", true)
	wantField(t, "update without title", err, "title")
	_, err = e.App.PostUpdate(ctx, owner, "acme", "Title", " ", true)
	wantField(t, "update without body", err, "body")
}

// TestFeedback checks anonymous feedback: anyone may send, within limits;
// only owners read it; nothing about the sender is kept.
func TestFeedback(t *testing.T) {
	ctx := context.Background()
	e := apptest.New(t)
	f := newProgramFixture(t, e, "acme", haven.StatusPublished)
	newProgramFixture(t, e, "secret", haven.StatusDraft)
	sender := haven.Actor{IP: "203.0.113.77", UserAgent: "feedback-test"}

	wantField(t, "9 characters", e.App.SendFeedback(ctx, sender, "acme", " too short "), "body")
	wantField(t, "4001 characters", e.App.SendFeedback(ctx, sender, "acme", strings.Repeat("é", 4001)), "body")
	wantErr(t, "feedback to a draft", e.App.SendFeedback(ctx, sender, "secret", "hello there, team"), haven.ErrNotFound)
	wantErr(t, "feedback to no program", e.App.SendFeedback(ctx, sender, "nope", "hello there, team"), haven.ErrNotFound)
	bodies := []string{strings.Repeat("é", 4000), "ten chars!", "Your scope page is unclear.", "Thanks for the quick bounty.", "Please add a PGP key."}
	for i, b := range bodies {
		e.Clock.Advance(time.Minute)
		if err := e.App.SendFeedback(ctx, sender, "acme", b); err != nil {
			t.Fatalf("message %d: %v", i+1, err)
		}
	}
	wantErr(t, "6th message within an hour from one address", e.App.SendFeedback(ctx, sender, "acme", "one message too many"), haven.ErrTooManyRequests)
	if err := e.App.SendFeedback(ctx, haven.Actor{IP: "203.0.113.78"}, "acme", "from another address"); err != nil {
		t.Errorf("another address: %v", err)
	}
	// A signed-in researcher may send too; their account is not kept.
	researcher := f.actors["researcher"]
	researcher.IP = "203.0.113.79"
	if err := e.App.SendFeedback(ctx, researcher, "acme", "signed in, still anonymous"); err != nil {
		t.Errorf("researcher: %v", err)
	}
	e.Clock.Advance(time.Hour)
	if err := e.App.SendFeedback(ctx, sender, "acme", "an hour later, again"); err != nil {
		t.Errorf("an hour later: %v", err)
	}

	fb, err := e.App.Feedback(ctx, f.actors["owner"], "acme")
	if err != nil {
		t.Fatal(err)
	}
	if len(fb) != 8 || fb[0].Body != "an hour later, again" || fb[7].Body != bodies[0] {
		t.Errorf("owner reads %d messages, newest %q", len(fb), fb[0].Body)
	}
	for _, m := range fb {
		if m.ProgramID != f.prog.ID || m.ID == 0 || m.CreatedAt.IsZero() {
			t.Errorf("feedback %+v", m)
		}
	}
	for name, want := range map[string]error{"triager": haven.ErrForbidden, "viewer": haven.ErrForbidden,
		"researcher": haven.ErrForbidden, "admin": haven.ErrForbidden, "visitor": haven.ErrUnauthenticated} {
		_, err := e.App.Feedback(ctx, f.actors[name], "acme")
		wantErr(t, name+" reading feedback", err, want)
	}
	// Nothing about the sender: not in the history, not in the logs.
	for _, h := range history(t, e, f.actors["owner"], "acme") {
		if strings.Contains(h.Action, "feedback") || strings.Contains(h.IP, "203.0.113.") {
			t.Errorf("history holds a trace of a feedback sender: %+v", h)
		}
	}
	if logs := e.Logs.String(); strings.Contains(logs, "203.0.113.7") {
		t.Errorf("a feedback sender's address was logged:\n%s", logs)
	}
}

// TestSecurityTxt checks the RFC 9116 files Haven serves: one per public
// program and one for the instance, each valid.
func TestSecurityTxt(t *testing.T) {
	ctx := context.Background()
	e := apptest.New(t)
	f := newProgramFixture(t, e, "acme", haven.StatusPublished)
	newProgramFixture(t, e, "secret", haven.StatusDraft)
	plain := newProgramFixture(t, e, "plain", haven.StatusPublished)
	public, _, _ := pgpKeys(t, e)
	if _, err := e.App.UpdateProgram(ctx, f.actors["owner"], "acme", app.ProgramPatch{ContactEmail: ptr("security@acme.test"), PGPKey: &public}); err != nil {
		t.Fatal(err)
	}
	// security.txt wants https URLs: serve this instance from one.
	a := app.New(e.DB, app.Config{BaseURL: "https://haven.example/", Now: e.Clock.Now})
	now := e.Clock.Now()
	check := func(name string, file securitytxt.File) {
		t.Helper()
		if !file.Expires.After(now) || !file.Expires.Before(now.AddDate(1, 0, 0)) {
			t.Errorf("%s: Expires %v, want in the future and within a year of %v", name, file.Expires, now)
		}
		if err := file.ValidateAt(now); err != nil {
			t.Errorf("%s: invalid: %v", name, err)
		}
		parsed, err := securitytxt.Parse(file.String())
		if err != nil {
			t.Fatalf("%s: Parse(String()): %v\n%s", name, err, file.String())
		}
		if err := parsed.ValidateAt(now); err != nil {
			t.Errorf("%s: the served text is invalid: %v\n%s", name, err, file.String())
		}
		if diff := cmp.Diff(file, parsed); diff != "" {
			t.Errorf("%s: the text does not read back as the file (-file +parsed):\n%s", name, diff)
		}
	}

	file, err := a.SecurityTxt(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	check("acme", file)
	base := "https://haven.example/programs/acme"
	want := securitytxt.File{
		Contact:            []string{base + "#report", "mailto:security@acme.test"},
		Expires:            file.Expires,
		Encryption:         []string{base + "/pgp-key.asc"},
		Acknowledgments:    []string{base + "#thanks"},
		PreferredLanguages: []string{"en"},
		Canonical:          []string{base + "/security.txt"},
		Policy:             []string{base},
	}
	if diff := cmp.Diff(want, file); diff != "" {
		t.Errorf("acme's security.txt (-want +got):\n%s", diff)
	}

	// No key, no contact address: no Encryption, the report form only.
	file, err = a.SecurityTxt(ctx, "plain")
	if err != nil {
		t.Fatal(err)
	}
	check("plain", file)
	if file.Encryption != nil || !slices.Equal(file.Contact, []string{"https://haven.example/programs/plain#report"}) {
		t.Errorf("plain: Contact %q, Encryption %q", file.Contact, file.Encryption)
	}
	// Suspended: no report form to point to; the program page instead.
	if _, err := e.App.UpdateProgram(ctx, plain.actors["owner"], "plain", app.ProgramPatch{Status: ptr(haven.StatusSuspended)}); err != nil {
		t.Fatal(err)
	}
	file, err = a.SecurityTxt(ctx, "plain")
	if err != nil {
		t.Fatal(err)
	}
	check("suspended", file)
	if !slices.Equal(file.Contact, []string{"https://haven.example/programs/plain"}) {
		t.Errorf("suspended: Contact %q", file.Contact)
	}

	// The instance's own file.
	file, err = a.SecurityTxt(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	check("instance", file)
	if !slices.Equal(file.Canonical, []string{"https://haven.example/.well-known/security.txt"}) || len(file.Contact) == 0 || len(file.Policy) == 0 {
		t.Errorf("instance security.txt: %+v", file)
	}

	// Drafts and unknown programs have none.
	for _, slug := range []string{"secret", "nope"} {
		_, err := a.SecurityTxt(ctx, slug)
		wantErr(t, "security.txt of "+slug, err, haven.ErrNotFound)
	}
}

// TestCrossProgramObjects checks that an owner of one program cannot reach
// another program's assets, out-of-scope classes, updates or members by
// naming their ids through their own program.
func TestCrossProgramObjects(t *testing.T) {
	ctx := context.Background()
	e := apptest.New(t)
	f := newProgramFixture(t, e, "acme", haven.StatusPublished)
	g := newProgramFixture(t, e, "evil", haven.StatusPublished)
	owner, evil := f.actors["owner"], g.actors["owner"]
	asset, err := e.App.AddAsset(ctx, owner, "acme", app.AssetInput{Name: "Server", Type: "repository", Tier: 1, InScope: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.App.SetOutOfScope(ctx, owner, "acme", []app.OutOfScopeInput{{Text: "Clickjacking"}}); err != nil {
		t.Fatal(err)
	}
	view, _ := e.App.Program(ctx, owner, "acme")
	class := view.OutOfScope[0]

	_, err = e.App.UpdateAsset(ctx, evil, "evil", asset.ID, app.AssetInput{Name: "Mine", Type: "other", Tier: 1})
	wantErr(t, "UpdateAsset of another program's asset", err, haven.ErrNotFound)
	wantErr(t, "RemoveAsset of another program's asset", e.App.RemoveAsset(ctx, evil, "evil", asset.ID), haven.ErrNotFound)
	wantField(t, "SetOutOfScope citing another program's class", e.App.SetOutOfScope(ctx, evil, "evil",
		[]app.OutOfScopeInput{{ID: class.ID, Text: "Mine now"}}), "out_of_scope")
	wantErr(t, "SetRole of another program's member", e.App.SetRole(ctx, evil, "evil", f.users["triager"].ID, haven.RoleViewer), haven.ErrNotFound)
	wantErr(t, "RemoveMember of another program's member", e.App.RemoveMember(ctx, evil, "evil", f.users["triager"].ID), haven.ErrNotFound)

	after, _ := e.App.Program(ctx, owner, "acme")
	if len(after.Assets) != 1 || after.Assets[0].Name != "Server" || len(after.OutOfScope) != 1 || after.OutOfScope[0].Text != "Clickjacking" {
		t.Errorf("acme's scope changed: %+v, %+v", after.Assets, after.OutOfScope)
	}
	if r, _ := tokenActor(t, e, f.users["triager"]).Role(f.prog.ID); r != haven.RoleTriager {
		t.Errorf("acme's triager is now %q", r)
	}
}

// TestAssets checks scope items: validation, order, removal.
func TestAssets(t *testing.T) {
	ctx := context.Background()
	e := apptest.New(t)
	f := newProgramFixture(t, e, "acme", haven.StatusPublished)
	owner := f.actors["owner"]
	tests := []struct {
		name  string
		in    app.AssetInput
		field string
	}{
		{"no name", app.AssetInput{Type: "web", Tier: 1}, "name"},
		{"unknown type", app.AssetInput{Name: "A", Type: "satellite", Tier: 1}, "type"},
		{"tier 0", app.AssetInput{Name: "A", Type: "web", Tier: 0}, "tier"},
		{"tier 6", app.AssetInput{Name: "A", Type: "web", Tier: 6}, "tier"},
		{"unknown max severity", app.AssetInput{Name: "A", Type: "web", Tier: 1, MaxSeverity: "Severe"}, "max_severity"},
		{"long identifier", app.AssetInput{Name: "A", Type: "web", Tier: 1, Identifier: strings.Repeat("x", 501)}, "identifier"},
	}
	for _, tt := range tests {
		_, err := e.App.AddAsset(ctx, owner, "acme", tt.in)
		wantField(t, tt.name, err, tt.field)
	}
	var ids []int64
	for _, name := range []string{"JupyterLab", "Jupyter Server", "JupyterHub"} {
		a, err := e.App.AddAsset(ctx, owner, "acme", app.AssetInput{Name: name, Type: "repository", Tier: 2, InScope: true,
			BountyEligible: true, MaxSeverity: "Critical"})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, a.ID)
	}
	out, err := e.App.AddAsset(ctx, owner, "acme", app.AssetInput{Name: "Docs site", Type: "web", Tier: 3, InScope: false, BountyEligible: true})
	if err != nil {
		t.Fatal(err)
	}
	if out.BountyEligible {
		t.Error("an out-of-scope asset is eligible for bounty")
	}
	if _, err := e.App.UpdateAsset(ctx, owner, "acme", ids[0], app.AssetInput{Name: "JupyterLab 4", Type: "package", Tier: 1, InScope: true}); err != nil {
		t.Fatal(err)
	}
	if err := e.App.RemoveAsset(ctx, owner, "acme", ids[1]); err != nil {
		t.Fatal(err)
	}
	wantErr(t, "removing twice", e.App.RemoveAsset(ctx, owner, "acme", ids[1]), haven.ErrNotFound)
	_, err = e.App.UpdateAsset(ctx, owner, "acme", ids[1], app.AssetInput{Name: "Back", Type: "web", Tier: 1})
	wantErr(t, "updating a removed asset", err, haven.ErrNotFound)
	as, err := e.App.Assets(ctx, haven.Visitor, "acme")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, a := range as {
		names = append(names, fmt.Sprintf("%s/%d", a.Name, a.Position))
	}
	if diff := cmp.Diff([]string{"JupyterLab 4/1", "JupyterHub/3", "Docs site/4"}, names); diff != "" {
		t.Errorf("assets (-want +got):\n%s", diff)
	}
	// A VDP's assets are never eligible for bounty.
	if _, err := e.App.UpdateProgram(ctx, owner, "acme", app.ProgramPatch{Kind: ptr(haven.KindVDP)}); err != nil {
		t.Fatal(err)
	}
	vdp, err := e.App.AddAsset(ctx, owner, "acme", app.AssetInput{Name: "Hub API", Type: "api", Tier: 1, InScope: true, BountyEligible: true})
	if err != nil || vdp.BountyEligible {
		t.Errorf("asset of a VDP: %+v, %v", vdp, err)
	}
	h := history(t, e, f.actors["viewer"], "acme")
	actions := map[string]bool{}
	for _, x := range h {
		actions[x.Action] = true
	}
	for _, a := range []string{"program.asset_add", "program.asset_update", "program.asset_remove"} {
		if !actions[a] {
			t.Errorf("history lacks %s", a)
		}
	}
}
