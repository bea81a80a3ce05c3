package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/haven-project/haven/internal/app"
	"github.com/haven-project/haven/internal/haven"
)

// formPage is the data of a page with one form: the values typed so far
// and the validation errors.
type formPage struct {
	basePage
	Form   map[string]string
	Errors *haven.InvalidError
	// Err returns the message for one field, for the "field" template.
}

// FieldError returns the message for a field, or "".
func (p *formPage) FieldError(name string) string {
	if p.Errors == nil {
		return ""
	}
	return p.Errors.Fields[name]
}

// FormError returns the message for a field of the form named form, for
// pages with several forms that share field names: the message shows only
// in the form that was sent.
func (p *formPage) FormError(form, name string) string {
	if p.Form["form"] != form {
		return ""
	}
	return p.FieldError(name)
}

// Value returns a typed value of the form.
func (p *formPage) Value(name string) string { return p.Form[name] }

// invalidForm turns err into the page's errors when it is a validation
// error (the caller then renders the form again with 422), and returns
// other errors unchanged.
func (p *formPage) invalidForm(err error) (bool, error) {
	var inv *haven.InvalidError
	if errors.As(err, &inv) {
		p.Errors = inv
		return true, nil
	}
	return false, err
}

func (s *Server) formPage(r *http.Request, title string, fields ...string) *formPage {
	p := &formPage{basePage: s.base(r, title), Form: map[string]string{}}
	p.Narrow = true
	for _, f := range fields {
		p.Form[f] = strings.TrimSpace(r.PostFormValue(f))
	}
	return p
}

// renderForm renders a form page: 200 without errors, 422 with them.
func (s *Server) renderForm(w http.ResponseWriter, r *http.Request, name string, p *formPage) error {
	status := http.StatusOK
	if p.Errors != nil {
		status = http.StatusUnprocessableEntity
	}
	return s.renderStatus(w, r, status, name, p)
}

// handleForm runs a use case with the form's page; a validation error
// renders the form again, other errors go up.
func (s *Server) handleForm(w http.ResponseWriter, r *http.Request, name string, p *formPage, err error) (done bool, _ error) {
	if err == nil {
		return false, nil
	}
	if ok, err := p.invalidForm(err); !ok {
		return true, err
	}
	return true, s.renderForm(w, r, name, p)
}

type homePage struct{ basePage }

func (s *Server) showHome(w http.ResponseWriter, r *http.Request) error {
	return s.render(w, r, "home", &homePage{s.base(r, "Haven")})
}

func (s *Server) showLogin(w http.ResponseWriter, r *http.Request) error {
	if actorFrom(r).SignedIn() {
		// Not back to a log-in step: /login/two-factor sends a signed-in
		// account here, and going back there would loop.
		next := safeNext(r.URL.Query().Get("next"))
		if next == "/login" || strings.HasPrefix(next, "/login/") || strings.HasPrefix(next, "/login?") {
			next = "/"
		}
		return s.redirect(w, r, next, "")
	}
	p := s.formPage(r, "Log in")
	p.Form["next"] = safeNext(r.URL.Query().Get("next"))
	return s.renderForm(w, r, "login", p)
}

func (s *Server) logIn(w http.ResponseWriter, r *http.Request) error {
	p := s.formPage(r, "Log in", "email", "next")
	in := app.LogInInput{Email: p.Form["email"], Password: r.PostFormValue("password")}
	if c, err := r.Cookie(s.deviceCookieName()); err == nil {
		in.Device = c.Value
	}
	res, err := s.app.LogIn(r.Context(), actorFrom(r), in)
	if errors.Is(err, app.ErrEmailNotVerified) {
		p.Errors = &haven.InvalidError{Msg: "Confirm your e-mail address first: we sent you a new link."}
		return s.renderForm(w, r, "login", p)
	}
	var rl *haven.RateLimitError
	if errors.As(err, &rl) {
		wait := (rl.RetryAfterSeconds + 59) / 60
		p.Errors = &haven.InvalidError{Msg: fmt.Sprintf("Too many failed attempts. Wait %d minutes, or reset your password.", max(wait, 1))}
		if rl.RetryAfterSeconds > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(rl.RetryAfterSeconds))
		}
		return s.renderStatus(w, r, http.StatusTooManyRequests, "login", p)
	}
	if done, err := s.handleForm(w, r, "login", p, err); done {
		return err
	}
	// A browser that logs in again leaves no orphan session behind.
	if actor := actorFrom(r); actor.SignedIn() {
		if err := s.app.LogOut(r.Context(), actor); err != nil {
			return err
		}
	}
	if res.Device != "" {
		s.setCookie(w, s.deviceCookieName(), res.Device, s.app.Now().Add(180*24*time.Hour))
	}
	s.setCookie(w, s.sessionCookieName(), res.Session, time.Time{})
	next := safeNext(p.Form["next"])
	if res.MFARequired {
		return s.redirect(w, r, "/login/two-factor?next="+url.QueryEscape(next), "")
	}
	return s.redirect(w, r, next, "")
}

