package app_test

// App-level tests of disclosure: which reports may be published, the
// two-sided agreement (request, agree, decline, withdraw), what a summary
// and a full disclosure show the public, and that the public view never
// carries internal comments, internal files or e-mail addresses. Who may
// call each use case is also in report_permission_test.go.

import (
	"context"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/haven-project/haven/internal/app"
	"github.com/haven-project/haven/internal/apptest"
	"github.com/haven-project/haven/internal/haven"
)

// unknownReport is a public id no report has.
const unknownReport = "nosuchreport0000"

// disclosures returns a report's disclosure requests, oldest first.
func (f *repFixture) disclosures(t *testing.T, id string) []*haven.DisclosureRequest {
	t.Helper()
	qs, err := f.e.DB.DisclosureRequests(context.Background(), f.stored(t, id).ID)
	if err != nil {
		t.Fatal(err)
	}
	return qs
}

// wantHidden fails unless DisclosedReport gives for id exactly what it
// gives for an id that does not exist.
func wantHidden(t *testing.T, e *apptest.Env, what, id string) {
	t.Helper()
	ctx := context.Background()
	_, err := e.App.DisclosedReport(ctx, id)
	_, errUnknown := e.App.DisclosedReport(ctx, unknownReport)
	if !errors.Is(err, haven.ErrNotFound) || err.Error() != errUnknown.Error() {
		t.Errorf("%s: DisclosedReport = %v; want %q, as for an unknown id", what, err, errUnknown)
	}
}

// publicStrings returns every string a public report carries, except its
// program's (whose contact address is public on purpose).
func publicStrings(pr *app.PublicReport) []string {
	var out []string
	var walk func(v reflect.Value)
	walk = func(v reflect.Value) {
		switch v.Kind() {
		case reflect.String:
			out = append(out, v.String())
		case reflect.Pointer, reflect.Interface:
			if !v.IsNil() {
				walk(v.Elem())
			}
		case reflect.Struct:
			for i := range v.NumField() {
				if f := v.Type().Field(i); f.IsExported() && f.Name != "Program" {
					walk(v.Field(i))
				}
			}
		case reflect.Slice, reflect.Array:
			for i := range v.Len() {
				walk(v.Index(i))
			}
		case reflect.Map:
			for it := v.MapRange(); it.Next(); {
				walk(it.Key())
				walk(it.Value())
			}
		}
	}
	walk(reflect.ValueOf(pr))
	return out
}

// wantNoAddress fails if any string of the public report holds an e-mail
// address (an '@').
func wantNoAddress(t *testing.T, what string, pr *app.PublicReport) {
	t.Helper()
	for _, s := range publicStrings(pr) {
		if strings.Contains(s, "@") {
			t.Errorf("%s: the public report carries %q", what, s)
		}
	}
}

// TestDisclosureStates: only a fixed report, or one closed for a reason
// that is no secret, may be disclosed; open reports, duplicates and spam
// never.
func TestDisclosureStates(t *testing.T) {
	ctx := context.Background()
	e := apptest.New(t)
	f := newRepFixture(t, e, "acme")
	for i, s := range haven.ReportStates {
		if i%10 == 9 {
			e.Clock.Advance(time.Hour) // below the submission limit
		}
		for _, who := range []string{"researcher", "owner"} {
			r := f.submit(t, "researcher")
			f.force(t, r.PublicID, s)
			_, err := e.App.RequestDisclosure(ctx, f.actors[who], r.PublicID, app.DisclosureInput{Mode: haven.DisclosureFull})
			switch s {
			case haven.StateResolved, haven.StateInformative, haven.StateNotApplicable, haven.StateOutOfScope:
				if err != nil {
					t.Errorf("%s asks to disclose a %s report: %v", who, s, err)
				}
			default:
				wantField(t, who+" asks to disclose a "+string(s)+" report", err, "")
				if qs := f.disclosures(t, r.PublicID); len(qs) != 0 {
					t.Errorf("refused request on a %s report stored: %+v", s, qs)
				}
			}
		}
	}
}

