package store

import (
	"context"
	"fmt"
	"time"
)

// InstanceKey records which secret key this database's sealed values need:
// the key's fingerprint and a known text sealed with it. The key itself is
// never stored in the database.
type InstanceKey struct {
	KeyID      string
	CheckValue string
	CreatedAt  time.Time
}

// InstanceKey returns the database's key record, or haven.ErrNotFound on a
// database that has none yet (a fresh instance).
func (db *DB) InstanceKey(ctx context.Context) (*InstanceKey, error) {
	var k InstanceKey
	err := db.queryRow(ctx, `SELECT key_id, check_value, created_at FROM instance_key WHERE id = 1`).
		Scan(&k.KeyID, &k.CheckValue, &k.CreatedAt)
	if err != nil {
		return nil, fmt.Errorf("store.InstanceKey: %w", db.scanErr(err))
	}
	k.CreatedAt = k.CreatedAt.UTC()
	return &k, nil
}

// InsertInstanceKey records the key of a fresh instance. There is one
// record at most: when another process recorded one first, it returns
// haven.ErrConflict and the caller should read and check that one.
func (db *DB) InsertInstanceKey(ctx context.Context, k InstanceKey) error {
	_, err := db.exec(ctx, `INSERT INTO instance_key (id, key_id, check_value, created_at) VALUES (1, $1, $2, $3)`,
		k.KeyID, k.CheckValue, dbTime(k.CreatedAt))
	if err != nil {
		return fmt.Errorf("store.InsertInstanceKey: %w", err)
	}
	return nil
}
