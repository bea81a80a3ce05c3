package web_test

// Tests of the program pages over real HTTP: every management page
// renders for its owner, every form works with valid data (303 and the
// change shows) and refuses invalid data (422 and the field's message on
// the page), and members, strangers and visitors see only what they may.

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ProtonMail/gopenpgp/v3/crypto"
	"github.com/haven-project/haven/internal/app"
	"github.com/haven-project/haven/internal/apptest"
	"github.com/haven-project/haven/internal/haven"
	"github.com/haven-project/haven/internal/pgp"
)

const ppPassword = "program pages password 1"

// ppEnv is a Haven with one published bounty program ("acme") whose
// owner the admin named (an existing account: owner at once) and whose
// triager joined through an invitation link, a stranger, an admin, and a
// draft program ("hidden") of the same owner.
type ppEnv struct {
	*apptest.Env
	Program                           *haven.Program
	Draft                             *haven.Program
	Owner, Triager, Stranger, Admin   *haven.User
	OwnerC, TriagerC, StrangerC, Anon *apptest.Client
}

func ppSetup(t *testing.T) *ppEnv {
	t.Helper()
	ctx := context.Background()
	e := apptest.New(t)
	p := &ppEnv{Env: e}
	p.Owner = e.CreateUser(t, "owner@acme.test", ppPassword, false)
	p.Triager = e.CreateUser(t, "triager@acme.test", ppPassword, false)
	p.Stranger = e.CreateUser(t, "stranger@example.test", ppPassword, false)
	p.Admin = e.CreateUser(t, "admin@example.test", ppPassword, true)
	var err error
	p.Program, err = e.App.CreateProgram(ctx, haven.System, app.NewProgram{
		Slug: "acme", Name: "Acme Cloud", Organisation: "Acme Corp", Kind: haven.KindBounty, Currency: "EUR",
		Status: haven.StatusPublished, Owners: []string{p.Owner.Email},
	})
	if err != nil {
		t.Fatal(err)
	}
	p.Draft, err = e.App.CreateProgram(ctx, haven.System, app.NewProgram{Slug: "hidden", Name: "Hidden Draft", Kind: haven.KindVDP})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.App.SetMember(ctx, haven.System, p.Draft.ID, p.Owner.ID, haven.RoleOwner); err != nil {
		t.Fatal(err)
	}

	p.OwnerC, p.TriagerC, p.StrangerC, p.Anon = e.Client(t), e.Client(t), e.Client(t), e.Client(t)
	p.OwnerC.LogIn(p.Owner.Email, ppPassword)
	p.TriagerC.LogIn(p.Triager.Email, ppPassword)
	p.StrangerC.LogIn(p.Stranger.Email, ppPassword)

	// The owner invites the triager, who joins the way a person does:
	// through the mailed link.
	ppWant(t, "invite the triager", p.OwnerC.Post("/programs/acme/team", url.Values{"email": {p.Triager.Email}, "role": {"triager"}}),
		http.StatusSeeOther, "/programs/acme/team")
	link := apptest.LinkIn(t, e.LastMail(t, p.Triager.Email), "/invitations/")
	r := p.Anon.Get(link)
	ppWant(t, "GET invitation, logged out", r, http.StatusOK, "")
	ppContains(t, "invitation page, logged out", r.Body, "Join Acme Cloud as triager", "triager@acme.test", `href="/signup"`)
	if m := regexp.MustCompile(`href="/login\?next=([^"]+)"`).FindStringSubmatch(r.Body); m == nil {
		t.Errorf("invitation page, logged out: no log-in link")
	} else if next, _ := url.QueryUnescape(m[1]); next != link {
		t.Errorf("invitation page, logged out: log-in link goes next to %q, want %q", next, link)
	}
	r = p.TriagerC.Get(link)
	ppWant(t, "GET invitation, logged in", r, http.StatusOK, "")
	ppContains(t, "invitation page, logged in", r.Body, `action="`+link+`"`, "Accept invitation")
	ppLacks(t, "invitation page, logged in", r.Body, "Only the account of")
	r = p.StrangerC.Get(link)
	ppContains(t, "invitation page, someone else", r.Body, "You are logged in as stranger@example.test")
	r = p.StrangerC.Post(link, nil)
	ppWant(t, "accept someone else's invitation", r, http.StatusUnprocessableEntity, "")
	ppContains(t, "invitation for another address", r.Body, "This invitation is for another e-mail address", "Accept invitation")
	ppWant(t, "accept invitation", p.TriagerC.Post(link, nil), http.StatusSeeOther, "/programs/acme")
	r = p.TriagerC.Post(link, nil)
	ppWant(t, "accept invitation twice", r, http.StatusOK, "")
	ppContains(t, "invitation used", r.Body, "This invitation does not work")
	return p
}

