package store_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/haven-project/haven/internal/haven"
	"github.com/haven-project/haven/internal/store"
	"github.com/haven-project/haven/internal/storetest"
)

var auditT0 = time.Date(2026, 11, 22, 10, 0, 0, 123456789, time.UTC)

const auditGenesis = "0000000000000000000000000000000000000000000000000000000000000000"

// appendAudit appends n entries, one second apart, and returns them.
func appendAudit(t *testing.T, db *store.DB, n int) []haven.AuditEntry {
	t.Helper()
	var es []haven.AuditEntry
	for i := range n {
		e, err := db.AppendAudit(context.Background(), haven.AuditEntry{
			At:      auditT0.Add(time.Duration(i) * time.Second),
			ActorID: int64(i + 1),
			Action:  "user.login",
			Target:  fmt.Sprintf("user:%d", i+1),
			Detail:  `{"ok":true}`,
			IP:      "192.0.2.1",
		})
		if err != nil {
			t.Fatal(err)
		}
		es = append(es, e)
	}
	return es
}

// verifyAudit runs VerifyAudit and fails the test if it cannot read.
func verifyAudit(t *testing.T, db *store.DB) (checked, firstBad int64) {
	t.Helper()
	checked, firstBad, err := db.VerifyAudit(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return checked, firstBad
}

func TestAuditAppendAndList(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if checked, bad := verifyAudit(t, db); checked != 0 || bad != 0 {
			t.Errorf("empty log: VerifyAudit = %d, %d; want 0, 0", checked, bad)
		}
		es := appendAudit(t, db, 5)
		for i, e := range es {
			if e.Seq != int64(i+1) {
				t.Errorf("entry %d: Seq = %d", i, e.Seq)
			}
			if i > 0 && e.PrevHash != es[i-1].Hash {
				t.Errorf("entry %d: PrevHash does not link to the previous entry", i)
			}
		}
		if es[0].PrevHash != auditGenesis {
			t.Errorf("first PrevHash = %q, want the genesis value", es[0].PrevHash)
		}
		if checked, bad := verifyAudit(t, db); checked != 5 || bad != 0 {
			t.Errorf("VerifyAudit = %d, %d; want 5, 0", checked, bad)
		}

		got, err := db.AuditEntries(ctx, 0, 10)
		if err != nil {
			t.Fatal(err)
		}
		want := []haven.AuditEntry{es[4], es[3], es[2], es[1], es[0]}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("AuditEntries(0, 10) mismatch (-want +got):\n%s", diff)
		}
		got, err = db.AuditEntries(ctx, 4, 2)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]haven.AuditEntry{es[2], es[1]}, got); diff != "" {
			t.Errorf("AuditEntries(4, 2) mismatch (-want +got):\n%s", diff)
		}
		if got, err := db.AuditEntries(ctx, 1, 10); err != nil || len(got) != 0 {
			t.Errorf("AuditEntries(1, 10) = %v, %v; want none", got, err)
		}
	})
}

// TestAuditHashFormat pins the hash: hex(SHA-256(prev_hash ‖ canonical
// JSON)). Changing it would break every existing chain.
func TestAuditHashFormat(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		e, err := db.AppendAudit(context.Background(), haven.AuditEntry{
			At: auditT0, ActorID: 7, Action: "report.disclose", Target: "report:9",
			Detail: `{"fields":["title"]}`, IP: "2001:db8::1",
		})
		if err != nil {
			t.Fatal(err)
		}
		canonical := `{"seq":1,"at":"2026-11-22T10:00:00.123456Z","actor_id":7,"action":"report.disclose",` +
			`"target":"report:9","detail":"{\"fields\":[\"title\"]}","ip":"2001:db8::1"}`
		sum := sha256.Sum256([]byte(auditGenesis + canonical))
		if want := hex.EncodeToString(sum[:]); e.Hash != want {
			t.Errorf("Hash = %s, want %s", e.Hash, want)
		}
		if want := auditT0.Truncate(time.Microsecond); !e.At.Equal(want) {
			t.Errorf("At = %v, want %v (microseconds)", e.At, want)
		}
	})
}

