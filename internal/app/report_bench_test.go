package app_test

// Benchmarks of issue 4: submission and inbox listing with a large
// database (100,000 reports), on SQLite and PostgreSQL. Seeding is slow, so
// they run only when HAVEN_BENCH_REPORTS names the number of reports:
//
//	HAVEN_BENCH_REPORTS=100000 go test -run '^$' -bench 'SubmitReport|Inbox' -benchtime 200x ./internal/app/
//
// With HAVEN_TEST_DATABASE_URL set (as for the tests) the postgres
// sub-benchmarks run too. Each database is seeded once per process and
// shared by both benchmarks; TestMain removes it at the end.

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/haven-project/haven/internal/app"
	"github.com/haven-project/haven/internal/apptest"
	"github.com/haven-project/haven/internal/haven"
	"github.com/haven-project/haven/internal/store"
	"github.com/haven-project/haven/internal/storetest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	benchSeeds.Lock()
	for _, s := range benchSeeds.m {
		s.cleanup()
	}
	benchSeeds.Unlock()
	os.Exit(code)
}

// Shape of the seeded database.
const (
	benchReporters = 2000 // researchers who filed the seeded reports
	benchBatch     = 5000 // reports per seeding transaction
)

// benchSeed is a seeded database and an App over it.
type benchSeed struct {
	db      *store.DB
	app     *app.App
	clock   *benchClock
	slugs   [3]string
	assets  [3]int64
	member  haven.Actor // triager of the biggest program (half the reports)
	own     haven.Actor // a researcher with reports on every program
	authors []haven.Actor
	cleanup func()
}

// benchClock is a clock that moves only when told.
type benchClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *benchClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *benchClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

var benchSeeds struct {
	sync.Mutex
	m map[string]*benchSeed
}