// ppWant checks a response's status and, for a redirect, its target.
func ppWant(t *testing.T, what string, r *apptest.Response, status int, location string) {
	t.Helper()
	if r.StatusCode != status {
		t.Fatalf("%s: status %d, want %d\n%s", what, r.StatusCode, status, ppMain(r.Body))
	}
	if location != "" && r.Header.Get("Location") != location {
		t.Fatalf("%s: Location %q, want %q", what, r.Header.Get("Location"), location)
	}
}

// ppMain returns the <main> of a page, for failure messages.
func ppMain(body string) string {
	if i := strings.Index(body, "<main"); i >= 0 {
		body = body[i:]
	}
	if i := strings.Index(body, "</main>"); i >= 0 {
		body = body[:i]
	}
	return body
}

// ppContains checks that a page holds every text (raw HTML, or the
// HTML-escaped form of the text).
func ppContains(t *testing.T, what, body string, texts ...string) {
	t.Helper()
	for _, s := range texts {
		if !strings.Contains(body, s) && !strings.Contains(body, html.EscapeString(s)) {
			t.Errorf("%s: no %q in the page:\n%s", what, s, ppMain(body))
		}
	}
}

// ppLacks checks that a page holds none of the texts.
func ppLacks(t *testing.T, what, body string, texts ...string) {
	t.Helper()
	for _, s := range texts {
		if strings.Contains(body, s) {
			t.Errorf("%s: %q should not be in the page", what, s)
		}
	}
}

// ppPost posts a form and, when it succeeds, follows the redirect with
// a GET, returning that page.
func ppPost(t *testing.T, c *apptest.Client, what, path string, form url.Values, location string) *apptest.Response {
	t.Helper()
	r := c.Post(path, form)
	ppWant(t, what, r, http.StatusSeeOther, location)
	return c.Get(r.Header.Get("Location"))
}

// ppInvalid posts a form that must be refused with 422 and the messages.
func ppInvalid(t *testing.T, c *apptest.Client, what, path string, form url.Values, messages ...string) *apptest.Response {
	t.Helper()
	r := c.Post(path, form)
	ppWant(t, what, r, http.StatusUnprocessableEntity, "")
	ppContains(t, what, r.Body, messages...)
	return r
}

// ppSettingsForm is a complete, valid settings form.
func ppSettingsForm() url.Values {
	return url.Values{
		"name": {"Acme Cloud"}, "organisation": {"Acme Corp"}, "kind": {"bounty"}, "currency": {"EUR"},
		"contact_email": {"security@acme.test"},
		"policy":        {"## Scope\n\nWe accept reports about **Acme Cloud**."},
		"rules":         {"- Do not run denial-of-service tests."},
		"safe_harbour":  {"We will not take legal action against good-faith research."},
		"guidelines":    {"Send a proof of concept."},
		"pgp_key":       {""},
		"links":         {"Security docs | https://docs.acme.test/security\nForum | https://forum.acme.test/"},
		"bands":         {"haven"},
		"days_Low":      {"60"}, "days_Medium": {"30"}, "days_High": {"15"}, "days_Critical": {"10"}, "days_Exceptional": {"5"},
		"time_zone":        {"Europe/Paris"},
		"weekend_saturday": {"on"}, "weekend_sunday": {"on"},
		"holidays":        {"2026-12-25\n2027-01-01"},
		"retest_bonus":    {"50"},
		"needs_info_days": {"21"},
	}
}

func ppWith(f url.Values, kv ...string) url.Values {
	g := url.Values{}
	for k, v := range f {
		g[k] = append([]string(nil), v...)
	}
	for i := 0; i+1 < len(kv); i += 2 {
		g.Set(kv[i], kv[i+1])
	}
	return g
}

// ppPublicKey returns a fresh armored OpenPGP public key and its
// fingerprint as the settings page shows it.
func ppPublicKey(t *testing.T) (armored, fingerprint string) {
	t.Helper()
	key, err := crypto.PGP().KeyGeneration().AddUserId("Acme Security", "security@acme.test").GenerationTime(time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC).Unix()). /* before the test clock: keys are checked on it */ New().GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	armored, err = key.GetArmoredPublicKey()
	if err != nil {
		t.Fatal(err)
	}
	return armored, pgp.FormatFingerprint(key.GetFingerprint())
}

