package cli

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/haven-project/haven/internal/app"
	"github.com/haven-project/haven/internal/haven"
	"github.com/haven-project/haven/internal/store"
	"github.com/haven-project/haven/internal/storetest"
)

// syncBuffer is an io.Writer a running command writes to while the test
// reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// result is what a finished command left behind.
type result struct {
	code           int
	stdout, stderr string
}

// runHaven runs the command line with args in an environment holding only
// environ, as a separate process would see it.
func runHaven(t *testing.T, environ map[string]string, args ...string) result {
	t.Helper()
	var stdout, stderr syncBuffer
	// A command that should fail but serves instead stops after a while.
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	code := run(ctx, env{stdout: &stdout, stderr: &stderr, getenv: func(k string) string { return environ[k] }}, args)
	return result{code: code, stdout: stdout.String(), stderr: stderr.String()}
}

// must runs a command that should succeed.
func must(t *testing.T, environ map[string]string, args ...string) result {
	t.Helper()
	r := runHaven(t, environ, args...)
	if r.code != 0 {
		t.Fatalf("haven %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), r.code, r.stdout, r.stderr)
	}
	return r
}

// fails runs a command that should exit with code and say want on stderr.
func fails(t *testing.T, code int, want string, args ...string) result {
	t.Helper()
	r := runHaven(t, nil, args...)
	if r.code != code || !strings.Contains(r.stderr, want) {
		t.Errorf("haven %s: exit %d, stderr %q; want exit %d and %q", strings.Join(args, " "), r.code, r.stderr, code, want)
	}
	return r
}

// migrated returns a migrated data directory.
func migrated(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	must(t, nil, "migrate", "--data", dir)
	return dir
}

// openApp opens the data directory dir the way another process would.
func openApp(t *testing.T, dir string) *app.App {
	t.Helper()
	db, err := store.Open(t.Context(), dir, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return app.New(db, app.Config{})
}

// table parses tabwriter output into one map per row, keyed by the header's
// column names. It cuts at the header's column offsets, so empty cells and
// cells with spaces come out right.
func table(t *testing.T, out string) []map[string]string {
	t.Helper()
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	header := lines[0]
	cols := strings.Fields(header)
	starts := make([]int, len(cols))
	for i, c := range cols {
		starts[i] = strings.Index(header, c)
	}
	var rows []map[string]string
	for _, l := range lines[1:] {
		row := map[string]string{}
		for i, c := range cols {
			end := len(l)
			if i+1 < len(cols) {
				end = min(starts[i+1], len(l))
			}
			row[c] = strings.TrimSpace(l[min(starts[i], len(l)):end])
		}
		rows = append(rows, row)
	}
	return rows
}

func userRow(t *testing.T, dir, email string) map[string]string {
	t.Helper()
	for _, row := range table(t, must(t, nil, "user", "list", "--data", dir).stdout) {
		if row["EMAIL"] == email {
			return row
		}
	}
	t.Fatalf("user list has no row for %s", email)
	return nil
}

const goodPassword = "correct horse battery staple"

var appliedRE = regexp.MustCompile(`^applied (\d+) migrations; sqlite schema is at version (\d+)\n$`)

func TestMigrate(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	r := must(t, nil, "migrate", "--data", dir)
	m := appliedRE.FindStringSubmatch(r.stdout)
	if m == nil || m[1] == "0" {
		t.Fatalf("first migrate printed %q, want a non-zero applied count", r.stdout)
	}
	r = must(t, nil, "migrate", "--data", dir)
	if m2 := appliedRE.FindStringSubmatch(r.stdout); m2 == nil || m2[1] != "0" || m2[2] != m[2] {
		t.Errorf("second migrate printed %q, want 0 applied, version %s", r.stdout, m[2])
	}
}

func TestStaleSchemaRefused(t *testing.T) {
	t.Parallel()
	// A directory without a database: a mistyped --data must not create
	// a second, empty instance.
	empty := t.TempDir()
	// A database file at schema version 0: opened, never migrated.
	stale := t.TempDir()
	db, err := store.Open(context.Background(), stale, "")
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	for _, c := range []struct {
		dir, advice string
	}{
		{empty, "there is no Haven database in"},
		{stale, "run 'haven migrate'"},
	} {
		for _, args := range [][]string{
			{"serve", "--data", c.dir, "--addr", "127.0.0.1:0"},
			{"user", "list", "--data", c.dir},
			{"token", "list", "--data", c.dir, "--email", "a@example.org"},
		} {
			r := runHaven(t, nil, args...)
			if r.code != 1 || !strings.Contains(r.stderr, c.advice) || !strings.Contains(r.stderr, "haven migrate") || !strings.Contains(r.stderr, "--migrate") {
				t.Errorf("haven %s: exit %d, stderr %q; want 1, %q and advice to run 'haven migrate' or pass --migrate",
					strings.Join(args, " "), r.code, r.stderr, c.advice)
			}
			if strings.Contains(r.stderr, "listening") {
				t.Errorf("haven %s: started listening on a stale schema", args[0])
			}
		}
	}
	if store.SQLiteExists(empty) {
		t.Error("a refused command created a database in the empty directory")
	}
}

func TestNewerSchemaRefused(t *testing.T) {
	t.Parallel()
	dir := migrated(t)
	// A later Haven migrated this database further.
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "haven.db"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = db.Exec(`INSERT INTO goose_db_version (version_id, is_applied) VALUES (99999, 1)`)
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	fails(t, 1, "run a newer Haven", "serve", "--data", dir, "--addr", "127.0.0.1:0")
}

func TestUserCreate(t *testing.T) {
	t.Parallel()
	dir := migrated(t)
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"too short", []string{"--email", "a@example.org", "--password", "short"}, 1, "--password: Use at least 8 characters."},
		{"common", []string{"--email", "a@example.org", "--password", "password123"}, 1, "--password: This password is too common"},
		{"repeated", []string{"--email", "a@example.org", "--password", "aaaaaaaaaaaa"}, 1, "--password: This password is one character repeated"},
		{"personal", []string{"--email", "mallory.smith@example.org", "--password", "Mallory.Smith"}, 1, "--password: Don't use your e-mail address"},
		{"no password", []string{"--email", "a@example.org"}, 1, "--password: Use at least 8 characters."},
		{"bad address", []string{"--email", "not-an-address", "--password", goodPassword}, 1, "--email: Enter an e-mail address"},
		{"long name", []string{"--email", "a@example.org", "--password", goodPassword, "--name", strings.Repeat("n", 81)}, 1, "--name: Use at most 80 characters."},
		{"no address", []string{"--password", goodPassword}, 2, "--email is required"},
		{"stray argument", []string{"--email", "a@example.org", "--password", goodPassword, "admin"}, 2, `unexpected argument "admin"`},
		{"unknown flag", []string{"--email", "a@example.org", "--pasword", goodPassword}, 2, "flag provided but not defined: -pasword"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := runHaven(t, nil, append([]string{"user", "create", "--data", dir}, tc.args...)...)
			if r.code != tc.code || !strings.Contains(r.stderr, tc.want) {
				t.Errorf("exit %d, stderr %q; want exit %d and %q", r.code, r.stderr, tc.code, tc.want)
			}
			if r.stdout != "" {
				t.Errorf("stdout %q, want nothing", r.stdout)
			}
		})
	}
	if rows := table(t, must(t, nil, "user", "list", "--data", dir).stdout); len(rows) != 0 {
		t.Fatalf("refused creations left accounts: %v", rows)
	}

	r := must(t, nil, "user", "create", "--data", dir, "--email", "alice@example.org", "--password", goodPassword, "--name", "Alice Liddell")
	if !strings.HasPrefix(r.stdout, "created account ") || !strings.Contains(r.stdout, "alice@example.org") {
		t.Errorf("stdout %q, want created account ... alice@example.org", r.stdout)
	}
	fails(t, 1, "--email: An account with this address exists already.",
		"user", "create", "--data", dir, "--email", "alice@example.org", "--password", goodPassword)

	// The password may come from the environment, out of sight of ps.
	r = must(t, map[string]string{"HAVEN_PASSWORD": goodPassword},
		"user", "create", "--data", dir, "--email", "root@example.org", "--admin")
	if !strings.HasPrefix(r.stdout, "created admin account ") {
		t.Errorf("stdout %q, want created admin account", r.stdout)
	}

	for email, want := range map[string]map[string]string{
		"alice@example.org": {"NAME": "Alice Liddell", "ADMIN": "false", "STATUS": "active", "TWO-FACTOR": "false"},
		"root@example.org":  {"NAME": "", "ADMIN": "true", "STATUS": "active", "TWO-FACTOR": "false"},
	} {
		row := userRow(t, dir, email)
		for col, v := range want {
			if row[col] != v {
				t.Errorf("user list %s %s = %q, want %q", email, col, row[col], v)
			}
		}
	}
}

