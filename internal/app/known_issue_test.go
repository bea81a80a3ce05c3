package app_test

// App-level tests of known issues: who records and reads them, closing a
// report as a duplicate of one, what the reporter learns of it (its id and
// date, never its title), archiving, and the program boundary.

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/haven-project/haven/internal/app"
	"github.com/haven-project/haven/internal/apptest"
	"github.com/haven-project/haven/internal/haven"
)

// TestKnownIssueAccess: the program's team reads known issues, triagers
// and owners record them; nobody else does either. A program one may not
// see is not found.
func TestKnownIssueAccess(t *testing.T) {
	apptest.Run(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		f := newRepFixture(t, e, "acme")
		other := newProgramFixture(t, e, "other", haven.StatusPublished)
		draft := newProgramFixture(t, e, "draft", haven.StatusDraft)
		actors := map[string]haven.Actor{"other owner": other.actors["owner"]}
		for name, a := range f.actors {
			actors[name] = a
		}
		in := app.KnownIssueInput{Title: "Self-XSS in the console", Description: "Found by our fuzzer."}

		const A = "allowed"
		for _, tt := range []struct {
			who       string
			list, add any // A or the error
		}{
			{"triager", A, A},
			{"owner", A, A},
			{"viewer", A, haven.ErrForbidden},
			{"visitor", haven.ErrUnauthenticated, haven.ErrUnauthenticated},
			{"researcher", haven.ErrForbidden, haven.ErrForbidden},
			{"other researcher", haven.ErrForbidden, haven.ErrForbidden},
			{"admin", haven.ErrForbidden, haven.ErrForbidden},
			{"other owner", haven.ErrForbidden, haven.ErrForbidden},
		} {
			a := actors[tt.who]
			k, err := e.App.AddKnownIssue(ctx, a, "acme", in)
			if tt.add == A {
				if err != nil || k.PublicID == "" || k.Title != in.Title || k.CreatedBy != a.UserID() {
					t.Errorf("%s adds a known issue: %+v, %v", tt.who, k, err)
				}
			} else {
				wantErr(t, tt.who+" adds a known issue", err, tt.add.(error))
			}
			_, ks, err := e.App.KnownIssues(ctx, a, "acme", false)
			if tt.list == A {
				if err != nil || len(ks) == 0 {
					t.Errorf("%s lists known issues: %d, %v", tt.who, len(ks), err)
				}
			} else {
				wantErr(t, tt.who+" lists known issues", err, tt.list.(error))
				if len(ks) != 0 {
					t.Errorf("%s was refused but got %d known issues", tt.who, len(ks))
				}
			}
		}
		if _, ks, _ := e.App.KnownIssues(ctx, f.actors["viewer"], "acme", true); len(ks) != 2 {
			t.Errorf("%d known issues recorded, want 2 (triager, owner)", len(ks))
		}

		// A draft program: those who may not see it are told it does not
		// exist; an instance admin sees it but is no member.
		for _, tt := range []struct {
			who  string
			want error
		}{
			{"visitor", haven.ErrNotFound},
			{"researcher", haven.ErrNotFound},
			{"admin", haven.ErrForbidden},
		} {
			_, _, err := e.App.KnownIssues(ctx, draft.actors[tt.who], "draft", false)
			wantErr(t, tt.who+" lists a draft program's known issues", err, tt.want)
			_, err = e.App.AddKnownIssue(ctx, draft.actors[tt.who], "draft", in)
			wantErr(t, tt.who+" adds to a draft program", err, tt.want)
		}
		if _, err := e.App.AddKnownIssue(ctx, draft.actors["triager"], "draft", in); err != nil {
			t.Errorf("the draft program's triager adds a known issue: %v", err)
		}
		_, _, err := e.App.KnownIssues(ctx, f.actors["triager"], "nosuchprogram", false)
		wantErr(t, "an unknown program", err, haven.ErrNotFound)

		for _, tt := range []struct {
			name  string
			in    app.KnownIssueInput
			field string
		}{
			{"no title", app.KnownIssueInput{Title: "  "}, "title"},
			{"two-line title", app.KnownIssueInput{Title: "a\nb"}, "title"},
			{"long title", app.KnownIssueInput{Title: strings.Repeat("x", 1000)}, "title"},
		} {
			_, err := e.App.AddKnownIssue(ctx, f.actors["triager"], "acme", tt.in)
			wantField(t, tt.name, err, tt.field)
		}
	})
}

