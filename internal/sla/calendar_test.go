package sla

import (
	"slices"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // tests must not depend on the machine's zone database
)

func mustLoad(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func TestAddWorkingDays(t *testing.T) {
	utc := time.UTC
	paris := mustLoad(t, "Europe/Paris")
	tokyo := mustLoad(t, "Asia/Tokyo")
	newYork := mustLoad(t, "America/New_York")
	riyadh := mustLoad(t, "Asia/Riyadh")

	christmas := Calendar{
		Location: utc,
		Weekend:  []time.Weekday{time.Saturday, time.Sunday},
		Holidays: []Date{{2026, 12, 25}, {2027, 1, 1}},
	}
	christmasTwice := christmas
	christmasTwice.Holidays = []Date{{2027, 1, 1}, {2026, 12, 25}, {2026, 12, 25}}
	parisCal := Calendar{Location: paris, Weekend: []time.Weekday{time.Saturday, time.Sunday}}
	tokyoCal := Calendar{Location: tokyo, Weekend: []time.Weekday{time.Saturday, time.Sunday}}
	fridaySaturday := Calendar{Location: riyadh, Weekend: []time.Weekday{time.Friday, time.Saturday}}
	parisEveryDay := Calendar{Location: paris}
	newYorkEveryDay := Calendar{Location: newYork}

	tests := []struct {
		name  string
		cal   Calendar
		start time.Time
		n     int
		want  time.Time
	}{
		// Jupyter's validation SLAs (Exceptional 5 ... Low 60) on the
		// default calendar: 5 working days are one calendar week.
		{"Exceptional 5 from Monday", Default, time.Date(2026, 3, 2, 10, 0, 0, 0, utc), 5, time.Date(2026, 3, 9, 10, 0, 0, 0, utc)},
		{"Critical 10 from Wednesday", Default, time.Date(2026, 3, 4, 9, 30, 0, 0, utc), 10, time.Date(2026, 3, 18, 9, 30, 0, 0, utc)},
		{"High 15 from Friday", Default, time.Date(2026, 3, 6, 16, 0, 0, 0, utc), 15, time.Date(2026, 3, 27, 16, 0, 0, 0, utc)},
		{"Medium 30 from Tuesday", Default, time.Date(2026, 3, 3, 12, 0, 0, 0, utc), 30, time.Date(2026, 4, 14, 12, 0, 0, 0, utc)},
		{"Low 60 from Thursday", Default, time.Date(2026, 1, 8, 8, 0, 0, 0, utc), 60, time.Date(2026, 4, 2, 8, 0, 0, 0, utc)},
		{"Exceptional 5 from Saturday", Default, time.Date(2026, 3, 7, 11, 0, 0, 0, utc), 5, time.Date(2026, 3, 16, 0, 0, 0, 0, utc)},
		{"Low 60 from Sunday", Default, time.Date(2026, 1, 11, 8, 0, 0, 0, utc), 60, time.Date(2026, 4, 6, 0, 0, 0, 0, utc)},

		// The rule around the weekend.
		{"Friday 16:00 plus 1", Default, time.Date(2026, 3, 6, 16, 0, 0, 0, utc), 1, time.Date(2026, 3, 9, 16, 0, 0, 0, utc)},
		{"Friday 16:00 plus 2", Default, time.Date(2026, 3, 6, 16, 0, 0, 0, utc), 2, time.Date(2026, 3, 10, 16, 0, 0, 0, utc)},
		{"Friday 23:59:59.999 plus 1", Default, time.Date(2026, 3, 6, 23, 59, 59, 999, utc), 1, time.Date(2026, 3, 9, 23, 59, 59, 999, utc)},
		{"Saturday plus 1 is the end of Monday", Default, time.Date(2026, 3, 7, 11, 0, 0, 0, utc), 1, time.Date(2026, 3, 10, 0, 0, 0, 0, utc)},
		{"Sunday 23:00 plus 1", Default, time.Date(2026, 3, 8, 23, 0, 0, 0, utc), 1, time.Date(2026, 3, 10, 0, 0, 0, 0, utc)},
		{"Monday 00:00 plus 1", Default, time.Date(2026, 3, 9, 0, 0, 0, 0, utc), 1, time.Date(2026, 3, 10, 0, 0, 0, 0, utc)},
		{"plus 0 on a working day is the start", Default, time.Date(2026, 3, 4, 9, 30, 0, 0, utc), 0, time.Date(2026, 3, 4, 9, 30, 0, 0, utc)},
		{"plus 0 on Saturday is Monday 00:00", Default, time.Date(2026, 3, 7, 11, 0, 0, 0, utc), 0, time.Date(2026, 3, 9, 0, 0, 0, 0, utc)},
		{"negative counts as 0", Default, time.Date(2026, 3, 4, 9, 30, 0, 0, utc), -3, time.Date(2026, 3, 4, 9, 30, 0, 0, utc)},
		{"start in another zone is read in the calendar's", Default, time.Date(2026, 3, 7, 0, 30, 0, 0, paris), 1, time.Date(2026, 3, 9, 23, 30, 0, 0, utc)},
		{"zero Calendar: UTC, every day works", Calendar{}, time.Date(2026, 3, 6, 16, 0, 0, 0, utc), 2, time.Date(2026, 3, 8, 16, 0, 0, 0, utc)},

		// Holidays inside the span.
		{"Christmas inside 5", christmas, time.Date(2026, 12, 21, 10, 0, 0, 0, utc), 5, time.Date(2026, 12, 29, 10, 0, 0, 0, utc)},
		{"Christmas and New Year inside 10", christmas, time.Date(2026, 12, 23, 10, 0, 0, 0, utc), 10, time.Date(2027, 1, 8, 10, 0, 0, 0, utc)},
		{"submitted on Christmas", christmas, time.Date(2026, 12, 25, 9, 0, 0, 0, utc), 1, time.Date(2026, 12, 29, 0, 0, 0, 0, utc)},
		{"duplicate holidays", christmasTwice, time.Date(2026, 12, 23, 10, 0, 0, 0, utc), 10, time.Date(2027, 1, 8, 10, 0, 0, 0, utc)},
		{"holiday after the deadline", christmas, time.Date(2026, 12, 14, 10, 0, 0, 0, utc), 5, time.Date(2026, 12, 21, 10, 0, 0, 0, utc)},

		// Daylight saving in Europe/Paris: the local clock time is kept.
		{"Paris across spring forward", parisCal, time.Date(2026, 3, 27, 10, 0, 0, 0, paris), 1, time.Date(2026, 3, 30, 8, 0, 0, 0, utc)},
		{"Paris 5 across spring forward", parisCal, time.Date(2026, 3, 25, 18, 0, 0, 0, paris), 5, time.Date(2026, 4, 1, 16, 0, 0, 0, utc)},
		{"Paris across fall back", parisCal, time.Date(2026, 10, 23, 10, 0, 0, 0, paris), 1, time.Date(2026, 10, 26, 9, 0, 0, 0, utc)},
		{"Paris Saturday before spring forward", parisCal, time.Date(2026, 3, 28, 15, 0, 0, 0, paris), 1, time.Date(2026, 3, 30, 22, 0, 0, 0, utc)},

		// A clock reading skipped or repeated on the day of the change:
		// the first instant the clock reads that time or later.
		{"Paris 02:30 skipped: 03:00 CEST", parisEveryDay, time.Date(2026, 3, 28, 2, 30, 0, 0, paris), 1, time.Date(2026, 3, 29, 1, 0, 0, 0, utc)},
		{"Paris 02:30 repeated: the first, CEST", parisEveryDay, time.Date(2026, 10, 24, 2, 30, 0, 0, paris), 1, time.Date(2026, 10, 25, 0, 30, 0, 0, utc)},
		{"Paris 03:00 after fall back", parisEveryDay, time.Date(2026, 10, 24, 3, 0, 0, 0, paris), 1, time.Date(2026, 10, 25, 2, 0, 0, 0, utc)},
		{"New York 02:30 skipped: 03:00 EDT", newYorkEveryDay, time.Date(2026, 3, 7, 2, 30, 0, 0, newYork), 1, time.Date(2026, 3, 8, 7, 0, 0, 0, utc)},
		{"New York 01:30 repeated: the first, EDT", newYorkEveryDay, time.Date(2026, 10, 31, 1, 30, 0, 0, newYork), 1, time.Date(2026, 11, 1, 5, 30, 0, 0, utc)},

		// Friday evening in UTC is already Saturday in Tokyo.
		{"Friday 20:00 UTC on a UTC calendar", Default, time.Date(2026, 3, 6, 20, 0, 0, 0, utc), 5, time.Date(2026, 3, 13, 20, 0, 0, 0, utc)},
		{"Friday 20:00 UTC on a Tokyo calendar", tokyoCal, time.Date(2026, 3, 6, 20, 0, 0, 0, utc), 5, time.Date(2026, 3, 15, 15, 0, 0, 0, utc)},
		{"Friday 20:00 UTC on a Tokyo calendar, 1", tokyoCal, time.Date(2026, 3, 6, 20, 0, 0, 0, utc), 1, time.Date(2026, 3, 9, 15, 0, 0, 0, utc)},
		{"Friday 14:00 UTC is Friday 23:00 in Tokyo", tokyoCal, time.Date(2026, 3, 6, 14, 0, 0, 0, utc), 1, time.Date(2026, 3, 9, 14, 0, 0, 0, utc)},

		// A Friday and Saturday weekend.
		{"Thursday plus 1 is Sunday", fridaySaturday, time.Date(2026, 3, 5, 14, 0, 0, 0, riyadh), 1, time.Date(2026, 3, 8, 14, 0, 0, 0, riyadh)},
		{"Friday plus 1 is the end of Sunday", fridaySaturday, time.Date(2026, 3, 6, 10, 0, 0, 0, riyadh), 1, time.Date(2026, 3, 9, 0, 0, 0, 0, riyadh)},
		{"Sunday plus 5 is Sunday", fridaySaturday, time.Date(2026, 3, 8, 9, 0, 0, 0, riyadh), 5, time.Date(2026, 3, 15, 9, 0, 0, 0, riyadh)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.cal.AddWorkingDays(tt.start, tt.n)
			if !got.Equal(tt.want) {
				t.Errorf("AddWorkingDays(%v, %d) = %v, want %v", tt.start, tt.n, got, tt.want.In(tt.cal.location()))
			}
			if got.Location() != tt.cal.location() {
				t.Errorf("AddWorkingDays(%v, %d) is in %v, want %v", tt.start, tt.n, got.Location(), tt.cal.location())
			}
		})
	}
}

