package app

import (
	"context"
	"strings"

	"github.com/haven-project/haven/internal/haven"
	"github.com/haven-project/haven/internal/mail"
	"github.com/haven-project/haven/internal/store"
)

// notice is something that happened to a report, to tell the people it
// concerns: an in-app notice and an e-mail each, queued in the same
// transaction as the change.
type notice struct {
	report  *haven.Report
	actorID int64
	// toReporter tells the reporter; toTeam tells the program's team.
	// Internal happenings (internal comments) must set toReporter false.
	toReporter, toTeam bool
	subject            string // short, for the mail subject: "report accepted"
	summary            string // "accepted the report"
	detail             string // a reason or comment body; content
}

// notify queues the notice for everyone it concerns but the actor.
func (a *App) notify(ctx context.Context, tx *store.DB, n notice) error {
	p, err := tx.Program(ctx, n.report.ProgramID)
	if err != nil {
		return err
	}
	actorName := ""
	if n.actorID != 0 {
		if u, err := tx.User(ctx, n.actorID); err == nil {
			actorName = u.Name()
		}
	}
	type recipient struct {
		user *haven.User
		team bool
	}
	var to []recipient
	if n.toTeam {
		members, err := tx.Members(ctx, p.ID)
		if err != nil {
			return err
		}
		for _, m := range members {
			to = append(to, recipient{m.User, true})
		}
	}
	if n.toReporter {
		u, err := tx.User(ctx, n.report.ReporterID)
		if err != nil {
			return err
		}
		to = append(to, recipient{u, false})
	}
	seen := map[int64]bool{n.actorID: true}
	for _, r := range to {
		if seen[r.user.ID] || r.user.Disabled() {
			continue
		}
		seen[r.user.ID] = true
		// The reporter reads the team as "<program> team", as on the page.
		who := actorName
		if !r.team && n.actorID != n.report.ReporterID {
			who = p.Name + " team"
		}
		if who == "" {
			who = "Haven"
		}
		if err := tx.InsertNotification(ctx, r.user.ID, n.report.ID, who+" "+n.summary+": "+n.report.Title, a.now()); err != nil {
			return err
		}
		link := a.link("/reports/" + n.report.PublicID)
		private, err := tx.MailNoContent(ctx, r.user.ID)
		if err != nil {
			return err
		}
		if private {
			if err := a.sendMail(ctx, tx, r.user.Email, "report_notice_private", map[string]string{"Link": link}); err != nil {
				return err
			}
			continue
		}
		if err := a.sendMail(ctx, tx, r.user.Email, "report_notice", map[string]string{
			"Program": mail.OneLine(p.Name), "Subject": n.subject, "Who": who, "Summary": n.summary,
			"Title": n.report.Title, "ID": n.report.PublicID, "Detail": strings.TrimSpace(n.detail), "Link": link,
		}); err != nil {
			return err
		}
	}
	return nil
}

// Notice is an in-app notice as its page shows it.
type Notice = store.Notification

// Notices lists the actor's newest notices and marks them read.
func (a *App) Notices(ctx context.Context, actor haven.Actor) ([]Notice, error) {
	u, err := requireUser(actor)
	if err != nil {
		return nil, err
	}
	ns, err := a.db.Notifications(ctx, u.ID, 100)
	if err != nil {
		return nil, err
	}
	return ns, a.db.MarkNotificationsRead(ctx, u.ID, a.now())
}

// UnreadNotices counts the actor's unread notices.
func (a *App) UnreadNotices(ctx context.Context, actor haven.Actor) (int, error) {
	if !actor.SignedIn() {
		return 0, nil
	}
	return a.db.UnreadNotifications(ctx, actor.UserID())
}

// MailNoContent reports whether the actor chose e-mails without content.
func (a *App) MailNoContent(ctx context.Context, actor haven.Actor) (bool, error) {
	u, err := requireUser(actor)
	if err != nil {
		return false, err
	}
	return a.db.MailNoContent(ctx, u.ID)
}

// SetMailNoContent records the actor's choice of e-mails without report
// titles or text.
func (a *App) SetMailNoContent(ctx context.Context, actor haven.Actor, v bool) error {
	u, err := requireUser(actor)
	if err != nil {
		return err
	}
	return a.db.SetMailNoContent(ctx, u.ID, v)
}
