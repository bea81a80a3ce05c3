package store_test

// Store tests of reports (issue 4): the one visibility predicate, list
// filters, order and pages, the state compare-and-set under concurrency,
// internal comments and events, and idempotency keys. Each runs on SQLite
// and, when there is one, PostgreSQL.

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/haven-project/haven/internal/haven"
	"github.com/haven-project/haven/internal/store"
	"github.com/haven-project/haven/internal/storetest"
)

// newAsset adds an in-scope asset to a program.
func newAsset(t *testing.T, db *store.DB, programID int64, name string) *haven.Asset {
	t.Helper()
	a, err := db.InsertAsset(context.Background(), haven.Asset{ProgramID: programID, Name: name, Type: "web", Tier: 1, InScope: true}, t0)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// reportSeq makes public ids unique within a test binary.
var reportSeq struct {
	sync.Mutex
	n int
}

// newReport inserts a report of the reporter on the asset's program;
// fill may set more fields before the insert.
func newReport(t *testing.T, db *store.DB, a *haven.Asset, reporter *haven.User, fill func(r *haven.Report)) *haven.Report {
	t.Helper()
	reportSeq.Lock()
	reportSeq.n++
	n := reportSeq.n
	reportSeq.Unlock()
	r := haven.Report{PublicID: fmt.Sprintf("report%05d", n), ProgramID: a.ProgramID, AssetID: a.ID, ReporterID: reporter.ID,
		Title: fmt.Sprintf("Report %d", n), Description: "Details.", State: haven.StateNew, PolicyVersion: 1,
		SubmittedAt: t0.Add(time.Duration(n) * time.Second)}
	if fill != nil {
		fill(&r)
	}
	out, err := db.InsertReport(context.Background(), r)
	if err != nil {
		t.Fatalf("InsertReport: %v", err)
	}
	return out
}

func publicIDs(rs []*haven.Report) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.PublicID
	}
	return out
}

func sorted(ids []string) []string {
	ids = slices.Clone(ids)
	slices.Sort(ids)
	return ids
}

// TestReportRoundTrip checks that every field reads back as written, by
// each way of reading one report, and that a taken public id conflicts.
func TestReportRoundTrip(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		p := newProgram(t, db, "acme", haven.StatusPublished)
		a := newAsset(t, db, p.ID, "app")
		u := newUser(t, db, "alice@example.test")
		due := t0.Add(72 * time.Hour)
		in := haven.Report{PublicID: "abcdefghijklmnop", ProgramID: p.ID, AssetID: a.ID, ReporterID: u.ID,
			Title: "XSS in «notebook» ✓", Weakness: "CWE-79", CVSSVector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
			CVSSScore: 9.8, Severity: "Exceptional", Description: "# Desc\n\n<script>", Steps: "1. Open", Impact: "All.",
			State: haven.StateNew, PolicyVersion: 3, SubmittedAt: t0, ValidationDeadline: &due}
		r, err := db.InsertReport(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		want := in
		want.ID, want.UpdatedAt = r.ID, t0
		if diff := cmp.Diff(&want, r); diff != "" {
			t.Errorf("InsertReport (-want +got):\n%s", diff)
		}
		for name, read := range map[string]func() (*haven.Report, error){
			"Report":                    func() (*haven.Report, error) { return db.Report(ctx, u.ID, in.PublicID) },
			"ReportForSystem":           func() (*haven.Report, error) { return db.ReportForSystem(ctx, r.ID) },
			"ReportByPublicIDForSystem": func() (*haven.Report, error) { return db.ReportByPublicIDForSystem(ctx, in.PublicID) },
		} {
			got, err := read()
			if err != nil {
				t.Errorf("%s: %v", name, err)
				continue
			}
			if diff := cmp.Diff(&want, got); diff != "" {
				t.Errorf("%s (-want +got):\n%s", name, diff)
			}
		}
		if _, err := db.InsertReport(ctx, in); !errors.Is(err, haven.ErrConflict) {
			t.Errorf("second report with public id %s: %v, want ErrConflict", in.PublicID, err)
		}
		if _, err := db.ReportForSystem(ctx, r.ID+1000); !errors.Is(err, haven.ErrNotFound) {
			t.Errorf("ReportForSystem(unknown): %v, want ErrNotFound", err)
		}

		// The optional references round-trip too, and 0 clears them.
		orig := newReport(t, db, a, u, nil)
		oos, err := db.InsertOutOfScope(ctx, p.ID, "Self-XSS", 1)
		if err != nil {
			t.Fatal(err)
		}
		later := t0.Add(time.Hour)
		if err := db.SetReportState(ctx, r.ID, haven.StateNew, haven.StateDuplicate, orig.ID, oos, later); err != nil {
			t.Fatal(err)
		}
		if err := db.SetReportAssignee(ctx, r.ID, u.ID, later); err != nil {
			t.Fatal(err)
		}
		got, _ := db.ReportForSystem(ctx, r.ID)
		if got.State != haven.StateDuplicate || got.DuplicateOf != orig.ID || got.OutOfScopeID != oos || got.AssigneeID != u.ID || !got.UpdatedAt.Equal(later) {
			t.Errorf("after SetReportState and SetReportAssignee: %+v", got)
		}
		if n, err := db.CountDuplicates(ctx, orig.ID); err != nil || n != 1 {
			t.Errorf("CountDuplicates = %d, %v; want 1", n, err)
		}
		if err := db.SetReportState(ctx, r.ID, haven.StateDuplicate, haven.StateTriaged, 0, 0, later); err != nil {
			t.Fatal(err)
		}
		if err := db.SetReportAssignee(ctx, r.ID, 0, later); err != nil {
			t.Fatal(err)
		}
		got, _ = db.ReportForSystem(ctx, r.ID)
		if got.DuplicateOf != 0 || got.OutOfScopeID != 0 || got.AssigneeID != 0 {
			t.Errorf("reopened and unassigned report keeps references: %+v", got)
		}
		// A new vector, severity and deadline; nil clears the deadline.
		if err := db.SetReportCVSS(ctx, r.ID, "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N", 7.5, "High", nil, later); err != nil {
			t.Fatal(err)
		}
		got, _ = db.ReportForSystem(ctx, r.ID)
		if got.CVSSScore != 7.5 || got.Severity != "High" || got.ValidationDeadline != nil {
			t.Errorf("after SetReportCVSS: score %v, severity %q, deadline %v", got.CVSSScore, got.Severity, got.ValidationDeadline)
		}
		if err := db.SetReportCVSS(ctx, r.ID+1000, "", 0, "", nil, later); !errors.Is(err, haven.ErrNotFound) {
			t.Errorf("SetReportCVSS(unknown): %v, want ErrNotFound", err)
		}
	})
}

