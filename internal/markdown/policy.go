package markdown

import (
	"net/url"
	"regexp"
	"strings"

	"github.com/microcosm-cc/bluemonday"
)

// urlChar is a character allowed anywhere in a URL Haven links to: no
// whitespace, no control character, and no backslash, which browsers read
// as a slash in http(s) URLs ("/\evil.example" leaves the origin).
const urlChar = `[^\x00-\x20\x7f\\]`

// safeURL is the form of every href the policy lets through: an http(s) URL
// with a host, a mailto: URL, an absolute path that is not protocol-relative
// ("//host"), a query or fragment, or a relative path whose first segment
// has no colon (so that no part of it can be read as a scheme).
var safeURL = regexp.MustCompile(`^(?:` +
	`(?i:https?)://[^\x00-\x20\x7f\\/?#@]` + urlChar + `*` +
	`|(?i:mailto):` + urlChar + `+` +
	`|/(?:[^\x00-\x20\x7f\\/]` + urlChar + `*)?` +
	`|[?#]` + urlChar + `*` +
	`|[^\x00-\x20\x7f\\/?#:]+(?:[/?#]` + urlChar + `*)?` +
	`)$`)

// maxURL is the longest URL Render links to. Real links are far shorter;
// the bound keeps a reference link repeated many times cheap.
const maxURL = 8 << 10

// IsSafeURL reports whether u may be the target of a link in rendered
// Markdown: an http or https URL with a host, a mailto: URL, or a path on
// Haven's own origin. It rejects javascript:, data:, vbscript: and every
// other scheme, protocol-relative URLs ("//host"), URLs longer than 8 KB,
// and URLs with whitespace, control characters or backslashes. The
// sanitizer applies the same rule to every href.
func IsSafeURL(u string) bool {
	if len(u) > maxURL || !safeURL.MatchString(u) {
		return false
	}
	p, err := url.Parse(u)
	if err != nil {
		return false
	}
	switch strings.ToLower(p.Scheme) {
	case "http", "https":
		return p.Host != "" && p.Opaque == ""
	case "mailto", "":
		return true
	}
	return false
}

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
	p.AllowURLSchemes("http", "https", "mailto")
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
	p.AllowAttrs("href").Matching(safeURL).OnElements("a")
	p.AllowAttrs("src").Matching(attachmentURL).OnElements("img")
	p.AllowAttrs("alt").Matching(textAttr).OnElements("img")
	p.AllowAttrs("title").Matching(textAttr).OnElements("a", "img")
	return p
}
