package app

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/haven-project/haven/internal/haven"
	"github.com/haven-project/haven/internal/store"
)

// DisclosureInput is a disclosure request or answer. Mode and Summary are
// the program's choice of what to publish (haven.DisclosureFull, or
// haven.DisclosureSummary with the redacted text); a researcher leaves
// them empty.
type DisclosureInput struct {
	Mode    string
	Summary string
	// Title, for a summary, is published instead of the report's title
	// ("" keeps it).
	Title string
	// Message explains a request, or a refusal.
	Message string
}

// disclosureSide returns the side the actor speaks for on the report.
func disclosureSide(actor haven.Actor, r *haven.Report) string {
	switch {
	case actor.UserID() == r.ReporterID:
		return "reporter"
	case actor.Can(haven.PermDisclose, r.ProgramID):
		return "program"
	}
	return ""
}

// checkPublication validates what the program proposes to publish.
func checkPublication(in *DisclosureInput) error {
	in.Summary, in.Title = strings.TrimSpace(in.Summary), strings.TrimSpace(in.Title)
	v := &haven.InvalidError{}
	if msg := titleProblem(in.Title); msg != "" {
		v.Add("title", msg)
	}
	switch in.Mode {
	case haven.DisclosureFull:
		in.Summary, in.Title = "", "" // the full report, with its title
	case haven.DisclosureSummary:
		if in.Summary == "" {
			v.Add("summary", "Write the summary to publish instead of the report.")
		}
	default:
		v.Add("mode", "Choose to publish the full report or a redacted summary.")
	}
	if utf8.RuneCountInString(in.Summary) > maxReportText {
		v.Add("summary", fmt.Sprintf("Use at most %d characters.", maxReportText))
	}
	return v.Err()
}

// disclosable returns the report and the actor's side when the actor may
// take part in its disclosure.
func disclosable(ctx context.Context, tx *store.DB, actor haven.Actor, publicID string) (*haven.Report, string, error) {
	if !actor.SignedIn() {
		return nil, "", haven.ErrUnauthenticated
	}
	r, err := tx.Report(ctx, actor.UserID(), publicID)
	if err != nil {
		return nil, "", err
	}
	side := disclosureSide(actor, r)
	if side == "" {
		return nil, "", haven.ErrForbidden
	}
	if r.Disclosed() {
		return nil, "", &haven.InvalidError{Msg: "This report is public already."}
	}
	if !r.State.Disclosable() {
		return nil, "", &haven.InvalidError{Msg: "A report is disclosed once it is resolved, or closed as informative, not applicable or out of scope."}
	}
	return r, side, nil
}

func openDisclosure(ctx context.Context, tx *store.DB, r *haven.Report) (*haven.DisclosureRequest, error) {
	qs, err := tx.DisclosureRequests(ctx, r.ID)
	if err != nil {
		return nil, err
	}
	for _, q := range qs {
		if q.State == "open" {
			return q, nil
		}
	}
	return nil, &haven.InvalidError{Msg: "Nobody has asked to disclose this report."}
}

// RequestDisclosure asks to publish a report: its researcher, or its
// program's owners (who say what they would publish). The other side must
// agree.
func (a *App) RequestDisclosure(ctx context.Context, actor haven.Actor, publicID string, in DisclosureInput) (*haven.DisclosureRequest, error) {
	var out *haven.DisclosureRequest
	err := a.tx(ctx, func(tx *store.DB) error {
		r, side, err := disclosable(ctx, tx, actor, publicID)
		if err != nil {
			return err
		}
		if side == "program" {
			if err := checkPublication(&in); err != nil {
				return err
			}
		} else {
			in.Mode, in.Summary, in.Title = "", "", ""
		}
		msg := strings.TrimSpace(in.Message)
		if utf8.RuneCountInString(msg) > maxComment {
			return haven.Invalid("message", fmt.Sprintf("Use at most %d characters.", maxComment))
		}
		now := a.now()
		q := haven.DisclosureRequest{ReportID: r.ID, RequestedBy: actor.UserID(), Side: side, Mode: in.Mode,
			Summary: in.Summary, Title: in.Title, Message: msg, State: "open", CreatedAt: now}
		if q.ID, err = tx.InsertDisclosureRequest(ctx, q); err != nil {
			if errors.Is(err, haven.ErrConflict) {
				return &haven.InvalidError{Msg: "Someone asked to disclose this report already: answer that request."}
			}
			return err
		}
		if err := tx.InsertReportEvent(ctx, haven.ReportEvent{ReportID: r.ID, ActorID: actor.UserID(), At: now,
			Kind: "disclosure", To: "requested", Reason: msg}); err != nil {
			return err
		}
		if err := a.notify(ctx, tx, notice{report: r, actorID: actor.UserID(), toReporter: true, toTeam: true,
			subject: "disclosure requested", summary: "asked to disclose the report", detail: msg}); err != nil {
			return err
		}
		out = &q
		return a.audit(ctx, tx, actor, "report.disclosure_request", reportTarget(r), map[string]any{"side": side, "mode": in.Mode})
	})
	return out, err
}