func TestAppendAuditRejects(t *testing.T) {
	db := storetest.SQLite(t)
	for _, tt := range []struct {
		name string
		e    haven.AuditEntry
	}{
		{"no time", haven.AuditEntry{Action: "x"}},
		{"no action", haven.AuditEntry{At: auditT0}},
		{"detail not JSON", haven.AuditEntry{At: auditT0, Action: "x", Detail: "{oops"}},
	} {
		if _, err := db.AppendAudit(context.Background(), tt.e); err == nil {
			t.Errorf("%s: AppendAudit succeeded, want error", tt.name)
		}
	}
	if checked, bad := verifyAudit(t, db); checked != 0 || bad != 0 {
		t.Errorf("after rejected appends: VerifyAudit = %d, %d; want 0, 0", checked, bad)
	}
}

// TestAuditOddText checks that text PostgreSQL would refuse (invalid UTF-8,
// NUL) is stored as hashed, so the chain verifies on both databases.
func TestAuditOddText(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		_, err := db.AppendAudit(context.Background(), haven.AuditEntry{
			At: auditT0, Action: "login.failed", Target: "email:\xff\x00x", IP: "\x00",
		})
		if err != nil {
			t.Fatal(err)
		}
		if checked, bad := verifyAudit(t, db); checked != 1 || bad != 0 {
			t.Errorf("VerifyAudit = %d, %d; want 1, 0", checked, bad)
		}
	})
}

// allowAuditChanges lifts the append-only guard, as an attacker with
// direct database access could.
func allowAuditChanges(t *testing.T, db *store.DB) {
	t.Helper()
	ctx := context.Background()
	stmts := []string{`ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change`}
	if db.Dialect() == "sqlite" {
		stmts = []string{`DROP TRIGGER audit_log_no_update`, `DROP TRIGGER audit_log_no_delete`}
	}
	for _, s := range stmts {
		if err := db.ExecForTest(ctx, s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

// rehash returns the hash VerifyAudit expects for e after prev.
func rehash(prev string, e haven.AuditEntry) string {
	canonical := fmt.Sprintf(`{"seq":%d,"at":%q,"actor_id":%d,"action":%q,"target":%q,"detail":%q,"ip":%q}`,
		e.Seq, e.At.UTC().Format(time.RFC3339Nano), e.ActorID, e.Action, e.Target, e.Detail, e.IP)
	sum := sha256.Sum256([]byte(prev + canonical))
	return hex.EncodeToString(sum[:])
}

func TestAuditTamperDetected(t *testing.T) {
	tests := []struct {
		name   string
		tamper []func(es []haven.AuditEntry) (string, []any)
		want   int64
	}{
		{"update a field", tamperSQL(`UPDATE audit_log SET action = 'user.logout' WHERE seq = 3`), 3},
		{"update the time", tamperSQL(`UPDATE audit_log SET at = $1 WHERE seq = 2`, auditT0.Add(-time.Hour)), 2},
		{"update prev_hash", tamperSQL(`UPDATE audit_log SET prev_hash = hash WHERE seq = 1`), 1},
		{"update and rehash", []func([]haven.AuditEntry) (string, []any){
			func(es []haven.AuditEntry) (string, []any) {
				e := es[2]
				e.Action = "user.logout"
				return `UPDATE audit_log SET action = $1, hash = $2 WHERE seq = 3`, []any{e.Action, rehash(e.PrevHash, e)}
			},
		}, 4},
		{"delete a middle row", tamperSQL(`DELETE FROM audit_log WHERE seq = 3`), 3},
		{"delete the tail", tamperSQL(`DELETE FROM audit_log WHERE seq >= 4`), 4},
		{"reorder", append(append(
			tamperSQL(`UPDATE audit_log SET seq = 100 WHERE seq = 2`),
			tamperSQL(`UPDATE audit_log SET seq = 2 WHERE seq = 3`)...),
			tamperSQL(`UPDATE audit_log SET seq = 3 WHERE seq = 100`)...), 2},
		{"forged append", []func([]haven.AuditEntry) (string, []any){
			func(es []haven.AuditEntry) (string, []any) {
				e := haven.AuditEntry{Seq: 6, At: auditT0.Add(time.Minute), Action: "user.login", Detail: "{}"}
				return `INSERT INTO audit_log (seq, at, actor_id, action, target, detail, ip, prev_hash, hash)
					VALUES ($1, $2, 0, $3, '', $4, '', $5, $6)`,
					[]any{e.Seq, e.At, e.Action, e.Detail, es[4].Hash, rehash(es[4].Hash, e)}
			},
		}, 6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			storetest.Run(t, func(t *testing.T, db *store.DB) {
				es := appendAudit(t, db, 5)
				allowAuditChanges(t, db)
				for _, f := range tt.tamper {
					q, args := f(es)
					if err := db.ExecForTest(context.Background(), q, args...); err != nil {
						t.Fatalf("%s: %v", q, err)
					}
				}
				if _, bad := verifyAudit(t, db); bad != tt.want {
					t.Errorf("VerifyAudit names seq %d, want %d", bad, tt.want)
				}
			})
		})
	}
}

// tamperSQL is a tampering step that needs nothing from the entries.
func tamperSQL(q string, args ...any) []func([]haven.AuditEntry) (string, []any) {
	return []func([]haven.AuditEntry) (string, []any){
		func([]haven.AuditEntry) (string, []any) { return q, args },
	}
}

func TestAuditLogIsAppendOnly(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		appendAudit(t, db, 2)
		for _, q := range []string{
			`UPDATE audit_log SET action = 'x' WHERE seq = 1`,
			`DELETE FROM audit_log WHERE seq = 2`,
			`DELETE FROM audit_log`,
		} {
			if err := db.ExecForTest(context.Background(), q); err == nil {
				t.Errorf("%s: succeeded, want the append-only trigger to refuse", q)
			}
		}
		if db.Dialect() == "postgres" {
			if err := db.ExecForTest(context.Background(), `TRUNCATE audit_log`); err == nil {
				t.Error("TRUNCATE audit_log succeeded")
			}
		}
		if checked, bad := verifyAudit(t, db); checked != 2 || bad != 0 {
			t.Errorf("VerifyAudit = %d, %d; want 2, 0", checked, bad)
		}
	})
}

