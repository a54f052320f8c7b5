package web

import (
	"strings"

	"github.com/guizhou-portal/portal/internal/policy"
)

// UnitRegistryView is the units registry: every unit with what it leads and
// supports, and the form that adds one.
type UnitRegistryView struct {
	Units  []policy.UnitEntry
	New    UnitForm
	Errors FieldErrors
}

// UnitRegistryEditView is the page that edits one unit. Stale is set when the form
// was saved over another admin's change: the form then holds what was
// typed, over the current values' stamp.
type UnitRegistryEditView struct {
	Unit   policy.UnitEntry
	Form   UnitForm
	Errors FieldErrors
	Units  []policy.UnitEntry // the parents to choose from
	Stale  bool
}

// UnitForm is a unit's fields as typed.
type UnitForm struct {
	Slug, Kind, Name, FullName, Parent, ShortNames, ContactEmail string
	Stamp                                                        string // the stamp of the values the form showed
}

// UnitFormOf fills the form with a unit's current values.
func UnitFormOf(u policy.UnitEntry) UnitForm {
	return UnitForm{Slug: u.Slug, Kind: string(u.Kind), Name: u.Name, FullName: u.FullName, Parent: u.ParentSlug,
		ShortNames: strings.Join(u.ShortNames, "、"), ContactEmail: u.ContactEmail, Stamp: u.Stamp()}
}

// parentChoices are the units that may be self's parent: all but self
// (the store refuses one within self, too).
func parentChoices(units []policy.UnitEntry, self string) []policy.UnitEntry {
	out := make([]policy.UnitEntry, 0, len(units))
	for _, u := range units {
		if u.Slug != self {
			out = append(out, u)
		}
	}
	return out
}