// TestReportVisibility checks the one predicate every report read goes
// through: a reporter sees their own reports, a member every report of
// their programs, and nobody anything else, for Report and Reports alike.
// What may not be seen is ErrNotFound with the very error of an id that
// does not exist.
func TestReportVisibility(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		pa := newProgram(t, db, "alpha", haven.StatusPublished)
		pb := newProgram(t, db, "beta", haven.StatusPublished)
		aa, ab := newAsset(t, db, pa.ID, "a"), newAsset(t, db, pb.ID, "b")
		reporter := newUser(t, db, "reporter@example.test")
		other := newUser(t, db, "other@example.test")
		memberA := newUser(t, db, "member-a@example.test")
		memberB := newUser(t, db, "member-b@example.test") // also reports on alpha
		stranger := newUser(t, db, "stranger@example.test")
		if err := db.SetMembership(ctx, pa.ID, memberA.ID, haven.RoleViewer, t0); err != nil {
			t.Fatal(err)
		}
		if err := db.SetMembership(ctx, pb.ID, memberB.ID, haven.RoleOwner, t0); err != nil {
			t.Fatal(err)
		}
		rA1 := newReport(t, db, aa, reporter, nil).PublicID
		rA2 := newReport(t, db, aa, other, nil).PublicID
		rA3 := newReport(t, db, aa, memberB, nil).PublicID
		rB1 := newReport(t, db, ab, other, nil).PublicID

		all := []string{rA1, rA2, rA3, rB1}
		tests := []struct {
			name    string
			viewer  int64
			visible []string
		}{
			{"reporter", reporter.ID, []string{rA1}},
			{"other reporter", other.ID, []string{rA2, rB1}},
			{"member of alpha", memberA.ID, []string{rA1, rA2, rA3}},
			{"member of beta who reported on alpha", memberB.ID, []string{rA3, rB1}},
			{"account with no report or membership", stranger.ID, nil},
			{"visitor", 0, nil},
		}
		_, errUnknown := db.Report(ctx, reporter.ID, "doesnotexist")
		if !errors.Is(errUnknown, haven.ErrNotFound) {
			t.Fatalf("Report(unknown id) = %v, want ErrNotFound", errUnknown)
		}
		for _, tt := range tests {
			for _, id := range all {
				r, err := db.Report(ctx, tt.viewer, id)
				if slices.Contains(tt.visible, id) {
					if err != nil || r.PublicID != id {
						t.Errorf("%s: Report(%s) = %v, want it", tt.name, id, err)
					}
					continue
				}
				if !errors.Is(err, haven.ErrNotFound) {
					t.Errorf("%s: Report(%s) = %v, want ErrNotFound", tt.name, id, err)
				} else if err.Error() != errUnknown.Error() {
					t.Errorf("%s: Report(%s) says %q, an unknown id %q: existence leaks", tt.name, id, err, errUnknown)
				}
			}
			rs, total, err := db.Reports(ctx, tt.viewer, store.ReportFilter{})
			if err != nil {
				t.Fatal(err)
			}
			if got := sorted(publicIDs(rs)); !slices.Equal(got, sorted(tt.visible)) || total != len(tt.visible) {
				t.Errorf("%s: Reports = %v (total %d), want %v", tt.name, got, total, sorted(tt.visible))
			}
			// A filter never widens the predicate: asking for another
			// program or reporter gives only what is visible anyway.
			rs, total, err = db.Reports(ctx, tt.viewer, store.ReportFilter{ProgramID: pa.ID})
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range rs {
				if !slices.Contains(tt.visible, r.PublicID) {
					t.Errorf("%s: Reports(program alpha) shows %s", tt.name, r.PublicID)
				}
			}
			if total != len(rs) {
				t.Errorf("%s: Reports(program alpha) total %d for %d reports", tt.name, total, len(rs))
			}
			rs, _, _ = db.Reports(ctx, tt.viewer, store.ReportFilter{ReporterID: other.ID})
			for _, r := range rs {
				if !slices.Contains(tt.visible, r.PublicID) {
					t.Errorf("%s: Reports(reporter other) shows %s", tt.name, r.PublicID)
				}
			}
		}

		// Removing the membership hides the program's reports at once.
		if err := db.DeleteMembership(ctx, pa.ID, memberA.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Report(ctx, memberA.ID, rA1); !errors.Is(err, haven.ErrNotFound) {
			t.Errorf("former member: Report = %v, want ErrNotFound", err)
		}
		if rs, total, _ := db.Reports(ctx, memberA.ID, store.ReportFilter{}); len(rs) != 0 || total != 0 {
			t.Errorf("former member: Reports = %v (total %d), want none", publicIDs(rs), total)
		}
	})
}

