package app

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/haven-project/haven/internal/blob"
	"github.com/haven-project/haven/internal/haven"
	"github.com/haven-project/haven/internal/store"
)

// Attachment limits.
const (
	MaxAttachmentBytes       = 10 << 20 // one file
	MaxReportAttachmentBytes = 50 << 20 // all files of a report
	MaxReportAttachments     = 20       // files per report
	MaxUploadFiles           = 10       // files per form or request
)

// Upload is a file a person sends.
type Upload struct {
	Filename string
	Body     io.Reader
}

// headRecorder keeps the first bytes written to it, for type detection.
type headRecorder struct{ buf bytes.Buffer }

func (h *headRecorder) Write(p []byte) (int, error) {
	if room := 512 - h.buf.Len(); room > 0 {
		h.buf.Write(p[:min(room, len(p))])
	}
	return len(p), nil
}

// storeUploads writes the files to the blob store under generated keys and
// returns their records (without report or ids) and a function that
// removes them again, for when the change that would refer to them fails.
func (a *App) storeUploads(ctx context.Context, files []Upload) ([]haven.Attachment, func(), error) {
	if len(files) == 0 {
		return nil, func() {}, nil
	}
	if a.cfg.Blobs == nil {
		return nil, nil, &haven.InvalidError{Msg: "This instance does not accept attachments."}
	}
	if len(files) > MaxUploadFiles {
		return nil, nil, haven.Invalid("attachments", fmt.Sprintf("Attach at most %d files at once.", MaxUploadFiles))
	}
	var out []haven.Attachment
	cleanup := func() {
		for _, at := range out {
			// A detached context: the request may be gone already.
			a.cfg.Blobs.Delete(context.WithoutCancel(ctx), at.PublicID)
		}
	}
	for _, f := range files {
		name := blob.SafeFilename(f.Filename)
		key := newPublicID()
		head := &headRecorder{}
		size, sum, err := a.cfg.Blobs.Put(ctx, key, io.TeeReader(f.Body, head), MaxAttachmentBytes)
		switch {
		case errors.Is(err, blob.ErrTooLarge):
			cleanup()
			return nil, nil, haven.Invalid("attachments", fmt.Sprintf("%s is larger than %d MB: attach a smaller file or a link.", name, MaxAttachmentBytes>>20))
		case err != nil:
			cleanup()
			return nil, nil, fmt.Errorf("app: storing an attachment: %w", err)
		}
		at := haven.Attachment{PublicID: key, Filename: name, Size: size, SHA256: sum}
		out = append(out, at)
		if size == 0 {
			cleanup()
			return nil, nil, haven.Invalid("attachments", name+" is empty.")
		}
		last := &out[len(out)-1]
		last.ContentType, last.Image = blob.Detect(head.buf.Bytes())
		if err := a.checkUpload(ctx, last); err != nil {
			cleanup()
			return nil, nil, err
		}
	}
	return out, cleanup, nil
}

// saveAttachments records stored uploads on a report, within the change's
// transaction, and enforces the per-report caps.
func (a *App) saveAttachments(ctx context.Context, tx *store.DB, r *haven.Report, uploaderID int64, atts []haven.Attachment, commentID, retestID int64, internal bool) ([]*haven.Attachment, error) {
	if len(atts) == 0 {
		return nil, nil
	}
	// Writing the report row first locks it (PostgreSQL), so that
	// concurrent uploads to one report count one after the other.
	if err := tx.TouchReport(ctx, r.ID, a.now()); err != nil {
		return nil, err
	}
	n, total, err := tx.AttachmentStats(ctx, r.ID)
	if err != nil {
		return nil, err
	}
	var add int64
	for _, at := range atts {
		add += at.Size
	}
	if n+len(atts) > MaxReportAttachments {
		return nil, haven.Invalid("attachments", fmt.Sprintf("A report holds at most %d files; it has %d.", MaxReportAttachments, n))
	}
	if total+add > MaxReportAttachmentBytes {
		return nil, haven.Invalid("attachments", fmt.Sprintf("A report's files take at most %d MB together.", MaxReportAttachmentBytes>>20))
	}
	now := a.now()
	var out []*haven.Attachment
	for _, at := range atts {
		at.ReportID, at.UploaderID, at.CommentID, at.RetestID, at.Internal, at.CreatedAt = r.ID, uploaderID, commentID, retestID, internal, now
		if at.ID, err = tx.InsertAttachment(ctx, at); err != nil {
			return nil, err
		}
		out = append(out, &at)
	}
	return out, nil
}

