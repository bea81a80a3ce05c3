package pgp

import (
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ProtonMail/gopenpgp/v3/armor"
	"github.com/ProtonMail/gopenpgp/v3/constants"
	"github.com/ProtonMail/gopenpgp/v3/crypto"
	"github.com/ProtonMail/gopenpgp/v3/profile"
)

// generate returns a new private key. Keys are generated in the test
// rather than stored, so no private key material sits in the repository.
func generate(t *testing.T, pgp *crypto.PGPHandle, edit func(*crypto.KeyGenerationBuilder)) *crypto.Key {
	t.Helper()
	b := pgp.KeyGeneration().AddUserId("Jupyter Security", "security@jupyter.test")
	if edit != nil {
		edit(b)
	}
	key, err := b.New().GenerateKey()
	if err != nil {
		t.Fatalf("GenerateKey: %v", err)
	}
	return key
}

func publicArmor(t *testing.T, key *crypto.Key) string {
	t.Helper()
	s, err := key.GetArmoredPublicKey()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// v4 is one key shared by the tests that only read it.
var v4 = sync.OnceValues(func() (*crypto.Key, error) {
	return crypto.PGP().KeyGeneration().AddUserId("Jupyter Security", "security@jupyter.test").New().GenerateKey()
})

func mustV4(t *testing.T) *crypto.Key {
	t.Helper()
	k, err := v4()
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestParsePublicKey(t *testing.T) {
	key := mustV4(t)
	got, err := ParsePublicKey(publicArmor(t, key))
	if err != nil {
		t.Fatalf("ParsePublicKey: %v", err)
	}
	if want := strings.ToUpper(key.GetFingerprint()); got.Fingerprint != want || len(got.Fingerprint) != 40 {
		t.Errorf("Fingerprint = %q, want %q (40 characters)", got.Fingerprint, want)
	}
	if want := []string{"Jupyter Security <security@jupyter.test>"}; !slices.Equal(got.UserIDs, want) {
		t.Errorf("UserIDs = %q, want %q", got.UserIDs, want)
	}
	if age := time.Since(got.Created); age < 0 || age > time.Hour || got.Created.Location() != time.UTC {
		t.Errorf("Created = %v, want a moment ago in UTC", got.Created)
	}
	if got.Expires != nil {
		t.Errorf("Expires = %v, want nil", *got.Expires)
	}
	if got.Algorithm != "EdDSA" {
		t.Errorf("Algorithm = %q, want EdDSA (gopenpgp's default v4 key)", got.Algorithm)
	}
	if !strings.HasPrefix(got.Armored, "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n") {
		t.Errorf("Armored has headers or no armor:\n%s", got.Armored)
	}
	if !strings.HasSuffix(strings.TrimSpace(got.Armored), "-----END PGP PUBLIC KEY BLOCK-----") {
		t.Errorf("Armored does not end with the armor footer:\n%s", got.Armored)
	}

	// The stored form is a fixed point, and a key that works.
	again, err := ParsePublicKey(got.Armored)
	if err != nil {
		t.Fatalf("ParsePublicKey(Armored): %v", err)
	}
	if again.Armored != got.Armored || again.Fingerprint != got.Fingerprint {
		t.Errorf("re-parsing Armored changed it:\n%s\nthen\n%s", got.Armored, again.Armored)
	}
	reread, err := crypto.NewKeyFromArmored(got.Armored)
	if err != nil || !reread.CanEncrypt(time.Now().Unix()) {
		t.Errorf("gopenpgp cannot encrypt to Armored: %v", err)
	}
}

func TestParsePublicKeyLenient(t *testing.T) {
	in := publicArmor(t, mustV4(t))
	want, err := ParsePublicKey(in)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		in   string
	}{
		{"CRLF", strings.ReplaceAll(in, "\n", "\r\n")},
		{"surrounding space", "\n\n  " + in + "\n\n"},
		{"text before", "Hi, here is our key:\n\n" + in},
		{"custom headers", mustArmorHeaders(t, mustV4(t), "made by hand", "GnuPG v2")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParsePublicKey(tt.in)
			if err != nil {
				t.Fatalf("ParsePublicKey: %v", err)
			}
			if got.Armored != want.Armored {
				t.Errorf("Armored differs from the plain key's:\n%s\nwant\n%s", got.Armored, want.Armored)
			}
		})
	}
}

func mustArmorHeaders(t *testing.T, key *crypto.Key, comment, version string) string {
	t.Helper()
	s, err := key.GetArmoredPublicKeyWithCustomHeaders(comment, version)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(s, "Comment: "+comment) {
		t.Fatalf("no Comment header in:\n%s", s)
	}
	return s
}

