package importer

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/guizhou-portal/portal/internal/policy"
)

// topStart is a numbered section 一、 at the start of a paragraph.
type topStart struct {
	n       int
	label   string // 一
	title   string
	heading bool // the paragraph is the heading alone, not heading and text
}

// topHeading reads a paragraph that begins a numbered section, or returns nil.
func topHeading(s string) *topStart {
	label, rest, ok := strings.Cut(s, "、")
	if !ok || label == "" || utf8.RuneCountInString(label) > 3 || strings.Trim(label, numeralChars) != "" {
		return nil
	}
	n, ok := cnNumber(label)
	if !ok {
		return nil
	}
	title, heading := rest, true
	if i := strings.IndexAny(rest, "。;\uff1b"); i >= 0 && i+len("。") < len(rest) {
		title, heading = rest[:i], false
	}
	title = strings.TrimRight(title, "。;\uff1b")
	if heading && utf8.RuneCountInString(rest) > 60 {
		return nil // a long first sentence that happens to start with 一、 is not a heading
	}
	return &topStart{n, label, title, heading}
}

// sentenceEnds end the text before an inline sub-item or point.
const sentenceEnds = "。;\uff1b:\uff1a!\uff01?\uff1f"

// titleEnds end a sub-item's or point's title.
const titleEnds = "。;\uff1b:\uff1a!\uff01?\uff1f"

// itemAt reads a sub-item label (一) at r[i]: its number, the label as
// written, and its length.
func itemAt(r []rune, i int) (n int, label string, size int, ok bool) {
	if i >= len(r) || (r[i] != '(' && r[i] != '\uff08') {
		return 0, "", 0, false
	}
	j := i + 1
	for j < len(r) && j-i <= 4 && strings.ContainsRune(numeralChars, r[j]) {
		j++
	}
	if j == i+1 || j >= len(r) || (r[j] != ')' && r[j] != '\uff09') {
		return 0, "", 0, false
	}
	n, ok = cnNumber(string(r[i+1 : j]))
	return n, string(r[i : j+1]), j + 1 - i, ok
}

// pointAt reads a point label 一是 at r[i]. Where want > 1 the 是 may be
// missing, as in the seed's 三全力保障用地需求, provided what follows reads
// as a short title.
func pointAt(r []rune, i, want int) (label string, size int, ok bool) {
	j := i
	for j < len(r) && j-i < 3 && strings.ContainsRune(numeralChars, r[j]) {
		j++
	}
	if j == i {
		return "", 0, false
	}
	n, ok := cnNumber(string(r[i:j]))
	if !ok || n != want {
		return "", 0, false
	}
	if j < len(r) && r[j] == '是' {
		return string(r[i : j+1]), j + 1 - i, true
	}
	if want < 2 || j >= len(r) || strings.ContainsRune("是个级年月日项条家种名批类次大小方区县市省届期号点层=、,\uff0c.:\uff1a 0123456789十百千万亿", r[j]) {
		return "", 0, false
	}
	title := titleFrom(r, j)
	if t := utf8.RuneCountInString(title); t == 0 || t > 20 || j+t >= len(r) || r[j+t] != '。' {
		return "", 0, false
	}
	return string(r[i:j]), j - i, true
}

// maxTitle bounds how far a title is looked for, so that a paragraph of
// labels without punctuation cannot make parsing quadratic.
const maxTitle = 200

// titleFrom is the text from r[i] to the first title-ending punctuation, at
// most maxTitle characters.
func titleFrom(r []rune, i int) string {
	j := i
	for j < len(r) && j-i < maxTitle && !strings.ContainsRune(titleEnds, r[j]) {
		j++
	}
	return string(r[i:j])
}

