package server

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/httprate"

	"github.com/guizhou-portal/portal/internal/i18n"
	"github.com/guizhou-portal/portal/internal/policy"
	"github.com/guizhou-portal/portal/web"
)

// evaluationLimit is how many evaluation pages and submissions one client
// (by address) may ask for per evaluationWindow: a proposer needs two or
// three; someone trying tokens gets a 429 long before guessing one (256
// random bits would need far more than any limit allows anyway).
const (
	evaluationLimit  = 20
	evaluationWindow = time.Minute
)

var errBadToken = policy.Errorm(policy.ENOTFOUND, "err.eval.unknown")

// evaluationGuard wraps the proposer's pages: never cached anywhere, never
// indexed, the token never sent on as a referrer, and each client throttled.
func (s *Server) evaluationGuard() func(http.Handler) http.Handler {
	limiter := httprate.NewRateLimiter(evaluationLimit, evaluationWindow,
		httprate.WithKeyFuncs(func(r *http.Request) (string, error) { return s.clientAddr(r).String(), nil }),
		httprate.WithResponseHeaders(httprate.ResponseHeaders{RetryAfter: "Retry-After"}),
		httprate.WithLimitHandler(func(w http.ResponseWriter, r *http.Request) {
			retry := w.Header().Get("Retry-After")
			if _, err := strconv.Atoi(retry); err != nil {
				retry = strconv.Itoa(int(evaluationWindow.Seconds()))
				w.Header().Set("Retry-After", retry)
			}
			s.logger.WarnContext(r.Context(), "evaluation limit reached", "client", s.clientAddr(r).String())
			s.renderError(w, r, policy.Errorm(policy.ETOOMANY, "eval.429", retry))
		}))
	return func(next http.Handler) http.Handler {
		limited := limiter.Handler(next)
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			h := w.Header()
			h.Set("Cache-Control", "no-store")
			h.Set("Referrer-Policy", "no-referrer")
			h.Set("X-Robots-Tag", "noindex, nofollow")
			limited.ServeHTTP(w, r)
		})
	}
}

// evaluationToken is the {token} of the route; one NewEvaluationToken could
// not have made is a 404 without asking the store.
func evaluationToken(r *http.Request) (policy.EvaluationToken, error) {
	t := policy.EvaluationToken(chi.URLParam(r, "token"))
	if !t.WellFormed() {
		return "", errBadToken
	}
	return t, nil
}

// loadEvaluation finds the usable link of the request's token and its reply,
// or renders why not: 404 for a token no link has, 410 for a used, revoked
// or expired one.
func (s *Server) loadEvaluation(w http.ResponseWriter, r *http.Request) (web.EvaluationView, bool) {
	token, err := evaluationToken(r)
	if err != nil {
		s.renderError(w, r, err)
		return web.EvaluationView{}, false
	}
	link, slug, err := s.store.EvaluationLinkByToken(r.Context(), token, s.now())
	if err != nil {
		s.renderError(w, r, err)
		return web.EvaluationView{}, false
	}
	fd, ok := s.loadDocument(w, r, slug)
	if !ok {
		return web.EvaluationView{}, false
	}
	return web.EvaluationView{Token: token, Document: fd, Link: link}, true
}

// showEvaluation shows the proposer's evaluation form.
func (s *Server) showEvaluation(w http.ResponseWriter, r *http.Request) {
	v, ok := s.loadEvaluation(w, r)
	if !ok {
		return
	}
	s.render(w, r, http.StatusOK, web.EvaluationPage(v))
}

// showEvaluationThanks confirms a recorded evaluation.
func (s *Server) showEvaluationThanks(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, web.EvaluationThanksPage())
}

// submitEvaluation records the proposer's evaluation, final once sent: a
// missing rating or a comment over the limit re-renders the form with the
// input kept (422); a spent link is a 410 that changes nothing; success
// redirects to the thank-you page (303).
func (s *Server) submitEvaluation(w http.ResponseWriter, r *http.Request) {
	v, ok := s.loadEvaluation(w, r)
	if !ok {
		return
	}
	if err := parseForm(w, r); err != nil {
		s.renderError(w, r, err)
		return
	}
	l := i18n.From(r.Context())
	errs := fieldErrors{}
	f := web.EvaluationForm{Rating: r.PostFormValue("rating"), Sections: map[int64]string{}, Errors: errs,
		CommentPublic: r.PostFormValue("comment_public") != ""}
	if !policy.ValidRating(f.Rating) {
		errs["rating"] = l.T("err.eval.rating")
	}
	sub := policy.EvaluationSubmission{Rating: policy.Rating(f.Rating), CommentPublic: f.CommentPublic}
	for _, sec := range v.Document.Sections {
		name := "section-" + strconv.FormatInt(sec.ID, 10)
		rating := r.PostFormValue(name)
		f.Sections[sec.ID] = rating
		switch {
		case rating == "":
		case policy.ValidRating(rating):
			sub.Sections = append(sub.Sections, policy.SectionRating{SectionID: sec.ID, Rating: policy.Rating(rating)})
		default:
			errs[name] = l.T("err.eval.rating")
		}
	}
	f.Comment = strings.ReplaceAll(r.PostFormValue("comment"), "\r\n", "\n")
	text(l, errs, r.PostForm, "comment", l.T("eval.comment"), policy.EvaluationCommentMax, false, true)
	sub.Comment = policy.CleanComment(f.Comment)
	if len(errs) > 0 {
		v.Form = f
		s.render(w, r, http.StatusUnprocessableEntity, web.EvaluationPage(v))
		return
	}
	id, err := s.store.SubmitEvaluation(r.Context(), v.Token, sub, s.now(), requestID(r))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.logger.InfoContext(r.Context(), "evaluation submitted", "document_id", v.Document.ID, "evaluation_id", id, "rating", f.Rating)
	http.Redirect(w, r, "/evaluations/thanks", http.StatusSeeOther)
}
