package app

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/haven-project/haven/internal/haven"
	"github.com/haven-project/haven/internal/securitytxt"
	"github.com/haven-project/haven/internal/store"
)

// PostUpdate writes a program update (owners); publish makes it public at
// once and says so in the activity feed.
func (a *App) PostUpdate(ctx context.Context, actor haven.Actor, slug, title, body string, publish bool) (int64, error) {
	title, body = strings.TrimSpace(title), strings.TrimSpace(body)
	v := &haven.InvalidError{}
	if title == "" || utf8.RuneCountInString(title) > 200 {
		v.Add("title", "Give a title of at most 200 characters.")
	}
	if body == "" || utf8.RuneCountInString(body) > maxPolicyText {
		v.Add("body", "Write the update (at most 100,000 characters).")
	}
	if err := v.Err(); err != nil {
		return 0, err
	}
	var id int64
	err := a.tx(ctx, func(tx *store.DB) error {
		p, err := a.programFor(ctx, tx, actor, slug, haven.PermManageProgram)
		if err != nil {
			return err
		}
		now := a.now()
		u := haven.ProgramUpdate{ProgramID: p.ID, Title: title, Body: body, AuthorID: actor.UserID(), CreatedAt: now}
		if publish {
			u.PublishedAt = &now
		}
		if id, err = tx.InsertProgramUpdate(ctx, u); err != nil {
			return err
		}
		if publish {
			if err := a.activity(ctx, tx, p, "program_update", "published a program update"); err != nil {
				return err
			}
		}
		return a.audit(ctx, tx, actor, "program.update_post", programTarget(p), map[string]any{"update_id": id, "published": publish})
	})
	return id, err
}

// PublishUpdate publishes a draft update (owners).
func (a *App) PublishUpdate(ctx context.Context, actor haven.Actor, slug string, id int64) error {
	return a.tx(ctx, func(tx *store.DB) error {
		p, err := a.programFor(ctx, tx, actor, slug, haven.PermManageProgram)
		if err != nil {
			return err
		}
		if err := tx.PublishProgramUpdate(ctx, p.ID, id, a.now()); err != nil {
			return err
		}
		if err := a.activity(ctx, tx, p, "program_update", "published a program update"); err != nil {
			return err
		}
		return a.audit(ctx, tx, actor, "program.update_publish", programTarget(p), map[string]any{"update_id": id})
	})
}

// Updates lists a program's published updates (drafts too for owners).
func (a *App) Updates(ctx context.Context, actor haven.Actor, slug string) ([]haven.ProgramUpdate, error) {
	p, err := a.visibleProgram(ctx, a.db, actor, slug)
	if err != nil {
		return nil, err
	}
	return a.db.ProgramUpdates(ctx, p.ID, actor.Can(haven.PermManageProgram, p.ID) || actor.IsAdmin())
}

// Activity returns a program's public activity feed, newest first.
func (a *App) Activity(ctx context.Context, actor haven.Actor, slug string, limit int) ([]haven.Activity, error) {
	p, err := a.visibleProgram(ctx, a.db, actor, slug)
	if err != nil {
		return nil, err
	}
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	return a.db.Activity(ctx, p.ID, limit)
}

const maxFeedback = 4000

// SendFeedback leaves an anonymous message for a program's owners. Anyone
// may, signed in or not; nothing about the sender is stored, and messages
// are never shown publicly. Rate-limited per client address.
func (a *App) SendFeedback(ctx context.Context, actor haven.Actor, slug, body string) error {
	body = strings.TrimSpace(body)
	if utf8.RuneCountInString(body) < 10 {
		return haven.Invalid("body", "Write at least a sentence.")
	}
	if utf8.RuneCountInString(body) > maxFeedback {
		return haven.Invalid("body", fmt.Sprintf("Use at most %d characters.", maxFeedback))
	}
	p, err := a.visibleProgram(ctx, a.db, actor, slug)
	if err != nil {
		return err
	}
	if err := a.limit(ctx, "feedback", actor.IP, 5, time.Hour); err != nil {
		return err
	}
	return a.db.InsertFeedback(ctx, haven.Feedback{ProgramID: p.ID, Body: body, CreatedAt: a.now()})
}

// Feedback lists a program's feedback (owners only).
func (a *App) Feedback(ctx context.Context, actor haven.Actor, slug string) ([]haven.Feedback, error) {
	p, err := a.visibleProgram(ctx, a.db, actor, slug)
	if err != nil {
		return nil, err
	}
	if !actor.Can(haven.PermReadFeedback, p.ID) {
		if !actor.SignedIn() {
			return nil, haven.ErrUnauthenticated
		}
		return nil, haven.ErrForbidden
	}
	return a.db.Feedback(ctx, p.ID)
}