// Attach adds files to a report: its reporter (never internal) or its team
// (triagers and owners; internal files reach the team only).
func (a *App) Attach(ctx context.Context, actor haven.Actor, publicID string, files []Upload, internal bool) ([]*haven.Attachment, error) {
	if !actor.SignedIn() {
		return nil, haven.ErrUnauthenticated
	}
	// Who may attach is checked before any byte is stored.
	r, err := a.db.Report(ctx, actor.UserID(), publicID)
	if err != nil {
		return nil, err
	}
	if err := mayAttach(actor, r, internal); err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, haven.Invalid("attachments", "Choose a file to attach.")
	}
	if err := a.limit(ctx, "attach", fmtID(actor.UserID()), 60, time.Hour); err != nil {
		return nil, err
	}
	stored, cleanup, err := a.storeUploads(ctx, files)
	if err != nil {
		return nil, err
	}
	var out []*haven.Attachment
	err = a.tx(ctx, func(tx *store.DB) error {
		r, err := tx.Report(ctx, actor.UserID(), publicID)
		if err != nil {
			return err
		}
		if err := mayAttach(actor, r, internal); err != nil {
			return err
		}
		// saveAttachments touches the report.
		if out, err = a.saveAttachments(ctx, tx, r, actor.UserID(), stored, 0, 0, internal); err != nil {
			return err
		}
		now := a.now()
		word := "file"
		if len(out) > 1 {
			word = "files"
		}
		if err := tx.InsertReportEvent(ctx, haven.ReportEvent{ReportID: r.ID, ActorID: actor.UserID(), At: now,
			Kind: "attachment", To: fmt.Sprintf("%d %s", len(out), word), Internal: internal}); err != nil {
			return err
		}
		return a.notify(ctx, tx, notice{report: r, actorID: actor.UserID(), toReporter: !internal, toTeam: true,
			subject: "new attachment", summary: fmt.Sprintf("attached %d %s", len(out), word)})
	})
	if err != nil {
		cleanup()
		return nil, err
	}
	return out, nil
}

func mayAttach(actor haven.Actor, r *haven.Report, internal bool) error {
	team := actor.Can(haven.PermCommentReports, r.ProgramID)
	switch {
	case !team && actor.UserID() != r.ReporterID:
		return haven.ErrForbidden
	case internal && !team:
		return haven.Invalid("internal", "Only the program's team attaches internal files.")
	}
	return nil
}

// OpenAttachment returns an attachment's record and bytes when the actor
// may see it: the report's reporter (not internal files), its program's
// team, and anyone for the public files of a fully disclosed report.
// Everyone else gets haven.ErrNotFound, as for an id that does not exist.
func (a *App) OpenAttachment(ctx context.Context, actor haven.Actor, publicID string) (*haven.Attachment, io.ReadCloser, error) {
	at, err := a.db.AttachmentForSystem(ctx, publicID)
	if errors.Is(err, haven.ErrNotFound) || err == nil && !a.maySeeAttachment(ctx, actor, at) {
		return nil, nil, haven.ErrNotFound // alike for unknown and invisible
	}
	if err != nil {
		return nil, nil, err
	}
	if a.cfg.Blobs == nil {
		return nil, nil, haven.ErrNotFound
	}
	body, err := a.cfg.Blobs.Open(ctx, at.PublicID)
	if errors.Is(err, blob.ErrNotFound) {
		return nil, nil, fmt.Errorf("app: attachment %s has no bytes: %w", at.PublicID, err)
	}
	return at, body, err
}

func (a *App) maySeeAttachment(ctx context.Context, actor haven.Actor, at *haven.Attachment) bool {
	r, err := a.db.ReportForSystem(ctx, at.ReportID)
	if err != nil {
		return false
	}
	if actor.SignedIn() {
		if _, err := a.db.Report(ctx, actor.UserID(), r.PublicID); err == nil {
			_, team := actor.Role(r.ProgramID)
			if team || !at.Internal {
				return true
			}
		}
	}
	return r.Disclosed() && r.State.Disclosable() && r.DisclosureMode == haven.DisclosureFull && !at.Internal
}

