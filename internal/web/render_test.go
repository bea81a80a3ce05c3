package web

import "testing"

func TestBrowserName(t *testing.T) {
	tests := []struct{ ua, want string }{
		{"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36", "Chrome on Linux"},
		{"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36 Edg/120.0", "Edge on Windows"},
		{"Mozilla/5.0 (Macintosh; Intel Mac OS X 14.1; rv:121.0) Gecko/20100101 Firefox/121.0", "Firefox on macOS"},
		{"Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1", "Safari on iPhone"},
		{"Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36", "Chrome on Android"},
		{"curl/8.5.0", "curl"},
		{"", "Unknown browser"},
		{"something odd", "A browser"},
	}
	for _, tt := range tests {
		if got := browserName(tt.ua); got != tt.want {
			t.Errorf("browserName(%q) = %q, want %q", tt.ua, got, tt.want)
		}
	}
}

func TestFieldID(t *testing.T) {
	s := &Server{static: &staticFiles{}}
	field := s.templateFuncs()["field"].(func(name, label, typ, value, errText string, opts ...string) Field)
	if f := field("code", "Code", "text", "", ""); f.ID != "code" {
		t.Errorf("default ID = %q, want the name", f.ID)
	}
	if f := field("code", "Code", "text", "", "", "id=disable-code", "required", "max=6"); f.ID != "disable-code" || f.Name != "code" || !f.Required || f.Max != 6 {
		t.Errorf("field with options = %+v", f)
	}
}
