package importer

import (
	"cmp"
	"math/big"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/guizhou-portal/portal/internal/policy"
)

// figureUnit is how a unit as written turns into the portal's base unit.
type figureUnit struct {
	kind     policy.FigureKind
	baseUnit string
	factor   int64
}

var figureUnits = map[string]figureUnit{
	"亿元":   {policy.FigureMoney, "yuan", 100000000},
	"万元":   {policy.FigureMoney, "yuan", 10000},
	"元":    {policy.FigureMoney, "yuan", 1},
	"万吨/年": {policy.FigureCapacity, "tonne_per_year", 10000},
	"吨/年":  {policy.FigureCapacity, "tonne_per_year", 1},
	"个":    {policy.FigureCount, "item", 1},
	"家":    {policy.FigureCount, "item", 1},
	"种":    {policy.FigureCount, "item", 1},
	"人":    {policy.FigureCount, "person", 1},
	"%":    {FigureShare, "percent", 1},
}

var (
	// numberFigure is a number and its unit: 39932.82万元, 2.5万吨/年, 51个,
	// 50余家, 12%; and 3个5年, which counts five-year periods.
	numberFigure = regexp.MustCompile(`(\d+(?:\.\d+)?)(余|多)?(亿元|万元|元|万吨[/／]年|吨[/／]年|个|家|种|人|[%％])(\d+年)?`)
	// ratingFigure is a letter grade such as the C级 of a safety rating.
	ratingFigure = regexp.MustCompile(`([A-Da-d])级`)
	// scaleFigure is an order of magnitude: 千亿级.
	scaleFigure = regexp.MustCompile(`([十百千万])亿级`)
	// moreThan precedes a figure that is a lower bound; 以上 after it does too.
	// It is matched against the few bytes before the figure only, as $ alone
	// would scan the whole paragraph for every figure.
	moreThan = regexp.MustCompile(`(突破|超过|超|逾)$`)
)

// figureRoles are the paragraphs whose figures count: not the date, the
// contact line's phone number, or the signature.
func figureParagraph(p Paragraph) bool {
	return p.Role == policy.RoleBody || p.Role == policy.RoleHeading || p.Role == policy.RoleOpening
}

// extractFigures finds every quantity in the body. Years, dates, phone
// numbers and ordinals are not figures.
func extractFigures(d *Document) []Figure {
	out := []Figure{}
	for _, p := range d.Paragraphs {
		if !figureParagraph(p) {
			continue
		}
		text := p.Text
		sp := &spanner{p: p}
		for _, m := range numberFigure.FindAllStringSubmatchIndex(text, -1) {
			if m[0] > 0 {
				if c, _ := utf8.DecodeLastRuneInString(text[:m[0]]); c == '.' || c == '-' || (c >= '0' && c <= '9') || (c >= 'A' && c <= 'z') {
					continue
				}
			}
			value, unit := text[m[2]:m[3]], strings.NewReplacer("／", "/", "％", "%").Replace(text[m[6]:m[7]])
			u := figureUnits[unit]
			f := Figure{Span: sp.span(m[0], m[1]), Kind: u.kind, Value: value, Unit: unit,
				BaseValue: scale(value, u.factor), BaseUnit: u.baseUnit, Qualifier: "exact"}
			if m[4] >= 0 || moreThan.MatchString(strings.TrimSuffix(text[max(0, m[0]-12):m[0]], "了")) || strings.HasPrefix(text[m[1]:], "以上") {
				f.Qualifier = "more_than"
			}
			if m[8] >= 0 && unit != "个" {
				f.Span = sp.span(m[0], m[8]) // 年 after anything but 个 is a time, not part of the figure
			}
			out = append(out, f)
		}
		for _, m := range ratingFigure.FindAllStringSubmatchIndex(text, -1) {
			if m[0] > 0 {
				if c, _ := utf8.DecodeLastRuneInString(text[:m[0]]); c < 0x80 && (c >= '0' && c <= '9' || c >= 'A' && c <= 'z') {
					continue
				}
			}
			grade := strings.ToUpper(text[m[2]:m[3]])
			level := string(rune('1' + grade[0] - 'A'))
			out = append(out, Figure{Span: sp.span(m[0], m[1]), Kind: policy.FigureRating, Value: level, Unit: "级",
				BaseValue: level, BaseUnit: "level", Qualifier: "exact"})
		}
		for _, m := range scaleFigure.FindAllStringSubmatchIndex(text, -1) {
			value := map[string]string{"十": "10", "百": "100", "千": "1000", "万": "10000"}[text[m[2]:m[3]]]
			out = append(out, Figure{Span: sp.span(m[0], m[1]), Kind: policy.FigureMoney, Value: value, Unit: "亿元",
				BaseValue: scale(value, 100000000), BaseUnit: "yuan", Qualifier: "order_of"})
		}
	}
	sortSpans(out, func(f Figure) Span { return f.Span })
	return out
}