func TestParsePublicKeyV6(t *testing.T) {
	key := generate(t, crypto.PGPWithProfile(profile.RFC9580()), nil)
	got, err := ParsePublicKey(publicArmor(t, key))
	if err != nil {
		t.Fatalf("ParsePublicKey: %v", err)
	}
	if len(got.Fingerprint) != 64 || got.Fingerprint != strings.ToUpper(key.GetFingerprint()) {
		t.Errorf("Fingerprint = %q, want %q (64 characters)", got.Fingerprint, strings.ToUpper(key.GetFingerprint()))
	}
	if got.Algorithm != "Ed25519" {
		t.Errorf("Algorithm = %q, want Ed25519", got.Algorithm)
	}
	if strings.Contains(got.Armored, "\n=") {
		t.Errorf("Armored has a CRC-24 checksum, which RFC 9580 drops for v6 keys:\n%s", got.Armored)
	}
}

func TestParsePublicKeyUserIDs(t *testing.T) {
	key := generate(t, crypto.PGP(), func(b *crypto.KeyGenerationBuilder) {
		b.AddUserId("Project Jupyter", "security@jupyter.org")
		b.AddUserId("Jupyter Bounty", "bounty@jupyter.test")
	})
	in := publicArmor(t, key)
	first, err := ParsePublicKey(in)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"Jupyter Bounty <bounty@jupyter.test>",
		"Jupyter Security <security@jupyter.test>",
		"Project Jupyter <security@jupyter.org>",
	}
	if !slices.Equal(first.UserIDs, want) {
		t.Errorf("UserIDs = %q, want %q", first.UserIDs, want)
	}
	// The library keeps user IDs in a map; the output must not follow
	// its random order.
	for range 20 {
		got, err := ParsePublicKey(in)
		if err != nil {
			t.Fatal(err)
		}
		if got.Armored != first.Armored {
			t.Fatalf("Armored differs between two parses of the same key")
		}
	}
}

func TestParsePublicKeyExpiry(t *testing.T) {
	created := time.Now().Add(-48 * time.Hour).Truncate(time.Second)
	key := generate(t, crypto.PGP(), func(b *crypto.KeyGenerationBuilder) {
		b.GenerationTime(created.Unix()).Lifetime(3600)
	})
	in := publicArmor(t, key)
	expires := created.Add(time.Hour).UTC()

	got, err := ParsePublicKeyAt(in, created.Add(30*time.Minute))
	if err != nil {
		t.Fatalf("ParsePublicKeyAt(before expiry): %v", err)
	}
	if got.Expires == nil || !got.Expires.Equal(expires) {
		t.Errorf("Expires = %v, want %v", got.Expires, expires)
	}
	if !got.Created.Equal(created) {
		t.Errorf("Created = %v, want %v", got.Created, created)
	}

	_, err = ParsePublicKey(in)
	if !errors.Is(err, ErrExpired) {
		t.Fatalf("ParsePublicKey(expired key) = %v, want ErrExpired", err)
	}
	if want := "this key expired on " + expires.Format(time.DateOnly) + ":"; !strings.HasPrefix(err.Error(), want) {
		t.Errorf("error = %q, want it to start with %q", err, want)
	}
}