// TestProgramManagementPagesRender opens every management page as the
// owner, and the public pages of the program.
func TestProgramManagementPagesRender(t *testing.T) {
	t.Parallel()
	p := ppSetup(t)
	tabs := []string{"Settings", "Scope &amp; rewards", "Team", "Updates", "Feedback", "History", "Public page"}
	for _, tt := range []struct {
		path, section string
		texts         []string
	}{
		{"/programs/acme/settings", "settings", []string{"Save settings", `name="days_Exceptional"`, `name="weekend_saturday" checked`,
			`value="haven" checked`, "Close the program", "Suspend the program", `name="status" value="suspended"`}},
		{"/programs/acme/scope", "scope", []string{"Add an asset", `name="reward_1_Exceptional"`, `name="oos_new"`, "Amounts in EUR"}},
		{"/programs/acme/team", "team", []string{"owner@acme.test", "triager@acme.test", "Send invitation", `action="/programs/acme/team/`}},
		{"/programs/acme/updates", "updates", []string{"New update", `name="publish" checked`, "No updates yet."}},
		{"/programs/acme/feedback", "feedback", []string{"No feedback yet."}},
		{"/programs/acme/history", "history", []string{"program.join", "program.invite", "program.create", "triager@acme.test"}},
	} {
		r := p.OwnerC.Get(tt.path)
		ppWant(t, "GET "+tt.path, r, http.StatusOK, "")
		ppContains(t, tt.path, r.Body, tt.texts...)
		ppContains(t, tt.path, r.Body, tabs...)
		ppContains(t, tt.path, r.Body, `href="/programs/acme/`+tt.section+`" aria-current="page"`)
		if n := strings.Count(r.Body, `aria-current="page"`); n != 1 {
			t.Errorf("%s: %d links marked as the current page, want 1", tt.path, n)
		}
	}
	// Settings lives on the public page, its draft status too.
	for _, path := range []string{"/programs", "/programs/acme", "/programs/acme/rules", "/programs/hidden", "/programs/hidden/settings"} {
		ppWant(t, "GET "+path, p.OwnerC.Get(path), http.StatusOK, "")
	}
}

// TestProgramSettingsForm saves the settings form and refuses bad values
// field by field.
func TestProgramSettingsForm(t *testing.T) {
	t.Parallel()
	p := ppSetup(t)
	const path = "/programs/acme/settings"

	// The form as the page fills it saves without complaint.
	key, fp := ppPublicKey(t)
	form := ppWith(ppSettingsForm(), "name", "Acme Cloud Security", "pgp_key", key)
	page := ppPost(t, p.OwnerC, "save settings", path, form, path)
	ppContains(t, "saved settings", page.Body, "The program settings were saved.", `value="Acme Cloud Security"`,
		`value="Europe/Paris"`, "2026-12-25", fp, "Security docs | https://docs.acme.test/security", `name="needs_info_days" type="number" value="21"`)
	pub := p.Anon.Get("/programs/acme")
	ppContains(t, "public page after saving", pub.Body, "Acme Cloud Security", "<h2>Scope</h2>", "We accept reports about <strong>Acme Cloud</strong>.",
		`href="https://docs.acme.test/security"`, "up to €50", fp, "Europe/Paris calendar")
	versions := p.Anon.Get("/programs/acme/rules")
	ppContains(t, "rule versions", versions.Body, "Version 2", `href="/programs/acme/rules/1"`)
	diff := p.Anon.Get("/programs/acme/rules/1")
	ppContains(t, "rules diff", diff.Body, "What changed since version 1", "Rules of engagement", "Do not run denial-of-service tests.")

	// Each bad value is refused with its message, and the page keeps
	// what was typed.
	for _, tt := range []struct {
		name    string
		form    url.Values
		field   string
		message string
	}{
		{"unknown currency", ppWith(form, "currency", "XYZ"), "currency", `unknown currency "XYZ"`},
		{"garbage key", ppWith(form, "pgp_key", "garbage"), "pgp_key", "not an OpenPGP public key"},
		{"empty name", ppWith(form, "name", " "), "name", "This cannot be empty."},
		{"bad e-mail", ppWith(form, "contact_email", "security at acme"), "contact_email", "Enter an e-mail address"},
		{"kind", ppWith(form, "kind", "charity"), "kind", "Choose vdp or bounty."},
		{"days not a number", ppWith(form, "days_High", "abc"), "validation_days", "High: give a whole number of working days."},
		{"days out of range", ppWith(form, "days_Low", "0"), "validation_days", "Low: give between 1 and 365 working days."},
		{"link without a label", ppWith(form, "links", "https://docs.acme.test"), "links", "Write each link as"},
		{"link not http", ppWith(form, "links", "Evil | javascript:alert(1)"), "links", "is not an http or https address"},
		{"time zone", ppWith(form, "time_zone", "Mars/Olympus_Mons"), "calendar", "Mars/Olympus_Mons"},
		{"holiday", ppWith(form, "holidays", "25/12/2026"), "calendar", "25/12/2026"},
		{"retest bonus", ppWith(form, "retest_bonus", "fifty"), "retest_bonus", "Give an amount such as 50."},
		{"needs info days", ppWith(form, "needs_info_days", "many"), "needs_info_days", "Give a whole number of days."},
		{"needs info range", ppWith(form, "needs_info_days", "1000"), "needs_info_days", "Give between 1 and 365 days."},
	} {
		r := ppInvalid(t, p.OwnerC, tt.name, path, tt.form, tt.message, `id="`+tt.field+`-error"`, "Some fields need attention.")
		if tt.field != "name" {
			ppContains(t, tt.name, r.Body, `value="Acme Cloud Security"`)
		}
	}
	// Nothing of the refused forms was saved.
	ppContains(t, "after refusals", p.OwnerC.Get(path).Body, `value="EUR"`, fp)

	// A VDP pays no retest bonus.
	ppInvalid(t, p.OwnerC, "VDP with a bonus", path, ppWith(form, "kind", "vdp"), "A VDP pays no money", `id="retest_bonus-error"`)

	// Switching to the CVSS bands brings their names to the form.
	page = ppPost(t, p.OwnerC, "switch bands", path, ppWith(form, "bands", "cvss"), path)
	ppContains(t, "CVSS bands", page.Body, `value="cvss" checked`, `name="days_None"`)
	ppLacks(t, "CVSS bands", page.Body, `name="days_Exceptional"`)
}

