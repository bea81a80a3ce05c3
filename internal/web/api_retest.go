package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/haven-project/haven/internal/app"
	"github.com/haven-project/haven/internal/haven"
	"github.com/haven-project/haven/internal/money"
)

type apiAttachment struct {
	ID          string    `json:"id"`
	URL         string    `json:"url"`
	Filename    string    `json:"filename"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	SHA256      string    `json:"sha256"`
	Internal    bool      `json:"internal,omitempty"`
	CommentID   int64     `json:"comment_id,omitempty"`
	Retest      bool      `json:"retest,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
}

func (s *Server) attachmentsJSON(atts []*haven.Attachment) []apiAttachment {
	out := []apiAttachment{}
	for _, a := range atts {
		out = append(out, apiAttachment{ID: a.PublicID, URL: s.cfg.BaseURL + "/api/v1/attachments/" + a.PublicID,
			Filename: a.Filename, ContentType: a.ContentType, Size: a.Size, SHA256: a.SHA256, Internal: a.Internal,
			CommentID: a.CommentID, Retest: a.RetestID != 0, CreatedAt: a.CreatedAt})
	}
	return out
}

type apiRetest struct {
	State          string     `json:"state"`
	Result         string     `json:"result,omitempty"`
	Bonus          float64    `json:"bonus"`
	Currency       string     `json:"currency"`
	Deadline       time.Time  `json:"deadline"`
	Note           string     `json:"note,omitempty"`
	Answer         string     `json:"answer,omitempty"`
	RequestedAt    time.Time  `json:"requested_at"`
	AnsweredAt     *time.Time `json:"answered_at,omitempty"`
	DecidedAt      *time.Time `json:"decided_at,omitempty"`
	DecisionReason string     `json:"decision_reason,omitempty"`
}

func retestJSON(t *haven.Retest) apiRetest {
	cur, _ := money.ParseCurrency(t.Currency)
	return apiRetest{State: string(t.State), Result: t.Result, Bonus: cur.Major(money.Amount(t.Bonus)), Currency: t.Currency,
		Deadline: t.Deadline, Note: t.Note, Answer: t.Answer, RequestedAt: t.RequestedAt, AnsweredAt: t.AnsweredAt,
		DecidedAt: t.DecidedAt, DecisionReason: t.DecisionReason}
}

type apiDisclosureRequest struct {
	Side      string     `json:"side"`
	State     string     `json:"state"`
	Mode      string     `json:"mode,omitempty"`
	Summary   string     `json:"summary,omitempty"`
	Title     string     `json:"title,omitempty"`
	Message   string     `json:"message,omitempty"`
	CreatedAt time.Time  `json:"created_at"`
	DecidedAt *time.Time `json:"decided_at,omitempty"`
	Reason    string     `json:"reason,omitempty"`
}

// apiAttach handles POST /api/v1/reports/{id}/attachments: a multipart
// form with one or more "file" parts and an optional "internal" field.
func (s *Server) apiAttach(w http.ResponseWriter, r *http.Request) error {
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		return badRequest("Send the files as multipart/form-data, in parts named file.")
	}
	files, done, err := formFiles(r, "file")
	defer done()
	if err != nil {
		return err
	}
	atts, err := s.app.Attach(r.Context(), actorFrom(r), r.PathValue("id"), files, r.PostFormValue("internal") == "true")
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, map[string]any{"attachments": s.attachmentsJSON(atts)})
}

func (s *Server) apiRequestRetest(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Bonus    float64   `json:"bonus"`
		Deadline time.Time `json:"deadline"`
		Note     string    `json:"note"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	v, err := s.app.Report(r.Context(), actorFrom(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	cur, err := money.ParseCurrency(v.Program.Currency)
	if err != nil {
		return err
	}
	bonus, err := cur.FromMajor(in.Bonus)
	if err != nil {
		return haven.Invalid("bonus", "Give the bonus in major units of the program's currency, such as 50.")
	}
	if _, err := s.app.RequestRetest(r.Context(), actorFrom(r), r.PathValue("id"), app.RetestInput{
		Bonus: int64(bonus), Deadline: in.Deadline, Note: in.Note}); err != nil {
		return err
	}
	return s.apiReportStatus(w, r, http.StatusCreated)
}

func (s *Server) apiAnswerRetest(w http.ResponseWriter, r *http.Request) error {
	var in app.RetestAnswer
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		files, done, err := formFiles(r, "file")
		defer done()
		if err != nil {
			return err
		}
		in = app.RetestAnswer{Result: r.PostFormValue("result"), Notes: r.PostFormValue("notes"), Files: files}
	} else {
		var body struct {
			Result string `json:"result"`
			Notes  string `json:"notes"`
		}
		if err := decodeJSON(r, &body); err != nil {
			return err
		}
		in = app.RetestAnswer{Result: body.Result, Notes: body.Notes}
	}
	if _, err := s.app.AnswerRetest(r.Context(), actorFrom(r), r.PathValue("id"), in); err != nil {
		return err
	}
	return s.apiReport(w, r)
}

func (s *Server) apiDecideRetest(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Approve *bool  `json:"approve"`
		Reason  string `json:"reason"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if in.Approve == nil {
		// Who may decide is told before what is missing, as elsewhere.
		if v, err := s.app.Report(r.Context(), actorFrom(r), r.PathValue("id")); err != nil {
			return err
		} else if !v.CanAward {
			return haven.ErrForbidden
		}
		return haven.Invalid("approve", "Say true to approve the answer, false to reject it.")
	}
	if _, err := s.app.DecideRetest(r.Context(), actorFrom(r), r.PathValue("id"), *in.Approve, in.Reason); err != nil {
		return err
	}
	return s.apiReport(w, r)
}

