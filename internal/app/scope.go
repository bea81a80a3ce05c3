package app

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/haven-project/haven/internal/haven"
	"github.com/haven-project/haven/internal/store"
)

// AssetInput is an asset's fields as an owner edits them.
type AssetInput struct {
	Name           string
	Type           haven.AssetType
	Identifier     string
	Tier           int
	InScope        bool
	BountyEligible bool
	MaxSeverity    string
	Description    string
	Instructions   string
	Position       int
}

func (in AssetInput) validate(p *haven.Program) (haven.Asset, error) {
	v := &haven.InvalidError{}
	a := haven.Asset{
		ProgramID: p.ID, Name: strings.TrimSpace(in.Name), Type: in.Type, Identifier: strings.TrimSpace(in.Identifier),
		Tier: in.Tier, InScope: in.InScope, BountyEligible: in.BountyEligible && in.InScope,
		MaxSeverity: strings.TrimSpace(in.MaxSeverity), Description: strings.TrimSpace(in.Description),
		Instructions: strings.TrimSpace(in.Instructions), Position: in.Position,
	}
	if a.Name == "" || utf8.RuneCountInString(a.Name) > 120 {
		v.Add("name", "Give the asset a name of at most 120 characters.")
	}
	known := false
	for _, t := range haven.AssetTypes {
		known = known || t == a.Type
	}
	if !known {
		v.Add("type", "Choose package, repository, web, api, mobile or other.")
	}
	if utf8.RuneCountInString(a.Identifier) > 500 {
		v.Add("identifier", "Use at most 500 characters.")
	}
	if a.Tier < 1 || a.Tier > 5 {
		v.Add("tier", "Choose a tier from 1 to 5.")
	}
	if a.MaxSeverity != "" && bandMid(p.Bands, a.MaxSeverity) < 0 {
		v.Add("max_severity", fmt.Sprintf("%q is not one of the program's severity bands.", a.MaxSeverity))
	}
	if utf8.RuneCountInString(a.Description) > 20_000 || utf8.RuneCountInString(a.Instructions) > 20_000 {
		v.Add("description", "Use at most 20,000 characters.")
	}
	if p.Kind == haven.KindVDP {
		a.BountyEligible = false
	}
	return a, v.Err()
}

// Assets lists a program's scope.
func (a *App) Assets(ctx context.Context, actor haven.Actor, slug string) ([]*haven.Asset, error) {
	p, err := a.visibleProgram(ctx, a.db, actor, slug)
	if err != nil {
		return nil, err
	}
	return a.db.Assets(ctx, p.ID)
}

// AddAsset adds a scope item (owners).
func (a *App) AddAsset(ctx context.Context, actor haven.Actor, slug string, in AssetInput) (*haven.Asset, error) {
	var out *haven.Asset
	err := a.tx(ctx, func(tx *store.DB) error {
		p, err := a.programFor(ctx, tx, actor, slug, haven.PermManageProgram)
		if err != nil {
			return err
		}
		as, err := in.validate(p)
		if err != nil {
			return err
		}
		if as.Position == 0 {
			existing, err := tx.Assets(ctx, p.ID)
			if err != nil {
				return err
			}
			as.Position = len(existing) + 1
		}
		if out, err = tx.InsertAsset(ctx, as, a.now()); err != nil {
			return err
		}
		return a.audit(ctx, tx, actor, "program.asset_add", programTarget(p), map[string]any{"asset_id": out.ID, "name": out.Name})
	})
	return out, err
}

// UpdateAsset changes a scope item (owners).
func (a *App) UpdateAsset(ctx context.Context, actor haven.Actor, slug string, id int64, in AssetInput) (*haven.Asset, error) {
	var out *haven.Asset
	err := a.tx(ctx, func(tx *store.DB) error {
		p, err := a.programFor(ctx, tx, actor, slug, haven.PermManageProgram)
		if err != nil {
			return err
		}
		old, err := tx.Asset(ctx, p.ID, id)
		if err != nil {
			return err
		}
		as, err := in.validate(p)
		if err != nil {
			return err
		}
		as.ID = old.ID
		if as.Position == 0 {
			as.Position = old.Position
		}
		if err := tx.UpdateAsset(ctx, &as); err != nil {
			return err
		}
		out = &as
		return a.audit(ctx, tx, actor, "program.asset_update", programTarget(p), map[string]any{"asset_id": id})
	})
	return out, err
}

// RemoveAsset takes an asset out of the scope list (owners). Reports that
// name it keep their link.
func (a *App) RemoveAsset(ctx context.Context, actor haven.Actor, slug string, id int64) error {
	return a.tx(ctx, func(tx *store.DB) error {
		p, err := a.programFor(ctx, tx, actor, slug, haven.PermManageProgram)
		if err != nil {
			return err
		}
		if err := tx.ArchiveAsset(ctx, p.ID, id, a.now()); err != nil {
			return err
		}
		return a.audit(ctx, tx, actor, "program.asset_remove", programTarget(p), map[string]any{"asset_id": id})
	})
}

