package money

import (
	"fmt"
	"slices"
	"strings"
)

// A Currency is an ISO 4217 currency: its code, such as "EUR", and its
// number of minor units, the digits after the decimal point (2 for EUR,
// 0 for JPY, 3 for KWD).
type Currency struct {
	Code  string
	Minor int
}

// byCode indexes iso4217.
var byCode = func() map[string]Currency {
	m := make(map[string]Currency, len(iso4217))
	for _, c := range iso4217 {
		m[c.Code] = c
	}
	return m
}()

// ParseCurrency returns the active ISO 4217 currency with the given code,
// in any case and with surrounding spaces ignored.
func ParseCurrency(code string) (Currency, error) {
	s := strings.TrimSpace(code)
	if s == "" {
		return Currency{}, fmt.Errorf("no currency given; use an ISO 4217 code such as EUR")
	}
	c, ok := byCode[strings.ToUpper(s)]
	if !ok {
		return Currency{}, fmt.Errorf("unknown currency %q; use an ISO 4217 code such as EUR", s)
	}
	return c, nil
}

// Currencies returns every currency ParseCurrency accepts, sorted by
// code, for a form's list of choices. The caller may modify the slice.
func Currencies() []Currency {
	return slices.Clone(iso4217)
}

// String returns the currency's code.
func (c Currency) String() string {
	return c.Code
}

// symbols are the currencies Format writes with a symbol in front. Only
// the symbols that are unambiguous for Haven's users: $ alone is USD, and
// CAD, AUD and the others are written with their codes.
var symbols = map[string]string{
	"EUR": "€",
	"USD": "$",
	"GBP": "£",
	"JPY": "¥",
}
