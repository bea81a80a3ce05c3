package web

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/haven-project/haven/internal/app"
	"github.com/haven-project/haven/internal/cvss"
	"github.com/haven-project/haven/internal/haven"
)

// apiScore answers GET /api/v1/cvss?vector=...: anyone may score a vector.
func (s *Server) apiScore(w http.ResponseWriter, r *http.Request) error {
	vector := r.URL.Query().Get("vector")
	if strings.TrimSpace(vector) == "" {
		return badRequest("Give a CVSS 3.1 or 4.0 vector in the vector parameter.")
	}
	v, err := cvss.Parse(vector)
	if err != nil {
		var ce *cvss.Error
		if errors.As(err, &ce) {
			return &metricError{metric: ce.Metric, msg: capitalizeFirst(err.Error()) + "."}
		}
		return badRequest(capitalizeFirst(err.Error()) + ".")
	}
	w.Header().Set("Cache-Control", "public, max-age=86400")
	return writeJSON(w, http.StatusOK, map[string]any{"version": v.Version, "vector": v.Canonical, "score": v.Score, "severity": v.Rating})
}

// metricError is a 400 naming the offending CVSS metric.
type metricError struct{ metric, msg string }

func (e *metricError) Error() string     { return e.msg }
func (e *metricError) Is(err error) bool { return err == errBadRequest }

type apiEvent struct {
	Kind   string    `json:"kind"`
	From   string    `json:"from,omitempty"`
	To     string    `json:"to,omitempty"`
	Reason string    `json:"reason,omitempty"`
	Actor  string    `json:"actor,omitempty"`
	At     time.Time `json:"at"`
	// Internal events (assignments) reach only the team, which needs to
	// tell them from those the reporter sees, as with comments.
	Internal bool `json:"internal,omitempty"`
}

