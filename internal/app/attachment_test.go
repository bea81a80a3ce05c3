package app_test

// App-level tests of attachments: what is stored for an upload (a
// generated key, the detected type, the hash), who may open a file, that
// internal files reach the team only, and the limits, which leave no
// bytes behind when they refuse.

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"image"
	"image/color"
	"image/png"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/haven-project/haven/internal/app"
	"github.com/haven-project/haven/internal/apptest"
	"github.com/haven-project/haven/internal/haven"
)

// pngFile is a small real PNG.
func pngFile(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 3, 2))
	img.Set(1, 1, color.RGBA{R: 200, A: 255})
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// blobFiles lists the blobs stored by the test's Haven: the files under
// its "attachments" directory, which apptest puts in a t.TempDir of the
// same test (temporary names, which start with '.', excluded).
func blobFiles(t *testing.T) []string {
	t.Helper()
	var out []string
	root := filepath.Dir(t.TempDir())
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.Contains(path, string(filepath.Separator)+"attachments"+string(filepath.Separator)) &&
			!strings.HasPrefix(d.Name(), ".") {
			out = append(out, d.Name())
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// readAttachment reads an attachment as actor.
func readAttachment(e *apptest.Env, actor haven.Actor, id string) ([]byte, error) {
	_, body, err := e.App.OpenAttachment(context.Background(), actor, id)
	if err != nil {
		return nil, err
	}
	defer body.Close()
	return io.ReadAll(body)
}

func sha256Hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// TestSubmitWithAttachments: files sent with a report are stored under
// generated keys with the type their bytes show (markup never as text),
// the name cleaned and the hash of the content; the reporter and the team
// open them, nobody else.
func TestSubmitWithAttachments(t *testing.T) {
	apptest.Run(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		f := newRepFixture(t, e, "acme")
		files := []struct {
			name, wantName, wantType string
			image                    bool
			body                     []byte
		}{
			{"screenshot.png", "screenshot.png", "image/png", true, pngFile(t)},
			{"steps.txt", "steps.txt", "text/plain; charset=utf-8", false, []byte("1. Open the notebook.\n2. See the alert.\n")},
			{"../../poc.html", "poc.html", "application/octet-stream", false, []byte("<!doctype html><script>alert(document.domain)</script>")},
		}
		in := f.input()
		for _, fl := range files {
			in.Files = append(in.Files, app.Upload{Filename: fl.name, Body: bytes.NewReader(fl.body)})
		}
		r, err := e.App.SubmitReport(ctx, f.actors["researcher"], "acme", in)
		if err != nil {
			t.Fatal(err)
		}
		v, err := e.App.Report(ctx, f.actors["researcher"], r.PublicID)
		if err != nil {
			t.Fatal(err)
		}
		if len(v.Attachments) != len(files) {
			t.Fatalf("%d attachments, want %d", len(v.Attachments), len(files))
		}
		if n := len(blobFiles(t)); n != len(files) {
			t.Errorf("%d blobs stored, want %d", n, len(files))
		}
		for i, fl := range files {
			at := v.Attachments[i]
			if at.Filename != fl.wantName || at.ContentType != fl.wantType || at.Image != fl.image ||
				at.Size != int64(len(fl.body)) || at.SHA256 != sha256Hex(fl.body) || at.Internal || at.UploaderID != f.users["researcher"].ID {
				t.Errorf("%s: stored %+v; want name %q, type %q, image %t, size %d, sha256 %s",
					fl.name, at, fl.wantName, fl.wantType, fl.image, len(fl.body), sha256Hex(fl.body))
			}
			if at.PublicID == "" || strings.Contains(at.PublicID, ".") || strings.Contains(fl.name, at.PublicID) ||
				strings.Contains(at.PublicID, strings.TrimSuffix(fl.wantName, filepath.Ext(fl.wantName))) {
				t.Errorf("%s: public id %q is not a generated key", fl.name, at.PublicID)
			}
			for _, who := range []string{"researcher", "viewer", "triager", "owner"} {
				b, err := readAttachment(e, f.actors[who], at.PublicID)
				if err != nil || !bytes.Equal(b, fl.body) {
					t.Errorf("%s opens %s: %d bytes, %v; want the upload", who, fl.name, len(b), err)
				}
			}
			// Everyone else: not found, as for a file that does not
			// exist (the kind only; see TestFollowUpPermissionMatrix).
			for _, who := range []string{"visitor", "other researcher", "admin"} {
				_, err := readAttachment(e, f.actors[who], at.PublicID)
				wantErr(t, who+" opens "+fl.name, err, haven.ErrNotFound)
			}
		}
		// Ids are unique.
		ids := []string{v.Attachments[0].PublicID, v.Attachments[1].PublicID, v.Attachments[2].PublicID}
		slices.Sort(ids)
		if len(slices.Compact(ids)) != 3 {
			t.Errorf("attachment ids repeat: %v", ids)
		}
	})
}

// TestInternalAttachments: files the team marks internal (on an internal
// comment, or attached as internal) reach the team only; the reporter may
// not attach internal files, and viewers attach nothing.
func TestInternalAttachments(t *testing.T) {
	apptest.Run(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		f := newRepFixture(t, e, "acme")
		r := f.submit(t, "researcher")
		file := func(name string) []app.Upload {
			return []app.Upload{{Filename: name, Body: strings.NewReader("contents of " + name + "\n")}}
		}
		c, err := e.App.CommentWithFiles(ctx, f.actors["triager"], r.PublicID, "Our trace.", true, file("trace.txt"))
		if err != nil {
			t.Fatal(err)
		}
		att, err := e.App.Attach(ctx, f.actors["owner"], r.PublicID, file("patch.txt"), true)
		if err != nil {
			t.Fatal(err)
		}
		pub, err := e.App.Attach(ctx, f.actors["triager"], r.PublicID, file("fixed.txt"), false)
		if err != nil {
			t.Fatal(err)
		}
		tv, err := e.App.Report(ctx, f.actors["viewer"], r.PublicID)
		if err != nil {
			t.Fatal(err)
		}
		var internal []string
		for _, at := range tv.Attachments {
			if at.Internal {
				internal = append(internal, at.PublicID)
			}
			if at.Filename == "trace.txt" && (at.CommentID != c.ID || !at.Internal) {
				t.Errorf("the internal comment's file: %+v, want internal on comment %d", at, c.ID)
			}
		}
		if len(tv.Attachments) != 3 || len(internal) != 2 || !slices.Contains(internal, att[0].PublicID) {
			t.Fatalf("the team sees %+v, want 3 files of which 2 internal", tv.Attachments)
		}
		rv, err := e.App.Report(ctx, f.actors["researcher"], r.PublicID)
		if err != nil {
			t.Fatal(err)
		}
		if len(rv.Attachments) != 1 || rv.Attachments[0].PublicID != pub[0].PublicID {
			t.Errorf("the reporter sees %+v, want only the public file", rv.Attachments)
		}
		for _, ev := range rv.Events {
			if ev.Kind == "attachment" && ev.ActorID != f.users["triager"].ID {
				t.Errorf("the reporter's history shows an internal attachment: %+v", ev)
			}
		}
		for _, id := range internal {
			if _, err := readAttachment(e, f.actors["researcher"], id); !errors.Is(err, haven.ErrNotFound) {
				t.Errorf("the reporter opens internal file %s: %v, want ErrNotFound", id, err)
			}
			for _, who := range []string{"viewer", "triager", "owner"} {
				if _, err := readAttachment(e, f.actors[who], id); err != nil {
					t.Errorf("%s opens internal file %s: %v", who, id, err)
				}
			}
		}
		if _, err := readAttachment(e, f.actors["researcher"], pub[0].PublicID); err != nil {
			t.Errorf("the reporter opens the team's public file: %v", err)
		}

		// The reporter may not attach internal files, by either path, and
		// nothing is stored when refused.
		before := blobFiles(t)
		_, err = e.App.Attach(ctx, f.actors["researcher"], r.PublicID, file("mine.txt"), true)
		wantField(t, "the reporter attaches an internal file", err, "internal")
		_, err = e.App.CommentWithFiles(ctx, f.actors["researcher"], r.PublicID, "Secret.", true, file("mine.txt"))
		if _, ok := reportCellOf(err); err == nil || !ok {
			t.Errorf("the reporter comments internally with a file: %v, want a refusal", err)
		}
		_, err = e.App.Attach(ctx, f.actors["viewer"], r.PublicID, file("viewer.txt"), false)
		wantErr(t, "the viewer attaches", err, haven.ErrForbidden)
		_, err = e.App.Attach(ctx, f.actors["other researcher"], r.PublicID, file("other.txt"), false)
		wantErr(t, "another researcher attaches", err, haven.ErrNotFound)
		if after := blobFiles(t); len(after) != len(before) {
			t.Errorf("refused attachments left %d blobs behind", len(after)-len(before))
		}
		if atts, _ := e.DB.Attachments(ctx, r.ID, true); len(atts) != 3 {
			t.Errorf("%d attachments recorded after the refusals, want 3", len(atts))
		}
	})
}

