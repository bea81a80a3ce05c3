package web

import (
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/haven-project/haven/internal/app"
	"github.com/haven-project/haven/internal/haven"
	"github.com/haven-project/haven/internal/money"
)

// manageSection names the tabs of a program's management pages.
type managePage struct {
	formPage
	Program  *app.ProgramView
	Currency money.Currency
	Section  string
}

func (s *Server) managePage(r *http.Request, section, title string) (*managePage, error) {
	v, err := s.app.Program(r.Context(), actorFrom(r), r.PathValue("slug"))
	if err != nil {
		return nil, err
	}
	if !v.CanManage && v.Role == "" {
		return nil, haven.ErrForbidden
	}
	cur, _ := money.ParseCurrency(v.Currency)
	p := &managePage{formPage: *s.formPage(r, v.Name+": "+title), Program: v, Currency: cur, Section: section}
	p.Narrow = false
	return p, nil
}

var weekdays = []string{"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}

// settingsForm fills the settings form from the program.
func settingsForm(p *haven.Program, cur money.Currency) map[string]string {
	f := map[string]string{
		"name": p.Name, "organisation": p.Organisation, "kind": string(p.Kind), "currency": p.Currency,
		"policy": p.Policy, "rules": p.Rules, "safe_harbour": p.SafeHarbour, "guidelines": p.Guidelines,
		"contact_email": p.ContactEmail, "pgp_key": p.PGPKey, "time_zone": p.Calendar.TimeZone,
		"holidays": strings.Join(p.Calendar.Holidays, "\n"), "needs_info_days": strconv.Itoa(p.NeedsInfoDays),
		"retest_bonus": strings.TrimLeft(cur.Format(money.Amount(p.RetestBonus)), "€$£"),
		"bands":        "haven",
	}
	if len(p.Bands) > 0 && p.Bands[0].Name == "None" {
		f["bands"] = "cvss"
	}
	var links []string
	for _, l := range p.Links {
		links = append(links, l.Label+" | "+l.URL)
	}
	f["links"] = strings.Join(links, "\n")
	for _, d := range p.Calendar.Weekend {
		f["weekend_"+strings.ToLower(d)] = "on"
	}
	for name, d := range p.ValidationDays {
		f["days_"+name] = strconv.Itoa(d)
	}
	return f
}

// settingsPage of a program: every setting in one form.
type programSettingsPage struct {
	managePage
	Weekdays []string
	Statuses []statusAction
}

type statusAction struct {
	To, Label string
	Danger    bool
}

func statusActions(p *haven.Program) []statusAction {
	switch p.Status {
	case haven.StatusDraft:
		return []statusAction{{"published", "Publish the program", false}, {"closed", "Close", true}}
	case haven.StatusPublished:
		return []statusAction{{"suspended", "Suspend the program", true}, {"closed", "Close the program", true}}
	case haven.StatusSuspended:
		return []statusAction{{"published", "Resume the program", false}, {"closed", "Close the program", true}}
	case haven.StatusClosed:
		return []statusAction{{"published", "Reopen the program", false}}
	}
	return nil
}

func (s *Server) showProgramSettings(w http.ResponseWriter, r *http.Request) error {
	mp, err := s.managePage(r, "settings", "Settings")
	if err != nil {
		return err
	}
	if !mp.Program.CanManage {
		return haven.ErrForbidden
	}
	mp.Form = settingsForm(mp.Program.Program, mp.Currency)
	return s.render(w, r, "program_settings", &programSettingsPage{managePage: *mp, Weekdays: weekdays, Statuses: statusActions(mp.Program.Program)})
}

// parsePostForm fills r.PostForm. A handler that ranges over r.PostForm
// needs it: r.PostFormValue parses the body as a side effect, a range over
// the map does not, and sees an empty form.
func parsePostForm(r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return err
		}
		return errBadRequest
	}
	return nil
}

