package haven

import "fmt"

// Role is an account's role on one program. Rights on a program come only
// from membership: viewer ⊂ triager ⊂ owner.
type Role string

// Program roles, weakest first.
const (
	RoleViewer  Role = "viewer"
	RoleTriager Role = "triager"
	RoleOwner   Role = "owner"
)

// Roles lists the program roles, weakest first.
var Roles = []Role{RoleViewer, RoleTriager, RoleOwner}

// ParseRole returns the role named s.
func ParseRole(s string) (Role, error) {
	for _, r := range Roles {
		if string(r) == s {
			return r, nil
		}
	}
	return "", fmt.Errorf("unknown role %q", s)
}

// rank orders roles so that a stronger role includes a weaker one.
func (r Role) rank() int {
	switch r {
	case RoleViewer:
		return 1
	case RoleTriager:
		return 2
	case RoleOwner:
		return 3
	}
	return 0
}

// Includes reports whether r holds every right of other.
func (r Role) Includes(other Role) bool { return r.rank() > 0 && r.rank() >= other.rank() }

// Permission is one thing an actor may do on a program.
type Permission string

// Program permissions. The role→permission table below is the only place
// that grants them.
const (
	PermViewProgram    Permission = "program.view_internal" // unpublished program, team, settings
	PermViewReports    Permission = "report.view"           // every report of the program
	PermCommentReports Permission = "report.comment"        // internal and public comments
	PermTriage         Permission = "report.triage"         // state changes, CVSS, assignment
	PermManageProgram  Permission = "program.manage"        // policy, scope, rewards, status
	PermManageTeam     Permission = "program.team"          // invite, change roles, remove
	PermAwardBounty    Permission = "report.award"          // bounties and bonuses
	PermReadFeedback   Permission = "program.feedback"      // anonymous program feedback
	PermDisclose       Permission = "report.disclose"       // agree to publish a report, the program's side
)

// Permissions lists every program permission.
var Permissions = []Permission{
	PermViewProgram, PermViewReports, PermCommentReports, PermTriage,
	PermManageProgram, PermManageTeam, PermAwardBounty, PermReadFeedback, PermDisclose,
}

// minRole is the role→permission table: each permission names the weakest
// role that holds it.
var minRole = map[Permission]Role{
	PermViewProgram:    RoleViewer,
	PermViewReports:    RoleViewer,
	PermCommentReports: RoleTriager,
	PermTriage:         RoleTriager,
	PermManageProgram:  RoleOwner,
	PermManageTeam:     RoleOwner,
	PermAwardBounty:    RoleOwner,
	PermReadFeedback:   RoleOwner,
	PermDisclose:       RoleOwner,
}

// RoleCan reports whether role r holds permission p. Unknown roles and
// unknown permissions hold nothing (default deny).
func RoleCan(r Role, p Permission) bool {
	need, ok := minRole[p]
	return ok && r.Includes(need)
}