// TestDisclosureSummary: the reporter asks, the owner agrees with a
// redacted summary; the public then reads the summary and nothing of the
// report's text, comments or files.
func TestDisclosureSummary(t *testing.T) {
	apptest.Run(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		f := newRepFixture(t, e, "acme")
		r := f.resolved(t, "researcher")
		if _, err := e.App.Comment(ctx, f.actors["triager"], r.PublicID, "Thanks, fixed in 4.2.", false); err != nil {
			t.Fatal(err)
		}
		atts, err := e.App.Attach(ctx, f.actors["researcher"], r.PublicID, []app.Upload{{Filename: "poc.txt", Body: strings.NewReader("alert(1)\n")}}, false)
		if err != nil {
			t.Fatal(err)
		}
		wantHidden(t, e, "before any request", r.PublicID)

		if _, err := e.App.RequestDisclosure(ctx, f.actors["researcher"], r.PublicID, app.DisclosureInput{Message: "May I publish this?"}); err != nil {
			t.Fatal(err)
		}
		_, err = e.App.RequestDisclosure(ctx, f.actors["owner"], r.PublicID, app.DisclosureInput{Mode: haven.DisclosureFull})
		wantField(t, "a second open request", err, "")
		if qs := f.disclosures(t, r.PublicID); len(qs) != 1 || qs[0].Side != "reporter" || qs[0].State != "open" {
			t.Fatalf("requests: %+v, want the reporter's open one", qs)
		}
		agree := app.DisclosureInput{Mode: haven.DisclosureSummary, Summary: "A stored XSS in the renderer, fixed in 4.2."}
		wantField(t, "the reporter agrees to their own request",
			e.App.AnswerDisclosure(ctx, f.actors["researcher"], r.PublicID, true, agree), "")
		for _, tt := range []struct {
			who  string
			want error
		}{
			{"triager", haven.ErrForbidden},
			{"viewer", haven.ErrForbidden},
			{"other researcher", haven.ErrNotFound},
			{"admin", haven.ErrNotFound},
			{"visitor", haven.ErrUnauthenticated},
		} {
			wantErr(t, tt.who+" agrees for the program", e.App.AnswerDisclosure(ctx, f.actors[tt.who], r.PublicID, true, agree), tt.want)
		}
		wantField(t, "summary without text", e.App.AnswerDisclosure(ctx, f.actors["owner"], r.PublicID, true,
			app.DisclosureInput{Mode: haven.DisclosureSummary, Summary: " "}), "summary")
		wantField(t, "no mode", e.App.AnswerDisclosure(ctx, f.actors["owner"], r.PublicID, true, app.DisclosureInput{}), "mode")
		wantHidden(t, e, "while the request is open", r.PublicID)

		if err := e.App.AnswerDisclosure(ctx, f.actors["owner"], r.PublicID, true, agree); err != nil {
			t.Fatal(err)
		}
		pr, err := e.App.DisclosedReport(ctx, r.PublicID)
		if err != nil {
			t.Fatal(err)
		}
		if pr.DisclosureMode != haven.DisclosureSummary || pr.DisclosureSummary != agree.Summary || pr.DisclosedAt == nil {
			t.Errorf("public report: mode %q, summary %q, disclosed %v", pr.DisclosureMode, pr.DisclosureSummary, pr.DisclosedAt)
		}
		if pr.Description != "" || pr.Steps != "" || pr.Impact != "" || len(pr.Comments) != 0 || len(pr.Attachments) != 0 {
			t.Errorf("a summary disclosure shows the report: description %q, steps %q, impact %q, %d comments, %d files",
				pr.Description, pr.Steps, pr.Impact, len(pr.Comments), len(pr.Attachments))
		}
		if pr.Credit != "" {
			t.Errorf("credit of a researcher without a display name = %q, want none", pr.Credit)
		}
		wantNoAddress(t, "summary disclosure", pr)
		// The public may not fetch the report's files either.
		if _, _, err := e.App.OpenAttachment(ctx, haven.Visitor, atts[0].PublicID); !errors.Is(err, haven.ErrNotFound) {
			t.Errorf("a visitor opens a file of a summary disclosure: %v, want ErrNotFound", err)
		}
		// The stored report keeps its text: only the public view drops it.
		if got := f.stored(t, r.PublicID); got.Description == "" {
			t.Error("the summary disclosure erased the report's description")
		}

		list, total, err := e.App.DisclosedReports(ctx, haven.Visitor, "acme", 0, 0)
		if err != nil || total != 1 || len(list) != 1 || list[0].PublicID != r.PublicID || list[0].Description != "" {
			t.Errorf("DisclosedReports as a visitor = %d of %d, %v; want the summary of %s", len(list), total, err, r.PublicID)
		}
		act, err := e.App.Activity(ctx, haven.Visitor, "acme", 0)
		if err != nil || len(act) == 0 || act[0].Type != "report_disclosed" || act[0].Text != "disclosed a submission" {
			t.Errorf("activity after the disclosure: %+v, %v", act, err)
		}
		if qs := f.disclosures(t, r.PublicID); len(qs) != 1 || qs[0].State != "agreed" || qs[0].DecidedBy != f.users["owner"].ID ||
			qs[0].Mode != haven.DisclosureSummary || qs[0].Summary != agree.Summary {
			t.Errorf("request after the agreement: %+v", qs)
		}
		// Once public, it is public: no new request.
		_, err = e.App.RequestDisclosure(ctx, f.actors["researcher"], r.PublicID, app.DisclosureInput{})
		wantField(t, "asking to disclose a public report", err, "")
	})
}

