package importer

import (
	"maps"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"
)

// The front of a page is everything before the salutation: the site's
// furniture, header tables in any of their shapes (one key a line, several
// keys a line, key and value in cells of a table, a key over its value,
// values without their keys), the title, the 文号, the class of the answer.
// Pages differ too much for an order to be assumed, so each line is read
// for what it is and the title is the last line that reads as one.

var (
	// addresseeEnd ends the name of whom a reply answers: 代表, 委员, a body,
	// 各位, or a name followed by its unit in brackets.
	addresseeEnd = regexp.MustCompile(`(代表|委员|委員|代表们|委员们|同志|先生|女士|各位|们|們|会|會|厅|廳|局|委|部|办|院|政府|党|社|盟|联|团|组|中心|公司|集团|[)\x{FF09}])$`)
	// bareSalutation is a salutation without its colon: 王立超  委员, 尊敬的幸世高代表.
	bareSalutation = regexp.MustCompile(`^(?:尊敬的?)?[\p{Han}、·\s]{1,38}(?:代表|委员|委員)$`)
	// inlineSalutation is a salutation with the reply running on in the same line.
	inlineSalutation = regexp.MustCompile(`^((?:尊敬的?)?[^:\x{FF1A}。,\x{FF0C};\x{FF1B}\s]{1,30}?(?:代表|委员|委員)(?:们|們)?[:\x{FF1A}])[\s\x{3000}]*(\S.*)$`)
	// titleEnd ends a reply's title: 答复, 复函, 回复, …的函, 会办意见, and
	// what some sites add in brackets after it.
	titleEnd = regexp.MustCompile(`(答复|答复函|复函|回复|复文|的函|意见|答复意见)[\s\x{3000}]*([(\x{FF08}][^()\x{FF08}\x{FF09}]*[)\x{FF09}]|[\[［【][^\[\]［］【】]*[\]］】])?$`)
	// docNumberIn is a 文号 inside a line: 黔工信提复字〔2023〕4号,
	// 西交发(2017)259号, 子交函[2023]34号, and as mirrors in traditional
	// characters write it, with the pinyin they add: 清自然資空間規(guī)劃【2020】25號(hào).
	docNumberIn = regexp.MustCompile(`(?:[\p{Han}A-Za-z]|` + pinyinNote + `){1,14}[〔\[［(\x{FF08}﹝【]\s*\d{4}\s*[〕\]］)\x{FF09}﹞】]\s*第?\s*\d{1,5}\s*[号號](?:` + pinyinNote + `)?`)
	// brokenDocNumber is a 文号 whose closing bracket and 号 were lost:
	// 舞教〔2022106.
	brokenDocNumber = regexp.MustCompile(`^([\p{Han}]{1,14})[〔\[［(\x{FF08}﹝【](\d{4})(\d{1,4})(?:[\s\x{3000}]|$)`)
	// keylessIndex is a 索引号 a site lists without its key.
	keylessIndex = regexp.MustCompile(`^[0-9A-Za-z]{4,20}(?:-[0-9A-Za-z]{1,6})?/\d{4}-\d{3,}$`)
	// issuerLine is the issuing body written on its own line over the
	// rest of the title (宁陕县交通局 / 对县…的复函).
	issuerLine = regexp.MustCompile(`^\p{Han}{2,20}$`)
	// bullet is what lists put before an item.
	bullet = regexp.MustCompile(`^[•·\-–—*]+[\s\x{3000}]*`)
)

// findSalutation finds the salutation among the lines before the body: a
// short line naming whom the reply answers, with or without its colon, or
// such a name with the reply running on after the colon (split then
// reports that). It stops at the first line with a full stop, since the
// salutation comes before the text. It returns -1 when there is none.
func findSalutation(lines []line) (at int, split bool) {
	for i, l := range lines {
		t := l.text
		switch {
		case isSalutation(t) && !isHeaderLine(t):
			name := withoutGreeting(strings.TrimRight(t, ":\uff1a"))
			if addresseeEnd.MatchString(strings.TrimFunc(name, isSpace)) {
				return i, false
			}
		case bareSalutation.MatchString(t):
			return i, false
		case inlineSalutation.MatchString(t), titledSalutation.MatchString(t):
			return i, true
		}
		if strings.Contains(t, "。") {
			break
		}
	}
	return -1, false
}

// greeting is what some salutations add to the name: 于广海委员您好:.
var greeting = regexp.MustCompile(`[,\x{FF0C}\s]*(您好|你好|您们好|你们好)[!\x{FF01}]?$`)

func withoutGreeting(s string) string { return greeting.ReplaceAllString(s, "") }

