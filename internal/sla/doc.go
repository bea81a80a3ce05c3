// Package sla owns the working-day calendar behind a program's validation
// deadlines (PRODUCT.md, "Validation SLA"): Jupyter promises to validate an
// Exceptional report within 5 working days, a Low one within 60, counted on
// a calendar that skips the weekend and the program's holidays.
//
// A Calendar is a time zone, the weekdays of its weekend and a list of
// holiday dates (Date, a civil date with no time zone). Default is Saturday
// and Sunday in UTC with no holidays. ParseCalendar builds one from the
// strings of a settings form and names the value it cannot read.
//
// The deadline rule, used by AddWorkingDays:
//
//   - The clock starts when the report arrives, read in the calendar's
//     time zone. A report that arrives on a non-working day (weekend or
//     holiday) starts the clock at 00:00 on the next working day.
//   - The deadline for n working days is the same local clock time on the
//     n-th working day after the day the clock started. A report from
//     Friday 16:00 with 1 working day is due Monday 16:00; one from
//     Saturday 11:00 is due Tuesday 00:00, that is at the end of Monday.
//     Either way the program gets n whole working days.
//   - Days are counted on the calendar, not as 24-hour periods, so a span
//     across a daylight-saving change keeps its local clock time (Friday
//     10:00 CET plus 1 working day is Monday 10:00 CEST, 71 hours later).
//   - On the two days a year when a clock reading is skipped or repeated,
//     the deadline is the first instant at which the local clock reads
//     that time or later: 02:30 on the spring-forward day in Paris becomes
//     03:00 CEST, and 02:30 on the fall-back day is the first 02:30 (CEST).
//
// WorkingDaysBetween is the inverse, for "overdue by N working days": the
// number of whole working days from a to b, that is the largest k such that
// AddWorkingDays(a, k) is not after b.
//
// Zone names are resolved with time.LoadLocation, so the binary needs the
// IANA database: the system's, or time/tzdata imported by the command.
//
// Package sla imports only the standard library. It is a leaf: it must not
// import any other Haven package, it does no I/O beyond time.LoadLocation,
// and it never reads the current time: callers pass the instants in.
package sla