func TestUserList(t *testing.T) {
	t.Parallel()
	dir := migrated(t)
	out := must(t, nil, "user", "list", "--data", dir).stdout
	if got, want := strings.Fields(out), []string{"ID", "EMAIL", "NAME", "ADMIN", "STATUS", "TWO-FACTOR"}; !slices.Equal(got, want) {
		t.Errorf("empty user list = %q, want only the header %v", out, want)
	}
	must(t, nil, "user", "create", "--data", dir, "--email", "b@example.org", "--password", goodPassword)
	must(t, nil, "user", "create", "--data", dir, "--email", "a@example.org", "--password", goodPassword, "--name", "A")
	rows := table(t, must(t, nil, "user", "list", "--data", dir).stdout)
	if len(rows) != 2 || rows[0]["ID"] != "1" || rows[0]["EMAIL"] != "b@example.org" || rows[1]["ID"] != "2" || rows[1]["NAME"] != "A" {
		t.Errorf("user list rows = %v, want b@example.org (1) then a@example.org (2)", rows)
	}
}

func TestUserDisable(t *testing.T) {
	t.Parallel()
	dir := migrated(t)
	must(t, nil, "user", "create", "--data", dir, "--email", "eve@example.org", "--password", goodPassword)
	a := openApp(t, dir)
	if _, err := a.LogIn(t.Context(), haven.Actor{IP: "192.0.2.1"}, app.LogInInput{Email: "eve@example.org", Password: goodPassword}); err != nil {
		t.Fatalf("log-in before disabling: %v", err)
	}

	r := must(t, nil, "user", "disable", "--data", dir, "--email", "eve@example.org")
	if r.stdout != "disabled eve@example.org\n" {
		t.Errorf("stdout %q", r.stdout)
	}
	if got := userRow(t, dir, "eve@example.org")["STATUS"]; got != "disabled" {
		t.Errorf("STATUS after disable = %q, want disabled", got)
	}
	if _, err := a.LogIn(t.Context(), haven.Actor{IP: "192.0.2.1"}, app.LogInInput{Email: "eve@example.org", Password: goodPassword}); err == nil {
		t.Error("a disabled account logged in")
	}
	fails(t, 1, "the account eve@example.org is disabled", "token", "create", "--data", dir, "--email", "eve@example.org", "--name", "ci")

	must(t, nil, "user", "enable", "--data", dir, "--email", "eve@example.org")
	if got := userRow(t, dir, "eve@example.org")["STATUS"]; got != "active" {
		t.Errorf("STATUS after enable = %q, want active", got)
	}

	fails(t, 1, "no account with address nobody@example.org", "user", "disable", "--data", dir, "--email", "nobody@example.org")
	fails(t, 2, "--email is required", "user", "disable", "--data", dir)
}

