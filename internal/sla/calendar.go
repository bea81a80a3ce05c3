package sla

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// A Calendar says which days count as working days, and in which time
// zone. A nil Location means UTC. A calendar must pass Validate before
// AddWorkingDays or WorkingDaysBetween use it.
type Calendar struct {
	Location *time.Location
	Weekend  []time.Weekday
	// Holidays are non-working days in addition to the weekend. Order and
	// duplicates don't matter; a holiday on a weekend day changes nothing.
	Holidays []Date
}

// Default is the calendar of a program that sets none: a Saturday and
// Sunday weekend, UTC, no holidays.
var Default = Calendar{
	Location: time.UTC,
	Weekend:  []time.Weekday{time.Saturday, time.Sunday},
}

// ParseCalendar builds a calendar from the text of a settings form: tz is
// an IANA time zone name such as "Europe/Paris" ("" or "UTC" for UTC),
// weekend holds English day names ("Saturday" or "sat", any case) and
// holidays holds dates such as "2026-12-25"; blank entries are skipped.
// An empty weekend means every weekday is a working day. Errors name the
// value that could not be read.
func ParseCalendar(tz string, weekend []string, holidays []string) (Calendar, error) {
	loc, err := loadLocation(tz)
	if err != nil {
		return Calendar{}, err
	}
	c := Calendar{Location: loc}
	for _, name := range weekend {
		if strings.TrimSpace(name) == "" {
			continue
		}
		wd, ok := weekdayNames[strings.ToLower(strings.TrimSpace(name))]
		if !ok {
			return Calendar{}, fmt.Errorf("unknown weekday %q: use an English day name such as Saturday", name)
		}
		c.Weekend = append(c.Weekend, wd)
	}
	for _, s := range holidays {
		if strings.TrimSpace(s) == "" {
			continue
		}
		d, err := ParseDate(s)
		if err != nil {
			return Calendar{}, fmt.Errorf("holiday %w", err)
		}
		c.Holidays = append(c.Holidays, d)
	}
	if err := c.Validate(); err != nil {
		return Calendar{}, err
	}
	return c, nil
}

// loadLocation resolves an IANA zone name. "Local" is refused: it would
// make deadlines depend on the machine that runs Haven.
func loadLocation(tz string) (*time.Location, error) {
	name := strings.TrimSpace(tz)
	if name == "" || name == "UTC" {
		return time.UTC, nil
	}
	if strings.EqualFold(name, "Local") {
		return nil, fmt.Errorf("time zone %q depends on the server: use an IANA name such as Europe/Paris", tz)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("unknown time zone %q: use an IANA name such as Europe/Paris", tz)
	}
	return loc, nil
}

var weekdayNames = func() map[string]time.Weekday {
	m := make(map[string]time.Weekday, 14)
	for wd := time.Sunday; wd <= time.Saturday; wd++ {
		name := strings.ToLower(wd.String())
		m[name] = wd
		m[name[:3]] = wd
	}
	return m
}()

// Validate reports why c cannot count working days: a weekday out of
// range, a weekend that covers the whole week, or a holiday that is not a
// real date. Duplicate weekend days and holidays are fine.
func (c Calendar) Validate() error {
	var errs []error
	var days [7]bool
	for _, wd := range c.Weekend {
		if wd < time.Sunday || wd > time.Saturday {
			errs = append(errs, fmt.Errorf("weekend day %d is not a day of the week", int(wd)))
			continue
		}
		days[wd] = true
	}
	if days == [7]bool{true, true, true, true, true, true, true} {
		errs = append(errs, errors.New("the weekend covers all seven days, so no day is a working day"))
	}
	for _, d := range c.Holidays {
		if !d.valid() {
			errs = append(errs, fmt.Errorf("holiday %s is not a real date", d))
		}
	}
	return errors.Join(errs...)
}

// IsWorkingDay reports whether d is neither a weekend day nor a holiday.
func (c Calendar) IsWorkingDay(d Date) bool {
	wd := d.Weekday()
	for _, w := range c.Weekend {
		if w == wd {
			return false
		}
	}
	for _, h := range c.Holidays {
		if h == d {
			return false
		}
	}
	return true
}

