package anchor

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestLocate(t *testing.T) {
	const text = "一是推进锰矿勘查。二是建设锰产业园区。"
	taken := []Taken{{Span{9, 18}, "承诺 2:建设园区"}}
	for _, c := range []struct {
		name, quote string
		taken       []Taken
		want        Span
		reason      Reason
		label       string
	}{
		{"unique match, in characters not bytes", "推进锰矿勘查", nil, Span{2, 8}, 0, ""},
		{"the whole paragraph", text, nil, Span{0, 19}, 0, ""},
		{"no match", "推进磷矿勘查", nil, Span{}, NotInText, ""},
		{"empty quote", "", nil, Span{}, NotInText, ""},
		{"ambiguous match", "锰", nil, Span{}, Repeated, ""},
		{"overlaps a taken span", "锰产业园区", taken, Span{}, Overlaps, "承诺 2:建设园区"},
		{"ends where a taken span begins", "推进锰矿勘查。", taken, Span{2, 9}, 0, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := Locate(text, c.quote, c.taken)
			if c.reason == 0 {
				if err != nil || got != c.want {
					t.Fatalf("Locate(%q) = %v, %v; want %v", c.quote, got, err, c.want)
				}
				return
			}
			var qe *QuoteError
			if !errors.As(err, &qe) || qe.Reason != c.reason || qe.Label != c.label || got != (Span{}) {
				t.Fatalf("Locate(%q) = %v, %v; want reason %d, label %q", c.quote, got, err, c.reason, c.label)
			}
			if qe.Error() == "" {
				t.Error("a quote error without a message")
			}
		})
	}
}

func TestQuoteErrorMessagesNameTheRule(t *testing.T) {
	seen := map[string]bool{}
	for _, e := range []*QuoteError{{Reason: NotInText}, {Reason: Repeated}, {Reason: Overlaps, Label: "承诺 7:某事"}} {
		if seen[e.Error()] {
			t.Errorf("reason %d shares its message %q", e.Reason, e.Error())
		}
		seen[e.Error()] = true
	}
	if msg := (&QuoteError{Reason: Overlaps, Label: "承诺 7:某事"}).Error(); !strings.Contains(msg, "承诺 7:某事") {
		t.Errorf("overlap message %q does not name the commitment", msg)
	}
}

func TestIndexAll(t *testing.T) {
	for _, c := range []struct {
		s, sub string
		want   []int
	}{
		{"锰矿锰矿", "锰矿", []int{0, 2}},
		{"aaa", "aa", []int{0, 1}}, // overlapping occurrences count
		{"a锰b锰", "锰", []int{1, 3}},
		{"锰矿", "磷", nil},
		{"锰矿", "", nil},
	} {
		if got := IndexAll(c.s, c.sub); !slices.Equal(got, c.want) {
			t.Errorf("IndexAll(%q, %q) = %v, want %v", c.s, c.sub, got, c.want)
		}
	}
}

func TestTruncate(t *testing.T) {
	for _, c := range []struct {
		s    string
		n    int
		want string
	}{
		{"推进锰矿勘查", 4, "推进锰矿…"},
		{"推进锰矿勘查", 6, "推进锰矿勘查"},
		{"推进", 40, "推进"},
	} {
		if got := Truncate(c.s, c.n); got != c.want {
			t.Errorf("Truncate(%q, %d) = %q, want %q", c.s, c.n, got, c.want)
		}
	}
}
