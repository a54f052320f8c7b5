package policy

import (
	"strconv"
	"strings"
)

// LabelNumber is the number a section label writes in Chinese numerals: 3 for
// 三, (三), （三）and 三是, 12 for 十二; 0 when the label writes none.
func LabelNumber(label string) int {
	s := strings.Trim(label, "()（）、. ")
	s = strings.TrimSuffix(s, "是")
	if n, err := strconv.Atoi(s); err == nil && n > 0 {
		return n
	}
	digits := map[rune]int{'一': 1, '二': 2, '三': 3, '四': 4, '五': 5, '六': 6, '七': 7, '八': 8, '九': 9}
	r := []rune(s)
	switch {
	case len(r) == 1 && r[0] == '十':
		return 10
	case len(r) == 1:
		return digits[r[0]]
	case len(r) == 2 && r[0] == '十' && digits[r[1]] > 0:
		return 10 + digits[r[1]]
	case len(r) == 2 && r[1] == '十' && digits[r[0]] > 0:
		return 10 * digits[r[0]]
	case len(r) == 3 && r[1] == '十' && digits[r[0]] > 0 && digits[r[2]] > 0:
		return 10*digits[r[0]] + digits[r[2]]
	}
	return 0
}

// NameFor is the entity's name for a reader: the English one for English
// readers where there is one, else the Chinese.
func (e Entity) NameFor(english bool) string {
	if english && e.NameEN != "" {
		return e.NameEN
	}
	return e.Name
}

// SectionHeadingEN numbers and names a section for English readers: 3. for a
// section 三、, (3) for an item (三), 3) for a point 三是, then the English
// title; a label with no numeral stays as written.
func SectionHeadingEN(kind SectionKind, label, titleEN string) string {
	n := LabelNumber(label)
	switch {
	case label == "":
		return titleEN
	case n == 0:
		return label + " " + titleEN
	case kind == SectionTop:
		return strconv.Itoa(n) + ". " + titleEN
	case kind == SectionItem:
		return "(" + strconv.Itoa(n) + ") " + titleEN
	default:
		return strconv.Itoa(n) + ") " + titleEN
	}
}
