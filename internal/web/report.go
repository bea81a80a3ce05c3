package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/haven-project/haven/internal/app"
	"github.com/haven-project/haven/internal/cvss"
	"github.com/haven-project/haven/internal/haven"
	"github.com/haven-project/haven/internal/money"
)

// cvss31Metrics describes the CVSS 3.1 base metrics for the calculator
// that works without JavaScript: the form posts the chosen values, the
// server builds the vector.
var cvss31Metrics = []calcMetric{
	{"AV", "Attack vector", []calcValue{{"N", "Network"}, {"A", "Adjacent"}, {"L", "Local"}, {"P", "Physical"}}},
	{"AC", "Attack complexity", []calcValue{{"L", "Low"}, {"H", "High"}}},
	{"PR", "Privileges required", []calcValue{{"N", "None"}, {"L", "Low"}, {"H", "High"}}},
	{"UI", "User interaction", []calcValue{{"N", "None"}, {"R", "Required"}}},
	{"S", "Scope", []calcValue{{"U", "Unchanged"}, {"C", "Changed"}}},
	{"C", "Confidentiality", []calcValue{{"N", "None"}, {"L", "Low"}, {"H", "High"}}},
	{"I", "Integrity", []calcValue{{"N", "None"}, {"L", "Low"}, {"H", "High"}}},
	{"A", "Availability", []calcValue{{"N", "None"}, {"L", "Low"}, {"H", "High"}}},
}

type calcMetric struct {
	Key, Label string
	Values     []calcValue
}

type calcValue struct{ Value, Label string }

// calcVector builds a 3.1 vector from the calculator's fields. It returns
// "" and the labels of the metrics left unchosen when some are missing
// (none when the calculator was not used at all).
func calcVector(r *http.Request) (vector string, missing []string) {
	parts := []string{"CVSS:3.1"}
	for _, m := range cvss31Metrics {
		v := r.PostFormValue("m_" + m.Key)
		if v == "" {
			missing = append(missing, m.Label)
			continue
		}
		parts = append(parts, m.Key+":"+v)
	}
	switch len(missing) {
	case 0:
		return strings.Join(parts, "/"), nil
	case len(cvss31Metrics):
		return "", nil
	}
	return "", missing
}

// severityTone names the colour of a severity badge from the CVSS score,
// so that a program's own band names still read from cold to hot.
func severityTone(score float64) string {
	switch {
	case score >= 9.5:
		return "sev-top"
	case score >= 9.0:
		return "sev-critical"
	case score >= 7.0:
		return "sev-high"
	case score >= 4.0:
		return "sev-medium"
	case score > 0:
		return "sev-low"
	}
	return "sev-none"
}

// reportHelpers gives the report templates their small helpers.
type reportHelpers struct{}

// Tone is severityTone for templates.
func (reportHelpers) Tone(score float64) string { return severityTone(score) }

// StateLabel is the label of a state named by a string (a history
// entry's from and to).
func (reportHelpers) StateLabel(s string) string { return haven.ReportState(s).Label() }

// VectorScore is the base score of a vector, such as "9.8", or "".
func (reportHelpers) VectorScore(vector string) string {
	v, err := cvss.Parse(vector)
	if err != nil {
		return ""
	}
	return strconv.FormatFloat(v.Score, 'f', 1, 64)
}

// submitPage is the report form.
type submitPage struct {
	formPage
	reportHelpers
	Program *app.ProgramView
	Metrics []calcMetric
	// Chosen calculator values by metric key, from the vector.
	Chosen map[string]string
	// Score shown after "Calculate".
	Score *cvss.Vector
	// Severity is the program's band for Score.
	Severity string
	// Fields lists the form's fields in page order, for the summary of
	// errors that links to each.
	Fields []string
	// MaxFileMB, MaxFiles: the attachment limits, for the form's hint.
	MaxFileMB, MaxFiles int
}