// TestProgramStatusForms walks the status buttons of the settings page.
func TestProgramStatusForms(t *testing.T) {
	t.Parallel()
	p := ppSetup(t)
	const path = "/programs/acme/status"
	page := ppPost(t, p.OwnerC, "suspend", path, url.Values{"status": {"suspended"}}, "/programs/acme/settings")
	ppContains(t, "suspended", page.Body, "The program&#39;s status changed.", "Resume the program", `name="status" value="published"`)
	pub := p.Anon.Get("/programs/acme")
	ppContains(t, "public page, suspended", pub.Body, "This program is suspended.", "suspended the program")

	r := ppInvalid(t, p.OwnerC, "suspended to draft", path, url.Values{"status": {"draft"}}, "A suspended program cannot become draft.")
	ppContains(t, "refused status", r.Body, "Save settings")

	ppPost(t, p.OwnerC, "resume", path, url.Values{"status": {"published"}}, "/programs/acme/settings")
	ppContains(t, "public page, resumed", p.Anon.Get("/programs/acme").Body, "Accepting reports", "resumed the program")

	// The draft program publishes from its settings.
	ppContains(t, "draft settings", p.OwnerC.Get("/programs/hidden/settings").Body, "Publish the program")
	ppPost(t, p.OwnerC, "publish the draft", "/programs/hidden/status", url.Values{"status": {"published"}}, "/programs/hidden/settings")
	ppWant(t, "published draft, anonymous", p.Anon.Get("/programs/hidden"), http.StatusOK, "")
}

var ppOOSInput = regexp.MustCompile(`name="oos_(\d+)" type="text" value="([^"]*)"`)
var ppAssetForm = regexp.MustCompile(`action="/programs/acme/assets/(\d+)"`)

