package web

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/haven-project/haven/internal/app"
	"github.com/haven-project/haven/internal/haven"
	"github.com/haven-project/haven/internal/money"
)

func newNonce() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// awardReport handles the award form on a report page.
func (s *Server) awardReport(w http.ResponseWriter, r *http.Request) error {
	v, err := s.app.Report(r.Context(), actorFrom(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	cur, err := money.ParseCurrency(v.Program.Currency)
	if err != nil {
		return err
	}
	amount, perr := cur.Parse(r.PostFormValue("amount"))
	if perr != nil {
		err = haven.Invalid("amount", "Give an amount such as 1500 or 1,500.00.")
	} else {
		_, err = s.app.Award(r.Context(), actorFrom(r), r.PathValue("id"), app.AwardInput{
			Kind: r.PostFormValue("kind"), Amount: int64(amount), Reason: r.PostFormValue("award_reason"), Nonce: r.PostFormValue("nonce")})
	}
	var inv *haven.InvalidError
	if errors.As(err, &inv) {
		p, perr := s.reportPage(r)
		if perr != nil {
			return perr
		}
		form := map[string]string{"kind": r.PostFormValue("kind"), "amount": r.PostFormValue("amount"), "award_reason": r.PostFormValue("award_reason")}
		if p.Rewards, perr = s.awardsFor(r, p.ReportView, form, inv); perr != nil {
			return perr
		}
		return s.renderStatus(w, r, http.StatusUnprocessableEntity, "report", p)
	}
	return s.afterReportAction(w, r, err, "award-saved", "#awards")
}

type apiAward struct {
	ID        int64      `json:"id"`
	Report    string     `json:"report"`
	Kind      string     `json:"kind"`
	Amount    float64    `json:"amount"`
	Currency  string     `json:"currency"`
	Reason    string     `json:"reason"`
	Status    string     `json:"status"`
	CreatedAt time.Time  `json:"created_at"`
	PaidAt    *time.Time `json:"paid_at"`
}

func awardJSON(a haven.Award) apiAward {
	cur, _ := money.ParseCurrency(a.Currency)
	return apiAward{ID: a.ID, Report: a.ReportPublicID, Kind: a.Kind, Amount: cur.Major(money.Amount(a.Amount)), Currency: a.Currency,
		Reason: a.Reason, Status: a.Status, CreatedAt: a.CreatedAt, PaidAt: a.PaidAt}
}

// apiAwardReport answers POST /api/v1/reports/{id}/bounties. The
// Idempotency-Key, when sent, makes a retried request award once.
func (s *Server) apiAwardReport(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Amount float64 `json:"amount"`
		Kind   string  `json:"kind"`
		Reason string  `json:"reason"`
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
	amount, err := cur.FromMajor(in.Amount)
	if err != nil {
		return haven.Invalid("amount", "Give a positive amount in major units, such as 1500 or 1500.5.")
	}
	nonce := strings.TrimSpace(r.Header.Get("Idempotency-Key"))
	if nonce == "" {
		nonce = newNonce()
	} else {
		nonce = "key:" + nonce
	}
	a, err := s.app.Award(r.Context(), actorFrom(r), r.PathValue("id"), app.AwardInput{Kind: in.Kind, Amount: int64(amount), Reason: in.Reason, Nonce: nonce})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, awardJSON(*a))
}

func (s *Server) apiReportAwards(w http.ResponseWriter, r *http.Request) error {
	ws, err := s.app.Awards(r.Context(), actorFrom(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	out := []apiAward{}
	for _, a := range ws {
		out = append(out, awardJSON(a))
	}
	return writeJSON(w, http.StatusOK, map[string]any{"awards": out})
}

// ledgerPage lists a program's awards for its owners.
type ledgerPage struct {
	managePage
	Awards   []haven.Award
	Currency money.Currency
	Pending  string // total pending, formatted
	Paid     string
}

func (s *Server) showLedger(w http.ResponseWriter, r *http.Request) error {
	mp, err := s.managePage(r, "ledger", "Ledger")
	if err != nil {
		return err
	}
	_, ws, err := s.app.Ledger(r.Context(), actorFrom(r), r.PathValue("slug"))
	if err != nil {
		return err
	}
	p := &ledgerPage{managePage: *mp, Awards: ws, Currency: mp.Currency}
	var pending, paid int64
	for _, a := range ws {
		if a.Status == "paid" {
			paid += a.Amount
		} else {
			pending += a.Amount
		}
	}
	p.Pending, p.Paid = mp.Currency.Format(money.Amount(pending)), mp.Currency.Format(money.Amount(paid))
	return s.render(w, r, "program_ledger", p)
}

func (s *Server) ledgerCSV(w http.ResponseWriter, r *http.Request) error {
	p, ws, err := s.app.Ledger(r.Context(), actorFrom(r), r.PathValue("slug"))
	if err != nil {
		return err
	}
	b, err := app.LedgerCSV(p, ws)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+p.Slug+`-ledger.csv"`)
	_, err = w.Write(b)
	return err
}

func (s *Server) markAwardPaid(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	err = s.app.MarkAwardPaid(r.Context(), actorFrom(r), r.PathValue("slug"), id)
	if errors.Is(err, haven.ErrNotFound) {
		return s.redirect(w, r, "/programs/"+r.PathValue("slug")+"/ledger", "")
	}
	if err != nil {
		return err
	}
	return s.redirect(w, r, "/programs/"+r.PathValue("slug")+"/ledger", "award-paid")
}

// awardsBlock is the data of the "report_awards" template.
type awardsBlock struct {
	ReportID string
	Awards   []haven.Award
	Currency money.Currency
	CanAward bool
	Nonce    string
	// The form's values and its hint from the reward table.
	Kind, Amount, Reason, Hint, Error string
	// HasBounty: the report has its bounty; the form offers bonuses only.
	HasBounty bool
}

// awardsFor builds the awards block of a report page.
func (s *Server) awardsFor(r *http.Request, v *app.ReportView, form map[string]string, errs *haven.InvalidError) (*awardsBlock, error) {
	ws, err := s.app.Awards(r.Context(), actorFrom(r), v.PublicID)
	if err != nil {
		return nil, err
	}
	cur, err := money.ParseCurrency(v.Program.Currency)
	if err != nil {
		return nil, err
	}
	b := &awardsBlock{ReportID: v.PublicID, Awards: ws, Currency: cur, Nonce: newNonce(), Kind: "bounty"}
	actor := actorFrom(r)
	b.CanAward = v.Program.Kind == haven.KindBounty && actor.Can(haven.PermAwardBounty, v.ProgramID) &&
		(v.State == haven.StateAccepted || v.State == haven.StateResolved)
	for _, w := range ws {
		b.HasBounty = b.HasBounty || w.Kind == "bounty"
	}
	if b.CanAward && b.HasBounty {
		b.Kind, b.Hint = "bonus", "hint=This report has its bounty: a further award is a bonus."
	} else if b.CanAward {
		if sg, err := s.app.SuggestAward(r.Context(), actor, v.PublicID); err == nil && sg.Found {
			b.Hint = "hint=The reward table suggests " + cur.Format(money.Amount(sg.Min))
			if sg.Max != sg.Min {
				b.Hint += " – " + cur.Format(money.Amount(sg.Max))
			}
			b.Hint += " for this report."
			b.Amount = strings.TrimLeft(cur.Format(money.Amount(sg.Min)), "€$£¥")
		} else {
			b.Hint = "hint=The reward table has no amount for this report's tier and severity: give a reason."
		}
	}
	if form["kind"] != "" {
		b.Kind, b.Amount, b.Reason = form["kind"], form["amount"], form["award_reason"]
	}
	if errs != nil {
		for _, k := range []string{"amount", "kind", "award_reason", "reason", "nonce"} {
			if m := errs.Fields[k]; m != "" {
				b.Error = m
			}
		}
		if b.Error == "" {
			b.Error = errs.Msg
		}
	}
	return b, nil
}
