package policy

import (
	"slices"
	"testing"
)

func TestShortNamesLeaveOutTheName(t *testing.T) {
	got := ShortNames("贵州省自然资源厅", "省自然资源厅、贵州省自然资源厅，自然资源厅\n省自然资源厅")
	if want := []string{"省自然资源厅", "自然资源厅"}; !slices.Equal(got, want) {
		t.Errorf("ShortNames: %q, want %q", got, want)
	}
}

func TestUnitStampChangesWithEveryField(t *testing.T) {
	base := UnitEntry{Slug: "gz-natural-resources-dept", Kind: "government", Name: "贵州省自然资源厅", ShortNames: []string{"b", "a"}}
	same := base
	same.ShortNames = []string{"a", "b"}
	same.Leads = 3 // counts are not the unit's values
	if base.Stamp() != same.Stamp() {
		t.Error("the stamp depends on the order of short names or on counts")
	}
	for _, change := range []func(*UnitEntry){
		func(u *UnitEntry) { u.Name = "省自然资源厅" },
		func(u *UnitEntry) { u.FullName = "贵州省自然资源厅" },
		func(u *UnitEntry) { u.Kind = "organisation" },
		func(u *UnitEntry) { u.ParentSlug = "gz-industry-it-dept" },
		func(u *UnitEntry) { u.ShortNames = []string{"a"} },
		func(u *UnitEntry) { u.ContactEmail = "office@zrzyt.guizhou.gov.cn" },
	} {
		u := base
		u.ShortNames = slices.Clone(base.ShortNames)
		change(&u)
		if u.Stamp() == base.Stamp() {
			t.Errorf("the stamp stays when %+v changes", u)
		}
	}
}
