package app_test

// App-level tests of retests ("check our fix"): who asks and within which
// limits, the researcher's answer and its deadline, the owner's decision
// and its bonus (awarded once, also under concurrency), withdrawal,
// expiry, and the report's history. Who may call each use case is also in
// report_permission_test.go.

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/haven-project/haven/internal/app"
	"github.com/haven-project/haven/internal/apptest"
	"github.com/haven-project/haven/internal/haven"
)

// retestBonus is the fixture program's retest bonus: €50, as Jupyter's.
const retestBonus = 5000

// newRetestFixture is a repFixture whose program offers a retest bonus.
func newRetestFixture(t *testing.T, e *apptest.Env, slug string) *repFixture {
	t.Helper()
	f := newRepFixture(t, e, slug)
	if _, err := e.App.UpdateProgram(context.Background(), f.actors["owner"], slug,
		app.ProgramPatch{RetestBonus: ptr(int64(retestBonus))}); err != nil {
		t.Fatal(err)
	}
	return f
}

// resolved submits a report as who and has the triager accept and resolve
// it, as a program would.
func (f *repFixture) resolved(t *testing.T, who string) *haven.Report {
	t.Helper()
	if f.n%15 == 14 {
		f.e.Clock.Advance(time.Hour) // below the submission limit
	}
	r := f.submit(t, who)
	for _, to := range []haven.ReportState{haven.StateAccepted, haven.StateResolved} {
		if err := f.e.App.Transition(context.Background(), f.actors["triager"], r.PublicID, app.TransitionInput{To: to}); err != nil {
			t.Fatalf("Transition(%s, %s): %v", r.PublicID, to, err)
		}
	}
	return f.stored(t, r.PublicID)
}

// retests returns a report's retests, oldest first.
func (f *repFixture) retests(t *testing.T, id string) []*haven.Retest {
	t.Helper()
	ts, err := f.e.DB.Retests(context.Background(), f.stored(t, id).ID)
	if err != nil {
		t.Fatal(err)
	}
	return ts
}

// lastRetest returns a report's newest retest.
func (f *repFixture) lastRetest(t *testing.T, id string) *haven.Retest {
	t.Helper()
	ts := f.retests(t, id)
	if len(ts) == 0 {
		t.Fatalf("report %s has no retest", id)
	}
	return ts[len(ts)-1]
}

// askRetest has the triager ask for a retest with a bonus, due in days.
func (f *repFixture) askRetest(t *testing.T, id string, bonus int64, days int) *haven.Retest {
	t.Helper()
	rt, err := f.e.App.RequestRetest(context.Background(), f.actors["triager"], id, app.RetestInput{
		Bonus: bonus, Deadline: f.e.Clock.Now().Add(time.Duration(days) * 24 * time.Hour), Note: "Please check release 4.2."})
	if err != nil {
		t.Fatalf("RequestRetest(%s): %v", id, err)
	}
	return rt
}

// answerRetest has the report's researcher answer the retest in progress.
func (f *repFixture) answerRetest(t *testing.T, who, id, result string) {
	t.Helper()
	if _, err := f.e.App.AnswerRetest(context.Background(), f.actors[who], id, app.RetestAnswer{
		Result: result, Notes: "I ran the proof of concept against 4.2."}); err != nil {
		t.Fatalf("AnswerRetest(%s): %v", id, err)
	}
}

// retestEvents returns the "retest" entries of a report's history as an
// actor sees them, as from→to pairs.
func retestEvents(t *testing.T, e *apptest.Env, actor haven.Actor, id string) []string {
	t.Helper()
	v, err := e.App.Report(context.Background(), actor, id)
	if err != nil {
		t.Fatalf("Report(%s): %v", id, err)
	}
	var out []string
	for _, ev := range v.Events {
		if ev.Kind == "retest" {
			out = append(out, ev.From+"→"+ev.To)
		}
	}
	return out
}

