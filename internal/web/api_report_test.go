package web_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/haven-project/haven/internal/apptest"
	"github.com/haven-project/haven/internal/haven"
)

// The report API as clients see it. rapiReport has every field the API
// may send, so that a test can say which ones an answer must not have;
// the papiClient checks each answer against openapi.json as well.
type (
	rapiEvent struct {
		Kind     string    `json:"kind"`
		From     string    `json:"from"`
		To       string    `json:"to"`
		Reason   string    `json:"reason"`
		Actor    string    `json:"actor"`
		At       time.Time `json:"at"`
		Internal bool      `json:"internal"`
	}
	rapiComment struct {
		ID        int64     `json:"id"`
		Author    string    `json:"author"`
		Body      string    `json:"body"`
		Internal  bool      `json:"internal"`
		CreatedAt time.Time `json:"created_at"`
	}
	rapiRef struct {
		ID          string    `json:"id"`
		State       string    `json:"state"`
		SubmittedAt time.Time `json:"submitted_at"`
	}
	rapiReport struct {
		ID          string   `json:"id"`
		URL         string   `json:"url"`
		Program     string   `json:"program"`
		AssetID     int64    `json:"asset_id"`
		Asset       string   `json:"asset"`
		Title       string   `json:"title"`
		Weakness    string   `json:"weakness"`
		CVSSVector  string   `json:"cvss_vector"`
		CVSSScore   *float64 `json:"cvss_score"`
		Severity    string   `json:"severity"`
		Description string   `json:"description"`
		Steps       string   `json:"steps_to_reproduce"`
		Impact      string   `json:"impact"`
		State       string   `json:"state"`
		OutOfScope  int64    `json:"out_of_scope_id"`
		Policy      int      `json:"policy_version"`
		// Times as sent, to check the exact RFC 3339 text.
		SubmittedAt        string        `json:"submitted_at"`
		UpdatedAt          string        `json:"updated_at"`
		ValidationDeadline *string       `json:"validation_deadline"`
		DuplicateOf        *rapiRef      `json:"duplicate_of"`
		Duplicates         int           `json:"duplicates"`
		History            []rapiEvent   `json:"history"`
		Comments           []rapiComment `json:"comments"`
		Reporter           string        `json:"reporter"`
		AssigneeID         int64         `json:"assignee_id"`
	}
	rapiList struct {
		Reports []struct {
			ID                 string   `json:"id"`
			URL                string   `json:"url"`
			Title              string   `json:"title"`
			State              string   `json:"state"`
			Severity           string   `json:"severity"`
			CVSSScore          *float64 `json:"cvss_score"`
			SubmittedAt        string   `json:"submitted_at"`
			ValidationDeadline *string  `json:"validation_deadline"`
		} `json:"reports"`
		Total  int `json:"total"`
		Limit  int `json:"limit"`
		Offset int `json:"offset"`
	}
)

const (
	rprog = "/api/v1/programs/jupyter"
	// v98 is CVSS 3.1 9.8: "Exceptional" in Jupyter's bands.
	v98 = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"
	// v40 is CVSS 4.0 9.3: "Critical" in Jupyter's bands.
	v40 = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"
	// v75 is CVSS 3.1 7.5: "High".
	v75 = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N"
)

// publicIDPattern is what a report's public id looks like: 80 random
// bits in lower-case base32.
var publicIDPattern = regexp.MustCompile(`^[a-z2-7]{16}$`)

// rfix is a Haven with a published program "jupyter" (an owner, a
// triager and a viewer; an asset in scope, one out of scope and three
// out-of-scope classes), a second published program "other" with its own
// owner and asset, and two researchers.
type rfix struct {
	t *testing.T
	e *apptest.Env
	p *papiClient

	owner, triager, viewer, alice, bob, outsider                   *haven.User
	ownerTok, triagerTok, viewerTok, aliceTok, bobTok, outsiderTok string

	server, docs, otherAsset papiAsset
	oos                      []papiOutOfScope
	otherOOS                 papiOutOfScope
	submits                  int
}

func newRFix(t *testing.T, e *apptest.Env) *rfix {
	t.Helper()
	f := &rfix{t: t, e: e, p: newPapiClient(t, e)}
	f.owner = e.CreateUser(t, "owner@example.com", "owner password 1", false)
	f.triager = e.CreateUser(t, "triager@example.com", "triager password 1", false)
	f.viewer = e.CreateUser(t, "viewer@example.com", "viewer password 1", false)
	f.alice = e.CreateUser(t, "alice@example.com", "alice password 1", false)
	f.bob = e.CreateUser(t, "bob@example.com", "bob password 1", false)
	f.outsider = e.CreateUser(t, "outsider@example.com", "outsider password 1", false)
	f.ownerTok, f.triagerTok, f.viewerTok = e.Token(t, f.owner), e.Token(t, f.triager), e.Token(t, f.viewer)
	f.aliceTok, f.bobTok, f.outsiderTok = e.Token(t, f.alice), e.Token(t, f.bob), e.Token(t, f.outsider)
	papiProgramWithTeam(t, e, "jupyter", haven.StatusPublished, map[*haven.User]haven.Role{
		f.owner: haven.RoleOwner, f.triager: haven.RoleTriager, f.viewer: haven.RoleViewer})
	other := papiProgramWithTeam(t, e, "other", haven.StatusPublished, map[*haven.User]haven.Role{f.outsider: haven.RoleOwner})
	f.p.do("POST", rprog+"/assets", f.ownerTok, map[string]any{"name": "jupyter_server", "type": "package",
		"identifier": "pypi:jupyter_server"}, http.StatusCreated, &f.server)
	f.p.do("POST", rprog+"/assets", f.ownerTok, map[string]any{"name": "docs.jupyter.test", "type": "web",
		"in_scope": false}, http.StatusCreated, &f.docs)
	f.p.do("POST", other+"/assets", f.outsiderTok, map[string]any{"name": "other_app"}, http.StatusCreated, &f.otherAsset)
	var prog papiProgram
	f.p.do("PUT", rprog+"/out-of-scope", f.ownerTok, map[string]any{"out_of_scope": []map[string]any{
		{"text": "Self-XSS"}, {"text": "Missing security headers"}, {"text": "Denial of service"}}}, http.StatusOK, &prog)
	f.oos = prog.OutOfScope
	f.p.do("PUT", other+"/out-of-scope", f.outsiderTok, map[string]any{"out_of_scope": []map[string]any{
		{"text": "Clickjacking"}}}, http.StatusOK, &prog)
	f.otherOOS = prog.OutOfScope[0]
	if len(f.oos) != 3 || f.server.ID == 0 || f.docs.ID == 0 || f.otherAsset.ID == 0 {
		t.Fatalf("fixture: %+v %+v %+v %+v", f.oos, f.server, f.docs, f.otherAsset)
	}
	return f
}

// body is a valid submission to jupyter with title; mods change it.
func (f *rfix) body(title string, mods ...func(map[string]any)) map[string]any {
	b := map[string]any{
		"asset_id": f.server.ID, "title": title, "weakness": "CWE-79", "cvss_vector": v98,
		"description":        "The notebook renders " + title + " unescaped.",
		"steps_to_reproduce": "1. Open the notebook.\n2. Watch.",
		"impact":             "Code execution in the victim's kernel.",
		"accept_rules":       true,
	}
	for _, m := range mods {
		m(b)
	}
	return b
}

// submit files a report as tok and returns it as the reporter sees it.
// Every 15 submissions the clock moves an hour on, past the hourly
// submission limit.
func (f *rfix) submit(tok string, body map[string]any) rapiReport {
	f.t.Helper()
	f.submits++
	if f.submits%15 == 0 {
		f.e.Clock.Advance(time.Hour)
	}
	var r rapiReport
	f.p.do("POST", rprog+"/reports", tok, body, http.StatusCreated, &r)
	if r.ID == "" {
		f.t.Fatalf("submit %v: no report", body)
	}
	return r
}

// get reads a report as tok.
func (f *rfix) get(tok, id string) (rapiReport, string) {
	f.t.Helper()
	var r rapiReport
	resp := f.p.do("GET", "/api/v1/reports/"+id, tok, nil, http.StatusOK, &r)
	return r, resp.Body
}

// move changes a report's state as tok and returns it as tok sees it.
func (f *rfix) move(tok, id string, body map[string]any) rapiReport {
	f.t.Helper()
	var r rapiReport
	f.p.do("POST", "/api/v1/reports/"+id+"/transitions", tok, body, http.StatusOK, &r)
	return r
}

