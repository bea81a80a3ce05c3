package cvss

import (
	"math"
	"strings"
	"sync"

	gocvss40 "github.com/pandatix/go-cvss/40"
)

// CVSS 4.0 scoring.
//
// A CVSS 4.0 score is the score of the vector's macrovector (a table
// value in tenths) minus the mean of up to five proportional distances
// (specification, section 8.2), rounded to one decimal. go-cvss does
// this in float64 and rounds with math.Round(x*10)/10. The exact value is
// a rational number, and for some vectors it is exactly halfway, like
// 8.55. float64 holds that as 8.549999999999999, which math.Round rounds
// down. FIRST's reference calculator (cvss40.js in
// RedHatProductSecurity/cvss-v4-calculator) adds 1e-6 before rounding
// half up, so it gets 8.6. About 0.4% of vectors are affected, each
// scored 0.1 too low by go-cvss.
//
// No epsilon applied to go-cvss's result can fix this, because Score
// returns the value already rounded. So score40 computes the same formula
// in integers. After multiplying by 10 and by 840·n (840 being the LCM of
// the macrovector depths and n ≤ 5 the number of distances averaged),
// every term is an integer. That makes the rounding exact: halves go up,
// as in the reference calculator, whose 1e-6 is far smaller than the gap
// between a half and the nearest value that isn't one (1/4200 of a
// tenth). go-cvss still parses the vector and supplies the macrovector
// scores (see macroScores).

// Severity order of each metric's values, most severe first. A value's
// index is its severity level (the reference's METRIC_LEVELS, in tenths).
const (
	ordAV  = "NALP"
	ordPR  = "NLH"
	ordUI  = "NPA"
	ordAC  = "LH"
	ordAT  = "NP"
	ordCIA = "HLN"  // VC, VI, VA, SC
	ordSub = "SHLN" // SI, SA: S (safety, MSI/MSA only) is the worst
	ordE   = "APU"
	ordReq = "HML" // CR, IR, AR
)

// The highest-severity vectors of each EQ level (specification, section
// 8.2, tables 24-30), in the order of the reference's MAX_COMPOSED table.
// The score uses the first one that is at least as severe as the vector
// in every metric. Each string holds one value per metric.
var (
	max1 = [3][]string{ // AV PR UI
		{"NNN"},
		{"ANN", "NLN", "NNP"},
		{"PNN", "ALP"},
	}
	max2 = [2][]string{ // AC AT
		{"LN"},
		{"HN", "LP"},
	}
	max36 = [3][2][]string{ // VC VI VA CR IR AR, by EQ3 and EQ6
		{{"HHHHHH"}, {"HHLMMH", "HHHMMM"}},
		{{"LHHHHH", "HLHHHH"}, {"LHLHMH", "LHHHMM", "HLHMHM", "HLLMHH", "LLHHHM"}},
		{nil, {"LLLHHH"}},
	}
	max4 = [3][]string{ // SC SI SA
		{"HSS"},
		{"HHH"},
		{"LLL"},
	}

	ord1  = []string{ordAV, ordPR, ordUI}
	ord2  = []string{ordAC, ordAT}
	ord36 = []string{ordCIA, ordCIA, ordCIA, ordReq, ordReq, ordReq}
	ord4  = []string{ordCIA, ordSub, ordSub}
)

// Depth of each EQ level plus one: the severity distance from its
// highest to its lowest vector, plus one (the reference's MAX_SEVERITY).
var (
	depth1  = [3]int{1, 4, 5}
	depth2  = [2]int{1, 2}
	depth36 = [3][2]int{{7, 6}, {8, 8}, {0, 10}}
	depth4  = [3]int{6, 5, 4}
)

// depthLCM is the least common multiple of all depths above.
const depthLCM = 840

// score40 returns the CVSS 4.0 score of c as FIRST's reference
// calculator computes it.
func score40(c *gocvss40.CVSS40) float64 {
	return float64(tenths40(c)) / 10
}

// tenths40 returns the CVSS 4.0 score of c in tenths.
func tenths40(c *gocvss40.CVSS40) int {
	num, den := exact40(c)
	num = max(0, min(num, 100*den))  // the reference clamps to [0, 10]
	return (2*num + den) / (2 * den) // round half up
}

