package store_test

import (
	"context"
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/haven-project/haven/internal/store"
	"github.com/haven-project/haven/internal/storetest"
)

func TestMigrate(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		cur, target, err := db.SchemaVersion(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if cur != target || cur == 0 {
			t.Errorf("after Migrate: version %d, target %d", cur, target)
		}
		n, err := db.Migrate(ctx)
		if err != nil || n != 0 {
			t.Errorf("second Migrate applied %d, err %v; want 0, nil", n, err)
		}
		if err := db.Ping(ctx); err != nil {
			t.Errorf("Ping: %v", err)
		}
	})
}

// TestMigrationsAgree checks that both dialects end with the same tables
// and columns.
func TestMigrationsAgree(t *testing.T) {
	lite := storetest.SQLite(t)
	pg := storetest.Postgres(t)
	ctx := context.Background()
	a, err := lite.Columns(ctx)
	if err != nil {
		t.Fatal(err)
	}
	b, err := pg.Columns(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(a)
	sort.Strings(b)
	if diff := cmp.Diff(a, b); diff != "" {
		t.Errorf("sqlite and postgres schemas differ (-sqlite +postgres):\n%s", diff)
	}
}
