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

// requireReviewer lets reviewers and admins through.
func (s *Server) requireReviewer(next http.Handler) http.Handler {
	return s.requireRole(func(u *policy.User) bool { return u.CanReview() }, next)
}

// mustReview says whether the request's user sends edits for review instead
// of publishing them: editors, when PORTAL_EDITORS_PUBLISH=false.
func (s *Server) mustReview(r *http.Request) bool {
	return s.opts.ReviewEdits && !userOf(r).CanReview()
}

// errNeedsReviewer refuses an editor, while edits are reviewed, an action
// that has no review path.
var errNeedsReviewer = policy.Errorm(policy.EFORBIDDEN, "err.needs_reviewer")

// requirePublisher guards the staff actions that change public values and
// cannot be sent for review: while edits are reviewed, an editor is refused
// them with a 403 that says a reviewer or an admin must do it.
func (s *Server) requirePublisher(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.mustReview(r) {
			s.logger.WarnContext(r.Context(), "refused: needs a reviewer", "method", r.Method, "path", logPath(r), "user_id", userOf(r).ID)
			s.renderError(w, r, errNeedsReviewer)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// listReviews shows the review queue: the changes waiting, oldest first, each
// with what it would alter and the forms to approve or return it; then the
// ones decided.
func (s *Server) listReviews(w http.ResponseWriter, r *http.Request) {
	s.renderReviews(w, r, http.StatusOK, web.ReviewsView{})
}

func (s *Server) renderReviews(w http.ResponseWriter, r *http.Request, status int, v web.ReviewsView) {
	reviews, err := s.store.Reviews(r.Context(), "", 0)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	v.Reviews = reviews
	s.render(w, r, status, web.ReviewsPage(v))
}

// reviewForm reads a decision's form: the review's id and the comment.
func (s *Server) reviewForm(w http.ResponseWriter, r *http.Request, required bool) (int64, string, web.FieldErrors, error) {
	id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, "", nil, policy.Errorm(policy.ENOTFOUND, "err.review")
	}
	if err := parseForm(w, r); err != nil {
		return 0, "", nil, err
	}
	l := i18n.From(r.Context())
	errs := fieldErrors{}
	comment := text(l, errs, r.PostForm, "comment", l.T("review.comment"), 1000, required, true)
	return id, comment, errs, nil
}

// approveReview applies a waiting change as the reviewer. A change made on a
// version the commitment has since left is a 409 that says to return it; a
// review someone decided first is a 409 too, and nothing is applied twice.
func (s *Server) approveReview(w http.ResponseWriter, r *http.Request) {
	id, comment, errs, err := s.reviewForm(w, r, false)
	if err == nil && len(errs) > 0 {
		s.renderReviews(w, r, http.StatusUnprocessableEntity, web.ReviewsView{For: id, Comment: comment, Errors: errs})
		return
	}
	var commitmentID int64
	if err == nil {
		commitmentID, err = s.store.ApproveReview(r.Context(), actorOf(r), id, comment)
	}
	if errors.Is(err, policy.ErrStale) {
		err = policy.Errorm(policy.ECONFLICT, "err.review.stale")
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.logger.InfoContext(r.Context(), "review approved", "review_id", id, "commitment_id", commitmentID, "user_id", userOf(r).ID)
	http.Redirect(w, r, "/reviews", http.StatusSeeOther)
}

// returnReview sends a waiting change back with the reviewer's comment, which
// it needs: without one the queue comes back with the message (422).
func (s *Server) returnReview(w http.ResponseWriter, r *http.Request) {
	id, comment, errs, err := s.reviewForm(w, r, true)
	if err == nil && len(errs) > 0 {
		s.renderReviews(w, r, http.StatusUnprocessableEntity, web.ReviewsView{For: id, Comment: comment, Errors: errs})
		return
	}
	if err == nil {
		_, err = s.store.ReturnReview(r.Context(), actorOf(r), id, comment)
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/reviews", http.StatusSeeOther)
}

// verifyStatus records the status a reviewer has checked against evidence.
// The claimed status stays; pages show both where they differ.
func (s *Server) verifyStatus(w http.ResponseWriter, r *http.Request) {
	c, version, err := s.commitmentForm(w, r, "err.withdrawn")
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	l := i18n.From(r.Context())
	errs := fieldErrors{}
	st := status(l, errs, r.PostForm, "verified_status")
	if len(errs) > 0 {
		s.renderCommitment(w, r, http.StatusUnprocessableEntity, func(v *web.CommitmentView) {
			v.VerifyErrors = errs
		})
		return
	}
	if err := s.store.VerifyStatus(r.Context(), actorOf(r), c.ID, version, st); err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, commitmentPath(c.ID), http.StatusSeeOther)
}