// zeros is a reader of n zero bytes.
func zeros(n int64) io.Reader { return io.LimitReader(zeroReader{}, n) }

type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// TestAttachmentLimits: a file over 10 MiB, an empty file, too many files
// at once or on one report are refused; a refused submission creates no
// report; and no refusal leaves bytes in the blob store.
func TestAttachmentLimits(t *testing.T) {
	apptest.Run(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		f := newRepFixture(t, e, "acme")
		reporter := f.actors["researcher"]
		reports := func() int {
			t.Helper()
			l, err := e.App.Reports(ctx, reporter, app.ReportQuery{})
			if err != nil {
				t.Fatal(err)
			}
			return l.Total
		}
		small := func(name string) app.Upload {
			return app.Upload{Filename: name, Body: strings.NewReader("small file\n")}
		}

		// Submissions refused for their files: no report, no bytes. The
		// large file comes second, so the first must be removed again.
		for _, tt := range []struct {
			name  string
			files []app.Upload
		}{
			{"a file one byte over 10 MiB", []app.Upload{small("a.txt"), {Filename: "big.bin", Body: zeros(app.MaxAttachmentBytes + 1)}}},
			{"an empty file", []app.Upload{small("a.txt"), {Filename: "empty.txt", Body: strings.NewReader("")}}},
			{"a .png that holds HTML", []app.Upload{small("a.txt"), {Filename: "shot.png", Body: strings.NewReader("<html><script>alert(1)</script>")}}},
			{"more files than a form takes", func() []app.Upload {
				var fs []app.Upload
				for range app.MaxUploadFiles + 1 {
					fs = append(fs, small("f.txt"))
				}
				return fs
			}()},
		} {
			in := f.input()
			in.Files = tt.files
			_, err := e.App.SubmitReport(ctx, reporter, "acme", in)
			wantField(t, tt.name, err, "attachments")
			if n := reports(); n != 0 {
				t.Errorf("%s: %d reports exist, want none", tt.name, n)
			}
			if b := blobFiles(t); len(b) != 0 {
				t.Errorf("%s: blobs left behind: %v", tt.name, b)
			}
		}

		// Exactly 10 MiB is allowed.
		in := f.input()
		in.Files = []app.Upload{{Filename: "exact.bin", Body: zeros(app.MaxAttachmentBytes)}}
		r, err := e.App.SubmitReport(ctx, reporter, "acme", in)
		if err != nil {
			t.Fatalf("a file of exactly 10 MiB: %v", err)
		}
		// Up to MaxReportAttachments files on one report, then no more.
		for n := 1; n < app.MaxReportAttachments; {
			var batch []app.Upload
			for range min(app.MaxUploadFiles, app.MaxReportAttachments-n) {
				batch = append(batch, small("more.txt"))
			}
			if _, err := e.App.Attach(ctx, reporter, r.PublicID, batch, false); err != nil {
				t.Fatalf("attaching files %d to %d: %v", n+1, n+len(batch), err)
			}
			n += len(batch)
		}
		before := blobFiles(t)
		if len(before) != app.MaxReportAttachments {
			t.Fatalf("%d blobs, want %d", len(before), app.MaxReportAttachments)
		}
		_, err = e.App.Attach(ctx, reporter, r.PublicID, []app.Upload{small("one-too-many.txt")}, false)
		wantField(t, "one file more than a report holds", err, "attachments")
		if after := blobFiles(t); len(after) != len(before) {
			t.Errorf("a refused Attach left %d blobs behind", len(after)-len(before))
		}
		if atts, _ := e.DB.Attachments(ctx, r.ID, true); len(atts) != app.MaxReportAttachments {
			t.Errorf("%d attachments recorded, want %d", len(atts), app.MaxReportAttachments)
		}
		_, err = e.App.Attach(ctx, reporter, r.PublicID, nil, false)
		wantField(t, "attaching nothing", err, "attachments")
	})
}

