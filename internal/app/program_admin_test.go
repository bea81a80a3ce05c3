package app_test

import (
	"context"
	"errors"
	"testing"

	"github.com/haven-project/haven/internal/app"
	"github.com/haven-project/haven/internal/apptest"
	"github.com/haven-project/haven/internal/haven"
)

// TestAdminCannotInviteThemselves: admins manage teams, but reports reach
// them only through a membership someone on the team gave them.
func TestAdminCannotInviteThemselves(t *testing.T) {
	e := apptest.New(t)
	f := newProgramFixture(t, e, "selfinvite", haven.StatusPublished)
	ctx := context.Background()
	admin := f.actors["admin"]
	err := e.App.Invite(ctx, admin, "selfinvite", admin.User.Email, haven.RoleOwner)
	if !isInvalid(err, "email") {
		t.Fatalf("admin inviting themselves: err = %v, want an InvalidError on email", err)
	}
	if err := e.App.Invite(ctx, admin, "selfinvite", "new-owner@example.test", haven.RoleOwner); err != nil {
		t.Errorf("admin inviting someone else: %v", err)
	}
	if err := e.App.Invite(ctx, f.actors["owner"], "selfinvite", admin.User.Email, haven.RoleViewer); err != nil {
		t.Errorf("owner inviting the admin: %v", err)
	}
}

// TestHistoryHidesAddressesFromMembers: the program history tells the team
// who changed what, never from which IP address; admins see addresses.
func TestHistoryHidesAddressesFromMembers(t *testing.T) {
	e := apptest.New(t)
	f := newProgramFixture(t, e, "histip", haven.StatusPublished)
	ctx := context.Background()
	name := "Renamed"
	owner := f.actors["owner"]
	owner.IP = "203.0.113.7"
	if _, err := e.App.UpdateProgram(ctx, owner, "histip", appPatchName(name)); err != nil {
		t.Fatal(err)
	}
	for _, who := range []string{"owner", "triager", "viewer"} {
		for _, entry := range history(t, e, f.actors[who], "histip") {
			if entry.IP != "" {
				t.Errorf("%s sees address %q in entry %s", who, entry.IP, entry.Action)
			}
		}
	}
	found := false
	for _, entry := range history(t, e, f.actors["admin"], "histip") {
		found = found || entry.IP == "203.0.113.7"
	}
	if !found {
		t.Error("the admin does not see the owner's address in the history")
	}
}

func isInvalid(err error, field string) bool {
	var inv *haven.InvalidError
	return errors.As(err, &inv) && inv.Fields[field] != ""
}

func appPatchName(name string) app.ProgramPatch { return app.ProgramPatch{Name: &name} }
