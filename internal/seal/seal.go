// Package seal encrypts small secrets stored in the database (two-factor
// secrets) with the instance's secret key, which lives in a file beside the
// database, never in it: a stolen database alone reveals none of them.
//
// A sealed value is "v1:" followed by base64url(nonce | ciphertext) of
// XChaCha20-Poly1305. The caller's context (for example "totp:42") is the
// associated data, so a value copied to another row does not open there.
package seal

import (
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"golang.org/x/crypto/chacha20poly1305"
)

// prefix marks a sealed value and the format version.
const prefix = "v1:"

// ErrOpen means a sealed value could not be opened: it was sealed with
// another key or for another context, or it was altered.
var ErrOpen = errors.New("seal: cannot open value: wrong key, wrong context or damaged")

// Key is an instance's secret key. Its String and slog value show only its
// ID, so logging a Key never reveals it.
type Key struct {
	raw  []byte
	aead cipher.AEAD
	id   string
}

func newKey(raw []byte) (*Key, error) {
	if len(raw) != chacha20poly1305.KeySize {
		return nil, fmt.Errorf("seal: key is %d bytes, want %d", len(raw), chacha20poly1305.KeySize)
	}
	aead, err := chacha20poly1305.NewX(raw)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(append([]byte("haven key id"), raw...))
	return &Key{raw: raw, aead: aead, id: hex.EncodeToString(sum[:])[:8]}, nil
}

// NewKey returns a new random key.
func NewKey() (*Key, error) {
	raw := make([]byte, chacha20poly1305.KeySize)
	rand.Read(raw) // never fails (crypto/rand since Go 1.24)
	return newKey(raw)
}

// ID returns a short fingerprint of the key that reveals nothing of it, to
// tell keys apart in messages and in the database.
func (k *Key) ID() string { return k.id }

// String returns the key's ID, never the key.
func (k *Key) String() string { return "key " + k.id }

// LogValue keeps the key out of logs.
func (k *Key) LogValue() slog.Value { return slog.StringValue(k.id) }

// Seal encrypts plaintext for context.
func (k *Key) Seal(plaintext, context []byte) string {
	nonce := make([]byte, k.aead.NonceSize(), k.aead.NonceSize()+len(plaintext)+k.aead.Overhead())
	rand.Read(nonce)
	out := k.aead.Seal(nonce, nonce, plaintext, context)
	return prefix + base64.RawURLEncoding.EncodeToString(out)
}

// Open decrypts a value Seal returned for the same context.
func (k *Key) Open(sealed string, context []byte) ([]byte, error) {
	rest, ok := strings.CutPrefix(sealed, prefix)
	if !ok {
		return nil, errors.New("seal: not a sealed value (no v1: prefix)")
	}
	b, err := base64.RawURLEncoding.DecodeString(rest)
	if err != nil || len(b) < k.aead.NonceSize()+k.aead.Overhead() {
		return nil, ErrOpen
	}
	n := k.aead.NonceSize()
	pt, err := k.aead.Open(nil, b[:n], b[n:], context)
	if err != nil {
		return nil, ErrOpen
	}
	return pt, nil
}

// IsSealed reports whether s looks like a value Seal returned.
func IsSealed(s string) bool { return strings.HasPrefix(s, prefix) }

// LoadKey reads a key file: the key as base64 or hex text. On Unix it
// refuses a file that others than its owner may read or write.
func LoadKey(path string) (*Key, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("secret key file %s is not a regular file", path)
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("secret key file %s has mode %#o, open to other users: run 'chmod 600 %s'", path, fi.Mode().Perm(), path)
	}
	b, err := io.ReadAll(io.LimitReader(f, 1024))
	if err != nil {
		return nil, fmt.Errorf("secret key file %s: %w", path, err)
	}
	text := strings.TrimSpace(string(b))
	raw, err := decodeKey(text)
	if err != nil {
		return nil, fmt.Errorf("secret key file %s: %w", path, err)
	}
	return newKey(raw)
}

func decodeKey(text string) ([]byte, error) {
	if len(text) == 2*chacha20poly1305.KeySize {
		if raw, err := hex.DecodeString(text); err == nil {
			return raw, nil
		}
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if raw, err := enc.DecodeString(text); err == nil && len(raw) == chacha20poly1305.KeySize {
			return raw, nil
		}
	}
	return nil, fmt.Errorf("does not hold a %d-byte key as base64 or hex text", chacha20poly1305.KeySize)
}

// WriteKey writes k to a new file (mode 0600) and syncs it to disk. It
// never replaces an existing file.
func WriteKey(path string, k *Key) (err error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			os.Remove(path)
		}
	}()
	if _, err := f.WriteString(base64.StdEncoding.EncodeToString(k.raw) + "\n"); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	// Make the new directory entry durable too.
	if d, err := os.Open(filepath.Dir(path)); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}