func TestUserSetPassword(t *testing.T) {
	t.Parallel()
	dir := migrated(t)
	must(t, nil, "user", "create", "--data", dir, "--email", "root@example.org", "--password", goodPassword, "--admin")
	a := openApp(t, dir)
	res, err := a.LogIn(t.Context(), haven.Actor{IP: "192.0.2.1"}, app.LogInInput{Email: "root@example.org", Password: goodPassword})
	if err != nil {
		t.Fatal(err)
	}

	fails(t, 1, "--password: This password is too common", "user", "set-password", "--data", dir, "--email", "root@example.org", "--password", "password123")
	fails(t, 1, "no account with address nobody@example.org", "user", "set-password", "--data", dir, "--email", "nobody@example.org", "--password", "a new long passphrase")

	const newPassword = "a new long passphrase"
	r := must(t, nil, "user", "set-password", "--data", dir, "--email", "root@example.org", "--password", newPassword)
	if !strings.Contains(r.stdout, "password set for root@example.org") {
		t.Errorf("stdout %q", r.stdout)
	}
	if _, _, err := a.Authenticate(t.Context(), res.Session, "192.0.2.1", ""); !errors.Is(err, haven.ErrUnauthenticated) {
		t.Errorf("session from before set-password: got %v, want ErrUnauthenticated", err)
	}
	if _, err := a.LogIn(t.Context(), haven.Actor{IP: "192.0.2.2"}, app.LogInInput{Email: "root@example.org", Password: goodPassword}); err == nil {
		t.Error("the old password still logs in")
	}
	if _, err := a.LogIn(t.Context(), haven.Actor{IP: "192.0.2.3"}, app.LogInInput{Email: "root@example.org", Password: newPassword}); err != nil {
		t.Errorf("the new password does not log in: %v", err)
	}
}

