package policy

import (
	"regexp"
	"strconv"
	"time"
)

// China is the time zone in which the portal's readers count days and read
// the times of its own records. China has one zone, without daylight saving
// (a fixed offset needs no time zone database on the host).
var China = time.FixedZone("CST", 8*60*60)

// Today is the date of now in China, as a UTC midnight like the dates the store
// returns and forms parse.
func Today(now time.Time) time.Time {
	y, m, d := now.In(China).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// TimeMention is a date or time frame as a document writes it, with the
// calendar period it names when it names one (2022年至2023年), and none when
// it is relative to the document's date (近期, 下一步).
type TimeMention struct {
	Place      Place // the expression's span in its paragraph
	Text       string
	Start, End *time.Time
}

// Calendar reports whether the mention names calendar dates.
func (m TimeMention) Calendar() bool { return m.Start != nil && m.End != nil }

// timePatterns are tried at each position in order, so the longer forms win:
// 2022年11月 is a month, not the year 2022 followed by 11月.
var timePatterns = []struct {
	re     *regexp.Regexp
	period func(m []string) (start, end time.Time, ok bool) // ok is false for a day the calendar lacks
}{
	{regexp.MustCompile(`^(\d{4})-(\d{4})年`), func(m []string) (time.Time, time.Time, bool) { return years(m[1], m[2]) }},
	{regexp.MustCompile(`^(\d{4})年至(\d{4})年`), func(m []string) (time.Time, time.Time, bool) { return years(m[1], m[2]) }},
	{regexp.MustCompile(`^(\d{4})年(\d{1,2})月(\d{1,2})日`), func(m []string) (time.Time, time.Time, bool) {
		d, ok := ymd(m[1], m[2], m[3])
		return d, d, ok
	}},
	{regexp.MustCompile(`^(\d{4})年(\d{1,2})月`), func(m []string) (time.Time, time.Time, bool) {
		first, ok := ymd(m[1], m[2], "1")
		return first, first.AddDate(0, 1, -1), ok
	}},
	{regexp.MustCompile(`^(\d{4})年度?`), func(m []string) (time.Time, time.Time, bool) { return years(m[1], m[1]) }},
	// The 14th Five-Year Plan period.
	{regexp.MustCompile(`^“十四五”期间`), func([]string) (time.Time, time.Time, bool) { return years("2021", "2025") }},
	{regexp.MustCompile(`^(近期|下一步|短期|目前)`), nil},
}

// years is the period from the first day of one year to the last of another;
// a range that runs backwards (2025-2022年) is no period.
func years(from, to string) (time.Time, time.Time, bool) {
	a, _ := strconv.Atoi(from)
	b, _ := strconv.Atoi(to)
	return time.Date(a, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(b, 12, 31, 0, 0, 0, 0, time.UTC), a <= b
}

// ymd is the day written; ok is false when the calendar has no such day
// (2023年13月, 2023年2月30日), which time.Date would quietly move elsewhere.
func ymd(y, m, d string) (time.Time, bool) {
	yy, _ := strconv.Atoi(y)
	mm, _ := strconv.Atoi(m)
	dd, _ := strconv.Atoi(d)
	t := time.Date(yy, time.Month(mm), dd, 0, 0, 0, 0, time.UTC)
	return t, t.Year() == yy && int(t.Month()) == mm && t.Day() == dd
}

// TimeMentions finds every date and time frame in the paragraphs, in reading
// order: years, year ranges, months, days, “十四五”期间, and the relative
// 近期, 下一步, 短期 and 目前. Offsets are in code points, like every span.
func TimeMentions(paragraphs []Place) []TimeMention {
	var out []TimeMention
	for _, p := range paragraphs {
		runes := []rune(p.ParagraphText)
		// Byte offsets as range counts them: an invalid byte is one rune of
		// width one (len(string(r)) would say three, for U+FFFD).
		byteAt := make([]int, 0, len(runes)+1)
		for b := range p.ParagraphText {
			byteAt = append(byteAt, b)
		}
		byteAt = append(byteAt, len(p.ParagraphText))
		for i := 0; i < len(runes); {
			rest := p.ParagraphText[byteAt[i]:]
			matched := false
			for _, tp := range timePatterns {
				m := tp.re.FindStringSubmatch(rest)
				if m == nil {
					continue
				}
				// A year must not be the tail of a longer number.
				if i > 0 && runes[i-1] >= '0' && runes[i-1] <= '9' {
					break
				}
				tm := TimeMention{Place: p, Text: m[0]}
				if tp.period != nil {
					s, e, ok := tp.period(m)
					if !ok {
						continue // not this form: 2023年13月 is still the year 2023
					}
					tm.Start, tm.End = &s, &e
				}
				n := len([]rune(m[0]))
				tm.Place.Start, tm.Place.End = i, i+n
				out = append(out, tm)
				i += n
				matched = true
				break
			}
			if !matched {
				i++
			}
		}
	}
	return out
}
