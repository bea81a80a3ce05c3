package web_test

// Tests of the report pages over real HTTP: the report form and its
// calculator that works without JavaScript, the report page as each
// person sees it, triage by the team, duplicates, and the inbox with its
// filters. Each person uses the pages as a browser would: forms, 303s,
// and the page that follows.

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/haven-project/haven/internal/app"
	"github.com/haven-project/haven/internal/apptest"
	"github.com/haven-project/haven/internal/haven"
)

const rpPassword = "report pages password 1"

// rpCritical scores 9.8: "Exceptional" in Jupyter's bands, validated
// within 5 working days. rpHigh scores 7.5: "High", 15 working days.
const (
	rpCritical = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"
	rpHigh     = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N"
)

// rpEnv is a Haven with a published program ("jupyter", Jupyter's bands
// and validation days) whose team has an owner, a triager and a viewer;
// an in-scope and an out-of-scope asset; a canned response; two
// researchers; and the owner of another program.
type rpEnv struct {
	*apptest.Env
	Program                         *haven.Program
	InScope, OutOfScope             *haven.Asset
	CannedID                        int64
	Owner, Triager, Viewer          *haven.User
	Alice, Bob, Other               *haven.User
	OwnerC, TriagerC, ViewerC       *apptest.Client
	AliceC, BobC, OtherC, StrangerC *apptest.Client
}

