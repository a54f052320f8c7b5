package server

import (
	"errors"
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/guizhou-portal/portal/internal/auth"
	"github.com/guizhou-portal/portal/internal/i18n"
	"github.com/guizhou-portal/portal/internal/policy"
	"github.com/guizhou-portal/portal/web"
)

// listUnits shows the units registry with the form that adds a unit.
func (s *Server) showUnitRegistry(w http.ResponseWriter, r *http.Request) {
	s.renderUnitRegistry(w, r, http.StatusOK, web.UnitRegistryView{New: web.UnitForm{Kind: string(policy.RegistryKinds[0])}})
}

func (s *Server) renderUnitRegistry(w http.ResponseWriter, r *http.Request, status int, v web.UnitRegistryView) {
	units, err := s.store.RegistryUnits(r.Context())
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	v.Units = units
	s.render(w, r, status, web.UnitRegistryPage(v))
}

// readUnit reads a unit's fields from the form, with a message for each one
// that is wrong.
func readUnit(l *i18n.Localizer, errs fieldErrors, r *http.Request) (policy.UnitEntry, web.UnitForm) {
	form := r.PostForm
	f := web.UnitForm{Kind: form.Get("kind"), Name: form.Get("name"), FullName: form.Get("full_name"), Parent: form.Get("parent"),
		ShortNames: form.Get("short_names"), ContactEmail: form.Get("contact_email"), Stamp: form.Get("stamp")}
	var u policy.UnitEntry
	u.Name = text(l, errs, form, "name", l.T("units.name"), policy.UnitNameMax, true, false)
	u.FullName = text(l, errs, form, "full_name", l.T("units.fullname"), policy.UnitNameMax, false, false)
	u.Kind = policy.EntityKind(f.Kind)
	if !policy.RegistryKind(u.Kind) {
		errs["kind"] = l.T("units.kind.invalid")
	}
	raw := text(l, errs, form, "short_names", l.T("units.short"), policy.UnitShortNamesN*(policy.UnitShortNameMax+1), false, true)
	if errs["short_names"] == "" {
		u.ShortNames = policy.ShortNames(u.Name, raw)
		if n := policy.ShortNameTooLong(u.ShortNames); n != "" {
			errs["short_names"] = l.T("unit.short.long", n, policy.UnitShortNameMax)
		} else if len(u.ShortNames) > policy.UnitShortNamesN {
			errs["short_names"] = l.T("unit.short.many", policy.UnitShortNamesN)
		}
	}
	u.ParentSlug = f.Parent
	if u.ParentSlug != "" && !policy.ValidSlug(u.ParentSlug) {
		errs["parent"] = l.T("unit.parent.unknown")
	}
	u.ContactEmail = text(l, errs, form, "contact_email", l.T("units.email"), 254, false, false)
	if u.ContactEmail != "" && errs["contact_email"] == "" {
		u.ContactEmail = strings.ToLower(u.ContactEmail)
		_, domain, _ := strings.Cut(u.ContactEmail, "@")
		if p := auth.CheckEmail(u.ContactEmail); !p.OK() {
			errs["contact_email"] = l.T(p.ID, p.Args...)
		} else if i := strings.LastIndexByte(domain, '.'); i < 1 || i == len(domain)-1 {
			// The schema wants a dotted domain, as mail to a unit needs one.
			errs["contact_email"] = l.T("auth.email.format")
		}
	}
	return u, f
}

// unitConflictField is the form field a refused save is about.
func unitConflictField(err error) string {
	var e *policy.Error
	if errors.As(err, &e) {
		switch e.MessageID {
		case "unit.slug.taken":
			return "slug"
		case "unit.short.taken":
			return "short_names"
		case "unit.parent.unknown", "unit.parent.cycle":
			return "parent"
		}
	}
	return "name"
}

