package app

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/haven-project/haven/internal/cvss"
	"github.com/haven-project/haven/internal/cwe"
	"github.com/haven-project/haven/internal/haven"
	"github.com/haven-project/haven/internal/sla"
	"github.com/haven-project/haven/internal/store"
)

// Report text limits, in characters.
const (
	maxTitle      = 200
	maxReportText = 100_000
	maxComment    = 50_000
)

// SubmitInput is what a researcher sends with a report.
type SubmitInput struct {
	AssetID     int64
	Title       string
	Weakness    string // CWE id, optional
	CVSSVector  string // 3.1 or 4.0, optional
	Description string
	Steps       string
	Impact      string
	AcceptRules bool
	// PolicyVersion is the version of the rules the researcher was shown;
	// 0 means the current one.
	PolicyVersion int
	// Files are attached to the new report.
	Files []Upload
}

func reportTarget(r *haven.Report) string { return "report:" + r.PublicID }

// titleProblem says what is wrong with a title (of a report, a known
// issue, a disclosure), or "".
func titleProblem(title string) string {
	switch {
	case utf8.RuneCountInString(title) > maxTitle:
		return fmt.Sprintf("Use at most %d characters.", maxTitle)
	case strings.ContainsAny(title, "\r\n\x00"):
		return "Keep the title on one line."
	}
	return ""
}

func newPublicID() string { return lowerBase32.EncodeToString(randomBytes(10)) }

// score parses a vector and names the program's severity for it.
func score(p *haven.Program, vector string) (canonical string, s float64, severity string, err error) {
	vector = strings.TrimSpace(vector)
	if vector == "" {
		return "", 0, "", nil
	}
	v, err := cvss.Parse(vector)
	if err != nil {
		return "", 0, "", haven.Invalid("cvss_vector", capitalize(err.Error())+".")
	}
	return v.Canonical, v.Score, haven.Severity(p.Bands, v.Score), nil
}

// deadline is when a report of severity submitted at t must be validated,
// on the program's working-day calendar; nil when the severity has no
// validation time.
func deadline(p *haven.Program, severity string, t time.Time) *time.Time {
	days, ok := p.ValidationDays[severity]
	if !ok || days <= 0 {
		return nil
	}
	cal, err := sla.ParseCalendar(p.Calendar.TimeZone, p.Calendar.Weekend, p.Calendar.Holidays)
	if err != nil {
		cal = sla.Default
	}
	d := cal.AddWorkingDays(t, days).UTC()
	return &d
}

