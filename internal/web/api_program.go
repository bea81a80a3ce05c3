package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/haven-project/haven/internal/app"
	"github.com/haven-project/haven/internal/haven"
	"github.com/haven-project/haven/internal/money"
)

// decodeJSON reads a JSON request body into v, refusing unknown fields and
// trailing data with a message that says what is wrong.
func decodeJSON(r *http.Request, v any) error {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return err
		}
		var syn *json.SyntaxError
		var typ *json.UnmarshalTypeError
		switch {
		case errors.Is(err, io.EOF):
			return badRequest("The request body is empty; send a JSON object.")
		case errors.Is(err, io.ErrUnexpectedEOF):
			return badRequest("The body is not valid JSON: it ends before the object does.")
		case errors.As(err, &syn):
			return badRequest(fmt.Sprintf("The body is not valid JSON (at byte %d).", syn.Offset))
		case errors.As(err, &typ) && typ.Field == "":
			return badRequest("The body must be a JSON object.")
		case errors.As(err, &typ):
			return badRequest(fmt.Sprintf("Field %q must be %s.", safeLogText(typ.Field), jsonKind(typ.Type)))
		case strings.HasPrefix(err.Error(), unknownFieldPrefix):
			return badRequest(fmt.Sprintf("The body has an unknown field %s; /api/v1/openapi.json lists the fields each operation takes.",
				safeLogText(strings.TrimPrefix(err.Error(), unknownFieldPrefix))))
		default:
			return badRequest("The body could not be read as the expected JSON object: " + safeLogText(err.Error()) + ".")
		}
	}
	if dec.More() {
		return badRequest("Send one JSON object, with nothing after it.")
	}
	return nil
}

// unknownFieldPrefix starts encoding/json's error for a field the target
// does not have (it has no error type of its own).
const unknownFieldPrefix = "json: unknown field "

// jsonKind names the JSON a Go type decodes from, for a client.
func jsonKind(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "a JSON string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a JSON number"
	case reflect.Slice, reflect.Array:
		return "a JSON array"
	case reflect.Map, reflect.Struct:
		return "a JSON object"
	}
	return "a JSON " + t.Kind().String()
}

// requestError is a 400 with a message for the client.
type requestError struct{ msg string }

func badRequest(msg string) error         { return &requestError{msg} }
func (e *requestError) Error() string     { return e.msg }
func (e *requestError) Is(err error) bool { return err == errBadRequest }

type apiAsset struct {
	ID             int64  `json:"id"`
	Name           string `json:"name"`
	Type           string `json:"type"`
	Identifier     string `json:"identifier"`
	Tier           int    `json:"tier"`
	InScope        bool   `json:"in_scope"`
	BountyEligible bool   `json:"bounty_eligible"`
	MaxSeverity    string `json:"max_severity"`
	Description    string `json:"description"`
	Instructions   string `json:"instructions"`
}

func assetJSON(a *haven.Asset) apiAsset {
	return apiAsset{ID: a.ID, Name: a.Name, Type: string(a.Type), Identifier: a.Identifier, Tier: a.Tier, InScope: a.InScope,
		BountyEligible: a.BountyEligible, MaxSeverity: a.MaxSeverity, Description: a.Description, Instructions: a.Instructions}
}

type apiReward struct {
	Tier     int     `json:"tier"`
	Severity string  `json:"severity"`
	Min      float64 `json:"min"`
	Max      float64 `json:"max"`
}

type apiOutOfScope struct {
	ID   int64  `json:"id"`
	Text string `json:"text"`
}

type apiProgram struct {
	Slug           string               `json:"slug"`
	Name           string               `json:"name"`
	Organisation   string               `json:"organisation"`
	Status         string               `json:"status"`
	Kind           string               `json:"kind"`
	Currency       string               `json:"currency"`
	URL            string               `json:"url"`
	Policy         string               `json:"policy"`
	Rules          string               `json:"rules_of_engagement"`
	SafeHarbour    string               `json:"safe_harbour"`
	Guidelines     string               `json:"reporting_guidelines"`
	PolicyVersion  int                  `json:"policy_version"`
	ContactEmail   string               `json:"contact_email"`
	PGPFingerprint string               `json:"pgp_fingerprint"`
	Links          []haven.Link         `json:"links"`
	Assets         []apiAsset           `json:"assets"`
	Bands          []haven.SeverityBand `json:"severity_bands"`
	ValidationDays map[string]int       `json:"validation_days"`
	Calendar       haven.Calendar       `json:"calendar"`
	Rewards        []apiReward          `json:"rewards"`
	RetestBonus    float64              `json:"retest_bonus"`
	OutOfScope     []apiOutOfScope      `json:"out_of_scope"`
	UpdatedAt      time.Time            `json:"updated_at"`
	// Members only.
	Role          string `json:"role,omitempty"`
	NeedsInfoDays int    `json:"needs_info_days,omitempty"`
}

