package cvss

import (
	"math"
	"testing"

	gocvss40 "github.com/pandatix/go-cvss/40"
)

// TestScore40BaseVectors scores every CVSS 4.0 base vector (104,976 of
// them) and requires agreement with go-cvss, except where the exact
// value is a half, which go-cvss may round down and must then be exactly
// 0.1 lower.
func TestScore40BaseVectors(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	names := []string{"AV", "AC", "AT", "PR", "UI", "VC", "VI", "VA", "SC", "SI", "SA"}
	var values [][]string
	for _, name := range names {
		values = append(values, spec40.metrics[spec40.index(name)].values)
	}
	total, halves, raised := 0, 0, 0
	idx := make([]int, len(names))
	for {
		var c gocvss40.CVSS40
		for i, name := range names {
			if err := c.Set(name, values[i][idx[i]]); err != nil {
				t.Fatal(err)
			}
		}
		total++
		num, den := exact40(&c)
		half := (2*num)%(2*den) == den
		if half {
			halves++
		}
		ours, theirs := tenths40(&c), int(math.Round(c.Score()*10))
		if ours != theirs {
			raised++
			if !half || ours != theirs+1 {
				t.Errorf("%s: got %.1f (exactly %d/%d tenths), go-cvss %.1f", c.Vector(), float64(ours)/10, num, den, float64(theirs)/10)
			}
		}
		// Next combination.
		i := len(idx) - 1
		for ; i >= 0; i-- {
			idx[i]++
			if idx[i] < len(values[i]) {
				break
			}
			idx[i] = 0
		}
		if i < 0 {
			break
		}
	}
	if total != 104976 {
		t.Errorf("scored %d base vectors, want 104976", total)
	}
	t.Logf("%d base vectors: %d exact halves, %d of them rounded down by go-cvss", total, halves, raised)
}

// TestMaxVectorsCover checks that every combination of effective values
// finds a highest-severity vector of its EQ level at least as severe, so
// distance's fallback never applies.
func TestMaxVectorsCover(t *testing.T) {
	for _, av := range ordAV {
		for _, pr := range ordPR {
			for _, ui := range ordUI {
				eq := macrovector(byte(av), 'L', 'N', byte(pr), byte(ui), 'H', 'H', 'H', 'H', 'H', 'H', 'A', 'H', 'H', 'H')
				if _, ok := distance([]byte{byte(av), byte(pr), byte(ui)}, ord1, max1[eq[0]]); !ok {
					t.Errorf("AV:%c/PR:%c/UI:%c: no highest-severity vector in EQ1=%d", av, pr, ui, eq[0])
				}
			}
		}
	}
	for _, ac := range ordAC {
		for _, at := range ordAT {
			eq := macrovector('N', byte(ac), byte(at), 'N', 'N', 'H', 'H', 'H', 'H', 'H', 'H', 'A', 'H', 'H', 'H')
			if _, ok := distance([]byte{byte(ac), byte(at)}, ord2, max2[eq[1]]); !ok {
				t.Errorf("AC:%c/AT:%c: no highest-severity vector in EQ2=%d", ac, at, eq[1])
			}
		}
	}
	for _, vc := range ordCIA {
		for _, vi := range ordCIA {
			for _, va := range ordCIA {
				for _, cr := range ordReq {
					for _, ir := range ordReq {
						for _, ar := range ordReq {
							vals := []byte{byte(vc), byte(vi), byte(va), byte(cr), byte(ir), byte(ar)}
							eq := macrovector('N', 'L', 'N', 'N', 'N', vals[0], vals[1], vals[2], 'H', 'H', 'H', 'A', vals[3], vals[4], vals[5])
							if _, ok := distance(vals, ord36, max36[eq[2]][eq[5]]); !ok {
								t.Errorf("VC:%c/VI:%c/VA:%c/CR:%c/IR:%c/AR:%c: no highest-severity vector in EQ3=%d EQ6=%d", vc, vi, va, cr, ir, ar, eq[2], eq[5])
							}
						}
					}
				}
			}
		}
	}
	for _, sc := range ordCIA {
		for _, si := range ordSub {
			for _, sa := range ordSub {
				eq := macrovector('N', 'L', 'N', 'N', 'N', 'H', 'H', 'H', byte(sc), byte(si), byte(sa), 'A', 'H', 'H', 'H')
				if _, ok := distance([]byte{byte(sc), byte(si), byte(sa)}, ord4, max4[eq[3]]); !ok {
					t.Errorf("SC:%c/SI:%c/SA:%c: no highest-severity vector in EQ4=%d", sc, si, sa, eq[3])
				}
			}
		}
	}
}

// TestMacroScores checks the macrovector scores taken from go-cvss
// against a few entries of the specification's table.
func TestMacroScores(t *testing.T) {
	n := 0
	for eq1 := range 3 {
		for eq2 := range 2 {
			for eq3 := range 3 {
				for eq4 := range 3 {
					for eq5 := range 3 {
						for eq6 := range 2 {
							if s := macroScore([6]int{eq1, eq2, eq3, eq4, eq5, eq6}); s >= 0 {
								n++
							}
						}
					}
				}
			}
		}
	}
	if n != 270 {
		t.Errorf("%d macrovectors, want 270", n)
	}
	for _, tc := range []struct {
		eq   [6]int
		want int
	}{
		{[6]int{0, 0, 0, 0, 0, 0}, 100},
		{[6]int{0, 0, 0, 0, 0, 1}, 99},
		{[6]int{0, 0, 2, 2, 2, 1}, 27},
		{[6]int{1, 1, 1, 1, 1, 1}, 57},
		{[6]int{2, 0, 2, 2, 2, 1}, 4},
		{[6]int{2, 1, 2, 2, 2, 1}, 1},
		{[6]int{0, 0, 2, 0, 0, 0}, -1}, // EQ3=2 with EQ6=0 can't occur
		{[6]int{3, 0, 0, 0, 0, 0}, -1},
	} {
		if got := macroScore(tc.eq); got != tc.want {
			t.Errorf("macroScore(%v) = %d, want %d", tc.eq, got, tc.want)
		}
	}
}