// TestReportFilters checks each filter of Reports alone and combined.
func TestReportFilters(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		p := newProgram(t, db, "acme", haven.StatusPublished)
		other := newProgram(t, db, "other", haven.StatusPublished)
		a1, a2, a3 := newAsset(t, db, p.ID, "one"), newAsset(t, db, p.ID, "two"), newAsset(t, db, other.ID, "three")
		member := newUser(t, db, "member@example.test")
		triager := newUser(t, db, "triager@example.test")
		reporter := newUser(t, db, "reporter@example.test")
		for _, id := range []int64{p.ID, other.ID} {
			if err := db.SetMembership(ctx, id, member.ID, haven.RoleTriager, t0); err != nil {
				t.Fatal(err)
			}
		}
		now := t0.Add(10 * 24 * time.Hour)
		at := func(h int) *time.Time { d := now.Add(time.Duration(h) * time.Hour); return &d }
		type spec struct {
			name     string
			asset    *haven.Asset
			state    haven.ReportState
			severity string
			assignee int64
			deadline *time.Time
		}
		specs := []spec{
			{"new-high-overdue", a1, haven.StateNew, "High", 0, at(-5)},
			{"triaged-high-soon", a1, haven.StateTriaged, "High", triager.ID, at(20)},
			{"needsinfo-low-late", a2, haven.StateNeedsInfo, "Low", 0, at(200)},
			{"accepted-high-overdue", a2, haven.StateAccepted, "High", triager.ID, at(-10)},
			{"spam-none", a1, haven.StateSpam, "", 0, nil},
			{"new-critical-nodeadline", a2, haven.StateNew, "Critical", 0, nil},
			{"resolved-low-overdue", a1, haven.StateResolved, "Low", 0, at(-1)},
			{"other-new-high-overdue", a3, haven.StateNew, "High", 0, at(-3)},
		}
		ids := map[string]string{} // spec name → public id
		for _, s := range specs {
			r := newReport(t, db, s.asset, reporter, func(r *haven.Report) {
				r.Title, r.State, r.Severity, r.ValidationDeadline = s.name, s.state, s.severity, s.deadline
			})
			if s.assignee != 0 {
				if err := db.SetReportAssignee(ctx, r.ID, s.assignee, t0); err != nil {
					t.Fatal(err)
				}
			}
			ids[s.name] = r.PublicID
		}
		names := func(rs []*haven.Report) []string {
			var out []string
			for _, r := range rs {
				out = append(out, r.Title)
			}
			slices.Sort(out)
			return out
		}
		tests := []struct {
			name string
			f    store.ReportFilter
			want []string
		}{
			{"program", store.ReportFilter{ProgramID: other.ID}, []string{"other-new-high-overdue"}},
			{"one state", store.ReportFilter{ProgramID: p.ID, States: []haven.ReportState{haven.StateNew}},
				[]string{"new-critical-nodeadline", "new-high-overdue"}},
			{"two states", store.ReportFilter{ProgramID: p.ID, States: []haven.ReportState{haven.StateTriaged, haven.StateSpam}},
				[]string{"spam-none", "triaged-high-soon"}},
			{"severity", store.ReportFilter{Severity: "High"},
				[]string{"accepted-high-overdue", "new-high-overdue", "other-new-high-overdue", "triaged-high-soon"}},
			{"asset", store.ReportFilter{AssetID: a2.ID},
				[]string{"accepted-high-overdue", "needsinfo-low-late", "new-critical-nodeadline"}},
			{"assignee", store.ReportFilter{AssigneeID: triager.ID}, []string{"accepted-high-overdue", "triaged-high-soon"}},
			{"unassigned", store.ReportFilter{ProgramID: p.ID, AssigneeID: -1},
				[]string{"needsinfo-low-late", "new-critical-nodeadline", "new-high-overdue", "resolved-low-overdue", "spam-none"}},
			// Due: open reports only (accepted and resolved ones are
			// validated), with a deadline before the time.
			{"overdue", store.ReportFilter{ProgramID: p.ID, DueBefore: &now}, []string{"new-high-overdue"}},
			{"due within a day", store.ReportFilter{DueBefore: at(24)},
				[]string{"new-high-overdue", "other-new-high-overdue", "triaged-high-soon"}},
			{"combined", store.ReportFilter{ProgramID: p.ID, States: []haven.ReportState{haven.StateNew, haven.StateTriaged},
				Severity: "High", AssetID: a1.ID, AssigneeID: -1}, []string{"new-high-overdue"}},
			{"reporter", store.ReportFilter{ReporterID: member.ID}, nil},
		}
		for _, tt := range tests {
			rs, total, err := db.Reports(ctx, member.ID, tt.f)
			if err != nil {
				t.Errorf("%s: %v", tt.name, err)
				continue
			}
			if got := names(rs); !slices.Equal(got, tt.want) || total != len(tt.want) {
				t.Errorf("%s: got %v (total %d), want %v", tt.name, got, total, tt.want)
			}
		}
	})
}

