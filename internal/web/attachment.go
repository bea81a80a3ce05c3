package web

import (
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"

	"github.com/haven-project/haven/internal/app"
	"github.com/haven-project/haven/internal/haven"
)

// formFiles reads a multipart form and returns the files sent in field.
// Form values are kept in memory; files spill to temporary files that
// net/http removes after the request. done closes what it opened. A form
// that is not multipart has no files.
func formFiles(r *http.Request, field string) (files []app.Upload, done func(), err error) {
	done = func() {}
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		return nil, done, nil
	}
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, done, err
		}
		return nil, done, &requestError{msg: "The form could not be read: send it again."}
	}
	var opened []multipart.File
	done = func() {
		for _, f := range opened {
			f.Close()
		}
	}
	for _, fh := range r.MultipartForm.File[field] {
		if fh.Filename == "" && fh.Size == 0 {
			continue // an empty file input
		}
		f, err := fh.Open()
		if err != nil {
			done()
			return nil, func() {}, err
		}
		opened = append(opened, f)
		files = append(files, app.Upload{Filename: fh.Filename, Body: f})
	}
	return files, done, nil
}

// serveAttachment sends an attachment as a download, never as a page of
// Haven's origin: Content-Disposition attachment, nosniff, and a sandbox
// CSP that would keep a document from running anything even if a browser
// showed it. Raster images may still be embedded with <img> in reports.
func (s *Server) serveAttachment(w http.ResponseWriter, r *http.Request) error {
	at, body, err := s.app.OpenAttachment(r.Context(), actorFrom(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	defer body.Close()
	h := w.Header()
	h.Set("Content-Type", at.ContentType)
	h.Set("Content-Disposition", contentDisposition(at.Filename))
	h.Set("Content-Security-Policy", "default-src 'none'; form-action 'none'; sandbox")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cross-Origin-Resource-Policy", "same-origin")
	h.Set("Cache-Control", "private, no-store")
	h.Set("Content-Length", strconv.FormatInt(at.Size, 10))
	if r.Method == http.MethodHead {
		return nil
	}
	_, err = io.Copy(w, body)
	if err != nil {
		s.log.Warn("attachment download interrupted", "attachment", at.PublicID, "err", err)
	}
	return nil
}

// attachReport handles the report page's "attach files" form.
func (s *Server) attachReport(w http.ResponseWriter, r *http.Request) error {
	files, done, err := formFiles(r, "attachments")
	defer done()
	if err == nil {
		_, err = s.app.Attach(r.Context(), actorFrom(r), r.PathValue("id"), files, r.PostFormValue("internal") == "on")
	}
	return s.afterReportAction(w, r, err, "files-attached", "#files", "internal")
}

// reportFiles sorts a report's attachments by what they belong to.
type reportFiles struct {
	all []*haven.Attachment
}

// Report lists the files attached to the report itself.
func (f reportFiles) Report() []*haven.Attachment {
	return f.where(func(a *haven.Attachment) bool { return a.CommentID == 0 && a.RetestID == 0 })
}

// OfComment lists the files of a comment.
func (f reportFiles) OfComment(id int64) []*haven.Attachment {
	return f.where(func(a *haven.Attachment) bool { return a.CommentID == id })
}

// OfRetest lists the files of a retest answer.
func (f reportFiles) OfRetest(id int64) []*haven.Attachment {
	return f.where(func(a *haven.Attachment) bool { return a.RetestID == id })
}

func (f reportFiles) where(keep func(*haven.Attachment) bool) []*haven.Attachment {
	var out []*haven.Attachment
	for _, a := range f.all {
		if keep(a) {
			out = append(out, a)
		}
	}
	return out
}

// contentDisposition offers a download under name (RFC 6266): an ASCII
// fallback in filename and the exact UTF-8 name in filename*.
func contentDisposition(name string) string {
	var ascii strings.Builder
	for _, r := range name {
		switch {
		case r < 0x20 || r > 0x7e || r == '"' || r == '\\' || r == '%':
			ascii.WriteByte('_')
		default:
			ascii.WriteRune(r)
		}
	}
	var ext strings.Builder
	for _, b := range []byte(name) {
		// RFC 8187 attr-char; everything else percent-encoded.
		if 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || '0' <= b && b <= '9' || strings.IndexByte("!#$&+-.^_`|~", b) >= 0 {
			ext.WriteByte(b)
		} else {
			fmt.Fprintf(&ext, "%%%02X", b)
		}
	}
	return `attachment; filename="` + ascii.String() + `"; filename*=UTF-8''` + ext.String()
}

// removeAttachment handles a file's "remove" button on the report page.
func (s *Server) removeAttachment(w http.ResponseWriter, r *http.Request) error {
	report, err := s.app.RemoveAttachment(r.Context(), actorFrom(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	return s.redirect(w, r, "/reports/"+report+"#files", "file-removed")
}

// apiRemoveAttachment handles DELETE /api/v1/attachments/{id}.
func (s *Server) apiRemoveAttachment(w http.ResponseWriter, r *http.Request) error {
	if _, err := s.app.RemoveAttachment(r.Context(), actorFrom(r), r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
