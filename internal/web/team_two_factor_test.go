package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/haven-project/haven/internal/app"
	"github.com/haven-project/haven/internal/apptest"
	"github.com/haven-project/haven/internal/haven"
)

// TestTeamTwoFactor checks --team-two-factor: a program member or admin
// without two-factor authentication may use nothing but its set-up (pages
// lead there, API calls are 403, public API answers treat them as a
// visitor) until they turn it on, and may not turn it off; researchers
// outside any team are not affected.
func TestTeamTwoFactor(t *testing.T) {
	t.Parallel()
	e := apptest.NewWith(t, apptest.Options{TeamTwoFactor: true})
	ctx := context.Background()
	owner := e.CreateUser(t, "owner@tf.test", accPassword, false)
	researcher := e.CreateUser(t, "researcher@tf.test", accPassword, false)
	if _, err := e.App.CreateProgram(ctx, haven.System, app.NewProgram{Slug: "tf", Name: "TF", Kind: haven.KindVDP,
		Status: haven.StatusDraft, Owners: []string{owner.Email}}); err != nil {
		t.Fatal(err)
	}

	oc := e.Client(t)
	oc.LogIn(owner.Email, accPassword)
	for _, path := range []string{"/", "/inbox", "/programs/tf", "/programs/tf/settings", "/settings"} {
		accWant(t, "owner without two-factor opens "+path, oc.Get(path), http.StatusSeeOther, "/settings/two-factor")
	}
	accWant(t, "owner posts a form", accPost(oc, "/settings", "display_name", "Olga"), http.StatusSeeOther, "/settings/two-factor")
	page := oc.Get("/settings/two-factor")
	accWant(t, "the set-up page", page, http.StatusOK, "")
	if !strings.Contains(page.Body, "requires two-factor authentication of program team members") {
		t.Errorf("the set-up page does not say why:\n%s", page.Body)
	}
	if res := oc.Get("/static/x/haven.css"); res.StatusCode == http.StatusSeeOther {
		t.Errorf("static files redirect to the set-up")
	}

	// The API: 403 saying why; the public part answers as to a visitor
	// (the draft program is not listed).
	tok := e.Token(t, owner)
	res := apiDo(t, e, "GET", "/api/v1/reports", tok, nil)
	if res.StatusCode != http.StatusForbidden || !strings.Contains(res.Body, "two-factor") {
		t.Errorf("GET /api/v1/reports without two-factor = %d %s", res.StatusCode, res.Body)
	}
	res = apiDo(t, e, "GET", "/api/v1/programs", tok, nil)
	if res.StatusCode != http.StatusOK || strings.Contains(res.Body, `"tf"`) {
		t.Errorf("GET /api/v1/programs without two-factor = %d %s, want 200 without the draft", res.StatusCode, res.Body)
	}

	// A researcher outside any team is not affected.
	rc := e.Client(t)
	rc.LogIn(researcher.Email, accPassword)
	accWant(t, "a researcher's inbox", rc.Get("/inbox"), http.StatusOK, "")

	// Set up, the owner's rights are back; turning it off is refused.
	secret, _ := accEnableTOTP(t, e, oc, accPassword)
	accWant(t, "owner with two-factor opens the draft", oc.Get("/programs/tf"), http.StatusOK, "")
	if res := apiDo(t, e, "GET", "/api/v1/reports", tok, nil); res.StatusCode != http.StatusOK {
		t.Errorf("GET /api/v1/reports with two-factor = %d %s", res.StatusCode, res.Body)
	}
	r := accPost(oc, "/settings/two-factor/disable", "current_password", accPassword, "code", accCode(t, e, secret))
	accWant(t, "turn two-factor off", r, http.StatusUnprocessableEntity, "")
	if !strings.Contains(r.Body, "keep it on") {
		t.Errorf("turning two-factor off: no reason given:\n%s", r.Body)
	}
}

// apiDo sends an API request with a bearer token.
func apiDo(t *testing.T, e *apptest.Env, method, path, tok string, body any) *apptest.Response {
	t.Helper()
	var rd *strings.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = strings.NewReader(string(b))
	} else {
		rd = strings.NewReader("")
	}
	req, err := http.NewRequest(method, e.URL(path), rd)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	return e.Client(t).Do(req)
}
