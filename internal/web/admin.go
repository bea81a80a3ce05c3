package web

import (
	"net/http"

	"github.com/haven-project/haven/internal/haven"
)

type usersPage struct {
	basePage
	Users []*haven.User
}

func (s *Server) showUsers(w http.ResponseWriter, r *http.Request) error {
	us, err := s.app.Users(r.Context(), actorFrom(r))
	if err != nil {
		return err
	}
	return s.render(w, r, "admin_users", &usersPage{basePage: s.base(r, "Users"), Users: us})
}

func (s *Server) disableUser(w http.ResponseWriter, r *http.Request) error {
	return s.setDisabled(w, r, true)
}

func (s *Server) enableUser(w http.ResponseWriter, r *http.Request) error {
	return s.setDisabled(w, r, false)
}

func (s *Server) setDisabled(w http.ResponseWriter, r *http.Request, disabled bool) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := s.app.SetUserDisabled(r.Context(), actorFrom(r), id, disabled); err != nil {
		return err
	}
	return s.redirect(w, r, "/admin/users", "user-updated")
}
