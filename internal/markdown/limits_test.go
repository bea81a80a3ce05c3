package markdown

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// repeat returns s repeated to size bytes at most.
func repeat(s string, size int) string { return strings.Repeat(s, size/len(s)) }

// fastest returns the shortest of n runs of RenderString(src), which is
// steadier than one run on a busy machine.
func fastest(n int, src string) time.Duration {
	best := time.Duration(1<<63 - 1)
	for range n {
		start := time.Now()
		RenderString(src)
		best = min(best, time.Since(start))
	}
	return best
}

// TestDeepNesting renders 10,000 levels of nesting of each kind. Without
// the limits, goldmark's time grows with the square of the depth.
func TestDeepNesting(t *testing.T) {
	const depth = 10000
	tests := []struct {
		name, src string
	}{
		{"block quotes", strings.Repeat(">", depth) + " x"},
		{"block quotes and spaces", strings.Repeat("> ", depth) + "x"},
		{"lists", strings.Repeat("* ", depth) + "x"},
		{"indented lists", func() string {
			var b strings.Builder
			for i := range depth / 10 { // 10 times as many bytes per level
				b.WriteString(strings.Repeat(" ", 2*i) + "* x\n")
			}
			return b.String()
		}()},
		{"block quotes of lists", strings.Repeat("> - ", depth) + "x"},
		{"emphasis", strings.Repeat("*", depth) + "x" + strings.Repeat("*", depth)},
		{"alternating emphasis", strings.Repeat("*a _", depth) + strings.Repeat("b_ c*", depth)},
		{"brackets", strings.Repeat("[", depth) + "x" + strings.Repeat("]", depth)},
		{"links", strings.Repeat("[a](", depth) + strings.Repeat(")", depth)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			out := RenderString(tt.src)
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("RenderString took %v", d)
			}
			if n := strings.Count(out, "<blockquote>") + strings.Count(out, "<ul>"); n > maxNesting {
				t.Errorf("output nests %d block quotes and lists, want at most %d", n, maxNesting)
			}
			if err := checkSafe(out); err != nil {
				t.Error(err)
			}
		})
	}
}

// TestPathological renders inputs that took time quadratic in their size
// before the limits of limits.go, each 32 KB (where 1 s was typical, and
// 200 KB took up to a minute), and compares the time with that of a real
// report of the same size.
func TestPathological(t *testing.T) {
	const size = 32 << 10
	report, err := os.ReadFile(filepath.Join("testdata", "report.md"))
	if err != nil {
		t.Fatal(err)
	}
	baseline := fastest(3, strings.Repeat(string(report), size/len(report)+1)[:size])
	limit := 20*baseline + 500*time.Millisecond
	tests := map[string]string{
		// Found by timing every string of up to three interesting
		// characters repeated, the way andersk found cmark's.
		"w~_": repeat("w~_", size), "w~*": repeat("w~*", size), "_*a": repeat("_*a", size),
		"*_a": repeat("*_a", size), "_* ": repeat("_* ", size), `~*\n`: repeat("~*\n", size),
		">>": repeat(">>", size), `>\t`: repeat(">\t", size), ">* ": repeat(">* ", size),
		"([]": repeat("([]", size), "]([": repeat("]([", size), `\n#]`: repeat("\n#]", size),
		// From cmark's test/pathological_tests.py and the issues of
		// other CommonMark parsers.
		"nested strong emph":   strings.Repeat("*a **a ", size/14) + "b" + strings.Repeat(" a** a*", size/14),
		"emph closers":         repeat("a_ ", size),
		"emph openers":         repeat("_a ", size),
		"mismatched emph":      repeat("*a_ ", size),
		"link closers":         repeat("a]", size),
		"link openers":         repeat("[a", size),
		"link openers in emph": repeat("[ a_", size),
		"[ (](":                repeat("[ (](", size),
		"![[]()":               repeat("![[]()", size),
		"[](":                  repeat("[](", size),
		"unclosed links A":     repeat("[a](<b", size),
		"unclosed links B":     repeat("[a](b", size),
		"unclosed image links": repeat("![a](b", size),
		"backticks": func() string {
			var b strings.Builder
			for i := 1; b.Len() < size; i++ {
				b.WriteString("e" + strings.Repeat("`", i))
			}
			return b.String()
		}(),
		"escaped backticks":      repeat("\\``", size),
		"unclosed comments":      "</" + repeat("<!--", size),
		"angle brackets":         repeat("<>", size),
		"reference definitions":  repeat("[a]: b\n", size),
		"reference links":        "[a]: /b\n\n" + repeat("[a]\n", size),
		"table escaped pipes":    "a|b\n-|-\n" + repeat("`\\|`|`\\|`\n", size),
		"many small tables":      repeat("a|b|c|d|e|f|g|h\n-|-|-|-|-|-|-|-\n|\n|\n|\n\n", size),
		"wide table, short rows": "a" + strings.Repeat("|a", 2000) + "\n-" + strings.Repeat("|-", 2000) + "\n" + repeat("x\n", size-8000),
		"long emphasis runs":     repeat("****a", size),
		"headings":               repeat("a\n=\n", size),
		"task list":              repeat("- [ ] a\n", size),
		"mixed":                  repeat("*_~`[<", size),
	}
	for name, src := range tests {
		d := fastest(1, src)
		if d > limit {
			t.Errorf("%s: RenderString of %d bytes took %v, want at most %v (20 times a report of that size, plus 0.5 s)",
				name, len(src), d, limit)
		}
		if testing.Verbose() {
			t.Logf("%-24s %7v", name, d.Round(time.Millisecond/10))
		}
	}
	t.Logf("baseline %v, limit %v", baseline, limit)
}

