package server

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/guizhou-portal/portal/internal/i18n"
	"github.com/guizhou-portal/portal/internal/policy"
	"github.com/guizhou-portal/portal/web"
)

// addProgressUpdate adds a dated entry to the commitment's timeline.
func (s *Server) addProgressUpdate(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	c, version, err := s.commitmentForm(w, r, "err.withdrawn.update")
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	form := r.PostForm
	errs := fieldErrors{}
	f := updateFormOf(form, version)
	u := policy.NewUpdate{Signed: f.Signed}
	l := i18n.From(r.Context())
	if d := date(l, errs, form, "happened_on", l.T("tr.date"), true); d != nil {
		if today := s.today(); d.After(today) {
			errs["happened_on"] = l.T("form.future")
		}
		u.HappenedOn = *d
	}
	u.Status = status(l, errs, form, "update_status")
	u.Progress = percent(l, errs, form, "update_progress")
	if !u.Status.ProgressFits(u.Progress) {
		errs["update_progress"] = l.T("form.completed100")
	}
	u.Note = text(l, errs, form, "note", l.T("tr.update.note"), 4000, true, true)
	u.EvidenceURL = evidenceURL(l, errs, form, "evidence_url")
	switch f.Visibility {
	case "public":
		u.Public = true
	case "internal":
	default:
		errs["visibility"] = l.T("form.visibility")
	}
	if len(errs) > 0 {
		s.renderCommitment(w, r, http.StatusUnprocessableEntity, func(v *web.CommitmentView) {
			v.UpdateForm, v.UpdateErrors = f, errs
		})
		return
	}
	// Where editors' changes wait for review, an update waits too when the
	// public would see it, or when it moves the status or progress they see.
	review := s.mustReview(r) && (u.Public || u.Status != c.Status || !sameProgress(u.Progress, c.Progress))
	if review {
		_, err = s.store.ProposeUpdate(ctx, actorOf(r), c.ID, version, u)
	} else {
		_, err = s.store.AddProgressUpdate(ctx, actorOf(r), c.ID, version, u)
	}
	if errors.Is(err, policy.ErrStale) {
		// The page shows the current values; the typed update waits, at the current version.
		s.renderCommitment(w, r, http.StatusConflict, func(v *web.CommitmentView) {
			f.Version = v.Commitment.Version
			v.UpdateForm, v.UpdateConflict = f, true
		})
		return
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.logger.InfoContext(r.Context(), "progress update added", "commitment_id", c.ID, "user_id", userOf(r).ID, "for_review", review)
	http.Redirect(w, r, commitmentPath(c.ID)+"#timeline-h", http.StatusSeeOther)
}

// updateFormOf is the update form as it was typed.
func updateFormOf(form url.Values, version int) web.UpdateForm {
	return web.UpdateForm{
		HappenedOn: form.Get("happened_on"), Status: form.Get("update_status"), Progress: form.Get("update_progress"),
		Note: form.Get("note"), EvidenceURL: form.Get("evidence_url"), Visibility: form.Get("visibility"),
		Signed: form.Get("signed") != "", Version: version,
	}
}

// sameProgress reports whether two optional percentages are equal.
func sameProgress(a, b *int) bool {
	return (a == nil && b == nil) || (a != nil && b != nil && *a == *b)
}

// evidenceURL reads an optional link to evidence: an absolute http or https URL.
func evidenceURL(l *i18n.Localizer, errs fieldErrors, form url.Values, name string) string {
	v := text(l, errs, form, name, l.T("tr.evidence.url"), 2000, false, false)
	if v == "" || errs[name] != "" {
		return v
	}
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || strings.ContainsAny(v, " <>\"") {
		errs[name] = l.T("form.evidence")
		return v
	}
	return u.Scheme + v[len(u.Scheme):] // HTTPS://… is kept as https://…
}
