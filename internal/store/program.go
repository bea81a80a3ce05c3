package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/haven-project/haven/internal/haven"
)

const programColumns = `id, slug, name, organisation, status, kind, currency, policy, rules, safe_harbour,
	guidelines, policy_version, contact_email, pgp_key, pgp_fingerprint, links, bands, validation_days,
	calendar, retest_bonus, needs_info_days, created_at, updated_at`

func scanProgram(sc interface{ Scan(...any) error }) (*haven.Program, error) {
	var (
		p                       haven.Program
		links, bands, days, cal string
		updated                 sql.NullTime
		status, kind            string
	)
	err := sc.Scan(&p.ID, &p.Slug, &p.Name, &p.Organisation, &status, &kind, &p.Currency, &p.Policy, &p.Rules,
		&p.SafeHarbour, &p.Guidelines, &p.PolicyVersion, &p.ContactEmail, &p.PGPKey, &p.PGPFinger, &links, &bands,
		&days, &cal, &p.RetestBonus, &p.NeedsInfoDays, &p.CreatedAt, &updated)
	if err != nil {
		return nil, err
	}
	p.Status, p.Kind = haven.ProgramStatus(status), haven.ProgramKind(kind)
	p.CreatedAt = p.CreatedAt.UTC()
	if updated.Valid {
		p.UpdatedAt = updated.Time.UTC()
	} else {
		p.UpdatedAt = p.CreatedAt
	}
	for _, f := range []struct {
		src string
		dst any
	}{{links, &p.Links}, {bands, &p.Bands}, {days, &p.ValidationDays}, {cal, &p.Calendar}} {
		if err := json.Unmarshal([]byte(f.src), f.dst); err != nil {
			return nil, fmt.Errorf("program %d: corrupt JSON column: %w", p.ID, err)
		}
	}
	return &p, nil
}

func programJSON(p *haven.Program) (links, bands, days, cal string, err error) {
	enc := func(v any) string {
		if err != nil {
			return ""
		}
		var b []byte
		b, err = json.Marshal(v)
		return string(b)
	}
	if p.Links == nil {
		p.Links = []haven.Link{}
	}
	if p.ValidationDays == nil {
		p.ValidationDays = map[string]int{}
	}
	return enc(p.Links), enc(p.Bands), enc(p.ValidationDays), enc(p.Calendar), err
}

// InsertProgram creates a program.
func (db *DB) InsertProgram(ctx context.Context, p haven.Program, now time.Time) (*haven.Program, error) {
	links, bands, days, cal, err := programJSON(&p)
	if err != nil {
		return nil, err
	}
	if p.PolicyVersion == 0 {
		p.PolicyVersion = 1
	}
	id, err := db.insertID(ctx, `INSERT INTO programs (slug, name, organisation, status, kind, currency, policy,
		rules, safe_harbour, guidelines, policy_version, contact_email, pgp_key, pgp_fingerprint, links, bands,
		validation_days, calendar, retest_bonus, needs_info_days, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $21)
		RETURNING id`,
		p.Slug, p.Name, p.Organisation, string(p.Status), string(p.Kind), p.Currency, p.Policy, p.Rules,
		p.SafeHarbour, p.Guidelines, p.PolicyVersion, p.ContactEmail, p.PGPKey, p.PGPFinger, links, bands, days,
		cal, p.RetestBonus, p.NeedsInfoDays, dbTime(now))
	if err != nil {
		return nil, fmt.Errorf("store.InsertProgram(%q): %w", p.Slug, err)
	}
	return db.Program(ctx, id)
}

// UpdateProgram writes every field of p but its id, slug and status
// (status changes go through SetProgramStatus).
func (db *DB) UpdateProgram(ctx context.Context, p *haven.Program, now time.Time) error {
	links, bands, days, cal, err := programJSON(p)
	if err != nil {
		return err
	}
	err = db.execOne(ctx, `UPDATE programs SET name = $1, organisation = $2, kind = $3, currency = $4,
		policy = $5, rules = $6, safe_harbour = $7, guidelines = $8, policy_version = $9, contact_email = $10,
		pgp_key = $11, pgp_fingerprint = $12, links = $13, bands = $14, validation_days = $15, calendar = $16,
		retest_bonus = $17, needs_info_days = $18, updated_at = $19 WHERE id = $20`,
		p.Name, p.Organisation, string(p.Kind), p.Currency, p.Policy, p.Rules, p.SafeHarbour, p.Guidelines,
		p.PolicyVersion, p.ContactEmail, p.PGPKey, p.PGPFinger, links, bands, days, cal, p.RetestBonus,
		p.NeedsInfoDays, dbTime(now), p.ID)
	if err != nil {
		return fmt.Errorf("store.UpdateProgram(%d): %w", p.ID, err)
	}
	return nil
}

