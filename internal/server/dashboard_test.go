package server_test

import (
	"context"
	"html"
	"math/big"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/guizhou-portal/portal/internal/policy"
)

// chinaNoon is noon, China time, on day (2006-01-02).
func chinaNoon(t *testing.T, day string) time.Time {
	t.Helper()
	now, err := time.Parse("2006-01-02 15:04 -0700", day+" 12:00 +0800")
	if err != nil {
		t.Fatal(err)
	}
	return now
}

// table returns the rows of the HTML table with the given id: each row's
// header cell text and its data-series cells.
func table(t *testing.T, body, id string) map[string]map[string]string {
	t.Helper()
	start := strings.Index(body, `<table id="`+id+`"`)
	if start < 0 {
		t.Fatalf("no table %s", id)
	}
	end := strings.Index(body[start:], "</table>")
	rowRE := regexp.MustCompile(`(?s)<tr>\s*<th scope="row">(.*?)</th>(.*?)</tr>`)
	cellRE := regexp.MustCompile(`data-series="([a-z_]+)">\s*(?:<a href="[^"]*">)?(\d+)<`)
	tagRE := regexp.MustCompile(`<[^>]+>`)
	out := map[string]map[string]string{}
	for _, m := range rowRE.FindAllStringSubmatch(body[start:start+end], -1) {
		label := html.UnescapeString(strings.TrimSpace(tagRE.ReplaceAllString(m[1], "")))
		out[label] = map[string]string{}
		for _, c := range cellRE.FindAllStringSubmatch(m[2], -1) {
			out[label][c[1]] = c[2]
		}
	}
	return out
}

func TestDashboardChartsAddUpToTheDatabase(t *testing.T) {
	p := newTestPortal(t, withClock(chinaNoon(t, "2026-11-28")))
	base, pool := p.URL, p.Pool
	ctx := context.Background()
	r := request(t, nil, "GET", base+"/dashboard", nil)
	if r.status != 200 {
		t.Fatalf("status %d", r.status)
	}

	// Commitments by theme and status, and by theme and strength, counted by the database.
	for _, c := range []struct{ table, column string }{{"by-status-table", "status"}, {"by-strength-table", "strength"}} {
		rows, err := pool.Query(ctx, `
			SELECT coalesce(t.name_zh, '全部'), c.`+c.column+`, count(*)
			FROM commitments c
			JOIN section_roots r ON r.section_id = c.section_id
			JOIN sections top ON top.id = r.root_id
			JOIN themes t ON t.key = top.theme_key
			GROUP BY GROUPING SETS ((t.name_zh, c.`+c.column+`), (c.`+c.column+`))`)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]map[string]string{}
		for rows.Next() {
			var label, key string
			var n int
			if err := rows.Scan(&label, &key, &n); err != nil {
				t.Fatal(err)
			}
			if want[label] == nil {
				want[label] = map[string]string{}
			}
			want[label][key] = itoa(n)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		got := table(t, r.body, c.table)
		if len(got) != 8 {
			t.Errorf("%s has %d rows, want all sections and 7 themes", c.table, len(got))
		}
		for label, cells := range want {
			total := 0
			for key, n := range cells {
				if got[label][key] != n {
					t.Errorf("%s: %s / %s = %q, database says %s", c.table, label, key, got[label][key], n)
				}
				total += atoi(n)
			}
			if got[label]["total"] != itoa(total) {
				t.Errorf("%s: %s total %q, database says %d", c.table, label, got[label]["total"], total)
			}
		}
	}
	if !strings.Contains(r.body, "51 项 · 完成 18（35%）") {
		t.Error("the overall bar does not say 51 commitments, 18 completed (35%)")
	}

	// Every sum of money, in 亿元, and the sum per kind: funds, investment and
	// output apart; an order of magnitude (千亿级) is listed, never added.
	rows, err := pool.Query(ctx, `SELECT measure, qualifier, quote, (base_value / 100000000)::text FROM figures WHERE kind = 'money'`)
	if err != nil {
		t.Fatal(err)
	}
	sums := map[policy.MoneyKind]*big.Rat{}
	var amounts, magnitudes []string
	for rows.Next() {
		var measure, qualifier, quote, yi string
		if err := rows.Scan(&measure, &qualifier, &quote, &yi); err != nil {
			t.Fatal(err)
		}
		if qualifier == "order_of" {
			magnitudes = append(magnitudes, quote)
			continue
		}
		v, _ := new(big.Rat).SetString(yi)
		k := policy.MoneyKindOf(measure)
		if sums[k] == nil {
			sums[k] = new(big.Rat)
		}
		sums[k].Add(sums[k], v)
		amounts = append(amounts, v.FloatString(7))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if len(amounts) != 7 || len(magnitudes) != 1 {
		t.Errorf("the database has %d sums of money and %d orders of magnitude, want the reply's 7 and 1", len(amounts), len(magnitudes))
	}
	for key, sum := range sums {
		m := regexp.MustCompile(`data-sum="` + string(key) + `">(?:超过 )?([0-9.]+)<`).FindStringSubmatch(r.body)
		if m == nil {
			t.Errorf("no sum for %s", key)
			continue
		}
		got, _ := new(big.Rat).SetString(m[1])
		if got.Cmp(sum) != 0 {
			t.Errorf("%s sums to %s 亿元 on the page, %s in the database", key, m[1], sum.FloatString(7))
		}
	}
	var shown []string
	for _, m := range regexp.MustCompile(`data-yi="([0-9.]+)"`).FindAllStringSubmatch(r.body, -1) {
		v, _ := new(big.Rat).SetString(m[1])
		shown = append(shown, v.FloatString(7))
	}
	sort.Strings(amounts)
	sort.Strings(shown)
	if strings.Join(shown, " ") != strings.Join(amounts, " ") {
		t.Errorf("amounts on the page %v, in the database %v", shown, amounts)
	}
	// The figures the reply gives, as 亿元: 39932.82万元 is 3.993282亿元, with
	// 10亿元 and 8.11亿元 of funds; 388.7亿元 of investment; more than
	// 50 + 100 + 50 亿元 of output. 千亿级 stands apart, drawn as no bar.
	for _, w := range []string{`data-sum="funds">22.103282<`, `data-sum="investment">388.7<`, `data-sum="output">超过 200<`} {
		if !strings.Contains(r.body, w) {
			t.Errorf("page lacks %s", w)
		}
	}
	money := r.body[strings.Index(r.body, `id="money-h"`):]
	money = money[:strings.Index(money, "</section>")]
	drawn := money[:strings.Index(money, "</svg>")]
	if strings.Contains(drawn, "千亿级") || !strings.Contains(money, `<strong class="amount" lang="zh-CN">千亿级</strong>`) {
		t.Error("千亿级 is drawn in the money chart, or not listed apart as an order of magnitude")
	}

	// The timeline has every commitment with a time frame; two are past their period.
	var dated int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM commitments WHERE time_frame IS NOT NULL OR due_on IS NOT NULL`).Scan(&dated); err != nil {
		t.Fatal(err)
	}
	tl := r.body[strings.Index(r.body, `<table id="timeline-table"`):]
	tl = tl[:strings.Index(tl, "</table>")]
	if n := strings.Count(tl, `<td><a href="/commitments/`); n != dated {
		t.Errorf("timeline table has %d commitments, database %d with a time frame", n, dated)
	}
	// The text's calendar dates that no commitment carries are on it too.
	for _, w := range []string{"<td>2022-2025年</td>", "<td>2023年6月28日</td>"} {
		if !strings.Contains(tl, w) {
			t.Errorf("the timeline lacks %s", w)
		}
	}
	if n := strings.Count(tl, "<tr") - 1; n != dated+2 {
		t.Errorf("timeline table has %d rows, want %d commitments and 2 dates", n, dated)
	}
	if n := strings.Count(r.body[strings.Index(r.body, `<table id="mentions-table"`):], "<tr>") - 1; n < 15 {
		t.Errorf("the table of time expressions has %d rows, want the reply's 15", n)
	}
	overdue := regexp.MustCompile(`(?s)<tr class="overdue"><td>(.*?)</td>`).FindAllStringSubmatch(tl, -1)
	var frames []string
	for _, m := range overdue {
		frames = append(frames, m[1])
	}
	if strings.Join(frames, " ") != "“十四五”期间 2022年至2023年" {
		t.Errorf("overdue on 2026-11-28: %q, want the 十四五 survey and the 2022-2023 exploration projects", frames)
	}
}

