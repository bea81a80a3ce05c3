package markdown

import (
	"errors"
	"flag"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/yuin/goldmark/parser"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// hostileCases returns the cases of testdata/hostile.txt, which are
// separated by lines of "----".
func hostileCases(tb testing.TB) []string {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "hostile.txt"))
	if err != nil {
		tb.Fatal(err)
	}
	return strings.Split(strings.TrimSuffix(string(b), "\n"), "\n----\n")
}

func TestHostile(t *testing.T) {
	cases := hostileCases(t)
	if len(cases) < 40 {
		t.Fatalf("testdata/hostile.txt has %d cases, want at least 40", len(cases))
	}
	for i, src := range cases {
		out := RenderString(src)
		if err := checkSafe(out); err != nil {
			t.Errorf("case %d %q:\n%v\noutput: %q", i+1, src, err, out)
		}
		if string(Render(src)) != out {
			t.Errorf("case %d %q: Render and RenderString differ", i+1, src)
		}
	}
}

// allowed lists the elements Render's output may contain, with the
// attributes each may have. Anything else fails checkSafe.
var allowed = map[string][]string{
	"p": nil, "br": nil, "hr": nil, "blockquote": nil, "pre": nil,
	"h1": nil, "h2": nil, "h3": nil, "h4": nil, "h5": nil, "h6": nil,
	"ul": nil, "ol": {"start"}, "li": nil,
	"em": nil, "strong": nil, "del": nil, "code": {"class"},
	"table": nil, "thead": nil, "tbody": nil, "tr": nil, "th": {"align"}, "td": {"align"},
	"a":   {"href", "title", "rel", "target"},
	"img": {"src", "alt", "title"},
}

// rawForbidden are strings the output never contains: markup is escaped,
// so a "<" in the output always starts an allowed tag.
var rawForbidden = []string{
	"<script", "<style", "<iframe", "<frame", "<svg", "<math", "<form", "<button",
	"<input", "<select", "<option", "<textarea", "<object", "<embed", "<base",
	"<meta", "<link", "<noscript", "<template", "<xmp", "<plaintext", "<title",
	"<!--", "<![cdata[", "<?",
}

// checkSafe checks the promises Render makes about its output (SECURITY.md
// 1.3): only allowed elements and attributes, no event handlers, styles,
// ids or names; links only to http(s), mailto or Haven's own origin, with
// rel="nofollow noreferrer" and, when absolute, target="_blank" and
// noopener; images only from /attachments/; and a second sanitizing
// changes nothing.
func checkSafe(out string) error {
	var errs []error
	fail := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }

	if !utf8.ValidString(out) {
		fail("output is not valid UTF-8")
	}
	lower := strings.ToLower(out)
	for _, s := range rawForbidden {
		if strings.Contains(lower, s) {
			fail("output contains %q", s)
		}
	}

	// Parse as a browser would, inside <body>, so that mutation XSS (markup
	// that means something else once a parser rebuilds it) is caught too.
	body := &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body}
	nodes, err := html.ParseFragment(strings.NewReader(out), body)
	if err != nil {
		fail("parsing the output: %v", err)
	}
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		switch n.Type {
		case html.ElementNode:
			checkElement(n, fail)
		case html.CommentNode:
			fail("comment %q", n.Data)
		case html.DoctypeNode:
			fail("doctype")
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	for _, n := range nodes {
		walk(n)
	}

	if again := policy.Sanitize(out); again != out {
		fail("sanitizing the output again changes it:\n%s", cmp.Diff(out, again))
	}
	return errors.Join(errs...)
}

func checkElement(n *html.Node, fail func(string, ...any)) {
	attrs, ok := allowed[n.Data]
	if !ok || n.Namespace != "" {
		fail("element <%s> (namespace %q)", n.Data, n.Namespace)
		return
	}
	get := map[string]string{}
	for _, a := range n.Attr {
		key := strings.ToLower(a.Key)
		get[key] = a.Val
		switch {
		case strings.HasPrefix(key, "on"):
			fail("event handler %s=%q on <%s>", a.Key, a.Val, n.Data)
		case a.Namespace != "" || !contains(attrs, key):
			fail("attribute %s:%s=%q on <%s>", a.Namespace, a.Key, a.Val, n.Data)
		case key == "class" && !codeClass.MatchString(a.Val):
			fail("class=%q on <%s>", a.Val, n.Data)
		}
		// Browsers ignore whitespace and control characters in a scheme.
		v := strings.ToLower(strings.Map(dropSpaceAndControl, a.Val))
		for _, scheme := range []string{"javascript:", "vbscript:", "data:", "file:"} {
			if (key == "href" || key == "src") && strings.HasPrefix(v, scheme) {
				fail("%s=%q on <%s>", a.Key, a.Val, n.Data)
			}
		}
	}
	switch n.Data {
	case "img":
		src, ok := get["src"]
		if !ok || !attachmentURL.MatchString(src) {
			fail("<img> with src %q, want a path under /attachments/", src)
		}
	case "a":
		checkLink(get, fail)
	}
}

