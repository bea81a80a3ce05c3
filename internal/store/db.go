package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/haven-project/haven/internal/haven"
	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// DB is a handle on Haven's database. It may represent a transaction:
// methods called on the *DB that Tx passes to its function run inside it.
type DB struct {
	d    *dialect
	read querier // reads outside a transaction
	wr   querier // writes; on SQLite the single writer connection
	// pools, kept to close them; nil inside a transaction
	readPool, writePool *sql.DB
	inTx                bool
}

type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// dialect holds the little that differs between the two databases.
type dialect struct {
	name      string // "sqlite" or "postgres"
	translate func(error) error
}

// Dialect returns "sqlite" or "postgres", for diagnostics and tests.
func (db *DB) Dialect() string { return db.d.name }

// Open opens the PostgreSQL database at databaseURL when it is set, and
// otherwise the SQLite database haven.db in the directory dataDir, which it
// creates. It does not migrate; see Migrate and SchemaStatus.
func Open(ctx context.Context, dataDir, databaseURL string) (*DB, error) {
	if databaseURL != "" {
		return openPostgres(ctx, databaseURL)
	}
	if dataDir == "" {
		return nil, errors.New("store: no data directory and no database URL")
	}
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, fmt.Errorf("store: create data directory: %w", err)
	}
	return OpenSQLite(ctx, filepath.Join(dataDir, "haven.db"))
}

// SQLiteExists reports whether dataDir holds a Haven SQLite database.
func SQLiteExists(dataDir string) bool {
	_, err := os.Stat(filepath.Join(dataDir, "haven.db"))
	return err == nil
}

// OpenSQLite opens (creating it if need be) the SQLite database file at
// path in WAL mode with synchronous=FULL and foreign keys on. Writes go
// through one connection (SQLite has one writer); reads use a small pool.
func OpenSQLite(ctx context.Context, path string) (*DB, error) {
	q := url.Values{}
	for _, p := range []string{"journal_mode(WAL)", "synchronous(FULL)", "foreign_keys(1)", "busy_timeout(10000)"} {
		q.Add("_pragma", p)
	}
	q.Set("_time_format", "sqlite")
	q.Set("_txlock", "immediate")
	dsn := "file:" + path + "?" + q.Encode()
	w, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("store: open sqlite: %w", err)
	}
	w.SetMaxOpenConns(1)
	w.SetConnMaxIdleTime(0)
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("store: open sqlite %s: %w", path, err)
	}
	q.Add("_pragma", "query_only(1)")
	r, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("store: open sqlite: %w", err)
	}
	r.SetMaxOpenConns(4)
	return &DB{d: sqliteDialect, read: r, wr: w, readPool: r, writePool: w}, nil
}

func openPostgres(ctx context.Context, databaseURL string) (*DB, error) {
	p, err := sql.Open("pgx", databaseURL)
	if err != nil {
		return nil, fmt.Errorf("store: open postgres: %w", err)
	}
	p.SetMaxOpenConns(20)
	p.SetConnMaxIdleTime(5 * time.Minute)
	if err := p.PingContext(ctx); err != nil {
		p.Close()
		return nil, fmt.Errorf("store: connect to postgres: %w", redactURLError(err))
	}
	return &DB{d: postgresDialect, read: p, wr: p, writePool: p}, nil
}

// OpenPostgresPool wraps an already opened pgx pool (tests use it with a
// per-test search_path).
func OpenPostgresPool(p *sql.DB) *DB {
	return &DB{d: postgresDialect, read: p, wr: p, writePool: p}
}

// redactURLError keeps connection errors from echoing a password.
func redactURLError(err error) error {
	return errors.New(strings.ReplaceAll(err.Error(), "password=", "password=<redacted>"))
}

// Close closes the pools. It is a no-op inside a transaction.
func (db *DB) Close() error {
	if db.inTx {
		return nil
	}
	var err error
	if db.readPool != nil {
		err = db.readPool.Close()
	}
	if db.writePool != nil && db.writePool != db.readPool {
		err = errors.Join(err, db.writePool.Close())
	}
	return err
}