// titledSalutation is a page that ran the title, the salutation and the
// reply into one line: 对县八届政协一次会议 第134号提案的答复 张阳委员: 您提出的….
var titledSalutation = regexp.MustCompile(`^(\S.{0,100}?(?:答复|答复函|复函|回复|的函))[\s\x{3000}]+((?:尊敬的?)?[^:\x{FF1A}。,\x{FF0C};\x{FF1B}\s]{1,30}?(?:代表|委员|委員)(?:们|們)?[:\x{FF1A}])[\s\x{3000}]*(\S.*)$`)

// isHeaderLine reports whether s starts with a header key and its colon.
func isHeaderLine(s string) bool {
	_, _, ok := headerPairs(strings.TrimFunc(s, isSpace))
	return ok
}

// readFront reads the lines before the salutation, and returns the lines
// from the salutation on, the salutation alone on the first of them.
func (d *Document) readFront(front, rest []line, split bool) []line {
	if split {
		no := rest[0].no
		if m := titledSalutation.FindStringSubmatch(rest[0].text); m != nil {
			front = append(front[:len(front):len(front)], line{no, m[1]})
			rest = append([]line{{no, m[2]}, {no, m[3]}}, rest[1:]...)
		} else {
			m := inlineSalutation.FindStringSubmatch(rest[0].text)
			rest = append([]line{{no, m[1]}, {no, m[2]}}, rest[1:]...)
		}
		d.note("addressee", no, "称呼和正文写在同一行,已分开。")
	}
	titleAt := -1
	var plain []int // lines that are nothing else, in order
	texts := make([]string, len(front))
	for i := 0; i < len(front); i++ {
		l := front[i]
		t := strings.TrimFunc(bullet.ReplaceAllString(l.text, ""), isSpace)
		texts[i] = t
		bulleted := t != strings.TrimFunc(l.text, isSpace)
		switch {
		case t == "" || isFurniture(t):
		case headerKeyOf(t) != "" && i+1 < len(front) && valueBelow(headerKeyOf(t), front[i+1].text):
			// A key alone over its value, without a colon: 索引号 / zkx_nyncj/2025-00019.
			d.setHeader(l.no, []string{headerKeyOf(t)}, []string{strings.TrimFunc(front[i+1].text, isSpace)})
			i++
		case headerKeyOf(t) != "":
		case bulleted && d.readGluedRow(l.no, t):
		case strings.Contains(t, "|"):
			d.readTableRow(l.no, t)
		case d.readDocNumber(l.no, t):
		case isHeaderLine(t):
			keys, values, _ := headerPairs(t)
			if len(keys) == 1 && values[0] == "" && i+1 < len(front) && valueBelow(keys[0], front[i+1].text) {
				// A key over its value: 标  题: / 关于…的答复.
				values[0] = strings.TrimFunc(front[i+1].text, isSpace)
				i++
			}
			d.setHeader(l.no, keys, values)
		case d.readSpacedRow(l.no, t):
		case keylessIndex.MatchString(t):
			if d.Meta.IndexNumber == "" {
				d.Meta.IndexNumber = t
				d.note("index_number", l.no, "索引号“%s”没有写明是索引号,按其格式读作索引号。", t)
			}
		case classPattern.MatchString(t):
			d.Meta.ReplyClass = strings.Map(halfWidthLetter, classPattern.FindStringSubmatch(t)[1])
		case titleEnd.MatchString(t) && !strings.ContainsAny(t, "。;\uff1b") && utf8.RuneCountInString(t) <= 120:
			titleAt = i
		case utf8.RuneCountInString(t) <= 6 && titleEnd.MatchString(withoutSpaces(t)):
			texts[i] = withoutSpaces(t) // 答 复, spaced out under the rest of the title
			titleAt = i
		default:
			plain = append(plain, i)
		}
	}
	switch {
	case titleAt >= 0:
		d.Title = texts[titleAt]
		k := titleAt - 1
		if k >= 0 && isPlain(plain, k) && titleHead(texts[k], d.Title) {
			d.Title = texts[k] + d.Title // a title broken over two lines
			k--
		}
		if k >= 0 && isPlain(plain, k) && issuerLine.MatchString(texts[k]) && orgSuffix.MatchString(texts[k]) &&
			(strings.HasPrefix(d.Title, "关于") || strings.HasPrefix(d.Title, "对")) {
			d.Title = texts[k] + d.Title // the issuer's red head over a title broken over two lines
		}
	case d.Meta.Name != "":
		d.Title = d.Meta.Name
	}
	d.Title = d.titleWithoutDocNumber(d.Title)
	if d.Title == "" {
		if len(front) == 0 && len(d.Header) == 0 {
			d.titleErr = errorAt(rest[0].no, "找不到标题:第一行应是文件标题,这一行却像是称呼。")
		} else {
			d.titleErr = errorAt(rest[0].no, "找不到标题:称呼之前没有像文件标题的一行。")
		}
	}
	return rest
}

