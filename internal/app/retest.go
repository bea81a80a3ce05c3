package app

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/haven-project/haven/internal/haven"
	"github.com/haven-project/haven/internal/money"
	"github.com/haven-project/haven/internal/store"
)

// Retest deadlines: at least a day, at most 90 days ahead.
const (
	minRetestWindow     = 24 * time.Hour
	maxRetestWindow     = 90 * 24 * time.Hour
	DefaultRetestWindow = 14 * 24 * time.Hour
)

// RetestInput is a retest request as a triager makes it.
type RetestInput struct {
	Bonus    int64 // minor units of the program's currency; 0 offers none
	Deadline time.Time
	Note     string
}

// RequestRetest asks a resolved report's researcher to check the fix,
// with an optional bonus (at most the program's retest bonus) and a
// deadline. Triagers and owners ask; one retest runs at a time.
func (a *App) RequestRetest(ctx context.Context, actor haven.Actor, publicID string, in RetestInput) (*haven.Retest, error) {
	var out *haven.Retest
	err := a.tx(ctx, func(tx *store.DB) error {
		r, err := a.triageable(ctx, tx, actor, publicID, haven.PermTriage)
		if err != nil {
			return err
		}
		if actor.IsSystem() {
			return haven.ErrForbidden // a retest is asked by a person
		}
		if r.State != haven.StateResolved {
			return &haven.InvalidError{Msg: "Ask for a retest once the report is resolved."}
		}
		p, err := tx.Program(ctx, r.ProgramID)
		if err != nil {
			return err
		}
		cur, err := money.ParseCurrency(p.Currency)
		if err != nil {
			return err
		}
		v := &haven.InvalidError{}
		switch {
		case in.Bonus < 0:
			v.Add("bonus", "Offer no bonus, or a positive amount.")
		case in.Bonus > 0 && p.Kind != haven.KindBounty:
			v.Add("bonus", "This program pays no money: it is a vulnerability disclosure program.")
		case in.Bonus > 0 && p.RetestBonus == 0:
			v.Add("bonus", "The program offers no retest bonus: set one in its rewards first.")
		case in.Bonus > p.RetestBonus:
			v.Add("bonus", "The program's retest bonus is at most "+cur.Format(money.Amount(p.RetestBonus))+".")
		}
		now := a.now()
		switch {
		case in.Deadline.IsZero():
			v.Add("deadline", "Give the researcher a deadline.")
		case in.Deadline.Before(now.Add(minRetestWindow)):
			v.Add("deadline", "Give the researcher at least a day.")
		case in.Deadline.After(now.Add(maxRetestWindow)):
			v.Add("deadline", "Choose a deadline within 90 days.")
		}
		note := strings.TrimSpace(in.Note)
		if utf8.RuneCountInString(note) > maxComment {
			v.Add("note", fmt.Sprintf("Use at most %d characters.", maxComment))
		}
		if err := v.Err(); err != nil {
			return err
		}
		t := haven.Retest{ReportID: r.ID, RequestedBy: actor.UserID(), RequestedAt: now, Deadline: in.Deadline.UTC(),
			Bonus: in.Bonus, Currency: cur.Code, Note: note, State: haven.RetestRequested}
		if t.ID, err = tx.InsertRetest(ctx, t); err != nil {
			if errors.Is(err, haven.ErrConflict) {
				return &haven.InvalidError{Msg: "A retest of this report is in progress already."}
			}
			return err
		}
		offer := "no bonus"
		if t.Bonus > 0 {
			offer = "a bonus of " + cur.Format(money.Amount(t.Bonus))
		}
		if err := tx.InsertReportEvent(ctx, haven.ReportEvent{ReportID: r.ID, ActorID: actor.UserID(), At: now, Kind: "retest",
			To: string(haven.RetestRequested), Reason: note}); err != nil {
			return err
		}
		if err := a.notify(ctx, tx, notice{report: r, actorID: actor.UserID(), toReporter: true, toTeam: true,
			subject: "please check our fix",
			summary: fmt.Sprintf("asked you to check the fix by %s, with %s", t.Deadline.Format("2 January 2006 15:04 MST"), offer),
			detail:  note}); err != nil {
			return err
		}
		out = &t
		return a.audit(ctx, tx, actor, "report.retest_request", reportTarget(r), map[string]any{"bonus": t.Bonus})
	})
	return out, err
}