func (s *Server) programJSON(v *app.ProgramView) apiProgram {
	cur, _ := money.ParseCurrency(v.Currency)
	out := apiProgram{
		Slug: v.Slug, Name: v.Name, Organisation: v.Organisation, Status: string(v.Status), Kind: string(v.Kind),
		Currency: v.Currency, URL: s.cfg.BaseURL + "/programs/" + v.Slug, Policy: v.Policy, Rules: v.Rules,
		SafeHarbour: v.SafeHarbour, Guidelines: v.Guidelines, PolicyVersion: v.PolicyVersion, ContactEmail: v.ContactEmail,
		PGPFingerprint: v.PGPFinger, Links: nonNil(v.Links), Assets: []apiAsset{}, Bands: nonNil(v.Bands),
		ValidationDays: v.ValidationDays, Calendar: v.Calendar, Rewards: []apiReward{},
		RetestBonus: cur.Major(money.Amount(v.RetestBonus)), OutOfScope: []apiOutOfScope{}, UpdatedAt: v.UpdatedAt,
	}
	// Lists are arrays and maps objects, never null.
	if out.ValidationDays == nil {
		out.ValidationDays = map[string]int{}
	}
	out.Calendar.Weekend, out.Calendar.Holidays = nonNil(out.Calendar.Weekend), nonNil(out.Calendar.Holidays)
	for _, a := range v.Assets {
		out.Assets = append(out.Assets, assetJSON(a))
	}
	for _, r := range v.Rewards {
		out.Rewards = append(out.Rewards, apiReward{Tier: r.Tier, Severity: r.Severity,
			Min: cur.Major(money.Amount(r.Min)), Max: cur.Major(money.Amount(r.Max))})
	}
	for _, c := range v.OutOfScope {
		out.OutOfScope = append(out.OutOfScope, apiOutOfScope{ID: c.ID, Text: c.Text})
	}
	if v.Role != "" || v.CanManage {
		out.Role = string(v.Role)
		out.NeedsInfoDays = v.NeedsInfoDays
	}
	return out
}

// nonNil returns s, or an empty slice for nil, so JSON shows [] not null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// apiProgramFields maps the names the app gives program fields in
// validation errors to the API's names, where they differ.
var apiProgramFields = map[string]string{"rules": "rules_of_engagement", "guidelines": "reporting_guidelines"}

// apiFieldNames returns err with its field messages under the API's
// names.
func apiFieldNames(err error, names map[string]string) error {
	var inv *haven.InvalidError
	if !errors.As(err, &inv) || len(inv.Fields) == 0 {
		return err
	}
	out := &haven.InvalidError{Msg: inv.Msg, Fields: make(map[string]string, len(inv.Fields))}
	for k, msg := range inv.Fields {
		if n, ok := names[k]; ok {
			k = n
		}
		out.Fields[k] = msg
	}
	return out
}

type apiProgramSummary struct {
	Slug         string `json:"slug"`
	Name         string `json:"name"`
	Organisation string `json:"organisation"`
	Status       string `json:"status"`
	Kind         string `json:"kind"`
	Currency     string `json:"currency"`
	URL          string `json:"url"`
}

func (s *Server) apiListPrograms(w http.ResponseWriter, r *http.Request) error {
	ps, err := s.app.Programs(r.Context(), actorFrom(r))
	if err != nil {
		return err
	}
	out := []apiProgramSummary{}
	for _, p := range ps {
		out = append(out, apiProgramSummary{Slug: p.Slug, Name: p.Name, Organisation: p.Organisation, Status: string(p.Status),
			Kind: string(p.Kind), Currency: p.Currency, URL: s.cfg.BaseURL + "/programs/" + p.Slug})
	}
	return writeJSON(w, http.StatusOK, map[string]any{"programs": out})
}

