package importer

import (
	"bytes"
	"cmp"
	"maps"
	"regexp"
	"slices"
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

// furniture is the page's own furniture that copies along with the text:
// the site's navigation, font and print buttons, share and scan prompts,
// editors' names, footers, login boxes and comment forms.
var furniture = []*regexp.Regexp{
	regexp.MustCompile(`^字号[:\x{FF1A}]`),
	regexp.MustCompile(`视力保护色`),
	regexp.MustCompile(`^[【\[]?(打印(本页)?|关闭(窗口|本页)?|收藏|返回顶部|分享到?)[】\]]?([\s【\[]*(打印(本页)?|关闭(窗口|本页)?|收藏|返回顶部)[】\]]?)*$`),
	regexp.MustCompile(`^(上一篇|下一篇|上一条|下一条|上篇|下篇)[:\x{FF1A}]?`),
	regexp.MustCompile(`^(扫(一扫|码|描二维码)|掃(一掃|描二維碼)|用微信扫描)`),
	regexp.MustCompile(`^(分享到|分享至|【字体|字体[:\x{FF1A}]|浏览次数|访问量|阅读次数|选择阅读字号)`),
	regexp.MustCompile(`^[【\[]?责任编辑`),
	regexp.MustCompile(`^<!--.*-->$`),
	regexp.MustCompile(`^(附件下载|文件下载|关联文件|相关附件)[:\x{FF1A}]?$`),
	regexp.MustCompile(`^(长者模式|长者助手|关怀版|无障碍|今天是|欢迎访问|设为首页|手机版|本网站已支持|微信 智能问答|政府信息公开指南|政府信息公开制度)`),
	regexp.MustCompile(`^([×x]|展开|菜单|\|+)$`),
	regexp.MustCompile(`Copyright|版权所有|ICP备|网站标识码|公安备案号|^技术支持[:\x{FF1A}]`),
	regexp.MustCompile(`^如果您对该政策文件有疑问`),
	regexp.MustCompile(`^!\[\]\(`),
	regexp.MustCompile(`^(账号\+密码登录|手机\+密码登录|还没有账号|立即注)`),
	regexp.MustCompile(`^主办单位[:\x{FF1A}].*(地址|邮编)`),
	regexp.MustCompile(`^为进一步了解掌握社会公众`),
	regexp.MustCompile(`^[•·]\s*\*?\s*(姓\s*名|联系方式|内\s*容|验\s*证\s*码)\s*[:\x{FF1A}]$`),
	regexp.MustCompile(`^(当前位置|您当前的位置|您所在的位置|您现在所在的位置|您的位置|当前所在位置)`),
	regexp.MustCompile(`^(时间|编稿时间|发布时间|更新时间)\s*[:\x{FF1A}].*(来源|浏览|字体|点击|阅读)`),
	regexp.MustCompile(`^(留言与评论|发表评论|网友评论|我要评论)|^评论\s*[(\x{FF08}]?\s*共有?\s*\d+\s*条`),
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
	"制发机关": func(m *Meta) *string { return &m.Issuer },
	"生成日期": func(m *Meta) *string { return &m.GeneratedAt },
	"文号":   func(m *Meta) *string { return &m.DocNumber },
	"发文字号": func(m *Meta) *string { return &m.DocNumber },
	"是否有效": func(m *Meta) *string { return &m.Validity },
	"有效性":  func(m *Meta) *string { return &m.Validity },
	"效力状态": func(m *Meta) *string { return &m.Validity },
	"名称":   func(m *Meta) *string { return &m.Name },
	"信息名称": func(m *Meta) *string { return &m.Name },
	"标题":   func(m *Meta) *string { return &m.Name },
	"建议标题": func(m *Meta) *string { return &m.Name }, // a deputy's suggestion page: the title is the suggestion's
	"发布日期": func(m *Meta) *string { return &m.PublishedOn },
	"发文日期": func(m *Meta) *string { return &m.IssuedOn },
	"成文日期": func(m *Meta) *string { return &m.IssuedOn },
	"主题分类": func(m *Meta) *string { return &m.Subject },
	"公开方式": func(m *Meta) *string { return &m.DisclosureMethod },
	"签发人":  func(m *Meta) *string { return &m.Signer },
	"类别":   func(m *Meta) *string { return &m.Category },
	"来源":   func(m *Meta) *string { return &m.Source },
	"信息来源": func(m *Meta) *string { return &m.Source },
	"发布机关": func(m *Meta) *string { return &m.Issuer },
}

// otherHeaderKeys are keys the sites put in the header whose values the
// portal does not keep. They are known so that an empty value before one
// (文号: 关键字:) does not take the key for its value.
var otherHeaderKeys = []string{"关键字", "关键词", "组配分类", "公开目录", "所属主题", "生效日期", "废止日期", "失效日期",
	"公开日期", "公开程序", "成文时间", "发文时间", "发布时间", "更新时间", "时间", "文章来源", "作者", "浏览次数", "浏览量",
	"阅读次数", "体裁分类", "服务对象", "文件类别", "文件状态", "公开范围", "公开时限", "日期", "主题词", "著录日期", "点击"}

// isHeaderKey reports whether k, without spaces, is a key of either list.
func isHeaderKey(k string) bool {
	return headerKeys[k] != nil || slices.Contains(otherHeaderKeys, k)
}

// headerKeyPattern finds a key followed by its colon; sites pad keys with
// spaces to align them (索 引 号, 文  号). Longer keys are tried first, so
// that 信息来源 is not read as 来源.
var headerKeyPattern = func() *regexp.Regexp {
	keys := slices.Collect(maps.Keys(headerKeys))
	keys = append(keys, otherHeaderKeys...)
	slices.SortFunc(keys, func(a, b string) int {
		return cmp.Or(cmp.Compare(utf8.RuneCountInString(b), utf8.RuneCountInString(a)), strings.Compare(a, b))
	})
	var alts []string
	for _, k := range keys {
		alts = append(alts, spacedKey(k))
	}
	return regexp.MustCompile(`(` + strings.Join(alts, "|") + `)[\s\x{3000}]*[:\x{FF1A}]`)
}()

// spacedKey is a pattern for key written with spaces between its characters.
func spacedKey(k string) string {
	var b strings.Builder
	for i, c := range k {
		if i > 0 {
			b.WriteString(`[\s\x{3000}]*`)
		}
		b.WriteRune(c)
	}
	return b.String()
}

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
		value := strings.TrimFunc(s[loc[1]:end], func(r rune) bool { return isSpace(r) || r == '|' })
		if unknownKey.MatchString(value) {
			value = "" // an empty value before a key this list does not know (发文字号: 主  题  词:)
		}
		keys = append(keys, key)
		values = append(values, value)
	}
	return keys, values, true
}

