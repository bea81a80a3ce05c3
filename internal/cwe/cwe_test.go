package cwe

import (
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/google/go-cmp/cmp"
)

const xssName = "Improper Neutralization of Input During Web Page Generation ('Cross-site Scripting')"

func TestParse(t *testing.T) {
	xss := Weakness{ID: 79, Name: xssName}
	tests := []struct {
		in      string
		want    Weakness
		wantErr string
	}{
		{in: "CWE-79", want: xss},
		{in: "cwe-79", want: xss},
		{in: "Cwe-79", want: xss},
		{in: "79", want: xss},
		{in: " CWE 79 ", want: xss},
		{in: "CWE79", want: xss},
		{in: "CWE - 79", want: xss},
		{in: "\tCWE-079\n", want: xss},
		{in: "CWE-79: " + xssName, want: xss},
		{in: "cwe-79: " + strings.ToUpper(xssName), want: xss},
		{in: "CWE-79:", want: xss},
		{in: "CWE-5: J2EE Misconfiguration: Data Transmission Without Encryption", want: Weakness{ID: 5, Name: "J2EE Misconfiguration: Data Transmission Without Encryption"}},
		{in: "CWE-1333", want: Weakness{ID: 1333, Name: "Inefficient Regular Expression Complexity"}},
		{in: "CWE-99999", wantErr: `"CWE-99999" is not in Haven's CWE list`},
		{in: "99999", wantErr: `"CWE-99999" is not in Haven's CWE list`},
		{in: "CWE-0", wantErr: `"CWE-0" is not in Haven's CWE list`},
		{in: "CWE-00", wantErr: `"CWE-0" is not in Haven's CWE list`},
		{in: "CWE-1234567890123456789012", wantErr: `"CWE-1234567890123456789012" is not in Haven's CWE list`},
		{in: "CWE-71", wantErr: `"CWE-71" is not in Haven's CWE list`},     // deprecated
		{in: "CWE-1000", wantErr: `"CWE-1000" is not in Haven's CWE list`}, // a view
		{in: "CWE-16", wantErr: `"CWE-16" is not in Haven's CWE list`},     // a category
		{in: "XSS", wantErr: `"XSS" is not a CWE id such as CWE-79`},
		{in: " XSS ", wantErr: `"XSS" is not a CWE id such as CWE-79`},
		{in: "", wantErr: `"" is not a CWE id such as CWE-79`},
		{in: "CWE", wantErr: `"CWE" is not a CWE id such as CWE-79`},
		{in: "CWE-", wantErr: `"CWE-" is not a CWE id such as CWE-79`},
		{in: "-79", wantErr: `"-79" is not a CWE id such as CWE-79`},
		{in: "+79", wantErr: `"+79" is not a CWE id such as CWE-79`},
		{in: "CWE--79", wantErr: `"CWE--79" is not a CWE id such as CWE-79`},
		{in: "CWE-79a", wantErr: `"CWE-79a" is not a CWE id such as CWE-79`},
		{in: "CWE-7 9", wantErr: `"CWE-7 9" is not a CWE id such as CWE-79`},
		{in: "CVE-2024-1234", wantErr: `"CVE-2024-1234" is not a CWE id such as CWE-79`},
		{in: "CWE-79: SQL Injection", wantErr: `"CWE-79: SQL Injection" does not match Haven's CWE list, where CWE-79 is "` + xssName + `"`},
	}
	for _, tt := range tests {
		got, err := Parse(tt.in)
		if tt.wantErr != "" {
			if err == nil || err.Error() != tt.wantErr {
				t.Errorf("Parse(%q) = %v, %v; want error %q", tt.in, got, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("Parse(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
}

func TestParseString(t *testing.T) {
	for _, w := range All() {
		for _, s := range []string{w.String(), w.Code()} {
			got, err := Parse(s)
			if err != nil || got != w {
				t.Errorf("Parse(%q) = %v, %v; want %v", s, got, err, w)
			}
		}
	}
}

func TestLookup(t *testing.T) {
	tests := []struct {
		id     int
		want   Weakness
		wantOK bool
	}{
		{id: 79, want: Weakness{ID: 79, Name: xssName}, wantOK: true},
		{id: 1004, want: Weakness{ID: 1004, Name: "Sensitive Cookie Without 'HttpOnly' Flag"}, wantOK: true},
		{id: 40, want: Weakness{ID: 40, Name: `Path Traversal: '\\UNC\share\name\' (Windows UNC Share)`}, wantOK: true},
		{id: 280, want: Weakness{ID: 280, Name: "Improper Handling of Insufficient Permissions or Privileges"}, wantOK: true},
		{id: 0},
		{id: -79},
		{id: 1000},  // a view
		{id: 1345},  // a category
		{id: 92},    // deprecated
		{id: 1427},  // newer than the shipped list
		{id: 99999}, // never assigned
	}
	for _, tt := range tests {
		got, ok := Lookup(tt.id)
		if got != tt.want || ok != tt.wantOK {
			t.Errorf("Lookup(%d) = %v, %v; want %v, %v", tt.id, got, ok, tt.want, tt.wantOK)
		}
	}
}

func TestCodeAndString(t *testing.T) {
	w, _ := Lookup(79)
	if got, want := w.Code(), "CWE-79"; got != want {
		t.Errorf("Code() = %q, want %q", got, want)
	}
	if got, want := w.String(), "CWE-79: "+xssName; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	var zero Weakness
	if zero.Code() != "" || zero.String() != "" {
		t.Errorf("zero Weakness: Code() = %q, String() = %q; want both empty", zero.Code(), zero.String())
	}
}

// TestCommon checks the weaknesses reports name most often, and that the
// names of the best known say what people call them.
func TestCommon(t *testing.T) {
	common := []int{20, 22, 77, 78, 79, 89, 94, 119, 125, 200, 269, 276, 287, 306, 312,
		319, 327, 345, 352, 362, 400, 401, 416, 434, 476, 502, 522, 601, 611, 639, 668,
		732, 770, 787, 798, 862, 863, 918, 1021, 1321, 1333}
	for _, id := range common {
		if _, ok := Lookup(id); !ok {
			t.Errorf("Lookup(%d) not found; want it in the list", id)
		}
	}
	words := map[int][]string{
		79:   {"Cross-site Scripting"},
		89:   {"SQL Injection"},
		352:  {"Cross-Site Request Forgery"},
		22:   {"Path Traversal", "Pathname"},
		918:  {"Server-Side Request Forgery"},
		78:   {"OS Command Injection"},
		416:  {"Use After Free"},
		787:  {"Out-of-bounds Write"},
		1321: {"Prototype Pollution"},
	}
	for id, want := range words {
		w, _ := Lookup(id)
		for _, word := range want {
			if !strings.Contains(w.Name, word) {
				t.Errorf("Lookup(%d).Name = %q, want it to contain %q", id, w.Name, word)
			}
		}
	}
}

func TestAll(t *testing.T) {
	all := All()
	// The list's header says 934; a changed count means a changed file,
	// whose header must say what changed.
	if got, want := len(all), 934; got != want {
		t.Errorf("len(All()) = %d, want %d", got, want)
	}
	seen := make(map[int]bool)
	for i, w := range all {
		if seen[w.ID] {
			t.Errorf("All()[%d]: duplicate id %d", i, w.ID)
		}
		seen[w.ID] = true
		if i > 0 && w.ID <= all[i-1].ID {
			t.Errorf("All()[%d] = %d after %d; want sorted by id", i, w.ID, all[i-1].ID)
		}
		if w.ID <= 0 {
			t.Errorf("All()[%d].ID = %d, want > 0", i, w.ID)
		}
		if w.Name == "" || w.Name != strings.TrimSpace(w.Name) {
			t.Errorf("CWE-%d: name %q is empty or has surrounding space", w.ID, w.Name)
		}
		if strings.HasPrefix(w.Name, "DEPRECATED") {
			t.Errorf("CWE-%d: name %q is a deprecated entry", w.ID, w.Name)
		}
		if strings.ContainsFunc(w.Name, unicode.IsControl) || strings.Contains(w.Name, `\u00`) {
			t.Errorf("CWE-%d: name %q has a control character or an escape", w.ID, w.Name)
		}
		if got, ok := Lookup(w.ID); !ok || got != w {
			t.Errorf("Lookup(%d) = %v, %v; want %v", w.ID, got, ok, w)
		}
	}

	// All returns a copy: changing it must not change the list.
	all[0].Name = "changed"
	if All()[0].Name == "changed" {
		t.Error("changing All()'s result changed the list")
	}
}

func TestHeader(t *testing.T) {
	for _, want := range []string{
		"CWE(TM) is a trademark of The MITRE Corporation; list from CWE version " + Version + ".",
		"cwec_v" + Version + ".xml",
		"https://cwe.mitre.org/about/termsofuse.html",
	} {
		if !strings.Contains(tsv, want) {
			t.Errorf("cwe.tsv header lacks %q", want)
		}
	}
}

func TestParseList(t *testing.T) {
	for _, bad := range []string{
		"79",                    // no tab
		"79\t",                  // no name
		"x\tName",               // no id
		"0\tName",               // id not positive
		"79\tName \n",           // trailing space
		"79\tA\n79\tB\n",        // duplicate
		"89\tA\n79\tB\n",        // not sorted
		"# c\n\n79\tA\n22\tB\n", // not sorted after comments
	} {
		if _, err := parseList(bad); err == nil {
			t.Errorf("parseList(%q): no error, want one", bad)
		}
	}
	l, err := parseList("# comment\n\n22\tA\n79\tB: C\n")
	if err != nil {
		t.Fatalf("parseList: %v", err)
	}
	want := []Weakness{{22, "A"}, {79, "B: C"}}
	if diff := cmp.Diff(want, l.all); diff != "" {
		t.Errorf("parseList: (-want +got)\n%s", diff)
	}
}

func ids(ws []Weakness) []int {
	var out []int
	for _, w := range ws {
		out = append(out, w.ID)
	}
	return out
}

func TestSearch(t *testing.T) {
	tests := []struct {
		q     string
		limit int
		want  []int // nil: check only wantFirst and wantAll
		// wantFirst is what the result must start with.
		wantFirst []int
	}{
		{q: "", limit: 10, want: nil},
		{q: "   ", limit: 10, want: nil},
		{q: "no such weakness anywhere", limit: 10, want: nil},
		// The exact id first, then the other matches by id.
		{q: "79", limit: 5, want: []int{79, 179, 279, 379, 479}},
		{q: "cwe-79", limit: 3, want: []int{79, 790, 791}},
		{q: "CWE 79", limit: 3, want: []int{79}}, // "cwe 79" is no substring of "cwe-79 ..."
		{q: "CWE-79: " + xssName, limit: 3, want: []int{79}},
		{q: "89", limit: 1, want: []int{89}},
		{q: "918", limit: 0, want: []int{918}},
		// Names, ignoring case.
		{q: "sql injection", limit: 0, want: []int{89, 564}},
		{q: "SSRF", limit: 0, want: []int{918}},
		{q: "cross-site request forgery", limit: 0, want: []int{352}},
		{q: "httponly", limit: 0, want: []int{1004}},
		// An id inside a name's text ("CWE-1004" contains "100").
		{q: "100", limit: 0, wantFirst: []int{1004, 1007}},
	}
	for _, tt := range tests {
		got := ids(Search(tt.q, tt.limit))
		if tt.wantFirst != nil {
			if len(got) < len(tt.wantFirst) || !slices.Equal(got[:len(tt.wantFirst)], tt.wantFirst) {
				t.Errorf("Search(%q, %d) = %v, want it to start with %v", tt.q, tt.limit, got, tt.wantFirst)
			}
			continue
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("Search(%q, %d) = %v, want %v", tt.q, tt.limit, got, tt.want)
		}
	}
}

func TestSearchLimit(t *testing.T) {
	all := Search("injection", 0)
	if len(all) < 10 {
		t.Fatalf("Search(%q, 0) found %d, want many", "injection", len(all))
	}
	if !slices.IsSortedFunc(all, func(a, b Weakness) int { return a.ID - b.ID }) {
		t.Errorf("Search(%q, 0) = %v, want sorted by id", "injection", ids(all))
	}
	for _, w := range all {
		if !strings.Contains(strings.ToLower(w.Name), "injection") {
			t.Errorf("Search(%q) gave %v", "injection", w)
		}
	}
	for _, limit := range []int{1, 5, len(all), len(all) + 5} {
		got := Search("injection", limit)
		want := all[:min(limit, len(all))]
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Search(%q, %d): (-want +got)\n%s", "injection", limit, diff)
		}
	}
}

func TestConcurrent(t *testing.T) {
	// Run with -race: the list is parsed once and then only read.
	done := make(chan bool)
	for range 8 {
		go func() {
			Search("overflow", 10)
			Lookup(787)
			Parse("CWE-22")
			All()
			done <- true
		}()
	}
	for range 8 {
		<-done
	}
}

func BenchmarkParse(b *testing.B) {
	for b.Loop() {
		if _, err := Parse(" cwe-79 "); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSearch(b *testing.B) {
	for b.Loop() {
		Search("injection", 20)
	}
}