// mayRemoveAttachment reports whether the actor may remove a file they
// can see: its uploader, or an owner of the report's program (a researcher
// who attached a secret by mistake asks them).
func mayRemoveAttachment(actor haven.Actor, r *haven.Report, at *haven.Attachment) bool {
	return actor.SignedIn() && !actor.IsSystem() &&
		(at.UploaderID == actor.UserID() || actor.Can(haven.PermManageProgram, r.ProgramID))
}

// RemoveAttachment deletes a file: its record, then its bytes, so that it
// is unreachable by every path (page, API, Markdown images, disclosure).
// The report's history keeps that a file was removed, and its name.
// It returns the report's public id.
func (a *App) RemoveAttachment(ctx context.Context, actor haven.Actor, publicID string) (string, error) {
	var removed *haven.Attachment
	var reportID string
	err := a.tx(ctx, func(tx *store.DB) error {
		at, err := tx.AttachmentForSystem(ctx, publicID)
		if err != nil {
			return err
		}
		owner, err := tx.ReportForSystem(ctx, at.ReportID)
		if err != nil {
			return err
		}
		r, err := tx.Report(ctx, actor.UserID(), owner.PublicID)
		if err != nil {
			return err
		}
		if _, team := actor.Role(r.ProgramID); at.Internal && !team {
			return haven.ErrNotFound
		}
		if !mayRemoveAttachment(actor, r, at) {
			return haven.ErrForbidden
		}
		if err := tx.DeleteAttachment(ctx, at.ID); err != nil {
			return err
		}
		now := a.now()
		if err := tx.TouchReport(ctx, r.ID, now); err != nil {
			return err
		}
		if err := tx.InsertReportEvent(ctx, haven.ReportEvent{ReportID: r.ID, ActorID: actor.UserID(), At: now,
			Kind: "attachment_removed", To: at.Filename, Internal: at.Internal}); err != nil {
			return err
		}
		removed, reportID = at, r.PublicID
		return a.audit(ctx, tx, actor, "report.attachment_remove", reportTarget(r),
			map[string]any{"attachment": at.PublicID, "sha256": at.SHA256})
	})
	if err != nil {
		return "", err
	}
	if a.cfg.Blobs == nil {
		return reportID, nil
	}
	if err := a.cfg.Blobs.Delete(context.WithoutCancel(ctx), removed.PublicID); err != nil {
		// The record is gone, so nothing reaches the bytes; log for the
		// operator, who may delete them by hand.
		a.log.Error("removing an attachment's bytes", "attachment", removed.PublicID, "err", err)
	}
	return reportID, nil
}

// blobGrace is how old a blob without a record must be before the sweep
// removes it: an upload stores its bytes just before the transaction that
// records them, and must not lose them to a sweep in between.
const blobGrace = time.Hour

// SweepBlobs removes the bytes that no attachment refers to (a crash
// between storing a file and recording it, or a failed removal) and the
// temporary files of uploads a crash interrupted. It runs as a periodic
// chore and returns how many blobs and temporary files it removed.
func (a *App) SweepBlobs(ctx context.Context) (int, error) {
	if a.cfg.Blobs == nil {
		return 0, nil
	}
	cutoff := a.now().Add(-blobGrace)
	var orphans []string
	err := a.cfg.Blobs.List(ctx, func(key string, stored time.Time) error {
		if !stored.Before(cutoff) {
			return nil
		}
		ok, err := a.db.AttachmentKeyExists(ctx, key)
		if err == nil && !ok {
			orphans = append(orphans, key)
		}
		return err
	})
	if err != nil {
		return 0, err
	}
	n := 0
	for _, key := range orphans {
		if err := a.cfg.Blobs.Delete(ctx, key); err != nil {
			return n, err
		}
		n++
	}
	if t, ok := a.cfg.Blobs.(interface {
		SweepTemp(context.Context, time.Time) (int, error)
	}); ok {
		m, err := t.SweepTemp(ctx, a.now().Add(-24*time.Hour))
		n += m
		if err != nil {
			return n, err
		}
	}
	return n, nil
}