func (s *Server) updateProgramSettings(w http.ResponseWriter, r *http.Request) error {
	if err := parsePostForm(r); err != nil {
		return err
	}
	mp, err := s.managePage(r, "settings", "Settings")
	if err != nil {
		return err
	}
	page := &programSettingsPage{managePage: *mp, Weekdays: weekdays, Statuses: statusActions(mp.Program.Program)}
	f := map[string]string{}
	for k := range r.PostForm {
		f[k] = r.PostFormValue(k)
	}
	page.Form = f
	patch, perr := settingsPatch(f, mp.Program.Program)
	if perr != nil {
		page.Errors = perr
		return s.renderStatus(w, r, http.StatusUnprocessableEntity, "program_settings", page)
	}
	_, err = s.app.UpdateProgram(r.Context(), actorFrom(r), r.PathValue("slug"), patch)
	if ok, err := page.invalidForm(err); ok {
		return s.renderStatus(w, r, http.StatusUnprocessableEntity, "program_settings", page)
	} else if err != nil {
		return err
	}
	return s.redirect(w, r, "/programs/"+r.PathValue("slug")+"/settings", "program-saved")
}

// settingsPatch turns the settings form into a patch; syntax errors (a
// number that is not one) are reported per field.
func settingsPatch(f map[string]string, p *haven.Program) (app.ProgramPatch, *haven.InvalidError) {
	v := &haven.InvalidError{}
	str := func(k string) *string { s := f[k]; return &s }
	patch := app.ProgramPatch{
		Name: str("name"), Organisation: str("organisation"), Currency: str("currency"),
		Policy: str("policy"), Rules: str("rules"), SafeHarbour: str("safe_harbour"), Guidelines: str("guidelines"),
		ContactEmail: str("contact_email"), PGPKey: str("pgp_key"),
	}
	kind := haven.ProgramKind(f["kind"])
	patch.Kind = &kind
	bands := haven.DefaultBands()
	if f["bands"] == "cvss" {
		bands = haven.CVSSBands()
	}
	if f["bands"] == "cvss" && (len(p.Bands) == 0 || p.Bands[0].Name != "None") || f["bands"] == "haven" && len(p.Bands) > 0 && p.Bands[0].Name == "None" {
		patch.Bands = &bands
	} else {
		bands = p.Bands
	}
	days := map[string]int{}
	for _, b := range bands {
		s := strings.TrimSpace(f["days_"+b.Name])
		if s == "" {
			continue
		}
		n, err := strconv.Atoi(s)
		if err != nil {
			v.Add("validation_days", fmt.Sprintf("%s: give a whole number of working days.", b.Name))
			continue
		}
		days[b.Name] = n
	}
	patch.ValidationDays = &days
	cal := haven.Calendar{TimeZone: strings.TrimSpace(f["time_zone"])}
	for _, d := range weekdays {
		if f["weekend_"+d] == "on" {
			cal.Weekend = append(cal.Weekend, d)
		}
	}
	for _, h := range strings.Fields(f["holidays"]) {
		cal.Holidays = append(cal.Holidays, strings.TrimSuffix(h, ","))
	}
	patch.Calendar = &cal
	var links []haven.Link
	for _, line := range strings.Split(f["links"], "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		label, u, ok := strings.Cut(line, "|")
		if !ok {
			v.Add("links", "Write each link as “Label | https://…”, one per line.")
			break
		}
		links = append(links, haven.Link{Label: strings.TrimSpace(label), URL: strings.TrimSpace(u)})
	}
	patch.Links = &links
	if n, err := strconv.Atoi(strings.TrimSpace(f["needs_info_days"])); err == nil {
		patch.NeedsInfoDays = &n
	} else {
		v.Add("needs_info_days", "Give a whole number of days.")
	}
	cur, err := money.ParseCurrency(f["currency"])
	if err == nil {
		bonus := strings.TrimSpace(f["retest_bonus"])
		if bonus == "" {
			bonus = "0"
		}
		amt, err := cur.Parse(bonus)
		if err != nil {
			v.Add("retest_bonus", "Give an amount such as 50.")
		} else {
			b := int64(amt)
			patch.RetestBonus = &b
		}
	}
	if len(v.Fields) > 0 {
		return patch, v
	}
	return patch, nil
}