// exact40 returns the unrounded CVSS 4.0 score of c, times ten, as the
// fraction num/den.
func exact40(c *gocvss40.CVSS40) (num, den int) {
	get := func(name string) byte {
		s, _ := c.Get(name)
		return s[0]
	}
	// effective is the value scoring uses: the modified metric's value
	// if the vector sets one, else the base metric's.
	effective := func(base, modified string) byte {
		if v := get(modified); v != 'X' {
			return v
		}
		return get(base)
	}
	// Unset threat and security-requirement metrics score as their worst
	// case (specification, section 8.2).
	orElse := func(v, worst byte) byte {
		if v == 'X' {
			return worst
		}
		return v
	}
	av, ac, at := effective("AV", "MAV"), effective("AC", "MAC"), effective("AT", "MAT")
	pr, ui := effective("PR", "MPR"), effective("UI", "MUI")
	vc, vi, va := effective("VC", "MVC"), effective("VI", "MVI"), effective("VA", "MVA")
	sc, si, sa := effective("SC", "MSC"), effective("SI", "MSI"), effective("SA", "MSA")
	e := orElse(get("E"), 'A')
	cr, ir, ar := orElse(get("CR"), 'H'), orElse(get("IR"), 'H'), orElse(get("AR"), 'H')

	if vc == 'N' && vi == 'N' && va == 'N' && sc == 'N' && si == 'N' && sa == 'N' {
		return 0, 1
	}

	eq := macrovector(av, ac, at, pr, ui, vc, vi, va, sc, si, sa, e, cr, ir, ar)
	value := macroScore(eq)

	// For each EQ whose next lower macrovector exists: the score drop to
	// that macrovector times the proportion of the EQ's depth that the
	// vector lies below the highest-severity vector. EQ5's proportion is
	// always 0, but it still counts towards the mean.
	n, sum := 0, 0
	add := func(lower, dist, depth int) {
		if lower < 0 {
			return
		}
		n++
		sum += (value - lower) * dist * (depthLCM / depth)
	}
	eq1, eq2, eq3, eq4, eq5, eq6 := eq[0], eq[1], eq[2], eq[3], eq[4], eq[5]
	d1, _ := distance([]byte{av, pr, ui}, ord1, max1[eq1])
	d2, _ := distance([]byte{ac, at}, ord2, max2[eq2])
	d36, _ := distance([]byte{vc, vi, va, cr, ir, ar}, ord36, max36[eq3][eq6])
	d4, _ := distance([]byte{sc, si, sa}, ord4, max4[eq4])
	add(macroScore(with(eq, 0, eq1+1)), d1, depth1[eq1])
	add(macroScore(with(eq, 1, eq2+1)), d2, depth2[eq2])
	add(lower36(eq), d36, depth36[eq3][eq6])
	add(macroScore(with(eq, 3, eq4+1)), d4, depth4[eq4])
	add(macroScore(with(eq, 4, eq5+1)), 0, 1)

	if n == 0 {
		return value, 1
	}
	den = depthLCM * n
	return value*den - sum, den
}

// macrovector returns the EQ1-EQ6 levels of the effective metric values
// (specification, section 8.2, tables 24-29).
func macrovector(av, ac, at, pr, ui, vc, vi, va, sc, si, sa, e, cr, ir, ar byte) [6]int {
	var eq [6]int
	switch {
	case av == 'N' && pr == 'N' && ui == 'N':
		eq[0] = 0
	case (av == 'N' || pr == 'N' || ui == 'N') && av != 'P':
		eq[0] = 1
	default:
		eq[0] = 2
	}
	if !(ac == 'L' && at == 'N') {
		eq[1] = 1
	}
	switch {
	case vc == 'H' && vi == 'H':
		eq[2] = 0
	case vc == 'H' || vi == 'H' || va == 'H':
		eq[2] = 1
	default:
		eq[2] = 2
	}
	switch {
	case si == 'S' || sa == 'S':
		eq[3] = 0
	case sc == 'H' || si == 'H' || sa == 'H':
		eq[3] = 1
	default:
		eq[3] = 2
	}
	eq[4] = strings.IndexByte(ordE, e)
	if !(cr == 'H' && vc == 'H' || ir == 'H' && vi == 'H' || ar == 'H' && va == 'H') {
		eq[5] = 1
	}
	return eq
}