// keyed sends a submission with an Idempotency-Key header and checks the
// answer against the document.
func (f *rfix) keyed(c *apptest.Client, tok, key string, body any) *apptest.Response {
	j, err := json.Marshal(body)
	if err != nil {
		f.t.Error(err)
		return nil
	}
	req, _ := http.NewRequest("POST", f.e.URL(rprog+"/reports"), bytes.NewReader(j))
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Type", "application/json")
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	return c.Do(req)
}

// count returns how many reports the jupyter team sees.
func (f *rfix) count() int {
	f.t.Helper()
	var l rapiList
	f.p.do("GET", "/api/v1/reports?program=jupyter", f.ownerTok, nil, http.StatusOK, &l)
	return l.Total
}

// warmClient returns a client with its own connection to the server,
// already open, so that requests sent from several such clients at once
// reach the server at once rather than one connection set-up apart.
func warmClient(t *testing.T, e *apptest.Env) *apptest.Client {
	t.Helper()
	c := e.Client(t)
	c.Transport = &http.Transport{MaxIdleConnsPerHost: 1}
	t.Cleanup(c.CloseIdleConnections)
	if r := c.Get("/healthz"); r.StatusCode != http.StatusOK {
		t.Fatalf("GET /healthz: %d", r.StatusCode)
	}
	return c
}

// deref shows an optional time in a message.
func deref(s *string) string {
	if s == nil {
		return "null"
	}
	return *s
}

// missingID returns a well-formed public id that names no report.
func missingID() string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz234567"
	b := make([]byte, 16)
	rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

// sameAsMissing checks that a request on an existing report answers
// exactly as the same request on a report that does not exist: status,
// headers and body byte for byte, but for the request id.
func (f *rfix) sameAsMissing(name, method, id, sub, tok string, body any, status int) {
	f.t.Helper()
	got := f.p.send(method, "/api/v1/reports/"+id+sub, tok, body)
	want := f.p.send(method, "/api/v1/reports/"+missingID()+sub, tok, body)
	problemOf(f.t, name, got, status)
	problemOf(f.t, name+" (missing id)", want, status)
	for _, h := range []string{"Content-Type", "Content-Length", "Cache-Control", "WWW-Authenticate", "Vary", "Set-Cookie"} {
		if g, w := strings.Join(got.Header.Values(h), "\n"), strings.Join(want.Header.Values(h), "\n"); g != w {
			f.t.Errorf("%s: header %s %q, missing id %q", name, h, g, w)
		}
	}
	gb := withoutRequestID(got.Body, got.Header.Get("X-Request-Id"))
	wb := withoutRequestID(want.Body, want.Header.Get("X-Request-Id"))
	if gb != wb {
		f.t.Errorf("%s: body differs from a missing id's\n--- existing:\n%s\n--- missing:\n%s", name, gb, wb)
	}
}

