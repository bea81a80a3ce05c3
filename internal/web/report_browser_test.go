package web_test

// The report journey in a headless Chromium, as the people make it: a
// researcher logs in, opens the program, fills the report form, scores it
// with the calculator (no JavaScript: the form posts and comes back),
// forgets the rules once (and must choose the file again), and submits
// with a proof of concept attached; a triager, in a browser of their own,
// finds it in the inbox with its file, comments internally and publicly,
// accepts and rescores it; the researcher sees what they may; the owner
// awards the bounty and resolves it; the triager asks for a retest with
// the program's bonus, the researcher answers "fixed" with a screenshot,
// the owner approves it and the bonus; the researcher asks to disclose,
// the owner agrees to publish a summary, and a visitor who is signed in
// nowhere reads the summary and nothing else. No console errors, nothing
// sticking out sideways on a phone, and screenshots of each page at
// desktop and phone sizes.

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the program's time zone, whatever the machine has

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

// rbFile writes a file for a person to upload, and returns its path.
func rbFile(t *testing.T, name string, body []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, body, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// rbPNG returns a small, real PNG image, the same on every run.
func rbPNG(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 64, 40))
	for y := range 40 {
		for x := range 64 {
			img.Set(x, y, color.RGBA{uint8(x * 4), uint8(y * 6), 160, 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// rbDownload follows the first download link matching sel, as the person
// signed in in the tab, and fails the test unless it answers 200 with body.
func rbDownload(b *abBrowser, what, sel string, body []byte) {
	b.t.Helper()
	type download struct {
		Status int   `json:"status"`
		Bytes  []int `json:"bytes"`
	}
	got := browsertest.Get(b.tab, chromedp.Evaluate[download](`(async () => {
		const a = document.querySelector(`+jsString(sel)+`);
		if (!a) return {status: 0, bytes: []};
		const r = await fetch(a.href);
		return {status: r.status, bytes: Array.from(new Uint8Array(await r.arrayBuffer()))};
	})()`, chromedp.EvalAwaitPromise))
	if got.Status != 200 {
		b.t.Errorf("%s: downloading %s: status %d, want 200%s", what, sel, got.Status, b.where())
		return
	}
	same := len(got.Bytes) == len(body)
	for i := 0; same && i < len(body); i++ {
		same = got.Bytes[i] == int(body[i])
	}
	if !same {
		b.t.Errorf("%s: %s downloads %d bytes that are not the %d bytes uploaded", what, sel, len(got.Bytes), len(body))
	}
}

// rbNotOn fails the test if the page of the tab shows any of the texts.
func rbNotOn(b *abBrowser, what string, texts ...string) {
	b.t.Helper()
	page := b.text("body")
	for _, s := range texts {
		if strings.Contains(page, s) {
			b.t.Errorf("%s: %q is on the page%s", what, s, b.where())
		}
	}
}

// rbReturn brings a person back after a day or more away, when their
// session has ended (unused for 12 hours): in a new window, they follow
// the link in the newest mail Haven sent them, log in, and land on the
// report. It returns the person in the new window, after checking the
// old one for console errors.
func rbReturn(old *abBrowser, email, report string) *abBrowser {
	t := old.t
	t.Helper()
	if errs := old.tab.ConsoleErrors(); len(errs) > old.errors {
		t.Errorf("console errors in %s's window: %q", email, errs[old.errors:])
	}
	m := old.e.LastMail(t, email)
	link := apptest.LinkIn(t, m, "/reports/")
	if link != report {
		t.Errorf("the mail %q to %s links to %s, want %s", m.Subject, email, link, report)
	}
	b := &abBrowser{t: t, tab: browsertest.New(t), e: old.e, vp: old.vp, dir: old.dir}
	rbResize(b, b.vp)
	b.open(link, "/login")
	b.typeInto("email", email)
	b.typeInto("password", pbPassword)
	b.press("log in from the mail", `main button[type="submit"]`, report)
	return b
}

// TestReportJourneyInBrowser makes the whole journey of a report, on
// SQLite and, when HAVEN_TEST_DATABASE_URL names a server, on PostgreSQL.
func TestReportJourneyInBrowser(t *testing.T) {
	t.Parallel()
	apptest.Run(t, rbJourney)
}

// rbJourney is the journey of TestReportJourneyInBrowser on one Haven:
// submit (with a file) → triage → accept → bounty → resolve → retest →
// disclose.
func rbJourney(t *testing.T, e *apptest.Env) {
	start := time.Now()
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
	program, err := e.App.Program(ctx, haven.System, "jupyter")
	if err != nil {
		t.Fatal(err)
	}
	if program.RetestBonus != 50_00 || program.Currency != "EUR" {
		t.Fatalf("the program's retest bonus is %d %s, want 5000 EUR", program.RetestBonus, program.Currency)
	}
	paris, err := time.LoadLocation(program.Calendar.TimeZone)
	if err != nil {
		t.Fatal(err)
	}
	dir := pbDir(t)
	desktop, phone := abViewports[0], abViewports[1]
	const (
		title       = "Stored XSS in notebook names"
		description = "A notebook named `<img src=x onerror=alert(document.domain)>` runs script in the browser of **everyone** who opens the file browser."
		steps       = "1. Create a notebook.\n2. Rename it to the payload.\n3. Open the file browser as another user."
		impact      = "Account takeover of any user who lists the folder."
		internal    = "Looks like the sanitizer regression from 4.2.0; checking with the maintainers before we answer."
		public      = "Thanks! We reproduced it on JupyterLab 4.2.5 and are working on a fix."
		awardReason = "High severity on a tier 2 asset, as the reward table says."
		retestNote  = "JupyterLab 4.2.6 escapes file names in the file browser. Please check the fix on a fresh install."
		retestNotes = "Installed JupyterLab 4.2.6 in a new venv and renamed a notebook to the payload: the file browser shows the name as text and runs nothing."
		askMessage  = "I would like to write about this bug on my blog once users have had time to update."
		summary     = "A crafted notebook name ran script in the file browser of other users of the same Jupyter server. Fixed in JupyterLab 4.2.6."
	)
	// The files, as the researcher has them on disk.
	const pocName, shotName = "poc-notebook-name.ipynb", "file-browser-4.2.6.png"
	poc := []byte(`{"cells": [], "metadata": {"name": "<img src=x onerror=alert(document.domain)>"}, "nbformat": 4, "nbformat_minor": 5}` + "\n")
	shot := rbPNG(t)
	pocPath, shotPath := rbFile(t, pocName, poc), rbFile(t, shotName, shot)

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
		chromedp.SendKeys(chromedp.ID("description"), description),
		chromedp.SendKeys(chromedp.ID("steps_to_reproduce"), steps),
		chromedp.SendKeys(chromedp.ID("impact"), impact),
	)
	rbCalculate(res)
	if got := browsertest.Get(res.tab, chromedp.Value(chromedp.ID("title"))); got != title {
		t.Errorf("after calculating, the title field holds %q, want %q", got, title)
	}
	rbShoot(res, "form")

	// Forgetting the rules brings the form back, complete, with the
	// message, but without the file: the researcher chooses it again.
	res.tab.Run(chromedp.SetUploadFiles(chromedp.ID("attachments"), []string{pocPath}))
	res.expect(422)
	res.press("submit without accepting the rules", "#submit-report", "/programs/jupyter/report")
	res.see("rules not accepted", "#accept_rules-error", "Accept the program's rules of engagement")
	res.see("rules not accepted", "#cvss-score", "9.8")
	res.see("rules not accepted", "#files-again", "choose them again")
	rbShoot(res, "form-errors")
	res.tab.Run(
		chromedp.Click(chromedp.ID("accept_rules")),
		chromedp.SetUploadFiles(chromedp.ID("attachments"), []string{pocPath}),
	)
	id := rbPressToReport(res, "submit the report", "#submit-report")
	report := "/reports/" + id
	res.see("the new report", ".flash", "Your report was submitted.")
	res.see("the new report", "main", title, "New", "Exceptional", "9.8", "submitted the report",
		"Validate by", "7 Dec 2026 10:00 UTC")
	res.see("the new report", "#files", pocName)
	if n := res.count("main img"); n != 0 {
		t.Errorf("the report's Markdown made %d images", n)
	}

	// The triager, in a browser of their own, finds it in the inbox, and
	// the researcher's file with it.
	e.Clock.Advance(35 * time.Minute)
	tri := &abBrowser{t: t, tab: browsertest.New(t), e: e, vp: desktop, dir: dir}
	rbResize(tri, desktop)
	rbLogIn(tri, triager.Email)
	tri.open("/inbox", "/inbox")
	tri.see("team inbox", "main", title, "Path traversal in the contents API", "Overdue", "Due soon", "5 reports")
	rbShoot(tri, "inbox")
	tri.press("open the report", `a.report-link[href="/reports/`+id+`"]`, report)
	tri.see("team view", "#triage", "Change state", "Rescore", "Assign")
	tri.see("team view", ".report-details", "alice@researcher.test")
	tri.see("team view", "#files", pocName, "alice@researcher.test")
	rbDownload(tri, "the researcher's file", `#files ul.files a.file-name`, poc)

	// An internal note, then a public answer that starts from a canned response.
	tri.typeInto("body", internal)
	tri.tab.Run(chromedp.Click(chromedp.ID("internal")))
	tri.press("post an internal comment", `#comment-form button[type="submit"]`, report)
	tri.see("internal comment", "#activity", internal, "Internal")
	e.Clock.Advance(4 * time.Minute)
	tri.press("use a canned response", `.canned a`, report)
	if got := browsertest.Get(tri.tab, chromedp.Value(chromedp.ID("body"))); !strings.HasPrefix(got, "Jupyter cannot provide") {
		t.Errorf("the canned response link put %q in the comment box", got)
	}
	tri.tab.Run(chromedp.SetValue(chromedp.ID("body"), public))
	tri.press("post a public comment", `#comment-form button[type="submit"]`, report)

	// Accept, assign to themselves, rescore.
	e.Clock.Advance(12 * time.Minute)
	tri.tab.Run(chromedp.SetValue(chromedp.ID("to"), "accepted"))
	tri.press("accept", `#state-form button[type="submit"]`, report)
	tri.see("accepted", "#report-state", "Accepted")
	tri.tab.Run(chromedp.SetValue(chromedp.ID("assignee"), strconv.FormatInt(triager.ID, 10)))
	tri.press("assign", `#assign-form button[type="submit"]`, report)
	tri.see("assigned", "#assignee-name", "triager@jupyter.test")
	e.Clock.Advance(3 * time.Minute)
	tri.tab.Run(
		chromedp.SetValue(chromedp.ID("rescore-vector"), rpHigh),
		chromedp.SendKeys(chromedp.ID("rescore-reason"), "Reading other users' notebooks only: no integrity impact."),
	)
	tri.press("rescore", `#cvss-form button[type="submit"]`, report)
	tri.see("rescored", "main", "High", "7.5", "rescored the report from 9.8", rpCritical, "no integrity impact")
	if n := tri.count("#awards form"); n != 0 {
		t.Errorf("a triager sees %d award forms; only owners award", n)
	}
	rbShoot(tri, "team")

	// The researcher reloads: the public answer and the new state, never
	// the internal note.
	res.open(report, report)
	text := res.text("body")
	for _, want := range []string{public, "Accepted", "High", "7.5", "Project Jupyter team", pocName} {
		if !strings.Contains(text, want) {
			t.Errorf("researcher's view: %q is not on the page", want)
		}
	}
	for _, secret := range []string{internal, "sanitizer regression", "Internal", "triager@jupyter.test", "Triage"} {
		if strings.Contains(text, secret) {
			t.Errorf("researcher's view: %q is on the page", secret)
		}
	}

	// The owner awards the bounty that the reward table suggests for a
	// high on a tier-2 asset, then resolves the report.
	e.Clock.Advance(2*time.Hour + 17*time.Minute)
	own := &abBrowser{t: t, tab: browsertest.New(t), e: e, vp: desktop, dir: dir}
	rbResize(own, desktop)
	rbLogIn(own, owner.Email)
	own.open(report, report)
	own.see("award form", "#awards", "Rewards", "No award yet.", "The reward table suggests €1,500 for this report.")
	if got := browsertest.Get(own.tab, chromedp.Value(chromedp.ID("amount"))); got != "1,500" {
		t.Errorf("the award form suggests %q, want 1,500", got)
	}
	own.tab.Run(
		chromedp.SetValue(chromedp.ID("kind"), "bounty"),
		chromedp.SetValue(chromedp.ID("award_reason"), awardReason),
	)
	own.press("award the bounty", `#awards button[type="submit"]`, report)
	own.see("bounty awarded", ".flash", "The award was recorded.")
	own.see("bounty awarded", "#awards", "€1,500 bounty", "Pending", awardReason)
	own.see("bounty awarded", "#activity", "awarded a bounty")
	rbShoot(own, "award")
	own.tab.Run(
		chromedp.SetValue(chromedp.ID("to"), "resolved"),
		chromedp.SendKeys(chromedp.ID("reason"), "Fixed in JupyterLab 4.2.6, released today."),
	)
	own.press("resolve", `#state-form button[type="submit"]`, report)
	own.see("resolved", "#report-state", "Resolved")

	res.open(report, report)
	res.see("researcher sees it resolved", "main", "Resolved", "Fixed in JupyterLab 4.2.6")
	res.see("researcher sees the bounty", "#awards", "€1,500 bounty")
	res.see("researcher sees the retest offer", "#retest", "The team may ask you to check its fix, with a bonus of up to €50")
	if n := res.count("#awards form"); n != 0 {
		t.Errorf("the researcher sees %d award forms", n)
	}
	rbShoot(res, "researcher")

	// A day later the triager asks the researcher to check the fix, with
	// the program's retest bonus and two weeks to answer: the deadline is
	// the end of that day in Paris, the program's time zone.
	e.Clock.Advance(24 * time.Hour)
	day := e.Clock.Now().In(paris).AddDate(0, 0, 14)
	deadline := day.Format(time.DateOnly)
	end := time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, paris).Add(24*time.Hour - time.Second)
	endText := end.UTC().Format("2 Jan 2006 15:04 UTC")
	tri = rbReturn(tri, triager.Email, report)
	tri.see("retest form", "#retest-form", "Ask the researcher to check the fix", "Bonus (EUR)", "At most €50")
	tri.tab.Run(
		chromedp.SendKeys(chromedp.ID("bonus"), "50"),
		chromedp.SetValue(chromedp.ID("retest-deadline"), deadline),
		chromedp.SetValue(chromedp.ID("retest-note"), retestNote),
	)
	tri.press("ask for a retest", `#retest-form button[type="submit"]`, report)
	tri.see("retest asked", ".flash", "The researcher was asked to check the fix.")
	tri.see("retest asked", "#retest", "Waiting for the researcher", "€50", endText, retestNote, "triager@jupyter.test")
	tri.see("retest asked", "#activity", "asked the researcher to check the fix")

	// Two days later the researcher checks it: fixed, with a screenshot.
	e.Clock.Advance(2*24*time.Hour + 3*time.Hour)
	res = rbReturn(res, alice.Email, report)
	res.see("retest asked", "#retest-notice", "The team asks you to check the fix", endText, "with a bonus of €50")
	res.see("retest asked", "#retest", "Waiting for your answer", retestNote)
	rbShoot(res, "retest-asked")
	res.tab.Run(
		chromedp.Click(chromedp.ID("result-fixed")),
		chromedp.SetValue(chromedp.ID("notes"), retestNotes),
		chromedp.SetUploadFiles(chromedp.ID("retest-attachments"), []string{shotPath}),
	)
	res.press("answer the retest", `#retest-answer-form button[type="submit"]`, report)
	res.see("retest answered", ".flash", "Thank you: your answer was sent to the team.")
	res.see("retest answered", "#retest", "Answered", "Fixed", "Your answer", retestNotes, shotName)
	if n := res.count("#retest-answer-form"); n != 0 {
		t.Errorf("the retest answer form is still there after answering")
	}

	// The owner approves the answer, and the bonus with it.
	e.Clock.Advance(50 * time.Minute)
	own = rbReturn(own, owner.Email, report)
	own.see("retest answered", "#retest-notice", "The researcher checked the fix: fixed.")
	own.see("retest answered", "#retest", "The researcher's answer", retestNotes, shotName)
	rbDownload(own, "the retest screenshot", `#retest .retest-part a.file-name`, shot)
	own.see("retest answered", "#retest-decision-form", "Approve and award the bonus (€50)")
	rbShoot(own, "retest-answered")
	own.press("approve the retest", `#retest-decision-form button[name="decision"][value="approve"]`, report)
	own.see("retest approved", ".flash", "The retest was decided.")
	own.see("retest approved", "#retest", "Approved", "€50 awarded")
	own.see("retest approved", "#awards", "€1,500 bounty", "€50 bonus", "Retest bonus")
	own.see("retest approved", "#activity", "approved the retest")
	if n := own.count("#retest-decision-form"); n != 0 {
		t.Errorf("the retest decision form is still there after approving")
	}

	// The next day the researcher asks to disclose the report.
	e.Clock.Advance(20 * time.Hour)
	res = rbReturn(res, alice.Email, report)
	res.see("retest approved", "#retest", "Approved")
	res.see("retest approved", "#awards", "€1,500 bounty", "€50 bonus")
	res.see("disclosure form", "#disclosure-form", "Ask the program to publish this report")
	res.tab.Run(chromedp.SetValue(chromedp.ID("message"), askMessage))
	res.press("ask to disclose", `#disclosure-form button[type="submit"]`, report)
	res.see("disclosure asked", ".flash", "Your disclosure request was sent to the other side.")
	res.see("disclosure asked", "#disclosure-request", "You asked to disclose this report", askMessage)

	// The owner agrees to publish a summary instead of the report.
	e.Clock.Advance(3 * time.Hour)
	own = rbReturn(own, owner.Email, report)
	own.see("disclosure asked", "#disclosure-notice", "The researcher asks to disclose this report.")
	own.see("disclosure asked", "#disclosure-request", "The researcher asked to disclose this report", askMessage)
	own.tab.Run(
		chromedp.Click(chromedp.ID("mode-summary")),
		chromedp.WaitVisible(chromedp.ID("summary")), // shown once "summary" is chosen
		chromedp.SetValue(chromedp.ID("summary"), summary),
	)
	rbShoot(own, "disclosure")
	own.press("agree to disclose", `#disclosure-answer-form button[name="decision"][value="agree"]`, report)
	own.see("disclosed", ".flash", "Your answer was recorded.")
	own.see("disclosed", "#disclosed", "This report is public", "the program's summary is published")
	own.see("disclosed", "#report-public", "Public")
	own.see("disclosed", "#activity", "agreed to disclose the report")

	// A visitor, signed in nowhere, reads the summary and nothing else.
	vis := &abBrowser{t: t, tab: browsertest.New(t), e: e, vp: desktop, dir: dir}
	rbResize(vis, desktop)
	disclosed := "/programs/jupyter/disclosed/" + id
	vis.open(disclosed, disclosed)
	if n := vis.count(`form[action="/logout"]`); n != 0 {
		t.Errorf("the visitor is signed in")
	}
	vis.see("public page", "main h1", title)
	vis.see("public page", "#summary", "Summary", summary)
	vis.see("public page", ".report-details", "JupyterLab", "High", "7.5", "An anonymous researcher", "€1,550")
	rbNotOn(vis, "public page",
		"<img src=x", "runs script in the browser of", "Rename it to the payload", impact, // the report
		internal, "sanitizer regression", "Internal", public, // the comments
		pocName, shotName, retestNote, retestNotes, askMessage, awardReason, // the rest of the history
		"alice@researcher.test", "triager@jupyter.test", "owner@jupyter.test")
	if n := vis.count(`a[href^="/attachments/"]`); n != 0 {
		t.Errorf("public page: %d links to attachments", n)
	}
	rbShoot(vis, "disclosed")

	// The program page lists it among its disclosed reports.
	vis.open("/programs/jupyter", "/programs/jupyter")
	vis.see("program page", "#disclosed", "Disclosed reports", title, "See all 1 disclosed report")
	rbShoot(vis, "program")
	vis.press("open the disclosed report", `#disclosed a[href="`+disclosed+`"]`, disclosed)
	vis.see("public page from the program", "#summary", summary)

	// Phone sizes: the same pages, nothing sticking out. The triager
	// comes back, on a phone this time.
	tri = rbReturn(tri, triager.Email, report)
	rbResize(tri, phone)
	tri.open("/inbox", "/inbox")
	rbShoot(tri, "inbox")
	tri.open(report, report)
	rbShoot(tri, "team")
	rbResize(res, phone)
	res.open(report, report)
	rbShoot(res, "researcher")
	res.open("/programs/jupyter/report", "/programs/jupyter/report")
	rbCalculate(res)
	rbShoot(res, "form")
	rbResize(vis, phone)
	vis.open(disclosed, disclosed)
	rbShoot(vis, "disclosed")
	vis.open("/programs/jupyter", "/programs/jupyter")
	rbShoot(vis, "program")

	for _, b := range []*abBrowser{res, tri, own, vis} {
		if errs := b.tab.ConsoleErrors(); len(errs) > b.errors {
			t.Errorf("console errors at the end: %q", errs[b.errors:])
		}
	}
	t.Logf("journey took %v; screenshots in %s", time.Since(start).Round(time.Millisecond), dir)
}
