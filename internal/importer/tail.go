package importer

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/guizhou-portal/portal/internal/policy"
)

// readTail reads the signature block off the end of lines: the signing
// bodies, the date, contact lines, the disclosure, 抄送 and the class of the
// answer, in whatever order the site writes them (the date above or below
// the signer, the contact above the signer or on its line). It returns where
// the body ends and the block's paragraphs, last first. Single characters
// left after the block by a cut page are dropped and noted.
func (d *Document) readTail(lines []line) (end int, tail []Paragraph, err error) {
	end = len(lines)
	for end > 1 && utf8.RuneCountInString(lines[end-1].text) == 1 {
		d.note("text", lines[end-1].no, "末尾的“%s”像是网页残留,没有读入。", lines[end-1].text)
		end--
	}
	add := func(l line, role policy.ParagraphRole) {
		tail = append(tail, Paragraph{Role: role, Text: l.text, Line: l.no})
	}
	lastDate := -1 // the last line written as a date, near the end
	for k := len(lines) - 1; k >= 0 && k >= len(lines)-15; k-- {
		if isDateLine(lines[k].text) {
			lastDate = k
			break
		}
	}
	dated := false
	var signers []string
	signerRun := false // the line just taken was a signer
	for end > 0 {
		l := lines[end-1]
		t := l.text
		k := plainKey(t)
		taken := true
		wasSigner := false
		switch m := signerContact.FindStringSubmatch(t); {
		case noteDisclosure.MatchString(t):
			d.Meta.Disclosure = noteDisclosure.FindStringSubmatch(t)[1]
			add(l, policy.RoleDisclosure)
		case signedBy.MatchString(t):
			if d.Meta.Signer == "" {
				d.Meta.Signer = signedBy.FindStringSubmatch(t)[1]
			}
			add(l, policy.RoleContact)
		case ccPattern.MatchString(k):
			d.Meta.CC = splitList(ccPattern.FindStringSubmatch(k)[1])
		case disclosurePattern.MatchString(t):
			m := disclosurePattern.FindStringSubmatch(t)
			d.Meta.Disclosure = m[1] + m[2]
			add(l, policy.RoleDisclosure)
		case labelledSigner.MatchString(t) && len(signers) == 0:
			// 承办单位:清原满族自治县住房和城乡建设局 单位负责人: 二〇二二年八月三十日
			m := labelledSigner.FindStringSubmatch(t)
			signers = append(signers, m[1])
			if f := strings.FieldsFunc(m[2], func(r rune) bool { return isSpace(r) || r == ':' || r == '\uff1a' }); !dated && len(f) > 0 {
				if w, ok := scanDate(f[len(f)-1]); ok {
					if when, why := w.check(); why == "" {
						d.Meta.SignedOn, dated = when.Format("2006-01-02"), true
					}
				}
			}
			add(l, policy.RoleSignature)
		case classPattern.MatchString(k):
			d.Meta.ReplyClass = strings.Map(halfWidthLetter, classPattern.FindStringSubmatch(k)[1])
			add(l, policy.RoleContact)
		case contactPattern.MatchString(k) && utf8.RuneCountInString(t) <= 120:
			d.readContact(k)
			add(l, policy.RoleContact)
		case !dated && isDateLine(t):
			when, why, repaired := readDateLine(t)
			if why != "" {
				return 0, nil, impossibleDate(l, why)
			}
			if repaired {
				d.note("date", l.no, "日期“%s”没有年月日的分隔,读作%s。", t, when.Format("2006-01-02"))
			}
			d.Meta.SignedOn = when.Format("2006-01-02")
			add(l, policy.RoleDate)
			dated = true
		case m != nil && end > 1 && (len(signers) == 0 || signerRun) && isSigner(m[1]) && orgSuffix.MatchString(m[1]) &&
			contactPattern.MatchString(m[2]):
			signers = append(signers, m[1])
			d.readContact(m[2])
			add(l, policy.RoleSignature)
			wasSigner = true
		case end > 1 && len(signers) < 3 && (len(signers) == 0 || signerRun) && isSigner(t) &&
			(dated || orgSuffix.MatchString(t)) && !closingPattern.MatchString(t):
			signers = append(signers, t)
			add(l, policy.RoleSignature)
			wasSigner = true
		case end-1 > lastDate && lastDate >= 0 && isStray(t):
			d.note("text", l.no, "落款之后的“%s”像是网页的栏目文字,没有读入。", t)
		default:
			taken = false
		}
		if !taken {
			break
		}
		signerRun = wasSigner
		end--
	}
	for i, j := 0, len(signers)-1; i < j; i, j = i+1, j-1 {
		signers[i], signers[j] = signers[j], signers[i]
	}
	d.Meta.Signers = signers
	d.Meta.SigningBody = strings.Join(signers, "、")
	return end, tail, nil
}

