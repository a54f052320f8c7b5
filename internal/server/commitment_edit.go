package server

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"unicode"

	"github.com/guizhou-portal/portal/internal/i18n"
	"github.com/guizhou-portal/portal/internal/policy"
	"github.com/guizhou-portal/portal/web"
)

// showEditCommitment shows the edit form at the commitment's current version.
func (s *Server) showEditCommitment(w http.ResponseWriter, r *http.Request) {
	c, units, err := s.commitmentAndUnits(r, func(c policy.Commitment) error {
		if c.WithdrawnAt != nil {
			return policy.Errorm(policy.ECONFLICT, "err.withdrawn.edit")
		}
		return nil
	})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	f := web.FormOf(c)
	if kept, ok := keptFormFor(r, r.URL.Path); ok {
		// Typed before the session ended: shown as typed, at the version it was
		// loaded at, so that saving it over a newer version is still a conflict.
		r.PostForm = kept
		f, _, _ = parseCommitmentForm(r, unitNames(units, i18n.From(r.Context()).English()))
		f.Version, _ = formVersion(kept)
	}
	s.render(w, r, http.StatusOK, web.EditCommitmentPage(web.EditView{Commitment: c, Form: f, Units: units, ForReview: s.mustReview(r)}))
}

// commitmentAndUnits loads the request's commitment, checked by check where
// it is not nil, and the units its form offers.
func (s *Server) commitmentAndUnits(r *http.Request, check func(policy.Commitment) error) (policy.Commitment, []policy.Entity, error) {
	c, err := s.visibleCommitment(r)
	if err == nil && check != nil {
		err = check(c)
	}
	if err != nil {
		return c, nil, err
	}
	units, err := s.store.PickerUnits(r.Context())
	return c, units, err
}

// parseCommitmentForm reads and checks the edit form, field by field.
func parseCommitmentForm(r *http.Request, unitNames map[string]string) (web.CommitmentForm, policy.CommitmentEdit, fieldErrors) {
	form := r.PostForm
	errs := fieldErrors{}
	var e policy.CommitmentEdit
	f := web.CommitmentForm{
		Title: form.Get("title"), TitleEN: form.Get("title_en"), Kind: form.Get("kind"), Strength: form.Get("strength"), Status: form.Get("status"), Progress: form.Get("progress"), Lead: form["lead"], Support: form["support"],
		TimeFrame: form.Get("time_frame"), DueOn: form.Get("due_on"), PublicNote: form.Get("public_note"),
	}
	l := i18n.From(r.Context())
	e.Title = text(l, errs, form, "title", l.T("field.title"), 60, true, false)
	e.Kind, e.Strength = kindAndStrength(l, errs, form)
	if _, sent := form["title_en"]; sent {
		e.TitleEN = englishTitle(l, errs, form.Get("title_en"))
	}
	e.Status = status(l, errs, form, "status")
	e.Progress = percent(l, errs, form, "progress")
	if !e.Status.ProgressFits(e.Progress) {
		errs["progress"] = l.T("form.completed100")
	}
	e.Lead, e.Support = units(l, errs, form, unitNames)
	e.TimeFrame = text(l, errs, form, "time_frame", l.T("field.time_frame"), 60, false, false)
	e.DueOn = date(l, errs, form, "due_on", l.T("field.due_on"), false)
	e.PublicNote = text(l, errs, form, "public_note", l.T("field.public_note"), 2000, false, true)
	return f, e, errs
}

