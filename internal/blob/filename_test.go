package blob

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSafeFilename(t *testing.T) {
	long := strings.Repeat("a", 200)
	for _, tc := range []struct {
		in, want string
	}{
		{"report.pdf", "report.pdf"},
		{"résumé final.pdf", "résumé final.pdf"},
		{"../../etc/passwd", "passwd"},
		{"/abs/path/poc.html", "poc.html"},
		{`C:\Users\eve\Desktop\evil.exe`, "evil.exe"},
		{`..\..\boot.ini`, "boot.ini"},
		{"mixed/dir\\name.txt", "name.txt"},
		{"dir/", "attachment"},
		{"", "attachment"},
		{"   ", "attachment"},
		{".", "attachment"},
		{"..", "attachment"},
		{"...", "attachment"},
		{".htaccess", "htaccess"},
		{" . .bashrc", "bashrc"},
		{"  spaced name.txt  ", "spaced name.txt"},
		{`say "hi".txt`, "say hi.txt"},
		{"it's.txt", "its.txt"},
		{"a\x00b\x1fc\x7fd.txt", "abcd.txt"},
		{"line\r\nX-Injected: 1.txt", "lineX-Injected: 1.txt"},
		{"line\r\nContent-Type: text/html.txt", "html.txt"},
		{"tab\there.txt", "tabhere.txt"},
		{"c1\u0085control.txt", "c1control.txt"},
		{"invoice\u202Efdp.exe", "invoicefdp.exe"},
		{"zero\u200Bwidth.txt", "zerowidth.txt"},
		{"line\u2028sep.txt", "linesep.txt"},
		{"bad\xffutf8.txt", "badutf8.txt"},
		{"\"'\"", "attachment"},
		{"\u202E", "attachment"},
		{"\x00.secret", "secret"},
		// Length: at most 120 bytes, keeping the extension.
		{long, long[:120]},
		{long + ".pdf", long[:116] + ".pdf"},
		{strings.Repeat("é", 100), strings.Repeat("é", 60)},
		{"a" + strings.Repeat("é", 100), "a" + strings.Repeat("é", 59)},
		{"a" + strings.Repeat("é", 100) + ".png", "a" + strings.Repeat("é", 57) + ".png"},
		{strings.Repeat("a", 112) + "     b.txt", strings.Repeat("a", 112) + ".txt"},
		{long + "." + strings.Repeat("x", 30), long[:120]},
		{strings.Repeat("🙂", 40), strings.Repeat("🙂", 30)},
	} {
		got := SafeFilename(tc.in)
		if got != tc.want {
			t.Errorf("SafeFilename(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if len(got) > 120 || !utf8.ValidString(got) || got == "" || strings.HasPrefix(got, ".") {
			t.Errorf("SafeFilename(%q) = %q breaks an invariant", tc.in, got)
		}
	}
}
