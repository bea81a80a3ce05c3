package markdown

import (
	"net/url"
	"regexp"
	"strings"

	"github.com/microcosm-cc/bluemonday"
)

// maxURL is the longest URL Render links to. Real links are far shorter;
// the bound keeps a reference link repeated many times cheap.
const maxURL = 8 << 10

// IsSafeURL reports whether u may be the target of a link in rendered
// Markdown: an http or https URL with a host, a mailto: URL, or a URL
// relative to Haven's own origin (a path, query or fragment). It rejects
// javascript:, data:, vbscript: and every other scheme, protocol-relative
// URLs ("//host"), URLs longer than 8 KB, and URLs containing whitespace,
// control characters or backslashes, which browsers read as slashes
// ("/\evil.example" leaves the origin). The policy checks every href
// against the same rules.
func IsSafeURL(u string) bool {
	if u == "" || len(u) > maxURL || strings.HasPrefix(u, "//") {
		return false
	}
	for i := range len(u) {
		if c := u[i]; c <= ' ' || c == 0x7f || c == '\\' {
			return false
		}
	}
	p, err := url.Parse(u) // which lowercases the scheme
	if err != nil {
		return false
	}
	switch p.Scheme {
	case "http", "https":
		return hasHost(p)
	case "mailto", "":
		return true
	}
	return false
}

// hasHost reports whether an http(s) URL names a host. "https:evil" has
// none: a browser resolves it against the current page.
func hasHost(u *url.URL) bool { return u.Host != "" && u.Opaque == "" }

// safeHref is the policy's form of every href, the part of IsSafeURL that
// bluemonday's scheme and relative-URL rules don't cover: no whitespace,
// control character or backslash, and no "//" at the start.
var safeHref = regexp.MustCompile(`^(?:[^/\\\x00-\x20\x7f][^\\\x00-\x20\x7f]*|/(?:[^/\\\x00-\x20\x7f][^\\\x00-\x20\x7f]*)?)$`)

// attachmentURL is the only form of image source the policy allows: a path
// under Haven's own /attachments/ route. Segments cannot start with a dot and
// there is no percent sign, so neither ".." nor "%2e%2e" can climb out.
var attachmentURL = regexp.MustCompile(`^/attachments/[A-Za-z0-9_-][A-Za-z0-9._-]*(?:/[A-Za-z0-9_-][A-Za-z0-9._-]*)*$`)

func isAttachmentURL(u string) bool { return len(u) <= maxURL && attachmentURL.MatchString(u) }

// textAttr is the form of alt and title values: any text without angle
// brackets, which these attributes never need and which mutation-XSS
// payloads rely on when a parser later reads an attribute as markup.
var textAttr = regexp.MustCompile(`^[^<>]*$`)

// codeClass is the one class allowed: the language of a fenced code block,
// which goldmark writes as class="language-xxx" on <code>.
var codeClass = regexp.MustCompile(`^language-[A-Za-z0-9_+#.-]{1,40}$`)

// policy is built once; a bluemonday.Policy is safe for concurrent use once
// built. It allows exactly what goldmark emits, a subset of bluemonday's
// UGCPolicy. It starts from NewPolicy because UGCPolicy allows id everywhere
// (DOM clobbering) and images from anywhere (they tell a third party who
// reads a report and when), and bluemonday cannot remove a rule once added.
var policy = newPolicy()

func newPolicy() *bluemonday.Policy {
	p := bluemonday.NewPolicy()

	// URLs must parse and be relative or http, https or mailto; every link
	// gets rel="nofollow noreferrer", and links leaving Haven also get
	// target="_blank" and rel="noopener".
	p.RequireParseableURLs(true)
	p.AllowRelativeURLs(true)
	p.AllowURLSchemeWithCustomPolicy("http", hasHost)
	p.AllowURLSchemeWithCustomPolicy("https", hasHost)
	p.AllowURLSchemes("mailto")
	p.RequireNoFollowOnLinks(true)
	p.RequireNoReferrerOnLinks(true)
	p.AddTargetBlankToFullyQualifiedLinks(true)

	p.AllowElements(
		"p", "br", "hr", "blockquote", "pre",
		"h1", "h2", "h3", "h4", "h5", "h6",
		"ul", "ol", "li",
		"em", "strong", "del", "code",
		"table", "thead", "tbody", "tr", "th", "td",
	)
	p.AllowAttrs("start").Matching(bluemonday.Integer).OnElements("ol")
	p.AllowAttrs("class").Matching(codeClass).OnElements("code")
	p.AllowAttrs("align").Matching(bluemonday.CellAlign).OnElements("th", "td")

	// <a> and <img> are dropped when their href or src is refused: neither
	// is among the elements bluemonday keeps without attributes.
	p.AllowAttrs("href").Matching(safeHref).OnElements("a")
	p.AllowAttrs("src").Matching(attachmentURL).OnElements("img")
	p.AllowAttrs("alt").Matching(textAttr).OnElements("img")
	p.AllowAttrs("title").Matching(textAttr).OnElements("a", "img")
	return p
}
