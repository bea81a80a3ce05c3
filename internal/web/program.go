package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/haven-project/haven/internal/app"
	"github.com/haven-project/haven/internal/haven"
	"github.com/haven-project/haven/internal/money"
)

// programsPage is the public directory.
type programsPage struct {
	basePage
	Programs []*haven.Program
}

func (s *Server) showPrograms(w http.ResponseWriter, r *http.Request) error {
	ps, err := s.app.Programs(r.Context(), actorFrom(r))
	if err != nil {
		return err
	}
	var listed []*haven.Program
	for _, p := range ps {
		if p.Status != haven.StatusClosed || actorFrom(r).IsAdmin() {
			listed = append(listed, p)
		}
	}
	return s.render(w, r, "programs", &programsPage{basePage: s.base(r, "Programs"), Programs: listed})
}

// rewardRow is one tier of the reward table as the page shows it.
type rewardRow struct {
	Tier  int
	Cells []string // one per band, "" when the tier pays nothing there
}

// validationRow is a severity's validation time.
type validationRow struct {
	Severity string
	Range    string
	Days     int
}

type programPage struct {
	basePage
	reportHelpers
	*app.ProgramView
	Currency   money.Currency
	RewardRows []rewardRow
	Validation []validationRow
	Bands      []haven.SeverityBand
	Retest     string
	Feedback   *formPage // the anonymous feedback form
	Sent       bool
	// Disclosed are the newest disclosed reports; DisclosedTotal counts
	// them all.
	Disclosed      []*app.PublicReport
	DisclosedTotal int
	// Credits names the researchers of the disclosed reports.
	Credits []string
}

func (s *Server) programPage(r *http.Request) (*programPage, error) {
	v, err := s.app.Program(r.Context(), actorFrom(r), r.PathValue("slug"))
	if err != nil {
		return nil, err
	}
	cur, err := money.ParseCurrency(v.Currency)
	if err != nil {
		return nil, err
	}
	p := &programPage{basePage: s.base(r, v.Name), ProgramView: v, Currency: cur, Bands: v.Bands,
		Feedback: &formPage{Form: map[string]string{}}}
	// Reward table: one row per tier, one column per band.
	tiers := map[int]map[string]haven.Reward{}
	var order []int
	for _, rw := range v.Rewards {
		if tiers[rw.Tier] == nil {
			tiers[rw.Tier] = map[string]haven.Reward{}
			order = append(order, rw.Tier)
		}
		tiers[rw.Tier][rw.Severity] = rw
	}
	for _, t := range order {
		row := rewardRow{Tier: t}
		for _, b := range v.Bands {
			cell := ""
			if rw, ok := tiers[t][b.Name]; ok {
				cell = cur.Format(money.Amount(rw.Min))
				if rw.Max != rw.Min {
					cell += " – " + cur.Format(money.Amount(rw.Max))
				}
			}
			row.Cells = append(row.Cells, cell)
		}
		p.RewardRows = append(p.RewardRows, row)
	}
	for i := len(v.Bands) - 1; i >= 0; i-- {
		b := v.Bands[i]
		if d, ok := v.ValidationDays[b.Name]; ok {
			p.Validation = append(p.Validation, validationRow{Severity: b.Name, Range: fmt.Sprintf("%.1f – %.1f", b.Min, b.Max), Days: d})
		}
	}
	if v.RetestBonus > 0 {
		p.Retest = cur.Format(money.Amount(v.RetestBonus))
	}
	if p.Disclosed, p.DisclosedTotal, err = s.app.DisclosedReports(r.Context(), actorFrom(r), v.Slug, 5, 0); err != nil {
		return nil, err
	}
	if p.Credits, err = s.app.Credits(r.Context(), actorFrom(r), v.Slug); err != nil {
		return nil, err
	}
	return p, nil
}

