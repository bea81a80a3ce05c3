package web

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/haven-project/haven/internal/haven"
)

// errorKinds maps error kinds to HTTP status, first match wins.
var errorKinds = []struct {
	err    error
	status int
}{
	{haven.ErrNotFound, http.StatusNotFound},
	{errNoRoute, http.StatusNotFound},
	{haven.ErrUnauthenticated, http.StatusUnauthorized},
	{haven.ErrForbidden, http.StatusForbidden},
	{errCrossOrigin, http.StatusForbidden},
	{haven.ErrConflict, http.StatusConflict},
	{haven.ErrTooManyRequests, http.StatusTooManyRequests},
	{errMethodNotAllowed, http.StatusMethodNotAllowed},
	{errTokenInURL, http.StatusUnauthorized},
	{errBadRequest, http.StatusBadRequest},
	{errTooLarge, http.StatusRequestEntityTooLarge},
}

var (
	errBadRequest = errors.New("bad request")
	errTooLarge   = errors.New("request too large")
)

// statusOf returns the HTTP status for err: 422 for validation errors,
// the table's status for known kinds, 500 for the rest.
func statusOf(err error) int {
	var inv *haven.InvalidError
	if errors.As(err, &inv) {
		return http.StatusUnprocessableEntity
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return http.StatusRequestEntityTooLarge
	}
	for _, k := range errorKinds {
		if errors.Is(err, k.err) {
			return k.status
		}
	}
	return http.StatusInternalServerError
}

// publicMessage is what a client is told about an error: the validation
// message, or a fixed text for the status. Internal details never leave
// the server.
func publicMessage(err error, status int) string {
	var inv *haven.InvalidError
	if errors.As(err, &inv) && inv.Msg != "" {
		return inv.Msg
	}
	// A request the API could not read says what is wrong with it.
	var re *requestError
	if errors.As(err, &re) {
		return re.msg
	}
	var me *metricError
	if errors.As(err, &me) {
		return me.msg
	}
	switch status {
	case http.StatusNotFound:
		return "There is nothing here, or you may not see it."
	case http.StatusUnauthorized:
		return "Log in to continue."
	case http.StatusForbidden:
		var tf twoFactorError
		if errors.As(err, &tf) {
			return tf.publicMessage()
		}
		if errors.Is(err, errCrossOrigin) {
			return "This request came from another site and was refused."
		}
		return "You may not do this."
	case http.StatusConflict:
		return "Someone changed this at the same time. Reload and try again."
	case http.StatusTooManyRequests:
		return "Too many attempts. Wait a few minutes and try again."
	case http.StatusMethodNotAllowed:
		return "This address does not accept that kind of request."
	case http.StatusRequestEntityTooLarge:
		return "The request is too large."
	case http.StatusBadRequest:
		return "The request could not be understood."
	case http.StatusUnprocessableEntity:
		return "Some fields need attention."
	}
	return "Something went wrong on our side. It has been logged; please try again later."
}

func isAPI(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/api/") }

// serveError renders err: RFC 9457 problem+json under /api, an error page
// elsewhere. 5xx errors are logged in full with the request id; the client
// gets a generic text.
func (s *Server) serveError(w http.ResponseWriter, r *http.Request, err error) {
	status := statusOf(err)
	if status >= 500 {
		s.log.Error("request failed", "request_id", requestID(r.Context()), "path", s.logPath(r), "err", err)
	}
	var rl *haven.RateLimitError
	if errors.As(err, &rl) && rl.RetryAfterSeconds > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(rl.RetryAfterSeconds))
	}
	if isAPI(r) {
		s.writeProblem(w, r, status, err)
		return
	}
	if status == http.StatusUnauthorized && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
		http.Redirect(w, r, "/login?next="+url.QueryEscape(safeNext(r.URL.RequestURI())), http.StatusSeeOther)
		return
	}
	page := errorPage{basePage: s.base(r, http.StatusText(status)), Status: status, Message: publicMessage(err, status)}
	page.RequestID = requestID(r.Context())
	s.renderStatus(w, r, status, "error", &page)
}

type errorPage struct {
	basePage
	Status    int
	Message   string
	RequestID string
}

// problem is an RFC 9457 problem details object.
type problem struct {
	Type     string            `json:"type"`
	Title    string            `json:"title"`
	Status   int               `json:"status"`
	Detail   string            `json:"detail,omitempty"`
	Instance string            `json:"instance,omitempty"`
	Errors   map[string]string `json:"errors,omitempty"`
	// Metric names the offending metric of a CVSS vector.
	Metric string `json:"metric,omitempty"`
}

func (s *Server) writeProblem(w http.ResponseWriter, r *http.Request, status int, err error) {
	p := problem{Type: "about:blank", Title: http.StatusText(status), Status: status,
		Detail: publicMessage(err, status), Instance: "urn:haven:request:" + requestID(r.Context())}
	var inv *haven.InvalidError
	if errors.As(err, &inv) {
		p.Errors = inv.Fields
	}
	var me *metricError
	if errors.As(err, &me) && me.metric != "" {
		p.Metric = me.metric
	}
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="haven"`)
	}
	w.Header().Set("Content-Type", "application/problem+json; charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(p)
}
