package server

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/width"

	"github.com/guizhou-portal/portal/internal/i18n"
	"github.com/guizhou-portal/portal/internal/policy"
	"github.com/guizhou-portal/portal/web"
)

// maxFormBytes caps a form's body; no form of the portal comes near it.
const maxFormBytes = 256 << 10

var errTooLarge = policy.Errorm(policy.ETOOLARGE, "err.toolarge")

// parseForm reads a POST body into r.PostForm, refusing bodies over the cap.
func parseForm(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return errTooLarge
		}
		return policy.Errorm(policy.EINVALID, "err.form")
	}
	return nil
}

// fieldErrors collects one message per form field, shown beside the field.
type fieldErrors = web.FieldErrors

// The readers below write each field's message in the reader's language (l);
// label is the field's name in that language.

// text reads a single-line or multi-line field: trimmed, valid UTF-8, no control
// characters other than line breaks and tabs where multiline, at most max characters.
func text(l *i18n.Localizer, errs fieldErrors, form url.Values, name, label string, max int, required, multiline bool) string {
	v := strings.TrimSpace(form.Get(name))
	switch {
	case !utf8.ValidString(v):
		errs[name] = l.T("form.badutf8", label)
	case strings.ContainsFunc(v, func(c rune) bool {
		return unicode.IsControl(c) && !(multiline && (c == '\n' || c == '\r' || c == '\t'))
	}):
		errs[name] = l.T("form.control", label)
	case required && v == "":
		errs[name] = l.T("form.required", label)
	case utf8.RuneCountInString(v) > max:
		errs[name] = l.T("form.toolong", label, strconv.Itoa(max), strconv.Itoa(utf8.RuneCountInString(v)))
	}
	return v
}

// status reads a status field.
func status(l *i18n.Localizer, errs fieldErrors, form url.Values, name string) policy.Status {
	v := policy.Status(form.Get(name))
	if !v.Valid() {
		errs[name] = l.T("form.status")
	}
	return v
}

// percent reads an optional progress percentage, accepting full-width digits.
func percent(l *i18n.Localizer, errs fieldErrors, form url.Values, name string) *int {
	v := strings.TrimSuffix(strings.TrimSpace(width.Narrow.String(form.Get(name))), "%")
	if v == "" {
		return nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 || n > 100 {
		errs[name] = l.T("form.progress")
		return nil
	}
	return &n
}

// date reads a date written YYYY-MM-DD, within the years a reply can speak of.
func date(l *i18n.Localizer, errs fieldErrors, form url.Values, name, label string, required bool) *time.Time {
	v := strings.TrimSpace(width.Narrow.String(form.Get(name)))
	if v == "" {
		if required {
			errs[name] = l.T("form.required", label)
		}
		return nil
	}
	t, err := time.Parse(time.DateOnly, v)
	if err != nil {
		errs[name] = l.T("form.date", label)
		return nil
	}
	if t.Year() < 2000 || t.Year() > 2100 {
		errs[name] = l.T("form.daterange", label)
		return nil
	}
	return &t
}

// units reads the lead and supporting units: known slugs, none in both lists.
func units(l *i18n.Localizer, errs fieldErrors, form url.Values, valid map[string]string) (lead, support []string) {
	read := func(name, label string) []string {
		var out []string
		for _, v := range form[name] {
			if v == "" {
				continue
			}
			if _, ok := valid[v]; !ok {
				errs[name] = l.T("form.unknownunit", label)
				return nil
			}
			if !slices.Contains(out, v) {
				out = append(out, v)
			}
		}
		if len(out) > 12 {
			errs[name] = l.T("form.toomanyunits", label)
		}
		return out
	}
	lead, support = read("lead", l.T("field.lead")), read("support", l.T("field.support"))
	for _, v := range lead {
		if slices.Contains(support, v) {
			errs["support"] = l.T("form.leadandsupport", valid[v])
			break
		}
	}
	return lead, support
}

// unitNames maps the units' slugs to their names: the valid values of units.
func unitNames(units []policy.Entity, english bool) map[string]string {
	m := make(map[string]string, len(units))
	for _, e := range units {
		m[e.Slug] = e.NameFor(english)
	}
	return m
}

// formVersion reads the hidden version field. A missing or malformed version
// means the form was not the portal's own: a 400, not a field message.
func formVersion(form url.Values) (int, error) {
	v, err := strconv.Atoi(form.Get("version"))
	if err != nil || v < 1 {
		return 0, policy.Errorm(policy.EINVALID, "err.version")
	}
	return v, nil
}