// TestReportOrder checks the inbox order: reports still being validated
// (new, triaged, needs_info) by soonest validation deadline first; then
// every other report, those without a deadline and those already decided
// (whose old deadline no longer matters), newest first, the id breaking
// ties; and that pages cut that order with the total of the whole list.
func TestReportOrder(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		p := newProgram(t, db, "acme", haven.StatusPublished)
		a := newAsset(t, db, p.ID, "app")
		u := newUser(t, db, "alice@example.test")
		d := func(h int) *time.Time { x := t0.Add(time.Duration(h) * time.Hour); return &x }
		sub := func(m int) time.Time { return t0.Add(time.Duration(m) * time.Minute) }
		type spec struct {
			name      string
			state     haven.ReportState
			deadline  *time.Time
			submitted time.Time
		}
		// Inserted out of order on purpose.
		specs := []spec{
			{"none-old", haven.StateNew, nil, sub(1)},
			{"due-48h", haven.StateTriaged, d(48), sub(2)},
			{"none-new", haven.StateNew, nil, sub(9)},
			{"due-24h-old", haven.StateNew, d(24), sub(3)},
			{"due-24h-new", haven.StateNeedsInfo, d(24), sub(4)},
			{"due-72h", haven.StateNew, d(72), sub(5)},
			{"none-tie-a", haven.StateNew, nil, sub(6)},
			{"none-tie-b", haven.StateNew, nil, sub(6)}, // same time: the later id first
			{"accepted-was-due-1h", haven.StateAccepted, d(1), sub(7)},
			{"spam-was-due-2h", haven.StateSpam, d(2), sub(8)},
			{"resolved-was-due-3h", haven.StateResolved, d(3), sub(0)},
		}
		for _, s := range specs {
			newReport(t, db, a, u, func(r *haven.Report) {
				r.Title, r.State, r.ValidationDeadline, r.SubmittedAt = s.name, s.state, s.deadline, s.submitted
			})
		}
		want := []string{"due-24h-new", "due-24h-old", "due-48h", "due-72h",
			"none-new", "spam-was-due-2h", "accepted-was-due-1h", "none-tie-b", "none-tie-a", "none-old", "resolved-was-due-3h"}
		titles := func(rs []*haven.Report) []string {
			var out []string
			for _, r := range rs {
				out = append(out, r.Title)
			}
			return out
		}
		rs, total, err := db.Reports(ctx, u.ID, store.ReportFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if got := titles(rs); !slices.Equal(got, want) || total != len(want) {
			t.Errorf("order: got %v (total %d), want %v", got, total, want)
		}
		var paged []string
		for off := 0; off < len(want)+3; off += 3 {
			rs, total, err := db.Reports(ctx, u.ID, store.ReportFilter{Limit: 3, Offset: off})
			if err != nil {
				t.Fatal(err)
			}
			if total != len(want) {
				t.Errorf("page at %d: total %d, want %d", off, total, len(want))
			}
			if len(rs) > 3 {
				t.Errorf("page at %d has %d reports, want at most 3", off, len(rs))
			}
			paged = append(paged, titles(rs)...)
		}
		if !slices.Equal(paged, want) {
			t.Errorf("pages of 3: got %v, want %v", paged, want)
		}
		// A negative offset is the first page.
		if rs, _, _ := db.Reports(ctx, u.ID, store.ReportFilter{Limit: 2, Offset: -5}); !slices.Equal(titles(rs), want[:2]) {
			t.Errorf("negative offset: got %v, want %v", titles(rs), want[:2])
		}
	})
}

