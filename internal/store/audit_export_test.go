package store

import "context"

// ExecForTest runs a raw statement on the writer, bypassing every method,
// so that tests can tamper with rows the store never changes itself.
func (db *DB) ExecForTest(ctx context.Context, query string, args ...any) error {
	_, err := db.wr.ExecContext(ctx, query, args...)
	return err
}