func (s *Server) submitPage(r *http.Request) (*submitPage, error) {
	v, err := s.app.Program(r.Context(), actorFrom(r), r.PathValue("slug"))
	if err != nil {
		return nil, err
	}
	p := &submitPage{formPage: *s.formPage(r, "Report a vulnerability to "+v.Name), Program: v, Metrics: cvss31Metrics, Chosen: map[string]string{},
		Fields:    []string{"asset_id", "title", "weakness", "cvss_vector", "calculator", "description", "steps_to_reproduce", "impact", "attachments", "accept_rules"},
		MaxFileMB: app.MaxAttachmentBytes >> 20, MaxFiles: app.MaxUploadFiles}
	p.Narrow = false
	return p, nil
}

// fillScore shows the score of the vector in the form, if it parses.
func (p *submitPage) fillScore(vector string) {
	if strings.TrimSpace(vector) == "" {
		return
	}
	if v, err := cvss.Parse(vector); err == nil {
		p.Score = &v
		p.Severity = haven.Severity(p.Program.Bands, v.Score)
		p.Form["cvss_vector"] = v.Canonical
		if v.Version == "3.1" {
			for _, part := range strings.Split(v.Canonical, "/")[1:] {
				k, val, _ := strings.Cut(part, ":")
				p.Chosen[k] = val
			}
		}
	}
}

func (s *Server) showSubmit(w http.ResponseWriter, r *http.Request) error {
	p, err := s.submitPage(r)
	if err != nil {
		return err
	}
	if p.Program.Status != haven.StatusPublished {
		return s.message(w, r, "This program does not accept reports now", "It is "+string(p.Program.Status)+". Look at the program's page for updates.")
	}
	p.Form["policy_version"] = strconv.Itoa(p.Program.PolicyVersion)
	if id := r.URL.Query().Get("asset"); id != "" {
		p.Form["asset_id"] = id
	}
	return s.render(w, r, "report_new", p)
}

var submitFields = []string{"asset_id", "title", "weakness", "cvss_vector", "description", "steps_to_reproduce", "impact", "policy_version"}

func (s *Server) submitReport(w http.ResponseWriter, r *http.Request) error {
	p, err := s.submitPage(r)
	if err != nil {
		return err
	}
	files, done, err := formFiles(r, "attachments")
	defer done()
	if err != nil {
		return err
	}
	for _, f := range submitFields {
		p.Form[f] = r.PostFormValue(f)
	}
	if r.PostFormValue("accept_rules") == "on" {
		p.Form["accept_rules"] = "on"
	}
	// "Calculate" re-renders the form with the vector built from the
	// calculator and its score; nothing is submitted.
	if r.PostFormValue("calculate") != "" {
		v, missing := calcVector(r)
		if len(missing) > 0 {
			for _, m := range cvss31Metrics {
				p.Chosen[m.Key] = r.PostFormValue("m_" + m.Key)
			}
			p.Errors = haven.Invalid("calculator", "Choose a value for every metric: "+strings.ToLower(strings.Join(missing, ", "))+" still need one.")
			return s.renderStatus(w, r, http.StatusUnprocessableEntity, "report_new", p)
		}
		if v != "" {
			p.Form["cvss_vector"] = v
		}
		if strings.TrimSpace(p.Form["cvss_vector"]) == "" {
			p.Errors = haven.Invalid("calculator", "Choose a value for every metric, or type a vector above.")
			return s.renderStatus(w, r, http.StatusUnprocessableEntity, "report_new", p)
		}
		if _, err := cvss.Parse(p.Form["cvss_vector"]); err != nil {
			p.Errors = haven.Invalid("cvss_vector", capitalizeFirst(err.Error())+".")
			return s.renderStatus(w, r, http.StatusUnprocessableEntity, "report_new", p)
		}
		p.fillScore(p.Form["cvss_vector"])
		return s.render(w, r, "report_new", p)
	}
	// A researcher who chose every metric but left the vector empty
	// (never pressed Calculate) submits the calculator's vector.
	if strings.TrimSpace(p.Form["cvss_vector"]) == "" {
		if v, _ := calcVector(r); v != "" {
			p.Form["cvss_vector"] = v
		}
	}
	assetID, _ := strconv.ParseInt(p.Form["asset_id"], 10, 64)
	version, _ := strconv.Atoi(p.Form["policy_version"])
	rep, err := s.app.SubmitReport(r.Context(), actorFrom(r), r.PathValue("slug"), app.SubmitInput{
		AssetID: assetID, Title: p.Form["title"], Weakness: p.Form["weakness"], CVSSVector: p.Form["cvss_vector"],
		Description: p.Form["description"], Steps: p.Form["steps_to_reproduce"], Impact: p.Form["impact"],
		AcceptRules: p.Form["accept_rules"] == "on", PolicyVersion: version, Files: files,
	})
	if ok, err := p.invalidForm(err); ok {
		p.fillScore(p.Form["cvss_vector"])
		p.Form["policy_version"] = strconv.Itoa(p.Program.PolicyVersion)
		return s.renderStatus(w, r, http.StatusUnprocessableEntity, "report_new", p)
	} else if err != nil {
		return err
	}
	return s.redirect(w, r, "/reports/"+rep.PublicID, "report-submitted")
}

func capitalizeFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// reportPage shows one report.
type reportPage struct {
	formPage
	reportHelpers
	*app.ReportView
	OutOfScope []haven.OutOfScopeClass
	Canned     []haven.CannedResponse
	Team       []haven.Member
	// Timeline is the history and the comments, oldest first.
	Timeline []timelineItem
	// Due is "overdue" or "soon" while the validation deadline applies.
	Due string
	// Rewards is the awards block (awards, and the form for owners).
	Rewards *awardsBlock
	// Files sorts the attachments by what they belong to.
	Files reportFiles
	// Currency is the program's; RetestBonus its retest bonus, formatted
	// ("" for none); RetestDeadline the default deadline of a retest
	// request (YYYY-MM-DD).
	Currency       money.Currency
	RetestBonus    string
	RetestDeadline string
	// MaxFileMB, MaxFiles: the attachment limits, for the forms' hints.
	MaxFileMB, MaxFiles int
}

// FormValue returns a typed value of the form named form, for fields that
// several of the page's forms share (a reason).
func (p *reportPage) FormValue(form, name string) string {
	if p.Form["form"] != form {
		return ""
	}
	return p.Form[name]
}

// timelineItem is one entry of a report's timeline: an event or a comment.
type timelineItem struct {
	At      time.Time
	Event   *haven.ReportEvent
	Comment *haven.Comment
	// Assignee names the new assignee of an "assign" event ("" for nobody).
	Assignee string
}

// timeline merges a report's events and comments, oldest first. A comment
// comes before an event of the same instant (a reporter's answer moves a
// report back to triage), except the submission itself.
func timeline(v *app.ReportView, team []haven.Member) []timelineItem {
	name := func(id string) string {
		n, _ := strconv.ParseInt(id, 10, 64)
		if n == 0 {
			return ""
		}
		if s, ok := v.Names[n]; ok {
			return s
		}
		for _, m := range team {
			if m.User.ID == n {
				return m.User.Name()
			}
		}
		return "a former team member"
	}
	var out []timelineItem
	for i := range v.Events {
		e := &v.Events[i]
		it := timelineItem{At: e.At, Event: e}
		if e.Kind == "assign" {
			it.Assignee = name(e.To)
		}
		out = append(out, it)
	}
	for i := range v.Comments {
		out = append(out, timelineItem{At: v.Comments[i].CreatedAt, Comment: &v.Comments[i]})
	}
	rank := func(it timelineItem) int {
		switch {
		case it.Event != nil && it.Event.Kind == "submitted":
			return 0
		case it.Comment != nil:
			return 1
		}
		return 2
	}
	sort.SliceStable(out, func(i, j int) bool {
		if !out[i].At.Equal(out[j].At) {
			return out[i].At.Before(out[j].At)
		}
		return rank(out[i]) < rank(out[j])
	})
	return out
}

