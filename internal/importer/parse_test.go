package importer_test

import (
	"errors"
	"os"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/guizhou-portal/portal/internal/importer"
	"github.com/guizhou-portal/portal/internal/policy"
)

// Fullwidth punctuation, which most published replies use; the seed's copy
// happens to have ASCII.
const (
	lp    = "\uff08" // （
	rp    = "\uff09" // ）
	colon = "\uff1a" // ：
	semi  = "\uff1b" // ；
	comma = "\uff0c" // ，
)

// checkInvariants holds for every document Parse accepts: paragraphs are
// numbered from 1 and are single non-blank lines; every span and section lies
// inside the text and quotes it exactly; children lie inside their parents.
func checkInvariants(t testing.TB, d *importer.Document) {
	t.Helper()
	if d.Title == "" || len(d.Paragraphs) == 0 {
		t.Fatalf("accepted without a title or paragraphs: %+v", d)
	}
	lengths := map[int]int{}
	texts := map[int][]rune{}
	for i, p := range d.Paragraphs {
		if p.Seq != i+1 || p.Text == "" || strings.ContainsAny(p.Text, "\n\r") || p.Text != strings.TrimSpace(p.Text) || p.Line < 1 {
			t.Fatalf("paragraph %d: %+v", i+1, p)
		}
		texts[p.Seq] = []rune(p.Text)
		lengths[p.Seq] = len(texts[p.Seq])
	}
	checkSpan := func(what string, s importer.Span) {
		r, ok := texts[s.Paragraph]
		if !ok || s.Start < 0 || s.End > len(r) || s.Start >= s.End || string(r[s.Start:s.End]) != s.Quote {
			t.Fatalf("%s %+v is not a span of its paragraph", what, s)
		}
	}
	for _, f := range d.Figures {
		checkSpan("figure", f.Span)
		if f.Kind == "" || f.BaseUnit == "" || f.BaseValue == "" {
			t.Fatalf("figure %+v lacks its normalisation", f)
		}
	}
	for _, c := range d.Citations {
		checkSpan("citation", c.Span)
		if c.Title == "" || strings.TrimFunc(c.Title, isSpace) != c.Title {
			t.Fatalf("citation %+v has no title, or one padded with space", c)
		}
	}
	for _, c := range d.Candidates {
		checkSpan("candidate", c.Span)
		if !c.Status.Valid() || !c.Strength.Valid() {
			t.Fatalf("candidate %+v", c)
		}
	}
	inside := func(p importer.Point) bool {
		n, ok := lengths[p.Paragraph]
		return ok && p.Offset >= 0 && p.Offset <= n
	}
	before := func(a, b importer.Point) bool {
		return a.Paragraph < b.Paragraph || (a.Paragraph == b.Paragraph && a.Offset < b.Offset)
	}
	anchors := map[string]bool{}
	var walk func(parent *importer.Section, ss []*importer.Section)
	walk = func(parent *importer.Section, ss []*importer.Section) {
		for _, s := range ss {
			if !inside(s.Start) || !inside(s.End) || !before(s.Start, s.End) || s.Title == "" || s.Label == "" || anchors[s.Anchor] ||
				!policy.ValidAnchor(s.Anchor) {
				t.Fatalf("section %+v", s)
			}
			anchors[s.Anchor] = true
			if parent != nil && (before(s.Start, parent.Start) || before(parent.End, s.End)) {
				t.Fatalf("section %s lies outside its parent %s", s.Anchor, parent.Anchor)
			}
			walk(s, s.Children)
		}
	}
	walk(nil, d.Sections)
	if d.Closing != nil && !inside(*d.Closing) {
		t.Fatalf("closing %+v", d.Closing)
	}
}

func parse(t *testing.T, src string) *importer.Document {
	t.Helper()
	d, err := importer.Parse([]byte(src))
	if err != nil {
		t.Fatalf("%v\n%s", err, src)
	}
	checkInvariants(t, d)
	return d
}

func roles(d *importer.Document) string {
	var out []string
	for _, p := range d.Paragraphs {
		out = append(out, string(p.Role))
	}
	return strings.Join(out, " ")
}

func anchors(ss []*importer.Section) string {
	var out []string
	var walk func([]*importer.Section)
	walk = func(ss []*importer.Section) {
		for _, s := range ss {
			out = append(out, s.Anchor+"="+s.Label+s.Title)
			walk(s.Children)
		}
	}
	walk(ss)
	return strings.Join(out, " ")
}