// SetProgramStatus moves a program from one status to another. It is a
// compare-and-set: when the program is no longer in status from, it
// returns haven.ErrConflict.
func (db *DB) SetProgramStatus(ctx context.Context, id int64, from, to haven.ProgramStatus, now time.Time) error {
	err := db.execOne(ctx, `UPDATE programs SET status = $1, updated_at = $2 WHERE id = $3 AND status = $4`,
		string(to), dbTime(now), id, string(from))
	if isNotFound(err) {
		return fmt.Errorf("store.SetProgramStatus(%d): %w", id, haven.ErrConflict)
	}
	return err
}

// Program returns the program with the given id.
func (db *DB) Program(ctx context.Context, id int64) (*haven.Program, error) {
	p, err := scanProgram(db.queryRow(ctx, `SELECT `+programColumns+` FROM programs WHERE id = $1`, id))
	if err != nil {
		return nil, fmt.Errorf("store.Program(%d): %w", id, db.scanErr(err))
	}
	return p, nil
}

// LockProgram returns the program with the given id, read after taking
// its row's write lock, which PostgreSQL holds until the transaction ends
// (SQLite has one writer anyway). A use case that reads a program, decides
// and writes (settings, the out-of-scope list, the last owner check) locks
// it first, so concurrent changes queue instead of overwriting each other.
func (db *DB) LockProgram(ctx context.Context, id int64) (*haven.Program, error) {
	p, err := scanProgram(db.wr.QueryRowContext(ctx, `UPDATE programs SET slug = slug WHERE id = $1
		RETURNING `+programColumns, id))
	if err != nil {
		return nil, fmt.Errorf("store.LockProgram(%d): %w", id, db.scanErr(err))
	}
	return p, nil
}

// ProgramBySlug returns the program with the given slug.
func (db *DB) ProgramBySlug(ctx context.Context, slug string) (*haven.Program, error) {
	p, err := scanProgram(db.queryRow(ctx, `SELECT `+programColumns+` FROM programs WHERE slug = $1`, slug))
	if err != nil {
		return nil, fmt.Errorf("store.ProgramBySlug(%q): %w", slug, db.scanErr(err))
	}
	return p, nil
}

// ProgramsVisibleTo lists, by name, the programs an account may see: every
// non-draft program, the drafts it is a member of, and every program for
// admins (userID 0 is a visitor).
func (db *DB) ProgramsVisibleTo(ctx context.Context, userID int64, admin bool) ([]*haven.Program, error) {
	rows, err := db.query(ctx, `SELECT `+programColumns+` FROM programs
		WHERE status <> 'draft' OR $2 OR id IN (SELECT program_id FROM memberships WHERE user_id = $1)
		ORDER BY lower(name), id`, userID, admin)
	if err != nil {
		return nil, fmt.Errorf("store.ProgramsVisibleTo: %w", err)
	}
	defer rows.Close()
	var ps []*haven.Program
	for rows.Next() {
		p, err := scanProgram(rows)
		if err != nil {
			return nil, err
		}
		ps = append(ps, p)
	}
	return ps, rows.Err()
}

const assetColumns = `id, program_id, name, type, identifier, tier, in_scope, bounty_eligible, max_severity,
	description, instructions, position`

func scanAsset(sc interface{ Scan(...any) error }) (*haven.Asset, error) {
	var (
		a   haven.Asset
		typ string
	)
	err := sc.Scan(&a.ID, &a.ProgramID, &a.Name, &typ, &a.Identifier, &a.Tier, &a.InScope, &a.BountyEligible,
		&a.MaxSeverity, &a.Description, &a.Instructions, &a.Position)
	a.Type = haven.AssetType(typ)
	return &a, err
}

// Assets lists a program's current assets in display order.
func (db *DB) Assets(ctx context.Context, programID int64) ([]*haven.Asset, error) {
	rows, err := db.query(ctx, `SELECT `+assetColumns+` FROM assets WHERE program_id = $1 AND archived_at IS NULL
		ORDER BY position, id`, programID)
	if err != nil {
		return nil, fmt.Errorf("store.Assets: %w", err)
	}
	defer rows.Close()
	var as []*haven.Asset
	for rows.Next() {
		a, err := scanAsset(rows)
		if err != nil {
			return nil, err
		}
		as = append(as, a)
	}
	return as, rows.Err()
}

