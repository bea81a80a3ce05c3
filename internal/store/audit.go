package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/haven-project/haven/internal/haven"
)

// auditGenesis is the prev_hash of the first entry. The migrations seed
// audit_head with it.
const auditGenesis = "0000000000000000000000000000000000000000000000000000000000000000"

// auditCanonical is what an entry's hash covers, in a fixed field order.
// Changing it breaks every existing chain: TestAuditHashFormat pins it.
type auditCanonical struct {
	Seq     int64  `json:"seq"`
	At      string `json:"at"` // RFC 3339, UTC, microseconds at most
	ActorID int64  `json:"actor_id"`
	Action  string `json:"action"`
	Target  string `json:"target"`
	Detail  string `json:"detail"`
	IP      string `json:"ip"`
}

// auditHash returns hex(SHA-256(prevHash ‖ canonical JSON of e)), where
// prevHash is taken as its 64 hex characters.
func auditHash(prevHash string, e haven.AuditEntry) string {
	b, err := json.Marshal(auditCanonical{
		Seq:     e.Seq,
		At:      dbTime(e.At).Format(time.RFC3339Nano),
		ActorID: e.ActorID,
		Action:  e.Action,
		Target:  e.Target,
		Detail:  e.Detail,
		IP:      e.IP,
	})
	if err != nil {
		panic(err) // strings and integers always marshal
	}
	h := sha256.New()
	h.Write([]byte(prevHash))
	h.Write(b)
	return hex.EncodeToString(h.Sum(nil))
}

// storableText replaces invalid UTF-8 and NUL bytes, which PostgreSQL's
// text type refuses and SQLite would keep, so both store the same text.
func storableText(s string) string {
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "\uFFFD")
}

