// Package browsertest lets the tests of other packages drive a headless
// Chromium with chromedp inside go test.
//
// A test package shares one browser, which starts at the first New and stops
// when TestMain calls Main or Shutdown:
//
//	func TestMain(m *testing.M) { browsertest.Main(m) }
//
//	func TestReportForm(t *testing.T) {
//		tab := browsertest.New(t)
//		tab.Run(
//			chromedp.Navigate(srv.URL+"/reports/new"),
//			chromedp.SendKeys(chromedp.ID("title"), "XSS in search"),
//			chromedp.Click(chromedp.CSS(`button[type="submit"]`)),
//			chromedp.WaitVisible(chromedp.ID("report")),
//		)
//		if got := browsertest.Get(tab, chromedp.Text(chromedp.ID("title"))); got != "XSS in search" {
//			t.Errorf("title = %q, want %q", got, "XSS in search")
//		}
//		if errs := tab.ConsoleErrors(); len(errs) > 0 {
//			t.Errorf("console errors: %q", errs)
//		}
//	}
//
// Each New gives the test its own tab in its own browser context, which is
// like an incognito window: no cookies or storage leak between tests, so
// tests can call t.Parallel.
//
// The browser is $HAVEN_CHROMIUM, or the first of chromium, chromium-browser,
// google-chrome and google-chrome-stable in $PATH, or /usr/bin/chromium. When
// there is none, New skips the test, unless HAVEN_TEST_BROWSER=required (CI),
// where it fails: the same rule as for PostgreSQL.
//
// The package imports only the standard library, chromedp and cdproto. It must
// not import Haven's own packages, so that any of them can use it in tests.
package browsertest