// bonuses returns a report's bonus awards.
func bonuses(t *testing.T, e *apptest.Env, actor haven.Actor, id string) []haven.Award {
	t.Helper()
	ws, err := e.App.Awards(context.Background(), actor, id)
	if err != nil {
		t.Fatalf("Awards(%s): %v", id, err)
	}
	var out []haven.Award
	for _, w := range ws {
		if w.Kind == "bonus" {
			out = append(out, w)
		}
	}
	return out
}

// TestRequestRetestStates checks that only a resolved report gets a
// retest: the fix must exist before anyone checks it.
func TestRequestRetestStates(t *testing.T) {
	ctx := context.Background()
	e := apptest.New(t)
	f := newRetestFixture(t, e, "acme")
	for i, s := range haven.ReportStates {
		if i%10 == 9 {
			e.Clock.Advance(time.Hour) // below the submission limit
		}
		r := f.submit(t, "researcher")
		f.force(t, r.PublicID, s)
		_, err := e.App.RequestRetest(ctx, f.actors["triager"], r.PublicID, app.RetestInput{Deadline: e.Clock.Now().Add(7 * 24 * time.Hour)})
		if s == haven.StateResolved {
			if err != nil {
				t.Errorf("retest of a resolved report: %v", err)
			}
			continue
		}
		wantField(t, "retest of a "+string(s)+" report", err, "")
		if ts := f.retests(t, r.PublicID); len(ts) != 0 {
			t.Errorf("retest of a %s report was refused but stored: %+v", s, ts)
		}
	}
}

// TestRequestRetestValidation checks the offer (at most the program's
// retest bonus, none from a VDP) and the deadline (a day to 90 days), and
// that one retest runs at a time.
func TestRequestRetestValidation(t *testing.T) {
	apptest.Run(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		f := newRetestFixture(t, e, "acme")
		day := 24 * time.Hour
		tests := []struct {
			name     string
			bonus    int64
			deadline time.Duration // from now; 0: none
			field    string        // "": accepted
		}{
			{"the program's bonus, two weeks", retestBonus, 14 * day, ""},
			{"no bonus", 0, 14 * day, ""},
			{"exactly a day", 100, day, ""},
			{"exactly 90 days", 100, 90 * day, ""},
			{"one cent more than the program's bonus", retestBonus + 1, 14 * day, "bonus"},
			{"negative bonus", -1, 14 * day, "bonus"},
			{"less than a day", 0, day - time.Minute, "deadline"},
			{"in the past", 0, -day, "deadline"},
			{"more than 90 days", 0, 90*day + time.Minute, "deadline"},
			{"no deadline", 0, 0, "deadline"},
		}
		for _, tt := range tests {
			r := f.resolved(t, "researcher")
			in := app.RetestInput{Bonus: tt.bonus, Note: "Please check."}
			if tt.deadline != 0 {
				in.Deadline = e.Clock.Now().Add(tt.deadline)
			}
			got, err := e.App.RequestRetest(ctx, f.actors["triager"], r.PublicID, in)
			if tt.field != "" {
				wantField(t, tt.name, err, tt.field)
				if ts := f.retests(t, r.PublicID); len(ts) != 0 {
					t.Errorf("%s: refused but stored %+v", tt.name, ts)
				}
				continue
			}
			if err != nil {
				t.Errorf("%s: %v", tt.name, err)
				continue
			}
			stored := f.lastRetest(t, r.PublicID)
			if stored.State != haven.RetestRequested || stored.Bonus != tt.bonus || stored.Currency != "EUR" ||
				!stored.Deadline.Equal(in.Deadline) || stored.ID != got.ID || stored.RequestedBy != f.users["triager"].ID {
				t.Errorf("%s: stored %+v, want requested, bonus %d EUR, deadline %s", tt.name, stored, tt.bonus, in.Deadline)
			}
		}

		// One retest at a time: a second request, even by the owner,
		// is refused and the first stays as it was.
		r := f.resolved(t, "researcher")
		first := f.askRetest(t, r.PublicID, 1000, 7)
		_, err := e.App.RequestRetest(ctx, f.actors["owner"], r.PublicID, app.RetestInput{Deadline: e.Clock.Now().Add(3 * day)})
		wantField(t, "a second retest while one is open", err, "")
		if ts := f.retests(t, r.PublicID); len(ts) != 1 || ts[0].ID != first.ID || ts[0].Bonus != 1000 {
			t.Errorf("after the refused second request: %+v", ts)
		}
		// Still one after it was answered: approving or rejecting ends it.
		f.answerRetest(t, "researcher", r.PublicID, haven.RetestFixed)
		_, err = e.App.RequestRetest(ctx, f.actors["triager"], r.PublicID, app.RetestInput{Deadline: e.Clock.Now().Add(3 * day)})
		wantField(t, "a second retest while one is answered", err, "")

		// A bounty program that offers no retest bonus offers none.
		nobonus := newRepFixture(t, e, "nobonus")
		r = nobonus.resolved(t, "researcher")
		_, err = e.App.RequestRetest(ctx, nobonus.actors["triager"], r.PublicID, app.RetestInput{Bonus: 100, Deadline: e.Clock.Now().Add(3 * day)})
		wantField(t, "bonus where the program offers none", err, "bonus")
	})
}

