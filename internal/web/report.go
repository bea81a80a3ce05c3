package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/haven-project/haven/internal/app"
	"github.com/haven-project/haven/internal/cvss"
	"github.com/haven-project/haven/internal/haven"
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

// calcVector builds a 3.1 vector from the calculator's fields, or "" when
// a metric is missing.
func calcVector(r *http.Request) string {
	parts := []string{"CVSS:3.1"}
	for _, m := range cvss31Metrics {
		v := r.PostFormValue("m_" + m.Key)
		if v == "" {
			return ""
		}
		parts = append(parts, m.Key+":"+v)
	}
	return strings.Join(parts, "/")
}

// submitPage is the report form.
type submitPage struct {
	formPage
	Program *app.ProgramView
	Metrics []calcMetric
	// Chosen calculator values by metric key, from the vector.
	Chosen map[string]string
	// Score shown after "Calculate".
	Score *cvss.Vector
	// Severity is the program's band for Score.
	Severity string
}

func (s *Server) submitPage(r *http.Request) (*submitPage, error) {
	v, err := s.app.Program(r.Context(), actorFrom(r), r.PathValue("slug"))
	if err != nil {
		return nil, err
	}
	p := &submitPage{formPage: *s.formPage(r, "Report a vulnerability to "+v.Name), Program: v, Metrics: cvss31Metrics, Chosen: map[string]string{}}
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
	for _, f := range submitFields {
		p.Form[f] = r.PostFormValue(f)
	}
	if r.PostFormValue("accept_rules") == "on" {
		p.Form["accept_rules"] = "on"
	}
	// "Calculate" re-renders the form with the vector built from the
	// calculator and its score; nothing is submitted.
	if r.PostFormValue("calculate") != "" {
		if v := calcVector(r); v != "" {
			p.Form["cvss_vector"] = v
		}
		p.fillScore(p.Form["cvss_vector"])
		if p.Score == nil && strings.TrimSpace(p.Form["cvss_vector"]) != "" {
			if _, err := cvss.Parse(p.Form["cvss_vector"]); err != nil {
				p.Errors = haven.Invalid("cvss_vector", capitalizeFirst(err.Error())+".")
				return s.renderStatus(w, r, http.StatusUnprocessableEntity, "report_new", p)
			}
		}
		return s.render(w, r, "report_new", p)
	}
	assetID, _ := strconv.ParseInt(p.Form["asset_id"], 10, 64)
	version, _ := strconv.Atoi(p.Form["policy_version"])
	rep, err := s.app.SubmitReport(r.Context(), actorFrom(r), r.PathValue("slug"), app.SubmitInput{
		AssetID: assetID, Title: p.Form["title"], Weakness: p.Form["weakness"], CVSSVector: p.Form["cvss_vector"],
		Description: p.Form["description"], Steps: p.Form["steps_to_reproduce"], Impact: p.Form["impact"],
		AcceptRules: p.Form["accept_rules"] == "on", PolicyVersion: version,
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
	*app.ReportView
	OutOfScope []haven.OutOfScopeClass
	Canned     []haven.CannedResponse
	Team       []haven.Member
}

func (s *Server) reportPage(r *http.Request) (*reportPage, error) {
	v, err := s.app.Report(r.Context(), actorFrom(r), r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	p := &reportPage{formPage: *s.formPage(r, v.Title), ReportView: v}
	p.Narrow = false
	if v.CanTriage {
		pv, err := s.app.Program(r.Context(), actorFrom(r), v.Program.Slug)
		if err != nil {
			return nil, err
		}
		p.OutOfScope = pv.OutOfScope
		if p.Canned, err = s.app.CannedResponses(r.Context(), actorFrom(r), pv.Slug); err != nil {
			return nil, err
		}
		if t, err := s.app.Team(r.Context(), actorFrom(r), pv.Slug); err == nil {
			p.Team = t.Members
		}
	}
	return p, nil
}

func (s *Server) showReport(w http.ResponseWriter, r *http.Request) error {
	p, err := s.reportPage(r)
	if err != nil {
		return err
	}
	if id := r.URL.Query().Get("canned"); id != "" && p.CanComment {
		for _, c := range p.Canned {
			if strconv.FormatInt(c.ID, 10) == id {
				p.Form["body"] = c.Body
			}
		}
	}
	return s.render(w, r, "report", p)
}

// afterReportAction redirects to the report, or renders it again with the
// form's errors.
func (s *Server) afterReportAction(w http.ResponseWriter, r *http.Request, err error, flash string, keep ...string) error {
	var inv *haven.InvalidError
	if errors.As(err, &inv) {
		p, perr := s.reportPage(r)
		if perr != nil {
			return perr
		}
		for _, k := range keep {
			p.Form[k] = r.PostFormValue(k)
		}
		p.Errors = inv
		return s.renderStatus(w, r, http.StatusUnprocessableEntity, "report", p)
	}
	if err != nil {
		return err
	}
	return s.redirect(w, r, "/reports/"+url.PathEscape(r.PathValue("id")), flash)
}

func (s *Server) commentReport(w http.ResponseWriter, r *http.Request) error {
	_, err := s.app.Comment(r.Context(), actorFrom(r), r.PathValue("id"), r.PostFormValue("body"), r.PostFormValue("internal") == "on")
	return s.afterReportAction(w, r, err, "comment-posted", "body", "internal")
}

func (s *Server) transitionReport(w http.ResponseWriter, r *http.Request) error {
	oos, _ := strconv.ParseInt(r.PostFormValue("out_of_scope_id"), 10, 64)
	err := s.app.Transition(r.Context(), actorFrom(r), r.PathValue("id"), app.TransitionInput{
		To: haven.ReportState(r.PostFormValue("to")), Reason: r.PostFormValue("reason"),
		DuplicateOf: r.PostFormValue("duplicate_of"), OutOfScopeID: oos,
	})
	return s.afterReportAction(w, r, err, "report-updated", "to", "reason", "duplicate_of", "out_of_scope_id")
}

func (s *Server) rescoreReport(w http.ResponseWriter, r *http.Request) error {
	err := s.app.ChangeCVSS(r.Context(), actorFrom(r), r.PathValue("id"), r.PostFormValue("cvss_vector"), r.PostFormValue("reason"))
	return s.afterReportAction(w, r, err, "report-updated", "cvss_vector")
}

func (s *Server) assignReport(w http.ResponseWriter, r *http.Request) error {
	id, _ := strconv.ParseInt(r.PostFormValue("assignee"), 10, 64)
	err := s.app.Assign(r.Context(), actorFrom(r), r.PathValue("id"), id)
	return s.afterReportAction(w, r, err, "report-updated")
}

// inboxPage lists the reports the actor may see.
type inboxPage struct {
	basePage
	List     app.ReportList
	Query    app.ReportQuery
	Programs []*haven.Program // the actor's programs, for the filter
	Names    map[int64]string // program names by id
	Member   bool             // the actor is on some program's team
	States   []haven.ReportState
	Now      interface{}
	Prev     string
	Next     string
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
	list, err := s.app.Reports(r.Context(), actorFrom(r), rq)
	if err != nil {
		return err
	}
	ps, err := s.app.Programs(r.Context(), actorFrom(r))
	if err != nil {
		return err
	}
	p := &inboxPage{basePage: s.base(r, "Inbox"), List: list, Query: rq, Names: map[int64]string{}, States: haven.ReportStates}
	actor := actorFrom(r)
	for _, pr := range ps {
		p.Names[pr.ID] = pr.Name
		if _, ok := actor.Role(pr.ID); ok {
			p.Programs = append(p.Programs, pr)
			p.Member = true
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
