package web_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"mime"
	"mime/multipart"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/haven-project/haven/internal/apptest"
)

// Retests, disclosure, attachments and known issues as API clients see
// them. Like rapiReport, these hold every field the API may send; the
// papiClient checks each answer against openapi.json as well.
type (
	rtAttachment struct {
		ID          string    `json:"id"`
		URL         string    `json:"url"`
		Filename    string    `json:"filename"`
		ContentType string    `json:"content_type"`
		Size        int64     `json:"size"`
		SHA256      string    `json:"sha256"`
		Internal    bool      `json:"internal"`
		CommentID   int64     `json:"comment_id"`
		Retest      bool      `json:"retest"`
		CreatedAt   time.Time `json:"created_at"`
	}
	rtRetest struct {
		State          string     `json:"state"`
		Result         string     `json:"result"`
		Bonus          float64    `json:"bonus"`
		Currency       string     `json:"currency"`
		Deadline       time.Time  `json:"deadline"`
		Note           string     `json:"note"`
		Answer         string     `json:"answer"`
		RequestedAt    time.Time  `json:"requested_at"`
		AnsweredAt     *time.Time `json:"answered_at"`
		DecidedAt      *time.Time `json:"decided_at"`
		DecisionReason string     `json:"decision_reason"`
	}
	rtDisclosure struct {
		Side      string     `json:"side"`
		State     string     `json:"state"`
		Mode      string     `json:"mode"`
		Summary   string     `json:"summary"`
		Message   string     `json:"message"`
		CreatedAt time.Time  `json:"created_at"`
		DecidedAt *time.Time `json:"decided_at"`
		Reason    string     `json:"reason"`
	}
	rtRef struct {
		ID          string    `json:"id"`
		KnownIssue  bool      `json:"known_issue"`
		State       string    `json:"state"`
		SubmittedAt time.Time `json:"submitted_at"`
	}
	// rtReport is a report with the fields of this file; its duplicate_of
	// has known_issue.
	rtReport struct {
		rapiReport
		DuplicateOf        *rtRef         `json:"duplicate_of"`
		Attachments        []rtAttachment `json:"attachments"`
		Retests            []rtRetest     `json:"retests"`
		DisclosureRequests []rtDisclosure `json:"disclosure_requests"`
		DisclosedAt        *time.Time     `json:"disclosed_at"`
		DisclosureMode     string         `json:"disclosure_mode"`
		DisclosureSummary  string         `json:"disclosure_summary"`
	}
	rtPublic struct {
		ID          string         `json:"id"`
		URL         string         `json:"url"`
		Program     string         `json:"program"`
		Asset       string         `json:"asset"`
		Title       string         `json:"title"`
		State       string         `json:"state"`
		Credit      string         `json:"credit"`
		DisclosedAt time.Time      `json:"disclosed_at"`
		Mode        string         `json:"disclosure_mode"`
		Summary     string         `json:"summary"`
		Description string         `json:"description"`
		Awarded     float64        `json:"awarded"`
		Currency    string         `json:"currency"`
		Comments    []rapiComment  `json:"comments"`
		Attachments []rtAttachment `json:"attachments"`
	}
	rtPublicList struct {
		Reports []rtPublic `json:"reports"`
		Total   int        `json:"total"`
		Limit   int        `json:"limit"`
		Offset  int        `json:"offset"`
	}
	rtKnownIssue struct {
		ID          string     `json:"id"`
		Title       string     `json:"title"`
		Description string     `json:"description"`
		Duplicates  int        `json:"duplicates"`
		CreatedAt   time.Time  `json:"created_at"`
		UpdatedAt   time.Time  `json:"updated_at"`
		ArchivedAt  *time.Time `json:"archived_at"`
	}
	rtAward struct {
		Kind     string  `json:"kind"`
		Amount   float64 `json:"amount"`
		Currency string  `json:"currency"`
		Reason   string  `json:"reason"`
		Status   string  `json:"status"`
	}
)

// rtFile is one file of a multipart request.
type rtFile struct {
	name string
	body []byte
}