func TestParsePublicKeyRefused(t *testing.T) {
	key := mustV4(t)
	pub := publicArmor(t, key)

	private, err := key.Armor()
	if err != nil {
		t.Fatal(err)
	}
	locked, err := crypto.PGP().LockKey(key, []byte("correct horse battery staple"))
	if err != nil {
		t.Fatal(err)
	}
	lockedArmor, err := locked.Armor()
	if err != nil {
		t.Fatal(err)
	}
	privateBytes, err := key.Serialize()
	if err != nil {
		t.Fatal(err)
	}
	privateAsPublic, err := armor.ArmorWithType(privateBytes, constants.PublicKeyHeader)
	if err != nil {
		t.Fatal(err)
	}

	other := generate(t, crypto.PGP(), nil)
	pubBytes, _ := key.GetPublicKey()
	otherBytes, _ := other.GetPublicKey()
	twoInOneBlock, err := armor.ArmorWithType(append(slices.Clone(pubBytes), otherBytes...), constants.PublicKeyHeader)
	if err != nil {
		t.Fatal(err)
	}

	revokedKey := generate(t, crypto.PGP(), nil)
	if err := revokedKey.GetEntity().Revoke(0, "superseded by a new key", nil); err != nil {
		t.Fatal(err)
	}
	revoked := publicArmor(t, revokedKey)

	// The primary key only signs; without its subkey nothing can encrypt.
	signOnlyKey := generate(t, crypto.PGP(), nil)
	signOnlyKey.GetEntity().Subkeys = nil
	signOnly := publicArmor(t, signOnlyKey)

	lines := strings.Split(pub, "\n")
	truncated := strings.Join(lines[:len(lines)/2], "\n") + "\n-----END PGP PUBLIC KEY BLOCK-----\n"
	message, err := armor.ArmorPGPMessage([]byte("not a key"))
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name string
		in   string
		want error
	}{
		{"private key", private, ErrPrivateKey},
		{"locked private key", lockedArmor, ErrPrivateKey},
		{"private key in a public armor", privateAsPublic, ErrPrivateKey},
		{"public and private", pub + "\n" + private, ErrPrivateKey},
		{"empty", "", ErrNotPublicKey},
		{"garbage", "hello, this is my key", ErrNotPublicKey},
		{"binary key", string(pubBytes), ErrNotPublicKey},
		{"armored garbage", "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nbm90IGEga2V5\n-----END PGP PUBLIC KEY BLOCK-----\n", ErrNotPublicKey},
		{"truncated", truncated, ErrNotPublicKey},
		{"a message", message, ErrNotPublicKey},
		{"fingerprint only", key.GetFingerprint(), ErrNotPublicKey},
		{"two blocks", pub + "\n" + publicArmor(t, other), ErrSeveralKeys},
		{"two keys in one block", twoInOneBlock, ErrSeveralKeys},
		{"revoked", revoked, ErrRevoked},
		{"no encryption subkey", signOnly, ErrNoEncryption},
		{"too large", pub + strings.Repeat(" ", MaxSize), ErrTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParsePublicKey(tt.in)
			if !errors.Is(err, tt.want) {
				t.Errorf("ParsePublicKey() = %+v, %v; want %v", got.Fingerprint, err, tt.want)
			}
		})
	}

	if _, err := ParsePublicKey(pub + strings.Repeat(" ", MaxSize-len(pub))); err != nil {
		t.Errorf("ParsePublicKey(exactly MaxSize bytes) = %v, want nil", err)
	}
}

func TestErrorsAreSentences(t *testing.T) {
	if got, want := ErrPrivateKey.Error(), "this is a private key: paste the public key only"; got != want {
		t.Errorf("ErrPrivateKey = %q, want %q", got, want)
	}
	if got := ErrNotPublicKey.Error(); !strings.HasPrefix(got, "not an OpenPGP public key") {
		t.Errorf("ErrNotPublicKey = %q, want it to start with %q", got, "not an OpenPGP public key")
	}
}

func TestFormatFingerprint(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"5f2de5521c63a801ab59ccb603d49de44b29100f", "5F2D E552 1C63 A801 AB59 CCB6 03D4 9DE4 4B29 100F"},
		{"5F2D E552 1C63 A801 AB59  CCB6 03D4 9DE4 4B29 100F", "5F2D E552 1C63 A801 AB59 CCB6 03D4 9DE4 4B29 100F"},
		{
			"cb186c4f0609a697e4d52dfa6c722b0c1f1e27c18a56708f6525ec27bad9acc9",
			"CB18 6C4F 0609 A697 E4D5 2DFA 6C72 2B0C 1F1E 27C1 8A56 708F 6525 EC27 BAD9 ACC9",
		},
		{"ABCDE", "ABCD E"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := FormatFingerprint(tt.in); got != tt.want {
			t.Errorf("FormatFingerprint(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if got := FormatFingerprint(FormatFingerprint(tt.in)); got != tt.want {
			t.Errorf("FormatFingerprint twice on %q = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestAlgorithm(t *testing.T) {
	size := func(n uint16) func() (uint16, error) { return func() (uint16, error) { return n, nil } }
	noSize := func() (uint16, error) { return 0, errors.New("bad public-key algorithm") }
	tests := []struct {
		id   uint8
		bits func() (uint16, error)
		want string
	}{
		{1, size(4096), "RSA-4096"},
		{3, size(2048), "RSA-2048"},
		{17, size(3072), "DSA-3072"},
		{1, noSize, "RSA"},
		{19, size(515), "ECDSA"},
		{22, size(263), "EdDSA"},
		{27, size(256), "Ed25519"},
		{28, size(456), "Ed448"},
		{99, noSize, "algorithm 99"},
	}
	for _, tt := range tests {
		if got := algorithm(tt.id, tt.bits); got != tt.want {
			t.Errorf("algorithm(%d) = %q, want %q", tt.id, got, tt.want)
		}
	}
}
