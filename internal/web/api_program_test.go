package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ProtonMail/gopenpgp/v3/crypto"
	"github.com/google/go-cmp/cmp"
	"github.com/haven-project/haven/internal/app"
	"github.com/haven-project/haven/internal/apptest"
	"github.com/haven-project/haven/internal/haven"
)

// The program API as clients see it. Only the fields the tests compare;
// papiClient checks every answer against openapi.json as well, so a field
// the document does not describe fails there.
type (
	papiAsset struct {
		ID             int64  `json:"id"`
		Name           string `json:"name"`
		Type           string `json:"type"`
		Identifier     string `json:"identifier"`
		Tier           int    `json:"tier"`
		InScope        bool   `json:"in_scope"`
		BountyEligible bool   `json:"bounty_eligible"`
		MaxSeverity    string `json:"max_severity"`
	}
	papiReward struct {
		Tier     int     `json:"tier"`
		Severity string  `json:"severity"`
		Min      float64 `json:"min"`
		Max      float64 `json:"max"`
	}
	papiOutOfScope struct {
		ID   int64  `json:"id"`
		Text string `json:"text"`
	}
	papiProgram struct {
		Slug           string               `json:"slug"`
		Name           string               `json:"name"`
		Status         string               `json:"status"`
		Kind           string               `json:"kind"`
		Currency       string               `json:"currency"`
		URL            string               `json:"url"`
		Policy         string               `json:"policy"`
		Rules          string               `json:"rules_of_engagement"`
		SafeHarbour    string               `json:"safe_harbour"`
		Guidelines     string               `json:"reporting_guidelines"`
		PolicyVersion  int                  `json:"policy_version"`
		ContactEmail   string               `json:"contact_email"`
		PGPFingerprint string               `json:"pgp_fingerprint"`
		Links          []haven.Link         `json:"links"`
		Assets         []papiAsset          `json:"assets"`
		Bands          []haven.SeverityBand `json:"severity_bands"`
		ValidationDays map[string]int       `json:"validation_days"`
		Calendar       haven.Calendar       `json:"calendar"`
		Rewards        []papiReward         `json:"rewards"`
		RetestBonus    float64              `json:"retest_bonus"`
		OutOfScope     []papiOutOfScope     `json:"out_of_scope"`
		Role           string               `json:"role"`
		NeedsInfoDays  int                  `json:"needs_info_days"`
	}
	papiActivity struct {
		Type string    `json:"type"`
		Text string    `json:"text"`
		At   time.Time `json:"at"`
	}
	papiUpdate struct {
		ID          int64      `json:"id"`
		Title       string     `json:"title"`
		PublishedAt *time.Time `json:"published_at"`
	}
	papiMember struct {
		UserID int64  `json:"user_id"`
		Email  string `json:"email"`
		Role   string `json:"role"`
	}
	papiTeam struct {
		Members     []papiMember `json:"members"`
		Invitations []struct {
			Email string `json:"email"`
			Role  string `json:"role"`
		} `json:"invitations"`
	}
)

// papiClient sends API requests and checks each answer: the status the
// test expects, and a body as openapi.json describes that operation and
// status (every field documented, every required field present, types and
// enums right).
type papiClient struct {
	t   *testing.T
	e   *apptest.Env
	c   *apptest.Client
	doc map[string]any
}

func newPapiClient(t *testing.T, e *apptest.Env) *papiClient {
	t.Helper()
	c := e.Client(t)
	r := c.Get("/api/v1/openapi.json")
	var doc map[string]any
	if err := json.Unmarshal([]byte(r.Body), &doc); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	return &papiClient{t: t, e: e, c: c, doc: doc}
}

// send sends a request. A string body goes as it is (to send broken
// JSON); anything else is encoded.
func (p *papiClient) send(method, path, token string, body any) *apptest.Response {
	p.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			p.t.Fatal(err)
		}
		rd = bytes.NewReader(j)
	}
	return p.c.API(method, path, token, rd)
}

// do sends a request, expects status, checks the answer against the
// document and decodes it into out (when not nil).
func (p *papiClient) do(method, path, token string, body any, status int, out any) *apptest.Response {
	p.t.Helper()
	r := p.send(method, path, token, body)
	name := method + " " + path
	if r.StatusCode != status {
		p.t.Errorf("%s: status %d, want %d\n%s", name, r.StatusCode, status, r.Body)
		return r
	}
	p.conforms(name, method, path, r)
	if out != nil {
		// Start from zero: decoding into a used value would keep fields
		// (and map keys) this answer does not have.
		reflect.ValueOf(out).Elem().SetZero()
		if err := json.Unmarshal([]byte(r.Body), out); err != nil {
			p.t.Errorf("%s: %v\n%s", name, err, r.Body)
		}
	}
	return r
}

// problem sends a request that must fail with status and returns the
// problem details.
func (p *papiClient) problem(method, path, token string, body any, status int) map[string]any {
	p.t.Helper()
	r := p.send(method, path, token, body)
	name := method + " " + path
	pr := problemOf(p.t, name, r, status)
	if r.StatusCode == status {
		p.conforms(name, method, path, r)
	}
	return pr
}

// invalid sends a request that must be refused as 422 with a message for
// field, and returns the message.
func (p *papiClient) invalid(method, path, token string, body any, field string) string {
	p.t.Helper()
	pr := p.problem(method, path, token, body, http.StatusUnprocessableEntity)
	errs, _ := pr["errors"].(map[string]any)
	msg, _ := errs[field].(string)
	if msg == "" {
		p.t.Errorf("%s %s %v: no message for %q in %v", method, path, body, field, pr)
	}
	return msg
}

// conforms checks r against the response the document gives for its
// operation and status.
func (p *papiClient) conforms(name, method, path string, r *apptest.Response) {
	p.t.Helper()
	tmpl, op := p.operation(method, path)
	if op == nil {
		p.t.Errorf("%s: no operation in openapi.json", name)
		return
	}
	responses, _ := op["responses"].(map[string]any)
	resp, _ := p.resolve(responses[strconv.Itoa(r.StatusCode)]).(map[string]any)
	if resp == nil {
		p.t.Errorf("%s: status %d is not documented for %s %s", name, r.StatusCode, method, tmpl)
		return
	}
	content, _ := resp["content"].(map[string]any)
	if len(content) == 0 {
		if r.Body != "" {
			p.t.Errorf("%s: documented without a body, but has %q", name, r.Body)
		}
		return
	}
	ct, _, _ := strings.Cut(r.Header.Get("Content-Type"), ";")
	media, _ := content[ct].(map[string]any)
	if media == nil {
		p.t.Errorf("%s: Content-Type %q is not documented for status %d", name, ct, r.StatusCode)
		return
	}
	var v any
	if err := json.Unmarshal([]byte(r.Body), &v); err != nil {
		p.t.Errorf("%s: %v", name, err)
		return
	}
	for _, msg := range p.check(media["schema"], v, "body") {
		p.t.Errorf("%s %d: %s", name, r.StatusCode, msg)
	}
}