// TestRequestRetestVDP: a vulnerability disclosure program asks for
// retests, but without money.
func TestRequestRetestVDP(t *testing.T) {
	ctx := context.Background()
	e := apptest.New(t)
	f := newRepFixture(t, e, "vdp")
	if _, err := e.App.UpdateProgram(ctx, f.actors["owner"], "vdp", app.ProgramPatch{Kind: ptr(haven.KindVDP)}); err != nil {
		t.Fatal(err)
	}
	if p, err := e.DB.ProgramBySlug(ctx, "vdp"); err != nil || p.Kind != haven.KindVDP {
		t.Fatalf("program kind = %v, %v; want a VDP", p, err)
	}
	r := f.resolved(t, "researcher")
	deadline := e.Clock.Now().Add(7 * 24 * time.Hour)
	_, err := e.App.RequestRetest(ctx, f.actors["triager"], r.PublicID, app.RetestInput{Bonus: 1, Deadline: deadline})
	wantField(t, "bonus on a VDP", err, "bonus")
	if _, err := e.App.RequestRetest(ctx, f.actors["triager"], r.PublicID, app.RetestInput{Deadline: deadline}); err != nil {
		t.Errorf("retest without bonus on a VDP: %v", err)
	}
}

// TestAnswerRetest checks that only the reporter answers, with a result
// and notes, once, and that the answer and its files reach the team.
func TestAnswerRetest(t *testing.T) {
	apptest.Run(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		f := newRetestFixture(t, e, "acme")
		r := f.resolved(t, "researcher")
		f.askRetest(t, r.PublicID, retestBonus, 7)
		good := app.RetestAnswer{Result: haven.RetestNotFixed, Notes: "Still pops an alert in 4.2."}

		for _, tt := range []struct {
			who  string
			want error
		}{
			{"visitor", haven.ErrUnauthenticated},
			{"other researcher", haven.ErrNotFound},
			{"admin", haven.ErrNotFound},
			{"viewer", haven.ErrForbidden},
			{"triager", haven.ErrForbidden},
			{"owner", haven.ErrForbidden},
		} {
			_, err := e.App.AnswerRetest(ctx, f.actors[tt.who], r.PublicID, good)
			wantErr(t, tt.who+" answers", err, tt.want)
		}
		for _, tt := range []struct {
			name  string
			in    app.RetestAnswer
			field string
		}{
			{"no result", app.RetestAnswer{Notes: "Checked."}, "result"},
			{"unknown result", app.RetestAnswer{Result: "maybe", Notes: "Checked."}, "result"},
			{"state name as result", app.RetestAnswer{Result: string(haven.RetestApproved), Notes: "Checked."}, "result"},
			{"no notes", app.RetestAnswer{Result: haven.RetestFixed, Notes: " \n "}, "notes"},
		} {
			_, err := e.App.AnswerRetest(ctx, f.actors["researcher"], r.PublicID, tt.in)
			wantField(t, tt.name, err, tt.field)
		}
		if got := f.lastRetest(t, r.PublicID); got.State != haven.RetestRequested {
			t.Fatalf("after refused answers the retest is %s, want requested", got.State)
		}

		good.Files = []app.Upload{{Filename: "still-broken.txt", Body: strings.NewReader("alert(1) ran\n")}}
		got, err := e.App.AnswerRetest(ctx, f.actors["researcher"], r.PublicID, good)
		if err != nil {
			t.Fatal(err)
		}
		stored := f.lastRetest(t, r.PublicID)
		if stored.State != haven.RetestAnswered || stored.Result != haven.RetestNotFixed || stored.Answer != good.Notes ||
			stored.AnsweredAt == nil || !stored.AnsweredAt.Equal(e.Clock.Now()) || got.State != haven.RetestAnswered {
			t.Errorf("after the answer: stored %+v, returned %+v", stored, got)
		}
		// The answer's file is on the report, tied to the retest, and
		// the team may open it.
		v, err := e.App.Report(ctx, f.actors["triager"], r.PublicID)
		if err != nil {
			t.Fatal(err)
		}
		if len(v.Attachments) != 1 || v.Attachments[0].RetestID != stored.ID || v.Attachments[0].Internal {
			t.Fatalf("attachments after the answer: %+v, want one of retest %d", v.Attachments, stored.ID)
		}
		if _, body, err := e.App.OpenAttachment(ctx, f.actors["triager"], v.Attachments[0].PublicID); err != nil {
			t.Errorf("the triager opens the answer's file: %v", err)
		} else {
			body.Close()
		}

		_, err = e.App.AnswerRetest(ctx, f.actors["researcher"], r.PublicID, app.RetestAnswer{Result: haven.RetestFixed, Notes: "Changed my mind."})
		wantField(t, "answering twice", err, "")
		if got := f.lastRetest(t, r.PublicID); got.Result != haven.RetestNotFixed {
			t.Errorf("a second answer changed the result to %s", got.Result)
		}
		e.DeliverMail(t)
		if m, ok := e.Mail.Last(f.users["triager"].Email); !ok || !strings.Contains(m.Text, "not fixed") {
			t.Errorf("the triager's last mail = %+v, %t; want the answer", m, ok)
		}
	})
}

