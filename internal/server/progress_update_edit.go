package server

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"github.com/guizhou-portal/portal/internal/i18n"
	"github.com/guizhou-portal/portal/internal/policy"
	"github.com/guizhou-portal/portal/web"
)

var errNoUpdate = policy.Errorm(policy.ENOTFOUND, "err.update")

// updateID reads the {update} of the route, one URL per update as for commitments.
func updateID(r *http.Request) (int64, error) {
	raw := chi.URLParam(r, "update")
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id <= 0 || strconv.FormatInt(id, 10) != raw {
		return 0, errNoUpdate
	}
	return id, nil
}

// routeUpdate loads the route's commitment and its update; a withdrawn
// commitment's updates are not corrected.
func (s *Server) routeUpdate(r *http.Request) (policy.Commitment, policy.ProgressUpdate, error) {
	c, err := s.visibleCommitment(r)
	if err == nil && c.WithdrawnAt != nil {
		err = policy.Errorm(policy.ECONFLICT, "err.withdrawn.update")
	}
	if err != nil {
		return c, policy.ProgressUpdate{}, err
	}
	id, err := updateID(r)
	if err != nil {
		return c, policy.ProgressUpdate{}, err
	}
	u, err := s.store.ProgressUpdate(r.Context(), c.ID, id)
	return c, u, err
}

// showEditUpdate shows the correction form of a progress update, filled in
// with what was typed before the session ended if that is being brought back.
func (s *Server) showEditUpdate(w http.ResponseWriter, r *http.Request) {
	c, u, err := s.routeUpdate(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	v := web.UpdateEditView{Commitment: c, Update: u, Form: web.UpdateCorrectionFormOf(c, u)}
	for _, action := range []string{"/edit", "/hide"} {
		if kept, ok := keptFormFor(r, r.URL.Path[:len(r.URL.Path)-len("/edit")]+action); ok {
			v.Form.Version, _ = formVersion(kept)
			if action == "/edit" {
				v.Form.Note, v.Form.EvidenceURL = kept.Get("note"), kept.Get("evidence_url")
			} else {
				v.Form.HideReason = kept.Get("hide_reason")
			}
		}
	}
	s.render(w, r, http.StatusOK, web.UpdateEditPage(v))
}

// saveUpdateCorrection corrects an update's words and link. Bad input gets the
// form again with its messages (422), a stale version the form as sent with a
// warning (409); nothing is saved in either case.
func (s *Server) saveUpdateCorrection(w http.ResponseWriter, r *http.Request) {
	c, u, version, err := s.updateForm(w, r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	form := r.PostForm
	errs := fieldErrors{}
	l := i18n.From(r.Context())
	f := web.UpdateCorrectionForm{Note: form.Get("note"), EvidenceURL: form.Get("evidence_url"), HideReason: u.HideReason, Version: version}
	fix := policy.UpdateCorrection{
		Note:        text(l, errs, form, "note", l.T("tr.update.note"), 4000, true, true),
		EvidenceURL: evidenceURL(l, errs, form, "evidence_url"),
	}
	if len(errs) > 0 {
		s.render(w, r, http.StatusUnprocessableEntity, web.UpdateEditPage(web.UpdateEditView{Commitment: c, Update: u, Form: f, Errors: errs}))
		return
	}
	err = s.store.CorrectProgressUpdate(r.Context(), actorOf(r), c.ID, u.ID, version, fix)
	if s.updateConflict(w, r, err, f) {
		return
	}
	s.logger.InfoContext(r.Context(), "progress update corrected", "commitment_id", c.ID, "update_id", u.ID, "user_id", userOf(r).ID)
	http.Redirect(w, r, commitmentPath(c.ID)+"#u"+strconv.FormatInt(u.ID, 10), http.StatusSeeOther)
}

// hideUpdate hides an update from the public, with a reason, or shows it again.
func (s *Server) hideUpdate(w http.ResponseWriter, r *http.Request) {
	c, u, version, err := s.updateForm(w, r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	form := r.PostForm
	var hide bool
	switch form.Get("hide") {
	case "1":
		hide = true
	case "0":
	default:
		s.renderError(w, r, policy.Errorm(policy.EINVALID, "err.form"))
		return
	}
	errs := fieldErrors{}
	l := i18n.From(r.Context())
	f := web.UpdateCorrectionForm{Note: u.Note, EvidenceURL: u.EvidenceURL, HideReason: form.Get("hide_reason"), Version: version}
	var reason string
	if hide {
		reason = text(l, errs, form, "hide_reason", l.T("fix.hide.reason"), 500, true, false)
	}
	if len(errs) > 0 {
		s.render(w, r, http.StatusUnprocessableEntity, web.UpdateEditPage(web.UpdateEditView{Commitment: c, Update: u, Form: f, Errors: errs}))
		return
	}
	err = s.store.HideProgressUpdate(r.Context(), actorOf(r), c.ID, u.ID, version, hide, reason)
	if s.updateConflict(w, r, err, f) {
		return
	}
	s.logger.InfoContext(r.Context(), "progress update hidden or shown", "hidden", hide, "commitment_id", c.ID, "update_id", u.ID, "user_id", userOf(r).ID)
	http.Redirect(w, r, commitmentPath(c.ID)+"#u"+strconv.FormatInt(u.ID, 10), http.StatusSeeOther)
}

// updateForm loads the route's update and reads the posted form's version.
func (s *Server) updateForm(w http.ResponseWriter, r *http.Request) (policy.Commitment, policy.ProgressUpdate, int, error) {
	c, u, err := s.routeUpdate(r)
	if err == nil {
		err = parseForm(w, r)
	}
	var version int
	if err == nil {
		version, err = formVersion(r.PostForm)
	}
	return c, u, version, err
}

// updateConflict answers a correction the store refused: a stale version gets
// the page as it is now with the form as sent (409), any other error its
// page. It reports whether it answered.
func (s *Server) updateConflict(w http.ResponseWriter, r *http.Request, err error, sent web.UpdateCorrectionForm) bool {
	if err == nil {
		return false
	}
	if !errors.Is(err, policy.ErrStale) {
		s.renderError(w, r, err)
		return true
	}
	c, u, err := s.routeUpdate(r)
	if err != nil {
		s.renderError(w, r, err)
		return true
	}
	sent.Version = c.Version
	s.render(w, r, http.StatusConflict, web.UpdateEditPage(web.UpdateEditView{Commitment: c, Update: u, Form: sent, Conflict: true}))
	return true
}
