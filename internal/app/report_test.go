package app_test

// App-level tests of reports (issue 4): submission and its rules, the
// severity and validation deadline, state changes and their requirements,
// duplicates, comments, rescoring, assignment and the API's idempotent
// submission. Who may call each use case is in report_permission_test.go.

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/haven-project/haven/internal/app"
	"github.com/haven-project/haven/internal/apptest"
	"github.com/haven-project/haven/internal/haven"
	"github.com/haven-project/haven/internal/store"
)

// CVSS vectors with known scores.
const (
	vec98 = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H" // 9.8
	vec75 = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N" // 7.5
	vec93 = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"
)

// repFixture is a published bounty program (the programFixture team) with
// an in-scope and an out-of-scope asset, and a second researcher.
type repFixture struct {
	*programFixture
	e          *apptest.Env
	slug       string
	asset, oos *haven.Asset
	n          int // makes titles unique
}

func newRepFixture(t *testing.T, e *apptest.Env, slug string) *repFixture {
	t.Helper()
	ctx := context.Background()
	f := &repFixture{programFixture: newProgramFixture(t, e, slug, haven.StatusPublished), e: e, slug: slug}
	var err error
	if f.asset, err = e.App.AddAsset(ctx, haven.System, slug, app.AssetInput{Name: "JupyterLab", Type: "package", Tier: 2, InScope: true}); err != nil {
		t.Fatal(err)
	}
	if f.oos, err = e.App.AddAsset(ctx, haven.System, slug, app.AssetInput{Name: "Status page", Type: "web", Tier: 3}); err != nil {
		t.Fatal(err)
	}
	f.users["other researcher"] = e.CreateUser(t, "other-researcher@"+slug+".test", pw, false)
	f.actors["other researcher"] = tokenActor(t, e, f.users["other researcher"])
	return f
}

// input is a valid submission to the fixture's in-scope asset.
func (f *repFixture) input() app.SubmitInput {
	f.n++
	return app.SubmitInput{AssetID: f.asset.ID, Title: fmt.Sprintf("Stored XSS number %d", f.n), Weakness: "CWE-79",
		CVSSVector: vec98, Description: "The renderer runs scripts.", Steps: "1. Open it.", Impact: "Account takeover.", AcceptRules: true}
}

// submit files a valid report as the named actor.
func (f *repFixture) submit(t *testing.T, who string) *haven.Report {
	t.Helper()
	r, err := f.e.App.SubmitReport(context.Background(), f.actors[who], f.slug, f.input())
	if err != nil {
		t.Fatalf("SubmitReport as %s: %v", who, err)
	}
	return r
}

