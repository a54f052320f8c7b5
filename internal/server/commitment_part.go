package server

import (
	"net/http"

	"github.com/guizhou-portal/portal/internal/i18n"
	"github.com/guizhou-portal/portal/internal/policy"
	"github.com/guizhou-portal/portal/web"
)

// addPart adds a part to the route's commitment from the form on its page: a
// title and a status; the part stands on its parent's words. A refused form
// comes back on the parent's page with the input kept (422).
func (s *Server) addPart(w http.ResponseWriter, r *http.Request) {
	id, err := commitmentID(r)
	if err == nil {
		err = parseForm(w, r)
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	form := r.PostForm
	l := i18n.From(r.Context())
	errs := fieldErrors{}
	n := policy.NewPart{
		Title:  text(l, errs, form, "title", l.T("field.title"), 60, true, false),
		Status: status(l, errs, form, "part_status"),
	}
	if len(errs) == 0 {
		var part int64
		part, err = s.store.CreatePart(r.Context(), actorOf(r), id, n)
		if err == nil {
			s.logger.InfoContext(r.Context(), "commitment part created", "commitment_id", part, "parent_id", id, "user_id", userOf(r).ID)
			http.Redirect(w, r, commitmentPath(id), http.StatusSeeOther)
			return
		}
		if policy.ErrorCode(err) != policy.EINVALID {
			s.renderError(w, r, err)
			return
		}
		errs["parent"] = errorMessage(l, err)
	}
	s.renderCommitment(w, r, http.StatusUnprocessableEntity, func(v *web.CommitmentView) {
		v.PartTitle, v.PartStatus, v.PartErrors = form.Get("title"), form.Get("part_status"), errs
	})
}

// setProgressSource makes the route's commitment take its progress from its
// parts, or keep a value staff set; the form carries the version it was
// loaded at (409 when the commitment changed since).
func (s *Server) setProgressSource(w http.ResponseWriter, r *http.Request) {
	id, err := commitmentID(r)
	if err == nil {
		err = parseForm(w, r)
	}
	var version int
	if err == nil {
		version, err = formVersion(r.PostForm)
	}
	if err == nil {
		err = s.store.SetProgressSource(r.Context(), actorOf(r), id, version, r.PostForm.Get("source"))
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.logger.InfoContext(r.Context(), "commitment progress source set", "commitment_id", id, "source", r.PostForm.Get("source"), "user_id", userOf(r).ID)
	http.Redirect(w, r, commitmentPath(id), http.StatusSeeOther)
}