// scale multiplies a decimal as written by factor, exactly.
func scale(value string, factor int64) string {
	v, ok := new(big.Rat).SetString(value)
	if !ok {
		return value
	}
	v.Mul(v, new(big.Rat).SetInt64(factor))
	if v.IsInt() {
		return v.Num().String()
	}
	s := v.FloatString(10)
	return strings.TrimRight(strings.TrimRight(s, "0"), ".")
}

// spanner turns byte offsets of one paragraph into spans in code points.
// Offsets asked for in increasing order cost one pass over the text in all,
// so a paragraph full of figures stays linear.
type spanner struct {
	p          Paragraph
	byte, rune int // the last offset converted
}

func (s *spanner) runeAt(b int) int {
	if b < s.byte {
		s.byte, s.rune = 0, 0
	}
	s.rune += utf8.RuneCountInString(s.p.Text[s.byte:b])
	s.byte = b
	return s.rune
}

// span is the quote between byte offsets lo and hi.
func (s *spanner) span(lo, hi int) Span {
	start := s.runeAt(lo)
	return Span{Paragraph: s.p.Seq, Start: start, End: start + utf8.RuneCountInString(s.p.Text[lo:hi]), Quote: s.p.Text[lo:hi]}
}

func sortSpans[T any](s []T, key func(T) Span) {
	slices.SortStableFunc(s, func(a, b T) int {
		x, y := key(a), key(b)
		return cmp.Or(cmp.Compare(x.Paragraph, y.Paragraph), cmp.Compare(x.Start, y.Start))
	})
}

var citationPattern = regexp.MustCompile(`《([^《》\n]{1,200})》`)

// extractCitations finds every title in 《》. Space around a title is not
// part of it, and 《 》 with nothing else in it names no document.
func extractCitations(d *Document) []Citation {
	out := []Citation{}
	for _, p := range d.Paragraphs {
		sp := &spanner{p: p}
		for _, m := range citationPattern.FindAllStringSubmatchIndex(p.Text, -1) {
			title := strings.TrimFunc(p.Text[m[2]:m[3]], isSpace)
			if title == "" {
				continue
			}
			out = append(out, Citation{Span: sp.span(m[0], m[1]), Title: title})
		}
	}
	return out
}

// markers make a sentence a candidate commitment, in the order they are
// tried, with the status each supports. 力争 anywhere makes a candidate
// aspirational.
var markers = []struct {
	word     string
	status   policy.Status
	strength policy.Strength
}{
	{"下一步", policy.StatusPlanned, policy.StrengthDefinite},
	{"近期", policy.StatusPlanned, policy.StrengthDefinite},
	{"正在", policy.StatusInProgress, policy.StrengthDefinite},
	{"力争", policy.StatusPlanned, policy.StrengthAspirational},
	{"拟", policy.StatusPlanned, policy.StrengthDefinite},
	{"将", policy.StatusPlanned, policy.StrengthDefinite},
	{"已", policy.StatusCompleted, policy.StrengthDefinite},
	// Beyond the list, the words the seed's own reading took as
	// support: 正 (as in 正有序开展), and verbs of things done.
	{"正", policy.StatusInProgress, policy.StrengthDefinite},
	{"完成", policy.StatusCompleted, policy.StrengthDefinite},
	{"成功", policy.StatusCompleted, policy.StrengthDefinite},
	{"印发", policy.StatusCompleted, policy.StrengthDefinite},
	{"修订", policy.StatusCompleted, policy.StrengthDefinite},
}

