package server

import (
	"errors"
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/guizhou-portal/portal/internal/i18n"
	"github.com/guizhou-portal/portal/internal/policy"
	"github.com/guizhou-portal/portal/web"
)

// paramMarks switches the status marks of a document's text: off shows the
// clean published text.
const paramMarks = "marks"

// marksParam reads ?marks=: absent or on keeps the marks, off drops them;
// anything else is EINVALID.
func marksParam(r *http.Request) (off bool, err error) {
	q, err := parseQuery(r)
	if err != nil {
		return false, err
	}
	switch vs := q[paramMarks]; {
	case len(vs) == 0:
		return false, nil
	case len(vs) == 1 && vs[0] == "on":
		return false, nil
	case len(vs) == 1 && vs[0] == "off":
		return true, nil
	}
	return false, policy.Errorm(policy.EINVALID, "err.marks")
}

// stripMarks leaves the paragraphs only their zero-width anchors, so that
// links to sections still land: the text as published, without a mark.
func stripMarks(ps []policy.Paragraph) {
	for i := range ps {
		kept := ps[i].Annotations[:0]
		for _, a := range ps[i].Annotations {
			if a.Kind == policy.AnnotateAnchor {
				kept = append(kept, a)
			}
		}
		ps[i].Annotations = kept
	}
}

// setDocumentGrade sets a reply's handling grade (editors only): A to D, or
// empty to clear it; a document that is not a reply is a 400. A bad value re-renders the document page with the
// message and the value kept (422); success returns to the document (303).
func (s *Server) setDocumentGrade(w http.ResponseWriter, r *http.Request) {
	slug := chi.URLParam(r, "slug")
	if !policy.ValidSlug(slug) {
		s.renderError(w, r, errNoDocument)
		return
	}
	if err := parseForm(w, r); err != nil {
		s.renderError(w, r, err)
		return
	}
	form := web.GradeForm{Grade: r.PostFormValue("grade")}
	var err error
	if form.Grade != "" && !policy.ValidGrade(form.Grade) {
		err = policy.Errorm(policy.EINVALID, "err.grade")
	} else {
		err = s.store.SetDocumentGrade(r.Context(), actorOf(r), slug, policy.Grade(form.Grade))
	}
	var perr *policy.Error
	if errors.As(err, &perr) && perr.Code == policy.EINVALID {
		fd, ok := s.loadDocument(w, r, slug)
		if !ok {
			return
		}
		if fd.Kind != policy.KindReply { // no form to show the message beside
			s.renderError(w, r, err)
			return
		}
		form.Errors = web.FieldErrors{"grade": i18n.From(r.Context()).T(perr.MessageID, perr.Args...)}
		s.renderDocument(w, r, fd, http.StatusUnprocessableEntity, web.DocumentExtras{Grade: form})
		return
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.logger.InfoContext(r.Context(), "document grade set", "slug", slug, "grade", form.Grade, "user_id", userOf(r).ID)
	http.Redirect(w, r, "/documents/"+slug, http.StatusSeeOther)
}
