// Package pgp owns the OpenPGP public key a program publishes so that
// researchers and guest reporters can encrypt their reports (PRODUCT.md:
// "optional PGP key"; Jupyter offers one for its security@ mailbox).
//
// ParsePublicKey takes what a program owner pastes and either returns a
// PublicKey, with its fingerprint, user IDs, dates and algorithm, or a
// sentence that tells the owner what to fix. It accepts exactly one
// ASCII-armored public key, version 4 or 6, that is neither expired nor
// revoked and can encrypt at the time of the check. It refuses a private
// key (ErrPrivateKey: pasting one by mistake is the costly error this
// package exists to catch), anything that is not a public key
// (ErrNotPublicKey), several keys, and more than MaxSize bytes.
//
// The stored form is re-armored canonically: no Version or Comment
// headers, user IDs in sorted order, and certifications by other keys
// dropped, as gpg's export-minimal does. The result is the same bytes
// whatever headers or signatures the owner's tool added, it stays small,
// and third-party signatures (the certificate-flooding attack of
// CVE-2019-13050) cannot bloat a program page.
//
// Fingerprints are upper-case hex without spaces: 40 characters for a v4
// key, 64 for a v6 key. FormatFingerprint groups them for display.
//
// Package pgp imports the standard library and
// github.com/ProtonMail/gopenpgp/v3. It is a leaf: it must not import any
// other Haven package, and it does no I/O. Only ParsePublicKey reads the
// clock; ParsePublicKeyAt takes the time instead.
package pgp