// openRetest returns the report's retest in progress.
func openRetest(ctx context.Context, tx *store.DB, r *haven.Report) (*haven.Retest, error) {
	ts, err := tx.Retests(ctx, r.ID)
	if err != nil {
		return nil, err
	}
	for _, t := range ts {
		if t.State.Open() {
			return t, nil
		}
	}
	return nil, &haven.InvalidError{Msg: "No retest of this report is in progress."}
}

// RetestAnswer is the researcher's answer to a retest request.
type RetestAnswer struct {
	Result string // haven.RetestFixed or haven.RetestNotFixed
	Notes  string
	Files  []Upload
}

// AnswerRetest records the researcher's verdict on the fix, before the
// deadline. Only the report's researcher answers.
func (a *App) AnswerRetest(ctx context.Context, actor haven.Actor, publicID string, in RetestAnswer) (_ *haven.Retest, err error) {
	if !actor.SignedIn() {
		return nil, haven.ErrUnauthenticated
	}
	r, err := a.db.Report(ctx, actor.UserID(), publicID)
	if err != nil {
		return nil, err
	}
	if r.ReporterID != actor.UserID() {
		return nil, haven.ErrForbidden
	}
	v := &haven.InvalidError{}
	if in.Result != haven.RetestFixed && in.Result != haven.RetestNotFixed {
		v.Add("result", "Say whether the fix works: fixed or not fixed.")
	}
	notes := strings.TrimSpace(in.Notes)
	switch {
	case notes == "":
		v.Add("notes", "Say how you checked the fix.")
	case utf8.RuneCountInString(notes) > maxReportText:
		v.Add("notes", fmt.Sprintf("Use at most %d characters.", maxReportText))
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	stored, cleanup, err := a.storeUploads(ctx, in.Files)
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			cleanup()
		}
	}()
	var out *haven.Retest
	err = a.tx(ctx, func(tx *store.DB) error {
		r, err := tx.Report(ctx, actor.UserID(), publicID)
		if err != nil {
			return err
		}
		t, err := openRetest(ctx, tx, r)
		if err != nil {
			return err
		}
		now := a.now()
		switch {
		case t.State != haven.RetestRequested:
			return &haven.InvalidError{Msg: "You answered this retest already."}
		case !now.Before(t.Deadline):
			return &haven.InvalidError{Msg: "This retest expired; ask the team for a new one."}
		}
		if err := tx.AnswerRetest(ctx, t.ID, in.Result, notes, now); err != nil {
			return err
		}
		if _, err := a.saveAttachments(ctx, tx, r, actor.UserID(), stored, 0, t.ID, false); err != nil {
			return err
		}
		if err := tx.InsertReportEvent(ctx, haven.ReportEvent{ReportID: r.ID, ActorID: actor.UserID(), At: now, Kind: "retest",
			From: string(haven.RetestRequested), To: in.Result, Reason: notes}); err != nil {
			return err
		}
		verdict := "fixed"
		if in.Result == haven.RetestNotFixed {
			verdict = "not fixed"
		}
		if err := a.notify(ctx, tx, notice{report: r, actorID: actor.UserID(), toTeam: true,
			subject: "retest answered: " + verdict, summary: "checked the fix: " + verdict, detail: notes}); err != nil {
			return err
		}
		t.State, t.Result, t.Answer, t.AnsweredAt = haven.RetestAnswered, in.Result, notes, &now
		out = t
		return a.audit(ctx, tx, actor, "report.retest_answer", reportTarget(r), map[string]any{"result": in.Result})
	})
	return out, err
}

