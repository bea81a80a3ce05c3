package markdown

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// Summary returns the plain text of src, without Markdown syntax and with
// whitespace collapsed to single spaces, cut to at most n characters
// (runes) with "…" at the end when cut. It is for lists, notifications and
// e-mail: it contains no line breaks or control characters, so it is safe
// in a mail header, but it is text, to be escaped like any other. Raw HTML
// in src is kept as the text it is, as Render shows it.
func Summary(src string, n int) string {
	if n <= 0 {
		return ""
	}
	src, _ = clip(src)
	source := []byte(src)
	doc := md.Parser().Parse(text.NewReader(source))
	var b strings.Builder
	_ = ast.Walk(doc, func(node ast.Node, entering bool) (ast.WalkStatus, error) {
		if b.Len() > 4*n+64 {
			// Enough text for n runes, however much whitespace.
			return ast.WalkStop, nil
		}
		if !entering {
			if node.Type() == ast.TypeBlock {
				b.WriteByte(' ')
			}
			return ast.WalkContinue, nil
		}
		switch node := node.(type) {
		case *ast.Text:
			b.Write(plainText(node.Segment.Value(source)))
			if node.SoftLineBreak() || node.HardLineBreak() {
				b.WriteByte(' ')
			}
		case *ast.String:
			b.Write(node.Value)
		case *ast.AutoLink:
			b.Write(node.Label(source))
		case *ast.RawHTML:
			for i := range node.Segments.Len() {
				s := node.Segments.At(i)
				b.Write(s.Value(source))
			}
		case *ast.CodeSpan:
			for c := node.FirstChild(); c != nil; c = c.NextSibling() {
				if t, ok := c.(*ast.Text); ok {
					b.Write(t.Segment.Value(source))
				}
			}
			return ast.WalkSkipChildren, nil
		case *ast.FencedCodeBlock, *ast.CodeBlock, *ast.HTMLBlock:
			lines := node.Lines()
			for i := range lines.Len() {
				s := lines.At(i)
				b.Write(s.Value(source))
			}
			if hb, ok := node.(*ast.HTMLBlock); ok && hb.HasClosure() {
				b.Write(hb.ClosureLine.Value(source))
			}
		}
		return ast.WalkContinue, nil
	})
	return excerpt(b.String(), n)
}

// plainText resolves backslash escapes and character references in a
// Markdown text segment.
func plainText(v []byte) []byte {
	v = util.UnescapePunctuations(v)
	v = util.ResolveNumericReferences(v)
	return util.ResolveEntityNames(v)
}

// excerpt collapses whitespace, drops control and bidirectional-formatting
// characters (which could disguise the rest of an e-mail line), and cuts s
// to n runes.
func excerpt(s string, n int) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case unicode.IsSpace(r):
			return ' '
		case unicode.IsControl(r), isBidiControl(r):
			return -1
		}
		return r
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	cut := 0
	for range n - 1 {
		_, size := utf8.DecodeRuneInString(s[cut:])
		cut += size
	}
	return strings.TrimRight(s[:cut], " ") + "…"
}

func isBidiControl(r rune) bool {
	return r == '\u061c' || r == '\u200e' || r == '\u200f' ||
		('\u202a' <= r && r <= '\u202e') || ('\u2066' <= r && r <= '\u2069')
}
