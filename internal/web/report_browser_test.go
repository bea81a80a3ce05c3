package web_test

// The report journey in a headless Chromium, as the people make it: a
// researcher logs in, opens the program, fills the report form, scores it
// with the calculator (no JavaScript: the form posts and comes back),
// forgets the rules once, and submits; a triager, in a browser of their
// own, finds it in the inbox, comments internally and publicly, accepts
// and rescores it; the researcher sees what they may; the owner resolves
// it. No console errors, nothing sticking out sideways on a phone, and
// screenshots of each page at desktop and phone sizes.

import (
	"context"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/haven-project/haven/internal/app"
	"github.com/haven-project/haven/internal/apptest"
	"github.com/haven-project/haven/internal/browsertest"
	"github.com/haven-project/haven/internal/haven"
)

// rbLogIn logs in through the log-in form.
func rbLogIn(b *abBrowser, email string) {
	b.t.Helper()
	b.open("/login", "/login")
	b.typeInto("email", email)
	b.typeInto("password", pbPassword)
	b.press("log in as "+email, `main button[type="submit"]`, "/")
}

// rbPressToReport presses a button that leads to a report page, checks
// the page as press does, and returns the report's id.
func rbPressToReport(b *abBrowser, what, sel string) string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.tab.Context(), 15*time.Second)
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("%s: pressing %s: %v%s", what, sel, err, b.where())
	}
	u, err := url.Parse(resp.URL)
	if err != nil || !strings.HasPrefix(u.Path, "/reports/") {
		b.t.Fatalf("%s: landed on %s, want /reports/{id}%s", what, resp.URL, b.where())
	}
	b.arrived(what, resp.Status, resp.URL, u.Path)
	return strings.TrimPrefix(u.Path, "/reports/")
}

// rbShoot writes a screenshot of the whole page.
func rbShoot(b *abBrowser, name string) {
	b.t.Helper()
	b.tab.Screenshot(filepath.Join(b.dir, "report-"+name+"-"+b.vp.name+".png"))
}

// rbResize moves the person to another window size.
func rbResize(b *abBrowser, vp abViewport) {
	b.t.Helper()
	b.vp = vp
	b.tab.SetViewport(vp.width, vp.height, vp.mobile)
}

// rbCalculate fills the calculator for 9.8 (network, no privileges, no
// interaction, high impacts), presses Calculate and checks the score.
func rbCalculate(b *abBrowser) {
	b.t.Helper()
	for _, m := range []string{"AV=N", "AC=L", "PR=N", "UI=N", "S=U", "C=H", "I=H", "A=H"} {
		k, v, _ := strings.Cut(m, "=")
		sel := `input[name="m_` + k + `"][value="` + v + `"] + span`
		if b.vp.mobile {
			b.tab.Run(chromedp.Tap(chromedp.CSS(sel)))
		} else {
			b.tab.Run(chromedp.Click(chromedp.CSS(sel)))
		}
	}
	b.press("calculate", `button[name="calculate"]`, "/programs/jupyter/report")
	b.see("calculated", "#cvss-score", "9.8", "Exceptional")
	if got := browsertest.Get(b.tab, chromedp.Value(chromedp.ID("cvss_vector"))); got != rpCritical {
		b.t.Errorf("calculated: the vector field holds %q, want %q", got, rpCritical)
	}
	if n := b.count(`input[name^="m_"]:checked`); n != 8 {
		b.t.Errorf("calculated: %d metrics chosen after the round trip, want 8", n)
	}
}