func (s *Server) setProgramStatus(w http.ResponseWriter, r *http.Request) error {
	st := haven.ProgramStatus(r.PostFormValue("status"))
	_, err := s.app.UpdateProgram(r.Context(), actorFrom(r), r.PathValue("slug"), app.ProgramPatch{Status: &st})
	var inv *haven.InvalidError
	if errors.As(err, &inv) {
		// Show the settings page with the message beside the status
		// buttons, not a bare error page.
		mp, perr := s.managePage(r, "settings", "Settings")
		if perr != nil {
			return perr
		}
		mp.Form = settingsForm(mp.Program.Program, mp.Currency)
		mp.Errors = inv
		page := &programSettingsPage{managePage: *mp, Weekdays: weekdays, Statuses: statusActions(mp.Program.Program)}
		return s.renderStatus(w, r, http.StatusUnprocessableEntity, "program_settings", page)
	}
	if err != nil {
		return err
	}
	return s.redirect(w, r, "/programs/"+r.PathValue("slug")+"/settings", "program-status")
}

// scopePage manages assets, out-of-scope classes and rewards.
type scopePage struct {
	managePage
	AssetTypes []haven.AssetType
	Tiers      []int
	EditAsset  *haven.Asset
}

func (s *Server) scopePage(r *http.Request) (*scopePage, error) {
	mp, err := s.managePage(r, "scope", "Scope and rewards")
	if err != nil {
		return nil, err
	}
	if !mp.Program.CanManage {
		return nil, haven.ErrForbidden
	}
	tiers := map[int]bool{1: true}
	for _, a := range mp.Program.Assets {
		tiers[a.Tier] = true
	}
	for _, rw := range mp.Program.Rewards {
		tiers[rw.Tier] = true
	}
	var ts []int
	for t := range tiers {
		ts = append(ts, t)
	}
	sort.Ints(ts)
	p := &scopePage{managePage: *mp, AssetTypes: haven.AssetTypes, Tiers: ts}
	for _, rw := range mp.Program.Rewards {
		cell := strings.TrimLeft(mp.Currency.Format(money.Amount(rw.Min)), "€$£")
		if rw.Max != rw.Min {
			cell += " - " + strings.TrimLeft(mp.Currency.Format(money.Amount(rw.Max)), "€$£")
		}
		p.Form[fmt.Sprintf("reward_%d_%s", rw.Tier, rw.Severity)] = cell
	}
	for _, c := range mp.Program.OutOfScope {
		p.Form[fmt.Sprintf("oos_%d", c.ID)] = c.Text
	}
	p.Form["tier"] = "1"
	p.Form["type"] = "package"
	p.Form["in_scope"] = "on"
	if mp.Program.Kind == haven.KindBounty {
		p.Form["bounty_eligible"] = "on"
	}
	return p, nil
}

func (s *Server) showScope(w http.ResponseWriter, r *http.Request) error {
	p, err := s.scopePage(r)
	if err != nil {
		return err
	}
	return s.render(w, r, "program_scope", p)
}

func assetInput(r *http.Request) (app.AssetInput, *haven.InvalidError) {
	tier, err := strconv.Atoi(strings.TrimSpace(r.PostFormValue("tier")))
	if err != nil {
		return app.AssetInput{}, haven.Invalid("tier", "Choose a tier from 1 to 5.")
	}
	return app.AssetInput{
		Name: r.PostFormValue("name"), Type: haven.AssetType(r.PostFormValue("type")), Identifier: r.PostFormValue("identifier"),
		Tier: tier, InScope: r.PostFormValue("in_scope") == "on", BountyEligible: r.PostFormValue("bounty_eligible") == "on",
		MaxSeverity: r.PostFormValue("max_severity"), Description: r.PostFormValue("description"),
		Instructions: r.PostFormValue("instructions"),
	}, nil
}