// TestDuplicateOfKnownIssue closes reports as duplicates of a known issue:
// the reporter sees its id and date, the team its title; it counts its
// duplicates; an archived one or another program's is refused; reopening
// the report clears the link.
func TestDuplicateOfKnownIssue(t *testing.T) {
	apptest.Run(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		f := newRepFixture(t, e, "acme")
		other := newRepFixture(t, e, "other")
		triager := f.actors["triager"]
		k, err := e.App.AddKnownIssue(ctx, triager, "acme", app.KnownIssueInput{Title: "Secret: XSS in the notebook renderer", Description: "Tracked internally."})
		if err != nil {
			t.Fatal(err)
		}
		dup := func(r *haven.Report, original string) error {
			return e.App.Transition(ctx, triager, r.PublicID, app.TransitionInput{To: haven.StateDuplicate, DuplicateOf: original})
		}
		r := f.submit(t, "researcher")
		if err := dup(r, k.PublicID); err != nil {
			t.Fatal(err)
		}
		got := f.stored(t, r.PublicID)
		if got.State != haven.StateDuplicate || got.DuplicateKnownID != k.ID || got.DuplicateOf != 0 {
			t.Errorf("stored duplicate: state %s, known issue %d, duplicate of %d; want duplicate of known issue %d",
				got.State, got.DuplicateKnownID, got.DuplicateOf, k.ID)
		}

		// The reporter learns which known issue, and when the program
		// recorded it: never its title or description.
		v, err := e.App.Report(ctx, f.actors["researcher"], r.PublicID)
		if err != nil {
			t.Fatal(err)
		}
		want := &app.ReportRef{PublicID: k.PublicID, KnownIssue: true, SubmittedAt: k.CreatedAt}
		if diff := cmp.Diff(want, v.Original); diff != "" {
			t.Errorf("Original as the reporter (-want +got):\n%s", diff)
		}
		if v.KnownIssue != nil || len(v.KnownIssues) != 0 {
			t.Errorf("the reporter sees the known issue: %+v, %d listed", v.KnownIssue, len(v.KnownIssues))
		}
		for _, ev := range v.Events {
			if strings.Contains(ev.Reason+ev.To+ev.From, "Secret") {
				t.Errorf("the reporter's history names the known issue: %+v", ev)
			}
		}
		tv, err := e.App.Report(ctx, f.actors["viewer"], r.PublicID)
		if err != nil {
			t.Fatal(err)
		}
		if tv.KnownIssue == nil || tv.KnownIssue.Title != k.Title || tv.Original == nil || !tv.Original.KnownIssue {
			t.Errorf("the team's view: known issue %+v, original %+v", tv.KnownIssue, tv.Original)
		}

		count := func() int {
			t.Helper()
			_, ks, err := e.App.KnownIssues(ctx, triager, "acme", true)
			if err != nil || len(ks) != 1 {
				t.Fatalf("KnownIssues = %d, %v", len(ks), err)
			}
			return ks[0].Duplicates
		}
		if n := count(); n != 1 {
			t.Errorf("known issue has %d duplicates, want 1", n)
		}
		r2 := f.submit(t, "other researcher")
		f.force(t, r2.PublicID, haven.StateAccepted)
		if err := dup(r2, " "+k.PublicID+" "); err != nil {
			t.Fatalf("an accepted report as a duplicate of the known issue (id with spaces): %v", err)
		}
		if n := count(); n != 2 {
			t.Errorf("known issue has %d duplicates, want 2", n)
		}

		// Another program's known issue is no original here, and is
		// refused exactly as an id that does not exist.
		ko, err := e.App.AddKnownIssue(ctx, other.actors["triager"], "other", app.KnownIssueInput{Title: "Elsewhere"})
		if err != nil {
			t.Fatal(err)
		}
		r3 := f.submit(t, "researcher")
		errOther := dup(r3, ko.PublicID)
		wantField(t, "another program's known issue", errOther, "duplicate_of")
		errUnknown := dup(r3, "nosuchissue00000")
		if errOther.Error() != errUnknown.Error() {
			t.Errorf("another program's known issue: %q, unknown: %q", errOther, errUnknown)
		}

		// Archived: it takes no more duplicates, and leaves the list.
		if _, err := e.App.UpdateKnownIssue(ctx, triager, "acme", k.PublicID, app.KnownIssuePatch{Archived: ptr(true)}); err != nil {
			t.Fatal(err)
		}
		wantField(t, "an archived known issue", dup(r3, k.PublicID), "duplicate_of")
		if got := f.stored(t, r3.PublicID); got.State != haven.StateNew || got.DuplicateKnownID != 0 {
			t.Errorf("after the refused duplicate: %s, known issue %d", got.State, got.DuplicateKnownID)
		}
		if _, ks, _ := e.App.KnownIssues(ctx, triager, "acme", false); len(ks) != 0 {
			t.Errorf("the archived known issue is listed: %+v", ks)
		}
		if v, _ := e.App.Report(ctx, triager, r3.PublicID); len(v.KnownIssues) != 0 {
			t.Errorf("the archived known issue is offered as an original: %+v", v.KnownIssues)
		}
		// The viewer may not archive.
		_, err = e.App.UpdateKnownIssue(ctx, f.actors["viewer"], "acme", k.PublicID, app.KnownIssuePatch{Archived: ptr(false)})
		wantErr(t, "the viewer brings it back", err, haven.ErrForbidden)

		// Reopening a duplicate clears the link.
		if err := e.App.Transition(ctx, triager, r.PublicID, app.TransitionInput{To: haven.StateTriaged, Reason: "Not the same bug."}); err != nil {
			t.Fatal(err)
		}
		if got := f.stored(t, r.PublicID); got.DuplicateKnownID != 0 {
			t.Errorf("the reopened report still points at known issue %d", got.DuplicateKnownID)
		}
		if v, _ := e.App.Report(ctx, f.actors["researcher"], r.PublicID); v.Original != nil {
			t.Errorf("the reopened report still shows an original: %+v", v.Original)
		}
		if n := count(); n != 1 {
			t.Errorf("known issue has %d duplicates after a reopening, want 1", n)
		}
	})
}

