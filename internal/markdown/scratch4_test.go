package markdown

import (
	"strings"
	"testing"
)

func TestScratch4(t *testing.T) {
	for _, n := range []int{100, 1000, 10000, 100000} {
		out := RenderString(strings.Repeat("* ", n) + "x")
		if len(out) > 300 {
			out = out[:150] + "..." + out[len(out)-150:]
		}
		t.Logf("%d %q", n, out)
	}
}
