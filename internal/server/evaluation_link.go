package server

import (
	"net/http"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/guizhou-portal/portal/internal/config"
	"github.com/guizhou-portal/portal/internal/i18n"
	"github.com/guizhou-portal/portal/internal/policy"
	"github.com/guizhou-portal/portal/web"
)

// evaluationLinkDays is how long a new evaluation link lasts.
func (s *Server) evaluationLinkDays() int {
	if s.opts.EvaluationDays > 0 {
		return s.opts.EvaluationDays
	}
	return config.DefaultEvaluationLinkDays
}

// documentEvaluations reads what the document page shows of the reply's
// evaluations into v (which may carry a failed form): comments only when
// public and links not at all, unless the reader is staff.
func (s *Server) documentEvaluations(r *http.Request, fd *policy.FullDocument, v web.DocumentEvaluations) (web.DocumentEvaluations, error) {
	if fd.Kind != policy.KindReply {
		return v, nil
	}
	ctx := r.Context()
	staff := userOf(r).CanEdit()
	evals, err := s.store.Evaluations(ctx, fd.ID)
	if err != nil {
		return v, err
	}
	if !staff {
		for i := range evals {
			evals[i] = evals[i].Public()
		}
	}
	v.Evaluations = evals
	if v.FollowUps, err = s.store.FollowUps(ctx, fd.ID); err != nil {
		return v, err
	}
	if staff {
		if v.Links, err = s.store.EvaluationLinks(ctx, fd.ID); err != nil {
			return v, err
		}
		v.Now = s.now()
		if v.LinkForm.Addressee == "" && v.LinkForm.Errors == nil {
			v.LinkForm.Addressee = fd.Addressee
		}
	}
	return v, nil
}

// issueEvaluationLink issues a personal evaluation link for a reply's
// addressee (editors only) and shows it once, on a page nobody keeps
// (no-store): only the token's hash is stored, so this page is the only
// place the link ever appears. That is why it answers 200 rather than
// redirecting. A bad addressee re-renders the document page (422).
func (s *Server) issueEvaluationLink(w http.ResponseWriter, r *http.Request) {
	slug, err := urlSlug(r, errNoDocument)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if err := parseForm(w, r); err != nil {
		s.renderError(w, r, err)
		return
	}
	l := i18n.From(r.Context())
	errs := fieldErrors{}
	addressee := text(l, errs, r.PostForm, "addressee", l.T("elink.addressee"), 200, true, false)
	if len(errs) > 0 {
		fd, ok := s.loadDocument(w, r, slug)
		if !ok {
			return
		}
		if fd.Kind != policy.KindReply {
			s.renderError(w, r, policy.Errorm(policy.EINVALID, "err.eval.reply"))
			return
		}
		s.renderDocument(w, r, fd, http.StatusUnprocessableEntity, web.DocumentExtras{Grade: web.GradeForm{Grade: string(fd.Grade)},
			Evaluated: web.DocumentEvaluations{LinkForm: web.EvaluationLinkForm{Addressee: addressee, Errors: errs}}})
		return
	}
	now := s.now()
	expires := now.Add(time.Duration(s.evaluationLinkDays()) * 24 * time.Hour)
	token := policy.NewEvaluationToken()
	id, err := s.store.IssueEvaluationLink(r.Context(), actorOf(r), slug, addressee, token, now, expires)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	fd, ok := s.loadDocument(w, r, slug)
	if !ok {
		return
	}
	s.logger.InfoContext(r.Context(), "evaluation link issued", "slug", slug, "link_id", id, "user_id", userOf(r).ID)
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	s.render(w, r, http.StatusOK, web.EvaluationLinkIssuedPage(web.EvaluationLinkIssued{Document: fd.Document,
		Addressee: addressee, URL: s.absoluteBase(r) + "/evaluations/" + string(token), ExpiresAt: expires}))
}

// revokeEvaluationLink withdraws an unused link (editors only) and returns
// to the document; a used one is a 409, its evaluation stands.
func (s *Server) revokeEvaluationLink(w http.ResponseWriter, r *http.Request) {
	slug, err := urlSlug(r, errNoDocument)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	if err != nil || id < 1 {
		s.renderError(w, r, policy.Errorm(policy.ENOTFOUND, "err.eval.link"))
		return
	}
	if err := s.store.RevokeEvaluationLink(r.Context(), actorOf(r), slug, id, s.now()); err != nil {
		s.renderError(w, r, err)
		return
	}
	s.logger.InfoContext(r.Context(), "evaluation link revoked", "slug", slug, "link_id", id, "user_id", userOf(r).ID)
	http.Redirect(w, r, "/documents/"+slug+"#evaluations", http.StatusSeeOther)
}
