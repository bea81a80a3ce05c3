package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/haven-project/haven/internal/cwe"
	"github.com/haven-project/haven/internal/haven"
	"github.com/haven-project/haven/internal/markdown"
	"github.com/haven-project/haven/internal/money"
	"github.com/haven-project/haven/internal/pgp"
)

//go:embed templates static
var assets embed.FS

// basePage is embedded in every page's data.
type basePage struct {
	Title  string
	User   *haven.User // nil for visitors
	Admin  bool
	Flash  string
	Path   string
	Narrow bool
	// Unread counts the signed-in account's unread notices.
	Unread int
}

// base fills the parts of a page every template needs.
func (s *Server) base(r *http.Request, title string) basePage {
	actor := actorFrom(r)
	b := basePage{Title: title, Path: r.URL.Path, User: actor.User, Admin: actor.IsAdmin()}
	if actor.SignedIn() {
		// A failed count only hides the badge; the page still renders.
		b.Unread, _ = s.app.UnreadNotices(r.Context(), actor)
	}
	if c, err := r.Cookie(flashCookie); err == nil {
		b.Flash = flashText[c.Value]
	}
	return b
}

// Field is one labelled form input, rendered by the "field" template.
type Field struct {
	// ID is the element id, Name by default ("id=..." sets another when a
	// page has two forms with the same field).
	ID                                                             string
	Name, Label, Type, Value, Error, Hint, Autocomplete, Inputmode string
	Required, Autofocus                                            bool
	Min, Max                                                       int
}

func (s *Server) templateFuncs() template.FuncMap {
	return template.FuncMap{
		"static": s.static.url,
		// field builds a Field: name, label, type, value, error, then
		// optional "key=value" settings (hint, autocomplete, required...).
		"field": func(name, label, typ, value, errText string, opts ...string) Field {
			f := Field{Name: name, Label: label, Type: typ, Value: value, Error: errText}
			for _, o := range opts {
				k, v, _ := strings.Cut(o, "=")
				switch k {
				case "id":
					f.ID = v
				case "hint":
					f.Hint = v
				case "autocomplete":
					f.Autocomplete = v
				case "inputmode":
					f.Inputmode = v
				case "required":
					f.Required = true
				case "autofocus":
					f.Autofocus = true
				case "max":
					fmt.Sscan(v, &f.Max)
				case "min":
					fmt.Sscan(v, &f.Min)
				}
			}
			if f.ID == "" {
				f.ID = f.Name
			}
			return f
		},
		"date": func(t time.Time) string { return t.UTC().Format("2 Jan 2006 15:04 UTC") },
		"datep": func(t *time.Time) string {
			if t == nil {
				return ""
			}
			return t.UTC().Format("2 Jan 2006")
		},
		"iso":     func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
		"browser": browserName,
		"money":   func(c money.Currency, minor int64) string { return c.Format(money.Amount(minor)) },
		// cweName shows a weakness code with its name.
		"cweName": func(code string) string {
			if w, err := cwe.Parse(code); err == nil {
				return w.String()
			}
			return code
		},
		// due says whether a validation deadline has passed ("overdue")
		// or comes within two days ("soon").
		"due": func(t *time.Time) string {
			now := s.app.Now()
			switch {
			case t == nil:
				return ""
			case t.Before(now):
				return "overdue"
			case t.Before(now.Add(48 * time.Hour)):
				return "soon"
			}
			return ""
		},
		// md renders untrusted Markdown to sanitized HTML (every author,
		// program members included, is untrusted).
		"md":          markdown.Render,
		"filesize":    fileSize,
		"filetype":    func(ct string) string { t, _, _ := strings.Cut(ct, ";"); return t },
		"fingerprint": pgp.FormatFingerprint,
		// pngData lets a server-made PNG data: URL (the QR code) through
		// html/template's URL filter; anything else becomes harmless.
		"pngData": func(s string) template.URL {
			if strings.HasPrefix(s, "data:image/png;base64,") && !strings.ContainsAny(s, "\"<>'\" ") {
				return template.URL(s)
			}
			return template.URL("about:invalid")
		},
	}
}

