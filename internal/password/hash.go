package password

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Lengths of what Hash generates. Verify accepts other lengths within
// limits, so that stored hashes survive a change of these.
const (
	saltLen = 16
	keyLen  = 32
)

// Limits on what Verify accepts from a stored hash. They keep a corrupt or
// planted hash from costing gigabytes or minutes, and sit far above any
// setting Haven would choose.
const (
	maxMemory  = 4 << 20 // KiB, so 4 GiB
	maxTime    = 1 << 10
	minSaltLen = 8
	maxSaltLen = 64
	minKeyLen  = 16
	maxKeyLen  = 64
)

// ErrMalformedHash is wrapped by the error Verify returns for a string that
// is not an argon2id hash it can check. The error never quotes the string.
var ErrMalformedHash = errors.New("password: malformed hash")

// b64 is the PHC string encoding: standard alphabet, no padding. decode
// also re-encodes what it read (the decoder skips CR and LF even when
// strict), so each hash has exactly one spelling.
var b64 = base64.RawStdEncoding.Strict()

// A Hasher hashes and verifies passwords with argon2id at fixed cost
// parameters. The zero value is not usable; start from Default.
type Hasher struct {
	// Memory is the memory cost in KiB (argon2 m). It must be at least
	// 8 × Threads.
	Memory uint32
	// Time is the number of passes over the memory (argon2 t), at least 1.
	Time uint32
	// Threads is the degree of parallelism (argon2 p), at least 1. It
	// changes the result, so it is part of the stored parameters.
	Threads uint8
}

// Default is the Hasher for production: OWASP's argon2id setting of
// m=19456 (19 MiB), t=2, p=1. Raising it later is safe: old hashes still
// verify, and NeedsRehash reports them. Treat it as read-only; code that
// wants other parameters uses its own Hasher.
var Default = Hasher{Memory: 19456, Time: 2, Threads: 1}

// Hash hashes pw with Default. See Hasher.Hash.
func Hash(pw string) (string, error) { return Default.Hash(pw) }

// Verify reports whether pw matches encoded. See Hasher.Verify.
func Verify(pw, encoded string) (ok bool, err error) { return Default.Verify(pw, encoded) }

// NeedsRehash reports whether encoded was not made with Default's
// parameters. See Hasher.NeedsRehash.
func NeedsRehash(encoded string) bool { return Default.NeedsRehash(encoded) }

// DummyVerify spends the time of a Verify with Default. See
// Hasher.DummyVerify.
func DummyVerify(pw string) { Default.DummyVerify(pw) }

// Hash returns the argon2id hash of pw, with a fresh random 16-byte salt, as
// a PHC string:
//
//	$argon2id$v=19$m=<Memory>,t=<Time>,p=<Threads>$<salt>$<32-byte key>
//
// Hash does not apply the policy; call Check first. It fails only when h's
// parameters are invalid.
func (h Hasher) Hash(pw string) (string, error) {
	if err := h.valid(); err != nil {
		return "", err
	}
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("password: reading salt: %w", err)
	}
	key := argon2.IDKey([]byte(pw), salt, h.Time, h.Memory, h.Threads, keyLen)
	return h.encode(salt, key), nil
}

// Verify reports whether pw matches encoded, a hash made by Hash. It takes
// the cost parameters, salt and key length from encoded, not from h, so
// hashes made with older parameters still verify. The comparison runs in
// constant time. A wrong password gives false and a nil error; a string
// that is not an argon2id PHC hash within sane limits gives false and an
// error wrapping ErrMalformedHash.
func (h Hasher) Verify(pw, encoded string) (ok bool, err error) {
	d, err := decode(encoded)
	if err != nil {
		return false, err
	}
	key := argon2.IDKey([]byte(pw), d.salt, d.Time, d.Memory, d.Threads, uint32(len(d.key)))
	return subtle.ConstantTimeCompare(key, d.key) == 1, nil
}

// NeedsRehash reports whether encoded differs from what h.Hash makes today:
// other cost parameters, salt or key length, or a string Verify cannot read.
// Callers check it after a successful Verify and then store h.Hash(pw).
func (h Hasher) NeedsRehash(encoded string) bool {
	d, err := decode(encoded)
	if err != nil {
		return true
	}
	return d.Hasher != h || len(d.salt) != saltLen || len(d.key) != keyLen
}