// variantReply is a reply as another site might publish it: fullwidth
// punctuation, the header variants, inline sub-items with 一是 points inside
// them, a date in Chinese numerals, 抄送, and other furniture.
var variantReply = strings.Join([]string{
	"【打印本页】【关闭窗口】",
	"索引号" + colon + "11520000/2024-00123　　主题分类" + colon + "工业、交通",
	"发文日期" + colon + "2024年3月5日　　发布日期" + colon + "2024-03-08",
	"发布机构" + colon + "贵州省能源局　　公开方式" + colon + "主动公开",
	"签发人" + colon + "张某　　类别" + colon + "提案答复",
	"",
	"关于省政协十三届二次会议第88号提案的答复",
	"黔能源提复字〔2024〕12号",
	"　　王某某委员" + colon,
	"　　您提出的《关于加快储能产业发展的提案》收悉。现答复如下" + colon,
	"　　一、总体情况",
	"　　近年来，我省储能产业快速发展，全省已建成储能项目12个，总投资超过30亿元。" + lp + "一" + rp + "规划引领。已印发《贵州省新型储能发展规划》。" +
		lp + "二" + rp + "项目建设。一是加快项目落地。将新增50余家企业。二是强化要素保障。正在协调用地指标，力争年内开工。",
	"　　二、下一步工作",
	"　　下一步，我局将会同有关部门，推动储能装机占比提高到12.5%。",
	"　　感谢您对能源工作的关心和支持。",
	"",
	"贵州省能源局",
	"二〇二四年三月五日",
	lp + "此件主动公开" + rp,
	lp + "联系人" + colon + "李四" + semi + "联系电话" + colon + "0851-85555555" + rp,
	"抄送" + colon + "省政协提案委员会" + comma + "省政府办公厅。",
	"上一篇" + colon + "关于……的答复",
	"扫一扫在手机打开当前页",
}, "\n")

func TestParseReadsAnotherSitesReply(t *testing.T) {
	d := parse(t, variantReply)
	m := d.Meta
	for _, c := range []struct{ what, got, want string }{
		{"title", d.Title, "关于省政协十三届二次会议第88号提案的答复"},
		{"文号 under the title", m.DocNumber, "黔能源提复字〔2024〕12号"},
		{"索引号", m.IndexNumber, "11520000/2024-00123"},
		{"主题分类", m.Subject, "工业、交通"},
		{"发文日期", m.IssuedOn, "2024-03-05"},
		{"发布日期", m.PublishedOn, "2024-03-08"},
		{"发布机构", m.Issuer, "贵州省能源局"},
		{"公开方式", m.DisclosureMethod, "主动公开"},
		{"签发人", m.Signer, "张某"},
		{"类别", m.Category, "提案答复"},
		{"addressee", d.Addressee, "王某某委员"},
		{"signing body", m.SigningBody, "贵州省能源局"},
		{"date in Chinese numerals", m.SignedOn, "2024-03-05"},
		{"disclosure", m.Disclosure, "此件主动公开"},
		{"contact", m.ContactPerson + " " + m.ContactPhone, "李四 0851-85555555"},
		{"抄送", strings.Join(m.CC, "|"), "省政协提案委员会|省政府办公厅"},
		{"roles", roles(d), "salutation opening heading body heading body body signature date disclosure contact"},
		{"sections", anchors(d.Sections), "s1=一总体情况 s1-1=" + lp + "一" + rp + "规划引领 s1-2=" + lp + "二" + rp + "项目建设 " +
			"s1-2-1=一是加快项目落地 s1-2-2=二是强化要素保障 s2=二下一步工作"},
	} {
		if c.got != c.want {
			t.Errorf("%s: got %q, want %q", c.what, c.got, c.want)
		}
	}
	if d.Closing == nil || d.Closing.Paragraph != 7 || d.Closing.Offset != 0 {
		t.Errorf("closing %+v, want the start of paragraph 7", d.Closing)
	}
	if s2 := d.Sections[1]; s2.End != (importer.Point{Paragraph: 6, Offset: utf8.RuneCountInString(d.Paragraphs[5].Text)}) {
		t.Errorf("section 二 ends at %+v, want the end of paragraph 6, before the closing", s2.End)
	}
	var figs []string
	for _, f := range d.Figures {
		figs = append(figs, f.Quote+"="+f.BaseValue+f.BaseUnit+"/"+f.Qualifier)
	}
	if got, want := strings.Join(figs, " "), "12个=12item/exact 30亿元=3000000000yuan/more_than 50余家=50item/more_than 12.5%=12.5percent/exact"; got != want {
		t.Errorf("figures %s\nwant %s", got, want)
	}
	var cands []string
	for _, c := range d.Candidates {
		cands = append(cands, c.Marker+"@"+c.Section)
	}
	if got, want := strings.Join(cands, " "), "已@s1 已@s1-1 将@s1-2-1 正在@s1-2-2 下一步@s2"; got != want {
		t.Errorf("candidates %s\nwant %s", got, want)
	}
	if len(d.Citations) != 2 || d.Citations[1].Title != "贵州省新型储能发展规划" {
		t.Errorf("citations %+v", d.Citations)
	}
}

