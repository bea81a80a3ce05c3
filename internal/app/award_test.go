package app_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/haven-project/haven/internal/app"
	"github.com/haven-project/haven/internal/apptest"
	"github.com/haven-project/haven/internal/haven"
)

// awardFixture is an accepted High report on a tier-2 asset of a bounty
// program whose table pays 1,000–2,000 for tier 2 High.
func awardFixture(t *testing.T, e *apptest.Env, slug string) (*programFixture, string) {
	t.Helper()
	ctx := context.Background()
	f := newProgramFixture(t, e, slug, haven.StatusPublished)
	asset, err := e.App.AddAsset(ctx, f.actors["owner"], slug, app.AssetInput{Name: "Lab", Type: "package", Tier: 2, InScope: true, BountyEligible: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.App.SetRewards(ctx, f.actors["owner"], slug, []haven.Reward{{Tier: 2, Severity: "High", Min: 100000, Max: 200000}}); err != nil {
		t.Fatal(err)
	}
	r, err := e.App.SubmitReport(ctx, f.actors["researcher"], slug, app.SubmitInput{AssetID: asset.ID, Title: "t", Description: "d",
		CVSSVector: "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:N", AcceptRules: true}) // 8.1 High
	if err != nil {
		t.Fatal(err)
	}
	if err := e.App.Transition(ctx, f.actors["triager"], r.PublicID, app.TransitionInput{To: haven.StateAccepted}); err != nil {
		t.Fatal(err)
	}
	return f, r.PublicID
}

func TestAwardRules(t *testing.T) {
	e := apptest.New(t)
	ctx := context.Background()
	f, id := awardFixture(t, e, "awards")
	s, err := e.App.SuggestAward(ctx, f.actors["owner"], id)
	if err != nil || !s.Found || s.Min != 100000 || s.Max != 200000 {
		t.Fatalf("SuggestAward = %+v, %v; want 1,000–2,000", s, err)
	}
	for _, tt := range []struct {
		who  string
		want error
	}{
		{"triager", haven.ErrForbidden}, {"viewer", haven.ErrForbidden}, {"researcher", haven.ErrForbidden},
		{"admin", haven.ErrNotFound}, {"visitor", haven.ErrNotFound},
	} {
		_, err := e.App.Award(ctx, f.actors[tt.who], id, app.AwardInput{Kind: "bounty", Amount: 150000, Nonce: "n-" + tt.who})
		if !errors.Is(err, tt.want) {
			t.Errorf("%s awarding: err = %v, want %v", tt.who, err, tt.want)
		}
	}
	owner := f.actors["owner"]
	if _, err := e.App.Award(ctx, owner, id, app.AwardInput{Kind: "bounty", Amount: 500000, Nonce: "n1"}); !isInvalid(err, "reason") {
		t.Errorf("bounty above the range without a reason: err = %v, want an InvalidError on reason", err)
	}
	if _, err := e.App.Award(ctx, owner, id, app.AwardInput{Kind: "tip", Amount: 100, Nonce: "n2"}); !isInvalid(err, "kind") {
		t.Errorf("unknown kind: err = %v", err)
	}
	w, err := e.App.Award(ctx, owner, id, app.AwardInput{Kind: "bounty", Amount: 150000, Nonce: "n3"})
	if err != nil || w.Currency != "EUR" || w.Status != "pending" {
		t.Fatalf("bounty in range: %+v, %v", w, err)
	}
	if _, err := e.App.Award(ctx, owner, id, app.AwardInput{Kind: "bounty", Amount: 150000, Nonce: "n4"}); !errors.Is(err, haven.ErrConflict) {
		t.Errorf("second bounty: err = %v, want ErrConflict", err)
	}
	// A bonus, sent twice with the same nonce, counts once.
	for range 2 {
		e.App.Award(ctx, owner, id, app.AwardInput{Kind: "bonus", Amount: 5000, Reason: "Retest", Nonce: "retest"})
	}
	got, err := e.App.Awards(ctx, f.actors["researcher"], id)
	if err != nil || len(got) != 2 {
		t.Fatalf("the reporter sees %d awards (%v), want 2", len(got), err)
	}
	if _, err := e.App.Awards(ctx, f.actors["admin"], id); !errors.Is(err, haven.ErrNotFound) {
		t.Errorf("a non-member admin reading awards: err = %v, want ErrNotFound", err)
	}
	// Ledger: owners only; marking paid is a compare-and-set.
	if _, _, err := e.App.Ledger(ctx, f.actors["triager"], "awards"); !errors.Is(err, haven.ErrForbidden) {
		t.Errorf("triager ledger: err = %v", err)
	}
	_, ledger, err := e.App.Ledger(ctx, owner, "awards")
	if err != nil || len(ledger) != 2 {
		t.Fatalf("ledger = %d awards, %v", len(ledger), err)
	}
	if err := e.App.MarkAwardPaid(ctx, owner, "awards", ledger[0].ID); err != nil {
		t.Fatal(err)
	}
	if err := e.App.MarkAwardPaid(ctx, owner, "awards", ledger[0].ID); !errors.Is(err, haven.ErrNotFound) {
		t.Errorf("paying twice: err = %v, want ErrNotFound", err)
	}
}

func TestAwardOnceUnderConcurrency(t *testing.T) {
	apptest.Run(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		f, id := awardFixture(t, e, "race")
		var wg sync.WaitGroup
		var mu sync.Mutex
		ok, conflicts := 0, 0
		for i := range 10 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := e.App.Award(ctx, f.actors["owner"], id, app.AwardInput{Kind: "bounty", Amount: 120000, Nonce: fmt.Sprint("n", i)})
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					ok++
				case errors.Is(err, haven.ErrConflict):
					conflicts++
				default:
					t.Errorf("award: %v", err)
				}
			}()
		}
		wg.Wait()
		if ok != 1 || conflicts != 9 {
			t.Errorf("10 concurrent bounties: %d succeeded, %d conflicts; want 1 and 9", ok, conflicts)
		}
		got, _ := e.App.Awards(ctx, f.actors["owner"], id)
		if len(got) != 1 {
			t.Errorf("%d awards stored, want 1", len(got))
		}
	})
}

func TestLedgerCSVNeutralisesFormulas(t *testing.T) {
	p := &haven.Program{Currency: "EUR"}
	out, err := app.LedgerCSV(p, []haven.Award{
		{ID: 1, ReportPublicID: "abc", Kind: "bounty", Amount: 150050, Currency: "EUR", Status: "paid", Reason: "=HYPERLINK(\"http://x\")"},
		{ID: 2, ReportPublicID: "def", Kind: "bonus", Amount: 5000, Currency: "EUR", Status: "pending", Reason: "+1"},
		{ID: 3, ReportPublicID: "ghi", Kind: "bonus", Amount: 5000, Currency: "EUR", Status: "pending", Reason: "@SUM(A1)"},
		{ID: 4, ReportPublicID: "jkl", Kind: "bonus", Amount: 5000, Currency: "EUR", Status: "pending", Reason: "-2"},
	})
	if err != nil {
		t.Fatal(err)
	}
	s := string(out)
	for _, want := range []string{`"'=HYPERLINK(""http://x"")"`, "'+1", "'@SUM(A1)", "'-2", "1500.50"} {
		if !strings.Contains(s, want) {
			t.Errorf("CSV lacks %q:\n%s", want, s)
		}
	}
}