// SubmitReport files a report on a published program. Only signed-in
// accounts with a confirmed address submit, only to in-scope assets, and
// only after accepting the program's current rules.
func (a *App) SubmitReport(ctx context.Context, actor haven.Actor, slug string, in SubmitInput) (*haven.Report, error) {
	u, err := requireUser(actor)
	if err != nil {
		return nil, err
	}
	p, err := a.visibleProgram(ctx, a.db, actor, slug)
	if err != nil {
		return nil, err
	}
	if p.Status != haven.StatusPublished {
		return nil, &haven.InvalidError{Msg: "This program does not accept reports now."}
	}
	if !u.Verified() {
		return nil, &haven.InvalidError{Msg: "Confirm your e-mail address before you submit a report."}
	}
	v := &haven.InvalidError{}
	in.Title = strings.TrimSpace(in.Title)
	if in.Title == "" {
		v.Add("title", "Give the report a title that names the vulnerability.")
	} else if msg := titleProblem(in.Title); msg != "" {
		v.Add("title", msg)
	}
	asset, err := a.db.Asset(ctx, p.ID, in.AssetID)
	switch {
	case errors.Is(err, haven.ErrNotFound):
		v.Add("asset_id", "Choose one of the program's assets.")
	case err != nil:
		return nil, err
	case !asset.InScope:
		v.Add("asset_id", fmt.Sprintf("%s is out of scope for this program.", asset.Name))
	}
	weakness := ""
	if w := strings.TrimSpace(in.Weakness); w != "" {
		cw, err := cwe.Parse(w)
		if err != nil {
			v.Add("weakness", capitalize(err.Error())+".")
		} else {
			weakness = cw.Code()
		}
	}
	vector, sc, severity, err := score(p, in.CVSSVector)
	if err != nil {
		var inv *haven.InvalidError
		errors.As(err, &inv)
		v.Add("cvss_vector", inv.Fields["cvss_vector"])
	}
	for _, f := range []struct{ name, text string }{{"description", in.Description}, {"steps_to_reproduce", in.Steps}, {"impact", in.Impact}} {
		if utf8.RuneCountInString(f.text) > maxReportText {
			v.Add(f.name, fmt.Sprintf("Use at most %d characters.", maxReportText))
		}
	}
	if strings.TrimSpace(in.Description) == "" {
		v.Add("description", "Describe the vulnerability.")
	}
	if !in.AcceptRules {
		v.Add("accept_rules", "Accept the program's rules of engagement to submit.")
	} else if in.PolicyVersion != 0 && in.PolicyVersion != p.PolicyVersion {
		v.Add("accept_rules", fmt.Sprintf("The rules changed since you opened the form (now version %d): read them again and accept.", p.PolicyVersion))
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	if err := a.limit(ctx, "submit", fmtID(u.ID), 20, time.Hour); err != nil {
		return nil, err
	}
	stored, cleanup, err := a.storeUploads(ctx, in.Files)
	if err != nil {
		return nil, err
	}
	now := a.now()
	r := haven.Report{
		PublicID: newPublicID(), ProgramID: p.ID, AssetID: asset.ID, ReporterID: u.ID, Title: in.Title,
		Weakness: weakness, CVSSVector: vector, CVSSScore: sc, Severity: severity,
		Description: strings.TrimSpace(in.Description), Steps: strings.TrimSpace(in.Steps), Impact: strings.TrimSpace(in.Impact),
		State: haven.StateNew, PolicyVersion: p.PolicyVersion, SubmittedAt: now, ValidationDeadline: deadline(p, severity, now),
	}
	var out *haven.Report
	err = a.tx(ctx, func(tx *store.DB) error {
		var err error
		if out, err = tx.InsertReport(ctx, r); err != nil {
			return err
		}
		if err := tx.InsertReportEvent(ctx, haven.ReportEvent{ReportID: out.ID, ActorID: u.ID, At: now, Kind: "submitted",
			To: string(haven.StateNew)}); err != nil {
			return err
		}
		if _, err := a.saveAttachments(ctx, tx, out, u.ID, stored, 0, 0, false); err != nil {
			return err
		}
		if err := a.activity(ctx, tx, p, "report_created", "created a submission"); err != nil {
			return err
		}
		if err := a.notify(ctx, tx, notice{report: out, actorID: u.ID, toTeam: true,
			subject: "new report", summary: "submitted a new report"}); err != nil {
			return err
		}
		return a.audit(ctx, tx, actor, "report.submit", reportTarget(out), map[string]any{"program_id": p.ID})
	})
	if err != nil {
		cleanup()
		return nil, err
	}
	return out, nil
}

// ReportView is a report as the actor may see it.
type ReportView struct {
	*haven.Report
	Program  *haven.Program
	Asset    *haven.Asset
	Events   []haven.ReportEvent // internal ones only for the team
	Comments []haven.Comment     // internal ones only for the team
	// Names of the people in the history and comments, by account id. A
	// researcher sees the team as "Program team".
	Names map[int64]string
	// Original is what the reporter of a duplicate may know of the
	// original: its public id, state and date, never its content.
	Original *ReportRef
	// Duplicates counts the reports closed as duplicates of this one.
	Duplicates int
	// KnownIssue is the known issue a duplicate repeats, for the team.
	KnownIssue *haven.KnownIssue
	// KnownIssues are the program's known issues a triager may close the
	// report as a duplicate of.
	KnownIssues []*haven.KnownIssue
	// Attachments: internal ones only for the team.
	Attachments []*haven.Attachment
	Retests     []*haven.Retest
	// Retest is the retest in progress, if any.
	Retest      *haven.Retest
	Disclosures []*haven.DisclosureRequest
	// Disclosure is the open disclosure request, if any.
	Disclosure *haven.DisclosureRequest
	actor      haven.Actor
	// What the actor may do.
	IsTeam, IsReporter, CanTriage, CanComment bool
	CanAward, CanDisclose                     bool
	NextStates                                []haven.ReportState
}

// CanRemove reports whether the actor may remove a file of the report:
// its uploader, or an owner of the program.
func (v *ReportView) CanRemove(at *haven.Attachment) bool {
	return mayRemoveAttachment(v.actor, v.Report, at)
}

// DisclosureSide is the side of a report the actor speaks for in a
// disclosure: "reporter", "program" or "" (neither).
func (v *ReportView) DisclosureSide() string { return disclosureSide(v.actor, v.Report) }

// ReportRef names a report, or a known issue, without its content.
type ReportRef struct {
	PublicID string
	// KnownIssue: the original is one of the program's known issues (it
	// has no state; SubmittedAt is when the program recorded it).
	KnownIssue  bool
	State       haven.ReportState
	SubmittedAt time.Time
}

// Report returns a report the actor may see: its reporter, or a member of
// its program. Everyone else gets haven.ErrNotFound, exactly as for an id
// that does not exist.
func (a *App) Report(ctx context.Context, actor haven.Actor, publicID string) (*ReportView, error) {
	r, err := a.db.Report(ctx, actor.UserID(), publicID)
	if err != nil {
		return nil, err
	}
	return a.reportView(ctx, actor, r)
}

func (a *App) reportView(ctx context.Context, actor haven.Actor, r *haven.Report) (*ReportView, error) {
	v := &ReportView{Report: r, Names: map[int64]string{}, actor: actor}
	var err error
	if v.Program, err = a.db.Program(ctx, r.ProgramID); err != nil {
		return nil, err
	}
	if v.Asset, err = a.db.AssetForReport(ctx, r.AssetID); err != nil {
		return nil, err
	}
	_, v.IsTeam = actor.Role(r.ProgramID)
	v.CanTriage = actor.Can(haven.PermTriage, r.ProgramID)
	v.CanComment = actor.Can(haven.PermCommentReports, r.ProgramID) || actor.UserID() == r.ReporterID
	v.IsReporter = actor.UserID() == r.ReporterID
	v.CanAward = actor.Can(haven.PermAwardBounty, r.ProgramID)
	v.CanDisclose = actor.Can(haven.PermDisclose, r.ProgramID)
	if v.CanTriage {
		v.NextStates = haven.NextStates(r.State)
		if v.KnownIssues, err = a.db.KnownIssues(ctx, r.ProgramID, false); err != nil {
			return nil, err
		}
	}
	if v.Attachments, err = a.db.Attachments(ctx, r.ID, v.IsTeam); err != nil {
		return nil, err
	}
	if v.Retests, err = a.db.Retests(ctx, r.ID); err != nil {
		return nil, err
	}
	for _, t := range v.Retests {
		if t.State.Open() {
			v.Retest = t
		}
	}
	if v.Disclosures, err = a.db.DisclosureRequests(ctx, r.ID); err != nil {
		return nil, err
	}
	for _, q := range v.Disclosures {
		if q.State == "open" {
			v.Disclosure = q
		}
	}
	if v.Events, err = a.db.ReportEvents(ctx, r.ID, v.IsTeam); err != nil {
		return nil, err
	}
	if v.Comments, err = a.db.Comments(ctx, r.ID, v.IsTeam); err != nil {
		return nil, err
	}
	if v.Duplicates, err = a.db.CountDuplicates(ctx, r.ID); err != nil {
		return nil, err
	}
	if r.DuplicateOf != 0 {
		o, err := a.db.ReportForSystem(ctx, r.DuplicateOf)
		if err != nil {
			return nil, err
		}
		v.Original = &ReportRef{PublicID: o.PublicID, State: o.State, SubmittedAt: o.SubmittedAt}
	}
	if r.DuplicateKnownID != 0 {
		k, err := a.db.KnownIssueByID(ctx, r.DuplicateKnownID)
		if err != nil {
			return nil, err
		}
		v.Original = &ReportRef{PublicID: k.PublicID, KnownIssue: true, SubmittedAt: k.CreatedAt}
		if v.IsTeam {
			v.KnownIssue = k
		}
	}
	// Names: the team sees everyone; the reporter sees themselves and
	// "Program team" for the rest.
	ids := map[int64]bool{r.ReporterID: true, r.AssigneeID: true}
	for _, e := range v.Events {
		ids[e.ActorID] = true
	}
	for _, c := range v.Comments {
		ids[c.AuthorID] = true
	}
	for _, t := range v.Retests {
		ids[t.RequestedBy], ids[t.DecidedBy] = true, true
	}
	for _, q := range v.Disclosures {
		ids[q.RequestedBy], ids[q.DecidedBy] = true, true
	}
	for _, at := range v.Attachments {
		ids[at.UploaderID] = true
	}
	for id := range ids {
		switch {
		case id == 0:
		case !v.IsTeam && id != actor.UserID():
			v.Names[id] = v.Program.Name + " team"
		default:
			if u, err := a.db.User(ctx, id); err == nil {
				v.Names[id] = u.Name()
			}
		}
	}
	return v, nil
}

// ReportQuery filters the actor's report list.
type ReportQuery struct {
	Program  string // slug
	States   []haven.ReportState
	Severity string
	AssetID  int64
	Assignee int64 // -1 unassigned
	// Due: "overdue" or "soon" (within 2 days).
	Due    string
	Limit  int
	Offset int
}

// ReportList is one page of reports.
type ReportList struct {
	Reports []*haven.Report
	Total   int
	// Programs holds the listed reports' programs by id.
	Programs map[int64]*haven.Program
}

// Reports lists the reports the actor may see: a member sees their
// programs' reports, a researcher their own.
func (a *App) Reports(ctx context.Context, actor haven.Actor, q ReportQuery) (ReportList, error) {
	if !actor.SignedIn() {
		return ReportList{}, haven.ErrUnauthenticated
	}
	f := store.ReportFilter{States: q.States, Severity: q.Severity, AssetID: q.AssetID, AssigneeID: q.Assignee,
		Limit: q.Limit, Offset: q.Offset}
	if q.Program != "" {
		p, err := a.visibleProgram(ctx, a.db, actor, q.Program)
		if errors.Is(err, haven.ErrNotFound) {
			return ReportList{}, nil // an unknown program has no reports the actor may see
		}
		if err != nil {
			return ReportList{}, err
		}
		f.ProgramID = p.ID
	}
	now := a.now()
	switch q.Due {
	case "overdue":
		f.DueBefore = &now
	case "soon":
		t := now.Add(48 * time.Hour)
		f.DueBefore = &t
	}
	rs, total, err := a.db.Reports(ctx, actor.UserID(), f)
	if err != nil {
		return ReportList{}, err
	}
	list := ReportList{Reports: rs, Total: total, Programs: map[int64]*haven.Program{}}
	for _, r := range rs {
		if list.Programs[r.ProgramID] == nil {
			if list.Programs[r.ProgramID], err = a.db.Program(ctx, r.ProgramID); err != nil {
				return ReportList{}, err
			}
		}
	}
	return list, nil
}

// TransitionInput is a requested state change.
type TransitionInput struct {
	// From, when set, is the state the actor saw when deciding: the
	// change is made only from that state, else haven.ErrConflict.
	From         haven.ReportState
	To           haven.ReportState
	Reason       string
	DuplicateOf  string // public id of the original
	OutOfScopeID int64
}

// reportFor returns the report when the actor may see it; the system sees
// every report.
func reportFor(ctx context.Context, tx *store.DB, actor haven.Actor, publicID string) (*haven.Report, error) {
	if actor.IsSystem() {
		return tx.ReportByPublicIDForSystem(ctx, publicID)
	}
	return tx.Report(ctx, actor.UserID(), publicID)
}

// triageable returns a report the actor may triage: haven.ErrNotFound when
// the actor may not see it, haven.ErrForbidden when they see it but may not
// triage (the reporter, a viewer).
func (a *App) triageable(ctx context.Context, tx *store.DB, actor haven.Actor, publicID string, perm haven.Permission) (*haven.Report, error) {
	r, err := reportFor(ctx, tx, actor, publicID)
	if err != nil {
		return nil, err
	}
	if !actor.Can(perm, r.ProgramID) {
		return nil, haven.ErrForbidden
	}
	return r, nil
}

// Transition changes a report's state as the transition table allows. It
// is a compare-and-set from in.From: of two concurrent changes from the
// same state exactly one succeeds, the other gets haven.ErrConflict.
// Without in.From the change applies to whatever state the report is in
// when the transaction reads it (on SQLite, which runs writers one after
// the other, the later of two changes then sees the earlier one's state).
func (a *App) Transition(ctx context.Context, actor haven.Actor, publicID string, in TransitionInput) error {
	return a.tx(ctx, func(tx *store.DB) error {
		r, err := a.triageable(ctx, tx, actor, publicID, haven.PermTriage)
		if err != nil {
			return err
		}
		if in.From != "" && in.From != r.State {
			return fmt.Errorf("report %s is %s, not %s: %w", r.PublicID, r.State, in.From, haven.ErrConflict)
		}
		rule, ok := haven.FindTransition(r.State, in.To)
		if !ok {
			return haven.Invalid("to", fmt.Sprintf("A report that is %s cannot become %s.", strings.ToLower(r.State.Label()), strings.ToLower(in.To.Label())))
		}
		reason := strings.TrimSpace(in.Reason)
		if utf8.RuneCountInString(reason) > maxComment {
			return haven.Invalid("reason", fmt.Sprintf("Use at most %d characters.", maxComment))
		}
		if rule.NeedsReason && reason == "" {
			return haven.Invalid("reason", "Say why: the reporter reads it.")
		}
		var dupID, oosID, knownID int64
		var known *haven.KnownIssue
		if rule.NeedsOriginal {
			var err error
			if known, err = tx.KnownIssue(ctx, r.ProgramID, strings.TrimSpace(in.DuplicateOf)); err != nil && !errors.Is(err, haven.ErrNotFound) {
				return err
			}
		}
		if known != nil {
			// The original is one of the program's known issues.
			if known.ArchivedAt != nil {
				return haven.Invalid("duplicate_of", "That known issue is archived: bring it back first, or name another original.")
			}
			knownID = known.ID
		} else if rule.NeedsOriginal {
			o, err := tx.ReportByPublicIDForSystem(ctx, strings.TrimSpace(in.DuplicateOf))
			if err != nil || o.ProgramID != r.ProgramID || o.ID == r.ID {
				return haven.Invalid("duplicate_of", "Name the original: another report of this program, or one of its known issues.")
			}
			// Point at the first original. A chain can be longer than one
			// step: a duplicate's original may itself have been reopened
			// and closed as a duplicate since.
			for seen := map[int64]bool{o.ID: true}; o.State == haven.StateDuplicate && o.DuplicateOf != 0; seen[o.ID] = true {
				if o, err = tx.ReportForSystem(ctx, o.DuplicateOf); err != nil {
					return err
				}
				if o.ID == r.ID || seen[o.ID] {
					return haven.Invalid("duplicate_of", "That report is a duplicate of this one: name the original instead.")
				}
			}
			if o.State == haven.StateDuplicate && o.DuplicateKnownID != 0 {
				// The chain ends at a known issue: point there.
				k, err := tx.KnownIssueByID(ctx, o.DuplicateKnownID)
				if err != nil {
					return err
				}
				if k.ArchivedAt != nil {
					return haven.Invalid("duplicate_of", "That report repeats an archived known issue: bring it back first, or name another original.")
				}
				knownID = k.ID
			} else {
				dupID = o.ID
			}
		}
		if rule.NeedsClass {
			if in.OutOfScopeID == 0 && reason == "" {
				return haven.Invalid("out_of_scope_id", "Cite the out-of-scope class, or give a reason.")
			}
			if in.OutOfScopeID != 0 {
				classes, err := tx.OutOfScopeAll(ctx, r.ProgramID)
				if err != nil {
					return err
				}
				found := false
				for _, c := range classes {
					found = found || c.ID == in.OutOfScopeID
				}
				if !found {
					return haven.Invalid("out_of_scope_id", "Choose one of the program's out-of-scope classes.")
				}
				oosID = in.OutOfScopeID
			}
		}
		now := a.now()
		if err := tx.SetReportState(ctx, r.ID, r.State, in.To, dupID, oosID, now); err != nil {
			return err
		}
		if knownID != 0 {
			if err := tx.SetReportKnownIssue(ctx, r.ID, knownID); err != nil {
				return err
			}
		}
		if err := tx.InsertReportEvent(ctx, haven.ReportEvent{ReportID: r.ID, ActorID: actor.UserID(), At: now, Kind: "state",
			From: string(r.State), To: string(in.To), Reason: reason}); err != nil {
			return err
		}
		p, err := tx.Program(ctx, r.ProgramID)
		if err != nil {
			return err
		}
		switch {
		case in.To == haven.StateAccepted:
			err = a.activity(ctx, tx, p, "report_accepted", "accepted a submission")
		case in.To == haven.StateResolved:
			err = a.activity(ctx, tx, p, "report_resolved", "resolved a submission")
		case in.To.Closed():
			err = a.activity(ctx, tx, p, "report_closed", "closed a submission")
		}
		if err != nil {
			return err
		}
		label := strings.ToLower(in.To.Label())
		if err := a.notify(ctx, tx, notice{report: r, actorID: actor.UserID(), toReporter: true, toTeam: true,
			subject: "report " + label, summary: "changed the state to " + label, detail: reason}); err != nil {
			return err
		}
		return a.audit(ctx, tx, actor, "report.transition", reportTarget(r), map[string]any{"from": r.State, "to": in.To})
	})
}

// Comment adds a comment. The reporter comments publicly; the team
// (triagers and owners) publicly or internally. A reporter's answer to a
// needs_info report sends it back to triage.
func (a *App) Comment(ctx context.Context, actor haven.Actor, publicID, body string, internal bool) (*haven.Comment, error) {
	return a.CommentWithFiles(ctx, actor, publicID, body, internal, nil)
}

// CommentWithFiles is Comment with attachments; the files are internal
// when the comment is.
func (a *App) CommentWithFiles(ctx context.Context, actor haven.Actor, publicID, body string, internal bool, files []Upload) (_ *haven.Comment, err error) {
	if !actor.SignedIn() {
		return nil, haven.ErrUnauthenticated // a comment needs an author
	}
	body = strings.TrimSpace(body)
	if body == "" {
		return nil, haven.Invalid("body", "Write a comment.")
	}
	if utf8.RuneCountInString(body) > maxComment {
		return nil, haven.Invalid("body", fmt.Sprintf("Use at most %d characters.", maxComment))
	}
	if err := a.limit(ctx, "comment", fmtID(actor.UserID()), 120, time.Hour); err != nil {
		return nil, err
	}
	var stored []haven.Attachment
	if len(files) > 0 {
		// Who may attach is checked before any byte is stored.
		r, rerr := a.db.Report(ctx, actor.UserID(), publicID)
		if rerr != nil {
			return nil, rerr
		}
		if err := mayAttach(actor, r, internal); err != nil {
			return nil, err
		}
		var cleanup func()
		var serr error
		if stored, cleanup, serr = a.storeUploads(ctx, files); serr != nil {
			return nil, serr
		}
		defer func() {
			if err != nil {
				cleanup()
			}
		}()
	}
	var out *haven.Comment
	err = a.tx(ctx, func(tx *store.DB) error {
		r, err := reportFor(ctx, tx, actor, publicID)
		if err != nil {
			return err
		}
		team := actor.Can(haven.PermCommentReports, r.ProgramID)
		reporter := actor.UserID() == r.ReporterID
		switch {
		case !team && !reporter:
			return haven.ErrForbidden
		case internal && !team:
			return haven.Invalid("internal", "Only the program's team writes internal comments.")
		}
		now := a.now()
		c := haven.Comment{ReportID: r.ID, AuthorID: actor.UserID(), Body: body, Internal: internal, CreatedAt: now}
		if c.ID, err = tx.InsertComment(ctx, c); err != nil {
			return err
		}
		if _, err := a.saveAttachments(ctx, tx, r, actor.UserID(), stored, c.ID, 0, internal); err != nil {
			return err
		}
		if err := tx.TouchReport(ctx, r.ID, now); err != nil {
			return err
		}
		if reporter && !team && r.State == haven.StateNeedsInfo {
			if err := tx.SetReportState(ctx, r.ID, r.State, haven.StateTriaged, 0, 0, now); err != nil {
				return err
			}
			if err := tx.InsertReportEvent(ctx, haven.ReportEvent{ReportID: r.ID, ActorID: actor.UserID(), At: now,
				Kind: "state", From: string(r.State), To: string(haven.StateTriaged), Reason: "The reporter answered."}); err != nil {
				return err
			}
		}
		out = &c
		// An internal comment reaches the team only, by every path.
		return a.notify(ctx, tx, notice{report: r, actorID: actor.UserID(), toReporter: !internal, toTeam: true,
			subject: "new comment", summary: "commented", detail: body})
	})
	return out, err
}

// ChangeCVSS rescores a report (the team). The history keeps the old
// vector, and the validation deadline follows the new severity.
func (a *App) ChangeCVSS(ctx context.Context, actor haven.Actor, publicID, vector, reason string) error {
	return a.tx(ctx, func(tx *store.DB) error {
		r, err := a.triageable(ctx, tx, actor, publicID, haven.PermTriage)
		if err != nil {
			return err
		}
		p, err := tx.Program(ctx, r.ProgramID)
		if err != nil {
			return err
		}
		if strings.TrimSpace(vector) == "" {
			return haven.Invalid("cvss_vector", "Give a CVSS 3.1 or 4.0 vector.")
		}
		canonical, sc, severity, err := score(p, vector)
		if err != nil {
			return err
		}
		if canonical == r.CVSSVector {
			return nil
		}
		now := a.now()
		if err := tx.SetReportCVSS(ctx, r.ID, canonical, sc, severity, deadline(p, severity, r.SubmittedAt), now); err != nil {
			return err
		}
		if err := tx.InsertReportEvent(ctx, haven.ReportEvent{ReportID: r.ID, ActorID: actor.UserID(), At: now, Kind: "cvss",
			From: r.CVSSVector, To: canonical, Reason: strings.TrimSpace(reason)}); err != nil {
			return err
		}
		summary := "changed the CVSS vector"
		if severity != "" {
			summary = "changed the severity to " + severity
		}
		if err := a.notify(ctx, tx, notice{report: r, actorID: actor.UserID(), toReporter: true, toTeam: true,
			subject: "report rescored", summary: summary, detail: canonical}); err != nil {
			return err
		}
		return a.audit(ctx, tx, actor, "report.cvss", reportTarget(r), map[string]any{"score": sc})
	})
}

// Assign gives a report to a member of its program who may triage (0
// unassigns).
func (a *App) Assign(ctx context.Context, actor haven.Actor, publicID string, assigneeID int64) error {
	return a.tx(ctx, func(tx *store.DB) error {
		r, err := a.triageable(ctx, tx, actor, publicID, haven.PermTriage)
		if err != nil {
			return err
		}
		if assigneeID != 0 {
			ms, err := tx.Memberships(ctx, assigneeID)
			if err != nil {
				return err
			}
			if role, ok := ms[r.ProgramID]; !ok || !haven.RoleCan(role, haven.PermTriage) {
				return haven.Invalid("assignee", "Assign the report to a triager or owner of the program.")
			}
		}
		now := a.now()
		if err := tx.SetReportAssignee(ctx, r.ID, assigneeID, now); err != nil {
			return err
		}
		return tx.InsertReportEvent(ctx, haven.ReportEvent{ReportID: r.ID, ActorID: actor.UserID(), At: now, Kind: "assign",
			From: fmtID(r.AssigneeID), To: fmtID(assigneeID), Internal: true})
	})
}

// idempotencyStale is how long a key may wait for its request's result
// before a retry may take it over.
const idempotencyStale = 2 * time.Minute

// ErrIdempotencyMismatch means an Idempotency-Key was used before with a
// different request body.
var ErrIdempotencyMismatch = &haven.InvalidError{Msg: "This Idempotency-Key was used with a different request; use a new key for a new report."}

// SubmitReportOnce is SubmitReport for the API's Idempotency-Key: the same
// key and body return the report the first request made (replayed =
// true); the same key with another body is refused; a concurrent request
// with the same key gets haven.ErrConflict.
func (a *App) SubmitReportOnce(ctx context.Context, actor haven.Actor, slug, key, bodyHash string, in SubmitInput) (r *haven.Report, replayed bool, err error) {
	if key == "" {
		r, err := a.SubmitReport(ctx, actor, slug, in)
		return r, false, err
	}
	if len(key) > 200 {
		return nil, false, haven.Invalid("Idempotency-Key", "Use a key of at most 200 characters.")
	}
	endpoint := "submit:" + slug
	hash, result, err := a.db.IdempotentResult(ctx, actor.UserID(), endpoint, key)
	if err == nil {
		if hash != bodyHash {
			return nil, false, ErrIdempotencyMismatch
		}
		if result == "" {
			// The first request is still running, or it died before
			// recording its result: after a while the key is free again.
			released, err := a.db.ReleaseStaleIdempotentKey(ctx, actor.UserID(), endpoint, key, a.now().Add(-idempotencyStale))
			if err != nil {
				return nil, false, err
			}
			if released {
				return a.SubmitReportOnce(ctx, actor, slug, key, bodyHash, in)
			}
			return nil, false, haven.ErrConflict
		}
		r, err := a.db.Report(ctx, actor.UserID(), result)
		return r, true, err
	}
	if !errors.Is(err, haven.ErrNotFound) {
		return nil, false, err
	}
	if err := a.db.SaveIdempotentResult(ctx, actor.UserID(), endpoint, key, bodyHash, "", a.now()); err != nil {
		if errors.Is(err, haven.ErrConflict) {
			return a.SubmitReportOnce(ctx, actor, slug, key, bodyHash, in)
		}
		return nil, false, err
	}
	r, err = a.SubmitReport(ctx, actor, slug, in)
	if err != nil {
		a.db.DeleteIdempotentKey(ctx, actor.UserID(), endpoint, key)
		return nil, false, err
	}
	return r, false, a.db.SetIdempotentResult(ctx, actor.UserID(), endpoint, key, r.PublicID)
}
