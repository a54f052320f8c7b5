package server

import (
	"net/http"
	"time"

	"github.com/guizhou-portal/portal/internal/policy"
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

// showChanges lists what changed between two days (from and to, YYYY-MM-DD,
// both included, in China), or the latest changes without them: for the
// public, the changes to public values of commitments, without who made
// them; for staff, every change with its author, as before.
func (s *Server) showChanges(w http.ResponseWriter, r *http.Request) {
	q, err := parseQuery(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	v := web.ChangesView{From: q.Get("from"), To: q.Get("to"), Staff: userOf(r).CanEdit()}
	f := postgres.ChangeFilter{Limit: recentChanges}
	day := func(name, text string) (*time.Time, error) {
		if text == "" {
			return nil, nil
		}
		d, err := time.ParseInLocation(time.DateOnly, text, policy.China)
		if err != nil {
			return nil, policy.Errorm(policy.EINVALID, "err.changes.date", name, truncate(text, 40))
		}
		return &d, nil
	}
	if f.From, err = day("from", v.From); err == nil {
		f.To, err = day("to", v.To)
	}
	if err == nil && f.From != nil && f.To != nil && f.To.Before(*f.From) {
		err = policy.Errorm(policy.EINVALID, "err.changes.order", v.From, v.To)
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if f.To != nil {
		end := f.To.AddDate(0, 0, 1) // to the end of the day named
		f.To = &end
	}
	v.Changes, err = s.store.Changes(r.Context(), f, postgres.ChangeView{Staff: v.Staff})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	v.Limited = len(v.Changes) == recentChanges
	s.render(w, r, http.StatusOK, web.ChangesPage(v))
}
