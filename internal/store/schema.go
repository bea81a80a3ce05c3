package store

import (
	"context"
	"fmt"
	"strings"
)

// Columns lists "table.column" for every table of Haven's schema, so a
// test can check that both dialects' migrations agree.
func (db *DB) Columns(ctx context.Context) ([]string, error) {
	var q string
	switch db.d.name {
	case "sqlite":
		q = `SELECT m.name || '.' || p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p
		     WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE 'goose_%'`
	default:
		q = `SELECT table_name || '.' || column_name FROM information_schema.columns
		     WHERE table_schema = current_schema() AND table_name NOT LIKE 'goose_%'`
	}
	rows, err := db.query(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("store.Columns: %w", err)
	}
	defer rows.Close()
	var cols []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, err
		}
		cols = append(cols, strings.ToLower(c))
	}
	return cols, rows.Err()
}