// TestReportPageSize checks the default page (50) and the cap (200: a
// larger limit falls back to the default).
func TestReportPageSize(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		p := newProgram(t, db, "acme", haven.StatusPublished)
		a := newAsset(t, db, p.ID, "app")
		u := newUser(t, db, "alice@example.test")
		err := db.Tx(ctx, func(tx *store.DB) error {
			for range 205 {
				newReport(t, tx, a, u, nil)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, tt := range []struct{ limit, want int }{{0, 50}, {-1, 50}, {10, 10}, {200, 200}, {201, 50}} {
			rs, total, err := db.Reports(ctx, u.ID, store.ReportFilter{Limit: tt.limit})
			if err != nil {
				t.Fatal(err)
			}
			if len(rs) != tt.want || total != 205 {
				t.Errorf("Limit %d: %d reports (total %d), want %d (total 205)", tt.limit, len(rs), total, tt.want)
			}
		}
	})
}

// TestSetReportStateConcurrent runs 20 state changes from new at once,
// each in its own transaction as app does: exactly one wins, every other
// gets ErrConflict, and the report ends in the winner's state.
func TestSetReportStateConcurrent(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		p := newProgram(t, db, "acme", haven.StatusPublished)
		a := newAsset(t, db, p.ID, "app")
		u := newUser(t, db, "alice@example.test")
		targets := []haven.ReportState{haven.StateTriaged, haven.StateAccepted, haven.StateSpam, haven.StateNeedsInfo, haven.StateInformative}
		for round := range 3 {
			r := newReport(t, db, a, u, nil)
			const n = 20
			errs := make([]error, n)
			var wg sync.WaitGroup
			start := make(chan struct{})
			for i := range n {
				wg.Go(func() {
					<-start
					errs[i] = db.Tx(ctx, func(tx *store.DB) error {
						return tx.SetReportState(ctx, r.ID, haven.StateNew, targets[i%len(targets)], 0, 0, t0.Add(time.Duration(i)*time.Second))
					})
				})
			}
			close(start)
			wg.Wait()
			winner := -1
			for i, err := range errs {
				switch {
				case err == nil && winner >= 0:
					t.Errorf("round %d: goroutines %d and %d both won", round, winner, i)
				case err == nil:
					winner = i
				case !errors.Is(err, haven.ErrConflict):
					t.Errorf("round %d: goroutine %d: %v, want ErrConflict", round, i, err)
				}
			}
			if winner < 0 {
				t.Fatalf("round %d: nobody won", round)
			}
			got, _ := db.ReportForSystem(ctx, r.ID)
			if got.State != targets[winner%len(targets)] {
				t.Errorf("round %d: state %s, want the winner's %s", round, got.State, targets[winner%len(targets)])
			}
		}
		// A stale from-state loses, a missing report too.
		r := newReport(t, db, a, u, nil)
		if err := db.SetReportState(ctx, r.ID, haven.StateTriaged, haven.StateAccepted, 0, 0, t0); !errors.Is(err, haven.ErrConflict) {
			t.Errorf("stale from-state: %v, want ErrConflict", err)
		}
		if err := db.SetReportState(ctx, r.ID+1000, haven.StateNew, haven.StateAccepted, 0, 0, t0); !errors.Is(err, haven.ErrConflict) {
			t.Errorf("unknown report: %v, want ErrConflict", err)
		}
	})
}

// TestReportCommentsAndEvents checks that internal comments and events
// come back only when asked for, oldest first, and only the report's own.
func TestReportCommentsAndEvents(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		p := newProgram(t, db, "acme", haven.StatusPublished)
		a := newAsset(t, db, p.ID, "app")
		u := newUser(t, db, "alice@example.test")
		r, other := newReport(t, db, a, u, nil), newReport(t, db, a, u, nil)
		// Inserted out of time order; two share a time (id decides).
		comments := []haven.Comment{
			{ReportID: r.ID, AuthorID: u.ID, Body: "second, public", CreatedAt: t0.Add(2 * time.Minute)},
			{ReportID: r.ID, AuthorID: u.ID, Body: "first, internal", Internal: true, CreatedAt: t0.Add(time.Minute)},
			{ReportID: r.ID, AuthorID: u.ID, Body: "third, internal", Internal: true, CreatedAt: t0.Add(3 * time.Minute)},
			{ReportID: r.ID, AuthorID: u.ID, Body: "fourth, public", CreatedAt: t0.Add(3 * time.Minute)},
			{ReportID: other.ID, AuthorID: u.ID, Body: "another report's", CreatedAt: t0},
		}
		for i, c := range comments {
			id, err := db.InsertComment(ctx, c)
			if err != nil {
				t.Fatal(err)
			}
			comments[i].ID = id
		}
		bodies := func(cs []haven.Comment) []string {
			var out []string
			for _, c := range cs {
				out = append(out, c.Body)
			}
			return out
		}
		all, err := db.Comments(ctx, r.ID, true)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := bodies(all), []string{"first, internal", "second, public", "third, internal", "fourth, public"}; !slices.Equal(got, want) {
			t.Errorf("Comments(with internal) = %v, want %v", got, want)
		}
		if diff := cmp.Diff(comments[0], all[1]); diff != "" {
			t.Errorf("comment round trip (-want +got):\n%s", diff)
		}
		public, err := db.Comments(ctx, r.ID, false)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := bodies(public), []string{"second, public", "fourth, public"}; !slices.Equal(got, want) {
			t.Errorf("Comments(public) = %v, want %v", got, want)
		}

		events := []haven.ReportEvent{
			{ReportID: r.ID, ActorID: u.ID, At: t0, Kind: "submitted", To: "new"},
			{ReportID: r.ID, ActorID: u.ID, At: t0.Add(2 * time.Minute), Kind: "state", From: "new", To: "triaged", Reason: "Looks real."},
			{ReportID: r.ID, ActorID: u.ID, At: t0.Add(time.Minute), Kind: "assign", From: "0", To: "7", Internal: true},
			{ReportID: other.ID, At: t0, Kind: "submitted", To: "new"},
		}
		for _, e := range events {
			if err := db.InsertReportEvent(ctx, e); err != nil {
				t.Fatal(err)
			}
		}
		kinds := func(es []haven.ReportEvent) []string {
			var out []string
			for _, e := range es {
				out = append(out, e.Kind)
			}
			return out
		}
		allEv, err := db.ReportEvents(ctx, r.ID, true)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := kinds(allEv), []string{"submitted", "assign", "state"}; !slices.Equal(got, want) {
			t.Errorf("ReportEvents(with internal) = %v, want %v", got, want)
		}
		want := events[1]
		want.ID = allEv[2].ID
		if diff := cmp.Diff(want, allEv[2]); diff != "" {
			t.Errorf("event round trip (-want +got):\n%s", diff)
		}
		publicEv, err := db.ReportEvents(ctx, r.ID, false)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := kinds(publicEv), []string{"submitted", "state"}; !slices.Equal(got, want) {
			t.Errorf("ReportEvents(public) = %v, want %v", got, want)
		}
	})
}

