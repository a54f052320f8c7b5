package server

import (
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"github.com/guizhou-portal/portal/internal/policy"
	"github.com/guizhou-portal/portal/web"
)

// listMailQueue shows the mail queue, newest first, optionally one state.
func (s *Server) listMailQueue(w http.ResponseWriter, r *http.Request) {
	filter := r.URL.Query().Get("state")
	switch filter {
	case "", "pending", "sent", "failed":
	default:
		s.renderError(w, r, policy.Errorm(policy.EINVALID, "err.form"))
		return
	}
	s.renderMailQueue(w, r, http.StatusOK, nil, "", "")
}

// renderMailQueue shows the queue page with the unit contact form (its
// refused input and messages, if any).
func (s *Server) renderMailQueue(w http.ResponseWriter, r *http.Request, status int, errs fieldErrors, unit, email string) {
	ctx := r.Context()
	q := r.URL.Query()
	filter := q.Get("state")
	jobs, err := s.mail.Jobs(ctx, filter, 200)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	units, err := s.store.Units(ctx)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	contacts, err := s.store.UnitContacts(ctx)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	v := web.MailQueueView{Jobs: jobs, Filter: filter, Delivering: s.mail.Delivering(), Retried: q.Get("retried") == "1",
		ContactSaved: q.Get("contact") == "1", Units: units, Unit: unit, ContactEmail: email, Errors: errs}
	for _, c := range contacts {
		v.Contacts = append(v.Contacts, web.UnitContact{Slug: c.Slug, Name: c.Name, Email: c.Email})
	}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, status, web.MailQueuePage(v))
}

// mailJobID reads the job id of the path; anything else is a 404.
func (s *Server) mailJobID(w http.ResponseWriter, r *http.Request) (int64, bool) {
	id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	if err != nil || id <= 0 {
		s.renderError(w, r, policy.Errorm(policy.ENOTFOUND, "mailq.err.none"))
		return 0, false
	}
	return id, true
}

// showMailJob shows one mail as it was rendered.
func (s *Server) showMailJob(w http.ResponseWriter, r *http.Request) {
	id, ok := s.mailJobID(w, r)
	if !ok {
		return
	}
	j, err := s.mail.Job(r.Context(), id)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusOK, web.MailJobPage(j))
}

// retryMailJob makes a waiting or failed mail run now.
func (s *Server) retryMailJob(w http.ResponseWriter, r *http.Request) {
	id, ok := s.mailJobID(w, r)
	if !ok {
		return
	}
	if err := s.mail.Retry(r.Context(), id); err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/mail?retried=1", http.StatusSeeOther)
}
