package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/haven-project/haven/internal/haven"
	"github.com/haven-project/haven/internal/store"
	"github.com/haven-project/haven/internal/storetest"
)

func TestInstanceKey(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if _, err := db.InstanceKey(ctx); !errors.Is(err, haven.ErrNotFound) {
			t.Fatalf("fresh database: InstanceKey err = %v, want ErrNotFound", err)
		}
		want := store.InstanceKey{KeyID: "0123abcd", CheckValue: "v1:check", CreatedAt: t0}
		if err := db.InsertInstanceKey(ctx, want); err != nil {
			t.Fatal(err)
		}
		got, err := db.InstanceKey(ctx)
		if err != nil || *got != want {
			t.Fatalf("InstanceKey = %+v, %v; want %+v", got, err, want)
		}
		// One record only: a second instance key is refused, the first stays.
		if err := db.InsertInstanceKey(ctx, store.InstanceKey{KeyID: "ffffffff", CheckValue: "v1:x", CreatedAt: t0}); !errors.Is(err, haven.ErrConflict) {
			t.Errorf("second InsertInstanceKey err = %v, want ErrConflict", err)
		}
		if got, _ := db.InstanceKey(ctx); got.KeyID != want.KeyID {
			t.Errorf("after a refused insert the key is %s, want %s", got.KeyID, want.KeyID)
		}
	})
}

func TestSealTOTPSecrets(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		plain, _ := db.InsertUser(ctx, store.NewUser{Email: "plain@example.test", PasswordHash: "h"}, t0)
		sealed, _ := db.InsertUser(ctx, store.NewUser{Email: "sealed@example.test", PasswordHash: "h"}, t0)
		none, _ := db.InsertUser(ctx, store.NewUser{Email: "none@example.test", PasswordHash: "h"}, t0)
		db.SetTOTPSecret(ctx, plain.ID, "JBSWY3DPEHPK3PXP", t0)
		db.SetTOTPSecret(ctx, sealed.ID, "v1:already", t0)
		isSealed := func(s string) bool { return strings.HasPrefix(s, "v1:") }
		fake := func(id int64, s string) string { return "v1:" + strings.ToLower(s) }
		n, err := db.SealTOTPSecrets(ctx, isSealed, fake)
		if err != nil || n != 1 {
			t.Fatalf("SealTOTPSecrets = %d, %v; want 1", n, err)
		}
		for id, want := range map[int64]string{plain.ID: "v1:jbswy3dpehpk3pxp", sealed.ID: "v1:already", none.ID: ""} {
			if st, _ := db.TOTP(ctx, id); st.Secret != want {
				t.Errorf("user %d secret %q, want %q", id, st.Secret, want)
			}
		}
		if n, err := db.SealTOTPSecrets(ctx, isSealed, fake); err != nil || n != 0 {
			t.Errorf("second run = %d, %v; want 0 (nothing left to seal)", n, err)
		}
	})
}
