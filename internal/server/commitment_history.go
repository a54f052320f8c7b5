package server

import (
	"net/http"

	"github.com/guizhou-portal/portal/internal/postgres"
	"github.com/guizhou-portal/portal/web"
)

// recentChanges is how many changes /changes lists.
const recentChanges = 200

// showHistory lists every change to a commitment with a field-by-field diff.
// The public sees the changes to public values, but not who made them nor
// internal updates.
func (s *Server) showHistory(w http.ResponseWriter, r *http.Request) {
	c, err := s.visibleCommitment(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	staff := userOf(r).CanEdit()
	changes, err := s.store.History(r.Context(), c.ID, postgres.ChangeView{Staff: staff})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, web.HistoryPage(web.HistoryView{Commitment: c, Changes: changes, Staff: staff}))
}

// showChanges lists the latest changes across the portal, for staff.
func (s *Server) showChanges(w http.ResponseWriter, r *http.Request) {
	changes, err := s.store.RecentChanges(r.Context(), recentChanges)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, web.ChangesPage(changes))
}
