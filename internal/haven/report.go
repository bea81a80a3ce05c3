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
	OutOfScopeID  int64
	AssigneeID    int64
	SubmittedAt   time.Time
	UpdatedAt     time.Time
	// ValidationDeadline is when the program must have validated the
	// report; nil when its severity has no validation time.
	ValidationDeadline *time.Time
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