func (s *Server) apiWithdrawRetest(w http.ResponseWriter, r *http.Request) error {
	if err := s.app.WithdrawRetest(r.Context(), actorFrom(r), r.PathValue("id")); err != nil {
		return err
	}
	return s.apiReport(w, r)
}

type apiDisclosureInput struct {
	Mode    string `json:"mode"`
	Summary string `json:"summary"`
	Title   string `json:"title"`
	Message string `json:"message"`
}

func (s *Server) apiRequestDisclosure(w http.ResponseWriter, r *http.Request) error {
	var in apiDisclosureInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if _, err := s.app.RequestDisclosure(r.Context(), actorFrom(r), r.PathValue("id"),
		app.DisclosureInput{Mode: in.Mode, Summary: in.Summary, Title: in.Title, Message: in.Message}); err != nil {
		return err
	}
	return s.apiReportStatus(w, r, http.StatusCreated)
}

func (s *Server) apiAnswerDisclosure(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Agree *bool `json:"agree"`
		apiDisclosureInput
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if in.Agree == nil {
		if v, err := s.app.Report(r.Context(), actorFrom(r), r.PathValue("id")); err != nil {
			return err
		} else if v.DisclosureSide() == "" {
			return haven.ErrForbidden
		}
		return haven.Invalid("agree", "Say true to agree to the disclosure, false to decline.")
	}
	if err := s.app.AnswerDisclosure(r.Context(), actorFrom(r), r.PathValue("id"), *in.Agree,
		app.DisclosureInput{Mode: in.Mode, Summary: in.Summary, Title: in.Title, Message: in.Message}); err != nil {
		return err
	}
	return s.apiReport(w, r)
}

func (s *Server) apiWithdrawDisclosure(w http.ResponseWriter, r *http.Request) error {
	if err := s.app.WithdrawDisclosure(r.Context(), actorFrom(r), r.PathValue("id")); err != nil {
		return err
	}
	return s.apiReport(w, r)
}

// apiReportStatus answers with the report, as apiReport, and a status.
func (s *Server) apiReportStatus(w http.ResponseWriter, r *http.Request, status int) error {
	v, err := s.app.Report(r.Context(), actorFrom(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, status, s.reportJSON(v))
}

type apiKnownIssue struct {
	ID          string     `json:"id"`
	Title       string     `json:"title"`
	Description string     `json:"description"`
	Duplicates  int        `json:"duplicates"`
	CreatedAt   time.Time  `json:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
	ArchivedAt  *time.Time `json:"archived_at"`
}

func knownIssueJSON(k *haven.KnownIssue) apiKnownIssue {
	return apiKnownIssue{ID: k.PublicID, Title: k.Title, Description: k.Description, Duplicates: k.Duplicates,
		CreatedAt: k.CreatedAt, UpdatedAt: k.UpdatedAt, ArchivedAt: k.ArchivedAt}
}

func (s *Server) apiKnownIssues(w http.ResponseWriter, r *http.Request) error {
	_, ks, err := s.app.KnownIssues(r.Context(), actorFrom(r), r.PathValue("slug"), r.URL.Query().Get("archived") == "true")
	if err != nil {
		return err
	}
	out := []apiKnownIssue{}
	for _, k := range ks {
		out = append(out, knownIssueJSON(k))
	}
	return writeJSON(w, http.StatusOK, map[string]any{"known_issues": out})
}

func (s *Server) apiAddKnownIssue(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Title       string `json:"title"`
		Description string `json:"description"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	k, err := s.app.AddKnownIssue(r.Context(), actorFrom(r), r.PathValue("slug"), app.KnownIssueInput{Title: in.Title, Description: in.Description})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, knownIssueJSON(k))
}

