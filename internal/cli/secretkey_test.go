package cli

import (
	"database/sql"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/haven-project/haven/internal/app"
	"github.com/haven-project/haven/internal/haven"
	"github.com/haven-project/haven/internal/seal"
	"github.com/haven-project/haven/internal/store"
	"github.com/pquerna/otp/totp"
)

// testDB is a migrated database for a command line test: the storage flags
// that reach it, and a way to reach it with plain SQL.
type testDB struct {
	dir, url string   // --data and --database-url ("" for SQLite)
	args     []string // the storage flags
}

// eachDB runs fn on a migrated SQLite database and, when the test server
// is there, a migrated PostgreSQL schema.
func eachDB(t *testing.T, fn func(t *testing.T, d testDB)) {
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		d := testDB{dir: t.TempDir()}
		d.args = []string{"--data", d.dir}
		must(t, nil, append([]string{"migrate"}, d.args...)...)
		fn(t, d)
	})
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		d := testDB{dir: t.TempDir(), url: postgresURL(t)}
		d.args = []string{"--data", d.dir, "--database-url", d.url}
		must(t, nil, append([]string{"migrate"}, d.args...)...)
		fn(t, d)
	})
}

// sql opens the database with database/sql, bypassing Haven.
func (d testDB) sql(t *testing.T) *sql.DB {
	t.Helper()
	driver, dsn := "sqlite", "file:"+filepath.Join(d.dir, "haven.db")
	if d.url != "" {
		driver, dsn = "pgx", d.url
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func (d testDB) serve(extra ...string) []string {
	return append(append([]string{"serve", "--addr", "127.0.0.1:0"}, d.args...), extra...)
}

// TestSecretKey checks that Haven refuses to run on data it cannot decrypt
// (SECURITY.md A7): the first start creates the key file; later starts,
// and every command that opens the store, need that very file.
func TestSecretKey(t *testing.T) {
	t.Parallel()
	eachDB(t, func(t *testing.T, d testDB) {
		path := filepath.Join(d.dir, "secret.key")
		s := start(t, nil, d.serve()...)
		if !strings.Contains(s.stderr.String(), path) || !strings.Contains(s.stderr.String(), "back it up with the database") {
			t.Errorf("first start does not tell where the new key is and to back it up:\n%s", s.stderr)
		}
		s.stopped(t)
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatalf("first start made no key file: %v", err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("key file mode %#o, want 0600", fi.Mode().Perm())
		}
		key, err := seal.LoadKey(path)
		if err != nil {
			t.Fatal(err)
		}

		s = start(t, nil, d.serve()...)
		if strings.Contains(s.stderr.String(), "created the secret key") {
			t.Errorf("second start created a key again:\n%s", s.stderr)
		}
		s.stopped(t)
		must(t, nil, append([]string{"user", "list"}, d.args...)...)

		// The key file is gone (a restore without it): refuse, name the key.
		if err := os.Rename(path, path+".bak"); err != nil {
			t.Fatal(err)
		}
		missing := fmt.Sprintf("the database was set up with secret key %s, but %s does not exist", key.ID(), path)
		fails(t, 1, missing, d.serve()...)
		fails(t, 1, missing, append([]string{"user", "list"}, d.args...)...)
		if _, err := os.Stat(path); err == nil {
			t.Error("a refused start made a new key file")
		}

		// Another key: refuse.
		other, _ := seal.NewKey()
		if err := seal.WriteKey(path, other); err != nil {
			t.Fatal(err)
		}
		fails(t, 1, fmt.Sprintf("%s holds key %s, but this database needs key %s", path, other.ID(), key.ID()), d.serve()...)

		// The right key, elsewhere: --secret-key-file and its variable.
		if err := os.Remove(path); err != nil {
			t.Fatal(err)
		}
		elsewhere := filepath.Join(t.TempDir(), "haven.key")
		if err := os.Rename(path+".bak", elsewhere); err != nil {
			t.Fatal(err)
		}
		must(t, nil, append([]string{"user", "list", "--secret-key-file", elsewhere}, d.args...)...)
		start(t, map[string]string{"HAVEN_SECRET_KEY_FILE": elsewhere}, d.serve()...).stopped(t)

		// A key file others may read is refused.
		if err := os.Chmod(elsewhere, 0o644); err != nil {
			t.Fatal(err)
		}
		fails(t, 1, "chmod 600 "+elsewhere, d.serve("--secret-key-file", elsewhere)...)
	})
}

// TestPlaintextTOTPSecretSealed checks the upgrade of a database from
// before secrets were sealed: a two-factor secret in the clear is sealed at
// start, and its owner still logs in with a code.
func TestPlaintextTOTPSecretSealed(t *testing.T) {
	t.Parallel()
	eachDB(t, func(t *testing.T, d testDB) {
		const email, secret = "old@example.org", "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
		db, err := store.Open(t.Context(), d.dir, d.url)
		if err != nil {
			t.Fatal(err)
		}
		u, err := app.New(db, app.Config{}).CreateUser(t.Context(), haven.System, app.CreateUserInput{Email: email, Password: goodPassword})
		db.Close()
		if err != nil {
			t.Fatal(err)
		}
		raw := d.sql(t)
		if _, err := raw.Exec(`UPDATE users SET totp_secret = $1, totp_enabled_at = $2 WHERE id = $3`,
			secret, time.Now().UTC(), u.ID); err != nil {
			t.Fatal(err)
		}

		s := start(t, nil, d.serve()...)
		var stored string
		if err := raw.QueryRow(`SELECT totp_secret FROM users WHERE id = $1`, u.ID).Scan(&stored); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(stored, "v1:") || strings.Contains(stored, secret) {
			t.Errorf("after start the secret is stored as %q, want it sealed", stored)
		}

		// Log in with the password, then a code from the same secret.
		resp := s.logIn(t, email, goodPassword)
		if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/login/two-factor") {
			t.Fatalf("log in: %d %s, want the two-factor step", resp.StatusCode, loc)
		}
		code, err := totp.GenerateCode(secret, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		req, _ := http.NewRequest("POST", s.url+"/login/two-factor", strings.NewReader(url.Values{"code": {code}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", s.url)
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		for _, c := range resp.Cookies() {
			req.AddCookie(c)
		}
		done, err := s.client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		done.Body.Close()
		if loc := done.Header.Get("Location"); done.StatusCode != http.StatusSeeOther || strings.HasPrefix(loc, "/login") {
			t.Errorf("two-factor step: %d %s, want signed in", done.StatusCode, loc)
		}
		s.stopped(t)

		// Sealing is once: a second start leaves the sealed value alone.
		start(t, nil, d.serve()...).stopped(t)
		var again string
		raw.QueryRow(`SELECT totp_secret FROM users WHERE id = $1`, u.ID).Scan(&again)
		if again != stored {
			t.Errorf("second start changed the sealed secret")
		}
	})
}
