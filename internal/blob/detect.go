package blob

import (
	"bytes"
	"net/http"
	"unicode"
	"unicode/utf8"
)

// SniffLen is how many leading bytes of an upload Detect looks at, the same
// as http.DetectContentType.
const SniffLen = 512

// Types Detect returns. Anything else is not on the allow-list.
const (
	typePNG   = "image/png"
	typeJPEG  = "image/jpeg"
	typeGIF   = "image/gif"
	typeWebP  = "image/webp"
	typePDF   = "application/pdf"
	typeZip   = "application/zip"
	typeMP4   = "video/mp4"
	typeWebM  = "video/webm"
	typeText  = "text/plain; charset=utf-8"
	typeOctet = "application/octet-stream"
)

// Detect names the type of an upload from its first bytes (magic numbers,
// not the name or the browser's claim). head is the first SniffLen bytes of
// the upload, or all of it when it is shorter; bytes past SniffLen are
// ignored.
//
// It returns the MIME type Haven will send, from an allow-list, and whether
// the type may be embedded as an <img> in a page: raster images only (PNG,
// JPEG, GIF, WebP), never SVG. Everything not on the allow-list is
// "application/octet-stream", allowed as a download.
//
// Text is "text/plain; charset=utf-8" only if it is valid UTF-8 without NUL
// bytes and does not look like markup, which a browser that sniffs would
// render from Haven's origin: its first character after a byte-order mark
// and white space must not be '<', and none of "<!doctype", "<html", "<svg",
// "<?xml" and "<script" may appear in it, in any case. Markup is
// application/octet-stream, like any other type off the list.
func Detect(head []byte) (mime string, image bool) {
	cut := len(head) >= SniffLen
	if cut {
		head = head[:SniffLen]
	}
	// http.DetectContentType is trusted only for binary signatures. Its
	// text answers (text/html for HTML, text/xml, text/plain for SVG) are
	// decided below instead.
	switch ct := http.DetectContentType(head); ct {
	case typePNG, typeJPEG, typeGIF, typeWebP:
		return ct, true
	case typePDF, typeZip, typeMP4, typeWebM:
		return ct, false
	}
	if isText(head, cut) {
		return typeText, false
	}
	return typeOctet, false
}

// isText reports whether head is plain text Haven may label as such: valid
// UTF-8, no NUL byte, no markup. When head was cut at SniffLen, its last
// character may be cut too, and is ignored.
func isText(head []byte, cut bool) bool {
	if cut {
		head = trimPartialRune(head)
	}
	return utf8.Valid(head) && bytes.IndexByte(head, 0) < 0 && !looksLikeMarkup(head)
}

// trimPartialRune drops an incomplete UTF-8 sequence at the end of b.
func trimPartialRune(b []byte) []byte {
	for i := 1; i < utf8.UTFMax && i <= len(b); i++ {
		if utf8.RuneStart(b[len(b)-i]) {
			if !utf8.FullRune(b[len(b)-i:]) {
				return b[:len(b)-i]
			}
			break
		}
	}
	return b
}

// markupMarkers are the openings that make text markup wherever they occur
// in the sniffed bytes, compared in ASCII lower case. Old browsers found HTML
// anywhere in the first bytes, not only at the start.
var markupMarkers = [][]byte{
	[]byte("<!doctype"),
	[]byte("<html"),
	[]byte("<svg"),
	[]byte("<?xml"),
	[]byte("<script"),
}

// looksLikeMarkup reports whether text could be taken for HTML, SVG or XML:
// its first character after a byte-order mark and white space is '<' (which
// covers every tag browsers sniff for, comments and processing
// instructions), or it contains one of markupMarkers in any case. Such a
// file is still stored and offered as a download, just never as text.
func looksLikeMarkup(text []byte) bool {
	s := bytes.TrimPrefix(text, []byte("\uFEFF"))
	s = bytes.TrimLeftFunc(s, unicode.IsSpace)
	if len(s) > 0 && s[0] == '<' {
		return true
	}
	lower := asciiLower(text)
	for _, m := range markupMarkers {
		if bytes.Contains(lower, m) {
			return true
		}
	}
	return false
}

// asciiLower returns a copy of b with A-Z mapped to a-z and nothing else
// changed: browsers match tag names in ASCII only, so Unicode case folding
// (which maps 'ſ' to 's') would find markers that are not there.
func asciiLower(b []byte) []byte {
	out := make([]byte, len(b))
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		out[i] = c
	}
	return out
}