func TestWorkingDaysBetween(t *testing.T) {
	utc := time.UTC
	day := func(d, h, m int) time.Time { return time.Date(2026, 3, d, h, m, 0, 0, utc) }
	tests := []struct {
		name string
		a, b time.Time
		want int
	}{
		{"same instant", day(9, 16, 0), day(9, 16, 0), 0},
		{"same day, later", day(9, 16, 0), day(9, 17, 0), 0},
		{"next day, same time", day(9, 16, 0), day(10, 16, 0), 1},
		{"next day, a minute early", day(9, 16, 0), day(10, 15, 59), 0},
		{"a day and a half", day(9, 16, 0), day(11, 10, 0), 1},
		{"over the weekend, a minute early", day(6, 16, 0), day(9, 15, 59), 0},
		{"over the weekend", day(6, 16, 0), day(9, 16, 0), 1},
		{"two weeks", day(9, 16, 0), day(23, 16, 0), 10},
		{"b before a", day(11, 10, 0), day(9, 16, 0), -1},
		{"from Saturday, within Saturday", day(7, 11, 0), day(7, 12, 0), 0},
		{"from Saturday to the end of Monday", day(7, 11, 0), day(10, 0, 0), 1},
		{"from Saturday to Monday noon", day(7, 11, 0), day(9, 12, 0), 0},
		{"into a weekend", day(5, 9, 0), day(8, 23, 0), 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Default.WorkingDaysBetween(tt.a, tt.b); got != tt.want {
				t.Errorf("WorkingDaysBetween(%v, %v) = %d, want %d", tt.a, tt.b, got, tt.want)
			}
		})
	}
}