// DummyVerify does the work of h.Verify against a hash made with h's
// parameters, and throws the result away. A log-in handler calls it when
// no account has the given e-mail address, so that the answer takes as long
// as a wrong password for a real account (ASVS 6.3.8). Accounts whose hash
// predates a change of parameters verify at their old cost until they are
// rehashed at their next log-in.
func (h Hasher) DummyVerify(pw string) {
	if h.valid() != nil {
		return
	}
	// A fixed all-zero salt and key: nothing depends on their value, and
	// going through encode and Verify repeats the real path step by step.
	var salt [saltLen]byte
	var key [keyLen]byte
	_, _ = h.Verify(pw, h.encode(salt[:], key[:]))
}

// valid reports an error when argon2 would refuse h's parameters (it
// panics on them) or would silently raise Memory.
func (h Hasher) valid() error {
	switch {
	case h.Time < 1:
		return errors.New("password: Hasher.Time must be at least 1")
	case h.Threads < 1:
		return errors.New("password: Hasher.Threads must be at least 1")
	case h.Memory < 8*uint32(h.Threads):
		return errors.New("password: Hasher.Memory must be at least 8 KiB per thread")
	}
	return nil
}

// encode formats a PHC string.
func (h Hasher) encode(salt, key []byte) string {
	return fmt.Sprintf("$argon2id$v=%d$%s$%s$%s",
		argon2.Version, h.params(), b64.EncodeToString(salt), b64.EncodeToString(key))
}

func (h Hasher) params() string {
	return fmt.Sprintf("m=%d,t=%d,p=%d", h.Memory, h.Time, h.Threads)
}

// decoded is a parsed PHC string.
type decoded struct {
	Hasher
	salt, key []byte
}

// decode parses a PHC string strictly: the fields, their order and the
// number spellings must be exactly what encode writes. Errors name the
// field at fault but never quote the input, which is a secret.
func decode(encoded string) (decoded, error) {
	malformed := func(what string) (decoded, error) {
		return decoded{}, fmt.Errorf("%w: %s", ErrMalformedHash, what)
	}
	// "", "argon2id", "v=19", "m=…,t=…,p=…", salt, key
	f := strings.Split(encoded, "$")
	if len(f) != 6 || f[0] != "" {
		return malformed("not a PHC string with five fields")
	}
	if f[1] != "argon2id" {
		return malformed("algorithm is not argon2id")
	}
	if f[2] != "v="+strconv.Itoa(argon2.Version) {
		return malformed("unsupported argon2 version")
	}

	var d decoded
	ps := strings.Split(f[3], ",")
	if len(ps) != 3 {
		return malformed("parameters are not m, t, p")
	}
	for i, name := range []string{"m", "t", "p"} {
		v, ok := strings.CutPrefix(ps[i], name+"=")
		if !ok {
			return malformed("parameters are not m, t, p")
		}
		n, err := strconv.ParseUint(v, 10, 32)
		if err != nil || strconv.FormatUint(n, 10) != v {
			return malformed("parameter " + name + " is not a number")
		}
		switch name {
		case "m":
			d.Memory = uint32(n)
		case "t":
			d.Time = uint32(n)
		case "p":
			if n > 255 {
				return malformed("parameter p is out of range")
			}
			d.Threads = uint8(n)
		}
	}
	if err := d.valid(); err != nil || d.Memory > maxMemory || d.Time > maxTime {
		return malformed("parameters are out of range")
	}

	var err error
	if d.salt, err = b64.DecodeString(f[4]); err != nil || b64.EncodeToString(d.salt) != f[4] {
		return malformed("salt is not unpadded base64")
	}
	if len(d.salt) < minSaltLen || len(d.salt) > maxSaltLen {
		return malformed("salt length is out of range")
	}
	if d.key, err = b64.DecodeString(f[5]); err != nil || b64.EncodeToString(d.key) != f[5] {
		return malformed("key is not unpadded base64")
	}
	if len(d.key) < minKeyLen || len(d.key) > maxKeyLen {
		return malformed("key length is out of range")
	}
	return d, nil
}