func checkLink(attr map[string]string, fail func(string, ...any)) {
	href, ok := attr["href"]
	if !ok {
		fail("<a> without href")
		return
	}
	if !IsSafeURL(href) {
		fail("<a href=%q>: IsSafeURL is false", href)
	}
	u, err := url.Parse(href)
	if err != nil {
		fail("<a href=%q>: %v", href, err)
		return
	}
	rel := strings.Fields(attr["rel"])
	for _, want := range []string{"nofollow", "noreferrer"} {
		if !contains(rel, want) {
			fail("<a href=%q rel=%q>: no %s", href, attr["rel"], want)
		}
	}
	switch {
	case u.Host != "":
		if u.Scheme != "http" && u.Scheme != "https" {
			fail("<a href=%q> to another origin, not over http(s)", href)
		}
		if attr["target"] != "_blank" || !contains(rel, "noopener") {
			fail("<a href=%q target=%q rel=%q>: absolute link without target=_blank and noopener",
				href, attr["target"], attr["rel"])
		}
	case u.Scheme != "" && u.Scheme != "mailto":
		fail("<a href=%q>: scheme %q", href, u.Scheme)
	case strings.HasPrefix(href, "//") || strings.Contains(href, `\`):
		fail("<a href=%q>: leaves the origin", href)
	}
	if t, ok := attr["target"]; ok && t != "_blank" {
		fail("<a href=%q target=%q>", href, t)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// dropSpaceAndControl drops what browsers ignore inside a URL scheme.
func dropSpaceAndControl(r rune) rune {
	if r <= ' ' || r == 0x7f {
		return -1
	}
	return r
}

func TestGolden(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no testdata/*.md")
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".md")
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			got := RenderString(string(src))
			if err := checkSafe(got); err != nil {
				t.Error(err)
			}
			golden := strings.TrimSuffix(file, ".md") + ".golden"
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(string(want), got); diff != "" {
				t.Errorf("RenderString mismatch (-want +got), run go test -update to accept:\n%s", diff)
			}
		})
	}
}

// TestRender pins the decisions of the policy, one input each.
func TestRender(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"heading has no id", "# Title", "<h1>Title</h1>\n"},
		{"absolute link", "[a](https://example.com/x)",
			`<p><a href="https://example.com/x" rel="nofollow noreferrer noopener" target="_blank">a</a></p>` + "\n"},
		{"relative link", "[a](/reports/k3y)",
			`<p><a href="/reports/k3y" rel="nofollow noreferrer">a</a></p>` + "\n"},
		{"mailto link", "<security@example.com>",
			`<p><a href="mailto:security@example.com" rel="nofollow noreferrer">security@example.com</a></p>` + "\n"},
		{"linkify", "see www.example.com",
			`<p>see <a href="http://www.example.com" rel="nofollow noreferrer noopener" target="_blank">www.example.com</a></p>` + "\n"},
		{"javascript link is text", "[a *b*](javascript:alert(1))", "<p>a <em>b</em></p>\n"},
		{"protocol-relative link is text", "[a](//example.com/)", "<p>a</p>\n"},
		{"ftp autolink is text", "<ftp://example.com/f>", "<p>ftp://example.com/f</p>\n"},
		{"attachment image", `![shot](/attachments/9/a.png "T")`,
			`<p><img src="/attachments/9/a.png" alt="shot" title="T"></p>` + "\n"},
		{"external image is a link", "![pic](https://example.com/p.png)",
			`<p><a href="https://example.com/p.png" rel="nofollow noreferrer noopener" target="_blank">pic</a></p>` + "\n"},
		{"external image without alt", "![](https://example.com/p.png)",
			`<p><a href="https://example.com/p.png" rel="nofollow noreferrer noopener" target="_blank">https://example.com/p.png</a></p>` + "\n"},
		{"external image in a link", "[![pic](https://example.com/p.png)](https://example.com/)",
			`<p><a href="https://example.com/" rel="nofollow noreferrer noopener" target="_blank">pic</a></p>` + "\n"},
		{"data image is its description", "![pic](data:image/png;base64,AAAA)", "<p>pic</p>\n"},
		{"raw HTML is text", "<b onclick=x>bold</b>", "<p>&lt;b onclick=x&gt;bold&lt;/b&gt;</p>\n"},
		{"raw HTML block is text", "<div>\nx\n</div>", "<p>&lt;div&gt;\nx\n&lt;/div&gt;</p>\n"},
		{"task list", "- [x] done\n- [ ] open",
			"<ul>\n<li>☑ done</li>\n<li>☐ open</li>\n</ul>\n"},
		{"code language", "```c++\nx<y\n```", `<pre><code class="language-c++">x&lt;y` + "\n</code></pre>\n"},
		{"odd code language dropped", "```a\"b\nx\n```", "<pre><code>x\n</code></pre>\n"},
		{"table alignment", "|a|b|\n|:-:|-:|\n|1|2|",
			"<table>\n<thead>\n<tr>\n<th align=\"center\">a</th>\n<th align=\"right\">b</th>\n</tr>\n</thead>\n" +
				"<tbody>\n<tr>\n<td align=\"center\">1</td>\n<td align=\"right\">2</td>\n</tr>\n</tbody>\n</table>\n"},
		{"strikethrough", "~~old~~", "<p><del>old</del></p>\n"},
		{"ordered list start", "3. c\n4. d", "<ol start=\"3\">\n<li>c</li>\n<li>d</li>\n</ol>\n"},
		{"attribute syntax is text", "# T {#x .y}", "<h1>T {#x .y}</h1>\n"},
		{"NUL", "a\x00b", "<p>a\uFFFDb</p>\n"},
		{"invalid UTF-8", "a\xffb", "<p>a\uFFFDb</p>\n"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := RenderString(tt.src)
			if got != tt.want {
				t.Errorf("RenderString(%q)\n got %q\nwant %q", tt.src, got, tt.want)
			}
			if err := checkSafe(got); err != nil {
				t.Error(err)
			}
		})
	}
}