type apiComment struct {
	ID        int64     `json:"id"`
	Author    string    `json:"author"`
	Body      string    `json:"body"`
	Internal  bool      `json:"internal,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

type apiReportRef struct {
	ID string `json:"id"`
	// KnownIssue: the original is one of the program's known issues (it
	// has no state; submitted_at is when the program recorded it).
	KnownIssue bool `json:"known_issue,omitempty"`
	// Title of the known issue, for the team only.
	Title       string    `json:"title,omitempty"`
	State       string    `json:"state,omitempty"`
	SubmittedAt time.Time `json:"submitted_at"`
}

type apiReport struct {
	ID                 string                 `json:"id"`
	URL                string                 `json:"url"`
	Program            string                 `json:"program"`
	AssetID            int64                  `json:"asset_id"`
	Asset              string                 `json:"asset"`
	Title              string                 `json:"title"`
	Weakness           string                 `json:"weakness"`
	CVSSVector         string                 `json:"cvss_vector"`
	CVSSScore          *float64               `json:"cvss_score"`
	Severity           string                 `json:"severity"`
	Description        string                 `json:"description"`
	Steps              string                 `json:"steps_to_reproduce"`
	Impact             string                 `json:"impact"`
	State              string                 `json:"state"`
	OutOfScopeID       int64                  `json:"out_of_scope_id,omitempty"`
	PolicyVersion      int                    `json:"policy_version"`
	SubmittedAt        time.Time              `json:"submitted_at"`
	UpdatedAt          time.Time              `json:"updated_at"`
	ValidationDeadline *time.Time             `json:"validation_deadline"`
	DuplicateOf        *apiReportRef          `json:"duplicate_of,omitempty"`
	Duplicates         int                    `json:"duplicates"`
	History            []apiEvent             `json:"history"`
	Comments           []apiComment           `json:"comments"`
	Attachments        []apiAttachment        `json:"attachments"`
	Retests            []apiRetest            `json:"retests"`
	DisclosureRequests []apiDisclosureRequest `json:"disclosure_requests"`
	DisclosedAt        *time.Time             `json:"disclosed_at"`
	DisclosureMode     string                 `json:"disclosure_mode,omitempty"`
	DisclosureSummary  string                 `json:"disclosure_summary,omitempty"`
	// Team only.
	Reporter   string `json:"reporter,omitempty"`
	AssigneeID int64  `json:"assignee_id,omitempty"`
}

func (s *Server) reportJSON(v *app.ReportView) apiReport {
	out := apiReport{
		ID: v.PublicID, URL: s.cfg.BaseURL + "/reports/" + v.PublicID, Program: v.Program.Slug, AssetID: v.AssetID,
		Asset: v.Asset.Name, Title: v.Title, Weakness: v.Weakness, CVSSVector: v.CVSSVector, Severity: v.Severity,
		Description: v.Description, Steps: v.Steps, Impact: v.Impact, State: string(v.State), OutOfScopeID: v.OutOfScopeID, PolicyVersion: v.PolicyVersion,
		SubmittedAt: v.SubmittedAt, UpdatedAt: v.UpdatedAt, ValidationDeadline: v.ValidationDeadline,
		Duplicates: v.Duplicates, History: []apiEvent{}, Comments: []apiComment{},
	}
	if v.CVSSVector != "" {
		sc := v.CVSSScore
		out.CVSSScore = &sc
	}
	if v.Original != nil {
		out.DuplicateOf = &apiReportRef{ID: v.Original.PublicID, KnownIssue: v.Original.KnownIssue, State: string(v.Original.State),
			SubmittedAt: v.Original.SubmittedAt}
		if v.KnownIssue != nil && v.IsTeam {
			out.DuplicateOf.Title = v.KnownIssue.Title
		}
	}
	out.Attachments = s.attachmentsJSON(v.Attachments)
	out.Retests = []apiRetest{}
	for _, t := range v.Retests {
		out.Retests = append(out.Retests, retestJSON(t))
	}
	out.DisclosureRequests = []apiDisclosureRequest{}
	for _, q := range v.Disclosures {
		out.DisclosureRequests = append(out.DisclosureRequests, apiDisclosureRequest{Side: q.Side, State: q.State, Mode: q.Mode,
			Summary: q.Summary, Title: q.Title, Message: q.Message, CreatedAt: q.CreatedAt, DecidedAt: q.DecidedAt, Reason: q.Reason})
	}
	out.DisclosedAt, out.DisclosureMode, out.DisclosureSummary = v.DisclosedAt, v.DisclosureMode, v.DisclosureSummary
	for _, e := range v.Events {
		out.History = append(out.History, apiEvent{Kind: e.Kind, From: e.From, To: e.To, Reason: e.Reason, Actor: v.Names[e.ActorID], At: e.At,
			Internal: e.Internal})
	}
	for _, c := range v.Comments {
		out.Comments = append(out.Comments, apiComment{ID: c.ID, Author: v.Names[c.AuthorID], Body: c.Body, Internal: c.Internal, CreatedAt: c.CreatedAt})
	}
	if v.IsTeam {
		out.Reporter = v.Names[v.ReporterID]
		out.AssigneeID = v.AssigneeID
	}
	return out
}

func (s *Server) apiSubmitReport(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		AssetID     int64  `json:"asset_id"`
		Title       string `json:"title"`
		Weakness    string `json:"weakness"`
		CVSSVector  string `json:"cvss_vector"`
		Description string `json:"description"`
		Steps       string `json:"steps_to_reproduce"`
		Impact      string `json:"impact"`
		AcceptRules bool   `json:"accept_rules"`
		// PolicyVersion, when given, must be the current version.
		PolicyVersion int `json:"policy_version"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	// The key's body hash is over the decoded request, so that the same
	// report sent again with other spacing or key order is the same.
	canonical, err := json.Marshal(in)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(canonical)
	rep, replayed, err := s.app.SubmitReportOnce(r.Context(), actorFrom(r), r.PathValue("slug"), r.Header.Get("Idempotency-Key"),
		hex.EncodeToString(sum[:]), app.SubmitInput{AssetID: in.AssetID, Title: in.Title, Weakness: in.Weakness,
			CVSSVector: in.CVSSVector, Description: in.Description, Steps: in.Steps, Impact: in.Impact,
			AcceptRules: in.AcceptRules, PolicyVersion: in.PolicyVersion})
	if err != nil {
		return err
	}
	v, err := s.app.Report(r.Context(), actorFrom(r), rep.PublicID)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/reports/"+rep.PublicID)
	if replayed {
		w.Header().Set("Idempotent-Replayed", "true")
	}
	return writeJSON(w, http.StatusCreated, s.reportJSON(v))
}