// TestRefusedCommentLeavesNoFiles: a comment whose files the report cannot
// take is refused whole (no comment, no attachment) and its bytes are
// removed from the blob store again.
func TestRefusedCommentLeavesNoFiles(t *testing.T) {
	apptest.Run(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		f := newRepFixture(t, e, "acme")
		r := f.submit(t, "researcher")
		for range app.MaxReportAttachments / app.MaxUploadFiles {
			var batch []app.Upload
			for range app.MaxUploadFiles {
				batch = append(batch, app.Upload{Filename: "f.txt", Body: strings.NewReader("file\n")})
			}
			if _, err := e.App.Attach(ctx, f.actors["researcher"], r.PublicID, batch, false); err != nil {
				t.Fatal(err)
			}
		}
		before := blobFiles(t)
		for _, who := range []string{"researcher", "triager"} {
			_, err := e.App.CommentWithFiles(ctx, f.actors[who], r.PublicID, "Here is one more.", false,
				[]app.Upload{{Filename: "x.txt", Body: strings.NewReader("one too many\n")}})
			wantField(t, who+"'s comment with a file over the report's limit", err, "attachments")
			if after := blobFiles(t); len(after) != len(before) {
				t.Errorf("%s's refused comment left %d blobs behind", who, len(after)-len(before))
			}
		}
		if atts, _ := e.DB.Attachments(ctx, r.ID, true); len(atts) != app.MaxReportAttachments {
			t.Errorf("%d attachments recorded, want %d", len(atts), app.MaxReportAttachments)
		}
		if cs, _ := e.DB.Comments(ctx, r.ID, true); len(cs) != 0 {
			t.Errorf("the refused comments were stored: %+v", cs)
		}
	})
}