// TestAnswerRetestAfterDeadline: once the deadline has come, the answer is
// refused and the files sent with it are not kept.
func TestAnswerRetestAfterDeadline(t *testing.T) {
	apptest.Run(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		f := newRetestFixture(t, e, "acme")
		r := f.resolved(t, "researcher")
		f.askRetest(t, r.PublicID, retestBonus, 2)
		before := blobFiles(t)

		e.Clock.Advance(2 * 24 * time.Hour) // the deadline itself: too late
		_, err := e.App.AnswerRetest(ctx, f.actors["researcher"], r.PublicID, app.RetestAnswer{
			Result: haven.RetestFixed, Notes: "Fixed.", Files: []app.Upload{{Filename: "proof.txt", Body: strings.NewReader("ok\n")}}})
		wantField(t, "answer at the deadline", err, "")
		if got := f.lastRetest(t, r.PublicID); got.State != haven.RetestRequested || got.AnsweredAt != nil {
			t.Errorf("late answer stored: %+v", got)
		}
		if after := blobFiles(t); len(after) != len(before) {
			t.Errorf("a refused answer left files behind: %d before, %d after", len(before), len(after))
		}
		if atts, _ := e.DB.Attachments(ctx, r.ID, true); len(atts) != 0 {
			t.Errorf("a refused answer recorded attachments: %+v", atts)
		}
	})
}

