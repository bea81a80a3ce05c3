package securitytxt

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode"
)

// A File is the content of a security.txt file. Every field but Expires
// may repeat; the slices keep their order, which for Contact is the order
// of preference.
type File struct {
	Contact            []string // mailto:, https:// or tel: URIs; at least one
	Expires            time.Time
	Encryption         []string // where to fetch the OpenPGP key: https://, openpgp4fpr: or dns:
	Acknowledgments    []string // https:// URIs
	PreferredLanguages []string // language tags such as "en"
	Canonical          []string // https:// URIs of this file
	Policy             []string // https:// URIs
	Hiring             []string // https:// URIs
}

// expiresAhead is how far ExpiresAt looks ahead: about six months, well
// inside the year RFC 9116 recommends.
const expiresAhead = 180

// ExpiresAt returns the Expires value for a file built at now: 180 days
// ahead, at 00:00 UTC. Haven regenerates the file on each request, so the
// date is always about six months ahead; see the package documentation.
func ExpiresAt(now time.Time) time.Time {
	u := now.UTC()
	return time.Date(u.Year(), u.Month(), u.Day()+expiresAhead, 0, 0, 0, 0, time.UTC)
}

// Validate is ValidateAt with the current time.
func (f File) Validate() error {
	return f.ValidateAt(time.Now())
}

// ValidateAt reports every reason why f is not a file to publish at now:
// no Contact, a URI with a scheme the RFC does not allow for its field
// (web URIs must use https), a value with a line break or another control
// character, a Preferred-Languages entry that is not a language tag, or an
// Expires that is missing, not after now, or more than a year ahead.
func (f File) ValidateAt(now time.Time) error {
	var errs []error
	if len(f.Contact) == 0 {
		errs = append(errs, errors.New("at least one Contact is required"))
	}
	for _, v := range f.Contact {
		errs = append(errs, checkURI("Contact", v, "mailto", "https", "tel"))
	}
	switch {
	case f.Expires.IsZero():
		errs = append(errs, errors.New("field Expires is required"))
	case !f.Expires.After(now):
		errs = append(errs, fmt.Errorf("field Expires %s is not in the future", formatTime(f.Expires)))
	case f.Expires.After(now.AddDate(1, 0, 0)):
		errs = append(errs, fmt.Errorf("field Expires %s is more than a year ahead; RFC 9116 recommends less", formatTime(f.Expires)))
	}
	for _, v := range f.Encryption {
		errs = append(errs, checkURI("Encryption", v, "https", "openpgp4fpr", "dns"))
	}
	for _, v := range f.Acknowledgments {
		errs = append(errs, checkURI("Acknowledgments", v, "https"))
	}
	for _, v := range f.PreferredLanguages {
		if err := checkText("Preferred-Languages", v); err != nil {
			errs = append(errs, err)
		} else if !languageTag.MatchString(v) {
			errs = append(errs, fmt.Errorf("Preferred-Languages %q is not a language tag such as en or pt-BR", v))
		}
	}
	for _, v := range f.Canonical {
		errs = append(errs, checkURI("Canonical", v, "https"))
	}
	for _, v := range f.Policy {
		errs = append(errs, checkURI("Policy", v, "https"))
	}
	for _, v := range f.Hiring {
		errs = append(errs, checkURI("Hiring", v, "https"))
	}
	return errors.Join(errs...)
}

// languageTag is the shape of an RFC 5646 tag, not a registry lookup.
var languageTag = regexp.MustCompile(`^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$`)

// checkText refuses values that would break the line-based format.
func checkText(field, v string) error {
	if strings.TrimSpace(v) == "" {
		return fmt.Errorf("%s is empty", field)
	}
	for _, r := range v {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return fmt.Errorf("%s %q contains a line break or another control character", field, v)
		}
	}
	return nil
}

// checkURI checks that v is an absolute URI with one of the schemes.
func checkURI(field, v string, schemes ...string) error {
	if err := checkText(field, v); err != nil {
		return err
	}
	want := schemeList(schemes)
	if strings.ContainsFunc(v, unicode.IsSpace) {
		return fmt.Errorf("%s %q contains a space; a URI must not", field, v)
	}
	u, err := url.Parse(v)
	if err != nil || u.Scheme == "" {
		return fmt.Errorf("%s %q is not a URI: it must start with %s", field, v, want)
	}
	scheme := strings.ToLower(u.Scheme)
	i := 0
	for i < len(schemes) && schemes[i] != scheme {
		i++
	}
	if i == len(schemes) {
		return fmt.Errorf("%s %q must start with %s", field, v, want)
	}
	switch scheme {
	case "https":
		if u.Host == "" || u.Opaque != "" {
			return fmt.Errorf("%s %q has no host: write it as https://host/path", field, v)
		}
	case "mailto":
		if at := strings.Index(u.Opaque, "@"); at <= 0 || at == len(u.Opaque)-1 {
			return fmt.Errorf("%s %q is not an e-mail address: write it as mailto:security@example.org", field, v)
		}
	case "tel":
		if strings.IndexFunc(u.Opaque, unicode.IsDigit) < 0 {
			return fmt.Errorf("%s %q has no telephone number: write it as tel:+1-201-555-0123", field, v)
		}
	case "openpgp4fpr", "dns":
		if u.Opaque == "" {
			return fmt.Errorf("%s %q is empty after the scheme", field, v)
		}
	}
	return nil
}

