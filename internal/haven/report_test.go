package haven

import (
	"slices"
	"testing"
)

// TestTransitionMatrix checks every pair of states against one table: may
// a report in the row's state move to the column's state, and what must
// the change give. A change to Transitions shows up here as a failing
// cell.
//
//	"-" not allowed
//	"o" allowed, nothing more needed
//	"R" needs a reason (the reporter reads it)
//	"D" needs the original (duplicate)
//	"C" needs an out-of-scope class (or a reason)
func TestTransitionMatrix(t *testing.T) {
	// Columns: new triaged needs_info accepted resolved duplicate
	// out_of_scope informative not_applicable spam.
	want := map[ReportState]string{
		StateNew:           "-oRo-DCRRR",
		StateTriaged:       "--Ro-DCRRR",
		StateNeedsInfo:     "-o-o-DCRRR",
		StateAccepted:      "----oD----",
		StateResolved:      "-R--------",
		StateDuplicate:     "-R--------",
		StateOutOfScope:    "-R--------",
		StateInformative:   "-R--------",
		StateNotApplicable: "-R--------",
		StateSpam:          "-R--------",
	}
	if len(want) != len(ReportStates) {
		t.Fatalf("the matrix has %d rows, want one per state (%d)", len(want), len(ReportStates))
	}
	for _, from := range ReportStates {
		row := want[from]
		if len(row) != len(ReportStates) {
			t.Fatalf("row %s has %d cells, want %d", from, len(row), len(ReportStates))
		}
		for i, to := range ReportStates {
			rule, ok := FindTransition(from, to)
			got := "-"
			if ok {
				got = requirement(rule)
			}
			if got != row[i:i+1] {
				t.Errorf("%s → %s: got %q, want %q", from, to, got, row[i:i+1])
			}
		}
	}
}

// requirement is the matrix's letter for an allowed transition.
func requirement(r Transition) string {
	switch {
	case r.NeedsOriginal:
		return "D"
	case r.NeedsClass:
		return "C"
	case r.NeedsReason:
		return "R"
	}
	return "o"
}

// TestTransitionsTable checks the table itself: each rule asks for at
// most one kind of input, the kind fits its target, no pair of states is
// named by two rules (FindTransition would silently pick the first), and
// no rule keeps a report where it is.
func TestTransitionsTable(t *testing.T) {
	seen := map[[2]ReportState]int{}
	for i, r := range Transitions {
		n := 0
		for _, b := range []bool{r.NeedsReason, r.NeedsOriginal, r.NeedsClass} {
			if b {
				n++
			}
		}
		if n > 1 {
			t.Errorf("rule %d (→ %s) asks for %d kinds of input, want at most one", i, r.To, n)
		}
		if r.NeedsOriginal != (r.To == StateDuplicate) {
			t.Errorf("rule %d (→ %s): NeedsOriginal = %t", i, r.To, r.NeedsOriginal)
		}
		if r.NeedsClass != (r.To == StateOutOfScope) {
			t.Errorf("rule %d (→ %s): NeedsClass = %t", i, r.To, r.NeedsClass)
		}
		if !slices.Contains(ReportStates, r.To) {
			t.Errorf("rule %d: unknown target %q", i, r.To)
		}
		if len(r.From) == 0 {
			t.Errorf("rule %d (→ %s) has no source state", i, r.To)
		}
		for _, f := range r.From {
			if !slices.Contains(ReportStates, f) {
				t.Errorf("rule %d: unknown source %q", i, f)
			}
			if f == r.To {
				t.Errorf("rule %d keeps a %s report %s", i, f, r.To)
			}
			if j, dup := seen[[2]ReportState{f, r.To}]; dup {
				t.Errorf("%s → %s is allowed by rules %d and %d", f, r.To, j, i)
			}
			seen[[2]ReportState{f, r.To}] = i
		}
	}
	// FindTransition refuses what is not a state.
	if _, ok := FindTransition(StateNew, "closed"); ok {
		t.Error(`FindTransition(new, "closed") found a rule`)
	}
	if _, ok := FindTransition("", StateTriaged); ok {
		t.Error(`FindTransition("", triaged) found a rule`)
	}
}

