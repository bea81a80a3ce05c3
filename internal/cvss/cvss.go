package cvss

import (
	"fmt"
	"math"
	"slices"
	"strings"

	gocvss30 "github.com/pandatix/go-cvss/30"
	gocvss31 "github.com/pandatix/go-cvss/31"
	gocvss40 "github.com/pandatix/go-cvss/40"
)

// MaxLen is the longest vector Parse accepts, in bytes. The longest valid
// vector (CVSS 4.0 with every metric given) is under 200 bytes.
const MaxLen = 512

// A Vector is a parsed and scored CVSS vector.
type Vector struct {
	// Version is "3.0", "3.1" or "4.0".
	Version string
	// Canonical is the vector as go-cvss prints it: metrics in the
	// specification's order, metrics set to X left out.
	Canonical string
	// Score is the base score for CVSS 3.x. For CVSS 4.0 it is the one
	// score the vector determines (CVSS-B, -BT, -BE or -BTE, depending on
	// which threat and environmental metrics it sets).
	Score float64
	// Rating is the qualitative severity of Score: None, Low, Medium,
	// High or Critical.
	Rating string
}

// An Error reports why a vector was refused. Metric names the offending
// metric ("AV", "XX") and is empty when the problem is not with one
// metric (a missing prefix, a vector that is too long).
type Error struct {
	Metric string
	Msg    string
}

func (e *Error) Error() string {
	if e.Metric == "" {
		return e.Msg
	}
	return "metric " + e.Metric + ": " + e.Msg
}

// Parse parses a CVSS 3.0, 3.1 or 4.0 vector, such as
// "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", and scores it.
// Surrounding white space is ignored. An invalid vector gives an *Error.
//
// Metrics of a 3.x vector may come in any order; those of a 4.0 vector
// must follow the specification's order, as go-cvss and FIRST's
// calculator require. Each metric may appear once.
func Parse(vector string) (Vector, error) {
	s := strings.TrimSpace(vector)
	if len(s) > MaxLen {
		return Vector{}, &Error{Msg: fmt.Sprintf("vector is longer than %d bytes", MaxLen)}
	}
	version, metrics, err := splitPrefix(s)
	if err != nil {
		return Vector{}, err
	}
	spec := spec3
	if version == "4.0" {
		spec = spec40
	}
	if err := spec.check(version, metrics); err != nil {
		return Vector{}, err
	}

	// The check above accepts exactly what go-cvss accepts (FuzzParse
	// holds it to that), so go-cvss failing here means a bug in the
	// check; report it rather than panic.
	v := Vector{Version: version}
	switch version {
	case "3.0":
		c, err := gocvss30.ParseVector(s)
		if err != nil {
			return Vector{}, &Error{Msg: "invalid vector: " + err.Error()}
		}
		v.Canonical, v.Score = c.Vector(), c.BaseScore()
	case "3.1":
		c, err := gocvss31.ParseVector(s)
		if err != nil {
			return Vector{}, &Error{Msg: "invalid vector: " + err.Error()}
		}
		v.Canonical, v.Score = c.Vector(), c.BaseScore()
	case "4.0":
		c, err := gocvss40.ParseVector(s)
		if err != nil {
			return Vector{}, &Error{Msg: "invalid vector: " + err.Error()}
		}
		v.Canonical, v.Score = c.Vector(), score40(c)
	}
	v.Rating = Rating(v.Score)
	return v, nil
}

// Rating returns the qualitative severity rating of a CVSS score, the
// same for 3.x and 4.0: None (0.0), Low (0.1-3.9), Medium (4.0-6.9),
// High (7.0-8.9) or Critical (9.0-10.0). It returns "" for a score
// outside [0, 10].
func Rating(score float64) string {
	// Compare in tenths, so that a score like 6.8999999 (from some
	// arithmetic elsewhere) is rated as the 6.9 it stands for.
	t := math.Round(score * 10)
	switch {
	case !(t >= 0 && t <= 100): // also catches NaN
		return ""
	case t == 0:
		return "None"
	case t < 40:
		return "Low"
	case t < 70:
		return "Medium"
	case t < 90:
		return "High"
	default:
		return "Critical"
	}
}