func schemeList(schemes []string) string {
	names := make([]string, len(schemes))
	for i, s := range schemes {
		if s == "https" {
			names[i] = "https://"
		} else {
			names[i] = s + ":"
		}
	}
	if len(names) == 1 {
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// comment is the first line of every file String writes.
const comment = "# Where to report a security issue, per RFC 9116 (https://www.rfc-editor.org/rfc/rfc9116)."

// String renders f as a security.txt file with LF line endings: a comment
// line, then one "Name: value" line per value, Contact first (see the
// package documentation for the order). Expires is written in RFC 3339
// form in UTC, such as 2027-06-01T00:00:00Z, and omitted when zero;
// Preferred-Languages is one comma-separated field. Control characters in
// values are dropped, so no value can start a line of its own; Validate
// refuses such values before it comes to that.
func (f File) String() string {
	var b strings.Builder
	b.WriteString(comment + "\n")
	write := func(name string, values []string) {
		for _, v := range values {
			b.WriteString(name + ": " + oneLine(v) + "\n")
		}
	}
	write("Contact", f.Contact)
	if !f.Expires.IsZero() {
		write("Expires", []string{formatTime(f.Expires)})
	}
	write("Encryption", f.Encryption)
	write("Acknowledgments", f.Acknowledgments)
	if len(f.PreferredLanguages) > 0 {
		langs := make([]string, len(f.PreferredLanguages))
		for i, l := range f.PreferredLanguages {
			langs[i] = oneLine(l)
		}
		write("Preferred-Languages", []string{strings.Join(langs, ", ")})
	}
	write("Canonical", f.Canonical)
	write("Policy", f.Policy)
	write("Hiring", f.Hiring)
	return b.String()
}

func formatTime(t time.Time) string {
	return t.UTC().Format(time.RFC3339)
}

// oneLine drops control characters (and the Unicode line and paragraph
// separators) and trims spaces, so that v fits on one line.
func oneLine(v string) string {
	v = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return -1
		}
		return r
	}, v)
	return strings.TrimSpace(v)
}

// Parse reads a security.txt file leniently: it accepts LF or CRLF line
// endings, comments, blank lines, field names in any case, and the
// armor of an OpenPGP-signed file (without checking the signature), and it
// ignores fields it does not know. It refuses a line that is not a field,
// an Expires that is not an RFC 3339 time, and a repeated Expires or
// Preferred-Languages field. Parse does not validate the values: call
// Validate for that.
func Parse(s string) (File, error) {
	var f File
	var seenExpires, seenLangs bool
	for i, line := range signedBody(strings.Split(s, "\n")) {
		line = strings.TrimSpace(strings.TrimSuffix(line, "\r"))
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, value, ok := strings.Cut(line, ":")
		name = strings.TrimSpace(name)
		if !ok || name == "" || strings.ContainsFunc(name, unicode.IsSpace) {
			return File{}, fmt.Errorf("line %d: %q is not a field", i+1, line)
		}
		value = strings.TrimSpace(value)
		switch strings.ToLower(name) {
		case "contact":
			f.Contact = append(f.Contact, value)
		case "expires":
			if seenExpires {
				return File{}, fmt.Errorf("line %d: Expires appears more than once", i+1)
			}
			seenExpires = true
			t, err := time.Parse(time.RFC3339, value)
			if err != nil {
				return File{}, fmt.Errorf("line %d: Expires %q is not an RFC 3339 time such as 2027-06-01T00:00:00Z", i+1, value)
			}
			f.Expires = t
		case "encryption":
			f.Encryption = append(f.Encryption, value)
		case "acknowledgments", "acknowledgements":
			// The RFC spells it the American way; the British spelling
			// is a common mistake that costs nothing to accept.
			f.Acknowledgments = append(f.Acknowledgments, value)
		case "preferred-languages":
			if seenLangs {
				return File{}, fmt.Errorf("line %d: Preferred-Languages appears more than once", i+1)
			}
			seenLangs = true
			for l := range strings.SplitSeq(value, ",") {
				if l = strings.TrimSpace(l); l != "" {
					f.PreferredLanguages = append(f.PreferredLanguages, l)
				}
			}
		case "canonical":
			f.Canonical = append(f.Canonical, value)
		case "policy":
			f.Policy = append(f.Policy, value)
		case "hiring":
			f.Hiring = append(f.Hiring, value)
		}
	}
	return f, nil
}

// signedBody returns the lines of the signed text when lines hold an
// OpenPGP cleartext-signed message (RFC 9580, section 7), and lines
// otherwise. Lines outside the signed text become blank, so that line
// numbers in errors still match the input.
func signedBody(lines []string) []string {
	const (
		begin = "-----BEGIN PGP SIGNED MESSAGE-----"
		sig   = "-----BEGIN PGP SIGNATURE-----"
	)
	start := -1
	for i, l := range lines {
		if strings.TrimSpace(strings.TrimSuffix(l, "\r")) == begin {
			start = i
			break
		}
	}
	if start < 0 {
		return lines
	}
	out := make([]string, len(lines))
	i := start + 1
	for i < len(lines) && strings.TrimSpace(strings.TrimSuffix(lines[i], "\r")) != "" {
		i++ // armor headers such as "Hash: SHA256"
	}
	for ; i < len(lines); i++ {
		l := strings.TrimSuffix(lines[i], "\r")
		if strings.TrimSpace(l) == sig {
			break
		}
		out[i] = strings.TrimPrefix(l, "- ") // dash-escaping
	}
	return out
}
