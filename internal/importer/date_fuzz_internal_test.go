package importer

import (
	"strconv"
	"strings"
	"testing"
	"time"
)

// FuzzParseDate: a line read as a date names a day the calendar has, and the
// day written: the digits, or the numerals that cnNumeral writes back.
func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2023年6月28日", "二〇二三年六月二十八日", "2023-06-28", "2023/6/28", "2023.6.28", "2023\uff0e06\uff0e28",
		"二〇二三年二月三十日", "2023年13月1日", "2023年0月0日", "2023-06/28", "二〇二三年二二月一日", "OOOO年一月一日", "9999年99月99日",
		"2023 年 6 月 28 日", "2023年6月28日\x00", "\xff", "2023-08-09 15:35:32", "2023年08月09日", "' OR 1=1--"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, ok := parseDate(s)
		if ok {
			w, scanned := scanDate(s)
			if !scanned || d.Year() != w.year || int(d.Month()) != w.month || d.Day() != w.day {
				t.Fatalf("%q read as %v, written %+v", s, d, w)
			}
		}
		if h, ok := parseHeaderTime(s); ok && h.Location() != time.UTC {
			t.Fatalf("%q read in %v", s, h.Location())
		}
	})
}

// FuzzCNNumber: cnNumber reads what cnNumeral writes, and what it reads in
// numerals it would write the same way (or with the formal 一 before 十).
func FuzzCNNumber(f *testing.F) {
	for n := 1; n < 100; n++ {
		f.Add(cnNumeral(n))
	}
	for _, s := range []string{"", "0", "01", "-1", "99999999999999999999", "十十", "一十", "〇", "二二", "１２"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, ok := cnNumber(s)
		if !ok {
			return
		}
		if n < 1 {
			t.Fatalf("%q read as %d", s, n)
		}
		if _, err := strconv.Atoi(s); err != nil && !strings.ContainsAny(s, "〇○零Oo０") &&
			cnNumeral(n) != s && "一"+cnNumeral(n) != s { // 一十二 is a formal 十二
			t.Fatalf("%q read as %d, which is written %q", s, n, cnNumeral(n))
		}
	})
}