// AddWorkingDays returns the deadline n working days after start, in the
// calendar's time zone, by the rule in the package documentation: the
// same local clock time on the n-th working day after the start day, where
// a start on a non-working day counts from 00:00 on the next working day.
// For n <= 0 it returns the start of the clock: start itself on a working
// day, else 00:00 on the next working day.
//
// AddWorkingDays panics if the weekend covers all seven days, which
// Validate refuses.
func (c Calendar) AddWorkingDays(start time.Time, n int) time.Time {
	w := c.week()
	loc := c.location()
	t := start.In(loc)
	day, clock, ok := w.clockStart(t)
	if n <= 0 {
		if ok {
			return t
		}
		return at(day, clock, loc)
	}
	for range n {
		day = w.next(day)
	}
	return at(day, clock, loc)
}

// WorkingDaysBetween returns the number of whole working days from a to
// b: the largest k for which AddWorkingDays(a, k) is not after b, and 0
// when there is none. When b is before a it returns
// -WorkingDaysBetween(b, a). A report due at a and still open at b is
// overdue by WorkingDaysBetween(a, b) working days.
//
// WorkingDaysBetween panics if the weekend covers all seven days, which
// Validate refuses.
func (c Calendar) WorkingDaysBetween(a, b time.Time) int {
	if b.Before(a) {
		return -c.WorkingDaysBetween(b, a)
	}
	w := c.week()
	loc := c.location()
	day, clock, _ := w.clockStart(a.In(loc))
	k := 0
	for {
		day = w.next(day)
		if at(day, clock, loc).After(b) {
			return k
		}
		k++
	}
}

func (c Calendar) location() *time.Location {
	if c.Location == nil {
		return time.UTC
	}
	return c.Location
}

// week is a Calendar prepared for counting many days.
type week struct {
	weekend  [7]bool
	holidays map[Date]bool
}

func (c Calendar) week() week {
	var w week
	for _, wd := range c.Weekend {
		if wd >= time.Sunday && wd <= time.Saturday {
			w.weekend[wd] = true
		}
	}
	if w.weekend == [7]bool{true, true, true, true, true, true, true} {
		panic("sla: the weekend covers all seven days; Calendar.Validate refuses this calendar")
	}
	w.holidays = make(map[Date]bool, len(c.Holidays))
	for _, d := range c.Holidays {
		w.holidays[d] = true
	}
	return w
}

func (w week) isWorkingDay(d Date) bool {
	return !w.weekend[d.Weekday()] && !w.holidays[d]
}

// next returns the first working day after d. It ends because at least
// one weekday is a working day and holidays are finite.
func (w week) next(d Date) Date {
	for {
		d = d.addDays(1)
		if w.isWorkingDay(d) {
			return d
		}
	}
}

// clockStart returns the day and local clock time at which the clock
// starts for a report that arrives at t (already in the calendar's zone),
// and whether that is t itself.
func (w week) clockStart(t time.Time) (day Date, clock time.Duration, ok bool) {
	d := DateOf(t)
	if w.isWorkingDay(d) {
		return d, sinceMidnight(t), true
	}
	return w.next(d), 0, false
}

// sinceMidnight returns the local clock reading of t as a duration since
// 00:00, ignoring daylight-saving changes earlier that day: 10:00 is 10h.
func sinceMidnight(t time.Time) time.Duration {
	h, m, s := t.Clock()
	return time.Duration(h)*time.Hour + time.Duration(m)*time.Minute +
		time.Duration(s)*time.Second + time.Duration(t.Nanosecond())
}

// at returns the first instant on day d in loc at which the local clock
// reads clock or later. time.Date alone leaves the choice unspecified
// when the reading is skipped or repeated by a daylight-saving change.
func at(d Date, clock time.Duration, loc *time.Location) time.Time {
	want := time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC).Add(clock)
	t := time.Date(want.Year(), want.Month(), want.Day(),
		want.Hour(), want.Minute(), want.Second(), want.Nanosecond(), loc)
	start, end := t.ZoneBounds()
	switch got := wall(t); {
	case got.Before(want):
		// The reading was skipped and time.Date went back before the
		// jump: the first instant after the jump reads later than want.
		return end
	case got.After(want):
		// Skipped, and time.Date went past the jump: the jump itself.
		return start
	}
	// The reading may occur twice when clocks go back: prefer the first.
	if start.IsZero() {
		return t
	}
	_, before := start.Add(-time.Nanosecond).Zone()
	_, after := t.Zone()
	if before > after {
		earlier := t.Add(-time.Duration(before-after) * time.Second)
		if earlier.Before(start) && wall(earlier).Equal(want) {
			return earlier
		}
	}
	return t
}

// wall returns the local clock reading of t as the same reading in UTC,
// so that readings compare without time zones getting in the way.
func wall(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(),
		t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC)
}
