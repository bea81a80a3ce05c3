package web

import (
	"net/http"
	"strings"
	"time"

	"github.com/haven-project/haven/internal/app"
	"github.com/haven-project/haven/internal/haven"
	"github.com/haven-project/haven/internal/money"
	"github.com/haven-project/haven/internal/sla"
)

// retestDeadline reads a deadline date (YYYY-MM-DD) as the end of that day
// in the program's time zone.
func retestDeadline(p *haven.Program, date string) (time.Time, error) {
	date = strings.TrimSpace(date)
	if date == "" {
		return time.Time{}, nil
	}
	loc := time.UTC
	if cal, err := sla.ParseCalendar(p.Calendar.TimeZone, p.Calendar.Weekend, p.Calendar.Holidays); err == nil && cal.Location != nil {
		loc = cal.Location
	}
	d, err := time.ParseInLocation("2006-01-02", date, loc)
	if err != nil {
		return time.Time{}, haven.Invalid("deadline", "Give a date such as 2026-12-31.")
	}
	return d.Add(24*time.Hour - time.Second), nil
}

// parseBonus reads a bonus in the program's currency; empty is none.
func parseBonus(p *haven.Program, s string) (int64, error) {
	if strings.TrimSpace(s) == "" {
		return 0, nil
	}
	cur, err := money.ParseCurrency(p.Currency)
	if err != nil {
		return 0, err
	}
	a, err := cur.Parse(s)
	if err != nil {
		return 0, haven.Invalid("bonus", "Give an amount such as 50 or 50.00, or leave it empty for no bonus.")
	}
	return int64(a), nil
}

func (s *Server) requestRetest(w http.ResponseWriter, r *http.Request) error {
	v, err := s.app.Report(r.Context(), actorFrom(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	in := app.RetestInput{Note: r.PostFormValue("note")}
	in.Bonus, err = parseBonus(v.Program, r.PostFormValue("bonus"))
	if err == nil {
		in.Deadline, err = retestDeadline(v.Program, r.PostFormValue("deadline"))
	}
	if err == nil {
		_, err = s.app.RequestRetest(r.Context(), actorFrom(r), r.PathValue("id"), in)
	}
	return s.afterReportAction(w, r, err, "retest-requested", "#retest", "bonus", "deadline", "note")
}

func (s *Server) answerRetest(w http.ResponseWriter, r *http.Request) error {
	files, done, err := formFiles(r, "attachments")
	defer done()
	if err == nil {
		_, err = s.app.AnswerRetest(r.Context(), actorFrom(r), r.PathValue("id"), app.RetestAnswer{
			Result: r.PostFormValue("result"), Notes: r.PostFormValue("notes"), Files: files})
	}
	return s.afterReportAction(w, r, err, "retest-answered", "#retest", "result", "notes")
}

func (s *Server) decideRetest(w http.ResponseWriter, r *http.Request) error {
	var err error
	switch d := r.PostFormValue("decision"); d {
	case "approve", "reject":
		_, err = s.app.DecideRetest(r.Context(), actorFrom(r), r.PathValue("id"), d == "approve", r.PostFormValue("decision_reason"))
	default:
		err = haven.Invalid("decision", "Approve or reject the answer.")
	}
	return s.afterReportAction(w, r, err, "retest-decided", "#retest", "decision_reason")
}

func (s *Server) withdrawRetest(w http.ResponseWriter, r *http.Request) error {
	err := s.app.WithdrawRetest(r.Context(), actorFrom(r), r.PathValue("id"))
	return s.afterReportAction(w, r, err, "retest-withdrawn", "#retest")
}

func disclosureInput(r *http.Request) app.DisclosureInput {
	return app.DisclosureInput{Mode: r.PostFormValue("mode"), Summary: r.PostFormValue("summary"), Title: r.PostFormValue("public_title"),
		Message: r.PostFormValue("message")}
}

func (s *Server) requestDisclosure(w http.ResponseWriter, r *http.Request) error {
	_, err := s.app.RequestDisclosure(r.Context(), actorFrom(r), r.PathValue("id"), disclosureInput(r))
	return s.afterReportAction(w, r, err, "disclosure-asked", "#disclosure", "mode", "summary", "public_title", "message")
}

func (s *Server) answerDisclosure(w http.ResponseWriter, r *http.Request) error {
	var err error
	switch d := r.PostFormValue("decision"); d {
	case "agree", "decline":
		err = s.app.AnswerDisclosure(r.Context(), actorFrom(r), r.PathValue("id"), d == "agree", disclosureInput(r))
	default:
		err = haven.Invalid("decision", "Agree or decline.")
	}
	return s.afterReportAction(w, r, err, "disclosure-done", "#disclosure", "mode", "summary", "public_title", "message")
}

func (s *Server) withdrawDisclosure(w http.ResponseWriter, r *http.Request) error {
	err := s.app.WithdrawDisclosure(r.Context(), actorFrom(r), r.PathValue("id"))
	return s.afterReportAction(w, r, err, "disclosure-dropped", "#disclosure")
}