// History lists the audit records of a program's settings and team (its
// members and admins): who changed what, when.
func (a *App) History(ctx context.Context, actor haven.Actor, slug string) ([]haven.AuditEntry, error) {
	p, err := a.programFor(ctx, a.db, actor, slug, haven.PermViewProgram)
	if err != nil {
		return nil, err
	}
	entries, err := a.db.AuditEntriesFor(ctx, programTarget(p), 200)
	if err != nil {
		return nil, err
	}
	// Team members see who changed what, not from which address.
	if !actor.IsAdmin() && !actor.IsSystem() {
		for i := range entries {
			entries[i].IP = ""
		}
	}
	return entries, nil
}

// PolicyVersions lists the versions of a program's rules, newest first.
func (a *App) PolicyVersions(ctx context.Context, actor haven.Actor, slug string) (*haven.Program, []haven.PolicyVersion, error) {
	p, err := a.visibleProgram(ctx, a.db, actor, slug)
	if err != nil {
		return nil, nil, err
	}
	vs, err := a.db.PolicyVersions(ctx, p.ID)
	return p, vs, err
}

// PolicyVersion returns one version of a program's rules.
func (a *App) PolicyVersion(ctx context.Context, actor haven.Actor, slug string, version int) (*haven.Program, haven.PolicyVersion, error) {
	p, err := a.visibleProgram(ctx, a.db, actor, slug)
	if err != nil {
		return nil, haven.PolicyVersion{}, err
	}
	v, err := a.db.PolicyVersion(ctx, p.ID, version)
	return p, v, err
}

// CannedResponses lists a program's prepared answers (its team).
func (a *App) CannedResponses(ctx context.Context, actor haven.Actor, slug string) ([]haven.CannedResponse, error) {
	p, err := a.programFor(ctx, a.db, actor, slug, haven.PermCommentReports)
	if err != nil {
		return nil, err
	}
	return a.db.CannedResponses(ctx, p.ID)
}

// AddCannedResponse adds a prepared answer (owners).
func (a *App) AddCannedResponse(ctx context.Context, actor haven.Actor, slug, title, body string) (int64, error) {
	title, body = strings.TrimSpace(title), strings.TrimSpace(body)
	if title == "" || utf8.RuneCountInString(title) > 200 {
		return 0, haven.Invalid("title", "Give a title of at most 200 characters.")
	}
	if body == "" || utf8.RuneCountInString(body) > 20_000 {
		return 0, haven.Invalid("body", "Write the answer (at most 20,000 characters).")
	}
	var id int64
	err := a.tx(ctx, func(tx *store.DB) error {
		p, err := a.programFor(ctx, tx, actor, slug, haven.PermManageProgram)
		if err != nil {
			return err
		}
		if id, err = tx.InsertCannedResponse(ctx, haven.CannedResponse{ProgramID: p.ID, Title: title, Body: body}, a.now()); err != nil {
			return err
		}
		return a.audit(ctx, tx, actor, "program.canned_add", programTarget(p), map[string]any{"canned_id": id})
	})
	return id, err
}

// SecurityTxt returns the RFC 9116 security.txt of a public program, or of
// the instance when slug is "".
func (a *App) SecurityTxt(ctx context.Context, slug string) (securitytxt.File, error) {
	now := a.now()
	f := securitytxt.File{Expires: securitytxt.ExpiresAt(now), PreferredLanguages: []string{"en"}}
	if slug == "" {
		f.Contact = []string{a.link("/programs")}
		f.Policy = []string{a.link("/programs")}
		f.Canonical = []string{a.link("/.well-known/security.txt")}
		return f, nil
	}
	p, err := a.db.ProgramBySlug(ctx, slug)
	if err != nil {
		return f, err
	}
	if !p.Status.Public() {
		return f, haven.ErrNotFound
	}
	base := "/programs/" + p.Slug
	if p.Status == haven.StatusPublished {
		f.Contact = append(f.Contact, a.link(base+"#report"))
	}
	if p.ContactEmail != "" {
		f.Contact = append(f.Contact, "mailto:"+p.ContactEmail)
	}
	if len(f.Contact) == 0 {
		f.Contact = []string{a.link(base)}
	}
	if p.PGPKey != "" {
		f.Encryption = []string{a.link(base + "/pgp-key.asc")}
	}
	f.Policy = []string{a.link(base)}
	f.Acknowledgments = []string{a.link(base + "#thanks")}
	f.Canonical = []string{a.link(base + "/security.txt")}
	return f, nil
}