// operation finds the documented operation of a request path.
func (p *papiClient) operation(method, path string) (string, map[string]any) {
	path, _, _ = strings.Cut(path, "?")
	path = strings.TrimPrefix(path, "/api/v1")
	paths, _ := p.doc["paths"].(map[string]any)
	for tmpl, item := range paths {
		ts, ps := strings.Split(tmpl, "/"), strings.Split(path, "/")
		if len(ts) != len(ps) {
			continue
		}
		match := true
		for i := range ts {
			if !strings.HasPrefix(ts[i], "{") && ts[i] != ps[i] {
				match = false
			}
		}
		if match {
			op, _ := item.(map[string]any)[strings.ToLower(method)].(map[string]any)
			return tmpl, op
		}
	}
	return "", nil
}

// resolve follows a local $ref.
func (p *papiClient) resolve(v any) any {
	m, ok := v.(map[string]any)
	if !ok {
		return v
	}
	ref, ok := m["$ref"].(string)
	if !ok {
		return v
	}
	var at any = p.doc
	for _, part := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
		obj, _ := at.(map[string]any)
		at = obj[part]
	}
	if at == nil {
		p.t.Errorf("openapi.json: $ref %s leads nowhere", ref)
	}
	return p.resolve(at)
}

// check returns how v differs from schema. It knows the JSON Schema the
// document uses: type, enum, const, properties, required,
// additionalProperties and items; an object field the schema does not
// name is an error unless additionalProperties gives a schema for it.
func (p *papiClient) check(schema, v any, at string) []string {
	s, _ := p.resolve(schema).(map[string]any)
	if s == nil {
		return []string{at + ": no schema"}
	}
	var errs []string
	if enum, ok := s["enum"].([]any); ok && !slices.Contains(enum, v) {
		errs = append(errs, fmt.Sprintf("%s: %v is not one of %v", at, v, enum))
	}
	if c, ok := s["const"]; ok && c != v {
		errs = append(errs, fmt.Sprintf("%s: %v, want %v", at, v, c))
	}
	var types []string
	switch ty := s["type"].(type) {
	case string:
		types = []string{ty}
	case []any:
		for _, x := range ty {
			types = append(types, x.(string))
		}
	}
	if len(types) > 0 && !slices.Contains(types, jsonType(v)) && !(jsonType(v) == "integer" && slices.Contains(types, "number")) {
		return append(errs, fmt.Sprintf("%s: a JSON %s, want %v", at, jsonType(v), types))
	}
	switch v := v.(type) {
	case map[string]any:
		props, _ := s["properties"].(map[string]any)
		req, _ := s["required"].([]any)
		for _, k := range req {
			if _, ok := v[k.(string)]; !ok {
				errs = append(errs, fmt.Sprintf("%s: required field %q missing", at, k))
			}
		}
		for k, x := range v {
			if ps, ok := props[k]; ok {
				errs = append(errs, p.check(ps, x, at+"."+k)...)
			} else if ap, ok := s["additionalProperties"].(map[string]any); ok {
				errs = append(errs, p.check(ap, x, at+"."+k)...)
			} else {
				errs = append(errs, fmt.Sprintf("%s: field %q is not in openapi.json", at, k))
			}
		}
	case []any:
		for i, x := range v {
			errs = append(errs, p.check(s["items"], x, fmt.Sprintf("%s[%d]", at, i))...)
		}
	}
	return errs
}

func jsonType(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case float64:
		if v == math.Trunc(v) {
			return "integer"
		}
		return "number"
	case string:
		return "string"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}

// papiKeys returns the field names of a JSON object.
func papiKeys(t *testing.T, body string) map[string]bool {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal([]byte(body), &m); err != nil {
		t.Fatalf("%v\n%s", err, body)
	}
	keys := map[string]bool{}
	for k := range m {
		keys[k] = true
	}
	return keys
}

// papiStable returns a problem without its per-request instance, to
// compare two answers.
func papiStable(p map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range p {
		if k != "instance" {
			out[k] = v
		}
	}
	return out
}