// createUnit adds a unit to the registry.
func (s *Server) createUnit(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r); err != nil {
		s.renderError(w, r, err)
		return
	}
	l := i18n.From(r.Context())
	errs := fieldErrors{}
	u, f := readUnit(l, errs, r)
	f.Slug = r.PostForm.Get("slug")
	u.Slug = f.Slug
	if !policy.ValidUnitSlug(u.Slug) {
		errs["slug"] = l.T("unit.slug.invalid", policy.UnitSlugMax)
	}
	if len(errs) == 0 {
		err := s.store.AddUnit(r.Context(), actorOf(r), u)
		if c := policy.ErrorCode(err); c == policy.ECONFLICT || c == policy.EINVALID {
			errs[unitConflictField(err)] = errorMessage(l, err)
		} else if err != nil {
			s.renderError(w, r, err)
			return
		}
	}
	if len(errs) > 0 {
		s.renderUnitRegistry(w, r, http.StatusUnprocessableEntity, web.UnitRegistryView{New: f, Errors: errs})
		return
	}
	s.logger.InfoContext(r.Context(), "unit added", "slug", u.Slug, "by", userOf(r).ID)
	http.Redirect(w, r, "/admin/units#unit-"+u.Slug, http.StatusSeeOther)
}

// showUnit shows the form that edits a unit.
func (s *Server) showUnitRegistryEdit(w http.ResponseWriter, r *http.Request) {
	u, err := s.unitOf(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.renderUnitRegistryEdit(w, r, http.StatusOK, web.UnitRegistryEditView{Unit: u, Form: web.UnitFormOf(u)})
}

func (s *Server) renderUnitRegistryEdit(w http.ResponseWriter, r *http.Request, status int, v web.UnitRegistryEditView) {
	units, err := s.store.RegistryUnits(r.Context())
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	v.Units = units
	s.render(w, r, status, web.UnitRegistryEditPage(v))
}

// unitOf is the unit named in the path.
func (s *Server) unitOf(r *http.Request) (policy.UnitEntry, error) {
	slug := chi.URLParam(r, "unit")
	if !policy.ValidSlug(slug) {
		return policy.UnitEntry{}, policy.Errorm(policy.ENOTFOUND, "err.unit")
	}
	return s.store.RegistryUnit(r.Context(), slug)
}

// updateUnit saves a unit's edit form. A form loaded before another admin's
// change is shown again with what was typed and a 409.
func (s *Server) updateUnit(w http.ResponseWriter, r *http.Request) {
	current, err := s.unitOf(r)
	if err == nil {
		err = parseForm(w, r)
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	l := i18n.From(r.Context())
	errs := fieldErrors{}
	u, f := readUnit(l, errs, r)
	u.Slug, f.Slug = current.Slug, current.Slug
	if len(errs) > 0 {
		s.renderUnitRegistryEdit(w, r, http.StatusUnprocessableEntity, web.UnitRegistryEditView{Unit: current, Form: f, Errors: errs})
		return
	}
	err = s.store.UpdateUnit(r.Context(), actorOf(r), u, f.Stamp)
	switch c := policy.ErrorCode(err); {
	case errors.Is(err, policy.ErrStale):
		fresh, ferr := s.store.RegistryUnit(r.Context(), current.Slug)
		if ferr != nil {
			s.renderError(w, r, ferr)
			return
		}
		f.Stamp = fresh.Stamp()
		s.renderUnitRegistryEdit(w, r, http.StatusConflict, web.UnitRegistryEditView{Unit: fresh, Form: f, Stale: true})
		return
	case c == policy.ECONFLICT || c == policy.EINVALID:
		errs[unitConflictField(err)] = errorMessage(l, err)
		s.renderUnitRegistryEdit(w, r, http.StatusUnprocessableEntity, web.UnitRegistryEditView{Unit: current, Form: f, Errors: errs})
		return
	case err != nil:
		s.renderError(w, r, err)
		return
	}
	s.logger.InfoContext(r.Context(), "unit updated", "slug", u.Slug, "by", userOf(r).ID)
	http.Redirect(w, r, "/admin/units#unit-"+u.Slug, http.StatusSeeOther)
}
