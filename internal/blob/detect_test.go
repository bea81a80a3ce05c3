package blob

import (
	"bytes"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"strings"
	"testing"
)

// tinyImage is a 2×2 image for the standard encoders.
func tinyImage() image.Image {
	img := image.NewPaletted(image.Rect(0, 0, 2, 2), color.Palette{color.Black, color.White})
	img.SetColorIndex(1, 1, 1)
	return img
}

func encoded(t *testing.T, encode func(*bytes.Buffer, image.Image) error) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := encode(&buf, tinyImage()); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestDetect(t *testing.T) {
	pngFile := encoded(t, func(b *bytes.Buffer, m image.Image) error { return png.Encode(b, m) })
	gifFile := encoded(t, func(b *bytes.Buffer, m image.Image) error { return gif.Encode(b, m, nil) })
	jpegFile := encoded(t, func(b *bytes.Buffer, m image.Image) error { return jpeg.Encode(b, m, nil) })
	// A lossless WebP header: RIFF size, WEBP, then a VP8L chunk.
	webpFile := []byte("RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00\x2f\x00\x00\x00\x10\x07\x10\x11\x11\x88\x88\xfe\x07\x00")
	pdfFile := []byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n")
	zipFile := []byte("PK\x03\x04\x14\x00\x00\x00\x08\x00\x00\x00!\x00")
	// An ftyp box: size 24, major brand isom, compatible brands isom, mp42.
	mp4File := []byte("\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isommp42\x00\x00\x00\x08free")
	// An EBML header with DocType webm.
	webmFile := []byte("\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\xf7\x81\x01\x42\x82\x84webm\x42\x87\x81\x04")

	const (
		octet = "application/octet-stream"
		text  = "text/plain; charset=utf-8"
	)
	long := strings.Repeat("plain words ", 100) // longer than SniffLen

	for _, tc := range []struct {
		name      string
		head      []byte
		wantMIME  string
		wantImage bool
	}{
		{"png", pngFile, "image/png", true},
		{"gif", gifFile, "image/gif", true},
		{"jpeg", jpegFile, "image/jpeg", true},
		{"webp", webpFile, "image/webp", true},
		{"pdf", pdfFile, "application/pdf", false},
		{"zip", zipFile, "application/zip", false},
		{"mp4", mp4File, "video/mp4", false},
		{"webm", webmFile, "video/webm", false},

		{"empty", nil, text, false},
		{"ascii text", []byte("Steps to reproduce:\n1. log in\n"), text, false},
		{"utf-8 text", []byte("Grüße, 世界 🙂\n"), text, false},
		{"utf-8 text with BOM", []byte("\uFEFFhello"), text, false},
		{"long text", []byte(long), text, false},
		{"text with angle brackets", []byte("if a < b && b > c {}"), text, false},
		{"text that mentions tags", []byte("use an <img> element"), text, false},
		// A cut at SniffLen may split the last character.
		{"text cut inside a character", []byte(strings.Repeat("a", SniffLen-1) + "é"), text, false},
		{"json", []byte(`{"a": [1, 2]}`), text, false},

		{"invalid utf-8", []byte("caf\xe9 au lait"), octet, false},
		{"truncated character in a short head", []byte("abc\xc3"), octet, false},
		{"latin-1 just before SniffLen", []byte(strings.Repeat("a", SniffLen-2) + "\xe9" + "xyz"), octet, false},
		{"NUL in text", []byte("hello\x00world"), octet, false},
		{"utf-16 text", []byte("\xff\xfeh\x00i\x00"), octet, false},
		{"elf binary", []byte("\x7fELF\x02\x01\x01\x00"), octet, false},
		{"gzip", []byte("\x1f\x8b\x08\x00\x00\x00\x00\x00"), octet, false},
		{"bmp is not allowed", []byte("BM\x3a\x00\x00\x00\x00\x00\x00\x00\x36\x00\x00\x00"), octet, false},
		{"ico is not allowed", []byte("\x00\x00\x01\x00\x01\x00\x10\x10"), octet, false},

		// Markup in disguise: never text, never an image.
		{"html", []byte("<html><body>hi</body></html>"), octet, false},
		{"doctype upper case", []byte("<!DOCTYPE html><p>hi"), octet, false},
		{"html after whitespace", []byte(" \t\r\n<HTML>"), octet, false},
		{"html after BOM", []byte("\uFEFF<html>"), octet, false},
		{"html after BOM and whitespace", []byte("\uFEFF\n  <!doctype html>"), octet, false},
		{"svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>`), octet, false},
		{"svg upper case after BOM", []byte("\uFEFF  <SVG onload=alert(1)>"), octet, false},
		{"svg with xml declaration", []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>`), octet, false},
		{"xml", []byte("<?XML version='1.0'?><a/>"), octet, false},
		{"script", []byte("<ScRiPt>alert(document.cookie)</script>"), octet, false},
		{"comment then script", []byte("<!-- x --><script>alert(1)</script>"), octet, false},
		{"other tag", []byte("<iframe src=//evil>"), octet, false},
		{"script after text", []byte("hello\n<script>alert(1)</script>"), octet, false},
		{"svg after text", []byte("see attached\r\n\r\n<svg/onload=alert(1)>"), octet, false},
		{"doctype after text upper case", []byte("x <!DocType html>"), octet, false},
		{"html after non-breaking space", []byte("\u00a0<html>"), octet, false},
		{"svg with NUL", []byte("<svg>\x00"), octet, false},
		// A GIF header followed by script is still served as a GIF: the
		// web layer's nosniff keeps it from running.
		{"gif polyglot", append([]byte("GIF89a"), "<script>alert(1)</script>"...), "image/gif", true},
	} {
		gotMIME, gotImage := Detect(tc.head)
		if gotMIME != tc.wantMIME || gotImage != tc.wantImage {
			t.Errorf("%s: Detect(%.40q) = %q, %t; want %q, %t", tc.name, tc.head, gotMIME, gotImage, tc.wantMIME, tc.wantImage)
		}
	}
}

// TestDetectIgnoresPastSniffLen checks that markup after SniffLen does not
// matter, so callers can pass a whole small file or a longer buffer.
func TestDetectIgnoresPastSniffLen(t *testing.T) {
	head := []byte(strings.Repeat("a", SniffLen) + "<script>")
	if got, _ := Detect(head); got != "text/plain; charset=utf-8" {
		t.Errorf("Detect = %q, want text/plain", got)
	}
}

func TestDetectNeverImageForText(t *testing.T) {
	for _, s := range []string{"<svg>", "GIF8", "\x89PN", "RIFF"} {
		if _, image := Detect([]byte(s)); image {
			t.Errorf("Detect(%q): image = true", s)
		}
	}
}
