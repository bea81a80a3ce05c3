package app

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/base64"
	"encoding/hex"
	"strings"
)

// randomBytes returns n bytes from the CSPRNG. crypto/rand.Read never
// fails on supported platforms (it crashes the program instead).
func randomBytes(n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}

// newSecret returns 32 bytes (256 bits) from the CSPRNG, URL-safe encoded.
func newSecret() string {
	return base64.RawURLEncoding.EncodeToString(randomBytes(32))
}

// hashSecret hashes a high-entropy secret (session id, token, link) for
// storage. Such secrets need no slow hash: guessing is hopeless already.
func hashSecret(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// TokenPrefix starts every personal API token, so that secret scanners and
// people recognise a leaked one.
const TokenPrefix = "hvn_"

var lowerBase32 = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// newAPIToken returns a token secret: the prefix and 256 random bits.
func newAPIToken() string { return TokenPrefix + lowerBase32.EncodeToString(randomBytes(32)) }

// newRecoveryCode returns a code like "k3j9d-q2mzx" (50 bits).
func newRecoveryCode() string {
	s := lowerBase32.EncodeToString(randomBytes(7))[:10]
	return s[:5] + "-" + s[5:]
}

// normalizeRecoveryCode lets people type codes with or without the dash,
// in any case, with stray spaces.
func normalizeRecoveryCode(s string) string {
	s = strings.ToLower(strings.Map(func(r rune) rune {
		if r == '-' || r == ' ' {
			return -1
		}
		return r
	}, s))
	if len(s) != 10 {
		return s
	}
	return s[:5] + "-" + s[5:]
}