func TestNothingIsOverdueBeforeItsPeriodEnds(t *testing.T) {
	base := newTestPortal(t, withClock(chinaNoon(t, "2023-07-01"))).URL
	r := request(t, nil, "GET", base+"/dashboard", nil)
	if strings.Contains(r.body, `<tr class="overdue">`) || strings.Contains(r.body, `<tr class="due-soon">`) {
		t.Error("on 2023-07-01 a commitment is flagged, but no period had ended or was about to")
	}
	base = newTestPortal(t, withClock(chinaNoon(t, "2023-11-15"))).URL
	r = request(t, nil, "GET", base+"/dashboard", nil)
	if n := strings.Count(r.body, `<tr class="due-soon">`); n != 1 {
		t.Errorf("on 2023-11-15, %d commitments due soon, want the 2022-2023 exploration projects", n)
	}
}

func atoi(s string) int {
	n, _ := new(big.Int).SetString(s, 10)
	return int(n.Int64())
}

// A withdrawn commitment leaves the public's charts and map, as it leaves the lists.
func TestWithdrawnCommitmentsLeaveTheCharts(t *testing.T) {
	p := newTestPortal(t)
	base, pool := p.URL, p.Pool
	var id int64
	if err := pool.QueryRow(context.Background(), `
		UPDATE commitments SET withdrawn_at = now(), withdrawn_reason = '测试'
		WHERE quote LIKE '铜仁市以大龙经开区为重点%' RETURNING id`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	r := request(t, nil, "GET", base+"/dashboard", nil)
	if !strings.Contains(r.body, "50 项 · 完成 18（36%）") {
		t.Error("the dashboard still counts the withdrawn commitment")
	}
	r = request(t, nil, "GET", base+"/map", nil)
	row := regexp.MustCompile(`(?s)<tr data-code="520600".*?</tr>`).FindString(r.body)
	if !strings.Contains(row, `data-commitments="1"`) {
		t.Errorf("铜仁 still counts the withdrawn commitment:\n%s", row)
	}
}