// unknownKey is a value that is only another key with its colon.
var unknownKey = regexp.MustCompile(`^[\p{Han}\s\x{3000}]{1,12}[:\x{FF1A}]$`)

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
			if field := headerKeys[key]; field != nil {
				*field(&d.Meta) = v
			}
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
	contactPattern    = regexp.MustCompile(`^[(\x{FF08}]?\s*(联系人|联系方式|联系电话|联系单位|承办人|承办负责人|经办人|具体承办人|分管领导|分管单位|负责人|电话[:\x{FF1A}]|传真[:\x{FF1A}]|邮编[:\x{FF1A}]|邮政编码|通讯地址|联系地址|电子邮箱)`)
	contactPerson     = regexp.MustCompile(`(?:联系人|承办人|经办人)(?:及(?:联系)?电话)?\s*[:\x{FF1A}]\s*([^;\x{FF1B},\x{FF0C}、)\x{FF09}\s0-9]+)`)
	contactPhone      = regexp.MustCompile(`(?:联系|及|办公)?(?:电话|方式)\s*[:\x{FF1A}]\s*(?:[^0-9０-９:\x{FF1A};\x{FF1B}]{0,12}[,\x{FF0C}\s]+)?([0-9０-９][0-9０-９\-—－()\x{FF08}\x{FF09} ]*[0-9０-９])`)
	disclosurePattern = regexp.MustCompile(`^[(\x{FF08}]\s*([^()\x{FF08}\x{FF09}]{0,20}公开[^()\x{FF08}\x{FF09}]{0,10})\s*[)\x{FF09}]$|^(全文公开|依申请公开|主动公开|不予公开)$`)
	ccPattern         = regexp.MustCompile(`^抄\s*[送报]\s*[:\x{FF1A}]\s*(.*)$`)
	// noteDisclosure is the disclosure written as a note: 注:“主动公开”。
	noteDisclosure = regexp.MustCompile(`^注\s*[:\x{FF1A}]\s*["“]?((?:主动|依申请|不予|全文)?公开)["”]?[。.]?$`)
	// signedBy names who signed the reply off: 领导签发:庞维林.
	signedBy = regexp.MustCompile(`^(?:领导签发|签发人|签发领导|签发)\s*[:\x{FF1A}]\s*(\S+)$`)
	// classPattern is the class of the answer some sites print by the text:
	// 办理结果:B, 办复类别: B, 类别:C.
	classPattern = regexp.MustCompile(`^(?:办理结果|办复类别|答复类别|办理类别|类别)\s*[:\x{FF1A}]\s*([A-DＡ-Ｄ])\s*类?$`)
	// orgSuffix ends the name of a body that signs a reply.
	orgSuffix = regexp.MustCompile(`(厅|局|委|委员会|政府|办公室|办公厅|办|部|院|会|中心|公司|集团|管委会|署|大队|支队|中队|分局|所|站|处)$`)
	// closingPattern begins the closing of a reply.
	closingPattern = regexp.MustCompile(`^(再次感谢|衷心感谢|感谢您|感谢你|感谢贵|特此答复|此复|专此答复|以上答复)`)
	// signerContact is a signing body with the contact on the same line:
	// 舞钢市教育体育局  联系电话:3303606 联系人:刘熠.
	signerContact = regexp.MustCompile(`^(\S{2,30}?)[\s\x{3000}]+((?:联系|电话|承办人).*)$`)
	// attachmentPattern is a line naming an attachment.
	attachmentPattern = regexp.MustCompile(`^附\s*件\s*\d*\s*[:\x{FF1A}.．]?\s*(.+)$`)
)

