package password

import (
	"errors"
	"strconv"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestCheck(t *testing.T) {
	const email = "alice.smith@example.org"
	tests := []struct {
		name    string
		pw      string
		context []string
		want    error
	}{
		// Length, in runes (ASVS 6.2.1, 6.2.9).
		{"empty", "", nil, ErrTooShort},
		{"7 chars", "Tr0ub4d", nil, ErrTooShort},
		{"8 chars", "Tr0ub4d&", nil, nil},
		{"8 chars with spaces", "a b c de", nil, nil},
		{"128 chars", strings.Repeat("xK3$", 32), nil, nil},
		{"256 chars", strings.Repeat("xK3$", 64), nil, nil},
		{"257 chars", strings.Repeat("xK3$", 64) + "x", nil, ErrTooLong},
		{"7 runes in 21 bytes", "日本語のパスワ", nil, ErrTooShort},
		{"8 runes in 24 bytes", "日本語のパスワー", nil, nil},
		{"4 emoji in 16 bytes", "🔑🔒🔓🗝", nil, ErrTooShort},
		{"256 runes in 768 bytes", strings.Repeat("日本", 128), nil, nil},
		{"257 runes", strings.Repeat("日本", 128) + "語", nil, ErrTooLong},

		// No composition rules (ASVS 6.2.5).
		{"lower-case letters only", "correct horse battery staple", nil, nil},
		{"digits only", "80415926", nil, nil},

		// One character repeated.
		{"one letter repeated", "zzzzzzzzzzzzzzzzzzzz", nil, ErrRepeated},
		{"one symbol repeated", "€€€€€€€€", nil, ErrRepeated},
		{"spaces only", "            ", nil, ErrRepeated},
		{"two letters", "zzzzzzzzzzzzzzzzzzzy", nil, nil},

		// Common passwords, ignoring case (ASVS 6.2.4).
		{"password", "password", nil, ErrCommon},
		{"password123", "password123", nil, ErrCommon},
		{"PASSWORD123", "PASSWORD123", nil, ErrCommon},
		{"PaSsWoRd123", "PaSsWoRd123", nil, ErrCommon},
		{"iloveyou1", "iloveyou1", nil, ErrCommon},
		{"ILoveYou1", "ILoveYou1", nil, ErrCommon},
		{"baseball", "baseball", nil, ErrCommon},
		{"qwertyuiop", "qwertyuiop", nil, ErrCommon},
		{"1qaz2wsx", "1qaz2wsx", nil, ErrCommon},
		{"trustno1", "trustno1", nil, ErrCommon},
		{"common but short", "monkey", nil, ErrTooShort},
		{"common with suffix", "password123 and more", nil, nil},

		// The user's own details.
		{"e-mail", email, []string{email}, ErrPersonal},
		{"e-mail, other case", "Alice.Smith@Example.ORG", []string{email}, ErrPersonal},
		{"local part", "alice.smith", []string{email}, ErrPersonal},
		{"local part, upper case", "ALICE.SMITH", []string{email}, ErrPersonal},
		{"local part plus digit", "alice.smith2", []string{email}, nil},
		{"context with spaces", "bob.jones", []string{"  bob.jones@example.org "}, ErrPersonal},
		{"user name", "researcher42", []string{email, "researcher42"}, ErrPersonal},
		{"site name", "Haven Security", []string{email, "", "haven security"}, ErrPersonal},
		{"empty context", "Tr0ub4d&", []string{"", "  "}, nil},
		{"domain is not refused", "example.org", []string{email}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Check(tt.pw, tt.context...); !errors.Is(got, tt.want) {
				t.Errorf("Check(%.40q, %q) = %v, want %v", tt.pw, tt.context, got, tt.want)
			}
		})
	}
}

// TestPolicyErrors checks that every reason is a sentence a user can read
// and that the length messages match the constants.
func TestPolicyErrors(t *testing.T) {
	for _, err := range []error{ErrTooShort, ErrTooLong, ErrRepeated, ErrPersonal, ErrCommon} {
		var pe *PolicyError
		if !errors.As(err, &pe) {
			t.Fatalf("%v is not a *PolicyError", err)
		}
		first, _ := utf8.DecodeRuneInString(pe.Reason)
		if !unicode.IsUpper(first) || !strings.HasSuffix(pe.Reason, ".") || pe.Error() != pe.Reason {
			t.Errorf("reason %q is not a sentence", pe.Reason)
		}
	}
	if !strings.Contains(ErrTooShort.Reason, strconv.Itoa(MinLength)) {
		t.Errorf("ErrTooShort %q does not say %d", ErrTooShort.Reason, MinLength)
	}
	if !strings.Contains(ErrTooLong.Reason, strconv.Itoa(MaxLength)) {
		t.Errorf("ErrTooLong %q does not say %d", ErrTooLong.Reason, MaxLength)
	}
}

// TestCommonList checks the embedded data: loaded, of the expected size,
// and holding no entry Check would refuse by length anyway.
func TestCommonList(t *testing.T) {
	set := commonSet()
	if n := len(set); n < 3000 {
		t.Errorf("common list has %d entries, want at least 3000", n)
	}
	for pw := range set {
		if n := utf8.RuneCountInString(pw); n < MinLength {
			t.Errorf("common list holds %q, %d chars: shorter than MinLength", pw, n)
		}
		if strings.HasPrefix(pw, "#") || strings.TrimSpace(pw) != pw {
			t.Errorf("common list holds %q: a comment or stray space", pw)
		}
	}
}

func BenchmarkCheck(b *testing.B) {
	commonSet()
	for b.Loop() {
		_ = Check("correct horse battery staple", "alice.smith@example.org")
	}
}