// splitPrefix returns the CVSS version of s and the metrics after its
// "CVSS:x.y/" prefix.
func splitPrefix(s string) (version, metrics string, err error) {
	if s == "" {
		return "", "", &Error{Msg: "empty vector"}
	}
	rest, ok := strings.CutPrefix(s, "CVSS:")
	if !ok {
		if isCVSS2(s) {
			return "", "", errCVSS2
		}
		return "", "", &Error{Msg: `missing "CVSS:3.1/" or "CVSS:4.0/" prefix`}
	}
	version, metrics, _ = strings.Cut(rest, "/")
	switch version {
	case "3.0", "3.1", "4.0":
		if metrics == "" {
			return "", "", &Error{Msg: "no metrics after CVSS:" + version}
		}
		return version, metrics, nil
	}
	if strings.HasPrefix(version, "2") {
		return "", "", errCVSS2
	}
	if len(version) > 8 {
		version = version[:8] + "..."
	}
	return "", "", &Error{Msg: fmt.Sprintf("CVSS version %q is not supported; use 3.1 or 4.0", version)}
}

var errCVSS2 = &Error{Msg: "CVSS 2 vectors are not accepted; use 3.1 or 4.0"}

// isCVSS2 reports whether s looks like a CVSS 2 vector, which has no
// prefix and is the only version with an Au (authentication) metric:
// "AV:N/AC:L/Au:N/C:P/I:P/A:P", sometimes in parentheses.
func isCVSS2(s string) bool {
	s = strings.TrimPrefix(s, "(")
	for part := range strings.SplitSeq(s, "/") {
		if strings.HasPrefix(part, "Au:") {
			return true
		}
	}
	return false
}

// A metric is one entry of a version's metric table.
type metric struct {
	name      string
	values    []string // in the specification's order
	mandatory bool
}

// A spec is the metric table of a CVSS version, in the specification's
// order.
type spec struct {
	metrics []metric
	ordered bool // metrics must appear in table order
}

var (
	nalp = []string{"N", "A", "L", "P"}
	lh   = []string{"L", "H"}
	nlh  = []string{"N", "L", "H"}
	hln  = []string{"H", "L", "N"}
	xhml = []string{"X", "H", "M", "L"}
	xhln = []string{"X", "H", "L", "N"}
)

// spec3 is the metric table of CVSS 3.0 and 3.1 (the 3.1 specification,
// Table 15; 3.0 has the same metrics and values). go-cvss accepts the
// metrics in any order, and so does FIRST's calculator.
var spec3 = &spec{metrics: []metric{
	// Base
	{"AV", nalp, true},
	{"AC", lh, true},
	{"PR", nlh, true},
	{"UI", []string{"N", "R"}, true},
	{"S", []string{"U", "C"}, true},
	{"C", hln, true},
	{"I", hln, true},
	{"A", hln, true},
	// Temporal
	{"E", []string{"X", "H", "F", "P", "U"}, false},
	{"RL", []string{"X", "U", "W", "T", "O"}, false},
	{"RC", []string{"X", "C", "R", "U"}, false},
	// Environmental
	{"CR", xhml, false},
	{"IR", xhml, false},
	{"AR", xhml, false},
	{"MAV", []string{"X", "N", "A", "L", "P"}, false},
	{"MAC", []string{"X", "L", "H"}, false},
	{"MPR", []string{"X", "N", "L", "H"}, false},
	{"MUI", []string{"X", "N", "R"}, false},
	{"MS", []string{"X", "U", "C"}, false},
	{"MC", xhln, false},
	{"MI", xhln, false},
	{"MA", xhln, false},
}}

