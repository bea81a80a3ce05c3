package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/haven-project/haven/internal/haven"
	"github.com/haven-project/haven/internal/store"
)

const setupTTL = 24 * time.Hour

// requireAdmin lets instance admins and the system (the command line) in.
func requireAdmin(actor haven.Actor) error {
	if actor.IsSystem() || actor.IsAdmin() {
		return nil
	}
	if !actor.SignedIn() {
		return haven.ErrUnauthenticated
	}
	return haven.ErrForbidden
}

// CreateUserInput is what an admin (or `haven user create`) gives.
type CreateUserInput struct {
	Email       string
	Password    string
	DisplayName string
	Admin       bool
}

// CreateUser makes an account whose address counts as confirmed (an admin
// vouches for it). Only admins and the system may.
func (a *App) CreateUser(ctx context.Context, actor haven.Actor, in CreateUserInput) (*haven.User, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	email, err := checkEmail("email", in.Email)
	if err != nil {
		return nil, err
	}
	if err := checkPassword("password", in.Password, email); err != nil {
		return nil, err
	}
	name, err := checkName(in.DisplayName)
	if err != nil {
		return nil, err
	}
	hash, err := a.cfg.Passwords.Hash(in.Password)
	if err != nil {
		return nil, err
	}
	var u *haven.User
	err = a.tx(ctx, func(tx *store.DB) error {
		u, err = tx.InsertUser(ctx, store.NewUser{Email: email, DisplayName: name, PasswordHash: hash, Admin: in.Admin, Verified: true}, a.now())
		if errors.Is(err, haven.ErrConflict) {
			return haven.Invalid("email", "An account with this address exists already.")
		}
		if err != nil {
			return err
		}
		return a.audit(ctx, tx, actor, "user.create", userTarget(u.ID), map[string]any{"admin": in.Admin})
	})
	return u, err
}

// Users lists every account (admins only).
func (a *App) Users(ctx context.Context, actor haven.Actor) ([]*haven.User, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	return a.db.Users(ctx)
}

// UserByEmail returns an account by address (admins and the system only).
func (a *App) UserByEmail(ctx context.Context, actor haven.Actor, email string) (*haven.User, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	return a.db.UserByEmail(ctx, email)
}

// SetUserDisabled disables or re-enables an account. A disabled account's
// sessions and tokens stop working on their next request, and its sessions
// are deleted now. Admins cannot disable themselves.
func (a *App) SetUserDisabled(ctx context.Context, actor haven.Actor, userID int64, disabled bool) error {
	if err := requireAdmin(actor); err != nil {
		return err
	}
	if userID == actor.UserID() && disabled {
		return &haven.InvalidError{Msg: "You cannot disable your own account."}
	}
	now := a.now()
	return a.tx(ctx, func(tx *store.DB) error {
		var at *time.Time
		action := "user.enable"
		if disabled {
			at, action = &now, "user.disable"
		}
		if err := tx.SetDisabled(ctx, userID, at, now); err != nil {
			return err
		}
		if disabled {
			if _, err := tx.DeleteSessions(ctx, userID, 0); err != nil {
				return err
			}
		}
		return a.audit(ctx, tx, actor, action, userTarget(userID), nil)
	})
}

// SetUserPassword sets an account's password (the command line's way out
// for a locked-out admin). Every session of the account ends.
func (a *App) SetUserPassword(ctx context.Context, actor haven.Actor, userID int64, pw string) error {
	if err := requireAdmin(actor); err != nil {
		return err
	}
	u, err := a.db.User(ctx, userID)
	if err != nil {
		return err
	}
	if err := checkPassword("password", pw, u.Email); err != nil {
		return err
	}
	hash, err := a.cfg.Passwords.Hash(pw)
	if err != nil {
		return err
	}
	now := a.now()
	return a.tx(ctx, func(tx *store.DB) error {
		if err := tx.SetPassword(ctx, userID, hash, now); err != nil {
			return err
		}
		if _, err := tx.DeleteSessions(ctx, userID, 0); err != nil {
			return err
		}
		return a.audit(ctx, tx, actor, "user.set_password", userTarget(userID), nil)
	})
}

// SetupLink returns a one-time link that creates the first admin, when the
// instance has no admin yet; otherwise "" . Each call on an instance
// without admins makes a new link (and the older ones stop working), so
// a restart prints a fresh one.
func (a *App) SetupLink(ctx context.Context) (string, error) {
	n, err := a.db.CountAdmins(ctx)
	if err != nil {
		return "", err
	}
	if n > 0 {
		return "", nil
	}
	now := a.now()
	secret := newSecret()
	err = a.tx(ctx, func(tx *store.DB) error {
		if _, err := tx.ExpireSetupTokens(ctx, now); err != nil {
			return err
		}
		return tx.InsertOneTimeToken(ctx, hashSecret(secret), store.OneTimeToken{
			Purpose: "setup", CreatedAt: now, ExpiresAt: now.Add(setupTTL),
		})
	})
	if err != nil {
		return "", fmt.Errorf("setup link: %w", err)
	}
	return a.link("/setup/" + secret), nil
}

// CheckSetup reports whether secret is a valid, unused setup link. Once
// the instance has an admin (made by the link or by the command line),
// every setup link stops working.
func (a *App) CheckSetup(ctx context.Context, secret string) error {
	return checkSetup(ctx, a.db, secret, a.now())
}

func checkSetup(ctx context.Context, db *store.DB, secret string, now time.Time) error {
	if _, err := db.PeekOneTimeToken(ctx, "setup", hashSecret(secret), now); err != nil {
		return err
	}
	n, err := db.CountAdmins(ctx)
	if err != nil {
		return err
	}
	if n > 0 {
		return haven.ErrNotFound
	}
	return nil
}

// CompleteSetup spends a setup link and creates the first admin.
func (a *App) CompleteSetup(ctx context.Context, actor haven.Actor, secret string, in CreateUserInput) (*haven.User, error) {
	if err := a.CheckSetup(ctx, secret); err != nil {
		return nil, err
	}
	in.Admin = true
	var u *haven.User
	err := a.tx(ctx, func(tx *store.DB) error {
		if err := checkSetup(ctx, tx, secret, a.now()); err != nil {
			return err
		}
		if _, err := tx.UseOneTimeToken(ctx, "setup", hashSecret(secret), a.now()); err != nil {
			return err
		}
		var err error
		u, err = New(tx, a.cfg).CreateUser(ctx, haven.System, in)
		return err
	})
	return u, err
}
