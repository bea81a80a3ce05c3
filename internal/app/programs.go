package app

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/haven-project/haven/internal/haven"
	"github.com/haven-project/haven/internal/money"
	"github.com/haven-project/haven/internal/pgp"
	"github.com/haven-project/haven/internal/sla"
	"github.com/haven-project/haven/internal/store"
)

var slugPattern = regexp.MustCompile(`^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$`)

// Text limits of program fields, in characters.
const (
	maxPolicyText = 100_000
	maxShortText  = 200
)

func programTarget(p *haven.Program) string { return fmt.Sprintf("program:%d", p.ID) }

// visibleProgram returns the program with slug when the actor may see it:
// every non-draft program, drafts only to their team and admins. Anything
// else is haven.ErrNotFound, like a slug that does not exist.
func (a *App) visibleProgram(ctx context.Context, db *store.DB, actor haven.Actor, slug string) (*haven.Program, error) {
	p, err := db.ProgramBySlug(ctx, slug)
	if err != nil {
		return nil, err
	}
	if p.Status.Public() || actor.IsSystem() || actor.IsAdmin() {
		return p, nil
	}
	if _, ok := actor.Role(p.ID); ok {
		return p, nil
	}
	return nil, haven.ErrNotFound
}

// programFor returns the program when the actor holds perm on it. A
// program the actor may not even see is haven.ErrNotFound; a visible one
// the actor may not change is haven.ErrForbidden. Admins manage every
// program's settings and team (not its reports).
func (a *App) programFor(ctx context.Context, db *store.DB, actor haven.Actor, slug string, perm haven.Permission) (*haven.Program, error) {
	p, err := a.visibleProgram(ctx, db, actor, slug)
	if err != nil {
		return nil, err
	}
	if actor.Can(perm, p.ID) {
		return p, nil
	}
	if actor.IsAdmin() && (perm == haven.PermManageProgram || perm == haven.PermManageTeam || perm == haven.PermViewProgram) {
		return p, nil
	}
	if !actor.SignedIn() {
		return nil, haven.ErrUnauthenticated
	}
	return nil, haven.ErrForbidden
}

// lockedProgramFor is programFor for a use case that reads the program,
// decides and writes: it returns the program read again under its row
// lock, so that concurrent changes on PostgreSQL queue instead of one
// overwriting the other (or both passing the last-owner check).
func (a *App) lockedProgramFor(ctx context.Context, tx *store.DB, actor haven.Actor, slug string, perm haven.Permission) (*haven.Program, error) {
	p, err := a.programFor(ctx, tx, actor, slug, perm)
	if err != nil {
		return nil, err
	}
	return tx.LockProgram(ctx, p.ID)
}

// Programs lists the programs the actor may see.
func (a *App) Programs(ctx context.Context, actor haven.Actor) ([]*haven.Program, error) {
	return a.db.ProgramsVisibleTo(ctx, actor.UserID(), actor.IsAdmin() || actor.IsSystem())
}

// ProgramView is a program with what its page shows.
type ProgramView struct {
	*haven.Program
	Assets     []*haven.Asset
	Rewards    []haven.Reward
	OutOfScope []haven.OutOfScopeClass
	Updates    []haven.ProgramUpdate // published ones; drafts too for owners
	Activity   []haven.Activity
	// Role is the actor's role on the program, "" for none.
	Role haven.Role
	// CanManage reports whether the actor may change the program.
	CanManage bool
}

// Program returns the program with slug as the actor may see it.
func (a *App) Program(ctx context.Context, actor haven.Actor, slug string) (*ProgramView, error) {
	p, err := a.visibleProgram(ctx, a.db, actor, slug)
	if err != nil {
		return nil, err
	}
	v := &ProgramView{Program: p}
	v.Role, _ = actor.Role(p.ID)
	v.CanManage = actor.Can(haven.PermManageProgram, p.ID) || actor.IsAdmin()
	if v.Assets, err = a.db.Assets(ctx, p.ID); err != nil {
		return nil, err
	}
	if v.Rewards, err = a.db.Rewards(ctx, p.ID); err != nil {
		return nil, err
	}
	if v.OutOfScope, err = a.db.OutOfScope(ctx, p.ID); err != nil {
		return nil, err
	}
	if v.Updates, err = a.db.ProgramUpdates(ctx, p.ID, v.CanManage); err != nil {
		return nil, err
	}
	if v.Activity, err = a.db.Activity(ctx, p.ID, 50); err != nil {
		return nil, err
	}
	return v, nil
}