// valueBelow reports whether next is the value of key written alone on the
// line above it: not a header line or furniture itself, and, unless key
// names the document, not its title either.
func valueBelow(key, next string) bool {
	next = strings.TrimFunc(next, isSpace)
	if next == "" || isHeaderLine(next) || headerKeyOf(next) != "" || isFurniture(next) || strings.Contains(next, "|") {
		return false
	}
	return key == "名称" || key == "标题" || key == "信息名称" || !titleEnd.MatchString(next)
}

// titleHead reports whether line, just above the line that ends the
// title, is the title's beginning: the issuing body alone on its line
// (宁陕县交通局 / 对县…的复函), the start of a title (对政协沧县… /
// 27号提案的答复), or anything before a last line that cannot begin a
// title (第1019号提案的答复).
func titleHead(line, last string) bool {
	if issuerLine.MatchString(line) && orgSuffix.MatchString(line) {
		return true
	}
	if strings.ContainsAny(line, "。;\uff1b:\uff1a") || utf8.RuneCountInString(line+last) > 120 {
		return false
	}
	first, _ := utf8.DecodeRuneInString(last)
	return strings.HasPrefix(last, "第") || isDigit(first) || utf8.RuneCountInString(last) <= 4 ||
		titleStart.MatchString(line)
}

// titleStart begins a reply's title.
var titleStart = regexp.MustCompile(`^(\p{Han}{2,20}(关于|对))?(关于|对)`)

func withoutSpaces(s string) string {
	return strings.Map(func(r rune) rune {
		if isSpace(r) {
			return -1
		}
		return r
	}, s)
}

func isPlain(plain []int, k int) bool {
	for _, p := range plain {
		if p == k {
			return true
		}
	}
	return false
}

// titleWithoutDocNumber takes a 文号 written at the start or end of the
// title line out of it, into the 文号 when there is none yet.
func (d *Document) titleWithoutDocNumber(title string) string {
	loc := docNumberIn.FindStringIndex(title)
	// The 文号 may sit in brackets of its own: 关于…的答复[浙交建〔2018〕101号].
	wrapping := func(r rune) bool { return isSpace(r) || strings.ContainsRune("()\uff08\uff09[]\uff3b\uff3d【】", r) }
	if loc == nil || (strings.TrimFunc(title[:loc[0]], wrapping) != "" && strings.TrimFunc(title[loc[1]:], wrapping) != "") {
		return title
	}
	number := title[loc[0]:loc[1]]
	rest := strings.TrimFunc(title[:loc[0]]+title[loc[1]:], wrapping)
	if rest == "" {
		return title
	}
	if d.Meta.DocNumber == "" {
		d.Meta.DocNumber = number
	}
	return rest
}

// besideDocNumber is what a line holding a 文号 may also hold: the
// class of the answer and the disclosure (平农字〔2023〕8号  B类  同意公开).
var besideDocNumber = regexp.MustCompile(`^(?:([A-DＡ-Ｄ])类)?[\s\x{3000}]*(?:(?:同意|主动|依申请|不予)?公开)?$`)

// readGluedRow reads a list item whose key runs straight into its value:
// - 文号弥民函〔2017〕14号.
func (d *Document) readGluedRow(no int, t string) bool {
	for _, k := range gluedKeys {
		if v, ok := strings.CutPrefix(t, k); ok && v != "" && !strings.ContainsAny(v[:1], ":\uff1a") {
			d.setHeader(no, []string{k}, []string{strings.TrimFunc(v, isSpace)})
			return true
		}
	}
	return false
}

// gluedKeys are the header keys, longest first, for readGluedRow.
var gluedKeys = func() []string {
	keys := slices.Collect(maps.Keys(headerKeys))
	keys = append(keys, otherHeaderKeys...)
	slices.SortFunc(keys, func(a, b string) int { return utf8.RuneCountInString(b) - utf8.RuneCountInString(a) })
	return keys
}()