// notMarkers are words that contain a marker without meaning it.
var notMarkers = strings.NewReplacer("不得已", "", "而已", "", "已知", "", "将军", "", "将近", "", "拟人", "",
	"正极", "", "正式", "", "真正", "", "正常", "", "公正", "", "纠正", "", "修正", "", "正面", "", "正确", "")

// prepositionalJiang is 将 used as 把: 将…纳入, 将…列入, 将…作为.
var prepositionalJiang = regexp.MustCompile(`将[^,\x{FF0C}。;\x{FF1B}]{1,30}(纳入|列入|列为|作为|视为|转化为)`)

// extractCandidates proposes every sentence of the sections (or of the body,
// where there are none) that says something was done, is under way or will
// be done. The closing's courtesies are left out.
func extractCandidates(d *Document) []Candidate {
	out := []Candidate{}
	for _, p := range d.Paragraphs {
		if p.Role != policy.RoleBody {
			continue
		}
		r := []rune(p.Text)
		limit := len(r)
		if d.Closing != nil && d.Closing.Paragraph == p.Seq {
			limit = d.Closing.Offset
		} else if d.Closing != nil && p.Seq > d.Closing.Paragraph {
			continue
		}
		start := 0
		for i := 0; i < limit; i++ {
			if !strings.ContainsRune("。;\uff1b!\uff01?\uff1f", r[i]) && i != limit-1 {
				continue
			}
			lo, hi := start, i+1
			start = i + 1
			for lo < hi && isSpace(r[lo]) {
				lo++
			}
			// A sub-item's label and title are a heading, not part of the sentence.
			if n, _, size, ok := itemAt(r, lo); ok && n > 0 {
				if t := titleFrom(r, lo+size); lo+size+utf8.RuneCountInString(t) < hi && r[lo+size+utf8.RuneCountInString(t)] == '。' {
					continue
				}
			}
			sentence := string(r[lo:hi])
			plain := notMarkers.Replace(sentence)
			for _, m := range markers {
				if !strings.Contains(plain, m.word) {
					continue
				}
				c := Candidate{Span: Span{p.Seq, lo, hi, sentence}, Section: d.sectionAt(p.Seq, lo, hi), Marker: m.word,
					Status: m.status, Strength: m.strength}
				if strings.Contains(plain, "力争") {
					c.Strength = policy.StrengthAspirational // 正在加快进度，力争… is under way and hoped for
				}
				if m.word == "将" && prepositionalJiang.MatchString(plain) && strings.Count(plain, "将") == 1 {
					c.Note = "这里的“将”可能是“把”的意思,不表示将来。"
				}
				out = append(out, c)
				break
			}
		}
	}
	return out
}

// sectionAt is the anchor of the deepest section holding the span, or "".
func (d *Document) sectionAt(seq, start, end int) string {
	anchor := ""
	var walk func([]*Section)
	walk = func(ss []*Section) {
		for _, s := range ss {
			in := !(Point{seq, start}).before(s.Start) && !s.End.before(Point{seq, end})
			if in {
				anchor = s.Anchor
				walk(s.Children)
			}
		}
	}
	walk(d.Tree)
	return anchor
}

func (p Point) before(q Point) bool {
	return p.Paragraph < q.Paragraph || (p.Paragraph == q.Paragraph && p.Offset < q.Offset)
}