// NewProgram is what an admin gives to create a program.
type NewProgram struct {
	Slug         string
	Name         string
	Organisation string
	Kind         haven.ProgramKind // vdp (default) or bounty
	Currency     string            // default EUR
	Status       haven.ProgramStatus
	// Owners are e-mail addresses: existing accounts become owners now,
	// others get an invitation.
	Owners []string
}

// CreateProgram creates a program with Haven's defaults (bands, validation
// days, calendar). Instance admins (and the system) only.
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
	if in.Name == "" || utf8.RuneCountInString(in.Name) > 120 {
		v.Add("name", "Give a name of at most 120 characters.")
	}
	if utf8.RuneCountInString(in.Organisation) > maxShortText {
		v.Add("organisation", "Use at most 200 characters.")
	}
	if in.Kind == "" {
		in.Kind = haven.KindVDP
	}
	if in.Kind != haven.KindVDP && in.Kind != haven.KindBounty {
		v.Add("kind", "Choose vdp or bounty.")
	}
	if in.Currency == "" {
		in.Currency = "EUR"
	}
	cur, err := money.ParseCurrency(in.Currency)
	if err != nil {
		v.Add("currency", err.Error())
	}
	if in.Status == "" {
		in.Status = haven.StatusDraft
	}
	if in.Status != haven.StatusDraft && in.Status != haven.StatusPublished {
		v.Add("status", "A new program is a draft or published.")
	}
	var owners []string
	for _, o := range in.Owners {
		if o = strings.TrimSpace(o); o == "" {
			continue
		}
		e, err := checkEmail("owners", o)
		if err != nil {
			v.Add("owners", fmt.Sprintf("%q is not an e-mail address.", o))
			continue
		}
		owners = append(owners, e)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	now := a.now()
	var p *haven.Program
	err = a.tx(ctx, func(tx *store.DB) error {
		var err error
		p, err = tx.InsertProgram(ctx, haven.Program{
			Slug: in.Slug, Name: in.Name, Organisation: strings.TrimSpace(in.Organisation), Status: in.Status,
			Kind: in.Kind, Currency: cur.Code, Bands: haven.DefaultBands(), ValidationDays: haven.DefaultValidationDays(),
			Calendar: haven.DefaultCalendar(), NeedsInfoDays: 30, PolicyVersion: 1,
		}, now)
		if errors.Is(err, haven.ErrConflict) {
			return haven.Invalid("slug", "Another program uses this slug.")
		}
		if err != nil {
			return err
		}
		if err := a.snapshotPolicy(ctx, tx, actor, p); err != nil {
			return err
		}
		for _, email := range owners {
			// An admin names the owners: existing accounts become owners
			// now; an address without an account gets an invitation.
			u, err := tx.UserByEmail(ctx, email)
			if errors.Is(err, haven.ErrNotFound) {
				if err := a.addOrInvite(ctx, tx, actor, p, email, haven.RoleOwner); err != nil {
					return err
				}
				continue
			}
			if err != nil {
				return err
			}
			if err := tx.SetMembership(ctx, p.ID, u.ID, haven.RoleOwner, now); err != nil {
				return err
			}
			if err := a.audit(ctx, tx, actor, "program.member_set", programTarget(p), map[string]any{"user_id": u.ID, "role": haven.RoleOwner}); err != nil {
				return err
			}
		}
		if p.Status == haven.StatusPublished {
			if err := a.activity(ctx, tx, p, "program_published", "published the program"); err != nil {
				return err
			}
		}
		return a.audit(ctx, tx, actor, "program.create", programTarget(p), map[string]any{"slug": p.Slug})
	})
	return p, err
}

// activity appends an event to the program's public feed.
func (a *App) activity(ctx context.Context, tx *store.DB, p *haven.Program, typ, text string) error {
	return tx.InsertActivity(ctx, haven.Activity{ProgramID: p.ID, Type: typ, Text: text, At: a.now()})
}