// AnswerDisclosure agrees to, or declines, the other side's request. When
// the program agrees to a researcher's request it says what it publishes;
// a researcher agreeing accepts what the program proposed. Once both
// agree the report is public.
func (a *App) AnswerDisclosure(ctx context.Context, actor haven.Actor, publicID string, agree bool, in DisclosureInput) error {
	return a.tx(ctx, func(tx *store.DB) error {
		r, side, err := disclosable(ctx, tx, actor, publicID)
		if err != nil {
			return err
		}
		q, err := openDisclosure(ctx, tx, r)
		if err != nil {
			return err
		}
		if q.Side == side {
			return &haven.InvalidError{Msg: "Your side asked: the other side answers. You may withdraw the request."}
		}
		mode, summary, title := q.Mode, q.Summary, q.Title
		if agree && side == "program" {
			if err := checkPublication(&in); err != nil {
				return err
			}
			mode, summary, title = in.Mode, in.Summary, in.Title
		}
		msg := strings.TrimSpace(in.Message)
		if utf8.RuneCountInString(msg) > maxComment {
			return haven.Invalid("message", fmt.Sprintf("Use at most %d characters.", maxComment))
		}
		now := a.now()
		state, to, summaryText := "declined", "declined", "declined to disclose the report"
		if agree {
			state, to, summaryText = "agreed", "disclosed", "agreed: the report is now public"
		}
		if err := tx.CloseDisclosureRequest(ctx, q.ID, state, actor.UserID(), mode, summary, title, msg, now); err != nil {
			return err
		}
		if agree {
			if err := tx.DiscloseReport(ctx, r.ID, mode, summary, title, now); err != nil {
				return err
			}
			p, err := tx.Program(ctx, r.ProgramID)
			if err != nil {
				return err
			}
			if err := a.activity(ctx, tx, p, "report_disclosed", "disclosed a submission"); err != nil {
				return err
			}
		}
		if err := tx.InsertReportEvent(ctx, haven.ReportEvent{ReportID: r.ID, ActorID: actor.UserID(), At: now,
			Kind: "disclosure", From: "requested", To: to, Reason: msg}); err != nil {
			return err
		}
		if err := a.notify(ctx, tx, notice{report: r, actorID: actor.UserID(), toReporter: true, toTeam: true,
			subject: "disclosure " + to, summary: summaryText, detail: msg}); err != nil {
			return err
		}
		return a.audit(ctx, tx, actor, "report.disclosure_"+state, reportTarget(r), map[string]any{"mode": mode})
	})
}

// WithdrawDisclosure takes back the actor's side's open request.
func (a *App) WithdrawDisclosure(ctx context.Context, actor haven.Actor, publicID string) error {
	return a.tx(ctx, func(tx *store.DB) error {
		if !actor.SignedIn() {
			return haven.ErrUnauthenticated
		}
		r, err := tx.Report(ctx, actor.UserID(), publicID)
		if err != nil {
			return err
		}
		side := disclosureSide(actor, r)
		if side == "" {
			return haven.ErrForbidden
		}
		q, err := openDisclosure(ctx, tx, r)
		if err != nil {
			return err
		}
		if q.Side != side {
			return &haven.InvalidError{Msg: "The other side asked: agree or decline instead."}
		}
		now := a.now()
		if err := tx.CloseDisclosureRequest(ctx, q.ID, "withdrawn", actor.UserID(), q.Mode, q.Summary, q.Title, "", now); err != nil {
			return err
		}
		if err := tx.InsertReportEvent(ctx, haven.ReportEvent{ReportID: r.ID, ActorID: actor.UserID(), At: now,
			Kind: "disclosure", From: "requested", To: "withdrawn"}); err != nil {
			return err
		}
		if err := a.notify(ctx, tx, notice{report: r, actorID: actor.UserID(), toReporter: true, toTeam: true,
			subject: "disclosure withdrawn", summary: "withdrew the disclosure request"}); err != nil {
			return err
		}
		return a.audit(ctx, tx, actor, "report.disclosure_withdraw", reportTarget(r), map[string]any{"side": side})
	})
}

