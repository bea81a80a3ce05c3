package money

import (
	"math"
	"strings"
	"testing"
)

var (
	eur = Currency{"EUR", 2}
	usd = Currency{"USD", 2}
	gbp = Currency{"GBP", 2}
	jpy = Currency{"JPY", 0}
	chf = Currency{"CHF", 2}
	kwd = Currency{"KWD", 3}
)

func TestParse(t *testing.T) {
	tests := []struct {
		name    string
		c       Currency
		in      string
		want    Amount
		wantErr string // substring of the error; "" for none
	}{
		{"plain", eur, "5000", 500000, ""},
		{"comma groups", eur, "5,000", 500000, ""},
		{"space groups", eur, "5 000", 500000, ""},
		{"no-break space groups", eur, "5\u00a0000", 500000, ""},
		{"narrow no-break space groups", eur, "5\u202f000", 500000, ""},
		{"Swiss apostrophes", chf, "1'234'567", 123456700, ""},
		{"decimals", eur, "5000.50", 500050, ""},
		{"one decimal", eur, "5000.5", 500050, ""},
		{"groups and decimals", eur, "5,000.05", 500005, ""},
		{"symbol", eur, "€5,000", 500000, ""},
		{"symbol and space", eur, "€ 5,000", 500000, ""},
		{"symbol after", eur, "5 000 €", 500000, ""},
		{"code after", eur, "5000 EUR", 500000, ""},
		{"code before, lower case", eur, "eur 250", 25000, ""},
		{"dollar", usd, "$1,500.99", 150099, ""},
		{"pound", gbp, "£50", 5000, ""},
		{"yen", jpy, "¥5,000", 5000, ""},
		{"CHF code", chf, "CHF 750", 75000, ""},
		{"three decimals", kwd, "12.345", 12345, ""},
		{"three decimals, short", kwd, "12.3", 12300, ""},
		{"spaces around", eur, "  250\n", 25000, ""},
		{"zero", eur, "0", 0, ""},
		{"leading zeros", eur, "000250", 25000, ""},
		{"limit", eur, "1,000,000,000,000", 100000000000000, ""},
		{"limit, KWD", kwd, "1000000000000.000", 1000000000000000, ""},
		{"long run of zeros", eur, "0000000000000000000250", 25000, ""},

		{"empty", eur, "", 0, "no amount given"},
		{"only symbol", eur, "€", 0, `"€" is not a number`},
		{"negative", eur, "-5", 0, `amount "-5" is negative`},
		{"negative after symbol", eur, "€-5", 0, "is negative"},
		{"minus sign", eur, "−5", 0, "is negative"},
		{"too many decimals", eur, "5000.505", 0, `amount "5000.505" has 3 decimal places, but EUR has 2`},
		{"decimals in yen", jpy, "5000.5", 0, `amount "5000.5" has decimals, but JPY has no minor unit`},
		{"zero decimals in yen", jpy, "5000.00", 0, "JPY has no minor unit"},
		{"four decimals in KWD", kwd, "1.2345", 0, "KWD has 3"},
		{"decimal comma", eur, "5,50", 0, "group thousands in threes (5,000) and write decimals after a point"},
		{"European notation", eur, "5.000,50", 0, "is not a number"},
		{"bad grouping", eur, "50,0000", 0, "is not a number"},
		{"first group too long", eur, "5000,000", 0, "is not a number"},
		{"doubled separator", eur, "5,,000", 0, "is not a number"},
		{"leading separator", eur, ",500", 0, "is not a number"},
		{"trailing point", eur, "5000.", 0, "is not a number"},
		{"leading point", eur, ".50", 0, "is not a number"},
		{"two points", eur, "1.2.3", 0, "is not a number"},
		{"exponent", eur, "1e6", 0, `"1e6" is not a number`},
		{"words", eur, "five thousand", 0, "is not a number"},
		{"other symbol", eur, "$5,000", 0, `amount "$5,000" is in $, not EUR`},
		{"other code", eur, "5000 USD", 0, `amount "5000 USD" is in USD, not EUR`},
		{"euro for francs", chf, "€750", 0, "is in €, not CHF"},
		{"Arabic-Indic digits", eur, "٥٠٠٠", 0, "is not a number"},
		{"too large", eur, "1,000,000,000,000.01", 0, `is too large; the limit is €1,000,000,000,000`},
		{"far too large", eur, "99999999999999999999999", 0, "is too large"},
		{"too large, CHF", chf, "2000000000000", 0, "the limit is 1,000,000,000,000 CHF"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.c.Parse(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("%s.Parse(%q) = %d, %v; want error containing %q", tt.c, tt.in, got, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("%s.Parse(%q) = %d, %v; want %d", tt.c, tt.in, got, err, tt.want)
			}
		})
	}
}