// TestDuplicateOfKnownIssueDuplicate: a report closed as a duplicate of a
// report that is itself a duplicate of a known issue points at the known
// issue, as a duplicate of a duplicate points at the first original
// (TestTransitionDuplicate); its reporter sees the known issue, not the
// intermediate report.
func TestDuplicateOfKnownIssueDuplicate(t *testing.T) {
	ctx := context.Background()
	e := apptest.New(t)
	f := newRepFixture(t, e, "acme")
	triager := f.actors["triager"]
	k, err := e.App.AddKnownIssue(ctx, triager, "acme", app.KnownIssueInput{Title: "XSS in the renderer"})
	if err != nil {
		t.Fatal(err)
	}
	first, second := f.submit(t, "researcher"), f.submit(t, "other researcher")
	if err := e.App.Transition(ctx, triager, first.PublicID, app.TransitionInput{To: haven.StateDuplicate, DuplicateOf: k.PublicID}); err != nil {
		t.Fatal(err)
	}
	if err := e.App.Transition(ctx, triager, second.PublicID, app.TransitionInput{To: haven.StateDuplicate, DuplicateOf: first.PublicID}); err != nil {
		t.Fatal(err)
	}
	if got := f.stored(t, second.PublicID); got.DuplicateKnownID != k.ID || got.DuplicateOf != 0 {
		t.Errorf("duplicate of a duplicate of known issue %d: known issue %d, duplicate of report %d (the intermediate is %d)",
			k.ID, got.DuplicateKnownID, got.DuplicateOf, first.ID)
	}
	v, err := e.App.Report(ctx, f.actors["other researcher"], second.PublicID)
	if err != nil {
		t.Fatal(err)
	}
	if v.Original == nil || v.Original.PublicID != k.PublicID || !v.Original.KnownIssue {
		t.Errorf("the reporter's Original = %+v, want known issue %s", v.Original, k.PublicID)
	}
}
