package cli

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/haven-project/haven/internal/config"
	"github.com/haven-project/haven/internal/mail"
	"github.com/haven-project/haven/internal/store"
)

// server is a `haven serve` or `haven demo` running in the test.
type server struct {
	url            string // http://127.0.0.1:PORT, where it really listens
	stdout, stderr *syncBuffer
	client         *http.Client // does not follow redirects
	stop           func() int   // cancels its context (as SIGTERM does) and returns the exit code
}

var listeningRE = regexp.MustCompile(`msg=listening addr=(\S+)`)

// start runs the command line with args (which should listen on
// 127.0.0.1:0) until the test ends, and returns once /healthz answers.
func start(t *testing.T, environ map[string]string, args ...string) *server {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	s := &server{stdout: &syncBuffer{}, stderr: &syncBuffer{}}
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, env{stdout: s.stdout, stderr: s.stderr, getenv: func(k string) string { return environ[k] }}, args)
	}()
	var once sync.Once
	code := -1
	s.stop = func() int {
		once.Do(func() {
			cancel()
			select {
			case code = <-done:
			case <-time.After(10 * time.Second):
				t.Errorf("haven %s did not stop within 10s of its context ending", args[0])
			}
		})
		return code
	}
	t.Cleanup(func() { s.stop() })

	deadline := time.Now().Add(30 * time.Second)
	for {
		if m := listeningRE.FindStringSubmatch(s.stderr.String()); m != nil {
			s.url = "http://" + m[1]
			break
		}
		select {
		case code := <-done:
			t.Fatalf("haven %s exited %d before listening:\nstdout: %s\nstderr: %s", strings.Join(args, " "), code, s.stdout, s.stderr)
		case <-time.After(5 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("haven %s did not listen within 30s:\n%s", args[0], s.stderr)
		}
	}
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	s.client = &http.Client{
		Transport:     tr,
		Timeout:       30 * time.Second, // demo seeding hashes six passwords before serving
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	if code, body := s.get(t, "/healthz"); code != http.StatusOK || strings.TrimSpace(body) != "ok" {
		t.Fatalf("GET /healthz = %d %q, want 200 ok", code, body)
	}
	return s
}

func (s *server) get(t *testing.T, path string) (int, string) {
	t.Helper()
	resp, err := s.client.Get(s.url + path)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	return resp.StatusCode, string(b)
}

// post sends a form as a same-origin browser would.
func (s *server) post(t *testing.T, path string, form url.Values) *http.Response {
	t.Helper()
	req, err := http.NewRequest("POST", s.url+path, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", s.url)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp, err := s.client.Do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", path, err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp
}

func (s *server) logIn(t *testing.T, email, password string) *http.Response {
	t.Helper()
	return s.post(t, "/login", url.Values{"email": {email}, "password": {password}})
}

// stopped stops the server and checks that it ended well and soon.
func (s *server) stopped(t *testing.T) {
	t.Helper()
	began := time.Now()
	if code := s.stop(); code != 0 {
		t.Errorf("exit code after cancel = %d, want 0\nstderr: %s", code, s.stderr)
	}
	if d := time.Since(began); d > 5*time.Second {
		t.Errorf("stopping took %v, want under 5s", d)
	}
	for _, want := range []string{"msg=\"shutting down\"", "msg=stopped"} {
		if !strings.Contains(s.stderr.String(), want) {
			t.Errorf("log lacks %s:\n%s", want, s.stderr)
		}
	}
}

var setupRE = regexp.MustCompile(`https?://\S+(/setup/[A-Za-z0-9_-]+)`)

func TestServeFirstStart(t *testing.T) {
	t.Parallel()
	dir := t.TempDir() // fresh: serve --migrate creates and migrates it
	s := start(t, nil, "serve", "--migrate", "--data", dir, "--addr", "127.0.0.1:0")

	if !strings.Contains(s.stderr.String(), "msg=\"migrated database\"") {
		t.Errorf("serve --migrate on a fresh directory did not log the migration:\n%s", s.stderr)
	}
	m := setupRE.FindStringSubmatch(s.stdout.String())
	if m == nil {
		t.Fatalf("no setup link on stdout:\n%s", s.stdout)
	}
	setupPath := m[1]
	if code, body := s.get(t, "/readyz"); code != http.StatusOK || strings.TrimSpace(body) != "ok" {
		t.Errorf("GET /readyz = %d %q, want 200 ok", code, body)
	}
	if code, _ := s.get(t, setupPath); code != http.StatusOK {
		t.Fatalf("GET %s = %d, want 200", setupPath, code)
	}
	resp := s.post(t, setupPath, url.Values{"email": {"root@example.org"}, "password": {goodPassword}, "display_name": {"Root"}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login" {
		t.Fatalf("POST setup = %d to %q, want 303 to /login", resp.StatusCode, resp.Header.Get("Location"))
	}
	if code, _ := s.get(t, setupPath); code == http.StatusOK {
		t.Errorf("GET %s after use = 200, want the link spent", setupPath)
	}
	if resp := s.logIn(t, "root@example.org", goodPassword); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
		t.Errorf("log-in as the new admin = %d to %q, want 303 to /", resp.StatusCode, resp.Header.Get("Location"))
	}
	secret := strings.TrimPrefix(setupPath, "/setup/")
	if strings.Contains(s.stderr.String(), secret) {
		t.Errorf("the setup link's secret is in the log:\n%s", s.stderr)
	}
	s.stopped(t)

	if row := userRow(t, dir, "root@example.org"); row["ADMIN"] != "true" {
		t.Errorf("setup made %v, want an admin", row)
	}
	// With an admin, a restart prints no link.
	s = start(t, nil, "serve", "--data", dir, "--addr", "127.0.0.1:0")
	if strings.Contains(s.stdout.String(), "/setup/") {
		t.Errorf("restart with an admin printed a setup link:\n%s", s.stdout)
	}
	s.stopped(t)
}

func TestServeSetupLinkRenewed(t *testing.T) {
	t.Parallel()
	dir := migrated(t)
	s := start(t, nil, "serve", "--data", dir, "--addr", "127.0.0.1:0")
	first := setupRE.FindStringSubmatch(s.stdout.String())
	s.stopped(t)
	s = start(t, nil, "serve", "--data", dir, "--addr", "127.0.0.1:0")
	second := setupRE.FindStringSubmatch(s.stdout.String())
	if first == nil || second == nil || first[1] == second[1] {
		t.Fatalf("setup links %v then %v, want two different ones", first, second)
	}
	if code, _ := s.get(t, first[1]); code == http.StatusOK {
		t.Errorf("the first start's setup link still works after a restart")
	}
	if code, _ := s.get(t, second[1]); code != http.StatusOK {
		t.Errorf("the new setup link = %d, want 200", code)
	}
	s.stopped(t)
}

func TestServeAPIToken(t *testing.T) {
	t.Parallel()
	dir := migrated(t)
	must(t, nil, "user", "create", "--data", dir, "--email", "api@example.org", "--password", goodPassword, "--admin")
	secret := lastLine(must(t, nil, "token", "create", "--data", dir, "--email", "api@example.org", "--name", "ci").stdout)
	// The environment configures serve as well as flags do.
	s := start(t, map[string]string{"HAVEN_DATA": dir, "HAVEN_ADDR": "127.0.0.1:0", "HAVEN_LOG_FORMAT": "text"}, "serve")

	me := func() (int, map[string]any) {
		req, _ := http.NewRequest("GET", s.url+"/api/v1/me", nil)
		req.Header.Set("Authorization", "Bearer "+secret)
		resp, err := s.client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var v map[string]any
		json.NewDecoder(resp.Body).Decode(&v)
		return resp.StatusCode, v
	}
	if code, v := me(); code != http.StatusOK || v["email"] != "api@example.org" || v["admin"] != true {
		t.Errorf("GET /api/v1/me = %d %v, want 200 api@example.org admin", code, v)
	}
	id := table(t, must(t, nil, "token", "list", "--data", dir, "--email", "api@example.org").stdout)[0]["ID"]
	must(t, nil, "token", "revoke", "--data", dir, "--email", "api@example.org", "--id", id)
	if code, _ := me(); code != http.StatusUnauthorized {
		t.Errorf("GET /api/v1/me with a revoked token = %d, want 401", code)
	}
	s.stopped(t)
}

func TestServeStartFailureStops(t *testing.T) {
	t.Parallel()
	dir := migrated(t)
	db, err := store.Open(t.Context(), dir, "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	cfg := config.Config{Addr: "127.0.0.1:0", BaseURL: "http://127.0.0.1", ShutdownGrace: time.Second}
	var stderr syncBuffer
	log := slog.New(slog.NewTextHandler(&stderr, nil))
	inst, err := newInstance(cfg, &openedStore{DB: db}, log, mail.NewLogSender(log))
	if err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	done := make(chan error, 1)
	go func() {
		done <- inst.run(t.Context(), env{stdout: io.Discard, stderr: &stderr}, func(context.Context) error { return boom })
	}()
	select {
	case err := <-done:
		if !errors.Is(err, boom) {
			t.Errorf("run = %v, want the start error", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("a failed start left the server running")
	}
}

// demoAccountRE matches a line of the demo's account table.
var demoAccountRE = regexp.MustCompile(`(?m)^(\S+@\S+)\s+(demo-[a-z0-9]{12})\s+(.+)$`)

func demoCreds(t *testing.T, out string) map[string]string {
	t.Helper()
	creds := map[string]string{}
	for _, m := range demoAccountRE.FindAllStringSubmatch(out, -1) {
		creds[m[1]] = m[2]
	}
	for _, d := range demoAccounts {
		if creds[d.email] == "" {
			t.Errorf("demo did not print a password for %s:\n%s", d.email, out)
		}
	}
	if len(creds) != 6 {
		t.Errorf("demo printed %d accounts, want 6", len(creds))
	}
	return creds
}

func TestDemo(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	s := start(t, nil, "demo", "--data", dir, "--addr", "127.0.0.1:0")
	creds := demoCreds(t, s.stdout.String())
	if !strings.Contains(s.stdout.String(), "Data: "+dir) {
		t.Errorf("demo does not say where its data is:\n%s", s.stdout)
	}
	for _, email := range []string{"admin@haven.test", "triager@jupyter.test", "alice@researcher.test"} {
		if resp := s.logIn(t, email, creds[email]); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
			t.Errorf("log-in as %s with the printed password = %d to %q, want 303 to /", email, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
	if resp := s.logIn(t, "bob@researcher.test", "demo-wrongpassword"); resp.StatusCode == http.StatusSeeOther {
		t.Errorf("log-in with a wrong password redirected to %q", resp.Header.Get("Location"))
	}
	// The demo ships a report taken through the whole journey to a
	// disclosure as a summary: visitors read the summary, not the report.
	code, body := s.get(t, "/api/v1/programs/jupyter/disclosed")
	if code != http.StatusOK || !strings.Contains(body, "API token written to the hub's debug log") ||
		!strings.Contains(body, `"disclosure_mode": "summary"`) || strings.Contains(body, "--debug`, the hub logs") {
		t.Errorf("GET /api/v1/programs/jupyter/disclosed = %d\n%s", code, body)
	}
	// Its researcher, who has a display name, is thanked on the program page.
	if code, body := s.get(t, "/programs/jupyter"); code != http.StatusOK || !strings.Contains(body, "<li>Bob</li>") {
		t.Errorf("GET /programs/jupyter = %d, no thanks to Bob", code)
	}
	s.stopped(t)
	if row := userRow(t, dir, "admin@haven.test"); row["ADMIN"] != "true" {
		t.Errorf("demo admin = %v", row)
	}

	// Again on the kept data: new passwords, the old ones stop working.
	s = start(t, nil, "demo", "--data", dir, "--addr", "127.0.0.1:0")
	again := demoCreds(t, s.stdout.String())
	if again["owner@jupyter.test"] == creds["owner@jupyter.test"] {
		t.Error("a second demo start kept the old password")
	}
	if resp := s.logIn(t, "owner@jupyter.test", creds["owner@jupyter.test"]); resp.StatusCode == http.StatusSeeOther {
		t.Error("the first start's password still logs in")
	}
	if resp := s.logIn(t, "owner@jupyter.test", again["owner@jupyter.test"]); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("log-in with the new password = %d", resp.StatusCode)
	}
	s.stopped(t)
}

var demoDataRE = regexp.MustCompile(`Data: (\S+) \(SQLite\)`)

func TestDemoTemporaryData(t *testing.T) {
	t.Parallel()
	s := start(t, nil, "demo", "--addr", "127.0.0.1:0")
	m := demoDataRE.FindStringSubmatch(s.stdout.String())
	if m == nil {
		t.Fatalf("demo does not say where its data is:\n%s", s.stdout)
	}
	if _, err := os.Stat(m[1]); err != nil {
		t.Fatalf("demo data while running: %v", err)
	}
	s.stopped(t)
	if _, err := os.Stat(m[1]); !os.IsNotExist(err) {
		t.Errorf("demo left its temporary data %s behind (stat: %v)", m[1], err)
	}
}