// TestDecideRetest checks the owner's decision: after an answer only;
// approval awards the offered bonus once, as a bonus in the ledger;
// rejection needs a reason and awards nothing; triagers decide nothing.
func TestDecideRetest(t *testing.T) {
	apptest.Run(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		f := newRetestFixture(t, e, "acme")
		owner := f.actors["owner"]
		r := f.resolved(t, "researcher")
		f.askRetest(t, r.PublicID, 4200, 7)

		_, err := e.App.DecideRetest(ctx, owner, r.PublicID, true, "")
		wantField(t, "approving before the answer", err, "")
		f.answerRetest(t, "researcher", r.PublicID, haven.RetestFixed)

		for _, tt := range []struct {
			who  string
			want error
		}{
			{"visitor", haven.ErrNotFound},
			{"other researcher", haven.ErrNotFound},
			{"admin", haven.ErrNotFound},
			{"researcher", haven.ErrForbidden},
			{"viewer", haven.ErrForbidden},
			{"triager", haven.ErrForbidden},
		} {
			_, err := e.App.DecideRetest(ctx, f.actors[tt.who], r.PublicID, true, "Looks good.")
			wantErr(t, tt.who+" approves", err, tt.want)
		}
		_, err = e.App.DecideRetest(ctx, owner, r.PublicID, false, "  ")
		wantField(t, "rejecting without a reason", err, "reason")
		if got := f.lastRetest(t, r.PublicID); got.State != haven.RetestAnswered {
			t.Fatalf("after refused decisions the retest is %s, want answered", got.State)
		}
		if ws := bonuses(t, e, owner, r.PublicID); len(ws) != 0 {
			t.Fatalf("bonuses before approval: %+v", ws)
		}

		got, err := e.App.DecideRetest(ctx, owner, r.PublicID, true, "")
		if err != nil {
			t.Fatal(err)
		}
		ws := bonuses(t, e, f.actors["researcher"], r.PublicID)
		if len(ws) != 1 || ws[0].Amount != 4200 || ws[0].Currency != "EUR" || ws[0].Status != "pending" || ws[0].AwardedBy != f.users["owner"].ID {
			t.Fatalf("bonuses after approval: %+v, want one of 4200 EUR", ws)
		}
		stored := f.lastRetest(t, r.PublicID)
		if stored.State != haven.RetestApproved || stored.AwardID != ws[0].ID || got.AwardID != ws[0].ID || stored.DecidedBy != f.users["owner"].ID {
			t.Errorf("approved retest: %+v, want approved with award %d", stored, ws[0].ID)
		}
		_, ledger, err := e.App.Ledger(ctx, owner, "acme")
		if err != nil || len(ledger) != 1 || ledger[0].Kind != "bonus" || ledger[0].ReportPublicID != r.PublicID {
			t.Errorf("ledger = %+v, %v; want the one bonus", ledger, err)
		}
		// Approving again awards nothing more.
		_, err = e.App.DecideRetest(ctx, owner, r.PublicID, true, "")
		wantField(t, "approving twice", err, "")
		if ws := bonuses(t, e, owner, r.PublicID); len(ws) != 1 {
			t.Errorf("%d bonuses after approving twice, want 1", len(ws))
		}

		// A new retest of the same report; rejected: no money.
		f.askRetest(t, r.PublicID, retestBonus, 7)
		f.answerRetest(t, "researcher", r.PublicID, haven.RetestFixed)
		reason := "The proof of concept still works for us."
		if _, err := e.App.DecideRetest(ctx, owner, r.PublicID, false, reason); err != nil {
			t.Fatal(err)
		}
		if got := f.lastRetest(t, r.PublicID); got.State != haven.RetestRejected || got.DecisionReason != reason || got.AwardID != 0 {
			t.Errorf("rejected retest: %+v", got)
		}
		if ws := bonuses(t, e, owner, r.PublicID); len(ws) != 1 {
			t.Errorf("%d bonuses after a rejection, want still 1", len(ws))
		}
		// Approved without a bonus offered: nothing awarded.
		f.askRetest(t, r.PublicID, 0, 7)
		f.answerRetest(t, "researcher", r.PublicID, haven.RetestNotFixed)
		if got, err := e.App.DecideRetest(ctx, owner, r.PublicID, true, ""); err != nil || got.AwardID != 0 {
			t.Errorf("approving a retest without bonus: %+v, %v", got, err)
		}
		if ws := bonuses(t, e, owner, r.PublicID); len(ws) != 1 {
			t.Errorf("%d bonuses after approving a retest without bonus, want still 1", len(ws))
		}

		// The history shows every step, to the reporter too.
		want := []string{"→requested", "requested→fixed", "fixed→approved", "→requested", "requested→fixed", "fixed→rejected",
			"→requested", "requested→not_fixed", "not_fixed→approved"}
		if got := retestEvents(t, e, f.actors["researcher"], r.PublicID); strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("retest history as the reporter:\n got %v\nwant %v", got, want)
		}
		e.DeliverMail(t)
		if m, ok := e.Mail.Last(f.users["researcher"].Email); !ok || !strings.Contains(m.Subject, "retest approved") {
			t.Errorf("the reporter's last mail = %+v, %t; want the approval", m, ok)
		}
	})
}