// parsePages parses the shared templates (layout, partials, settings
// navigation) with each page file.
func parsePages(funcs template.FuncMap) (map[string]*template.Template, error) {
	files, err := fs.Glob(assets, "templates/pages/*.html")
	if err != nil {
		return nil, err
	}
	pages := map[string]*template.Template{}
	for _, f := range files {
		name := strings.TrimSuffix(path.Base(f), ".html")
		t, err := template.New(name).Funcs(funcs).ParseFS(assets, "templates/*.html", f)
		if err != nil {
			return nil, fmt.Errorf("parse template %s: %w", name, err)
		}
		pages[name] = t
	}
	return pages, nil
}

// render writes a page with status 200.
func (s *Server) render(w http.ResponseWriter, r *http.Request, name string, data any) error {
	return s.renderStatus(w, r, http.StatusOK, name, data)
}

// renderStatus renders into a buffer first, so a template error becomes a
// clean 500 instead of half a page.
func (s *Server) renderStatus(w http.ResponseWriter, r *http.Request, status int, name string, data any) error {
	t, ok := s.pages[name]
	if !ok {
		return fmt.Errorf("no template %q", name)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", data); err != nil {
		s.log.Error("render", "request_id", requestID(r.Context()), "template", name, "err", err)
		http.Error(w, "Something went wrong on our side.", http.StatusInternalServerError)
		return nil
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if _, err := r.Cookie(flashCookie); err == nil {
		s.clearCookie(w, flashCookie)
	}
	w.WriteHeader(status)
	w.Write(buf.Bytes())
	return nil
}

// staticFiles serves the embedded static files under /static/{hash}/{name},
// so that they can be cached forever and change URL when they change.
type staticFiles struct {
	files map[string][]byte
	hash  map[string]string
}

func newStaticFiles() (*staticFiles, error) {
	sf := &staticFiles{files: map[string][]byte{}, hash: map[string]string{}}
	entries, err := fs.ReadDir(assets, "static")
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		b, err := fs.ReadFile(assets, "static/"+e.Name())
		if err != nil {
			return nil, err
		}
		h := sha256.Sum256(b)
		sf.files[e.Name()] = b
		sf.hash[e.Name()] = hex.EncodeToString(h[:6])
	}
	return sf, nil
}

func (sf *staticFiles) url(name string) string { return "/static/" + sf.hash[name] + "/" + name }

func (s *Server) serveStatic(w http.ResponseWriter, r *http.Request) error {
	name := r.PathValue("name")
	b, ok := s.static.files[name]
	if !ok || r.PathValue("hash") != s.static.hash[name] {
		return haven.ErrNotFound
	}
	ct := mime.TypeByExtension(path.Ext(name))
	if ct == "" {
		ct = "application/octet-stream"
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	w.Write(b)
	return nil
}

// browserName summarises a User-Agent as "Firefox on Linux" for the
// sessions page (the full string stays in a tooltip).
func browserName(ua string) string {
	if ua == "" {
		return "Unknown browser"
	}
	browser := "A browser"
	for _, b := range []struct{ token, name string }{
		{"Edg/", "Edge"}, {"OPR/", "Opera"}, {"Firefox/", "Firefox"}, {"Chrome/", "Chrome"},
		{"Chromium/", "Chromium"}, {"Safari/", "Safari"}, {"curl/", "curl"}, {"Go-http-client", "A program"},
	} {
		if strings.Contains(ua, b.token) {
			browser = b.name
			break
		}
	}
	os := ""
	for _, o := range []struct{ token, name string }{
		{"Android", "Android"}, {"iPhone", "iPhone"}, {"iPad", "iPad"}, {"Windows", "Windows"},
		{"Mac OS X", "macOS"}, {"CrOS", "ChromeOS"}, {"Linux", "Linux"},
	} {
		if strings.Contains(ua, o.token) {
			os = o.name
			break
		}
	}
	if os == "" {
		return browser
	}
	return browser + " on " + os
}

// fileSize writes a size in bytes for people: "812 bytes", "4.2 KB",
// "12 MB" (powers of 1,000, as file managers show them).
func fileSize(n int64) string {
	switch {
	case n == 1:
		return "1 byte"
	case n < 1000:
		return fmt.Sprintf("%d bytes", n)
	case n < 10_000:
		return fmt.Sprintf("%.1f KB", float64(n)/1e3)
	case n < 1_000_000:
		return fmt.Sprintf("%d KB", n/1000)
	case n < 10_000_000:
		return fmt.Sprintf("%.1f MB", float64(n)/1e6)
	}
	return fmt.Sprintf("%d MB", n/1_000_000)
}
