package app

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/haven-project/haven/internal/haven"
	"github.com/haven-project/haven/internal/store"
)

// teamProgram returns a program when the actor holds perm on its reports.
// Admins hold nothing here: reports belong to the program's team. A
// program the actor may not see is haven.ErrNotFound; a visible one where
// the actor lacks perm is haven.ErrForbidden.
func (a *App) teamProgram(ctx context.Context, db *store.DB, actor haven.Actor, slug string, perm haven.Permission) (*haven.Program, error) {
	p, err := a.visibleProgram(ctx, db, actor, slug)
	if err != nil {
		return nil, err
	}
	if !actor.SignedIn() {
		return nil, haven.ErrUnauthenticated
	}
	if !actor.Can(perm, p.ID) {
		return nil, haven.ErrForbidden
	}
	return p, nil
}

// KnownIssueInput is a known issue as the team writes it.
type KnownIssueInput struct {
	Title       string
	Description string
}

func (in *KnownIssueInput) check() error {
	in.Title, in.Description = strings.TrimSpace(in.Title), strings.TrimSpace(in.Description)
	v := &haven.InvalidError{}
	if in.Title == "" {
		v.Add("title", "Name the known issue.")
	} else if msg := titleProblem(in.Title); msg != "" {
		v.Add("title", msg)
	}
	if utf8.RuneCountInString(in.Description) > maxReportText {
		v.Add("description", fmt.Sprintf("Use at most %d characters.", maxReportText))
	}
	return v.Err()
}

// KnownIssues lists a program's known issues (its team only); archived
// ones too when withArchived.
func (a *App) KnownIssues(ctx context.Context, actor haven.Actor, slug string, withArchived bool) (*haven.Program, []*haven.KnownIssue, error) {
	p, err := a.teamProgram(ctx, a.db, actor, slug, haven.PermViewReports)
	if err != nil {
		return nil, nil, err
	}
	ks, err := a.db.KnownIssues(ctx, p.ID, withArchived)
	return p, ks, err
}

// AddKnownIssue records a vulnerability the program already knows
// (triagers and owners).
func (a *App) AddKnownIssue(ctx context.Context, actor haven.Actor, slug string, in KnownIssueInput) (*haven.KnownIssue, error) {
	if err := in.check(); err != nil {
		return nil, err
	}
	var out *haven.KnownIssue
	err := a.tx(ctx, func(tx *store.DB) error {
		p, err := a.teamProgram(ctx, tx, actor, slug, haven.PermTriage)
		if err != nil {
			return err
		}
		now := a.now()
		k := haven.KnownIssue{PublicID: newPublicID(), ProgramID: p.ID, Title: in.Title, Description: in.Description,
			CreatedBy: actor.UserID(), CreatedAt: now, UpdatedAt: now}
		if k.ID, err = tx.InsertKnownIssue(ctx, k); err != nil {
			return err
		}
		out = &k
		return a.audit(ctx, tx, actor, "program.known_issue_add", programTarget(p), map[string]any{"known_issue": k.PublicID})
	})
	return out, err
}

// KnownIssuePatch changes a known issue; nil fields stay as they are.
type KnownIssuePatch struct {
	Title       *string
	Description *string
	// Archived: an archived known issue no longer takes duplicates.
	Archived *bool
}

// UpdateKnownIssue changes a known issue's text, or archives it or brings
// it back (triagers and owners).
func (a *App) UpdateKnownIssue(ctx context.Context, actor haven.Actor, slug, publicID string, patch KnownIssuePatch) (*haven.KnownIssue, error) {
	var out *haven.KnownIssue
	err := a.tx(ctx, func(tx *store.DB) error {
		p, err := a.teamProgram(ctx, tx, actor, slug, haven.PermTriage)
		if err != nil {
			return err
		}
		k, err := tx.KnownIssue(ctx, p.ID, publicID)
		if err != nil {
			return err
		}
		in := KnownIssueInput{Title: k.Title, Description: k.Description}
		if patch.Title != nil {
			in.Title = *patch.Title
		}
		if patch.Description != nil {
			in.Description = *patch.Description
		}
		if err := in.check(); err != nil {
			return err
		}
		now := a.now()
		k.Title, k.Description = in.Title, in.Description
		switch {
		case patch.Archived == nil:
		case *patch.Archived && k.ArchivedAt == nil:
			k.ArchivedAt = &now
		case !*patch.Archived:
			k.ArchivedAt = nil
		}
		if err := tx.UpdateKnownIssue(ctx, k, now); err != nil {
			return err
		}
		k.UpdatedAt = now
		out = k
		return a.audit(ctx, tx, actor, "program.known_issue_update", programTarget(p),
			map[string]any{"known_issue": k.PublicID, "archived": k.ArchivedAt != nil})
	})
	return out, err
}
