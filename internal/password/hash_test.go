package password

import (
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"
)

// cheap is a Hasher fast enough for table tests. Nothing tested with it
// depends on the cost.
var cheap = Hasher{Memory: 1024, Time: 1, Threads: 1}

func mustHash(t testing.TB, h Hasher, pw string) string {
	t.Helper()
	enc, err := h.Hash(pw)
	if err != nil {
		t.Fatalf("Hash: %v", err)
	}
	return enc
}

func TestHashFormat(t *testing.T) {
	enc := mustHash(t, Default, "correct horse battery staple")
	// 16 bytes of salt are 22 base64 characters, 32 bytes of key 43.
	re := regexp.MustCompile(`^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$`)
	if !re.MatchString(enc) {
		t.Errorf("Hash = %q, want match for %s", enc, re)
	}
	d, err := decode(enc)
	if err != nil {
		t.Fatalf("decode(Hash(...)): %v", err)
	}
	if d.Hasher != Default || len(d.salt) != 16 || len(d.key) != 32 {
		t.Errorf("decoded %+v with %d-byte salt, %d-byte key; want %+v, 16, 32", d.Hasher, len(d.salt), len(d.key), Default)
	}
}

func TestHashSaltsDiffer(t *testing.T) {
	a := mustHash(t, cheap, "same password")
	b := mustHash(t, cheap, "same password")
	if a == b {
		t.Errorf("two hashes of one password are equal: %q", a)
	}
}

func TestVerify(t *testing.T) {
	long := strings.Repeat("x", 1000)
	tests := []struct {
		name    string
		pw, try string
		want    bool
	}{
		{"same", "correct horse", "correct horse", true},
		{"wrong", "correct horse", "correct house", false},
		{"empty try", "correct horse", "", false},
		{"case differs", "correct horse", "Correct horse", false},
		{"trailing space", "correct horse", "correct horse ", false},
		{"prefix", "correct horse", "correct hors", false},
		{"unicode same", "pässwörd ünïcode", "pässwörd ünïcode", true},
		{"unicode differs", "pässwörd ünïcode", "passwörd ünïcode", false},
		{"1000 bytes same", long, long, true},
		{"1000 bytes, last differs", long, long[:999] + "y", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			enc := mustHash(t, cheap, tt.pw)
			got, err := cheap.Verify(tt.try, enc)
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if got != tt.want {
				t.Errorf("Verify(%.20q, Hash(%.20q)) = %t, want %t", tt.try, tt.pw, got, tt.want)
			}
		})
	}
}

// TestNoTruncation guards against bcrypt's trap, which ignores everything
// after byte 72 (ASVS 6.2.8). It uses Default, the production parameters.
func TestNoTruncation(t *testing.T) {
	base := strings.Repeat("a", 300)
	for _, i := range []int{72, 73, 255, 299} { // 0-based: byte 73, 74, 256, 300
		a := base[:i] + "A" + base[i+1:]
		b := base[:i] + "B" + base[i+1:]
		enc := mustHash(t, Default, a)
		if ok, err := Verify(a, enc); !ok || err != nil {
			t.Fatalf("byte %d: Verify(a, Hash(a)) = %t, %v; want true, nil", i+1, ok, err)
		}
		if ok, err := Verify(b, enc); ok || err != nil {
			t.Errorf("byte %d: passwords differing only there verify alike: Verify(b, Hash(a)) = %t, %v; want false, nil", i+1, ok, err)
		}
	}
}

// TestVerifyUsesStoredParams checks that Verify reads the cost from the
// hash, so changing Default does not lock anyone out.
func TestVerifyUsesStoredParams(t *testing.T) {
	tests := []struct {
		name         string
		hash, verify Hasher
	}{
		{"cheap hash, default verifier", cheap, Default},
		{"default hash, cheap verifier", Default, cheap},
		{"two lanes", Hasher{Memory: 64, Time: 3, Threads: 2}, Default},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			enc := mustHash(t, tt.hash, "hunter2 hunter2")
			if ok, err := tt.verify.Verify("hunter2 hunter2", enc); !ok || err != nil {
				t.Errorf("Verify = %t, %v; want true, nil", ok, err)
			}
		})
	}
}