// TestAPIReportSubmitValidation checks that every bad submission is
// refused with a 422 naming the field as the API spells it, that only
// signed-in accounts submit, only to published programs, and that no
// refused submission makes a report.
func TestAPIReportSubmitValidation(t *testing.T) {
	t.Parallel()
	apptest.Run(t, func(t *testing.T, e *apptest.Env) {
		f := newRFix(t, e)
		set := func(k string, v any) func(map[string]any) { return func(b map[string]any) { b[k] = v } }
		drop := func(k string) func(map[string]any) { return func(b map[string]any) { delete(b, k) } }
		var prog papiProgram
		f.p.do("GET", rprog, f.aliceTok, nil, http.StatusOK, &prog)

		for _, tc := range []struct {
			name  string
			body  map[string]any
			field string
			says  string // the message contains this
		}{
			{"asset out of scope", f.body("x", set("asset_id", f.docs.ID)), "asset_id", "docs.jupyter.test is out of scope"},
			{"unknown asset", f.body("x", set("asset_id", 999999)), "asset_id", "program's assets"},
			{"no asset", f.body("x", drop("asset_id")), "asset_id", "program's assets"},
			{"asset of another program", f.body("x", set("asset_id", f.otherAsset.ID)), "asset_id", "program's assets"},
			{"CWE not in the list", f.body("x", set("weakness", "CWE-999999")), "weakness", "CWE-999999"},
			{"weakness that is no CWE id", f.body("x", set("weakness", "XSS")), "weakness", "XSS"},
			{"bad CVSS metric value", f.body("x", set("cvss_vector", "CVSS:3.1/AV:Q/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H")),
				"cvss_vector", "AV"},
			{"CVSS metric missing", f.body("x", set("cvss_vector", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H")), "cvss_vector", "A:"},
			{"CVSS 2 vector", f.body("x", set("cvss_vector", "AV:N/AC:L/Au:N/C:P/I:P/A:P")), "cvss_vector", "CVSS 2"},
			{"missing title", f.body("", drop("title")), "title", "title"},
			{"blank title", f.body("   "), "title", "title"},
			{"title of two lines", f.body("XSS\nin the notebook"), "title", "one line"},
			{"title too long", f.body(strings.Repeat("x", 201)), "title", "200"},
			{"missing description", f.body("x", drop("description")), "description", "Describe"},
			{"blank description", f.body("x", set("description", " \n ")), "description", "Describe"},
			{"rules not accepted", f.body("x", set("accept_rules", false)), "accept_rules", "rules of engagement"},
			{"rules left out", f.body("x", drop("accept_rules")), "accept_rules", "rules of engagement"},
			{"stale policy version", f.body("x", set("policy_version", prog.PolicyVersion-1)), "accept_rules",
				fmt.Sprintf("version %d", prog.PolicyVersion)},
		} {
			msg := f.p.invalid("POST", rprog+"/reports", f.aliceTok, tc.body, tc.field)
			if !strings.Contains(msg, tc.says) {
				t.Errorf("%s: message %q does not mention %q", tc.name, msg, tc.says)
			}
		}
		// Every bad field at once: each is named.
		pr := f.p.problem("POST", rprog+"/reports", f.aliceTok, map[string]any{"asset_id": f.docs.ID, "weakness": "XSS",
			"cvss_vector": "CVSS:3.1/AV:Q", "title": "", "description": "", "accept_rules": false}, http.StatusUnprocessableEntity)
		errs, _ := pr["errors"].(map[string]any)
		var fields []string
		for k := range errs {
			fields = append(fields, k)
		}
		slices.Sort(fields)
		if want := []string{"accept_rules", "asset_id", "cvss_vector", "description", "title", "weakness"}; !slices.Equal(fields, want) {
			t.Errorf("every field wrong: errors for %v, want %v", fields, want)
		}
		// The current policy version is accepted as well as none.
		f.submit(f.aliceTok, f.body("Stored XSS", set("policy_version", prog.PolicyVersion)))

		// Researchers write no field the team owns (ASVS 8.2.3): the
		// body is refused whole.
		for _, k := range []string{"state", "severity", "cvss_score", "program_id", "reporter_id", "bounty", "validation_deadline"} {
			pr := f.p.problem("POST", rprog+"/reports", f.aliceTok, f.body("x", set(k, "1")), http.StatusBadRequest)
			if d, _ := pr["detail"].(string); !strings.Contains(d, `unknown field "`+k+`"`) {
				t.Errorf("a body with %q: detail %q", k, d)
			}
		}
		for _, tc := range []struct{ name, body, says string }{
			{"malformed JSON", `{"title": "x",}`, "not valid JSON"},
			{"empty body", ``, "empty"},
			{"two objects", `{"title": "x"} {"title": "y"}`, "one JSON object"},
			{"asset id as a string", `{"asset_id": "1"}`, `"asset_id" must be a whole number`},
			{"accept_rules as a string", `{"accept_rules": "yes"}`, `"accept_rules" must be true or false`},
		} {
			pr := f.p.problem("POST", rprog+"/reports", f.aliceTok, tc.body, http.StatusBadRequest)
			if d, _ := pr["detail"].(string); !strings.Contains(d, tc.says) {
				t.Errorf("%s: detail %q does not contain %q", tc.name, d, tc.says)
			}
		}

		// Only signed-in accounts submit.
		f.p.problem("POST", rprog+"/reports", "", f.body("x"), http.StatusUnauthorized)
		f.p.problem("POST", rprog+"/reports", "hvn_notatoken", f.body("x"), http.StatusUnauthorized)

		// Only to published programs: a draft is an unknown slug to a
		// researcher; suspended and closed programs say they take no
		// reports.
		papiProgramWithTeam(t, e, "secret", haven.StatusDraft, map[*haven.User]haven.Role{f.owner: haven.RoleOwner})
		got := f.p.send("POST", "/api/v1/programs/secret/reports", f.aliceTok, f.body("x"))
		want := f.p.send("POST", "/api/v1/programs/nope/reports", f.aliceTok, f.body("x"))
		g, w := problemOf(t, "draft", got, http.StatusNotFound), problemOf(t, "unknown slug", want, http.StatusNotFound)
		if diff := cmp.Diff(papiStable(w), papiStable(g)); diff != "" {
			t.Errorf("submit to a draft differs from an unknown slug (-unknown +draft):\n%s", diff)
		}
		// Its own team cannot report to it either.
		f.p.problem("POST", "/api/v1/programs/secret/reports", f.ownerTok, f.body("x"), http.StatusUnprocessableEntity)
		for _, status := range []string{"suspended", "closed"} {
			f.p.do("PATCH", rprog, f.ownerTok, map[string]any{"status": status}, http.StatusOK, nil)
			pr := f.p.problem("POST", rprog+"/reports", f.aliceTok, f.body("x"), http.StatusUnprocessableEntity)
			if d, _ := pr["detail"].(string); !strings.Contains(d, "does not accept reports") {
				t.Errorf("%s program: detail %q", status, d)
			}
			f.p.do("PATCH", rprog, f.ownerTok, map[string]any{"status": "published"}, http.StatusOK, nil)
		}

		// Of all this, one report was made.
		if n := f.count(); n != 1 {
			t.Errorf("refused submissions made reports: %d reports, want 1", n)
		}
	})
}

// TestAPIReportCreated checks the created report: 201, Location, an
// unguessable id, every field, the score and severity by the program's
// bands, the validation deadline on the program's calendar, and the
// history.
func TestAPIReportCreated(t *testing.T) {
	t.Parallel()
	apptest.Run(t, func(t *testing.T, e *apptest.Env) {
		f := newRFix(t, e)
		// Jupyter's calendar: Paris, with a holiday on Wednesday 25
		// November 2026.
		var prog papiProgram
		f.p.do("PATCH", rprog, f.ownerTok, map[string]any{"calendar": map[string]any{"time_zone": "Europe/Paris",
			"weekend": []string{"saturday", "sunday"}, "holidays": []string{"2026-11-25"}}}, http.StatusOK, &prog)
		paris, err := time.LoadLocation("Europe/Paris")
		if err != nil {
			t.Fatal(err)
		}
		now := e.Clock.Now() // Monday 23 November 2026, 09:00 UTC: 10:00 in Paris
		if want := time.Date(2026, 11, 23, 10, 0, 0, 0, paris); !now.Equal(want) {
			t.Fatalf("the test clock starts at %v; this test assumes %v", now, want)
		}

		body := f.body("Stored XSS in notebook titles")
		var got rapiReport
		r := f.p.do("POST", rprog+"/reports", f.aliceTok, body, http.StatusCreated, &got)
		if !publicIDPattern.MatchString(got.ID) {
			t.Errorf("public id %q is not 16 base32 characters", got.ID)
		}
		if loc := r.Header.Get("Location"); loc != "/api/v1/reports/"+got.ID {
			t.Errorf("Location %q, want /api/v1/reports/%s", loc, got.ID)
		}
		if r.Header.Get("Idempotent-Replayed") != "" {
			t.Error("a first submission says Idempotent-Replayed")
		}
		// 9.8 is Exceptional (5 working days): Tue 24, (Wed 25 is a
		// holiday), Thu 26, Fri 27, (weekend), Mon 30, Tue 1 December, at
		// the submission's local time.
		deadline := time.Date(2026, 12, 1, 10, 0, 0, 0, paris).UTC().Format(time.RFC3339)
		score := 9.8
		want := rapiReport{
			ID: got.ID, URL: e.URL("/reports/" + got.ID), Program: "jupyter", AssetID: f.server.ID, Asset: "jupyter_server",
			Title: "Stored XSS in notebook titles", Weakness: "CWE-79", CVSSVector: v98, CVSSScore: &score,
			Severity: "Exceptional", Description: body["description"].(string), Steps: body["steps_to_reproduce"].(string),
			Impact: body["impact"].(string), State: "new", Policy: prog.PolicyVersion,
			SubmittedAt: "2026-11-23T09:00:00Z", UpdatedAt: "2026-11-23T09:00:00Z", ValidationDeadline: &deadline,
			History:  []rapiEvent{{Kind: "submitted", To: "new", Actor: "alice@example.com", At: now}},
			Comments: []rapiComment{},
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("created report (-want +got):\n%s", diff)
		}
		// The report reads back the same, to its reporter.
		again, _ := f.get(f.aliceTok, got.ID)
		if diff := cmp.Diff(want, again); diff != "" {
			t.Errorf("GET of the new report (-want +got):\n%s", diff)
		}
		// Another report gets another id.
		other := f.submit(f.aliceTok, f.body("Reflected XSS", func(b map[string]any) { b["cvss_vector"] = v40 }))
		if other.ID == got.ID || !publicIDPattern.MatchString(other.ID) {
			t.Errorf("second id %q (first %q)", other.ID, got.ID)
		}
		// A 4.0 vector is scored on the server: 9.3 is Critical here (10
		// working days: Tue 8 December).
		if other.CVSSScore == nil || *other.CVSSScore != 9.3 || other.Severity != "Critical" || other.CVSSVector != v40 {
			t.Errorf("4.0 vector: score %v severity %q vector %q, want 9.3 Critical", other.CVSSScore, other.Severity, other.CVSSVector)
		}
		if want := time.Date(2026, 12, 8, 10, 0, 0, 0, paris).UTC().Format(time.RFC3339); other.ValidationDeadline == nil ||
			*other.ValidationDeadline != want {
			t.Errorf("4.0 report's deadline %s, want %s", deref(other.ValidationDeadline), want)
		}
		// Without a vector: no score, no severity, no deadline.
		bare := f.submit(f.aliceTok, f.body("Something odd", func(b map[string]any) { delete(b, "cvss_vector"); delete(b, "weakness") }))
		if bare.CVSSScore != nil || bare.Severity != "" || bare.ValidationDeadline != nil || bare.Weakness != "" {
			t.Errorf("report without a vector: score %v severity %q deadline %s weakness %q", bare.CVSSScore, bare.Severity,
				deref(bare.ValidationDeadline), bare.Weakness)
		}
		// A weakness is stored as its CWE id, however it was written.
		lower := f.submit(f.aliceTok, f.body("Lower-case CWE", func(b map[string]any) { b["weakness"] = "cwe-352" }))
		if lower.Weakness != "CWE-352" {
			t.Errorf("weakness cwe-352 stored as %q", lower.Weakness)
		}

		// The time zone decides the day: Friday 27 November 23:30 UTC is
		// already Saturday in Paris, so the clock starts on Monday 30 at
		// 00:00 there, and five working days later is Monday 7 December,
		// 00:00 in Paris (Sunday 6, 23:00 UTC).
		e.Clock.Advance(time.Date(2026, 11, 27, 23, 30, 0, 0, time.UTC).Sub(e.Clock.Now()))
		late := f.submit(f.aliceTok, f.body("Friday night XSS"))
		if want := "2026-12-06T23:00:00Z"; late.ValidationDeadline == nil || *late.ValidationDeadline != want {
			t.Errorf("submitted Friday 23:30 UTC: deadline %s, want %s", deref(late.ValidationDeadline), want)
		}
		if late.SubmittedAt != "2026-11-27T23:30:00Z" {
			t.Errorf("submitted_at %q", late.SubmittedAt)
		}
	})
}

// TestAPIReportIdempotency checks the Idempotency-Key of submissions
// (R5): a replay returns the same report, another body with the key is
// refused, parallel requests with one key make one report, and keys are
// per account.
func TestAPIReportIdempotency(t *testing.T) {
	t.Parallel()
	apptest.Run(t, func(t *testing.T, e *apptest.Env) {
		f := newRFix(t, e)
		c := e.Client(t)
		body := f.body("Idempotent XSS")
		const path = "POST " + rprog + "/reports"

		first := f.keyed(c, f.aliceTok, "key-1", body)
		if first.StatusCode != http.StatusCreated || first.Header.Get("Idempotent-Replayed") != "" {
			t.Fatalf("first request: %d replayed %q\n%s", first.StatusCode, first.Header.Get("Idempotent-Replayed"), first.Body)
		}
		f.p.conforms(path, "POST", rprog+"/reports", first)
		var created rapiReport
		json.Unmarshal([]byte(first.Body), &created)
		n := f.count()

		// The same key and body: the same report, said to be a replay.
		for range 3 {
			again := f.keyed(c, f.aliceTok, "key-1", body)
			f.p.conforms(path, "POST", rprog+"/reports", again)
			var replayed rapiReport
			json.Unmarshal([]byte(again.Body), &replayed)
			if again.StatusCode != http.StatusCreated || again.Header.Get("Idempotent-Replayed") != "true" {
				t.Errorf("replay: %d Idempotent-Replayed %q", again.StatusCode, again.Header.Get("Idempotent-Replayed"))
			}
			if again.Header.Get("Location") != first.Header.Get("Location") {
				t.Errorf("replay: Location %q, first %q", again.Header.Get("Location"), first.Header.Get("Location"))
			}
			if diff := cmp.Diff(created, replayed); diff != "" {
				t.Errorf("replay differs from the first answer (-first +replay):\n%s", diff)
			}
		}
		// The same key with another body is refused, and makes nothing.
		other := f.keyed(c, f.aliceTok, "key-1", f.body("Another XSS"))
		pr := problemOf(t, "same key, other body", other, http.StatusUnprocessableEntity)
		f.p.conforms(path, "POST", rprog+"/reports", other)
		if d, _ := pr["detail"].(string); !strings.Contains(d, "Idempotency-Key") {
			t.Errorf("same key, other body: detail %q", d)
		}
		if got := f.count(); got != n {
			t.Errorf("replays and a refused body changed the count: %d, want %d", got, n)
		}
		// A key too long is refused.
		long := f.keyed(c, f.aliceTok, strings.Repeat("k", 201), body)
		problemOf(t, "a 201-character key", long, http.StatusUnprocessableEntity)

		// A key whose request was refused is free again: the corrected
		// body makes the report.
		bad := f.keyed(c, f.aliceTok, "key-2", f.body(""))
		problemOf(t, "invalid body with a key", bad, http.StatusUnprocessableEntity)
		good := f.keyed(c, f.aliceTok, "key-2", f.body("Corrected XSS"))
		if good.StatusCode != http.StatusCreated || good.Header.Get("Idempotent-Replayed") != "" {
			t.Errorf("corrected body after a refusal: %d replayed %q\n%s", good.StatusCode, good.Header.Get("Idempotent-Replayed"), good.Body)
		}
		n++

		// Another account's same key is its own.
		bobs := f.keyed(c, f.bobTok, "key-1", body)
		var bobReport rapiReport
		json.Unmarshal([]byte(bobs.Body), &bobReport)
		if bobs.StatusCode != http.StatusCreated || bobs.Header.Get("Idempotent-Replayed") != "" || bobReport.ID == created.ID {
			t.Errorf("bob's key-1: %d replayed %q id %q (alice's %q)", bobs.StatusCode, bobs.Header.Get("Idempotent-Replayed"),
				bobReport.ID, created.ID)
		}
		n++

		// Twenty requests with one new key at the same time, five times
		// over: one report each time; each answer is that report or a 409.
		const parallel = 20
		clients := make([]*apptest.Client, parallel)
		for i := range clients {
			clients[i] = warmClient(t, e)
		}
		for round := range 5 {
			key := fmt.Sprintf("key-parallel-%d", round)
			parallelBody := f.body(fmt.Sprintf("Parallel XSS %d", round))
			responses := make([]*apptest.Response, parallel)
			var wg sync.WaitGroup
			start := make(chan struct{})
			for i := range parallel {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					responses[i] = f.keyed(clients[i], f.aliceTok, key, parallelBody)
				}()
			}
			close(start)
			wg.Wait()
			ids := map[string]int{}
			conflicts := 0
			for i, r := range responses {
				f.p.conforms(path, "POST", rprog+"/reports", r)
				switch r.StatusCode {
				case http.StatusCreated:
					var rep rapiReport
					json.Unmarshal([]byte(r.Body), &rep)
					ids[rep.ID]++
				case http.StatusConflict:
					conflicts++
				default:
					t.Errorf("round %d: parallel request %d: status %d\n%s", round, i, r.StatusCode, r.Body)
				}
			}
			t.Logf("round %d: %d conflicts, %v", round, conflicts, ids)
			if len(ids) != 1 {
				t.Errorf("round %d: parallel requests with one key made reports %v, want one", round, ids)
			}
			n++
			if got := f.count(); got != n {
				t.Errorf("round %d: after the parallel requests: %d reports, want %d", round, got, n)
			}
			// Once the first has finished, the key replays.
			after := f.keyed(c, f.aliceTok, key, parallelBody)
			var rep rapiReport
			json.Unmarshal([]byte(after.Body), &rep)
			if after.StatusCode != http.StatusCreated || after.Header.Get("Idempotent-Replayed") != "true" || ids[rep.ID] == 0 {
				t.Errorf("round %d: after the parallel requests: %d replayed %q id %q, want a replay of %v", round,
					after.StatusCode, after.Header.Get("Idempotent-Replayed"), rep.ID, ids)
			}
		}
	})
}

// TestAPIReportVisibility checks who sees a report (A1, ASVS 8.2.2): its
// reporter and its program's team; anyone else gets exactly the answer of
// an id that does not exist, on every report operation. Lists are scoped
// the same way, and the reporter never sees an internal field.
func TestAPIReportVisibility(t *testing.T) {
	t.Parallel()
	apptest.Run(t, func(t *testing.T, e *apptest.Env) {
		f := newRFix(t, e)
		var mine []string
		for _, title := range []string{"XSS one", "XSS two", "XSS three"} {
			mine = append(mine, f.submit(f.aliceTok, f.body(title)).ID)
		}
		bobsJupyter := f.submit(f.bobTok, f.body("Bob's XSS")).ID
		var bobsOther rapiReport
		f.p.do("POST", "/api/v1/programs/other/reports", f.bobTok, map[string]any{"asset_id": f.otherAsset.ID,
			"title": "Other XSS", "description": "x", "accept_rules": true}, http.StatusCreated, &bobsOther)
		id := mine[0]

		// Outsiders: another researcher, a member of another program,
		// and anonymous callers (whom the route turns away before the
		// report is looked up).
		for _, who := range []struct{ name, tok string }{{"bob", f.bobTok}, {"other program's owner", f.outsiderTok}} {
			f.sameAsMissing(who.name+": GET", "GET", id, "", who.tok, nil, http.StatusNotFound)
			f.sameAsMissing(who.name+": transition", "POST", id, "/transitions", who.tok, map[string]any{"to": "triaged"}, http.StatusNotFound)
			f.sameAsMissing(who.name+": transition with from", "POST", id, "/transitions", who.tok,
				map[string]any{"from": "triaged", "to": "accepted"}, http.StatusNotFound)
			f.sameAsMissing(who.name+": comment", "POST", id, "/comments", who.tok, map[string]any{"body": "Hi"}, http.StatusNotFound)
			f.sameAsMissing(who.name+": internal comment", "POST", id, "/comments", who.tok,
				map[string]any{"body": "Hi", "internal": true}, http.StatusNotFound)
			f.sameAsMissing(who.name+": rescore", "POST", id, "/cvss", who.tok, map[string]any{"cvss_vector": v75}, http.StatusNotFound)
		}
		f.sameAsMissing("anonymous: GET", "GET", id, "", "", nil, http.StatusUnauthorized)
		f.sameAsMissing("anonymous: transition", "POST", id, "/transitions", "", map[string]any{"to": "triaged"}, http.StatusUnauthorized)
		f.sameAsMissing("anonymous: comment", "POST", id, "/comments", "", map[string]any{"body": "Hi"}, http.StatusUnauthorized)
		// An outsider may not use a report as the original of a
		// duplicate either: the other program's owner cannot name it.
		var outsiders rapiReport
		f.p.do("POST", "/api/v1/programs/other/reports", f.bobTok, map[string]any{"asset_id": f.otherAsset.ID,
			"title": "Other XSS 2", "description": "x", "accept_rules": true}, http.StatusCreated, &outsiders)
		m1 := f.p.invalid("POST", "/api/v1/reports/"+outsiders.ID+"/transitions", f.outsiderTok,
			map[string]any{"to": "duplicate", "duplicate_of": id}, "duplicate_of")
		m2 := f.p.invalid("POST", "/api/v1/reports/"+outsiders.ID+"/transitions", f.outsiderTok,
			map[string]any{"to": "duplicate", "duplicate_of": missingID()}, "duplicate_of")
		if m1 != m2 {
			t.Errorf("another program's report as original says %q, a missing one %q", m1, m2)
		}

		// Lists.
		list := func(tok, query string) (ids []string, l rapiList) {
			t.Helper()
			f.p.do("GET", "/api/v1/reports"+query, tok, nil, http.StatusOK, &l)
			for _, r := range l.Reports {
				ids = append(ids, r.ID)
			}
			slices.Sort(ids)
			return ids, l
		}
		sorted := func(ids ...string) []string { s := slices.Clone(ids); slices.Sort(s); return s }
		for _, tc := range []struct {
			who, tok, query string
			want            []string
		}{
			{"alice", f.aliceTok, "", mine},
			{"alice, jupyter", f.aliceTok, "?program=jupyter", mine},
			{"alice, other", f.aliceTok, "?program=other", nil},
			{"bob", f.bobTok, "", []string{bobsJupyter, bobsOther.ID, outsiders.ID}},
			{"bob, jupyter", f.bobTok, "?program=jupyter", []string{bobsJupyter}},
			{"bob, an unknown program", f.bobTok, "?program=nope", nil},
			{"triager", f.triagerTok, "", append(slices.Clone(mine), bobsJupyter)},
			{"viewer", f.viewerTok, "?program=jupyter", append(slices.Clone(mine), bobsJupyter)},
			{"triager, other", f.triagerTok, "?program=other", nil},
			{"other program's owner", f.outsiderTok, "", []string{bobsOther.ID, outsiders.ID}},
			{"other program's owner, jupyter", f.outsiderTok, "?program=jupyter", nil},
		} {
			ids, l := list(tc.tok, tc.query)
			if diff := cmp.Diff(sorted(tc.want...), ids); diff != "" || l.Total != len(tc.want) {
				t.Errorf("%s: GET /api/v1/reports%s: total %d (-want +got):\n%s", tc.who, tc.query, l.Total, diff)
			}
			if l.Limit != 50 || l.Offset != 0 {
				t.Errorf("%s: limit %d offset %d, want 50 and 0", tc.who, l.Limit, l.Offset)
			}
		}
		f.p.problem("GET", "/api/v1/reports", "", nil, http.StatusUnauthorized)
		// Pages: limit, offset and total; together they list each report
		// once.
		var paged []string
		for offset := 0; offset < 4; offset += 2 {
			_, l := list(f.triagerTok, fmt.Sprintf("?program=jupyter&limit=2&offset=%d", offset))
			if l.Total != 4 || l.Limit != 2 || l.Offset != offset {
				t.Errorf("page at %d: total %d limit %d offset %d", offset, l.Total, l.Limit, l.Offset)
			}
			for _, r := range l.Reports {
				paged = append(paged, r.ID)
			}
		}
		if diff := cmp.Diff(sorted(append(slices.Clone(mine), bobsJupyter)...), sorted(paged...)); diff != "" || len(paged) != 4 {
			t.Errorf("pages (-want +got):\n%s", diff)
		}
		if _, l := list(f.triagerTok, "?program=jupyter&offset=4"); len(l.Reports) != 0 || l.Total != 4 {
			t.Errorf("past the end: %d reports, total %d", len(l.Reports), l.Total)
		}
		// The limit in the answer is the one applied.
		if _, l := list(f.triagerTok, "?limit=1000"); l.Limit != 50 || len(l.Reports) != 4 {
			t.Errorf("?limit=1000: limit %d with %d reports, want 50", l.Limit, len(l.Reports))
		}
		f.p.invalid("GET", "/api/v1/reports?limit=-1", f.triagerTok, nil, "limit")
		f.p.invalid("GET", "/api/v1/reports?offset=x", f.triagerTok, nil, "offset")
		f.p.invalid("GET", "/api/v1/reports?state=bogus", f.triagerTok, nil, "state")
		if ids, _ := list(f.aliceTok, "?state=new&state=triaged"); len(ids) != 3 {
			t.Errorf("?state=new&state=triaged: %v", ids)
		}

		// Internal fields: the team assigns, comments internally and
		// publicly; the reporter sees the public comment and nothing
		// else of it.
		const secret = "Internal: this is the same bug as our ticket SEC-42"
		f.p.do("POST", "/api/v1/reports/"+id+"/comments", f.triagerTok, map[string]any{"body": secret, "internal": true},
			http.StatusCreated, nil)
		var public rapiComment
		f.p.do("POST", "/api/v1/reports/"+id+"/comments", f.triagerTok, map[string]any{"body": "Thanks, we are looking."},
			http.StatusCreated, &public)
		if public.Author != "triager@example.com" || public.Internal || public.ID == 0 {
			t.Errorf("the triager's public comment: %+v", public)
		}
		actor, err := e.App.AuthenticateToken(context.Background(), f.triagerTok, "127.0.0.1", "test")
		if err != nil {
			t.Fatal(err)
		}
		if err := e.App.Assign(context.Background(), actor, id, f.triager.ID); err != nil {
			t.Fatal(err)
		}

		rep, body := f.get(f.aliceTok, id)
		keys := papiKeys(t, body)
		for _, k := range []string{"reporter", "assignee_id"} {
			if keys[k] {
				t.Errorf("the reporter's JSON has %q", k)
			}
		}
		if strings.Contains(body, "SEC-42") || strings.Contains(body, `"internal"`) || strings.Contains(body, `"assign"`) {
			t.Errorf("the reporter's JSON shows internal content:\n%s", body)
		}
		wantComments := []rapiComment{{ID: public.ID, Author: "Program jupyter team", Body: "Thanks, we are looking.", CreatedAt: e.Clock.Now()}}
		if diff := cmp.Diff(wantComments, rep.Comments); diff != "" {
			t.Errorf("the reporter's comments (-want +got):\n%s", diff)
		}
		for _, ev := range rep.History {
			if ev.Kind != "submitted" {
				t.Errorf("the reporter sees event %+v", ev)
			}
		}
		_, listBody := list(f.aliceTok, "")
		if lb, _ := json.Marshal(listBody); strings.Contains(string(lb), "SEC-42") {
			t.Errorf("the reporter's list shows an internal comment")
		}
		// The team sees all of it.
		for _, tok := range []string{f.triagerTok, f.viewerTok, f.ownerTok} {
			team, _ := f.get(tok, id)
			if team.Reporter != "alice@example.com" || team.AssigneeID != f.triager.ID {
				t.Errorf("the team's JSON: reporter %q assignee %d", team.Reporter, team.AssigneeID)
			}
			if len(team.Comments) != 2 || !team.Comments[0].Internal || team.Comments[0].Body != secret || team.Comments[1].Internal {
				t.Errorf("the team's comments: %+v", team.Comments)
			}
			last := team.History[len(team.History)-1]
			if want := (rapiEvent{Kind: "assign", From: "0", To: fmt.Sprint(f.triager.ID), Actor: "triager@example.com",
				At: e.Clock.Now(), Internal: true}); last != want {
				t.Errorf("the team's last event %+v, want %+v", last, want)
			}
		}

		// A member removed from the team loses the program's reports on
		// the next request (ASVS 8.3.2).
		f.p.do("DELETE", fmt.Sprintf("%s/members/%d", rprog, f.viewer.ID), f.ownerTok, nil, http.StatusNoContent, nil)
		f.sameAsMissing("removed viewer: GET", "GET", id, "", f.viewerTok, nil, http.StatusNotFound)
		if ids, l := list(f.viewerTok, ""); len(ids) != 0 || l.Total != 0 {
			t.Errorf("the removed viewer still lists %v (total %d)", ids, l.Total)
		}
	})
}

// reach makes a new report by alice and brings it to state through the
// API, as the triager, with original as the original of a duplicate.
func (f *rfix) reach(state haven.ReportState, original string) string {
	f.t.Helper()
	id := f.submit(f.aliceTok, f.body("Report to become "+string(state))).ID
	var path []haven.ReportState
	switch state {
	case haven.StateNew:
	case haven.StateResolved:
		path = []haven.ReportState{haven.StateAccepted, haven.StateResolved}
	default:
		path = []haven.ReportState{state}
	}
	for _, to := range path {
		rule, _ := haven.FindTransition(haven.StateNew, to)
		if to == haven.StateResolved {
			rule, _ = haven.FindTransition(haven.StateAccepted, to)
		}
		r := f.move(f.triagerTok, id, f.transition(rule, original))
		if r.State != string(to) {
			f.t.Fatalf("reach %s: state %q after moving to %s", state, r.State, to)
		}
	}
	return id
}

// transition is a request for rule with what it needs.
func (f *rfix) transition(rule haven.Transition, original string) map[string]any {
	b := map[string]any{"to": string(rule.To)}
	if rule.NeedsReason {
		b["reason"] = "Because of " + string(rule.To) + "."
	}
	if rule.NeedsOriginal {
		b["duplicate_of"] = original
	}
	if rule.NeedsClass {
		b["out_of_scope_id"] = f.oos[1].ID
	}
	return b
}

// TestAPIReportTransitions drives every row of haven.Transitions through
// the API, checks that each requirement of a row is enforced, that every
// other change is refused naming "to", and that each change is an event.
func TestAPIReportTransitions(t *testing.T) {
	t.Parallel()
	apptest.Run(t, func(t *testing.T, e *apptest.Env) {
		f := newRFix(t, e)
		original := f.submit(f.bobTok, f.body("The original")).ID
		covered := map[string]bool{}

		for _, rule := range haven.Transitions {
			for _, from := range rule.From {
				name := fmt.Sprintf("%s → %s", from, rule.To)
				id := f.reach(from, original)
				path := "/api/v1/reports/" + id + "/transitions"
				before, _ := f.get(f.triagerTok, id)

				// Each requirement left out is refused, naming it.
				to := string(rule.To)
				if rule.NeedsReason {
					f.p.invalid("POST", path, f.triagerTok, map[string]any{"to": to}, "reason")
					f.p.invalid("POST", path, f.triagerTok, map[string]any{"to": to, "reason": "  \n"}, "reason")
				}
				if rule.NeedsOriginal {
					for _, dup := range []string{"", missingID(), id} {
						f.p.invalid("POST", path, f.triagerTok, map[string]any{"to": to, "duplicate_of": dup}, "duplicate_of")
					}
				}
				if rule.NeedsClass {
					f.p.invalid("POST", path, f.triagerTok, map[string]any{"to": to}, "out_of_scope_id")
					f.p.invalid("POST", path, f.triagerTok, map[string]any{"to": to, "out_of_scope_id": 999999}, "out_of_scope_id")
					f.p.invalid("POST", path, f.triagerTok, map[string]any{"to": to, "out_of_scope_id": f.otherOOS.ID}, "out_of_scope_id")
				}
				if r, _ := f.get(f.triagerTok, id); r.State != string(from) || len(r.History) != len(before.History) {
					t.Errorf("%s: refused requests changed the report: %s, %d events", name, r.State, len(r.History))
				}

				req := f.transition(rule, original)
				req["from"] = string(from)
				e.Clock.Advance(time.Minute)
				got := f.move(f.triagerTok, id, req)
				covered[name] = true
				if got.State != to {
					t.Errorf("%s: state %q", name, got.State)
				}
				if len(got.History) != len(before.History)+1 {
					t.Errorf("%s: %d events, want %d", name, len(got.History), len(before.History)+1)
					continue
				}
				reason, _ := req["reason"].(string)
				want := rapiEvent{Kind: "state", From: string(from), To: to, Reason: reason, Actor: "triager@example.com", At: e.Clock.Now()}
				if diff := cmp.Diff(want, got.History[len(got.History)-1]); diff != "" {
					t.Errorf("%s: event (-want +got):\n%s", name, diff)
				}
				switch {
				case rule.To == haven.StateDuplicate:
					if got.DuplicateOf == nil || got.DuplicateOf.ID != original {
						t.Errorf("%s: duplicate_of %+v, want %s", name, got.DuplicateOf, original)
					}
				case rule.To == haven.StateOutOfScope:
					if got.OutOfScope != f.oos[1].ID {
						t.Errorf("%s: out_of_scope_id %d, want %d", name, got.OutOfScope, f.oos[1].ID)
					}
				default:
					if got.DuplicateOf != nil || got.OutOfScope != 0 {
						t.Errorf("%s: still cites duplicate_of %+v out_of_scope_id %d", name, got.DuplicateOf, got.OutOfScope)
					}
				}
				// The reporter reads the change, made by "the team".
				mine, _ := f.get(f.aliceTok, id)
				want.Actor = "Program jupyter team"
				if diff := cmp.Diff(want, mine.History[len(mine.History)-1]); diff != "" || mine.State != to {
					t.Errorf("%s: the reporter's view: state %q (-want +got):\n%s", name, mine.State, diff)
				}
			}
		}
		for _, rule := range haven.Transitions {
			for _, from := range rule.From {
				if !covered[fmt.Sprintf("%s → %s", from, rule.To)] {
					t.Errorf("%s → %s not exercised", from, rule.To)
				}
			}
		}

		// Out of scope with a reason and no class is fine.
		id := f.reach(haven.StateNew, original)
		if r := f.move(f.triagerTok, id, map[string]any{"to": "out_of_scope", "reason": "Test instance only."}); r.State != "out_of_scope" || r.OutOfScope != 0 {
			t.Errorf("out of scope with a reason: %s, class %d", r.State, r.OutOfScope)
		}

		// Every change the table does not allow is refused naming "to",
		// even with everything a change could need.
		for _, from := range haven.ReportStates {
			id := f.reach(from, original)
			before, _ := f.get(f.triagerTok, id)
			path := "/api/v1/reports/" + id + "/transitions"
			for _, to := range append(slices.Clone(haven.ReportStates), "bogus", "") {
				if _, ok := haven.FindTransition(from, to); ok {
					continue
				}
				msg := f.p.invalid("POST", path, f.triagerTok, map[string]any{"to": string(to), "reason": "Why not.",
					"duplicate_of": original, "out_of_scope_id": f.oos[0].ID}, "to")
				if !strings.Contains(msg, "cannot become") {
					t.Errorf("%s → %q: message %q", from, to, msg)
				}
			}
			if after, _ := f.get(f.triagerTok, id); after.State != before.State || len(after.History) != len(before.History) {
				t.Errorf("refused changes from %s changed the report: %s, %d events", from, after.State, len(after.History))
			}
		}
		// The table itself, spot-checked by hand against PRODUCT.md.
		for _, tc := range []struct {
			from, to haven.ReportState
			ok       bool
		}{
			{haven.StateNew, haven.StateTriaged, true}, {haven.StateNew, haven.StateResolved, false},
			{haven.StateTriaged, haven.StateAccepted, true}, {haven.StateAccepted, haven.StateResolved, true},
			{haven.StateResolved, haven.StateAccepted, false}, {haven.StateSpam, haven.StateTriaged, true},
			{haven.StateSpam, haven.StateAccepted, false}, {haven.StateAccepted, haven.StateSpam, false},
			{haven.StateNeedsInfo, haven.StateNeedsInfo, false}, {haven.StateDuplicate, haven.StateTriaged, true},
		} {
			if _, ok := haven.FindTransition(tc.from, tc.to); ok != tc.ok {
				t.Errorf("table: %s → %s allowed %t, want %t", tc.from, tc.to, ok, tc.ok)
			}
		}
	})
}

// TestAPIReportDuplicates checks duplicate transparency: the duplicate's
// reporter sees the original's id, state and date, never its content or
// the original itself; the original counts its duplicates; the original
// must be another report of the same program.
func TestAPIReportDuplicates(t *testing.T) {
	t.Parallel()
	apptest.Run(t, func(t *testing.T, e *apptest.Env) {
		f := newRFix(t, e)
		orig := f.submit(f.aliceTok, f.body("Original: XSS in the file browser"))
		e.Clock.Advance(24 * time.Hour)
		f.move(f.triagerTok, orig.ID, map[string]any{"to": "accepted"})
		e.Clock.Advance(24 * time.Hour)
		dup := f.submit(f.bobTok, f.body("Same XSS, found later", func(b map[string]any) {
			b["description"] = "Bob's own words."
		}))

		// The original must be another report of this program.
		var elsewhere rapiReport
		f.p.do("POST", "/api/v1/programs/other/reports", f.bobTok, map[string]any{"asset_id": f.otherAsset.ID,
			"title": "Elsewhere", "description": "x", "accept_rules": true}, http.StatusCreated, &elsewhere)
		path := "/api/v1/reports/" + dup.ID + "/transitions"
		msgs := map[string]bool{}
		for _, o := range []string{elsewhere.ID, missingID(), dup.ID, ""} {
			msgs[f.p.invalid("POST", path, f.triagerTok, map[string]any{"to": "duplicate", "duplicate_of": o}, "duplicate_of")] = true
		}
		if len(msgs) != 1 {
			t.Errorf("the refusals tell the cases apart: %v", msgs)
		}

		got := f.move(f.triagerTok, dup.ID, map[string]any{"to": "duplicate", "duplicate_of": orig.ID})
		if got.State != "duplicate" {
			t.Fatalf("state %q", got.State)
		}
		origSubmitted, _ := time.Parse(time.RFC3339, orig.SubmittedAt)
		wantRef := &rapiRef{ID: orig.ID, State: "accepted", SubmittedAt: origSubmitted}
		mine, body := f.get(f.bobTok, dup.ID)
		if diff := cmp.Diff(wantRef, mine.DuplicateOf); diff != "" {
			t.Errorf("the duplicate's reporter sees duplicate_of (-want +got):\n%s", diff)
		}
		for _, s := range []string{orig.Title, orig.Description, "alice"} {
			if strings.Contains(body, s) {
				t.Errorf("the duplicate's reporter sees %q of the original:\n%s", s, body)
			}
		}
		// The original itself stays out of reach.
		f.sameAsMissing("bob: GET the original", "GET", orig.ID, "", f.bobTok, nil, http.StatusNotFound)
		// The original counts its duplicates, for its reporter and the
		// team.
		for _, tok := range []string{f.aliceTok, f.triagerTok} {
			if r, _ := f.get(tok, orig.ID); r.Duplicates != 1 || r.DuplicateOf != nil {
				t.Errorf("the original: duplicates %d, duplicate_of %+v", r.Duplicates, r.DuplicateOf)
			}
		}
		// A duplicate of the duplicate points at the first original.
		dup2 := f.submit(f.bobTok, f.body("Same XSS, third time"))
		got = f.move(f.triagerTok, dup2.ID, map[string]any{"to": "duplicate", "duplicate_of": dup.ID})
		if got.DuplicateOf == nil || got.DuplicateOf.ID != orig.ID {
			t.Errorf("a duplicate of a duplicate points at %+v, want %s", got.DuplicateOf, orig.ID)
		}
		if r, _ := f.get(f.aliceTok, orig.ID); r.Duplicates != 2 {
			t.Errorf("the original counts %d duplicates, want 2", r.Duplicates)
		}
		// The original's state, as the duplicate's reporter sees it,
		// follows the original.
		e.Clock.Advance(time.Hour)
		f.move(f.triagerTok, orig.ID, map[string]any{"to": "resolved"})
		wantRef.State = "resolved"
		if r, _ := f.get(f.bobTok, dup.ID); !cmp.Equal(wantRef, r.DuplicateOf) {
			t.Errorf("after the original is resolved: duplicate_of %+v, want %+v", r.DuplicateOf, wantRef)
		}
		// Reopening a duplicate takes it off the original's count.
		f.move(f.triagerTok, dup2.ID, map[string]any{"to": "triaged", "reason": "Not the same bug after all."})
		if r, _ := f.get(f.aliceTok, orig.ID); r.Duplicates != 1 {
			t.Errorf("after reopening one: the original counts %d duplicates, want 1", r.Duplicates)
		}
		if r, _ := f.get(f.bobTok, dup2.ID); r.DuplicateOf != nil {
			t.Errorf("the reopened report still shows duplicate_of %+v", r.DuplicateOf)
		}
		// No cycles: a report cannot become a duplicate of its own
		// duplicate.
		x, y := f.submit(f.aliceTok, f.body("X")), f.submit(f.bobTok, f.body("Y"))
		f.move(f.triagerTok, x.ID, map[string]any{"to": "duplicate", "duplicate_of": y.ID})
		f.p.invalid("POST", "/api/v1/reports/"+y.ID+"/transitions", f.triagerTok,
			map[string]any{"to": "duplicate", "duplicate_of": x.ID}, "duplicate_of")
		if r, _ := f.get(f.bobTok, y.ID); r.State != "new" || r.DuplicateOf != nil || r.Duplicates != 1 {
			t.Errorf("after a refused cycle: %s, duplicate_of %+v, %d duplicates", r.State, r.DuplicateOf, r.Duplicates)
		}
	})
}

// TestAPIReportPermissions checks who may do what on a report they see:
// the reporter comments publicly only and changes nothing else; a viewer
// reads only; triagers triage, comment and rescore.
func TestAPIReportPermissions(t *testing.T) {
	t.Parallel()
	apptest.Run(t, func(t *testing.T, e *apptest.Env) {
		f := newRFix(t, e)
		rep := f.submit(f.aliceTok, f.body("XSS to triage"))
		base := "/api/v1/reports/" + rep.ID

		for _, who := range []struct{ name, tok string }{{"reporter", f.aliceTok}, {"viewer", f.viewerTok}} {
			for _, body := range []map[string]any{{"to": "triaged"}, {"to": "accepted", "from": "new"},
				{"to": "spam", "reason": "x"}, {"to": "resolved"}} {
				f.p.problem("POST", base+"/transitions", who.tok, body, http.StatusForbidden)
			}
			f.p.problem("POST", base+"/cvss", who.tok, map[string]any{"cvss_vector": v75}, http.StatusForbidden)
		}
		f.p.problem("POST", base+"/comments", f.viewerTok, map[string]any{"body": "Looks bad."}, http.StatusForbidden)
		f.p.problem("POST", base+"/comments", f.viewerTok, map[string]any{"body": "Looks bad.", "internal": true}, http.StatusForbidden)
		f.p.invalid("POST", base+"/comments", f.aliceTok, map[string]any{"body": "Psst.", "internal": true}, "internal")
		f.p.invalid("POST", base+"/comments", f.aliceTok, map[string]any{"body": "  "}, "body")
		f.p.invalid("POST", base+"/comments", f.triagerTok, map[string]any{}, "body")
		f.p.problem("POST", base+"/comments", f.triagerTok, map[string]any{"body": "x", "secret": true}, http.StatusBadRequest)
		if r, _ := f.get(f.triagerTok, rep.ID); r.State != "new" || len(r.Comments) != 0 || r.CVSSVector != v98 {
			t.Errorf("refused requests changed the report: %s, %d comments, %s", r.State, len(r.Comments), r.CVSSVector)
		}

		// The reporter comments publicly.
		var c rapiComment
		f.p.do("POST", base+"/comments", f.aliceTok, map[string]any{"body": "More details: it also works in Safari."},
			http.StatusCreated, &c)
		if want := (rapiComment{ID: c.ID, Author: "alice@example.com", Body: "More details: it also works in Safari.",
			CreatedAt: e.Clock.Now()}); c != want || c.ID == 0 {
			t.Errorf("the reporter's comment %+v, want %+v", c, want)
		}

		// needs_info waits on the reporter: the team's comments leave it
		// there, the reporter's answer sends it back to triage.
		f.move(f.triagerTok, rep.ID, map[string]any{"to": "needs_info", "reason": "Which browser version?"})
		f.p.do("POST", base+"/comments", f.triagerTok, map[string]any{"body": "Any news?"}, http.StatusCreated, nil)
		f.p.do("POST", base+"/comments", f.triagerTok, map[string]any{"body": "Ping the reporter.", "internal": true}, http.StatusCreated, nil)
		if r, _ := f.get(f.triagerTok, rep.ID); r.State != "needs_info" {
			t.Errorf("the team's comments moved needs_info to %s", r.State)
		}
		e.Clock.Advance(time.Hour)
		f.p.do("POST", base+"/comments", f.aliceTok, map[string]any{"body": "Safari 18.1."}, http.StatusCreated, nil)
		r, _ := f.get(f.aliceTok, rep.ID)
		want := rapiEvent{Kind: "state", From: "needs_info", To: "triaged", Reason: "The reporter answered.",
			Actor: "alice@example.com", At: e.Clock.Now()}
		if diff := cmp.Diff(want, r.History[len(r.History)-1]); diff != "" || r.State != "triaged" {
			t.Errorf("after the reporter's answer: state %s (-want +got):\n%s", r.State, diff)
		}

		// Triagers rescore: severity and deadline follow (7.5 is High, 15
		// working days on the program's UTC calendar: Monday 14
		// December); the history keeps the old vector.
		var rescored rapiReport
		f.p.do("POST", base+"/cvss", f.triagerTok, map[string]any{"cvss_vector": v75, "reason": "No integrity impact."},
			http.StatusOK, &rescored)
		if rescored.Severity != "High" || rescored.CVSSScore == nil || *rescored.CVSSScore != 7.5 ||
			rescored.ValidationDeadline == nil || *rescored.ValidationDeadline != "2026-12-14T09:00:00Z" {
			t.Errorf("rescored: %s %v deadline %s", rescored.Severity, rescored.CVSSScore, deref(rescored.ValidationDeadline))
		}
		last := rescored.History[len(rescored.History)-1]
		if want := (rapiEvent{Kind: "cvss", From: v98, To: v75, Reason: "No integrity impact.", Actor: "triager@example.com",
			At: e.Clock.Now()}); last != want {
			t.Errorf("rescore event %+v, want %+v", last, want)
		}
		msg := f.p.invalid("POST", base+"/cvss", f.triagerTok, map[string]any{"cvss_vector": "CVSS:3.1/AV:X/AC:L"}, "cvss_vector")
		if !strings.Contains(msg, "AV") {
			t.Errorf("bad vector: message %q does not name AV", msg)
		}
		f.p.invalid("POST", base+"/cvss", f.triagerTok, map[string]any{"cvss_vector": " "}, "cvss_vector")
		// The same vector again changes nothing.
		f.p.do("POST", base+"/cvss", f.triagerTok, map[string]any{"cvss_vector": v75}, http.StatusOK, &rescored)
		if n := len(rescored.History); rescored.History[n-1].Kind != "cvss" || rescored.History[n-2].Kind == "cvss" {
			t.Errorf("the same vector again made an event: %+v", rescored.History[n-2:])
		}
	})
}

// TestAPIReportConcurrentTransitions checks that a transition is a
// compare-and-set: of two triagers changing the same report from the
// state they both saw, exactly one succeeds and the other gets 409.
func TestAPIReportConcurrentTransitions(t *testing.T) {
	t.Parallel()
	apptest.Run(t, func(t *testing.T, e *apptest.Env) {
		f := newRFix(t, e)
		pairs := [][2]map[string]any{
			{{"from": "new", "to": "triaged"}, {"from": "new", "to": "triaged"}},
			{{"from": "new", "to": "accepted"}, {"from": "new", "to": "spam", "reason": "Nonsense."}},
		}
		clients := [2]*apptest.Client{warmClient(t, e), warmClient(t, e)}
		for i := range 10 {
			pair := pairs[i%2]
			id := f.submit(f.aliceTok, f.body(fmt.Sprintf("Race %d", i))).ID
			path := "/api/v1/reports/" + id + "/transitions"
			var resps [2]*apptest.Response
			var wg sync.WaitGroup
			start := make(chan struct{})
			for j, tok := range []string{f.triagerTok, f.ownerTok} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					b, _ := json.Marshal(pair[j])
					resps[j] = clients[j].API("POST", path, tok, bytes.NewReader(b))
				}()
			}
			close(start)
			wg.Wait()
			var won []int
			for j, r := range resps {
				f.p.conforms("race", "POST", path, r)
				switch r.StatusCode {
				case http.StatusOK:
					won = append(won, j)
				case http.StatusConflict:
					problemOf(t, "the loser", r, http.StatusConflict)
				default:
					t.Errorf("race %d: request %d got %d\n%s", i, j, r.StatusCode, r.Body)
				}
			}
			if len(won) != 1 {
				t.Errorf("race %d: %d requests succeeded, want exactly one", i, len(won))
				continue
			}
			r, _ := f.get(f.triagerTok, id)
			winner := pair[won[0]]["to"]
			if r.State != winner {
				t.Errorf("race %d: state %s, the winner moved it to %s", i, r.State, winner)
			}
			if n := len(r.History); n != 2 {
				t.Errorf("race %d: %d events, want the submission and one change", i, n)
			}
		}

		// A client that saw an old state is refused, whatever it asks.
		id := f.submit(f.aliceTok, f.body("Stale view")).ID
		f.move(f.triagerTok, id, map[string]any{"from": "new", "to": "triaged"})
		f.p.problem("POST", "/api/v1/reports/"+id+"/transitions", f.ownerTok,
			map[string]any{"from": "new", "to": "accepted"}, http.StatusConflict)
		if r, _ := f.get(f.ownerTok, id); r.State != "triaged" {
			t.Errorf("a stale transition changed the state to %s", r.State)
		}
		f.p.invalid("POST", "/api/v1/reports/"+id+"/transitions", f.ownerTok, map[string]any{"from": "open", "to": "accepted"}, "from")
		f.move(f.ownerTok, id, map[string]any{"from": "triaged", "to": "accepted"})
	})
}