// TestDisclosureFull: the owner asks to publish the whole report, the
// reporter agrees; the public reads the report, its public comments and
// files, never internal ones, and no e-mail address.
func TestDisclosureFull(t *testing.T) {
	apptest.Run(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		f := newRepFixture(t, e, "acme")
		triager, reporter := f.actors["triager"], f.actors["researcher"]
		r := f.resolved(t, "researcher")
		public := "Thanks, fixed in 4.2."
		internal := "Internal: the fix is a hack, the real one needs a schema change."
		if _, err := e.App.Comment(ctx, triager, r.PublicID, public, false); err != nil {
			t.Fatal(err)
		}
		if _, err := e.App.Comment(ctx, reporter, r.PublicID, "Confirmed, thank you.", false); err != nil {
			t.Fatal(err)
		}
		if _, err := e.App.CommentWithFiles(ctx, triager, r.PublicID, internal, true,
			[]app.Upload{{Filename: "internal-trace.txt", Body: strings.NewReader("stack trace\n")}}); err != nil {
			t.Fatal(err)
		}
		pub, err := e.App.Attach(ctx, reporter, r.PublicID, []app.Upload{{Filename: "poc.txt", Body: strings.NewReader("alert(1)\n")}}, false)
		if err != nil {
			t.Fatal(err)
		}
		priv, err := e.App.Attach(ctx, triager, r.PublicID, []app.Upload{{Filename: "patch.txt", Body: strings.NewReader("diff\n")}}, true)
		if err != nil {
			t.Fatal(err)
		}
		team, err := e.App.Report(ctx, triager, r.PublicID)
		if err != nil {
			t.Fatal(err)
		}
		var internalIDs []string
		for _, at := range team.Attachments {
			if at.Internal {
				internalIDs = append(internalIDs, at.PublicID)
			}
		}
		if len(internalIDs) != 2 {
			t.Fatalf("the team sees %d internal files, want 2", len(internalIDs))
		}

		if _, err := e.App.RequestDisclosure(ctx, f.actors["owner"], r.PublicID, app.DisclosureInput{Mode: haven.DisclosureFull}); err != nil {
			t.Fatal(err)
		}
		wantField(t, "the owner agrees to the owner's request",
			e.App.AnswerDisclosure(ctx, f.actors["owner"], r.PublicID, true, app.DisclosureInput{Mode: haven.DisclosureFull}), "")
		wantErr(t, "another researcher agrees", e.App.AnswerDisclosure(ctx, f.actors["other researcher"], r.PublicID, true, app.DisclosureInput{}), haven.ErrNotFound)
		wantHidden(t, e, "before the reporter agreed", r.PublicID)
		// The reporter agrees to what the program proposed, whatever
		// they send.
		if err := e.App.AnswerDisclosure(ctx, reporter, r.PublicID, true, app.DisclosureInput{Mode: haven.DisclosureSummary, Summary: "x"}); err != nil {
			t.Fatal(err)
		}
		pr, err := e.App.DisclosedReport(ctx, r.PublicID)
		if err != nil {
			t.Fatal(err)
		}
		if pr.DisclosureMode != haven.DisclosureFull || pr.Description != "The renderer runs scripts." || pr.Steps == "" || pr.Impact == "" {
			t.Errorf("full disclosure: mode %q, description %q, steps %q, impact %q", pr.DisclosureMode, pr.Description, pr.Steps, pr.Impact)
		}
		var bodies []string
		for _, c := range pr.Comments {
			bodies = append(bodies, c.Body)
			if c.Internal {
				t.Errorf("public report carries internal comment %q", c.Body)
			}
		}
		if strings.Join(bodies, "|") != public+"|Confirmed, thank you." {
			t.Errorf("public comments: %q", bodies)
		}
		for _, s := range publicStrings(pr) {
			if strings.Contains(s, "schema change") || strings.Contains(s, "internal-trace") || strings.Contains(s, "patch.txt") {
				t.Errorf("the public report carries internal content %q", s)
			}
		}
		if len(pr.Attachments) != 1 || pr.Attachments[0].PublicID != pub[0].PublicID {
			t.Errorf("public files: %+v, want only %s", pr.Attachments, pub[0].PublicID)
		}
		if pr.Credit != "" || pr.Names[f.users["researcher"].ID] != "The researcher" || pr.Names[f.users["triager"].ID] != "Program acme team" {
			t.Errorf("credit %q, names %v", pr.Credit, pr.Names)
		}
		wantNoAddress(t, "full disclosure by a researcher without a display name", pr)

		// A visitor downloads the public file, not the internal ones.
		at, body, err := e.App.OpenAttachment(ctx, haven.Visitor, pub[0].PublicID)
		if err != nil {
			t.Fatalf("a visitor opens a public file of a full disclosure: %v", err)
		}
		b, _ := io.ReadAll(body)
		body.Close()
		if string(b) != "alert(1)\n" || at.PublicID != pub[0].PublicID {
			t.Errorf("visitor read %q of %s", b, at.PublicID)
		}
		for _, id := range append(internalIDs, priv[0].PublicID) {
			if _, _, err := e.App.OpenAttachment(ctx, haven.Visitor, id); !errors.Is(err, haven.ErrNotFound) {
				t.Errorf("a visitor opens internal file %s: %v, want ErrNotFound", id, err)
			}
			if _, _, err := e.App.OpenAttachment(ctx, f.actors["other researcher"], id); !errors.Is(err, haven.ErrNotFound) {
				t.Errorf("another researcher opens internal file %s: %v, want ErrNotFound", id, err)
			}
		}

		// Credit follows the display name, once there is one.
		if err := e.App.UpdateProfile(ctx, reporter, "Alice Liddell"); err != nil {
			t.Fatal(err)
		}
		pr, err = e.App.DisclosedReport(ctx, r.PublicID)
		if err != nil {
			t.Fatal(err)
		}
		if pr.Credit != "Alice Liddell" || pr.Names[f.users["researcher"].ID] != "Alice Liddell" {
			t.Errorf("credit %q, names %v; want Alice Liddell", pr.Credit, pr.Names)
		}
		wantNoAddress(t, "full disclosure", pr)
	})
}

