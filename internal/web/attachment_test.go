package web

import (
	"mime"
	"testing"
)

func TestContentDisposition(t *testing.T) {
	for _, name := range []string{"poc.html", "résumé; x=1.pdf", `a"b\c%d.txt`, "日本語.png", "tab\tname"} {
		got := contentDisposition(name)
		disp, params, err := mime.ParseMediaType(got)
		if err != nil || disp != "attachment" {
			t.Errorf("contentDisposition(%q) = %q: parses as %q, %v", name, got, disp, err)
			continue
		}
		// Go's parser prefers filename* and decodes it: the exact name.
		if params["filename"] != name {
			t.Errorf("contentDisposition(%q) = %q: filename parses as %q", name, got, params["filename"])
		}
		for _, c := range got {
			if c > 0x7e || c < 0x20 {
				t.Errorf("contentDisposition(%q) = %q: non-ASCII or control byte in a header", name, got)
				break
			}
		}
	}
}