// TestAPIProgramLifecycle drives a program's life through the API: an
// admin creates it, the owners it names take it over (an address without
// an account through the invitation link, on the web) and set it up, and
// publishing an update, suspending, resuming and closing show in the
// public activity feed.
func TestAPIProgramLifecycle(t *testing.T) {
	t.Parallel()
	apptest.Run(t, func(t *testing.T, e *apptest.Env) {
		p := newPapiClient(t, e)
		admin := e.CreateUser(t, "admin@example.com", "admin password 1", true)
		owner := e.CreateUser(t, "owner@example.com", "owner password 1", false)
		researcher := e.CreateUser(t, "researcher@example.com", "researcher password 1", false)
		adminTok, ownerTok, researcherTok := e.Token(t, admin), e.Token(t, owner), e.Token(t, researcher)
		const prog = "/api/v1/programs/jupyter"

		// Only instance admins create programs; to anyone else the route
		// looks missing.
		create := map[string]any{"slug": "jupyter", "name": "Project Jupyter", "organisation": "Project Jupyter",
			"kind": "bounty", "currency": "EUR", "owners": []string{"owner@example.com", "cofounder@example.com"}}
		p.problem("POST", "/api/v1/programs", researcherTok, create, http.StatusNotFound)
		p.problem("POST", "/api/v1/programs", "", create, http.StatusUnauthorized)
		p.problem("GET", prog, adminTok, nil, http.StatusNotFound)
		var got papiProgram
		r := p.do("POST", "/api/v1/programs", adminTok, create, http.StatusCreated, &got)
		if loc := r.Header.Get("Location"); loc != prog {
			t.Errorf("Location %q, want %s", loc, prog)
		}
		want := papiProgram{
			Slug: "jupyter", Name: "Project Jupyter", Status: "draft", Kind: "bounty", Currency: "EUR",
			URL: e.URL("/programs/jupyter"), PolicyVersion: 1, Links: []haven.Link{}, Assets: []papiAsset{},
			Bands: haven.DefaultBands(), ValidationDays: haven.DefaultValidationDays(), Rewards: []papiReward{},
			OutOfScope: []papiOutOfScope{}, NeedsInfoDays: 30,
			Calendar: haven.Calendar{TimeZone: "UTC", Weekend: []string{"saturday", "sunday"}, Holidays: []string{}},
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("created program (-want +got):\n%s", diff)
		}
		p.invalid("POST", "/api/v1/programs", adminTok, create, "slug")

		// An owner named with an account is an owner at once; an address
		// without one is invited, and joins on the web.
		p.do("GET", prog, ownerTok, nil, http.StatusOK, &got)
		if got.Role != "owner" {
			t.Errorf("the named owner's role %q, want owner", got.Role)
		}
		link := apptest.LinkIn(t, e.LastMail(t, "cofounder@example.com"), "/invitations/")
		if m, ok := e.Mail.Last("owner@example.com"); ok {
			t.Errorf("the owner with an account got mail %q", m.Subject)
		}
		cofounder := e.CreateUser(t, "cofounder@example.com", "cofounder password 1", false)
		cofounderTok := e.Token(t, cofounder)
		p.problem("GET", prog, cofounderTok, nil, http.StatusNotFound)
		browser := e.Client(t)
		browser.LogIn("cofounder@example.com", "cofounder password 1")
		r = browser.Post(link, nil)
		if r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/programs/jupyter") {
			t.Fatalf("accept the invitation: %d %s\n%s", r.StatusCode, r.Header.Get("Location"), r.Body)
		}
		p.do("GET", prog, cofounderTok, nil, http.StatusOK, &got)
		if got.Role != "owner" {
			t.Fatalf("after accepting: role %q, want owner", got.Role)
		}

		// Settings, with amounts in major units and bands in any order.
		patch := map[string]any{
			"policy":               "# Policy\n\nBe kind.",
			"rules_of_engagement":  "No denial of service.",
			"safe_harbour":         "We will not sue.",
			"reporting_guidelines": "One issue per report.",
			"contact_email":        "security@jupyter.test",
			"links":                []haven.Link{{Label: "Docs", URL: "https://docs.jupyter.test/security"}},
			"severity_bands": []haven.SeverityBand{{Name: "Exceptional", Min: 9.5, Max: 10}, {Name: "Low", Min: 0.1, Max: 3.9},
				{Name: "High", Min: 7, Max: 8.9}, {Name: "Medium", Min: 4, Max: 6.9}, {Name: "Critical", Min: 9, Max: 9.4}},
			"validation_days": map[string]int{"Exceptional": 3, "Critical": 7, "High": 15, "Medium": 30, "Low": 60},
			"calendar": haven.Calendar{TimeZone: "Europe/Paris", Weekend: []string{"saturday", "sunday"},
				Holidays: []string{"2026-12-25"}},
			"retest_bonus":    50,
			"needs_info_days": 21,
		}
		p.do("PATCH", prog, ownerTok, patch, http.StatusOK, &got)
		want.Policy, want.Rules = "# Policy\n\nBe kind.", "No denial of service."
		want.SafeHarbour, want.Guidelines = "We will not sue.", "One issue per report."
		want.PolicyVersion = 2 // the texts changed
		want.ContactEmail = "security@jupyter.test"
		want.Links = []haven.Link{{Label: "Docs", URL: "https://docs.jupyter.test/security"}}
		want.ValidationDays = map[string]int{"Exceptional": 3, "Critical": 7, "High": 15, "Medium": 30, "Low": 60}
		want.Calendar = haven.Calendar{TimeZone: "Europe/Paris", Weekend: []string{"saturday", "sunday"},
			Holidays: []string{"2026-12-25"}}
		want.RetestBonus, want.NeedsInfoDays, want.Role = 50, 21, "owner"
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("after PATCH (-want +got):\n%s", diff)
		}
		// A PGP key: the program shows its fingerprint; an empty text
		// removes it.
		key, err := crypto.PGP().KeyGeneration().AddUserId("Jupyter Security", "security@jupyter.test").GenerationTime(e.Clock.Now().Add(-24 * time.Hour).Unix()).New().GenerateKey()
		if err != nil {
			t.Fatal(err)
		}
		armored, err := key.GetArmoredPublicKey()
		if err != nil {
			t.Fatal(err)
		}
		p.do("PATCH", prog, ownerTok, map[string]any{"pgp_key": "Our key:\n\n" + armored}, http.StatusOK, &got)
		if want := strings.ToUpper(key.GetFingerprint()); got.PGPFingerprint != want {
			t.Errorf("pgp_fingerprint %q, want %q", got.PGPFingerprint, want)
		}
		p.do("PATCH", prog, ownerTok, map[string]any{"pgp_key": ""}, http.StatusOK, &got)
		if got.PGPFingerprint != "" {
			t.Errorf("after removing the key: pgp_fingerprint %q", got.PGPFingerprint)
		}

		// Amounts round half up to the currency's minor unit.
		p.do("PATCH", prog, ownerTok, map[string]any{"retest_bonus": 12.345}, http.StatusOK, &got)
		if got.RetestBonus != 12.35 {
			t.Errorf("retest_bonus 12.345 reads back as %v, want 12.35", got.RetestBonus)
		}
		p.do("PATCH", prog, ownerTok, map[string]any{"retest_bonus": 50}, http.StatusOK, &got)

		// Rewards: numbers in major units, back as they went.
		rewards := []papiReward{
			{1, "Low", 500, 1000}, {1, "Medium", 1000, 2000}, {1, "High", 2000, 3500}, {1, "Critical", 3500, 5000}, {1, "Exceptional", 5000, 10000},
			{2, "Low", 250, 500}, {2, "Medium", 500, 1000}, {2, "High", 1000, 2000}, {2, "Critical", 2000, 3500}, {2, "Exceptional", 3500, 5000},
			{3, "Low", 100.5, 100.5},
		}
		var table struct {
			Currency string       `json:"currency"`
			Rewards  []papiReward `json:"rewards"`
		}
		p.do("PUT", prog+"/rewards", ownerTok, map[string]any{"rewards": rewards}, http.StatusOK, &table)
		if diff := cmp.Diff(rewards, table.Rewards); table.Currency != "EUR" || diff != "" {
			t.Errorf("PUT rewards: currency %q (-want +got):\n%s", table.Currency, diff)
		}
		p.do("GET", prog, ownerTok, nil, http.StatusOK, &got)
		if diff := cmp.Diff(rewards, got.Rewards); diff != "" {
			t.Errorf("the program's rewards (-want +got):\n%s", diff)
		}

		// Assets.
		var server, docs papiAsset
		p.do("POST", prog+"/assets", ownerTok, map[string]any{"name": "jupyter_server", "type": "package",
			"identifier": "pypi:jupyter_server"}, http.StatusCreated, &server)
		if server.ID == 0 || server.Tier != 1 || !server.InScope || !server.BountyEligible {
			t.Errorf("new asset with defaults: %+v", server)
		}
		p.do("POST", prog+"/assets", ownerTok, map[string]any{"name": "docs.jupyter.test", "type": "web", "tier": 3,
			"in_scope": false}, http.StatusCreated, &docs)
		if docs.InScope || docs.BountyEligible {
			t.Errorf("an asset out of scope: %+v; it cannot be bounty-eligible", docs)
		}
		var changed papiAsset
		p.do("PATCH", fmt.Sprintf("%s/assets/%d", prog, server.ID), ownerTok, map[string]any{"tier": 2, "max_severity": "High"},
			http.StatusOK, &changed)
		wantAsset := server
		wantAsset.Tier, wantAsset.MaxSeverity = 2, "High"
		if diff := cmp.Diff(wantAsset, changed); diff != "" {
			t.Errorf("PATCH asset changes only what it names (-want +got):\n%s", diff)
		}
		p.do("DELETE", fmt.Sprintf("%s/assets/%d", prog, docs.ID), ownerTok, nil, http.StatusNoContent, nil)
		p.problem("DELETE", fmt.Sprintf("%s/assets/%d", prog, docs.ID), ownerTok, nil, http.StatusNotFound)
		p.problem("PATCH", prog+"/assets/999999", ownerTok, map[string]any{"tier": 2}, http.StatusNotFound)
		var assets struct {
			Assets []papiAsset `json:"assets"`
		}
		p.do("GET", prog+"/assets", ownerTok, nil, http.StatusOK, &assets)
		if diff := cmp.Diff([]papiAsset{wantAsset}, assets.Assets); diff != "" {
			t.Errorf("assets after removing one (-want +got):\n%s", diff)
		}

		// Out of scope: ids stay when the text does; a class left out
		// disappears.
		p.do("PUT", prog+"/out-of-scope", ownerTok, map[string]any{"out_of_scope": []map[string]any{
			{"text": "Self-XSS"}, {"text": "Missing security headers"}, {"text": "Denial of service"},
		}}, http.StatusOK, &got)
		if len(got.OutOfScope) != 3 || got.PolicyVersion != 3 {
			t.Fatalf("out of scope: %+v, policy version %d, want 3 classes in version 3", got.OutOfScope, got.PolicyVersion)
		}
		selfXSS, headers, dos := got.OutOfScope[0], got.OutOfScope[1], got.OutOfScope[2]
		p.do("PUT", prog+"/out-of-scope", ownerTok, map[string]any{"out_of_scope": []map[string]any{
			{"id": selfXSS.ID, "text": "Self-XSS"}, {"id": dos.ID, "text": "Denial of service"}, {"text": "Clickjacking"},
		}}, http.StatusOK, &got)
		if len(got.OutOfScope) != 3 {
			t.Fatalf("out of scope after the edit: %+v", got.OutOfScope)
		}
		clickjacking := got.OutOfScope[2]
		if diff := cmp.Diff([]papiOutOfScope{selfXSS, dos, {clickjacking.ID, "Clickjacking"}}, got.OutOfScope); diff != "" {
			t.Errorf("out of scope after the edit (-want +got):\n%s", diff)
		}
		if slices.Contains([]int64{selfXSS.ID, dos.ID}, clickjacking.ID) || clickjacking.ID == headers.ID {
			t.Errorf("the new class reuses an id: %+v", got.OutOfScope)
		}
		version := got.PolicyVersion
		p.do("PUT", prog+"/out-of-scope", ownerTok, map[string]any{"out_of_scope": got.OutOfScope}, http.StatusOK, &got)
		if got.PolicyVersion != version {
			t.Errorf("the same list again: policy version %d → %d, want no new version", version, got.PolicyVersion)
		}

		// The feed of a draft is not public.
		p.problem("GET", prog+"/activity", "", nil, http.StatusNotFound)

		// Updates, status changes and the feed. The clock moves between
		// events so each has its own time.
		var feed []papiActivity
		step := func(typ, text string) {
			e.Clock.Advance(time.Minute)
			feed = append([]papiActivity{{typ, text, e.Clock.Now()}}, feed...)
		}
		var upd papiUpdate
		step("program_update", "published a program update")
		p.do("POST", prog+"/updates", ownerTok, map[string]any{"title": "New scope", "body": "We added jupyter_server."},
			http.StatusCreated, &upd)
		if upd.ID == 0 || upd.Title != "New scope" || upd.PublishedAt == nil || !upd.PublishedAt.Equal(e.Clock.Now()) {
			t.Errorf("published update: %+v", upd)
		}
		e.Clock.Advance(time.Minute)
		p.do("POST", prog+"/updates", ownerTok, map[string]any{"title": "Coming soon", "body": "Rewards double in December.",
			"publish": false}, http.StatusCreated, &upd)
		if upd.PublishedAt != nil {
			t.Errorf("a draft update has published_at %v", upd.PublishedAt)
		}
		for _, st := range []struct{ status, typ, text string }{
			{"published", "program_published", "published the program"},
			{"suspended", "program_suspended", "suspended the program"},
			{"published", "program_published", "resumed the program"},
			{"closed", "program_closed", "closed the program"},
		} {
			step(st.typ, st.text)
			p.do("PATCH", prog, ownerTok, map[string]any{"status": st.status}, http.StatusOK, &got)
			if got.Status != st.status {
				t.Errorf("PATCH status %s: status %q", st.status, got.Status)
			}
			if st.status == "published" {
				// A published program shows anyone its public fields,
				// and its team the rest.
				r := p.do("GET", prog, "", nil, http.StatusOK, nil)
				for _, k := range []string{"role", "needs_info_days"} {
					if papiKeys(t, r.Body)[k] {
						t.Errorf("anonymous GET of a published program shows %q", k)
					}
				}
				r = p.do("GET", prog, researcherTok, nil, http.StatusOK, nil)
				if papiKeys(t, r.Body)["role"] || papiKeys(t, r.Body)["needs_info_days"] {
					t.Errorf("a researcher's GET shows the team's fields:\n%s", r.Body)
				}
				p.do("GET", prog, ownerTok, nil, http.StatusOK, &got)
				if got.Role != "owner" || got.NeedsInfoDays != 21 {
					t.Errorf("the owner's GET: role %q, needs_info_days %d", got.Role, got.NeedsInfoDays)
				}
			}
		}
		msg := p.invalid("PATCH", prog, ownerTok, map[string]any{"status": "suspended"}, "status")
		if !strings.Contains(msg, "closed") {
			t.Errorf("closed → suspended: message %q does not say why", msg)
		}
		var items struct {
			Items []papiActivity `json:"items"`
		}
		p.do("GET", prog+"/activity", "", nil, http.StatusOK, &items)
		if diff := cmp.Diff(feed, items.Items, cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) })); diff != "" {
			t.Errorf("activity feed (-want +got):\n%s", diff)
		}
		p.do("GET", prog+"/activity?limit=2", "", nil, http.StatusOK, &items)
		if len(items.Items) != 2 || items.Items[0].Text != "closed the program" {
			t.Errorf("?limit=2: %+v", items.Items)
		}
		var updates struct {
			Updates []papiUpdate `json:"updates"`
		}
		p.do("GET", prog+"/updates", "", nil, http.StatusOK, &updates)
		if len(updates.Updates) != 1 || updates.Updates[0].Title != "New scope" {
			t.Errorf("anonymous updates: %+v, want the published one only", updates.Updates)
		}
		p.do("GET", prog+"/updates", ownerTok, nil, http.StatusOK, &updates)
		if len(updates.Updates) != 2 {
			t.Errorf("the owner's updates: %+v, want the draft too", updates.Updates)
		}

		// A closed program can be reopened.
		p.do("PATCH", prog, ownerTok, map[string]any{"status": "published"}, http.StatusOK, &got)
		p.do("GET", prog+"/activity?limit=1", "", nil, http.StatusOK, &items)
		if len(items.Items) != 1 || items.Items[0].Text != "reopened the program" {
			t.Errorf("after reopening: %+v", items.Items)
		}

		// Anonymous reads of a public program, as documented.
		var list struct {
			Programs []struct {
				Slug   string `json:"slug"`
				Status string `json:"status"`
			} `json:"programs"`
		}
		p.do("GET", "/api/v1/programs", "", nil, http.StatusOK, &list)
		if len(list.Programs) != 1 || list.Programs[0].Slug != "jupyter" || list.Programs[0].Status != "published" {
			t.Errorf("GET /api/v1/programs: %+v", list.Programs)
		}
		p.do("GET", prog+"/rewards", "", nil, http.StatusOK, &table)
		if diff := cmp.Diff(rewards, table.Rewards); diff != "" {
			t.Errorf("anonymous rewards (-want +got):\n%s", diff)
		}
		p.do("GET", prog+"/assets", "", nil, http.StatusOK, nil)

		// The researcher may read but not change it.
		p.problem("PATCH", prog, researcherTok, map[string]any{"name": "Mine"}, http.StatusForbidden)
		p.problem("PUT", prog+"/rewards", researcherTok, map[string]any{"rewards": []papiReward{}}, http.StatusForbidden)
		p.problem("POST", prog+"/updates", researcherTok, map[string]any{"title": "Hi", "body": "Hello."}, http.StatusForbidden)
	})
}

