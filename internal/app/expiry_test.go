package app_test

import (
	"context"
	"testing"
	"time"

	"github.com/haven-project/haven/internal/app"
	"github.com/haven-project/haven/internal/apptest"
	"github.com/haven-project/haven/internal/haven"
)

// TestCloseUnansweredReports: a needs_info report closes after the
// program's needs-info days without an answer; an answered one does not.
func TestCloseUnansweredReports(t *testing.T) {
	apptest.Run(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		f := newProgramFixture(t, e, "expiry", haven.StatusPublished)
		days := 10
		if _, err := e.App.UpdateProgram(ctx, f.actors["owner"], "expiry", app.ProgramPatch{NeedsInfoDays: &days}); err != nil {
			t.Fatal(err)
		}
		asset, err := e.App.AddAsset(ctx, f.actors["owner"], "expiry", app.AssetInput{Name: "Web", Type: "web", Tier: 1, InScope: true})
		if err != nil {
			t.Fatal(err)
		}
		submit := func(title string) string {
			r, err := e.App.SubmitReport(ctx, f.actors["researcher"], "expiry", app.SubmitInput{
				AssetID: asset.ID, Title: title, Description: "d", AcceptRules: true})
			if err != nil {
				t.Fatal(err)
			}
			if err := e.App.Transition(ctx, f.actors["triager"], r.PublicID, app.TransitionInput{To: haven.StateNeedsInfo, Reason: "Which version?"}); err != nil {
				t.Fatal(err)
			}
			return r.PublicID
		}
		silent, answered := submit("silent"), submit("answered")
		e.Clock.Advance(9 * 24 * time.Hour)
		if _, err := e.App.Comment(ctx, f.actors["researcher"], answered, "Version 4.2.", false); err != nil {
			t.Fatal(err)
		}
		if n, err := e.App.CloseUnansweredReports(ctx); err != nil || n != 0 {
			t.Fatalf("after 9 days: closed %d, %v; want 0", n, err)
		}
		e.Clock.Advance(24*time.Hour + time.Minute)
		if n, err := e.App.CloseUnansweredReports(ctx); err != nil || n != 1 {
			t.Fatalf("after 10 days: closed %d, %v; want 1", n, err)
		}
		state := func(id string) haven.ReportState {
			v, err := e.App.Report(ctx, f.actors["researcher"], id)
			if err != nil {
				t.Fatal(err)
			}
			return v.State
		}
		if got := state(silent); got != haven.StateInformative {
			t.Errorf("silent report: state %s, want informative", got)
		}
		if got := state(answered); got != haven.StateTriaged {
			t.Errorf("answered report: state %s, want triaged (the answer sent it back)", got)
		}
		if n, _ := e.App.CloseUnansweredReports(ctx); n != 0 {
			t.Errorf("second run closed %d more, want 0", n)
		}
	})
}
