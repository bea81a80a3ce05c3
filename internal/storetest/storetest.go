// Package storetest runs a test against every database Haven supports:
// SQLite always, PostgreSQL when HAVEN_TEST_DATABASE_URL names a server.
// Without one the PostgreSQL half skips, unless HAVEN_TEST_POSTGRES=required
// (as in CI), where it fails.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/haven-project/haven/internal/store"
)

// Run runs fn as subtest "sqlite" on a fresh migrated SQLite database and
// as subtest "postgres" on a fresh migrated schema of the PostgreSQL server
// named by HAVEN_TEST_DATABASE_URL.
func Run(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, SQLite(t)) })
	t.Run("postgres", func(t *testing.T) { fn(t, Postgres(t)) })
}

// SQLite returns a migrated SQLite database in a temporary directory.
func SQLite(t testing.TB) *store.DB {
	t.Helper()
	ctx := context.Background()
	db, err := store.OpenSQLite(ctx, filepath.Join(t.TempDir(), "haven.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return db
}

// PostgresURL returns the test server's URL, skipping (or failing, when
// PostgreSQL is required) if there is none.
func PostgresURL(t testing.TB) string {
	t.Helper()
	u := os.Getenv("HAVEN_TEST_DATABASE_URL")
	if u == "" {
		if os.Getenv("HAVEN_TEST_POSTGRES") == "required" {
			t.Fatal("HAVEN_TEST_POSTGRES=required but HAVEN_TEST_DATABASE_URL is not set")
		}
		t.Skip("PostgreSQL tests skipped: HAVEN_TEST_DATABASE_URL is not set")
	}
	return u
}

// FreshPostgresURL creates an empty schema on the test server and returns
// a URL whose connections use it (search_path); the schema is dropped when
// the test ends.
func FreshPostgresURL(t testing.TB) string {
	t.Helper()
	ctx := context.Background()
	base := PostgresURL(t)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if err := admin.PingContext(ctx); err != nil {
		t.Fatalf("PostgreSQL at HAVEN_TEST_DATABASE_URL does not answer: %v", err)
	}
	b := make([]byte, 6)
	rand.Read(b)
	schema := "haven_test_" + hex.EncodeToString(b)
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		a, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer a.Close()
		a.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// Postgres returns a migrated database in a fresh schema of the test
// server; the schema is dropped when the test ends. Tests may run in
// parallel.
func Postgres(t testing.TB) *store.DB {
	t.Helper()
	p, err := sql.Open("pgx", FreshPostgresURL(t))
	if err != nil {
		t.Fatal(err)
	}
	p.SetMaxOpenConns(10)
	db := store.OpenPostgresPool(p)
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return db
}
