package pgp

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/ProtonMail/gopenpgp/v3/armor"
	"github.com/ProtonMail/gopenpgp/v3/constants"
	"github.com/ProtonMail/gopenpgp/v3/crypto"
)

// MaxSize is the largest armored key ParsePublicKey accepts, in bytes.
// A typical key is 1 to 10 KB; more means a key full of third-party
// signatures, which export-minimal leaves out.
const MaxSize = 64 << 10

// Errors that ParsePublicKey returns, possibly wrapped with details; test
// for them with errors.Is. Their text is a sentence for the key's owner.
var (
	ErrPrivateKey   = errors.New("this is a private key: paste the public key only")
	ErrNotPublicKey = errors.New("not an OpenPGP public key: paste the block that starts with -----BEGIN PGP PUBLIC KEY BLOCK-----")
	ErrSeveralKeys  = errors.New("this holds more than one key: paste one public key")
	ErrTooLarge     = errors.New("this key is larger than 64 KB: export it without third-party signatures, with gpg --armor --export-options export-minimal --export <key id>")
	ErrExpired      = errors.New("this key expired")
	ErrRevoked      = errors.New("this key has been revoked: paste a current key")
	ErrNoEncryption = errors.New("this key cannot encrypt: it needs a valid encryption subkey")
	ErrVersion      = errors.New("this key's OpenPGP version is not supported: use a version 4 or version 6 key")
)

// A PublicKey is a checked OpenPGP public key.
type PublicKey struct {
	// Armored is the key re-armored canonically (see the package
	// documentation); store and serve this, not the pasted text.
	Armored string
	// Fingerprint is upper-case hex: 40 characters for a v4 key, 64 for v6.
	Fingerprint string
	// UserIDs are the key's valid user IDs, such as
	// "Jupyter Security <security@jupyter.org>", sorted. A v6 key may
	// have none.
	UserIDs []string
	Created time.Time  // creation time of the primary key, in UTC
	Expires *time.Time // nil when the key does not expire
	// Algorithm names the primary key's algorithm, such as "EdDSA",
	// "Ed25519" or "RSA-4096".
	Algorithm string
}

const (
	publicHeader  = "-----BEGIN " + constants.PublicKeyHeader + "-----"
	privateHeader = "-----BEGIN " + constants.PrivateKeyHeader + "-----"
)

// ParsePublicKey is ParsePublicKeyAt with the current time.
func ParsePublicKey(armored string) (PublicKey, error) {
	return ParsePublicKeyAt(armored, time.Now())
}

