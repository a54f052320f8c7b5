package importer_test

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/guizhou-portal/portal/internal/importer"
)

// seedWith is the seed page with one whole line replaced.
func seedWith(t *testing.T, old, new string) []byte {
	t.Helper()
	src, err := os.ReadFile(seedFile)
	if err != nil {
		t.Fatal(err)
	}
	s := strings.Replace(string(src), "\n"+old+"\n", "\n"+new+"\n", 1)
	if s == string(src) {
		t.Fatalf("the seed has no line %q", old)
	}
	return []byte(s)
}

// TestParseReadsSigningDateWrittenInDigits: some sites write the date under
// the signature as 2023-06-28. It is the signing date as much as 2023年6月28日
// is; before, the signature and the date fell into the body, the date was
// lost and the closing was no longer found.
func TestParseReadsSigningDateWrittenInDigits(t *testing.T) {
	want := parseSeed(t)
	for _, date := range []string{"2023-06-28", "2023/6/28", "2023.6.28", "2023-6-28", "2023\uff0e06\uff0e28"} {
		d, err := importer.Parse(seedWith(t, "2023年6月28日", date))
		if err != nil {
			t.Errorf("%s: %v", date, err)
			continue
		}
		checkInvariants(t, d)
		if d.Meta.SignedOn != "2023-06-28" || d.Meta.SigningBody != want.Meta.SigningBody || roles(d) != roles(want) ||
			len(d.Candidates) != len(want.Candidates) || d.Closing == nil || *d.Closing != *want.Closing {
			t.Errorf("%s: signed on %q by %q, %d candidates (want %d), closing %+v\nroles %s\nwant  %s",
				date, d.Meta.SignedOn, d.Meta.SigningBody, len(d.Candidates), len(want.Candidates), d.Closing, roles(d), roles(want))
		}
	}
	// Digits that are not a date in that form stay text.
	for _, line := range []string{"2023-06", "2023-06/28", "23.6.28"} {
		d := parse(t, "答复\n各位:\n收悉。\n"+line+"\n")
		if d.Meta.SignedOn != "" {
			t.Errorf("%s read as the date %s", line, d.Meta.SignedOn)
		}
	}
}

// TestParseRefusesImpossibleSigningDate: a date line that names a day the
// calendar does not have is a typing error in the source; importing the
// reply without its date, with the signature as body text, hid it.
func TestParseRefusesImpossibleSigningDate(t *testing.T) {
	for _, tc := range []struct{ date, says string }{
		{"2023年2月30日", "2023年2月只有28天"},
		{"二〇二三年二月三十日", "2023年2月只有28天"},
		{"2023-02-29", "2023年2月只有28天"},
		{"2024年4月31日", "2024年4月只有30天"},
		{"2023年13月1日", "没有13月"},
		{"2023-00-10", "没有0月"},
		{"2023年6月0日", "没有0日"},
		{"2023.6.32", "2023年6月只有30天"},
	} {
		_, err := importer.Parse(seedWith(t, "2023年6月28日", tc.date))
		var pe *importer.ParseError
		if !errors.As(err, &pe) {
			t.Errorf("%s: accepted (%v)", tc.date, err)
			continue
		}
		if pe.Line != 54 || !strings.Contains(pe.Message, "“"+tc.date+"”") || !strings.Contains(pe.Message, tc.says) {
			t.Errorf("%s: %v, want line 54 naming the date and saying %q", tc.date, err, tc.says)
		}
	}
	// An impossible date in the body, where a date line does not belong, is named too.
	_, err := importer.Parse([]byte("答复\n各位:\n收悉。\n2023年2月30日\n附件:清单\n"))
	if err == nil || !strings.HasPrefix(err.Error(), "第4行:") || !strings.Contains(err.Error(), "只有28天") {
		t.Errorf("impossible date before other text: %v", err)
	}
}