// TestProgramScopeForms adds, edits and removes assets, and saves the
// reward table and the out-of-scope list.
func TestProgramScopeForms(t *testing.T) {
	t.Parallel()
	p := ppSetup(t)
	const scope = "/programs/acme/scope"

	// Assets.
	asset := url.Values{"name": {"Acme Web"}, "type": {"web"}, "identifier": {"https://app.acme.test"}, "tier": {"2"},
		"in_scope": {"on"}, "bounty_eligible": {"on"}, "max_severity": {"Critical"},
		"description": {"The customer dashboard, **all** of it."}, "instructions": {"Use your own test account."}}
	page := ppPost(t, p.OwnerC, "add asset", "/programs/acme/assets", asset, scope)
	ppContains(t, "asset added", page.Body, "The asset was added to the scope.", "Acme Web", "https://app.acme.test", "up to Critical",
		`name="reward_2_Low"`)
	ppContains(t, "public scope", p.Anon.Get("/programs/acme").Body, "Acme Web", "The customer dashboard, <strong>all</strong> of it.", "Tier 2")
	m := ppAssetForm.FindStringSubmatch(page.Body)
	if m == nil {
		t.Fatalf("no edit form for the asset:\n%s", ppMain(page.Body))
	}
	assetPath := "/programs/acme/assets/" + m[1]

	r := ppInvalid(t, p.OwnerC, "asset without a name", "/programs/acme/assets", ppWith(asset, "name", "", "identifier", "https://typed.acme.test", "bounty_eligible", ""),
		"Give the asset a name")
	add := ppSection(r.Body, "add-asset")
	ppContains(t, "refused asset keeps what was typed", add, `id="name-error"`, `value="https://typed.acme.test"`, `name="in_scope" checked`,
		`<option value="Critical" selected>`, `<option value="2" selected>`, "The customer dashboard")
	ppLacks(t, "refused asset keeps what was typed", add, `name="bounty_eligible" checked`)
	ppLacks(t, "refused asset: the edit forms", ppSection(r.Body, "assets"), "field-error")
	ppInvalid(t, p.OwnerC, "asset tier 9", "/programs/acme/assets", ppWith(asset, "tier", "9"), "Choose a tier from 1 to 5.")
	ppInvalid(t, p.OwnerC, "asset type", "/programs/acme/assets", ppWith(asset, "type", "spaceship"), "Choose package, repository")
	ppInvalid(t, p.OwnerC, "asset severity cap", "/programs/acme/assets", ppWith(asset, "max_severity", "Apocalyptic"), `"Apocalyptic" is not one of the program's severity bands.`)

	page = ppPost(t, p.OwnerC, "edit asset", assetPath, ppWith(asset, "name", "Acme Dashboard", "tier", "1"), scope)
	ppContains(t, "asset edited", page.Body, "The asset was saved.", "Acme Dashboard")
	r = ppInvalid(t, p.OwnerC, "edit asset without a name", assetPath, ppWith(asset, "name", "", "identifier", "https://edited.acme.test"),
		"Give the asset a name", "This asset was not saved.")
	ppContains(t, "refused edit keeps its form open", ppSection(r.Body, "assets"), `<details class="asset-edit" open>`, `value="https://edited.acme.test"`)
	ppLacks(t, "refused edit: the add form", ppSection(r.Body, "add-asset"), "field-error")

	ppPost(t, p.OwnerC, "add a second asset", "/programs/acme/assets", ppWith(asset, "name", "Acme CLI", "type", "package", "identifier", "acme-cli"), scope)
	page = ppPost(t, p.OwnerC, "remove asset", assetPath+"/remove", nil, scope)
	ppContains(t, "asset removed", page.Body, "The asset was removed from the scope.", "Acme CLI")
	ppLacks(t, "asset removed", p.Anon.Get("/programs/acme").Body, "Acme Dashboard")

	// Rewards: amounts and ranges, per tier and band.
	rewards := url.Values{"reward_1_High": {"1,500"}, "reward_1_Critical": {"2,000 - 3,000"}, "reward_2_Exceptional": {"€5,000"}, "reward_2_Low": {""}}
	page = ppPost(t, p.OwnerC, "save rewards", "/programs/acme/rewards", rewards, scope)
	ppContains(t, "rewards saved", page.Body, "The reward table was saved.", `value="1,500"`, `value="2,000 - 3,000"`, `value="5,000"`)
	ppContains(t, "public rewards", p.Anon.Get("/programs/acme").Body, "€1,500", "€2,000 – €3,000", "€5,000")
	r = ppInvalid(t, p.OwnerC, "reward abc", "/programs/acme/rewards", ppWith(rewards, "reward_1_Low", "abc"),
		"Tier 1 Low: write an amount such as 500 or a range such as 250 - 1,000.", `id="rewards-error"`)
	ppContains(t, "refused rewards keep what was typed", r.Body, `value="abc"`, `value="2,000 - 3,000"`)
	ppInvalid(t, p.OwnerC, "reward range upside down", "/programs/acme/rewards", ppWith(rewards, "reward_1_Low", "900 - 100"), "the minimum is above the maximum")
	ppInvalid(t, p.OwnerC, "reward in dollars", "/programs/acme/rewards", ppWith(rewards, "reward_1_Low", "$100"), "Tier 1 Low: write an amount")

	// Out of scope: add classes, then rename one and remove another.
	page = ppPost(t, p.OwnerC, "add out-of-scope classes", "/programs/acme/out-of-scope",
		url.Values{"oos_new": {"- Clickjacking on pages without actions\n- Missing security headers\n\nSelf-XSS"}}, scope)
	ppContains(t, "classes added", page.Body, "The out-of-scope list was saved.")
	classes := ppOOSInput.FindAllStringSubmatch(page.Body, -1)
	if len(classes) != 3 {
		t.Fatalf("%d out-of-scope inputs, want 3: %q", len(classes), classes)
	}
	form := url.Values{"oos_" + classes[0][1]: {"Clickjacking on pages with no sensitive action"}, "oos_" + classes[1][1]: {""},
		"oos_" + classes[2][1]: {classes[2][2]}}
	ppPost(t, p.OwnerC, "edit out-of-scope classes", "/programs/acme/out-of-scope", form, scope)
	pub := p.Anon.Get("/programs/acme")
	ppContains(t, "public out-of-scope list", pub.Body, "Clickjacking on pages with no sensitive action", "Self-XSS")
	ppLacks(t, "public out-of-scope list", pub.Body, "Missing security headers")
	r = ppInvalid(t, p.OwnerC, "out-of-scope class too long", "/programs/acme/out-of-scope",
		ppWith(form, "oos_new", strings.Repeat("x", 1001)), "use at most 1,000 characters")
	ppContains(t, "refused list keeps what was typed", r.Body, "Clickjacking on pages with no sensitive action")
}