// TestApproveRetestOnceUnderConcurrency: of concurrent approvals exactly
// one succeeds and one bonus is awarded.
func TestApproveRetestOnceUnderConcurrency(t *testing.T) {
	apptest.Run(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		f := newRetestFixture(t, e, "race")
		for round := range 5 {
			r := f.resolved(t, "researcher")
			f.askRetest(t, r.PublicID, retestBonus, 7)
			f.answerRetest(t, "researcher", r.PublicID, haven.RetestFixed)
			const n = 4
			var errs [n]error
			var wg sync.WaitGroup
			start := make(chan struct{})
			for i := range n {
				wg.Go(func() {
					<-start
					_, errs[i] = e.App.DecideRetest(ctx, f.actors["owner"], r.PublicID, true, "")
				})
			}
			close(start)
			wg.Wait()
			ok := 0
			for _, err := range errs {
				var inv *haven.InvalidError
				switch {
				case err == nil:
					ok++
				case errors.Is(err, haven.ErrConflict), errors.As(err, &inv):
				default:
					t.Errorf("round %d: concurrent approval: %v, want ErrConflict or a validation error", round, err)
				}
			}
			if ok != 1 {
				t.Errorf("round %d: %d of %d concurrent approvals succeeded, want 1: %v", round, ok, n, errs)
			}
			if ws := bonuses(t, e, f.actors["owner"], r.PublicID); len(ws) != 1 || ws[0].Amount != retestBonus {
				t.Errorf("round %d: bonuses %+v, want one of %d", round, ws, retestBonus)
			}
			if got := f.lastRetest(t, r.PublicID); got.State != haven.RetestApproved || got.AwardID == 0 {
				t.Errorf("round %d: retest %+v, want approved with its award", round, got)
			}
		}
	})
}

// TestWithdrawRetest: the team withdraws a request nobody answered yet;
// after an answer it must decide instead.
func TestWithdrawRetest(t *testing.T) {
	apptest.Run(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		f := newRetestFixture(t, e, "acme")
		r := f.resolved(t, "researcher")
		wantField(t, "withdrawing without a retest", e.App.WithdrawRetest(ctx, f.actors["triager"], r.PublicID), "")
		f.askRetest(t, r.PublicID, retestBonus, 7)
		for _, tt := range []struct {
			who  string
			want error
		}{
			{"researcher", haven.ErrForbidden},
			{"viewer", haven.ErrForbidden},
			{"other researcher", haven.ErrNotFound},
			{"visitor", haven.ErrNotFound},
		} {
			wantErr(t, tt.who+" withdraws", e.App.WithdrawRetest(ctx, f.actors[tt.who], r.PublicID), tt.want)
		}
		if err := e.App.WithdrawRetest(ctx, f.actors["triager"], r.PublicID); err != nil {
			t.Fatal(err)
		}
		if got := f.lastRetest(t, r.PublicID); got.State != haven.RetestWithdrawn {
			t.Errorf("withdrawn retest is %s", got.State)
		}
		_, err := e.App.AnswerRetest(ctx, f.actors["researcher"], r.PublicID, app.RetestAnswer{Result: haven.RetestFixed, Notes: "Fixed."})
		wantField(t, "answering a withdrawn retest", err, "")

		// A new one may be asked; once answered it cannot be withdrawn.
		f.askRetest(t, r.PublicID, retestBonus, 7)
		f.answerRetest(t, "researcher", r.PublicID, haven.RetestFixed)
		wantField(t, "withdrawing an answered retest", e.App.WithdrawRetest(ctx, f.actors["owner"], r.PublicID), "")
		if got := f.lastRetest(t, r.PublicID); got.State != haven.RetestAnswered {
			t.Errorf("after the refused withdrawal the retest is %s, want answered", got.State)
		}
		want := "→requested requested→withdrawn →requested requested→fixed"
		if got := retestEvents(t, e, f.actors["researcher"], r.PublicID); strings.Join(got, " ") != want {
			t.Errorf("retest history: %v, want %s", got, want)
		}
	})
}

