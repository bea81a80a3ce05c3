package haven

import (
	"strings"
	"testing"
)

// TestValidateBands checks the rules for severity bands: distinct names,
// one-decimal scores within 0.0–10.0, min ≤ max, no overlap and no gap
// between neighbours. A refusal names the offending band.
func TestValidateBands(t *testing.T) {
	tests := []struct {
		name  string
		bands []SeverityBand
		want  string // a part of the error message, or "" for valid
	}{
		{"default bands", DefaultBands(), ""},
		{"CVSS bands", CVSSBands(), ""},
		{"one band for everything", []SeverityBand{{"Any", 0.0, 10.0}}, ""},
		{"unsorted input", []SeverityBand{{"High", 7.0, 10.0}, {"Low", 0.0, 6.9}}, ""},
		{"single-score band", []SeverityBand{{"Zero", 0.0, 0.0}, {"Rest", 0.1, 10.0}}, ""},
		{"no bands", nil, "at least one band"},
		{"overlap", []SeverityBand{{"Low", 0.1, 4.0}, {"Medium", 4.0, 6.9}}, `"Low" and "Medium" overlap`},
		{"band inside another", []SeverityBand{{"All", 0.0, 10.0}, {"Some", 5.0, 6.0}}, "overlap"},
		{"gap", []SeverityBand{{"Low", 0.1, 3.9}, {"Medium", 4.1, 6.9}}, `between "Low" and "Medium" (4.0–4.0) fall in no band`},
		{"wide gap", []SeverityBand{{"Low", 0.1, 3.9}, {"High", 7.0, 10.0}}, "(4.0–6.9)"},
		{"min above max", []SeverityBand{{"Low", 3.9, 0.1}}, `band "Low": its range 3.9–0.1`},
		{"above 10", []SeverityBand{{"Low", 0.1, 6.9}, {"Huge", 7.0, 10.5}}, `band "Huge"`},
		{"negative", []SeverityBand{{"Below", -1.0, 3.9}}, `band "Below"`},
		{"duplicate names", []SeverityBand{{"Low", 0.1, 3.9}, {"Low", 4.0, 10.0}}, `band "Low" appears twice`},
		{"duplicate names in other case", []SeverityBand{{"Low", 0.1, 3.9}, {"LOW", 4.0, 10.0}}, "appears twice"},
		{"two decimals", []SeverityBand{{"Low", 0.1, 3.95}, {"High", 4.0, 10.0}}, `band "Low": use scores with one decimal`},
		{"empty name", []SeverityBand{{"  ", 0.1, 10.0}}, "needs a name"},
		{"41-character name", []SeverityBand{{strings.Repeat("x", 41), 0.1, 10.0}}, "needs a name"},
	}
	for _, tt := range tests {
		err := ValidateBands(tt.bands)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%s: ValidateBands = %v, want nil", tt.name, err)
		case tt.want != "" && err == nil:
			t.Errorf("%s: ValidateBands = nil, want an error with %q", tt.name, tt.want)
		case tt.want != "" && !strings.Contains(err.Error(), tt.want):
			t.Errorf("%s: ValidateBands = %q, want it to contain %q", tt.name, err, tt.want)
		}
	}
}

// TestValidateBandsLeavesInputAlone checks that validation sorts a copy.
func TestValidateBandsLeavesInputAlone(t *testing.T) {
	bands := []SeverityBand{{"High", 7.0, 10.0}, {"Low", 0.1, 6.9}}
	if err := ValidateBands(bands); err != nil {
		t.Fatal(err)
	}
	if bands[0].Name != "High" {
		t.Errorf("ValidateBands reordered its argument: %v", bands)
	}
}

// TestSeverity checks the score → name mapping. Scores are rounded to one
// decimal, half away from zero, before the lookup: CVSS base scores
// already have one decimal, so rounding only absorbs float noise, and a
// score such as 3.95 (which no CVSS calculator produces) counts as 4.0.
func TestSeverity(t *testing.T) {
	def, cvss := DefaultBands(), CVSSBands()
	tests := []struct {
		bands []SeverityBand
		score float64
		want  string
	}{
		{def, 9.8, "Exceptional"},
		{def, 9.5, "Exceptional"},
		{def, 10.0, "Exceptional"},
		{def, 9.4, "Critical"},
		{def, 9.0, "Critical"},
		{def, 8.9, "High"},
		{def, 7.0, "High"},
		{def, 6.9, "Medium"},
		{def, 4.0, "Medium"},
		{def, 3.9, "Low"},
		{def, 0.1, "Low"},
		{def, 0.0, ""}, // Haven's bands give a 0.0 no severity
		{cvss, 0.0, "None"},
		{cvss, 9.8, "Critical"},
		{cvss, 9.4, "Critical"},
		{cvss, 3.9, "Low"},
		// Rounding: half away from zero, to one decimal.
		{def, 3.95, "Medium"},      // → 4.0
		{def, 3.94, "Low"},         // → 3.9
		{def, 3.949, "Low"},        // → 3.9
		{def, 9.45, "Exceptional"}, // → 9.5
		{def, 6.95, "High"},        // → 7.0
		{def, 0.04, ""},            // → 0.0
		{def, 0.05, "Low"},         // → 0.1
		{def, 7.0 - 1e-12, "High"},
		{def, 10.04, "Exceptional"}, // → 10.0
		// Out of range.
		{def, 10.05, ""},
		{def, 11, ""},
		{def, -1, ""},
		{nil, 5.0, ""},
	}
	for _, tt := range tests {
		if got := Severity(tt.bands, tt.score); got != tt.want {
			name := "default"
			if len(tt.bands) > 0 && tt.bands[0].Name == "None" {
				name = "CVSS"
			}
			t.Errorf("Severity(%s bands, %v) = %q, want %q", name, tt.score, got, tt.want)
		}
	}
}

// TestDefaultValidationDaysNameDefaultBands checks that the default SLA
// table names exactly the default bands.
func TestDefaultValidationDaysNameDefaultBands(t *testing.T) {
	days := DefaultValidationDays()
	bands := DefaultBands()
	if len(days) != len(bands) {
		t.Errorf("%d validation days for %d bands", len(days), len(bands))
	}
	for _, b := range bands {
		if days[b.Name] < 1 {
			t.Errorf("no validation days for band %q", b.Name)
		}
	}
}

func TestProgramStatusPublic(t *testing.T) {
	want := map[ProgramStatus]bool{StatusDraft: false, StatusPublished: true, StatusSuspended: true, StatusClosed: true, "bogus": false}
	for s, w := range want {
		if got := s.Public(); got != w {
			t.Errorf("%q.Public() = %t, want %t", s, got, w)
		}
	}
}

// TestBandsCoverEveryScore checks that bands must reach from 0.1 to 10.0:
// a score in no band would leave a report without severity or deadline.
func TestBandsCoverEveryScore(t *testing.T) {
	tests := []struct {
		name  string
		bands []SeverityBand
		want  string // part of the error, "" for valid
	}{
		{"stops at 6.9", []SeverityBand{{"Low", 0.1, 3.9}, {"Medium", 4.0, 6.9}}, "7.0–10.0 fall in no band"},
		{"starts at 4.0", []SeverityBand{{"Medium", 4.0, 6.9}, {"High", 7.0, 10.0}}, "0.1–3.9 fall in no band"},
		{"one band 0.1–10.0", []SeverityBand{{"Any", 0.1, 10.0}}, ""},
		{"from 0.0", []SeverityBand{{"None", 0.0, 0.0}, {"Some", 0.1, 10.0}}, ""},
	}
	for _, tt := range tests {
		err := ValidateBands(tt.bands)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%s: ValidateBands = %v, want nil", tt.name, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("%s: ValidateBands = %v, want an error containing %q", tt.name, err, tt.want)
		}
	}
}
