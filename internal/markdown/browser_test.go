package markdown

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/haven-project/haven/internal/browsertest"
)

func TestMain(m *testing.M) { browsertest.Main(m) }

// TestHostileInBrowser renders the hostile corpus into one page, opens it in
// Chromium without a Content-Security-Policy, so that only the sanitizer
// stands in the way, and checks that no script runs and that the browser
// fetches nothing but the page and attachments (SECURITY.md 1.2, ASVS 1.3.1
// and 1.3.5). The browser builds the DOM itself, so this also catches
// markup that a browser reads otherwise than the sanitizer did.
func TestHostileInBrowser(t *testing.T) {
	var page strings.Builder
	page.WriteString(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Hostile corpus</title>
<script>
window.__ran = [];
for (const f of ["alert", "confirm", "prompt", "print", "open", "fetch"]) {
	window[f] = (...args) => { window.__ran.push(f + "(" + args.join(", ") + ")"); };
}
</script>
</head>
<body>
`)
	for i, c := range hostileCases(t) {
		fmt.Fprintf(&page, "<section data-case=\"%d\">\n%s</section>\n", i+1, RenderString(c))
	}
	page.WriteString("</body>\n</html>\n")

	var pixel bytes.Buffer
	if err := png.Encode(&pixel, image.NewGray(image.Rect(0, 0, 1, 1))); err != nil {
		t.Fatal(err)
	}
	var (
		mu       sync.Mutex
		requests []string
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		requests = append(requests, r.URL.Path)
		mu.Unlock()
		switch {
		case r.URL.Path == "/":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Write([]byte(page.String()))
		case strings.HasPrefix(r.URL.Path, "/attachments/"):
			w.Header().Set("Content-Type", "image/png")
			w.Write(pixel.Bytes())
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)

	tab := browsertest.New(t)
	tab.Run(
		chromedp.Navigate(srv.URL+"/"),
		// Fire the events that inline handlers and autofocus would use.
		chromedp.Evaluate[chromedp.Void](`
			for (const el of document.body.querySelectorAll("*")) {
				for (const type of ["mouseover", "mouseenter", "pointerover", "focus", "focusin", "toggle", "animationstart", "load", "error"]) {
					el.dispatchEvent(new Event(type));
				}
			}`),
		chromedp.Sleep(300*time.Millisecond),
	)
	if ran := browsertest.Get(tab, chromedp.Evaluate[[]string](`window.__ran`)); len(ran) > 0 {
		t.Errorf("script ran: %q", ran)
	}
	problems := browsertest.Get(tab, chromedp.Evaluate[[]string](`(() => {
		const bad = [];
		const where = el => "case " + (el.closest("section") || {dataset: {}}).dataset.case + ": <" + el.localName + ">";
		if (document.baseURI !== location.href) bad.push("base URI is " + document.baseURI);
		const forbidden = "script, style, link, meta, base, iframe, frame, object, embed, form, input, button, select, textarea, svg, math, noscript, template, video, audio, source";
		for (const el of document.body.querySelectorAll(forbidden)) bad.push(where(el));
		for (const el of document.body.querySelectorAll("*")) {
			for (const a of el.attributes) {
				if (/^on/i.test(a.name) || ["style", "id", "name", "srcset", "background", "poster", "action", "formaction", "xlink:href"].includes(a.name)) {
					bad.push(where(el) + " " + a.name + "=" + a.value);
				}
			}
		}
		for (const a of document.body.querySelectorAll("a")) {
			const u = new URL(a.href);
			const rel = a.rel.split(/\s+/);
			if (!["http:", "https:", "mailto:"].includes(u.protocol)) bad.push(where(a) + " href=" + a.href);
			if (!rel.includes("noreferrer") || !rel.includes("nofollow")) bad.push(where(a) + " rel=" + a.rel);
			if ((u.protocol === "http:" || u.protocol === "https:") && u.origin !== location.origin &&
				(a.target !== "_blank" || !rel.includes("noopener"))) bad.push(where(a) + " to " + a.href + " target=" + a.target + " rel=" + a.rel);
		}
		for (const img of document.body.querySelectorAll("img")) {
			if (!img.src.startsWith(location.origin + "/attachments/")) bad.push(where(img) + " src=" + img.src);
		}
		return bad;
	})()`))
	for _, p := range problems {
		t.Error(p)
	}
	if errs := tab.ConsoleErrors(); len(errs) > 0 {
		// A page that loads nothing from elsewhere logs no failed loads.
		t.Errorf("console errors: %q", errs)
	}
	mu.Lock()
	defer mu.Unlock()
	for _, p := range requests {
		if p != "/" && p != "/favicon.ico" && !strings.HasPrefix(p, "/attachments/") {
			t.Errorf("the browser asked the server for %s", p)
		}
	}
}
