package server

import (
	"net/http"
	"strconv"

	"github.com/guizhou-portal/portal/internal/i18n"
	"github.com/guizhou-portal/portal/internal/policy"
	"github.com/guizhou-portal/portal/web"
)

// After a new version of a document's text, staff check its flagged
// commitments: confirm those re-anchored to changed words, pin again by
// hand those whose words are gone.

// showAnchorReview lists a document's commitments to check: /documents/{slug}/anchors.
func (s *Server) showAnchorReview(w http.ResponseWriter, r *http.Request) {
	slug, err := urlSlug(r, errNoDocument)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	d, items, err := s.store.AnchorReview(r.Context(), slug)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	v := web.AnchorReviewView{Document: d}
	for _, a := range items {
		if a.Review == "changed" {
			v.Changed = append(v.Changed, a)
		} else {
			v.Unplaced = append(v.Unplaced, a)
		}
	}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusOK, web.AnchorReviewPage(v))
}

// confirmAnchor confirms the words an import re-anchored a commitment to,
// with one click, and goes back to the list.
func (s *Server) confirmAnchor(w http.ResponseWriter, r *http.Request) {
	id, err := commitmentID(r)
	if err == nil {
		err = parseForm(w, r)
	}
	var item policy.AnchorItem
	if err == nil {
		item, err = s.store.AnchorItem(r.Context(), id)
	}
	if err == nil {
		err = s.store.ConfirmAnchor(r.Context(), actorOf(r), id)
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.logger.InfoContext(r.Context(), "commitment anchor confirmed", "commitment_id", id, "user_id", userOf(r).ID)
	http.Redirect(w, r, "/documents/"+item.DocumentSlug+"/anchors", http.StatusSeeOther)
}

func (s *Server) repinView(r *http.Request) (web.RepinView, error) {
	id, err := commitmentID(r)
	if err != nil {
		return web.RepinView{}, err
	}
	a, err := s.store.AnchorItem(r.Context(), id)
	if err != nil {
		return web.RepinView{}, err
	}
	return web.RepinView{DocumentSlug: a.DocumentSlug, DocumentTitle: a.DocumentTitle, Item: a,
		Paragraphs: a.Paragraphs, Paragraph: strconv.Itoa(a.ParagraphSeq)}, nil
}

// showRepin shows the form that pins a commitment again by hand:
// /commitments/{id}/anchor.
func (s *Server) showRepin(w http.ResponseWriter, r *http.Request) {
	v, err := s.repinView(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if kept, ok := keptFormFor(r, r.URL.Path); ok { // typed before the session ended
		v.Paragraph, v.Quote = kept.Get("paragraph"), kept.Get("quote")
	}
	s.render(w, r, http.StatusOK, web.RepinPage(v))
}

// repinCommitment pins a commitment to words of a paragraph of the current
// text, checked as a new commitment's quote is; a failure is shown in the
// form, input kept, with 422.
func (s *Server) repinCommitment(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r); err != nil {
		s.renderError(w, r, err)
		return
	}
	v, err := s.repinView(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	l := i18n.From(r.Context())
	errs := fieldErrors{}
	v.Paragraph, v.Quote = r.PostForm.Get("paragraph"), r.PostForm.Get("quote")
	seq, err := strconv.Atoi(v.Paragraph)
	if err != nil || seq < 1 || seq > v.Paragraphs {
		errs["paragraph"] = l.T("err.anchor.paragraph", v.Paragraphs)
	}
	quote := text(l, errs, r.PostForm, "quote", l.T("tr.quote"), 1000, true, false)
	if len(errs) == 0 {
		err = s.store.RepinCommitment(r.Context(), actorOf(r), v.Item.ID, seq, quote)
		switch policy.ErrorCode(err) {
		case "":
		case policy.EINVALID:
			errs["quote"] = errorMessage(l, err)
		case policy.ENOTFOUND:
			errs["paragraph"] = l.T("err.anchor.paragraph", v.Paragraphs)
		default:
			s.renderError(w, r, err)
			return
		}
	}
	if len(errs) > 0 {
		v.Errors = errs
		s.render(w, r, http.StatusUnprocessableEntity, web.RepinPage(v))
		return
	}
	s.logger.InfoContext(r.Context(), "commitment pinned again", "commitment_id", v.Item.ID, "user_id", userOf(r).ID)
	http.Redirect(w, r, "/documents/"+v.DocumentSlug+"/anchors", http.StatusSeeOther)
}
