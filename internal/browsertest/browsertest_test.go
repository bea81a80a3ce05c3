package browsertest

import (
	"errors"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

func TestMain(m *testing.M) { Main(m) }

// pages are the pages of the test server, by path.
var pages = map[string]string{
	"/": `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Form</title>
</head>
<body>
<form>
<label>Name <input id="name"></label>
<button id="greet" type="button">Greet</button>
</form>
<p id="out"></p>
<div style="height: 3000px">A tall page, to check that screenshots take all of it.</div>
<script>
document.getElementById("greet").addEventListener("click", () => {
	document.getElementById("out").textContent = "Hello, " + document.getElementById("name").value + "!";
});
</script>
</body>
</html>`,
	"/console-error": `<!doctype html>
<title>Console error</title>
<script>console.error("boom from page two", 42)</script>`,
	"/exception": `<!doctype html>
<title>Exception</title>
<script>throw new Error("uncaught boom")</script>`,
	"/rejection": `<!doctype html>
<title>Rejection</title>
<script>Promise.reject(new Error("rejected boom"))</script>`,
	"/missing-image": `<!doctype html>
<title>Missing image</title>
<img src="/missing.png" alt="">`,
	"/csp": `<!doctype html>
<title>CSP</title>
<script>document.title = "inline script ran"</script>`,
}

func newServer(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		page, ok := pages[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		if r.URL.Path == "/csp" {
			w.Header().Set("Content-Security-Policy", "script-src 'self'")
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(page))
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestTab(t *testing.T) {
	srv := newServer(t)
	tab := New(t)

	tab.Run(
		chromedp.Navigate(srv.URL+"/"),
		chromedp.SendKeys(chromedp.ID("name"), "Ada"),
		chromedp.Click(chromedp.ID("greet")),
	)
	if got, want := Get(tab, chromedp.Text(chromedp.ID("out"))), "Hello, Ada!"; got != want {
		t.Errorf("text of #out = %q, want %q", got, want)
	}
	if errs := tab.ConsoleErrors(); len(errs) > 0 {
		t.Errorf("console errors on the form page: %q", errs)
	}

	dir := t.TempDir()
	desktop := filepath.Join(dir, "desktop.png")
	tab.Screenshot(desktop)
	if w, h := pngSize(t, desktop); w != 1280 || h < 3000 {
		t.Errorf("desktop screenshot is %dx%d, want 1280 wide and at least 3000 high", w, h)
	}
	tab.SetViewport(390, 844, true)
	phone := filepath.Join(dir, "phone.png")
	tab.Screenshot(phone)
	if w, h := pngSize(t, phone); w != 390 || h < 3000 {
		t.Errorf("phone screenshot is %dx%d, want 390 wide and at least 3000 high", w, h)
	}

	tab.Run(chromedp.Navigate(srv.URL + "/console-error"))
	errs := tab.ConsoleErrors()
	if len(errs) != 1 || !strings.Contains(errs[0], "console.error: boom from page two 42") {
		t.Errorf("console errors after page two = %q, want one with %q", errs, "console.error: boom from page two 42")
	}
}

// TestConsoleErrors checks each kind of error that ConsoleErrors reports.
func TestConsoleErrors(t *testing.T) {
	srv := newServer(t)
	tests := []struct {
		path string
		want string
	}{
		{"/exception", "exception: Uncaught Error: uncaught boom"},
		{"/rejection", "exception: Uncaught (in promise) Error: rejected boom"},
		{"/missing-image", "network: Failed to load resource: the server responded with a status of 404 (Not Found) (http"},
		{"/csp", "Content Security Policy"},
	}
	for _, tt := range tests {
		t.Run(strings.TrimPrefix(tt.path, "/"), func(t *testing.T) {
			t.Parallel()
			tab := New(t)
			tab.Run(chromedp.Navigate(srv.URL + tt.path))
			errs := tab.ConsoleErrors()
			if len(errs) != 1 || !strings.Contains(errs[0], tt.want) {
				t.Errorf("console errors = %q, want one with %q", errs, tt.want)
			}
		})
	}
}

// TestTabsAreIsolated checks that a tab does not see the cookies of another.
func TestTabsAreIsolated(t *testing.T) {
	srv := newServer(t)
	first, second := New(t), New(t)
	first.Run(
		chromedp.Navigate(srv.URL+"/"),
		chromedp.Evaluate[chromedp.Void](`document.cookie = "session=1"`),
	)
	second.Run(chromedp.Navigate(srv.URL + "/"))
	if got := Get(second, chromedp.Evaluate[string](`document.cookie`)); got != "" {
		t.Errorf("cookies of the second tab = %q, want none", got)
	}
}

func pngSize(t *testing.T, path string) (width, height int) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cfg, err := png.DecodeConfig(f)
	if err != nil {
		t.Fatalf("%s is not a PNG: %v", path, err)
	}
	return cfg.Width, cfg.Height
}

// fakeTB records how New ends a test without Chromium.
type fakeTB struct {
	testing.TB
	skipped, failed bool
}

func (f *fakeTB) Skipf(string, ...any) {
	f.skipped = true
	runtime.Goexit()
}

func (f *fakeTB) Fatalf(string, ...any) {
	f.failed = true
	runtime.Goexit()
}

// TestNoChromium checks the rule of PostgreSQL: skip, unless required.
func TestNoChromium(t *testing.T) {
	saved := chromiumNames
	t.Cleanup(func() { chromiumNames = saved })
	chromiumNames = []string{"haven-no-such-browser", "/nonexistent/chromium"}
	t.Setenv("HAVEN_CHROMIUM", "")

	if _, err := findChromium(); !errors.Is(err, errNoChromium) {
		t.Fatalf("findChromium() error = %v, want errNoChromium", err)
	}
	tests := []struct {
		name, chromium, required string
		wantSkip, wantFail       bool
	}{
		{"missing", "", "", true, false},
		{"missing and required", "", "required", false, true},
		{"bad HAVEN_CHROMIUM", "/nonexistent/chromium", "", false, true},
	}
	for _, tt := range tests {
		t.Setenv("HAVEN_CHROMIUM", tt.chromium)
		t.Setenv("HAVEN_TEST_BROWSER", tt.required)
		f := &fakeTB{TB: t}
		done := make(chan struct{})
		go func() {
			defer close(done)
			New(f)
		}()
		<-done
		if f.skipped != tt.wantSkip || f.failed != tt.wantFail {
			t.Errorf("%s: New skipped = %v, failed = %v; want %v, %v", tt.name, f.skipped, f.failed, tt.wantSkip, tt.wantFail)
		}
	}
}
