package app

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/haven-project/haven/internal/haven"
	"github.com/haven-project/haven/internal/store"
)

const invitationTTL = 7 * 24 * time.Hour

// Team is a program's members and open invitations.
type Team struct {
	Program     *haven.Program
	Members     []haven.Member
	Invitations []haven.Invitation
}

// Team returns a program's team (members of the program and admins).
func (a *App) Team(ctx context.Context, actor haven.Actor, slug string) (*Team, error) {
	p, err := a.programFor(ctx, a.db, actor, slug, haven.PermViewProgram)
	if err != nil {
		return nil, err
	}
	t := &Team{Program: p}
	if t.Members, err = a.db.Members(ctx, p.ID); err != nil {
		return nil, err
	}
	if actor.Can(haven.PermManageTeam, p.ID) || actor.IsAdmin() {
		if t.Invitations, err = a.db.Invitations(ctx, p.ID, a.now()); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// Invite adds an existing account to the team at once, or mails an
// invitation link to an address without an account (owners and admins).
// Nobody grants more than they hold: only owners (who hold every role)
// and admins manage the team.
func (a *App) Invite(ctx context.Context, actor haven.Actor, slug, email string, role haven.Role) error {
	email, err := checkEmail("email", email)
	if err != nil {
		return err
	}
	if _, err := haven.ParseRole(string(role)); err != nil {
		return haven.Invalid("role", "Choose owner, triager or viewer.")
	}
	if err := a.limit(ctx, "invite", fmtID(actor.UserID()), 50, time.Hour); err != nil {
		return err
	}
	return a.tx(ctx, func(tx *store.DB) error {
		p, err := a.programFor(ctx, tx, actor, slug, haven.PermManageTeam)
		if err != nil {
			return err
		}
		// Admins manage teams but see reports only through membership: an
		// admin who is not on the team cannot invite themselves onto it.
		if _, member := actor.Role(p.ID); !member && actor.SignedIn() && strings.EqualFold(email, actor.User.Email) {
			return haven.Invalid("email", "You cannot invite yourself: ask one of the program's owners.")
		}
		return a.addOrInvite(ctx, tx, actor, p, email, role)
	})
}

// addOrInvite always sends an invitation link, even to existing accounts:
// joining a team is the invitee's choice, and the link proves they own the
// address.
func (a *App) addOrInvite(ctx context.Context, tx *store.DB, actor haven.Actor, p *haven.Program, email string, role haven.Role) error {
	if u, err := tx.UserByEmail(ctx, email); err == nil {
		ms, err := tx.Memberships(ctx, u.ID)
		if err != nil {
			return err
		}
		if _, ok := ms[p.ID]; ok {
			return haven.Invalid("email", "This account is on the team already; change its role instead.")
		}
	} else if !errors.Is(err, haven.ErrNotFound) {
		return err
	}
	now := a.now()
	secret := newSecret()
	id, err := tx.InsertInvitation(ctx, hashSecret(secret), haven.Invitation{
		ProgramID: p.ID, Email: email, Role: role, InvitedBy: actor.UserID(), CreatedAt: now, ExpiresAt: now.Add(invitationTTL),
	})
	if err != nil {
		return err
	}
	if err := a.sendMail(ctx, tx, email, "invitation", map[string]any{
		"Program": p.Name, "Role": string(role), "Link": a.link("/invitations/" + secret), "Days": int(invitationTTL.Hours() / 24),
	}); err != nil {
		return err
	}
	return a.audit(ctx, tx, actor, "program.invite", programTarget(p), map[string]any{"invitation_id": id, "role": role})
}

// InvitationView describes an open invitation to the person who opens it.
type InvitationView struct {
	Program string
	Role    haven.Role
	Email   string
}

// PeekInvitation checks an invitation link without spending it.
func (a *App) PeekInvitation(ctx context.Context, secret string) (InvitationView, error) {
	inv, err := a.db.OpenInvitation(ctx, hashSecret(secret), a.now())
	if err != nil {
		return InvitationView{}, err
	}
	p, err := a.db.Program(ctx, inv.ProgramID)
	if err != nil {
		return InvitationView{}, err
	}
	return InvitationView{Program: p.Name, Role: inv.Role, Email: inv.Email}, nil
}

// AcceptInvitation spends an invitation link and makes the actor a member.
// The actor's confirmed address must be the invited one. It returns the
// program's slug.
func (a *App) AcceptInvitation(ctx context.Context, actor haven.Actor, secret string) (string, error) {
	u, err := requireUser(actor)
	if err != nil {
		return "", err
	}
	var slug string
	err = a.tx(ctx, func(tx *store.DB) error {
		inv, err := tx.OpenInvitation(ctx, hashSecret(secret), a.now())
		if err != nil {
			return err
		}
		if !strings.EqualFold(inv.Email, u.Email) || !u.Verified() {
			return &haven.InvalidError{Msg: "This invitation is for another e-mail address. Log in with the account of " + inv.Email + "."}
		}
		// A member's role changes through SetRole only: an old link must
		// not undo a demotion, nor demote the last owner.
		if _, err := a.memberRole(ctx, tx, inv.ProgramID, u.ID); err == nil {
			return &haven.InvalidError{Msg: "You are on this program's team already; an owner can change your role."}
		} else if !errors.Is(err, haven.ErrNotFound) {
			return err
		}
		if err := tx.AcceptInvitation(ctx, inv.ID, a.now()); err != nil {
			return err
		}
		if err := tx.SetMembership(ctx, inv.ProgramID, u.ID, inv.Role, a.now()); err != nil {
			return err
		}
		p, err := tx.Program(ctx, inv.ProgramID)
		if err != nil {
			return err
		}
		slug = p.Slug
		return a.audit(ctx, tx, actor, "program.join", programTarget(p), map[string]any{"role": inv.Role})
	})
	return slug, err
}

// RevokeInvitation withdraws an open invitation (owners and admins).
func (a *App) RevokeInvitation(ctx context.Context, actor haven.Actor, slug string, id int64) error {
	return a.tx(ctx, func(tx *store.DB) error {
		p, err := a.programFor(ctx, tx, actor, slug, haven.PermManageTeam)
		if err != nil {
			return err
		}
		if err := tx.RevokeInvitation(ctx, p.ID, id, a.now()); err != nil {
			return err
		}
		return a.audit(ctx, tx, actor, "program.invite_revoke", programTarget(p), map[string]any{"invitation_id": id})
	})
}

// SetRole changes a member's role (owners and admins). The last owner
// cannot step down.
func (a *App) SetRole(ctx context.Context, actor haven.Actor, slug string, userID int64, role haven.Role) error {
	if _, err := haven.ParseRole(string(role)); err != nil {
		return haven.Invalid("role", "Choose owner, triager or viewer.")
	}
	return a.tx(ctx, func(tx *store.DB) error {
		p, err := a.lockedProgramFor(ctx, tx, actor, slug, haven.PermManageTeam)
		if err != nil {
			return err
		}
		old, err := a.memberRole(ctx, tx, p.ID, userID)
		if err != nil {
			return err
		}
		if old == haven.RoleOwner && role != haven.RoleOwner {
			if err := lastOwner(ctx, tx, p.ID); err != nil {
				return err
			}
		}
		if err := tx.SetMembership(ctx, p.ID, userID, role, a.now()); err != nil {
			return err
		}
		return a.audit(ctx, tx, actor, "program.role", programTarget(p), map[string]any{"user_id": userID, "from": old, "to": role})
	})
}

// RemoveMember takes an account off the team (owners and admins), or lets
// a member leave (userID = the actor). The removal holds from the next
// request: rights are read from the database on every request. The last
// owner cannot leave.
func (a *App) RemoveMember(ctx context.Context, actor haven.Actor, slug string, userID int64) error {
	return a.tx(ctx, func(tx *store.DB) error {
		perm := haven.PermManageTeam
		if userID == actor.UserID() {
			perm = haven.PermViewProgram
		}
		p, err := a.lockedProgramFor(ctx, tx, actor, slug, perm)
		if err != nil {
			return err
		}
		old, err := a.memberRole(ctx, tx, p.ID, userID)
		if err != nil {
			return err
		}
		if old == haven.RoleOwner {
			if err := lastOwner(ctx, tx, p.ID); err != nil {
				return err
			}
		}
		if err := tx.DeleteMembership(ctx, p.ID, userID); err != nil {
			return err
		}
		u, err := tx.User(ctx, userID)
		if err != nil {
			return err
		}
		if err := tx.RevokeInvitationsTo(ctx, p.ID, u.Email, a.now()); err != nil {
			return err
		}
		return a.audit(ctx, tx, actor, "program.remove_member", programTarget(p), map[string]any{"user_id": userID, "role": old})
	})
}

func (a *App) memberRole(ctx context.Context, tx *store.DB, programID, userID int64) (haven.Role, error) {
	ms, err := tx.Memberships(ctx, userID)
	if err != nil {
		return "", err
	}
	r, ok := ms[programID]
	if !ok {
		return "", haven.ErrNotFound
	}
	return r, nil
}

func lastOwner(ctx context.Context, tx *store.DB, programID int64) error {
	n, err := tx.CountOwners(ctx, programID)
	if err != nil {
		return err
	}
	if n <= 1 {
		return &haven.InvalidError{Msg: "A program needs at least one owner: make someone else owner first."}
	}
	return nil
}

// SetMember gives an account a role on a program directly (admins and the
// system: the demo and the command line).
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
		// Recorded on the program, so that its history shows every
		// change of its team.
		return a.audit(ctx, tx, actor, "program.member_set", fmt.Sprintf("program:%d", programID), map[string]any{"user_id": userID, "role": role})
	})
}

// PruneSessions deletes expired sessions (a periodic chore, as the system).
func (a *App) PruneSessions(ctx context.Context) (int64, error) {
	now := a.now()
	return a.db.DeleteExpiredSessions(ctx, now, now.Add(-a.cfg.SessionIdle))
}
