package seal

import (
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func newTestKey(t *testing.T) *Key {
	t.Helper()
	k, err := NewKey()
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestRoundTrip(t *testing.T) {
	k := newTestKey(t)
	for _, pt := range []string{"", "JBSWY3DPEHPK3PXP", strings.Repeat("x", 5000)} {
		s := k.Seal([]byte(pt), []byte("totp:1"))
		if !strings.HasPrefix(s, "v1:") || !IsSealed(s) {
			t.Fatalf("Seal = %q, want a v1: value", s)
		}
		if pt != "" && strings.Contains(s, pt) {
			t.Errorf("sealed value %q shows the plaintext", s)
		}
		got, err := k.Open(s, []byte("totp:1"))
		if err != nil || string(got) != pt {
			t.Errorf("Open = %q, %v; want %q", got, err, pt)
		}
	}
	if a, b := k.Seal([]byte("same"), nil), k.Seal([]byte("same"), nil); a == b {
		t.Error("sealing twice gave the same value: nonce reused")
	}
}

func TestOpenRefuses(t *testing.T) {
	k, other := newTestKey(t), newTestKey(t)
	s := k.Seal([]byte("secret"), []byte("totp:1"))
	raw, _ := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(s, "v1:"))
	raw[len(raw)-1] ^= 1
	tampered := "v1:" + base64.RawURLEncoding.EncodeToString(raw)
	for _, tc := range []struct {
		name, sealed, context string
		key                   *Key
	}{
		{"wrong key", s, "totp:1", other},
		{"wrong context", s, "totp:2", k},
		{"tampered", tampered, "totp:1", k},
		{"truncated", s[:20], "totp:1", k},
		{"not base64", "v1:!!!!", "totp:1", k},
		{"wrong prefix", "v2:" + strings.TrimPrefix(s, "v1:"), "totp:1", k},
		{"plaintext", "JBSWY3DPEHPK3PXP", "totp:1", k},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if pt, err := tc.key.Open(tc.sealed, []byte(tc.context)); err == nil {
				t.Errorf("Open = %q, want an error", pt)
			}
		})
	}
	if _, err := other.Open(s, []byte("totp:1")); !errors.Is(err, ErrOpen) {
		t.Errorf("wrong key: error %v, want ErrOpen", err)
	}
}

func TestNewKeyDiffers(t *testing.T) {
	a, b := newTestKey(t), newTestKey(t)
	if string(a.raw) == string(b.raw) || a.ID() == b.ID() {
		t.Error("two new keys are the same")
	}
	if len(a.ID()) != 8 {
		t.Errorf("ID %q, want 8 hex digits", a.ID())
	}
}

func TestKeyNeverPrinted(t *testing.T) {
	k := newTestKey(t)
	for _, out := range []string{fmt.Sprint(k), fmt.Sprintf("%v %+v %s", k, k, k), k.LogValue().String()} {
		if strings.Contains(out, base64.StdEncoding.EncodeToString(k.raw)) || strings.Contains(out, hex.EncodeToString(k.raw)) {
			t.Errorf("printed key %q reveals it", out)
		}
	}
}

func TestWriteLoad(t *testing.T) {
	k := newTestKey(t)
	path := filepath.Join(t.TempDir(), "secret.key")
	if err := WriteKey(path, k); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %#o, want 0600", fi.Mode().Perm())
	}
	b, _ := os.ReadFile(path)
	if !strings.HasSuffix(string(b), "\n") {
		t.Errorf("key file %q has no trailing newline", b)
	}
	got, err := LoadKey(path)
	if err != nil {
		t.Fatal(err)
	}
	if got.ID() != k.ID() {
		t.Errorf("loaded key %s, wrote %s", got.ID(), k.ID())
	}
	if err := WriteKey(path, newTestKey(t)); err == nil {
		t.Error("WriteKey replaced an existing key file")
	}
	if again, _ := LoadKey(path); again == nil || again.ID() != k.ID() {
		t.Error("a refused WriteKey changed the key file")
	}
}

func TestLoadKeyHex(t *testing.T) {
	k := newTestKey(t)
	path := filepath.Join(t.TempDir(), "secret.key")
	if err := os.WriteFile(path, []byte(hex.EncodeToString(k.raw)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := LoadKey(path)
	if err != nil || got.ID() != k.ID() {
		t.Fatalf("LoadKey(hex) = %v, %v; want %s", got, err, k.ID())
	}
}

func TestLoadKeyRefuses(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name, content string
		mode          os.FileMode
		want          string
	}{
		{"short", base64.StdEncoding.EncodeToString(make([]byte, 16)) + "\n", 0o600, "32-byte key"},
		{"garbage", "not a key\n", 0o600, "32-byte key"},
		{"empty", "", 0o600, "secret.key"},
		{"group readable", base64.StdEncoding.EncodeToString(make([]byte, 32)) + "\n", 0o640, "chmod 600"},
		{"world readable", base64.StdEncoding.EncodeToString(make([]byte, 32)) + "\n", 0o644, "chmod 600"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if strings.Contains(tc.want, "chmod") && runtime.GOOS == "windows" {
				t.Skip("no Unix permissions")
			}
			path := filepath.Join(dir, tc.name, "secret.key")
			os.MkdirAll(filepath.Dir(path), 0o700)
			if err := os.WriteFile(path, []byte(tc.content), tc.mode); err != nil {
				t.Fatal(err)
			}
			os.Chmod(path, tc.mode) // past the umask
			_, err := LoadKey(path)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), path) {
				t.Errorf("LoadKey: %v; want an error naming %s and %q", err, path, tc.want)
			}
		})
	}
	if _, err := LoadKey(filepath.Join(dir, "missing")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v, want ErrNotExist", err)
	}
}
