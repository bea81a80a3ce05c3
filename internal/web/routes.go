package web

// registerRoutes is Haven's one route table. Every line names who may use
// the route; handle refuses a route without one.
func (s *Server) registerRoutes() {
	// Operations and assets.
	s.handle("GET /healthz", public.twoFactorSetup(), s.healthz)
	s.handle("GET /readyz", public.twoFactorSetup(), s.readyz)
	s.handle("GET /static/{hash}/{name}", public.twoFactorSetup(), s.serveStatic)

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

	// Programs: what researchers read before they test.
	s.handle("GET /programs", public, s.showPrograms)
	s.handle("GET /programs/{slug}", public, s.showProgram)
	s.handle("POST /programs/{slug}/feedback", public, s.sendFeedback)
	s.handle("GET /programs/{slug}/security.txt", public, s.serveSecurityTxt)
	s.handle("GET /programs/{slug}/pgp-key.asc", public, s.servePGPKey)
	s.handle("GET /programs/{slug}/rules", public, s.showPolicyVersions)
	s.handle("GET /programs/{slug}/rules/{version}", public, s.showPolicyVersion)
	s.handle("GET /programs/{slug}/disclosed", public, s.showDisclosedList)
	s.handle("GET /programs/{slug}/disclosed/{id}", public, s.showDisclosed)
	s.handle("GET /.well-known/security.txt", public, s.serveSecurityTxt)
	s.handle("GET /invitations/{token}", public, s.showInvitation)

	// The second step of logging in.
	s.handle("GET /login/two-factor", mfaPending, s.showTwoFactorLogIn)
	s.handle("POST /login/two-factor", mfaPending, s.twoFactorLogIn)
	s.handle("POST /login/two-factor/cancel", mfaPending, s.cancelTwoFactorLogIn)

	// Signed-in accounts.
	s.handle("POST /logout", signedIn.twoFactorSetup(), s.logOut)
	s.handle("GET /settings", signedIn, s.showProfile)
	s.handle("POST /settings", signedIn, s.updateProfile)
	s.handle("GET /settings/password", signedIn, s.showPassword)
	s.handle("POST /settings/password", signedIn, s.changePassword)
	s.handle("GET /settings/email", signedIn, s.showEmail)
	s.handle("POST /settings/email", signedIn, s.changeEmail)
	s.handle("GET /settings/two-factor", signedIn.twoFactorSetup(), s.showTwoFactor)
	s.handle("POST /settings/two-factor/begin", signedIn.twoFactorSetup(), s.beginTwoFactor)
	s.handle("POST /settings/two-factor/confirm", signedIn.twoFactorSetup(), s.confirmTwoFactor)
	s.handle("POST /settings/two-factor/disable", signedIn, s.disableTwoFactor)
	s.handle("POST /settings/two-factor/recovery-codes", signedIn, s.regenerateRecoveryCodes)
	s.handle("GET /settings/sessions", signedIn, s.showSessions)
	s.handle("POST /settings/sessions/{id}/revoke", signedIn, s.revokeSession)
	s.handle("POST /settings/sessions/revoke-others", signedIn, s.revokeOtherSessions)
	s.handle("GET /settings/tokens", signedIn, s.showTokens)
	s.handle("POST /settings/tokens", signedIn, s.createToken)
	s.handle("POST /settings/tokens/{id}/revoke", signedIn, s.revokeToken)

	// Program teams. The routes need an account; the use cases check the
	// account's role on the program (owners manage, members read).
	s.handle("POST /invitations/{token}", signedIn, s.acceptInvitation)
	s.handle("GET /programs/{slug}/settings", signedIn, s.showProgramSettings)
	s.handle("POST /programs/{slug}/settings", signedIn, s.updateProgramSettings)
	s.handle("POST /programs/{slug}/status", signedIn, s.setProgramStatus)
	s.handle("GET /programs/{slug}/scope", signedIn, s.showScope)
	s.handle("POST /programs/{slug}/assets", signedIn, s.addAsset)
	s.handle("POST /programs/{slug}/assets/{id}", signedIn, s.updateAsset)
	s.handle("POST /programs/{slug}/assets/{id}/remove", signedIn, s.removeAsset)
	s.handle("POST /programs/{slug}/rewards", signedIn, s.setRewards)
	s.handle("POST /programs/{slug}/out-of-scope", signedIn, s.setOutOfScope)
	s.handle("GET /programs/{slug}/team", signedIn, s.showTeam)
	s.handle("POST /programs/{slug}/team", signedIn, s.invite)
	s.handle("POST /programs/{slug}/team/{id}/role", signedIn, s.changeRole)
	s.handle("POST /programs/{slug}/team/{id}/remove", signedIn, s.removeMember)
	s.handle("POST /programs/{slug}/invitations/{id}/revoke", signedIn, s.revokeInvitation)
	s.handle("GET /programs/{slug}/updates", signedIn, s.showUpdatesManage)
	s.handle("POST /programs/{slug}/updates", signedIn, s.postUpdate)
	s.handle("POST /programs/{slug}/updates/{id}/publish", signedIn, s.publishUpdate)
	s.handle("GET /programs/{slug}/feedback", signedIn, s.showFeedback)
	s.handle("GET /programs/{slug}/history", signedIn, s.showHistory)

	// Reports. The use cases decide who sees which report: its reporter
	// and its program's team; everyone else gets the 404 of a missing id.
	s.handle("GET /programs/{slug}/report", signedIn, s.showSubmit)
	s.handle("POST /programs/{slug}/report", signedIn.uploads(), s.submitReport)
	s.handle("GET /inbox", signedIn, s.showInbox)
	s.handle("GET /notifications", signedIn, s.showNotices)
	s.handle("GET /reports/{id}", signedIn, s.showReport)
	s.handle("POST /reports/{id}/comments", signedIn.uploads(), s.commentReport)
	s.handle("POST /reports/{id}/attachments", signedIn.uploads(), s.attachReport)
	s.handle("POST /reports/{id}/retest", signedIn, s.requestRetest)
	s.handle("POST /reports/{id}/retest/answer", signedIn.uploads(), s.answerRetest)
	s.handle("POST /reports/{id}/retest/decision", signedIn, s.decideRetest)
	s.handle("POST /reports/{id}/retest/withdraw", signedIn, s.withdrawRetest)
	s.handle("POST /reports/{id}/disclosure", signedIn, s.requestDisclosure)
	s.handle("POST /reports/{id}/disclosure/answer", signedIn, s.answerDisclosure)
	s.handle("POST /reports/{id}/disclosure/withdraw", signedIn, s.withdrawDisclosure)
	// Attachments: the use case decides (the report's reporter and team;
	// anyone for the public files of a fully disclosed report).
	s.handle("GET /attachments/{id}", public, s.serveAttachment)
	s.handle("POST /attachments/{id}/remove", signedIn, s.removeAttachment)
	s.handle("GET /programs/{slug}/known-issues", signedIn, s.showKnownIssues)
	s.handle("POST /programs/{slug}/known-issues", signedIn, s.addKnownIssue)
	s.handle("POST /programs/{slug}/known-issues/{kid}", signedIn, s.updateKnownIssue)
	s.handle("POST /reports/{id}/transitions", signedIn, s.transitionReport)
	s.handle("POST /reports/{id}/cvss", signedIn, s.rescoreReport)
	s.handle("POST /reports/{id}/assign", signedIn, s.assignReport)
	s.handle("POST /reports/{id}/awards", signedIn, s.awardReport)
	s.handle("GET /programs/{slug}/ledger", signedIn, s.showLedger)
	s.handle("GET /programs/{slug}/ledger.csv", signedIn, s.ledgerCSV)
	s.handle("POST /programs/{slug}/ledger/{id}/paid", signedIn, s.markAwardPaid)

	// Instance admins.
	s.handle("GET /admin/users", instanceAdmin, s.showUsers)
	s.handle("POST /admin/users/{id}/disable", instanceAdmin, s.disableUser)
	s.handle("POST /admin/users/{id}/enable", instanceAdmin, s.enableUser)
	s.handle("GET /admin/programs", instanceAdmin, s.showAdminPrograms)
	s.handle("POST /admin/programs", instanceAdmin, s.createProgram)

	// JSON API (bearer tokens only).
	s.handle("GET /api/v1/openapi.json", apiPublic, s.apiOpenAPI)
	s.handle("GET /api/v1/me", apiSignedIn, s.apiMe)
	s.handle("GET /api/v1/tokens", apiSignedIn, s.apiListTokens)
	s.handle("DELETE /api/v1/tokens/{id}", apiSignedIn, s.apiRevokeToken)
	s.handle("GET /api/v1/programs", apiPublic, s.apiListPrograms)
	s.handle("POST /api/v1/programs", apiAdmin, s.apiCreateProgram)
	s.handle("GET /api/v1/programs/{slug}", apiPublic, s.apiProgram)
	s.handle("PATCH /api/v1/programs/{slug}", apiSignedIn, s.apiPatchProgram)
	s.handle("GET /api/v1/programs/{slug}/assets", apiPublic, s.apiAssets)
	s.handle("POST /api/v1/programs/{slug}/assets", apiSignedIn, s.apiAddAsset)
	s.handle("PATCH /api/v1/programs/{slug}/assets/{id}", apiSignedIn, s.apiUpdateAsset)
	s.handle("DELETE /api/v1/programs/{slug}/assets/{id}", apiSignedIn, s.apiRemoveAsset)
	s.handle("GET /api/v1/programs/{slug}/rewards", apiPublic, s.apiRewards)
	s.handle("PUT /api/v1/programs/{slug}/rewards", apiSignedIn, s.apiSetRewards)
	s.handle("PUT /api/v1/programs/{slug}/out-of-scope", apiSignedIn, s.apiSetOutOfScope)
	s.handle("GET /api/v1/programs/{slug}/updates", apiPublic, s.apiUpdates)
	s.handle("POST /api/v1/programs/{slug}/updates", apiSignedIn, s.apiPostUpdate)
	s.handle("GET /api/v1/programs/{slug}/members", apiSignedIn, s.apiMembers)
	s.handle("POST /api/v1/programs/{slug}/members", apiSignedIn, s.apiInvite)
	s.handle("PATCH /api/v1/programs/{slug}/members/{id}", apiSignedIn, s.apiSetRole)
	s.handle("DELETE /api/v1/programs/{slug}/members/{id}", apiSignedIn, s.apiRemoveMember)
	s.handle("GET /api/v1/programs/{slug}/activity", apiPublic, s.apiActivity)
	s.handle("POST /api/v1/programs/{slug}/reports", apiSignedIn, s.apiSubmitReport)
	s.handle("GET /api/v1/reports", apiSignedIn, s.apiListReports)
	s.handle("GET /api/v1/reports/{id}", apiSignedIn, s.apiReport)
	s.handle("POST /api/v1/reports/{id}/transitions", apiSignedIn, s.apiTransition)
	s.handle("POST /api/v1/reports/{id}/comments", apiSignedIn, s.apiComment)
	s.handle("POST /api/v1/reports/{id}/cvss", apiSignedIn, s.apiRescore)
	s.handle("GET /api/v1/cvss", apiPublic, s.apiScore)
	s.handle("POST /api/v1/reports/{id}/bounties", apiSignedIn, s.apiAwardReport)
	s.handle("GET /api/v1/reports/{id}/bounties", apiSignedIn, s.apiReportAwards)
	s.handle("POST /api/v1/reports/{id}/attachments", apiSignedIn.uploads(), s.apiAttach)
	s.handle("GET /api/v1/attachments/{id}", apiPublic, s.serveAttachment)
	s.handle("DELETE /api/v1/attachments/{id}", apiSignedIn, s.apiRemoveAttachment)
	s.handle("POST /api/v1/reports/{id}/retests", apiSignedIn, s.apiRequestRetest)
	s.handle("POST /api/v1/reports/{id}/retests/answer", apiSignedIn.uploads(), s.apiAnswerRetest)
	s.handle("POST /api/v1/reports/{id}/retests/decision", apiSignedIn, s.apiDecideRetest)
	s.handle("POST /api/v1/reports/{id}/retests/withdraw", apiSignedIn, s.apiWithdrawRetest)
	s.handle("POST /api/v1/reports/{id}/disclosure", apiSignedIn, s.apiRequestDisclosure)
	s.handle("POST /api/v1/reports/{id}/disclosure/answer", apiSignedIn, s.apiAnswerDisclosure)
	s.handle("POST /api/v1/reports/{id}/disclosure/withdraw", apiSignedIn, s.apiWithdrawDisclosure)
	s.handle("GET /api/v1/programs/{slug}/known-issues", apiSignedIn, s.apiKnownIssues)
	s.handle("POST /api/v1/programs/{slug}/known-issues", apiSignedIn, s.apiAddKnownIssue)
	s.handle("PATCH /api/v1/programs/{slug}/known-issues/{kid}", apiSignedIn, s.apiUpdateKnownIssue)
	s.handle("GET /api/v1/programs/{slug}/disclosed", apiPublic, s.apiDisclosedReports)
	s.handle("GET /api/v1/programs/{slug}/disclosed/{id}", apiPublic, s.apiDisclosedReport)
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