// benchReports returns the number of reports to seed, skipping the
// benchmark when HAVEN_BENCH_REPORTS is not set.
func benchReports(b *testing.B) int {
	b.Helper()
	v := os.Getenv("HAVEN_BENCH_REPORTS")
	if v == "" {
		b.Skip("set HAVEN_BENCH_REPORTS=100000 to run (seeding takes a while)")
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1000 {
		b.Fatalf("HAVEN_BENCH_REPORTS=%q: give a number of reports, at least 1000", v)
	}
	return n
}

// seeded returns the database of the given kind ("sqlite" or "postgres")
// with n reports, seeding it on first use.
func seeded(b *testing.B, kind string, n int) *benchSeed {
	b.Helper()
	benchSeeds.Lock()
	defer benchSeeds.Unlock()
	key := fmt.Sprint(kind, n)
	if s, ok := benchSeeds.m[key]; ok {
		return s
	}
	var (
		db      *store.DB
		cleanup func()
		analyze func(context.Context) error // nil on SQLite
	)
	ctx := context.Background()
	switch kind {
	case "sqlite":
		dir, err := os.MkdirTemp("", "haven-bench-")
		if err != nil {
			b.Fatal(err)
		}
		if db, err = store.OpenSQLite(ctx, filepath.Join(dir, "haven.db")); err != nil {
			b.Fatal(err)
		}
		cleanup = func() { db.Close(); os.RemoveAll(dir) }
	case "postgres":
		base := storetest.PostgresURL(b) // skips without a server
		var err error
		db, analyze, cleanup, err = benchPostgres(ctx, base)
		if err != nil {
			b.Fatal(err)
		}
	}
	if _, err := db.Migrate(ctx); err != nil {
		cleanup()
		b.Fatal(err)
	}
	start := time.Now()
	s, err := seed(ctx, db, n)
	if err != nil {
		cleanup()
		b.Fatalf("seeding %s: %v", kind, err)
	}
	s.cleanup = cleanup
	b.Logf("seeded %s with %d reports in %v", kind, n, time.Since(start).Round(time.Millisecond))
	if analyze != nil {
		if err := analyze(ctx); err != nil {
			cleanup()
			b.Fatalf("analyzing %s: %v", kind, err)
		}
	}
	if benchSeeds.m == nil {
		benchSeeds.m = map[string]*benchSeed{}
	}
	benchSeeds.m[key] = s
	return s
}

// benchPostgres makes a fresh schema on the test server. (storetest's
// helpers tie the schema's life to one test; this one lives until
// TestMain ends.) Its analyze vacuums and analyzes the seeded tables, as
// autovacuum does soon after such a load on a real server: the benchmarks
// measure plans made with statistics, not the planner's guesses about
// tables it has never seen, nor the moment autovacuum happens to come.
func benchPostgres(ctx context.Context, base string) (db *store.DB, analyze func(context.Context) error, cleanup func(), err error) {
	admin, err := sql.Open("pgx", base)
	if err != nil {
		return nil, nil, nil, err
	}
	defer admin.Close()
	raw := make([]byte, 6)
	rand.Read(raw)
	schema := "haven_bench_" + hex.EncodeToString(raw)
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		return nil, nil, nil, err
	}
	drop := func() {
		if a, err := sql.Open("pgx", base); err == nil {
			a.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
			a.Close()
		}
	}
	u, err := url.Parse(base)
	if err != nil {
		drop()
		return nil, nil, nil, err
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	p, err := sql.Open("pgx", u.String())
	if err != nil {
		drop()
		return nil, nil, nil, err
	}
	p.SetMaxOpenConns(20)
	db = store.OpenPostgresPool(p)
	analyze = func(ctx context.Context) error {
		_, err := p.ExecContext(ctx, "VACUUM (ANALYZE) users, programs, memberships, assets, reports, report_events")
		return err
	}
	return db, analyze, func() { db.Close(); drop() }, nil
}

// seed fills db: three published programs (holding half, 30% and 20% of
// the reports), a team on each, benchReporters researchers, and n reports
// spread over three years, mostly closed, the rest in every open state,
// each with its "submitted" event. Bulk rows go through store in
// transactions of benchBatch reports.
func seed(ctx context.Context, db *store.DB, n int) (*benchSeed, error) {
	clock := &benchClock{t: time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)}
	s := &benchSeed{db: db, clock: clock}
	s.app = app.New(db, app.Config{Now: clock.Now, Passwords: apptest.CheapHasher})
	now := clock.Now()
	var progs [3]*haven.Program
	for i := range progs {
		s.slugs[i] = fmt.Sprint("bench", i)
		p, err := s.app.CreateProgram(ctx, haven.System, app.NewProgram{Slug: s.slugs[i], Name: fmt.Sprint("Bench ", i),
			Kind: haven.KindBounty, Status: haven.StatusPublished})
		if err != nil {
			return nil, err
		}
		progs[i] = p
		a, err := s.app.AddAsset(ctx, haven.System, s.slugs[i], app.AssetInput{Name: "App", Type: "web", Tier: 1, InScope: true})
		if err != nil {
			return nil, err
		}
		s.assets[i] = a.ID
	}
	var reporters []*haven.User
	err := db.Tx(ctx, func(tx *store.DB) error {
		for i := range benchReporters {
			u, err := tx.InsertUser(ctx, store.NewUser{Email: fmt.Sprintf("r%d@bench.test", i), PasswordHash: "x", Verified: true}, now)
			if err != nil {
				return err
			}
			reporters = append(reporters, u)
		}
		for i, p := range progs {
			for _, role := range haven.Roles {
				u, err := tx.InsertUser(ctx, store.NewUser{Email: fmt.Sprintf("%s%d@bench.test", role, i), PasswordHash: "x", Verified: true}, now)
				if err != nil {
					return err
				}
				if err := tx.SetMembership(ctx, p.ID, u.ID, role, now); err != nil {
					return err
				}
				if i == 0 && role == haven.RoleTriager {
					s.member = haven.Actor{User: u, Memberships: map[int64]haven.Role{p.ID: role}}
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, u := range reporters {
		s.authors = append(s.authors, haven.Actor{User: u})
	}
	s.own = s.authors[7]

	bands := haven.DefaultBands()
	states := []haven.ReportState{ // mostly decided, as in a program's life
		haven.StateResolved, haven.StateResolved, haven.StateInformative, haven.StateDuplicate, haven.StateNotApplicable,
		haven.StateSpam, haven.StateOutOfScope, haven.StateResolved, haven.StateAccepted, haven.StateInformative,
		haven.StateNew, haven.StateTriaged, haven.StateNeedsInfo, haven.StateDuplicate, haven.StateResolved,
		haven.StateInformative, haven.StateNotApplicable, haven.StateResolved, haven.StateAccepted, haven.StateResolved,
	}
	scores := []float64{2.5, 4.3, 5.4, 6.1, 7.5, 8.1, 8.8, 9.1, 9.8, 0}
	body := strings.Repeat("The renderer runs untrusted scripts when a notebook is opened. ", 8)
	span := 3 * 365 * 24 * time.Hour
	for start := 0; start < n; start += benchBatch {
		err := db.Tx(ctx, func(tx *store.DB) error {
			for i := start; i < min(start+benchBatch, n); i++ {
				prog := 0
				switch m := i % 10; {
				case m >= 5 && m < 8:
					prog = 1
				case m >= 8:
					prog = 2
				}
				// Oldest first, so ids grow with time as in real life;
				// the newest report is a day old.
				at := now.Add(-span + time.Duration(float64(span-24*time.Hour)*float64(i)/float64(n)))
				sc := scores[i*7%len(scores)]
				sev := haven.Severity(bands, sc)
				var due *time.Time
				if d, ok := progs[prog].ValidationDays[sev]; ok {
					x := at.Add(time.Duration(d) * 24 * time.Hour * 7 / 5)
					due = &x
				}
				r, err := tx.InsertReport(ctx, haven.Report{PublicID: fmt.Sprintf("bench%011d", i), ProgramID: progs[prog].ID,
					AssetID: s.assets[prog], ReporterID: reporters[i*31%len(reporters)].ID, Title: fmt.Sprintf("Seeded report %d", i),
					Weakness: "CWE-79", CVSSScore: sc, Severity: sev, Description: body, State: states[i%len(states)],
					PolicyVersion: 1, SubmittedAt: at, ValidationDeadline: due})
				if err != nil {
					return err
				}
				if err := tx.InsertReportEvent(ctx, haven.ReportEvent{ReportID: r.ID, ActorID: r.ReporterID, At: at,
					Kind: "submitted", To: string(haven.StateNew)}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return s, nil
}

// benchKinds runs fn as sub-benchmarks "sqlite" and "postgres" (skipped
// without HAVEN_TEST_DATABASE_URL).
func benchKinds(b *testing.B, fn func(b *testing.B, s *benchSeed)) {
	n := benchReports(b)
	for _, kind := range []string{"sqlite", "postgres"} {
		b.Run(kind, func(b *testing.B) { fn(b, seeded(b, kind, n)) })
	}
}

// BenchmarkSubmitReport is one submission through the use case on the
// seeded database: validation, the report, its event, the activity entry,
// the team's notices and the audit record, in one transaction. Submitters
// take turns (and the clock moves a second per submission) so no one
// reaches the rate limit.
func BenchmarkSubmitReport(b *testing.B) {
	benchKinds(b, func(b *testing.B, s *benchSeed) {
		ctx := context.Background()
		in := app.SubmitInput{AssetID: s.assets[0], Title: "Stored XSS in the renderer", Weakness: "CWE-79",
			CVSSVector: vec98, Description: "Scripts run.", AcceptRules: true}
		i := 0
		b.ReportAllocs()
		for b.Loop() {
			s.clock.Advance(time.Second)
			if _, err := s.app.SubmitReport(ctx, s.authors[i%len(s.authors)], s.slugs[0], in); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
}

// BenchmarkInbox is the first page (50) of a report list with its total:
// a program member's inbox (half the reports are the program's), a
// researcher's own reports, and the member's list filtered to one state.
func BenchmarkInbox(b *testing.B) {
	benchKinds(b, func(b *testing.B, s *benchSeed) {
		ctx := context.Background()
		lists := []struct {
			name  string
			actor haven.Actor
			q     app.ReportQuery
		}{
			{"member", s.member, app.ReportQuery{}},
			{"researcher", s.own, app.ReportQuery{}},
			{"member_state", s.member, app.ReportQuery{States: []haven.ReportState{haven.StateTriaged}}},
		}
		for _, l := range lists {
			b.Run(l.name, func(b *testing.B) {
				first, err := s.app.Reports(ctx, l.actor, l.q)
				if err != nil {
					b.Fatal(err)
				}
				if len(first.Reports) == 0 {
					b.Fatalf("%s: empty list", l.name)
				}
				b.ReportAllocs()
				for b.Loop() {
					if _, err := s.app.Reports(ctx, l.actor, l.q); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(first.Total), "reports") // the list's total
			})
		}
	})
}