// TestAPIScoreCVSS checks the public CVSS calculator.
func TestAPIScoreCVSS(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	p := newPapiClient(t, e)
	u := e.CreateUser(t, "user@example.com", "user password 1", false)
	tok := e.Token(t, u)
	type score struct {
		Version  string  `json:"version"`
		Vector   string  `json:"vector"`
		Score    float64 `json:"score"`
		Severity string  `json:"severity"`
	}
	q := func(v string) string {
		return "/api/v1/cvss?vector=" + strings.NewReplacer(":", "%3A", "/", "%2F", " ", "+").Replace(v)
	}
	for _, tc := range []struct {
		vector string
		want   score
	}{
		{v98, score{"3.1", v98, 9.8, "Critical"}},
		{v40, score{"4.0", v40, 9.3, "Critical"}},
		{"CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:N/VC:L/VI:L/VA:N/SC:N/SI:N/SA:N",
			score{"4.0", "CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:N/VC:L/VI:L/VA:N/SC:N/SI:N/SA:N", 5.3, "Medium"}},
		{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", score{"3.1", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", 0, "None"}},
		{"CVSS:3.1/AV:L/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N", score{"3.1", "CVSS:3.1/AV:L/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N", 1.8, "Low"}},
		{v75, score{"3.1", v75, 7.5, "High"}},
		// Metrics in another order, with white space around: the
		// canonical vector comes back.
		{" CVSS:3.1/C:H/I:H/A:H/AV:N/AC:L/PR:N/UI:N/S:U ", score{"3.1", v98, 9.8, "Critical"}},
	} {
		for _, who := range []string{"", tok} {
			var got score
			r := p.do("GET", q(tc.vector), who, nil, http.StatusOK, &got)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("%q (token %t) (-want +got):\n%s", tc.vector, who != "", diff)
			}
			if cc := r.Header.Get("Cache-Control"); !strings.Contains(cc, "max-age") {
				t.Errorf("%q: Cache-Control %q", tc.vector, cc)
			}
		}
	}
	for _, tc := range []struct {
		name, path, metric, says string
	}{
		{"no vector", "/api/v1/cvss", "", "vector"},
		{"empty vector", "/api/v1/cvss?vector=", "", "vector"},
		{"bad AV", q("CVSS:3.1/AV:Q/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"), "AV", `"Q"`},
		{"missing A", q("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H"), "A", "missing"},
		{"AV twice", q("CVSS:3.1/AV:N/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"), "AV", "more than once"},
		{"4.0 bad VC", q("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:Z/VI:H/VA:H/SC:N/SI:N/SA:N"), "VC", `"Z"`},
		{"CVSS 2", q("AV:N/AC:L/Au:N/C:P/I:P/A:P"), "", "CVSS 2"},
		{"CVSS:2.0 prefix", q("CVSS:2.0/AV:N/AC:L/Au:N/C:P/I:P/A:P"), "", "CVSS 2"},
		{"no prefix", q("garbage"), "", "prefix"},
		{"too long", q("CVSS:3.1/" + strings.Repeat("AV:N/", 200)), "", "longer"},
	} {
		pr := p.problem("GET", tc.path, "", nil, http.StatusBadRequest)
		metric, hasMetric := pr["metric"]
		if tc.metric == "" && hasMetric || tc.metric != "" && metric != tc.metric {
			t.Errorf("%s: metric %v, want %q", tc.name, metric, tc.metric)
		}
		if d, _ := pr["detail"].(string); !strings.Contains(d, tc.says) {
			t.Errorf("%s: detail %q does not contain %q", tc.name, d, tc.says)
		}
	}
	// A bad token is refused even here: a client learns its token is bad.
	p.problem("GET", q(v98), "hvn_notatoken", nil, http.StatusUnauthorized)
}
