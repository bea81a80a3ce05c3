package markdown

import (
	"bytes"

	"github.com/yuin/goldmark/ast"
	extast "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// goldmark takes time quadratic in some inputs: emphasis delimiters are
// matched without CommonMark's openers_bottom shortcut (goldmark issue
// #555), every "](" scans ahead for a link destination, and each level of
// block quote or list nesting adds work per line. 50 KB of "_*a" or of
// ">\t" took over 2.5 s before these limits. Each limit changes only input
// no person writes; over a limit, Markdown syntax is shown as text.
const (
	// maxNesting bounds block quotes and lists inside each other.
	maxNesting = 32
	// maxRun bounds the length of a run of *, _ or ~ that may be
	// emphasis or strikethrough: each one or two characters of a run nest
	// one more element, and a run of ten thousand nests deeper than
	// browsers build a DOM (Chromium stops at 512).
	maxRun = 3
	// maxDelimiters bounds the runs of *, _, ~ and `, and the [, ![ and ]
	// of links, that one paragraph, heading or table cell may use as
	// Markdown. From the next one on, the rest of its line is text.
	maxDelimiters = 200
	// maxRefLines bounds the lines of a paragraph goldmark searches for
	// link reference definitions ([label]: url), which takes time
	// quadratic in the lines of one paragraph.
	maxRefLines = 1000
	// maxTableCells bounds the cells of all tables in a document. GFM pads
	// short rows, so a table's size is its columns times its rows,
	// however short its source.
	maxTableCells = 20000
)

// blockParsers returns goldmark's DefaultBlockParsers, with the block quote
// and list parsers limited to maxNesting levels.
func blockParsers() []util.PrioritizedValue {
	return []util.PrioritizedValue{
		util.Prioritized(parser.NewSetextHeadingParser(), 100),
		util.Prioritized(parser.NewThematicBreakParser(), 200),
		util.Prioritized(nestingLimit{parser.NewListParser()}, 300),
		util.Prioritized(parser.NewListItemParser(), 400),
		util.Prioritized(parser.NewCodeBlockParser(), 500),
		util.Prioritized(parser.NewATXHeadingParser(), 600),
		util.Prioritized(parser.NewFencedCodeBlockParser(), 700),
		util.Prioritized(nestingLimit{parser.NewBlockquoteParser()}, 800),
		util.Prioritized(parser.NewHTMLBlockParser(), 900),
		util.Prioritized(parser.NewParagraphParser(), 1000),
	}
}

// nestingLimit is a block parser that opens nothing inside maxNesting block
// quotes and lists.
type nestingLimit struct{ parser.BlockParser }

func (l nestingLimit) Open(parent ast.Node, reader text.Reader, pc parser.Context) (ast.Node, parser.State) {
	depth := 0
	for n := parent; n != nil; n = n.Parent() {
		switch n.Kind() {
		case ast.KindBlockquote, ast.KindList:
			depth++
		}
	}
	if depth >= maxNesting {
		return nil, parser.NoChildren
	}
	return l.BlockParser.Open(parent, reader, pc)
}

// inlineBudget runs before goldmark's inline parsers. It turns runs of *, _
// or ~ longer than maxRun into text, and once a block has used
// maxDelimiters, the rest of each line from the next delimiter on, so that
// no parser scans ahead from it.
type inlineBudget struct{}

var inlineBudgetKey = parser.NewContextKey()

type inlineCount struct {
	block ast.Node
	n     int
}

// Trigger implements parser.InlineParser.
func (inlineBudget) Trigger() []byte { return []byte{'*', '_', '~', '`', '[', ']', '!'} }

// Parse implements parser.InlineParser. It returns nil, leaving the
// delimiter to goldmark's parsers, until the block has used its budget.
func (inlineBudget) Parse(parent ast.Node, block text.Reader, pc parser.Context) ast.Node {
	line, seg := block.PeekLine()
	if len(line) == 0 {
		return nil
	}
	if line[0] == '!' && (len(line) < 2 || line[1] != '[') {
		return nil
	}
	count := pc.ComputeIfAbsent(inlineBudgetKey, func() any { return &inlineCount{} }).(*inlineCount)
	if count.block != parent {
		count.block, count.n = parent, 0
	}
	count.n++
	var n int
	switch {
	case count.n > maxDelimiters:
		// Stop before the line ending, which goldmark turns into a line
		// break.
		n = len(bytes.TrimRight(line, "\r\n"))
	case line[0] == '*' || line[0] == '_' || line[0] == '~':
		for n < len(line) && line[n] == line[0] {
			n++
		}
		if n <= maxRun {
			return nil
		}
	default:
		return nil
	}
	block.Advance(n)
	return ast.NewTextSegment(text.NewSegment(seg.Start, seg.Start+n))
}

// tableBudget wraps goldmark's GFM table transformer and leaves a paragraph
// alone when the table it would become has more cells than the document
// has left.
type tableBudget struct{ parser.ParagraphTransformer }

var tableBudgetKey = parser.NewContextKey()

// Transform implements parser.ParagraphTransformer.
func (t tableBudget) Transform(node *ast.Paragraph, reader text.Reader, pc parser.Context) {
	cells := tableCells(node.Lines(), reader.Source())
	if cells == 0 {
		return
	}
	used, _ := pc.Get(tableBudgetKey).(int)
	if used+cells > maxTableCells {
		return
	}
	pc.Set(tableBudgetKey, used+cells)
	t.ParagraphTransformer.Transform(node, reader, pc)
}

// tableCells returns how many cells goldmark's table transformer would make
// of the paragraph lines, or 0 if it would make no table. Like goldmark, it
// takes the first line that parses as a delimiter row (| :--- | ---: |); the
// table has that row's columns, and one row for the header and each line
// after the delimiter row.
func tableCells(lines *text.Segments, source []byte) int {
	for i := 1; i < lines.Len(); i++ {
		line := lines.At(i)
		if cols := delimiterColumns(line.Value(source)); cols > 0 {
			return cols * (lines.Len() - i)
		}
	}
	return 0
}

// delimiterColumns returns the number of columns of a GFM delimiter row, or
// 0 if line is not one. It accepts what goldmark's parseDelimiter accepts.
func delimiterColumns(line []byte) int {
	allDash := true
	for _, c := range line {
		switch c {
		case '-':
		case ' ', '\t', '\n', '\r', '\v', '\f', '|', ':':
			allDash = false
		default:
			return 0
		}
	}
	if allDash {
		return 0
	}
	cols := bytes.Split(line, []byte{'|'})
	if len(cols) > 0 && util.IsBlank(cols[0]) {
		cols = cols[1:]
	}
	if len(cols) > 0 && util.IsBlank(cols[len(cols)-1]) {
		cols = cols[:len(cols)-1]
	}
	for _, c := range cols {
		c = bytes.TrimSpace(c)
		c = bytes.TrimPrefix(c, []byte(":"))
		c = bytes.TrimSuffix(c, []byte(":"))
		if len(c) == 0 || len(bytes.Trim(c, "-")) != 0 {
			return 0
		}
	}
	return len(cols)
}

// refLimit wraps goldmark's link reference definition transformer and skips
// paragraphs longer than maxRefLines lines.
type refLimit struct{ parser.ParagraphTransformer }

// Transform implements parser.ParagraphTransformer.
func (r refLimit) Transform(node *ast.Paragraph, reader text.Reader, pc parser.Context) {
	if node.Lines().Len() > maxRefLines {
		return
	}
	r.ParagraphTransformer.Transform(node, reader, pc)
}

// tablePipes does the work of goldmark's table AST transformer, which it
// replaces: inside a code span in a table cell, "\|" stands for "|" (GFM
// needs the backslash so that the pipe does not end the cell). goldmark's
// transformer compares every such cell with every escaped pipe of the
// document, which takes time quadratic in their number. Every "|" in a cell
// is escaped, or it would have ended the cell, so tablePipes removes the
// backslash before each one, in one pass.
type tablePipes struct{}

// Transform implements parser.ASTTransformer.
func (tablePipes) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	source := reader.Source()
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering || n.Kind() != ast.KindCodeSpan || !inTableCell(n) {
			return ast.WalkContinue, nil
		}
		for c := n.FirstChild(); c != nil; {
			next := c.NextSibling()
			if t, ok := c.(*ast.Text); ok {
				unescapePipes(n, t, source)
			}
			c = next
		}
		return ast.WalkSkipChildren, nil
	})
}

func inTableCell(n ast.Node) bool {
	for p := n.Parent(); p != nil; p = p.Parent() {
		if p.Kind() == extast.KindTableCell {
			return true
		}
	}
	return false
}

// unescapePipes replaces t, a child of the code span, by raw text segments
// without the backslash of each "\|".
func unescapePipes(span ast.Node, t *ast.Text, source []byte) {
	seg := t.Segment
	value := seg.Value(source)
	if !bytes.Contains(value, []byte(`\|`)) {
		return
	}
	prev := ast.Node(t)
	start := 0
	for {
		i := bytes.Index(value[start:], []byte(`\|`))
		if i < 0 {
			break
		}
		part := seg
		part.Start, part.Stop = seg.Start+start, seg.Start+start+i
		partNode := ast.NewRawTextSegment(part)
		span.InsertAfter(span, prev, partNode)
		prev = partNode
		start += i + 1 // keep the pipe
	}
	rest := ast.NewRawTextSegment(seg.WithStart(seg.Start + start))
	span.InsertAfter(span, prev, rest)
	span.RemoveChild(span, t)
}
