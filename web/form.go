package web

import (
	"slices"
	"strings"
	"time"

	"github.com/a-h/templ"

	"github.com/guizhou-portal/portal/internal/policy"
)

// FieldErrors holds one message per form field, keyed by the field's name.
type FieldErrors map[string]string

// invalid marks a field that has an error for assistive technology, pointing
// at the message shown beside it.
func invalid(errs FieldErrors, name string) templ.Attributes {
	if errs[name] == "" {
		return templ.Attributes{}
	}
	return templ.Attributes{"aria-invalid": "true", "aria-describedby": "err-" + name}
}

// dateInput gives a date field its type: a date picker for an empty or valid
// day, and a text field for anything else a refused form sends back, so that
// the reader sees what they typed (a date input cannot hold an invalid value,
// and the HTML checker refuses one).
func dateInput(value string) templ.Attributes {
	if value == "" {
		return templ.Attributes{"type": "date"}
	}
	if _, err := time.Parse(time.DateOnly, value); err == nil {
		return templ.Attributes{"type": "date"}
	}
	return templ.Attributes{"type": "text", "inputmode": "numeric", "placeholder": "YYYY-MM-DD"}
}

// selected reports whether v is among a multiple select's chosen values.
func selected(values []string, v string) bool { return slices.Contains(values, v) }

// unitSearchNames is what the unit picker's filter matches a unit by: its
// name, full name and short names, in lower case.
func unitSearchNames(e policy.Entity) string {
	return strings.ToLower(strings.Join(append([]string{e.Name, e.FullName}, e.Aliases...), " "))
}

// pickerErrorField is the unit picker's field whose message marks the
// picker invalid: the lead units' where they have one, else the supporting
// units'.
func pickerErrorField(errs FieldErrors) string {
	if errs["lead"] != "" {
		return "lead"
	}
	return "support"
}
