// Package apptest builds a whole Haven (store, app, job worker, web server)
// on a real database for tests, with a fake clock and a fake mailer: the
// only fakes, both at process edges. Tests drive it over real HTTP.
package apptest

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/haven-project/haven/internal/app"
	"github.com/haven-project/haven/internal/blob"
	"github.com/haven-project/haven/internal/haven"
	"github.com/haven-project/haven/internal/jobs"
	"github.com/haven-project/haven/internal/mail"
	"github.com/haven-project/haven/internal/password"
	"github.com/haven-project/haven/internal/seal"
	"github.com/haven-project/haven/internal/store"
	"github.com/haven-project/haven/internal/storetest"
	"github.com/haven-project/haven/internal/web"
)

// Clock is a fake clock that moves only when told.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Advance moves the clock forward.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// Env is a running Haven.
type Env struct {
	DB     *store.DB
	Blobs  *blob.Dir
	App    *app.App
	Web    *web.Server
	Worker *jobs.Worker
	Mail   *mail.Fake
	Clock  *Clock
	Server *httptest.Server
	// Key is the instance's secret key (fresh for each Env).
	Key *seal.Key
	// Logs holds everything the instance logged, to check that no secret
	// ever reaches a log.
	Logs *LogBuffer
}

// Options change the environment.
type Options struct {
	// DB is the database to use; nil means a fresh SQLite database.
	DB *store.DB
	// TrustedProxies makes the server believe X-Forwarded-For from these
	// addresses (127.0.0.0/8 lets a test pose as many clients).
	TrustedProxies []netip.Prefix
	// TeamTwoFactor requires two-factor authentication of program members
	// and admins (app.Config.TeamTwoFactor).
	TeamTwoFactor bool
}

// CheapHasher makes password hashing fast in tests; production uses
// password.Default.
var CheapHasher = password.Hasher{Memory: 1024, Time: 1, Threads: 1}

// New starts a Haven on a fresh SQLite database.
func New(t testing.TB) *Env { return NewWith(t, Options{}) }

// Run runs fn against a Haven on SQLite and, when available, PostgreSQL.
func Run(t *testing.T, fn func(t *testing.T, e *Env)) {
	t.Run("sqlite", func(t *testing.T) { fn(t, NewWith(t, Options{DB: storetest.SQLite(t)})) })
	t.Run("postgres", func(t *testing.T) { fn(t, NewWith(t, Options{DB: storetest.Postgres(t)})) })
}

// NewWith starts a Haven with options.
func NewWith(t testing.TB, o Options) *Env {
	t.Helper()
	db := o.DB
	if db == nil {
		db = storetest.SQLite(t)
	}
	logs := &LogBuffer{}
	log := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	clock := &Clock{t: time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)}
	fake := &mail.Fake{}
	e := &Env{DB: db, Mail: fake, Clock: clock, Logs: logs}
	e.Worker = jobs.New(db, log, jobs.Options{Now: clock.Now})
	srv := httptest.NewUnstartedServer(nil)
	base := "http://" + srv.Listener.Addr().String()
	blobs, err := blob.NewDir(filepath.Join(t.TempDir(), "attachments"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { blobs.Close() })
	e.Blobs = blobs
	key, err := seal.NewKey()
	if err != nil {
		t.Fatal(err)
	}
	e.Key = key
	e.App = app.New(db, app.Config{BaseURL: base, Now: clock.Now, Logger: log, Passwords: CheapHasher, Blobs: blobs, Secrets: key, TeamTwoFactor: o.TeamTwoFactor})
	e.Worker.Handle(app.JobMail, e.App.MailJob(fake))
	w, err := web.New(e.App, web.Config{BaseURL: base, TrustedProxies: o.TrustedProxies}, log)
	if err != nil {
		t.Fatal(err)
	}
	e.Web = w
	srv.Config.Handler = w
	srv.Start()
	t.Cleanup(srv.Close)
	e.Server = srv
	return e
}

// URL returns the absolute URL of a path on the instance.
func (e *Env) URL(path string) string { return e.Server.URL + path }