func (s *Server) addAsset(w http.ResponseWriter, r *http.Request) error {
	in, perr := assetInput(r)
	var err error = perr
	if perr == nil {
		_, err = s.app.AddAsset(r.Context(), actorFrom(r), r.PathValue("slug"), in)
	}
	return s.afterScopeChange(w, r, err, "asset-added", "name", "type", "identifier", "tier", "max_severity", "description", "instructions",
		"in_scope", "bounty_eligible")
}

func (s *Server) updateAsset(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	in, perr := assetInput(r)
	err = perr
	if perr == nil {
		_, err = s.app.UpdateAsset(r.Context(), actorFrom(r), r.PathValue("slug"), id, in)
	}
	if err == nil {
		return s.redirect(w, r, "/programs/"+r.PathValue("slug")+"/scope", "asset-saved")
	}
	// A validation error shows the asset's form again, open, with what was
	// typed and the messages (not a bare error page).
	var inv *haven.InvalidError
	if !errors.As(err, &inv) {
		return err
	}
	p, perr2 := s.scopePage(r)
	if perr2 != nil {
		return perr2
	}
	tier, _ := strconv.Atoi(strings.TrimSpace(r.PostFormValue("tier")))
	p.EditAsset = &haven.Asset{
		ID: id, Name: r.PostFormValue("name"), Type: haven.AssetType(r.PostFormValue("type")), Identifier: r.PostFormValue("identifier"),
		Tier: tier, InScope: r.PostFormValue("in_scope") == "on", BountyEligible: r.PostFormValue("bounty_eligible") == "on",
		MaxSeverity: r.PostFormValue("max_severity"), Description: r.PostFormValue("description"), Instructions: r.PostFormValue("instructions"),
	}
	p.Errors = inv
	return s.renderStatus(w, r, http.StatusUnprocessableEntity, "program_scope", p)
}

func (s *Server) removeAsset(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := s.app.RemoveAsset(r.Context(), actorFrom(r), r.PathValue("slug"), id); err != nil {
		return err
	}
	return s.redirect(w, r, "/programs/"+r.PathValue("slug")+"/scope", "asset-removed")
}

// afterScopeChange redirects after a successful change, or renders the
// scope page again with the typed values and the errors.
func (s *Server) afterScopeChange(w http.ResponseWriter, r *http.Request, err error, flash string, keep ...string) error {
	if err == nil {
		return s.redirect(w, r, "/programs/"+r.PathValue("slug")+"/scope", flash)
	}
	var inv *haven.InvalidError
	if !errors.As(err, &inv) {
		return err
	}
	p, perr := s.scopePage(r)
	if perr != nil {
		return perr
	}
	for _, k := range keep {
		p.Form[k] = r.PostFormValue(k)
	}
	for k := range r.PostForm {
		if strings.HasPrefix(k, "reward_") || strings.HasPrefix(k, "oos_") || k == "oos_new" {
			p.Form[k] = r.PostFormValue(k)
		}
	}
	p.Errors = inv
	return s.renderStatus(w, r, http.StatusUnprocessableEntity, "program_scope", p)
}

var amountRange = regexp.MustCompile(`^\s*([^-–]+?)\s*(?:[-–]\s*(.+?))?\s*$`)

