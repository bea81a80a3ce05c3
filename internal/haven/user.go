package haven

import "time"

// User is an account.
type User struct {
	ID              int64
	Email           string
	DisplayName     string
	Admin           bool
	EmailVerifiedAt *time.Time
	DisabledAt      *time.Time
	TOTPEnabled     bool
	CreatedAt       time.Time
	// PasswordHash is the argon2id PHC string; it never leaves the
	// server and is not serialized.
	PasswordHash string `json:"-"`
}

// Verified reports whether the account confirmed its e-mail address.
func (u *User) Verified() bool { return u.EmailVerifiedAt != nil }

// Disabled reports whether an admin disabled the account.
func (u *User) Disabled() bool { return u.DisabledAt != nil }

// Name returns the display name, or the e-mail address when there is none.
func (u *User) Name() string {
	if u.DisplayName != "" {
		return u.DisplayName
	}
	return u.Email
}

// Session is a signed-in browser. Its secret is never stored: only a hash.
type Session struct {
	ID         int64
	UserID     int64
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time // absolute timeout
	// MFAPending is true between a correct password and a correct second
	// factor: such a session grants nothing but the two-factor page.
	MFAPending bool
	// ReauthAt is when the person last proved their password; changing
	// the e-mail address or two-factor settings needs a recent one.
	ReauthAt  time.Time
	IP        string
	UserAgent string
}

// Token is a personal API token. Its secret is shown once and stored hashed.
type Token struct {
	ID         int64
	UserID     int64
	Name       string
	Prefix     string // first characters of the secret, to recognise it in lists
	CreatedAt  time.Time
	LastUsedAt *time.Time
	ExpiresAt  *time.Time
	RevokedAt  *time.Time
}

// Active reports whether the token can authenticate at time now.
func (t *Token) Active(now time.Time) bool {
	return t.RevokedAt == nil && (t.ExpiresAt == nil || now.Before(*t.ExpiresAt))
}

// Membership is an account's role on a program.
type Membership struct {
	ProgramID int64
	UserID    int64
	Role      Role
	CreatedAt time.Time
}

// AuditEntry is one record of the hash-chained audit log.
type AuditEntry struct {
	Seq      int64
	At       time.Time
	ActorID  int64 // 0 for visitors and the system
	Action   string
	Target   string
	Detail   string // JSON; never secrets
	IP       string
	PrevHash string
	Hash     string
}