// TestWorkingDaysBetweenInvertsAddWorkingDays checks the promise in the
// package documentation on calendars with holidays, odd weekends and
// daylight-saving changes.
func TestWorkingDaysBetweenInvertsAddWorkingDays(t *testing.T) {
	paris := mustLoad(t, "Europe/Paris")
	newYork := mustLoad(t, "America/New_York")
	cals := map[string]Calendar{
		"default": Default,
		"Paris with holidays": {
			Location: paris,
			Weekend:  []time.Weekday{time.Saturday, time.Sunday},
			Holidays: []Date{{2026, 4, 6}, {2026, 5, 1}, {2026, 12, 25}},
		},
		"Paris every day": {Location: paris},
		"New York Friday and Saturday": {
			Location: newYork,
			Weekend:  []time.Weekday{time.Friday, time.Saturday},
			Holidays: []Date{{2026, 11, 26}},
		},
	}
	starts := []time.Time{
		time.Date(2026, 3, 27, 10, 0, 0, 0, paris),
		time.Date(2026, 3, 28, 2, 30, 0, 0, paris),
		time.Date(2026, 10, 24, 2, 30, 0, 0, paris),
		time.Date(2026, 10, 31, 1, 30, 0, 0, newYork),
		time.Date(2026, 3, 7, 2, 30, 0, 0, newYork),
		time.Date(2026, 12, 24, 23, 59, 59, 0, time.UTC),
		time.Date(2026, 4, 3, 18, 0, 0, 0, time.UTC),
	}
	for name, cal := range cals {
		for _, start := range starts {
			for n := 0; n <= 70; n++ {
				deadline := cal.AddWorkingDays(start, n)
				if got := cal.WorkingDaysBetween(start, deadline); got != n {
					t.Errorf("%s: WorkingDaysBetween(%v, AddWorkingDays(_, %d) = %v) = %d, want %d", name, start, n, deadline, got, n)
				}
				if n == 0 {
					continue
				}
				if got := cal.WorkingDaysBetween(start, deadline.Add(-time.Nanosecond)); got != n-1 {
					t.Errorf("%s: WorkingDaysBetween(%v, %v) = %d, want %d", name, start, deadline.Add(-time.Nanosecond), got, n-1)
				}
				if !cal.IsWorkingDay(DateOf(deadline.In(cal.location()))) {
					t.Errorf("%s: AddWorkingDays(%v, %d) = %v, not a working day", name, start, n, deadline)
				}
			}
		}
	}
}