// Asset returns one current asset of a program.
func (db *DB) Asset(ctx context.Context, programID, id int64) (*haven.Asset, error) {
	a, err := scanAsset(db.queryRow(ctx, `SELECT `+assetColumns+` FROM assets
		WHERE program_id = $1 AND id = $2 AND archived_at IS NULL`, programID, id))
	if err != nil {
		return nil, fmt.Errorf("store.Asset(%d): %w", id, db.scanErr(err))
	}
	return a, nil
}

// InsertAsset adds an asset to a program.
func (db *DB) InsertAsset(ctx context.Context, a haven.Asset, now time.Time) (*haven.Asset, error) {
	id, err := db.insertID(ctx, `INSERT INTO assets (program_id, name, type, identifier, tier, in_scope,
		bounty_eligible, max_severity, description, instructions, position, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
		a.ProgramID, a.Name, string(a.Type), a.Identifier, a.Tier, a.InScope, a.BountyEligible, a.MaxSeverity,
		a.Description, a.Instructions, a.Position, dbTime(now))
	if err != nil {
		return nil, fmt.Errorf("store.InsertAsset: %w", err)
	}
	a.ID = id
	return &a, nil
}

// UpdateAsset writes an asset's fields.
func (db *DB) UpdateAsset(ctx context.Context, a *haven.Asset) error {
	err := db.execOne(ctx, `UPDATE assets SET name = $1, type = $2, identifier = $3, tier = $4, in_scope = $5,
		bounty_eligible = $6, max_severity = $7, description = $8, instructions = $9, position = $10
		WHERE id = $11 AND program_id = $12 AND archived_at IS NULL`,
		a.Name, string(a.Type), a.Identifier, a.Tier, a.InScope, a.BountyEligible, a.MaxSeverity, a.Description,
		a.Instructions, a.Position, a.ID, a.ProgramID)
	if err != nil {
		return fmt.Errorf("store.UpdateAsset(%d): %w", a.ID, err)
	}
	return nil
}

// ArchiveAsset removes an asset from scope lists; reports keep pointing
// at it.
func (db *DB) ArchiveAsset(ctx context.Context, programID, id int64, now time.Time) error {
	err := db.execOne(ctx, `UPDATE assets SET archived_at = $1 WHERE id = $2 AND program_id = $3 AND archived_at IS NULL`,
		dbTime(now), id, programID)
	if err != nil {
		return fmt.Errorf("store.ArchiveAsset(%d): %w", id, err)
	}
	return nil
}

// Rewards lists a program's reward table by tier, then by minimum amount.
func (db *DB) Rewards(ctx context.Context, programID int64) ([]haven.Reward, error) {
	rows, err := db.query(ctx, `SELECT tier, severity, min_amount, max_amount FROM rewards WHERE program_id = $1
		ORDER BY tier, min_amount, severity`, programID)
	if err != nil {
		return nil, fmt.Errorf("store.Rewards: %w", err)
	}
	defer rows.Close()
	var rs []haven.Reward
	for rows.Next() {
		var r haven.Reward
		if err := rows.Scan(&r.Tier, &r.Severity, &r.Min, &r.Max); err != nil {
			return nil, err
		}
		rs = append(rs, r)
	}
	return rs, rows.Err()
}

// ReplaceRewards sets a program's whole reward table.
func (db *DB) ReplaceRewards(ctx context.Context, programID int64, rs []haven.Reward) error {
	return db.Tx(ctx, func(tx *DB) error {
		if _, err := tx.exec(ctx, `DELETE FROM rewards WHERE program_id = $1`, programID); err != nil {
			return fmt.Errorf("store.ReplaceRewards: %w", err)
		}
		for _, r := range rs {
			if _, err := tx.exec(ctx, `INSERT INTO rewards (program_id, tier, severity, min_amount, max_amount)
				VALUES ($1, $2, $3, $4, $5)`, programID, r.Tier, r.Severity, r.Min, r.Max); err != nil {
				return fmt.Errorf("store.ReplaceRewards: %w", err)
			}
		}
		return nil
	})
}

// OutOfScope lists a program's current out-of-scope classes in order.
func (db *DB) OutOfScope(ctx context.Context, programID int64) ([]haven.OutOfScopeClass, error) {
	rows, err := db.query(ctx, `SELECT id, text, position FROM out_of_scope WHERE program_id = $1
		AND archived_at IS NULL ORDER BY position, id`, programID)
	if err != nil {
		return nil, fmt.Errorf("store.OutOfScope: %w", err)
	}
	defer rows.Close()
	var cs []haven.OutOfScopeClass
	for rows.Next() {
		var c haven.OutOfScopeClass
		if err := rows.Scan(&c.ID, &c.Text, &c.Position); err != nil {
			return nil, err
		}
		cs = append(cs, c)
	}
	return cs, rows.Err()
}

// InsertOutOfScope adds a class.
func (db *DB) InsertOutOfScope(ctx context.Context, programID int64, text string, position int) (int64, error) {
	return db.insertID(ctx, `INSERT INTO out_of_scope (program_id, text, position) VALUES ($1, $2, $3) RETURNING id`,
		programID, text, position)
}

// UpdateOutOfScope changes a class's text and position.
func (db *DB) UpdateOutOfScope(ctx context.Context, programID, id int64, text string, position int) error {
	return db.execOne(ctx, `UPDATE out_of_scope SET text = $1, position = $2 WHERE id = $3 AND program_id = $4
		AND archived_at IS NULL`, text, position, id, programID)
}

// ArchiveOutOfScope retires a class; citations of it keep working.
func (db *DB) ArchiveOutOfScope(ctx context.Context, programID, id int64, now time.Time) error {
	return db.execOne(ctx, `UPDATE out_of_scope SET archived_at = $1 WHERE id = $2 AND program_id = $3
		AND archived_at IS NULL`, dbTime(now), id, programID)
}

// InsertPolicyVersion stores a snapshot of the program's rules.
func (db *DB) InsertPolicyVersion(ctx context.Context, v haven.PolicyVersion) error {
	oos, err := json.Marshal(v.OutOfScope)
	if err != nil {
		return err
	}
	_, err = db.exec(ctx, `INSERT INTO policy_versions (program_id, version, policy, rules, safe_harbour,
		guidelines, out_of_scope, author_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		v.ProgramID, v.Version, v.Policy, v.Rules, v.SafeHarbour, v.Guidelines, string(oos), v.AuthorID, dbTime(v.CreatedAt))
	if err != nil {
		return fmt.Errorf("store.InsertPolicyVersion: %w", err)
	}
	return nil
}

const policyVersionColumns = `program_id, version, policy, rules, safe_harbour, guidelines, out_of_scope, author_id, created_at`

func scanPolicyVersion(sc interface{ Scan(...any) error }) (haven.PolicyVersion, error) {
	var (
		v   haven.PolicyVersion
		oos string
	)
	err := sc.Scan(&v.ProgramID, &v.Version, &v.Policy, &v.Rules, &v.SafeHarbour, &v.Guidelines, &oos, &v.AuthorID, &v.CreatedAt)
	if err != nil {
		return v, err
	}
	v.CreatedAt = v.CreatedAt.UTC()
	return v, json.Unmarshal([]byte(oos), &v.OutOfScope)
}

// PolicyVersion returns one snapshot of a program's rules.
func (db *DB) PolicyVersion(ctx context.Context, programID int64, version int) (haven.PolicyVersion, error) {
	v, err := scanPolicyVersion(db.queryRow(ctx, `SELECT `+policyVersionColumns+` FROM policy_versions
		WHERE program_id = $1 AND version = $2`, programID, version))
	if err != nil {
		return v, fmt.Errorf("store.PolicyVersion(%d): %w", version, db.scanErr(err))
	}
	return v, nil
}

// PolicyVersions lists a program's snapshots, newest first.
func (db *DB) PolicyVersions(ctx context.Context, programID int64) ([]haven.PolicyVersion, error) {
	rows, err := db.query(ctx, `SELECT `+policyVersionColumns+` FROM policy_versions WHERE program_id = $1
		ORDER BY version DESC`, programID)
	if err != nil {
		return nil, fmt.Errorf("store.PolicyVersions: %w", err)
	}
	defer rows.Close()
	var vs []haven.PolicyVersion
	for rows.Next() {
		v, err := scanPolicyVersion(rows)
		if err != nil {
			return nil, err
		}
		vs = append(vs, v)
	}
	return vs, rows.Err()
}
