package app_test

import (
	"context"
	"strings"
	"testing"

	"github.com/haven-project/haven/internal/app"
	"github.com/haven-project/haven/internal/apptest"
	"github.com/haven-project/haven/internal/haven"
)

// TestReportNotices: the people a report concerns hear of it by e-mail
// and in-app; internal comments reach only the team; the no-content
// choice keeps titles and text out of e-mail.
func TestReportNotices(t *testing.T) {
	e := apptest.New(t)
	ctx := context.Background()
	f := newProgramFixture(t, e, "notices", haven.StatusPublished)
	asset, err := e.App.AddAsset(ctx, f.actors["owner"], "notices", app.AssetInput{Name: "Web", Type: "web", Tier: 1, InScope: true})
	if err != nil {
		t.Fatal(err)
	}
	title := "Secret title: SQL injection in login"
	r, err := e.App.SubmitReport(ctx, f.actors["researcher"], "notices", app.SubmitInput{
		AssetID: asset.ID, Title: title, Description: "d", AcceptRules: true})
	if err != nil {
		t.Fatal(err)
	}
	e.DeliverMail(t)
	for _, who := range []string{"owner", "triager", "viewer"} {
		m, ok := e.Mail.Last(f.users[who].Email)
		if !ok || !strings.Contains(m.Text, title) || !strings.Contains(m.Text, "/reports/"+r.PublicID) {
			t.Errorf("%s: new-report mail = %+v, %t; want one with the title and the link", who, m, ok)
		}
	}
	if _, ok := e.Mail.Last(f.users["researcher"].Email); ok {
		t.Error("the reporter got a mail about their own submission")
	}

	internal := "Internal: the fix needs a schema change"
	if _, err := e.App.Comment(ctx, f.actors["triager"], r.PublicID, internal, true); err != nil {
		t.Fatal(err)
	}
	e.DeliverMail(t)
	for _, m := range e.Mail.Messages() {
		if strings.Contains(m.Text, internal) && strings.EqualFold(m.To, f.users["researcher"].Email) {
			t.Fatalf("the internal comment reached the reporter by mail: %+v", m)
		}
	}
	if m, ok := e.Mail.Last(f.users["owner"].Email); !ok || !strings.Contains(m.Text, internal) {
		t.Errorf("the owner did not get the internal comment: %+v", m)
	}
	ns, err := e.App.Notices(ctx, f.actors["researcher"])
	if err != nil {
		t.Fatal(err)
	}
	if len(ns) != 0 {
		t.Errorf("the reporter has %d in-app notices after the submission and an internal comment, want 0: %+v", len(ns), ns)
	}

	// The reporter asks for e-mails without content.
	if err := e.App.SetMailNoContent(ctx, f.actors["researcher"], true); err != nil {
		t.Fatal(err)
	}
	if err := e.App.Transition(ctx, f.actors["triager"], r.PublicID, app.TransitionInput{To: haven.StateAccepted}); err != nil {
		t.Fatal(err)
	}
	e.DeliverMail(t)
	m, ok := e.Mail.Last(f.users["researcher"].Email)
	if !ok {
		t.Fatal("the reporter got no mail when the report was accepted")
	}
	for _, secret := range []string{title, "Program notices", "accepted"} {
		if strings.Contains(m.Subject+m.Text, secret) {
			t.Errorf("a no-content mail contains %q:\n%s\n%s", secret, m.Subject, m.Text)
		}
	}
	if !strings.Contains(m.Text, "/reports/"+r.PublicID) {
		t.Errorf("the no-content mail has no link: %s", m.Text)
	}
	ns, _ = e.App.Notices(ctx, f.actors["researcher"])
	if len(ns) != 1 || !strings.Contains(ns[0].Text, "accepted") || !strings.Contains(ns[0].Text, "notices team") {
		t.Errorf("reporter's notices = %+v; want one saying the team accepted it", ns)
	}
	if n, _ := e.App.UnreadNotices(ctx, f.actors["researcher"]); n != 0 {
		t.Errorf("unread after reading = %d, want 0", n)
	}
}
