package markdown

import (
	"strings"
	"testing"
	"time"
)

func rep(s string, size int) string { return strings.Repeat(s, size/len(s)) }

func TestScratch2(t *testing.T) {
	const N = MaxInput
	cases := map[string]string{
		"plain":         rep("lorem ipsum dolor sit amet ", N),
		"quote":         rep(">", N) + " x",
		"quotetab":      rep(">\t", N),
		"quotelines":    rep(strings.Repeat(">", 1000)+" x\n", N),
		"w~_":           rep("w~_", N),
		"w~*":           rep("w~*", N),
		"_*a":           rep("_*a", N),
		"*_a":           rep("*_a", N),
		">* ":           rep(">* ", N),
		"([]":           rep("([]", N),
		"]([":           rep("]([", N),
		"brackets2":     rep("[a](", N),
		"links":         rep("[a](b", N),
		"linksA":        rep("[a](<b", N),
		"lists":         rep("* ", N) + "x",
		"tables":        "|" + strings.Repeat("a|", 10000) + "\n|" + strings.Repeat("-|", 10000) + "\n" + rep("|\n", N-40000),
		"tablecols":     "a" + strings.Repeat("|a", 30000) + "\n-" + strings.Repeat("|-", 30000) + "\n" + rep("x\n", N-120000),
		"manytables":    rep("a|b|c|d|e|f|g|h\n-|-|-|-|-|-|-|-\n|\n|\n|\n\n", N),
		"escpipes":      "a|b\n-|-\n" + rep("`\\|`|`\\|`\n", N),
		"emphnest":      strings.Repeat("*a **a ", N/14) + "b" + strings.Repeat(" a** a*", N/14),
		"closers":       rep("a_ ", N),
		"openers":       rep("_a ", N),
		"mismatch":      rep("*a_ ", N),
		"mult3":         "a**b" + rep("c* ", N),
		"linkemph":      rep("[ a_", N),
		"pat1":          rep("[ (](", N),
		"pat2":          rep("![[]()", N),
		"nestbrackets":  strings.Repeat("[", N/2) + "a" + strings.Repeat("]", N/2),
		"nestlists":     func() string { var b strings.Builder; for i := 0; b.Len() < N; i++ { b.WriteString(strings.Repeat("  ", i) + "* a\n") }; return b.String() }(),
		"backticks":     func() string { var b strings.Builder; for i := 1; b.Len() < N; i++ { b.WriteString("e" + strings.Repeat("`", i)) }; return b.String() }(),
		"htmlcomments":  "</" + rep("<!--", N),
		"refexpand":     "[a]: /" + strings.Repeat("x", 8000) + "\n\n" + rep("[a]", N-8100),
		"refexpand2":    "[a]: /" + strings.Repeat("x", 100) + "\n\n" + rep("[a]", N-8100),
		"refdefs":       rep("[a]: b\n", N),
		"lt":            rep("<", N),
		"ltgt":          rep("<>", N),
		"bs":            rep("\\``", N),
		"autolinks":     rep("<http://a", N),
		"linkify":       rep("www.a.com ", N),
		"linkify2":      rep("http://a.b/", N),
		"entities":      rep("&#x", N),
		"setext":        rep("a\n=\n", N),
		"mixed":         rep("*_~`[<", N),
		"strike":        rep("~~a ", N),
		"emptylinks":    rep("[](", N),
		"imglinks":      rep("![a](b", N),
		"codefence":     rep("```\n", N),
		"tasks":         rep("- [ ] a\n", N),
		"quotelist":     rep("> - ", N),
		"linklines":     rep("[a](b\n", N),
		"reflines":      "[a]: b\n\n" + rep("[a]\n", N),
		"emphlines":     rep("*a\n", N),
		"ticklines":     rep("`a\n", N),
		"bracketlines":  rep("[\n", N),
		"refdefs2":      rep("[a]: b\n", 14000),
		"refdefsblank":  rep("[a]: b\n\n", N),
	}
	for name, src := range cases {
		var out string
		d := time.Hour
		for range 3 {
			start := time.Now()
			out = RenderString(src)
			d = min(d, time.Since(start))
		}
		flag := ""
		if d > 300*time.Millisecond {
			flag = "  <-- SLOW"
		}
		t.Logf("%-13s in=%7d out=%8d %v%s", name, len(src), len(out), d, flag)
	}
}