// TestExpireRetests: the chore ends requests whose deadline passed without
// an answer, leaves answered and later ones alone, tells the reporter,
// and ends each once.
func TestExpireRetests(t *testing.T) {
	apptest.Run(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		f := newRetestFixture(t, e, "acme")
		due := f.resolved(t, "researcher")
		answered := f.resolved(t, "other researcher")
		later := f.resolved(t, "researcher")
		f.askRetest(t, due.PublicID, retestBonus, 2)
		f.askRetest(t, answered.PublicID, retestBonus, 2)
		f.askRetest(t, later.PublicID, retestBonus, 10)
		f.answerRetest(t, "other researcher", answered.PublicID, haven.RetestFixed)

		if n, err := e.App.ExpireRetests(ctx); err != nil || n != 0 {
			t.Fatalf("ExpireRetests before any deadline = %d, %v; want 0", n, err)
		}
		e.DeliverMail(t)
		mailsBefore := len(e.Mail.Messages())
		if _, err := e.App.Notices(ctx, f.actors["researcher"]); err != nil { // marks them read
			t.Fatal(err)
		}

		e.Clock.Advance(2*24*time.Hour + time.Minute)
		n, err := e.App.ExpireRetests(ctx)
		if err != nil || n != 1 {
			t.Fatalf("ExpireRetests = %d, %v; want 1", n, err)
		}
		for _, tt := range []struct {
			r    *haven.Report
			want haven.RetestState
		}{{due, haven.RetestExpired}, {answered, haven.RetestAnswered}, {later, haven.RetestRequested}} {
			if got := f.lastRetest(t, tt.r.PublicID); got.State != tt.want {
				t.Errorf("retest of %s: %s, want %s", tt.r.PublicID, got.State, tt.want)
			}
		}
		if n, err := e.App.ExpireRetests(ctx); err != nil || n != 0 {
			t.Errorf("ExpireRetests again = %d, %v; want 0", n, err)
		}
		ev := f.lastEvent(t, due.PublicID)
		if ev.Kind != "retest" || ev.To != string(haven.RetestExpired) || ev.ActorID != 0 || ev.Internal {
			t.Errorf("last event of the expired retest's report: %+v", ev)
		}
		// The reporter hears of it, in-app and by mail.
		ns, err := e.App.Notices(ctx, f.actors["researcher"])
		if err != nil {
			t.Fatal(err)
		}
		if len(ns) == 0 || ns[0].PublicID != due.PublicID || !strings.Contains(ns[0].Text, "retest") {
			t.Errorf("the reporter's notices after the expiry: %+v", ns)
		}
		e.DeliverMail(t)
		m, ok := e.Mail.Last(f.users["researcher"].Email)
		if !ok || len(e.Mail.Messages()) == mailsBefore || !strings.Contains(m.Subject, "retest expired") || !strings.Contains(m.Text, due.PublicID) {
			t.Errorf("the reporter's last mail = %+v, %t; want the expiry of %s", m, ok, due.PublicID)
		}
		// Too late to answer; the team may ask again.
		_, err = e.App.AnswerRetest(ctx, f.actors["researcher"], due.PublicID, app.RetestAnswer{Result: haven.RetestFixed, Notes: "Fixed."})
		wantField(t, "answering an expired retest", err, "")
		f.askRetest(t, due.PublicID, retestBonus, 7)
	})
}
