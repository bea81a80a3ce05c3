package browsertest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// Timeout is how long a Tab lives. Every action of a test must end within it.
const Timeout = 60 * time.Second

// A Tab is a browser tab of one test, in a browser context of its own.
// It records the errors that the pages write to the console.
type Tab struct {
	tb      testing.TB
	ctx     context.Context // ends Timeout after New
	openCtx context.Context // ends at the cleanup, for messages after a timeout

	mu     sync.Mutex
	errors []string
}

// New opens a tab for the test in the shared browser, and starts the browser
// if it is the first. The tab has its own browser context, like an incognito
// window, so it shares no cookies or storage with other tabs. It closes when
// the test ends, and its actions fail after Timeout.
//
// The tab reports its failures to tb, so use it in that test only, and not in
// a subtest: a subtest opens its own tab.
//
// When the machine has no Chromium, New skips the test, unless the environment
// has HAVEN_TEST_BROWSER=required, where it fails it. A HAVEN_CHROMIUM that
// names no program, or a browser that does not start, fails the test.
func New(tb testing.TB) *Tab {
	tb.Helper()
	path, err := findChromium()
	switch {
	case errors.Is(err, errNoChromium) && os.Getenv("HAVEN_TEST_BROWSER") == "required":
		tb.Fatalf("browsertest: HAVEN_TEST_BROWSER=required, but %v", err)
	case errors.Is(err, errNoChromium):
		tb.Skipf("browsertest: skipping browser test: %v", err)
	case err != nil:
		tb.Fatalf("browsertest: %v", err)
	}
	bctx, err := browser(path)
	if err != nil {
		tb.Fatalf("browsertest: %v", err)
	}

	t := &Tab{tb: tb}
	openCtx, closeTab := chromedp.NewContext(bctx,
		chromedp.WithNewBrowserContext(),
		chromedp.WithListener(t.record),
	)
	tb.Cleanup(func() {
		if err := chromedp.Cancel(openCtx); err != nil {
			tb.Logf("browsertest: closing the tab: %v", err)
		}
	})
	// As for the browser, the first Do ties the life of the tab to its
	// context, which cannot have a deadline.
	timer := time.AfterFunc(startTimeout, closeTab)
	err = chromedp.Do(openCtx)
	if !timer.Stop() {
		err = fmt.Errorf("no answer in %v: %w", startTimeout, err)
	}
	if err != nil {
		tb.Fatalf("browsertest: opening a tab: %v", err)
	}
	ctx, cancel := context.WithTimeout(openCtx, Timeout)
	tb.Cleanup(cancel)
	t.ctx, t.openCtx = ctx, openCtx
	return t
}

// Context returns the chromedp context of the tab, for the chromedp functions
// that Run and Get do not cover, such as chromedp.RunResponse. It ends Timeout
// after New.
func (t *Tab) Context() context.Context {
	return t.ctx
}

// Run runs the actions in the tab, in order. It fails the test at the first
// action that fails, and says which one, at which address the tab was and what
// the console errors were.
func (t *Tab) Run(actions ...chromedp.Action[chromedp.Void]) {
	t.tb.Helper()
	for i, a := range actions {
		if err := chromedp.Do(t.ctx, a); err != nil {
			t.tb.Fatalf("browsertest: action %d of %d: %v%s", i+1, len(actions), err, t.state())
		}
	}
}

// Get runs an action that returns a value, such as chromedp.Text or
// chromedp.Evaluate, in the tab, and returns the value. It fails the test as
// Run does.
//
// Get is a function and not a method because a method cannot have a type
// parameter.
func Get[T any](t *Tab, a chromedp.Action[T]) T {
	t.tb.Helper()
	v, err := chromedp.Run(t.ctx, a)
	if err != nil {
		t.tb.Fatalf("browsertest: %v%s", err, t.state())
	}
	return v
}

// Screenshot writes a PNG of the whole page, beyond the viewport, to path. It
// creates the directory of path if needed.
func (t *Tab) Screenshot(path string) {
	t.tb.Helper()
	png := Get(t, chromedp.FullScreenshot(100)) // 100 means PNG
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.tb.Fatalf("browsertest: %v", err)
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.tb.Fatalf("browsertest: %v", err)
	}
}

