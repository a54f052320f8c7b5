package server

import (
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"github.com/guizhou-portal/portal/internal/policy"
	"github.com/guizhou-portal/portal/web"
)

var errNoCommitment = policy.Errorm(policy.ENOTFOUND, "err.commitment")

// commitmentID reads the {id} of the route: one URL per commitment, no +1 or 01.
func commitmentID(r *http.Request) (int64, error) {
	raw := chi.URLParam(r, "id")
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id <= 0 || strconv.FormatInt(id, 10) != raw {
		return 0, errNoCommitment
	}
	return id, nil
}

// visibleCommitment loads the route's commitment as the viewer may see it: a
// withdrawn commitment does not exist for the public.
func (s *Server) visibleCommitment(r *http.Request) (policy.Commitment, error) {
	id, err := commitmentID(r)
	if err != nil {
		return policy.Commitment{}, err
	}
	c, err := s.store.Commitment(r.Context(), id)
	if err == nil && c.WithdrawnAt != nil && !userOf(r).CanEdit() {
		err = errNoCommitment
	}
	if a, ok := policy.AsOfFrom(r.Context()); ok && policy.ErrorCode(err) == policy.ENOTFOUND {
		err = s.missingAsOf(r, id, a, err)
	}
	return c, err
}

// showCommitment shows one commitment; an id that is not a known number is a 404.
func (s *Server) showCommitment(w http.ResponseWriter, r *http.Request) {
	s.renderCommitment(w, r, http.StatusOK, nil)
}

// returnedShown is how many returned changes, newest first, a commitment's
// page shows staff with the reviewer's comment.
const returnedShown = 3

// commitmentView gathers a commitment's page: its timeline as the viewer may
// see it, and for staff an empty update form.
func (s *Server) commitmentView(r *http.Request, c policy.Commitment) (web.CommitmentView, error) {
	staff := userOf(r).CanEdit()
	updates, err := s.store.ProgressUpdates(r.Context(), c.ID, staff)
	if err != nil {
		return web.CommitmentView{}, err
	}
	evidence, err := s.store.CommitmentEvidence(r.Context(), c.ID, staff)
	if err != nil {
		return web.CommitmentView{}, err
	}
	v := web.CommitmentView{Commitment: c, Updates: updates, UpdateForm: web.NewUpdateForm(c, s.now()), Evidence: evidence}
	// A form typed before the session ended comes back as typed, at the
	// version it was loaded at.
	if kept, ok := keptFormFor(r, commitmentPath(c.ID)+"/updates"); ok {
		version, _ := formVersion(kept)
		v.UpdateForm = updateFormOf(kept, version)
	}
	if kept, ok := keptFormFor(r, commitmentPath(c.ID)+"/withdraw"); ok {
		v.WithdrawReason = kept.Get("reason")
	}
	if staff {
		v.ForReview = s.mustReview(r)
		var reviews []policy.Review
		reviews, err = s.store.Reviews(r.Context(), "", c.ID)
		for _, rv := range reviews {
			switch {
			case rv.State == policy.ReviewPending:
				v.Reviews = append(v.Reviews, rv)
			case rv.State == policy.ReviewReturned && len(v.Returned) < returnedShown:
				v.Returned = append(v.Returned, rv)
			}
		}
	}
	return v, err
}

// renderCommitment shows the route's commitment page as it is now, after
// adjust has put in what the staff member submitted.
func (s *Server) renderCommitment(w http.ResponseWriter, r *http.Request, status int, adjust func(*web.CommitmentView)) {
	c, err := s.visibleCommitment(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	c = c.Public() // a public, cached page: the words staff confirmed; the anchors page shows the rest
	v, err := s.commitmentView(r, c)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if adjust != nil {
		adjust(&v)
	}
	s.render(w, r, status, web.CommitmentPage(v))
}

// commitmentForm loads the route's commitment and reads the posted form with
// the version it was loaded at. With ifWithdrawn set, a withdrawn commitment is
// a conflict with that message.
func (s *Server) commitmentForm(w http.ResponseWriter, r *http.Request, ifWithdrawn string) (policy.Commitment, int, error) {
	c, err := s.visibleCommitment(r)
	if err == nil && ifWithdrawn != "" && c.WithdrawnAt != nil {
		err = policy.Errorm(policy.ECONFLICT, ifWithdrawn)
	}
	if err == nil {
		err = parseForm(w, r)
	}
	var version int
	if err == nil {
		version, err = formVersion(r.PostForm)
	}
	return c, version, err
}

// commitmentPath is where a commitment's forms send the browser back to.
func commitmentPath(id int64) string { return "/commitments/" + strconv.FormatInt(id, 10) }
