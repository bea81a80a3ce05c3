package web

import (
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Cookie names. Over TLS they carry the __Host- prefix: the browser then
// insists on Secure, Path=/ and no Domain, so no subdomain can plant or
// read them.
func (s *Server) sessionCookieName() string { return s.cookieName("haven_session") }
func (s *Server) deviceCookieName() string  { return s.cookieName("haven_device") }

const flashCookie = "haven_flash"

func (s *Server) cookieName(n string) string {
	if s.secure {
		return "__Host-" + n
	}
	return n
}

func (s *Server) setCookie(w http.ResponseWriter, name, value string, expires time.Time) {
	c := &http.Cookie{Name: name, Value: value, Path: "/", HttpOnly: true, Secure: s.secure,
		SameSite: http.SameSiteLaxMode}
	if !expires.IsZero() {
		c.Expires = expires
		// The App's clock, like expires: the wall clock would make the
		// cookie's two lifetimes disagree whenever the clocks do.
		c.MaxAge = int(expires.Sub(s.app.Now()).Seconds())
	}
	http.SetCookie(w, c)
}

func (s *Server) clearCookie(w http.ResponseWriter, name string) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: "", Path: "/", HttpOnly: true, Secure: s.secure,
		SameSite: http.SameSiteLaxMode, MaxAge: -1})
}

// flashText holds every one-line notice a redirect can show; the cookie
// carries only the key, so no one can make a page say something else.
var flashText = map[string]string{
	"profile":             "Your profile was saved.",
	"password":            "Your password was changed.",
	"email-sent":          "We sent a confirmation link to the new address. Your address changes once you open it.",
	"email-changed":       "Your e-mail address was changed.",
	"verified":            "Your e-mail address is confirmed. You can log in now.",
	"reset":               "Your password was reset. Log in with the new one.",
	"mfa-off":             "Two-factor authentication is off.",
	"session-revoked":     "The session was signed out.",
	"sessions-ended":      "Every other session was signed out.",
	"token-revoked":       "The token was revoked. It stops working at once.",
	"logged-out":          "You are logged out.",
	"user-updated":        "The account was updated.",
	"setup":               "The admin account is ready. Log in.",
	"program-saved":       "The program settings were saved.",
	"program-status":      "The program's status changed.",
	"program-created":     "The program was created. Fill in its policy and scope, then publish it.",
	"asset-added":         "The asset was added to the scope.",
	"asset-saved":         "The asset was saved.",
	"asset-removed":       "The asset was removed from the scope.",
	"rewards-saved":       "The reward table was saved.",
	"oos-saved":           "The out-of-scope list was saved.",
	"invited":             "The invitation was sent.",
	"role-changed":        "The role was changed.",
	"member-removed":      "The member was removed from the team.",
	"invitation-revoked":  "The invitation was withdrawn.",
	"left-team":           "You left the team.",
	"joined":              "Welcome to the team.",
	"update-saved":        "The update was saved.",
	"update-published":    "The update was published.",
	"report-submitted":    "Your report was submitted. Only you and the program's team can see it.",
	"report-updated":      "The report was updated.",
	"comment-posted":      "Your comment was posted.",
	"award-saved":         "The award was recorded.",
	"award-paid":          "The award is marked paid.",
	"files-attached":      "The files were attached.",
	"file-removed":        "The file was removed.",
	"two-factor-required": "This instance requires two-factor authentication of program team members and admins: set it up to go on.",
	"retest-requested":    "The researcher was asked to check the fix.",
	"retest-answered":     "Thank you: your answer was sent to the team.",
	"retest-decided":      "The retest was decided.",
	"retest-withdrawn":    "The retest request was withdrawn.",
	"disclosure-asked":    "Your disclosure request was sent to the other side.",
	"disclosure-done":     "Your answer was recorded.",
	"disclosure-dropped":  "The disclosure request was withdrawn.",
	"known-issue-saved":   "The known issue was saved.",
}

// redirect sends the browser to a local path with 303 See Other, and an
// optional notice for the next page.
func (s *Server) redirect(w http.ResponseWriter, r *http.Request, to, flash string) error {
	if flash != "" {
		http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: flash, Path: "/", HttpOnly: true,
			Secure: s.secure, SameSite: http.SameSiteLaxMode, MaxAge: 60})
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

// safeNext returns a same-origin relative path to go to after logging in,
// or "/" for anything else: open redirects are refused.
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.IsAbs() || u.Host != "" || strings.ContainsAny(next, "\r\n\t") {
		return "/"
	}
	return next
}
