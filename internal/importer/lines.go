package importer

import (
	"bytes"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/guizhou-portal/portal/internal/policy"
)

// line is one non-blank line of the file, trimmed, with its number.
type line struct {
	no   int
	text string
}

// MaxFileBytes caps what Parse reads; a reply is a few dozen kilobytes.
const MaxFileBytes = 1 << 20

// readLines splits the file into trimmed non-blank lines, dropping the site's
// page furniture. Invalid UTF-8 and control characters are refused.
func readLines(src []byte) ([]line, error) {
	if len(src) > MaxFileBytes {
		return nil, errorAt(1, "文件太大(超过 %d MB),不像是一份答复。", MaxFileBytes>>20)
	}
	src = bytes.TrimPrefix(src, []byte("\ufeff"))
	var out []line
	for i, raw := range strings.Split(string(src), "\n") {
		no := i + 1
		raw = strings.TrimSuffix(raw, "\r")
		if !utf8.ValidString(raw) {
			return nil, errorAt(no, "不是 UTF-8 编码的文字。请把文件另存为 UTF-8 后再导入。")
		}
		for _, c := range raw {
			if c != '\t' && (unicode.IsControl(c) || c == '\ufffd') {
				return nil, errorAt(no, "含有控制字符或无法识别的字符(U+%04X),文件可能已损坏。", c)
			}
		}
		text := strings.TrimFunc(raw, isSpace)
		if text == "" || isFurniture(text) {
			continue
		}
		out = append(out, line{no, text})
	}
	if len(out) == 0 {
		return nil, errorAt(1, "文件中没有任何文字。")
	}
	return out, nil
}

// isSpace is white space as Chinese pages indent with it: ASCII, the
// ideographic space and the no-break space.
func isSpace(r rune) bool { return unicode.IsSpace(r) || r == '\u3000' || r == '\u00a0' }

// furniture is the page's own furniture that copies along with the text.
var furniture = []*regexp.Regexp{
	regexp.MustCompile(`^字号[:\x{FF1A}]`),
	regexp.MustCompile(`视力保护色`),
	regexp.MustCompile(`^[【\[]?(打印(本页)?|关闭(窗口|本页)?|收藏|返回顶部|分享到?)[】\]]?([\s【\[]*(打印(本页)?|关闭(窗口|本页)?|收藏|返回顶部)[】\]]?)*$`),
	regexp.MustCompile(`^(上一篇|下一篇)[:\x{FF1A}]?`),
	regexp.MustCompile(`^扫(一扫|码)`),
	regexp.MustCompile(`^(分享到|【字体|字体[:\x{FF1A}]|浏览次数|访问量|阅读次数)`),
}

func isFurniture(s string) bool {
	for _, re := range furniture {
		if re.MatchString(s) {
			return true
		}
	}
	return false
}

// headerKeys maps every header key the sites use to the field it fills.
var headerKeys = map[string]func(*Meta) *string{
	"索引号":  func(m *Meta) *string { return &m.IndexNumber },
	"信息分类": func(m *Meta) *string { return &m.InfoCategory },
	"发布机构": func(m *Meta) *string { return &m.Issuer },
	"发文机关": func(m *Meta) *string { return &m.Issuer },
	"生成日期": func(m *Meta) *string { return &m.GeneratedAt },
	"文号":   func(m *Meta) *string { return &m.DocNumber },
	"发文字号": func(m *Meta) *string { return &m.DocNumber },
	"是否有效": func(m *Meta) *string { return &m.Validity },
	"有效性":  func(m *Meta) *string { return &m.Validity },
	"名称":   func(m *Meta) *string { return &m.Name },
	"发布日期": func(m *Meta) *string { return &m.PublishedOn },
	"发文日期": func(m *Meta) *string { return &m.IssuedOn },
	"成文日期": func(m *Meta) *string { return &m.IssuedOn },
	"主题分类": func(m *Meta) *string { return &m.Subject },
	"公开方式": func(m *Meta) *string { return &m.DisclosureMethod },
	"签发人":  func(m *Meta) *string { return &m.Signer },
	"类别":   func(m *Meta) *string { return &m.Category },
	"来源":   func(m *Meta) *string { return &m.Source },
}

