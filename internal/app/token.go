package app

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/haven-project/haven/internal/haven"
	"github.com/haven-project/haven/internal/store"
)

const maxTokensPerUser = 50

// CreateTokenInput names a new API token and its lifetime.
type CreateTokenInput struct {
	Name string
	// ExpiresInDays is 0 for a token that does not expire.
	ExpiresInDays int
}

// CreateToken makes a personal API token for the actor. The secret is
// returned this once; only its hash is kept.
func (a *App) CreateToken(ctx context.Context, actor haven.Actor, in CreateTokenInput) (string, *haven.Token, error) {
	u, err := requireUser(actor)
	if err != nil {
		return "", nil, err
	}
	name := strings.TrimSpace(in.Name)
	v := &haven.InvalidError{}
	if name == "" {
		v.Add("name", "Give the token a name, such as the script that will use it.")
	} else if utf8.RuneCountInString(name) > 80 {
		v.Add("name", "Use at most 80 characters.")
	}
	if in.ExpiresInDays < 0 || in.ExpiresInDays > 366 {
		v.Add("expires_in_days", "Choose between 1 and 366 days, or no expiry.")
	}
	if err := v.Err(); err != nil {
		return "", nil, err
	}
	existing, err := a.db.Tokens(ctx, u.ID)
	if err != nil {
		return "", nil, err
	}
	active := 0
	now := a.now()
	for _, t := range existing {
		if t.Active(now) {
			active++
		}
	}
	if active >= maxTokensPerUser {
		return "", nil, &haven.InvalidError{Msg: "You have too many active tokens. Revoke some first."}
	}
	secret := newAPIToken()
	t := haven.Token{UserID: u.ID, Name: name, Prefix: secret[:len(TokenPrefix)+6], CreatedAt: now}
	if in.ExpiresInDays > 0 {
		exp := now.Add(time.Duration(in.ExpiresInDays) * 24 * time.Hour)
		t.ExpiresAt = &exp
	}
	var created *haven.Token
	err = a.tx(ctx, func(tx *store.DB) error {
		created, err = tx.InsertToken(ctx, hashSecret(secret), t)
		if err != nil {
			return err
		}
		return a.audit(ctx, tx, actor, "token.create", userTarget(u.ID), map[string]any{"token_id": created.ID, "name": name})
	})
	if err != nil {
		return "", nil, err
	}
	return secret, created, nil
}

// Tokens lists the actor's API tokens.
func (a *App) Tokens(ctx context.Context, actor haven.Actor) ([]*haven.Token, error) {
	u, err := requireUser(actor)
	if err != nil {
		return nil, err
	}
	return a.db.Tokens(ctx, u.ID)
}

// RevokeToken revokes one of the actor's tokens at once. Another account's
// token id answers haven.ErrNotFound, like an id that does not exist.
func (a *App) RevokeToken(ctx context.Context, actor haven.Actor, id int64) error {
	u, err := requireUser(actor)
	if err != nil {
		return err
	}
	return a.tx(ctx, func(tx *store.DB) error {
		if err := tx.RevokeToken(ctx, u.ID, id, a.now()); err != nil {
			return err
		}
		return a.audit(ctx, tx, actor, "token.revoke", userTarget(u.ID), map[string]any{"token_id": id})
	})
}

// SessionView is one of the actor's sessions, for the sessions page.
type SessionView struct {
	*haven.Session
	Current bool
}

// Sessions lists the actor's sessions, the current one marked.
func (a *App) Sessions(ctx context.Context, actor haven.Actor) ([]SessionView, error) {
	u, err := requireUser(actor)
	if err != nil {
		return nil, err
	}
	ss, err := a.db.Sessions(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	now := a.now()
	var out []SessionView
	for _, s := range ss {
		if !now.Before(s.ExpiresAt) || now.Sub(s.LastSeenAt) >= a.cfg.SessionIdle {
			continue
		}
		out = append(out, SessionView{Session: s, Current: s.ID == actor.SessionID})
	}
	return out, nil
}

// RevokeSession ends one of the actor's sessions.
func (a *App) RevokeSession(ctx context.Context, actor haven.Actor, id int64) error {
	u, err := requireUser(actor)
	if err != nil {
		return err
	}
	return a.tx(ctx, func(tx *store.DB) error {
		if err := tx.DeleteSession(ctx, u.ID, id); err != nil {
			return err
		}
		return a.audit(ctx, tx, actor, "session.revoke", userTarget(u.ID), map[string]any{"session_id": id})
	})
}

// RevokeOtherSessions ends every session of the actor but the current one.
func (a *App) RevokeOtherSessions(ctx context.Context, actor haven.Actor) (int64, error) {
	u, err := requireUser(actor)
	if err != nil {
		return 0, err
	}
	var n int64
	err = a.tx(ctx, func(tx *store.DB) error {
		if n, err = tx.DeleteSessions(ctx, u.ID, actor.SessionID); err != nil {
			return err
		}
		return a.audit(ctx, tx, actor, "session.revoke_others", userTarget(u.ID), map[string]any{"ended": n})
	})
	return n, err
}