// TestAttachmentCapUnderConcurrency: a report one file short of its cap,
// then six one-file attachments at once: exactly one may land, on both
// databases. (The count and the insert must not race: on PostgreSQL, under
// READ COMMITTED, two transactions may both count 19.)
func TestAttachmentCapUnderConcurrency(t *testing.T) {
	apptest.Run(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		f := newRepFixture(t, e, "acme")
		one := func() []app.Upload { return []app.Upload{{Filename: "f.txt", Body: strings.NewReader("file\n")}} }
		for round := range 10 {
			if round%5 == 4 {
				e.Clock.Advance(2 * time.Hour) // below the attachment limit
			}
			r := f.submit(t, "researcher")
			for _, n := range []int{app.MaxUploadFiles, app.MaxReportAttachments - app.MaxUploadFiles - 1} {
				var batch []app.Upload
				for range n {
					batch = append(batch, one()...)
				}
				if _, err := e.App.Attach(ctx, f.actors["owner"], r.PublicID, batch, false); err != nil {
					t.Fatal(err)
				}
			}
			var wg sync.WaitGroup
			start := make(chan struct{})
			for i := range 6 {
				who := []string{"researcher", "triager", "owner"}[i%3]
				wg.Go(func() {
					<-start
					_, err := e.App.Attach(ctx, f.actors[who], r.PublicID, one(), false)
					var inv *haven.InvalidError
					if err != nil && !errors.As(err, &inv) && !errors.Is(err, haven.ErrConflict) {
						t.Errorf("round %d: concurrent attachment: %v", round, err)
					}
				})
			}
			close(start)
			wg.Wait()
			if atts, _ := e.DB.Attachments(ctx, r.ID, true); len(atts) != app.MaxReportAttachments {
				t.Errorf("round %d: %d attachments on the report, want %d", round, len(atts), app.MaxReportAttachments)
			}
		}
	})
}

