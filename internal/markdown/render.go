package markdown

import (
	"strings"

	"github.com/yuin/goldmark/ast"
	extast "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/util"
)

// safeRenderer replaces goldmark's rendering of the nodes that can carry a
// URL or raw HTML. It decides what a reader's browser will fetch or follow;
// the policy then checks the same rules again.
type safeRenderer struct{}

// RegisterFuncs implements renderer.NodeRenderer.
func (safeRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindLink, renderLink)
	reg.Register(ast.KindAutoLink, renderAutoLink)
	reg.Register(ast.KindImage, renderImage)
	reg.Register(ast.KindRawHTML, renderRawHTML)
	reg.Register(ast.KindHTMLBlock, renderHTMLBlock)
	reg.Register(extast.KindTaskCheckBox, renderTaskCheckBox)
}

// linkDest returns a link or image destination as goldmark would write it
// into href or src (backslash escapes and character references resolved,
// then percent-encoded), which is the string IsSafeURL must judge.
func linkDest(dest []byte) string {
	return string(util.URLEscape(dest, true))
}

// renderLink writes a link whose destination is safe, and only the link text
// otherwise.
func renderLink(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if isFull(w) {
		// A reference link can repeat a long URL many times; once the
		// output is too large, stop doing work per link.
		return ast.WalkStop, errTooLarge
	}
	n := node.(*ast.Link)
	dest := linkDest(n.Destination)
	if !IsSafeURL(dest) {
		return ast.WalkContinue, nil
	}
	if entering {
		writeOpenLink(w, dest, n.Title)
	} else {
		_, _ = w.WriteString("</a>")
	}
	return ast.WalkContinue, nil
}

func writeOpenLink(w util.BufWriter, dest string, title []byte) {
	_, _ = w.WriteString(`<a href="`)
	_, _ = w.Write(util.EscapeHTML([]byte(dest)))
	_ = w.WriteByte('"')
	if title != nil {
		_, _ = w.WriteString(` title="`)
		html.DefaultWriter.Write(w, title)
		_ = w.WriteByte('"')
	}
	_ = w.WriteByte('>')
}

// renderAutoLink writes <https://…>, <mailto:…>, <a@b.example> and
// linkified addresses as links when their URL is safe, and as text
// otherwise.
func renderAutoLink(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	n := node.(*ast.AutoLink)
	dest := string(util.URLEscape(n.URL(source), false))
	if n.AutoLinkType == ast.AutoLinkEmail && !strings.HasPrefix(strings.ToLower(dest), "mailto:") {
		dest = "mailto:" + dest
	}
	label := util.EscapeHTML(n.Label(source))
	if !IsSafeURL(dest) {
		_, _ = w.Write(label)
		return ast.WalkContinue, nil
	}
	writeOpenLink(w, dest, nil)
	_, _ = w.Write(label)
	_, _ = w.WriteString("</a>")
	return ast.WalkContinue, nil
}

// renderImage writes <img> only for Haven's own attachments. Any other safe
// URL becomes a link, so the reader's browser fetches nothing by itself;
// anything else is reduced to the image's description.
func renderImage(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if isFull(w) {
		return ast.WalkStop, errTooLarge
	}
	n := node.(*ast.Image)
	dest := linkDest(n.Destination)
	if isAttachmentURL(dest) {
		if entering {
			_, _ = w.WriteString(`<img src="`)
			_, _ = w.Write(util.EscapeHTML([]byte(dest)))
			_, _ = w.WriteString(`" alt="`)
			writeTexts(w, source, n)
			_ = w.WriteByte('"')
			if n.Title != nil {
				_, _ = w.WriteString(` title="`)
				html.DefaultWriter.Write(w, n.Title)
				_ = w.WriteByte('"')
			}
			_ = w.WriteByte('>')
		}
		return ast.WalkSkipChildren, nil
	}
	// A link inside a link would be invalid HTML; keep the outer one.
	if !IsSafeURL(dest) || insideLink(n) {
		return ast.WalkContinue, nil
	}
	if entering {
		writeOpenLink(w, dest, n.Title)
		if n.FirstChild() == nil {
			// No description: the URL is the only text to click.
			_, _ = w.Write(util.EscapeHTML([]byte(dest)))
		}
	} else {
		_, _ = w.WriteString("</a>")
	}
	return ast.WalkContinue, nil
}

func insideLink(n ast.Node) bool {
	for p := n.Parent(); p != nil; p = p.Parent() {
		switch p.Kind() {
		case ast.KindLink, ast.KindAutoLink:
			return true
		}
	}
	return false
}

// writeTexts writes the text of n's descendants, escaped, for an alt
// attribute.
func writeTexts(w util.BufWriter, source []byte, n ast.Node) {
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		switch c := c.(type) {
		case *ast.Text:
			html.DefaultWriter.Write(w, c.Segment.Value(source))
		case *ast.String:
			html.DefaultWriter.Write(w, c.Value)
		default:
			writeTexts(w, source, c)
		}
	}
}

// renderRawHTML and renderHTMLBlock show raw HTML as text. Reports on a
// vulnerability platform quote payloads; dropping them, as goldmark does
// without WithUnsafe, would hide from the triager what the researcher wrote.
func renderRawHTML(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if entering {
		n := node.(*ast.RawHTML)
		for i := range n.Segments.Len() {
			s := n.Segments.At(i)
			_, _ = w.Write(util.EscapeHTML(s.Value(source)))
		}
	}
	return ast.WalkSkipChildren, nil
}

func renderHTMLBlock(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	n := node.(*ast.HTMLBlock)
	if entering {
		_, _ = w.WriteString("<p>")
		lines := n.Lines()
		for i := range lines.Len() {
			s := lines.At(i)
			_, _ = w.Write(util.EscapeHTML(s.Value(source)))
		}
		return ast.WalkContinue, nil
	}
	if n.HasClosure() {
		_, _ = w.Write(util.EscapeHTML(n.ClosureLine.Value(source)))
	}
	_, _ = w.WriteString("</p>\n")
	return ast.WalkContinue, nil
}

// renderTaskCheckBox draws a task-list box as a character: the policy allows
// no form controls, not even disabled checkboxes.
func renderTaskCheckBox(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	if node.(*extast.TaskCheckBox).IsChecked {
		_, _ = w.WriteString("☑ ")
	} else {
		_, _ = w.WriteString("☐ ")
	}
	return ast.WalkContinue, nil
}
