package importer

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// cnDigits maps the characters that write a digit in Chinese text, including
// the 〇 of dates and its common stand-ins: ○, the letter O in either width
// or case, and the digit 0 in either width (二0二三年).
var cnDigits = map[rune]int{
	'〇': 0, '○': 0, '零': 0, 'O': 0, 'o': 0, '０': 0, '0': 0, 'Ｏ': 0, 'ｏ': 0, '◯': 0,
	'一': 1, '二': 2, '三': 3, '四': 4, '五': 5, '六': 6, '七': 7, '八': 8, '九': 9,
}

// cnNumber reads a Chinese numeral from 一 to 九十九 (一, 十, 十二, 二十, 二十八)
// or plain digits, as section labels and dates write them.
func cnNumber(s string) (int, bool) {
	if s == "" {
		return 0, false
	}
	if n, err := strconv.Atoi(s); err == nil {
		return n, n > 0
	}
	r := []rune(s)
	digit := func(c rune) (int, bool) {
		d, ok := cnDigits[c]
		return d, ok && d > 0
	}
	switch {
	case len(r) == 1 && r[0] == '十':
		return 10, true
	case len(r) == 1:
		return digit(r[0])
	case len(r) == 2 && r[0] == '十':
		d, ok := digit(r[1])
		return 10 + d, ok
	case len(r) == 2 && r[1] == '十':
		d, ok := digit(r[0])
		return d * 10, ok
	case len(r) == 3 && r[1] == '十':
		t, ok1 := digit(r[0])
		u, ok2 := digit(r[2])
		return t*10 + u, ok1 && ok2
	}
	return 0, false
}

// cnNumeral writes n (1 to 99) as a Chinese numeral, for messages and labels.
func cnNumeral(n int) string {
	names := []string{"", "一", "二", "三", "四", "五", "六", "七", "八", "九"}
	switch {
	case n <= 0 || n >= 100:
		return strconv.Itoa(n)
	case n < 10:
		return names[n]
	case n == 10:
		return "十"
	case n < 20:
		return "十" + names[n-10]
	case n%10 == 0:
		return names[n/10] + "十"
	default:
		return names[n/10] + "十" + names[n%10]
	}
}

const numeralChars = "一二三四五六七八九十"

// datePattern is a date as a reply's signature block writes it, in digits or
// in Chinese numerals: 2023年6月28日, 二〇二三年六月二十八日.
var datePattern = regexp.MustCompile(`^(\d{4}|[〇○◯零OoＯｏ0０一二三四五六七八九]{4})\s*年\s*(\d{1,2}|[一二三四五六七八九十]{1,3})\s*月\s*(\d{1,2}|[一二三四五六七八九十]{1,3})\s*日$`)

// isoDatePattern is a date in digits with - / or . between year, month and
// day, as some sites write the signing date: 2023-06-28, 2023/6/28,
// 2023.6.28 (the separators also full-width).
var isoDatePattern = regexp.MustCompile(`^(\d{4})([-/.\x{FF0D}\x{FF0F}\x{FF0E}])(\d{1,2})([-/.\x{FF0D}\x{FF0F}\x{FF0E}])(\d{1,2})$`)

// writtenDate is a date as a line writes it, not yet checked against the
// calendar. A month or day written with a numeral cnNumber cannot read
// (二二) is -1.
type writtenDate struct{ year, month, day int }

// scanDate reads a whole line written as a date, in either form; ok is false
// when the line does not have the form of one. Whether the day exists is
// for check to say.
func scanDate(s string) (w writtenDate, ok bool) {
	if m := isoDatePattern.FindStringSubmatch(s); m != nil && m[2] == m[4] {
		w.year, _ = strconv.Atoi(m[1])
		w.month, _ = strconv.Atoi(m[3])
		w.day, _ = strconv.Atoi(m[5])
		return w, true
	}
	m := datePattern.FindStringSubmatch(s)
	if m == nil {
		return w, false
	}
	if y, err := strconv.Atoi(m[1]); err == nil {
		w.year = y
	} else {
		for _, c := range m[1] {
			w.year = w.year*10 + cnDigits[c]
		}
	}
	part := func(s string) int {
		if n, err := strconv.Atoi(s); err == nil {
			return n
		}
		if n, ok := cnNumber(s); ok {
			return n
		}
		return -1
	}
	return writtenDate{w.year, part(m[2]), part(m[3])}, true
}

// check returns the day, or, when the calendar has no such day, what is
// wrong, worded to follow the date in a message: 不存在:2023年2月只有28天.
func (w writtenDate) check() (time.Time, string) {
	if w.month < 0 || w.day < 0 {
		return time.Time{}, "写法有误:月或日的数字读不出来"
	}
	if w.month < 1 || w.month > 12 {
		return time.Time{}, fmt.Sprintf("不存在:没有%d月", w.month)
	}
	if w.day < 1 {
		return time.Time{}, fmt.Sprintf("不存在:没有%d日", w.day)
	}
	t := time.Date(w.year, time.Month(w.month), w.day, 0, 0, 0, 0, time.UTC)
	if t.Month() != time.Month(w.month) {
		last := time.Date(w.year, time.Month(w.month)+1, 0, 0, 0, 0, 0, time.UTC).Day()
		return time.Time{}, fmt.Sprintf("不存在:%d年%d月只有%d天", w.year, w.month, last)
	}
	return t, ""
}

// parseDate reads a whole line as a date; ok is false when the line is not
// one, or names a day that does not exist.
func parseDate(s string) (time.Time, bool) {
	w, ok := scanDate(s)
	if !ok {
		return time.Time{}, false
	}
	t, why := w.check()
	return t, why == ""
}

// headerTimeLayouts are the forms a header's dates take.
var headerTimeLayouts = []string{"2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02", "2006/01/02", "2006年01月02日", "2006年1月2日"}

// parseHeaderTime reads a header date such as 2023-08-09 15:35:32.
func parseHeaderTime(s string) (time.Time, bool) {
	s = strings.Join(strings.Fields(s), " ")
	for _, layout := range headerTimeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	if t, ok := parseDate(s); ok {
		return t, true
	}
	return time.Time{}, false
}