func TestVerifyMalformed(t *testing.T) {
	good := mustHash(t, cheap, "pw")
	f := strings.Split(good, "$") // "", "argon2id", "v=19", params, salt, key
	salt, key := f[4], f[5]
	join := func(alg, ver, params, salt, key string) string {
		return strings.Join([]string{"", alg, ver, params, salt, key}, "$")
	}
	tests := []struct {
		name, encoded string
	}{
		{"empty", ""},
		{"plain text", "pw"},
		{"bcrypt", "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy"},
		{"no leading dollar", strings.TrimPrefix(good, "$")},
		{"extra field", good + "$x"},
		{"trailing dollar", good + "$"},
		{"missing version", strings.Join([]string{"", "argon2id", "m=1024,t=1,p=1", salt, key}, "$")},
		{"argon2i", join("argon2i", "v=19", "m=1024,t=1,p=1", salt, key)},
		{"argon2d", join("argon2d", "v=19", "m=1024,t=1,p=1", salt, key)},
		{"upper-case algorithm", join("ARGON2ID", "v=19", "m=1024,t=1,p=1", salt, key)},
		{"version 16", join("argon2id", "v=16", "m=1024,t=1,p=1", salt, key)},
		{"params reordered", join("argon2id", "v=19", "t=1,m=1024,p=1", salt, key)},
		{"param missing", join("argon2id", "v=19", "m=1024,t=1", salt, key)},
		{"param extra", join("argon2id", "v=19", "m=1024,t=1,p=1,k=2", salt, key)},
		{"space in params", join("argon2id", "v=19", "m=1024, t=1,p=1", salt, key)},
		{"m=0", join("argon2id", "v=19", "m=0,t=1,p=1", salt, key)},
		{"t=0", join("argon2id", "v=19", "m=1024,t=0,p=1", salt, key)},
		{"p=0", join("argon2id", "v=19", "m=1024,t=1,p=0", salt, key)},
		{"m below 8 per lane", join("argon2id", "v=19", "m=8,t=1,p=2", salt, key)},
		{"leading zero", join("argon2id", "v=19", "m=01024,t=1,p=1", salt, key)},
		{"plus sign", join("argon2id", "v=19", "m=+1024,t=1,p=1", salt, key)},
		{"negative", join("argon2id", "v=19", "m=-1024,t=1,p=1", salt, key)},
		{"hex", join("argon2id", "v=19", "m=0x400,t=1,p=1", salt, key)},
		{"m overflows uint32", join("argon2id", "v=19", "m=4294967296,t=1,p=1", salt, key)},
		{"m too large", join("argon2id", "v=19", "m=4294967295,t=1,p=1", salt, key)},
		{"t too large", join("argon2id", "v=19", "m=1024,t=100000,p=1", salt, key)},
		{"p over 255", join("argon2id", "v=19", "m=1024,t=1,p=256", salt, key)},
		{"salt padded", join("argon2id", "v=19", "m=1024,t=1,p=1", salt+"==", key)},
		{"salt not base64", join("argon2id", "v=19", "m=1024,t=1,p=1", "!!!!!!!!!!!!!!!!!!!!!!", key)},
		{"salt URL alphabet", join("argon2id", "v=19", "m=1024,t=1,p=1", "-_-_-_-_-_-_-_-_-_-_-_", key)},
		{"salt with newline", join("argon2id", "v=19", "m=1024,t=1,p=1", salt[:10]+"\n"+salt[10:], key)},
		{"salt empty", join("argon2id", "v=19", "m=1024,t=1,p=1", "", key)},
		{"salt 4 bytes", join("argon2id", "v=19", "m=1024,t=1,p=1", "AAAAAA", key)},
		{"key 8 bytes", join("argon2id", "v=19", "m=1024,t=1,p=1", salt, "AAAAAAAAAAA")},
		{"key 65 bytes", join("argon2id", "v=19", "m=1024,t=1,p=1", salt, strings.Repeat("A", 87))},
		// 43 characters carry 258 bits for a 256-bit key; "B" sets one of the
		// two spare bits, which a canonical encoding leaves zero.
		{"key non-canonical last char", join("argon2id", "v=19", "m=1024,t=1,p=1", salt, key[:42]+"B")},
		{"key with newline", join("argon2id", "v=19", "m=1024,t=1,p=1", salt, key+"\n")},
		{"surrounding space", " " + good + " "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, err := cheap.Verify("pw", tt.encoded)
			if ok || !errors.Is(err, ErrMalformedHash) {
				t.Fatalf("Verify(%q) = %t, %v; want false, ErrMalformedHash", tt.encoded, ok, err)
			}
			// The error may end up in a log: it must not carry the hash.
			for _, secret := range []string{salt, key, tt.encoded} {
				if len(secret) >= 6 && strings.Contains(err.Error(), secret) {
					t.Errorf("error %q quotes the hash", err)
				}
			}
			if !cheap.NeedsRehash(tt.encoded) {
				t.Errorf("NeedsRehash(%q) = false, want true", tt.encoded)
			}
		})
	}
}

