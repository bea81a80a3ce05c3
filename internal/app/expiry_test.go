package app_test

import (
	"context"
	"errors"
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

// TestStaleIdempotencyKeyIsReleased: a key whose request died before it
// recorded a result answers 409 while it may still be running, and is free
// again after a while, so a retry creates the report (R5: keys survive
// restarts without sticking).
func TestStaleIdempotencyKeyIsReleased(t *testing.T) {
	e := apptest.New(t)
	ctx := context.Background()
	f := newProgramFixture(t, e, "idem", haven.StatusPublished)
	asset, err := e.App.AddAsset(ctx, f.actors["owner"], "idem", app.AssetInput{Name: "Web", Type: "web", Tier: 1, InScope: true})
	if err != nil {
		t.Fatal(err)
	}
	researcher := f.actors["researcher"]
	// A request that died after saving its key: the key has no result.
	if err := e.DB.SaveIdempotentResult(ctx, researcher.UserID(), "submit:idem", "k1", "hash", "", e.Clock.Now()); err != nil {
		t.Fatal(err)
	}
	in := app.SubmitInput{AssetID: asset.ID, Title: "t", Description: "d", AcceptRules: true}
	if _, _, err := e.App.SubmitReportOnce(ctx, researcher, "idem", "k1", "hash", in); !errors.Is(err, haven.ErrConflict) {
		t.Fatalf("retry at once: err = %v, want ErrConflict (the first may still run)", err)
	}
	e.Clock.Advance(3 * time.Minute)
	r, replayed, err := e.App.SubmitReportOnce(ctx, researcher, "idem", "k1", "hash", in)
	if err != nil || replayed || r == nil {
		t.Fatalf("retry after 3 minutes: %v, replayed %t, %v; want a new report", r, replayed, err)
	}
	again, replayed, err := e.App.SubmitReportOnce(ctx, researcher, "idem", "k1", "hash", in)
	if err != nil || !replayed || again.PublicID != r.PublicID {
		t.Errorf("second retry: %v, replayed %t, %v; want the same report replayed", again, replayed, err)
	}
}