// SetRewards replaces a program's reward table (owners). Each row is a
// tier and severity with a fixed amount (min = max) or a range, in minor
// units of the program's currency.
func (a *App) SetRewards(ctx context.Context, actor haven.Actor, slug string, rewards []haven.Reward) error {
	return a.tx(ctx, func(tx *store.DB) error {
		p, err := a.programFor(ctx, tx, actor, slug, haven.PermManageProgram)
		if err != nil {
			return err
		}
		if p.Kind == haven.KindVDP && len(rewards) > 0 {
			return haven.Invalid("rewards", "A VDP pays no money: make the program a bounty program first.")
		}
		seen := map[string]bool{}
		for _, r := range rewards {
			key := fmt.Sprintf("%d/%s", r.Tier, r.Severity)
			switch {
			case r.Tier < 1 || r.Tier > 5:
				return haven.Invalid("rewards", fmt.Sprintf("Tier %d: choose a tier from 1 to 5.", r.Tier))
			case bandMid(p.Bands, r.Severity) < 0:
				return haven.Invalid("rewards", fmt.Sprintf("%q is not one of the program's severity bands.", r.Severity))
			case r.Min < 0 || r.Max < 0:
				return haven.Invalid("rewards", fmt.Sprintf("Tier %d %s: amounts cannot be negative.", r.Tier, r.Severity))
			case r.Min > r.Max:
				return haven.Invalid("rewards", fmt.Sprintf("Tier %d %s: the minimum is above the maximum.", r.Tier, r.Severity))
			case r.Max > 100_000_000_00:
				return haven.Invalid("rewards", fmt.Sprintf("Tier %d %s: the amount is too large.", r.Tier, r.Severity))
			case seen[key]:
				return haven.Invalid("rewards", fmt.Sprintf("Tier %d %s appears twice.", r.Tier, r.Severity))
			}
			seen[key] = true
		}
		if err := tx.ReplaceRewards(ctx, p.ID, rewards); err != nil {
			return err
		}
		return a.audit(ctx, tx, actor, "program.rewards", programTarget(p), map[string]any{"rows": len(rewards)})
	})
}

// OutOfScopeInput is one out-of-scope class as edited: ID 0 adds a class,
// a known ID keeps that class's id (so citations stay valid).
type OutOfScopeInput struct {
	ID   int64
	Text string
}

// SetOutOfScope replaces the list of out-of-scope classes (owners).
// Classes left out are archived, not deleted: closed reports keep citing
// them. The list is part of the rules, so a change makes a new policy
// version.
func (a *App) SetOutOfScope(ctx context.Context, actor haven.Actor, slug string, items []OutOfScopeInput) error {
	return a.tx(ctx, func(tx *store.DB) error {
		p, err := a.lockedProgramFor(ctx, tx, actor, slug, haven.PermManageProgram)
		if err != nil {
			return err
		}
		if len(items) > 200 {
			return haven.Invalid("out_of_scope", "Give at most 200 classes.")
		}
		current, err := tx.OutOfScope(ctx, p.ID)
		if err != nil {
			return err
		}
		byID := map[int64]haven.OutOfScopeClass{}
		for _, c := range current {
			byID[c.ID] = c
		}
		kept := map[int64]bool{}
		changed := false
		for i, it := range items {
			text := strings.TrimSpace(it.Text)
			if text == "" {
				continue
			}
			if utf8.RuneCountInString(text) > 1000 {
				return haven.Invalid("out_of_scope", fmt.Sprintf("Item %d: use at most 1,000 characters.", i+1))
			}
			if it.ID != 0 {
				old, ok := byID[it.ID]
				if !ok {
					return haven.Invalid("out_of_scope", fmt.Sprintf("Item %d names a class this program does not have.", i+1))
				}
				kept[it.ID] = true
				if old.Text != text || old.Position != i+1 {
					if err := tx.UpdateOutOfScope(ctx, p.ID, it.ID, text, i+1); err != nil {
						return err
					}
					changed = true
				}
				continue
			}
			if _, err := tx.InsertOutOfScope(ctx, p.ID, text, i+1); err != nil {
				return err
			}
			changed = true
		}
		for _, c := range current {
			if !kept[c.ID] {
				if err := tx.ArchiveOutOfScope(ctx, p.ID, c.ID, a.now()); err != nil {
					return err
				}
				changed = true
			}
		}
		if !changed {
			return nil
		}
		p.PolicyVersion++
		if err := a.snapshotPolicy(ctx, tx, actor, p); err != nil {
			return err
		}
		if err := tx.UpdateProgram(ctx, p, a.now()); err != nil {
			return err
		}
		return a.audit(ctx, tx, actor, "program.out_of_scope", programTarget(p), map[string]any{"classes": len(items)})
	})
}