func (s *Server) apiUpdateKnownIssue(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Title       *string `json:"title"`
		Description *string `json:"description"`
		Archived    *bool   `json:"archived"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	k, err := s.app.UpdateKnownIssue(r.Context(), actorFrom(r), r.PathValue("slug"), r.PathValue("kid"),
		app.KnownIssuePatch{Title: in.Title, Description: in.Description, Archived: in.Archived})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, knownIssueJSON(k))
}

type apiPublicReport struct {
	ID          string          `json:"id"`
	URL         string          `json:"url"`
	Program     string          `json:"program"`
	Asset       string          `json:"asset"`
	Title       string          `json:"title"`
	Weakness    string          `json:"weakness"`
	CVSSVector  string          `json:"cvss_vector"`
	CVSSScore   *float64        `json:"cvss_score"`
	Severity    string          `json:"severity"`
	State       string          `json:"state"`
	Credit      string          `json:"credit,omitempty"`
	SubmittedAt time.Time       `json:"submitted_at"`
	DisclosedAt time.Time       `json:"disclosed_at"`
	Mode        string          `json:"disclosure_mode"`
	Summary     string          `json:"summary,omitempty"`
	Description string          `json:"description,omitempty"`
	Steps       string          `json:"steps_to_reproduce,omitempty"`
	Impact      string          `json:"impact,omitempty"`
	Awarded     float64         `json:"awarded,omitempty"`
	Currency    string          `json:"currency,omitempty"`
	Comments    []apiComment    `json:"comments,omitempty"`
	Attachments []apiAttachment `json:"attachments,omitempty"`
}

func (s *Server) publicReportJSON(pr *app.PublicReport) apiPublicReport {
	out := apiPublicReport{ID: pr.PublicID, URL: s.cfg.BaseURL + "/programs/" + pr.Program.Slug + "/disclosed/" + pr.PublicID,
		Program: pr.Program.Slug, Asset: pr.Asset.Name, Title: pr.Title, Weakness: pr.Weakness, CVSSVector: pr.CVSSVector,
		Severity: pr.Severity, State: string(pr.State), Credit: pr.Credit, SubmittedAt: pr.SubmittedAt, DisclosedAt: *pr.DisclosedAt,
		Mode: pr.DisclosureMode, Summary: pr.DisclosureSummary, Description: pr.Description, Steps: pr.Steps, Impact: pr.Impact,
		Currency: pr.Currency}
	if pr.CVSSVector != "" {
		sc := pr.CVSSScore
		out.CVSSScore = &sc
	}
	if pr.Awarded > 0 {
		cur, _ := money.ParseCurrency(pr.Currency)
		out.Awarded = cur.Major(money.Amount(pr.Awarded))
	}
	for _, c := range pr.Comments {
		out.Comments = append(out.Comments, apiComment{ID: c.ID, Author: pr.Names[c.AuthorID], Body: c.Body, CreatedAt: c.CreatedAt})
	}
	if len(pr.Attachments) > 0 {
		out.Attachments = s.attachmentsJSON(pr.Attachments)
	}
	return out
}

func (s *Server) apiDisclosedReports(w http.ResponseWriter, r *http.Request) error {
	limit, offset, err := pageParams(r)
	if err != nil {
		return err
	}
	rs, total, err := s.app.DisclosedReports(r.Context(), actorFrom(r), r.PathValue("slug"), limit, offset)
	if err != nil {
		return err
	}
	out := []apiPublicReport{}
	for _, pr := range rs {
		out = append(out, s.publicReportJSON(pr))
	}
	return writeJSON(w, http.StatusOK, map[string]any{"reports": out, "total": total, "limit": limit, "offset": offset})
}

func (s *Server) apiDisclosedReport(w http.ResponseWriter, r *http.Request) error {
	pr, err := s.app.DisclosedReport(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	if pr.Program.Slug != r.PathValue("slug") {
		return haven.ErrNotFound
	}
	return writeJSON(w, http.StatusOK, s.publicReportJSON(pr))
}

// pageParams reads limit (1 to 200, default 50) and offset from the URL.
func pageParams(r *http.Request) (limit, offset int, err error) {
	limit = 50
	q := r.URL.Query()
	for _, k := range []string{"limit", "offset"} {
		v := q.Get(k)
		if v == "" {
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return 0, 0, haven.Invalid(k, "Give a whole number.")
		}
		if k == "offset" {
			offset = n
		} else if n >= 1 && n <= 200 {
			limit = n
		}
	}
	return limit, offset, nil
}