// spec40 is the metric table of CVSS 4.0 (specification, section 7),
// whose metrics must appear in this order.
var spec40 = &spec{ordered: true, metrics: []metric{
	// Base
	{"AV", nalp, true},
	{"AC", lh, true},
	{"AT", []string{"N", "P"}, true},
	{"PR", nlh, true},
	{"UI", []string{"N", "P", "A"}, true},
	{"VC", hln, true},
	{"VI", hln, true},
	{"VA", hln, true},
	{"SC", hln, true},
	{"SI", hln, true},
	{"SA", hln, true},
	// Threat
	{"E", []string{"X", "A", "P", "U"}, false},
	// Environmental
	{"CR", xhml, false},
	{"IR", xhml, false},
	{"AR", xhml, false},
	{"MAV", []string{"X", "N", "A", "L", "P"}, false},
	{"MAC", []string{"X", "L", "H"}, false},
	{"MAT", []string{"X", "N", "P"}, false},
	{"MPR", []string{"X", "N", "L", "H"}, false},
	{"MUI", []string{"X", "N", "P", "A"}, false},
	{"MVC", xhln, false},
	{"MVI", xhln, false},
	{"MVA", xhln, false},
	{"MSC", xhln, false},
	{"MSI", []string{"X", "S", "H", "L", "N"}, false},
	{"MSA", []string{"X", "S", "H", "L", "N"}, false},
	// Supplemental
	{"S", []string{"X", "N", "P"}, false},
	{"AU", []string{"X", "N", "Y"}, false},
	{"R", []string{"X", "A", "U", "I"}, false},
	{"V", []string{"X", "D", "C"}, false},
	{"RE", []string{"X", "L", "M", "H"}, false},
	{"U", []string{"X", "Clear", "Green", "Amber", "Red"}, false},
}}

func (sp *spec) index(name string) int {
	for i := range sp.metrics {
		if sp.metrics[i].name == name {
			return i
		}
	}
	return -1
}

// check validates the metrics of a vector (the part after the prefix)
// against the table, so that errors can name the metric at fault;
// go-cvss's errors mostly don't. It accepts exactly what go-cvss accepts.
func (sp *spec) check(version, metrics string) error {
	var seen uint64 // bit i: sp.metrics[i] was given
	last := -1
	for part := range strings.SplitSeq(metrics, "/") {
		if part == "" {
			return &Error{Msg: `empty metric (a doubled or trailing "/")`}
		}
		name, value, _ := strings.Cut(part, ":")
		if name == "" {
			return &Error{Msg: fmt.Sprintf("metric name missing before %q", part)}
		}
		i := sp.index(name)
		if i < 0 {
			return &Error{Metric: name, Msg: sp.unknown(version, name)}
		}
		m := &sp.metrics[i]
		if seen&(1<<i) != 0 {
			return &Error{Metric: name, Msg: "given more than once"}
		}
		if !slices.Contains(m.values, value) {
			if value == "" {
				return &Error{Metric: name, Msg: "no value (use " + orList(m.values) + ")"}
			}
			return &Error{Metric: name, Msg: fmt.Sprintf("%q is not a valid value (use %s)", value, orList(m.values))}
		}
		if sp.ordered && i < last {
			return &Error{Metric: name, Msg: fmt.Sprintf("out of order (CVSS %s puts %s before %s)", version, name, sp.metrics[last].name)}
		}
		seen |= 1 << i
		last = i
	}
	for i, m := range sp.metrics {
		if m.mandatory && seen&(1<<i) == 0 {
			return &Error{Metric: m.name, Msg: fmt.Sprintf("missing (a mandatory CVSS %s base metric)", version)}
		}
	}
	return nil
}

// unknown explains why name is not a metric of the version.
func (sp *spec) unknown(version, name string) string {
	msg := "not a CVSS " + version + " metric"
	if up := strings.ToUpper(name); up != name && sp.index(up) >= 0 {
		return msg + " (metric names are upper case: " + up + ")"
	}
	other, otherVersion := spec40, "4.0"
	if sp == spec40 {
		other, otherVersion = spec3, "3.x"
	}
	if other.index(name) >= 0 {
		return msg + " (it is a CVSS " + otherVersion + " metric; check the prefix)"
	}
	return msg
}

// orList joins values as "N, A, L or P".
func orList(values []string) string {
	if len(values) == 1 {
		return values[0]
	}
	return strings.Join(values[:len(values)-1], ", ") + " or " + values[len(values)-1]
}