// headerKeyPattern finds a key followed by its colon; sites pad keys with
// spaces to align them (索 引 号, 文  号).
var headerKeyPattern = func() *regexp.Regexp {
	var alts []string
	for k := range headerKeys {
		var b strings.Builder
		for i, c := range k {
			if i > 0 {
				b.WriteString(`[\s\x{3000}]*`)
			}
			b.WriteRune(c)
		}
		alts = append(alts, b.String())
	}
	return regexp.MustCompile(`(` + strings.Join(alts, "|") + `)[\s\x{3000}]*[:\x{FF1A}]`)
}()

// headerPairs splits a header line into its keys and values; ok is false when
// the line does not begin with a key.
func headerPairs(s string) (keys, values []string, ok bool) {
	locs := headerKeyPattern.FindAllStringSubmatchIndex(s, -1)
	if len(locs) == 0 || locs[0][0] != 0 {
		return nil, nil, false
	}
	for i, loc := range locs {
		end := len(s)
		if i+1 < len(locs) {
			end = locs[i+1][0]
		}
		key := strings.Map(func(r rune) rune {
			if isSpace(r) {
				return -1
			}
			return r
		}, s[loc[2]:loc[3]])
		keys = append(keys, key)
		values = append(values, strings.TrimFunc(s[loc[1]:end], isSpace))
	}
	return keys, values, true
}

// readHeader takes the header block off the front of lines.
func (d *Document) readHeader(lines []line) ([]line, error) {
	i := 0
	for ; i < len(lines); i++ {
		keys, values, ok := headerPairs(lines[i].text)
		if !ok {
			break
		}
		for k, key := range keys {
			v := values[k]
			d.Header = append(d.Header, HeaderLine{key, v, lines[i].no})
			if v == "" {
				continue
			}
			switch key {
			case "生成日期", "发布日期", "发文日期", "成文日期":
				t, ok := parseHeaderTime(v)
				if !ok {
					return nil, errorAt(lines[i].no, "%s“%s”不是日期,应写成 2023-08-09 或 2023-08-09 15:35:32。", key, v)
				}
				if key == "生成日期" {
					v = t.Format("2006-01-02T15:04:05")
				} else {
					v = t.Format("2006-01-02")
				}
			}
			*headerKeys[key](&d.Meta) = v
		}
	}
	return lines[i:], nil
}

// docNumberPattern is a 文号: an issuer's code, the year in 〔〕 or [] and a number.
var docNumberPattern = regexp.MustCompile(`^\S{1,20}[〔\[［(（]\d{4}[〕\]］)）]\d{1,5}号$`)

// readTitle takes the title, and a 文号 line under it, off the front of lines.
// A file that begins with a salutation takes its title from the header's 名称.
func (d *Document) readTitle(lines []line) ([]line, error) {
	if len(lines) == 0 {
		return nil, errorAt(1, "文件只有信息栏,没有标题和正文。")
	}
	first := lines[0]
	if isSalutation(first.text) || topHeading(first.text) != nil {
		if d.Meta.Name == "" {
			return nil, errorAt(first.no, "找不到标题:第一行应是文件标题,这一行却像是%s。", map[bool]string{true: "称呼", false: "章节标题"}[isSalutation(first.text)])
		}
		d.Title = d.Meta.Name
		return lines, nil
	}
	if strings.ContainsAny(first.text, "。;\uff1b") || utf8.RuneCountInString(first.text) > 120 {
		return nil, errorAt(first.no, "找不到标题:第一行应是文件标题,这一行却像是正文。")
	}
	d.Title = first.text
	rest := lines[1:]
	for len(rest) > 1 {
		switch t := rest[0].text; {
		case t == d.Title:
			rest = rest[1:] // the title repeated, as some pages do
		case docNumberPattern.MatchString(t):
			if d.Meta.DocNumber == "" {
				d.Meta.DocNumber = t
			}
			rest = rest[1:]
		case titleContinues(d.Title, t, rest[1].text, d.Meta.Name):
			d.Title += t // a long title broken over two lines
			rest = rest[1:]
		default:
			return rest, nil
		}
	}
	return rest, nil
}