// TestRemoveAttachment checks that a file's uploader, or an owner, removes
// it, and that it is then gone by every path, bytes included; everyone
// else is refused, and those who cannot see the file learn nothing.
func TestRemoveAttachment(t *testing.T) {
	apptest.Run(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		f := newRepFixture(t, e, "acme")
		r := f.submit(t, "researcher")
		file := func(name string) []app.Upload {
			return []app.Upload{{Filename: name, Body: strings.NewReader("contents of " + name + "\n")}}
		}
		mine, err := e.App.Attach(ctx, f.actors["researcher"], r.PublicID, file("token.txt"), false)
		if err != nil {
			t.Fatal(err)
		}
		teams, err := e.App.Attach(ctx, f.actors["triager"], r.PublicID, file("trace.txt"), false)
		if err != nil {
			t.Fatal(err)
		}
		internal, err := e.App.Attach(ctx, f.actors["triager"], r.PublicID, file("notes.txt"), true)
		if err != nil {
			t.Fatal(err)
		}
		before := len(blobFiles(t))
		for _, tt := range []struct {
			who, id string
			want    error
		}{
			{"visitor", mine[0].PublicID, haven.ErrNotFound},
			{"other researcher", mine[0].PublicID, haven.ErrNotFound},
			{"admin", mine[0].PublicID, haven.ErrNotFound},
			{"researcher", internal[0].PublicID, haven.ErrNotFound}, // invisible to the reporter
			{"researcher", teams[0].PublicID, haven.ErrForbidden},   // seen, not theirs
			{"viewer", mine[0].PublicID, haven.ErrForbidden},
			{"triager", mine[0].PublicID, haven.ErrForbidden},
			{"researcher", unknownReport, haven.ErrNotFound},
		} {
			if _, err := e.App.RemoveAttachment(ctx, f.actors[tt.who], tt.id); !errors.Is(err, tt.want) {
				t.Errorf("%s removes %s: %v, want %v", tt.who, tt.id, err, tt.want)
			}
		}
		if n := len(blobFiles(t)); n != before {
			t.Fatalf("refused removals changed the blobs: %d, was %d", n, before)
		}

		// The uploader removes their own file; an owner the triager's.
		if id, err := e.App.RemoveAttachment(ctx, f.actors["researcher"], mine[0].PublicID); err != nil || id != r.PublicID {
			t.Fatalf("the uploader removes their file: %q, %v", id, err)
		}
		if _, err := e.App.RemoveAttachment(ctx, f.actors["owner"], teams[0].PublicID); err != nil {
			t.Fatalf("an owner removes a file: %v", err)
		}
		for _, who := range []string{"researcher", "owner", "triager"} {
			for _, id := range []string{mine[0].PublicID, teams[0].PublicID} {
				if _, err := readAttachment(e, f.actors[who], id); !errors.Is(err, haven.ErrNotFound) {
					t.Errorf("%s opens removed file %s: %v, want not found", who, id, err)
				}
			}
		}
		if n := len(blobFiles(t)); n != before-2 {
			t.Errorf("blobs after two removals: %d, want %d", n, before-2)
		}
		v, err := e.App.Report(ctx, f.actors["researcher"], r.PublicID)
		if err != nil {
			t.Fatal(err)
		}
		if len(v.Attachments) != 0 {
			t.Errorf("the reporter still sees files: %+v", v.Attachments)
		}
		var removed []string
		for _, ev := range v.Events {
			if ev.Kind == "attachment_removed" {
				removed = append(removed, ev.To)
			}
		}
		if !slices.Equal(removed, []string{"token.txt", "trace.txt"}) {
			t.Errorf("the history shows removals %q, want token.txt and trace.txt", removed)
		}
		if _, err := e.App.RemoveAttachment(ctx, f.actors["researcher"], mine[0].PublicID); !errors.Is(err, haven.ErrNotFound) {
			t.Errorf("removing it again: %v, want not found", err)
		}
	})
}

