package cvss

import (
	"errors"
	"math"
	"path/filepath"
	"strings"
	"testing"

	gocvss30 "github.com/pandatix/go-cvss/30"
	gocvss31 "github.com/pandatix/go-cvss/31"
	gocvss40 "github.com/pandatix/go-cvss/40"
)

// FuzzParse checks that Parse doesn't panic, refuses with an *Error, and
// for every vector it accepts gives a score in [0, 10] with its rating and
// a canonical form that parses back to the same Vector. It also holds the
// metric check to go-cvss: each must accept what the other accepts.
func FuzzParse(f *testing.F) {
	type line struct{ Vector string }
	for _, name := range []string{"cvss40-reference.jsonl", "cvss31-sample.jsonl"} {
		for _, l := range readJSONL[line](f, filepath.Join("testdata", name)) {
			f.Add(l.Vector)
		}
	}
	for _, s := range []string{
		"",
		"CVSS:3.1/",
		"CVSS:4.0/",
		"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/",
		"CVSS:3.1/AV:N//AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
		"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/AV:N",
		"CVSS:4.0/AV:N/AT:N/AC:L/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
		"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:X/E:A",
		"AV:N/AC:L/Au:N/C:P/I:P/A:P",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		checkAgreesWithGoCVSS(t, s)

		v, err := Parse(s)
		if err != nil {
			if e := (*Error)(nil); !errors.As(err, &e) {
				t.Fatalf("Parse(%q): error %T %v, want an *Error", s, err, err)
			}
			return
		}
		if !(v.Score >= 0 && v.Score <= 10) || v.Score != math.Round(v.Score*10)/10 {
			t.Fatalf("Parse(%q): score %v, want one decimal in [0, 10]", s, v.Score)
		}
		if v.Rating == "" || v.Rating != Rating(v.Score) {
			t.Fatalf("Parse(%q): rating %q for score %v", s, v.Rating, v.Score)
		}
		w, err := Parse(v.Canonical)
		if err != nil {
			t.Fatalf("Parse(%q): canonical %q: %v", s, v.Canonical, err)
		}
		if w != v {
			t.Fatalf("Parse(%q) = %+v, but its canonical form gives %+v", s, v, w)
		}
	})
}

// checkAgreesWithGoCVSS checks that the metric check and go-cvss accept
// the same vectors.
func checkAgreesWithGoCVSS(t *testing.T, s string) {
	s = strings.TrimSpace(s)
	if len(s) > MaxLen {
		return
	}
	version, metrics, err := splitPrefix(s)
	if err != nil {
		return
	}
	sp := spec3
	var goErr error
	switch version {
	case "3.0":
		_, goErr = gocvss30.ParseVector(s)
	case "3.1":
		_, goErr = gocvss31.ParseVector(s)
	case "4.0":
		sp = spec40
		_, goErr = gocvss40.ParseVector(s)
	}
	if err := sp.check(version, metrics); (err == nil) != (goErr == nil) {
		t.Fatalf("%q: our check says %v, go-cvss says %v", s, err, goErr)
	}
}
