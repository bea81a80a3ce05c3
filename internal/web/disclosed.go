package web

import (
	"net/http"
	"strconv"

	"github.com/haven-project/haven/internal/app"
	"github.com/haven-project/haven/internal/haven"
	"github.com/haven-project/haven/internal/money"
)

// disclosedPage is a disclosed report, as anyone reads it.
type disclosedPage struct {
	basePage
	reportHelpers
	*app.PublicReport
	Files reportFiles
	// Money is the currency of Awarded.
	Money money.Currency
}

func (s *Server) showDisclosed(w http.ResponseWriter, r *http.Request) error {
	pr, err := s.app.DisclosedReport(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	if pr.Program.Slug != r.PathValue("slug") {
		return haven.ErrNotFound
	}
	p := &disclosedPage{basePage: s.base(r, pr.Title), PublicReport: pr, Files: reportFiles{all: pr.Attachments}}
	code := pr.Currency
	if code == "" {
		code = pr.Program.Currency
	}
	p.Money, _ = money.ParseCurrency(code)
	p.Narrow = false
	return s.render(w, r, "disclosed", p)
}

// disclosedListPage lists a program's disclosed reports.
type disclosedListPage struct {
	basePage
	reportHelpers
	Program    *app.ProgramView
	Reports    []*app.PublicReport
	Total      int
	Prev, Next string
}

func (s *Server) showDisclosedList(w http.ResponseWriter, r *http.Request) error {
	ctx, actor := r.Context(), actorFrom(r)
	v, err := s.app.Program(ctx, actor, r.PathValue("slug"))
	if err != nil {
		return err
	}
	_, offset, err := pageParams(r)
	if err != nil {
		return err
	}
	limit := 50
	rs, total, err := s.app.DisclosedReports(ctx, actor, v.Slug, limit, offset)
	if err != nil {
		return err
	}
	p := &disclosedListPage{basePage: s.base(r, v.Name+": disclosed reports"), Program: v, Reports: rs, Total: total}
	if offset > 0 {
		p.Prev = "?offset=" + strconv.Itoa(max(offset-limit, 0))
	}
	if offset+len(rs) < total {
		p.Next = "?offset=" + strconv.Itoa(offset+limit)
	}
	return s.render(w, r, "disclosed_list", p)
}
