package markdown

import (
	"os"
	"sort"
	"strings"
	"testing"
	"time"
)

func timeIt(src string) time.Duration {
	start := time.Now()
	RenderString(src)
	return time.Since(start)
}

// TestScratchScan looks for superlinear patterns: s repeated to ~12.5KB and
// ~50KB; linear is a ratio of 4.
func TestScratchScan(t *testing.T) {
	if os.Getenv("SCAN") == "" {
		t.Skip()
	}
	alphabet := []string{"[", "]", "(", ")", "<", ">", "*", "_", "!", "`", "~", "|", ":", "-", "#", "&", ";", "\\", "a", " ", "\n", "\"", "'", "=", "/", "{", "}", "1", ".", "w", "@", "x", "\t"}
	var pats []string
	for _, a := range alphabet {
		for _, b := range alphabet {
			pats = append(pats, a+b)
			for _, c := range []string{"[", "]", "(", ")", "<", ">", "*", "_", "`", "|", "a", " ", "\n", "-", "!"} {
				pats = append(pats, a+b+c)
			}
		}
	}
	type res struct {
		p     string
		r     float64
		small time.Duration
		big   time.Duration
	}
	var rs []res
	for _, p := range pats {
		n1 := 12500 / len(p)
		d1 := timeIt(strings.Repeat(p, n1))
		if d1 < 5*time.Millisecond {
			continue
		}
		d2 := timeIt(strings.Repeat(p, 4*n1))
		rs = append(rs, res{p, float64(d2) / float64(d1), d1, d2})
	}
	sort.Slice(rs, func(i, j int) bool { return rs[i].big > rs[j].big })
	for i, r := range rs {
		if i > 40 {
			break
		}
		t.Logf("%q ratio=%.1f 12.5KB=%v 50KB=%v", r.p, r.r, r.small, r.big)
	}
}
