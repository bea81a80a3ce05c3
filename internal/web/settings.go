package web

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/haven-project/haven/internal/app"
	"github.com/haven-project/haven/internal/haven"
)

// settingsPage is the data of every settings page: the side navigation
// marks Section.
type settingsPage struct {
	formPage
	Section string
}

func (s *Server) settingsPage(r *http.Request, section, title string, fields ...string) *settingsPage {
	p := &settingsPage{formPage: *s.formPage(r, title, fields...), Section: section}
	p.Narrow = false
	return p
}

func (s *Server) renderSettings(w http.ResponseWriter, r *http.Request, name string, p any, invalid bool) error {
	status := http.StatusOK
	if invalid {
		status = http.StatusUnprocessableEntity
	}
	return s.renderStatus(w, r, status, name, p)
}

func pathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, haven.ErrNotFound
	}
	return id, nil
}

func (s *Server) showProfile(w http.ResponseWriter, r *http.Request) error {
	p := s.settingsPage(r, "profile", "Profile")
	p.Form["display_name"] = actorFrom(r).User.DisplayName
	private, err := s.app.MailNoContent(r.Context(), actorFrom(r))
	if err != nil {
		return err
	}
	if private {
		p.Form["mail_no_content"] = "on"
	}
	return s.renderSettings(w, r, "settings_profile", p, false)
}

func (s *Server) updateProfile(w http.ResponseWriter, r *http.Request) error {
	p := s.settingsPage(r, "profile", "Profile", "display_name")
	p.Form["mail_no_content"] = r.PostFormValue("mail_no_content")
	err := s.app.UpdateProfile(r.Context(), actorFrom(r), p.Form["display_name"])
	if err == nil {
		err = s.app.SetMailNoContent(r.Context(), actorFrom(r), p.Form["mail_no_content"] == "on")
	}
	if ok, err := p.invalidForm(err); ok {
		return s.renderSettings(w, r, "settings_profile", p, true)
	} else if err != nil {
		return err
	}
	return s.redirect(w, r, "/settings", "profile")
}

func (s *Server) showPassword(w http.ResponseWriter, r *http.Request) error {
	return s.renderSettings(w, r, "settings_password", s.settingsPage(r, "password", "Password"), false)
}

func (s *Server) changePassword(w http.ResponseWriter, r *http.Request) error {
	p := s.settingsPage(r, "password", "Password")
	err := s.app.ChangePassword(r.Context(), actorFrom(r), app.ChangePasswordInput{
		Current: r.PostFormValue("current_password"), New: r.PostFormValue("new_password"),
		EndOtherSessions: r.PostFormValue("end_sessions") == "on",
	})
	if ok, err := p.invalidForm(err); ok {
		return s.renderSettings(w, r, "settings_password", p, true)
	} else if err != nil {
		return err
	}
	return s.redirect(w, r, "/settings/password", "password")
}

func (s *Server) showEmail(w http.ResponseWriter, r *http.Request) error {
	return s.renderSettings(w, r, "settings_email", s.settingsPage(r, "email", "E-mail address"), false)
}

func (s *Server) changeEmail(w http.ResponseWriter, r *http.Request) error {
	p := s.settingsPage(r, "email", "E-mail address", "new_email")
	err := s.app.RequestEmailChange(r.Context(), actorFrom(r), r.PostFormValue("current_password"), p.Form["new_email"])
	if ok, err := p.invalidForm(err); ok {
		return s.renderSettings(w, r, "settings_email", p, true)
	} else if err != nil {
		return err
	}
	return s.redirect(w, r, "/settings/email", "email-sent")
}

func (s *Server) showConfirmEmail(w http.ResponseWriter, r *http.Request) error {
	return s.tokenPage(w, r, "Confirm your new e-mail address", "Press the button to make this address the one your Haven account uses.", "Use this address")
}

func (s *Server) confirmEmail(w http.ResponseWriter, r *http.Request) error {
	err := s.app.ConfirmEmailChange(r.Context(), actorFrom(r), r.PathValue("token"))
	if errors.Is(err, haven.ErrNotFound) {
		return s.deadLink(w, r, "It was used already, it expired, or a newer request replaced it. Ask again from your settings.")
	}
	if err != nil {
		return err
	}
	if actorFrom(r).SignedIn() {
		return s.redirect(w, r, "/settings/email", "email-changed")
	}
	return s.redirect(w, r, "/login", "email-changed")
}

type twoFactorPage struct {
	settingsPage
	Status app.TwoFactorStatus
	Setup  *app.TOTPSetup // while setting up
	Codes  []string       // recovery codes, shown once
}

func (s *Server) twoFactorPage(r *http.Request) (*twoFactorPage, error) {
	st, err := s.app.TwoFactor(r.Context(), actorFrom(r))
	if err != nil {
		return nil, err
	}
	p := &twoFactorPage{settingsPage: *s.settingsPage(r, "two-factor", "Two-factor authentication"), Status: st}
	p.Form["form"] = r.PostFormValue("form")
	return p, nil
}

func (s *Server) showTwoFactor(w http.ResponseWriter, r *http.Request) error {
	p, err := s.twoFactorPage(r)
	if err != nil {
		return err
	}
	return s.renderSettings(w, r, "settings_two_factor", p, false)
}