// TestSweepBlobs checks the chore that removes bytes no attachment refers
// to: old orphans and stale temporary files go; recorded files, and
// orphans young enough to be an upload whose record is being written, stay.
func TestSweepBlobs(t *testing.T) {
	apptest.Run(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		f := newRepFixture(t, e, "acme")
		r := f.submit(t, "researcher")
		atts, err := e.App.Attach(ctx, f.actors["researcher"], r.PublicID, []app.Upload{{Filename: "poc.txt", Body: strings.NewReader("poc\n")}}, false)
		if err != nil {
			t.Fatal(err)
		}
		for _, key := range []string{"orphan-old", "orphan-new"} {
			if _, _, err := e.Blobs.Put(ctx, key, strings.NewReader(key), 100); err != nil {
				t.Fatal(err)
			}
		}
		now := e.Clock.Now()
		touch := func(path string, at time.Time) {
			t.Helper()
			if err := os.Chtimes(path, at, at); err != nil {
				t.Fatal(err)
			}
		}
		blobPath := func(key string) string { return filepath.Join(e.Blobs.Path(), key[:2], key) }
		touch(blobPath(atts[0].PublicID), now.Add(-2*time.Hour))
		touch(blobPath("orphan-old"), now.Add(-2*time.Hour))
		touch(blobPath("orphan-new"), now.Add(-time.Minute))
		for name, age := range map[string]time.Duration{".tmp-stale": 48 * time.Hour, ".tmp-fresh": time.Minute} {
			p := filepath.Join(e.Blobs.Path(), "or", name)
			if err := os.WriteFile(p, []byte("half an upload"), 0o600); err != nil {
				t.Fatal(err)
			}
			touch(p, now.Add(-age))
		}

		n, err := e.App.SweepBlobs(ctx)
		if err != nil || n != 2 {
			t.Fatalf("SweepBlobs = %d, %v; want 2 (the old orphan and the stale temporary file)", n, err)
		}
		if _, err := readAttachment(e, f.actors["researcher"], atts[0].PublicID); err != nil {
			t.Errorf("a recorded file was swept: %v", err)
		}
		for key, want := range map[string]bool{"orphan-old": false, "orphan-new": true} {
			b, err := e.Blobs.Open(ctx, key)
			if err == nil {
				b.Close()
			}
			if (err == nil) != want {
				t.Errorf("%s present after the sweep: %t, want %t", key, err == nil, want)
			}
		}
		for name, want := range map[string]bool{".tmp-stale": false, ".tmp-fresh": true} {
			if _, err := os.Stat(filepath.Join(e.Blobs.Path(), "or", name)); (err == nil) != want {
				t.Errorf("%s present after the sweep: %t, want %t", name, err == nil, want)
			}
		}
	})
}