// snapshotPolicy records the program's current rules as its PolicyVersion.
func (a *App) snapshotPolicy(ctx context.Context, tx *store.DB, actor haven.Actor, p *haven.Program) error {
	classes, err := tx.OutOfScope(ctx, p.ID)
	if err != nil {
		return err
	}
	oos := make([]string, 0, len(classes))
	for _, c := range classes {
		oos = append(oos, c.Text)
	}
	return tx.InsertPolicyVersion(ctx, haven.PolicyVersion{
		ProgramID: p.ID, Version: p.PolicyVersion, Policy: p.Policy, Rules: p.Rules, SafeHarbour: p.SafeHarbour,
		Guidelines: p.Guidelines, OutOfScope: oos, CreatedAt: a.now(), AuthorID: actor.UserID(),
	})
}

// ProgramPatch changes a program's settings; nil fields stay as they are.
type ProgramPatch struct {
	Name           *string
	Organisation   *string
	Kind           *haven.ProgramKind
	Currency       *string
	Status         *haven.ProgramStatus
	Policy         *string
	Rules          *string
	SafeHarbour    *string
	Guidelines     *string
	ContactEmail   *string
	PGPKey         *string
	Links          *[]haven.Link
	Bands          *[]haven.SeverityBand
	ValidationDays *map[string]int
	Calendar       *haven.Calendar
	RetestBonus    *int64 // minor units
	NeedsInfoDays  *int
}

// statusChanges is the table of allowed status changes and the words the
// public activity feed uses for each.
var statusChanges = map[[2]haven.ProgramStatus]string{
	{haven.StatusDraft, haven.StatusPublished}:     "published the program",
	{haven.StatusDraft, haven.StatusClosed}:        "closed the program",
	{haven.StatusPublished, haven.StatusSuspended}: "suspended the program",
	{haven.StatusPublished, haven.StatusClosed}:    "closed the program",
	{haven.StatusSuspended, haven.StatusPublished}: "resumed the program",
	{haven.StatusSuspended, haven.StatusClosed}:    "closed the program",
	{haven.StatusClosed, haven.StatusPublished}:    "reopened the program",
}

// UpdateProgram applies a patch (owners and admins). Every edit is audited
// with the names of the fields it changed; a change to the policy texts
// makes a new policy version; a status change appears in the activity feed.
func (a *App) UpdateProgram(ctx context.Context, actor haven.Actor, slug string, patch ProgramPatch) (*haven.Program, error) {
	var out *haven.Program
	err := a.tx(ctx, func(tx *store.DB) error {
		p, err := a.lockedProgramFor(ctx, tx, actor, slug, haven.PermManageProgram)
		if err != nil {
			return err
		}
		old := *p
		changed, err := applyPatch(p, patch, a.now())
		if err != nil {
			return err
		}
		if p.Currency != old.Currency {
			if err := rescaleAmounts(ctx, tx, p, old.Currency, patch.RetestBonus == nil); err != nil {
				return err
			}
		}
		if patch.Status != nil && *patch.Status != old.Status {
			text, ok := statusChanges[[2]haven.ProgramStatus{old.Status, *patch.Status}]
			if !ok {
				return haven.Invalid("status", fmt.Sprintf("A %s program cannot become %s.", old.Status, *patch.Status))
			}
			if err := tx.SetProgramStatus(ctx, p.ID, old.Status, *patch.Status, a.now()); err != nil {
				return err
			}
			if err := a.activity(ctx, tx, p, "program_"+string(*patch.Status), text); err != nil {
				return err
			}
			changed = append(changed, "status")
		}
		if len(changed) == 0 {
			out = p
			return nil
		}
		policyChanged := p.Policy != old.Policy || p.Rules != old.Rules || p.SafeHarbour != old.SafeHarbour || p.Guidelines != old.Guidelines
		if policyChanged {
			p.PolicyVersion++
			if err := a.snapshotPolicy(ctx, tx, actor, p); err != nil {
				return err
			}
		}
		if err := tx.UpdateProgram(ctx, p, a.now()); err != nil {
			return err
		}
		sort.Strings(changed)
		if err := a.audit(ctx, tx, actor, "program.update", programTarget(p), map[string]any{"fields": changed}); err != nil {
			return err
		}
		out, err = tx.Program(ctx, p.ID)
		return err
	})
	return out, err
}