// DeliverMail runs every due job (sending queued mail to the fake).
func (e *Env) DeliverMail(t testing.TB) {
	t.Helper()
	for range 1000 {
		ran, err := e.Worker.RunOnce(context.Background())
		if err != nil {
			t.Fatalf("job: %v", err)
		}
		if !ran {
			return
		}
	}
	t.Fatal("jobs did not drain")
}

// LastMail delivers queued mail and returns the newest message to addr.
func (e *Env) LastMail(t testing.TB, addr string) mail.Message {
	t.Helper()
	e.DeliverMail(t)
	m, ok := e.Mail.Last(addr)
	if !ok {
		t.Fatalf("no mail to %s", addr)
	}
	return m
}

var linkPattern = regexp.MustCompile(`https?://\S+`)

// LinkIn returns the path of the first link in m whose path starts with
// prefix.
func LinkIn(t testing.TB, m mail.Message, prefix string) string {
	t.Helper()
	for _, l := range linkPattern.FindAllString(m.Text, -1) {
		u, err := url.Parse(l)
		if err == nil && strings.HasPrefix(u.Path, prefix) {
			return u.Path
		}
	}
	t.Fatalf("no %s link in mail %q:\n%s", prefix, m.Subject, m.Text)
	return ""
}

// CreateUser makes a confirmed account directly (as the command line does).
func (e *Env) CreateUser(t testing.TB, email, pw string, admin bool) *haven.User {
	t.Helper()
	u, err := e.App.CreateUser(context.Background(), haven.System, app.CreateUserInput{Email: email, Password: pw, Admin: admin})
	if err != nil {
		t.Fatalf("CreateUser(%s): %v", email, err)
	}
	return u
}

// Token makes an API token for the account and returns its secret.
func (e *Env) Token(t testing.TB, u *haven.User) string {
	t.Helper()
	secret, _, err := e.App.CreateToken(context.Background(), haven.Actor{User: u}, app.CreateTokenInput{Name: "test"})
	if err != nil {
		t.Fatal(err)
	}
	return secret
}

// Client is a browser-like HTTP client: it keeps cookies and does not
// follow redirects, so tests see every 303.
type Client struct {
	*http.Client
	e *Env
	t testing.TB
}

// Client returns a new client with an empty cookie jar.
func (e *Env) Client(t testing.TB) *Client {
	jar, _ := cookiejar.New(nil)
	return &Client{
		Client: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }},
		e:      e, t: t,
	}
}

// Response is a read response.
type Response struct {
	*http.Response
	Body string
}

// Do sends a request and reads the whole body.
func (c *Client) Do(req *http.Request) *Response {
	c.t.Helper()
	resp, err := c.Client.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return &Response{Response: resp, Body: string(b)}
}

// Get fetches a path.
func (c *Client) Get(path string) *Response {
	c.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, c.e.URL(path), nil)
	return c.Do(req)
}

// Post submits a form, as a same-origin browser would.
func (c *Client) Post(path string, form url.Values) *Response {
	c.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, c.e.URL(path), strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", c.e.Server.URL)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return c.Do(req)
}

// API sends a JSON API request with a bearer token ("" for none).
func (c *Client) API(method, path, token string, body io.Reader) *Response {
	c.t.Helper()
	req, _ := http.NewRequest(method, c.e.URL(path), body)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return c.Do(req)
}

// Cookie returns the value of the named cookie the client holds.
func (c *Client) Cookie(name string) string {
	u, _ := url.Parse(c.e.Server.URL)
	for _, ck := range c.Jar.Cookies(u) {
		if ck.Name == name {
			return ck.Value
		}
	}
	return ""
}

// LogIn logs in with a password (and no second factor) and fails the test
// unless it lands signed in.
func (c *Client) LogIn(email, pw string) {
	c.t.Helper()
	r := c.Post("/login", url.Values{"email": {email}, "password": {pw}})
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/" {
		c.t.Fatalf("log in as %s: %d %s\n%s", email, r.StatusCode, r.Header.Get("Location"), r.Body)
	}
}

// LogBuffer collects log output safely across goroutines.
type LogBuffer struct {
	mu  sync.Mutex
	buf strings.Builder
}

func (b *LogBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String returns everything logged so far.
func (b *LogBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