func (s *Server) showTwoFactorLogIn(w http.ResponseWriter, r *http.Request) error {
	p := s.formPage(r, "Two-factor authentication")
	p.Form["next"] = safeNext(r.URL.Query().Get("next"))
	return s.renderForm(w, r, "login_two_factor", p)
}

func (s *Server) twoFactorLogIn(w http.ResponseWriter, r *http.Request) error {
	p := s.formPage(r, "Two-factor authentication", "next")
	c, err := r.Cookie(s.sessionCookieName())
	if err != nil {
		return haven.ErrUnauthenticated
	}
	res, err := s.app.CompleteLogIn(r.Context(), actorFrom(r), c.Value, r.PostFormValue("code"))
	var inv *haven.InvalidError
	if errors.As(err, &inv) && inv.Msg != "" {
		// Too many wrong codes: the pending session is gone.
		s.clearCookie(w, s.sessionCookieName())
		lp := s.formPage(r, "Log in")
		lp.Errors = inv
		return s.renderForm(w, r, "login", lp)
	}
	if done, err := s.handleForm(w, r, "login_two_factor", p, err); done {
		return err
	}
	s.setCookie(w, s.sessionCookieName(), res.Session, time.Time{})
	return s.redirect(w, r, safeNext(p.Form["next"]), "")
}

func (s *Server) cancelTwoFactorLogIn(w http.ResponseWriter, r *http.Request) error {
	if c, err := r.Cookie(s.sessionCookieName()); err == nil {
		if err := s.app.LogOutPending(r.Context(), c.Value); err != nil {
			return err
		}
	}
	s.clearCookie(w, s.sessionCookieName())
	return s.redirect(w, r, "/login", "")
}

func (s *Server) logOut(w http.ResponseWriter, r *http.Request) error {
	if err := s.app.LogOut(r.Context(), actorFrom(r)); err != nil {
		return err
	}
	s.clearCookie(w, s.sessionCookieName())
	return s.redirect(w, r, "/login", "logged-out")
}

func (s *Server) showSignUp(w http.ResponseWriter, r *http.Request) error {
	if actorFrom(r).SignedIn() {
		return s.redirect(w, r, "/", "")
	}
	return s.renderForm(w, r, "signup", s.formPage(r, "Create an account"))
}

func (s *Server) signUp(w http.ResponseWriter, r *http.Request) error {
	p := s.formPage(r, "Create an account", "email", "display_name")
	err := s.app.SignUp(r.Context(), actorFrom(r), app.SignUpInput{
		Email: p.Form["email"], Password: r.PostFormValue("password"), DisplayName: p.Form["display_name"],
	})
	if done, err := s.handleForm(w, r, "signup", p, err); done {
		return err
	}
	return s.redirect(w, r, "/signup/sent", "")
}

type messagePage struct {
	basePage
	Heading string
	Body    string
}

func (s *Server) message(w http.ResponseWriter, r *http.Request, title, body string) error {
	return s.messageStatus(w, r, http.StatusOK, title, body)
}

// deadLink tells that a one-time link was used, expired or replaced, with
// 404: the link no longer names anything.
func (s *Server) deadLink(w http.ResponseWriter, r *http.Request, body string) error {
	return s.messageStatus(w, r, http.StatusNotFound, "This link does not work", body)
}

func (s *Server) messageStatus(w http.ResponseWriter, r *http.Request, status int, title, body string) error {
	p := &messagePage{basePage: s.base(r, title), Heading: title, Body: body}
	p.Narrow = true
	return s.renderStatus(w, r, status, "message", p)
}

func (s *Server) showSignUpSent(w http.ResponseWriter, r *http.Request) error {
	return s.message(w, r, "Check your inbox",
		"We sent a message to the address you gave. Open the link in it to confirm your address, then log in. "+
			"If nothing arrives within a few minutes, look in your spam folder.")
}

// tokenPage shows a one-time link's confirmation button: opening a link
// (which mail scanners do) changes nothing; pressing the button does.
type tokenPage struct {
	basePage
	Heading, Body, Action, Button string
}