func TestUsageErrors(t *testing.T) {
	t.Parallel()
	dir := migrated(t)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{}, "Usage: haven COMMAND"},
		{[]string{"frobnicate"}, `unknown command "frobnicate"`},
		{[]string{"user"}, "name a subcommand"},
		{[]string{"user", "frobnicate", "--data", dir}, `unknown subcommand "frobnicate"`},
		{[]string{"user", "delete", "--data", dir}, `unknown subcommand "delete"`},
		{[]string{"token"}, "name a subcommand"},
		{[]string{"token", "frobnicate", "--data", dir}, `unknown subcommand "frobnicate"`},
		{[]string{"token", "revoke", "--data", dir, "--email", "a@example.org"}, "--id is required"},
		{[]string{"migrate", "--data", dir, "--log-level", "loud"}, `--log-level: "loud"`},
		{[]string{"migrate", "--database-url", "mysql://db/haven"}, "--database-url: use a postgres:// URL"},
		{[]string{"serve", "--data", dir, "--base-url", "haven.example.org"}, "--base-url"},
	} {
		r := runHaven(t, nil, tc.args...)
		if r.code != 2 || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("haven %s: exit %d, stderr %q; want exit 2 and %q", strings.Join(tc.args, " "), r.code, r.stderr, tc.want)
		}
	}
}

func TestHelpAndVersion(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"help"}, {"-h"}, {"--help"}} {
		if r := runHaven(t, nil, args...); r.code != 0 || !strings.Contains(r.stderr, "serve") || !strings.Contains(r.stderr, "HAVEN_DATABASE_URL") {
			t.Errorf("haven %s: exit %d, stderr %q", args[0], r.code, r.stderr)
		}
	}
	r := runHaven(t, nil, "serve", "-h")
	if r.code != 0 {
		t.Errorf("haven serve -h: exit %d", r.code)
	}
	for _, want := range []string{"-data", "$HAVEN_DATA", "-database-url", "$HAVEN_DATABASE_URL", "-addr", "$HAVEN_ADDR", "-base-url", "$HAVEN_BASE_URL", "-migrate"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("haven serve -h does not mention %s:\n%s", want, r.stderr)
		}
	}
	// Every command takes the storage flags.
	for _, c := range commands() {
		if c.name == "version" {
			continue
		}
		args := []string{c.name, "-h"}
		if c.name == "user" || c.name == "token" {
			args = []string{c.name, "list", "-h"}
		}
		if r := runHaven(t, nil, args...); r.code != 0 || !strings.Contains(r.stderr, "$HAVEN_DATABASE_URL") || !strings.Contains(r.stderr, "$HAVEN_DATA)") {
			t.Errorf("haven %s: exit %d, does not offer --data and --database-url:\n%s", strings.Join(args, " "), r.code, r.stderr)
		}
	}
	if r := must(t, nil, "version"); !strings.HasPrefix(r.stdout, "haven dev (go1.") {
		t.Errorf("version printed %q", r.stdout)
	}
}

var tokenRE = regexp.MustCompile(`^hvn_[a-z2-7]{52}$`)

// lastLine returns the last line of out.
func lastLine(out string) string {
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	return lines[len(lines)-1]
}