// rbSeed adds reports of another researcher at several stages, so that
// the inbox has a deadline overdue, one due soon and an assignee, and
// leaves the clock on Monday 30 November 2026, 10:00 UTC.
func rbSeed(t *testing.T, e *apptest.Env, bob *haven.User) (triager *haven.User) {
	t.Helper()
	ctx := context.Background()
	assets, err := e.App.Assets(ctx, haven.System, "jupyter")
	if err != nil {
		t.Fatal(err)
	}
	asset := map[string]int64{}
	for _, a := range assets {
		asset[a.Name] = a.ID
	}
	team, err := e.App.Team(ctx, haven.System, "jupyter")
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range team.Members {
		if m.Role == haven.RoleTriager {
			triager = m.User
		}
	}
	submit := func(assetName, title, vector, weakness string) string {
		t.Helper()
		r, err := e.App.SubmitReport(ctx, haven.Actor{User: bob}, "jupyter", app.SubmitInput{
			AssetID: asset[assetName], Title: title, CVSSVector: vector, Weakness: weakness, AcceptRules: true,
			Description: "Found while testing " + assetName + ". Details in the steps.",
			Steps:       "1. Install the latest release.\n2. Follow the proof of concept.",
		})
		if err != nil {
			t.Fatal(err)
		}
		return r.PublicID
	}
	// Monday 23 November, 09:00: overdue a week later.
	submit("Jupyter Server", "Remote code execution through crafted kernel messages", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", "CWE-94")
	redirect := submit("JupyterHub", "Open redirect after login", "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", "CWE-601")
	// The triager acts as a person does: store reads are scoped by the
	// account, so the system actor sees no report.
	sys := haven.Actor{User: triager, Memberships: map[int64]haven.Role{team.Program.ID: haven.RoleTriager}}
	if err := e.App.Assign(ctx, sys, redirect, triager.ID); err != nil {
		t.Fatal(err)
	}
	if err := e.App.Transition(ctx, sys, redirect, app.TransitionInput{To: haven.StateTriaged}); err != nil {
		t.Fatal(err)
	}
	selfXSS := submit("JupyterLab", "Self-XSS in the command palette", "CVSS:3.1/AV:L/AC:H/PR:L/UI:R/S:U/C:L/I:N/A:N", "CWE-79")
	if err := e.App.Transition(ctx, sys, selfXSS, app.TransitionInput{To: haven.StateInformative,
		Reason: "Self-XSS that cannot be used against other users is out of the program's scope."}); err != nil {
		t.Fatal(err)
	}
	// Tuesday 24 November: due soon on Monday 30.
	e.Clock.Advance(24 * time.Hour)
	submit("Jupyter Server", "Path traversal in the contents API", rpCritical, "CWE-22")
	e.Clock.Advance(6*24*time.Hour + time.Hour)
	return triager
}

// TestReportJourneyInBrowser makes the whole journey of a report.
func TestReportJourneyInBrowser(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	owner := pbProgram(t, e)
	alice := e.CreateUser(t, "alice@researcher.test", pbPassword, false)
	bob := e.CreateUser(t, "bob@researcher.test", pbPassword, false)
	ctx := context.Background()
	if _, err := e.App.AddCannedResponse(ctx, haven.System, "jupyter", "Vendor assessments",
		"Jupyter cannot provide, or fill in \"Plan-Risk Assessment\", \"Hecvat\", \"Vpat\" and similar vendor assessing questionnaire."); err != nil {
		t.Fatal(err)
	}
	triager := rbSeed(t, e, bob)
	assets, err := e.App.Assets(ctx, haven.System, "jupyter")
	if err != nil {
		t.Fatal(err)
	}
	var lab string
	for _, a := range assets {
		if a.Name == "JupyterLab" {
			lab = strconv.FormatInt(a.ID, 10)
		}
	}
	dir := pbDir(t)
	desktop, phone := abViewports[0], abViewports[1]
	const (
		title    = "Stored XSS in notebook names"
		internal = "Looks like the sanitizer regression from 4.2.0; checking with the maintainers before we answer."
		public   = "Thanks! We reproduced it on JupyterLab 4.2.5 and are working on a fix."
	)

	// The researcher opens the program and its report form.
	res := &abBrowser{t: t, tab: browsertest.New(t), e: e, vp: desktop, dir: dir}
	rbResize(res, desktop)
	rbLogIn(res, alice.Email)
	res.open("/programs/jupyter", "/programs/jupyter")
	res.press("submit a report", `#report a[href="/programs/jupyter/report"]`, "/programs/jupyter/report")
	res.see("the form", "main h1", "Report a vulnerability")
	res.tab.Run(
		chromedp.SetValue(chromedp.ID("asset_id"), lab),
		chromedp.SendKeys(chromedp.ID("title"), title),
		chromedp.SendKeys(chromedp.ID("weakness"), "CWE-79"),
		chromedp.SendKeys(chromedp.ID("description"), "A notebook named `<img src=x onerror=alert(document.domain)>` runs script in the browser of **everyone** who opens the file browser."),
		chromedp.SendKeys(chromedp.ID("steps_to_reproduce"), "1. Create a notebook.\n2. Rename it to the payload.\n3. Open the file browser as another user."),
		chromedp.SendKeys(chromedp.ID("impact"), "Account takeover of any user who lists the folder."),
	)
	rbCalculate(res)
	if got := browsertest.Get(res.tab, chromedp.Value(chromedp.ID("title"))); got != title {
		t.Errorf("after calculating, the title field holds %q, want %q", got, title)
	}
	rbShoot(res, "form")

	// Forgetting the rules brings the form back, complete, with the message.
	res.expect(422)
	res.press("submit without accepting the rules", "#submit-report", "/programs/jupyter/report")
	res.see("rules not accepted", "#accept_rules-error", "Accept the program's rules of engagement")
	res.see("rules not accepted", "#cvss-score", "9.8")
	rbShoot(res, "form-errors")
	res.tab.Run(chromedp.Click(chromedp.ID("accept_rules")))
	id := rbPressToReport(res, "submit the report", "#submit-report")
	res.see("the new report", ".flash", "Your report was submitted.")
	res.see("the new report", "main", title, "New", "Exceptional", "9.8", "submitted the report",
		"Validate by", "7 Dec 2026 10:00 UTC")
	if n := res.count("main img"); n != 0 {
		t.Errorf("the report's Markdown made %d images", n)
	}

	// The triager, in a browser of their own, finds it in the inbox.
	e.Clock.Advance(35 * time.Minute)
	tri := &abBrowser{t: t, tab: browsertest.New(t), e: e, vp: desktop, dir: dir}
	rbResize(tri, desktop)
	rbLogIn(tri, triager.Email)
	tri.open("/inbox", "/inbox")
	tri.see("team inbox", "main", title, "Path traversal in the contents API", "Overdue", "Due soon", "5 reports")
	rbShoot(tri, "inbox")
	tri.press("open the report", `a.report-link[href="/reports/`+id+`"]`, "/reports/"+id)
	tri.see("team view", "#triage", "Change state", "Rescore", "Assign")
	tri.see("team view", ".report-details", "alice@researcher.test")

	// An internal note, then a public answer that starts from a canned response.
	tri.typeInto("body", internal)
	tri.tab.Run(chromedp.Click(chromedp.ID("internal")))
	tri.press("post an internal comment", `#comment-form button[type="submit"]`, "/reports/"+id)
	tri.see("internal comment", "#activity", internal, "Internal")
	e.Clock.Advance(4 * time.Minute)
	tri.press("use a canned response", `.canned a`, "/reports/"+id)
	if got := browsertest.Get(tri.tab, chromedp.Value(chromedp.ID("body"))); !strings.HasPrefix(got, "Jupyter cannot provide") {
		t.Errorf("the canned response link put %q in the comment box", got)
	}
	tri.tab.Run(chromedp.SetValue(chromedp.ID("body"), public))
	tri.press("post a public comment", `#comment-form button[type="submit"]`, "/reports/"+id)

	// Accept, assign to themselves, rescore.
	e.Clock.Advance(12 * time.Minute)
	tri.tab.Run(chromedp.SetValue(chromedp.ID("to"), "accepted"))
	tri.press("accept", `#state-form button[type="submit"]`, "/reports/"+id)
	tri.see("accepted", "#report-state", "Accepted")
	tri.tab.Run(chromedp.SetValue(chromedp.ID("assignee"), strconv.FormatInt(triager.ID, 10)))
	tri.press("assign", `#assign-form button[type="submit"]`, "/reports/"+id)
	tri.see("assigned", "#assignee-name", "triager@jupyter.test")
	e.Clock.Advance(3 * time.Minute)
	tri.tab.Run(
		chromedp.SetValue(chromedp.ID("rescore-vector"), rpHigh),
		chromedp.SendKeys(chromedp.ID("rescore-reason"), "Reading other users' notebooks only: no integrity impact."),
	)
	tri.press("rescore", `#cvss-form button[type="submit"]`, "/reports/"+id)
	tri.see("rescored", "main", "High", "7.5", "rescored the report from 9.8", rpCritical, "no integrity impact")
	rbShoot(tri, "team")

	// The researcher reloads: the public answer and the new state, never
	// the internal note.
	res.open("/reports/"+id, "/reports/"+id)
	text := res.text("body")
	for _, want := range []string{public, "Accepted", "High", "7.5", "Project Jupyter team"} {
		if !strings.Contains(text, want) {
			t.Errorf("researcher's view: %q is not on the page", want)
		}
	}
	for _, secret := range []string{internal, "sanitizer regression", "Internal", "triager@jupyter.test", "Triage"} {
		if strings.Contains(text, secret) {
			t.Errorf("researcher's view: %q is on the page", secret)
		}
	}

	// The owner resolves it.
	e.Clock.Advance(2*time.Hour + 17*time.Minute)
	own := &abBrowser{t: t, tab: browsertest.New(t), e: e, vp: desktop, dir: dir}
	rbResize(own, desktop)
	rbLogIn(own, owner.Email)
	own.open("/reports/"+id, "/reports/"+id)
	own.tab.Run(
		chromedp.SetValue(chromedp.ID("to"), "resolved"),
		chromedp.SendKeys(chromedp.ID("reason"), "Fixed in JupyterLab 4.2.6, released today."),
	)
	own.press("resolve", `#state-form button[type="submit"]`, "/reports/"+id)
	own.see("resolved", "#report-state", "Resolved")

	res.open("/reports/"+id, "/reports/"+id)
	res.see("researcher sees it resolved", "main", "Resolved", "Fixed in JupyterLab 4.2.6")
	rbShoot(res, "researcher")

	// Phone sizes: the same pages, nothing sticking out.
	rbResize(tri, phone)
	tri.open("/inbox", "/inbox")
	rbShoot(tri, "inbox")
	tri.open("/reports/"+id, "/reports/"+id)
	rbShoot(tri, "team")
	rbResize(res, phone)
	res.open("/reports/"+id, "/reports/"+id)
	rbShoot(res, "researcher")
	res.open("/programs/jupyter/report", "/programs/jupyter/report")
	rbCalculate(res)
	rbShoot(res, "form")

	for _, b := range []*abBrowser{res, tri, own} {
		if errs := b.tab.ConsoleErrors(); len(errs) > b.errors {
			t.Errorf("console errors at the end: %q", errs[b.errors:])
		}
	}
	t.Logf("screenshots in %s", dir)
}