func TestNeedsRehash(t *testing.T) {
	defaultHash := mustHash(t, Default, "pw")
	cheapHash := mustHash(t, cheap, "pw")
	shortKey := Default.encode(make([]byte, 16), make([]byte, 16))
	longSalt := Default.encode(make([]byte, 32), make([]byte, 32))
	tests := []struct {
		name    string
		h       Hasher
		encoded string
		want    bool
	}{
		{"default, current", Default, defaultHash, false},
		{"cheap, current", cheap, cheapHash, false},
		{"cheap hash, default hasher", Default, cheapHash, true},
		{"default hash, cheap hasher", cheap, defaultHash, true},
		{"time raised", Hasher{Memory: 19456, Time: 3, Threads: 1}, defaultHash, true},
		{"memory raised", Hasher{Memory: 47104, Time: 2, Threads: 1}, defaultHash, true},
		{"threads raised", Hasher{Memory: 19456, Time: 2, Threads: 2}, defaultHash, true},
		{"16-byte key", Default, shortKey, true},
		{"32-byte salt", Default, longSalt, true},
		{"malformed", Default, "$argon2id$v=19$garbage", true},
		{"empty", Default, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.h.NeedsRehash(tt.encoded); got != tt.want {
				t.Errorf("%+v.NeedsRehash(%q) = %t, want %t", tt.h, tt.encoded, got, tt.want)
			}
		})
	}
	if NeedsRehash(defaultHash) {
		t.Error("package NeedsRehash(Hash(pw)) = true, want false")
	}
}

// TestInvalidHasher checks that bad parameters give an error, not the
// panic argon2 raises for them.
func TestInvalidHasher(t *testing.T) {
	tests := []struct {
		name string
		h    Hasher
	}{
		{"zero", Hasher{}},
		{"no time", Hasher{Memory: 1024, Threads: 1}},
		{"no threads", Hasher{Memory: 1024, Time: 1}},
		{"memory under 8 per thread", Hasher{Memory: 15, Time: 1, Threads: 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if enc, err := tt.h.Hash("pw"); err == nil {
				t.Errorf("Hash = %q, nil; want an error", enc)
			}
			tt.h.DummyVerify("pw") // must not panic
		})
	}
}

// TestDummyVerifyTime checks that DummyVerify costs what a failed Verify
// costs, so log-in does not tell known from unknown e-mail addresses. The
// bounds are loose; the minimum of several runs keeps out scheduler noise.
func TestDummyVerifyTime(t *testing.T) {
	if testing.Short() {
		t.Skip("timing test")
	}
	enc := mustHash(t, Default, "the real password")
	fastest := func(f func()) time.Duration {
		best := time.Duration(1 << 62)
		for range 5 {
			start := time.Now()
			f()
			best = min(best, time.Since(start))
		}
		return best
	}
	verify := fastest(func() { _, _ = Verify("a wrong password", enc) })
	dummy := fastest(func() { DummyVerify("a wrong password") })
	if ratio := float64(dummy) / float64(verify); ratio < 0.5 || ratio > 2 {
		t.Errorf("DummyVerify took %v, Verify %v (ratio %.2f); want about the same", dummy, verify, ratio)
	}
}

// FuzzDecode checks that decode never panics, and that whatever it accepts
// is written back unchanged by encode: each hash has exactly one spelling.
func FuzzDecode(f *testing.F) {
	f.Add(mustHash(f, cheap, "pw"))
	f.Add("$argon2id$v=19$m=19456,t=2,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
	f.Add("$argon2id$v=19$m=01024,t=1,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
	f.Add("$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		d, err := decode(s)
		if err != nil {
			if !errors.Is(err, ErrMalformedHash) {
				t.Fatalf("decode error %v does not wrap ErrMalformedHash", err)
			}
			return
		}
		if got := d.encode(d.salt, d.key); got != s {
			t.Errorf("decode accepted %q, which encodes back as %q", s, got)
		}
	})
}

func BenchmarkHash(b *testing.B) {
	for b.Loop() {
		if _, err := Hash("correct horse battery staple"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerify(b *testing.B) {
	enc := mustHash(b, Default, "correct horse battery staple")
	for b.Loop() {
		if ok, err := Verify("correct horse battery staple", enc); !ok || err != nil {
			b.Fatal(ok, err)
		}
	}
}

func BenchmarkDummyVerify(b *testing.B) {
	for b.Loop() {
		DummyVerify("correct horse battery staple")
	}
}