// pinyinNote is the reading a mirror site writes after a character it
// converted to traditional script: 鄉(xiāng), 聯(lián)系電話(huà).
const pinyinNote = `\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüê]{1,7}\)`

var pinyinNotes = regexp.MustCompile(pinyinNote)

// simplifiedKey writes the traditional characters of the keys the tail
// reads (聯係電話, 抄報) as the patterns spell them.
var simplifiedKey = strings.NewReplacer("聯", "联", "係", "系", "繫", "系", "電", "电", "話", "话", "辦", "办", "單", "单",
	"負", "负", "責", "责", "傳", "传", "郵", "邮", "編", "编", "報", "报", "絡", "络", "經", "经", "類", "类", "別", "别")

// plainKey writes the key before the first colon of a tail line as the
// contact, 抄送 and class patterns expect it: without the spaces that align
// it (联 系 人, 抄 报), the pinyin of a mirror, in simplified characters. The
// value after the colon is left as written.
func plainKey(t string) string {
	i := strings.IndexAny(t, ":\uff1a")
	if i <= 0 || utf8.RuneCountInString(t[:i]) > 24 {
		return t
	}
	return simplifiedKey.Replace(withoutSpaces(pinyinNotes.ReplaceAllString(t[:i], ""))) + t[i:]
}

// readBody classifies the lines after the title: the salutation (when
// salutation says the first line is one, or it reads as one), the signature
// block at the end, and the paragraphs between.
func (d *Document) readBody(lines []line, salutation bool) error {
	if len(lines) == 0 {
		return errorAt(1, "只有标题,没有正文。")
	}
	first := lines[0]
	var paras []Paragraph
	add := func(l line, role policy.ParagraphRole) {
		paras = append(paras, Paragraph{Role: role, Text: l.text, Line: l.no})
	}
	if salutation || isSalutation(lines[0].text) && !isHeaderLine(lines[0].text) {
		add(lines[0], policy.RoleSalutation)
		d.Addressee = addresseeOf(lines[0].text)
		lines = d.withoutRepeat(lines)[1:]
	}
	end, tail, err := d.readTail(lines)
	if err != nil {
		return err
	}

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
		if m := attachmentPattern.FindStringSubmatch(l.text); m != nil && utf8.RuneCountInString(l.text) <= 80 {
			d.Meta.Attachments = append(d.Meta.Attachments, strings.TrimSpace(m[1]))
		}
	}
	main = d.splitRunTogether(main)
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