func (s *Server) beginTwoFactor(w http.ResponseWriter, r *http.Request) error {
	p, err := s.twoFactorPage(r)
	if err != nil {
		return err
	}
	setup, err := s.app.BeginTOTP(r.Context(), actorFrom(r), r.PostFormValue("current_password"))
	if ok, err := p.invalidForm(err); ok {
		return s.renderSettings(w, r, "settings_two_factor", p, true)
	} else if err != nil {
		return err
	}
	p.Setup = &setup
	return s.renderSettings(w, r, "settings_two_factor", p, false)
}

func (s *Server) confirmTwoFactor(w http.ResponseWriter, r *http.Request) error {
	p, err := s.twoFactorPage(r)
	if err != nil {
		return err
	}
	codes, err := s.app.ConfirmTOTP(r.Context(), actorFrom(r), r.PostFormValue("code"))
	if ok, err := p.invalidForm(err); ok {
		if setup, err := s.app.PendingTOTP(r.Context(), actorFrom(r)); err == nil {
			p.Setup = &setup
		}
		return s.renderSettings(w, r, "settings_two_factor", p, true)
	} else if err != nil {
		return err
	}
	p.Status.Enabled, p.Status.RecoveryCodes, p.Codes = true, len(codes), codes
	return s.renderSettings(w, r, "settings_two_factor", p, false)
}

func (s *Server) disableTwoFactor(w http.ResponseWriter, r *http.Request) error {
	p, err := s.twoFactorPage(r)
	if err != nil {
		return err
	}
	err = s.app.DisableTOTP(r.Context(), actorFrom(r), r.PostFormValue("current_password"), r.PostFormValue("code"))
	if ok, err := p.invalidForm(err); ok {
		return s.renderSettings(w, r, "settings_two_factor", p, true)
	} else if err != nil {
		return err
	}
	return s.redirect(w, r, "/settings/two-factor", "mfa-off")
}

func (s *Server) regenerateRecoveryCodes(w http.ResponseWriter, r *http.Request) error {
	p, err := s.twoFactorPage(r)
	if err != nil {
		return err
	}
	codes, err := s.app.RegenerateRecoveryCodes(r.Context(), actorFrom(r), r.PostFormValue("current_password"))
	if ok, err := p.invalidForm(err); ok {
		return s.renderSettings(w, r, "settings_two_factor", p, true)
	} else if err != nil {
		return err
	}
	p.Status.RecoveryCodes, p.Codes = len(codes), codes
	return s.renderSettings(w, r, "settings_two_factor", p, false)
}

type sessionsPage struct {
	settingsPage
	Sessions []app.SessionView
}

func (s *Server) showSessions(w http.ResponseWriter, r *http.Request) error {
	ss, err := s.app.Sessions(r.Context(), actorFrom(r))
	if err != nil {
		return err
	}
	p := &sessionsPage{settingsPage: *s.settingsPage(r, "sessions", "Sessions"), Sessions: ss}
	return s.renderSettings(w, r, "settings_sessions", p, false)
}

func (s *Server) revokeSession(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := s.app.RevokeSession(r.Context(), actorFrom(r), id); err != nil {
		return err
	}
	if id == actorFrom(r).SessionID {
		s.clearCookie(w, s.sessionCookieName())
		return s.redirect(w, r, "/login", "logged-out")
	}
	return s.redirect(w, r, "/settings/sessions", "session-revoked")
}

func (s *Server) revokeOtherSessions(w http.ResponseWriter, r *http.Request) error {
	if _, err := s.app.RevokeOtherSessions(r.Context(), actorFrom(r)); err != nil {
		return err
	}
	return s.redirect(w, r, "/settings/sessions", "sessions-ended")
}

type tokensPage struct {
	settingsPage
	Tokens   []*haven.Token
	NewToken string // the secret of a token just created, shown once
	Now      interface{ Unix() int64 }
}

func (s *Server) tokensPage(r *http.Request) (*tokensPage, error) {
	ts, err := s.app.Tokens(r.Context(), actorFrom(r))
	if err != nil {
		return nil, err
	}
	return &tokensPage{settingsPage: *s.settingsPage(r, "tokens", "API tokens", "name", "expires_in_days"), Tokens: ts}, nil
}

func (s *Server) showTokens(w http.ResponseWriter, r *http.Request) error {
	p, err := s.tokensPage(r)
	if err != nil {
		return err
	}
	p.Form["expires_in_days"] = "90"
	return s.renderSettings(w, r, "settings_tokens", p, false)
}

func (s *Server) createToken(w http.ResponseWriter, r *http.Request) error {
	p, err := s.tokensPage(r)
	if err != nil {
		return err
	}
	days, convErr := strconv.Atoi(p.Form["expires_in_days"])
	if convErr != nil {
		days = -1
	}
	secret, _, err := s.app.CreateToken(r.Context(), actorFrom(r), app.CreateTokenInput{Name: p.Form["name"], ExpiresInDays: days})
	if ok, err := p.invalidForm(err); ok {
		return s.renderSettings(w, r, "settings_tokens", p, true)
	} else if err != nil {
		return err
	}
	// Show the list including the new token, and its secret once.
	p, err = s.tokensPage(r)
	if err != nil {
		return err
	}
	p.NewToken = secret
	p.Form = map[string]string{"expires_in_days": "90"}
	return s.renderSettings(w, r, "settings_tokens", p, false)
}

func (s *Server) revokeToken(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := s.app.RevokeToken(r.Context(), actorFrom(r), id); err != nil {
		return err
	}
	return s.redirect(w, r, "/settings/tokens", "token-revoked")
}