// papiProgramWithTeam creates a bounty program, gives each account its
// role directly (as the command line does) and returns the program's API
// path.
func papiProgramWithTeam(t *testing.T, e *apptest.Env, slug string, status haven.ProgramStatus,
	team map[*haven.User]haven.Role) string {
	t.Helper()
	ctx := context.Background()
	prog, err := e.App.CreateProgram(ctx, haven.System, app.NewProgram{Slug: slug, Name: "Program " + slug,
		Kind: haven.KindBounty, Status: status})
	if err != nil {
		t.Fatal(err)
	}
	for u, role := range team {
		if err := e.App.SetMember(ctx, haven.System, prog.ID, u.ID, role); err != nil {
			t.Fatal(err)
		}
	}
	return "/api/v1/programs/" + slug
}

// TestAPIProgramInvalidValues checks that a bad value is refused with a
// 422 whose errors name the field as the API spells it, that a body that
// is not the expected JSON is a 400 that says what is wrong, and that a
// refused request changes nothing.
func TestAPIProgramInvalidValues(t *testing.T) {
	t.Parallel()
	apptest.Run(t, func(t *testing.T, e *apptest.Env) {
		p := newPapiClient(t, e)
		owner := e.CreateUser(t, "owner@example.com", "owner password 1", false)
		admin := e.CreateUser(t, "admin@example.com", "admin password 1", true)
		ownerTok, adminTok := e.Token(t, owner), e.Token(t, admin)
		prog := papiProgramWithTeam(t, e, "jupyter", haven.StatusPublished, map[*haven.User]haven.Role{owner: haven.RoleOwner})
		var asset papiAsset
		p.do("POST", prog+"/assets", ownerTok, map[string]any{"name": "jupyter_server"}, http.StatusCreated, &asset)
		before := p.do("GET", prog, ownerTok, nil, http.StatusOK, nil).Body

		badKey := "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nbm90IGEga2V5\n-----END PGP PUBLIC KEY BLOCK-----\n"
		band := func(name string, lo, hi float64) haven.SeverityBand {
			return haven.SeverityBand{Name: name, Min: lo, Max: hi}
		}
		cases := []struct {
			name, method, path, token string
			body                      any
			field                     string
			says                      string // the message contains this
		}{
			{"overlapping bands", "PATCH", prog, ownerTok,
				map[string]any{"severity_bands": []haven.SeverityBand{band("Low", 0.1, 5), band("High", 4, 10)}},
				"severity_bands", "overlap"},
			{"band with min > max", "PATCH", prog, ownerTok,
				map[string]any{"severity_bands": []haven.SeverityBand{band("Low", 5, 1)}}, "severity_bands", "Low"},
			{"bands with a gap", "PATCH", prog, ownerTok,
				map[string]any{"severity_bands": []haven.SeverityBand{band("Low", 0.1, 3.9), band("High", 7, 10)}},
				"severity_bands", "no band"},
			{"no bands", "PATCH", prog, ownerTok, map[string]any{"severity_bands": []haven.SeverityBand{}}, "severity_bands", ""},
			{"validation days of an unknown band", "PATCH", prog, ownerTok,
				map[string]any{"validation_days": map[string]int{"Severe": 5}}, "validation_days", "Severe"},
			{"validation days out of range", "PATCH", prog, ownerTok,
				map[string]any{"validation_days": map[string]int{"Low": 0}}, "validation_days", "Low"},
			{"unknown currency", "PATCH", prog, ownerTok, map[string]any{"currency": "XYZ"}, "currency", "XYZ"},
			{"unknown currency with a retest bonus", "PATCH", prog, ownerTok,
				map[string]any{"currency": "XYZ", "retest_bonus": 5}, "currency", "XYZ"},
			{"unknown currency on creation", "POST", "/api/v1/programs", adminTok,
				map[string]any{"slug": "other", "name": "Other", "currency": "XYZ"}, "currency", "XYZ"},
			{"PGP key that does not parse", "PATCH", prog, ownerTok, map[string]any{"pgp_key": badKey}, "pgp_key", "public key"},
			{"text that is no key", "PATCH", prog, ownerTok, map[string]any{"pgp_key": "my key"}, "pgp_key", ""},
			{"reward min > max", "PUT", prog + "/rewards", ownerTok,
				map[string]any{"rewards": []papiReward{{1, "Low", 500, 250}}}, "rewards", "minimum"},
			{"reward of an unknown band", "PUT", prog + "/rewards", ownerTok,
				map[string]any{"rewards": []papiReward{{1, "Severe", 1, 2}}}, "rewards", "Severe"},
			{"negative reward", "PUT", prog + "/rewards", ownerTok,
				map[string]any{"rewards": []papiReward{{1, "Low", -1, 2}}}, "rewards", ""},
			{"reward twice", "PUT", prog + "/rewards", ownerTok,
				map[string]any{"rewards": []papiReward{{1, "Low", 1, 2}, {1, "Low", 3, 4}}}, "rewards", "twice"},
			{"negative retest bonus", "PATCH", prog, ownerTok, map[string]any{"retest_bonus": -5}, "retest_bonus", ""},
			{"unknown status", "PATCH", prog, ownerTok, map[string]any{"status": "archived"}, "status", "archived"},
			{"back to draft", "PATCH", prog, ownerTok, map[string]any{"status": "draft"}, "status", "draft"},
			{"unknown kind", "PATCH", prog, ownerTok, map[string]any{"kind": "charity"}, "kind", ""},
			{"unknown time zone", "PATCH", prog, ownerTok,
				map[string]any{"calendar": haven.Calendar{TimeZone: "Mars/Olympus"}}, "calendar", ""},
			{"NUL in the rules", "PATCH", prog, ownerTok, map[string]any{"rules_of_engagement": "a\x00b"}, "rules_of_engagement", "NUL"},
			{"NUL in the guidelines", "PATCH", prog, ownerTok, map[string]any{"reporting_guidelines": "a\x00b"},
				"reporting_guidelines", "NUL"},
			{"empty name", "PATCH", prog, ownerTok, map[string]any{"name": "  "}, "name", ""},
			{"a valid field beside an invalid one", "PATCH", prog, ownerTok,
				map[string]any{"name": "Renamed", "contact_email": "not an address"}, "contact_email", ""},
			{"javascript link", "PATCH", prog, ownerTok,
				map[string]any{"links": []haven.Link{{Label: "x", URL: "javascript:alert(1)"}}}, "links", ""},
			{"needs-info days", "PATCH", prog, ownerTok, map[string]any{"needs_info_days": 0}, "needs_info_days", ""},
			{"asset tier", "POST", prog + "/assets", ownerTok, map[string]any{"name": "x", "tier": 9}, "tier", ""},
			{"asset type", "POST", prog + "/assets", ownerTok, map[string]any{"name": "x", "type": "server"}, "type", ""},
			{"asset without a name", "PATCH", fmt.Sprintf("%s/assets/%d", prog, asset.ID), ownerTok,
				map[string]any{"name": ""}, "name", ""},
			{"asset capped at an unknown band", "PATCH", fmt.Sprintf("%s/assets/%d", prog, asset.ID), ownerTok,
				map[string]any{"max_severity": "Severe"}, "max_severity", "Severe"},
			{"out-of-scope id of no class", "PUT", prog + "/out-of-scope", ownerTok,
				map[string]any{"out_of_scope": []papiOutOfScope{{999999, "x"}}}, "out_of_scope", ""},
			{"update without a title", "POST", prog + "/updates", ownerTok, map[string]any{"body": "Text."}, "title", ""},
			{"invitation with an unknown role", "POST", prog + "/members", ownerTok,
				map[string]any{"email": "new@example.com", "role": "admin"}, "role", ""},
			{"invitation without an address", "POST", prog + "/members", ownerTok,
				map[string]any{"email": "new", "role": "viewer"}, "email", ""},
			{"program with a bad slug", "POST", "/api/v1/programs", adminTok,
				map[string]any{"slug": "Not A Slug", "name": "X"}, "slug", ""},
			{"program with a bad owner", "POST", "/api/v1/programs", adminTok,
				map[string]any{"slug": "x", "name": "X", "owners": []string{"nobody"}}, "owners", "nobody"},
		}
		for _, tc := range cases {
			msg := p.invalid(tc.method, tc.path, tc.token, tc.body, tc.field)
			if !strings.Contains(msg, tc.says) {
				t.Errorf("%s: message %q does not mention %q", tc.name, msg, tc.says)
			}
		}

		// A VDP pays nothing.
		vdp, err := e.App.CreateProgram(context.Background(), haven.System, app.NewProgram{Slug: "vdp", Name: "VDP"})
		if err != nil {
			t.Fatal(err)
		}
		if err := e.App.SetMember(context.Background(), haven.System, vdp.ID, owner.ID, haven.RoleOwner); err != nil {
			t.Fatal(err)
		}
		p.invalid("PATCH", "/api/v1/programs/vdp", ownerTok, map[string]any{"retest_bonus": 5}, "retest_bonus")
		p.invalid("PUT", "/api/v1/programs/vdp/rewards", ownerTok, map[string]any{"rewards": []papiReward{{1, "Low", 1, 2}}}, "rewards")

		// Bodies that are not the JSON object the operation takes: a 400
		// whose detail says what is wrong (decodeJSON's message).
		for _, tc := range []struct {
			name, method, path, body string
			says                     string // the detail contains this
		}{
			{"malformed JSON", "PATCH", prog, `{"name": "x",}`, "not valid JSON"},
			{"truncated JSON", "PATCH", prog, `{"name": "x"`, "not valid JSON"},
			{"unknown field", "PATCH", prog, `{"nmae": "x"}`, `unknown field "nmae"`},
			{"unknown field in a reward", "PUT", prog + "/rewards",
				`{"rewards": [{"tier": 1, "severity": "Low", "min": 1, "max": 2, "currency": "EUR"}]}`, `unknown field "currency"`},
			{"name as a number", "PATCH", prog, `{"name": 5}`, `"name" must be a JSON string`},
			{"amount as a string", "PUT", prog + "/rewards",
				`{"rewards": [{"tier": 1, "severity": "Low", "min": "1", "max": 2}]}`, `"rewards.min" must be a JSON number`},
			{"tier as a fraction", "POST", prog + "/assets", `{"name": "x", "tier": 1.5}`, `"tier" must be a whole number`},
			{"an array", "PATCH", prog, `[{"name": "x"}]`, "must be a JSON object"},
			{"a string", "PATCH", prog, `"x"`, "must be a JSON object"},
			{"empty body", "PATCH", prog, ``, "empty"},
			{"two objects", "PATCH", prog, `{"name": "x"} {"name": "y"}`, "one JSON object"},
			{"not JSON at all", "POST", prog + "/members", `email=a@example.com`, "not valid JSON"},
		} {
			pr := p.problem(tc.method, tc.path, ownerTok, tc.body, http.StatusBadRequest)
			if d, _ := pr["detail"].(string); !strings.Contains(d, tc.says) {
				t.Errorf("%s: detail %q does not contain %q", tc.name, d, tc.says)
			}
		}

		// Nothing of the above changed the program.
		after := p.do("GET", prog, ownerTok, nil, http.StatusOK, nil).Body
		if diff := cmp.Diff(before, after); diff != "" {
			t.Errorf("refused requests changed the program (-before +after):\n%s", diff)
		}
	})
}