// ParsePublicKeyAt checks one ASCII-armored OpenPGP public key as of now
// and returns it re-armored with its details. Text before the armor, such
// as the start of an e-mail, is ignored. The errors are the Err values of
// this package.
func ParsePublicKeyAt(armored string, now time.Time) (PublicKey, error) {
	if len(armored) > MaxSize {
		return PublicKey{}, ErrTooLarge
	}
	if strings.Contains(armored, privateHeader) {
		return PublicKey{}, ErrPrivateKey
	}
	start := strings.Index(armored, publicHeader)
	if start < 0 {
		return PublicKey{}, ErrNotPublicKey
	}
	if strings.Count(armored, publicHeader) > 1 {
		return PublicKey{}, ErrSeveralKeys
	}
	data, err := armor.Unarmor(armored[start:])
	if err != nil {
		return PublicKey{}, ErrNotPublicKey
	}
	ring, err := crypto.NewKeyRingFromBinary(data)
	if err != nil {
		return PublicKey{}, ErrNotPublicKey
	}
	switch ring.CountEntities() {
	case 0:
		return PublicKey{}, ErrNotPublicKey
	case 1:
	default:
		return PublicKey{}, ErrSeveralKeys
	}
	key, err := crypto.NewKey(data)
	if err != nil {
		return PublicKey{}, ErrNotPublicKey
	}
	if key.IsPrivate() {
		return PublicKey{}, ErrPrivateKey
	}
	version := key.GetVersion()
	if version != 4 && version != 6 {
		return PublicKey{}, fmt.Errorf("%w (this one is version %d)", ErrVersion, version)
	}

	e := key.GetEntity()
	pk := PublicKey{
		Fingerprint: strings.ToUpper(key.GetFingerprint()),
		Created:     e.PrimaryKey.CreationTime.UTC(),
		Algorithm:   algorithm(uint8(e.PrimaryKey.PubKeyAlgo), e.PrimaryKey.BitLength),
	}
	// The self-signature valid at any time gives the expiry even of a
	// key that has expired, for the error message.
	if sig, err := e.PrimarySelfSignature(time.Time{}, nil); err == nil && sig.KeyLifetimeSecs != nil && *sig.KeyLifetimeSecs > 0 {
		exp := pk.Created.Add(time.Duration(*sig.KeyLifetimeSecs) * time.Second)
		pk.Expires = &exp
	}

	unix := now.Unix()
	if pk.Created.After(now) {
		return PublicKey{}, fmt.Errorf("%w: its creation date (%s) is in the future; check the clock of the machine that made it", ErrNotPublicKey, pk.Created.Format(time.DateOnly))
	}
	if key.IsRevoked(unix) {
		return PublicKey{}, ErrRevoked
	}
	if key.IsExpired(unix) {
		if pk.Expires != nil && !pk.Expires.After(now) {
			return PublicKey{}, fmt.Errorf("%w on %s: extend its expiry date or paste a current key", ErrExpired, pk.Expires.Format(time.DateOnly))
		}
		return PublicKey{}, fmt.Errorf("%w: extend its expiry date or paste a current key", ErrExpired)
	}
	if _, err := e.VerifyPrimaryKey(now, nil); err != nil {
		return PublicKey{}, fmt.Errorf("%w (its self-signature is not valid)", ErrNotPublicKey)
	}
	if !key.CanEncrypt(unix) {
		return PublicKey{}, ErrNoEncryption
	}

	for name, id := range e.Identities {
		if _, err := id.Verify(now, nil); err == nil {
			pk.UserIDs = append(pk.UserIDs, name)
		}
		id.OtherCertifications = nil // export-minimal
	}
	slices.Sort(pk.UserIDs)

	var buf bytes.Buffer
	if err := serialize(&buf, key); err != nil {
		return PublicKey{}, fmt.Errorf("%w (%v)", ErrNotPublicKey, err)
	}
	// RFC 9580 drops the armor checksum for v6 keys; v4 readers expect it.
	pk.Armored, err = armor.ArmorWithTypeAndCustomHeadersChecksum(buf.Bytes(), constants.PublicKeyHeader, "", "", version != 6)
	if err != nil {
		return PublicKey{}, fmt.Errorf("%w (%v)", ErrNotPublicKey, err)
	}
	return pk, nil
}

// serialize writes the public part of key as gopenpgp's Key.GetPublicKey
// does, but with the user IDs in sorted order: the library walks a map,
// so its output order changes from run to run.
func serialize(buf *bytes.Buffer, key *crypto.Key) error {
	e := key.GetEntity()
	if err := e.PrimaryKey.Serialize(buf); err != nil {
		return err
	}
	for _, r := range e.Revocations {
		if err := r.Packet.Serialize(buf); err != nil {
			return err
		}
	}
	for _, d := range e.DirectSignatures {
		if err := d.Packet.Serialize(buf); err != nil {
			return err
		}
	}
	names := make([]string, 0, len(e.Identities))
	for name := range e.Identities {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		if err := e.Identities[name].Serialize(buf); err != nil {
			return err
		}
	}
	for i := range e.Subkeys {
		if err := e.Subkeys[i].Serialize(buf, false); err != nil {
			return err
		}
	}
	return nil
}

// algorithm names an OpenPGP public-key algorithm (RFC 9580, section
// 9.1). The numbers are the registry's; bits is consulted for the
// algorithms whose strength is their size.
func algorithm(id uint8, bits func() (uint16, error)) string {
	sized := func(name string) string {
		if n, err := bits(); err == nil && n > 0 {
			return fmt.Sprintf("%s-%d", name, n)
		}
		return name
	}
	switch id {
	case 1, 2, 3:
		return sized("RSA")
	case 16:
		return sized("ElGamal")
	case 17:
		return sized("DSA")
	case 18:
		return "ECDH"
	case 19:
		return "ECDSA"
	case 22:
		return "EdDSA"
	case 25:
		return "X25519"
	case 26:
		return "X448"
	case 27:
		return "Ed25519"
	case 28:
		return "Ed448"
	case 30:
		return "ML-DSA-65+Ed25519"
	case 31:
		return "ML-DSA-87+Ed448"
	case 32, 33, 34:
		return "SLH-DSA"
	}
	return fmt.Sprintf("algorithm %d", id)
}

// FormatFingerprint returns fp in upper case in groups of four characters
// separated by spaces, for people to compare: "ABCD 1234 ...". Spaces
// already in fp are removed first, so formatting twice changes nothing.
func FormatFingerprint(fp string) string {
	fp = strings.ToUpper(strings.Join(strings.Fields(fp), ""))
	var b strings.Builder
	n := 0
	for _, r := range fp {
		if n > 0 && n%4 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
		n++
	}
	return b.String()
}