// withoutRepeat cuts off a second copy of the reply that some pages print
// under the first: the salutation and the line after it written again.
func (d *Document) withoutRepeat(lines []line) []line {
	for k := 2; k+1 < len(lines); k++ {
		if lines[k].text == lines[0].text && lines[k+1].text == lines[1].text {
			d.note("text", lines[k].no, "第%d行起是答复的又一份副本,没有读入。", lines[k].no)
			return lines[:k]
		}
	}
	return lines
}

// addresseeOf is the addressee a salutation names: without 尊敬的, the
// colon, or the spaces some pages put inside it (王立超  委员).
func addresseeOf(s string) string {
	s = withoutGreeting(strings.TrimRight(strings.TrimFunc(s, isSpace), ":\uff1a"))
	s = strings.TrimPrefix(strings.TrimPrefix(s, "尊敬的"), "尊敬")
	return strings.Map(func(r rune) rune {
		if isSpace(r) {
			return -1
		}
		return r
	}, s)
}

// impossibleDate refuses a date line that names a day the calendar does not
// have, such as 2023年2月30日: a typing error that only the source can correct.
func impossibleDate(l line, why string) error {
	return errorAt(l.no, "落款日期“%s”%s。请对照原件改正后再导入。", l.text, why)
}

// isSigner reports whether s could be the signing body: a short line without
// sentence punctuation that is not a numbered heading.
func isSigner(s string) bool {
	return utf8.RuneCountInString(s) <= 40 && !strings.ContainsAny(s, "。,\uff0c;\uff1b:\uff1a!\uff01?\uff1f、") && topHeading(s) == nil &&
		!courtesy.MatchString(s)
}

// courtesy is a closing formula on a line of its own, which is not a signer.
var courtesy = regexp.MustCompile(`^(此致|敬礼|此复|特此(答复|函复|复函|说明)?|专此函复)$`)

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
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return strings.ContainsRune("、,\uff0c;\uff1b|", r) || isSpace(r) }) {
		out = append(out, strings.TrimRight(f, "。."))
	}
	return out
}

// runTogether is a section heading that a page ran into the paragraph
// before it, losing the line break: …汇报如下。 一、积极响应政策 自2021年….
var runTogether = regexp.MustCompile(`。[\s\x{3000}]+([一二三四五六七八九十]{1,3}、)`)

// headingGap ends a heading that a page ran into its own text with only
// spaces between them.
var headingGap = regexp.MustCompile(`^([一二三四五六七八九十]{1,3}、[^。;\x{FF1B}\s\x{3000}]+)[\s\x{3000}]+(\S.*)$`)

// splitRunTogether restores the paragraph breaks a page lost where a
// numbered section heading follows a full stop and spaces inside a line,
// and the break between such a heading and its text. Each split is noted.
func (d *Document) splitRunTogether(main []line) []line {
	var out []line
	for _, l := range main {
		locs := runTogether.FindAllStringSubmatchIndex(l.text, -1)
		if len(locs) == 0 {
			out = append(out, l)
			continue
		}
		from := 0
		var pieces []string
		for _, loc := range locs {
			pieces = append(pieces, l.text[from:loc[0]+len("。")])
			from = loc[2]
		}
		pieces = append(pieces, l.text[from:])
		for i, p := range pieces {
			p = strings.TrimFunc(p, isSpace)
			if m := headingGap.FindStringSubmatch(p); i > 0 && m != nil && utf8.RuneCountInString(m[1]) <= maxHeading {
				out = append(out, line{l.no, m[1]}, line{l.no, m[2]})
				continue
			}
			out = append(out, line{l.no, p})
		}
		d.note("text", l.no, "这一行里的章节标题前后没有分段,已按标题分成%d段。", len(pieces))
	}
	return out
}