// readSections finds the section tree in the paragraphs between the opening
// and the closing. Top sections and sub-items that begin a paragraph must be
// numbered in order; a gap is refused with the line. Sub-items and points
// inside a paragraph count only where they continue the numbering, so a
// parenthesised numeral in running text is not taken for one.
func (d *Document) readSections() error {
	var flat []*Section
	d.Sections = []*Section{}
	var top, item *Section
	nextTop, nextItem, nextPoint := 1, 1, 1
	stop := Point{Paragraph: 1 << 30}
	if d.Closing != nil {
		stop = *d.Closing
	}
	pointParent := func() *Section {
		if item != nil {
			return item
		}
		return top
	}
	addPoint := func(p Paragraph, i int, label string, r []rune, size int) {
		parent := pointParent()
		s := &Section{Kind: policy.SectionPoint, Label: label, Title: titleFrom(r, i+size),
			Start: Point{p.Seq, i}, Line: p.Line, Children: []*Section{}, depth: parent.depth + 1}
		s.Anchor = parent.Anchor + "-" + strconv.Itoa(nextPoint)
		parent.Children = append(parent.Children, s)
		flat = append(flat, s)
		nextPoint++
	}
	for _, p := range d.Paragraphs {
		if p.Role != policy.RoleHeading && p.Role != policy.RoleBody {
			continue
		}
		if p.Seq > stop.Paragraph || (p.Seq == stop.Paragraph && stop.Offset == 0) {
			break
		}
		r := []rune(p.Text)
		limit := len(r)
		if p.Seq == stop.Paragraph {
			limit = stop.Offset
		}
		from := 0
		if h := topHeading(p.Text); h != nil {
			if h.n != nextTop {
				return errorAt(p.Line, "章节编号不连续:这里是“%s、”,应是“%s、”。", h.label, cnNumeral(nextTop))
			}
			if strings.TrimFunc(h.title, isSpace) == "" {
				return errorAt(p.Line, "章节“%s、”没有标题。", h.label)
			}
			top = &Section{Kind: policy.SectionTop, Label: h.label, Title: h.title, Anchor: "s" + strconv.Itoa(h.n),
				Start: Point{p.Seq, 0}, Line: p.Line, Children: []*Section{}, depth: 1}
			d.Sections = append(d.Sections, top)
			flat = append(flat, top)
			item, nextTop, nextItem, nextPoint = nil, nextTop+1, 1, 1
			from = utf8.RuneCountInString(h.label) + 1
		}
		if top == nil {
			continue // the opening, before any section
		}
		for i := from; i < limit; i++ {
			if i > 0 && !strings.ContainsRune(sentenceEnds, r[i-1]) {
				continue
			}
			if n, label, size, ok := itemAt(r, i); ok {
				if n != nextItem {
					if i == 0 {
						return errorAt(p.Line, "小标题编号不连续:这里是“%s”,应是“(%s)”。", label, cnNumeral(nextItem))
					}
					continue
				}
				title := titleFrom(r, i+size)
				if title == "" {
					return errorAt(p.Line, "小标题“%s”没有标题文字。", label)
				}
				item = &Section{Kind: policy.SectionItem, Label: label, Title: title,
					Anchor: top.Anchor + "-" + strconv.Itoa(n), Start: Point{p.Seq, i}, Line: p.Line, Children: []*Section{}, depth: 2}
				top.Children = append(top.Children, item)
				flat = append(flat, item)
				nextItem, nextPoint = nextItem+1, 1
				i += size - 1
				continue
			}
			if label, size, ok := pointAt(r, i, nextPoint); ok && titleFrom(r, i+size) != "" {
				addPoint(p, i, label, r, size)
				i += size - 1
			}
		}
	}
	// Points straight under a section that also has sub-items would share
	// their anchors (s1-1); they take s1-p1 instead.
	for _, top := range d.Sections {
		mixed := map[policy.SectionKind]bool{}
		for _, c := range top.Children {
			mixed[c.Kind] = true
		}
		if mixed[policy.SectionItem] && mixed[policy.SectionPoint] {
			k := 0
			for _, c := range top.Children {
				if c.Kind == policy.SectionPoint {
					k++
					c.Anchor = top.Anchor + "-p" + strconv.Itoa(k)
				}
			}
		}
	}
	d.closeSections(flat)
	return nil
}

// closeSections sets where each section ends: where the next section of the
// same or a higher level begins, or where the closing or the last body
// paragraph ends. An end at the very start of a paragraph is moved to the end
// of the paragraph before, so that no section covers an empty stretch.
func (d *Document) closeSections(flat []*Section) {
	if len(flat) == 0 {
		return
	}
	var last Point
	for _, p := range d.Paragraphs {
		if p.Role == policy.RoleBody || p.Role == policy.RoleHeading {
			last = Point{p.Seq, utf8.RuneCountInString(p.Text)}
		}
	}
	if d.Closing != nil {
		last = *d.Closing
	}
	end := func(s *Section, at Point) {
		if at.Offset == 0 && at.Paragraph > 1 {
			prev := d.Paragraphs[at.Paragraph-2]
			at = Point{prev.Seq, utf8.RuneCountInString(prev.Text)}
		}
		s.End = at
	}
	var open []*Section // the sections not yet ended, outermost first
	for _, s := range flat {
		for len(open) > 0 && open[len(open)-1].depth >= s.depth {
			end(open[len(open)-1], s.Start)
			open = open[:len(open)-1]
		}
		open = append(open, s)
	}
	for _, s := range open {
		end(s, last)
	}
}
