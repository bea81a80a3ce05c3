package web

import (
	"errors"
	"net/http"

	"github.com/haven-project/haven/internal/app"
	"github.com/haven-project/haven/internal/haven"
)

// knownIssuesPage lists a program's known issues (its team) with the form
// to add one (triagers and owners).
type knownIssuesPage struct {
	managePage
	Issues   []*haven.KnownIssue
	CanEdit  bool
	Archived bool // archived ones are listed too
	// Editing is the public id of the issue whose form failed, if any.
	Editing string
}

func (s *Server) knownIssuesPage(r *http.Request) (*knownIssuesPage, error) {
	mp, err := s.managePage(r, "known-issues", "Known issues")
	if err != nil {
		return nil, err
	}
	archived := r.URL.Query().Get("archived") == "1"
	_, issues, err := s.app.KnownIssues(r.Context(), actorFrom(r), r.PathValue("slug"), archived)
	if err != nil {
		return nil, err
	}
	return &knownIssuesPage{managePage: *mp, Issues: issues, Archived: archived,
		CanEdit: actorFrom(r).Can(haven.PermTriage, mp.Program.ID)}, nil
}

func (s *Server) showKnownIssues(w http.ResponseWriter, r *http.Request) error {
	p, err := s.knownIssuesPage(r)
	if err != nil {
		return err
	}
	return s.render(w, r, "known_issues", p)
}

func (s *Server) addKnownIssue(w http.ResponseWriter, r *http.Request) error {
	_, err := s.app.AddKnownIssue(r.Context(), actorFrom(r), r.PathValue("slug"), app.KnownIssueInput{
		Title: r.PostFormValue("title"), Description: r.PostFormValue("description")})
	return s.afterKnownIssue(w, r, err, "")
}

func (s *Server) updateKnownIssue(w http.ResponseWriter, r *http.Request) error {
	title, description, archived := r.PostFormValue("title"), r.PostFormValue("description"), r.PostFormValue("archived") == "on"
	_, err := s.app.UpdateKnownIssue(r.Context(), actorFrom(r), r.PathValue("slug"), r.PathValue("kid"), app.KnownIssuePatch{
		Title: &title, Description: &description, Archived: &archived})
	return s.afterKnownIssue(w, r, err, r.PathValue("kid"))
}

func (s *Server) afterKnownIssue(w http.ResponseWriter, r *http.Request, err error, editing string) error {
	var inv *haven.InvalidError
	if errors.As(err, &inv) {
		p, perr := s.knownIssuesPage(r)
		if perr != nil {
			return perr
		}
		p.Errors, p.Editing = inv, editing
		for _, k := range []string{"title", "description", "archived"} {
			p.Form[k] = r.PostFormValue(k)
		}
		return s.renderStatus(w, r, http.StatusUnprocessableEntity, "known_issues", p)
	}
	if err != nil {
		return err
	}
	return s.redirect(w, r, "/programs/"+r.PathValue("slug")+"/known-issues", "known-issue-saved")
}
