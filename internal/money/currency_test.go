package money

import (
	"slices"
	"strings"
	"testing"
)

func TestParseCurrency(t *testing.T) {
	tests := []struct {
		in      string
		want    Currency
		wantErr string
	}{
		{"EUR", Currency{"EUR", 2}, ""},
		{"eur", Currency{"EUR", 2}, ""},
		{" Usd ", Currency{"USD", 2}, ""},
		{"GBP", Currency{"GBP", 2}, ""},
		{"JPY", Currency{"JPY", 0}, ""},
		{"CHF", Currency{"CHF", 2}, ""},
		{"KWD", Currency{"KWD", 3}, ""},
		{"BHD", Currency{"BHD", 3}, ""},
		{"TND", Currency{"TND", 3}, ""},
		{"KRW", Currency{"KRW", 0}, ""},
		{"ISK", Currency{"ISK", 0}, ""},
		{"XOF", Currency{"XOF", 0}, ""},
		{"XCG", Currency{"XCG", 2}, ""},
		{"XYZ", Currency{}, `unknown currency "XYZ"; use an ISO 4217 code such as EUR`},
		{"euro", Currency{}, `unknown currency "euro"; use an ISO 4217 code such as EUR`},
		{"€", Currency{}, `unknown currency "€"`},
		{"HRK", Currency{}, `unknown currency "HRK"`}, // withdrawn in 2023
		{"XAU", Currency{}, `unknown currency "XAU"`}, // gold is not a currency a program pays
		{"", Currency{}, "no currency given"},
	}
	for _, tt := range tests {
		got, err := ParseCurrency(tt.in)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ParseCurrency(%q) = %v, %v; want error containing %q", tt.in, got, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseCurrency(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
}

func TestTable(t *testing.T) {
	all := Currencies()
	if len(all) < 150 {
		t.Errorf("Currencies() has %d codes, want at least 150", len(all))
	}
	if !slices.IsSortedFunc(all, func(a, b Currency) int { return strings.Compare(a.Code, b.Code) }) {
		t.Errorf("Currencies() is not sorted by code")
	}
	for i, c := range all {
		if len(c.Code) != 3 || strings.ToUpper(c.Code) != c.Code || strings.ContainsFunc(c.Code, func(r rune) bool { return r < 'A' || r > 'Z' }) {
			t.Errorf("code %q is not three capital letters", c.Code)
		}
		if c.Minor != 0 && c.Minor != 2 && c.Minor != 3 {
			t.Errorf("%s has %d minor units, want 0, 2 or 3", c.Code, c.Minor)
		}
		if i > 0 && all[i-1].Code == c.Code {
			t.Errorf("%s is listed twice", c.Code)
		}
		if got, err := ParseCurrency(c.Code); err != nil || got != c {
			t.Errorf("ParseCurrency(%q) = %v, %v; want %v", c.Code, got, err, c)
		}
	}
	for code := range symbols {
		if _, ok := byCode[code]; !ok {
			t.Errorf("symbol for %s, which is not in the table", code)
		}
	}
	all[0].Code = "ZZZ"
	if Currencies()[0].Code == "ZZZ" {
		t.Errorf("Currencies() returned the table itself")
	}
}