// readDocNumber reads a line that is a 文号, alone or with 签发人, the
// class of the answer or the disclosure beside it, also one whose closing
// bracket and 号 were lost, which it restores and notes.
func (d *Document) readDocNumber(no int, t string) bool {
	if loc := docNumberIn.FindStringIndex(t); loc != nil && loc[0] == 0 {
		rest := strings.TrimFunc(t[loc[1]:], isSpace)
		if m := besideDocNumber.FindStringSubmatch(rest); m != nil && rest != "" {
			if m[1] != "" {
				d.Meta.ReplyClass = strings.Map(halfWidthLetter, m[1])
			}
			rest = ""
		}
		if rest == "" || strings.HasPrefix(rest, "签发人") {
			if d.Meta.DocNumber == "" {
				d.Meta.DocNumber = t[:loc[1]]
			}
			d.signerFrom(rest)
			return true
		}
	}
	if m := brokenDocNumber.FindStringSubmatchIndex(t); m != nil {
		rest := strings.TrimFunc(t[m[1]:], isSpace)
		if rest == "" || strings.HasPrefix(rest, "签发人") {
			number := t[m[2]:m[3]] + "〔" + t[m[4]:m[5]] + "〕" + t[m[6]:m[7]] + "号"
			if d.Meta.DocNumber == "" {
				d.Meta.DocNumber = number
				d.note("doc_number", no, "文号“%s”残缺,读作“%s”,请核对。", strings.TrimFunc(t[:m[1]], isSpace), number)
			}
			d.signerFrom(rest)
			return true
		}
	}
	return false
}

func (d *Document) signerFrom(s string) {
	if _, v, ok := headerPairs(s); ok && d.Meta.Signer == "" {
		d.Meta.Signer = v[0]
	}
}

// readTableRow reads a header written as a table row, key and value in
// cells: 索引号 | 15262660-/2021-0702001 | 发布机构 | 龙陵县文化和旅游局 |.
func (d *Document) readTableRow(no int, t string) {
	var cells []string
	for _, c := range strings.Split(t, "|") {
		c = strings.TrimFunc(c, isSpace)
		if c != "" {
			cells = append(cells, c)
		}
	}
	keys, values := pairCells(cells)
	d.setHeader(no, keys, values)
}

// pairCells reads a header row's cells as keys, each with the cell after it
// as its value where that cell is not a key itself ("" otherwise); cells
// before the first key are passed over.
func pairCells(cells []string) (keys, values []string) {
	for i := 0; i < len(cells); i++ {
		k := headerKeyOf(cells[i])
		if k == "" {
			continue
		}
		v := ""
		if i+1 < len(cells) && headerKeyOf(cells[i+1]) == "" {
			v = cells[i+1]
			i++
		}
		keys, values = append(keys, k), append(values, v)
	}
	return keys, values
}

// headerKeyOf is the key a table cell holds, without spaces and colon, or "".
func headerKeyOf(cell string) string {
	k := strings.Map(func(r rune) rune {
		if isSpace(r) || r == ':' || r == '\uff1a' {
			return -1
		}
		return r
	}, cell)
	k = strings.Trim(k, "[]\uff3b\uff3d【】") // [ 索引号 ] | … as some tables write their keys
	if isHeaderKey(k) {
		return k
	}
	return ""
}

// spacedRow is a header row without colons, keys and values apart by
// spaces: 索 引 号  jyjl/2021-00030, 文  号   发布机构  舟曲县教育局.
var spacedRow = regexp.MustCompile(`[\s\x{3000}]{2,}`)

// readSpacedRow reads a header row without colons that begins with a key.
func (d *Document) readSpacedRow(no int, t string) bool {
	parts := spacedRow.Split(t, -1)
	if len(parts) == 0 || headerKeyOf(parts[0]) == "" {
		return false
	}
	keys, values := pairCells(parts)
	d.setHeader(no, keys, values)
	return true
}

// setHeader records header keys and values read in the front. Unlike the
// header block at the top of a file, a date here that does not read is
// kept as written and noted, not refused: the line may be the site's own.
func (d *Document) setHeader(no int, keys, values []string) {
	for i, k := range keys {
		v := values[i]
		d.Header = append(d.Header, HeaderLine{k, v, no})
		field := headerKeys[k]
		if field == nil || v == "" || *field(&d.Meta) != "" {
			continue
		}
		switch k {
		case "生成日期", "发布日期", "发文日期", "成文日期":
			if t, ok := parseHeaderTime(v); ok {
				v = t.Format("2006-01-02")
				if k == "生成日期" {
					v = t.Format("2006-01-02T15:04:05")
				}
			} else {
				d.note("header", no, "%s“%s”不像日期,照原样保留。", k, v)
			}
		case "文号", "发文字号":
			if v == "无" {
				continue
			}
		}
		*field(&d.Meta) = v
	}
}
