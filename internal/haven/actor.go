package haven

// Actor is whoever makes a request: a visitor (no account), a signed-in
// account, or the system itself (background jobs). Every use case takes
// one and asks it what it may do.
type Actor struct {
	// User is the signed-in account; nil for visitors and the system.
	User *User
	// Memberships maps a program id to the actor's role on it.
	Memberships map[int64]Role
	// SessionID is the session the request came with (0 for API tokens).
	SessionID int64
	// TokenID is the API token the request came with (0 for sessions).
	TokenID int64
	// IP is the client address, for audit records and throttling.
	IP string
	// UserAgent is the client's User-Agent, for the session list.
	UserAgent string

	system bool
}

// Visitor is the anonymous actor.
var Visitor = Actor{}

// System is the actor of background work. It is never the result of
// authenticating a request.
var System = Actor{system: true}

// IsSystem reports whether a is the system actor.
func (a Actor) IsSystem() bool { return a.system }

// SignedIn reports whether a is a signed-in account.
func (a Actor) SignedIn() bool { return a.User != nil }

// UserID returns the account id, or 0 for visitors and the system.
func (a Actor) UserID() int64 {
	if a.User == nil {
		return 0
	}
	return a.User.ID
}

// IsAdmin reports whether a is an instance admin. Admin rights cover the
// instance (users, settings, audit), not the content of programs: those
// come from membership, like everyone's.
func (a Actor) IsAdmin() bool { return a.User != nil && a.User.Admin && !a.User.Disabled() }

// Role returns the actor's role on a program, and whether it has one.
func (a Actor) Role(programID int64) (Role, bool) {
	if a.User == nil || a.User.Disabled() {
		return "", false
	}
	r, ok := a.Memberships[programID]
	return r, ok
}

// Can reports whether the actor holds permission p on the program. The
// system actor may do anything; everyone else only what their membership
// grants.
func (a Actor) Can(p Permission, programID int64) bool {
	if a.system {
		return true
	}
	r, ok := a.Role(programID)
	return ok && RoleCan(r, p)
}