// titleContinues reports whether line, under the title, is the rest of the
// title: the header's 名称 says so, or it is a short line without sentence
// punctuation that comes just before the salutation.
func titleContinues(title, line, next, name string) bool {
	if name != "" && name == title+line {
		return true
	}
	return isSalutation(next) && !isSalutation(line) && topHeading(line) == nil &&
		utf8.RuneCountInString(title+line) <= 120 && !strings.ContainsAny(line, "。;\uff1b,\uff0c:\uff1a")
}

// isSalutation reports whether s reads like 农工党贵州省委员会: — short and
// ending in a colon.
func isSalutation(s string) bool {
	return (strings.HasSuffix(s, ":") || strings.HasSuffix(s, "\uff1a")) && utf8.RuneCountInString(s) <= 60 &&
		!strings.ContainsAny(s, "。;\uff1b")
}

var (
	contactPattern    = regexp.MustCompile(`^[(\x{FF08}]?\s*(联系人|联系方式|联系电话)`)
	contactPerson     = regexp.MustCompile(`联系人\s*[:\x{FF1A}]\s*([^;\x{FF1B},\x{FF0C}、)\x{FF09}\s]+)`)
	contactPhone      = regexp.MustCompile(`(?:联系)?电话\s*[:\x{FF1A}]\s*([0-9０-９][0-9０-９\-—－()\x{FF08}\x{FF09} ]*[0-9０-９])`)
	disclosurePattern = regexp.MustCompile(`^[(\x{FF08}]\s*([^()\x{FF08}\x{FF09}]{0,20}公开[^()\x{FF08}\x{FF09}]{0,10})\s*[)\x{FF09}]$|^(全文公开|依申请公开|主动公开|不予公开)$`)
	ccPattern         = regexp.MustCompile(`^抄\s*送\s*[:\x{FF1A}]\s*(.*)$`)
	// orgSuffix ends the name of a body that signs a reply.
	orgSuffix = regexp.MustCompile(`(厅|局|委|委员会|政府|办公室|办公厅|办|部|院|会|中心|公司|集团|管委会|署)$`)
	// closingPattern begins the closing of a reply.
	closingPattern = regexp.MustCompile(`^(再次感谢|衷心感谢|感谢您|感谢你|感谢贵|特此答复|此复|专此答复|以上答复)`)
)

