package haven

import "time"

// ReportState is where a report is in its life.
type ReportState string

// Report states (PRODUCT.md): open ones, then closing ones.
const (
	StateNew           ReportState = "new"
	StateTriaged       ReportState = "triaged" // validation under way
	StateNeedsInfo     ReportState = "needs_info"
	StateAccepted      ReportState = "accepted" // valid
	StateResolved      ReportState = "resolved" // fixed
	StateDuplicate     ReportState = "duplicate"
	StateOutOfScope    ReportState = "out_of_scope"
	StateInformative   ReportState = "informative"
	StateNotApplicable ReportState = "not_applicable"
	StateSpam          ReportState = "spam"
)

// ReportStates lists every state.
var ReportStates = []ReportState{StateNew, StateTriaged, StateNeedsInfo, StateAccepted, StateResolved,
	StateDuplicate, StateOutOfScope, StateInformative, StateNotApplicable, StateSpam}

// Closed reports whether s ends a report's handling (it can be reopened).
func (s ReportState) Closed() bool {
	switch s {
	case StateDuplicate, StateOutOfScope, StateInformative, StateNotApplicable, StateSpam:
		return true
	}
	return false
}

// Validating reports whether the program still has to validate a report
// in state s (its validation deadline applies).
func (s ReportState) Validating() bool {
	return s == StateNew || s == StateTriaged || s == StateNeedsInfo
}

// Label is the state as people read it.
func (s ReportState) Label() string {
	switch s {
	case StateNew:
		return "New"
	case StateTriaged:
		return "Triaged"
	case StateNeedsInfo:
		return "Needs info"
	case StateAccepted:
		return "Accepted"
	case StateResolved:
		return "Resolved"
	case StateDuplicate:
		return "Duplicate"
	case StateOutOfScope:
		return "Out of scope"
	case StateInformative:
		return "Informative"
	case StateNotApplicable:
		return "Not applicable"
	case StateSpam:
		return "Spam"
	}
	return string(s)
}

// Transition is one allowed state change: who may make it and what it
// requires. The table below is the only place that allows a change.
type Transition struct {
	From          []ReportState
	To            ReportState
	NeedsReason   bool // a reason the reporter reads
	NeedsOriginal bool // duplicate: the original report
	NeedsClass    bool // out of scope: an out-of-scope class (or a reason)
}

var openForTriage = []ReportState{StateNew, StateTriaged, StateNeedsInfo}
var closing = []ReportState{StateDuplicate, StateOutOfScope, StateInformative, StateNotApplicable, StateSpam}

// Transitions is the table of allowed state changes. Every change needs
// the triage permission on the report's program (triagers and owners);
// reporters move a needs_info report back to triaged by answering.
var Transitions = []Transition{
	{From: []ReportState{StateNew, StateNeedsInfo}, To: StateTriaged},
	{From: []ReportState{StateNew, StateTriaged}, To: StateNeedsInfo, NeedsReason: true},
	{From: openForTriage, To: StateAccepted},
	{From: []ReportState{StateAccepted}, To: StateResolved},
	{From: append(append([]ReportState{}, openForTriage...), StateAccepted), To: StateDuplicate, NeedsOriginal: true},
	{From: openForTriage, To: StateOutOfScope, NeedsClass: true},
	{From: openForTriage, To: StateInformative, NeedsReason: true},
	{From: openForTriage, To: StateNotApplicable, NeedsReason: true},
	{From: openForTriage, To: StateSpam, NeedsReason: true},
	// Reopen: a closed or resolved report goes back to triage.
	{From: append(append([]ReportState{}, closing...), StateResolved), To: StateTriaged, NeedsReason: true},
}

// FindTransition returns the rule that allows from → to, if any.
func FindTransition(from, to ReportState) (Transition, bool) {
	for _, t := range Transitions {
		if t.To != to {
			continue
		}
		for _, f := range t.From {
			if f == from {
				return t, true
			}
		}
	}
	return Transition{}, false
}

// NextStates lists the states a report in state s may move to.
func NextStates(s ReportState) []ReportState {
	var out []ReportState
	for _, st := range ReportStates {
		if _, ok := FindTransition(s, st); ok {
			out = append(out, st)
		}
	}
	return out
}

// Report is a vulnerability report.
type Report struct {
	ID            int64
	PublicID      string // unguessable, used in URLs and shown to people
	ProgramID     int64
	AssetID       int64
	ReporterID    int64
	Title         string
	Weakness      string // CWE id, "CWE-79"
	CVSSVector    string
	CVSSScore     float64
	Severity      string // the program's band for the score
	Description   string // Markdown
	Steps         string // Markdown
	Impact        string // Markdown
	State         ReportState
	PolicyVersion int // the rules version the reporter accepted
	DuplicateOf   int64
	// DuplicateKnownID is the known issue a duplicate repeats (instead of
	// DuplicateOf).
	DuplicateKnownID int64
	OutOfScopeID     int64
	AssigneeID       int64
	SubmittedAt      time.Time
	UpdatedAt        time.Time
	// ValidationDeadline is when the program must have validated the
	// report; nil when its severity has no validation time.
	ValidationDeadline *time.Time
	// DisclosedAt is when both sides agreed to publish the report; nil
	// while it is private. DisclosureMode says what was published:
	// DisclosureFull or DisclosureSummary (DisclosureSummary's text only).
	DisclosedAt       *time.Time
	DisclosureMode    string
	DisclosureSummary string // Markdown
	// DisclosureTitle, when set, is published instead of Title (summary
	// disclosures only).
	DisclosureTitle string
}