func (s *Server) setRewards(w http.ResponseWriter, r *http.Request) error {
	if err := parsePostForm(r); err != nil {
		return err
	}
	v, err := s.app.Program(r.Context(), actorFrom(r), r.PathValue("slug"))
	if err != nil {
		return err
	}
	cur, err := money.ParseCurrency(v.Currency)
	if err != nil {
		return err
	}
	var rewards []haven.Reward
	for k := range r.PostForm {
		rest, ok := strings.CutPrefix(k, "reward_")
		if !ok {
			continue
		}
		tierText, band, ok := strings.Cut(rest, "_")
		tier, terr := strconv.Atoi(tierText)
		cell := strings.TrimSpace(r.PostFormValue(k))
		if !ok || terr != nil || cell == "" {
			continue
		}
		m := amountRange.FindStringSubmatch(cell)
		lo, err1 := cur.Parse(m[1])
		hi := lo
		var err2 error
		if m[2] != "" {
			hi, err2 = cur.Parse(m[2])
		}
		if err1 != nil || err2 != nil {
			return s.afterScopeChange(w, r, haven.Invalid("rewards", fmt.Sprintf("Tier %d %s: write an amount such as 500 or a range such as 250 - 1,000.", tier, band)), "")
		}
		rewards = append(rewards, haven.Reward{Tier: tier, Severity: band, Min: int64(lo), Max: int64(hi)})
	}
	err = s.app.SetRewards(r.Context(), actorFrom(r), r.PathValue("slug"), rewards)
	return s.afterScopeChange(w, r, err, "rewards-saved")
}

func (s *Server) setOutOfScope(w http.ResponseWriter, r *http.Request) error {
	v, err := s.app.Program(r.Context(), actorFrom(r), r.PathValue("slug"))
	if err != nil {
		return err
	}
	var items []app.OutOfScopeInput
	for _, c := range v.OutOfScope {
		text := r.PostFormValue(fmt.Sprintf("oos_%d", c.ID))
		if strings.TrimSpace(text) != "" {
			items = append(items, app.OutOfScopeInput{ID: c.ID, Text: text})
		}
	}
	for _, line := range strings.Split(r.PostFormValue("oos_new"), "\n") {
		if line = strings.TrimSpace(strings.TrimLeft(line, "-*• ")); line != "" {
			items = append(items, app.OutOfScopeInput{Text: line})
		}
	}
	err = s.app.SetOutOfScope(r.Context(), actorFrom(r), r.PathValue("slug"), items)
	return s.afterScopeChange(w, r, err, "oos-saved")
}

// teamPage manages a program's members.
type teamPage struct {
	managePage
	Team      *app.Team
	Roles     []haven.Role
	CanManage bool
	Me        int64
}

func (s *Server) teamPage(r *http.Request) (*teamPage, error) {
	mp, err := s.managePage(r, "team", "Team")
	if err != nil {
		return nil, err
	}
	t, err := s.app.Team(r.Context(), actorFrom(r), r.PathValue("slug"))
	if err != nil {
		return nil, err
	}
	mp.Form["role"] = "triager"
	return &teamPage{managePage: *mp, Team: t, Roles: haven.Roles, CanManage: mp.Program.CanManage, Me: actorFrom(r).UserID()}, nil
}

func (s *Server) showTeam(w http.ResponseWriter, r *http.Request) error {
	p, err := s.teamPage(r)
	if err != nil {
		return err
	}
	return s.render(w, r, "program_team", p)
}

func (s *Server) invite(w http.ResponseWriter, r *http.Request) error {
	err := s.app.Invite(r.Context(), actorFrom(r), r.PathValue("slug"), r.PostFormValue("email"), haven.Role(r.PostFormValue("role")))
	var inv *haven.InvalidError
	if errors.As(err, &inv) {
		p, perr := s.teamPage(r)
		if perr != nil {
			return perr
		}
		p.Form["email"], p.Form["role"], p.Errors = r.PostFormValue("email"), r.PostFormValue("role"), inv
		return s.renderStatus(w, r, http.StatusUnprocessableEntity, "program_team", p)
	}
	if err != nil {
		return err
	}
	return s.redirect(w, r, "/programs/"+r.PathValue("slug")+"/team", "invited")
}

func (s *Server) teamAction(w http.ResponseWriter, r *http.Request, action func(userID int64) error, flash string) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	err = action(id)
	var inv *haven.InvalidError
	if errors.As(err, &inv) {
		p, perr := s.teamPage(r)
		if perr != nil {
			return perr
		}
		p.Errors = inv
		return s.renderStatus(w, r, http.StatusUnprocessableEntity, "program_team", p)
	}
	if err != nil {
		return err
	}
	if id == actorFrom(r).UserID() && flash == "member-removed" {
		return s.redirect(w, r, "/programs/"+r.PathValue("slug"), "left-team")
	}
	return s.redirect(w, r, "/programs/"+r.PathValue("slug")+"/team", flash)
}