// readBody classifies the lines after the title: the salutation, the
// signature block at the end, and the paragraphs between.
func (d *Document) readBody(lines []line) error {
	if len(lines) == 0 {
		return errorAt(1, "只有标题,没有正文。")
	}
	first := lines[0]
	var paras []Paragraph
	add := func(l line, role policy.ParagraphRole) {
		paras = append(paras, Paragraph{Role: role, Text: l.text, Line: l.no})
	}
	if isSalutation(lines[0].text) {
		add(lines[0], policy.RoleSalutation)
		d.Addressee = strings.TrimRight(lines[0].text, ":\uff1a")
		lines = lines[1:]
	}

	// The signature block, from the end: contact, disclosure, 抄送 in any order,
	// then the date, then the signing body.
	end := len(lines)
	var tail []Paragraph
	for end > 0 {
		l := lines[end-1]
		if m := ccPattern.FindStringSubmatch(l.text); m != nil {
			d.Meta.CC = splitList(m[1])
		} else if disclosurePattern.MatchString(l.text) {
			m := disclosurePattern.FindStringSubmatch(l.text)
			d.Meta.Disclosure = m[1] + m[2]
			tail = append(tail, Paragraph{Role: policy.RoleDisclosure, Text: l.text, Line: l.no})
		} else if contactPattern.MatchString(l.text) && utf8.RuneCountInString(l.text) <= 120 {
			if m := contactPerson.FindStringSubmatch(l.text); m != nil {
				d.Meta.ContactPerson = m[1]
			}
			if m := contactPhone.FindStringSubmatch(l.text); m != nil {
				d.Meta.ContactPhone = m[1]
			}
			tail = append(tail, Paragraph{Role: policy.RoleContact, Text: l.text, Line: l.no})
		} else {
			break
		}
		end--
	}
	// A line written as a date is the date line, so a day the calendar does
	// not have is refused rather than read as body text.
	dated := false
	if end > 0 {
		l := lines[end-1]
		if w, ok := scanDate(l.text); ok {
			t, why := w.check()
			if why != "" {
				return impossibleDate(l, why)
			}
			d.Meta.SignedOn = t.Format("2006-01-02")
			tail = append(tail, Paragraph{Role: policy.RoleDate, Text: l.text, Line: l.no})
			end--
			dated = true
		}
	}
	var signers []string
	for n := 0; n < 3 && end > 1; n++ {
		t := lines[end-1].text
		if !isSigner(t) || (!dated && !orgSuffix.MatchString(t)) {
			break
		}
		signers = append(signers, t)
		tail = append(tail, Paragraph{Role: policy.RoleSignature, Text: t, Line: lines[end-1].no})
		end--
	}
	for i, j := 0, len(signers)-1; i < j; i, j = i+1, j-1 {
		signers[i], signers[j] = signers[j], signers[i]
	}
	d.Meta.SigningBody = strings.Join(signers, "、")

	main := lines[:end]
	if len(main) == 0 {
		return errorAt(first.no, "找不到正文:称呼之后直接是落款或者什么也没有。")
	}
	for k, l := range main {
		if w, ok := scanDate(l.text); ok {
			if _, why := w.check(); why != "" {
				return impossibleDate(l, why)
			}
			// main ends before the date line, so a line follows this one.
			return errorAt(lines[k+1].no, "落款日期(第%d行)之后有无法识别的内容;答复应以落款、日期、公开方式、联系人结束。", l.no)
		}
	}
	headed := false
	for _, l := range main {
		headed = headed || topHeading(l.text) != nil
	}
	seen := false // a heading came before
	for i, l := range main {
		role := policy.RoleBody
		h := topHeading(l.text)
		switch {
		case h != nil && h.heading:
			role = policy.RoleHeading
		case h != nil:
		case !headed && i == 0, headed && !seen:
			role = policy.RoleOpening
		}
		seen = seen || h != nil
		add(l, role)
	}
	for i := len(tail) - 1; i >= 0; i-- {
		paras = append(paras, tail[i])
	}
	for i := range paras {
		paras[i].Seq = i + 1
	}
	d.Paragraphs = paras
	d.Closing = findClosing(paras)
	return nil
}

// impossibleDate refuses a date line that names a day the calendar does not
// have, such as 2023年2月30日: a typing error that only the source can correct.
func impossibleDate(l line, why string) error {
	return errorAt(l.no, "落款日期“%s”%s。请对照原件改正后再导入。", l.text, why)
}

// isSigner reports whether s could be the signing body: a short line without
// sentence punctuation that is not a numbered heading.
func isSigner(s string) bool {
	return utf8.RuneCountInString(s) <= 40 && !strings.ContainsAny(s, "。,\uff0c;\uff1b:\uff1a!\uff01?\uff1f、") && topHeading(s) == nil
}

// findClosing finds where the closing begins: a sentence opening with 再次感谢,
// 特此答复 … in one of the last two body paragraphs, after every heading.
func findClosing(paras []Paragraph) *Point {
	var body []int
	for i, p := range paras {
		if p.Role == policy.RoleBody || p.Role == policy.RoleOpening || p.Role == policy.RoleHeading {
			body = append(body, i)
		}
	}
	for k := len(body) - 1; k >= 0 && k >= len(body)-2; k-- {
		p := paras[body[k]]
		if p.Role != policy.RoleBody {
			return nil
		}
		r := []rune(p.Text)
		for i := range r {
			if (i == 0 || strings.ContainsRune("。!\uff01?\uff1f", r[i-1])) && closingPattern.MatchString(string(r[i:min(i+4, len(r))])) {
				return &Point{p.Seq, i}
			}
		}
	}
	return nil
}

func splitList(s string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return strings.ContainsRune("、,\uff0c;\uff1b", r) || isSpace(r) }) {
		out = append(out, strings.TrimRight(f, "。."))
	}
	return out
}
