package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/haven-project/haven/internal/haven"
)

const attachmentColumns = `a.id, a.public_id, a.report_id, a.uploader_id, a.comment_id, a.retest_id, a.filename,
	a.content_type, a.image, a.size, a.sha256, a.internal, a.created_at`

func scanAttachment(sc interface{ Scan(...any) error }) (*haven.Attachment, error) {
	var (
		a               haven.Attachment
		comment, retest sql.NullInt64
	)
	if err := sc.Scan(&a.ID, &a.PublicID, &a.ReportID, &a.UploaderID, &comment, &retest, &a.Filename,
		&a.ContentType, &a.Image, &a.Size, &a.SHA256, &a.Internal, &a.CreatedAt); err != nil {
		return nil, err
	}
	a.CommentID, a.RetestID, a.CreatedAt = comment.Int64, retest.Int64, a.CreatedAt.UTC()
	return &a, nil
}

// InsertAttachment records an attachment whose bytes are stored already.
func (db *DB) InsertAttachment(ctx context.Context, a haven.Attachment) (int64, error) {
	id, err := db.insertID(ctx, `INSERT INTO attachments (public_id, report_id, uploader_id, comment_id, retest_id,
		filename, content_type, image, size, sha256, internal, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
		a.PublicID, a.ReportID, a.UploaderID, nullID(a.CommentID), nullID(a.RetestID), a.Filename, a.ContentType,
		a.Image, a.Size, a.SHA256, a.Internal, dbTime(a.CreatedAt))
	if err != nil {
		return 0, fmt.Errorf("store.InsertAttachment: %w", err)
	}
	return id, nil
}

// Attachments lists a report's attachments, oldest first; internal ones
// only when withInternal.
func (db *DB) Attachments(ctx context.Context, reportID int64, withInternal bool) ([]*haven.Attachment, error) {
	rows, err := db.query(ctx, `SELECT `+attachmentColumns+` FROM attachments a
		WHERE a.report_id = $1 AND ($2 OR NOT a.internal) ORDER BY a.created_at, a.id`, reportID, withInternal)
	if err != nil {
		return nil, fmt.Errorf("store.Attachments: %w", err)
	}
	defer rows.Close()
	var out []*haven.Attachment
	for rows.Next() {
		a, err := scanAttachment(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// AttachmentForSystem returns an attachment by public id, whoever may see
// it: the caller decides, through its report, whether the actor may.
func (db *DB) AttachmentForSystem(ctx context.Context, publicID string) (*haven.Attachment, error) {
	a, err := scanAttachment(db.queryRow(ctx, `SELECT `+attachmentColumns+` FROM attachments a WHERE a.public_id = $1`, publicID))
	if err != nil {
		return nil, fmt.Errorf("store.AttachmentForSystem: %w", db.scanErr(err))
	}
	return a, nil
}

// AttachmentStats returns how many attachments a report has and their
// total size (for the per-report caps).
func (db *DB) AttachmentStats(ctx context.Context, reportID int64) (count int, bytes int64, err error) {
	err = db.queryRow(ctx, `SELECT count(*), COALESCE(sum(size), 0) FROM attachments WHERE report_id = $1`,
		reportID).Scan(&count, &bytes)
	return count, bytes, db.scanErr(err)
}

// DeleteAttachment forgets an attachment's record (its bytes are the blob
// store's to delete).
func (db *DB) DeleteAttachment(ctx context.Context, id int64) error {
	return db.execOne(ctx, `DELETE FROM attachments WHERE id = $1`, id)
}

// AttachmentKeyExists reports whether an attachment record holds the key
// (its public id), for sweeping blobs no record refers to.
func (db *DB) AttachmentKeyExists(ctx context.Context, publicID string) (bool, error) {
	var n int
	err := db.queryRow(ctx, `SELECT count(*) FROM attachments WHERE public_id = $1`, publicID).Scan(&n)
	return n > 0, db.scanErr(err)
}