// TestAPIDraftProgramLooksMissing checks that a draft program is, to
// anyone outside its team, exactly an unknown slug: on the program, every
// sub-resource and every change, and absent from the list. Its team and
// admins see it.
func TestAPIDraftProgramLooksMissing(t *testing.T) {
	t.Parallel()
	apptest.Run(t, func(t *testing.T, e *apptest.Env) {
		p := newPapiClient(t, e)
		owner := e.CreateUser(t, "owner@example.com", "owner password 1", false)
		viewer := e.CreateUser(t, "viewer@example.com", "viewer password 1", false)
		researcher := e.CreateUser(t, "researcher@example.com", "researcher password 1", false)
		admin := e.CreateUser(t, "admin@example.com", "admin password 1", true)
		ownerTok, viewerTok, researcherTok, adminTok := e.Token(t, owner), e.Token(t, viewer), e.Token(t, researcher), e.Token(t, admin)
		secret := papiProgramWithTeam(t, e, "secret", haven.StatusDraft,
			map[*haven.User]haven.Role{owner: haven.RoleOwner, viewer: haven.RoleViewer})
		papiProgramWithTeam(t, e, "open", haven.StatusPublished, nil)
		var asset papiAsset
		p.do("POST", secret+"/assets", ownerTok, map[string]any{"name": "Unreleased app"}, http.StatusCreated, &asset)
		p.do("POST", secret+"/updates", ownerTok, map[string]any{"title": "Soon", "body": "We launch soon."}, http.StatusCreated, nil)
		const missing = "/api/v1/programs/nope"
		assetPath := fmt.Sprintf("/assets/%d", asset.ID)
		memberPath := fmt.Sprintf("/members/%d", owner.ID)

		requests := []struct {
			method, sub string
			body        any
		}{
			{"GET", "", nil}, {"GET", "/assets", nil}, {"GET", "/rewards", nil}, {"GET", "/updates", nil},
			{"GET", "/activity", nil}, {"GET", "/members", nil},
			{"PATCH", "", map[string]any{"name": "Mine"}},
			{"PATCH", "", map[string]any{"status": "published"}},
			{"POST", "/assets", map[string]any{"name": "x"}},
			{"PATCH", assetPath, map[string]any{"tier": 2}},
			{"DELETE", assetPath, nil},
			{"PUT", "/rewards", map[string]any{"rewards": []papiReward{}}},
			{"PUT", "/out-of-scope", map[string]any{"out_of_scope": []papiOutOfScope{{0, "x"}}}},
			{"POST", "/updates", map[string]any{"title": "Hi", "body": "Hello."}},
			{"POST", "/members", map[string]any{"email": "researcher@example.com", "role": "owner"}},
			{"PATCH", memberPath, map[string]any{"role": "viewer"}},
			{"DELETE", memberPath, nil},
		}
		for who, tok := range map[string]string{"anonymous": "", "researcher": researcherTok} {
			for _, rq := range requests {
				got := p.send(rq.method, secret+rq.sub, tok, rq.body)
				want := p.send(rq.method, missing+rq.sub, tok, rq.body)
				name := fmt.Sprintf("%s: %s %s", who, rq.method, secret+rq.sub)
				status := http.StatusNotFound
				if tok == "" && (rq.method != "GET" || rq.sub == "/members") {
					status = http.StatusUnauthorized // the route needs a token
				}
				g, w := problemOf(t, name, got, status), problemOf(t, name+" (unknown slug)", want, status)
				if diff := cmp.Diff(papiStable(w), papiStable(g)); diff != "" {
					t.Errorf("%s: differs from an unknown slug (-unknown +draft):\n%s", name, diff)
				}
				for _, h := range []string{"Content-Type", "Cache-Control", "WWW-Authenticate"} {
					if got.Header.Get(h) != want.Header.Get(h) {
						t.Errorf("%s: %s %q, unknown slug %q", name, h, got.Header.Get(h), want.Header.Get(h))
					}
				}
			}
		}

		slugs := func(tok string) []string {
			var list struct {
				Programs []struct{ Slug string } `json:"programs"`
			}
			p.do("GET", "/api/v1/programs", tok, nil, http.StatusOK, &list)
			var out []string
			for _, x := range list.Programs {
				out = append(out, x.Slug)
			}
			return out
		}
		for who, tc := range map[string]struct {
			tok  string
			want []string
		}{
			"anonymous":  {"", []string{"open"}},
			"researcher": {researcherTok, []string{"open"}},
			"viewer":     {viewerTok, []string{"open", "secret"}},
			"owner":      {ownerTok, []string{"open", "secret"}},
			"admin":      {adminTok, []string{"open", "secret"}},
		} {
			if diff := cmp.Diff(tc.want, slugs(tc.tok)); diff != "" {
				t.Errorf("%s: GET /api/v1/programs (-want +got):\n%s", who, diff)
			}
		}

		// The team and admins see the draft and everything under it.
		for who, tok := range map[string]string{"viewer": viewerTok, "owner": ownerTok, "admin": adminTok} {
			for _, sub := range []string{"", "/assets", "/rewards", "/updates", "/activity", "/members"} {
				p.do("GET", secret+sub, tok, nil, http.StatusOK, nil)
			}
			var got papiProgram
			r := p.do("GET", secret, tok, nil, http.StatusOK, &got)
			if len(got.Assets) != 1 || got.Status != "draft" {
				t.Errorf("%s: the draft as its team sees it: %+v", who, got)
			}
			if !papiKeys(t, r.Body)["needs_info_days"] {
				t.Errorf("%s: no needs_info_days in the draft's JSON", who)
			}
		}
		var got papiProgram
		p.do("GET", secret, viewerTok, nil, http.StatusOK, &got)
		if got.Role != "viewer" {
			t.Errorf("the viewer's role %q", got.Role)
		}
		// A viewer sees but does not change.
		p.problem("PATCH", secret, viewerTok, map[string]any{"name": "Mine"}, http.StatusForbidden)
		p.problem("POST", secret+"/assets", viewerTok, map[string]any{"name": "x"}, http.StatusForbidden)
	})
}

