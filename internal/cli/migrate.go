package cli

import (
	"context"
	"fmt"

	"github.com/haven-project/haven/internal/config"
	"github.com/haven-project/haven/internal/store"
)

func migrate(ctx context.Context, e env, args []string) error {
	var cfg config.Config
	fs, err := newFlagSet(e, "migrate", &cfg)
	if err != nil {
		return usageError{err}
	}
	if err := parse(fs, &cfg, args); err != nil {
		return err
	}
	db, err := store.Open(ctx, cfg.Data, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer db.Close()
	n, err := db.Migrate(ctx)
	if err != nil {
		return err
	}
	cur, _, err := db.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "applied %d migrations; %s schema is at version %d\n", n, db.Dialect(), cur)
	return nil
}
