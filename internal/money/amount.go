package money

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// An Amount is a sum of money in the minor unit of its currency, such as
// cents for EUR: €5,000.50 is 500050. The currency travels beside it.
type Amount int64

// maxMajor is the largest amount, in major units, that Parse and
// FromMajor accept: far beyond any bounty, and far inside int64 even for
// currencies with three minor units.
const maxMajor = 1_000_000_000_000

// pow10 returns 10^n for the small n of minor units.
func pow10(n int) int64 {
	p := int64(1)
	for range n {
		p *= 10
	}
	return p
}

// groupSeparators may separate thousands in Parse's input: comma, space,
// no-break space, narrow no-break space (French), apostrophes (Swiss).
const groupSeparators = ", \u00a0\u202f'’"

// Parse reads an amount as a person types it: digits with an optional
// point and decimals ("5000", "5000.50"), thousands grouped in threes by
// commas, spaces or apostrophes ("5,000", "5 000", "5'000"), and the
// currency's own symbol or code before or after ("€5,000", "5000 EUR").
// It refuses negative amounts, a comma used for decimals, more decimals
// than c has, and more than 10^12 in major units.
func (c Currency) Parse(s string) (Amount, error) {
	in := s
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, errors.New("no amount given")
	}
	s = c.trimMarkers(s)
	if strings.HasPrefix(s, "-") || strings.HasPrefix(s, "−") {
		return 0, fmt.Errorf("amount %q is negative; amounts cannot be below zero", in)
	}
	if other := otherCurrency(s); other != "" {
		return 0, fmt.Errorf("amount %q is in %s, not %s", in, other, c.Code)
	}
	if strings.ContainsFunc(s, unicode.IsLetter) {
		return 0, fmt.Errorf("amount %q is not a number", in)
	}
	intPart, frac, hasPoint := strings.Cut(s, ".")
	digits, ok := ungroup(intPart)
	if !ok || (hasPoint && (frac == "" || !allDigits(frac))) {
		return 0, fmt.Errorf("amount %q is not a number: group thousands in threes (5,000) and write decimals after a point (5000.50)", in)
	}
	if len(frac) > c.Minor {
		if c.Minor == 0 {
			return 0, fmt.Errorf("amount %q has decimals, but %s has no minor unit", in, c.Code)
		}
		return 0, fmt.Errorf("amount %q has %d decimal places, but %s has %d", in, len(frac), c.Code, c.Minor)
	}
	digits = strings.TrimLeft(digits, "0")
	if len(digits) > 13 {
		return 0, c.tooLarge(in)
	}
	major, _ := strconv.ParseInt("0"+digits, 10, 64) // at most 13 digits
	minor, _ := strconv.ParseInt("0"+frac+strings.Repeat("0", c.Minor-len(frac)), 10, 64)
	a := major*pow10(c.Minor) + minor
	if a > maxMajor*pow10(c.Minor) {
		return 0, c.tooLarge(in)
	}
	return Amount(a), nil
}

// otherCurrency returns the symbol or code of another currency in what
// is left of Parse's input once its own have been trimmed: "$" in
// "$5,000" for EUR, "USD" in "5000 USD".
func otherCurrency(s string) string {
	if i := strings.IndexFunc(s, func(r rune) bool { return unicode.Is(unicode.Sc, r) }); i >= 0 {
		r, _ := utf8.DecodeRuneInString(s[i:])
		return string(r)
	}
	letters := strings.ToUpper(strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) {
			return r
		}
		return -1
	}, s))
	if _, ok := byCode[letters]; ok {
		return letters
	}
	return ""
}

func (c Currency) tooLarge(in string) error {
	return fmt.Errorf("amount %q is too large; the limit is %s", in, c.Format(Amount(maxMajor*pow10(c.Minor))))
}

// trimMarkers removes the currency's symbol or code from either end of s.
func (c Currency) trimMarkers(s string) string {
	for _, m := range []string{symbols[c.Code], c.Code} {
		if m == "" {
			continue
		}
		if len(s) >= len(m) && strings.EqualFold(s[:len(m)], m) {
			return strings.TrimSpace(s[len(m):])
		}
		if len(s) >= len(m) && strings.EqualFold(s[len(s)-len(m):], m) {
			return strings.TrimSpace(s[:len(s)-len(m)])
		}
	}
	return s
}

// ungroup checks the thousands grouping of an integer part and returns
// its digits. Without separators any number of digits will do; with them,
// the first group has one to three digits and every later group three.
// Doubled, leading or trailing separators make an empty group and fail.
func ungroup(s string) (string, bool) {
	var groups []string
	start := 0
	for i, r := range s {
		if strings.ContainsRune(groupSeparators, r) {
			groups = append(groups, s[start:i])
			start = i + utf8.RuneLen(r)
		}
	}
	groups = append(groups, s[start:])
	for i, g := range groups {
		if !allDigits(g) {
			return "", false
		}
		if len(groups) > 1 && (i == 0 && len(g) > 3 || i > 0 && len(g) != 3) {
			return "", false
		}
	}
	return strings.Join(groups, ""), true
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// Format writes a for people: "€5,000" and "€5,000.50" for EUR, USD, GBP
// and JPY, which get their symbol, and "5,000 CHF" for the others.
// Decimals appear only when they are not zero, and then all of them.
func (c Currency) Format(a Amount) string {
	var b strings.Builder
	u := uint64(a)
	if a < 0 {
		b.WriteByte('-')
		u = -u
	}
	sym, hasSym := symbols[c.Code]
	if hasSym {
		b.WriteString(sym)
	}
	p := uint64(pow10(c.Minor))
	digits := strconv.FormatUint(u/p, 10)
	for i, d := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(d)
	}
	if frac := u % p; frac != 0 {
		s := strconv.FormatUint(frac, 10)
		b.WriteByte('.')
		b.WriteString(strings.Repeat("0", c.Minor-len(s)))
		b.WriteString(s)
	}
	if !hasSym && c.Code != "" {
		b.WriteByte(' ')
		b.WriteString(c.Code)
	}
	return b.String()
}

// Major returns a in major units, for JSON: 500050 cents is 5000.5. The
// result is exact for every amount Parse and FromMajor accept, which stay
// below 2^53 minor units.
func (c Currency) Major(a Amount) float64 {
	return float64(a) / float64(pow10(c.Minor))
}

// FromMajor converts major units from JSON to an Amount, rounding half up
// to the currency's minor unit. It rounds the shortest decimal form of f
// (see the package documentation), refuses NaN, infinities and negative
// numbers, and refuses more than 10^12.
func (c Currency) FromMajor(f float64) (Amount, error) {
	switch {
	case math.IsNaN(f) || math.IsInf(f, 0):
		return 0, fmt.Errorf("amount %v is not a number", f)
	case f < 0:
		return 0, fmt.Errorf("amount %v is negative; amounts cannot be below zero", f)
	case f > maxMajor:
		return 0, c.tooLarge(strconv.FormatFloat(f, 'f', -1, 64))
	}
	s := strconv.FormatFloat(f, 'f', -1, 64)
	intPart, frac, _ := strings.Cut(s, ".")
	up := false
	if len(frac) > c.Minor {
		up = frac[c.Minor] >= '5'
		frac = frac[:c.Minor]
	}
	frac += strings.Repeat("0", c.Minor-len(frac))
	a, err := strconv.ParseInt(intPart+frac, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("amount %v is not a number", f) // not reached: f <= 10^12
	}
	if up {
		a++
	}
	if a > maxMajor*pow10(c.Minor) {
		return 0, c.tooLarge(s)
	}
	return Amount(a), nil
}