// force puts a report in a state directly in the store, whatever the
// transition table says (to test transitions from every state).
func (f *repFixture) force(t *testing.T, id string, s haven.ReportState) {
	t.Helper()
	ctx := context.Background()
	r, err := f.e.DB.ReportByPublicIDForSystem(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if r.State == s {
		return
	}
	if err := f.e.DB.SetReportState(ctx, r.ID, r.State, s, 0, 0, f.e.Clock.Now()); err != nil {
		t.Fatal(err)
	}
}

// stored reads a report whoever may see it.
func (f *repFixture) stored(t *testing.T, id string) *haven.Report {
	t.Helper()
	r, err := f.e.DB.ReportByPublicIDForSystem(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// lastEvent returns a report's newest history entry (internal included).
func (f *repFixture) lastEvent(t *testing.T, id string) haven.ReportEvent {
	t.Helper()
	es, err := f.e.DB.ReportEvents(context.Background(), f.stored(t, id).ID, true)
	if err != nil || len(es) == 0 {
		t.Fatalf("ReportEvents(%s) = %v, %v", id, es, err)
	}
	return es[len(es)-1]
}

// TestSubmitReport checks a valid submission end to end: what is stored,
// the first history entry, the public activity (which names neither the
// report nor its reporter), and who then sees it.
func TestSubmitReport(t *testing.T) {
	ctx := context.Background()
	e := apptest.New(t)
	f := newRepFixture(t, e, "acme")
	researcher := f.actors["researcher"]
	if err := e.App.UpdateProfile(ctx, researcher, "Alice Liddell"); err != nil {
		t.Fatal(err)
	}
	in := app.SubmitInput{AssetID: f.asset.ID, Title: "  Stored XSS in the Markdown renderer  ", Weakness: " cwe-79 ",
		CVSSVector: " CVSS:3.1/C:H/I:H/A:H/AV:N/AC:L/PR:N/UI:N/S:U ", Description: "\nScripts run.\n", Steps: " 1. Open. ",
		Impact: " Takeover. ", AcceptRules: true}
	r, err := e.App.SubmitReport(ctx, researcher, "acme", in)
	if err != nil {
		t.Fatal(err)
	}
	now := e.Clock.Now()
	// Monday 09:00 UTC + 5 working days (default calendar).
	due := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	want := &haven.Report{ID: r.ID, PublicID: r.PublicID, ProgramID: f.prog.ID, AssetID: f.asset.ID, ReporterID: f.users["researcher"].ID,
		Title: "Stored XSS in the Markdown renderer", Weakness: "CWE-79", CVSSVector: vec98, CVSSScore: 9.8, Severity: "Exceptional",
		Description: "Scripts run.", Steps: "1. Open.", Impact: "Takeover.", State: haven.StateNew, PolicyVersion: 1,
		SubmittedAt: now, UpdatedAt: now, ValidationDeadline: &due}
	if diff := cmp.Diff(want, r); diff != "" {
		t.Errorf("SubmitReport (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(want, f.stored(t, r.PublicID)); diff != "" {
		t.Errorf("stored report (-want +got):\n%s", diff)
	}
	if len(r.PublicID) < 16 || strings.ContainsAny(r.PublicID, "/?#%") {
		t.Errorf("public id %q: want an unguessable URL-safe key", r.PublicID)
	}
	if ev := f.lastEvent(t, r.PublicID); ev.Kind != "submitted" || ev.To != "new" || ev.ActorID != f.users["researcher"].ID || ev.Internal {
		t.Errorf("first event: %+v", ev)
	}

	act, err := e.App.Activity(ctx, haven.Visitor, "acme", 0)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, a := range act {
		found = found || a.Type == "report_created" && a.Text == "created a submission"
		for _, secret := range []string{"XSS", "Markdown", "Alice", "Liddell", f.users["researcher"].Email, r.PublicID} {
			if strings.Contains(a.Text, secret) {
				t.Errorf("public activity %q reveals %q", a.Text, secret)
			}
		}
	}
	if !found {
		t.Errorf("activity %+v lacks report_created \"created a submission\"", act)
	}

	// The reporter and the team see it; another researcher does not.
	for who, ok := range map[string]bool{"researcher": true, "viewer": true, "triager": true, "owner": true,
		"other researcher": false, "admin": false, "visitor": false} {
		_, err := e.App.Report(ctx, f.actors[who], r.PublicID)
		if ok && err != nil || !ok && !errors.Is(err, haven.ErrNotFound) {
			t.Errorf("Report as %s: %v", who, err)
		}
	}
}

// TestSubmitReportValidation checks every rule a submission must pass.
// Refused submissions store nothing.
func TestSubmitReportValidation(t *testing.T) {
	ctx := context.Background()
	e := apptest.New(t)
	f := newRepFixture(t, e, "acme")
	other := newRepFixture(t, e, "other")
	researcher := f.actors["researcher"]
	old, err := e.App.AddAsset(ctx, haven.System, "acme", app.AssetInput{Name: "Old", Type: "web", Tier: 1, InScope: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.App.RemoveAsset(ctx, haven.System, "acme", old.ID); err != nil {
		t.Fatal(err)
	}
	removed := old.ID

	tests := []struct {
		name  string
		edit  func(in *app.SubmitInput)
		field string
	}{
		{"no title", func(in *app.SubmitInput) { in.Title = "   " }, "title"},
		{"201-character title", func(in *app.SubmitInput) { in.Title = strings.Repeat("é", 201) }, "title"},
		{"title on two lines", func(in *app.SubmitInput) { in.Title = "XSS\r\nBcc: x@example.test" }, "title"},
		{"no asset", func(in *app.SubmitInput) { in.AssetID = 0 }, "asset_id"},
		{"unknown asset", func(in *app.SubmitInput) { in.AssetID = 99999 }, "asset_id"},
		{"another program's asset", func(in *app.SubmitInput) { in.AssetID = other.asset.ID }, "asset_id"},
		{"out-of-scope asset", func(in *app.SubmitInput) { in.AssetID = f.oos.ID }, "asset_id"},
		{"removed asset", func(in *app.SubmitInput) { in.AssetID = removed }, "asset_id"},
		{"malformed CWE", func(in *app.SubmitInput) { in.Weakness = "CWE-7x9" }, "weakness"},
		{"unknown CWE", func(in *app.SubmitInput) { in.Weakness = "CWE-999999" }, "weakness"},
		{"invalid vector", func(in *app.SubmitInput) { in.CVSSVector = "CVSS:3.1/AV:N/AC:L" }, "cvss_vector"},
		{"not a vector", func(in *app.SubmitInput) { in.CVSSVector = "9.8" }, "cvss_vector"},
		{"no description", func(in *app.SubmitInput) { in.Description = " \n " }, "description"},
		{"long description", func(in *app.SubmitInput) { in.Description = strings.Repeat("a", 100_001) }, "description"},
		{"long steps", func(in *app.SubmitInput) { in.Steps = strings.Repeat("a", 100_001) }, "steps_to_reproduce"},
		{"long impact", func(in *app.SubmitInput) { in.Impact = strings.Repeat("a", 100_001) }, "impact"},
		{"rules not accepted", func(in *app.SubmitInput) { in.AcceptRules = false }, "accept_rules"},
		{"rules of a future version", func(in *app.SubmitInput) { in.PolicyVersion = 2 }, "accept_rules"},
	}
	for _, tt := range tests {
		in := f.input()
		tt.edit(&in)
		_, err := e.App.SubmitReport(ctx, researcher, "acme", in)
		wantField(t, tt.name, err, tt.field)
	}
	if l, err := e.App.Reports(ctx, f.actors["owner"], app.ReportQuery{}); err != nil || l.Total != 0 {
		t.Errorf("refused submissions stored %d reports (%v)", l.Total, err)
	}

	// Weakness and vector are optional; a blank vector gives no severity
	// and no deadline.
	in := f.input()
	in.Weakness, in.CVSSVector = "", "  "
	r, err := e.App.SubmitReport(ctx, researcher, "acme", in)
	if err != nil {
		t.Fatal(err)
	}
	if r.Weakness != "" || r.CVSSVector != "" || r.CVSSScore != 0 || r.Severity != "" || r.ValidationDeadline != nil {
		t.Errorf("report without weakness or vector: %+v", r)
	}

	// Only confirmed accounts submit.
	u, err := e.DB.InsertUser(ctx, store.NewUser{Email: "unconfirmed@example.test", PasswordHash: "x"}, e.Clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.App.SubmitReport(ctx, haven.Actor{User: u}, "acme", f.input())
	wantField(t, "unconfirmed address", err, "")
	_, err = e.App.SubmitReport(ctx, haven.Visitor, "acme", f.input())
	wantErr(t, "visitor", err, haven.ErrUnauthenticated)
	_, err = e.App.SubmitReport(ctx, haven.System, "acme", f.input())
	wantErr(t, "system", err, haven.ErrUnauthenticated)
}

// TestSubmitReportProgramStatus checks that only published programs take
// reports: a draft does not exist for outsiders, and suspended or closed
// programs refuse with a message.
func TestSubmitReportProgramStatus(t *testing.T) {
	ctx := context.Background()
	e := apptest.New(t)
	f := newRepFixture(t, e, "acme")
	draft := newProgramFixture(t, e, "draft", haven.StatusDraft)
	a, err := e.App.AddAsset(ctx, haven.System, "draft", app.AssetInput{Name: "Lab", Type: "web", Tier: 1, InScope: true})
	if err != nil {
		t.Fatal(err)
	}
	in := f.input()
	in.AssetID = a.ID
	_, err = e.App.SubmitReport(ctx, f.actors["researcher"], "draft", in)
	wantErr(t, "researcher on a draft", err, haven.ErrNotFound)
	_, err = e.App.SubmitReport(ctx, draft.actors["owner"], "draft", in)
	wantField(t, "owner on their draft", err, "")
	_, err = e.App.SubmitReport(ctx, f.actors["researcher"], "nosuchprogram", f.input())
	wantErr(t, "unknown program", err, haven.ErrNotFound)

	for _, st := range []haven.ProgramStatus{haven.StatusSuspended, haven.StatusClosed} {
		if _, err := e.App.UpdateProgram(ctx, haven.System, "acme", app.ProgramPatch{Status: ptr(st)}); err != nil {
			t.Fatal(err)
		}
		_, err := e.App.SubmitReport(ctx, f.actors["researcher"], "acme", f.input())
		wantField(t, string(st)+" program", err, "")
	}
	if _, err := e.App.UpdateProgram(ctx, haven.System, "acme", app.ProgramPatch{Status: ptr(haven.StatusPublished)}); err != nil {
		t.Fatal(err)
	}
	f.submit(t, "researcher")
}

// TestSubmitReportSeverityAndDeadline checks the severity the program's
// bands give and the validation deadline on its calendar, computed here
// by hand: a Critical report submitted on Friday 27 November 2026 at 16:00
// in Paris, with Tuesday 1 December a holiday, counts Mon 30, Wed 2, Thu
// 3, Fri 4 and Mon 7 December: due Monday 7 December at 16:00 Paris time.
func TestSubmitReportSeverityAndDeadline(t *testing.T) {
	ctx := context.Background()
	e := apptest.New(t)
	f := newRepFixture(t, e, "acme")
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	cal := haven.Calendar{TimeZone: "Europe/Paris", Weekend: []string{"saturday", "sunday"}, Holidays: []string{"2026-12-01"}}
	if _, err := e.App.UpdateProgram(ctx, haven.System, "acme", app.ProgramPatch{Calendar: &cal}); err != nil {
		t.Fatal(err)
	}
	submitted := time.Date(2026, 11, 27, 16, 0, 0, 0, paris)
	if submitted.Weekday() != time.Friday {
		t.Fatalf("%v is a %v", submitted, submitted.Weekday())
	}
	e.Clock.Advance(submitted.Sub(e.Clock.Now()))

	submit := func(vector string) *haven.Report {
		t.Helper()
		in := f.input()
		in.CVSSVector = vector
		r, err := e.App.SubmitReport(ctx, f.actors["researcher"], "acme", in)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	check := func(name string, r *haven.Report, score float64, severity string, due time.Time) {
		t.Helper()
		if r.CVSSScore != score || r.Severity != severity {
			t.Errorf("%s: score %v, severity %q; want %v, %q", name, r.CVSSScore, r.Severity, score, severity)
		}
		if r.ValidationDeadline == nil || !r.ValidationDeadline.Equal(due) {
			t.Errorf("%s: deadline %v, want %v", name, r.ValidationDeadline, due.UTC())
		}
	}
	// Default bands: 9.8 is Exceptional (5 working days).
	check("9.8 with the default bands", submit(vec98), 9.8, "Exceptional", time.Date(2026, 12, 7, 16, 0, 0, 0, paris))
	// 7.5 is High: 15 working days, the last on Monday 21 December.
	check("7.5 with the default bands", submit(vec75), 7.5, "High", time.Date(2026, 12, 21, 16, 0, 0, 0, paris))

	// With the plain CVSS bands 9.8 is Critical, which this program gives
	// 10 working days: Mon 30 Nov … Mon 14 December.
	days := map[string]int{"Critical": 10, "High": 15, "Medium": 30, "Low": 60}
	bands := haven.CVSSBands()
	if _, err := e.App.UpdateProgram(ctx, haven.System, "acme", app.ProgramPatch{Bands: &bands, ValidationDays: &days}); err != nil {
		t.Fatal(err)
	}
	check("9.8 with CVSS bands", submit(vec98), 9.8, "Critical", time.Date(2026, 12, 14, 16, 0, 0, 0, paris))
	check("CVSS 4.0 9.3 with CVSS bands", submit(vec93), 9.3, "Critical", time.Date(2026, 12, 14, 16, 0, 0, 0, paris))

	// A severity the program gives no validation time has no deadline.
	days = map[string]int{"High": 15}
	if _, err := e.App.UpdateProgram(ctx, haven.System, "acme", app.ProgramPatch{ValidationDays: &days}); err != nil {
		t.Fatal(err)
	}
	if r := submit(vec98); r.Severity != "Critical" || r.ValidationDeadline != nil {
		t.Errorf("Critical without validation days: severity %q, deadline %v; want no deadline", r.Severity, r.ValidationDeadline)
	}
}

// TestSubmitReportPolicyVersion checks that a report records the rules
// version its reporter accepted, and that a form opened before the rules
// changed is refused.
func TestSubmitReportPolicyVersion(t *testing.T) {
	ctx := context.Background()
	e := apptest.New(t)
	f := newRepFixture(t, e, "acme")
	in := f.input()
	in.PolicyVersion = 1
	r, err := e.App.SubmitReport(ctx, f.actors["researcher"], "acme", in)
	if err != nil || r.PolicyVersion != 1 {
		t.Fatalf("SubmitReport under version 1: %v, %v", r, err)
	}
	if _, err := e.App.UpdateProgram(ctx, haven.System, "acme", app.ProgramPatch{Rules: ptr("No denial of service.")}); err != nil {
		t.Fatal(err)
	}
	in = f.input()
	in.PolicyVersion = 1
	_, err = e.App.SubmitReport(ctx, f.actors["researcher"], "acme", in)
	wantField(t, "stale rules version", err, "accept_rules")
	for _, v := range []int{2, 0} {
		in := f.input()
		in.PolicyVersion = v
		r, err := e.App.SubmitReport(ctx, f.actors["researcher"], "acme", in)
		if err != nil || r.PolicyVersion != 2 {
			t.Errorf("SubmitReport with PolicyVersion %d: %v, %v; want version 2 recorded", v, r, err)
		}
	}
}

// TestSubmitReportRateLimit checks the limit of 20 submissions an hour per
// account: refused submissions do not count, other accounts are not
// affected, and the next window accepts again.
func TestSubmitReportRateLimit(t *testing.T) {
	ctx := context.Background()
	e := apptest.New(t)
	f := newRepFixture(t, e, "acme")
	for i := range 20 {
		if i%5 == 0 {
			bad := f.input()
			bad.Title = ""
			_, err := e.App.SubmitReport(ctx, f.actors["researcher"], "acme", bad)
			wantField(t, "invalid submission", err, "title")
		}
		f.submit(t, "researcher")
		e.Clock.Advance(time.Minute)
	}
	_, err := e.App.SubmitReport(ctx, f.actors["researcher"], "acme", f.input())
	wantErr(t, "21st submission in an hour", err, haven.ErrTooManyRequests)
	var rl *haven.RateLimitError
	if !errors.As(err, &rl) || rl.RetryAfterSeconds <= 0 || rl.RetryAfterSeconds > 3600 {
		t.Errorf("21st submission: %v, want a RateLimitError with a retry time within the hour", err)
	}
	f.submit(t, "other researcher")
	if l, _ := e.App.Reports(ctx, f.actors["researcher"], app.ReportQuery{}); l.Total != 20 {
		t.Errorf("researcher has %d reports, want 20", l.Total)
	}
	e.Clock.Advance(time.Hour)
	f.submit(t, "researcher")
}

// TestReports checks the list use case: the actor's own or their
// programs' reports, the program filter (a program the actor may not see
// lists nothing, without error) and the due filters.
func TestReports(t *testing.T) {
	ctx := context.Background()
	e := apptest.New(t)
	f := newRepFixture(t, e, "acme")
	other := newRepFixture(t, e, "other")
	mine := f.submit(t, "researcher")
	theirs := f.submit(t, "other researcher")
	in := other.input()
	elsewhere, err := e.App.SubmitReport(ctx, f.actors["researcher"], "other", in)
	if err != nil {
		t.Fatal(err)
	}
	list := func(who string, q app.ReportQuery) []string {
		t.Helper()
		l, err := e.App.Reports(ctx, f.actors[who], q)
		if err != nil {
			t.Fatalf("Reports as %s: %v", who, err)
		}
		if l.Total != len(l.Reports) {
			t.Errorf("Reports as %s: total %d for %d reports", who, l.Total, len(l.Reports))
		}
		return sortedIDs(l.Reports)
	}
	tests := []struct {
		who  string
		q    app.ReportQuery
		want []*haven.Report
	}{
		{"researcher", app.ReportQuery{}, []*haven.Report{mine, elsewhere}},
		{"researcher", app.ReportQuery{Program: "other"}, []*haven.Report{elsewhere}},
		{"other researcher", app.ReportQuery{}, []*haven.Report{theirs}},
		{"triager", app.ReportQuery{}, []*haven.Report{mine, theirs}},
		{"triager", app.ReportQuery{Program: "other"}, nil},
		{"triager", app.ReportQuery{Program: "nosuchprogram"}, nil},
		{"admin", app.ReportQuery{}, nil},
		{"triager", app.ReportQuery{States: []haven.ReportState{haven.StateTriaged}}, nil},
		{"triager", app.ReportQuery{Severity: "Exceptional"}, []*haven.Report{mine, theirs}},
		{"triager", app.ReportQuery{Due: "overdue"}, nil},
		{"triager", app.ReportQuery{Due: "soon"}, nil},
	}
	for _, tt := range tests {
		if got, want := list(tt.who, tt.q), sortedIDs(tt.want); !slices.Equal(got, want) {
			t.Errorf("Reports as %s %+v = %v, want %v", tt.who, tt.q, got, want)
		}
	}
	// Due Monday 30 November 09:00: "soon" (48 h) from Saturday, overdue
	// from Monday 09:00 on; an accepted report is no longer due.
	e.Clock.Advance(5*24*time.Hour + time.Minute) // Saturday 28 November 09:01
	if got := list("triager", app.ReportQuery{Due: "soon"}); len(got) != 2 {
		t.Errorf("due soon on Saturday: %v, want both", got)
	}
	if err := e.App.Transition(ctx, f.actors["triager"], theirs.PublicID, app.TransitionInput{To: haven.StateAccepted}); err != nil {
		t.Fatal(err)
	}
	if got := list("triager", app.ReportQuery{Due: "overdue"}); len(got) != 0 {
		t.Errorf("overdue on Saturday: %v, want none", got)
	}
	e.Clock.Advance(2 * 24 * time.Hour) // Monday 30 November 09:01
	if got, want := list("triager", app.ReportQuery{Due: "overdue"}), sortedIDs([]*haven.Report{mine}); !slices.Equal(got, want) {
		t.Errorf("overdue on Monday: %v, want %v", got, want)
	}
	if _, err := e.App.Reports(ctx, haven.Visitor, app.ReportQuery{}); !errors.Is(err, haven.ErrUnauthenticated) {
		t.Errorf("Reports as visitor: %v, want ErrUnauthenticated", err)
	}
}

func sortedIDs(rs []*haven.Report) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.PublicID)
	}
	slices.Sort(out)
	return out
}

// TestTransitionMatrix tries every state change from every state through
// the use case, with every input a rule could need: exactly the changes
// the table allows succeed, each records its event and its references,
// and the rest are refused on "to".
func TestTransitionMatrix(t *testing.T) {
	ctx := context.Background()
	e := apptest.New(t)
	f := newRepFixture(t, e, "acme")
	if err := e.App.SetOutOfScope(ctx, haven.System, "acme", []app.OutOfScopeInput{{Text: "Self-XSS"}}); err != nil {
		t.Fatal(err)
	}
	classes, err := e.DB.OutOfScopeAll(ctx, f.prog.ID)
	if err != nil || len(classes) != 1 {
		t.Fatalf("OutOfScopeAll = %v, %v", classes, err)
	}
	orig := f.submit(t, "other researcher")
	r := f.submit(t, "researcher")
	triager := f.actors["triager"]
	for _, from := range haven.ReportStates {
		for _, to := range haven.ReportStates {
			f.force(t, r.PublicID, from)
			e.Clock.Advance(time.Second)
			err := e.App.Transition(ctx, triager, r.PublicID, app.TransitionInput{To: to, Reason: "Because.",
				DuplicateOf: orig.PublicID, OutOfScopeID: classes[0].ID})
			name := fmt.Sprintf("%s → %s", from, to)
			if _, ok := haven.FindTransition(from, to); !ok {
				wantField(t, name, err, "to")
				if got := f.stored(t, r.PublicID).State; got != from {
					t.Errorf("%s refused, yet the report is %s", name, got)
				}
				continue
			}
			if err != nil {
				t.Errorf("%s: %v", name, err)
				continue
			}
			got := f.stored(t, r.PublicID)
			var wantDup, wantOOS int64
			switch to {
			case haven.StateDuplicate:
				wantDup = orig.ID
			case haven.StateOutOfScope:
				wantOOS = classes[0].ID
			}
			if got.State != to || got.DuplicateOf != wantDup || got.OutOfScopeID != wantOOS || !got.UpdatedAt.Equal(e.Clock.Now()) {
				t.Errorf("%s: state %s, duplicate of %d, class %d, updated %v; want %s, %d, %d, now",
					name, got.State, got.DuplicateOf, got.OutOfScopeID, got.UpdatedAt, to, wantDup, wantOOS)
			}
			ev := f.lastEvent(t, r.PublicID)
			if ev.Kind != "state" || ev.From != string(from) || ev.To != string(to) || ev.Reason != "Because." ||
				ev.ActorID != triager.UserID() || ev.Internal || !ev.At.Equal(e.Clock.Now()) {
				t.Errorf("%s: event %+v", name, ev)
			}
		}
	}
	err = e.App.Transition(ctx, triager, r.PublicID, app.TransitionInput{To: "closed", Reason: "x"})
	wantField(t, "unknown state", err, "to")
}

// TestTransitionRequirements checks what each rule needs: a reason the
// reporter reads, the original of a duplicate, an out-of-scope class (or a
// reason); and the activity each change shows the public.
func TestTransitionRequirements(t *testing.T) {
	ctx := context.Background()
	e := apptest.New(t)
	f := newRepFixture(t, e, "acme")
	triager := f.actors["triager"]
	r := f.submit(t, "researcher")
	for _, rule := range haven.Transitions {
		for _, from := range rule.From {
			f.force(t, r.PublicID, from)
			name := fmt.Sprintf("%s → %s", from, rule.To)
			for _, reason := range []string{"", " \n\t "} {
				err := e.App.Transition(ctx, triager, r.PublicID, app.TransitionInput{To: rule.To, Reason: reason})
				switch {
				case rule.NeedsReason:
					wantField(t, name+" without a reason", err, "reason")
				case rule.NeedsOriginal:
					wantField(t, name+" without the original", err, "duplicate_of")
				case rule.NeedsClass:
					wantField(t, name+" without class or reason", err, "out_of_scope_id")
				case err != nil:
					t.Errorf("%s without a reason: %v", name, err)
				}
				if err == nil {
					f.force(t, r.PublicID, from)
				}
			}
		}
	}
	f.force(t, r.PublicID, haven.StateNew)
	err := e.App.Transition(ctx, triager, r.PublicID, app.TransitionInput{To: haven.StateInformative, Reason: strings.Repeat("x", 50_001)})
	wantField(t, "50,001-character reason", err, "reason")

	// Public activity: accepting and closing show, other changes do not.
	activity := func() []string {
		t.Helper()
		act, err := e.App.Activity(ctx, haven.Visitor, "acme", 0)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, a := range act {
			out = append(out, a.Type+": "+a.Text)
		}
		return out
	}
	steps := []struct {
		in   app.TransitionInput
		want string // the new activity, "" for none
	}{
		{app.TransitionInput{To: haven.StateTriaged}, ""},
		{app.TransitionInput{To: haven.StateNeedsInfo, Reason: "Which version?"}, ""},
		{app.TransitionInput{To: haven.StateAccepted}, "report_accepted: accepted a submission"},
		{app.TransitionInput{To: haven.StateResolved}, "report_resolved: resolved a submission"},
		{app.TransitionInput{To: haven.StateTriaged, Reason: "The fix is incomplete."}, ""},
		{app.TransitionInput{To: haven.StateSpam, Reason: "Spam."}, "report_closed: closed a submission"},
		{app.TransitionInput{To: haven.StateTriaged, Reason: "Not spam after all."}, ""},
		{app.TransitionInput{To: haven.StateNotApplicable, Reason: "Works as intended."}, "report_closed: closed a submission"},
	}
	for _, s := range steps {
		before := activity()
		if err := e.App.Transition(ctx, triager, r.PublicID, s.in); err != nil {
			t.Fatalf("→ %s: %v", s.in.To, err)
		}
		after := activity()
		var added []string
		if len(after) > len(before) {
			added = after[:len(after)-len(before)] // newest first
		}
		if s.want == "" && len(added) != 0 || s.want != "" && !slices.Equal(added, []string{s.want}) {
			t.Errorf("→ %s added activity %q, want %q", s.in.To, added, s.want)
		}
		for _, a := range after {
			if strings.Contains(a, r.Title) || strings.Contains(a, r.PublicID) {
				t.Errorf("activity %q names the report", a)
			}
		}
	}
}

// TestTransitionOutOfScope checks the class a report is closed with: one
// of this program's classes, archived ones included; another program's
// class is refused; a reason alone will do.
func TestTransitionOutOfScope(t *testing.T) {
	ctx := context.Background()
	e := apptest.New(t)
	f := newRepFixture(t, e, "acme")
	newRepFixture(t, e, "other")
	for slug, texts := range map[string][]string{"acme": {"Self-XSS", "Clickjacking"}, "other": {"Rate limits"}} {
		var in []app.OutOfScopeInput
		for _, s := range texts {
			in = append(in, app.OutOfScopeInput{Text: s})
		}
		if err := e.App.SetOutOfScope(ctx, haven.System, slug, in); err != nil {
			t.Fatal(err)
		}
	}
	acme, _ := e.DB.OutOfScopeAll(ctx, f.prog.ID)
	otherProg, _ := e.DB.ProgramBySlug(ctx, "other")
	otherClasses, _ := e.DB.OutOfScopeAll(ctx, otherProg.ID)
	// Archive "Clickjacking" by leaving it out.
	if err := e.App.SetOutOfScope(ctx, haven.System, "acme", []app.OutOfScopeInput{{ID: acme[0].ID, Text: "Self-XSS"}}); err != nil {
		t.Fatal(err)
	}
	triager := f.actors["triager"]
	tests := []struct {
		name   string
		class  int64
		reason string
		field  string
	}{
		{"current class", acme[0].ID, "", ""},
		{"archived class", acme[1].ID, "", ""},
		{"reason only", 0, "Social engineering.", ""},
		{"class and reason", acme[0].ID, "See the policy.", ""},
		{"another program's class", otherClasses[0].ID, "x", "out_of_scope_id"},
		{"unknown class", 99999, "x", "out_of_scope_id"},
		{"neither", 0, " ", "out_of_scope_id"},
	}
	for _, tt := range tests {
		r := f.submit(t, "researcher")
		err := e.App.Transition(ctx, triager, r.PublicID, app.TransitionInput{To: haven.StateOutOfScope, OutOfScopeID: tt.class, Reason: tt.reason})
		if tt.field != "" {
			wantField(t, tt.name, err, tt.field)
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if got := f.stored(t, r.PublicID); got.State != haven.StateOutOfScope || got.OutOfScopeID != tt.class {
			t.Errorf("%s: state %s, class %d; want out_of_scope, %d", tt.name, got.State, got.OutOfScopeID, tt.class)
		}
	}
}

// TestTransitionDuplicate checks duplicates: the original must be another
// report of the same program (another program's report is refused exactly
// like one that does not exist), chains resolve to the first original,
// cycles are refused, and the duplicate's reporter learns the original's
// id, state and date, never its content.
func TestTransitionDuplicate(t *testing.T) {
	ctx := context.Background()
	e := apptest.New(t)
	f := newRepFixture(t, e, "acme")
	other := newRepFixture(t, e, "other")
	triager := f.actors["triager"]
	dup := func(r, original *haven.Report) error {
		return e.App.Transition(ctx, triager, r.PublicID, app.TransitionInput{To: haven.StateDuplicate, DuplicateOf: original.PublicID})
	}
	reopen := func(r *haven.Report) {
		t.Helper()
		if err := e.App.Transition(ctx, triager, r.PublicID, app.TransitionInput{To: haven.StateTriaged, Reason: "Reopened."}); err != nil {
			t.Fatal(err)
		}
	}
	original := f.submit(t, "other researcher")
	r := f.submit(t, "researcher")
	elsewhere := other.submit(t, "researcher")

	errOther := dup(r, elsewhere)
	wantField(t, "original in another program", errOther, "duplicate_of")
	errUnknown := e.App.Transition(ctx, triager, r.PublicID, app.TransitionInput{To: haven.StateDuplicate, DuplicateOf: "nosuchreport"})
	wantField(t, "unknown original", errUnknown, "duplicate_of")
	if errOther.Error() != errUnknown.Error() {
		t.Errorf("another program's report: %q, unknown: %q; the difference leaks its existence", errOther, errUnknown)
	}
	wantField(t, "itself", dup(r, r), "duplicate_of")
	err := e.App.Transition(ctx, triager, r.PublicID, app.TransitionInput{To: haven.StateDuplicate})
	wantField(t, "no original", err, "duplicate_of")

	if err := dup(r, original); err != nil {
		t.Fatal(err)
	}
	if got := f.stored(t, r.PublicID); got.DuplicateOf != original.ID {
		t.Errorf("duplicate_of = %d, want %d", got.DuplicateOf, original.ID)
	}
	// A duplicate of the duplicate points at the original.
	r2 := f.submit(t, "researcher")
	if err := dup(r2, r); err != nil {
		t.Fatal(err)
	}
	if got := f.stored(t, r2.PublicID); got.DuplicateOf != original.ID {
		t.Errorf("duplicate of a duplicate: duplicate_of = %d, want the first original %d", got.DuplicateOf, original.ID)
	}

	// A longer chain: x → y; y reopened and closed as a duplicate of z.
	// A duplicate of x points at z.
	x, y, z, w := f.submit(t, "researcher"), f.submit(t, "researcher"), f.submit(t, "researcher"), f.submit(t, "researcher")
	if err := dup(x, y); err != nil {
		t.Fatal(err)
	}
	reopen(y)
	if err := dup(y, z); err != nil {
		t.Fatal(err)
	}
	if err := dup(w, x); err != nil {
		t.Fatal(err)
	}
	if got := f.stored(t, w.PublicID); got.DuplicateOf != z.ID {
		t.Errorf("duplicate of x (→ y → z): duplicate_of = %d, want z %d", got.DuplicateOf, z.ID)
	}
	// A cycle: a → b; b reopened, then closed as a duplicate of a, whose
	// original is b itself. Refused; b stays open.
	ra, rb := f.submit(t, "researcher"), f.submit(t, "researcher")
	if err := dup(ra, rb); err != nil {
		t.Fatal(err)
	}
	reopen(rb)
	wantField(t, "duplicate of its own duplicate", dup(rb, ra), "duplicate_of")
	if got := f.stored(t, rb.PublicID); got.State != haven.StateTriaged || got.DuplicateOf != 0 {
		t.Errorf("after the refused cycle: %s, duplicate of %d", got.State, got.DuplicateOf)
	}

	// The reporter of the duplicate sees what it duplicates (id, state,
	// date) but may not open it; the team sees how many duplicates the
	// original has.
	v, err := e.App.Report(ctx, f.actors["researcher"], r.PublicID)
	if err != nil {
		t.Fatal(err)
	}
	want := &app.ReportRef{PublicID: original.PublicID, State: haven.StateNew, SubmittedAt: original.SubmittedAt}
	if diff := cmp.Diff(want, v.Original); diff != "" {
		t.Errorf("Original as the duplicate's reporter (-want +got):\n%s", diff)
	}
	if _, err := e.App.Report(ctx, f.actors["researcher"], original.PublicID); !errors.Is(err, haven.ErrNotFound) {
		t.Errorf("the duplicate's reporter opens the original: %v, want ErrNotFound", err)
	}
	ov, err := e.App.Report(ctx, triager, original.PublicID)
	if err != nil {
		t.Fatal(err)
	}
	if ov.Duplicates != 2 {
		t.Errorf("original has %d duplicates, want 2", ov.Duplicates)
	}
	// Reopening a duplicate clears its original.
	reopen(r)
	if got := f.stored(t, r.PublicID); got.DuplicateOf != 0 {
		t.Errorf("reopened duplicate still points at %d", got.DuplicateOf)
	}
}

// TestTransitionConcurrent runs two state changes of one report at once,
// 20 times on each database: with the state they were decided from
// (TransitionInput.From), exactly one succeeds and the other gets
// ErrConflict; the report ends in the winner's state with one event.
func TestTransitionConcurrent(t *testing.T) {
	apptest.Run(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		f := newRepFixture(t, e, "acme")
		changes := [2]struct {
			who string
			in  app.TransitionInput
		}{
			{"triager", app.TransitionInput{From: haven.StateNew, To: haven.StateAccepted}},
			{"owner", app.TransitionInput{From: haven.StateNew, To: haven.StateSpam, Reason: "Spam."}},
		}
		wins := [2]int{}
		for round := range 20 {
			if round%10 == 0 {
				e.Clock.Advance(time.Hour) // below the submission limit
			}
			r := f.submit(t, "researcher")
			var errs [2]error
			var wg sync.WaitGroup
			start := make(chan struct{})
			for i, c := range changes {
				wg.Go(func() {
					<-start
					errs[i] = e.App.Transition(ctx, f.actors[c.who], r.PublicID, c.in)
				})
			}
			close(start)
			wg.Wait()
			winner := -1
			for i, err := range errs {
				switch {
				case err == nil && winner >= 0:
					t.Errorf("round %d: both changes succeeded", round)
				case err == nil:
					winner = i
				case !errors.Is(err, haven.ErrConflict):
					t.Errorf("round %d: %s: %v, want ErrConflict", round, changes[i].in.To, err)
				}
			}
			if winner < 0 {
				t.Errorf("round %d: no change succeeded: %v", round, errs)
				continue
			}
			wins[winner]++
			if got := f.stored(t, r.PublicID).State; got != changes[winner].in.To {
				t.Errorf("round %d: state %s, want the winner's %s", round, got, changes[winner].in.To)
			}
			es, _ := e.DB.ReportEvents(ctx, r.ID, true)
			if n := len(es); n != 2 { // submitted, the winner's change
				t.Errorf("round %d: %d events, want 2", round, n)
			}
		}
		t.Logf("wins: %s %d, %s %d", changes[0].in.To, wins[0], changes[1].in.To, wins[1])
	})
}

// TestTransitionFrom checks the compare-and-set without concurrency: a
// change decided on a state the report has left is ErrConflict, but only
// for those who may triage; everyone else gets their usual answer.
func TestTransitionFrom(t *testing.T) {
	ctx := context.Background()
	e := apptest.New(t)
	f := newRepFixture(t, e, "acme")
	r := f.submit(t, "researcher")
	if err := e.App.Transition(ctx, f.actors["triager"], r.PublicID, app.TransitionInput{From: haven.StateNew, To: haven.StateTriaged}); err != nil {
		t.Fatal(err)
	}
	err := e.App.Transition(ctx, f.actors["owner"], r.PublicID, app.TransitionInput{From: haven.StateNew, To: haven.StateAccepted})
	wantErr(t, "stale from-state", err, haven.ErrConflict)
	wantErr(t, "viewer with a stale from-state",
		e.App.Transition(ctx, f.actors["viewer"], r.PublicID, app.TransitionInput{From: haven.StateNew, To: haven.StateAccepted}), haven.ErrForbidden)
	wantErr(t, "outsider with a stale from-state",
		e.App.Transition(ctx, f.actors["other researcher"], r.PublicID, app.TransitionInput{From: haven.StateNew, To: haven.StateAccepted}), haven.ErrNotFound)
	if got := f.stored(t, r.PublicID).State; got != haven.StateTriaged {
		t.Errorf("state %s after refused changes, want triaged", got)
	}
	if err := e.App.Transition(ctx, f.actors["owner"], r.PublicID, app.TransitionInput{From: haven.StateTriaged, To: haven.StateAccepted}); err != nil {
		t.Errorf("current from-state: %v", err)
	}
	// Without From the same change twice is refused on "to" the second
	// time (the report already is in that state).
	r2 := f.submit(t, "researcher")
	for i := range 2 {
		err := e.App.Transition(ctx, f.actors["triager"], r2.PublicID, app.TransitionInput{To: haven.StateTriaged})
		if i == 0 && err != nil {
			t.Fatal(err)
		}
		if i == 1 {
			wantField(t, "the same change twice", err, "to")
		}
	}
}

// TestChangeCVSS checks rescoring: the severity and the deadline follow
// the new vector, counted from the submission (not from now), the history
// keeps the old vector, and an unchanged vector records nothing.
func TestChangeCVSS(t *testing.T) {
	ctx := context.Background()
	e := apptest.New(t)
	f := newRepFixture(t, e, "acme")
	paris, _ := time.LoadLocation("Europe/Paris")
	cal := haven.Calendar{TimeZone: "Europe/Paris", Weekend: []string{"saturday", "sunday"}, Holidays: []string{"2026-12-01"}}
	if _, err := e.App.UpdateProgram(ctx, haven.System, "acme", app.ProgramPatch{Calendar: &cal}); err != nil {
		t.Fatal(err)
	}
	e.Clock.Advance(time.Date(2026, 11, 27, 16, 0, 0, 0, paris).Sub(e.Clock.Now())) // Friday 16:00 Paris
	r := f.submit(t, "researcher")
	e.Clock.Advance(3 * 24 * time.Hour) // rescored on Monday

	// Metrics in another order: the canonical vector is stored.
	if err := e.App.ChangeCVSS(ctx, f.actors["triager"], r.PublicID, "CVSS:3.1/C:H/I:N/A:N/AV:N/AC:L/PR:N/UI:N/S:U", " Integrity is not affected. "); err != nil {
		t.Fatal(err)
	}
	got := f.stored(t, r.PublicID)
	due := time.Date(2026, 12, 21, 16, 0, 0, 0, paris) // 15 working days from Friday 27 November
	if got.CVSSVector != vec75 || got.CVSSScore != 7.5 || got.Severity != "High" || got.ValidationDeadline == nil || !got.ValidationDeadline.Equal(due) {
		t.Errorf("after rescoring: %s %v %q due %v; want %s 7.5 High due %v", got.CVSSVector, got.CVSSScore, got.Severity, got.ValidationDeadline, vec75, due.UTC())
	}
	if !got.UpdatedAt.Equal(e.Clock.Now()) || !got.SubmittedAt.Equal(r.SubmittedAt) {
		t.Errorf("updated %v, submitted %v; want now and unchanged", got.UpdatedAt, got.SubmittedAt)
	}
	ev := f.lastEvent(t, r.PublicID)
	want := haven.ReportEvent{ID: ev.ID, ReportID: r.ID, ActorID: f.users["triager"].ID, At: e.Clock.Now(), Kind: "cvss",
		From: vec98, To: vec75, Reason: "Integrity is not affected."}
	if diff := cmp.Diff(want, ev); diff != "" {
		t.Errorf("cvss event (-want +got):\n%s", diff)
	}
	// The same vector again, in any order, changes nothing.
	if err := e.App.ChangeCVSS(ctx, f.actors["owner"], r.PublicID, " "+vec75+" ", "again"); err != nil {
		t.Fatal(err)
	}
	if ev2 := f.lastEvent(t, r.PublicID); ev2.ID != ev.ID {
		t.Errorf("unchanged vector recorded %+v", ev2)
	}
	err := e.App.ChangeCVSS(ctx, f.actors["triager"], r.PublicID, "CVSS:3.1/AV:Z", "")
	wantField(t, "invalid vector", err, "cvss_vector")
	err = e.App.ChangeCVSS(ctx, f.actors["triager"], r.PublicID, "  ", "Not scored yet.")
	wantField(t, "no vector", err, "cvss_vector")
	wantErr(t, "viewer", e.App.ChangeCVSS(ctx, f.actors["viewer"], r.PublicID, vec98, ""), haven.ErrForbidden)
	wantErr(t, "reporter", e.App.ChangeCVSS(ctx, f.actors["researcher"], r.PublicID, vec98, ""), haven.ErrForbidden)
	if got := f.stored(t, r.PublicID); got.CVSSVector != vec75 {
		t.Errorf("refused rescoring changed the vector to %s", got.CVSSVector)
	}
}

// TestAssign checks that reports go only to the program's triagers and
// owners, that 0 unassigns, and that the history entry is internal.
func TestAssign(t *testing.T) {
	ctx := context.Background()
	e := apptest.New(t)
	f := newRepFixture(t, e, "acme")
	other := newRepFixture(t, e, "other")
	r := f.submit(t, "researcher")
	tests := []struct {
		name     string
		assignee int64
		ok       bool
	}{
		{"triager", f.users["triager"].ID, true},
		{"owner", f.users["owner"].ID, true},
		{"nobody", 0, true},
		{"viewer", f.users["viewer"].ID, false},
		{"the reporter", f.users["researcher"].ID, false},
		{"instance admin", f.users["admin"].ID, false},
		{"another program's owner", other.users["owner"].ID, false},
		{"unknown account", 99999, false},
	}
	for _, tt := range tests {
		before := f.stored(t, r.PublicID).AssigneeID
		err := e.App.Assign(ctx, f.actors["triager"], r.PublicID, tt.assignee)
		got := f.stored(t, r.PublicID).AssigneeID
		if !tt.ok {
			wantField(t, "assign to "+tt.name, err, "assignee")
			if got != before {
				t.Errorf("refused assignment to %s changed the assignee to %d", tt.name, got)
			}
			continue
		}
		if err != nil || got != tt.assignee {
			t.Errorf("assign to %s: %v, assignee %d", tt.name, err, got)
		}
	}
	if err := e.App.Assign(ctx, f.actors["owner"], r.PublicID, f.users["triager"].ID); err != nil {
		t.Fatal(err)
	}
	if l, _ := e.App.Reports(ctx, f.actors["owner"], app.ReportQuery{Assignee: f.users["triager"].ID}); l.Total != 1 {
		t.Errorf("reports assigned to the triager: %d, want 1", l.Total)
	}
	if l, _ := e.App.Reports(ctx, f.actors["owner"], app.ReportQuery{Assignee: -1}); l.Total != 0 {
		t.Errorf("unassigned reports: %d, want 0", l.Total)
	}
	ev := f.lastEvent(t, r.PublicID)
	if ev.Kind != "assign" || !ev.Internal || ev.To != fmt.Sprint(f.users["triager"].ID) {
		t.Errorf("assign event %+v, want an internal one", ev)
	}
	// The reporter's view has no assignment in its history.
	v, err := e.App.Report(ctx, f.actors["researcher"], r.PublicID)
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range v.Events {
		if ev.Kind == "assign" || ev.Internal {
			t.Errorf("the reporter sees %+v", ev)
		}
	}
}

// TestComment checks who comments how: the reporter publicly only, the
// team publicly or internally, a viewer not at all; internal comments
// reach only the team; a reporter's answer to a needs_info report sends it
// back to triage.
func TestComment(t *testing.T) {
	ctx := context.Background()
	e := apptest.New(t)
	f := newRepFixture(t, e, "acme")
	r := f.submit(t, "researcher")

	_, err := e.App.Comment(ctx, f.actors["researcher"], r.PublicID, "Let me note this internally.", true)
	wantField(t, "reporter's internal comment", err, "internal")
	for _, internal := range []bool{false, true} {
		_, err = e.App.Comment(ctx, f.actors["viewer"], r.PublicID, "Viewer here.", internal)
		wantErr(t, fmt.Sprintf("viewer's comment (internal %t)", internal), err, haven.ErrForbidden)
	}
	_, err = e.App.Comment(ctx, f.actors["researcher"], r.PublicID, " \n ", false)
	wantField(t, "empty comment", err, "body")
	_, err = e.App.Comment(ctx, f.actors["researcher"], r.PublicID, strings.Repeat("x", 50_001), false)
	wantField(t, "50,001-character comment", err, "body")

	if _, err := e.App.Comment(ctx, f.actors["researcher"], r.PublicID, "More details.", false); err != nil {
		t.Fatal(err)
	}
	if _, err := e.App.Comment(ctx, f.actors["triager"], r.PublicID, "Looks like a dup of last month's.", true); err != nil {
		t.Fatal(err)
	}
	c, err := e.App.Comment(ctx, f.actors["owner"], r.PublicID, "  Thanks, we are on it.  ", false)
	if err != nil {
		t.Fatal(err)
	}
	if c.Body != "Thanks, we are on it." || c.Internal || c.AuthorID != f.users["owner"].ID || !c.CreatedAt.Equal(e.Clock.Now()) {
		t.Errorf("comment %+v", c)
	}
	bodies := func(who string) []string {
		t.Helper()
		v, err := e.App.Report(ctx, f.actors[who], r.PublicID)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, c := range v.Comments {
			out = append(out, c.Body)
		}
		return out
	}
	public := []string{"More details.", "Thanks, we are on it."}
	all := []string{"More details.", "Looks like a dup of last month's.", "Thanks, we are on it."}
	for who, want := range map[string][]string{"researcher": public, "viewer": all, "triager": all, "owner": all} {
		if got := bodies(who); !slices.Equal(got, want) {
			t.Errorf("comments %s sees: %q, want %q", who, got, want)
		}
	}

	// needs_info: the team's comment leaves it waiting, the reporter's
	// answer sends it back to triage.
	if err := e.App.Transition(ctx, f.actors["triager"], r.PublicID, app.TransitionInput{To: haven.StateNeedsInfo, Reason: "Which version?"}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.App.Comment(ctx, f.actors["triager"], r.PublicID, "Also the browser, please.", false); err != nil {
		t.Fatal(err)
	}
	if got := f.stored(t, r.PublicID).State; got != haven.StateNeedsInfo {
		t.Errorf("after the team's comment: %s, want needs_info", got)
	}
	e.Clock.Advance(time.Hour)
	if _, err := e.App.Comment(ctx, f.actors["researcher"], r.PublicID, "4.2, Firefox.", false); err != nil {
		t.Fatal(err)
	}
	got := f.stored(t, r.PublicID)
	if got.State != haven.StateTriaged || !got.UpdatedAt.Equal(e.Clock.Now()) {
		t.Errorf("after the reporter's answer: %s, updated %v; want triaged, now", got.State, got.UpdatedAt)
	}
	ev := f.lastEvent(t, r.PublicID)
	if ev.Kind != "state" || ev.From != "needs_info" || ev.To != "triaged" || ev.ActorID != f.users["researcher"].ID || ev.Internal {
		t.Errorf("answer event %+v", ev)
	}
	// On another state the reporter's comment changes nothing.
	if _, err := e.App.Comment(ctx, f.actors["researcher"], r.PublicID, "Any news?", false); err != nil {
		t.Fatal(err)
	}
	if got := f.stored(t, r.PublicID).State; got != haven.StateTriaged {
		t.Errorf("after a comment on a triaged report: %s", got)
	}
}

// TestSubmitReportOnce checks the API's Idempotency-Key: a retry with the
// same key and body gets the first report back, another body is refused,
// a failed request frees its key, and keys belong to one account.
func TestSubmitReportOnce(t *testing.T) {
	ctx := context.Background()
	e := apptest.New(t)
	f := newRepFixture(t, e, "acme")
	researcher := f.actors["researcher"]
	in := f.input()
	r1, replayed, err := e.App.SubmitReportOnce(ctx, researcher, "acme", "key-1", "hash-a", in)
	if err != nil || replayed {
		t.Fatalf("first request: %v, replayed %t", err, replayed)
	}
	r2, replayed, err := e.App.SubmitReportOnce(ctx, researcher, "acme", "key-1", "hash-a", in)
	if err != nil || !replayed || r2.PublicID != r1.PublicID {
		t.Errorf("retry: %v, %v, replayed %t; want report %s replayed", r2, err, replayed, r1.PublicID)
	}
	if diff := cmp.Diff(r1, r2); diff != "" {
		t.Errorf("replayed report differs (-first +retry):\n%s", diff)
	}
	_, _, err = e.App.SubmitReportOnce(ctx, researcher, "acme", "key-1", "hash-b", f.input())
	if !errors.Is(err, app.ErrIdempotencyMismatch) {
		t.Errorf("same key, other body: %v, want ErrIdempotencyMismatch", err)
	}
	var inv *haven.InvalidError
	if !errors.As(err, &inv) {
		t.Errorf("ErrIdempotencyMismatch is not an InvalidError (422): %v", err)
	}
	// The same key for another account is another key.
	r3, replayed, err := e.App.SubmitReportOnce(ctx, f.actors["other researcher"], "acme", "key-1", "hash-a", in)
	if err != nil || replayed || r3.PublicID == r1.PublicID {
		t.Errorf("another account's key-1: %v, replayed %t, id %s", err, replayed, r3.PublicID)
	}
	// A refused request frees its key: the corrected one goes through.
	bad := f.input()
	bad.Title = ""
	_, _, err = e.App.SubmitReportOnce(ctx, researcher, "acme", "key-2", "hash-bad", bad)
	wantField(t, "invalid body", err, "title")
	r4, replayed, err := e.App.SubmitReportOnce(ctx, researcher, "acme", "key-2", "hash-good", f.input())
	if err != nil || replayed {
		t.Errorf("key of a failed request, reused: %v, replayed %t", err, replayed)
	}
	// No key: every request submits.
	r5, replayed, err := e.App.SubmitReportOnce(ctx, researcher, "acme", "", "hash-a", in)
	if err != nil || replayed || r5.PublicID == r1.PublicID || r5.PublicID == r4.PublicID {
		t.Errorf("no key: %v, replayed %t", err, replayed)
	}
	_, _, err = e.App.SubmitReportOnce(ctx, researcher, "acme", strings.Repeat("k", 201), "h", in)
	wantField(t, "201-character key", err, "Idempotency-Key")
	if l, _ := e.App.Reports(ctx, researcher, app.ReportQuery{}); l.Total != 3 {
		t.Errorf("researcher has %d reports, want 3", l.Total)
	}
}

// TestSubmitReportOnceConcurrent sends one request ten times at once with
// the same key, on each database: exactly one report is made, and every
// call returns it or ErrConflict (the first is still running).
func TestSubmitReportOnceConcurrent(t *testing.T) {
	apptest.Run(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		f := newRepFixture(t, e, "acme")
		in := f.input()
		for round := range 3 {
			key := fmt.Sprint("race-", round)
			const n = 10
			var (
				wg       sync.WaitGroup
				reports  [n]*haven.Report
				replayed [n]bool
				errs     [n]error
			)
			start := make(chan struct{})
			for i := range n {
				wg.Go(func() {
					<-start
					reports[i], replayed[i], errs[i] = e.App.SubmitReportOnce(ctx, f.actors["researcher"], "acme", key, "hash", in)
				})
			}
			close(start)
			wg.Wait()
			l, err := e.App.Reports(ctx, f.actors["researcher"], app.ReportQuery{})
			if err != nil {
				t.Fatal(err)
			}
			if l.Total != round+1 {
				t.Fatalf("round %d: %d reports in all, want %d", round, l.Total, round+1)
			}
			made, fresh := "", 0
			for i := range n {
				switch {
				case errs[i] == nil && made == "":
					made = reports[i].PublicID
				case errs[i] == nil && reports[i].PublicID != made:
					t.Errorf("round %d: call %d returned %s, another %s", round, i, reports[i].PublicID, made)
				case errs[i] != nil && !errors.Is(errs[i], haven.ErrConflict):
					t.Errorf("round %d: call %d: %v, want the report or ErrConflict", round, i, errs[i])
				}
				if errs[i] == nil && !replayed[i] {
					fresh++
				}
			}
			if made == "" || fresh != 1 {
				t.Errorf("round %d: %d calls made a report (report %q), want exactly 1", round, fresh, made)
			}
			if made != "" && l.Reports[0].PublicID != made && !slices.ContainsFunc(l.Reports, func(r *haven.Report) bool { return r.PublicID == made }) {
				t.Errorf("round %d: the returned report %s is not in the list", round, made)
			}
		}
	})
}