// saveCommitment saves the edit form. Invalid input gets the form again with a
// message beside each field (422); a form loaded at an older version gets the
// current values beside the submitted ones (409); nothing is overwritten.
func (s *Server) saveCommitment(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	c, version, err := s.commitmentForm(w, r, "")
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	units, err := s.store.PickerUnits(ctx)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	names := unitNames(units, i18n.From(ctx).English())
	f, edit, errs := parseCommitmentForm(r, names)
	f.Version = version
	if len(errs) > 0 {
		s.render(w, r, http.StatusUnprocessableEntity, web.EditCommitmentPage(web.EditView{Commitment: c, Form: f, Errors: errs, Units: units, ForReview: s.mustReview(r)}))
		return
	}
	if s.mustReview(r) {
		// Sent for review: the commitment, and every public page, stays as
		// it is until a reviewer approves (review.go).
		var reviewID int64
		reviewID, err = s.store.ProposeEdit(ctx, actorOf(r), c.ID, version, edit)
		if err == nil {
			s.logger.InfoContext(ctx, "commitment edit sent for review", "commitment_id", c.ID, "review_id", reviewID, "user_id", userOf(r).ID)
			http.Redirect(w, r, commitmentPath(c.ID), http.StatusSeeOther)
			return
		}
	} else {
		err = s.store.UpdateCommitment(ctx, actorOf(r), c.ID, version, edit)
	}
	if errors.Is(err, policy.ErrStale) {
		s.renderConflict(w, r, f, names)
		return
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.logger.InfoContext(r.Context(), "commitment updated", "commitment_id", c.ID, "user_id", userOf(r).ID, "version", version+1)
	http.Redirect(w, r, commitmentPath(c.ID), http.StatusSeeOther)
}

// renderConflict shows the current values of a commitment beside the submitted
// ones, with the submitted form ready to be saved over the current version.
func (s *Server) renderConflict(w http.ResponseWriter, r *http.Request, submitted web.CommitmentForm, names map[string]string) {
	current, units, err := s.commitmentAndUnits(r, nil)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	cur := web.FormOf(current)
	var rows []policy.FieldDiff
	l := i18n.From(r.Context())
	add := func(key, a, b string) {
		rows = append(rows, policy.FieldDiff{Key: key, Label: i18n.For("zh").T("field." + key), Before: a, After: b})
	}
	statusName := func(v string) string {
		if policy.Status(v).Valid() {
			return l.T("status." + v)
		}
		return v
	}
	vocabName := func(prefix, v string) string {
		if v != "" && i18n.Has(prefix+v) {
			return l.T(prefix + v)
		}
		return v
	}
	withPercent := func(v string) string {
		if v == "" {
			return ""
		}
		return v + "%"
	}
	add("title", cur.Title, submitted.Title)
	add("kind", vocabName("ckind.", cur.Kind), vocabName("ckind.", submitted.Kind))
	add("strength", vocabName("strength.", cur.Strength), vocabName("strength.", submitted.Strength))
	add("title_en", cur.TitleEN, submitted.TitleEN)
	add("status", statusName(cur.Status), statusName(submitted.Status))
	add("progress", withPercent(cur.Progress), withPercent(submitted.Progress))
	add("lead", joinNames(cur.Lead, names), joinNames(submitted.Lead, names))
	add("support", joinNames(cur.Support, names), joinNames(submitted.Support, names))
	add("time_frame", cur.TimeFrame, submitted.TimeFrame)
	add("due_on", cur.DueOn, submitted.DueOn)
	add("public_note", cur.PublicNote, submitted.PublicNote)
	submitted.Version = current.Version
	s.render(w, r, http.StatusConflict, web.EditCommitmentPage(web.EditView{ForReview: s.mustReview(r),
		Commitment: current, Form: submitted, Units: units, Conflict: rows}))
}

// joinNames lists units by name for the conflict table, by slug if unknown.
func joinNames(slugs []string, names map[string]string) string {
	out := ""
	for i, s := range slugs {
		if i > 0 {
			out += "、"
		}
		if n, ok := names[s]; ok {
			out += n
		} else {
			out += s
		}
	}
	return out
}

// kindAndStrength reads the commitment's kind and strength, the reading of its
// words that a correction may change. A form without them (an older page, a
// script) keeps both as they are.
func kindAndStrength(l *i18n.Localizer, errs fieldErrors, form url.Values) (policy.CommitmentKind, policy.Strength) {
	k, st := policy.CommitmentKind(form.Get("kind")), policy.Strength(form.Get("strength"))
	if k != "" && !k.Valid() {
		errs["kind"] = l.T("form.kind")
	}
	if st != "" && !st.Valid() {
		errs["strength"] = l.T("form.strength")
	}
	return k, st
}

// englishTitleMax is the longest English title, as the column allows.
const englishTitleMax = 200

// englishTitle reads the English title: optional, at most englishTitleMax
// characters, and English: Chinese characters belong in the title itself.
func englishTitle(l *i18n.Localizer, errs fieldErrors, raw string) *string {
	v := text(l, errs, url.Values{"title_en": {raw}}, "title_en", l.T("field.title_en"), englishTitleMax, false, false)
	if _, bad := errs["title_en"]; !bad && strings.ContainsFunc(v, func(r rune) bool { return unicode.Is(unicode.Han, r) }) {
		errs["title_en"] = l.T("form.title_en.han")
	}
	return &v
}