func (s *Server) apiReport(w http.ResponseWriter, r *http.Request) error {
	v, err := s.app.Report(r.Context(), actorFrom(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, s.reportJSON(v))
}

type apiReportSummary struct {
	ID                 string     `json:"id"`
	URL                string     `json:"url"`
	Program            string     `json:"program"`
	Title              string     `json:"title"`
	State              string     `json:"state"`
	Severity           string     `json:"severity"`
	CVSSScore          *float64   `json:"cvss_score"`
	SubmittedAt        time.Time  `json:"submitted_at"`
	UpdatedAt          time.Time  `json:"updated_at"`
	ValidationDeadline *time.Time `json:"validation_deadline"`
}

func (s *Server) apiListReports(w http.ResponseWriter, r *http.Request) error {
	rq, err := reportQuery(r)
	if err != nil {
		return err
	}
	// The store takes 1 to 200 and reads anything else as 50: answer
	// with the limit that was applied.
	if rq.Limit <= 0 || rq.Limit > 200 {
		rq.Limit = 50
	}
	list, err := s.app.Reports(r.Context(), actorFrom(r), rq)
	if err != nil {
		return err
	}
	out := []apiReportSummary{}
	for _, rep := range list.Reports {
		sum := apiReportSummary{ID: rep.PublicID, URL: s.cfg.BaseURL + "/reports/" + rep.PublicID, Title: rep.Title,
			Program: list.Programs[rep.ProgramID].Slug,
			State:   string(rep.State), Severity: rep.Severity, SubmittedAt: rep.SubmittedAt, UpdatedAt: rep.UpdatedAt,
			ValidationDeadline: rep.ValidationDeadline}
		if rep.CVSSVector != "" {
			sc := rep.CVSSScore
			sum.CVSSScore = &sc
		}
		out = append(out, sum)
	}
	return writeJSON(w, http.StatusOK, map[string]any{"reports": out, "total": list.Total, "limit": rq.Limit, "offset": rq.Offset})
}

func (s *Server) apiTransition(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		// From, when given, is the state the client saw: the change is
		// made only from that state, else 409 (compare-and-set).
		From         string `json:"from"`
		To           string `json:"to"`
		Reason       string `json:"reason"`
		DuplicateOf  string `json:"duplicate_of"`
		OutOfScopeID int64  `json:"out_of_scope_id"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if in.From != "" && !slices.Contains(haven.ReportStates, haven.ReportState(in.From)) {
		return haven.Invalid("from", fmt.Sprintf("%q is not a report state.", in.From))
	}
	err := s.app.Transition(r.Context(), actorFrom(r), r.PathValue("id"), app.TransitionInput{From: haven.ReportState(in.From),
		To: haven.ReportState(in.To), Reason: in.Reason, DuplicateOf: in.DuplicateOf, OutOfScopeID: in.OutOfScopeID})
	if err != nil {
		return err
	}
	return s.apiReport(w, r)
}

func (s *Server) apiComment(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Body     string `json:"body"`
		Internal bool   `json:"internal"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	c, err := s.app.Comment(r.Context(), actorFrom(r), r.PathValue("id"), in.Body, in.Internal)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, apiComment{ID: c.ID, Author: actorFrom(r).User.Name(), Body: c.Body, Internal: c.Internal, CreatedAt: c.CreatedAt})
}

func (s *Server) apiRescore(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		CVSSVector string `json:"cvss_vector"`
		Reason     string `json:"reason"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if err := s.app.ChangeCVSS(r.Context(), actorFrom(r), r.PathValue("id"), in.CVSSVector, in.Reason); err != nil {
		return err
	}
	return s.apiReport(w, r)
}