// SetViewport sets the size of the viewport in CSS pixels, at a device scale
// factor of 1, so a screenshot is width pixels wide. A mobile viewport also
// has touch, and the page lays out with its <meta name="viewport">, as on a
// phone: SetViewport(390, 844, true) is about an iPhone 14. The setting stays
// for the next pages of the tab.
func (t *Tab) SetViewport(width, height int, mobile bool) {
	t.tb.Helper()
	var opts []chromedp.EmulateViewportOption
	if height > width {
		opts = append(opts, chromedp.EmulatePortrait)
	}
	if mobile {
		opts = append(opts, chromedp.EmulateMobile, chromedp.EmulateTouch)
	}
	t.Run(chromedp.EmulateViewport(int64(width), int64(height), opts...))
}

// ConsoleErrors returns the errors that the pages of the tab wrote to the
// console so far, oldest first: calls of console.error, failed calls of
// console.assert, uncaught exceptions and unhandled promise rejections, and
// the errors of the browser, such as a resource that failed to load or a
// violation of the Content-Security-Policy. Each is one line such as
//
//	console.error: no report id (http://127.0.0.1:41235/reports:12)
//	exception: Uncaught TypeError: x is null (http://127.0.0.1:41235/app.js:3)
//	network: Failed to load resource: the server responded with a status of 404 (Not Found) (http://127.0.0.1:41235/app.css)
//
// An error that a page writes during a load is there when the action that
// loaded the page returns. A missing /favicon.ico, which the browser asks for
// by itself, is not an error.
func (t *Tab) ConsoleErrors() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]string(nil), t.errors...)
}

// record keeps the events of the tab that are console errors. The tab calls it
// on the goroutine that reads its messages, so it must be quick and must not
// run an action.
func (t *Tab) record(ev any) {
	var msg string
	switch ev := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		if ev.Type != runtime.ConsoleAPICalledTypeError && ev.Type != runtime.ConsoleAPICalledTypeAssert {
			return
		}
		var args []string
		for _, a := range ev.Args {
			args = append(args, objectText(a))
		}
		msg = "console." + string(ev.Type) + ": " + strings.Join(args, " ")
		if st := ev.StackTrace; st != nil && len(st.CallFrames) > 0 {
			msg += place(st.CallFrames[0].URL, st.CallFrames[0].LineNumber)
		}
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		msg = "exception: " + d.Text
		if d.Exception != nil {
			msg += " " + objectText(d.Exception)
		}
		where := d.URL
		if where == "" && d.StackTrace != nil && len(d.StackTrace.CallFrames) > 0 {
			where = d.StackTrace.CallFrames[0].URL
		}
		msg += place(where, d.LineNumber)
	case *log.EventEntryAdded:
		e := ev.Entry
		if e.Level != log.EntryLevelError || isFavicon(e) {
			return
		}
		msg = string(e.Source) + ": " + e.Text
		if e.URL != "" {
			msg += " (" + e.URL + ")"
		}
	default:
		return
	}
	t.mu.Lock()
	t.errors = append(t.errors, msg)
	t.mu.Unlock()
}

// isFavicon reports whether e is the failed load of /favicon.ico, which the
// browser asks for by itself when a page links no icon. Test servers seldom
// have one, and the page is not at fault.
func isFavicon(e *log.Entry) bool {
	u, err := url.Parse(e.URL)
	return err == nil && e.Source == log.EntrySourceNetwork && u.Path == "/favicon.ico"
}

// objectText returns a JavaScript value as one line: a string as it is, and
// another value as the console shows it, an error without its stack.
func objectText(o *runtime.RemoteObject) string {
	var s string
	if o.Type == runtime.RemoteObjectTypeString && json.Unmarshal(o.Value, &s) == nil {
		return s
	}
	switch {
	case o.UnserializableValue != "":
		s = string(o.UnserializableValue)
	case o.Description != "":
		s = o.Description
	case len(o.Value) > 0:
		s = string(o.Value)
	default:
		s = string(o.Type)
	}
	s, _, _ = strings.Cut(s, "\n")
	return s
}

// place formats where a message comes from. The protocol counts lines from 0.
func place(where string, line int64) string {
	if where == "" {
		return ""
	}
	return fmt.Sprintf(" (%s:%d)", where, line+1)
}

// state describes the tab for a failure: its address and its console errors.
func (t *Tab) state() string {
	var b strings.Builder
	ctx, cancel := context.WithTimeout(t.openCtx, 2*time.Second)
	defer cancel()
	if loc, err := chromedp.Run(ctx, chromedp.Location()); err == nil {
		fmt.Fprintf(&b, "\n\tpage: %s", loc)
	}
	for _, e := range t.ConsoleErrors() {
		fmt.Fprintf(&b, "\n\t%s", e)
	}
	return b.String()
}