// Ping reports whether the database answers.
func (db *DB) Ping(ctx context.Context) error {
	var one int
	return db.read.QueryRowContext(ctx, "SELECT 1").Scan(&one)
}

// Tx runs fn in a transaction and commits if fn returns nil. It rolls back
// on error or panic. Inside a transaction, Tx simply calls fn.
func (db *DB) Tx(ctx context.Context, fn func(tx *DB) error) (err error) {
	if db.inTx {
		return fn(db)
	}
	sqlTx, err := db.writePool.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: begin: %w", db.d.translate(err))
	}
	defer func() {
		if p := recover(); p != nil {
			sqlTx.Rollback()
			panic(p)
		}
		if err != nil {
			sqlTx.Rollback()
			return
		}
		if cerr := sqlTx.Commit(); cerr != nil {
			err = fmt.Errorf("store: commit: %w", db.d.translate(cerr))
		}
	}()
	return fn(&DB{d: db.d, read: sqlTx, wr: sqlTx, inTx: true})
}

// exec runs a write statement.
func (db *DB) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	res, err := db.wr.ExecContext(ctx, query, args...)
	return res, db.d.translate(err)
}

// execOne runs a write that must change exactly one row; otherwise it
// returns haven.ErrNotFound (the row is gone or a compare-and-set lost).
func (db *DB) execOne(ctx context.Context, query string, args ...any) error {
	res, err := db.exec(ctx, query, args...)
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n != 1 {
		return haven.ErrNotFound
	}
	return nil
}

// queryRow runs a read returning one row. Inside a transaction it reads
// through the transaction.
func (db *DB) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	return db.read.QueryRowContext(ctx, query, args...)
}

// query runs a read returning rows.
func (db *DB) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	rows, err := db.read.QueryContext(ctx, query, args...)
	return rows, db.d.translate(err)
}

// insertID runs an INSERT ... RETURNING id on the writer and returns the id.
func (db *DB) insertID(ctx context.Context, query string, args ...any) (int64, error) {
	var id int64
	err := db.wr.QueryRowContext(ctx, query, args...).Scan(&id)
	return id, db.d.translate(err)
}

// scanErr translates a Scan error (no rows → haven.ErrNotFound).
func (db *DB) scanErr(err error) error { return db.d.translate(err) }

var sqliteDialect = &dialect{
	name: "sqlite",
	translate: func(err error) error {
		if err == nil {
			return nil
		}
		if errors.Is(err, sql.ErrNoRows) {
			return haven.ErrNotFound
		}
		var se *sqlite.Error
		if errors.As(err, &se) {
			switch se.Code() {
			case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
				return fmt.Errorf("%w: %v", haven.ErrConflict, err)
			}
		}
		return err
	},
}

var postgresDialect = &dialect{
	name: "postgres",
	translate: func(err error) error {
		if err == nil {
			return nil
		}
		if errors.Is(err, sql.ErrNoRows) {
			return haven.ErrNotFound
		}
		var pe *pgconn.PgError
		if errors.As(err, &pe) {
			switch pe.Code {
			case "23505": // unique_violation
				return fmt.Errorf("%w: %v", haven.ErrConflict, err)
			case "40001", "40P01": // serialization_failure, deadlock_detected
				return fmt.Errorf("%w: %v", haven.ErrConflict, err)
			}
		}
		return err
	},
}

// now normalises a time for storage: UTC, microsecond precision (what
// PostgreSQL keeps), so that values read back compare equal.
func dbTime(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// nullTime converts an optional time for storage.
func nullTime(t *time.Time) any {
	if t == nil {
		return nil
	}
	return dbTime(*t)
}

// timePtr converts a scanned nullable time.
func timePtr(nt sql.NullTime) *time.Time {
	if !nt.Valid {
		return nil
	}
	t := nt.Time.UTC()
	return &t
}
