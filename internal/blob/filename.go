package blob

import (
	"path"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxFilenameLen is the longest name SafeFilename returns, in bytes.
const maxFilenameLen = 120

// maxKeptExt is the longest extension SafeFilename keeps when it shortens
// a name, dot included: the extension is what lets the reader's system open
// the download.
const maxKeptExt = 16

// SafeFilename returns the name a download is offered under, from the name
// the upload came with. It keeps the base name only (after the last '/' or
// '\'), removes invalid UTF-8, control and invisible formatting characters
// (such as U+202E, which can make "evil\u202Efdp.exe" read as "evilexe.pdf")
// and quotes, trims white space and leading dots, and cuts the result to at
// most 120 bytes at a character boundary, keeping a short extension. The
// result is never empty ("attachment") and never starts with a dot.
//
// The result still needs encoding for a Content-Disposition header, e.g.
// with mime.FormatMediaType.
func SafeFilename(name string) string {
	name = strings.ToValidUTF8(name, "")
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		if r == '"' || r == '\'' || unicode.IsControl(r) || unicode.In(r, unicode.Cf, unicode.Zl, unicode.Zp) {
			return -1
		}
		return r
	}, name)
	name = strings.TrimLeftFunc(name, func(r rune) bool { return r == '.' || unicode.IsSpace(r) })
	name = strings.TrimRightFunc(name, unicode.IsSpace)
	name = shorten(name, maxFilenameLen)
	if name == "" {
		return "attachment"
	}
	return name
}

// shorten cuts name to at most n bytes without splitting a UTF-8 character,
// keeping an extension of up to maxKeptExt bytes. name does not start with
// white space or a dot.
func shorten(name string, n int) string {
	if len(name) <= n {
		return name
	}
	ext := path.Ext(name)
	if len(ext) > maxKeptExt || len(ext) == len(name) {
		ext = ""
	}
	stem := name[:len(name)-len(ext)]
	stem = cutUTF8(stem, n-len(ext))
	return strings.TrimRightFunc(stem, unicode.IsSpace) + ext
}

// cutUTF8 returns the longest prefix of s of at most n bytes that ends at a
// character boundary.
func cutUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
