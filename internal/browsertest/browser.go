package browsertest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// chromiumNames are the programs that findChromium tries, in order, when
// HAVEN_CHROMIUM is not set. The last one is for a $PATH without /usr/bin.
var chromiumNames = []string{
	"chromium",
	"chromium-browser",
	"google-chrome",
	"google-chrome-stable",
	"/usr/bin/chromium",
}

// errNoChromium means that the machine has no Chromium. New skips on it. Any
// other error of findChromium is a broken setup, and New fails on it.
var errNoChromium = errors.New("no Chromium found")

// findChromium returns the path of the browser to run.
func findChromium() (string, error) {
	if name := os.Getenv("HAVEN_CHROMIUM"); name != "" {
		path, err := exec.LookPath(name)
		if err != nil {
			return "", fmt.Errorf("HAVEN_CHROMIUM: %w", err)
		}
		return path, nil
	}
	for _, name := range chromiumNames {
		if path, err := exec.LookPath(name); err == nil {
			return path, nil
		}
	}
	return "", fmt.Errorf("%w: set HAVEN_CHROMIUM, or install one of %s",
		errNoChromium, strings.Join(chromiumNames, ", "))
}

// allocatorOptions returns the command line of the browser at path. The list is
// written out here, and not built on chromedp.DefaultExecAllocatorOptions, so
// that it can be read in one place. The ExecAllocator adds
// --remote-debugging-pipe and a fresh --user-data-dir in os.TempDir, which it
// removes when the browser exits.
func allocatorOptions(path string) []chromedp.ExecAllocatorOption {
	return []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless,   // also --hide-scrollbars and --mute-audio
		chromedp.NoSandbox,  // tests and CI often run as root in a container
		chromedp.DisableGPU, // also --enable-unsafe-swiftshader, for WebGL without a GPU
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.WindowSize(1280, 800),

		// Test machines often have no network but loopback, and a test
		// must not depend on one: the browser must not call home.
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-domain-reliability", true),
		chromedp.Flag("disable-client-side-phishing-detection", true),
		chromedp.Flag("safebrowsing-disable-auto-update", true),
		chromedp.Flag("disable-breakpad", true),
		chromedp.Flag("metrics-recording-only", true),
		chromedp.Flag("no-pings", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-features", "Translate,OptimizationHints,MediaRouter,DialMediaRouteProvider,AutofillServerCommunication,CertificateTransparencyComponentUpdater"),

		// /dev/shm is small in containers, and Chromium crashes when it is full.
		chromedp.Flag("disable-dev-shm-usage", true),

		// Parallel tests open many tabs, and a tab in the background must
		// run at full speed.
		chromedp.Flag("disable-background-timer-throttling", true),
		chromedp.Flag("disable-backgrounding-occluded-windows", true),
		chromedp.Flag("disable-renderer-backgrounding", true),
		chromedp.Flag("disable-ipc-flooding-protection", true),
		chromedp.Flag("disable-hang-monitor", true),

		// The same pages and screenshots on every machine, and no keyring.
		chromedp.Flag("lang", "en-US"),
		chromedp.Flag("force-color-profile", "srgb"),
		chromedp.Flag("password-store", "basic"),
		chromedp.Flag("use-mock-keychain", true),
	}
}

// startTimeout bounds the start of the browser and the opening of a tab.
const startTimeout = 30 * time.Second

// shared is the browser of the test binary.
var shared struct {
	mu   sync.Mutex
	ctx  context.Context // chromedp context of the browser; nil before the start
	stop func()          // stops the browser and frees the allocator
	err  error           // error of the start, which every later New reports
	shut bool            // Shutdown ran
}

// browser returns the chromedp context of the shared browser, and starts the
// browser at path on the first call.
func browser(path string) (context.Context, error) {
	shared.mu.Lock()
	defer shared.mu.Unlock()
	if shared.shut {
		return nil, errors.New("browser used after Shutdown")
	}
	if shared.ctx != nil || shared.err != nil {
		return shared.ctx, shared.err
	}

	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), allocatorOptions(path)...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	stop := func() {
		cancelCtx()
		cancelAlloc()
	}
	// The first Do starts the browser and ties its life to ctx, so ctx
	// cannot have a deadline. A timer ends a start that hangs instead.
	timer := time.AfterFunc(startTimeout, cancelAlloc)
	err := chromedp.Do(ctx)
	if !timer.Stop() {
		err = fmt.Errorf("no answer in %v: %w", startTimeout, err)
	}
	if err != nil {
		stop()
		shared.err = fmt.Errorf("starting %s: %w", path, err)
		return nil, shared.err
	}
	shared.ctx, shared.stop = ctx, stop
	return ctx, nil
}

// Shutdown stops the shared browser, if New started it, and removes its
// temporary profile. A TestMain that does more than Main calls it after m.Run:
//
//	func TestMain(m *testing.M) {
//		code := m.Run()
//		if err := browsertest.Shutdown(); err != nil {
//			fmt.Fprintln(os.Stderr, err)
//		}
//		os.Exit(code)
//	}
//
// New fails after Shutdown.
func Shutdown() error {
	shared.mu.Lock()
	defer shared.mu.Unlock()
	shared.shut = true
	if shared.ctx == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(shared.ctx, 10*time.Second)
	defer cancel()
	err := chromedp.Cancel(ctx) // closes the browser gracefully
	shared.stop()
	shared.ctx = nil
	if err != nil {
		return fmt.Errorf("browsertest: stopping the browser: %w", err)
	}
	return nil
}

// Main runs the tests of m, stops the shared browser and exits. A test package
// that uses New calls it from its TestMain:
//
//	func TestMain(m *testing.M) { browsertest.Main(m) }
func Main(m *testing.M) {
	code := m.Run()
	if err := Shutdown(); err != nil {
		fmt.Fprintln(os.Stderr, err)
	}
	os.Exit(code)
}
