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
	return c, err
}

// commitmentView gathers a commitment's page: its timeline as the viewer may
// see it, and for staff an empty update form.
func (s *Server) commitmentView(r *http.Request, c policy.Commitment) (web.CommitmentView, error) {
	staff := userOf(r).CanEdit()
	updates, err := s.store.ProgressUpdates(r.Context(), c.ID, staff)
	return web.CommitmentView{Commitment: c, Updates: updates, UpdateForm: web.NewUpdateForm(c, s.now())}, err
}

// showEditCommitment shows the edit form at the commitment's current version.
func (s *Server) showEditCommitment(w http.ResponseWriter, r *http.Request) {
	c, err := s.visibleCommitment(r)
	if err == nil && c.WithdrawnAt != nil {
		err = policy.Errorm(policy.ECONFLICT, "err.withdrawn.edit")
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	units, err := s.store.Units(r.Context())
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, web.EditCommitmentPage(web.EditView{Commitment: c, Form: web.FormOf(c), Units: units}))
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

// parseCommitmentForm reads and checks the edit form, field by field.
func parseCommitmentForm(r *http.Request, unitNames map[string]string) (web.CommitmentForm, policy.CommitmentEdit, fieldErrors) {
	form := r.PostForm
	errs := fieldErrors{}
	var e policy.CommitmentEdit
	f := web.CommitmentForm{
		Status: form.Get("status"), Progress: form.Get("progress"), Lead: form["lead"], Support: form["support"],
		TimeFrame: form.Get("time_frame"), DueOn: form.Get("due_on"), PublicNote: form.Get("public_note"),
	}
	l := i18n.From(r.Context())
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
	units, err := s.store.Units(ctx)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	names := unitNames(units)
	f, edit, errs := parseCommitmentForm(r, names)
	f.Version = version
	if len(errs) > 0 {
		s.render(w, r, http.StatusUnprocessableEntity, web.EditCommitmentPage(web.EditView{Commitment: c, Form: f, Errors: errs, Units: units}))
		return
	}
	err = s.store.UpdateCommitment(ctx, actorOf(r), c.ID, version, edit)
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
	current, err := s.visibleCommitment(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	units, err := s.store.Units(r.Context())
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
	withPercent := func(v string) string {
		if v == "" {
			return ""
		}
		return v + "%"
	}
	add("status", statusName(cur.Status), statusName(submitted.Status))
	add("progress", withPercent(cur.Progress), withPercent(submitted.Progress))
	add("lead", joinNames(cur.Lead, names), joinNames(submitted.Lead, names))
	add("support", joinNames(cur.Support, names), joinNames(submitted.Support, names))
	add("time_frame", cur.TimeFrame, submitted.TimeFrame)
	add("due_on", cur.DueOn, submitted.DueOn)
	add("public_note", cur.PublicNote, submitted.PublicNote)
	submitted.Version = current.Version
	s.render(w, r, http.StatusConflict, web.EditCommitmentPage(web.EditView{
		Commitment: current, Form: submitted, Units: units, Conflict: rows}))
}

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
	f := web.UpdateForm{
		HappenedOn: form.Get("happened_on"), Status: form.Get("update_status"), Progress: form.Get("update_progress"),
		Note: form.Get("note"), EvidenceURL: form.Get("evidence_url"), Visibility: form.Get("visibility"),
		Signed: form.Get("signed") != "", Version: version,
	}
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
	_, err = s.store.AddProgressUpdate(ctx, actorOf(r), c.ID, version, u)
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
	s.logger.InfoContext(r.Context(), "progress update added", "commitment_id", c.ID, "user_id", userOf(r).ID)
	http.Redirect(w, r, commitmentPath(c.ID)+"#timeline-h", http.StatusSeeOther)
}

// renderCommitment shows the route's commitment page as it is now, after
// adjust has put in what the staff member submitted.
func (s *Server) renderCommitment(w http.ResponseWriter, r *http.Request, status int, adjust func(*web.CommitmentView)) {
	c, err := s.visibleCommitment(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
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

// withdrawCommitment hides the commitment from the public, keeping its history.
func (s *Server) withdrawCommitment(w http.ResponseWriter, r *http.Request) {
	s.setWithdrawn(w, r, true)
}

// restoreCommitment shows a withdrawn commitment to the public again.
func (s *Server) restoreCommitment(w http.ResponseWriter, r *http.Request) {
	s.setWithdrawn(w, r, false)
}

func (s *Server) setWithdrawn(w http.ResponseWriter, r *http.Request, withdraw bool) {
	id, err := commitmentID(r)
	if err == nil {
		err = parseForm(w, r)
	}
	var version int
	if err == nil {
		version, err = formVersion(r.PostForm)
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if withdraw {
		errs := fieldErrors{}
		l := i18n.From(r.Context())
		reason := text(l, errs, r.PostForm, "reason", l.T("field.withdrawn_reason"), 500, true, false)
		if len(errs) > 0 {
			s.renderCommitment(w, r, http.StatusUnprocessableEntity, func(v *web.CommitmentView) {
				v.WithdrawReason, v.WithdrawErrors = r.PostForm.Get("reason"), errs
			})
			return
		}
		err = s.store.WithdrawCommitment(r.Context(), actorOf(r), id, version, reason)
	} else {
		err = s.store.RestoreCommitment(r.Context(), actorOf(r), id, version)
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.logger.InfoContext(r.Context(), "commitment withdrawn or restored", "commitment_id", id, "withdrawn", withdraw, "user_id", userOf(r).ID)
	http.Redirect(w, r, commitmentPath(id), http.StatusSeeOther)
}

func commitmentPath(id int64) string { return "/commitments/" + strconv.FormatInt(id, 10) }

func unitNames(units []policy.Entity) map[string]string {
	m := make(map[string]string, len(units))
	for _, e := range units {
		m[e.Slug] = e.Name
	}
	return m
}

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
