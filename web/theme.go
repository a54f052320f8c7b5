package web

import (
	"strings"

	"github.com/guizhou-portal/portal/internal/policy"
)

// ThemesView is the themes admin page: every theme with a form to rename it
// and edit its keywords, buttons to move it, and the form that adds one.
type ThemesView struct {
	Themes []policy.ThemeEntry
	New    ThemeForm
	Errors FieldErrors
	// ErrorsFor is the theme whose row holds Errors and Submitted, "" for
	// the form that adds one.
	ErrorsFor string
	Submitted *ThemeForm
}

// ThemeForm is a theme's fields as typed.
type ThemeForm struct {
	Key, NameZH, NameEN, Keywords string
}

// themeRow is what a theme's row shows: the stored values, or what was
// submitted when the change was refused.
func themeRow(v ThemesView, t policy.ThemeEntry) ThemeForm {
	if v.Submitted != nil && v.ErrorsFor == t.Key {
		return *v.Submitted
	}
	return ThemeForm{Key: t.Key, NameZH: t.NameZH, NameEN: t.NameEN, Keywords: strings.Join(t.Keywords, "、")}
}

// themeErrors returns the page's field errors if they belong to the theme
// key ("" for the new-theme form), none otherwise.
func themeErrors(v ThemesView, key string) FieldErrors {
	if v.ErrorsFor == key {
		return v.Errors
	}
	return nil
}
