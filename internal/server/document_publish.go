package server

import "net/http"

// publishDocument makes a draft public (editors only). Publishing a
// published document is a 409 that says so.
func (s *Server) publishDocument(w http.ResponseWriter, r *http.Request) {
	s.setPublished(w, r, true)
}

// unpublishDocument makes a published document a draft again, seen by staff only.
func (s *Server) unpublishDocument(w http.ResponseWriter, r *http.Request) {
	s.setPublished(w, r, false)
}

// setPublished is publish and unpublish in one; both return to the document.
func (s *Server) setPublished(w http.ResponseWriter, r *http.Request, publish bool) {
	slug, err := urlSlug(r, errNoDocument)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if err := parseForm(w, r); err != nil {
		s.renderError(w, r, err)
		return
	}
	if publish {
		err = s.store.PublishDocument(r.Context(), actorOf(r), slug)
	} else {
		err = s.store.UnpublishDocument(r.Context(), actorOf(r), slug)
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.logger.InfoContext(r.Context(), "document published or unpublished", "slug", slug, "published", publish, "user_id", userOf(r).ID)
	http.Redirect(w, r, "/documents/"+slug, http.StatusSeeOther)
}
