package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/haven-project/haven/internal/app"
	"github.com/haven-project/haven/internal/apptest"
	"github.com/haven-project/haven/internal/haven"
)

// TestAwardFormAndLedger: an owner awards a bounty from the report page,
// the reporter sees it, a triager cannot, and the ledger lists and exports
// it with formula-like text neutralised.
func TestAwardFormAndLedger(t *testing.T) {
	e := apptest.New(t)
	ctx := context.Background()
	const pw = "correct horse battery staple"
	owner := e.CreateUser(t, "owner@award.test", pw, false)
	triager := e.CreateUser(t, "triager@award.test", pw, false)
	alice := e.CreateUser(t, "alice@award.test", pw, false)
	p, err := e.App.CreateProgram(ctx, haven.System, app.NewProgram{Slug: "award", Name: "Award", Kind: haven.KindBounty,
		Status: haven.StatusPublished, Owners: []string{owner.Email}})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.App.SetMember(ctx, haven.System, p.ID, triager.ID, haven.RoleTriager); err != nil {
		t.Fatal(err)
	}
	oa := haven.Actor{User: owner, Memberships: map[int64]haven.Role{p.ID: haven.RoleOwner}}
	asset, err := e.App.AddAsset(ctx, oa, "award", app.AssetInput{Name: "Lab", Type: "package", Tier: 2, InScope: true, BountyEligible: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.App.SetRewards(ctx, oa, "award", []haven.Reward{{Tier: 2, Severity: "Exceptional", Min: 350000, Max: 500000}}); err != nil {
		t.Fatal(err)
	}
	r, err := e.App.SubmitReport(ctx, haven.Actor{User: alice}, "award", app.SubmitInput{AssetID: asset.ID, Title: "RCE", Description: "d",
		CVSSVector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", AcceptRules: true})
	if err != nil {
		t.Fatal(err)
	}
	ta := haven.Actor{User: triager, Memberships: map[int64]haven.Role{p.ID: haven.RoleTriager}}
	if err := e.App.Transition(ctx, ta, r.PublicID, app.TransitionInput{To: haven.StateAccepted}); err != nil {
		t.Fatal(err)
	}
	page := "/reports/" + r.PublicID

	oc := e.Client(t)
	oc.LogIn(owner.Email, pw)
	body := oc.Get(page).Body
	if !strings.Contains(body, "suggests €3,500 – €5,000") {
		t.Fatalf("the owner's report page does not suggest the reward table's range:\n%s", body)
	}
	nonce := regexp.MustCompile(`name="nonce" value="([0-9a-f]+)"`).FindStringSubmatch(body)
	if nonce == nil {
		t.Fatal("no nonce in the award form")
	}
	// Above the range without a reason: refused, nothing awarded.
	res := oc.Post(page+"/awards", url.Values{"kind": {"bounty"}, "amount": {"6000"}, "nonce": {nonce[1]}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "outside the reward table") {
		t.Fatalf("award above the range: %d\n%s", res.StatusCode, res.Body)
	}
	res = oc.Post(page+"/awards", url.Values{"kind": {"bounty"}, "amount": {"4,000"}, "nonce": {nonce[1]},
		"award_reason": {"=cmd|' /C calc'!A0"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("award: %d\n%s", res.StatusCode, res.Body)
	}
	// The same form sent again awards nothing more.
	oc.Post(page+"/awards", url.Values{"kind": {"bounty"}, "amount": {"4,000"}, "nonce": {nonce[1]}, "award_reason": {"again"}})
	// With its bounty awarded, the form offers bonuses only.
	if b := oc.Get(page).Body; strings.Contains(b, `<option value="bounty"`) || !strings.Contains(b, `<option value="bonus" selected>`) {
		t.Errorf("after the bounty, the award form still offers a bounty, or does not choose bonus")
	}

	ac := e.Client(t)
	ac.LogIn(alice.Email, pw)
	if b := ac.Get(page).Body; !strings.Contains(b, "€4,000") || strings.Contains(b, `action="`+page+`/awards"`) {
		t.Errorf("the reporter's page: award shown %t, award form shown %t",
			strings.Contains(b, "€4,000"), strings.Contains(b, `action="`+page+`/awards"`))
	}
	tc := e.Client(t)
	tc.LogIn(triager.Email, pw)
	if res := tc.Post(page+"/awards", url.Values{"kind": {"bonus"}, "amount": {"50"}, "nonce": {"x"}}); res.StatusCode != http.StatusForbidden {
		t.Errorf("a triager awarding: %d, want 403", res.StatusCode)
	}
	if res := tc.Get("/programs/award/ledger"); res.StatusCode != http.StatusForbidden {
		t.Errorf("a triager's ledger: %d, want 403", res.StatusCode)
	}

	ledger := oc.Get("/programs/award/ledger")
	if ledger.StatusCode != http.StatusOK || strings.Count(ledger.Body, "/reports/"+r.PublicID) != 1 {
		t.Errorf("ledger: %d, lists the report %d times, want 1", ledger.StatusCode, strings.Count(ledger.Body, "/reports/"+r.PublicID))
	}
	csv := oc.Get("/programs/award/ledger.csv")
	if ct := csv.Header.Get("Content-Type"); ct != "text/csv; charset=utf-8" || !strings.Contains(csv.Header.Get("Content-Disposition"), "attachment") {
		t.Errorf("CSV headers: %q, %q", ct, csv.Header.Get("Content-Disposition"))
	}
	if !strings.Contains(csv.Body, "4000.00") || !strings.Contains(csv.Body, `'=cmd`) {
		t.Errorf("CSV:\n%s", csv.Body)
	}
}

// TestStaleTransitionFormConflicts: the state form carries the state the
// triager saw; when another triager changed it meanwhile, the second
// submission gets 409 and changes nothing.
func TestStaleTransitionFormConflicts(t *testing.T) {
	e := apptest.New(t)
	ctx := context.Background()
	const pw = "correct horse battery staple"
	owner := e.CreateUser(t, "owner@stale.test", pw, false)
	alice := e.CreateUser(t, "alice@stale.test", pw, false)
	p, err := e.App.CreateProgram(ctx, haven.System, app.NewProgram{Slug: "stale", Name: "Stale", Status: haven.StatusPublished, Owners: []string{owner.Email}})
	if err != nil {
		t.Fatal(err)
	}
	oa := haven.Actor{User: owner, Memberships: map[int64]haven.Role{p.ID: haven.RoleOwner}}
	asset, err := e.App.AddAsset(ctx, oa, "stale", app.AssetInput{Name: "Web", Type: "web", Tier: 1, InScope: true})
	if err != nil {
		t.Fatal(err)
	}
	r, err := e.App.SubmitReport(ctx, haven.Actor{User: alice}, "stale", app.SubmitInput{AssetID: asset.ID, Title: "t", Description: "d", AcceptRules: true})
	if err != nil {
		t.Fatal(err)
	}
	oc := e.Client(t)
	oc.LogIn(owner.Email, pw)
	page := "/reports/" + r.PublicID
	if !strings.Contains(oc.Get(page).Body, `name="from" value="new"`) {
		t.Fatal("the state form does not carry the state the triager saw")
	}
	// Someone else accepts it meanwhile.
	if err := e.App.Transition(ctx, oa, r.PublicID, app.TransitionInput{To: haven.StateAccepted}); err != nil {
		t.Fatal(err)
	}
	res := oc.Post(page+"/transitions", url.Values{"from": {"new"}, "to": {"spam"}, "reason": {"looks like spam"}})
	if res.StatusCode != http.StatusConflict {
		t.Errorf("stale form: %d, want 409", res.StatusCode)
	}
	v, err := e.App.Report(ctx, oa, r.PublicID)
	if err != nil || v.State != haven.StateAccepted {
		t.Errorf("state after the stale form: %v, %v; want accepted", v.State, err)
	}
}