func (s *Server) apiProgram(w http.ResponseWriter, r *http.Request) error {
	v, err := s.app.Program(r.Context(), actorFrom(r), r.PathValue("slug"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, s.programJSON(v))
}

func (s *Server) apiCreateProgram(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Slug         string   `json:"slug"`
		Name         string   `json:"name"`
		Organisation string   `json:"organisation"`
		Kind         string   `json:"kind"`
		Currency     string   `json:"currency"`
		Status       string   `json:"status"`
		Owners       []string `json:"owners"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	p, err := s.app.CreateProgram(r.Context(), actorFrom(r), app.NewProgram{Slug: in.Slug, Name: in.Name,
		Organisation: in.Organisation, Kind: haven.ProgramKind(in.Kind), Currency: in.Currency,
		Status: haven.ProgramStatus(in.Status), Owners: in.Owners})
	if err != nil {
		return err
	}
	v, err := s.app.Program(r.Context(), actorFrom(r), p.Slug)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/programs/"+p.Slug)
	return writeJSON(w, http.StatusCreated, s.programJSON(v))
}

func (s *Server) apiPatchProgram(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Name           *string               `json:"name"`
		Organisation   *string               `json:"organisation"`
		Kind           *string               `json:"kind"`
		Currency       *string               `json:"currency"`
		Status         *string               `json:"status"`
		Policy         *string               `json:"policy"`
		Rules          *string               `json:"rules_of_engagement"`
		SafeHarbour    *string               `json:"safe_harbour"`
		Guidelines     *string               `json:"reporting_guidelines"`
		ContactEmail   *string               `json:"contact_email"`
		PGPKey         *string               `json:"pgp_key"`
		Links          *[]haven.Link         `json:"links"`
		Bands          *[]haven.SeverityBand `json:"severity_bands"`
		ValidationDays *map[string]int       `json:"validation_days"`
		Calendar       *haven.Calendar       `json:"calendar"`
		RetestBonus    *float64              `json:"retest_bonus"`
		NeedsInfoDays  *int                  `json:"needs_info_days"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	patch := app.ProgramPatch{Name: in.Name, Organisation: in.Organisation, Currency: in.Currency, Policy: in.Policy,
		Rules: in.Rules, SafeHarbour: in.SafeHarbour, Guidelines: in.Guidelines, ContactEmail: in.ContactEmail,
		PGPKey: in.PGPKey, Links: in.Links, Bands: in.Bands, ValidationDays: in.ValidationDays, Calendar: in.Calendar,
		NeedsInfoDays: in.NeedsInfoDays}
	if in.Kind != nil {
		k := haven.ProgramKind(*in.Kind)
		patch.Kind = &k
	}
	if in.Status != nil {
		st := haven.ProgramStatus(*in.Status)
		patch.Status = &st
	}
	if in.RetestBonus != nil {
		v, err := s.app.Program(r.Context(), actorFrom(r), r.PathValue("slug"))
		if err != nil {
			return err
		}
		code := v.Currency
		if in.Currency != nil {
			code = *in.Currency
		}
		cur, err := money.ParseCurrency(code)
		if err != nil {
			return haven.Invalid("currency", err.Error())
		}
		amt, err := cur.FromMajor(*in.RetestBonus)
		if err != nil {
			return haven.Invalid("retest_bonus", "Give a non-negative amount with at most "+strconv.Itoa(cur.Minor)+" decimals.")
		}
		b := int64(amt)
		patch.RetestBonus = &b
	}
	if _, err := s.app.UpdateProgram(r.Context(), actorFrom(r), r.PathValue("slug"), patch); err != nil {
		return apiFieldNames(err, apiProgramFields)
	}
	return s.apiProgram(w, r)
}

func (s *Server) apiAssets(w http.ResponseWriter, r *http.Request) error {
	as, err := s.app.Assets(r.Context(), actorFrom(r), r.PathValue("slug"))
	if err != nil {
		return err
	}
	out := []apiAsset{}
	for _, a := range as {
		out = append(out, assetJSON(a))
	}
	return writeJSON(w, http.StatusOK, map[string]any{"assets": out})
}

type apiAssetInput struct {
	Name           *string `json:"name"`
	Type           *string `json:"type"`
	Identifier     *string `json:"identifier"`
	Tier           *int    `json:"tier"`
	InScope        *bool   `json:"in_scope"`
	BountyEligible *bool   `json:"bounty_eligible"`
	MaxSeverity    *string `json:"max_severity"`
	Description    *string `json:"description"`
	Instructions   *string `json:"instructions"`
}

// over returns base with the fields the request set.
func (in apiAssetInput) over(base app.AssetInput) app.AssetInput {
	set := func(dst *string, src *string) {
		if src != nil {
			*dst = *src
		}
	}
	set(&base.Name, in.Name)
	set(&base.Identifier, in.Identifier)
	set(&base.MaxSeverity, in.MaxSeverity)
	set(&base.Description, in.Description)
	set(&base.Instructions, in.Instructions)
	if in.Type != nil {
		base.Type = haven.AssetType(*in.Type)
	}
	if in.Tier != nil {
		base.Tier = *in.Tier
	}
	if in.InScope != nil {
		base.InScope = *in.InScope
	}
	if in.BountyEligible != nil {
		base.BountyEligible = *in.BountyEligible
	}
	return base
}

func (s *Server) apiAddAsset(w http.ResponseWriter, r *http.Request) error {
	var in apiAssetInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	a, err := s.app.AddAsset(r.Context(), actorFrom(r), r.PathValue("slug"),
		in.over(app.AssetInput{Type: "other", Tier: 1, InScope: true, BountyEligible: true}))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, assetJSON(a))
}