// labelledSigner is a signing body written after a label, with what else
// the site put on its line: the person in charge, the date.
var labelledSigner = regexp.MustCompile(`^(?:承办单位|答复单位|办理单位|主办单位)\s*[:\x{FF1A}]\s*([^\s\x{3000}:\x{FF1A}]{2,30})(.*)$`)

// isStray reports whether a line after the date is page furniture rather
// than part of the reply: short, no sentence, and no value after a colon
// (标签:, 政策咨询, 君山微愽, or the cut-off 银川市交). An attachment named
// after the date (附件:清单) is not stray: it is refused as text after
// the date, since its place is before the signature.
func isStray(t string) bool {
	if utf8.RuneCountInString(t) > 20 || strings.ContainsAny(t, "。;\uff1b!\uff01?\uff1f") {
		return false
	}
	if i := strings.IndexAny(t, ":\uff1a"); i >= 0 {
		return strings.TrimFunc(t[i:], func(r rune) bool { return r == ':' || r == '\uff1a' || isSpace(r) }) == ""
	}
	return true
}

// readContact takes the contact person and phone from a contact line; what
// an earlier line (nearer the end) gave is kept.
func (d *Document) readContact(t string) {
	if m := contactPerson.FindStringSubmatchIndex(t); m != nil && d.Meta.ContactPerson == "" {
		person := t[m[2]:m[3]]
		if unitSuffix.MatchString(person) {
			// 联系人:浙江省公路管理局计财处,戴京国 names the unit first.
			if n := personAfterUnit.FindStringSubmatch(t[m[3]:]); n != nil {
				person = n[1]
			}
		}
		d.Meta.ContactPerson = person
	}
	if m := contactPhone.FindStringSubmatch(t); m != nil && d.Meta.ContactPhone == "" {
		d.Meta.ContactPhone = strings.TrimSpace(m[1])
	}
}

// unitSuffix ends the name of an office where a contact line names one
// before the person.
var unitSuffix = regexp.MustCompile(`(厅|局|委|处|科|室|股|办|中心|所|站|队)$`)

// personAfterUnit is the person named after the unit: ,戴京国.
var personAfterUnit = regexp.MustCompile(`^[,\x{FF0C}、\s\x{3000}]+(\p{Han}{2,4})(?:$|[;\x{FF1B},\x{FF0C}\s\x{3000})\x{FF09}])`)

func halfWidthLetter(r rune) rune {
	if r >= 'Ａ' && r <= 'Ｚ' {
		return r - 'Ａ' + 'A'
	}
	return r
}

// compactDate is a date written without separators, as damaged pages have
// it: 2022726, 20241018.
var compactDate = regexp.MustCompile(`^((?:19|20)\d{2})(\d{2,4})$`)

// isDateLine reports whether the whole line is written as a date.
func isDateLine(s string) bool {
	if _, ok := scanDate(s); ok {
		return true
	}
	_, _, ok := compactDay(s)
	return ok
}

// readDateLine reads a date line: the day, or why the calendar has no such
// day, and whether the line had to be read without separators.
func readDateLine(s string) (when time.Time, why string, repaired bool) {
	if w, ok := scanDate(s); ok {
		t, why := w.check()
		return t, why, false
	}
	t, _, _ := compactDay(s)
	return t, "", true
}

// compactDay reads a date without separators when exactly one reading of
// it is a day of the calendar: 2022726 is 2022-07-26 (month 72 has no
// day), but 2023111 could be January 11 or November 1 and is not read.
func compactDay(s string) (time.Time, string, bool) {
	m := compactDate.FindStringSubmatch(s)
	if m == nil {
		return time.Time{}, "", false
	}
	year, _ := strconv.Atoi(m[1])
	md := m[2]
	var found []time.Time
	for split := 1; split < len(md); split++ {
		month, _ := strconv.Atoi(md[:split])
		day, _ := strconv.Atoi(md[split:])
		if split > 2 || len(md)-split > 2 || md[split] == '0' && len(md)-split == 1 {
			continue
		}
		w := writtenDate{year, month, day}
		if t, why := w.check(); why == "" {
			found = append(found, t)
		}
	}
	if len(found) != 1 {
		return time.Time{}, fmt.Sprint(len(found)), false
	}
	return found[0], "", true
}