func TestToken(t *testing.T) {
	t.Parallel()
	dir := migrated(t)
	must(t, nil, "user", "create", "--data", dir, "--email", "ci@example.org", "--password", goodPassword)

	r := must(t, nil, "token", "create", "--data", dir, "--email", "ci@example.org", "--name", "deploy bot")
	secret := lastLine(r.stdout)
	if !tokenRE.MatchString(secret) {
		t.Fatalf("last line of stdout %q does not match %s", secret, tokenRE)
	}
	if !strings.HasSuffix(r.stdout, secret+"\n") || strings.Count(r.stdout, "\n") != 1 {
		t.Errorf("stdout %q, want the token alone", r.stdout)
	}
	if !strings.Contains(r.stderr, "shown once") {
		t.Errorf("stderr %q, want a note that the token is shown once", r.stderr)
	}

	a := openApp(t, dir)
	actor, err := a.AuthenticateToken(t.Context(), secret, "192.0.2.1", "curl")
	if err != nil || actor.User.Email != "ci@example.org" {
		t.Fatalf("AuthenticateToken = %v, %v; want ci@example.org", actor.User, err)
	}

	r = must(t, nil, "token", "create", "--data", dir, "--email", "ci@example.org", "--name", "nightly", "--expires-days", "30")
	if !tokenRE.MatchString(lastLine(r.stdout)) {
		t.Errorf("second token %q", r.stdout)
	}

	tokens := map[string]map[string]string{} // by name
	for _, row := range table(t, must(t, nil, "token", "list", "--data", dir, "--email", "ci@example.org").stdout) {
		tokens[row["NAME"]] = row
	}
	first, nightly := tokens["deploy bot"], tokens["nightly"]
	if len(tokens) != 2 || first == nil || nightly == nil {
		t.Fatalf("token list = %v, want deploy bot and nightly", tokens)
	}
	if first["EXPIRES"] != "never" || first["STATUS"] != "active" || first["PREFIX"] != secret[:10]+"…" {
		t.Errorf("token list row = %v, want never, active, prefix %s…", first, secret[:10])
	}
	if want := time.Now().AddDate(0, 0, 30).UTC().Format("2006-01-02"); nightly["EXPIRES"] != want {
		t.Errorf("nightly EXPIRES = %q, want %s", nightly["EXPIRES"], want)
	}

	r = must(t, nil, "token", "revoke", "--data", dir, "--email", "ci@example.org", "--id", first["ID"])
	if r.stdout != "revoked token "+first["ID"]+" of ci@example.org\n" {
		t.Errorf("revoke printed %q", r.stdout)
	}
	if _, err := a.AuthenticateToken(t.Context(), secret, "192.0.2.1", "curl"); !errors.Is(err, haven.ErrUnauthenticated) {
		t.Errorf("revoked token: AuthenticateToken err = %v, want ErrUnauthenticated", err)
	}
	for _, row := range table(t, must(t, nil, "token", "list", "--data", dir, "--email", "ci@example.org").stdout) {
		if want := map[bool]string{true: "revoked", false: "active"}[row["ID"] == first["ID"]]; row["STATUS"] != want {
			t.Errorf("after revoking %s, token %s STATUS = %q, want %s", first["ID"], row["ID"], row["STATUS"], want)
		}
	}
	fails(t, 1, "ci@example.org has no active token "+first["ID"], "token", "revoke", "--data", dir, "--email", "ci@example.org", "--id", first["ID"])

	// Another account cannot revoke it, and learns nothing.
	must(t, nil, "user", "create", "--data", dir, "--email", "other@example.org", "--password", goodPassword)
	fails(t, 1, "other@example.org has no active token "+nightly["ID"], "token", "revoke", "--data", dir, "--email", "other@example.org", "--id", nightly["ID"])

	fails(t, 1, "--name: Give the token a name", "token", "create", "--data", dir, "--email", "ci@example.org")
	fails(t, 1, "--expires-days: Choose between 1 and 366 days", "token", "create", "--data", dir, "--email", "ci@example.org", "--name", "x", "--expires-days", "400")
	fails(t, 1, "no account with address nobody@example.org", "token", "create", "--data", dir, "--email", "nobody@example.org", "--name", "x")
	fails(t, 2, "--email is required", "token", "list", "--data", dir)
}

