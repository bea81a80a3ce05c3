package haven

import "testing"

// TestPermissionTable checks every role against every permission, so a
// change to the table shows up as a failing row.
func TestPermissionTable(t *testing.T) {
	want := map[Permission][3]bool{ // viewer, triager, owner
		PermViewProgram:    {true, true, true},
		PermViewReports:    {true, true, true},
		PermCommentReports: {false, true, true},
		PermTriage:         {false, true, true},
		PermManageProgram:  {false, false, true},
		PermManageTeam:     {false, false, true},
		PermAwardBounty:    {false, false, true},
		PermReadFeedback:   {false, false, true},
		PermDisclose:       {false, false, true},
	}
	if len(want) != len(Permissions) {
		t.Fatalf("table covers %d permissions, want all %d", len(want), len(Permissions))
	}
	for _, p := range Permissions {
		for i, r := range Roles {
			if got := RoleCan(r, p); got != want[p][i] {
				t.Errorf("RoleCan(%s, %s) = %t, want %t", r, p, got, want[p][i])
			}
		}
		if RoleCan("", p) || RoleCan("admin", p) {
			t.Errorf("unknown role holds %s", p)
		}
	}
	if RoleCan(RoleOwner, "unknown.permission") {
		t.Error("owner holds an unknown permission")
	}
}

func TestActorCan(t *testing.T) {
	now := mustTime(t)
	u := &User{ID: 7}
	triager := Actor{User: u, Memberships: map[int64]Role{1: RoleTriager}}
	tests := []struct {
		name    string
		actor   Actor
		perm    Permission
		program int64
		want    bool
	}{
		{"visitor", Visitor, PermViewReports, 1, false},
		{"triager own program", triager, PermTriage, 1, true},
		{"triager other program", triager, PermViewReports, 2, false},
		{"triager cannot award", triager, PermAwardBounty, 1, false},
		{"admin without membership", Actor{User: &User{ID: 1, Admin: true}}, PermViewReports, 1, false},
		{"disabled member", Actor{User: &User{ID: 8, DisabledAt: &now}, Memberships: map[int64]Role{1: RoleOwner}}, PermViewReports, 1, false},
		{"system", System, PermAwardBounty, 1, true},
	}
	for _, tt := range tests {
		if got := tt.actor.Can(tt.perm, tt.program); got != tt.want {
			t.Errorf("%s: Can(%s, %d) = %t, want %t", tt.name, tt.perm, tt.program, got, tt.want)
		}
	}
}

func TestParseRole(t *testing.T) {
	for _, r := range Roles {
		got, err := ParseRole(string(r))
		if err != nil || got != r {
			t.Errorf("ParseRole(%q) = %q, %v", r, got, err)
		}
	}
	if _, err := ParseRole("admin"); err == nil {
		t.Error(`ParseRole("admin") succeeded, want error`)
	}
}
