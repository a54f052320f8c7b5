package policy

import "testing"

func TestSectionHeadingEN(t *testing.T) {
	for _, tc := range []struct {
		kind         SectionKind
		label, title string
		want         string
	}{
		{SectionTop, "三", "Integrate resources", "3. Integrate resources"},
		{SectionItem, "(二)", "“Two zones”", "(2) “Two zones”"},
		{SectionItem, "（十二）", "Twelfth", "(12) Twelfth"},
		{SectionPoint, "四是", "Funds", "4) Funds"},
		{SectionPoint, "三", "Land", "3) Land"},
		{SectionTop, "二十一", "Late", "21. Late"},
		{SectionTop, "", "The reply", "The reply"},
		{SectionItem, "甲", "Odd", "甲 Odd"},
	} {
		if got := SectionHeadingEN(tc.kind, tc.label, tc.title); got != tc.want {
			t.Errorf("SectionHeadingEN(%s, %q, %q) = %q, want %q", tc.kind, tc.label, tc.title, got, tc.want)
		}
	}
}