func TestParseWithoutHeaderOrSignature(t *testing.T) {
	d := parse(t, "关于某事的答复\n张三代表:\n你提出的建议收悉。\n一、关于资金\n已安排资金100万元。\n2023年6月28日\n")
	if d.Title != "关于某事的答复" || d.Meta.SigningBody != "" || d.Meta.SignedOn != "2023-06-28" || len(d.Header) != 0 ||
		roles(d) != "salutation opening heading body date" {
		t.Errorf("title %q, signer %q, signed %q, header %v, roles %s", d.Title, d.Meta.SigningBody, d.Meta.SignedOn, d.Header, roles(d))
	}
	// Neither a date nor a signature: the last paragraph is body.
	d = parse(t, "答复\n各位:\n收悉。\n我们将研究。\n")
	if roles(d) != "salutation opening body" || d.Meta.SignedOn != "" {
		t.Errorf("roles %s", roles(d))
	}
	// A body that signs without a date is recognised by its name.
	d = parse(t, "答复\n各位:\n收悉。\n我们将研究。\n贵州省科学技术厅\n")
	if roles(d) != "salutation opening body signature" || d.Meta.SigningBody != "贵州省科学技术厅" {
		t.Errorf("roles %s, signer %q", roles(d), d.Meta.SigningBody)
	}
	// A title broken over two lines is joined again.
	d = parse(t, "省工业和信息化厅关于省政协十三届一次会议\n第1019号提案的答复\n张三代表:\n收悉。\n")
	if d.Title != "省工业和信息化厅关于省政协十三届一次会议第1019号提案的答复" || d.Addressee != "张三代表" {
		t.Errorf("two-line title %q, addressee %q", d.Title, d.Addressee)
	}
	// No title line: the header's 名称 stands in.
	d = parse(t, "名称: 关于某事的答复\n张三代表:\n收悉。\n")
	if d.Title != "关于某事的答复" {
		t.Errorf("title %q", d.Title)
	}
}

func TestParseReadsChineseNumeralDates(t *testing.T) {
	for date, want := range map[string]string{
		"二〇二三年六月二十八日": "2023-06-28", "二○二四年十二月一日": "2024-12-01", "二零二五年十月十日": "2025-10-10",
		"2023年6月8日": "2023-06-08", "2023 年 06 月 28 日": "2023-06-28",
	} {
		d := parse(t, "答复\n各位:\n收悉。\n某某厅\n"+date+"\n")
		if d.Meta.SignedOn != want || d.Meta.SigningBody != "某某厅" {
			t.Errorf("%s: signed on %q by %q, want %s", date, d.Meta.SignedOn, d.Meta.SigningBody, want)
		}
	}
}

func TestParseRefusesWhatItCannotRead(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		line      int
		says      string
	}{
		{"empty", "", 1, "没有任何文字"},
		{"only furniture", "上一篇:\n下一篇:\n", 1, "没有任何文字"},
		{"not UTF-8", "答复\n各位:\n\xb4\xf0\xb8\xb4\n", 3, "UTF-8"},
		{"control character", "答复\n各位:\n收\x00悉。\n", 3, "控制字符"},
		{"header only", "索引号: 1\n文号: 2\n", 1, "没有标题"},
		{"body first", "你提出的建议收悉。现答复如下。\n", 1, "找不到标题"},
		{"salutation first without 名称", "张三代表:\n收悉。\n", 1, "找不到标题"},
		{"bad header date", "索引号: 1\n生成日期: 昨天下午\n答复\n各位:\n收悉。\n", 2, "不是日期"},
		{"section gap", "答复\n各位:\n收悉。\n一、甲\n内容。\n三、丙\n内容。\n", 6, "应是“二、”"},
		{"section out of order", "答复\n各位:\n收悉。\n二、乙\n内容。\n", 4, "应是“一、”"},
		{"sub-item gap", "答复\n各位:\n收悉。\n一、甲\n(一)子。内容。\n(三)子。内容。\n", 6, "应是“(二)”"},
		{"text after the date", "答复\n各位:\n收悉。\n某某厅\n2023年6月28日\n附件:清单\n", 6, "落款日期"},
		{"only a title", "答复\n", 1, "没有正文"},
		{"heading without title", "答复\n各位:\n收悉。\n一、 \n", 4, "没有标题"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := importer.Parse([]byte(tc.src))
			var pe *importer.ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("accepted (%v): %+v", err, d)
			}
			if pe.Line != tc.line || !strings.Contains(pe.Error(), tc.says) || !strings.HasPrefix(pe.Error(), "第") {
				t.Errorf("error %q (line %d), want line %d saying %q", pe.Error(), pe.Line, tc.line, tc.says)
			}
		})
	}
}

