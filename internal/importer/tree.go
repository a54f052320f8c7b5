package importer

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/guizhou-portal/portal/internal/policy"
)

// BodyAnchor is the anchor of the one section a reply without numbered
// sections gets in its Tree.
const BodyAnchor = "body"

// otherLabel is a paragraph's opening label in one of the numberings a
// reply without 一、 sections may use for its top level instead.
type otherLabel struct {
	para  int // index into d.Paragraphs
	n     int
	label string // as written, without what follows it: 1, (一), (1), 一是
	size  int    // runes of the label and its separator
}

// otherNumberings read a paragraph's opening label, each in one style.
var otherNumberings = []struct {
	kind policy.SectionKind
	read func(r []rune) (n int, label string, size int, ok bool)
}{
	{policy.SectionTop, func(r []rune) (int, string, int, bool) { // 1. 1、 1．
		j := 0
		for j < len(r) && j < 2 && r[j] >= '0' && r[j] <= '9' {
			j++
		}
		if j == 0 || j >= len(r) || !strings.ContainsRune(".\u3001\uff0e", r[j]) || j+1 < len(r) && isDigit(r[j+1]) {
			return 0, "", 0, false
		}
		n, _ := strconv.Atoi(string(r[:j]))
		return n, string(r[:j]), j + 1, n > 0
	}},
	{policy.SectionItem, func(r []rune) (int, string, int, bool) { // (一) (1)
		if n, label, size, ok := itemAt(r, 0); ok {
			return n, label, size, true
		}
		if len(r) < 3 || r[0] != '(' && r[0] != '\uff08' {
			return 0, "", 0, false
		}
		j := 1
		for j < len(r) && j < 3 && r[j] >= '0' && r[j] <= '9' {
			j++
		}
		if j == 1 || j >= len(r) || r[j] != ')' && r[j] != '\uff09' {
			return 0, "", 0, false
		}
		n, _ := strconv.Atoi(string(r[1:j]))
		return n, string(r[:j+1]), j + 1, n > 0
	}},
	{policy.SectionPoint, func(r []rune) (int, string, int, bool) { // 一是
		j := 0
		for j < len(r) && j < 3 && strings.ContainsRune(numeralChars, r[j]) {
			j++
		}
		if j == 0 || j >= len(r) || r[j] != '是' {
			return 0, "", 0, false
		}
		n, ok := cnNumber(string(r[:j]))
		return n, string(r[:j+1]), j + 1, ok
	}},
}

// readOtherNumbering reads the top level of a reply that has no 一、
// sections but numbers its paragraphs another way (1., (一), 一是): at
// least two paragraphs opening with labels of one style that count 1, 2, …
// without a gap. Labels inside a paragraph do not count.
func (d *Document) readOtherNumbering() {
	stop := len(d.Paragraphs)
	if d.Closing != nil {
		stop = d.Closing.Paragraph - 1
		if d.Closing.Offset > 0 {
			stop++
		}
	}
	var best []otherLabel
	var kind policy.SectionKind
	for _, style := range otherNumberings {
		var found []otherLabel
		ok := true
		for i, p := range d.Paragraphs[:stop] {
			if p.Role != policy.RoleBody && p.Role != policy.RoleOpening {
				continue
			}
			r := []rune(p.Text)
			n, label, size, read := style.read(r)
			if !read {
				continue
			}
			if n != len(found)+1 || strings.TrimFunc(titleFrom(r, size), isSpace) == "" {
				ok = false
				break
			}
			found = append(found, otherLabel{i, n, label, size})
		}
		if ok && len(found) >= 2 && (best == nil || found[0].para < best[0].para) {
			best, kind = found, style.kind
		}
	}
	if best == nil {
		return
	}
	var flat []*Section
	for _, l := range best {
		p := d.Paragraphs[l.para]
		s := &Section{Kind: kind, Label: l.label, Title: strings.TrimFunc(titleFrom([]rune(p.Text), l.size), isSpace),
			Anchor: "s" + strconv.Itoa(l.n), Start: Point{p.Seq, 0}, Line: p.Line, Children: []*Section{}, depth: 1}
		d.Sections = append(d.Sections, s)
		flat = append(flat, s)
	}
	d.closeSections(flat)
}

// sectionTree is the tree a document is pinned to: its sections, or, when
// the text numbers none, one section 正文 from the first paragraph after
// the salutation to the closing (or the end of the body).
func (d *Document) sectionTree() []*Section {
	if len(d.Sections) > 0 {
		return d.Sections
	}
	var first, last *Paragraph
	for i := range d.Paragraphs {
		p := &d.Paragraphs[i]
		if p.Role == policy.RoleOpening || p.Role == policy.RoleBody || p.Role == policy.RoleHeading {
			if first == nil {
				first = p
			}
			last = p
		}
	}
	if first == nil {
		return []*Section{}
	}
	start := Point{first.Seq, 0}
	end := Point{last.Seq, utf8.RuneCountInString(last.Text)}
	if c := d.Closing; c != nil && start.before(*c) {
		end = *c
		if end.Offset == 0 {
			prev := d.Paragraphs[end.Paragraph-2]
			end = Point{prev.Seq, utf8.RuneCountInString(prev.Text)}
		}
	}
	return []*Section{{Kind: policy.SectionTop, Label: "", Title: "正文", Anchor: BodyAnchor, Start: start, End: end,
		Line: first.Line, Children: []*Section{}, depth: 1}}
}