// DecideRetest approves an answered retest (the offered bonus is awarded,
// once) or rejects it with a reason. Owners decide.
func (a *App) DecideRetest(ctx context.Context, actor haven.Actor, publicID string, approve bool, reason string) (*haven.Retest, error) {
	var out *haven.Retest
	err := a.tx(ctx, func(tx *store.DB) error {
		r, p, err := a.awardable(ctx, tx, actor, publicID)
		if err != nil {
			return err
		}
		if actor.IsSystem() {
			return haven.ErrForbidden // money is decided by a person
		}
		t, err := openRetest(ctx, tx, r)
		if err != nil {
			return err
		}
		if t.State != haven.RetestAnswered {
			return &haven.InvalidError{Msg: "The researcher has not answered this retest yet."}
		}
		reason = strings.TrimSpace(reason)
		if utf8.RuneCountInString(reason) > 2000 {
			return haven.Invalid("reason", "Use at most 2,000 characters.")
		}
		if !approve && reason == "" {
			return haven.Invalid("reason", "Say why you reject the answer: the researcher reads it.")
		}
		now := a.now()
		to := haven.RetestRejected
		var awardID int64
		summary := "rejected the retest"
		if approve {
			to, summary = haven.RetestApproved, "approved the retest"
			if t.Bonus > 0 {
				cur, err := money.ParseCurrency(t.Currency)
				if err != nil {
					return err
				}
				w := haven.Award{ReportID: r.ID, ProgramID: p.ID, Kind: "bonus", Amount: t.Bonus, Currency: cur.Code,
					Reason: "Retest bonus", Status: "pending", AwardedBy: actor.UserID(), CreatedAt: now}
				// The retest's own nonce: its bonus is awarded once.
				if awardID, err = tx.InsertAward(ctx, w, fmt.Sprintf("retest:%d", t.ID)); err != nil {
					return err
				}
				summary += " and awarded a bonus of " + cur.Format(money.Amount(t.Bonus))
			}
		}
		if err := tx.DecideRetest(ctx, t.ID, haven.RetestAnswered, to, actor.UserID(), reason, awardID, now); err != nil {
			return err
		}
		if err := tx.InsertReportEvent(ctx, haven.ReportEvent{ReportID: r.ID, ActorID: actor.UserID(), At: now, Kind: "retest",
			From: t.Result, To: string(to), Reason: reason}); err != nil {
			return err
		}
		if err := a.notify(ctx, tx, notice{report: r, actorID: actor.UserID(), toReporter: true, toTeam: true,
			subject: "retest " + string(to), summary: summary, detail: reason}); err != nil {
			return err
		}
		t.State, t.DecidedBy, t.DecidedAt, t.DecisionReason, t.AwardID = to, actor.UserID(), &now, reason, awardID
		out = t
		return a.audit(ctx, tx, actor, "report.retest_decide", reportTarget(r), map[string]any{"approved": approve, "bonus": t.Bonus})
	})
	return out, err
}

// WithdrawRetest cancels a retest the researcher has not answered yet
// (triagers and owners).
func (a *App) WithdrawRetest(ctx context.Context, actor haven.Actor, publicID string) error {
	return a.tx(ctx, func(tx *store.DB) error {
		r, err := a.triageable(ctx, tx, actor, publicID, haven.PermTriage)
		if err != nil {
			return err
		}
		t, err := openRetest(ctx, tx, r)
		if err != nil {
			return err
		}
		if t.State != haven.RetestRequested {
			return &haven.InvalidError{Msg: "The researcher answered already: approve or reject the answer."}
		}
		now := a.now()
		if err := tx.DecideRetest(ctx, t.ID, haven.RetestRequested, haven.RetestWithdrawn, actor.UserID(), "", 0, now); err != nil {
			return err
		}
		if err := tx.InsertReportEvent(ctx, haven.ReportEvent{ReportID: r.ID, ActorID: actor.UserID(), At: now, Kind: "retest",
			From: string(haven.RetestRequested), To: string(haven.RetestWithdrawn)}); err != nil {
			return err
		}
		if err := a.notify(ctx, tx, notice{report: r, actorID: actor.UserID(), toReporter: true, toTeam: true,
			subject: "retest withdrawn", summary: "withdrew the retest request"}); err != nil {
			return err
		}
		return a.audit(ctx, tx, actor, "report.retest_withdraw", reportTarget(r), nil)
	})
}

// ExpireRetests ends every retest request whose deadline passed without an
// answer. It runs as a periodic chore, as the system, and returns how many
// it ended; one answered meanwhile is left alone (compare-and-set).
func (a *App) ExpireRetests(ctx context.Context) (int, error) {
	now := a.now()
	due, err := a.db.DueRetests(ctx, now, 500)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, t := range due {
		err := a.tx(ctx, func(tx *store.DB) error {
			if err := tx.DecideRetest(ctx, t.ID, haven.RetestRequested, haven.RetestExpired, 0, "", 0, now); err != nil {
				return err
			}
			r, err := tx.ReportForSystem(ctx, t.ReportID)
			if err != nil {
				return err
			}
			if err := tx.InsertReportEvent(ctx, haven.ReportEvent{ReportID: r.ID, At: now, Kind: "retest",
				From: string(haven.RetestRequested), To: string(haven.RetestExpired),
				Reason: "No answer came before the deadline."}); err != nil {
				return err
			}
			if err := a.notify(ctx, tx, notice{report: r, toReporter: true, toTeam: true,
				subject: "retest expired", summary: "ended the retest request: no answer came before the deadline"}); err != nil {
				return err
			}
			return a.audit(ctx, tx, haven.System, "report.retest_expire", reportTarget(r), nil)
		})
		if errors.Is(err, haven.ErrConflict) {
			continue
		}
		if err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}