// TestAuditRollsBackWithTx checks that an entry appended in a transaction
// that rolls back leaves no trace, not even a used sequence number.
func TestAuditRollsBackWithTx(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		appendAudit(t, db, 1)
		errRollback := errors.New("roll back")
		err := db.Tx(ctx, func(tx *store.DB) error {
			if _, err := tx.AppendAudit(ctx, haven.AuditEntry{At: auditT0, Action: "program.delete"}); err != nil {
				return err
			}
			return errRollback
		})
		if !errors.Is(err, errRollback) {
			t.Fatalf("Tx = %v, want %v", err, errRollback)
		}
		e, err := db.AppendAudit(ctx, haven.AuditEntry{At: auditT0, Action: "user.login"})
		if err != nil {
			t.Fatal(err)
		}
		if e.Seq != 2 {
			t.Errorf("Seq after rollback = %d, want 2", e.Seq)
		}
		if checked, bad := verifyAudit(t, db); checked != 2 || bad != 0 {
			t.Errorf("VerifyAudit = %d, %d; want 2, 0", checked, bad)
		}
	})
}

func TestAuditConcurrentAppends(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		const workers, each = 20, 10
		var wg sync.WaitGroup
		errs := make(chan error, workers*each)
		for w := range workers {
			wg.Go(func() {
				for i := range each {
					_, err := db.AppendAudit(context.Background(), haven.AuditEntry{
						At: auditT0, ActorID: int64(w), Action: "user.login", Target: fmt.Sprint(i),
					})
					if err != nil {
						errs <- err
					}
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		if checked, bad := verifyAudit(t, db); checked != workers*each || bad != 0 {
			t.Errorf("VerifyAudit = %d, %d; want %d, 0", checked, bad, workers*each)
		}
	})
}