// TestIdempotencyKeys checks that a key is unique per account and
// endpoint, under concurrency too, that its result is filled in later, and
// that a deleted key can be used again.
func TestIdempotencyKeys(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		alice, bob := newUser(t, db, "alice@example.test"), newUser(t, db, "bob@example.test")
		if _, _, err := db.IdempotentResult(ctx, alice.ID, "submit:acme", "k1"); !errors.Is(err, haven.ErrNotFound) {
			t.Errorf("unknown key: %v, want ErrNotFound", err)
		}
		if err := db.SaveIdempotentResult(ctx, alice.ID, "submit:acme", "k1", "hash1", "", t0); err != nil {
			t.Fatal(err)
		}
		if err := db.SaveIdempotentResult(ctx, alice.ID, "submit:acme", "k1", "hash2", "", t0); !errors.Is(err, haven.ErrConflict) {
			t.Errorf("same account, endpoint and key: %v, want ErrConflict", err)
		}
		// Another account, endpoint or key is another key.
		for _, k := range []struct {
			user          int64
			endpoint, key string
		}{{bob.ID, "submit:acme", "k1"}, {alice.ID, "submit:other", "k1"}, {alice.ID, "submit:acme", "K1"}} {
			if err := db.SaveIdempotentResult(ctx, k.user, k.endpoint, k.key, "h", "", t0); err != nil {
				t.Errorf("SaveIdempotentResult(%d, %s, %s): %v", k.user, k.endpoint, k.key, err)
			}
		}
		hash, result, err := db.IdempotentResult(ctx, alice.ID, "submit:acme", "k1")
		if err != nil || hash != "hash1" || result != "" {
			t.Errorf("in flight: %q, %q, %v; want hash1 and no result", hash, result, err)
		}
		if err := db.SetIdempotentResult(ctx, alice.ID, "submit:acme", "k1", "report1"); err != nil {
			t.Fatal(err)
		}
		if hash, result, err := db.IdempotentResult(ctx, alice.ID, "submit:acme", "k1"); err != nil || hash != "hash1" || result != "report1" {
			t.Errorf("done: %q, %q, %v; want hash1, report1", hash, result, err)
		}
		if err := db.SetIdempotentResult(ctx, alice.ID, "submit:acme", "nokey", "x"); !errors.Is(err, haven.ErrNotFound) {
			t.Errorf("SetIdempotentResult(unknown key): %v, want ErrNotFound", err)
		}
		if err := db.DeleteIdempotentKey(ctx, alice.ID, "submit:acme", "k1"); err != nil {
			t.Fatal(err)
		}
		if err := db.SaveIdempotentResult(ctx, alice.ID, "submit:acme", "k1", "hash3", "", t0); err != nil {
			t.Errorf("key reused after delete: %v", err)
		}

		// 20 requests with one key at once: exactly one saves it.
		const n = 20
		errs := make([]error, n)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range n {
			wg.Go(func() {
				<-start
				errs[i] = db.SaveIdempotentResult(ctx, bob.ID, "submit:acme", "race", fmt.Sprint("hash", i), "", t0)
			})
		}
		close(start)
		wg.Wait()
		won := 0
		for i, err := range errs {
			switch {
			case err == nil:
				won++
			case !errors.Is(err, haven.ErrConflict):
				t.Errorf("goroutine %d: %v, want ErrConflict", i, err)
			}
		}
		if won != 1 {
			t.Errorf("%d requests saved the key, want 1", won)
		}
	})
}

// TestReportsUnion checks Reports against the visibility rule written out
// in Go. The viewer reports on alpha and delta, is a member of beta and
// gamma, and reports on beta too: they see their own reports and every
// report of beta and gamma, their own reports on beta once, in the inbox
// order, with the total of the whole list, on every page and under every
// filter, each filter holding in both ways a report is visible.
func TestReportsUnion(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		alpha := newProgram(t, db, "alpha", haven.StatusPublished)
		beta := newProgram(t, db, "beta", haven.StatusPublished)
		gamma := newProgram(t, db, "gamma", haven.StatusPublished)
		delta := newProgram(t, db, "delta", haven.StatusPublished)
		viewer := newUser(t, db, "viewer@example.test")
		other := newUser(t, db, "other@example.test")
		triager := newUser(t, db, "triager@example.test")
		member := map[int64]bool{beta.ID: true, gamma.ID: true}
		for id := range member {
			if err := db.SetMembership(ctx, id, viewer.ID, haven.RoleTriager, t0); err != nil {
				t.Fatal(err)
			}
		}
		for _, p := range []*haven.Program{alpha, beta, gamma, delta} {
			if err := db.SetMembership(ctx, p.ID, triager.ID, haven.RoleTriager, t0); err != nil {
				t.Fatal(err)
			}
		}

		// Reports whose fields cycle with a counter, so that every filter
		// keeps some and drops some of each kind; two at a time share a
		// submission time, for the id to break the tie.
		now := t0.Add(30 * 24 * time.Hour)
		states := []haven.ReportState{haven.StateNew, haven.StateTriaged, haven.StateNeedsInfo, haven.StateAccepted,
			haven.StateResolved, haven.StateSpam}
		severities := []string{"Critical", "High", "Low"}
		deadlines := []*time.Time{nil, new(now.Add(-2 * time.Hour)), new(now.Add(10 * time.Hour)), new(now.Add(100 * time.Hour))}
		assignees := []int64{0, triager.ID, viewer.ID}
		var (
			all    []*haven.Report
			assets = map[int64][2]*haven.Asset{}
			i      int
		)
		for _, p := range []*haven.Program{alpha, beta, gamma, delta} {
			assets[p.ID] = [2]*haven.Asset{newAsset(t, db, p.ID, "one"), newAsset(t, db, p.ID, "two")}
		}
		file := func(p *haven.Program, reporter *haven.User, n int) {
			for range n {
				r := newReport(t, db, assets[p.ID][(i/3)%2], reporter, func(r *haven.Report) {
					r.Title = fmt.Sprintf("%s-%s-%d", reporter.Email[:5], p.Slug, i)
					r.State, r.Severity, r.ValidationDeadline = states[i%6], severities[(i/2)%3], deadlines[i%4]
					r.SubmittedAt = t0.Add(time.Duration(i/2) * time.Minute)
				})
				if a := assignees[(i/5)%3]; a != 0 {
					if err := db.SetReportAssignee(ctx, r.ID, a, t0); err != nil {
						t.Fatal(err)
					}
					r.AssigneeID = a
				}
				all = append(all, r)
				i++
			}
		}
		file(alpha, viewer, 14) // own
		file(beta, viewer, 14)  // own and member
		file(beta, other, 14)   // member
		file(gamma, other, 10)  // member
		file(delta, viewer, 4)  // own
		file(alpha, other, 10)  // not visible
		file(delta, other, 10)  // not visible

		// The rule, the filters and the order, in Go.
		visible := func(r *haven.Report) bool { return r.ReporterID == viewer.ID || member[r.ProgramID] }
		validating := func(s haven.ReportState) bool {
			return s == haven.StateNew || s == haven.StateTriaged || s == haven.StateNeedsInfo
		}
		matches := func(r *haven.Report, f store.ReportFilter) bool {
			return (f.ProgramID == 0 || r.ProgramID == f.ProgramID) &&
				(f.ReporterID == 0 || r.ReporterID == f.ReporterID) &&
				(len(f.States) == 0 || slices.Contains(f.States, r.State)) &&
				(f.Severity == "" || r.Severity == f.Severity) &&
				(f.AssetID == 0 || r.AssetID == f.AssetID) &&
				(f.AssigneeID == 0 || r.AssigneeID == max(f.AssigneeID, 0)) &&
				(f.DueBefore == nil || validating(r.State) && r.ValidationDeadline != nil && r.ValidationDeadline.Before(*f.DueBefore))
		}
		inboxOrder := func(a, b *haven.Report) int {
			due := func(r *haven.Report) *time.Time {
				if validating(r.State) {
					return r.ValidationDeadline
				}
				return nil
			}
			da, dbb := due(a), due(b)
			switch {
			case da != nil && dbb == nil:
				return -1
			case da == nil && dbb != nil:
				return 1
			case da != nil && !da.Equal(*dbb):
				return da.Compare(*dbb)
			case !a.SubmittedAt.Equal(b.SubmittedAt):
				return b.SubmittedAt.Compare(a.SubmittedAt)
			}
			return int(b.ID - a.ID)
		}
		want := func(f store.ReportFilter) []string {
			var rs []*haven.Report
			for _, r := range all {
				if visible(r) && matches(r, f) {
					rs = append(rs, r)
				}
			}
			slices.SortFunc(rs, inboxOrder)
			return publicIDs(rs)
		}
		kinds := func(ids []string) (own, both, programs int) {
			for _, r := range all {
				if !slices.Contains(ids, r.PublicID) {
					continue
				}
				switch {
				case r.ReporterID == viewer.ID && member[r.ProgramID]:
					both++
				case r.ReporterID == viewer.ID:
					own++
				default:
					programs++
				}
			}
			return own, both, programs
		}

		soon := now.Add(48 * time.Hour)
		tests := []struct {
			name string
			f    store.ReportFilter
			// every way of being visible is in the list: own, own in a
			// program of the viewer, and another's in such a program
			allKinds bool
		}{
			{"no filter", store.ReportFilter{}, true},
			{"program alpha (own only)", store.ReportFilter{ProgramID: alpha.ID}, false},
			{"program beta (own and member)", store.ReportFilter{ProgramID: beta.ID}, false},
			{"program gamma (member only)", store.ReportFilter{ProgramID: gamma.ID}, false},
			{"program delta (own only, others hidden)", store.ReportFilter{ProgramID: delta.ID}, false},
			{"one state", store.ReportFilter{States: []haven.ReportState{haven.StateNew}}, true},
			{"two states", store.ReportFilter{States: []haven.ReportState{haven.StateTriaged, haven.StateSpam}}, true},
			{"severity", store.ReportFilter{Severity: "High"}, true},
			{"asset of beta", store.ReportFilter{AssetID: assets[beta.ID][1].ID}, false},
			{"asset of alpha", store.ReportFilter{AssetID: assets[alpha.ID][0].ID}, false},
			{"assignee", store.ReportFilter{AssigneeID: triager.ID}, true},
			{"assigned to the viewer", store.ReportFilter{AssigneeID: viewer.ID}, true},
			{"unassigned", store.ReportFilter{AssigneeID: -1}, true},
			{"overdue", store.ReportFilter{DueBefore: &now}, true},
			{"due soon", store.ReportFilter{DueBefore: &soon}, true},
			{"own reports", store.ReportFilter{ReporterID: viewer.ID}, false},
			{"another's reports", store.ReportFilter{ReporterID: other.ID}, false},
			{"combined", store.ReportFilter{States: []haven.ReportState{haven.StateNew, haven.StateTriaged, haven.StateNeedsInfo},
				Severity: "Critical", AssigneeID: -1, DueBefore: &soon}, false},
		}
		for _, tt := range tests {
			want := want(tt.f)
			if own, both, programs := kinds(want); tt.allKinds && (own == 0 || both == 0 || programs == 0) {
				t.Errorf("%s: the data give %d own, %d own in a program, %d others' in a program: fix the test", tt.name, own, both, programs)
			}
			f := tt.f
			f.Limit = 200
			rs, total, err := db.Reports(ctx, viewer.ID, f)
			if err != nil {
				t.Fatalf("%s: %v", tt.name, err)
			}
			if diff := cmp.Diff(want, publicIDs(rs)); diff != "" || total != len(want) {
				t.Errorf("%s: total %d, want %d; list (-want +got):\n%s", tt.name, total, len(want), diff)
			}
		}

		// The viewer's own reports on beta are in both arms: once each.
		rs, total, err := db.Reports(ctx, viewer.ID, store.ReportFilter{Limit: 200})
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]int{}
		for _, r := range rs {
			seen[r.PublicID]++
		}
		for _, r := range all {
			if n := seen[r.PublicID]; n > 1 || (n == 1) != visible(r) {
				t.Errorf("report %s (%s) listed %d times", r.PublicID, r.Title, n)
			}
		}
		if _, both, _ := kinds(publicIDs(rs)); both != 14 || total != 14+14+14+10+4 {
			t.Errorf("total %d with %d own reports on beta, want %d with 14", total, both, 14+14+14+10+4)
		}

		// Pages of several sizes cut the same order, with the same total.
		for _, f := range []store.ReportFilter{{}, {Severity: "Low"}, {AssigneeID: -1, DueBefore: &soon}} {
			want := want(f)
			for _, size := range []int{1, 3, 7} {
				var paged []string
				for off := 0; off < len(want)+size; off += size {
					f.Limit, f.Offset = size, off
					rs, total, err := db.Reports(ctx, viewer.ID, f)
					if err != nil {
						t.Fatal(err)
					}
					if total != len(want) || len(rs) > size {
						t.Errorf("%+v: page of %d reports, total %d; want at most %d, total %d", f, len(rs), total, size, len(want))
					}
					paged = append(paged, publicIDs(rs)...)
				}
				if diff := cmp.Diff(want, paged); diff != "" {
					t.Errorf("%+v: pages of %d (-want +got):\n%s", f, size, diff)
				}
			}
		}
	})
}