func (s *Server) changeRole(w http.ResponseWriter, r *http.Request) error {
	return s.teamAction(w, r, func(id int64) error {
		return s.app.SetRole(r.Context(), actorFrom(r), r.PathValue("slug"), id, haven.Role(r.PostFormValue("role")))
	}, "role-changed")
}

func (s *Server) removeMember(w http.ResponseWriter, r *http.Request) error {
	return s.teamAction(w, r, func(id int64) error {
		return s.app.RemoveMember(r.Context(), actorFrom(r), r.PathValue("slug"), id)
	}, "member-removed")
}

func (s *Server) revokeInvitation(w http.ResponseWriter, r *http.Request) error {
	return s.teamAction(w, r, func(id int64) error {
		return s.app.RevokeInvitation(r.Context(), actorFrom(r), r.PathValue("slug"), id)
	}, "invitation-revoked")
}

// invitationPage shows an invitation to the person who opens its link.
type invitationPage struct {
	basePage
	Invitation app.InvitationView
	Action     string
	Errors     *haven.InvalidError
}

func (s *Server) showInvitation(w http.ResponseWriter, r *http.Request) error {
	inv, err := s.app.PeekInvitation(r.Context(), r.PathValue("token"))
	if errors.Is(err, haven.ErrNotFound) {
		return s.message(w, r, "This invitation does not work", "It was used already, withdrawn, or it expired. Ask the program's owners for a new one.")
	}
	if err != nil {
		return err
	}
	p := &invitationPage{basePage: s.base(r, "Join "+inv.Program), Invitation: inv, Action: r.URL.Path}
	p.Narrow = true
	return s.render(w, r, "invitation", p)
}

func (s *Server) acceptInvitation(w http.ResponseWriter, r *http.Request) error {
	slug, err := s.app.AcceptInvitation(r.Context(), actorFrom(r), r.PathValue("token"))
	var inv *haven.InvalidError
	if errors.As(err, &inv) {
		view, perr := s.app.PeekInvitation(r.Context(), r.PathValue("token"))
		if perr != nil {
			return perr
		}
		p := &invitationPage{basePage: s.base(r, "Join "+view.Program), Invitation: view, Action: r.URL.Path, Errors: inv}
		p.Narrow = true
		return s.renderStatus(w, r, http.StatusUnprocessableEntity, "invitation", p)
	}
	if errors.Is(err, haven.ErrNotFound) {
		return s.message(w, r, "This invitation does not work", "It was used already, withdrawn, or it expired. Ask the program's owners for a new one.")
	}
	if err != nil {
		return err
	}
	return s.redirect(w, r, "/programs/"+slug, "joined")
}

func (s *Server) postUpdate(w http.ResponseWriter, r *http.Request) error {
	_, err := s.app.PostUpdate(r.Context(), actorFrom(r), r.PathValue("slug"), r.PostFormValue("title"), r.PostFormValue("body"),
		r.PostFormValue("publish") == "on")
	var inv *haven.InvalidError
	if errors.As(err, &inv) {
		mp, perr := s.managePage(r, "updates", "Updates")
		if perr != nil {
			return perr
		}
		mp.Form["title"], mp.Form["body"], mp.Errors = r.PostFormValue("title"), r.PostFormValue("body"), inv
		return s.renderStatus(w, r, http.StatusUnprocessableEntity, "program_updates", mp)
	}
	if err != nil {
		return err
	}
	return s.redirect(w, r, "/programs/"+r.PathValue("slug")+"/updates", "update-saved")
}

