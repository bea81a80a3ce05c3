package cwe

import (
	_ "embed"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// Version is the CWE version the shipped list comes from, for the
// attribution MITRE's terms ask for ("list from CWE version 4.13").
const Version = "4.13"

// A Weakness is one entry of Haven's CWE list.
type Weakness struct {
	ID   int    // 79 for CWE-79
	Name string // MITRE's name, as in the CWE list
}

// Code returns the CWE id as written in reports, "CWE-79", or "" for the
// zero Weakness.
func (w Weakness) Code() string {
	if w.ID == 0 {
		return ""
	}
	return "CWE-" + strconv.Itoa(w.ID)
}

// String returns the id and the name, "CWE-79: Improper Neutralization
// of Input During Web Page Generation ('Cross-site Scripting')", or "" for
// the zero Weakness.
func (w Weakness) String() string {
	if w.ID == 0 {
		return ""
	}
	return w.Code() + ": " + w.Name
}

//go:embed cwe.tsv
var tsv string

type list struct {
	all   []Weakness  // sorted by ID
	index map[int]int // ID → position in all
	keys  []string    // lower-case "cwe-79 improper neutralization ..." per entry of all
}

// data parses the embedded list once. A malformed line is a bug in the
// shipped file, which the tests catch, so it panics rather than return an
// error every caller would have to handle.
var data = sync.OnceValue(func() *list {
	l, err := parseList(tsv)
	if err != nil {
		panic("cwe: embedded cwe.tsv: " + err.Error())
	}
	return l
})

func parseList(text string) (*list, error) {
	l := &list{index: make(map[int]int)}
	for n, line := range strings.Split(text, "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		idText, name, ok := strings.Cut(line, "\t")
		id, err := strconv.Atoi(idText)
		if !ok || err != nil || id <= 0 || name == "" || name != strings.TrimSpace(name) {
			return nil, fmt.Errorf("line %d: want id<TAB>name, got %q", n+1, line)
		}
		if len(l.all) > 0 && id <= l.all[len(l.all)-1].ID {
			return nil, fmt.Errorf("line %d: id %d is not after %d", n+1, id, l.all[len(l.all)-1].ID)
		}
		w := Weakness{ID: id, Name: name}
		l.index[id] = len(l.all)
		l.all = append(l.all, w)
		l.keys = append(l.keys, strings.ToLower(w.Code()+" "+name))
	}
	return l, nil
}

// Lookup returns the weakness with the given id and reports whether
// Haven's list has it.
func Lookup(id int) (Weakness, bool) {
	l := data()
	i, ok := l.index[id]
	if !ok {
		return Weakness{}, false
	}
	return l.all[i], true
}

// All returns every weakness of the list, sorted by id. The slice is the
// caller's to keep or change.
func All() []Weakness {
	return slices.Clone(data().all)
}

// maxDigits bounds the id so that strconv.Atoi cannot overflow; CWE ids
// have at most four digits today.
const maxDigits = 9

// parseCode reads "CWE-79", "cwe 79", "CWE79" or "79" (s already trimmed).
// digits is the number as typed, without leading zeros, for messages;
// ok is false when s is not of that form.
func parseCode(s string) (id int, digits string, ok bool) {
	if len(s) >= 3 && strings.EqualFold(s[:3], "CWE") {
		s = strings.TrimLeft(s[3:], " \t")
		s = strings.TrimPrefix(s, "-")
		s = strings.TrimLeft(s, " \t")
	}
	if s == "" {
		return 0, "", false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, "", false
		}
	}
	digits = strings.TrimLeft(s, "0")
	if digits == "" {
		return 0, "0", true
	}
	if len(digits) > maxDigits {
		return 0, digits, true
	}
	id, err := strconv.Atoi(digits)
	if err != nil {
		return 0, "", false
	}
	return id, digits, true
}

// Parse returns the weakness that s names: "CWE-79", "cwe-79", "CWE 79",
// "79", surrounding spaces allowed, or the String form "CWE-79: <name>",
// whose name must then be the list's (in any case). Anything else is an
// error with a sentence to show the user: `"XSS" is not a CWE id such as
// CWE-79` or `"CWE-99999" is not in Haven's CWE list`.
func Parse(s string) (Weakness, error) {
	s = strings.TrimSpace(s)
	code, name, hasName := strings.Cut(s, ":")
	id, digits, ok := parseCode(strings.TrimSpace(code))
	if !ok {
		return Weakness{}, fmt.Errorf("%q is not a CWE id such as CWE-79", s)
	}
	w, found := Lookup(id)
	if !found {
		return Weakness{}, fmt.Errorf("%q is not in Haven's CWE list", "CWE-"+digits)
	}
	if name = strings.TrimSpace(name); hasName && name != "" && !strings.EqualFold(name, w.Name) {
		return Weakness{}, fmt.Errorf("%q does not match Haven's CWE list, where %s is %q", s, w.Code(), w.Name)
	}
	return w, nil
}

// Search returns up to limit weaknesses (all of them when limit <= 0)
// whose "CWE-<id> <name>" contains q, ignoring case, for an autocomplete.
// The weakness whose id q names exactly ("79", "cwe-79") comes first, the
// others follow by id, so "79" gives CWE-79 before CWE-179 and CWE-790.
// An empty or blank q matches nothing.
func Search(q string, limit int) []Weakness {
	q = strings.TrimSpace(q)
	if q == "" {
		return nil
	}
	l := data()
	var out []Weakness
	exact := -1
	if w, err := Parse(q); err == nil {
		exact = l.index[w.ID]
		out = append(out, w)
	}
	lq := strings.ToLower(q)
	for i, key := range l.keys {
		if limit > 0 && len(out) >= limit {
			break
		}
		if i != exact && strings.Contains(key, lq) {
			out = append(out, l.all[i])
		}
	}
	return out
}