// TestAPIProgramTeam checks the team rules through the API: members see
// the team, owners invite, change roles and remove; a removal holds from
// the next request; nobody grants more than they hold; the last owner
// stays.
func TestAPIProgramTeam(t *testing.T) {
	t.Parallel()
	apptest.Run(t, func(t *testing.T, e *apptest.Env) {
		p := newPapiClient(t, e)
		owner := e.CreateUser(t, "owner@example.com", "owner password 1", false)
		triager := e.CreateUser(t, "triager@example.com", "triager password 1", false)
		viewer := e.CreateUser(t, "viewer@example.com", "viewer password 1", false)
		researcher := e.CreateUser(t, "researcher@example.com", "researcher password 1", false)
		ownerTok, triagerTok := e.Token(t, owner), e.Token(t, triager)
		viewerTok, researcherTok := e.Token(t, viewer), e.Token(t, researcher)
		prog := papiProgramWithTeam(t, e, "jupyter", haven.StatusPublished, map[*haven.User]haven.Role{
			owner: haven.RoleOwner, triager: haven.RoleTriager, viewer: haven.RoleViewer})
		members := prog + "/members"
		member := func(u *haven.User) string { return fmt.Sprintf("%s/%d", members, u.ID) }
		roles := func(team papiTeam) map[string]string {
			out := map[string]string{}
			for _, m := range team.Members {
				out[m.Email] = m.Role
			}
			return out
		}

		// Who sees the team.
		p.problem("GET", members, "", nil, http.StatusUnauthorized)
		p.problem("GET", members, researcherTok, nil, http.StatusForbidden)
		var team papiTeam
		p.do("GET", members, viewerTok, nil, http.StatusOK, &team)
		want := map[string]string{"owner@example.com": "owner", "triager@example.com": "triager", "viewer@example.com": "viewer"}
		if diff := cmp.Diff(want, roles(team)); diff != "" {
			t.Errorf("the team as the viewer sees it (-want +got):\n%s", diff)
		}

		// Owners invite; nobody else does, whatever the role.
		for who, tok := range map[string]string{"triager": triagerTok, "viewer": viewerTok, "researcher": researcherTok} {
			for _, role := range []string{"viewer", "owner"} {
				p.problem("POST", members, tok, map[string]any{"email": who + "-friend@example.com", "role": role}, http.StatusForbidden)
			}
		}
		r := p.do("POST", members, ownerTok, map[string]any{"email": "new@example.com", "role": "triager"}, http.StatusAccepted, nil)
		if !strings.Contains(r.Body, `"invited"`) {
			t.Errorf("invite: %s", r.Body)
		}
		p.invalid("POST", members, ownerTok, map[string]any{"email": "viewer@example.com", "role": "owner"}, "email")
		link := apptest.LinkIn(t, e.LastMail(t, "new@example.com"), "/invitations/")
		p.do("GET", members, ownerTok, nil, http.StatusOK, &team)
		if len(team.Invitations) != 1 || team.Invitations[0].Email != "new@example.com" || team.Invitations[0].Role != "triager" {
			t.Errorf("the owner's view of invitations: %+v", team.Invitations)
		}
		p.do("GET", members, viewerTok, nil, http.StatusOK, &team)
		if len(team.Invitations) != 0 {
			t.Errorf("a viewer sees invitations: %+v", team.Invitations)
		}
		newcomer := e.CreateUser(t, "new@example.com", "newcomer password 1", false)
		browser := e.Client(t)
		browser.LogIn("new@example.com", "newcomer password 1")
		if r := browser.Post(link, nil); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("accept the invitation: %d\n%s", r.StatusCode, r.Body)
		}
		newTok := e.Token(t, newcomer)
		p.do("GET", members, newTok, nil, http.StatusOK, &team)
		if roles(team)["new@example.com"] != "triager" {
			t.Errorf("after accepting: %v", roles(team))
		}

		// Roles: only owners change them; a triager cannot promote
		// anyone, themselves included.
		p.problem("PATCH", member(triager), triagerTok, map[string]any{"role": "owner"}, http.StatusForbidden)
		p.problem("PATCH", member(viewer), triagerTok, map[string]any{"role": "triager"}, http.StatusForbidden)
		p.problem("PATCH", member(triager), viewerTok, map[string]any{"role": "owner"}, http.StatusForbidden)
		p.invalid("PATCH", member(viewer), ownerTok, map[string]any{"role": "admin"}, "role")
		p.problem("PATCH", member(researcher), ownerTok, map[string]any{"role": "viewer"}, http.StatusNotFound)
		p.do("PATCH", member(viewer), ownerTok, map[string]any{"role": "triager"}, http.StatusOK, &team)
		if roles(team)["viewer@example.com"] != "triager" {
			t.Errorf("after PATCH role: %v", roles(team))
		}

		// The last owner can neither step down nor leave.
		for _, tc := range []struct {
			method string
			body   any
		}{{"PATCH", map[string]any{"role": "triager"}}, {"DELETE", nil}} {
			pr := p.problem(tc.method, member(owner), ownerTok, tc.body, http.StatusUnprocessableEntity)
			if d, _ := pr["detail"].(string); !strings.Contains(d, "owner") {
				t.Errorf("%s the last owner: detail %q does not explain", tc.method, d)
			}
		}
		// Once there is another owner, they can.
		p.do("PATCH", member(triager), ownerTok, map[string]any{"role": "owner"}, http.StatusOK, &team)
		if roles(team)["triager@example.com"] != "owner" {
			t.Fatalf("an owner makes another owner: %v", roles(team))
		}
		p.do("PATCH", prog, triagerTok, map[string]any{"name": "Project Jupyter"}, http.StatusOK, nil)
		p.do("PATCH", member(owner), ownerTok, map[string]any{"role": "viewer"}, http.StatusOK, &team)
		p.problem("PATCH", member(owner), ownerTok, map[string]any{"role": "owner"}, http.StatusForbidden)
		p.problem("DELETE", member(triager), triagerTok, nil, http.StatusUnprocessableEntity)

		// A removal holds from the member's next request.
		p.do("GET", members, newTok, nil, http.StatusOK, nil)
		p.do("DELETE", member(newcomer), triagerTok, nil, http.StatusNoContent, nil)
		p.problem("GET", members, newTok, nil, http.StatusForbidden)
		p.problem("DELETE", member(newcomer), triagerTok, nil, http.StatusNotFound)
		// Members may leave on their own.
		p.do("DELETE", member(viewer), viewerTok, nil, http.StatusNoContent, nil)
		p.problem("GET", members, viewerTok, nil, http.StatusForbidden)
		p.do("GET", members, triagerTok, nil, http.StatusOK, &team)
		want = map[string]string{"owner@example.com": "viewer", "triager@example.com": "owner"}
		if diff := cmp.Diff(want, roles(team)); diff != "" {
			t.Errorf("the team at the end (-want +got):\n%s", diff)
		}
	})
}