func (s *Server) apiUpdateAsset(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in apiAssetInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	as, err := s.app.Assets(r.Context(), actorFrom(r), r.PathValue("slug"))
	if err != nil {
		return err
	}
	var base *haven.Asset
	for _, a := range as {
		if a.ID == id {
			base = a
		}
	}
	if base == nil {
		return haven.ErrNotFound
	}
	a, err := s.app.UpdateAsset(r.Context(), actorFrom(r), r.PathValue("slug"), id, in.over(app.AssetInput{
		Name: base.Name, Type: base.Type, Identifier: base.Identifier, Tier: base.Tier, InScope: base.InScope,
		BountyEligible: base.BountyEligible, MaxSeverity: base.MaxSeverity, Description: base.Description,
		Instructions: base.Instructions, Position: base.Position}))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, assetJSON(a))
}

func (s *Server) apiRemoveAsset(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := s.app.RemoveAsset(r.Context(), actorFrom(r), r.PathValue("slug"), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) apiRewards(w http.ResponseWriter, r *http.Request) error {
	v, err := s.app.Program(r.Context(), actorFrom(r), r.PathValue("slug"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"currency": v.Currency, "rewards": s.programJSON(v).Rewards})
}

func (s *Server) apiSetRewards(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Rewards []apiReward `json:"rewards"`
	}
	if err := decodeJSON(r, &in); err != nil {
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
	var rs []haven.Reward
	for i, x := range in.Rewards {
		lo, err1 := cur.FromMajor(x.Min)
		hi, err2 := cur.FromMajor(x.Max)
		if err1 != nil || err2 != nil {
			return haven.Invalid("rewards", fmt.Sprintf("Row %d: amounts must be non-negative numbers with at most %d decimals.", i+1, cur.Minor))
		}
		rs = append(rs, haven.Reward{Tier: x.Tier, Severity: x.Severity, Min: int64(lo), Max: int64(hi)})
	}
	if err := s.app.SetRewards(r.Context(), actorFrom(r), r.PathValue("slug"), rs); err != nil {
		return err
	}
	return s.apiRewards(w, r)
}

func (s *Server) apiSetOutOfScope(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		OutOfScope []apiOutOfScope `json:"out_of_scope"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	var items []app.OutOfScopeInput
	for _, c := range in.OutOfScope {
		items = append(items, app.OutOfScopeInput{ID: c.ID, Text: c.Text})
	}
	if err := s.app.SetOutOfScope(r.Context(), actorFrom(r), r.PathValue("slug"), items); err != nil {
		return err
	}
	return s.apiProgram(w, r)
}

type apiUpdate struct {
	ID          int64      `json:"id"`
	Title       string     `json:"title"`
	Body        string     `json:"body"`
	CreatedAt   time.Time  `json:"created_at"`
	PublishedAt *time.Time `json:"published_at"`
}

func (s *Server) apiUpdates(w http.ResponseWriter, r *http.Request) error {
	us, err := s.app.Updates(r.Context(), actorFrom(r), r.PathValue("slug"))
	if err != nil {
		return err
	}
	out := []apiUpdate{}
	for _, u := range us {
		out = append(out, apiUpdate{ID: u.ID, Title: u.Title, Body: u.Body, CreatedAt: u.CreatedAt, PublishedAt: u.PublishedAt})
	}
	return writeJSON(w, http.StatusOK, map[string]any{"updates": out})
}

func (s *Server) apiPostUpdate(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Title   string `json:"title"`
		Body    string `json:"body"`
		Publish *bool  `json:"publish"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	publish := in.Publish == nil || *in.Publish
	id, err := s.app.PostUpdate(r.Context(), actorFrom(r), r.PathValue("slug"), in.Title, in.Body, publish)
	if err != nil {
		return err
	}
	us, err := s.app.Updates(r.Context(), actorFrom(r), r.PathValue("slug"))
	if err != nil {
		return err
	}
	for _, u := range us {
		if u.ID == id {
			return writeJSON(w, http.StatusCreated, apiUpdate{ID: u.ID, Title: u.Title, Body: u.Body, CreatedAt: u.CreatedAt, PublishedAt: u.PublishedAt})
		}
	}
	return haven.ErrNotFound
}

type apiActivity struct {
	Type string    `json:"type"`
	Text string    `json:"text"`
	At   time.Time `json:"at"`
}

func (s *Server) apiActivity(w http.ResponseWriter, r *http.Request) error {
	limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
	as, err := s.app.Activity(r.Context(), actorFrom(r), r.PathValue("slug"), limit)
	if err != nil {
		return err
	}
	out := []apiActivity{}
	for _, a := range as {
		out = append(out, apiActivity{Type: a.Type, Text: a.Text, At: a.At})
	}
	return writeJSON(w, http.StatusOK, map[string]any{"items": out})
}

type apiMember struct {
	UserID      int64  `json:"user_id"`
	Email       string `json:"email"`
	DisplayName string `json:"display_name"`
	Role        string `json:"role"`
}

type apiInvitation struct {
	ID        int64     `json:"id"`
	Email     string    `json:"email"`
	Role      string    `json:"role"`
	ExpiresAt time.Time `json:"expires_at"`
}

func (s *Server) apiMembers(w http.ResponseWriter, r *http.Request) error {
	t, err := s.app.Team(r.Context(), actorFrom(r), r.PathValue("slug"))
	if err != nil {
		return err
	}
	ms, invs := []apiMember{}, []apiInvitation{}
	for _, m := range t.Members {
		ms = append(ms, apiMember{UserID: m.User.ID, Email: m.User.Email, DisplayName: m.User.DisplayName, Role: string(m.Role)})
	}
	for _, i := range t.Invitations {
		invs = append(invs, apiInvitation{ID: i.ID, Email: i.Email, Role: string(i.Role), ExpiresAt: i.ExpiresAt})
	}
	return writeJSON(w, http.StatusOK, map[string]any{"members": ms, "invitations": invs})
}

func (s *Server) apiInvite(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Email string `json:"email"`
		Role  string `json:"role"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if err := s.app.Invite(r.Context(), actorFrom(r), r.PathValue("slug"), in.Email, haven.Role(in.Role)); err != nil {
		return err
	}
	return writeJSON(w, http.StatusAccepted, map[string]string{"status": "invited", "email": strings.TrimSpace(in.Email), "role": in.Role})
}

func (s *Server) apiSetRole(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in struct {
		Role string `json:"role"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if err := s.app.SetRole(r.Context(), actorFrom(r), r.PathValue("slug"), id, haven.Role(in.Role)); err != nil {
		return err
	}
	return s.apiMembers(w, r)
}

func (s *Server) apiRemoveMember(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := s.app.RemoveMember(r.Context(), actorFrom(r), r.PathValue("slug"), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