// TestDisclosureDeclineAndWithdraw: the other side may decline, the asking
// side may withdraw; neither publishes anything, and a new request may
// follow.
func TestDisclosureDeclineAndWithdraw(t *testing.T) {
	apptest.Run(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		f := newRepFixture(t, e, "acme")
		owner, reporter := f.actors["owner"], f.actors["researcher"]
		r := f.resolved(t, "researcher")
		wantField(t, "answering without a request", e.App.AnswerDisclosure(ctx, owner, r.PublicID, false, app.DisclosureInput{}), "")
		wantField(t, "withdrawing without a request", e.App.WithdrawDisclosure(ctx, reporter, r.PublicID), "")

		// The reporter asks; the owner declines.
		if _, err := e.App.RequestDisclosure(ctx, reporter, r.PublicID, app.DisclosureInput{}); err != nil {
			t.Fatal(err)
		}
		wantErr(t, "the triager declines", e.App.AnswerDisclosure(ctx, f.actors["triager"], r.PublicID, false, app.DisclosureInput{}), haven.ErrForbidden)
		if err := e.App.AnswerDisclosure(ctx, owner, r.PublicID, false, app.DisclosureInput{Message: "Not before the next release."}); err != nil {
			t.Fatal(err)
		}
		wantHidden(t, e, "after a refusal", r.PublicID)

		// The reporter asks again and withdraws; the owner may not
		// withdraw the reporter's request.
		if _, err := e.App.RequestDisclosure(ctx, reporter, r.PublicID, app.DisclosureInput{}); err != nil {
			t.Fatalf("asking again after a refusal: %v", err)
		}
		wantField(t, "the owner withdraws the reporter's request", e.App.WithdrawDisclosure(ctx, owner, r.PublicID), "")
		wantErr(t, "another researcher withdraws", e.App.WithdrawDisclosure(ctx, f.actors["other researcher"], r.PublicID), haven.ErrNotFound)
		wantErr(t, "the viewer withdraws", e.App.WithdrawDisclosure(ctx, f.actors["viewer"], r.PublicID), haven.ErrForbidden)
		if err := e.App.WithdrawDisclosure(ctx, reporter, r.PublicID); err != nil {
			t.Fatal(err)
		}

		// The owner asks; the reporter declines.
		if _, err := e.App.RequestDisclosure(ctx, owner, r.PublicID, app.DisclosureInput{Mode: haven.DisclosureSummary, Summary: "An XSS."}); err != nil {
			t.Fatal(err)
		}
		if err := e.App.AnswerDisclosure(ctx, reporter, r.PublicID, false, app.DisclosureInput{Message: "I would rather not."}); err != nil {
			t.Fatal(err)
		}
		// The owner asks again, and withdraws.
		if _, err := e.App.RequestDisclosure(ctx, owner, r.PublicID, app.DisclosureInput{Mode: haven.DisclosureFull}); err != nil {
			t.Fatal(err)
		}
		wantField(t, "the reporter withdraws the owner's request", e.App.WithdrawDisclosure(ctx, reporter, r.PublicID), "")
		if err := e.App.WithdrawDisclosure(ctx, owner, r.PublicID); err != nil {
			t.Fatal(err)
		}
		wantHidden(t, e, "after refusals and withdrawals", r.PublicID)
		if got := f.stored(t, r.PublicID); got.Disclosed() {
			t.Error("the report is disclosed")
		}
		var states []string
		for _, q := range f.disclosures(t, r.PublicID) {
			states = append(states, q.Side+":"+q.State)
		}
		want := "reporter:declined reporter:withdrawn program:declined program:withdrawn"
		if strings.Join(states, " ") != want {
			t.Errorf("requests: %v, want %s", states, want)
		}
		if list, total, err := e.App.DisclosedReports(ctx, haven.Visitor, "acme", 0, 0); err != nil || total != 0 || len(list) != 0 {
			t.Errorf("DisclosedReports = %d of %d, %v; want none", len(list), total, err)
		}
		// The history, as the reporter sees it.
		v, err := e.App.Report(ctx, reporter, r.PublicID)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, ev := range v.Events {
			if ev.Kind == "disclosure" {
				got = append(got, ev.To)
			}
		}
		wantEvents := "requested declined requested withdrawn requested declined requested withdrawn"
		if strings.Join(got, " ") != wantEvents {
			t.Errorf("disclosure history: %v, want %s", got, wantEvents)
		}
	})
}