func TestIsSafeURL(t *testing.T) {
	tests := []struct {
		url  string
		want bool
	}{
		{"https://example.com/a?b=c#d", true},
		{"http://example.com", true},
		{"HTTPS://EXAMPLE.COM/", true},
		{"https://user@example.com:8443/x", true},
		{"http://[::1]:80/", true},
		{"mailto:security@example.com?subject=hi", true},
		{"/reports/k3y", true},
		{"/", true},
		{"reports/k3y", true},
		{"a/b:c", true},
		{"?page=2", true},
		{"#section", true},
		{"", false},
		{"javascript:alert(1)", false},
		{"JaVaScRiPt:alert(1)", false},
		{"vbscript:msgbox(1)", false},
		{"data:text/html,x", false},
		{"data:image/png;base64,AAAA", false},
		{"file:///etc/passwd", false},
		{"ftp://example.com/", false},
		{"//example.com/", false},
		{"/\\example.com/", false},
		{"https:\\\\example.com", false},
		{"https:example.com", false},
		{"https://", false},
		{"https:///path", false},
		{"java\tscript:alert(1)", false},
		{" https://example.com", false},
		{"https://example.com/a b", false},
		{"https://example.com/\x00", false},
		{"https://example.com/%zz", false},
		{"a:b", false},
		{"https://example.com/" + strings.Repeat("x", maxURL), false},
	}
	for _, tt := range tests {
		if got := IsSafeURL(tt.url); got != tt.want {
			t.Errorf("IsSafeURL(%q) = %v, want %v", tt.url, got, tt.want)
		}
		// The policy must keep every link IsSafeURL accepts.
		if tt.want && !safeHref.MatchString(tt.url) {
			t.Errorf("IsSafeURL(%q) is true, but the policy's href regexp refuses it", tt.url)
		}
	}
}