// lower36 returns the score of the next lower macrovector for EQ3 and
// EQ6 together, which move as one, or -1 if there is none.
func lower36(eq [6]int) int {
	switch eq3, eq6 := eq[2], eq[5]; {
	case eq3 == 0 && eq6 == 0: // 00 -> 01 or 10, whichever scores higher
		return max(macroScore(with(eq, 5, 1)), macroScore(with(eq, 2, 1)))
	case eq3 == 1 && eq6 == 0: // 10 -> 11
		return macroScore(with(eq, 5, 1))
	default: // 01 -> 11, 11 -> 21, 21 -> none
		return macroScore(with(eq, 2, eq3+1))
	}
}

func with(eq [6]int, i, level int) [6]int {
	eq[i] = level
	return eq
}

// distance returns the severity distance of a vector's values from the
// first of maxes that is at least as severe in every metric, and whether
// there is one (TestMaxVectorsCover checks that there always is). If
// there isn't, it measures from the last, as the reference does.
func distance(values []byte, orders, maxes []string) (int, bool) {
	var sum int
	for _, mx := range maxes {
		sum = 0
		ok := true
		for i, v := range values {
			d := strings.IndexByte(orders[i], v) - strings.IndexByte(orders[i], mx[i])
			ok = ok && d >= 0
			sum += d
		}
		if ok {
			return sum, true
		}
	}
	return sum, false
}

// macroScore returns the score of a macrovector in tenths, or -1 if it
// doesn't exist.
func macroScore(eq [6]int) int {
	t := macroScores()
	if eq[0] > 2 || eq[1] > 1 || eq[2] > 2 || eq[3] > 2 || eq[4] > 2 || eq[5] > 1 {
		return -1
	}
	return int(t[eq[0]][eq[1]][eq[2]][eq[3]][eq[4]][eq[5]])
}

// macroScores holds the score of every CVSS 4.0 macrovector in tenths,
// indexed by EQ1..EQ6, and -1 where EQ3=2 with EQ6=0, which can't occur.
//
// The scores are go-cvss's, not a second copy of the specification's
// table: a macrovector's score is the score of its highest-severity
// vector, whose distances are all zero, so go-cvss's float arithmetic and
// rounding return the table value unchanged.
var macroScores = sync.OnceValue(func() *[3][2][3][3][3][2]int8 {
	var t [3][2][3][3][3][2]int8
	for eq1 := range 3 {
		for eq2 := range 2 {
			for eq3 := range 3 {
				for eq4 := range 3 {
					for eq5 := range 3 {
						for eq6 := range 2 {
							t[eq1][eq2][eq3][eq4][eq5][eq6] = macroScoreOf(eq1, eq2, eq3, eq4, eq5, eq6)
						}
					}
				}
			}
		}
	}
	return &t
})

// macroScoreOf asks go-cvss for the score of a macrovector's first
// highest-severity vector.
func macroScoreOf(eq1, eq2, eq3, eq4, eq5, eq6 int) int8 {
	if max36[eq3][eq6] == nil {
		return -1
	}
	var c gocvss40.CVSS40
	set := func(names []string, values string) {
		for i, name := range names {
			if err := c.Set(name, values[i:i+1]); err != nil {
				panic("cvss: building macrovector " + name + ": " + err.Error())
			}
		}
	}
	set([]string{"AV", "PR", "UI"}, max1[eq1][0])
	set([]string{"AC", "AT"}, max2[eq2][0])
	set([]string{"VC", "VI", "VA", "CR", "IR", "AR"}, max36[eq3][eq6][0])
	if eq4 == 0 { // SI:S and SA:S exist only as MSI and MSA
		set([]string{"SC", "SI", "SA", "MSI", "MSA"}, "HHHSS")
	} else {
		set([]string{"SC", "SI", "SA"}, max4[eq4][0])
	}
	set([]string{"E"}, ordE[eq5:eq5+1])
	return int8(math.Round(c.Score() * 10))
}
