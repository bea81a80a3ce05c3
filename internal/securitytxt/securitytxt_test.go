package securitytxt

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // tests must not depend on the machine's zone database

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

var now = time.Date(2026, 12, 1, 15, 4, 5, 0, time.UTC)

// jupyter is the file the demo instance serves for Jupyter's program.
func jupyter() File {
	return File{
		Contact:            []string{"mailto:security@jupyter.test", "https://haven.example/programs/jupyter/reports/new"},
		Expires:            ExpiresAt(now),
		Encryption:         []string{"https://haven.example/programs/jupyter/pgp-key.txt"},
		Acknowledgments:    []string{"https://haven.example/programs/jupyter/thanks"},
		PreferredLanguages: []string{"en", "fr"},
		Canonical:          []string{"https://haven.example/.well-known/security.txt"},
		Policy:             []string{"https://haven.example/programs/jupyter"},
		Hiring:             []string{"https://jupyter.org/jobs"},
	}
}

func TestGolden(t *testing.T) {
	tests := []struct {
		name string
		file File
	}{
		{"jupyter", jupyter()},
		{"minimal", File{Contact: []string{"mailto:security@example.org"}, Expires: ExpiresAt(now)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.file.ValidateAt(now); err != nil {
				t.Fatalf("ValidateAt: %v", err)
			}
			got := tt.file.String()
			path := filepath.Join("testdata", tt.name+".txt")
			if *update {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(string(want), got); diff != "" {
				t.Errorf("String() mismatch (-want +got), run go test -update to accept:\n%s", diff)
			}
		})
	}
}

func TestExpiresAt(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		now  time.Time
		want time.Time
	}{
		{time.Date(2026, 12, 1, 15, 4, 5, 0, time.UTC), time.Date(2027, 5, 30, 0, 0, 0, 0, time.UTC)},
		{time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), time.Date(2027, 5, 30, 0, 0, 0, 0, time.UTC)},
		{time.Date(2026, 12, 1, 23, 59, 59, 999, time.UTC), time.Date(2027, 5, 30, 0, 0, 0, 0, time.UTC)},
		// 00:30 in Paris is still the previous day in UTC.
		{time.Date(2026, 12, 2, 0, 30, 0, 0, paris), time.Date(2027, 5, 30, 0, 0, 0, 0, time.UTC)},
		{time.Date(2028, 2, 29, 12, 0, 0, 0, time.UTC), time.Date(2028, 8, 27, 0, 0, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		got := ExpiresAt(tt.now)
		if !got.Equal(tt.want) || got.Location() != time.UTC {
			t.Errorf("ExpiresAt(%v) = %v, want %v", tt.now, got, tt.want)
		}
		if ahead := got.Sub(tt.now); ahead < 179*24*time.Hour || ahead > 180*24*time.Hour {
			t.Errorf("ExpiresAt(%v) is %v ahead, want 179 to 180 days", tt.now, ahead)
		}
		f := File{Contact: []string{"mailto:a@example.org"}, Expires: got}
		if err := f.ValidateAt(tt.now); err != nil {
			t.Errorf("ValidateAt(%v) of ExpiresAt(%v) = %v", tt.now, tt.now, err)
		}
	}
}

func TestValidate(t *testing.T) {
	with := func(edit func(*File)) File {
		f := jupyter()
		edit(&f)
		return f
	}
	tests := []struct {
		name string
		file File
		want []string // substrings of the error, nil for none
	}{
		{"jupyter", jupyter(), nil},
		{"tel contact", with(func(f *File) { f.Contact = []string{"tel:+1-201-555-0123"} }), nil},
		{"upper-case scheme", with(func(f *File) { f.Contact = []string{"MAILTO:security@jupyter.test"} }), nil},
		{"openpgp4fpr encryption", with(func(f *File) { f.Encryption = []string{"openpgp4fpr:5f2de5521c63a801ab59ccb603d49de44b29100f"} }), nil},
		{"dns encryption", with(func(f *File) {
			f.Encryption = []string{"dns:5d2d37ab76d47d36._openpgpkey.example.com?type=OPENPGPKEY"}
		}), nil},
		{"language subtags", with(func(f *File) { f.PreferredLanguages = []string{"pt-BR", "zh-Hant"} }), nil},

		{"no contact", with(func(f *File) { f.Contact = nil }), []string{"at least one Contact"}},
		{"http contact", with(func(f *File) { f.Contact = []string{"http://jupyter.test/security"} }),
			[]string{`Contact "http://jupyter.test/security" must start with mailto:, https:// or tel:`}},
		{"bare e-mail", with(func(f *File) { f.Contact = []string{"security@jupyter.test"} }), []string{`Contact "security@jupyter.test" is not a URI`}},
		{"mailto without address", with(func(f *File) { f.Contact = []string{"mailto:security"} }), []string{"is not an e-mail address"}},
		{"https without host", with(func(f *File) { f.Contact = []string{"https:/report"} }), []string{"has no host"}},
		{"tel without number", with(func(f *File) { f.Contact = []string{"tel:"} }), []string{"has no telephone number"}},
		{"space in URI", with(func(f *File) { f.Policy = []string{"https://haven.example/a policy"} }), []string{`Policy "https://haven.example/a policy" contains a space`}},
		{"empty value", with(func(f *File) { f.Hiring = []string{" "} }), []string{"Hiring is empty"}},
		{"no expires", with(func(f *File) { f.Expires = time.Time{} }), []string{"Expires is required"}},
		{"expired", with(func(f *File) { f.Expires = now.Add(-time.Second) }), []string{"Expires 2026-12-01T15:04:04Z is not in the future"}},
		{"expires now", with(func(f *File) { f.Expires = now }), []string{"is not in the future"}},
		{"expires in two years", with(func(f *File) { f.Expires = now.AddDate(2, 0, 0) }), []string{"more than a year ahead"}},
		{"http encryption", with(func(f *File) { f.Encryption = []string{"http://haven.example/key.txt"} }),
			[]string{"Encryption", "must start with https://, openpgp4fpr: or dns:"}},
		{"http web fields", with(func(f *File) {
			f.Acknowledgments = []string{"http://a.example"}
			f.Canonical = []string{"http://b.example"}
			f.Policy = []string{"ftp://c.example"}
			f.Hiring = []string{"mailto:jobs@d.example"}
		}), []string{
			`Acknowledgments "http://a.example" must start with https://`,
			`Canonical "http://b.example" must start with https://`,
			`Policy "ftp://c.example" must start with https://`,
			`Hiring "mailto:jobs@d.example" must start with https://`,
		}},
		{"bad language", with(func(f *File) { f.PreferredLanguages = []string{"en, fr"} }), []string{`"en, fr" is not a language tag`}},

		// Line injection: a value must not be able to add a field.
		{"LF in contact", with(func(f *File) { f.Contact = []string{"mailto:a@example.org\nPolicy: https://evil.example"} }),
			[]string{`Contact "mailto:a@example.org\nPolicy: https://evil.example" contains a line break`}},
		{"CR in policy", with(func(f *File) { f.Policy = []string{"https://haven.example/\rHiring: https://evil.example"} }), []string{"Policy", "line break"}},
		{"CRLF in language", with(func(f *File) { f.PreferredLanguages = []string{"en\r\nContact: mailto:x@evil.example"} }), []string{"Preferred-Languages", "line break"}},
		{"NUL", with(func(f *File) { f.Canonical = []string{"https://haven.example/\x00"} }), []string{"Canonical", "control character"}},
		{"line separator", with(func(f *File) { f.Hiring = []string{"https://haven.example/\u2028Contact: x"} }), []string{"Hiring", "line break"}},

		{"several problems at once", File{Contact: []string{"ftp://x"}}, []string{"Contact", "Expires is required"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.file.ValidateAt(now)
			if tt.want == nil {
				if err != nil {
					t.Errorf("ValidateAt() = %v, want nil", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("ValidateAt() = nil, want an error containing %q", tt.want)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("ValidateAt() = %v, want it to contain %q", err, w)
				}
			}
		})
	}
}

func TestValidateUsesTheClock(t *testing.T) {
	f := jupyter()
	f.Expires = time.Now().Add(time.Hour)
	if err := f.Validate(); err != nil {
		t.Errorf("Validate() = %v, want nil for Expires an hour ahead", err)
	}
	f.Expires = time.Now().Add(-time.Hour)
	if err := f.Validate(); err == nil {
		t.Errorf("Validate() = nil, want an error for Expires an hour ago")
	}
}

func TestRoundTrip(t *testing.T) {
	for _, f := range []File{
		jupyter(),
		{Contact: []string{"mailto:security@example.org"}, Expires: ExpiresAt(now)},
		{Contact: []string{"tel:+1-201-555-0123", "mailto:a@example.org", "https://example.org/report"}, Expires: ExpiresAt(now), PreferredLanguages: []string{"de"}},
	} {
		got, err := Parse(f.String())
		if err != nil {
			t.Fatalf("Parse(String()) = %v", err)
		}
		if diff := cmp.Diff(f, got); diff != "" {
			t.Errorf("Parse(String()) mismatch (-want +got):\n%s", diff)
		}
	}
}

// TestStringCannotInject checks that even a File that Validate would
// refuse renders each value on a single line.
func TestStringCannotInject(t *testing.T) {
	f := File{
		Contact:            []string{"mailto:a@example.org\nPolicy: https://evil.example", "mailto:b@example.org\r\nHiring: https://evil.example"},
		Expires:            ExpiresAt(now),
		PreferredLanguages: []string{"en\nContact: mailto:x@evil.example"},
		Canonical:          []string{"https://haven.example/\u2028Encryption: https://evil.example"},
	}
	out := f.String()
	got, err := Parse(out)
	if err != nil {
		t.Fatalf("Parse(String()) = %v", err)
	}
	if len(got.Contact) != 2 || len(got.Policy) != 0 || len(got.Hiring) != 0 || len(got.Encryption) != 0 || len(got.Canonical) != 1 {
		t.Errorf("String() let a value add a field:\n%s", out)
	}
	if n := strings.Count(out, "\n"); n != 6 { // comment, 2 Contact, Expires, Preferred-Languages, Canonical
		t.Errorf("String() wrote %d lines, want 6:\n%s", n, out)
	}
	if strings.ContainsAny(out, "\r\u2028") {
		t.Errorf("String() wrote a CR or a line separator:\n%q", out)
	}
}

func TestParse(t *testing.T) {
	expires := time.Date(2027, 6, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		in   string
		want File
	}{
		{
			name: "CRLF, comments, case, unknown fields",
			in: "# Our security address\r\n\r\ncontact: mailto:security@example.org\r\n" +
				"CONTACT:https://example.org/report \r\nExpires: 2027-06-01T00:00:00Z\r\n" +
				"X-Unknown: whatever\r\nPreferred-Languages: en,  fr ,de\r\n   # indented comment\r\n",
			want: File{
				Contact:            []string{"mailto:security@example.org", "https://example.org/report"},
				Expires:            expires,
				PreferredLanguages: []string{"en", "fr", "de"},
			},
		},
		{
			name: "offset time and British spelling",
			in:   "Contact: mailto:a@example.org\nExpires: 2027-06-01T02:00:00+02:00\nAcknowledgements: https://example.org/thanks\n",
			want: File{
				Contact:         []string{"mailto:a@example.org"},
				Expires:         expires,
				Acknowledgments: []string{"https://example.org/thanks"},
			},
		},
		{
			name: "signed",
			in: "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\n" +
				"Contact: mailto:security@example.org\n- Expires: 2027-06-01T00:00:00Z\n" +
				"-----BEGIN PGP SIGNATURE-----\n\niQIzBAEBCgAdFiEE\n=abcd\n-----END PGP SIGNATURE-----\n",
			want: File{Contact: []string{"mailto:security@example.org"}, Expires: expires},
		},
		{name: "empty", in: "", want: File{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(tt.in)
			if err != nil {
				t.Fatalf("Parse() = %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Parse() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"not a field", "Contact: mailto:a@example.org\njust some text\n", `line 2: "just some text" is not a field`},
		{"space in name", "Contact me: mailto:a@example.org\n", "line 1"},
		{"bad expires", "Expires: next year\n", `line 1: Expires "next year" is not an RFC 3339 time`},
		{"date only expires", "Expires: 2027-06-01\n", `Expires "2027-06-01"`},
		{"two expires", "Expires: 2027-06-01T00:00:00Z\nExpires: 2027-07-01T00:00:00Z\n", "line 2: Expires appears more than once"},
		{"two language fields", "Preferred-Languages: en\nPreferred-Languages: fr\n", "line 2: Preferred-Languages appears more than once"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(tt.in)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Parse(%q) = %v, want an error containing %q", tt.in, err, tt.want)
			}
		})
	}
}
