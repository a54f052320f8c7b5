package importer

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/guizhou-portal/portal/internal/policy"
)

// topStart is a numbered section 一、 at the start of a paragraph.
type topStart struct {
	n       int
	label   string // 一
	sep     string // what follows the numeral as written: 、 or a dot
	title   string
	heading bool // the paragraph is the heading alone, not heading and text
}

// topSeparators may follow a section's numeral: 一、 as most replies write
// it, and 一 with the full-width dot (U+FF0E) or the ASCII 一. that some
// sites write instead. They are read alike, and a section's label is the numeral alone.
const topSeparators = "\u3001\uff0e."

// maxHeading is how long a paragraph that is a heading alone may be.
const maxHeading = 60

// topHeading reads a paragraph that begins a numbered section, or returns nil.
func topHeading(s string) *topStart {
	i := strings.IndexFunc(s, func(r rune) bool { return !strings.ContainsRune(numeralChars, r) })
	if i <= 0 || utf8.RuneCountInString(s[:i]) > 3 {
		return nil
	}
	label := s[:i]
	sep, size := utf8.DecodeRuneInString(s[i:])
	if !strings.ContainsRune(topSeparators, sep) {
		return nil
	}
	rest := s[i+size:]
	if c, _ := utf8.DecodeRuneInString(rest); sep != '\u3001' && isDigit(c) {
		return nil // 一.5倍 is a number, not a section
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
	if heading && utf8.RuneCountInString(rest) > maxHeading {
		if !strings.HasSuffix(rest, "。") {
			return nil // a long first sentence that happens to start with 一、 is not a heading
		}
		// A heading run on into the one sentence of its paragraph (一、边角地
		// 孤岛地问题离隰高速…限期落实。): heading and text, as where more follows.
		heading = false
	}
	return &topStart{n, label, string(sep), title, heading}
}

// isDigit reports whether r is an ASCII or a full-width digit.
func isDigit(r rune) bool { return '0' <= r && r <= '9' || '\uff10' <= r && r <= '\uff19' }

// numberAt reads a Chinese numeral of up to three characters at r[i], and its
// length. Digits are not read: 1. and (1) number the levels below (一), so
// a paragraph 2. inside section 一 is not section 二 written another way.
func numberAt(r []rune, i int) (n, size int, ok bool) {
	j := i
	for j < len(r) && j-i < 3 && strings.ContainsRune(numeralChars, r[j]) {
		j++
	}
	n, ok = cnNumber(string(r[i:j]))
	return n, j - i, ok
}

// numberedLike reads how a paragraph that was not taken for a section begins
// when it begins with section number want written some other way (一: 二)
// …), or as a heading too long to be one. It returns the numeral and what
// follows it, as written.
func numberedLike(s string, want int) (prefix string, ok bool) {
	r := []rune(s[:min(len(s), 16)]) // the label is at most a few characters
	n, size, ok := numberAt(r, 0)
	if !ok || n != want || size >= len(r) {
		return "", false
	}
	c := r[size]
	if !unicode.IsPunct(c) && !isSpace(c) || (c == '.' || c == '\uff0e') && size+1 < len(r) && isDigit(r[size+1]) {
		return "", false // 一是, 一方面, 一.5
	}
	return string(r[:size+1]), true
}

// misnumberedTop looks in paras, the paragraphs before the section heading
// h that does not continue the numbering, for the first one that is section
// want written in a way the parser did not take, and refuses the file there;
// else it refuses the file at h.
func misnumberedTop(paras []Paragraph, want int, h *topStart, line int) error {
	for _, p := range paras {
		if p.Role == policy.RoleOpening || p.Role == policy.RoleBody {
			if err := misnumberedAt(p, want, h.sep, fmt.Sprintf("否则第%d行的“%s%s”接不上", line, h.label, h.sep)); err != nil {
				return err
			}
		}
	}
	return errorAt(line, "章节编号不连续:这里是“%s%s”,应是“%s%s”。", h.label, h.sep, cnNumeral(want), h.sep)
}

// misnumberedAt refuses p if it begins with section number want written some
// other way than sep; why says what the right numbering would fit with
// (否则第6行的“三、”接不上).
func misnumberedAt(p Paragraph, want int, sep, why string) error {
	prefix, ok := numberedLike(p.Text, want)
	if !ok {
		return nil
	}
	if r := []rune(prefix); strings.ContainsRune(topSeparators, r[len(r)-1]) {
		// Written as a section is; only its length kept it from being one.
		return errorAt(p.Line, "这一行以“%s”开头,像是章节标题,但标题超过%d字又没有句号,没能识别为章节。请在标题后加句号,或把标题和正文分成两行。", prefix, maxHeading)
	}
	return errorAt(p.Line, "章节编号写法不一致:这一行以“%s”开头,应写作“%s%s”,%s。", prefix, cnNumeral(want), sep, why)
}

// misnumberedItem looks in paras, from the point from on, for sub-item want
// written so that it was not taken for one: inside a sentence, as 二), and
// refuses the file there; else it refuses the file at the sub-item
// label that does not continue the numbering.
func misnumberedItem(paras []Paragraph, from Point, want int, label string, line int) error {
	for _, p := range paras {
		if p.Seq < from.Paragraph || (p.Role != policy.RoleBody && p.Role != policy.RoleHeading) {
			continue
		}
		r := []rune(p.Text)
		start := 0
		if p.Seq == from.Paragraph {
			start = from.Offset + 1
		}
		for i := start; i < len(r); i++ {
			if n, l, _, ok := itemAt(r, i); ok && n == want {
				return errorAt(p.Line, "小标题“%s”不在段首或句号之后,没能识别为小标题,第%d行的“%s”因此接不上。", l, line, label)
			}
			if written := itemLike(r, want); i == 0 && written != "" {
				return errorAt(p.Line, "小标题编号写法不一致:这里的“%s”应写作“(%s)”,否则第%d行的“%s”接不上。", written, cnNumeral(want), line, label)
			}
		}
	}
	return errorAt(line, "小标题编号不连续:这里是“%s”,应是“(%s)”。", label, cnNumeral(want))
}

// itemLike reads sub-item number want at the start of r written some other
// way than (二): 二), or (二 followed by other punctuation. It returns the
// label as written, or "".
func itemLike(r []rune, want int) string {
	i := 0
	open := len(r) > 0 && (r[0] == '(' || r[0] == '\uff08')
	if open {
		i++
	}
	n, size, ok := numberAt(r, i)
	if !ok || n != want || i+size >= len(r) {
		return ""
	}
	c := r[i+size]
	if c == ')' || c == '\uff09' || open && (unicode.IsPunct(c) || isSpace(c)) {
		return string(r[:i+size+1])
	}
	return ""
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
// parenthesised numeral in running text is not taken for one; a 一是 label
// that cannot be read as part of any list is refused (see pointCheck).
func (d *Document) readSections() error {
	var flat []*Section
	d.Sections = []*Section{}
	var top, item *Section
	nextTop, nextItem, nextPoint := 1, 1, 1
	lastTop, sep := 0, "" // the paragraph of the last section heading, and how it numbers
	var lastItem Point    // where the last sub-item, or its section, begins
	var lastLabel Point   // where the last 一是 label read in the current list begins
	points := &pointCheck{d: d}
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
			if h.n > nextTop {
				return misnumberedTop(d.Paragraphs[lastTop:p.Seq-1], nextTop, h, p.Line)
			}
			if h.n != nextTop {
				return errorAt(p.Line, "章节编号不连续:这里是“%s%s”,应是“%s%s”。", h.label, h.sep, cnNumeral(nextTop), h.sep)
			}
			if strings.TrimFunc(h.title, isSpace) == "" {
				return errorAt(p.Line, "章节“%s%s”没有标题。", h.label, h.sep)
			}
			lastTop, sep = p.Seq, h.sep
			top = &Section{Kind: policy.SectionTop, Label: h.label, Title: h.title, Anchor: "s" + strconv.Itoa(h.n),
				Start: Point{p.Seq, 0}, Line: p.Line, Children: []*Section{}, depth: 1}
			d.Sections = append(d.Sections, top)
			flat = append(flat, top)
			item, nextTop, nextItem, nextPoint = nil, nextTop+1, 1, 1
			lastItem = top.Start
			from = utf8.RuneCountInString(h.label) + 1 // every separator is one character
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
					if i == 0 && n > nextItem {
						return misnumberedItem(d.Paragraphs[:p.Seq-1], lastItem, nextItem, label, p.Line)
					}
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
				lastItem = item.Start
				flat = append(flat, item)
				nextItem, nextPoint = nextItem+1, 1
				i += size - 1
				continue
			}
			if label, size, ok := pointAt(r, i, nextPoint); ok && titleFrom(r, i+size) != "" {
				addPoint(p, i, label, r, size)
				lastLabel = Point{p.Seq, i}
				i += size - 1
			} else if nextPoint > 1 {
				if err := points.check(p, r, i, nextPoint, &lastLabel); err != nil {
					return err
				}
			}
		}
	}
	// A section numbered some other way after the last one read is refused
	// like one before a heading that does not fit.
	if top != nil {
		for _, p := range d.Paragraphs[lastTop:] {
			if p.Seq > stop.Paragraph || (p.Seq == stop.Paragraph && stop.Offset == 0) {
				break
			}
			if p.Role == policy.RoleBody {
				if err := misnumberedAt(p, nextTop, sep, fmt.Sprintf("才能接在第%d行的“%s%s”之后", top.Line, top.Label, sep)); err != nil {
					return err
				}
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

// pointCheck refuses a 一是 list whose numbering goes wrong where that is
// unambiguous: a label N是 at the start of a sentence, after the list has
// begun, that neither continues it nor starts a second list (一是 with a 二是
// after it) nor continues a list written inside sentences (一是 after a
// comma, as in 具体来说,一是…。二是…). Left alone, such a label was read as
// text of the point before, so the points after it vanished and their
// commitments moved into it without anyone being told.
type pointCheck struct {
	d *Document
	// twoLater[k] is whether a paragraph after the k-th one, before the next
	// numbered section, has 二是; computed when first needed.
	twoLater []bool
	// para and lastTwo cache where the paragraph being read has its last 二是.
	para, lastTwo int
}

func (c *pointCheck) check(p Paragraph, r []rune, i, want int, last *Point) error {
	j := i
	for j < len(r) && j-i < 3 && strings.ContainsRune(numeralChars, r[j]) {
		j++
	}
	n, ok := cnNumber(string(r[i:j]))
	if !ok || n == want || j >= len(r) || r[j] != '是' || titleFrom(r, j+1) == "" {
		return nil
	}
	label := string(r[i : j+1])
	here := Point{p.Seq, i}
	if n == 1 {
		if c.secondLater(p, r, j+1) {
			*last = here // a second list in the same section, as before
			return nil
		}
		return errorAt(p.Line, "要点编号重复:这里又是“%s”,应是“%s是”。", label, cnNumeral(want))
	}
	if strings.Contains(c.d.textBetween(*last, here, r), cnNumeral(n-1)+"是") {
		*last = here // the list before it is written inside sentences
		return nil
	}
	if n < want {
		return errorAt(p.Line, "要点编号重复:这里又是“%s”,应是“%s是”。", label, cnNumeral(want))
	}
	return errorAt(p.Line, "要点编号不连续:这里是“%s”,前面没有“%s是”。如果写了,请让它在段首或句号之后。", label, cnNumeral(want))
}

// secondLater reports whether 二是 follows r[from:] in paragraph p or a later
// one before the next numbered section.
func (c *pointCheck) secondLater(p Paragraph, r []rune, from int) bool {
	if c.para != p.Seq {
		c.para, c.lastTwo = p.Seq, -1
		if k := strings.LastIndex(p.Text, "二是"); k >= 0 {
			c.lastTwo = utf8.RuneCountInString(p.Text[:k])
		}
	}
	if c.lastTwo >= from {
		return true
	}
	if c.twoLater == nil {
		ps := c.d.Paragraphs
		c.twoLater = make([]bool, len(ps))
		for k := len(ps) - 2; k >= 0; k-- {
			next := ps[k+1]
			c.twoLater[k] = topHeading(next.Text) == nil && (strings.Contains(next.Text, "二是") || c.twoLater[k+1])
		}
	}
	return c.twoLater[p.Seq-1]
}

// textBetween is the text from a up to b, which is in paragraph p with
// runes r; paragraphs are joined by a line break.
func (d *Document) textBetween(a, b Point, r []rune) string {
	if a.Paragraph == b.Paragraph {
		return string(r[min(a.Offset, b.Offset):b.Offset])
	}
	var sb strings.Builder
	for seq := a.Paragraph; seq < b.Paragraph; seq++ {
		text := d.Paragraphs[seq-1].Text
		if seq == a.Paragraph {
			text = string([]rune(text)[min(a.Offset, utf8.RuneCountInString(text)):])
		}
		sb.WriteString(text)
		sb.WriteByte('\n')
	}
	sb.WriteString(string(r[:b.Offset]))
	return sb.String()
}