func TestDelimiterLimit(t *testing.T) {
	src := strings.Repeat("*a* ", maxDelimiters) + "[x](https://example.com) `code`"
	out := RenderString(src)
	if n := strings.Count(out, "<em>"); n != maxDelimiters/2 {
		t.Errorf("%d <em>, want %d", n, maxDelimiters/2)
	}
	if strings.Contains(out, "<a ") || strings.Contains(out, "<code>") {
		t.Errorf("a link or code span after the delimiter limit is not text: %q", out[len(out)-120:])
	}
	// The limit is per block: the next paragraph starts afresh.
	out = RenderString(src + "\n\n*b*")
	if !strings.Contains(out, "<em>b</em>") {
		t.Error("the delimiter limit carried over to the next paragraph")
	}
}

func TestTableLimit(t *testing.T) {
	table := func(cols, rows int) string {
		var b strings.Builder
		b.WriteString(strings.Repeat("|h", cols) + "|\n")
		b.WriteString(strings.Repeat("|-", cols) + "|\n")
		for range rows {
			b.WriteString(strings.Repeat("|c", cols) + "|\n")
		}
		return b.String()
	}
	tests := []struct {
		name  string
		src   string
		table bool
	}{
		{"at the limit", table(100, maxTableCells/100-1), true},
		{"over the limit", table(100, maxTableCells/100), false},
		{"two tables over the limit together", table(100, 99) + "\n" + table(100, 100), true},
		// One header of 2,000 columns and rows of one character each: the
		// source is 60 KB, the table would have 60 million cells.
		{"padded rows", "|" + strings.Repeat("h|", 2000) + "\n|" + strings.Repeat("-|", 2000) + "\n" +
			strings.Repeat("x\n", 30000), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := RenderString(tt.src)
			if got := strings.Contains(out, "<table>"); got != tt.table {
				t.Errorf("output has a table: %v, want %v", got, tt.table)
			}
			if tt.name == "two tables over the limit together" && strings.Count(out, "<table>") != 1 {
				t.Errorf("%d tables, want the first one only", strings.Count(out, "<table>"))
			}
			if len(out) > 4*len(tt.src)+64<<10 {
				t.Errorf("%d bytes of output for %d of input", len(out), len(tt.src))
			}
		})
	}
}

// TestOutputLimit repeats a reference to a long URL: each three bytes of
// source would become 8 KB of HTML.
func TestOutputLimit(t *testing.T) {
	src := "[a]: /" + strings.Repeat("x", 8000) + "\n\n" + strings.Repeat("[a] ", 20000)
	out := RenderString(src)
	if !strings.Contains(out, "shown without formatting") || !strings.HasPrefix(out, "<pre>") {
		t.Errorf("output does not fall back to plain text: %.200q", out)
	}
	if len(out) > 2*len(src) {
		t.Errorf("%d bytes of output for %d of input", len(out), len(src))
	}
	if err := checkSafe(out); err != nil {
		t.Error(err)
	}
}

// TestTablePipes checks tablePipes against goldmark's own table transformer,
// which it replaces.
func TestTablePipes(t *testing.T) {
	src := "| a | b |\n|---|---|\n| `x\\|y\\|z` | `\\|` and \\| |\n| `a \\| b` **`c\\|d`** | `\\\\|` |\n"
	want := "<table>\n<thead>\n<tr>\n<th>a</th>\n<th>b</th>\n</tr>\n</thead>\n<tbody>\n" +
		"<tr>\n<td><code>x|y|z</code></td>\n<td><code>|</code> and |</td>\n</tr>\n" +
		"<tr>\n<td><code>a | b</code> <strong><code>c|d</code></strong></td>\n<td><code>\\|</code></td>\n</tr>\n" +
		"</tbody>\n</table>\n"
	if got := RenderString(src); got != want {
		t.Errorf("RenderString(%q)\n got %q\nwant %q", src, got, want)
	}
	// Outside tables, a code span keeps its backslashes.
	if got, want := RenderString("`a\\|b`"), "<p><code>a\\|b</code></p>\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
