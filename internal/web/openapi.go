package web

import (
	_ "embed"
	"net/http"
)

// openAPIDocument describes every /api/v1 operation; TestOpenAPIMatchesRoutes
// keeps it and the route table in step.
//
//go:embed openapi.json
var openAPIDocument []byte

func (s *Server) apiOpenAPI(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=300")
	w.Write(openAPIDocument)
	return nil
}
