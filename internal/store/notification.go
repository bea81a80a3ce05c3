package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Notification is an in-app notice about a report.
type Notification struct {
	ID        int64
	ReportID  int64
	PublicID  string // the report's
	Text      string
	CreatedAt time.Time
	ReadAt    *time.Time
}

// InsertNotification adds a notice for an account.
func (db *DB) InsertNotification(ctx context.Context, userID, reportID int64, text string, now time.Time) error {
	_, err := db.exec(ctx, `INSERT INTO notifications (user_id, report_id, text, created_at) VALUES ($1, $2, $3, $4)`,
		userID, reportID, text, dbTime(now))
	if err != nil {
		return fmt.Errorf("store.InsertNotification: %w", err)
	}
	return nil
}

// Notifications lists an account's newest notices about reports it may
// still see (a member removed from a program loses its notices too).
func (db *DB) Notifications(ctx context.Context, userID int64, limit int) ([]Notification, error) {
	rows, err := db.query(ctx, `SELECT n.id, n.report_id, r.public_id, n.text, n.created_at, n.read_at
		FROM notifications n JOIN reports r ON r.id = n.report_id
		WHERE n.user_id = $1 AND `+visibleReports+`
		ORDER BY n.created_at DESC, n.id DESC LIMIT $2`, userID, limit)
	if err != nil {
		return nil, fmt.Errorf("store.Notifications: %w", err)
	}
	defer rows.Close()
	var out []Notification
	for rows.Next() {
		var (
			n    Notification
			read sql.NullTime
		)
		if err := rows.Scan(&n.ID, &n.ReportID, &n.PublicID, &n.Text, &n.CreatedAt, &read); err != nil {
			return nil, err
		}
		n.CreatedAt, n.ReadAt = n.CreatedAt.UTC(), timePtr(read)
		out = append(out, n)
	}
	return out, rows.Err()
}

// UnreadNotifications counts an account's unread notices about reports it
// may still see.
func (db *DB) UnreadNotifications(ctx context.Context, userID int64) (int, error) {
	var n int
	err := db.queryRow(ctx, `SELECT count(*) FROM notifications n JOIN reports r ON r.id = n.report_id
		WHERE n.user_id = $1 AND n.read_at IS NULL AND `+visibleReports, userID).Scan(&n)
	return n, db.scanErr(err)
}

// MarkNotificationsRead marks every notice of an account read.
func (db *DB) MarkNotificationsRead(ctx context.Context, userID int64, now time.Time) error {
	_, err := db.exec(ctx, `UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND read_at IS NULL`, dbTime(now), userID)
	return err
}

// MailNoContent reports whether an account wants e-mails without report
// content.
func (db *DB) MailNoContent(ctx context.Context, userID int64) (bool, error) {
	var v bool
	err := db.queryRow(ctx, `SELECT mail_no_content FROM users WHERE id = $1`, userID).Scan(&v)
	return v, db.scanErr(err)
}

// SetMailNoContent records an account's choice.
func (db *DB) SetMailNoContent(ctx context.Context, userID int64, v bool) error {
	return db.execOne(ctx, `UPDATE users SET mail_no_content = $1 WHERE id = $2`, v, userID)
}
