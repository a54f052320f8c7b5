package anchor

import (
	"errors"
	"strings"
	"testing"
)

// The seed's copy of the reply writes ASCII , : ; ( ) between Chinese
// words; staff type the full-width marks of their input method.
func TestLocateFolds(t *testing.T) {
	const text = "省工业和信息化厅印发实施,推动“一核两区”规划布局落细落实。(一)“一核”。以贵阳贵安为核心 , 培育集群。"
	for _, c := range []struct {
		name, quote, want string
	}{
		{"full-width comma against ASCII", "印发实施，推动", "印发实施,推动"},
		{"full-width brackets", "（一）“一核”", "(一)“一核”"},
		{"spaces typed where the text has none", "印发 实施 , 推动", "印发实施,推动"},
		{"spaces in the text the quote lacks", "为核心，培育", "为核心 , 培育"},
		{"ideographic space", "为核心\u3000，培育集群", "为核心 , 培育集群"},
		{"full-width digits and the quote marks of a Western keyboard", "\"一核两区\"规划", "“一核两区”规划"},
	} {
		t.Run(c.name, func(t *testing.T) {
			span, err := Locate(text, c.quote, nil)
			if err != nil {
				t.Fatalf("Locate(%q): %v", c.quote, err)
			}
			if got := span.Of(text); got != c.want {
				t.Errorf("Locate(%q) = %v, the words %q; want %q", c.quote, span, got, c.want)
			}
		})
	}
}

func TestLocateFoldedOffsetsAreTheOriginals(t *testing.T) {
	const text = "一是 推进锰矿勘查,二是建设园区。"
	span, err := Locate(text, "推进锰矿勘查，二是", nil)
	if err != nil || span != (Span{3, 12}) {
		t.Fatalf("Locate = %v, %v; want [3, 12)", span, err)
	}
	// A folded match still may not take a commitment's words.
	_, err = Locate(text, "勘查，二是", []Taken{{Span{10, 14}, "承诺 1:建设"}})
	var qe *QuoteError
	if !errors.As(err, &qe) || qe.Reason != Overlaps {
		t.Fatalf("overlapping folded quote: %v", err)
	}
	// Folding can make two places one: then the quote is ambiguous.
	if _, err := Locate("甲,乙。甲,乙", "甲，乙", nil); !errors.As(err, &qe) || qe.Reason != Repeated {
		t.Fatalf("ambiguous folded quote: %v", err)
	}
	// An ellipsis folds to three dots, but a quote may not cut it in two.
	if _, err := Locate("等等…其他", "等等..", nil); !errors.As(err, &qe) || qe.Reason != NotInText {
		t.Fatalf("half an ellipsis: %v", err)
	}
	if span, err := Locate("等等…其他", "等等...其他", nil); err != nil || span != (Span{0, 5}) {
		t.Fatalf("three dots for an ellipsis: %v, %v", span, err)
	}
}

func TestLocateSaysWhereTheQuoteStopsMatching(t *testing.T) {
	const text = "2022年至2023年,省财政安排39932.82万元专项资金,实施地质找矿项目51个。"
	for _, c := range []struct {
		name, quote          string
		after, source, typed string
		message              string
	}{
		{"a changed figure", "省财政安排39932.83万元专项资金", "省财政安排39932.8", "2万元专项资金,实施地质…", "3万元专项资金",
			"引文在“省财政安排39932.8”之后与原文不同：原文是“2万元专项资金,实施地质…”，您输入的是“3万元专项资金”。"},
		{"a full-width comma then a wrong word", "专项资金，实施矿产项目", "专项资金,实施", "地质找矿项目51个。", "矿产项目", ""},
		{"past the end of the paragraph", "项目51个。此外", "项目51个。", "", "此外",
			"引文在“项目51个。”之后与原文不同：这一段到此结束，您输入的还有“此外”。"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Locate(text, c.quote, nil)
			var qe *QuoteError
			if !errors.As(err, &qe) || qe.Reason != NotInText {
				t.Fatalf("Locate(%q) = %v; want a quote not in the text", c.quote, err)
			}
			if qe.After != c.after || qe.Source != c.source || qe.Typed != c.typed {
				t.Errorf("mismatch after %q, source %q, typed %q; want %q, %q, %q", qe.After, qe.Source, qe.Typed, c.after, c.source, c.typed)
			}
			if c.message != "" && !strings.Contains(qe.Error(), c.message) {
				t.Errorf("message %q\nwant    %q", qe.Error(), c.message)
			}
		})
	}
	// Not even the first character: the plain message.
	_, err := Locate(text, "锂电池", nil)
	if err == nil || strings.Contains(err.Error(), "之后") {
		t.Errorf("a quote sharing nothing with the text: %v", err)
	}
}

// Every stretch of a text, typed with full-width marks, is found at its
// own place (or said to be repeated), never somewhere else.
func TestLocateFoldedFindsEveryStretchAtItsPlace(t *testing.T) {
	const text = "按照国家新一轮找矿突破战略行动要求,我省紧扣发展壮大新兴产业;“十四五”期间(2022-2025年),主攻锂、磷等8种矿产… 实施项目51个。"
	wide := strings.NewReplacer(",", "，", ";", "；", "(", "（", ")", "）", "-", "－", "…", "...", " ", "")
	r := []rune(text)
	for i := 0; i < len(r); i++ {
		for j := i + 1; j <= len(r) && j <= i+12; j++ {
			words := string(r[i:j])
			span, err := Locate(text, wide.Replace(words), nil)
			var qe *QuoteError
			switch {
			case err == nil:
				if fold(span.Of(text)).s != fold(words).s {
					t.Fatalf("%q typed as %q found as %q", words, wide.Replace(words), span.Of(text))
				}
			case errors.As(err, &qe) && qe.Reason == Repeated:
			case strings.TrimSpace(words) == "":
			default:
				t.Fatalf("%q typed as %q: %v", words, wide.Replace(words), err)
			}
		}
	}
}
