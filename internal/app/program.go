package app

import (
	"context"
	"errors"
	"regexp"
	"strings"

	"github.com/haven-project/haven/internal/haven"
	"github.com/haven-project/haven/internal/store"
)

var slugPattern = regexp.MustCompile(`^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$`)

// NewProgram is what an admin gives to create a program.
type NewProgram struct {
	Slug   string
	Name   string
	Status string // draft (default) or published
}

// CreateProgram creates a program (instance admins and the system only).
// Programs grow policy, scope and rewards in their own use cases.
func (a *App) CreateProgram(ctx context.Context, actor haven.Actor, in NewProgram) (*haven.Program, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	v := &haven.InvalidError{}
	in.Slug = strings.TrimSpace(in.Slug)
	in.Name = strings.TrimSpace(in.Name)
	if !slugPattern.MatchString(in.Slug) {
		v.Add("slug", "Use 1 to 40 lower-case letters, digits and dashes, starting and ending with a letter or digit.")
	}
	if in.Name == "" || len(in.Name) > 120 {
		v.Add("name", "Give a name of at most 120 characters.")
	}
	if in.Status == "" {
		in.Status = "draft"
	}
	if in.Status != "draft" && in.Status != "published" {
		v.Add("status", "A new program is a draft or published.")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	var p *haven.Program
	err := a.tx(ctx, func(tx *store.DB) error {
		var err error
		p, err = tx.InsertProgram(ctx, haven.Program{Slug: in.Slug, Name: in.Name, Status: in.Status}, a.now())
		if errors.Is(err, haven.ErrConflict) {
			return haven.Invalid("slug", "Another program uses this slug.")
		}
		if err != nil {
			return err
		}
		return a.audit(ctx, tx, actor, "program.create", "program:"+in.Slug, nil)
	})
	return p, err
}

// SetMember gives an account a role on a program. For now only admins and
// the system may; owners manage their team with the program use cases.
func (a *App) SetMember(ctx context.Context, actor haven.Actor, programID, userID int64, role haven.Role) error {
	if err := requireAdmin(actor); err != nil {
		return err
	}
	if _, err := haven.ParseRole(string(role)); err != nil {
		return haven.Invalid("role", "Choose owner, triager or viewer.")
	}
	return a.tx(ctx, func(tx *store.DB) error {
		if err := tx.SetMembership(ctx, programID, userID, role, a.now()); err != nil {
			return err
		}
		return a.audit(ctx, tx, actor, "program.member_set", userTarget(userID), map[string]any{"program_id": programID, "role": role})
	})
}

// PruneSessions deletes expired sessions (a periodic chore, as the system).
func (a *App) PruneSessions(ctx context.Context) (int64, error) {
	now := a.now()
	return a.db.DeleteExpiredSessions(ctx, now, now.Add(-a.cfg.SessionIdle))
}