func TestEnvironment(t *testing.T) {
	t.Parallel()
	dir := migrated(t)
	must(t, nil, "user", "create", "--data", dir, "--email", "env@example.org", "--password", goodPassword)

	r := must(t, map[string]string{"HAVEN_DATA": dir}, "user", "list")
	if !strings.Contains(r.stdout, "env@example.org") {
		t.Errorf("HAVEN_DATA=%s user list = %q, want env@example.org", dir, r.stdout)
	}
	// The flag wins over the variable.
	r = must(t, map[string]string{"HAVEN_DATA": t.TempDir()}, "migrate", "--data", dir)
	if !strings.HasPrefix(r.stdout, "applied 0 migrations") {
		t.Errorf("--data beside HAVEN_DATA: migrate printed %q, want it to use --data", r.stdout)
	}

	for name, value := range map[string]string{
		"HAVEN_SESSION_IDLE": "forever",
		"HAVEN_MIGRATE":      "maybe",
	} {
		r = runHaven(t, map[string]string{"HAVEN_DATA": dir, name: value}, "serve")
		if r.code != 2 || !strings.Contains(r.stderr, "$"+name) {
			t.Errorf("%s=%s serve: exit %d, stderr %q; want exit 2 naming $%s", name, value, r.code, r.stderr, name)
		}
	}
	r = runHaven(t, map[string]string{"HAVEN_DATA": dir, "HAVEN_LOG_FORMAT": "xml"}, "user", "list")
	if r.code != 2 || !strings.Contains(r.stderr, `--log-format: "xml"`) {
		t.Errorf("HAVEN_LOG_FORMAT=xml: exit %d, stderr %q", r.code, r.stderr)
	}
}

// postgresURL returns the URL of a fresh schema on the test server, dropped
// when the test ends.
func postgresURL(t *testing.T) string {
	t.Helper()
	return storetest.FreshPostgresURL(t)
}

func TestPostgres(t *testing.T) {
	t.Parallel()
	dbURL := postgresURL(t)
	dir := t.TempDir() // files only

	fails(t, 1, "run 'haven migrate'", "user", "list", "--data", dir, "--database-url", dbURL)

	r := must(t, nil, "migrate", "--data", dir, "--database-url", dbURL)
	if !regexp.MustCompile(`^applied [1-9]\d* migrations; postgres schema is at version \d+\n$`).MatchString(r.stdout) {
		t.Errorf("migrate printed %q", r.stdout)
	}
	must(t, nil, "user", "create", "--database-url", dbURL, "--data", dir, "--email", "pg@example.org", "--password", goodPassword, "--admin")
	fails(t, 1, "--email: An account with this address exists already.",
		"user", "create", "--database-url", dbURL, "--data", dir, "--email", "pg@example.org", "--password", goodPassword)

	env := map[string]string{"HAVEN_DATABASE_URL": dbURL, "HAVEN_DATA": dir}
	rows := table(t, must(t, env, "user", "list").stdout)
	if len(rows) != 1 || rows[0]["EMAIL"] != "pg@example.org" || rows[0]["ADMIN"] != "true" {
		t.Errorf("user list on PostgreSQL = %v", rows)
	}
	secret := lastLine(must(t, env, "token", "create", "--email", "pg@example.org", "--name", "pg").stdout)
	if !tokenRE.MatchString(secret) {
		t.Errorf("token %q", secret)
	}
	db, err := store.Open(t.Context(), dir, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := app.New(db, app.Config{}).AuthenticateToken(t.Context(), secret, "192.0.2.1", ""); err != nil {
		t.Errorf("token created on PostgreSQL does not authenticate: %v", err)
	}
	// Nothing went to an SQLite file.
	if m, _ := filepath.Glob(filepath.Join(dir, "*.db")); len(m) != 0 {
		t.Errorf("--database-url still created %v", m)
	}
}

func TestDescribe(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want string
	}{
		{haven.Invalid("display_name", "Too long."), "--name: Too long."},
		{haven.Invalid("expires_in_days", "Too far."), "--expires-days: Too far."},
		{(&haven.InvalidError{Msg: "Nope."}).Add("password", "Weak.").Add("email", "Bad."), "Nope.; --email: Bad.; --password: Weak."},
		{haven.ErrNotFound, "not found"},
		{errors.New("disk full"), "disk full"},
	} {
		if got := describe(tc.err); got != tc.want {
			t.Errorf("describe(%v) = %q, want %q", tc.err, got, tc.want)
		}
	}
}