// Disclosed reports whether the report is public.
func (r *Report) Disclosed() bool { return r.DisclosedAt != nil }

// Disclosure modes: what a disclosed report shows the public.
const (
	DisclosureFull    = "full"    // the report and its public comments
	DisclosureSummary = "summary" // the program's redacted summary only
)

// Disclosable reports whether a report in state s may be disclosed: once
// it is fixed, or closed for a reason that is no secret. Open reports,
// duplicates (they would reveal the original) and spam never are.
func (s ReportState) Disclosable() bool {
	switch s {
	case StateResolved, StateInformative, StateNotApplicable, StateOutOfScope:
		return true
	}
	return false
}

// ReportEvent is one entry of a report's history.
type ReportEvent struct {
	ID       int64
	ReportID int64
	ActorID  int64
	At       time.Time
	Kind     string // "state", "cvss", "assign", "submitted"
	From, To string
	Reason   string
	// Internal events are seen only by the program's team.
	Internal bool
}

// Comment is a message on a report. Internal comments reach only the
// program's team, by every path.
type Comment struct {
	ID        int64
	ReportID  int64
	AuthorID  int64
	Body      string // Markdown
	Internal  bool
	CreatedAt time.Time
}

// Award is money a program awards on a report.
type Award struct {
	ID        int64
	ReportID  int64
	ProgramID int64
	Kind      string // "bounty" (one per report) or "bonus"
	Amount    int64  // minor units of Currency
	Currency  string
	Reason    string
	Status    string // "pending" or "paid"
	AwardedBy int64
	CreatedAt time.Time
	PaidAt    *time.Time
	// ReportPublicID is the report's public id (for ledgers).
	ReportPublicID string
}

// KnownIssue is a vulnerability a program already knows (from its own
// tests). Reports of it close as duplicates of the known issue; their
// reporters see its id and date, never its title or description.
type KnownIssue struct {
	ID          int64
	PublicID    string
	ProgramID   int64
	Title       string
	Description string // Markdown, for the team
	CreatedBy   int64
	CreatedAt   time.Time
	UpdatedAt   time.Time
	ArchivedAt  *time.Time
	// Duplicates counts the reports closed as duplicates of it.
	Duplicates int
}

// Attachment is a file on a report. Its bytes are kept under PublicID in
// the blob store and only ever offered as a download.
type Attachment struct {
	ID          int64
	PublicID    string
	ReportID    int64
	UploaderID  int64
	CommentID   int64 // 0: attached to the report itself
	RetestID    int64 // 0: not part of a retest answer
	Filename    string
	ContentType string
	Image       bool // a raster image that may be embedded as <img>
	Size        int64
	SHA256      string
	// Internal attachments reach only the program's team, by every path.
	Internal  bool
	CreatedAt time.Time
}

// RetestState is where a retest is.
type RetestState string

// Retest states: requested → answered → approved | rejected; a request
// nobody answered expires at its deadline, and the team may withdraw it.
const (
	RetestRequested RetestState = "requested"
	RetestAnswered  RetestState = "answered"
	RetestApproved  RetestState = "approved"
	RetestRejected  RetestState = "rejected"
	RetestExpired   RetestState = "expired"
	RetestWithdrawn RetestState = "withdrawn"
)

// Open reports whether the retest still waits for someone.
func (s RetestState) Open() bool { return s == RetestRequested || s == RetestAnswered }

// Retest results.
const (
	RetestFixed    = "fixed"
	RetestNotFixed = "not_fixed"
)

// Retest asks a report's researcher to check the program's fix.
type Retest struct {
	ID          int64
	ReportID    int64
	RequestedBy int64
	RequestedAt time.Time
	Deadline    time.Time
	Bonus       int64 // minor units of Currency; 0: no bonus offered
	Currency    string
	Note        string
	State       RetestState
	Result      string // RetestFixed or RetestNotFixed once answered
	Answer      string // the researcher's notes, Markdown
	AnsweredAt  *time.Time
	DecidedBy   int64
	DecidedAt   *time.Time
	// DecisionReason says why an answer was rejected.
	DecisionReason string
	AwardID        int64
}

// DisclosureRequest asks to publish a report; the other side agrees or
// declines.
type DisclosureRequest struct {
	ID          int64
	ReportID    int64
	RequestedBy int64
	Side        string // "reporter" or "program"
	// Mode and Summary are what the program proposes to publish; a
	// reporter's request leaves them to the program's agreement.
	Mode    string
	Summary string
	// Title is the public title a summary proposes ("" keeps the report's).
	Title     string
	Message   string
	State     string // "open", "agreed", "declined", "withdrawn"
	CreatedAt time.Time
	DecidedBy int64
	DecidedAt *time.Time
	Reason    string
}
