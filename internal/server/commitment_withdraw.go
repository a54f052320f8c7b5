package server

import (
	"net/http"

	"github.com/guizhou-portal/portal/internal/i18n"
	"github.com/guizhou-portal/portal/web"
)

// withdrawCommitment hides the commitment from the public, keeping its history.
func (s *Server) withdrawCommitment(w http.ResponseWriter, r *http.Request) {
	s.setWithdrawn(w, r, true)
}

// restoreCommitment shows a withdrawn commitment to the public again.
func (s *Server) restoreCommitment(w http.ResponseWriter, r *http.Request) {
	s.setWithdrawn(w, r, false)
}

// setWithdrawn is withdraw and restore in one: both post the version they
// were loaded at, and only withdrawing asks for a reason.
func (s *Server) setWithdrawn(w http.ResponseWriter, r *http.Request, withdraw bool) {
	id, err := commitmentID(r)
	if err == nil {
		err = parseForm(w, r)
	}
	var version int
	if err == nil {
		version, err = formVersion(r.PostForm)
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if withdraw {
		errs := fieldErrors{}
		l := i18n.From(r.Context())
		reason := text(l, errs, r.PostForm, "reason", l.T("field.withdrawn_reason"), 500, true, false)
		if len(errs) > 0 {
			s.renderCommitment(w, r, http.StatusUnprocessableEntity, func(v *web.CommitmentView) {
				v.WithdrawReason, v.WithdrawErrors = r.PostForm.Get("reason"), errs
			})
			return
		}
		err = s.store.WithdrawCommitment(r.Context(), actorOf(r), id, version, reason)
	} else {
		err = s.store.RestoreCommitment(r.Context(), actorOf(r), id, version)
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.logger.InfoContext(r.Context(), "commitment withdrawn or restored", "commitment_id", id, "withdrawn", withdraw, "user_id", userOf(r).ID)
	http.Redirect(w, r, commitmentPath(id), http.StatusSeeOther)
}