var ppInvitationRow = regexp.MustCompile(`action="/programs/acme/invitations/(\d+)/revoke"`)

// TestProgramTeamForms invites, changes roles, removes members and
// withdraws invitations.
func TestProgramTeamForms(t *testing.T) {
	t.Parallel()
	p := ppSetup(t)
	const team = "/programs/acme/team"
	triager := strconv.FormatInt(p.Triager.ID, 10)

	page := ppPost(t, p.OwnerC, "invite", team, url.Values{"email": {"new@acme.test"}, "role": {"viewer"}}, team)
	ppContains(t, "invited", page.Body, "The invitation was sent.", "new@acme.test", "Withdraw")
	apptest.LinkIn(t, p.LastMail(t, "new@acme.test"), "/invitations/")
	ppInvalid(t, p.OwnerC, "invite a non-address", team, url.Values{"email": {"not an address"}, "role": {"viewer"}}, `id="email-error"`, `value="not an address"`)
	ppInvalid(t, p.OwnerC, "invite with a bad role", team, url.Values{"email": {"x@acme.test"}, "role": {"emperor"}}, "Choose owner, triager or viewer.")
	ppInvalid(t, p.OwnerC, "invite a member", team, url.Values{"email": {"triager@acme.test"}, "role": {"viewer"}}, "This account is on the team already")

	m := ppInvitationRow.FindStringSubmatch(page.Body)
	if m == nil {
		t.Fatalf("no withdraw button:\n%s", ppMain(page.Body))
	}
	page = ppPost(t, p.OwnerC, "withdraw", "/programs/acme/invitations/"+m[1]+"/revoke", nil, team)
	ppContains(t, "withdrawn", page.Body, "The invitation was withdrawn.", "No open invitations.")

	page = ppPost(t, p.OwnerC, "change role", team+"/"+triager+"/role", url.Values{"role": {"viewer"}}, team)
	ppContains(t, "role changed", page.Body, "The role was changed.", `<option value="viewer" selected>`)
	ppInvalid(t, p.OwnerC, "bad role", team+"/"+triager+"/role", url.Values{"role": {"emperor"}}, "Choose owner, triager or viewer.")
	owner := strconv.FormatInt(p.Owner.ID, 10)
	ppInvalid(t, p.OwnerC, "last owner steps down", team+"/"+owner+"/role", url.Values{"role": {"viewer"}}, "A program needs at least one owner")
	ppInvalid(t, p.OwnerC, "last owner leaves", team+"/"+owner+"/remove", nil, "A program needs at least one owner")

	page = ppPost(t, p.OwnerC, "remove member", team+"/"+triager+"/remove", nil, team)
	ppContains(t, "member removed", page.Body, "The member was removed from the team.")
	ppLacks(t, "member removed", page.Body, "triager@acme.test")
	ppWant(t, "removed member opens the team", p.TriagerC.Get(team), http.StatusForbidden, "")
}

