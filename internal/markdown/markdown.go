package markdown

import (
	"bytes"
	"errors"
	"html/template"
	"strings"
	"unicode/utf8"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/util"
)

// MaxInput is the longest Markdown source, in bytes, that Render and Summary
// read; the rest is cut off, and Render says so at the end of its output.
const MaxInput = 200 << 10

// Notes Render adds to its output. They are constant text, and they go
// through the sanitizer like everything else.
const (
	truncatedNote = "<p><em>[The rest of this text is not shown: it is longer than 200 KB.]</em></p>\n"
	plainNote     = "<p><em>[This text is shown without formatting: formatted, it would be too large.]</em></p>\n"
)

// Render converts untrusted Markdown to sanitized HTML.
//
// The result is the output of bluemonday with Haven's policy, which is why
// Render, alone in Haven, may return template.HTML. Callers must not change
// the HTML afterwards: any transformation belongs before sanitizing.
func Render(src string) template.HTML {
	return template.HTML(RenderString(src))
}

// RenderString is Render returning a plain string, for callers that are not
// html/template, such as the HTML part of an e-mail.
func RenderString(src string) string {
	src, truncated := clip(src)
	out, ok := convert(src)
	if !ok {
		// Only reference links repeating a long URL thousands of times
		// get here. Show the text as it is.
		out = "<pre>" + string(util.EscapeHTML([]byte(src))) + "</pre>\n" + plainNote
	}
	if truncated {
		out += truncatedNote
	}
	return policy.Sanitize(out)
}

// convert runs goldmark on src. It reports false if the HTML would be larger
// than maxHTML allows.
func convert(src string) (string, bool) {
	out := &limitedBuffer{limit: maxHTML(len(src))}
	out.Grow(len(src) + len(src)/2)
	if err := md.Convert([]byte(src), out); err != nil || out.full {
		return "", false
	}
	return out.String(), true
}

// clip makes src valid UTF-8 without NUL bytes (CommonMark replaces U+0000;
// doing it first keeps goldmark and the HTML tokenizer in agreement) and
// cuts it to at most MaxInput bytes on a character boundary. It reports
// whether it cut anything.
func clip(src string) (string, bool) {
	truncated := false
	if len(src) > MaxInput {
		i := MaxInput
		for i > 0 && !utf8.RuneStart(src[i]) {
			i--
		}
		src, truncated = src[:i], true
	}
	if !utf8.ValidString(src) {
		src = strings.ToValidUTF8(src, "\uFFFD")
	}
	if strings.IndexByte(src, 0) >= 0 {
		src = strings.ReplaceAll(src, "\x00", "\uFFFD")
	}
	return src, truncated
}

// md is configured once; goldmark.Markdown is safe for concurrent use.
//
// The parser is goldmark's default one with the limits of limits.go wrapped
// around the block quote and list parsers and the table transformer.
// Options left off on purpose: html.WithUnsafe (raw HTML),
// parser.WithAttribute ({#id .class} would set id and class),
// parser.WithAutoHeadingID (ids), and the footnote extension (ids and
// fragment links).
var md = goldmark.New(
	goldmark.WithParser(parser.NewParser(
		parser.WithBlockParsers(blockParsers()...),
		parser.WithInlineParsers(parser.DefaultInlineParsers()...),
		parser.WithInlineParsers(util.Prioritized(inlineBudget{}, -1000)),
		parser.WithParagraphTransformers(util.Prioritized(refLimit{parser.LinkReferenceParagraphTransformer}, 100)),
		// The GFM table extension, with a cap on the cells it may create.
		parser.WithParagraphTransformers(util.Prioritized(tableBudget{extension.NewTableParagraphTransformer()}, 200)),
		parser.WithASTTransformers(util.Prioritized(tablePipes{}, 0)),
	)),
	goldmark.WithExtensions(
		extension.NewLinkify(extension.WithLinkifyAllowedProtocols([]string{"http", "https", "mailto"})),
		extension.Strikethrough,
		extension.TaskList,
	),
	goldmark.WithRendererOptions(
		renderer.WithNodeRenderers(
			// Alignment as an align attribute: the policy allows no style.
			util.Prioritized(extension.NewTableHTMLRenderer(
				extension.WithTableCellAlignMethod(extension.TableCellAlignAttribute)), 500),
			// Priority 100 runs ahead of goldmark's own renderers (1000)
			// and the task list's (500), so these functions replace theirs.
			util.Prioritized(safeRenderer{}, 100),
		),
	),
)

// maxHTML bounds the HTML goldmark may write for a source of n bytes.
// Markdown grows by at most 5 times or so ("&" becomes "&amp;", "#\n" becomes
// "<h1></h1>\n"), tables by more but within maxTableCells; only reference
// links repeated many times grow without bound.
func maxHTML(n int) int { return 64<<10 + 8*n }

// limitedBuffer is the goldmark output: a util.BufWriter that keeps at most
// limit bytes and then records that it is full. Renderers that could do
// much work per node check full and stop the walk.
type limitedBuffer struct {
	bytes.Buffer
	limit int
	full  bool
}

var errTooLarge = errors.New("markdown: rendered HTML too large")

func (b *limitedBuffer) room(n int) bool {
	if b.full || b.Len()+n > b.limit {
		b.full = true
		return false
	}
	return true
}

func (b *limitedBuffer) Write(p []byte) (int, error) {
	if !b.room(len(p)) {
		return 0, errTooLarge
	}
	return b.Buffer.Write(p)
}

func (b *limitedBuffer) WriteString(s string) (int, error) {
	if !b.room(len(s)) {
		return 0, errTooLarge
	}
	return b.Buffer.WriteString(s)
}

func (b *limitedBuffer) WriteByte(c byte) error {
	if !b.room(1) {
		return errTooLarge
	}
	return b.Buffer.WriteByte(c)
}

func (b *limitedBuffer) WriteRune(r rune) (int, error) {
	if !b.room(utf8.RuneLen(r)) {
		return 0, errTooLarge
	}
	return b.Buffer.WriteRune(r)
}

// Available, Buffered and Flush complete util.BufWriter, so goldmark writes
// to the buffer directly instead of through a bufio.Writer.
func (b *limitedBuffer) Available() int { return max(b.limit-b.Len(), 0) }
func (b *limitedBuffer) Buffered() int  { return 0 }
func (b *limitedBuffer) Flush() error {
	if b.full {
		return errTooLarge
	}
	return nil
}

// isFull reports whether w is a limitedBuffer that has refused a write.
func isFull(w util.BufWriter) bool {
	b, ok := w.(*limitedBuffer)
	return ok && b.full
}