func TestSummary(t *testing.T) {
	tests := []struct {
		src  string
		n    int
		want string
	}{
		{"# Title\n\nSome *emphasis* with [a link](https://example.com) and `code`.", 100,
			"Title Some emphasis with a link and code."},
		{"# Title\n\nSome text", 10, "Title Som…"},
		{"one two", 7, "one two"},
		{"one two", 6, "one t…"},
		{"one two", 5, "one…"},
		{"éééé", 3, "éé…"},
		{"x", 0, ""},
		{"&amp; &lt;b&gt; \\*not\\*", 100, "& <b> *not*"},
		{"<b onclick=x>raw</b>", 100, "<b onclick=x>raw</b>"},
		{"![alt text](/attachments/1/a.png) ![x](javascript:y)", 100, "alt text x"},
		{"```\nline1\nline2\n```\n\n    indented", 100, "line1 line2 indented"},
		{"- [x] a\n- b\n\n> quote", 100, "a b quote"},
		{"Subject\r\nBcc: victim@example.com", 100, "Subject Bcc: victim@example.com"},
		{"a\u202eb\u2066c\x07d\u0085e", 100, "abcd e"},
		{"|a|b|\n|-|-|\n|1|2|", 100, "a b 1 2"},
		{"<https://example.com>", 100, "https://example.com"},
	}
	for _, tt := range tests {
		if got := Summary(tt.src, tt.n); got != tt.want {
			t.Errorf("Summary(%q, %d) = %q, want %q", tt.src, tt.n, got, tt.want)
		}
	}
}

func TestTruncated(t *testing.T) {
	// Two-byte characters, so that the cut falls inside one if done by bytes.
	src := strings.Repeat("é", MaxInput)
	got := RenderString(src)
	if !strings.Contains(got, "longer than 200 KB") {
		t.Errorf("RenderString of %d bytes has no truncation note", len(src))
	}
	if !utf8.ValidString(got) {
		t.Error("RenderString of a cut input is not valid UTF-8")
	}
	if n := strings.Count(got, "é"); n != MaxInput/2 {
		t.Errorf("RenderString kept %d characters of 2 bytes, want %d", n, MaxInput/2)
	}
	if got := RenderString(strings.Repeat("a", MaxInput)); strings.Contains(got, "longer than") {
		t.Error("RenderString of exactly MaxInput bytes has a truncation note")
	}
	if got := Summary(src, MaxInput); utf8.RuneCountInString(got) > MaxInput/2+1 {
		t.Errorf("Summary read %d characters, more than MaxInput allows", utf8.RuneCountInString(got))
	}
}

// TestBlockParsers checks that blockParsers is goldmark's default list with
// wrappers, so that an upgrade of goldmark that changes the list is noticed.
func TestBlockParsers(t *testing.T) {
	ours, theirs := blockParsers(), parser.DefaultBlockParsers()
	if len(ours) != len(theirs) {
		t.Fatalf("blockParsers has %d parsers, goldmark's default %d", len(ours), len(theirs))
	}
	for i := range ours {
		o, d := ours[i], theirs[i]
		ot := string(o.Value.(parser.BlockParser).Trigger())
		dt := string(d.Value.(parser.BlockParser).Trigger())
		if o.Priority != d.Priority || ot != dt {
			t.Errorf("block parser %d: ours has priority %d and triggers %q, goldmark's %d and %q",
				i, o.Priority, ot, d.Priority, dt)
		}
	}
}

func TestConcurrent(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("testdata", "report.md"))
	if err != nil {
		t.Fatal(err)
	}
	want := RenderString(string(src))
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 5 {
				if got := RenderString(string(src)); got != want {
					t.Error("RenderString gave another result in parallel")
					return
				}
				Summary(string(src), 200)
			}
		})
	}
	wg.Wait()
}

func FuzzRender(f *testing.F) {
	for _, c := range hostileCases(f) {
		f.Add(c)
	}
	files, _ := filepath.Glob(filepath.Join("testdata", "*.md"))
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b))
	}
	f.Fuzz(func(t *testing.T, src string) {
		out := RenderString(src)
		if err := checkSafe(out); err != nil {
			t.Fatalf("RenderString(%q) = %q:\n%v", src, out, err)
		}
		s := Summary(src, 80)
		if utf8.RuneCountInString(s) > 80 || !utf8.ValidString(s) || strings.ContainsAny(s, "\r\n\x00") {
			t.Fatalf("Summary(%q, 80) = %q", src, s)
		}
	})
}

func BenchmarkRender(b *testing.B) {
	src, err := os.ReadFile(filepath.Join("testdata", "report.md"))
	if err != nil {
		b.Fatal(err)
	}
	s := string(src)
	b.SetBytes(int64(len(s)))
	b.ReportAllocs()
	for b.Loop() {
		RenderString(s)
	}
}

func BenchmarkSummary(b *testing.B) {
	src, err := os.ReadFile(filepath.Join("testdata", "report.md"))
	if err != nil {
		b.Fatal(err)
	}
	s := string(src)
	b.SetBytes(int64(len(s)))
	b.ReportAllocs()
	for b.Loop() {
		Summary(s, 200)
	}
}