// multipart sends a multipart/form-data POST with fields and files (in
// parts named "file") as tok, expects status and checks the answer
// against the document.
func (f *rfix) multipart(path, tok string, fields [][2]string, files []rtFile, status int, out any) *apptest.Response {
	f.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, kv := range fields {
		mw.WriteField(kv[0], kv[1])
	}
	for _, fl := range files {
		w, err := mw.CreateFormFile("file", fl.name)
		if err != nil {
			f.t.Fatal(err)
		}
		w.Write(fl.body)
	}
	mw.Close()
	req, _ := http.NewRequest("POST", f.e.URL(path), &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	r := f.p.c.Do(req)
	name := "POST " + path + " (multipart)"
	if r.StatusCode != status {
		f.t.Errorf("%s: status %d, want %d\n%s", name, r.StatusCode, status, r.Body)
		return r
	}
	f.p.conforms(name, "POST", path, r)
	if out != nil {
		if err := json.Unmarshal([]byte(r.Body), out); err != nil {
			f.t.Errorf("%s: %v\n%s", name, err, r.Body)
		}
	}
	return r
}

// report reads a report as tok, with this file's fields.
func (f *rfix) report(tok, id string) (rtReport, string) {
	f.t.Helper()
	var r rtReport
	resp := f.p.do("GET", "/api/v1/reports/"+id, tok, nil, http.StatusOK, &r)
	return r, resp.Body
}

// download fetches an attachment as tok ("" for anonymous).
func (f *rfix) download(tok, id string) *apptest.Response {
	f.t.Helper()
	auth := ""
	if tok != "" {
		auth = "Bearer " + tok
	}
	return apiRequest(f.p.c, f.e, "GET", "/api/v1/attachments/"+id, auth)
}

// downloads checks that tok gets the attachment's bytes, as a download.
func (f *rfix) downloads(name, tok string, at rtAttachment, want []byte) {
	f.t.Helper()
	r := f.download(tok, at.ID)
	if r.StatusCode != http.StatusOK || r.Body != string(want) {
		f.t.Errorf("%s: download %s: %d %q, want 200 %q", name, at.Filename, r.StatusCode, r.Body, want)
		return
	}
	for h, v := range map[string]string{
		"Content-Type":           at.ContentType,
		"X-Content-Type-Options": "nosniff",
		"Cache-Control":          "private, no-store",
		"Content-Length":         fmt.Sprint(len(want)),
	} {
		if got := r.Header.Get(h); got != v {
			f.t.Errorf("%s: download %s: %s %q, want %q", name, at.Filename, h, got, v)
		}
	}
	cd := r.Header.Get("Content-Disposition")
	if disp, params, err := mime.ParseMediaType(cd); err != nil || disp != "attachment" || params["filename"] != at.Filename {
		f.t.Errorf("%s: download %s: Content-Disposition %q (%v)", name, at.Filename, cd, err)
	}
	csp := r.Header.Get("Content-Security-Policy")
	for _, d := range []string{"sandbox", "default-src 'none'"} {
		if !slices.Contains(strings.Split(csp, "; "), d) {
			f.t.Errorf("%s: download %s: Content-Security-Policy %q without %s", name, at.Filename, csp, d)
		}
	}
}

// pngBytes returns a small real PNG image.
func pngBytes(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	img := image.NewRGBA(image.Rect(0, 0, 2, 2))
	img.Set(1, 1, color.RGBA{R: 255, A: 255})
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// hidden checks that tok's download of an attachment answers exactly as
// one of an id that does not exist: 404, same headers, same body but for
// the request id.
func (f *rfix) hidden(name, tok, id string) {
	f.t.Helper()
	got, want := f.download(tok, id), f.download(tok, missingID())
	problemOf(f.t, name, got, http.StatusNotFound)
	problemOf(f.t, name+" (missing id)", want, http.StatusNotFound)
	f.p.conforms(name, "GET", "/api/v1/attachments/"+id, got)
	for _, h := range []string{"Content-Type", "Content-Length", "Content-Disposition", "Cache-Control", "Vary", "Set-Cookie"} {
		if g, w := strings.Join(got.Header.Values(h), "\n"), strings.Join(want.Header.Values(h), "\n"); g != w {
			f.t.Errorf("%s: header %s %q, missing id %q", name, h, g, w)
		}
	}
	if g, w := withoutRequestID(got.Body, got.Header.Get("X-Request-Id")), withoutRequestID(want.Body, want.Header.Get("X-Request-Id")); g != w {
		f.t.Errorf("%s: body differs from a missing id's\n--- existing:\n%s\n--- missing:\n%s", name, g, w)
	}
}

func sha256Hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// TestAPIRetestAndDisclosure drives a report from submission to a
// summary disclosure through the API: bounty, retest with a bonus and
// evidence, the owner's approval paying the bonus, the researcher's
// disclosure request and the program's agreement. The public sees the
// summary and nothing of the report's text or files; the reporter and
// the team still download the evidence; everyone else gets the answer of
// an id that does not exist.
func TestAPIRetestAndDisclosure(t *testing.T) {
	t.Parallel()
	apptest.Run(t, func(t *testing.T, e *apptest.Env) {
		f := newRFix(t, e)
		f.p.do("PATCH", rprog, f.ownerTok, map[string]any{"retest_bonus": 100}, http.StatusOK, nil)

		rep := f.submit(f.aliceTok, f.body("Stored XSS in notebook titles"))
		base := "/api/v1/reports/" + rep.ID
		f.move(f.triagerTok, rep.ID, map[string]any{"to": "accepted"})
		var bounty rtAward
		f.p.do("POST", base+"/bounties", f.ownerTok, map[string]any{"kind": "bounty", "amount": 1500,
			"reason": "Code execution in every viewer's kernel."}, http.StatusCreated, &bounty)
		f.move(f.triagerTok, rep.ID, map[string]any{"to": "resolved"})

		// The retest request: only the team asks, only up to the
		// program's retest bonus, only with a deadline.
		deadline := e.Clock.Now().Add(7 * 24 * time.Hour)
		ask := map[string]any{"bonus": 50, "deadline": deadline.Format(time.RFC3339), "note": "We escape titles now; please check."}
		if msg := f.p.invalid("POST", base+"/retests", f.triagerTok, map[string]any{"bonus": 150,
			"deadline": deadline.Format(time.RFC3339)}, "bonus"); !strings.Contains(msg, "100") {
			t.Errorf("a bonus over the retest bonus: message %q does not say 100", msg)
		}
		f.p.invalid("POST", base+"/retests", f.triagerTok, map[string]any{"bonus": 50}, "deadline")
		f.p.invalid("POST", base+"/retests", f.triagerTok, map[string]any{"deadline": e.Clock.Now().Add(time.Hour).Format(time.RFC3339)}, "deadline")
		f.p.problem("POST", base+"/retests", f.triagerTok, map[string]any{"deadline": "next week"}, http.StatusBadRequest)
		f.p.problem("POST", base+"/retests", f.aliceTok, ask, http.StatusForbidden)
		f.p.problem("POST", base+"/retests", f.viewerTok, ask, http.StatusForbidden)
		f.sameAsMissing("bob asks for a retest", "POST", rep.ID, "/retests", f.bobTok, ask, http.StatusNotFound)
		f.p.problem("POST", base+"/retests", "", ask, http.StatusUnauthorized)
		// Not before the report is resolved.
		open := f.submit(f.aliceTok, f.body("Open report"))
		f.p.problem("POST", "/api/v1/reports/"+open.ID+"/retests", f.triagerTok, ask, http.StatusUnprocessableEntity)
		if r, _ := f.report(f.triagerTok, rep.ID); len(r.Retests) != 0 {
			t.Fatalf("refused requests made retests: %+v", r.Retests)
		}

		var asked rtReport
		f.p.do("POST", base+"/retests", f.triagerTok, ask, http.StatusCreated, &asked)
		wantRetest := rtRetest{State: "requested", Bonus: 50, Currency: "EUR", Deadline: deadline, Note: ask["note"].(string),
			RequestedAt: e.Clock.Now()}
		if len(asked.Retests) != 1 || !cmp.Equal(wantRetest, asked.Retests[0]) {
			t.Fatalf("after the request: retests %+v, want [%+v]", asked.Retests, wantRetest)
		}
		// One at a time.
		f.p.problem("POST", base+"/retests", f.triagerTok, ask, http.StatusUnprocessableEntity)
		// The researcher reads the request.
		if mine, _ := f.report(f.aliceTok, rep.ID); len(mine.Retests) != 1 || mine.Retests[0].State != "requested" {
			t.Errorf("the reporter's retests: %+v", mine.Retests)
		}

		// Only the reporter answers: another researcher meets a report
		// that does not exist, the team is refused.
		answer := map[string]any{"result": "fixed", "notes": "The payload is escaped now."}
		f.sameAsMissing("bob answers", "POST", rep.ID, "/retests/answer", f.bobTok, answer, http.StatusNotFound)
		f.sameAsMissing("the other program's owner answers", "POST", rep.ID, "/retests/answer", f.outsiderTok, answer, http.StatusNotFound)
		f.p.problem("POST", base+"/retests/answer", f.triagerTok, answer, http.StatusForbidden)
		f.p.problem("POST", base+"/retests/answer", "", answer, http.StatusUnauthorized)
		f.p.invalid("POST", base+"/retests/answer", f.aliceTok, map[string]any{"result": "maybe", "notes": "x"}, "result")
		f.p.invalid("POST", base+"/retests/answer", f.aliceTok, map[string]any{"result": "fixed", "notes": " "}, "notes")
		// Nothing to decide yet.
		f.p.problem("POST", base+"/retests/decision", f.ownerTok, map[string]any{"approve": true}, http.StatusUnprocessableEntity)

		// The answer, with evidence, as a form.
		evidence := []byte("GET /notebooks/x.ipynb\nThe payload in the title shows as text now.\n")
		e.Clock.Advance(time.Hour)
		var answered rtReport
		f.multipart(base+"/retests/answer", f.aliceTok, [][2]string{{"result", "fixed"}, {"notes", "Checked on 7.2.1: escaped."}},
			[]rtFile{{"retest-evidence.txt", evidence}}, http.StatusOK, &answered)
		if len(answered.Retests) != 1 {
			t.Fatalf("after the answer: retests %+v", answered.Retests)
		}
		got := answered.Retests[0]
		if got.State != "answered" || got.Result != "fixed" || got.Answer != "Checked on 7.2.1: escaped." ||
			got.AnsweredAt == nil || !got.AnsweredAt.Equal(e.Clock.Now()) {
			t.Errorf("the answered retest: %+v", got)
		}
		if len(answered.Attachments) != 1 {
			t.Fatalf("after the answer: attachments %+v", answered.Attachments)
		}
		proof := answered.Attachments[0]
		wantProof := rtAttachment{ID: proof.ID, URL: e.URL("/api/v1/attachments/" + proof.ID), Filename: "retest-evidence.txt",
			ContentType: "text/plain; charset=utf-8", Size: int64(len(evidence)), SHA256: sha256Hex(evidence), Retest: true,
			CreatedAt: e.Clock.Now()}
		if diff := cmp.Diff(wantProof, proof); diff != "" || !publicIDPattern.MatchString(proof.ID) {
			t.Errorf("the evidence (-want +got):\n%s", diff)
		}
		// Once.
		f.p.problem("POST", base+"/retests/answer", f.aliceTok, answer, http.StatusUnprocessableEntity)

		// Owners decide: approve is required, triagers may not.
		f.p.invalid("POST", base+"/retests/decision", f.ownerTok, map[string]any{}, "approve")
		f.p.invalid("POST", base+"/retests/decision", f.ownerTok, map[string]any{"reason": "Fine."}, "approve")
		f.p.problem("POST", base+"/retests/decision", f.ownerTok, map[string]any{"approve": "yes"}, http.StatusBadRequest)
		f.p.problem("POST", base+"/retests/decision", f.triagerTok, map[string]any{"approve": true}, http.StatusForbidden)
		f.p.problem("POST", base+"/retests/decision", f.aliceTok, map[string]any{"approve": true}, http.StatusForbidden)
		f.sameAsMissing("bob decides", "POST", rep.ID, "/retests/decision", f.bobTok, map[string]any{"approve": true}, http.StatusNotFound)
		f.p.invalid("POST", base+"/retests/decision", f.ownerTok, map[string]any{"approve": false}, "reason")

		e.Clock.Advance(time.Hour)
		var approved rtReport
		f.p.do("POST", base+"/retests/decision", f.ownerTok, map[string]any{"approve": true}, http.StatusOK, &approved)
		if len(approved.Retests) != 1 || approved.Retests[0].State != "approved" || approved.Retests[0].DecidedAt == nil ||
			!approved.Retests[0].DecidedAt.Equal(e.Clock.Now()) {
			t.Errorf("after approval: retests %+v", approved.Retests)
		}
		f.p.problem("POST", base+"/retests/decision", f.ownerTok, map[string]any{"approve": true}, http.StatusUnprocessableEntity)
		// The bonus is paid, once, beside the bounty; the reporter sees
		// both.
		wantAwards := []rtAward{
			{Kind: "bounty", Amount: 1500, Currency: "EUR", Reason: "Code execution in every viewer's kernel.", Status: "pending"},
			{Kind: "bonus", Amount: 50, Currency: "EUR", Reason: "Retest bonus", Status: "pending"},
		}
		for _, tok := range []string{f.ownerTok, f.aliceTok} {
			var awards struct {
				Awards []rtAward `json:"awards"`
			}
			f.p.do("GET", base+"/bounties", tok, nil, http.StatusOK, &awards)
			if diff := cmp.Diff(wantAwards, awards.Awards); diff != "" {
				t.Errorf("awards after the retest (-want +got):\n%s", diff)
			}
		}
		// The history tells the story.
		var kinds []string
		for _, ev := range approved.History {
			if ev.Kind == "retest" {
				kinds = append(kinds, ev.From+"→"+ev.To)
			}
		}
		if want := []string{"→requested", "requested→fixed", "fixed→approved"}; !cmp.Equal(want, kinds) {
			t.Errorf("retest events %v, want %v", kinds, want)
		}

		// A second retest, answered as JSON and rejected; a third,
		// withdrawn. Neither pays.
		f.p.do("POST", base+"/retests", f.triagerTok, map[string]any{"deadline": e.Clock.Now().Add(48 * time.Hour).Format(time.RFC3339)},
			http.StatusCreated, nil)
		f.p.do("POST", base+"/retests/answer", f.aliceTok, map[string]any{"result": "not_fixed", "notes": "Still fires in the tab title."},
			http.StatusOK, nil)
		var rejected rtReport
		f.p.do("POST", base+"/retests/decision", f.ownerTok, map[string]any{"approve": false, "reason": "The tab title is another bug."},
			http.StatusOK, &rejected)
		if n := len(rejected.Retests); n != 2 || rejected.Retests[1].State != "rejected" || rejected.Retests[1].Result != "not_fixed" ||
			rejected.Retests[1].DecisionReason != "The tab title is another bug." {
			t.Errorf("after rejecting: retests %+v", rejected.Retests)
		}
		f.p.do("POST", base+"/retests", f.triagerTok, map[string]any{"deadline": e.Clock.Now().Add(48 * time.Hour).Format(time.RFC3339)},
			http.StatusCreated, nil)
		f.p.problem("POST", base+"/retests/withdraw", f.aliceTok, nil, http.StatusForbidden)
		var withdrawn rtReport
		f.p.do("POST", base+"/retests/withdraw", f.triagerTok, nil, http.StatusOK, &withdrawn)
		if n := len(withdrawn.Retests); n != 3 || withdrawn.Retests[2].State != "withdrawn" {
			t.Errorf("after withdrawing: retests %+v", withdrawn.Retests)
		}
		f.p.problem("POST", base+"/retests/withdraw", f.triagerTok, nil, http.StatusUnprocessableEntity)
		var awards struct {
			Awards []rtAward `json:"awards"`
		}
		if f.p.do("GET", base+"/bounties", f.ownerTok, nil, http.StatusOK, &awards); len(awards.Awards) != 2 {
			t.Errorf("after a rejected and a withdrawn retest: %d awards, want 2", len(awards.Awards))
		}

		// Disclosure: never of an open report; the researcher asks, the
		// program agrees and publishes a summary.
		f.p.problem("POST", "/api/v1/reports/"+open.ID+"/disclosure", f.aliceTok, map[string]any{"message": "Please."},
			http.StatusUnprocessableEntity)
		f.p.problem("POST", "/api/v1/reports/"+open.ID+"/disclosure", f.ownerTok, map[string]any{"mode": "full"},
			http.StatusUnprocessableEntity)
		f.sameAsMissing("bob asks to disclose", "POST", rep.ID, "/disclosure", f.bobTok, map[string]any{}, http.StatusNotFound)
		f.p.problem("POST", base+"/disclosure", f.triagerTok, map[string]any{"mode": "full"}, http.StatusForbidden)
		f.p.problem("POST", base+"/disclosure/answer", f.ownerTok, map[string]any{"agree": true, "mode": "full"}, http.StatusUnprocessableEntity)

		e.Clock.Advance(time.Hour)
		var requested rtReport
		f.p.do("POST", base+"/disclosure", f.aliceTok, map[string]any{"message": "I would like to write about it."},
			http.StatusCreated, &requested)
		wantReq := rtDisclosure{Side: "reporter", State: "open", Message: "I would like to write about it.", CreatedAt: e.Clock.Now()}
		if len(requested.DisclosureRequests) != 1 || !cmp.Equal(wantReq, requested.DisclosureRequests[0]) || requested.DisclosedAt != nil {
			t.Errorf("after the request: %+v disclosed %v, want [%+v]", requested.DisclosureRequests, requested.DisclosedAt, wantReq)
		}
		f.p.problem("POST", base+"/disclosure", f.ownerTok, map[string]any{"mode": "full"}, http.StatusUnprocessableEntity)
		f.p.problem("POST", base+"/disclosure/answer", f.aliceTok, map[string]any{"agree": true}, http.StatusUnprocessableEntity)
		f.p.invalid("POST", base+"/disclosure/answer", f.ownerTok, map[string]any{"mode": "summary", "summary": "x"}, "agree")
		f.p.invalid("POST", base+"/disclosure/answer", f.ownerTok, map[string]any{"agree": true, "mode": "summary"}, "summary")
		f.p.invalid("POST", base+"/disclosure/answer", f.ownerTok, map[string]any{"agree": true, "mode": "everything"}, "mode")
		f.p.problem("POST", base+"/disclosure/answer", f.triagerTok, map[string]any{"agree": true, "mode": "full"}, http.StatusForbidden)
		// Nothing is public yet.
		var list rtPublicList
		if f.p.do("GET", rprog+"/disclosed", "", nil, http.StatusOK, &list); list.Total != 0 || len(list.Reports) != 0 {
			t.Errorf("before the agreement: %+v", list)
		}
		f.p.problem("GET", rprog+"/disclosed/"+rep.ID, "", nil, http.StatusNotFound)

		const summary = "Notebook titles were rendered without escaping. Fixed in 7.2.1."
		e.Clock.Advance(time.Hour)
		var disclosed rtReport
		f.p.do("POST", base+"/disclosure/answer", f.ownerTok, map[string]any{"agree": true, "mode": "summary", "summary": summary},
			http.StatusOK, &disclosed)
		if disclosed.DisclosedAt == nil || !disclosed.DisclosedAt.Equal(e.Clock.Now()) || disclosed.DisclosureMode != "summary" ||
			disclosed.DisclosureSummary != summary {
			t.Errorf("after the agreement: disclosed %v mode %q summary %q", disclosed.DisclosedAt, disclosed.DisclosureMode,
				disclosed.DisclosureSummary)
		}
		if q := disclosed.DisclosureRequests; len(q) != 1 || q[0].State != "agreed" || q[0].Mode != "summary" || q[0].DecidedAt == nil {
			t.Errorf("the agreed request: %+v", q)
		}
		f.p.problem("POST", base+"/disclosure", f.aliceTok, map[string]any{}, http.StatusUnprocessableEntity)

		// Anyone lists it and reads it: the summary, none of the report's
		// text, no address.
		secretText := []string{rep.Description, "Open the notebook", rep.Impact, "alice@example.com", "retest-evidence"}
		for _, who := range []struct{ name, tok string }{{"anonymous", ""}, {"bob", f.bobTok}} {
			r := f.p.do("GET", rprog+"/disclosed", who.tok, nil, http.StatusOK, &list)
			if list.Total != 1 || len(list.Reports) != 1 || list.Limit != 50 || list.Offset != 0 {
				t.Fatalf("%s: the disclosed list: %+v", who.name, list)
			}
			item := list.Reports[0]
			if item.ID != rep.ID || item.Title != rep.Title || item.Summary != summary || item.Mode != "summary" ||
				item.State != "resolved" || item.Program != "jupyter" || item.Asset != "jupyter_server" ||
				!item.DisclosedAt.Equal(e.Clock.Now()) || item.URL != e.URL("/programs/jupyter/disclosed/"+rep.ID) ||
				item.Awarded != 1550 || item.Currency != "EUR" {
				t.Errorf("%s: the disclosed list's item: %+v", who.name, item)
			}
			var items struct{ Reports []json.RawMessage }
			json.Unmarshal([]byte(r.Body), &items)
			for _, k := range []string{"description", "steps_to_reproduce", "impact", "comments", "attachments"} {
				if papiKeys(t, string(items.Reports[0]))[k] {
					t.Errorf("%s: the list item has %q", who.name, k)
				}
			}
			var one rtPublic
			r = f.p.do("GET", rprog+"/disclosed/"+rep.ID, who.tok, nil, http.StatusOK, &one)
			if one.ID != rep.ID || one.Summary != summary || one.Description != "" || len(one.Attachments) != 0 || len(one.Comments) != 0 {
				t.Errorf("%s: the disclosed report: %+v", who.name, one)
			}
			for _, body := range []string{r.Body, string(items.Reports[0])} {
				for _, s := range secretText {
					if strings.Contains(body, s) {
						t.Errorf("%s: the public JSON shows %q:\n%s", who.name, s, body)
					}
				}
			}
		}
		// Under another program's slug, it is not there.
		f.p.problem("GET", "/api/v1/programs/other/disclosed/"+rep.ID, "", nil, http.StatusNotFound)
		f.p.problem("GET", rprog+"/disclosed/"+open.ID, "", nil, http.StatusNotFound)
		f.p.problem("GET", rprog+"/disclosed/"+missingID(), "", nil, http.StatusNotFound)
		f.p.problem("GET", "/api/v1/programs/nope/disclosed", "", nil, http.StatusNotFound)
		f.p.problem("GET", rprog+"/disclosed", "hvn_notatoken", nil, http.StatusUnauthorized)

		// The evidence: the reporter and the team download it; a summary
		// disclosure publishes no file, so to everyone else it does not
		// exist.
		for _, who := range []struct{ name, tok string }{{"reporter", f.aliceTok}, {"triager", f.triagerTok},
			{"owner", f.ownerTok}, {"viewer", f.viewerTok}} {
			f.downloads(who.name, who.tok, proof, evidence)
		}
		f.hidden("bob downloads the evidence", f.bobTok, proof.ID)
		f.hidden("the other program's owner downloads the evidence", f.outsiderTok, proof.ID)
		f.hidden("anonymous downloads the evidence", "", proof.ID)
		if r := f.download("hvn_notatoken", proof.ID); r.StatusCode != http.StatusUnauthorized {
			t.Errorf("a bad token downloads: %d, want 401", r.StatusCode)
		}
	})
}

// TestAPIAttachmentsAndFullDisclosure checks who attaches what, that
// internal files reach the team only, and that a full disclosure
// publishes the report's text, public comments and public files, and
// nothing internal.
func TestAPIAttachmentsAndFullDisclosure(t *testing.T) {
	t.Parallel()
	apptest.Run(t, func(t *testing.T, e *apptest.Env) {
		f := newRFix(t, e)
		rep := f.submit(f.aliceTok, f.body("Path traversal in the contents API"))
		base := "/api/v1/reports/" + rep.ID

		steps := []byte("curl http://localhost:8888/api/contents/..%2f..%2fetc%2fpasswd\n")
		var up struct {
			Attachments []rtAttachment `json:"attachments"`
		}
		f.multipart(base+"/attachments", f.aliceTok, nil, []rtFile{{"steps.txt", steps}}, http.StatusCreated, &up)
		if len(up.Attachments) != 1 || up.Attachments[0].Filename != "steps.txt" || up.Attachments[0].Internal ||
			up.Attachments[0].Size != int64(len(steps)) {
			t.Fatalf("the reporter's upload: %+v", up.Attachments)
		}
		public := up.Attachments[0]
		screenshot := pngBytes(t)
		notes := []byte("Same root cause as SEC-9; do not publish.\n")
		f.multipart(base+"/attachments", f.triagerTok, [][2]string{{"internal", "true"}},
			[]rtFile{{"../../internal-notes.txt", notes}, {"screen.png", screenshot}}, http.StatusCreated, &up)
		if len(up.Attachments) != 2 || !up.Attachments[0].Internal || up.Attachments[0].Filename != "internal-notes.txt" ||
			up.Attachments[1].ContentType != "image/png" {
			t.Fatalf("the triager's internal upload: %+v", up.Attachments)
		}
		internal, screen := up.Attachments[0], up.Attachments[1]

		// Refused uploads.
		f.multipart(base+"/attachments", f.aliceTok, [][2]string{{"internal", "true"}}, []rtFile{{"x.txt", steps}},
			http.StatusUnprocessableEntity, nil)
		f.multipart(base+"/attachments", f.aliceTok, nil, nil, http.StatusUnprocessableEntity, nil)
		f.multipart(base+"/attachments", f.aliceTok, nil, []rtFile{{"empty.txt", nil}}, http.StatusUnprocessableEntity, nil)
		f.multipart(base+"/attachments", f.viewerTok, nil, []rtFile{{"x.txt", steps}}, http.StatusForbidden, nil)
		f.multipart(base+"/attachments", f.bobTok, nil, []rtFile{{"x.txt", steps}}, http.StatusNotFound, nil)
		f.multipart("/api/v1/reports/"+missingID()+"/attachments", f.aliceTok, nil, []rtFile{{"x.txt", steps}}, http.StatusNotFound, nil)
		f.multipart(base+"/attachments", "", nil, []rtFile{{"x.txt", steps}}, http.StatusUnauthorized, nil)
		f.p.problem("POST", base+"/attachments", f.aliceTok, map[string]any{"file": "x"}, http.StatusBadRequest)

		// The reporter sees their file and not the internal ones.
		mine, body := f.report(f.aliceTok, rep.ID)
		if len(mine.Attachments) != 1 || mine.Attachments[0].ID != public.ID || strings.Contains(body, "internal-notes") {
			t.Errorf("the reporter's attachments: %+v", mine.Attachments)
		}
		f.downloads("reporter", f.aliceTok, public, steps)
		f.hidden("the reporter downloads an internal file", f.aliceTok, internal.ID)
		for _, tok := range []string{f.triagerTok, f.viewerTok} {
			if team, _ := f.report(tok, rep.ID); len(team.Attachments) != 3 {
				t.Errorf("the team's attachments: %+v", team.Attachments)
			}
			f.downloads("team", tok, internal, notes)
			f.downloads("team", tok, screen, screenshot)
		}

		// A file attached by mistake: the reporter removes it (the viewer
		// may not; another researcher learns nothing); it is gone.
		f.multipart(base+"/attachments", f.aliceTok, nil, []rtFile{{"secret.txt", []byte("my token\n")}}, http.StatusCreated, &up)
		oops := up.Attachments[0]
		f.p.problem("DELETE", "/api/v1/attachments/"+oops.ID, f.viewerTok, nil, http.StatusForbidden)
		f.hidden("another researcher removes the reporter's file", f.bobTok, oops.ID)
		f.p.problem("DELETE", "/api/v1/attachments/"+oops.ID, f.bobTok, nil, http.StatusNotFound)
		f.p.do("DELETE", "/api/v1/attachments/"+oops.ID, f.aliceTok, nil, http.StatusNoContent, nil)
		f.hidden("the team downloads the removed file", f.triagerTok, oops.ID)
		f.p.problem("DELETE", "/api/v1/attachments/"+oops.ID, f.aliceTok, nil, http.StatusNotFound)

		// Comments, public and internal; then a full disclosure, which
		// the program proposes and the researcher accepts.
		f.p.do("POST", base+"/comments", f.triagerTok, map[string]any{"body": "Confirmed, thanks."}, http.StatusCreated, nil)
		f.p.do("POST", base+"/comments", f.triagerTok, map[string]any{"body": "Internal: SEC-9.", "internal": true}, http.StatusCreated, nil)
		f.move(f.triagerTok, rep.ID, map[string]any{"to": "accepted"})
		f.move(f.triagerTok, rep.ID, map[string]any{"to": "resolved"})
		f.p.invalid("POST", base+"/disclosure", f.ownerTok, map[string]any{}, "mode")
		var proposed rtReport
		f.p.do("POST", base+"/disclosure", f.ownerTok, map[string]any{"mode": "full", "message": "May we publish?"},
			http.StatusCreated, &proposed)
		if q := proposed.DisclosureRequests; len(q) != 1 || q[0].Side != "program" || q[0].Mode != "full" || q[0].State != "open" {
			t.Errorf("the program's request: %+v", q)
		}
		f.p.problem("POST", base+"/disclosure/answer", f.ownerTok, map[string]any{"agree": true, "mode": "full"}, http.StatusUnprocessableEntity)
		f.p.do("POST", base+"/disclosure/answer", f.aliceTok, map[string]any{"agree": true}, http.StatusOK, nil)

		var one rtPublic
		r := f.p.do("GET", rprog+"/disclosed/"+rep.ID, "", nil, http.StatusOK, &one)
		if one.Mode != "full" || one.Description != rep.Description || one.Summary != "" {
			t.Errorf("the full disclosure: %+v", one)
		}
		if len(one.Comments) != 1 || one.Comments[0].Body != "Confirmed, thanks." || one.Comments[0].Author != "Program jupyter team" {
			t.Errorf("the full disclosure's comments: %+v", one.Comments)
		}
		if len(one.Attachments) != 1 || one.Attachments[0].ID != public.ID {
			t.Errorf("the full disclosure's files: %+v", one.Attachments)
		}
		for _, s := range []string{"SEC-9", "internal-notes", "alice@example.com", internal.ID, screen.ID} {
			if strings.Contains(r.Body, s) {
				t.Errorf("the full disclosure shows %q:\n%s", s, r.Body)
			}
		}
		// Its public file is public now; the internal ones are not.
		f.downloads("anonymous, after a full disclosure", "", public, steps)
		f.downloads("bob, after a full disclosure", f.bobTok, public, steps)
		f.hidden("anonymous downloads an internal file", "", internal.ID)
		f.hidden("bob downloads an internal file", f.bobTok, screen.ID)

		// A request may be withdrawn by its side only.
		other := f.submit(f.aliceTok, f.body("Open redirect"))
		f.move(f.triagerTok, other.ID, map[string]any{"to": "informative", "reason": "Intended behaviour."})
		obase := "/api/v1/reports/" + other.ID
		f.p.do("POST", obase+"/disclosure", f.aliceTok, map[string]any{}, http.StatusCreated, nil)
		f.p.problem("POST", obase+"/disclosure/withdraw", f.ownerTok, nil, http.StatusUnprocessableEntity)
		f.p.problem("POST", obase+"/disclosure/withdraw", f.triagerTok, nil, http.StatusForbidden)
		f.sameAsMissing("bob withdraws", "POST", other.ID, "/disclosure/withdraw", f.bobTok, nil, http.StatusNotFound)
		var back rtReport
		f.p.do("POST", obase+"/disclosure/withdraw", f.aliceTok, nil, http.StatusOK, &back)
		if q := back.DisclosureRequests; len(q) != 1 || q[0].State != "withdrawn" || back.DisclosedAt != nil {
			t.Errorf("after withdrawing: %+v", q)
		}
		f.p.problem("POST", obase+"/disclosure/withdraw", f.aliceTok, nil, http.StatusUnprocessableEntity)
		// Declined, it stays private.
		f.p.do("POST", obase+"/disclosure", f.aliceTok, map[string]any{}, http.StatusCreated, nil)
		f.p.do("POST", obase+"/disclosure/answer", f.ownerTok, map[string]any{"agree": false, "message": "Not this one."}, http.StatusOK, &back)
		if q := back.DisclosureRequests; len(q) != 2 || q[1].State != "declined" || back.DisclosedAt != nil {
			t.Errorf("after declining: %+v", q)
		}
		var list rtPublicList
		if f.p.do("GET", rprog+"/disclosed", "", nil, http.StatusOK, &list); list.Total != 1 || list.Reports[0].ID != rep.ID {
			t.Errorf("the disclosed list: %+v", list)
		}
	})
}

// TestAPIKnownIssues checks known issues: the team records and changes
// them, a report closes as a duplicate of one, and its reporter sees
// only that it was known, never what it is.
func TestAPIKnownIssues(t *testing.T) {
	t.Parallel()
	apptest.Run(t, func(t *testing.T, e *apptest.Env) {
		f := newRFix(t, e)
		path := rprog + "/known-issues"
		in := map[string]any{"title": "XSS in notebook titles (SEC-7)", "description": "Found by our pentest; fix in 7.3."}

		f.p.problem("GET", path, "", nil, http.StatusUnauthorized)
		f.p.problem("POST", path, "", in, http.StatusUnauthorized)
		f.p.problem("POST", path, f.viewerTok, in, http.StatusForbidden)
		f.p.problem("POST", path, f.aliceTok, in, http.StatusForbidden)
		f.p.problem("GET", path, f.aliceTok, nil, http.StatusForbidden)
		f.p.problem("GET", path, f.outsiderTok, nil, http.StatusForbidden)
		f.p.problem("GET", "/api/v1/programs/nope/known-issues", f.triagerTok, nil, http.StatusNotFound)
		f.p.invalid("POST", path, f.triagerTok, map[string]any{"description": "x"}, "title")
		f.p.invalid("POST", path, f.triagerTok, map[string]any{"title": "two\nlines"}, "title")
		f.p.problem("POST", path, f.triagerTok, map[string]any{"title": "x", "severity": "High"}, http.StatusBadRequest)

		var k rtKnownIssue
		f.p.do("POST", path, f.triagerTok, in, http.StatusCreated, &k)
		want := rtKnownIssue{ID: k.ID, Title: in["title"].(string), Description: in["description"].(string),
			CreatedAt: e.Clock.Now(), UpdatedAt: e.Clock.Now()}
		if diff := cmp.Diff(want, k); diff != "" || !publicIDPattern.MatchString(k.ID) {
			t.Errorf("the new known issue (-want +got):\n%s", diff)
		}
		var list struct {
			KnownIssues []rtKnownIssue `json:"known_issues"`
		}
		if f.p.do("GET", path, f.viewerTok, nil, http.StatusOK, &list); len(list.KnownIssues) != 1 || !cmp.Equal(want, list.KnownIssues[0]) {
			t.Errorf("the viewer's list: %+v", list.KnownIssues)
		}
		e.Clock.Advance(time.Hour)
		in["title"] = "Stored XSS in notebook titles (SEC-7)"
		f.p.do("PATCH", path+"/"+k.ID, f.ownerTok, in, http.StatusOK, &k)
		if k.Title != in["title"] || !k.UpdatedAt.Equal(e.Clock.Now()) || k.ArchivedAt != nil {
			t.Errorf("after the change: %+v", k)
		}
		f.p.problem("PATCH", path+"/"+k.ID, f.viewerTok, in, http.StatusForbidden)
		f.p.problem("PATCH", path+"/"+missingID(), f.triagerTok, in, http.StatusNotFound)
		f.p.problem("PATCH", "/api/v1/programs/other/known-issues/"+k.ID, f.outsiderTok, in, http.StatusNotFound)

		// A report closes as a duplicate of it.
		rep := f.submit(f.aliceTok, f.body("XSS via the notebook title"))
		got := f.move(f.triagerTok, rep.ID, map[string]any{"to": "duplicate", "duplicate_of": k.ID})
		if got.State != "duplicate" {
			t.Fatalf("state %q", got.State)
		}
		team, _ := f.report(f.triagerTok, rep.ID)
		wantRef := &rtRef{ID: k.ID, KnownIssue: true, SubmittedAt: k.CreatedAt}
		if diff := cmp.Diff(wantRef, team.DuplicateOf); diff != "" {
			t.Errorf("the team's duplicate_of (-want +got):\n%s", diff)
		}
		mine, body := f.report(f.aliceTok, rep.ID)
		if diff := cmp.Diff(wantRef, mine.DuplicateOf); diff != "" {
			t.Errorf("the reporter's duplicate_of (-want +got):\n%s", diff)
		}
		var raw struct {
			DuplicateOf map[string]any `json:"duplicate_of"`
		}
		json.Unmarshal([]byte(body), &raw)
		if _, ok := raw.DuplicateOf["state"]; ok {
			t.Errorf("a known issue has a state: %v", raw.DuplicateOf)
		}
		for _, s := range []string{"SEC-7", "pentest", "notebook titles ("} {
			if strings.Contains(body, s) {
				t.Errorf("the reporter sees %q of the known issue:\n%s", s, body)
			}
		}
		if f.p.do("GET", path, f.triagerTok, nil, http.StatusOK, &list); len(list.KnownIssues) != 1 || list.KnownIssues[0].Duplicates != 1 {
			t.Errorf("the known issue's duplicates: %+v", list.KnownIssues)
		}
		// Reopened, the report no longer counts.
		f.move(f.triagerTok, rep.ID, map[string]any{"to": "triaged", "reason": "A different sink."})
		if f.p.do("GET", path, f.triagerTok, nil, http.StatusOK, &list); list.KnownIssues[0].Duplicates != 0 {
			t.Errorf("after reopening: %d duplicates", list.KnownIssues[0].Duplicates)
		}
		if r, _ := f.report(f.aliceTok, rep.ID); r.DuplicateOf != nil {
			t.Errorf("the reopened report still shows duplicate_of %+v", r.DuplicateOf)
		}

		// Another program's known issue is no original here.
		var elsewhere rtKnownIssue
		f.p.do("POST", "/api/v1/programs/other/known-issues", f.outsiderTok, map[string]any{"title": "Other bug"},
			http.StatusCreated, &elsewhere)
		m1 := f.p.invalid("POST", "/api/v1/reports/"+rep.ID+"/transitions", f.triagerTok,
			map[string]any{"to": "duplicate", "duplicate_of": elsewhere.ID}, "duplicate_of")
		m2 := f.p.invalid("POST", "/api/v1/reports/"+rep.ID+"/transitions", f.triagerTok,
			map[string]any{"to": "duplicate", "duplicate_of": missingID()}, "duplicate_of")
		if m1 != m2 {
			t.Errorf("another program's known issue says %q, a missing one %q", m1, m2)
		}

		// Archived, it leaves the list and takes no duplicates.
		e.Clock.Advance(time.Hour)
		// PATCH keeps what it is not sent.
		before := k
		f.p.do("PATCH", path+"/"+k.ID, f.triagerTok, map[string]any{"archived": true}, http.StatusOK, &k)
		if k.ArchivedAt == nil || !k.ArchivedAt.Equal(e.Clock.Now()) {
			t.Errorf("archived_at %v", k.ArchivedAt)
		}
		if k.Title != before.Title || k.Description != before.Description {
			t.Errorf("PATCH {archived} changed the text: %q %q, was %q %q", k.Title, k.Description, before.Title, before.Description)
		}
		if f.p.do("GET", path, f.triagerTok, nil, http.StatusOK, &list); len(list.KnownIssues) != 0 {
			t.Errorf("the list shows archived issues: %+v", list.KnownIssues)
		}
		if f.p.do("GET", path+"?archived=true", f.triagerTok, nil, http.StatusOK, &list); len(list.KnownIssues) != 1 {
			t.Errorf("?archived=true: %+v", list.KnownIssues)
		}
		f.p.invalid("POST", "/api/v1/reports/"+rep.ID+"/transitions", f.triagerTok,
			map[string]any{"to": "duplicate", "duplicate_of": k.ID}, "duplicate_of")
	})
}

// TestAPIReportIdempotencyDecoded checks that a submission's
// Idempotency-Key compares the request, not its bytes: the same report
// written with other key order and spacing replays; another report is
// refused. And the report list names each report's program.
func TestAPIReportIdempotencyDecoded(t *testing.T) {
	t.Parallel()
	apptest.Run(t, func(t *testing.T, e *apptest.Env) {
		f := newRFix(t, e)
		c := e.Client(t)
		body := f.body("Idempotent across spellings")
		compact, _ := json.Marshal(body)
		// The same object, keys reversed, indented, with spaces.
		keys := []string{"accept_rules", "impact", "steps_to_reproduce", "description", "cvss_vector", "weakness", "title", "asset_id"}
		var b strings.Builder
		b.WriteString("{\n")
		for i, k := range keys {
			v, _ := json.Marshal(body[k])
			fmt.Fprintf(&b, "   %q :\t%s", k, v)
			if i < len(keys)-1 {
				b.WriteString(" ,")
			}
			b.WriteString("\n")
		}
		b.WriteString("}\n")
		if len(keys) != len(body) || b.String() == string(compact) {
			t.Fatalf("the respelled body is not a respelling:\n%s", b.String())
		}
		send := func(raw string) *apptest.Response {
			req, _ := http.NewRequest("POST", e.URL(rprog+"/reports"), strings.NewReader(raw))
			req.Header.Set("Authorization", "Bearer "+f.aliceTok)
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Idempotency-Key", "respelled")
			r := c.Do(req)
			f.p.conforms("keyed submission", "POST", rprog+"/reports", r)
			return r
		}
		first := send(string(compact))
		again := send(b.String())
		var r1, r2 rapiReport
		json.Unmarshal([]byte(first.Body), &r1)
		json.Unmarshal([]byte(again.Body), &r2)
		if first.StatusCode != http.StatusCreated || first.Header.Get("Idempotent-Replayed") != "" {
			t.Fatalf("first: %d replayed %q\n%s", first.StatusCode, first.Header.Get("Idempotent-Replayed"), first.Body)
		}
		if again.StatusCode != http.StatusCreated || again.Header.Get("Idempotent-Replayed") != "true" || r2.ID != r1.ID {
			t.Errorf("respelled: %d replayed %q id %q, want a replay of %q\n%s", again.StatusCode,
				again.Header.Get("Idempotent-Replayed"), r2.ID, r1.ID, again.Body)
		}
		// Another value under the same key is another request.
		other := send(strings.Replace(b.String(), "Idempotent across spellings", "Idempotent across spellings!", 1))
		problemOf(t, "same key, another title", other, http.StatusUnprocessableEntity)
		if n := f.count(); n != 1 {
			t.Errorf("%d reports, want 1", n)
		}

		// The list names each report's program.
		var elsewhere rapiReport
		f.p.do("POST", "/api/v1/programs/other/reports", f.aliceTok, map[string]any{"asset_id": f.otherAsset.ID,
			"title": "Elsewhere", "description": "x", "accept_rules": true}, http.StatusCreated, &elsewhere)
		var list struct {
			Reports []struct {
				ID      string `json:"id"`
				Program string `json:"program"`
			} `json:"reports"`
		}
		f.p.do("GET", "/api/v1/reports", f.aliceTok, nil, http.StatusOK, &list)
		got := map[string]string{}
		for _, r := range list.Reports {
			got[r.ID] = r.Program
		}
		if want := map[string]string{r1.ID: "jupyter", elsewhere.ID: "other"}; !cmp.Equal(want, got) {
			t.Errorf("the list's programs: %v, want %v", got, want)
		}
	})
}
