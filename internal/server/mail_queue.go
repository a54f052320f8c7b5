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
	q := r.URL.Query()
	filter := q.Get("state")
	switch filter {
	case "", "pending", "sent", "failed":
	default:
		s.renderError(w, r, policy.Errorm(policy.EINVALID, "err.form"))
		return
	}
	jobs, err := s.mail.Jobs(r.Context(), filter, 200)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusOK, web.MailQueuePage(web.MailQueueView{Jobs: jobs, Filter: filter,
		Delivering: s.mail.Delivering(), Retried: q.Get("retried") == "1"}))
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
