package store_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/haven-project/haven/internal/haven"
	"github.com/haven-project/haven/internal/store"
	"github.com/haven-project/haven/internal/storetest"
)

var t0 = time.Date(2026, 11, 22, 10, 0, 0, 123456000, time.UTC)

func TestUsers(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		u, err := db.InsertUser(ctx, store.NewUser{Email: "Alice@Example.test", PasswordHash: "h"}, t0)
		if err != nil {
			t.Fatal(err)
		}
		if u.Verified() || u.Admin || !u.CreatedAt.Equal(t0) {
			t.Errorf("new user = %+v", u)
		}
		if _, err := db.InsertUser(ctx, store.NewUser{Email: "alice@example.TEST", PasswordHash: "h"}, t0); !errors.Is(err, haven.ErrConflict) {
			t.Errorf("second insert with other case: err = %v, want ErrConflict", err)
		}
		got, err := db.UserByEmail(ctx, "ALICE@example.test")
		if err != nil || got.ID != u.ID {
			t.Fatalf("UserByEmail = %v, %v", got, err)
		}
		if _, err := db.UserByEmail(ctx, "nobody@example.test"); !errors.Is(err, haven.ErrNotFound) {
			t.Errorf("UserByEmail(unknown) err = %v, want ErrNotFound", err)
		}
		if err := db.MarkVerified(ctx, u.ID, t0); err != nil {
			t.Fatal(err)
		}
		later := t0.Add(time.Hour)
		if err := db.SetDisabled(ctx, u.ID, &later, later); err != nil {
			t.Fatal(err)
		}
		got, _ = db.User(ctx, u.ID)
		if !got.Verified() || !got.Disabled() || !got.DisabledAt.Equal(later) {
			t.Errorf("after verify+disable: %+v", got)
		}
		if _, err := db.User(ctx, 9999); !errors.Is(err, haven.ErrNotFound) {
			t.Errorf("User(9999) err = %v", err)
		}
	})
}

func TestTOTPStepIsUsedOnce(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		u, _ := db.InsertUser(ctx, store.NewUser{Email: "a@x.test", PasswordHash: "h"}, t0)
		if err := db.SetTOTPSecret(ctx, u.ID, "SECRET", t0); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		ok := 0
		for range 10 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if db.UseTOTPStep(ctx, u.ID, 1000) == nil {
					mu.Lock()
					ok++
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		if ok != 1 {
			t.Errorf("%d of 10 concurrent uses of one step succeeded, want 1", ok)
		}
		if err := db.UseTOTPStep(ctx, u.ID, 999); !errors.Is(err, haven.ErrConflict) {
			t.Errorf("older step: err = %v, want ErrConflict", err)
		}
	})
}

func TestOneTimeTokenSingleUse(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		u, _ := db.InsertUser(ctx, store.NewUser{Email: "a@x.test", PasswordHash: "h"}, t0)
		tok := store.OneTimeToken{Purpose: "reset", UserID: u.ID, CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)}
		if err := db.InsertOneTimeToken(ctx, "hash1", tok); err != nil {
			t.Fatal(err)
		}
		if _, err := db.UseOneTimeToken(ctx, "verify", "hash1", t0); !errors.Is(err, haven.ErrNotFound) {
			t.Errorf("wrong purpose: err = %v", err)
		}
		if _, err := db.UseOneTimeToken(ctx, "reset", "hash1", t0.Add(2*time.Hour)); !errors.Is(err, haven.ErrNotFound) {
			t.Errorf("expired: err = %v", err)
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		ok := 0
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if got, err := db.UseOneTimeToken(ctx, "reset", "hash1", t0.Add(time.Minute)); err == nil && got.UserID == u.ID {
					mu.Lock()
					ok++
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		if ok != 1 {
			t.Errorf("%d of 8 concurrent uses succeeded, want 1", ok)
		}
	})
}

func TestSessionsAndTokens(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		u, _ := db.InsertUser(ctx, store.NewUser{Email: "a@x.test", PasswordHash: "h"}, t0)
		other, _ := db.InsertUser(ctx, store.NewUser{Email: "b@x.test", PasswordHash: "h"}, t0)
		var ids []int64
		for i, h := range []string{"s1", "s2", "s3"} {
			s, err := db.InsertSession(ctx, h, haven.Session{UserID: u.ID, CreatedAt: t0, LastSeenAt: t0.Add(time.Duration(i) * time.Minute),
				ReauthAt: t0, ExpiresAt: t0.Add(24 * time.Hour)})
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, s.ID)
		}
		got, err := db.SessionByHash(ctx, "s2")
		if err != nil || got.ID != ids[1] || !got.ExpiresAt.Equal(t0.Add(24*time.Hour)) {
			t.Fatalf("SessionByHash = %+v, %v", got, err)
		}
		if err := db.DeleteSession(ctx, other.ID, ids[0]); !errors.Is(err, haven.ErrNotFound) {
			t.Errorf("deleting another account's session: err = %v, want ErrNotFound", err)
		}
		n, err := db.DeleteSessions(ctx, u.ID, ids[2])
		if err != nil || n != 2 {
			t.Errorf("DeleteSessions = %d, %v; want 2", n, err)
		}
		list, _ := db.Sessions(ctx, u.ID)
		if len(list) != 1 || list[0].ID != ids[2] {
			t.Errorf("left sessions = %+v", list)
		}
		// idle expiry compares stored times: ordering must hold across
		// fractional seconds.
		n, err = db.DeleteExpiredSessions(ctx, t0, t0.Add(2*time.Minute+time.Microsecond))
		if err != nil || n != 1 {
			t.Errorf("DeleteExpiredSessions = %d, %v; want 1", n, err)
		}

		tok, err := db.InsertToken(ctx, "th", haven.Token{UserID: u.ID, Name: "ci", Prefix: "hvn_ab", CreatedAt: t0})
		if err != nil {
			t.Fatal(err)
		}
		if err := db.RevokeToken(ctx, other.ID, tok.ID, t0); !errors.Is(err, haven.ErrNotFound) {
			t.Errorf("revoking another account's token: err = %v", err)
		}
		if err := db.RevokeToken(ctx, u.ID, tok.ID, t0); err != nil {
			t.Fatal(err)
		}
		byHash, err := db.TokenByHash(ctx, "th")
		if err != nil || byHash.Active(t0) {
			t.Errorf("revoked token: %+v, %v", byHash, err)
		}
	})
}

func TestThrottleWindow(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := 15 * time.Minute
		for i := 1; i <= 3; i++ {
			n, _, err := db.Throttle(ctx, "k", t0.Add(time.Duration(i)*time.Second), w)
			if err != nil || n != i {
				t.Fatalf("Throttle #%d = %d, %v", i, n, err)
			}
		}
		if n, _, _ := db.ThrottleCount(ctx, "k", t0.Add(time.Minute), w); n != 3 {
			t.Errorf("ThrottleCount = %d, want 3", n)
		}
		if n, _, _ := db.ThrottleCount(ctx, "k", t0.Add(w+time.Hour), w); n != 0 {
			t.Errorf("ThrottleCount after window = %d, want 0", n)
		}
		n, start, err := db.Throttle(ctx, "k", t0.Add(w+time.Hour), w)
		if err != nil || n != 1 || !start.Equal(dbT(t0.Add(w+time.Hour))) {
			t.Errorf("new window: %d, %v, %v", n, start, err)
		}
	})
}

func dbT(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }
