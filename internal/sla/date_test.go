package sla

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestParseDate(t *testing.T) {
	tests := []struct {
		in      string
		want    Date
		wantErr bool
	}{
		{"2026-12-25", Date{2026, 12, 25}, false},
		{" 2026-01-01\n", Date{2026, 1, 1}, false},
		{"2028-02-29", Date{2028, 2, 29}, false},
		{"2026-02-29", Date{}, true},
		{"2026-02-30", Date{}, true},
		{"2026-13-01", Date{}, true},
		{"2026-1-1", Date{}, true},
		{"25/12/2026", Date{}, true},
		{"2026-12-25T00:00:00Z", Date{}, true},
		{"", Date{}, true},
	}
	for _, tt := range tests {
		got, err := ParseDate(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("ParseDate(%q) = %v, %v; want %v, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
		if err != nil && !strings.Contains(err.Error(), tt.in) {
			t.Errorf("ParseDate(%q) error %q does not name the value", tt.in, err)
		}
	}
}

func TestDate(t *testing.T) {
	tests := []struct {
		d       Date
		str     string
		weekday time.Weekday
	}{
		{Date{2026, 12, 25}, "2026-12-25", time.Friday},
		{Date{2026, 3, 29}, "2026-03-29", time.Sunday},
		{Date{2027, 1, 1}, "2027-01-01", time.Friday},
	}
	for _, tt := range tests {
		if got := tt.d.String(); got != tt.str {
			t.Errorf("%#v.String() = %q, want %q", tt.d, got, tt.str)
		}
		if got := tt.d.Weekday(); got != tt.weekday {
			t.Errorf("%v.Weekday() = %v, want %v", tt.d, got, tt.weekday)
		}
	}
	tokyo := mustLoad(t, "Asia/Tokyo")
	instant := time.Date(2026, 3, 6, 20, 0, 0, 0, time.UTC)
	if got, want := DateOf(instant), (Date{2026, 3, 6}); got != want {
		t.Errorf("DateOf(%v) = %v, want %v", instant, got, want)
	}
	if got, want := DateOf(instant.In(tokyo)), (Date{2026, 3, 7}); got != want {
		t.Errorf("DateOf(%v) = %v, want %v", instant.In(tokyo), got, want)
	}
}

func TestDateJSON(t *testing.T) {
	in := []Date{{2026, 12, 25}, {2027, 1, 1}}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(b), `["2026-12-25","2027-01-01"]`; got != want {
		t.Errorf("json.Marshal = %s, want %s", got, want)
	}
	var out []Date
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	if len(out) != 2 || out[0] != in[0] || out[1] != in[1] {
		t.Errorf("json round trip = %v, want %v", out, in)
	}
	if err := json.Unmarshal([]byte(`["2026-02-30"]`), &out); err == nil {
		t.Errorf("json.Unmarshal of 2026-02-30 succeeded")
	}
	if _, err := json.Marshal(Date{2026, 2, 30}); err == nil {
		t.Errorf("json.Marshal of 2026-02-30 succeeded")
	}
}