// TestReportLifecycle checks that the table makes a usable life: every
// state can be reached from new, every state but new has a way out
// (closed and resolved reports reopen), nothing goes back to new, and an
// accepted report is neither closed as invalid nor sent back to the
// reporter.
func TestReportLifecycle(t *testing.T) {
	reached := map[ReportState]bool{StateNew: true}
	queue := []ReportState{StateNew}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		for _, n := range NextStates(s) {
			if !reached[n] {
				reached[n] = true
				queue = append(queue, n)
			}
		}
	}
	for _, s := range ReportStates {
		if !reached[s] {
			t.Errorf("%s cannot be reached from new", s)
		}
		if len(NextStates(s)) == 0 {
			t.Errorf("%s is a dead end", s)
		}
		if _, ok := FindTransition(s, StateNew); ok {
			t.Errorf("%s → new is allowed", s)
		}
	}
	for _, to := range []ReportState{StateNeedsInfo, StateOutOfScope, StateInformative, StateNotApplicable, StateSpam} {
		if _, ok := FindTransition(StateAccepted, to); ok {
			t.Errorf("an accepted report may become %s", to)
		}
	}
}

// TestNextStates lists, for every state, where it may go, in the order of
// ReportStates (the order the report page offers them).
func TestNextStates(t *testing.T) {
	closedOrOpen := []ReportState{StateDuplicate, StateOutOfScope, StateInformative, StateNotApplicable, StateSpam}
	want := map[ReportState][]ReportState{
		StateNew:           append([]ReportState{StateTriaged, StateNeedsInfo, StateAccepted}, closedOrOpen...),
		StateTriaged:       append([]ReportState{StateNeedsInfo, StateAccepted}, closedOrOpen...),
		StateNeedsInfo:     append([]ReportState{StateTriaged, StateAccepted}, closedOrOpen...),
		StateAccepted:      {StateResolved, StateDuplicate},
		StateResolved:      {StateTriaged},
		StateDuplicate:     {StateTriaged},
		StateOutOfScope:    {StateTriaged},
		StateInformative:   {StateTriaged},
		StateNotApplicable: {StateTriaged},
		StateSpam:          {StateTriaged},
	}
	for _, s := range ReportStates {
		if got := NextStates(s); !slices.Equal(got, want[s]) {
			t.Errorf("NextStates(%s) = %v, want %v", s, got, want[s])
		}
	}
	if got := NextStates("unknown"); len(got) != 0 {
		t.Errorf("NextStates(unknown) = %v, want none", got)
	}
}

// TestReportStateProperties checks Closed, Validating and Label for every
// state: the closing states are exactly the five of PRODUCT.md, the
// validation deadline applies while the program has not decided, and
// every state has a label of its own.
func TestReportStateProperties(t *testing.T) {
	tests := []struct {
		state              ReportState
		closed, validating bool
		label              string
	}{
		{StateNew, false, true, "New"},
		{StateTriaged, false, true, "Triaged"},
		{StateNeedsInfo, false, true, "Needs info"},
		{StateAccepted, false, false, "Accepted"},
		{StateResolved, false, false, "Resolved"},
		{StateDuplicate, true, false, "Duplicate"},
		{StateOutOfScope, true, false, "Out of scope"},
		{StateInformative, true, false, "Informative"},
		{StateNotApplicable, true, false, "Not applicable"},
		{StateSpam, true, false, "Spam"},
	}
	if len(tests) != len(ReportStates) {
		t.Fatalf("the table covers %d states, want all %d", len(tests), len(ReportStates))
	}
	labels := map[string]ReportState{}
	for i, tt := range tests {
		if ReportStates[i] != tt.state {
			t.Errorf("ReportStates[%d] = %s, want %s", i, ReportStates[i], tt.state)
		}
		if got := tt.state.Closed(); got != tt.closed {
			t.Errorf("%s.Closed() = %t, want %t", tt.state, got, tt.closed)
		}
		if got := tt.state.Validating(); got != tt.validating {
			t.Errorf("%s.Validating() = %t, want %t", tt.state, got, tt.validating)
		}
		if got := tt.state.Label(); got != tt.label {
			t.Errorf("%s.Label() = %q, want %q", tt.state, got, tt.label)
		}
		if other, dup := labels[tt.label]; dup {
			t.Errorf("%s and %s share the label %q", other, tt.state, tt.label)
		}
		labels[tt.label] = tt.state
		if tt.state.Closed() && tt.state.Validating() {
			t.Errorf("%s is closed and still validating", tt.state)
		}
	}
	if s := ReportState("archived"); s.Closed() || s.Validating() || s.Label() != "archived" {
		t.Errorf("unknown state: Closed %t, Validating %t, Label %q; want false, false, the raw name", s.Closed(), s.Validating(), s.Label())
	}
}