// FuzzParse feeds the parser mutations of real and constructed replies. It
// must never panic, and whatever it accepts must hold the invariants. Run
// with go test -fuzz=FuzzParse ./internal/importer; plain go test runs the
// seed corpus.
func FuzzParse(f *testing.F) {
	seed, err := os.ReadFile(seedFile)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed)
	f.Add([]byte(variantReply))
	f.Add([]byte("答复\n各位:\n收悉。\n一、甲\n(一)子。内容将推进。一是甲。二是乙。三丙丁。\n某某厅\n二〇二三年六月二十八日\n"))
	f.Add([]byte("名称: 甲\n张三:\n收悉。已完成50%。\n"))
	f.Add([]byte("答复\n各位:\n一、\n(一)\n一是\n"))
	f.Add([]byte("索引号:\n"))
	f.Add([]byte("答复\n各位:\n收悉。\n某某厅\n2023-06-28\n"))
	f.Add([]byte("答复\n各位:\n收悉。\n一\uff0e甲\n(一)子。(2)丑\n二)乙\n三.丙\n"))
	f.Add([]byte("答复\n各位:\n收悉。\n某某厅\n二〇二三年二月三十日\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		d, err := importer.Parse(src)
		if err != nil {
			var pe *importer.ParseError
			if !errors.As(err, &pe) || pe.Line < 1 || pe.Message == "" {
				t.Fatalf("error without a line: %v", err)
			}
			return
		}
		checkInvariants(t, d)
		mentions := importer.LinkEntities(d, fuzzAliases)
		for i, m := range mentions {
			r := []rune(d.Paragraphs[m.Paragraph-1].Text)
			if m.Start < 0 || m.End > len(r) || string(r[m.Start:m.End]) != m.Quote {
				t.Fatalf("mention %+v is not a span of its paragraph", m)
			}
			if i > 0 && mentions[i-1].Paragraph == m.Paragraph && mentions[i-1].End > m.Start {
				t.Fatalf("mentions %+v and %+v overlap", mentions[i-1], m)
			}
		}
	})
}

// fuzzAliases overlap the way real ones do: 贵州 inside 贵州省 inside 贵州省工业和信息化厅.
var fuzzAliases = []importer.Alias{{"贵州", "guizhou"}, {"贵州省", "guizhou"}, {"贵州省工业和信息化厅", "gz-industry-it-dept"},
	{"磷", "phosphorus"}, {"贵州磷化集团", "gz-phosphate-group"}, {"锂", "lithium"}, {"a", "a"}, {"aa", "aa"}}

// TestParseStaysLinearOnHostileInput feeds files near the size cap built to
// hit the quadratic corners a naive parser has: endless sentence starts,
// labels without punctuation, thousands of figures and lines. The bound is a
// guard against blow-up, not a performance goal: a linear parse takes well
// under a second even on a loaded machine, a quadratic one at this size takes
// many minutes.
func TestParseStaysLinearOnHostileInput(t *testing.T) {
	const size = 900 << 10
	head := "答复\n各位:\n收悉。\n一、甲\n"
	for name, unit := range map[string]string{
		"sentences":   "。感谢",
		"labels":      "(一)一是",
		"figures":     "1个,",
		"lines":       "已完成。\n",
		"sub-items":   "(一)甲。(二)乙。(三)丙。",
		"long titles": "(一)" + strings.Repeat("甲", 300),
		"lists":       "一是甲。一是乙,二是丙。",
		"list chains": "一是甲。二是乙。三是丙,二是丁。",
	} {
		t.Run(name, func(t *testing.T) {
			src := head + strings.Repeat(unit, (size-len(head))/len(unit))
			start := time.Now()
			d, err := importer.Parse([]byte(src))
			if took := time.Since(start); took > time.Minute {
				t.Errorf("%d bytes took %v", len(src), took)
			}
			if err == nil {
				checkInvariants(t, d)
			}
		})
	}
	if _, err := importer.Parse([]byte(strings.Repeat("甲", 2<<20))); err == nil || !strings.Contains(err.Error(), "太大") {
		t.Errorf("a file over the cap: %v", err)
	}
}

func isSpace(r rune) bool { return unicode.IsSpace(r) || r == '\u3000' }

// TestParseSkipsCitationsWithoutATitle: 《 》 with nothing but space in it
// names no document; before, the import created a placeholder document
// titled " ". A title padded with space is cited without the padding.
func TestParseSkipsCitationsWithoutATitle(t *testing.T) {
	d := parse(t, "答复\n各位:\n依据《 》、《\u3000\u3000》、《\u00a0》和《\t》,以及《 贵州省新型储能发展规划\u3000》办理。\n")
	if len(d.Citations) != 1 || d.Citations[0].Title != "贵州省新型储能发展规划" {
		t.Errorf("citations %+v", d.Citations)
	}
}