// TestProgramUpdatesAndFeedback posts and publishes updates, and reads
// feedback.
func TestProgramUpdatesAndFeedback(t *testing.T) {
	t.Parallel()
	p := ppSetup(t)
	const updates = "/programs/acme/updates"

	page := ppPost(t, p.OwnerC, "publish an update", updates, url.Values{"title": {"Higher rewards"}, "body": {"Critical findings now pay **€3,000**."}, "publish": {"on"}}, updates)
	ppContains(t, "update published", page.Body, "The update was saved.", "Higher rewards", "<strong>€3,000</strong>")
	page = ppPost(t, p.OwnerC, "save a draft", updates, url.Values{"title": {"Holiday freeze"}, "body": {"We answer slowly in August."}}, updates)
	ppContains(t, "draft saved", page.Body, "Holiday freeze", "Draft", "/publish")
	pub := p.Anon.Get("/programs/acme")
	ppContains(t, "public updates", pub.Body, "Higher rewards", "published a program update")
	ppLacks(t, "public updates", pub.Body, "Holiday freeze")

	id := regexp.MustCompile(`action="/programs/acme/updates/(\d+)/publish"`).FindStringSubmatch(page.Body)
	if id == nil {
		t.Fatalf("no publish button:\n%s", ppMain(page.Body))
	}
	page = ppPost(t, p.OwnerC, "publish the draft", updates+"/"+id[1]+"/publish", nil, updates)
	ppContains(t, "draft published", page.Body, "The update was published.")
	ppLacks(t, "draft published", page.Body, `/publish"`)
	ppContains(t, "public updates", p.Anon.Get("/programs/acme").Body, "Holiday freeze")

	r := ppInvalid(t, p.OwnerC, "update without a title", updates, url.Values{"title": {""}, "body": {"Some text"}}, "Give a title of at most 200 characters.", `id="title-error"`)
	ppContains(t, "refused update keeps its text", r.Body, "Some text")
	ppInvalid(t, p.OwnerC, "update without a body", updates, url.Values{"title": {"A title"}, "body": {"  "}}, `id="body-error"`, `value="A title"`)

	// Feedback: anyone sends, only owners read, newest first.
	ppWant(t, "send feedback", p.Anon.Post("/programs/acme/feedback", url.Values{"body": {"Your scope page is very clear, thank you."}}),
		http.StatusSeeOther, "/programs/acme?feedback=sent#feedback")
	p.Clock.Advance(time.Hour)
	ppWant(t, "send more feedback", p.Anon.Post("/programs/acme/feedback", url.Values{"body": {"Please answer faster <script>alert(1)</script>"}}),
		http.StatusSeeOther, "")
	r = ppInvalid(t, p.Anon, "feedback too short", "/programs/acme/feedback", url.Values{"body": {"meh"}}, "Write at least a sentence.")
	ppContains(t, "refused feedback", r.Body, ">meh</textarea>")
	page = p.OwnerC.Get("/programs/acme/feedback")
	ppWant(t, "GET feedback", page, http.StatusOK, "")
	ppContains(t, "feedback", page.Body, "Your scope page is very clear", "Please answer faster &lt;script&gt;")
	if a, b := strings.Index(page.Body, "Please answer faster"), strings.Index(page.Body, "Your scope page"); a > b {
		t.Errorf("feedback is not newest first")
	}
	ppLacks(t, "feedback", page.Body, "<script>alert")
}

// TestProgramPagesAccess checks who sees which program page.
func TestProgramPagesAccess(t *testing.T) {
	t.Parallel()
	p := ppSetup(t)
	manage := []string{"settings", "scope", "updates", "feedback"}

	// A triager sees the team (read-only) and the history, nothing else.
	r := p.TriagerC.Get("/programs/acme/team")
	ppWant(t, "triager GET team", r, http.StatusOK, "")
	ppContains(t, "triager's team page", r.Body, "owner@acme.test", "Leave the team", `href="/programs/acme/history"`)
	ppLacks(t, "triager's team page", r.Body, "Send invitation", "/role\"", `href="/programs/acme/settings"`, `href="/programs/acme/scope"`, "Withdraw")
	ppWant(t, "triager GET history", p.TriagerC.Get("/programs/acme/history"), http.StatusOK, "")
	for _, s := range manage {
		ppWant(t, "triager GET "+s, p.TriagerC.Get("/programs/acme/"+s), http.StatusForbidden, "")
	}
	for path, form := range map[string]url.Values{
		"/programs/acme/settings":     ppSettingsForm(),
		"/programs/acme/status":       {"status": {"suspended"}},
		"/programs/acme/assets":       {"name": {"Mine"}, "type": {"web"}, "tier": {"1"}},
		"/programs/acme/rewards":      {"reward_1_Low": {"1"}},
		"/programs/acme/out-of-scope": {"oos_new": {"Everything"}},
		"/programs/acme/updates":      {"title": {"Hello"}, "body": {"Hello"}},
		"/programs/acme/team":         {"email": {"friend@example.test"}, "role": {"owner"}},
	} {
		ppWant(t, "triager POST "+path, p.TriagerC.Post(path, form), http.StatusForbidden, "")
	}

	// A stranger gets 403 on a published program, and on a draft the very
	// answer of a program that does not exist.
	for _, s := range append(manage, "team", "history") {
		ppWant(t, "stranger GET "+s, p.StrangerC.Get("/programs/acme/"+s), http.StatusForbidden, "")
		draft := p.StrangerC.Get("/programs/hidden/" + s)
		missing := p.StrangerC.Get("/programs/no-such-program/" + s)
		ppWant(t, "stranger GET draft "+s, draft, http.StatusNotFound, "")
		ppWant(t, "stranger GET unknown "+s, missing, http.StatusNotFound, "")
		if a, b := ppNoID(draft), ppNoID(missing); a != b {
			t.Errorf("%s: a draft's page differs from an unknown program's:\n%s\n----\n%s", s, a, b)
		}
	}
	ppWant(t, "stranger POST draft settings", p.StrangerC.Post("/programs/hidden/settings", ppSettingsForm()), http.StatusNotFound, "")
	ppWant(t, "stranger GET draft", p.StrangerC.Get("/programs/hidden"), http.StatusNotFound, "")

	// Visitors: drafts do not exist, management pages ask for a log-in.
	draft, missing := p.Anon.Get("/programs/hidden"), p.Anon.Get("/programs/no-such-program")
	ppWant(t, "anonymous GET draft", draft, http.StatusNotFound, "")
	if a, b := ppNoID(draft), ppNoID(missing); a != b {
		t.Errorf("anonymous: a draft's page differs from an unknown program's:\n%s\n----\n%s", a, b)
	}
	ppWant(t, "anonymous GET draft security.txt", p.Anon.Get("/programs/hidden/security.txt"), http.StatusNotFound, "")
	ppLacks(t, "anonymous directory", p.Anon.Get("/programs").Body, "Hidden Draft")
	ppWant(t, "anonymous GET settings", p.Anon.Get("/programs/acme/settings"), http.StatusSeeOther, "/login?next=%2Fprograms%2Facme%2Fsettings")

	// The triager leaves the team by themselves.
	ppWant(t, "triager leaves", p.TriagerC.Post("/programs/acme/team/"+strconv.FormatInt(p.Triager.ID, 10)+"/remove", nil), http.StatusSeeOther, "/programs/acme")
	ppWant(t, "former triager GET history", p.TriagerC.Get("/programs/acme/history"), http.StatusForbidden, "")
}

