package web

import (
	"time"

	"github.com/a-h/templ"

	"github.com/guizhou-portal/portal/internal/policy"
)

// invalidAs is invalid for a field whose id is not its name.
func invalidAs(errs FieldErrors, name, id string) templ.Attributes {
	if errs[name] == "" {
		return templ.Attributes{}
	}
	return templ.Attributes{"aria-invalid": "true", "aria-describedby": "err-" + id}
}

// followUpDueValue is what the due-date field of f shows: the date as typed
// when its form failed, else f's date.
func followUpDueValue(form FollowUpForm, f policy.FollowUp) string {
	if form.ID == f.ID && form.Errors != nil {
		return form.DueOn
	}
	return f.DueOn.Format(time.DateOnly)
}

// followUpReplyValue is what the reply field of f shows: the slug as typed
// when its form failed.
func followUpReplyValue(form FollowUpForm, f policy.FollowUp) string {
	if form.ID == f.ID {
		return form.Reply
	}
	return ""
}

// commentAttrs points the comment field at its hint, and at its error when it has one.
func commentAttrs(errs FieldErrors) templ.Attributes {
	if errs["comment"] == "" {
		return templ.Attributes{"aria-describedby": "comment-hint"}
	}
	return templ.Attributes{"aria-invalid": "true", "aria-describedby": "comment-hint err-comment"}
}
