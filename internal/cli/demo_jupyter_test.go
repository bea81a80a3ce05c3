package cli

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/haven-project/haven/internal/app"
	"github.com/haven-project/haven/internal/haven"
	"github.com/haven-project/haven/internal/markdown"
	"github.com/haven-project/haven/internal/storetest"
)

// jupyterSeed is the program page the demo is built from, outside the
// module, in the project's shared folder.
var jupyterSeed = filepath.Join("..", "..", "..", "shared", "seeds", "jupyter-bug-bounty-program.txt")

// seedAdditionalOutOfScope reads the bullets of the seed's "Additionally,
// the following elements are out of scope:" list.
func seedAdditionalOutOfScope(t *testing.T) []string {
	t.Helper()
	f, err := os.Open(jupyterSeed)
	if os.IsNotExist(err) {
		t.Skipf("seed page %s is not here", jupyterSeed)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var items []string
	in := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.TrimSpace(line) == "Additionally, the following elements are out of scope:":
			in = true
		case !in:
		case strings.HasPrefix(line, "  • "):
			items = append(items, strings.TrimPrefix(line, "  • "))
		case strings.TrimSpace(line) == "" && len(items) > 0:
			return items
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return items
}

func TestSeedJupyter(t *testing.T) {
	ctx := t.Context()
	a := app.New(storetest.SQLite(t), app.Config{BaseURL: "http://haven.test"})
	if _, err := a.CreateUser(ctx, haven.System, app.CreateUserInput{
		Email: "owner@jupyter.test", Password: "Notebook-Trust-Boundary-7q2x", DisplayName: "Jupyter Owner",
	}); err != nil {
		t.Fatal(err)
	}
	seeded, err := seedJupyter(ctx, a, "owner@jupyter.test")
	if err != nil {
		t.Fatal(err)
	}
	if seeded == nil || seeded.Slug != "jupyter" {
		t.Fatalf("seedJupyter returned %+v, want the jupyter program", seeded)
	}

	v, err := a.Program(ctx, haven.Visitor, "jupyter")
	if err != nil {
		t.Fatal(err)
	}
	p := v.Program

	t.Run("program", func(t *testing.T) {
		if p.Organisation != "Project Jupyter" || p.Currency != "EUR" || p.Kind != haven.KindBounty || p.Status != haven.StatusPublished {
			t.Errorf("organisation %q, currency %q, kind %q, status %q; want Project Jupyter, EUR, bounty, published",
				p.Organisation, p.Currency, p.Kind, p.Status)
		}
		if p.ContactEmail != "security@jupyter.test" {
			t.Errorf("contact %q, want security@jupyter.test", p.ContactEmail)
		}
		if p.RetestBonus != 5000 {
			t.Errorf("retest bonus %d, want 5000 (€50)", p.RetestBonus)
		}
		wantBands := []haven.SeverityBand{
			{Name: "Low", Min: 0.1, Max: 3.9}, {Name: "Medium", Min: 4.0, Max: 6.9}, {Name: "High", Min: 7.0, Max: 8.9},
			{Name: "Critical", Min: 9.0, Max: 9.4}, {Name: "Exceptional", Min: 9.5, Max: 10.0},
		}
		if diff := cmp.Diff(wantBands, p.Bands); diff != "" {
			t.Errorf("bands (-want +got):\n%s", diff)
		}
		wantDays := map[string]int{"Exceptional": 5, "Critical": 10, "High": 15, "Medium": 30, "Low": 60}
		if diff := cmp.Diff(wantDays, p.ValidationDays); diff != "" {
			t.Errorf("validation days (-want +got):\n%s", diff)
		}
	})

	t.Run("assets", func(t *testing.T) {
		want := []struct{ name, phrase string }{
			{"JupyterLab", "highly extensible, feature-rich notebook authoring application and editing environment."},
			{"Jupyter Server", "the core services, APIs, and REST endpoints"},
			{"JupyterHub", "a class of students, a corporate data science workgroup"},
		}
		if len(v.Assets) != len(want) {
			t.Fatalf("%d assets, want %d", len(v.Assets), len(want))
		}
		for i, w := range want {
			as := v.Assets[i]
			if as.Name != w.name || as.Tier != 2 || !as.InScope || !as.BountyEligible || as.Type != "package" {
				t.Errorf("asset %d: %q tier %d in scope %t bounty %t type %q; want %q, tier 2, in scope, bounty, package",
					i, as.Name, as.Tier, as.InScope, as.BountyEligible, as.Type, w.name)
			}
			if !strings.Contains(as.Description, w.phrase) {
				t.Errorf("asset %q: description %q lacks the seed's %q", as.Name, as.Description, w.phrase)
			}
		}
		if hub := v.Assets[2]; !strings.Contains(hub.Description, "spawns, manages, and proxies") {
			t.Errorf("JupyterHub: description %q lacks the seed's first paragraph", hub.Description)
		}
	})

	t.Run("rewards", func(t *testing.T) {
		if len(v.Rewards) == 0 {
			t.Fatal("no rewards")
		}
		lo, hi := v.Rewards[0].Min, v.Rewards[0].Max
		severities := map[string]bool{}
		for _, r := range v.Rewards {
			lo, hi = min(lo, r.Min), max(hi, r.Max)
			severities[r.Severity] = true
			if r.Tier != 2 {
				t.Errorf("reward %+v: tier %d, want 2", r, r.Tier)
			}
		}
		if lo != 25000 || hi != 500000 {
			t.Errorf("rewards span %d–%d, want 25000–500000 (€250–€5,000)", lo, hi)
		}
		for _, b := range haven.DefaultBands() {
			if !severities[b.Name] {
				t.Errorf("no reward for %s", b.Name)
			}
		}
	})

	t.Run("out of scope", func(t *testing.T) {
		have := map[string]bool{}
		for _, c := range v.OutOfScope {
			have[c.Text] = true
		}
		bullets := seedAdditionalOutOfScope(t)
		if len(bullets) != 23 {
			t.Fatalf("read %d bullets from the seed, want 23", len(bullets))
		}
		for _, b := range bullets {
			if !have[b] {
				t.Errorf("out-of-scope list lacks the seed's %q", b)
			}
		}
	})

	t.Run("texts", func(t *testing.T) {
		for _, c := range []struct{ what, text, want string }{
			{"policy", p.Policy, "Untrusted JavaScript is never executed"},
			{"policy", p.Policy, "illustrative"},
			{"policy", p.Policy, "contextual CVSS"},
			{"rules", p.Rules, "Not discuss or disclose vulnerability information without prior written consent"},
			{"guidelines", p.Guidelines, "**Avoid** sending basic reports that just use website scanning tools"},
			{"guidelines", p.Guidelines, "within 14 days after the public release of a patch"},
		} {
			if !strings.Contains(c.text, c.want) {
				t.Errorf("%s lacks %q", c.what, c.want)
			}
		}
		if p.SafeHarbour == "" {
			t.Error("no safe harbour")
		}
	})

	t.Run("activity", func(t *testing.T) {
		for _, want := range []string{"published the program", "published a program update"} {
			found := false
			for _, e := range v.Activity {
				found = found || strings.Contains(e.Text, want)
			}
			if !found {
				t.Errorf("activity feed %+v lacks %q", v.Activity, want)
			}
		}
	})

	t.Run("team", func(t *testing.T) {
		team, err := a.Team(ctx, haven.System, "jupyter")
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range team.Members {
			if m.User.Email == "owner@jupyter.test" && m.Role == haven.RoleOwner {
				return
			}
		}
		t.Errorf("owner@jupyter.test is not an owner: %+v", team.Members)
	})

	t.Run("canned responses", func(t *testing.T) {
		// Canned responses are the team's; visitors can't read them.
		canned, err := a.CannedResponses(ctx, haven.System, "jupyter")
		if err != nil {
			t.Fatal(err)
		}
		bodies := map[string]string{}
		for _, c := range canned {
			bodies[c.Title] = c.Body
		}
		for title, want := range map[string]string{
			"Vendor assessments":              "the Jupyter Team is not aware either of who installs Jupyter.",
			"Scanner output without analysis": "proof of concept",
		} {
			if !strings.Contains(bodies[title], want) {
				t.Errorf("canned response %q = %q, want it to contain %q", title, bodies[title], want)
			}
		}
	})

	t.Run("again", func(t *testing.T) {
		// A demo restarted on kept data finds the program and adds nothing.
		if _, err := seedJupyter(ctx, a, "owner@jupyter.test"); err != nil {
			t.Fatal(err)
		}
		again, err := a.Program(ctx, haven.Visitor, "jupyter")
		if err != nil {
			t.Fatal(err)
		}
		if len(again.Assets) != len(v.Assets) || len(again.OutOfScope) != len(v.OutOfScope) {
			t.Errorf("second seeding: %d assets, %d out-of-scope classes; want %d, %d",
				len(again.Assets), len(again.OutOfScope), len(v.Assets), len(v.OutOfScope))
		}
	})
}

// TestJupyterTexts checks the demo texts without a database: the figures the
// seeds give, and Markdown that Haven renders (no raw HTML).
func TestJupyterTexts(t *testing.T) {
	if got := len(jupyterAdditionalOutOfScope); got != 23 {
		t.Errorf("%d \"Additionally\" classes, want 23", got)
	}
	if got := len(jupyterOutOfScope()); got != 31 {
		t.Errorf("%d out-of-scope classes, want 31", got)
	}
	if lo, hi := rewardSpan(jupyterRewards); lo != 25000 || hi != 500000 {
		t.Errorf("rewards span %d–%d, want 25000–500000", lo, hi)
	}
	for cents, want := range map[int64]string{5000: "€50", 25000: "€250", 500000: "€5,000", 100000050: "€1,000,000.50"} {
		if got := euros(cents); got != want {
			t.Errorf("euros(%d) = %q, want %q", cents, got, want)
		}
	}
	texts := map[string]string{
		"policy":     jupyterPolicy(haven.DefaultBands(), haven.DefaultValidationDays()),
		"rules":      jupyterRules,
		"safe":       jupyterSafeHarbour,
		"guidelines": jupyterGuidelines,
		"vendor":     jupyterVendorAssessments,
		"scanner":    jupyterScannerAnswer,
		"update":     jupyterLaunchUpdate(haven.DefaultValidationDays()),
	}
	for name, s := range texts {
		if strings.ContainsAny(s, "<>") {
			t.Errorf("%s holds < or >: keep it to Markdown", name)
		}
		if strings.Contains(s, "ã") {
			t.Errorf("%s holds mojibake", name)
		}
	}
	// Every link survives sanitizing, and the tables render as tables.
	for name, s := range texts {
		html := markdown.RenderString(s)
		if got, want := strings.Count(html, "<a href="), strings.Count(s, "]("); got != want {
			t.Errorf("%s: %d links rendered, want %d:\n%s", name, got, want, html)
		}
	}
	policy := markdown.RenderString(texts["policy"])
	for _, want := range []string{"<table>", `href="` + jupyterHubSecurityURL + `"`, `href="` + jupyterServerSecurityURL + `"`, `href="` + jupyterCVEURL + `"`} {
		if !strings.Contains(policy, want) {
			t.Errorf("rendered policy lacks %s:\n%s", want, policy)
		}
	}
	if !strings.Contains(texts["policy"], "| Exceptional | 5 working days |") {
		t.Errorf("policy's validation table lacks Exceptional 5:\n%s", texts["policy"])
	}
}
