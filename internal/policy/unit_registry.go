package policy

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"slices"
	"strings"
)

// RegistryKinds are the kinds of entity the units registry manages: the
// government bodies and organisations that lead or support commitments. Other
// kinds that can lead (companies, parks, regions) come from the documents.
var RegistryKinds = []EntityKind{"government", "organisation"}

// Limits of a unit's fields in the registry.
const (
	UnitNameMax      = 60
	UnitShortNameMax = 40
	UnitShortNamesN  = 12
	UnitSlugMax      = 60
)

// The audit actions of the units registry; their subject type is entity.
const (
	ActionUnitCreate = "unit.create"
	ActionUnitUpdate = "unit.update"
)

// UnitEntry is a unit as the registry shows and edits it.
type UnitEntry struct {
	ID           int64
	Slug         string
	Kind         EntityKind
	Name         string
	FullName     string
	ParentSlug   string // "" for none
	ParentName   string
	ShortNames   []string // entity_aliases other than the name itself
	ContactEmail string
	Leads        int // commitments it leads
	Supports     int // commitments it supports
}

// UnitState is what the audit log records of a unit.
type UnitState struct {
	Slug         string     `json:"slug"`
	Kind         EntityKind `json:"kind"`
	Name         string     `json:"name"`
	FullName     string     `json:"full_name,omitempty"`
	Parent       string     `json:"parent,omitempty"`
	ShortNames   []string   `json:"short_names"`
	ContactEmail string     `json:"contact_email,omitempty"`
}

// State is u's record for the audit log, its short names in order.
func (u UnitEntry) State() UnitState {
	names := slices.Clone(u.ShortNames)
	if names == nil {
		names = []string{}
	}
	slices.Sort(names)
	return UnitState{Slug: u.Slug, Kind: u.Kind, Name: u.Name, FullName: u.FullName, Parent: u.ParentSlug,
		ShortNames: names, ContactEmail: u.ContactEmail}
}

// Stamp is a short digest of u's state. The edit form carries the stamp of
// the values it showed; a save whose stamp no longer matches was made over
// another admin's change and is refused as stale.
func (u UnitEntry) Stamp() string {
	b, _ := json.Marshal(u.State())
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:8])
}

// RegistryKind says whether kind is one the registry manages.
func RegistryKind(kind EntityKind) bool { return slices.Contains(RegistryKinds, kind) }

// ValidUnitSlug says whether s can be a new unit's address: the entity slug
// pattern, at most UnitSlugMax characters.
func ValidUnitSlug(s string) bool { return len(s) <= UnitSlugMax && ValidSlug(s) }

// ShortNames reads the short names an admin typed (separated as keywords
// are), leaving out the unit's own name, which is always one of its names.
func ShortNames(name, typed string) []string {
	return slices.DeleteFunc(SplitKeywords(typed), func(s string) bool { return s == strings.TrimSpace(name) })
}

// ShortNameTooLong returns the first short name over UnitShortNameMax
// characters, or "".
func ShortNameTooLong(short []string) string {
	for _, s := range short {
		if len([]rune(s)) > UnitShortNameMax {
			return s
		}
	}
	return ""
}

// Fields lists a unit's recorded values for the history's diff.
func (s *UnitState) Fields() []Field {
	if s == nil {
		return nil
	}
	return []Field{
		{"unit_name", "名称", s.Name},
		{"full_name", "全称", s.FullName},
		{"unit_kind", "类别", string(s.Kind)},
		{"parent", "上级单位", s.Parent},
		{"short_names", "简称", strings.Join(s.ShortNames, "、")},
		{"contact_email", "联系邮箱", s.ContactEmail},
	}
}
