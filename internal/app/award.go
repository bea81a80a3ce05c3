package app

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/haven-project/haven/internal/haven"
	"github.com/haven-project/haven/internal/money"
	"github.com/haven-project/haven/internal/store"
)

// maxAward caps one award, in major units of any currency.
const maxAward = 1_000_000

// Suggestion is the reward table's amount or range for a report: its
// asset's tier and its severity.
type Suggestion struct {
	Found    bool
	Min, Max int64 // minor units
	Currency money.Currency
}

// SuggestAward returns what the reward table suggests for a report (the
// program's owners only).
func (a *App) SuggestAward(ctx context.Context, actor haven.Actor, publicID string) (Suggestion, error) {
	r, p, err := a.awardable(ctx, a.db, actor, publicID)
	if err != nil {
		return Suggestion{}, err
	}
	return a.suggest(ctx, a.db, r, p)
}

func (a *App) suggest(ctx context.Context, db *store.DB, r *haven.Report, p *haven.Program) (Suggestion, error) {
	cur, err := money.ParseCurrency(p.Currency)
	if err != nil {
		return Suggestion{}, err
	}
	s := Suggestion{Currency: cur}
	asset, err := db.AssetForReport(ctx, r.AssetID)
	if err != nil {
		return s, err
	}
	rewards, err := db.Rewards(ctx, p.ID)
	if err != nil {
		return s, err
	}
	for _, rw := range rewards {
		if rw.Tier == asset.Tier && rw.Severity == r.Severity && asset.BountyEligible {
			s.Found, s.Min, s.Max = true, rw.Min, rw.Max
		}
	}
	return s, nil
}

// awardable returns a report the actor may award money on: the program's
// owners only (haven.ErrNotFound when the actor may not see the report).
func (a *App) awardable(ctx context.Context, db *store.DB, actor haven.Actor, publicID string) (*haven.Report, *haven.Program, error) {
	r, err := a.triageable(ctx, db, actor, publicID, haven.PermAwardBounty)
	if err != nil {
		return nil, nil, err
	}
	p, err := db.Program(ctx, r.ProgramID)
	return r, p, err
}

// AwardInput is an award as an owner decides it.
type AwardInput struct {
	Kind   string // "bounty" or "bonus"
	Amount int64  // minor units of the program's currency
	Reason string
	// Nonce identifies the decision (the form's or the API request's),
	// so that sending it twice awards once.
	Nonce string
}

// Award records a bounty or a bonus on an accepted or resolved report.
// Only owners award; a bounty outside the reward table's range (or where
// the table has none) needs a reason. A report gets one bounty at most:
// of concurrent awards exactly one succeeds, the others get
// haven.ErrConflict.
func (a *App) Award(ctx context.Context, actor haven.Actor, publicID string, in AwardInput) (*haven.Award, error) {
	var out *haven.Award
	err := a.tx(ctx, func(tx *store.DB) error {
		r, p, err := a.awardable(ctx, tx, actor, publicID)
		if err != nil {
			return err
		}
		if p.Kind != haven.KindBounty {
			return &haven.InvalidError{Msg: "This program pays no money: it is a vulnerability disclosure program."}
		}
		if r.State != haven.StateAccepted && r.State != haven.StateResolved {
			return &haven.InvalidError{Msg: "Award money on accepted or resolved reports only."}
		}
		v := &haven.InvalidError{}
		if in.Kind != "bounty" && in.Kind != "bonus" {
			v.Add("kind", "Choose bounty or bonus.")
		}
		s, err := a.suggest(ctx, tx, r, p)
		if err != nil {
			return err
		}
		cur := s.Currency
		if in.Amount <= 0 || cur.Major(money.Amount(in.Amount)) > maxAward {
			v.Add("amount", fmt.Sprintf("Give an amount between %s and %s.", cur.Format(1), cur.Format(money.Amount(maxAward*pow10(cur.Minor)))))
		}
		reason := strings.TrimSpace(in.Reason)
		if utf8.RuneCountInString(reason) > 2000 {
			v.Add("reason", "Use at most 2,000 characters.")
		}
		if in.Kind == "bounty" && reason == "" && (!s.Found || in.Amount < s.Min || in.Amount > s.Max) {
			v.Add("reason", "This amount is outside the reward table's range for this report: say why.")
		}
		if strings.TrimSpace(in.Nonce) == "" {
			v.Add("nonce", "The form is incomplete: reload the page.")
		}
		if err := v.Err(); err != nil {
			return err
		}
		now := a.now()
		w := haven.Award{ReportID: r.ID, ProgramID: p.ID, Kind: in.Kind, Amount: in.Amount, Currency: cur.Code,
			Reason: reason, Status: "pending", AwardedBy: actor.UserID(), CreatedAt: now, ReportPublicID: r.PublicID}
		if w.ID, err = tx.InsertAward(ctx, w, in.Nonce); err != nil {
			if errors.Is(err, haven.ErrConflict) && in.Kind == "bounty" {
				return fmt.Errorf("%w: this report has a bounty already", haven.ErrConflict)
			}
			return err
		}
		amount := cur.Format(money.Amount(in.Amount))
		if err := tx.InsertReportEvent(ctx, haven.ReportEvent{ReportID: r.ID, ActorID: actor.UserID(), At: now, Kind: "award",
			To: in.Kind + " " + amount, Reason: reason}); err != nil {
			return err
		}
		if err := a.notify(ctx, tx, notice{report: r, actorID: actor.UserID(), toReporter: true, toTeam: true,
			subject: "award", summary: "awarded a " + in.Kind + " of " + amount, detail: reason}); err != nil {
			return err
		}
		out = &w
		return a.audit(ctx, tx, actor, "report.award", reportTarget(r), map[string]any{"kind": in.Kind, "amount": in.Amount, "currency": cur.Code})
	})
	return out, err
}

