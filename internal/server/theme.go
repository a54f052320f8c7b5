package server

import (
	"errors"
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/guizhou-portal/portal/internal/i18n"
	"github.com/guizhou-portal/portal/internal/policy"
	"github.com/guizhou-portal/portal/web"
)

// listThemes shows the theme vocabulary with the forms that edit it.
func (s *Server) listThemes(w http.ResponseWriter, r *http.Request) {
	s.renderThemes(w, r, http.StatusOK, web.ThemesView{})
}

func (s *Server) renderThemes(w http.ResponseWriter, r *http.Request, status int, v web.ThemesView) {
	themes, err := s.store.ThemeEntries(r.Context())
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	v.Themes = themes
	s.render(w, r, status, web.ThemesPage(v))
}

// readTheme reads a theme's names and keywords from the form.
func readTheme(l *i18n.Localizer, errs fieldErrors, r *http.Request) (policy.ThemeEntry, web.ThemeForm) {
	form := r.PostForm
	f := web.ThemeForm{NameZH: form.Get("name_zh"), NameEN: form.Get("name_en"), Keywords: form.Get("keywords")}
	var t policy.ThemeEntry
	t.NameZH = text(l, errs, form, "name_zh", l.T("themes.namezh"), policy.ThemeNameMax, true, false)
	t.NameEN = text(l, errs, form, "name_en", l.T("themes.nameen"), policy.ThemeNameMax, true, false)
	raw := text(l, errs, form, "keywords", l.T("themes.keywords"), policy.ThemeKeywordsN*(policy.ThemeKeywordMax+1), false, true)
	if errs["keywords"] == "" {
		t.Keywords = policy.SplitKeywords(raw)
		if k := policy.KeywordTooLong(t.Keywords); k != "" {
			errs["keywords"] = l.T("theme.keyword.long", k, policy.ThemeKeywordMax)
		} else if len(t.Keywords) > policy.ThemeKeywordsN {
			errs["keywords"] = l.T("theme.keywords.many", policy.ThemeKeywordsN)
		}
	}
	return t, f
}

// createTheme adds a theme at the end of the order.
func (s *Server) createTheme(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r); err != nil {
		s.renderError(w, r, err)
		return
	}
	l := i18n.From(r.Context())
	errs := fieldErrors{}
	t, f := readTheme(l, errs, r)
	f.Key = r.PostForm.Get("key")
	t.Key = f.Key
	if !policy.ValidThemeKey(t.Key) {
		errs["key"] = l.T("theme.key.invalid", policy.ThemeKeyMax)
	}
	if len(errs) == 0 {
		err := s.store.AddTheme(r.Context(), actorOf(r), t)
		if policy.ErrorCode(err) == policy.ECONFLICT {
			errs[themeConflictField(err)] = errorMessage(l, err)
		} else if err != nil {
			s.renderError(w, r, err)
			return
		}
	}
	if len(errs) > 0 {
		s.renderThemes(w, r, http.StatusUnprocessableEntity, web.ThemesView{New: f, Errors: errs})
		return
	}
	s.logger.InfoContext(r.Context(), "theme added", "key", t.Key, "by", userOf(r).ID)
	http.Redirect(w, r, "/admin/themes", http.StatusSeeOther)
}

// themeConflictField is the form field a conflict of saving a theme is
// about: a display name another theme has, or else the key.
func themeConflictField(err error) string {
	var e *policy.Error
	if errors.As(err, &e) {
		switch e.MessageID {
		case "theme.namezh.taken":
			return "name_zh"
		case "theme.nameen.taken":
			return "name_en"
		}
	}
	return "key"
}

// themeKey is the theme named in the path, if it can be one.
func themeKey(r *http.Request) (string, error) {
	key := chi.URLParam(r, "key")
	if !policy.ValidThemeKey(key) {
		return "", policy.Errorm(policy.ENOTFOUND, "err.theme")
	}
	return key, nil
}

// updateTheme renames a theme and sets its keywords.
func (s *Server) updateTheme(w http.ResponseWriter, r *http.Request) {
	key, err := themeKey(r)
	if err == nil {
		err = parseForm(w, r)
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	l := i18n.From(r.Context())
	errs := fieldErrors{}
	t, f := readTheme(l, errs, r)
	t.Key, f.Key = key, key
	if len(errs) > 0 {
		s.renderThemes(w, r, http.StatusUnprocessableEntity, web.ThemesView{Errors: errs, ErrorsFor: key, Submitted: &f})
		return
	}
	if err := s.store.UpdateTheme(r.Context(), actorOf(r), t); policy.ErrorCode(err) == policy.ECONFLICT {
		errs[themeConflictField(err)] = errorMessage(l, err)
		s.renderThemes(w, r, http.StatusUnprocessableEntity, web.ThemesView{Errors: errs, ErrorsFor: key, Submitted: &f})
		return
	} else if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.logger.InfoContext(r.Context(), "theme updated", "key", key, "by", userOf(r).ID)
	http.Redirect(w, r, "/admin/themes#theme-"+key, http.StatusSeeOther)
}

// moveTheme moves a theme one place up or down.
func (s *Server) moveTheme(w http.ResponseWriter, r *http.Request) {
	key, err := themeKey(r)
	if err == nil {
		err = parseForm(w, r)
	}
	if err == nil {
		switch r.PostForm.Get("dir") {
		case "up", "down":
			err = s.store.MoveTheme(r.Context(), actorOf(r), key, r.PostForm.Get("dir") == "up")
		default:
			err = policy.Errorm(policy.EINVALID, "theme.move.dir")
		}
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.logger.InfoContext(r.Context(), "theme moved", "key", key, "dir", r.PostForm.Get("dir"), "by", userOf(r).ID)
	http.Redirect(w, r, "/admin/themes#theme-"+key, http.StatusSeeOther)
}