func (s *Server) reportPage(r *http.Request) (*reportPage, error) {
	v, err := s.app.Report(r.Context(), actorFrom(r), r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	p := &reportPage{formPage: *s.formPage(r, v.Title), ReportView: v}
	p.Narrow = false
	if v.IsTeam {
		if t, err := s.app.Team(r.Context(), actorFrom(r), v.Program.Slug); err == nil {
			p.Team = t.Members
		}
	}
	if v.CanTriage {
		pv, err := s.app.Program(r.Context(), actorFrom(r), v.Program.Slug)
		if err != nil {
			return nil, err
		}
		p.OutOfScope = pv.OutOfScope
	}
	if v.IsTeam && v.CanComment {
		if p.Canned, err = s.app.CannedResponses(r.Context(), actorFrom(r), v.Program.Slug); err != nil {
			return nil, err
		}
	}
	p.Timeline = timeline(v, p.Team)
	p.Files = reportFiles{all: v.Attachments}
	p.MaxFileMB, p.MaxFiles = app.MaxAttachmentBytes>>20, app.MaxUploadFiles
	if p.Currency, err = money.ParseCurrency(v.Program.Currency); err != nil {
		return nil, err
	}
	if v.Program.RetestBonus > 0 && v.Program.Kind == haven.KindBounty {
		p.RetestBonus = p.Currency.Format(money.Amount(v.Program.RetestBonus))
	}
	p.RetestDeadline = s.app.Now().Add(app.DefaultRetestWindow).Format("2006-01-02")
	if p.Rewards, err = s.awardsFor(r, v, nil, nil); err != nil {
		return nil, err
	}
	if v.State.Validating() && v.ValidationDeadline != nil {
		now := s.app.Now()
		switch d := *v.ValidationDeadline; {
		case d.Before(now):
			p.Due = "overdue"
		case d.Before(now.Add(48 * time.Hour)):
			p.Due = "soon"
		}
	}
	return p, nil
}

func (s *Server) showReport(w http.ResponseWriter, r *http.Request) error {
	p, err := s.reportPage(r)
	if errors.Is(err, haven.ErrNotFound) {
		// A report the actor may not see privately may be public.
		if pr, derr := s.app.DisclosedReport(r.Context(), r.PathValue("id")); derr == nil {
			http.Redirect(w, r, "/programs/"+pr.Program.Slug+"/disclosed/"+pr.PublicID, http.StatusSeeOther)
			return nil
		}
	}
	if err != nil {
		return err
	}
	if id := r.URL.Query().Get("canned"); id != "" && p.CanComment {
		for _, c := range p.Canned {
			if strconv.FormatInt(c.ID, 10) == id {
				p.Form["body"] = c.Body
				p.Form["form"] = "comment"
			}
		}
	}
	return s.render(w, r, "report", p)
}

// afterReportAction redirects to the report, or renders it again with the
// form's errors. The form's hidden "form" field names which of the page's
// forms was sent, so that its messages show there only.
func (s *Server) afterReportAction(w http.ResponseWriter, r *http.Request, err error, flash, anchor string, keep ...string) error {
	var inv *haven.InvalidError
	if errors.As(err, &inv) {
		p, perr := s.reportPage(r)
		if perr != nil {
			return perr
		}
		for _, k := range append(keep, "form") {
			p.Form[k] = r.PostFormValue(k)
		}
		p.Errors = inv
		return s.renderStatus(w, r, http.StatusUnprocessableEntity, "report", p)
	}
	if err != nil {
		return err
	}
	return s.redirect(w, r, "/reports/"+url.PathEscape(r.PathValue("id"))+anchor, flash)
}

func (s *Server) commentReport(w http.ResponseWriter, r *http.Request) error {
	files, done, err := formFiles(r, "attachments")
	defer done()
	if err != nil {
		return err
	}
	c, err := s.app.CommentWithFiles(r.Context(), actorFrom(r), r.PathValue("id"), r.PostFormValue("body"), r.PostFormValue("internal") == "on", files)
	anchor := ""
	if err == nil {
		anchor = "#comment-" + strconv.FormatInt(c.ID, 10) // the new comment, in view
	}
	return s.afterReportAction(w, r, err, "comment-posted", anchor, "body", "internal")
}

func (s *Server) transitionReport(w http.ResponseWriter, r *http.Request) error {
	oos, _ := strconv.ParseInt(r.PostFormValue("out_of_scope_id"), 10, 64)
	// The form says which state the triager saw, so that of two triagers
	// acting at once the second gets "changed meanwhile" (409).
	err := s.app.Transition(r.Context(), actorFrom(r), r.PathValue("id"), app.TransitionInput{
		From: haven.ReportState(r.PostFormValue("from")),
		To:   haven.ReportState(r.PostFormValue("to")), Reason: r.PostFormValue("reason"),
		DuplicateOf: r.PostFormValue("duplicate_of"), OutOfScopeID: oos,
	})
	return s.afterReportAction(w, r, err, "report-updated", "", "to", "reason", "duplicate_of", "out_of_scope_id")
}

func (s *Server) rescoreReport(w http.ResponseWriter, r *http.Request) error {
	err := s.app.ChangeCVSS(r.Context(), actorFrom(r), r.PathValue("id"), r.PostFormValue("cvss_vector"), r.PostFormValue("reason"))
	return s.afterReportAction(w, r, err, "report-updated", "", "cvss_vector", "reason")
}

func (s *Server) assignReport(w http.ResponseWriter, r *http.Request) error {
	id, _ := strconv.ParseInt(r.PostFormValue("assignee"), 10, 64)
	err := s.app.Assign(r.Context(), actorFrom(r), r.PathValue("id"), id)
	return s.afterReportAction(w, r, err, "report-updated", "", "assignee")
}

// inboxPage lists the reports the actor may see.
type inboxPage struct {
	basePage
	reportHelpers
	List     app.ReportList
	Query    app.ReportQuery
	Programs []*haven.Program // the actor's programs, for the filter
	Names    map[int64]string // program names by id
	Member   bool             // the actor is on some program's team
	States   []haven.ReportState
	// Filter choices from the actor's programs: severities (most severe
	// first), assets and the people a report can be assigned to.
	Severities []string
	Assets     []inboxAsset
	Assignees  []inboxPerson
	// People names team members by account id, for the assignee column.
	People map[int64]string
	// AssetNames names the assets of the listed reports by id.
	AssetNames map[int64]string
	// Filtered reports whether any filter is set.
	Filtered bool
	Prev     string
	Next     string
}

type inboxAsset struct {
	ID            int64
	Name, Program string
}

type inboxPerson struct {
	ID   int64
	Name string
}

// reportQuery reads the inbox filters from the URL.
func reportQuery(r *http.Request) (app.ReportQuery, error) {
	q := r.URL.Query()
	rq := app.ReportQuery{Program: q.Get("program"), Severity: q.Get("severity"), Due: q.Get("due")}
	for _, st := range q["state"] {
		if st == "" {
			continue
		}
		found := false
		for _, known := range haven.ReportStates {
			found = found || string(known) == st
		}
		if !found {
			return rq, haven.Invalid("state", fmt.Sprintf("%q is not a report state.", st))
		}
		rq.States = append(rq.States, haven.ReportState(st))
	}
	if a := q.Get("asset"); a != "" {
		id, err := strconv.ParseInt(a, 10, 64)
		if err != nil {
			return rq, haven.Invalid("asset", "Give an asset id.")
		}
		rq.AssetID = id
	}
	switch a := q.Get("assignee"); a {
	case "":
	case "none":
		rq.Assignee = -1
	default:
		id, err := strconv.ParseInt(a, 10, 64)
		if err != nil {
			return rq, haven.Invalid("assignee", "Give an account id or none.")
		}
		rq.Assignee = id
	}
	if rq.Due != "" && rq.Due != "overdue" && rq.Due != "soon" {
		return rq, haven.Invalid("due", "Use overdue or soon.")
	}
	for _, k := range []string{"limit", "offset"} {
		if v := q.Get(k); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				return rq, haven.Invalid(k, "Give a whole number.")
			}
			if k == "limit" {
				rq.Limit = n
			} else {
				rq.Offset = n
			}
		}
	}
	return rq, nil
}