func TestFormat(t *testing.T) {
	tests := []struct {
		c    Currency
		a    Amount
		want string
	}{
		{eur, 500000, "€5,000"},
		{eur, 500050, "€5,000.50"},
		{eur, 500005, "€5,000.05"},
		{eur, 25000, "€250"},
		{eur, 5, "€0.05"},
		{eur, 0, "€0"},
		{eur, 100000000000000, "€1,000,000,000,000"},
		{eur, -25000, "-€250"},
		{usd, 150099, "$1,500.99"},
		{gbp, 5000, "£50"},
		{jpy, 5000, "¥5,000"},
		{jpy, 1234567, "¥1,234,567"},
		{chf, 75000, "750 CHF"},
		{chf, 123456789, "1,234,567.89 CHF"},
		{kwd, 12345, "12.345 KWD"},
		{kwd, 12000, "12 KWD"},
		{kwd, 12300, "12.300 KWD"},
		{Currency{"CAD", 2}, 100, "1 CAD"},
		{Currency{}, 1234, "1,234"},
		{eur, math.MinInt64, "-€92,233,720,368,547,758.08"},
	}
	for _, tt := range tests {
		if got := tt.c.Format(tt.a); got != tt.want {
			t.Errorf("%s.Format(%d) = %q, want %q", tt.c, tt.a, got, tt.want)
		}
	}
}

// TestFormatParses checks that Parse reads back what Format writes.
func TestFormatParses(t *testing.T) {
	for _, c := range []Currency{eur, usd, gbp, jpy, chf, kwd} {
		for _, a := range []Amount{0, 1, 5, 99, 100, 101, 25000, 500050, 123456789, 100000000000} {
			s := c.Format(a)
			got, err := c.Parse(s)
			if err != nil || got != a {
				t.Errorf("%s.Parse(%q) = %d, %v; want %d", c, s, got, err, a)
			}
		}
	}
}

func TestMajor(t *testing.T) {
	tests := []struct {
		c    Currency
		a    Amount
		want float64
	}{
		{eur, 500050, 5000.5},
		{eur, 500000, 5000},
		{eur, 30, 0.3},
		{jpy, 5000, 5000},
		{kwd, 12345, 12.345},
		{eur, 100000000000000, 1e12},
	}
	for _, tt := range tests {
		if got := tt.c.Major(tt.a); got != tt.want {
			t.Errorf("%s.Major(%d) = %v, want %v", tt.c, tt.a, got, tt.want)
		}
	}
}

func TestFromMajor(t *testing.T) {
	tests := []struct {
		name    string
		c       Currency
		f       float64
		want    Amount
		wantErr string
	}{
		{"whole", eur, 5000, 500000, ""},
		{"cents", eur, 5000.5, 500050, ""},
		{"0.1+0.2", eur, 0.1 + 0.2, 30, ""},
		{"1.005 rounds up", eur, 1.005, 101, ""},
		{"2.675 rounds up", eur, 2.675, 268, ""},
		{"1.004 rounds down", eur, 1.004, 100, ""},
		{"19.99", eur, 19.99, 1999, ""},
		{"0.29*100 trap", eur, 0.29, 29, ""},
		{"1.15 in KWD", kwd, 1.15, 1150, ""},
		{"1.0005 in KWD", kwd, 1.0005, 1001, ""},
		{"yen rounds to whole", jpy, 1234.5, 1235, ""},
		{"yen below half", jpy, 1234.4999, 1234, ""},
		{"zero", eur, 0, 0, ""},
		{"negative zero", eur, math.Copysign(0, -1), 0, ""},
		{"tiny", eur, 1e-300, 0, ""},
		{"limit", eur, 1e12, 100000000000000, ""},
		{"rounds up to the limit", eur, 999999999999.999, 100000000000000, ""},

		{"NaN", eur, math.NaN(), 0, "is not a number"},
		{"+Inf", eur, math.Inf(1), 0, "is not a number"},
		{"-Inf", eur, math.Inf(-1), 0, "is not a number"},
		{"negative", eur, -5, 0, "is negative"},
		{"too large", eur, 1e12 + 1, 0, "is too large"},
		{"far too large", eur, 1e300, 0, "is too large"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.c.FromMajor(tt.f)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("%s.FromMajor(%v) = %d, %v; want error containing %q", tt.c, tt.f, got, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("%s.FromMajor(%v) = %d, %v; want %d", tt.c, tt.f, got, err, tt.want)
			}
		})
	}
}

// TestMajorRoundTrip checks that FromMajor inverts Major, the JSON path.
func TestMajorRoundTrip(t *testing.T) {
	for _, c := range []Currency{eur, jpy, kwd} {
		for a := Amount(0); a < 200_000; a += 7 {
			if got, err := c.FromMajor(c.Major(a)); err != nil || got != a {
				t.Fatalf("%s.FromMajor(%s.Major(%d)) = %d, %v", c, c, a, got, err)
			}
		}
		big := Amount(maxMajor * pow10(c.Minor))
		if got, err := c.FromMajor(c.Major(big)); err != nil || got != big {
			t.Errorf("%s.FromMajor(%s.Major(%d)) = %d, %v", c, c, big, got, err)
		}
	}
}