// applyPatch validates and applies every set field except Status, and
// returns the names of the fields whose value changed.
func applyPatch(p *haven.Program, patch ProgramPatch, now time.Time) ([]string, error) {
	v := &haven.InvalidError{}
	var changed []string
	setText := func(name string, dst *string, src *string, max int, required bool) {
		if src == nil {
			return
		}
		s := strings.TrimSpace(*src)
		switch {
		case required && s == "":
			v.Add(name, "This cannot be empty.")
		case utf8.RuneCountInString(s) > max:
			v.Add(name, fmt.Sprintf("Use at most %d characters.", max))
		case strings.ContainsRune(s, 0):
			v.Add(name, "Remove the NUL character.")
		default:
			if *dst != s {
				*dst = s
				changed = append(changed, name)
			}
		}
	}
	setText("name", &p.Name, patch.Name, 120, true)
	setText("organisation", &p.Organisation, patch.Organisation, maxShortText, false)
	setText("policy", &p.Policy, patch.Policy, maxPolicyText, false)
	setText("rules", &p.Rules, patch.Rules, maxPolicyText, false)
	setText("safe_harbour", &p.SafeHarbour, patch.SafeHarbour, maxPolicyText, false)
	setText("guidelines", &p.Guidelines, patch.Guidelines, maxPolicyText, false)
	if k := patch.Kind; k != nil && *k != p.Kind {
		if *k != haven.KindVDP && *k != haven.KindBounty {
			v.Add("kind", "Choose vdp or bounty.")
		} else {
			p.Kind = *k
			changed = append(changed, "kind")
		}
	}
	if c := patch.Currency; c != nil {
		cur, err := money.ParseCurrency(*c)
		if err != nil {
			v.Add("currency", err.Error())
		} else if cur.Code != p.Currency {
			p.Currency = cur.Code
			changed = append(changed, "currency")
		}
	}
	if c := patch.ContactEmail; c != nil {
		s := strings.TrimSpace(*c)
		if s != "" {
			if e, err := checkEmail("contact_email", s); err != nil {
				v.Add("contact_email", "Enter an e-mail address like security@example.org.")
			} else {
				s = e
			}
		}
		if s != p.ContactEmail {
			p.ContactEmail = s
			changed = append(changed, "contact_email")
		}
	}
	if k := patch.PGPKey; k != nil {
		s := strings.TrimSpace(*k)
		switch {
		case s == "" && p.PGPKey != "":
			p.PGPKey, p.PGPFinger = "", ""
			changed = append(changed, "pgp_key")
		case s != "":
			key, err := pgp.ParsePublicKeyAt(s, now)
			if err != nil {
				v.Add("pgp_key", err.Error())
			} else if key.Fingerprint != p.PGPFinger {
				p.PGPKey, p.PGPFinger = key.Armored, key.Fingerprint
				changed = append(changed, "pgp_key")
			}
		}
	}
	// The settings form sends every field: only a different value is a
	// change (and is recorded as one).
	if l := patch.Links; l != nil {
		links, msg := checkLinks(*l)
		if msg != "" {
			v.Add("links", msg)
		} else if !slices.Equal(links, p.Links) {
			p.Links = links
			changed = append(changed, "links")
		}
	}
	if b := patch.Bands; b != nil {
		if err := haven.ValidateBands(*b); err != nil {
			v.Add("severity_bands", capitalize(err.Error())+".")
		} else {
			bs := append([]haven.SeverityBand(nil), (*b)...)
			sort.Slice(bs, func(i, j int) bool { return bs[i].Min < bs[j].Min })
			for i := range bs {
				bs[i].Name = strings.TrimSpace(bs[i].Name)
			}
			if !slices.Equal(bs, p.Bands) {
				p.Bands = bs
				changed = append(changed, "severity_bands")
			}
		}
	}
	if d := patch.ValidationDays; d != nil && !maps.Equal(*d, p.ValidationDays) {
		p.ValidationDays = *d
		changed = append(changed, "validation_days")
	}
	if len(v.Fields) == 0 {
		// Validation days name bands, so check them against the bands the
		// program ends up with.
		for name, days := range p.ValidationDays {
			if bandMid(p.Bands, name) < 0 {
				v.Add("validation_days", fmt.Sprintf("%q is not one of the program's severity bands.", name))
			} else if days < 1 || days > 365 {
				v.Add("validation_days", fmt.Sprintf("%s: give between 1 and 365 working days.", name))
			}
		}
	}
	if c := patch.Calendar; c != nil {
		if _, err := sla.ParseCalendar(c.TimeZone, c.Weekend, c.Holidays); err != nil {
			v.Add("calendar", capitalize(err.Error())+".")
		} else if !equalCalendars(*c, p.Calendar) {
			p.Calendar = *c
			changed = append(changed, "calendar")
		}
	}
	if r := patch.RetestBonus; r != nil && *r != p.RetestBonus {
		if *r < 0 || *r > 1_000_000_00 {
			v.Add("retest_bonus", "Give an amount between 0 and 1,000,000.")
		} else {
			p.RetestBonus = *r
			changed = append(changed, "retest_bonus")
		}
	}
	if n := patch.NeedsInfoDays; n != nil && *n != p.NeedsInfoDays {
		if *n < 1 || *n > 365 {
			v.Add("needs_info_days", "Give between 1 and 365 days.")
		} else {
			p.NeedsInfoDays = *n
			changed = append(changed, "needs_info_days")
		}
	}
	if p.Kind == haven.KindVDP && p.RetestBonus > 0 && patch.RetestBonus != nil {
		v.Add("retest_bonus", "A VDP pays no money: make the program a bounty program first.")
	}
	return changed, v.Err()
}

