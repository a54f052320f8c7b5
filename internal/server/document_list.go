package server

import (
	"net/http"

	"github.com/guizhou-portal/portal/web"
)

// showHome lists the documents.
func (s *Server) showHome(w http.ResponseWriter, r *http.Request) {
	docs, err := s.store.Documents(r.Context())
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, web.Home(docs))
}
