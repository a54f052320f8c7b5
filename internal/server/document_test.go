package server_test

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
)

func TestDocumentPageMarksCommitmentsMentionsAndCitationsInPlace(t *testing.T) {
	p := newTestPortal(t)
	base, pool := p.URL, p.Pool
	var id int64
	if err := pool.QueryRow(context.Background(), `SELECT id FROM commitments WHERE quote = '已完成实训710人'`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	r := request(t, nil, "GET", base+"/documents/"+replySlug, nil)
	// The commitment is highlighted where it stands and links to its page.
	mark := regexp.MustCompile(`<mark class="commitment" id="c` + fmt.Sprint(id) + `"[^>]*>已完成实训<a class="entity"|<mark class="commitment" id="c` + fmt.Sprint(id) + `"[^>]*>已完成实训710人</mark>`)
	if !mark.MatchString(r.body) {
		t.Errorf("commitment %d is not highlighted in place", id)
	}
	if !strings.Contains(r.body, fmt.Sprintf(`<a class="cref" href="/commitments/%d"`, id)) {
		t.Errorf("commitment %d is not linked from the text", id)
	}
	// A cited title is one link, even where entities are named inside it.
	if !strings.Contains(r.body, `>《贵州省新能源动力电池及材料研发生产基地建设规划(2022-2030年)》</a>`) {
		t.Errorf("the cited plan's title is not one whole link")
	}
	for _, want := range []string{
		`<a class="entity" href="/entities/catl">宁德时代</a>`,
		`<a class="cite" href="/documents/gz-emergency-master-plan"`,
		`<span class="anchor" id="s7-3"></span>`,
	} {
		if !strings.Contains(r.body, want) {
			t.Errorf("document page lacks %s", want)
		}
	}
	// The text between the marks is still the text: strip tags from paragraph 19's
	// markup and compare with the source paragraph.
	para := regexp.MustCompile(`(?s)<p id="p19"[^>]*>(.*?)</p>`).FindStringSubmatch(r.body)
	if para == nil {
		t.Fatal("paragraph 19 missing")
	}
	text := regexp.MustCompile(`<a class="(pilcrow|cref)"[^>]*>[^<]*</a>|<[^>]+>`).ReplaceAllString(para[1], "")
	if !strings.HasPrefix(strings.TrimSpace(text), "(二)强化人力支持和智力支撑。") || !strings.HasSuffix(strings.TrimSpace(text), "已完成实训710人。") {
		t.Errorf("paragraph 19 text altered by markup: %q", text)
	}
}

func TestPrintedDocumentListsEveryCommitmentWithItsStatus(t *testing.T) {
	base := newTestPortal(t).URL
	r := request(t, nil, "GET", base+"/documents/"+replySlug, nil)
	i := strings.Index(r.body, `<section class="print-only"`)
	if i < 0 {
		t.Fatal("the document page has no printed status table")
	}
	sec := r.body[i:]
	sec = sec[:strings.Index(sec, "</section>")]
	if n := strings.Count(sec, "<tr>") - 1; n != 51 {
		t.Errorf("the printed table lists %d commitments, want 51", n)
	}
	for _, w := range []string{"承诺 43 完成大数据人才实训710人", "已完成", "未评估", "2022年至2023年"} {
		if !strings.Contains(sec, w) {
			t.Errorf("printed table lacks %q", w)
		}
	}
	css := request(t, nil, "GET", base+"/static/print.css", nil)
	for _, w := range []string{"size: A4", ".print-only { display: block; }", "header.site nav"} {
		if !strings.Contains(css.body, w) {
			t.Errorf("print.css lacks %q", w)
		}
	}
}

func TestPlainTextIsTheDocumentRebuiltFromTheDatabase(t *testing.T) {
	base := newTestPortal(t).URL
	r := request(t, nil, "GET", base+"/documents/"+replySlug+".txt", nil)
	if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "text/plain; charset=utf-8") {
		t.Fatalf("status %d, type %q", r.status, r.header.Get("Content-Type"))
	}
	src, err := os.ReadFile("../../testdata/000_ddc10b41889c9f4f.txt")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(src), "\n")
	var want []string
	for _, l := range lines[7:58] { // the body: from the salutation (line 8) to the contact line (58)
		if strings.TrimSpace(l) != "" {
			want = append(want, l)
		}
	}
	got := strings.Split(strings.TrimSuffix(r.body, "\n"), "\n\n")
	if got[0] != lines[4] {
		t.Errorf("first line %q, want the title %q", got[0], lines[4])
	}
	if len(got)-1 != len(want) {
		t.Fatalf("%d paragraphs, want %d", len(got)-1, len(want))
	}
	for i := range want {
		if got[i+1] != want[i] {
			t.Errorf("paragraph %d:\n got %q\nwant %q", i+1, got[i+1], want[i])
		}
	}
}

// TestFiguresTableCountsMoneyAsReadersDo: the figures table gives each sum
// of money as the text writes it and, beside it, in 亿元 (Chinese) or in
// billions and millions of yuan (English), never as a twelve-digit number of
// yuan; neither breaks across lines.
func TestFiguresTableCountsMoneyAsReadersDo(t *testing.T) {
	base := newTestPortal(t).URL
	for _, c := range []struct{ lang, quote, normal string }{
		{"zh", "388.7亿元", "388.7 亿元"},
		{"zh", "39932.82万元", "3.993282 亿元"},
		{"en", "388.7亿元", "38.87 billion yuan"},
		{"en", "39932.82万元", "399.3282 million yuan"},
	} {
		r := request(t, nil, "GET", base+"/documents/"+replySlug, nil, "Accept-Language", c.lang)
		table := r.body[strings.Index(r.body, `id="figures-h"`):]
		table = table[:strings.Index(table, "</table>")]
		row := regexp.MustCompile(`<td class="amount"[^>]*>` + regexp.QuoteMeta(c.quote) + `</td>.*?</tr>`).FindString(table)
		if row == "" || !strings.Contains(row, `<td class="num amount">`+c.normal+`</td>`) {
			t.Errorf("%s: the row of %s does not give %s beside it: %q", c.lang, c.quote, c.normal, row)
		}
		if strings.Contains(table, "38,870,000,000") {
			t.Errorf("%s: the table still counts 388.7亿元 in yuan", c.lang)
		}
	}
}