// AppendAudit appends e to the hash-chained audit log and returns it with
// Seq, PrevHash and Hash filled in. The caller sets e.At (from its clock),
// e.Action and, optionally, e.Detail, a JSON document ("{}" when empty)
// that must hold no secrets. Text is stored exactly as hashed: invalid
// UTF-8 and NUL bytes are replaced first.
//
// Appends are serialized: the first statement bumps the single audit_head
// row, whose lock PostgreSQL holds until the transaction ends (SQLite has
// one writer anyway). Inside a caller's transaction the entry commits or
// rolls back with the change it records.
func (db *DB) AppendAudit(ctx context.Context, e haven.AuditEntry) (haven.AuditEntry, error) {
	if e.At.IsZero() || e.Action == "" {
		return haven.AuditEntry{}, errors.New("store.AppendAudit: entry needs At and Action")
	}
	e.At = dbTime(e.At)
	e.Action, e.Target, e.IP, e.Detail = storableText(e.Action), storableText(e.Target), storableText(e.IP), storableText(e.Detail)
	if e.Detail == "" {
		e.Detail = "{}"
	}
	if !json.Valid([]byte(e.Detail)) {
		return haven.AuditEntry{}, fmt.Errorf("store.AppendAudit(%q): detail is not JSON", e.Action)
	}
	err := db.Tx(ctx, func(tx *DB) error {
		err := tx.wr.QueryRowContext(ctx,
			`UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash`).Scan(&e.Seq, &e.PrevHash)
		if err != nil {
			return tx.scanErr(err)
		}
		e.Hash = auditHash(e.PrevHash, e)
		if _, err := tx.exec(ctx, `INSERT INTO audit_log (seq, at, actor_id, action, target, detail, ip, prev_hash, hash)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
			e.Seq, e.At, e.ActorID, e.Action, e.Target, e.Detail, e.IP, e.PrevHash, e.Hash); err != nil {
			return err
		}
		return tx.execOne(ctx, `UPDATE audit_head SET hash = $1 WHERE id = 1`, e.Hash)
	})
	if err != nil {
		return haven.AuditEntry{}, fmt.Errorf("store.AppendAudit(%q): %w", e.Action, err)
	}
	return e, nil
}

// VerifyAudit recomputes the audit chain in sequence order, streaming it
// from the database. It returns the number of entries that checked out and
// firstBad, the sequence number of the first entry that does not: a missing
// number, a prev_hash that is not the previous entry's hash, a hash that
// does not match the entry, or a chain that ends elsewhere than the head
// (rows removed from or added past the tail). firstBad is 0 when the chain
// is intact. err reports only failures to read.
//
// Deleting the tail together with resetting the head cannot be detected
// from inside the database: compare the head with an exported copy.
func (db *DB) VerifyAudit(ctx context.Context) (checked, firstBad int64, err error) {
	// One statement, so the rows and the head come from one snapshot
	// while appends go on. The LEFT JOIN keeps the head row when the log
	// is empty.
	rows, err := db.query(ctx, `SELECT h.seq, h.hash, l.seq, l.at, l.actor_id, l.action, l.target, l.detail,
		l.ip, l.prev_hash, l.hash
		FROM audit_head h LEFT JOIN audit_log l ON TRUE
		WHERE h.id = 1 ORDER BY l.seq`)
	if err != nil {
		return 0, 0, fmt.Errorf("store.VerifyAudit: %w", err)
	}
	defer rows.Close()
	var (
		headSeq  int64
		headHash string
		prev     = auditGenesis
		next     = int64(1)
	)
	for rows.Next() {
		var (
			seq, actor                                sql.NullInt64
			at                                        sql.NullTime
			action, target, detail, ip, prevHash, hsh sql.NullString
		)
		if err := rows.Scan(&headSeq, &headHash, &seq, &at, &actor, &action, &target, &detail,
			&ip, &prevHash, &hsh); err != nil {
			return checked, 0, fmt.Errorf("store.VerifyAudit: %w", err)
		}
		if !seq.Valid {
			break // empty log
		}
		e := haven.AuditEntry{Seq: seq.Int64, At: at.Time, ActorID: actor.Int64, Action: action.String,
			Target: target.String, Detail: detail.String, IP: ip.String}
		switch {
		case e.Seq != next:
			return checked, next, nil
		case prevHash.String != prev, hsh.String != auditHash(prev, e):
			return checked, e.Seq, nil
		}
		prev = hsh.String
		next++
		checked++
	}
	if err := rows.Err(); err != nil {
		return checked, 0, fmt.Errorf("store.VerifyAudit: %w", err)
	}
	last := next - 1
	switch {
	case headSeq != last:
		return checked, min(headSeq, last) + 1, nil
	case headHash != prev:
		return checked, max(last, 1), nil
	}
	return checked, 0, nil
}

// AuditEntries returns up to limit audit entries with a sequence number
// below beforeSeq, newest first; beforeSeq <= 0 starts at the newest. A
// limit outside 1..500 means 50.
func (db *DB) AuditEntries(ctx context.Context, beforeSeq int64, limit int) ([]haven.AuditEntry, error) {
	if beforeSeq <= 0 {
		beforeSeq = math.MaxInt64
	}
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	rows, err := db.query(ctx, `SELECT seq, at, actor_id, action, target, detail, ip, prev_hash, hash
		FROM audit_log WHERE seq < $1 ORDER BY seq DESC LIMIT $2`, beforeSeq, limit)
	if err != nil {
		return nil, fmt.Errorf("store.AuditEntries: %w", err)
	}
	defer rows.Close()
	es := []haven.AuditEntry{}
	for rows.Next() {
		var e haven.AuditEntry
		if err := rows.Scan(&e.Seq, &e.At, &e.ActorID, &e.Action, &e.Target, &e.Detail, &e.IP,
			&e.PrevHash, &e.Hash); err != nil {
			return nil, fmt.Errorf("store.AuditEntries: %w", err)
		}
		e.At = e.At.UTC()
		es = append(es, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store.AuditEntries: %w", err)
	}
	return es, nil
}

// AuditEntriesFor lists the newest audit records about one target (such as
// "program:7"), newest first.
func (db *DB) AuditEntriesFor(ctx context.Context, target string, limit int) ([]haven.AuditEntry, error) {
	rows, err := db.query(ctx, `SELECT seq, at, actor_id, action, target, detail, ip, prev_hash, hash FROM audit_log
		WHERE target = $1 ORDER BY seq DESC LIMIT $2`, target, limit)
	if err != nil {
		return nil, fmt.Errorf("store.AuditEntriesFor: %w", err)
	}
	defer rows.Close()
	var out []haven.AuditEntry
	for rows.Next() {
		var e haven.AuditEntry
		if err := rows.Scan(&e.Seq, &e.At, &e.ActorID, &e.Action, &e.Target, &e.Detail, &e.IP, &e.PrevHash, &e.Hash); err != nil {
			return nil, err
		}
		e.At = e.At.UTC()
		out = append(out, e)
	}
	return out, rows.Err()
}
