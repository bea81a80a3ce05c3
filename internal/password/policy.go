package password

import (
	_ "embed"
	"strings"
	"sync"
	"unicode/utf8"
)

// Length limits, in Unicode code points (runes), not bytes, so that a
// password in any script gets the same allowance. The maximum is there to
// bound the work per request; it is far above what anyone types (ASVS 6.2.9
// asks for at least 64).
const (
	MinLength = 8
	MaxLength = 256
)

// A PolicyError says why Check refused a password. Reason is a sentence
// written for the person choosing the password, safe to show as is.
type PolicyError struct {
	Reason string
}

func (e *PolicyError) Error() string { return e.Reason }

// The errors Check returns. Compare with errors.Is, or use errors.As to get
// the *PolicyError and its Reason.
var (
	ErrTooShort = &PolicyError{Reason: "Use at least 8 characters."}
	ErrTooLong  = &PolicyError{Reason: "Use at most 256 characters."}
	ErrRepeated = &PolicyError{Reason: "This password is one character repeated; choose another."}
	ErrPersonal = &PolicyError{Reason: "Don't use your e-mail address or user name as your password."}
	ErrCommon   = &PolicyError{Reason: "This password is too common; choose another."}
)

// Check reports whether pw may be set as a new password, returning nil or
// one of the Err* *PolicyError values. It applies no composition rules (no
// required digits or symbols; ASVS 6.2.5) and does not trim or otherwise
// change pw: spaces and any Unicode are allowed.
//
// The rules, in order: MinLength to MaxLength runes; not one character
// repeated; not equal, ignoring case, to any of the context words or, for a
// word holding an @, to the part before it; not in the embedded list of
// common passwords, ignoring case. Callers pass as context what an attacker
// would guess first: the account's e-mail address and user name, and the
// site's name. Empty words are ignored.
func Check(pw string, context ...string) error {
	n := utf8.RuneCountInString(pw)
	switch {
	case n < MinLength:
		return ErrTooShort
	case n > MaxLength:
		return ErrTooLong
	case oneRune(pw):
		return ErrRepeated
	}
	for _, c := range context {
		c = strings.TrimSpace(c)
		if c == "" {
			continue
		}
		if strings.EqualFold(pw, c) {
			return ErrPersonal
		}
		if at := strings.LastIndexByte(c, '@'); at > 0 && strings.EqualFold(pw, c[:at]) {
			return ErrPersonal
		}
	}
	if _, ok := commonSet()[strings.ToLower(pw)]; ok {
		return ErrCommon
	}
	return nil
}

// oneRune reports whether s is a single rune repeated.
func oneRune(s string) bool {
	first, _ := utf8.DecodeRuneInString(s)
	for _, r := range s {
		if r != first {
			return false
		}
	}
	return true
}

// commonTxt is the common-password list; README.md gives its source and
// license. It keeps only entries of MinLength or more characters, since
// Check refuses shorter ones by length before it looks here.
//
//go:embed common.txt
var commonTxt string

// commonSet holds the lowercased entries of commonTxt, built on first use.
var commonSet = sync.OnceValue(func() map[string]struct{} {
	set := make(map[string]struct{}, 4096)
	for line := range strings.Lines(commonTxt) {
		line = strings.TrimRight(line, "\r\n")
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		set[strings.ToLower(line)] = struct{}{}
	}
	return set
})
