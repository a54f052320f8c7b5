package server

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/guizhou-portal/portal/internal/anchor"
	"github.com/guizhou-portal/portal/internal/i18n"
	"github.com/guizhou-portal/portal/internal/policy"
	"github.com/guizhou-portal/portal/web"
)

// newCommitmentView loads the paragraph a new commitment is pinned to, from
// the document and paragraph named in values.
func (s *Server) newCommitmentView(r *http.Request, values url.Values) (web.NewCommitmentView, []anchor.Taken, error) {
	var v web.NewCommitmentView
	slug := values.Get("document")
	seq, err := strconv.Atoi(values.Get("paragraph"))
	if !policy.ValidSlug(slug) || err != nil || seq < 1 || seq > 100000 {
		return v, nil, policy.Errorm(policy.EINVALID, "err.new.where")
	}
	d, p, taken, err := s.store.ParagraphForCommitment(r.Context(), slug, seq)
	if err != nil {
		return v, nil, err
	}
	units, err := s.store.PickerUnits(r.Context())
	if err != nil {
		return v, nil, err
	}
	v = web.NewCommitmentView{Document: d, Paragraph: p, Units: units,
		Kind: string(policy.KindMeasure), Strength: string(policy.StrengthDefinite), Status: string(policy.StatusNotAssessed)}
	for _, t := range taken {
		v.Taken = append(v.Taken, t.Label)
	}
	return v, taken, nil
}

// showNewCommitment shows the form that pins a new commitment to a paragraph:
// /commitments/new?document=slug&paragraph=N.
func (s *Server) showNewCommitment(w http.ResponseWriter, r *http.Request) {
	values := r.URL.Query()
	kept, restored := keptFormFor(r, "/commitments") // typed before the session ended
	if restored {
		values = kept
	}
	v, _, err := s.newCommitmentView(r, values)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if restored {
		v.Quote, v.Title, v.Kind, v.Strength, v.Status = kept.Get("quote"), kept.Get("title"), kept.Get("kind"), kept.Get("strength"), kept.Get("status")
		v.Lead, v.Support = kept["lead"], kept["support"]
	}
	s.render(w, r, http.StatusOK, web.NewCommitmentPage(v))
}

// createCommitment pins a new commitment to a quote that must be part of the
// paragraph, occur in it once and overlap no other commitment.
func (s *Server) createCommitment(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r); err != nil {
		s.renderError(w, r, err)
		return
	}
	form := r.PostForm
	v, taken, err := s.newCommitmentView(r, form)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	errs := fieldErrors{}
	v.Quote, v.Title, v.Kind, v.Strength, v.Status = form.Get("quote"), form.Get("title"), form.Get("kind"), form.Get("strength"), form.Get("status")
	v.Lead, v.Support = form["lead"], form["support"]
	n := policy.NewCommitment{DocumentSlug: v.Document.Slug, ParagraphSeq: v.Paragraph.Seq}
	l := i18n.From(r.Context())
	n.Quote = text(l, errs, form, "quote", l.T("tr.quote"), 1000, true, false)
	if errs["quote"] == "" {
		if _, err := anchor.Locate(v.Paragraph.Text, n.Quote, taken); err != nil {
			errs["quote"] = errorMessage(l, err)
		}
	}
	n.Title = text(l, errs, form, "title", l.T("field.title"), 60, true, false)
	n.Kind = policy.CommitmentKind(v.Kind)
	if !n.Kind.Valid() {
		errs["kind"] = l.T("form.kind")
	}
	n.Strength = policy.Strength(v.Strength)
	if !n.Strength.Valid() {
		errs["strength"] = l.T("form.strength")
	}
	n.Status = status(l, errs, form, "status")
	n.Lead, n.Support = units(l, errs, form, unitNames(v.Units, l.English()))
	if len(errs) > 0 {
		v.Errors = errs
		s.render(w, r, http.StatusUnprocessableEntity, web.NewCommitmentPage(v))
		return
	}
	id, err := s.store.CreateCommitment(r.Context(), actorOf(r), n)
	if policy.ErrorCode(err) == policy.EINVALID {
		// Another editor pinned an overlapping quote meanwhile.
		v.Errors = fieldErrors{"quote": errorMessage(l, err)}
		s.render(w, r, http.StatusUnprocessableEntity, web.NewCommitmentPage(v))
		return
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.logger.InfoContext(r.Context(), "commitment created", "commitment_id", id, "user_id", userOf(r).ID)
	http.Redirect(w, r, commitmentPath(id), http.StatusSeeOther)
}