// TestDisclosedReportReopened checks that a disclosed report whose fix
// proves incomplete (reopened) leaves the public pages, and its files with
// it, until it is resolved again.
func TestDisclosedReportReopened(t *testing.T) {
	apptest.Run(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		f := newRepFixture(t, e, "acme")
		r := f.resolved(t, "researcher")
		atts, err := e.App.Attach(ctx, f.actors["researcher"], r.PublicID, []app.Upload{{Filename: "poc.txt", Body: strings.NewReader("poc\n")}}, false)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.App.RequestDisclosure(ctx, f.actors["owner"], r.PublicID, app.DisclosureInput{Mode: haven.DisclosureFull}); err != nil {
			t.Fatal(err)
		}
		if err := e.App.AnswerDisclosure(ctx, f.actors["researcher"], r.PublicID, true, app.DisclosureInput{}); err != nil {
			t.Fatal(err)
		}
		visitor := haven.Actor{}
		if _, body, err := e.App.OpenAttachment(ctx, visitor, atts[0].PublicID); err != nil {
			t.Fatalf("a visitor opens the disclosed report's file: %v", err)
		} else {
			body.Close()
		}
		if err := e.App.Transition(ctx, f.actors["triager"], r.PublicID, app.TransitionInput{To: haven.StateTriaged,
			Reason: "The fix is incomplete."}); err != nil {
			t.Fatal(err)
		}
		wantHidden(t, e, "reopened", r.PublicID)
		if _, _, err := e.App.OpenAttachment(ctx, visitor, atts[0].PublicID); !errors.Is(err, haven.ErrNotFound) {
			t.Errorf("a visitor opens the reopened report's file: %v, want not found", err)
		}
		if err := e.App.Transition(ctx, f.actors["triager"], r.PublicID, app.TransitionInput{To: haven.StateAccepted}); err != nil {
			t.Fatal(err)
		}
		if err := e.App.Transition(ctx, f.actors["triager"], r.PublicID, app.TransitionInput{To: haven.StateResolved}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.App.DisclosedReport(ctx, r.PublicID); err != nil {
			t.Errorf("resolved again, the disclosed report is not public: %v", err)
		}
	})
}

