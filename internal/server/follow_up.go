package server

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/guizhou-portal/portal/internal/i18n"
	"github.com/guizhou-portal/portal/internal/policy"
	"github.com/guizhou-portal/portal/web"
)

var errNoFollowUp = policy.Errorm(policy.ENOTFOUND, "err.followup")

// followUpRequest reads a follow-up form's id and version.
func followUpRequest(w http.ResponseWriter, r *http.Request) (int64, int, error) {
	id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	if err != nil || id < 1 {
		return 0, 0, errNoFollowUp
	}
	if err := parseForm(w, r); err != nil {
		return 0, 0, err
	}
	version, err := formVersion(r.PostForm)
	return id, version, err
}

// followUpDone returns to the follow-up's document, or re-renders it with
// the form's message (422) when err is a field's EINVALID.
func (s *Server) followUpDone(w http.ResponseWriter, r *http.Request, id int64, form web.FollowUpForm, field string, err error) {
	var perr *policy.Error
	if err != nil && !(errors.As(err, &perr) && perr.Code == policy.EINVALID) {
		s.renderError(w, r, err)
		return
	}
	slug, serr := s.store.FollowUpDocument(r.Context(), id)
	if serr != nil {
		s.renderError(w, r, serr)
		return
	}
	if err == nil {
		s.logger.InfoContext(r.Context(), "follow-up changed", "follow_up_id", id, "user_id", userOf(r).ID)
		http.Redirect(w, r, "/documents/"+slug+"#evaluations", http.StatusSeeOther)
		return
	}
	fd, ok := s.loadDocument(w, r, slug)
	if !ok {
		return
	}
	form.ID = id
	if form.Errors == nil {
		form.Errors = web.FieldErrors{field: i18n.From(r.Context()).T(perr.MessageID, perr.Args...)}
	}
	s.renderDocument(w, r, fd, http.StatusUnprocessableEntity, web.DocumentExtras{Grade: web.GradeForm{Grade: string(fd.Grade)},
		Evaluated: web.DocumentEvaluations{FollowUp: form}})
}

// setFollowUpDue moves an open follow-up's due date (editors only).
func (s *Server) setFollowUpDue(w http.ResponseWriter, r *http.Request) {
	id, version, err := followUpRequest(w, r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	l := i18n.From(r.Context())
	errs := fieldErrors{}
	form := web.FollowUpForm{DueOn: strings.TrimSpace(r.PostFormValue("due_on"))}
	due := date(l, errs, r.PostForm, "due_on", l.T("fu.due.set"), true)
	if len(errs) > 0 {
		form.Errors = errs
		s.followUpDone(w, r, id, form, "due_on", policy.Errorm(policy.EINVALID, "form.summary", 1))
		return
	}
	s.followUpDone(w, r, id, form, "due_on", s.store.SetFollowUpDue(r.Context(), actorOf(r), id, version, *due))
}

// closeFollowUp attaches the follow-up reply, which closes the follow-up
// and links the two replies in the chain (editors only).
func (s *Server) closeFollowUp(w http.ResponseWriter, r *http.Request) {
	id, version, err := followUpRequest(w, r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	form := web.FollowUpForm{Reply: strings.TrimSpace(r.PostFormValue("reply"))}
	if !policy.ValidSlug(form.Reply) {
		s.followUpDone(w, r, id, form, "reply", policy.Errorm(policy.EINVALID, "err.followup.reply"))
		return
	}
	s.followUpDone(w, r, id, form, "reply", s.store.CloseFollowUp(r.Context(), actorOf(r), id, version, form.Reply, s.now()))
}