func pow10(n int) int64 {
	v := int64(1)
	for range n {
		v *= 10
	}
	return v
}

// Awards lists the awards on a report the actor may see.
func (a *App) Awards(ctx context.Context, actor haven.Actor, publicID string) ([]haven.Award, error) {
	r, err := a.db.Report(ctx, actor.UserID(), publicID)
	if err != nil {
		return nil, err
	}
	return a.db.ReportAwards(ctx, r.ID)
}

// Ledger lists a program's awards (owners only).
func (a *App) Ledger(ctx context.Context, actor haven.Actor, slug string) (*haven.Program, []haven.Award, error) {
	p, err := a.visibleProgram(ctx, a.db, actor, slug)
	if err != nil {
		return nil, nil, err
	}
	if !actor.Can(haven.PermAwardBounty, p.ID) {
		if _, member := actor.Role(p.ID); !member && !p.Status.Public() {
			return nil, nil, haven.ErrNotFound
		}
		return nil, nil, haven.ErrForbidden
	}
	ws, err := a.db.ProgramAwards(ctx, p.ID)
	return p, ws, err
}

// MarkAwardPaid records that an award was paid (owners only).
func (a *App) MarkAwardPaid(ctx context.Context, actor haven.Actor, slug string, id int64) error {
	p, _, err := a.Ledger(ctx, actor, slug)
	if err != nil {
		return err
	}
	return a.tx(ctx, func(tx *store.DB) error {
		if err := tx.MarkAwardPaid(ctx, p.ID, id, a.now()); err != nil {
			return err
		}
		return a.audit(ctx, tx, actor, "program.award_paid", programTarget(p), map[string]any{"award_id": id})
	})
}

// LedgerCSV writes a ledger as CSV. Cells that a spreadsheet would read as
// a formula (starting with = + - @, a tab or a carriage return) get a
// leading apostrophe (ASVS 1.2.10).
func LedgerCSV(p *haven.Program, awards []haven.Award) ([]byte, error) {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	cur, _ := money.ParseCurrency(p.Currency)
	if err := w.Write([]string{"award_id", "report", "kind", "amount", "currency", "status", "awarded_at", "paid_at", "reason"}); err != nil {
		return nil, err
	}
	for _, a := range awards {
		paid := ""
		if a.PaidAt != nil {
			paid = a.PaidAt.Format("2006-01-02T15:04:05Z")
		}
		row := []string{fmt.Sprint(a.ID), a.ReportPublicID, a.Kind, fmt.Sprintf("%.*f", cur.Minor, cur.Major(money.Amount(a.Amount))),
			a.Currency, a.Status, a.CreatedAt.Format("2006-01-02T15:04:05Z"), paid, a.Reason}
		for i, c := range row {
			row[i] = neutralizeCell(c)
		}
		if err := w.Write(row); err != nil {
			return nil, err
		}
	}
	w.Flush()
	return buf.Bytes(), w.Error()
}

func neutralizeCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
