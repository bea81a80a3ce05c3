package web_test

// Browser tests of the program pages in a headless Chromium: every public
// and management page loads with no console error and shows what it
// should, screenshots at desktop and phone sizes for people to look at,
// and a corpus of hostile Markdown and HTML in every Markdown field of a
// program runs nothing and loads nothing from another origin.

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/haven-project/haven/internal/app"
	"github.com/haven-project/haven/internal/apptest"
	"github.com/haven-project/haven/internal/browsertest"
	"github.com/haven-project/haven/internal/haven"
)

func TestMain(m *testing.M) { browsertest.Main(m) }

const pbPassword = "browser owner password 1"

// pbProgram fills a Haven with a published bounty program as a real owner
// would write it (after Jupyter's), and returns its owner. The policy
// changes once after publishing, so rules version 1 has a diff.
func pbProgram(t *testing.T, e *apptest.Env) *haven.User {
	t.Helper()
	ctx := context.Background()
	owner := e.CreateUser(t, "owner@jupyter.test", pbPassword, false)
	triager := e.CreateUser(t, "triager@jupyter.test", pbPassword, false)
	p, err := e.App.CreateProgram(ctx, haven.System, app.NewProgram{
		Slug: "jupyter", Name: "Project Jupyter", Organisation: "Project Jupyter", Kind: haven.KindBounty,
		Currency: "EUR", Status: haven.StatusPublished, Owners: []string{owner.Email},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.App.SetMember(ctx, haven.System, p.ID, triager.ID, haven.RoleTriager); err != nil {
		t.Fatal(err)
	}
	policy := "Project Jupyter welcomes reports of security vulnerabilities in **JupyterLab**, **Jupyter Server** and **JupyterHub**.\n\n" +
		"## The notebook security model\n\n" +
		"A notebook is code: opening an untrusted notebook does not run it, but *running* it does. " +
		"Reports that depend on a user running untrusted code are out of scope.\n\n" +
		"- Test only the latest releases.\n- Use your own installation, never someone else's.\n"
	rules := "1. Do not access, modify or delete data that is not yours.\n" +
		"2. Do not run denial-of-service tests.\n3. Stop and report as soon as you reach sensitive data."
	str := func(s string) *string { return &s }
	bonus := int64(50_00)
	links := []haven.Link{{Label: "Jupyter Server security", URL: "https://jupyter-server.readthedocs.io/en/latest/operators/security.html"},
		{Label: "Security forum", URL: "https://discourse.jupyter.org/c/special-topics/security/48"}}
	if _, err := e.App.UpdateProgram(ctx, haven.System, "jupyter", app.ProgramPatch{
		Policy: str(policy), Rules: str(rules),
		SafeHarbour:  str("We will not pursue legal action against researchers who follow these rules in good faith."),
		Guidelines:   str("Include the version, a proof of concept and the impact. One vulnerability per report."),
		ContactEmail: str("security@jupyter.test"), Links: &links, RetestBonus: &bonus,
		Calendar: &haven.Calendar{TimeZone: "Europe/Paris", Weekend: []string{"saturday", "sunday"}, Holidays: []string{"2026-12-25"}},
	}); err != nil {
		t.Fatal(err)
	}
	for _, a := range []app.AssetInput{
		{Name: "JupyterLab", Type: "package", Identifier: "jupyterlab", Tier: 2, InScope: true, BountyEligible: true,
			Description:  "JupyterLab is a highly extensible, feature-rich notebook authoring application and editing environment.",
			Instructions: "Install it in a personal environment (Python venv, conda or mamba)."},
		{Name: "Jupyter Server", Type: "package", Identifier: "jupyter-server", Tier: 2, InScope: true, BountyEligible: true,
			Description: "The backend (core services, APIs and REST endpoints) for Jupyter web applications like JupyterLab and Voila."},
		{Name: "JupyterHub", Type: "package", Identifier: "jupyterhub", Tier: 2, InScope: true, BountyEligible: true, MaxSeverity: "Critical",
			Description: "A multi-user Hub that spawns, manages, and proxies multiple instances of the single-user Jupyter Server."},
		{Name: "jupyter.org", Type: "web", Identifier: "https://jupyter.org", Tier: 3, InScope: false,
			Description: "The project's static website."},
	} {
		if _, err := e.App.AddAsset(ctx, haven.System, "jupyter", a); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.App.SetRewards(ctx, haven.System, "jupyter", []haven.Reward{
		{Tier: 2, Severity: "Low", Min: 250_00, Max: 250_00}, {Tier: 2, Severity: "Medium", Min: 750_00, Max: 750_00},
		{Tier: 2, Severity: "High", Min: 1_500_00, Max: 1_500_00}, {Tier: 2, Severity: "Critical", Min: 3_000_00, Max: 3_000_00},
		{Tier: 2, Severity: "Exceptional", Min: 3_500_00, Max: 5_000_00},
	}); err != nil {
		t.Fatal(err)
	}
	var oos []app.OutOfScopeInput
	for _, s := range []string{
		"Information disclosure through intentional software package functionality",
		"Intentionally vulnerable configurations",
		"Self-XSS that can't be used to exploit other users",
		"Missing cookie flags", "Missing security headers", "CSRF with no or low impact",
		"Clickjacking on pages with no sensitive actions", "Weak SSL configurations and SSL/TLS scan reports",
	} {
		oos = append(oos, app.OutOfScopeInput{Text: s})
	}
	if err := e.App.SetOutOfScope(ctx, haven.System, "jupyter", oos); err != nil {
		t.Fatal(err)
	}
	if _, err := e.App.PostUpdate(ctx, haven.System, "jupyter", "JupyterHub joins the scope",
		"JupyterHub is now in scope at **tier 2**. Happy hunting!", true); err != nil {
		t.Fatal(err)
	}
	if _, err := e.App.PostUpdate(ctx, haven.System, "jupyter", "Holiday slowdown",
		"We answer more slowly between Christmas and New Year.", false); err != nil {
		t.Fatal(err)
	}
	if err := e.App.SendFeedback(ctx, haven.Actor{IP: "192.0.2.1"}, "jupyter", "The scope table is clear. Could you add examples of accepted reports?"); err != nil {
		t.Fatal(err)
	}
	return owner
}

// pbDir returns the directory for screenshots: $HAVEN_SCREENSHOTS, or a
// temporary one.
func pbDir(t *testing.T) string {
	if d := os.Getenv("HAVEN_SCREENSHOTS"); d != "" {
		return d
	}
	return t.TempDir()
}

// pbLogIn logs in through the log-in form, as a person does.
func pbLogIn(t *testing.T, tab *browsertest.Tab, e *apptest.Env, email string) {
	t.Helper()
	tab.Run(
		chromedp.Navigate(e.URL("/login")),
		chromedp.SendKeys(chromedp.ID("email"), email),
		chromedp.SendKeys(chromedp.ID("password"), pbPassword),
		chromedp.Click(chromedp.CSS(`main button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`form[action="/logout"]`)),
	)
}

// pbOpen opens a page, checks its status, and returns the text of its
// <main> (or of the whole body for a page without one).
func pbOpen(t *testing.T, tab *browsertest.Tab, e *apptest.Env, path string) string {
	t.Helper()
	before := len(tab.ConsoleErrors())
	resp := browsertest.Get(tab, chromedp.NavigateResponse(e.URL(path)))
	if resp.Status != 200 {
		t.Errorf("%s: status %d, want 200", path, resp.Status)
	}
	if errs := tab.ConsoleErrors()[before:]; len(errs) > 0 {
		t.Errorf("%s: console errors: %q", path, errs)
	}
	return browsertest.Get(tab, chromedp.Evaluate[string](`(document.querySelector("main") || document.body).innerText`))
}

func pbWant(t *testing.T, path, text string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("%s: %q is not visible on the page", path, w)
		}
	}
}

// pbShoot takes a desktop (1280×900) and a phone (390×844) screenshot of
// the page at path, and leaves the tab at the desktop size.
func pbShoot(t *testing.T, tab *browsertest.Tab, e *apptest.Env, dir, name, path string) {
	t.Helper()
	tab.Run(chromedp.Navigate(e.URL(path)))
	tab.Screenshot(filepath.Join(dir, name+"-desktop.png"))
	tab.SetViewport(390, 844, true)
	tab.Run(chromedp.Navigate(e.URL(path)))
	tab.Screenshot(filepath.Join(dir, name+"-phone.png"))
	// Nothing may stick out sideways on a phone.
	if w := browsertest.Get(tab, chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); w > 390 {
		t.Errorf("%s: the page is %d px wide on a 390 px phone", path, w)
	}
	tab.SetViewport(1280, 900, false)
}

// pbPolicyChange changes the policy after publishing, so that rules
// version 1 has a diff to show.
func pbPolicyChange(t *testing.T, e *apptest.Env) {
	t.Helper()
	changed := "Project Jupyter welcomes reports of security vulnerabilities in **JupyterLab**, **Jupyter Server** and **JupyterHub**.\n\n" +
		"Reports about notebooks that run untrusted code when a user runs them are out of scope."
	if _, err := e.App.UpdateProgram(context.Background(), haven.System, "jupyter", app.ProgramPatch{Policy: &changed}); err != nil {
		t.Fatal(err)
	}
}

// The browser tests of the program pages are split so that each tab
// stays well within browsertest.Timeout, and they run in parallel.

// TestProgramPublicPagesInBrowser opens the pages every visitor sees.
func TestProgramPublicPagesInBrowser(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	pbProgram(t, e)
	pbPolicyChange(t, e)
	dir := pbDir(t)
	tab := browsertest.New(t)
	tab.SetViewport(1280, 900, false)

	text := pbOpen(t, tab, e, "/programs")
	pbWant(t, "/programs", text, "Project Jupyter", "Accepting reports")
	text = pbOpen(t, tab, e, "/programs/jupyter")
	pbWant(t, "/programs/jupyter", text, "Project Jupyter", "JupyterLab", "Jupyter Server", "€1,500", "€3,500 – €5,000",
		"Validation times", "60 working days", "Rules of engagement", "Missing cookie flags", "JupyterHub joins the scope", "up to €50",
		"security@jupyter.test", "Jupyter Server security")
	if strings.Contains(text, "Holiday slowdown") {
		t.Errorf("/programs/jupyter: a draft update is visible to visitors")
	}
	text = pbOpen(t, tab, e, "/programs/jupyter/rules")
	pbWant(t, "/programs/jupyter/rules", text, "Rule versions", "Version 1", "Version 4", "Current")
	text = pbOpen(t, tab, e, "/programs/jupyter/rules/1")
	pbWant(t, "/programs/jupyter/rules/1", text, "What changed since version 1", "Policy", "run untrusted code when a user runs them", "Missing security headers")
	text = pbOpen(t, tab, e, "/programs/jupyter/security.txt")
	pbWant(t, "security.txt", text, "Contact: mailto:security@jupyter.test", "Policy: ", "Expires: ")

	pbShoot(t, tab, e, dir, "programs", "/programs")
	pbShoot(t, tab, e, dir, "program", "/programs/jupyter")
	pbShoot(t, tab, e, dir, "rules-diff", "/programs/jupyter/rules/1")
	if errs := tab.ConsoleErrors(); len(errs) > 0 {
		t.Errorf("console errors: %q", errs)
	}
	t.Logf("screenshots in %s", dir)
}

// TestProgramManagePagesInBrowser logs in as the owner through the form
// and opens every management page.
func TestProgramManagePagesInBrowser(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	owner := pbProgram(t, e)
	dir := pbDir(t)
	tab := browsertest.New(t)
	tab.SetViewport(1280, 900, false)

	pbLogIn(t, tab, e, owner.Email)
	for _, tt := range []struct {
		path string
		want []string
	}{
		{"/programs/jupyter/settings", []string{"Settings", "Policy and rules", "Severity bands", "Validation times", "Working-day calendar", "Suspend the program", "Save settings"}},
		{"/programs/jupyter/scope", []string{"Assets", "JupyterLab", "Edit JupyterHub", "Add an asset", "Reward table", "Out of scope", "Save the list"}},
		{"/programs/jupyter/team", []string{"owner@jupyter.test", "triager@jupyter.test", "Invite someone", "No open invitations."}},
		{"/programs/jupyter/updates", []string{"New update", "JupyterHub joins the scope", "Holiday slowdown", "Publish"}},
		{"/programs/jupyter/feedback", []string{"Could you add examples of accepted reports?"}},
		{"/programs/jupyter/history", []string{"program.update", "program.asset_add", "program.rewards"}},
	} {
		pbWant(t, tt.path, pbOpen(t, tab, e, tt.path), tt.want...)
	}
	pbShoot(t, tab, e, dir, "manage-settings", "/programs/jupyter/settings")

	// A form round trip in the browser: the rewards form saves what the
	// owner types, and the public page shows it.
	tab.Run(
		chromedp.Navigate(e.URL("/programs/jupyter/scope")),
		chromedp.SetValue(chromedp.ID("reward_2_Low"), "300"),
		chromedp.Click(chromedp.CSS(`#rewards button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.flash`)),
	)
	pbWant(t, "rewards saved", pbOpen(t, tab, e, "/programs/jupyter"), "€300")
	if errs := tab.ConsoleErrors(); len(errs) > 0 {
		t.Errorf("console errors: %q", errs)
	}
}

// TestProgramManageScreenshots leaves screenshots of the other
// management pages, for people to look at.
func TestProgramManageScreenshots(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	owner := pbProgram(t, e)
	dir := pbDir(t)
	tab := browsertest.New(t)
	tab.SetViewport(1280, 900, false)

	pbLogIn(t, tab, e, owner.Email)
	for _, s := range []string{"scope", "team", "updates", "feedback", "history"} {
		pbShoot(t, tab, e, dir, "manage-"+s, "/programs/jupyter/"+s)
	}
	// An asset's edit form opens without JavaScript (<details>).
	tab.Run(
		chromedp.Navigate(e.URL("/programs/jupyter/scope")),
		chromedp.Click(chromedp.CSS(`.asset-edit summary`)),
		chromedp.WaitVisible(chromedp.ID("asset-1-name")),
	)
	tab.Screenshot(filepath.Join(dir, "manage-scope-edit-desktop.png"))
	if errs := tab.ConsoleErrors(); len(errs) > 0 {
		t.Errorf("console errors: %q", errs)
	}
}

// pbHostile returns the hostile Markdown and HTML corpus of the markdown
// package, plus payloads aimed at the places a program's texts land in
// (textareas, attributes, <pre>) and payloads that set window.__pwned
// instead of opening a dialog.
func pbHostile(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "markdown", "testdata", "hostile.txt"))
	if err != nil {
		t.Fatal(err)
	}
	var cases []string
	for _, c := range strings.Split(string(b), "\n----\n") {
		if c = strings.TrimSpace(c); c != "" {
			cases = append(cases, c)
		}
	}
	if len(cases) < 40 {
		t.Fatalf("hostile.txt has %d cases, want at least 40", len(cases))
	}
	return append(cases,
		`</textarea><img src=x onerror="window.__pwned=1"><textarea>`,
		`</pre><script>window.__pwned=1</script><pre>`,
		`"><svg onload="window.__pwned=1">`,
		`<img src="x" onerror="window.__pwned=1">`,
		`[x](javascript:window.__pwned=1)`,
		`<a href="javascript:window.__pwned=1" id="pwn">click</a>`,
		`<iframe src="https://attacker.example/"></iframe>`,
		`<img src="https://attacker.example/pixel.gif">`,
		`<div style="background-image:url('https://attacker.example/bg.png')">bg</div>`,
		`<link rel="prefetch" href="https://attacker.example/prefetch">`,
		`<meta http-equiv="refresh" content="0;url=https://attacker.example/">`,
		`<form action="https://attacker.example/steal"><input name="q" value="x"><button id="send">send</button></form>`,
		`<svg><image href="https://attacker.example/svg.png"/></svg>`,
		`<math><maction actiontype="statusline" xlink:href="javascript:window.__pwned=1">x</maction></math>`,
		`<audio src="https://attacker.example/a.mp3" autoplay></audio>`,
	)
}

// TestHostileMarkdownInBrowser puts the corpus in every Markdown field of
// a program (policy texts, asset description and instructions, program
// update), in plain-text fields (an out-of-scope class, a link label,
// feedback), and opens each page that shows them: nothing may run, and
// nothing may load from another origin.
func TestHostileMarkdownInBrowser(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	owner := pbProgram(t, e)
	ctx := context.Background()
	cases := pbHostile(t)
	corpus := strings.Join(cases, "\n\n")
	short := corpus
	if len(short) > 19_000 {
		short = short[:19_000]
	}
	if _, err := e.App.UpdateProgram(ctx, haven.System, "jupyter", app.ProgramPatch{
		Policy: &corpus, Rules: &corpus, SafeHarbour: &corpus, Guidelines: &corpus,
		Links: &[]haven.Link{{Label: `<img src=x onerror="window.__pwned=1">`, URL: "https://example.com/"}},
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.App.AddAsset(ctx, haven.System, "jupyter", app.AssetInput{
		Name: `<script>window.__pwned=1</script>`, Type: "web", Identifier: `"><img src=x onerror="window.__pwned=1">`, Tier: 2,
		InScope: true, BountyEligible: true, Description: short, Instructions: short,
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.App.PostUpdate(ctx, haven.System, "jupyter", `<img src=x onerror="window.__pwned=1">`, corpus, true); err != nil {
		t.Fatal(err)
	}
	if _, err := e.App.PostUpdate(ctx, haven.System, "jupyter", "Draft with payloads", corpus, false); err != nil {
		t.Fatal(err)
	}
	if err := e.App.SetOutOfScope(ctx, haven.System, "jupyter", []app.OutOfScopeInput{{Text: `<script>window.__pwned=1</script>`}, {Text: cases[2]}}); err != nil {
		t.Fatal(err)
	}
	if err := e.App.SendFeedback(ctx, haven.Actor{IP: "192.0.2.9"}, "jupyter", `<img src=x onerror="window.__pwned=1"> `+cases[0]); err != nil {
		t.Fatal(err)
	}

	// Two tabs in parallel, each well within browsertest.Timeout.
	t.Run("visitor", func(t *testing.T) {
		t.Parallel()
		pbHostileVisit(t, e, nil, "/programs/jupyter", "/programs/jupyter/rules/1", "/programs")
	})
	t.Run("owner", func(t *testing.T) {
		t.Parallel()
		pbHostileVisit(t, e, owner, "/programs/jupyter", "/programs/jupyter/settings", "/programs/jupyter/scope",
			"/programs/jupyter/updates", "/programs/jupyter/feedback", "/programs/jupyter/history")
	})
}

// pbHostileVisit opens the pages in a new tab, as a visitor (owner nil) or
// as the owner, and checks that no payload ran, that the DOM holds nothing
// that could run or load later, and that no request left the test server.
func pbHostileVisit(t *testing.T, e *apptest.Env, owner *haven.User, paths ...string) {
	tab := browsertest.New(t)
	server, err := url.Parse(e.Server.URL)
	if err != nil {
		t.Fatal(err)
	}
	// Record every request and every dialog from now on. A dialog is
	// dismissed at once (from another goroutine: a listener must not send
	// commands), so that a payload that opens one cannot stall the test.
	var mu sync.Mutex
	var requests, dialogs []string
	if err := chromedp.Listen(tab.Context(), func(ev any) {
		switch ev := ev.(type) {
		case *network.EventRequestWillBeSent:
			mu.Lock()
			requests = append(requests, ev.Request.URL)
			mu.Unlock()
		case *page.EventJavascriptDialogOpening:
			mu.Lock()
			dialogs = append(dialogs, string(ev.Type)+": "+ev.Message)
			mu.Unlock()
			go chromedp.Call(tab.Context(), page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: false})
		}
	}); err != nil {
		t.Fatal(err)
	}

	ignored := 0
	check := func(path string) string {
		t.Helper()
		before := len(tab.ConsoleErrors())
		resp := browsertest.Get(tab, chromedp.NavigateResponse(e.URL(path)))
		if resp.Status != 200 {
			t.Errorf("%s: status %d, want 200", path, resp.Status)
		}
		// Give timers, meta refreshes and lazy loads a moment.
		tab.Run(chromedp.Sleep(300 * time.Millisecond))
		if loc := browsertest.Get(tab, chromedp.Location()); loc != e.URL(path) {
			t.Errorf("%s: the page went to %s", path, loc)
		}
		if browsertest.Get(tab, chromedp.Evaluate[bool](`typeof window.__pwned !== "undefined"`)) {
			t.Errorf("%s: a payload ran (window.__pwned is set)", path)
		}
		// The DOM holds nothing that could run or load later: no script,
		// no event handler attribute, no javascript: or data: URL, no
		// frame, object, form leaving the site, style attribute or SVG.
		bad := browsertest.Get(tab, chromedp.Evaluate[[]string](`(() => {
			const bad = [];
			if (document.scripts.length) bad.push(document.scripts.length + " <script>");
			for (const el of document.querySelectorAll("*")) {
				for (const a of el.attributes) {
					const v = a.value.replace(/[\s\u0000-\u001f]/g, "").toLowerCase();
					if (a.name.startsWith("on")) bad.push(el.tagName + " " + a.name);
					if (a.name === "style") bad.push(el.tagName + " style");
					if (/^(href|src|action|formaction|xlink:href|data|srcdoc|poster|background)$/.test(a.name) &&
					    (v.startsWith("javascript:") || v.startsWith("vbscript:") || v.startsWith("data:text"))) bad.push(el.tagName + " " + a.name + "=" + a.value);
				}
			}
			for (const sel of ["iframe", "object", "embed", "svg", "math", "base", "meta[http-equiv]", "link[rel]:not([rel=stylesheet])", "video", "audio", "template"]) {
				const n = document.querySelectorAll(sel).length;
				if (n) bad.push(n + " " + sel);
			}
			for (const f of document.forms) {
				if (new URL(f.action, location.href).origin !== location.origin) bad.push("form to " + f.action);
			}
			for (const l of document.querySelectorAll("link[rel=stylesheet]")) {
				if (new URL(l.href).origin !== location.origin) bad.push("stylesheet " + l.href);
			}
			return bad;
		})()`))
		if len(bad) > 0 {
			t.Errorf("%s: dangerous markup in the page: %q", path, bad)
		}
		for _, msg := range tab.ConsoleErrors()[before:] {
			// The policy lets images from Haven's own /attachments/ route
			// through (the corpus has some); that route does not exist in
			// this test, so they are 404s, on our origin.
			if strings.Contains(msg, "status of 404") && strings.Contains(msg, server.Host+"/attachments/") {
				ignored++
				continue
			}
			t.Errorf("%s: console error: %s", path, msg)
		}
		return browsertest.Get(tab, chromedp.Evaluate[string](`document.body.innerText`))
	}

	if owner != nil {
		pbLogIn(t, tab, e, owner.Email)
	}
	for _, path := range paths {
		text := check(path)
		if path != "/programs/jupyter" {
			continue
		}
		// The payloads are there, as text.
		for _, want := range []string{"<script>alert(1)</script>", `<img src=x onerror="window.__pwned=1">`, "<svg onload=alert(1)>"} {
			if !strings.Contains(text, want) {
				t.Errorf("%s: %q is not shown as text", path, want)
			}
		}
	}

	// Let late requests (an image that started loading) be reported.
	tab.Run(chromedp.Sleep(200 * time.Millisecond))
	mu.Lock()
	if len(dialogs) > 0 {
		t.Errorf("payloads opened %d dialogs: %q", len(dialogs), dialogs)
	}
	mu.Unlock()

	// The detector works: a dialog opened on purpose is seen.
	tab.Run(chromedp.Evaluate[chromedp.Void](`setTimeout(() => alert("control"), 0)`), chromedp.Sleep(300*time.Millisecond))
	mu.Lock()
	defer mu.Unlock()
	if len(dialogs) != 1 || !strings.Contains(dialogs[0], "control") {
		t.Errorf("the dialog listener saw %q after a control alert, want it alone", dialogs)
	}
	if len(requests) == 0 {
		t.Fatal("no request was recorded: the listener does not work")
	}
	for _, r := range requests {
		u, err := url.Parse(r)
		if err != nil {
			t.Errorf("request to an unreadable URL %q", r)
			continue
		}
		switch {
		case u.Scheme == "data" || r == "about:blank":
			// Our own stylesheet's icons are data: URLs.
		case u.Host != server.Host || (u.Scheme != "http" && u.Scheme != "https"):
			t.Errorf("a request left the test server: %s", r)
		}
	}
	t.Logf("%d requests, all to %s; %d missing /attachments/ images", len(requests), server.Host, ignored)
}
