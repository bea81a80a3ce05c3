// Package password owns how Haven stores and judges passwords (ASVS V6):
// argon2id hashes in PHC string form, and the policy a new password must
// meet.
//
// Hashing: Hash returns a self-describing string such as
//
//	$argon2id$v=19$m=19456,t=2,p=1$<salt>$<key>
//
// and Verify reads the cost parameters back from that string, so the
// parameters can be raised later without breaking stored hashes; after a
// successful log-in, NeedsRehash tells the caller to store a fresh hash.
// argon2id hashes the whole password, so there is no 72-byte truncation as
// with bcrypt (ASVS 6.2.8). Default holds the production parameters, OWASP's
// argon2id setting of 19 MiB, two passes, one lane. Code that needs cheap
// hashing in tests uses its own Hasher, for example
// Hasher{Memory: 1024, Time: 1, Threads: 1}, carried in a struct field
// rather than by changing Default.
//
// Log-in answers alike for known and unknown e-mail addresses (ASVS 6.3.8)
// only if both cost the same time, so a log-in handler does:
//
//	u, err := lookUpUser(email)
//	if err != nil {
//		h.DummyVerify(pw) // same argon2id work as a real Verify
//		return errBadLogin
//	}
//	ok, err := h.Verify(pw, u.PasswordHash)
//	if err != nil || !ok {
//		return errBadLogin
//	}
//	if h.NeedsRehash(u.PasswordHash) {
//		// store h.Hash(pw)
//	}
//
// Policy: Check applies the rules for a new password at registration,
// change and reset, the same on every channel (ASVS 6.2.1, 6.2.4, 6.2.5,
// 6.2.9, 6.3.4): 8 to 256 characters, no composition rules, not a common
// password (the embedded common.txt, from SecLists), not one character
// repeated, and not the user's own e-mail address or its local part. Its
// errors are *PolicyError values whose text is a sentence to show the user.
//
// Package password imports only the standard library and
// golang.org/x/crypto. It is a leaf: it must not import any other Haven
// package, and it never logs; errors never contain a password or a hash.
package password