// PublicReport is a disclosed report as anyone may read it. A summary
// disclosure carries the program's summary and none of the report's text,
// comments or files; a full one its public comments and files. Internal
// comments, internal files and internal history never appear.
type PublicReport struct {
	*haven.Report
	Program     *haven.Program
	Asset       *haven.Asset
	Credit      string // the researcher's display name, or "" when they have none
	Comments    []haven.Comment
	Attachments []*haven.Attachment
	// Names of the comments' authors: the researcher's credit, or
	// "<program> team".
	Names map[int64]string
	// Awarded is the total awarded on the report, in minor units of the
	// program's currency at the time (0: none).
	Awarded  int64
	Currency string
}

// DisclosedReport returns a public report; any other id is
// haven.ErrNotFound, whether it exists or not.
func (a *App) DisclosedReport(ctx context.Context, publicID string) (*PublicReport, error) {
	r, err := a.db.DisclosedReport(ctx, publicID)
	if err != nil {
		return nil, err
	}
	p, err := a.db.Program(ctx, r.ProgramID)
	if err != nil {
		return nil, err
	}
	if !p.Status.Public() {
		return nil, haven.ErrNotFound
	}
	return a.publicReport(ctx, r, p, true)
}

// publicReport builds the public view of r, a disclosed report of the
// public program p.
func (a *App) publicReport(ctx context.Context, r *haven.Report, p *haven.Program, detail bool) (*PublicReport, error) {
	pr := &PublicReport{Report: r, Program: p, Names: map[int64]string{}}
	var err error
	if pr.Asset, err = a.db.AssetForReport(ctx, r.AssetID); err != nil {
		return nil, err
	}
	if u, err := a.db.User(ctx, r.ReporterID); err == nil {
		// Never the e-mail address: only a name the researcher chose.
		pr.Credit = u.DisplayName
	}
	awards, err := a.db.ReportAwards(ctx, r.ID)
	if err != nil {
		return nil, err
	}
	for _, w := range awards {
		pr.Awarded, pr.Currency = pr.Awarded+w.Amount, w.Currency
	}
	// Summary disclosures publish the summary only, under the public
	// title when the program gave one.
	if r.DisclosureMode != haven.DisclosureFull {
		r.Description, r.Steps, r.Impact = "", "", ""
		if r.DisclosureTitle != "" {
			r.Title = r.DisclosureTitle
		}
		return pr, nil
	}
	if !detail {
		return pr, nil
	}
	if pr.Comments, err = a.db.Comments(ctx, r.ID, false); err != nil {
		return nil, err
	}
	if pr.Attachments, err = a.db.Attachments(ctx, r.ID, false); err != nil {
		return nil, err
	}
	for _, c := range pr.Comments {
		switch {
		case c.AuthorID != r.ReporterID:
			pr.Names[c.AuthorID] = pr.Program.Name + " team"
		case pr.Credit != "":
			pr.Names[c.AuthorID] = pr.Credit
		default:
			pr.Names[c.AuthorID] = "The researcher"
		}
	}
	return pr, nil
}

// DisclosedReports lists a public program's disclosed reports, newest
// first, for everyone.
func (a *App) DisclosedReports(ctx context.Context, actor haven.Actor, slug string, limit, offset int) ([]*PublicReport, int, error) {
	p, err := a.visibleProgram(ctx, a.db, actor, slug)
	if err != nil {
		return nil, 0, err
	}
	if !p.Status.Public() {
		return nil, 0, nil
	}
	rs, total, err := a.db.DisclosedReports(ctx, p.ID, limit, offset)
	if err != nil {
		return nil, 0, err
	}
	out := make([]*PublicReport, 0, len(rs))
	for _, r := range rs {
		pr, err := a.publicReport(ctx, r, p, false)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, pr)
	}
	return out, total, nil
}

// Credits names the researchers thanked on a public program's page: those
// of its disclosed reports who chose a display name.
func (a *App) Credits(ctx context.Context, actor haven.Actor, slug string) ([]string, error) {
	p, err := a.visibleProgram(ctx, a.db, actor, slug)
	if err != nil {
		return nil, err
	}
	if !p.Status.Public() {
		return nil, nil
	}
	return a.db.Credits(ctx, p.ID)
}
