package web

// registerRoutes is Haven's one route table. Every line names who may use
// the route; handle refuses a route without one.
func (s *Server) registerRoutes() {
	// Operations and assets.
	s.handle("GET /healthz", public, s.healthz)
	s.handle("GET /readyz", public, s.readyz)
	s.handle("GET /static/{hash}/{name}", public, s.serveStatic)

	// Pages anyone may open.
	s.handle("GET /{$}", public, s.showHome)
	s.handle("GET /login", public, s.showLogin)
	s.handle("POST /login", public, s.logIn)
	s.handle("GET /signup", public, s.showSignUp)
	s.handle("POST /signup", public, s.signUp)
	s.handle("GET /signup/sent", public, s.showSignUpSent)
	s.handle("GET /verify/{token}", public, s.showVerify)
	s.handle("POST /verify/{token}", public, s.verify)
	s.handle("GET /reset", public, s.showResetRequest)
	s.handle("POST /reset", public, s.requestReset)
	s.handle("GET /reset/sent", public, s.showResetSent)
	s.handle("GET /reset/{token}", public, s.showReset)
	s.handle("POST /reset/{token}", public, s.reset)
	s.handle("GET /settings/email/confirm/{token}", public, s.showConfirmEmail)
	s.handle("POST /settings/email/confirm/{token}", public, s.confirmEmail)
	s.handle("GET /setup/{token}", public, s.showSetup)
	s.handle("POST /setup/{token}", public, s.setup)

	// The second step of logging in.
	s.handle("GET /login/two-factor", mfaPending, s.showTwoFactorLogIn)
	s.handle("POST /login/two-factor", mfaPending, s.twoFactorLogIn)
	s.handle("POST /login/two-factor/cancel", mfaPending, s.cancelTwoFactorLogIn)

	// Signed-in accounts.
	s.handle("POST /logout", signedIn, s.logOut)
	s.handle("GET /settings", signedIn, s.showProfile)
	s.handle("POST /settings", signedIn, s.updateProfile)
	s.handle("GET /settings/password", signedIn, s.showPassword)
	s.handle("POST /settings/password", signedIn, s.changePassword)
	s.handle("GET /settings/email", signedIn, s.showEmail)
	s.handle("POST /settings/email", signedIn, s.changeEmail)
	s.handle("GET /settings/two-factor", signedIn, s.showTwoFactor)
	s.handle("POST /settings/two-factor/begin", signedIn, s.beginTwoFactor)
	s.handle("POST /settings/two-factor/confirm", signedIn, s.confirmTwoFactor)
	s.handle("POST /settings/two-factor/disable", signedIn, s.disableTwoFactor)
	s.handle("POST /settings/two-factor/recovery-codes", signedIn, s.regenerateRecoveryCodes)
	s.handle("GET /settings/sessions", signedIn, s.showSessions)
	s.handle("POST /settings/sessions/{id}/revoke", signedIn, s.revokeSession)
	s.handle("POST /settings/sessions/revoke-others", signedIn, s.revokeOtherSessions)
	s.handle("GET /settings/tokens", signedIn, s.showTokens)
	s.handle("POST /settings/tokens", signedIn, s.createToken)
	s.handle("POST /settings/tokens/{id}/revoke", signedIn, s.revokeToken)

	// Instance admins.
	s.handle("GET /admin/users", instanceAdmin, s.showUsers)
	s.handle("POST /admin/users/{id}/disable", instanceAdmin, s.disableUser)
	s.handle("POST /admin/users/{id}/enable", instanceAdmin, s.enableUser)

	// JSON API (bearer tokens only).
	s.handle("GET /api/v1/openapi.json", apiPublic, s.apiOpenAPI)
	s.handle("GET /api/v1/me", apiSignedIn, s.apiMe)
	s.handle("GET /api/v1/tokens", apiSignedIn, s.apiListTokens)
	s.handle("DELETE /api/v1/tokens/{id}", apiSignedIn, s.apiRevokeToken)
}

// RouteInfo describes one registered route, for tests that walk the table.
type RouteInfo struct {
	Pattern string // as registered, "METHOD /path"
	Access  string // the access level's name
	API     bool   // authenticated by bearer token
	Public  bool   // open to anonymous requests
}

// Routes returns the route table.
func (s *Server) Routes() []RouteInfo {
	out := make([]RouteInfo, 0, len(s.routes))
	for _, r := range s.routes {
		out = append(out, RouteInfo{Pattern: r.pattern, Access: r.access.name, API: r.access.api, Public: r.access.level == levelPublic})
	}
	return out
}