// ppSection returns the part of a page from the element with the id to
// the end of its section.
func ppSection(body, id string) string {
	i := strings.Index(body, `id="`+id+`"`)
	if i < 0 {
		return ""
	}
	body = body[i:]
	if j := strings.Index(body, "</section>"); j >= 0 {
		body = body[:j]
	}
	return body
}

// ppNoID returns a page without its request id, the one part that differs
// between two otherwise identical answers.
func ppNoID(r *apptest.Response) string {
	if id := r.Header.Get("X-Request-Id"); id != "" {
		return strings.ReplaceAll(r.Body, id, "REQUEST-ID")
	}
	return r.Body
}

// TestAdminProgramsPage lists every program and creates one.
func TestAdminProgramsPage(t *testing.T) {
	t.Parallel()
	p := ppSetup(t)
	admin := p.Client(t)
	admin.LogIn(p.Admin.Email, ppPassword)

	r := admin.Get("/admin/programs")
	ppWant(t, "GET admin programs", r, http.StatusOK, "")
	ppContains(t, "admin programs", r.Body, "Acme Cloud", "Hidden Draft", "Draft", "Published", `href="/programs/hidden/settings"`,
		`href="/admin/users"`, `href="/admin/programs" aria-current="page"`, "Create program")
	ppContains(t, "admin users", admin.Get("/admin/users").Body, `href="/admin/programs"`, `href="/admin/users" aria-current="page"`)

	page := ppPost(t, admin, "create program", "/admin/programs", url.Values{"slug": {"widgets"}, "name": {"Widgets"},
		"organisation": {"Widget Co"}, "kind": {"vdp"}, "currency": {"EUR"}, "owners": {"owner@acme.test, new-owner@widgets.test"}}, "/programs/widgets/settings")
	ppContains(t, "created program", page.Body, "The program was created.", `value="Widgets"`, "Publish the program")
	apptest.LinkIn(t, p.LastMail(t, "new-owner@widgets.test"), "/invitations/")

	ppInvalid(t, admin, "slug taken", "/admin/programs", url.Values{"slug": {"acme"}, "name": {"Again"}}, "Another program uses this slug.", `id="slug-error"`)
	r = ppInvalid(t, admin, "bad fields", "/admin/programs", url.Values{"slug": {"Not A Slug"}, "name": {""}, "kind": {"charity"}, "currency": {"XYZ"}, "owners": {"nobody"}},
		`id="slug-error"`, `id="name-error"`, `id="kind-error"`, `unknown currency "XYZ"`, `"nobody" is not an e-mail address.`)
	ppContains(t, "refused program keeps the list", r.Body, "Hidden Draft", `value="Not A Slug"`)

	// An admin opens any program's management pages, but not its
	// feedback, which is for the program's owners only (and the tab says
	// so by its absence).
	for _, s := range []string{"settings", "scope", "team", "updates", "history"} {
		r := admin.Get("/programs/hidden/" + s)
		ppWant(t, "admin GET "+s, r, http.StatusOK, "")
		ppLacks(t, "admin GET "+s, r.Body, `href="/programs/hidden/feedback"`)
	}
	ppWant(t, "admin GET feedback", admin.Get("/programs/hidden/feedback"), http.StatusForbidden, "")
	ppWant(t, "owner GET admin programs", p.OwnerC.Get("/admin/programs"), http.StatusNotFound, "")
}
