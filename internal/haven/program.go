package haven

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"time"
)

// ProgramStatus is where a program is in its life.
type ProgramStatus string

// Program statuses. Only published programs accept reports; drafts are
// seen only by their team and admins.
const (
	StatusDraft     ProgramStatus = "draft"
	StatusPublished ProgramStatus = "published"
	StatusSuspended ProgramStatus = "suspended"
	StatusClosed    ProgramStatus = "closed"
)

// ProgramStatuses lists the statuses.
var ProgramStatuses = []ProgramStatus{StatusDraft, StatusPublished, StatusSuspended, StatusClosed}

// Public reports whether anyone may see a program with this status.
func (s ProgramStatus) Public() bool {
	return s == StatusPublished || s == StatusSuspended || s == StatusClosed
}

// ProgramKind says whether a program pays.
type ProgramKind string

// Program kinds.
const (
	KindVDP    ProgramKind = "vdp"    // vulnerability disclosure, no money
	KindBounty ProgramKind = "bounty" // bug bounty
)

// Program is one organisation's invitation to report.
type Program struct {
	ID           int64
	Slug         string
	Name         string
	Organisation string
	Status       ProgramStatus
	Kind         ProgramKind
	Currency     string // ISO 4217
	// Policy texts, Markdown. A change to any of them (or to the
	// out-of-scope list) makes a new PolicyVersion.
	Policy        string // the program's policy and scope notes
	Rules         string // rules of engagement, accepted before submitting
	SafeHarbour   string
	Guidelines    string // reporting guidelines
	PolicyVersion int
	ContactEmail  string
	PGPKey        string // armored public key, or ""
	PGPFinger     string // its fingerprint
	Links         []Link
	Bands         []SeverityBand
	// ValidationDays maps a severity name to the working days allowed to
	// validate a report of that severity.
	ValidationDays map[string]int
	Calendar       Calendar
	RetestBonus    int64 // minor units of Currency
	NeedsInfoDays  int   // a needs_info report without answer closes after this many days
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// Link is a named link a program shows (security documentation, forum).
type Link struct {
	Label string `json:"label"`
	URL   string `json:"url"`
}

// Calendar is a program's working-day calendar, as configured.
type Calendar struct {
	TimeZone string   `json:"time_zone"` // IANA name, such as Europe/Paris
	Weekend  []string `json:"weekend"`   // day names, such as ["saturday", "sunday"]
	Holidays []string `json:"holidays"`  // dates, YYYY-MM-DD
}

// DefaultCalendar is Saturday and Sunday off, in UTC.
func DefaultCalendar() Calendar {
	return Calendar{TimeZone: "UTC", Weekend: []string{"saturday", "sunday"}}
}

// SeverityBand maps a CVSS base score range to a severity name.
type SeverityBand struct {
	Name string  `json:"name"`
	Min  float64 `json:"min"`
	Max  float64 `json:"max"`
}

// DefaultBands are Haven's (and Jupyter's) bands.
func DefaultBands() []SeverityBand {
	return []SeverityBand{
		{"Low", 0.1, 3.9}, {"Medium", 4.0, 6.9}, {"High", 7.0, 8.9},
		{"Critical", 9.0, 9.4}, {"Exceptional", 9.5, 10.0},
	}
}

// CVSSBands are the plain CVSS qualitative ratings.
func CVSSBands() []SeverityBand {
	return []SeverityBand{
		{"None", 0.0, 0.0}, {"Low", 0.1, 3.9}, {"Medium", 4.0, 6.9},
		{"High", 7.0, 8.9}, {"Critical", 9.0, 10.0},
	}
}

// DefaultValidationDays are Jupyter's validation times.
func DefaultValidationDays() map[string]int {
	return map[string]int{"Exceptional": 5, "Critical": 10, "High": 15, "Medium": 30, "Low": 60}
}

// ValidateBands checks that bands have distinct non-empty names, lie in
// 0.0–10.0 with one decimal, and neither overlap nor leave a gap between
// neighbours. It returns a message naming the offending band.
func ValidateBands(bands []SeverityBand) error {
	if len(bands) == 0 {
		return fmt.Errorf("define at least one band")
	}
	bs := append([]SeverityBand(nil), bands...)
	sort.Slice(bs, func(i, j int) bool { return bs[i].Min < bs[j].Min })
	seen := map[string]bool{}
	for i, b := range bs {
		name := strings.TrimSpace(b.Name)
		if name == "" || len(name) > 40 {
			return fmt.Errorf("every band needs a name of at most 40 characters")
		}
		if seen[strings.ToLower(name)] {
			return fmt.Errorf("band %q appears twice", name)
		}
		seen[strings.ToLower(name)] = true
		if b.Min < 0 || b.Max > 10 || b.Min > b.Max {
			return fmt.Errorf("band %q: its range %.1f–%.1f must lie within 0.0–10.0 with min ≤ max", name, b.Min, b.Max)
		}
		if !oneDecimal(b.Min) || !oneDecimal(b.Max) {
			return fmt.Errorf("band %q: use scores with one decimal, such as 7.0", name)
		}
		if i > 0 {
			prev := bs[i-1]
			switch {
			case b.Min <= prev.Max:
				return fmt.Errorf("bands %q and %q overlap", prev.Name, name)
			case math.Round((b.Min-prev.Max)*10) > 1:
				return fmt.Errorf("scores between %q and %q (%.1f–%.1f) fall in no band", prev.Name, name, prev.Max+0.1, b.Min-0.1)
			}
		}
	}
	// Every score a CVSS vector can have (0.1–10.0) needs a band, or a
	// report would have no severity, deadline or reward.
	if first := bs[0]; math.Round(first.Min*10) > 1 {
		return fmt.Errorf("scores 0.1–%.1f fall in no band", first.Min-0.1)
	}
	if last := bs[len(bs)-1]; math.Round(last.Max*10) < 100 {
		return fmt.Errorf("scores %.1f–10.0 fall in no band", last.Max+0.1)
	}
	return nil
}

func oneDecimal(f float64) bool { return math.Abs(f*10-math.Round(f*10)) < 1e-9 }

// Severity returns the name of the band that holds score, or "" when
// none does.
func Severity(bands []SeverityBand, score float64) string {
	s := math.Round(score*10) / 10
	for _, b := range bands {
		if s >= b.Min-1e-9 && s <= b.Max+1e-9 {
			return b.Name
		}
	}
	return ""
}

// AssetType is the kind of thing an asset is.
type AssetType string

// Asset types.
var AssetTypes = []AssetType{"package", "repository", "web", "api", "mobile", "other"}

// Asset is a scope item: a thing that may (or may not) be tested.
type Asset struct {
	ID             int64
	ProgramID      int64
	Name           string
	Type           AssetType
	Identifier     string // package name, repository URL, host...
	Tier           int
	InScope        bool
	BountyEligible bool
	MaxSeverity    string // a band name, or "" for no cap
	Description    string // Markdown
	Instructions   string // Markdown
	Position       int
}

// Reward is the amount (Min == Max) or range a program pays for a tier and
// severity, in minor units of its currency.
type Reward struct {
	Tier     int
	Severity string
	Min, Max int64
}

// OutOfScopeClass is a finding type a program does not accept. Its id is
// stable, so a closed report can cite it.
type OutOfScopeClass struct {
	ID       int64
	Text     string
	Position int
}

// ProgramUpdate is a note the program publishes to researchers.
type ProgramUpdate struct {
	ID          int64
	ProgramID   int64
	Title       string
	Body        string // Markdown
	AuthorID    int64
	CreatedAt   time.Time
	PublishedAt *time.Time
}

// Activity is one public event of a program's feed. Its text never names
// a report's title or reporter unless the report is disclosed.
type Activity struct {
	ID        int64
	ProgramID int64
	Type      string // program_update, program_suspended, report_created...
	Text      string // "published a program update"
	At        time.Time
}

// Member is a program's team member.
type Member struct {
	User      *User
	Role      Role
	CreatedAt time.Time
}

// Invitation asks someone, by e-mail, to join a program's team.
type Invitation struct {
	ID        int64
	ProgramID int64
	Email     string
	Role      Role
	InvitedBy int64
	CreatedAt time.Time
	ExpiresAt time.Time
}

// Feedback is an anonymous message to a program's owners.
type Feedback struct {
	ID        int64
	ProgramID int64
	Body      string
	CreatedAt time.Time
}

// CannedResponse is a prepared answer a program's team can post.
type CannedResponse struct {
	ID        int64
	ProgramID int64
	Title     string
	Body      string // Markdown
}

// PolicyVersion is a snapshot of a program's rules as researchers accepted
// them.
type PolicyVersion struct {
	ProgramID   int64
	Version     int
	Policy      string
	Rules       string
	SafeHarbour string
	Guidelines  string
	OutOfScope  []string
	CreatedAt   time.Time
	AuthorID    int64
}