func (s *Server) showUpdatesManage(w http.ResponseWriter, r *http.Request) error {
	mp, err := s.managePage(r, "updates", "Updates")
	if err != nil {
		return err
	}
	if !mp.Program.CanManage {
		return haven.ErrForbidden
	}
	mp.Form["publish"] = "on"
	return s.render(w, r, "program_updates", mp)
}

func (s *Server) publishUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := s.app.PublishUpdate(r.Context(), actorFrom(r), r.PathValue("slug"), id); err != nil {
		return err
	}
	return s.redirect(w, r, "/programs/"+r.PathValue("slug")+"/updates", "update-published")
}

// feedbackPage lists anonymous feedback for owners.
type feedbackPage struct {
	managePage
	Feedback []haven.Feedback
}

func (s *Server) showFeedback(w http.ResponseWriter, r *http.Request) error {
	mp, err := s.managePage(r, "feedback", "Feedback")
	if err != nil {
		return err
	}
	fb, err := s.app.Feedback(r.Context(), actorFrom(r), r.PathValue("slug"))
	if err != nil {
		return err
	}
	return s.render(w, r, "program_feedback", &feedbackPage{managePage: *mp, Feedback: fb})
}

// historyPage lists who changed what in a program.
type historyPage struct {
	managePage
	Entries []historyEntry
}

type historyEntry struct {
	At     time.Time
	Actor  string
	Action string
	Detail string
}

func (s *Server) showHistory(w http.ResponseWriter, r *http.Request) error {
	mp, err := s.managePage(r, "history", "History")
	if err != nil {
		return err
	}
	entries, err := s.app.History(r.Context(), actorFrom(r), r.PathValue("slug"))
	if err != nil {
		return err
	}
	names := map[int64]string{}
	if t, err := s.app.Team(r.Context(), actorFrom(r), r.PathValue("slug")); err == nil {
		for _, m := range t.Members {
			names[m.User.ID] = m.User.Name()
		}
	}
	p := &historyPage{managePage: *mp}
	for _, e := range entries {
		who := names[e.ActorID]
		switch {
		case e.ActorID == 0:
			who = "Haven"
		case who == "":
			who = fmt.Sprintf("account %d", e.ActorID)
		}
		p.Entries = append(p.Entries, historyEntry{At: e.At, Actor: who, Action: e.Action, Detail: e.Detail})
	}
	return s.render(w, r, "program_history", p)
}

// adminProgramsPage lists every program and creates new ones.
type adminProgramsPage struct {
	formPage
	Programs []*haven.Program
}

func (s *Server) showAdminPrograms(w http.ResponseWriter, r *http.Request) error {
	ps, err := s.app.Programs(r.Context(), actorFrom(r))
	if err != nil {
		return err
	}
	p := &adminProgramsPage{formPage: *s.formPage(r, "Programs"), Programs: ps}
	p.Narrow = false
	p.Form["kind"], p.Form["currency"] = "bounty", "EUR"
	return s.render(w, r, "admin_programs", p)
}

func (s *Server) createProgram(w http.ResponseWriter, r *http.Request) error {
	p := &adminProgramsPage{formPage: *s.formPage(r, "Programs", "slug", "name", "organisation", "kind", "currency", "owners")}
	p.Narrow = false
	prog, err := s.app.CreateProgram(r.Context(), actorFrom(r), app.NewProgram{
		Slug: p.Form["slug"], Name: p.Form["name"], Organisation: p.Form["organisation"],
		Kind: haven.ProgramKind(p.Form["kind"]), Currency: p.Form["currency"],
		Owners: strings.FieldsFunc(p.Form["owners"], func(r rune) bool { return r == ',' || r == ' ' || r == '\n' }),
	})
	if ok, err := p.invalidForm(err); ok {
		if p.Programs, err = s.app.Programs(r.Context(), actorFrom(r)); err != nil {
			return err
		}
		return s.renderStatus(w, r, http.StatusUnprocessableEntity, "admin_programs", p)
	} else if err != nil {
		return err
	}
	return s.redirect(w, r, "/programs/"+prog.Slug+"/settings", "program-created")
}
