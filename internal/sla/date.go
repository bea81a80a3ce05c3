package sla

import (
	"fmt"
	"strings"
	"time"
)

// A Date is a day on the calendar, with no time of day and no time zone,
// such as a holiday. Its zero value is not a valid date.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

const dateLayout = "2006-01-02"

// ParseDate parses a date in the form 2026-12-25.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(dateLayout, strings.TrimSpace(s))
	if err != nil {
		return Date{}, fmt.Errorf("%q is not a date: use the form 2026-12-25", s)
	}
	return DateOf(t), nil
}

// DateOf returns the date of t in t's own location. To get the date in a
// calendar's time zone, convert first: DateOf(t.In(c.Location)).
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// String returns the date in the form 2026-12-25.
func (d Date) String() string {
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day)
}

// MarshalText returns the date in the form 2026-12-25, so that a Date
// stores as a JSON string.
func (d Date) MarshalText() ([]byte, error) {
	if !d.valid() {
		return nil, fmt.Errorf("%s is not a valid date", d)
	}
	return []byte(d.String()), nil
}

// UnmarshalText parses a date in the form 2026-12-25.
func (d *Date) UnmarshalText(b []byte) error {
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// Weekday returns the day of the week of d.
func (d Date) Weekday() time.Weekday {
	return d.noonUTC().Weekday()
}

// valid reports whether d names a real day (not February 30).
func (d Date) valid() bool {
	return DateOf(d.noonUTC()) == d
}

// addDays returns the date n days after d (before, when n is negative).
func (d Date) addDays(n int) Date {
	return DateOf(time.Date(d.Year, d.Month, d.Day+n, 12, 0, 0, 0, time.UTC))
}

// noonUTC is d as an instant, for date arithmetic: UTC has no
// daylight-saving changes, so adding days never slips to another date.
func (d Date) noonUTC() time.Time {
	return time.Date(d.Year, d.Month, d.Day, 12, 0, 0, 0, time.UTC)
}