func rpSetup(t *testing.T) *rpEnv {
	t.Helper()
	ctx := context.Background()
	e := apptest.New(t)
	p := &rpEnv{Env: e}
	p.Owner = e.CreateUser(t, "owner@jupyter.test", rpPassword, false)
	p.Triager = e.CreateUser(t, "triager@jupyter.test", rpPassword, false)
	p.Viewer = e.CreateUser(t, "viewer@jupyter.test", rpPassword, false)
	p.Alice = e.CreateUser(t, "alice@researcher.test", rpPassword, false)
	p.Bob = e.CreateUser(t, "bob@researcher.test", rpPassword, false)
	p.Other = e.CreateUser(t, "owner@other.test", rpPassword, false)
	stranger := e.CreateUser(t, "stranger@example.test", rpPassword, false)
	var err error
	p.Program, err = e.App.CreateProgram(ctx, haven.System, app.NewProgram{
		Slug: "jupyter", Name: "Project Jupyter", Organisation: "Project Jupyter", Kind: haven.KindBounty,
		Currency: "EUR", Status: haven.StatusPublished, Owners: []string{p.Owner.Email},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range []struct {
		u    *haven.User
		role haven.Role
	}{{p.Triager, haven.RoleTriager}, {p.Viewer, haven.RoleViewer}} {
		if err := e.App.SetMember(ctx, haven.System, p.Program.ID, m.u.ID, m.role); err != nil {
			t.Fatal(err)
		}
	}
	rules := "1. Do not access data that is not yours.\n2. Do not run denial-of-service tests."
	if _, err := e.App.UpdateProgram(ctx, haven.System, "jupyter", app.ProgramPatch{Rules: &rules}); err != nil {
		t.Fatal(err)
	}
	if p.InScope, err = e.App.AddAsset(ctx, haven.System, "jupyter", app.AssetInput{Name: "JupyterLab", Type: "package",
		Identifier: "jupyterlab", Tier: 2, InScope: true, BountyEligible: true}); err != nil {
		t.Fatal(err)
	}
	if p.OutOfScope, err = e.App.AddAsset(ctx, haven.System, "jupyter", app.AssetInput{Name: "jupyter.org", Type: "web",
		Identifier: "https://jupyter.org", Tier: 3}); err != nil {
		t.Fatal(err)
	}
	if err := e.App.SetOutOfScope(ctx, haven.System, "jupyter", []app.OutOfScopeInput{{Text: "Missing security headers"}}); err != nil {
		t.Fatal(err)
	}
	if p.CannedID, err = e.App.AddCannedResponse(ctx, haven.System, "jupyter", "Vendor assessments",
		"Jupyter cannot provide, or fill in \"Plan-Risk Assessment\", \"Hecvat\", \"Vpat\" and similar vendor assessing questionnaire."); err != nil {
		t.Fatal(err)
	}
	// Each change of the rules or the out-of-scope list made a new
	// version: the form carries the current one.
	if pv, err := e.App.Program(ctx, haven.System, "jupyter"); err != nil {
		t.Fatal(err)
	} else {
		p.Program = pv.Program
	}
	other, err := e.App.CreateProgram(ctx, haven.System, app.NewProgram{Slug: "other", Name: "Other Project", Kind: haven.KindVDP,
		Status: haven.StatusPublished, Owners: []string{p.Other.Email}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.App.AddAsset(ctx, haven.System, other.Slug, app.AssetInput{Name: "Other app", Type: "web", Tier: 1, InScope: true}); err != nil {
		t.Fatal(err)
	}

	clients := []**apptest.Client{&p.OwnerC, &p.TriagerC, &p.ViewerC, &p.AliceC, &p.BobC, &p.OtherC, &p.StrangerC}
	for i, u := range []*haven.User{p.Owner, p.Triager, p.Viewer, p.Alice, p.Bob, p.Other, stranger} {
		c := e.Client(t)
		c.LogIn(u.Email, rpPassword)
		*clients[i] = c
	}
	return p
}

// rpForm is a complete, valid report form.
func (p *rpEnv) rpForm() url.Values {
	return url.Values{
		"asset_id":           {strconv.FormatInt(p.InScope.ID, 10)},
		"title":              {"Stored XSS in notebook names"},
		"weakness":           {"CWE-79"},
		"cvss_vector":        {rpCritical},
		"description":        {"A notebook named `<img src=x onerror=alert(1)>` runs script in **every** viewer's browser."},
		"steps_to_reproduce": {"1. Create a notebook.\n2. Rename it.\n3. Open the file browser."},
		"impact":             {"Account takeover of anyone who opens the file browser."},
		"accept_rules":       {"on"},
		"policy_version":     {strconv.Itoa(p.Program.PolicyVersion)},
	}
}

// rpSubmit submits a report through the form as c and returns its public id.
func (p *rpEnv) rpSubmit(t *testing.T, c *apptest.Client, form url.Values) string {
	t.Helper()
	r := c.Post("/programs/jupyter/report", form)
	ppWant(t, "submit a report", r, http.StatusSeeOther, "")
	id, ok := strings.CutPrefix(r.Header.Get("Location"), "/reports/")
	if !ok || id == "" {
		t.Fatalf("submit a report: redirected to %q, want /reports/{id}", r.Header.Get("Location"))
	}
	return id
}

// TestReportSubmitForm submits the form as a researcher: refused fields
// say what is wrong and keep what was typed; then the report is created.
func TestReportSubmitForm(t *testing.T) {
	t.Parallel()
	p := rpSetup(t)
	const path = "/programs/jupyter/report"

	r := p.AliceC.Get(path)
	ppWant(t, "GET the form", r, http.StatusOK, "")
	ppContains(t, "the form", r.Body, "Report a vulnerability", "JupyterLab · tier 2", "Do not run denial-of-service tests.",
		`name="accept_rules"`, `name="m_AV"`, "CVSS 3.1 calculator", "Severity in this program", "Exceptional", `9.5–10.0</td><td class="num">5</td>`,
		`name="policy_version" value="`+strconv.Itoa(p.Program.PolicyVersion)+`"`)
	ppContains(t, "the form lists an out-of-scope asset as such", r.Body, "jupyter.org · out of scope")
	if !regexp.MustCompile(`<option value="` + strconv.FormatInt(p.OutOfScope.ID, 10) + `" disabled`).MatchString(r.Body) {
		t.Errorf("the out-of-scope asset can be chosen in the form")
	}
	ppWant(t, "visitor opens the form", p.Client(t).Get(path), http.StatusSeeOther, "/login?next=%2Fprograms%2Fjupyter%2Freport")
	ppContains(t, "the asset link preselects", p.AliceC.Get(path+"?asset="+strconv.FormatInt(p.InScope.ID, 10)).Body,
		`value="`+strconv.FormatInt(p.InScope.ID, 10)+`" selected`)

	form := p.rpForm()
	for _, tt := range []struct {
		name     string
		form     url.Values
		field    string
		message  string
		keptText string // a value typed elsewhere in the form, kept
	}{
		{"missing title", ppWith(form, "title", "  "), "title", "Give the report a title that names the vulnerability.", "Rename it."},
		{"out-of-scope asset", ppWith(form, "asset_id", strconv.FormatInt(p.OutOfScope.ID, 10)), "asset_id",
			"jupyter.org is out of scope for this program.", `value="Stored XSS in notebook names"`},
		{"unknown asset", ppWith(form, "asset_id", "999999"), "asset_id", "Choose one of the program's assets.", `value="Stored XSS in notebook names"`},
		{"bad CWE", ppWith(form, "weakness", "CWE-999999"), "weakness", `"CWE-999999" is not in Haven's CWE list.`, `value="CWE-999999"`},
		{"not a CWE", ppWith(form, "weakness", "banana"), "weakness", `"banana" is not a CWE id such as CWE-79.`, "Account takeover"},
		{"bad CVSS vector", ppWith(form, "cvss_vector", "CVSS:3.1/AV:X"), "cvss_vector", `Metric AV: "X" is not a valid value`, `value="CVSS:3.1/AV:X"`},
		{"no description", ppWith(form, "description", ""), "description", "Describe the vulnerability.", `value="CWE-79"`},
		{"rules not accepted", ppWith(form, "accept_rules", ""), "accept_rules", "Accept the program's rules of engagement to submit.", "Rename it."},
		{"rules changed", ppWith(form, "policy_version", "7"), "accept_rules", "The rules changed since you opened the form", "Rename it."},
	} {
		r := ppInvalid(t, p.AliceC, tt.name, path, tt.form, tt.message, `id="`+tt.field+`-error"`, "The report was not submitted.", `<li><a href="#`+tt.field+`">`, tt.keptText)
		if tt.field != "accept_rules" {
			ppContains(t, tt.name+": the rules stay accepted", r.Body, `name="accept_rules" id="accept_rules" checked`)
		}
	}
	// Several mistakes at once: each field says its own.
	ppInvalid(t, p.AliceC, "several mistakes", path, ppWith(form, "title", "", "weakness", "banana", "accept_rules", ""),
		`id="title-error"`, `id="weakness-error"`, `id="accept_rules-error"`)
	if list, err := p.App.Reports(context.Background(), haven.Actor{User: p.Alice}, app.ReportQuery{}); err != nil || list.Total != 0 {
		t.Fatalf("refused forms made %d reports (%v), want none", list.Total, err)
	}

	// Success: 303 to the new report, which says it was submitted.
	id := p.rpSubmit(t, p.AliceC, form)
	page := p.AliceC.Get("/reports/" + id)
	ppWant(t, "GET the new report", page, http.StatusOK, "")
	ppContains(t, "the new report", page.Body, "Your report was submitted.", "Stored XSS in notebook names", id,
		`id="report-state">New<`, `id="report-severity">Exceptional<`, `id="report-score">9.8<`, rpCritical,
		"CWE-79: Improper Neutralization of Input During Web Page Generation", "JupyterLab", "submitted the report",
		"<strong>every</strong>", "&lt;img src=x onerror=alert(1)&gt;", "Account takeover", "Rename it.")
	ppLacks(t, "the new report", page.Body, "<img src=x")
}

// TestReportCalculator scores a vector without JavaScript: the form posts
// the chosen metrics with calculate=1 and comes back with the vector and
// its score, and nothing is submitted.
func TestReportCalculator(t *testing.T) {
	t.Parallel()
	p := rpSetup(t)
	const path = "/programs/jupyter/report"
	calc := url.Values{"calculate": {"1"}, "title": {"Half-typed title"}, "asset_id": {strconv.FormatInt(p.InScope.ID, 10)},
		"policy_version": {"1"}, "cvss_vector": {""}}
	for k, v := range map[string]string{"AV": "N", "AC": "L", "PR": "N", "UI": "N", "S": "U", "C": "H", "I": "H", "A": "H"} {
		calc.Set("m_"+k, v)
	}
	r := p.AliceC.Post(path, calc)
	ppWant(t, "calculate", r, http.StatusOK, "")
	ppContains(t, "calculated", r.Body, `id="cvss-score"`, "<strong>9.8</strong>", `id="score-severity">Exceptional<`,
		`name="cvss_vector" type="text" value="`+rpCritical+`"`, `value="Half-typed title"`,
		`name="m_AV" value="N" checked`, `name="m_S" value="U" checked`, `<details class="calculator" id="calculator" open>`)
	ppLacks(t, "calculated", r.Body, "The report was not submitted", "field-error")

	// Another choice, another score: Scope changed and Attack complexity high.
	r = p.AliceC.Post(path, ppWith(calc, "m_AC", "H", "m_S", "C", "m_A", "N"))
	ppContains(t, "recalculated", r.Body, "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:C/C:H/I:H/A:N", "<strong>8.7</strong>", `id="score-severity">High<`)

	// A typed vector is scored too, 4.0 included.
	r = p.AliceC.Post(path, url.Values{"calculate": {"1"}, "cvss_vector": {"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"}})
	ppWant(t, "score a typed 4.0 vector", r, http.StatusOK, "")
	ppContains(t, "typed 4.0 vector", r.Body, "<strong>9.3</strong>", "CVSS 4.0")

	// Missing metrics and bad vectors say so.
	half := ppWith(calc)
	half.Del("m_UI")
	half.Del("m_A")
	ppInvalid(t, p.AliceC, "calculator with missing metrics", path, half, "user interaction, availability still need one", `id="calculator-error"`)
	ppInvalid(t, p.AliceC, "calculator with nothing", path, url.Values{"calculate": {"1"}}, "Choose a value for every metric, or type a vector above.")
	ppInvalid(t, p.AliceC, "calculator with a bad vector", path, url.Values{"calculate": {"1"}, "cvss_vector": {"CVSS:3.1/AV:Q"}}, `id="cvss_vector-error"`)

	if list, _ := p.App.Reports(context.Background(), haven.Actor{User: p.Alice}, app.ReportQuery{}); list.Total != 0 {
		t.Errorf("the calculator made %d reports, want none", list.Total)
	}

	// Metrics chosen and Submit pressed without Calculate: the report
	// gets the calculator's vector.
	form := p.rpForm()
	form.Set("cvss_vector", "")
	for k, v := range calc {
		if strings.HasPrefix(k, "m_") {
			form[k] = v
		}
	}
	id := p.rpSubmit(t, p.AliceC, form)
	ppContains(t, "submitted with the calculator only", p.AliceC.Get("/reports/"+id).Body, `id="report-score">9.8<`, rpCritical)
}

// TestReportPageVisibility shows a report to its reporter and its
// program's team, and to nobody else: they get the very page of an id
// that does not exist.
func TestReportPageVisibility(t *testing.T) {
	t.Parallel()
	p := rpSetup(t)
	id := p.rpSubmit(t, p.AliceC, p.rpForm())

	for name, c := range map[string]*apptest.Client{"reporter": p.AliceC, "owner": p.OwnerC, "triager": p.TriagerC, "viewer": p.ViewerC} {
		r := c.Get("/reports/" + id)
		ppWant(t, name+" GET report", r, http.StatusOK, "")
		// Submitted Monday 23 November 2026 09:00 UTC, 5 working days.
		ppContains(t, name+"'s report page", r.Body, "Stored XSS in notebook names", `id="report-state">New<`,
			`id="report-severity">Exceptional<`, `id="deadline">30 Nov 2026 09:00 UTC<`, "submitted the report", "Activity")
	}
	for name, c := range map[string]*apptest.Client{"another researcher": p.BobC, "a member of another program": p.OtherC, "a stranger": p.StrangerC} {
		hidden := c.Get("/reports/" + id)
		missing := c.Get("/reports/aaaaaaaaaaaaaaaa")
		ppWant(t, name+" GET report", hidden, http.StatusNotFound, "")
		ppWant(t, name+" GET missing report", missing, http.StatusNotFound, "")
		if a, b := ppNoID(hidden), ppNoID(missing); a != b {
			t.Errorf("%s: a hidden report's page differs from a missing one's:\n%s\n----\n%s", name, a, b)
		}
		ppLacks(t, name, hidden.Body, "Stored XSS", id)
		for path, form := range map[string]url.Values{
			"/comments":    {"body": {"Hello"}},
			"/transitions": {"to": {"accepted"}},
			"/cvss":        {"cvss_vector": {rpHigh}},
			"/assign":      {"assignee": {strconv.FormatInt(p.Triager.ID, 10)}},
		} {
			a, b := c.Post("/reports/"+id+path, form), c.Post("/reports/aaaaaaaaaaaaaaaa"+path, form)
			ppWant(t, name+" POST "+path, a, http.StatusNotFound, "")
			if ppNoID(a) != ppNoID(b) {
				t.Errorf("%s POST %s: the answer differs from a missing report's", name, path)
			}
		}
	}
	ppWant(t, "visitor GET report", p.Client(t).Get("/reports/"+id), http.StatusSeeOther, "/login?next=%2Freports%2F"+id)
	// The reporter sees the team as a team, never its members' names.
	ppLacks(t, "reporter's page", p.AliceC.Get("/reports/"+id).Body, "Triage", `action="/reports/`+id+`/transitions"`)
}

// TestReportTriage walks a report through triage as its team: states
// with reasons, rescoring, assignment, public and internal comments,
// canned responses; the viewer reads and the reporter answers.
func TestReportTriage(t *testing.T) {
	t.Parallel()
	p := rpSetup(t)
	id := p.rpSubmit(t, p.AliceC, p.rpForm())
	path := "/reports/" + id

	team := p.TriagerC.Get(path)
	ppContains(t, "triager's page", team.Body, `id="triage"`, `action="`+path+`/transitions"`, `action="`+path+`/cvss"`,
		`action="`+path+`/assign"`, `name="internal"`, "Vendor assessments", "Reporter", "alice@researcher.test", "Missing security headers")

	// needs_info needs a reason the reporter reads.
	r := ppInvalid(t, p.TriagerC, "needs info without a reason", path+"/transitions", url.Values{"form": {"state"}, "to": {"needs_info"}},
		"Say why: the reporter reads it.", `id="reason-error"`, "Nothing was changed.", `href="#state-form"`)
	ppContains(t, "refused state change keeps the choice", r.Body, `<option value="needs_info" selected>`)
	ppLacks(t, "refused state change: the rescore form", ppSection(r.Body, "cvss-form"), "field-error")
	ppInvalid(t, p.TriagerC, "resolve a new report", path+"/transitions", url.Values{"form": {"state"}, "to": {"resolved"}}, "A report that is new cannot become resolved.")
	page := ppPost(t, p.TriagerC, "needs info", path+"/transitions",
		url.Values{"form": {"state"}, "to": {"needs_info"}, "reason": {"Which JupyterLab version did you test?"}}, path)
	ppContains(t, "needs info", page.Body, "The report was updated.", `id="report-state">Needs info<`, "Which JupyterLab version did you test?")

	// The reporter sees the question and answers; the report goes back to triage.
	mine := p.AliceC.Get(path)
	ppContains(t, "reporter sees needs info", mine.Body, "The team needs more information.", "Which JupyterLab version did you test?",
		"Project Jupyter team")
	ppLacks(t, "reporter sees needs info", mine.Body, "triager@jupyter.test")
	r = p.AliceC.Post(path+"/comments", url.Values{"form": {"comment"}, "body": {"JupyterLab 4.2.5 on Firefox 131."}})
	ppWant(t, "reporter answers", r, http.StatusSeeOther, "")
	if loc := r.Header.Get("Location"); !regexp.MustCompile(`^` + path + `#comment-\d+$`).MatchString(loc) {
		t.Errorf("a comment redirects to %q, want %s#comment-N", loc, path)
	}
	ppContains(t, "answered", p.AliceC.Get(path).Body, `id="report-state">Triaged<`, "JupyterLab 4.2.5 on Firefox 131.")
	ppInvalid(t, p.AliceC, "reporter posts an internal comment", path+"/comments", url.Values{"form": {"comment"}, "body": {"psst"}, "internal": {"on"}},
		"Only the program&#39;s team writes internal comments.")
	ppInvalid(t, p.AliceC, "empty comment", path+"/comments", url.Values{"form": {"comment"}, "body": {"  "}}, "Write a comment.", `id="body-error"`)
	ppWant(t, "reporter changes the state", p.AliceC.Post(path+"/transitions", url.Values{"to": {"accepted"}}), http.StatusForbidden, "")
	ppWant(t, "reporter rescores", p.AliceC.Post(path+"/cvss", url.Values{"cvss_vector": {rpHigh}}), http.StatusForbidden, "")

	// Internal and public comments: the team sees both, the reporter
	// only the public one, in no part of the page.
	const secret = "Internal: this looks like CVE-2024-0000 again, check with the maintainers"
	ppPost(t, p.TriagerC, "internal comment", path+"/comments", url.Values{"form": {"comment"}, "body": {secret}, "internal": {"on"}}, "")
	ppPost(t, p.TriagerC, "public comment", path+"/comments", url.Values{"form": {"comment"}, "body": {"Thanks, we reproduced it."}}, "")
	for name, c := range map[string]*apptest.Client{"owner": p.OwnerC, "triager": p.TriagerC, "viewer": p.ViewerC} {
		ppContains(t, name+" sees both comments", c.Get(path).Body, secret, "Thanks, we reproduced it.", `badge badge-warn">Internal<`)
	}
	mine = p.AliceC.Get(path)
	ppContains(t, "reporter sees the public comment", mine.Body, "Thanks, we reproduced it.")
	ppLacks(t, "reporter's page", mine.Body, "CVE-2024-0000", "check with the maintainers", ">Internal<")
	ppLacks(t, "reporter's inbox", p.AliceC.Get("/inbox").Body, "CVE-2024-0000")
	ppLacks(t, "reporter's notifications", p.AliceC.Get("/notifications").Body, "CVE-2024-0000", "check with the maintainers")
	p.DeliverMail(t)
	for _, m := range p.Mail.Messages() {
		if strings.Contains(m.To, p.Alice.Email) && (strings.Contains(m.Text, "CVE-2024-0000") || strings.Contains(m.Subject, "CVE-2024-0000")) {
			t.Errorf("the internal comment reached the reporter by mail: %q\n%s", m.Subject, m.Text)
		}
	}

	// A canned response fills the comment box; an unknown one does not.
	r = p.TriagerC.Get(path + "?canned=" + strconv.FormatInt(p.CannedID, 10))
	ppContains(t, "canned response", ppSection(r.Body, "comment-form"), "Jupyter cannot provide, or fill in &#34;Plan-Risk Assessment&#34;")
	ppLacks(t, "unknown canned response", ppSection(p.TriagerC.Get(path+"?canned=999").Body, "comment-form"), "Jupyter cannot provide")
	ppLacks(t, "reporter and canned responses", p.AliceC.Get(path+"?canned="+strconv.FormatInt(p.CannedID, 10)).Body, "Jupyter cannot provide", "Vendor assessments")

	// Assign the triager.
	page = ppPost(t, p.OwnerC, "assign", path+"/assign", url.Values{"form": {"assign"}, "assignee": {strconv.FormatInt(p.Triager.ID, 10)}}, path)
	ppContains(t, "assigned", page.Body, `id="assignee-name">triager@jupyter.test<`, "assigned the report to <strong>triager@jupyter.test</strong>")
	ppInvalid(t, p.OwnerC, "assign the viewer", path+"/assign", url.Values{"form": {"assign"}, "assignee": {strconv.FormatInt(p.Viewer.ID, 10)}},
		"Assign the report to a triager or owner of the program.")
	ppLacks(t, "reporter and assignment", p.AliceC.Get(path).Body, "assigned the report")

	// Rescore: the severity and the deadline follow; the history keeps the old vector.
	ppInvalid(t, p.TriagerC, "rescore with a bad vector", path+"/cvss", url.Values{"form": {"cvss"}, "cvss_vector": {"CVSS:3.1/AV:Q"}},
		`id="rescore-vector-error"`, `value="CVSS:3.1/AV:Q"`)
	page = ppPost(t, p.TriagerC, "rescore", path+"/cvss", url.Values{"form": {"cvss"}, "cvss_vector": {rpHigh}, "reason": {"No integrity impact."}}, path)
	// Submitted Monday 23 November 2026 09:00 UTC, 15 working days.
	ppContains(t, "rescored", page.Body, `id="report-severity">High<`, `id="report-score">7.5<`, `id="deadline">14 Dec 2026 09:00 UTC<`,
		"rescored the report from <strong>9.8</strong> to <strong>7.5</strong>", "<del><code>"+rpCritical+"</code></del>", "<code>"+rpHigh+"</code>",
		"No integrity impact.")
	ppContains(t, "reporter sees the rescoring", p.AliceC.Get(path).Body, `id="report-severity">High<`, rpCritical, "No integrity impact.")

	// Accept, then resolve (the owner).
	page = ppPost(t, p.TriagerC, "accept", path+"/transitions", url.Values{"form": {"state"}, "to": {"accepted"}}, path)
	ppContains(t, "accepted", page.Body, `id="report-state">Accepted<`, "(validated)")
	page = ppPost(t, p.OwnerC, "resolve", path+"/transitions", url.Values{"form": {"state"}, "to": {"resolved"}, "reason": {"Fixed in 4.2.6."}}, path)
	ppContains(t, "resolved", page.Body, `id="report-state">Resolved<`, "Fixed in 4.2.6.")
	ppContains(t, "reporter sees resolved", p.AliceC.Get(path).Body, `id="report-state">Resolved<`, "Fixed in 4.2.6.")

	// The viewer reads everything but has no forms, and may not post.
	view := p.ViewerC.Get(path)
	ppContains(t, "viewer's page", view.Body, "You have read-only access", secret)
	ppLacks(t, "viewer's page", view.Body, `id="triage"`, `action="`+path+`/`, `name="body"`)
	for sub, form := range map[string]url.Values{
		"/comments":    {"body": {"Viewer says hi"}},
		"/transitions": {"to": {"triaged"}, "reason": {"Reopen"}},
		"/cvss":        {"cvss_vector": {rpCritical}},
		"/assign":      {"assignee": {strconv.FormatInt(p.Owner.ID, 10)}},
	} {
		ppWant(t, "viewer POST "+sub, p.ViewerC.Post(path+sub, form), http.StatusForbidden, "")
	}
	ppLacks(t, "after the viewer's attempts", p.OwnerC.Get(path).Body, "Viewer says hi")
}

// TestReportDuplicates closes a report as a duplicate: its reporter sees
// the original's id, state and date, never its title or content, and the
// original counts its duplicates.
func TestReportDuplicates(t *testing.T) {
	t.Parallel()
	p := rpSetup(t)
	original := p.rpSubmit(t, p.AliceC, p.rpForm())
	p.Clock.Advance(2 * time.Hour)
	dup := p.rpSubmit(t, p.BobC, ppWith(p.rpForm(), "title", "XSS via file names", "description", "Bob's own words about the same bug.",
		"steps_to_reproduce", "Upload a file named like a tag.", "impact", "Script runs for other users."))
	ppPost(t, p.TriagerC, "triage the original", "/reports/"+original+"/transitions", url.Values{"to": {"triaged"}}, "")

	ppInvalid(t, p.TriagerC, "duplicate of nothing", "/reports/"+dup+"/transitions", url.Values{"form": {"state"}, "to": {"duplicate"}, "duplicate_of": {"nope"}},
		"Name the original: another report of this program, or one of its known issues.", `id="duplicate_of-error"`)
	ppInvalid(t, p.TriagerC, "duplicate of itself", "/reports/"+dup+"/transitions", url.Values{"form": {"state"}, "to": {"duplicate"}, "duplicate_of": {dup}},
		"Name the original")
	ppPost(t, p.TriagerC, "mark duplicate", "/reports/"+dup+"/transitions",
		url.Values{"form": {"state"}, "to": {"duplicate"}, "duplicate_of": {original}, "reason": {"Reported the day before."}}, "/reports/"+dup)

	bob := p.BobC.Get("/reports/" + dup)
	ppWant(t, "Bob GET his duplicate", bob, http.StatusOK, "")
	ppContains(t, "Bob's duplicate", bob.Body, `id="report-state">Duplicate<`, `id="original-id">`+original+`<`,
		`id="original-state">Triaged<`, "submitted <time datetime=\"2026-11-23T09:00:00Z\">23 Nov 2026 09:00 UTC</time>", "Reported the day before.")
	ppLacks(t, "Bob's duplicate", bob.Body, "Stored XSS in notebook names", "<strong>every</strong>", "Rename it.", "Account takeover", "alice@researcher.test")
	ppWant(t, "Bob GET the original", p.BobC.Get("/reports/"+original), http.StatusNotFound, "")

	ppContains(t, "the original (team)", p.TriagerC.Get("/reports/"+original).Body, `id="duplicates">1 later report closed as duplicate of this one<`)
	ppContains(t, "the original (reporter)", p.AliceC.Get("/reports/"+original).Body, `id="duplicates">1 later report`)
	ppLacks(t, "the original (reporter)", p.AliceC.Get("/reports/"+original).Body, "XSS via file names", "Bob&#39;s own words", "bob@researcher.test")
	ppContains(t, "the duplicate (team)", p.TriagerC.Get("/reports/"+dup).Body, `id="original-id">`+original+`<`)
}

// TestReportInbox lists reports for the team with filters and deadline
// badges, and for researchers their own reports only.
func TestReportInbox(t *testing.T) {
	t.Parallel()
	p := rpSetup(t)
	critical := p.rpSubmit(t, p.AliceC, p.rpForm())
	p.Clock.Advance(time.Hour)
	high := p.rpSubmit(t, p.BobC, ppWith(p.rpForm(), "title", "Path traversal in the contents API", "cvss_vector", rpHigh, "weakness", "CWE-22"))
	p.Clock.Advance(time.Hour)
	unscored := p.rpSubmit(t, p.AliceC, ppWith(p.rpForm(), "title", "Open redirect after login", "cvss_vector", ""))
	ppPost(t, p.TriagerC, "assign the high one", "/reports/"+high+"/assign", url.Values{"assignee": {strconv.FormatInt(p.Triager.ID, 10)}}, "")

	// Rows and their order: soonest deadline first, unscored last.
	rows := func(c *apptest.Client, query string) []string {
		t.Helper()
		r := c.Get("/inbox" + query)
		ppWant(t, "GET /inbox"+query, r, http.StatusOK, "")
		var ids []string
		for _, m := range regexp.MustCompile(`class="report-link" href="/reports/([a-z0-9]+)"`).FindAllStringSubmatch(r.Body, -1) {
			ids = append(ids, m[1])
		}
		return ids
	}
	want := func(what string, got []string, ids ...string) {
		t.Helper()
		if strings.Join(got, " ") != strings.Join(ids, " ") {
			t.Errorf("%s: rows %q, want %q", what, got, ids)
		}
	}
	want("team inbox", rows(p.TriagerC, ""), critical, high, unscored)
	want("viewer inbox", rows(p.ViewerC, ""), critical, high, unscored)
	want("owner of another program", rows(p.OtherC, ""))
	want("Alice's inbox", rows(p.AliceC, ""), critical, unscored)
	want("Bob's inbox", rows(p.BobC, ""), high)
	ppLacks(t, "Alice's inbox", p.AliceC.Get("/inbox").Body, "Path traversal", `name="assignee"`, `name="asset"`)
	ppContains(t, "Alice's inbox", p.AliceC.Get("/inbox").Body, "The reports you submitted", `name="severity"`, `name="due"`)

	team := p.TriagerC.Get("/inbox")
	ppContains(t, "team inbox", team.Body, "3</strong> reports", `<option value="`+strconv.FormatInt(p.InScope.ID, 10)+`">JupyterLab</option>`,
		`>Me</option>`, `>Nobody</option>`, `<option>Exceptional</option>`, "triager@jupyter.test", "Exceptional", "High")
	ppLacks(t, "team inbox, nothing due yet", team.Body, `badge-danger">Overdue<`, `badge-warn">Due soon<`)

	// Filters.
	want("state=new", rows(p.TriagerC, "?state=new"), critical, high, unscored)
	want("state=accepted", rows(p.TriagerC, "?state=accepted"))
	want("severity=High", rows(p.TriagerC, "?severity=High"), high)
	want("severity=Exceptional", rows(p.TriagerC, "?severity=Exceptional"), critical)
	want("asset", rows(p.TriagerC, "?asset="+strconv.FormatInt(p.InScope.ID, 10)), critical, high, unscored)
	want("other asset", rows(p.TriagerC, "?asset="+strconv.FormatInt(p.OutOfScope.ID, 10)))
	want("assignee=me", rows(p.TriagerC, "?assignee="+strconv.FormatInt(p.Triager.ID, 10)), high)
	want("assignee=none", rows(p.TriagerC, "?assignee=none"), critical, unscored)
	want("program", rows(p.TriagerC, "?program=jupyter"), critical, high, unscored)
	want("due=overdue, nothing yet", rows(p.TriagerC, "?due=overdue"))
	ppContains(t, "a filter that finds nothing", p.TriagerC.Get("/inbox?state=accepted").Body, "No reports match these filters.", `href="/inbox">Clear`)
	ppContains(t, "a filter keeps its choice", p.TriagerC.Get("/inbox?severity=High&due=soon").Body,
		`<option selected>High</option>`, `<option value="soon" selected>`)
	ppWant(t, "unknown state", p.TriagerC.Get("/inbox?state=lost"), http.StatusUnprocessableEntity, "")

	// Time passes: Monday 23 November + 5 working days is Monday 30
	// November 09:00. On Sunday 29 it is due soon; on Tuesday 1 December
	// it is overdue, and the High one (14 December) is not.
	// Sessions end after days idle: log in again after each jump.
	p.Clock.Advance(6*24*time.Hour - 2*time.Hour + time.Hour) // Sunday 29, 10:00
	p.TriagerC.LogIn(p.Triager.Email, rpPassword)
	team = p.TriagerC.Get("/inbox")
	ppContains(t, "due soon", team.Body, `badge badge-warn">Due soon<`)
	ppLacks(t, "due soon", team.Body, `badge-danger">Overdue<`)
	want("due=soon", rows(p.TriagerC, "?due=soon"), critical)
	ppContains(t, "report page due soon", p.TriagerC.Get("/reports/"+critical).Body, `badge badge-warn">Due soon<`)

	p.Clock.Advance(2 * 24 * time.Hour) // Tuesday 1 December
	p.TriagerC.LogIn(p.Triager.Email, rpPassword)
	p.BobC.LogIn(p.Bob.Email, rpPassword)
	team = p.TriagerC.Get("/inbox")
	ppContains(t, "overdue", team.Body, `badge badge-danger">Overdue<`, `class="report-row due-overdue"`)
	if n := strings.Count(team.Body, `badge badge-danger">Overdue<`); n != 1 {
		t.Errorf("%d overdue badges, want 1", n)
	}
	want("due=overdue", rows(p.TriagerC, "?due=overdue"), critical)
	want("due=overdue for Bob", rows(p.BobC, "?due=overdue"))
	ppContains(t, "report page overdue", p.TriagerC.Get("/reports/"+critical).Body, `badge badge-danger">Overdue<`)

	// A validated report is no longer overdue.
	ppPost(t, p.TriagerC, "accept", "/reports/"+critical+"/transitions", url.Values{"to": {"accepted"}}, "")
	want("due=overdue after accepting", rows(p.TriagerC, "?due=overdue"))
	ppLacks(t, "inbox after accepting", p.TriagerC.Get("/inbox").Body, `badge-danger">Overdue<`)
}