// TestDisclosurePublicTitle checks that a summary disclosure may publish a
// title of its own, so that a telling title stays private too; a full
// disclosure publishes the report's own title.
func TestDisclosurePublicTitle(t *testing.T) {
	apptest.Run(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		f := newRepFixture(t, e, "acme")
		r := f.resolved(t, "researcher")
		in := app.DisclosureInput{Mode: haven.DisclosureSummary, Summary: "A renderer bug, fixed in 4.2.", Title: "Line one\nline two"}
		_, err := e.App.RequestDisclosure(ctx, f.actors["owner"], r.PublicID, in)
		wantField(t, "a two-line public title", err, "title")
		in.Title = "Script injection in a renderer"
		if _, err := e.App.RequestDisclosure(ctx, f.actors["owner"], r.PublicID, in); err != nil {
			t.Fatal(err)
		}
		if err := e.App.AnswerDisclosure(ctx, f.actors["researcher"], r.PublicID, true, app.DisclosureInput{}); err != nil {
			t.Fatal(err)
		}
		pr, err := e.App.DisclosedReport(ctx, r.PublicID)
		if err != nil {
			t.Fatal(err)
		}
		if pr.Title != in.Title {
			t.Errorf("public title %q, want %q", pr.Title, in.Title)
		}
		for _, s := range publicStrings(pr) {
			if strings.Contains(s, r.Title) {
				t.Errorf("the public report carries the private title %q in %q", r.Title, s)
			}
		}
		list, _, err := e.App.DisclosedReports(ctx, haven.Actor{}, "acme", 10, 0)
		if err != nil || len(list) != 1 || list[0].Title != in.Title {
			t.Errorf("the public list: %v, %+v", err, list)
		}
		// The team and the reporter still read the real title.
		if v, err := e.App.Report(ctx, f.actors["researcher"], r.PublicID); err != nil || v.Title != r.Title {
			t.Errorf("the reporter's view: %v, title %q", err, v.Title)
		}

		// A full disclosure ignores a proposed title.
		r2 := f.resolved(t, "researcher")
		if _, err := e.App.RequestDisclosure(ctx, f.actors["owner"], r2.PublicID, app.DisclosureInput{Mode: haven.DisclosureFull, Title: "Other"}); err != nil {
			t.Fatal(err)
		}
		if err := e.App.AnswerDisclosure(ctx, f.actors["researcher"], r2.PublicID, true, app.DisclosureInput{}); err != nil {
			t.Fatal(err)
		}
		if pr, err := e.App.DisclosedReport(ctx, r2.PublicID); err != nil || pr.Title != r2.Title {
			t.Errorf("full disclosure: %v, title %q, want %q", err, pr.Title, r2.Title)
		}
	})
}