// TestAPIRemovedMemberLosesDraft checks that a member removed from a draft
// program's team no longer sees the draft at all on the next request.
func TestAPIRemovedMemberLosesDraft(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	p := newPapiClient(t, e)
	owner := e.CreateUser(t, "owner@example.com", "owner password 1", false)
	triager := e.CreateUser(t, "triager@example.com", "triager password 1", false)
	ownerTok, triagerTok := e.Token(t, owner), e.Token(t, triager)
	prog := papiProgramWithTeam(t, e, "secret", haven.StatusDraft,
		map[*haven.User]haven.Role{owner: haven.RoleOwner, triager: haven.RoleTriager})
	p.do("GET", prog+"/members", triagerTok, nil, http.StatusOK, nil)
	p.do("DELETE", fmt.Sprintf("%s/members/%d", prog, triager.ID), ownerTok, nil, http.StatusNoContent, nil)
	for _, sub := range []string{"", "/members", "/assets"} {
		p.problem("GET", prog+sub, triagerTok, nil, http.StatusNotFound)
	}
}

// TestOpenAPISecurityMatchesAccess checks that the document says which
// operations anyone may call: those on public routes allow no credentials
// (an empty security requirement); no other operation does.
func TestOpenAPISecurityMatchesAccess(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	p := newPapiClient(t, e)
	for _, rt := range e.Web.Routes() {
		if !rt.API {
			continue
		}
		method, path, _ := strings.Cut(rt.Pattern, " ")
		tmpl, op := p.operation(method, path)
		if op == nil {
			continue // TestOpenAPIMatchesRoutes reports it
		}
		sec, declared := op["security"].([]any)
		if !declared {
			sec, _ = p.doc["security"].([]any)
		}
		anonymous := len(sec) == 0
		for _, req := range sec {
			if m, _ := req.(map[string]any); len(m) == 0 {
				anonymous = true
			}
		}
		if anonymous != rt.Public {
			t.Errorf("%s %s: the document allows anonymous calls: %t; the route is public: %t", method, tmpl, anonymous, rt.Public)
		}
	}
}
