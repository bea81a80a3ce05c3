package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/haven-project/haven/internal/haven"
	"github.com/haven-project/haven/internal/store"
)

// CloseUnansweredReports closes, as informative, every needs_info report
// whose reporter has not answered within its program's needs-info days (30
// by default). It runs as a periodic chore, as the system, and returns how
// many it closed. A report answered meanwhile (or changed by the team) is
// left alone: the state change is a compare-and-set.
func (a *App) CloseUnansweredReports(ctx context.Context) (int, error) {
	now := a.now()
	// No program waits less than a day: only older reports are candidates.
	waiting, err := a.db.ReportsWaitingForInfo(ctx, now.Add(-24*time.Hour))
	if err != nil {
		return 0, err
	}
	programs := map[int64]*haven.Program{}
	closed := 0
	for _, w := range waiting {
		p, ok := programs[w.ProgramID]
		if !ok {
			if p, err = a.db.Program(ctx, w.ProgramID); err != nil {
				return closed, err
			}
			programs[w.ProgramID] = p
		}
		days := p.NeedsInfoDays
		if days <= 0 {
			days = 30
		}
		if now.Sub(w.Since) < time.Duration(days)*24*time.Hour {
			continue
		}
		err := a.tx(ctx, func(tx *store.DB) error {
			reason := fmt.Sprintf("Closed: the information the team asked for did not come within %d days. Comment to have it reopened.", days)
			if err := tx.SetReportState(ctx, w.ID, haven.StateNeedsInfo, haven.StateInformative, 0, 0, now); err != nil {
				return err
			}
			if err := tx.InsertReportEvent(ctx, haven.ReportEvent{ReportID: w.ID, At: now, Kind: "state",
				From: string(haven.StateNeedsInfo), To: string(haven.StateInformative), Reason: reason}); err != nil {
				return err
			}
			if err := a.activity(ctx, tx, p, "report_closed", "closed a submission"); err != nil {
				return err
			}
			return a.audit(ctx, tx, haven.System, "report.expire_needs_info", "report:"+w.PublicID, nil)
		})
		if errors.Is(err, haven.ErrConflict) {
			continue // answered or changed meanwhile
		}
		if err != nil {
			return closed, err
		}
		closed++
	}
	return closed, nil
}