func TestIsWorkingDay(t *testing.T) {
	cal := Calendar{
		Weekend:  []time.Weekday{time.Friday, time.Saturday},
		Holidays: []Date{{2026, 12, 25}, {2026, 12, 31}},
	}
	tests := []struct {
		d    Date
		want bool
	}{
		{Date{2026, 12, 24}, true},  // Thursday
		{Date{2026, 12, 25}, false}, // Friday, and a holiday
		{Date{2026, 12, 26}, false}, // Saturday
		{Date{2026, 12, 27}, true},  // Sunday
		{Date{2026, 12, 31}, false}, // Thursday, a holiday
		{Date{2027, 1, 3}, true},    // Sunday
	}
	for _, tt := range tests {
		if got := cal.IsWorkingDay(tt.d); got != tt.want {
			t.Errorf("IsWorkingDay(%v) = %v, want %v", tt.d, got, tt.want)
		}
	}
	if !Default.IsWorkingDay(Date{2026, 12, 25}) {
		t.Errorf("Default.IsWorkingDay(2026-12-25) = false, want true: Default has no holidays")
	}
}

func TestValidate(t *testing.T) {
	all := []time.Weekday{time.Sunday, time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday}
	tests := []struct {
		name string
		cal  Calendar
		want string // substring of the error; "" for none
	}{
		{"Default", Default, ""},
		{"zero", Calendar{}, ""},
		{"six-day weekend", Calendar{Weekend: all[1:]}, ""},
		{"duplicate weekend days", Calendar{Weekend: []time.Weekday{time.Sunday, time.Sunday}}, ""},
		{"duplicate holidays", Calendar{Holidays: []Date{{2026, 12, 25}, {2026, 12, 25}}}, ""},
		{"all seven days", Calendar{Weekend: all}, "all seven days"},
		{"all seven with repeats", Calendar{Weekend: append(all, time.Monday)}, "all seven days"},
		{"weekday out of range", Calendar{Weekend: []time.Weekday{7}}, "weekend day 7"},
		{"February 30", Calendar{Holidays: []Date{{2026, 2, 30}}}, "holiday 2026-02-30"},
		{"zero date", Calendar{Holidays: []Date{{}}}, "holiday 0000-00-00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cal.Validate()
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("Validate() = %v, want nil", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("Validate() = %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

func TestInvalidCalendarPanics(t *testing.T) {
	cal := Calendar{Weekend: []time.Weekday{0, 1, 2, 3, 4, 5, 6}}
	defer func() {
		if recover() == nil {
			t.Errorf("AddWorkingDays on a seven-day weekend did not panic")
		}
	}()
	cal.AddWorkingDays(time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC), 1)
}

func TestParseCalendar(t *testing.T) {
	tests := []struct {
		name     string
		tz       string
		weekend  []string
		holidays []string
		wantTZ   string
		wantWE   []time.Weekday
		wantHol  []Date
		wantErr  string // substring of the error; "" for none
	}{
		{
			name: "Paris", tz: "Europe/Paris",
			weekend:  []string{"Saturday", "sun"},
			holidays: []string{"2026-12-25", " 2027-01-01 ", ""},
			wantTZ:   "Europe/Paris",
			wantWE:   []time.Weekday{time.Saturday, time.Sunday},
			wantHol:  []Date{{2026, 12, 25}, {2027, 1, 1}},
		},
		{name: "empty", wantTZ: "UTC"},
		{name: "UTC", tz: "UTC", weekend: []string{"FRIDAY", " sat "}, wantTZ: "UTC", wantWE: []time.Weekday{time.Friday, time.Saturday}},
		{name: "duplicate holidays", tz: "Asia/Tokyo", holidays: []string{"2026-01-01", "2026-01-01"}, wantTZ: "Asia/Tokyo", wantHol: []Date{{2026, 1, 1}, {2026, 1, 1}}},
		{name: "bad time zone", tz: "Europe/Pariss", wantErr: `unknown time zone "Europe/Pariss"`},
		{name: "Local time zone", tz: "Local", wantErr: `time zone "Local" depends on the server`},
		{name: "path in time zone", tz: "../../etc/passwd", wantErr: `unknown time zone "../../etc/passwd"`},
		{name: "bad weekday", weekend: []string{"Saturday", "Sundy"}, wantErr: `unknown weekday "Sundy"`},
		{name: "bad holiday", holidays: []string{"2026-12-25", "2026-02-30"}, wantErr: `holiday "2026-02-30" is not a date`},
		{name: "holiday in another format", holidays: []string{"25/12/2026"}, wantErr: `"25/12/2026"`},
		{name: "all seven days", weekend: []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}, wantErr: "all seven days"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseCalendar(tt.tz, tt.weekend, tt.holidays)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("ParseCalendar(%q, %q, %q) error = %v, want it to contain %q", tt.tz, tt.weekend, tt.holidays, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseCalendar(%q, %q, %q) = %v", tt.tz, tt.weekend, tt.holidays, err)
			}
			if got.Location.String() != tt.wantTZ {
				t.Errorf("Location = %v, want %v", got.Location, tt.wantTZ)
			}
			if !slices.Equal(got.Weekend, tt.wantWE) {
				t.Errorf("Weekend = %v, want %v", got.Weekend, tt.wantWE)
			}
			if !slices.Equal(got.Holidays, tt.wantHol) {
				t.Errorf("Holidays = %v, want %v", got.Holidays, tt.wantHol)
			}
		})
	}
}