func (s *Server) showInbox(w http.ResponseWriter, r *http.Request) error {
	rq, err := reportQuery(r)
	if err != nil {
		return err
	}
	if rq.Limit == 0 {
		rq.Limit = 50
	}
	ctx, actor := r.Context(), actorFrom(r)
	list, err := s.app.Reports(ctx, actor, rq)
	if err != nil {
		return err
	}
	ps, err := s.app.Programs(ctx, actor)
	if err != nil {
		return err
	}
	p := &inboxPage{basePage: s.base(r, "Inbox"), List: list, Query: rq, Names: map[int64]string{}, States: haven.ReportStates,
		People: map[int64]string{}, AssetNames: map[int64]string{}}
	p.Filtered = rq.Program != "" || len(rq.States) > 0 || rq.Severity != "" || rq.AssetID != 0 || rq.Assignee != 0 || rq.Due != ""
	seenSeverity := map[string]bool{}
	addSeverities := func(pr *haven.Program) {
		for i := len(pr.Bands) - 1; i >= 0; i-- {
			if n := pr.Bands[i].Name; !seenSeverity[n] {
				seenSeverity[n] = true
				p.Severities = append(p.Severities, n)
			}
		}
	}
	seenPerson := map[int64]bool{}
	for _, pr := range ps {
		p.Names[pr.ID] = pr.Name
		if _, ok := actor.Role(pr.ID); !ok {
			continue
		}
		p.Programs = append(p.Programs, pr)
		p.Member = true
		addSeverities(pr)
		assets, err := s.app.Assets(ctx, actor, pr.Slug)
		if err != nil {
			return err
		}
		for _, a := range assets {
			p.Assets = append(p.Assets, inboxAsset{ID: a.ID, Name: a.Name, Program: pr.Name})
			p.AssetNames[a.ID] = a.Name
		}
		team, err := s.app.Team(ctx, actor, pr.Slug)
		if err != nil {
			return err
		}
		for _, m := range team.Members {
			p.People[m.User.ID] = m.User.Name()
			if m.Role != haven.RoleViewer && !seenPerson[m.User.ID] && m.User.ID != actor.UserID() {
				seenPerson[m.User.ID] = true
				p.Assignees = append(p.Assignees, inboxPerson{m.User.ID, m.User.Name()})
			}
		}
	}
	if !p.Member {
		// A researcher filters by the severities of every program they
		// may report to.
		for _, pr := range ps {
			addSeverities(pr)
		}
	}
	if rq.Offset > 0 {
		q := r.URL.Query()
		q.Set("offset", strconv.Itoa(max(rq.Offset-rq.Limit, 0)))
		p.Prev = "/inbox?" + q.Encode()
	}
	if rq.Offset+len(list.Reports) < list.Total {
		q := r.URL.Query()
		q.Set("offset", strconv.Itoa(rq.Offset+rq.Limit))
		p.Next = "/inbox?" + q.Encode()
	}
	return s.render(w, r, "inbox", p)
}

// noticesPage lists the account's notices about reports.
type noticesPage struct {
	basePage
	Notices []app.Notice
}

func (s *Server) showNotices(w http.ResponseWriter, r *http.Request) error {
	ns, err := s.app.Notices(r.Context(), actorFrom(r))
	if err != nil {
		return err
	}
	p := &noticesPage{basePage: s.base(r, "Notifications"), Notices: ns}
	p.Unread = 0 // they are read now
	return s.render(w, r, "notifications", p)
}