func (s *Server) tokenPage(w http.ResponseWriter, r *http.Request, title, body, button string) error {
	p := &tokenPage{basePage: s.base(r, title), Heading: title, Body: body, Action: r.URL.Path, Button: button}
	p.Narrow = true
	return s.render(w, r, "confirm", p)
}

func (s *Server) showVerify(w http.ResponseWriter, r *http.Request) error {
	return s.tokenPage(w, r, "Confirm your e-mail address", "Press the button to confirm that this address is yours.", "Confirm my address")
}

func (s *Server) verify(w http.ResponseWriter, r *http.Request) error {
	err := s.app.VerifyEmail(r.Context(), actorFrom(r), r.PathValue("token"))
	if errors.Is(err, haven.ErrNotFound) {
		return s.deadLink(w, r, "It was used already, it expired, or it is not complete. Log in to get a new confirmation link.")
	}
	if err != nil {
		return err
	}
	return s.redirect(w, r, "/login", "verified")
}

func (s *Server) showResetRequest(w http.ResponseWriter, r *http.Request) error {
	return s.renderForm(w, r, "reset_request", s.formPage(r, "Reset your password"))
}

func (s *Server) requestReset(w http.ResponseWriter, r *http.Request) error {
	p := s.formPage(r, "Reset your password", "email")
	err := s.app.RequestPasswordReset(r.Context(), actorFrom(r), p.Form["email"])
	if done, err := s.handleForm(w, r, "reset_request", p, err); done {
		return err
	}
	return s.redirect(w, r, "/reset/sent", "")
}

func (s *Server) showResetSent(w http.ResponseWriter, r *http.Request) error {
	return s.message(w, r, "Check your inbox",
		"If an account uses that address, we sent it a link to choose a new password. The link works once, for one hour.")
}

type resetPage struct {
	formPage
	TwoFactor bool
}

func (s *Server) showReset(w http.ResponseWriter, r *http.Request) error {
	link, err := s.app.PeekReset(r.Context(), r.PathValue("token"))
	if errors.Is(err, haven.ErrNotFound) {
		return s.badResetLink(w, r)
	}
	if err != nil {
		return err
	}
	p := &resetPage{formPage: *s.formPage(r, "Choose a new password"), TwoFactor: link.TwoFactor}
	p.Form["email"] = link.Email
	return s.render(w, r, "reset", p)
}

func (s *Server) badResetLink(w http.ResponseWriter, r *http.Request) error {
	return s.deadLink(w, r, "It was used already, it expired, or a newer link replaced it. Ask for a new one from the log-in page.")
}

func (s *Server) reset(w http.ResponseWriter, r *http.Request) error {
	token := r.PathValue("token")
	link, err := s.app.PeekReset(r.Context(), token)
	if errors.Is(err, haven.ErrNotFound) {
		return s.badResetLink(w, r)
	}
	if err != nil {
		return err
	}
	p := &resetPage{formPage: *s.formPage(r, "Choose a new password"), TwoFactor: link.TwoFactor}
	p.Form["email"] = link.Email
	err = s.app.ResetPassword(r.Context(), actorFrom(r), token, r.PostFormValue("password"), r.PostFormValue("code"))
	if errors.Is(err, haven.ErrNotFound) {
		return s.badResetLink(w, r)
	}
	if ok, err := p.invalidForm(err); ok {
		return s.renderStatus(w, r, http.StatusUnprocessableEntity, "reset", p)
	} else if err != nil {
		return err
	}
	s.clearCookie(w, s.sessionCookieName())
	return s.redirect(w, r, "/login", "reset")
}

func (s *Server) showSetup(w http.ResponseWriter, r *http.Request) error {
	if err := s.app.CheckSetup(r.Context(), r.PathValue("token")); err != nil {
		return err
	}
	return s.renderForm(w, r, "setup", s.formPage(r, "Create the first admin"))
}

func (s *Server) setup(w http.ResponseWriter, r *http.Request) error {
	p := s.formPage(r, "Create the first admin", "email", "display_name")
	_, err := s.app.CompleteSetup(r.Context(), actorFrom(r), r.PathValue("token"), app.CreateUserInput{
		Email: p.Form["email"], Password: r.PostFormValue("password"), DisplayName: p.Form["display_name"],
	})
	if done, err := s.handleForm(w, r, "setup", p, err); done {
		return err
	}
	return s.redirect(w, r, "/login", "setup")
}