func equalCalendars(a, b haven.Calendar) bool {
	return a.TimeZone == b.TimeZone && slices.Equal(a.Weekend, b.Weekend) && slices.Equal(a.Holidays, b.Holidays)
}

// bandMid returns a score inside the band named name, or -1.
func bandMid(bands []haven.SeverityBand, name string) float64 {
	for _, b := range bands {
		if b.Name == name {
			return b.Min
		}
	}
	return -1
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// checkLinks validates a program's links: a label and an https (or http)
// URL each, at most 10.
// It returns a message for the person editing them when one is wrong.
func checkLinks(links []haven.Link) ([]haven.Link, string) {
	if len(links) > 10 {
		return nil, "Give at most 10 links."
	}
	out := []haven.Link{}
	for _, l := range links {
		l.Label, l.URL = strings.TrimSpace(l.Label), strings.TrimSpace(l.URL)
		if l.Label == "" && l.URL == "" {
			continue
		}
		u, err := url.Parse(l.URL)
		if l.Label == "" || utf8.RuneCountInString(l.Label) > 80 {
			return nil, "Give each link a label of at most 80 characters."
		}
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || len(l.URL) > 500 {
			return nil, fmt.Sprintf("%q is not an http or https address.", l.URL)
		}
		out = append(out, l)
	}
	return out, ""
}

// rescaleAmounts keeps a program's rewards (and retest bonus, unless the
// same patch set it in the new currency) the same in major units when its
// currency changes to one with another number of decimals: EUR 250.00 is
// 25000 minor units, JPY 250 is 250. An amount the new currency cannot
// hold (cents, in yen) is refused.
func rescaleAmounts(ctx context.Context, tx *store.DB, p *haven.Program, from string, bonus bool) error {
	oldCur, err1 := money.ParseCurrency(from)
	newCur, err2 := money.ParseCurrency(p.Currency)
	if err1 != nil || err2 != nil || oldCur.Minor == newCur.Minor {
		return nil
	}
	scale := func(a int64) (int64, error) {
		for d := oldCur.Minor; d < newCur.Minor; d++ {
			a *= 10
		}
		for d := newCur.Minor; d < oldCur.Minor; d++ {
			if a%10 != 0 {
				return 0, haven.Invalid("currency", fmt.Sprintf("%s has %d decimals, and an amount has more: round the rewards and the retest bonus first.", newCur.Code, newCur.Minor))
			}
			a /= 10
		}
		return a, nil
	}
	rs, err := tx.Rewards(ctx, p.ID)
	if err != nil {
		return err
	}
	for i := range rs {
		if rs[i].Min, err = scale(rs[i].Min); err != nil {
			return err
		}
		if rs[i].Max, err = scale(rs[i].Max); err != nil {
			return err
		}
	}
	if bonus {
		if p.RetestBonus, err = scale(p.RetestBonus); err != nil {
			return err
		}
	}
	if len(rs) == 0 {
		return nil
	}
	return tx.ReplaceRewards(ctx, p.ID, rs)
}