func (s *Server) showProgram(w http.ResponseWriter, r *http.Request) error {
	p, err := s.programPage(r)
	if err != nil {
		return err
	}
	p.Sent = r.URL.Query().Get("feedback") == "sent"
	return s.render(w, r, "program", p)
}

func (s *Server) sendFeedback(w http.ResponseWriter, r *http.Request) error {
	err := s.app.SendFeedback(r.Context(), actorFrom(r), r.PathValue("slug"), r.PostFormValue("body"))
	var inv *haven.InvalidError
	if errors.As(err, &inv) {
		p, perr := s.programPage(r)
		if perr != nil {
			return perr
		}
		p.Feedback.Errors = inv
		p.Feedback.Form["body"] = r.PostFormValue("body")
		return s.renderStatus(w, r, http.StatusUnprocessableEntity, "program", p)
	}
	if err != nil {
		return err
	}
	return s.redirect(w, r, "/programs/"+r.PathValue("slug")+"?feedback=sent#feedback", "")
}

func (s *Server) serveSecurityTxt(w http.ResponseWriter, r *http.Request) error {
	f, err := s.app.SecurityTxt(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	_, err = w.Write([]byte(f.String()))
	return err
}

func (s *Server) servePGPKey(w http.ResponseWriter, r *http.Request) error {
	v, err := s.app.Program(r.Context(), actorFrom(r), r.PathValue("slug"))
	if err != nil {
		return err
	}
	if v.PGPKey == "" {
		return haven.ErrNotFound
	}
	w.Header().Set("Content-Type", "application/pgp-keys")
	w.Header().Set("Content-Disposition", `attachment; filename="`+v.Slug+`-security.asc"`)
	w.Header().Set("Cache-Control", "public, max-age=3600")
	_, err = w.Write([]byte(v.PGPKey))
	return err
}

// policyPage shows one version of a program's rules and what changed
// since.
type policyPage struct {
	basePage
	Program  *haven.Program
	Versions []haven.PolicyVersion
	Version  *haven.PolicyVersion
	Changes  []policyChange // from this version to the current one
}

type policyChange struct {
	Section string
	Lines   []diffLine
}

func (s *Server) showPolicyVersions(w http.ResponseWriter, r *http.Request) error {
	p, vs, err := s.app.PolicyVersions(r.Context(), actorFrom(r), r.PathValue("slug"))
	if err != nil {
		return err
	}
	return s.render(w, r, "policy_versions", &policyPage{basePage: s.base(r, p.Name+": rule versions"), Program: p, Versions: vs})
}

func (s *Server) showPolicyVersion(w http.ResponseWriter, r *http.Request) error {
	n, err := strconv.Atoi(r.PathValue("version"))
	if err != nil || n < 1 {
		return haven.ErrNotFound
	}
	p, v, err := s.app.PolicyVersion(r.Context(), actorFrom(r), r.PathValue("slug"), n)
	if err != nil {
		return err
	}
	_, cur, err := s.app.PolicyVersion(r.Context(), actorFrom(r), r.PathValue("slug"), p.PolicyVersion)
	if err != nil {
		return err
	}
	page := &policyPage{basePage: s.base(r, fmt.Sprintf("%s: rules version %d", p.Name, n)), Program: p, Version: &v}
	for _, sec := range []struct {
		name     string
		old, new string
	}{
		{"Policy", v.Policy, cur.Policy},
		{"Rules of engagement", v.Rules, cur.Rules},
		{"Safe harbour", v.SafeHarbour, cur.SafeHarbour},
		{"Reporting guidelines", v.Guidelines, cur.Guidelines},
		{"Out of scope", strings.Join(v.OutOfScope, "\n"), strings.Join(cur.OutOfScope, "\n")},
	} {
		if sec.old != sec.new {
			page.Changes = append(page.Changes, policyChange{Section: sec.name, Lines: diffLines(sec.old, sec.new)})
		}
	}
	return s.render(w, r, "policy_version", page)
}
