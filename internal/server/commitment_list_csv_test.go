package server_test

import (
	"context"
	"encoding/csv"
	"strconv"
	"strings"
	"testing"

	"github.com/guizhou-portal/portal/internal/policy"
	"github.com/guizhou-portal/portal/internal/postgres"
)

func readCSV(t *testing.T, r response) [][]string {
	t.Helper()
	if r.status != 200 || r.header.Get("Content-Type") != "text/csv; charset=utf-8" {
		t.Fatalf("status %d, type %q\n%s", r.status, r.header.Get("Content-Type"), r.body)
	}
	body, ok := strings.CutPrefix(r.body, "\ufeff")
	if !ok {
		t.Fatal("no byte-order mark: Excel would not read the file as UTF-8")
	}
	if !strings.Contains(body, "\r\n") {
		t.Fatal("rows do not end in CRLF")
	}
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestCommitmentsCSVParsesBack(t *testing.T) {
	base, pool, a, withdrawn := trackedPortal(t)
	ctx := context.Background()
	store := postgres.NewStore(pool)
	c, err := store.Commitment(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	p := 55
	if err := store.UpdateCommitment(ctx, policy.Actor{Name: "cli"}, a, c.Version, policy.CommitmentEdit{
		Status: policy.StatusInProgress, Progress: &p, TimeFrame: "2024年", PublicNote: "=HYPERLINK(\"http://evil\")"}); err != nil {
		t.Fatal(err)
	}

	rows := readCSV(t, request(t, nil, "GET", base+"/commitments.csv", nil))
	header := rows[0]
	col := map[string]int{}
	for i, h := range header {
		col[h] = i
	}
	for _, h := range []string{"编号", "章节", "原文", "状态", "进度(%)", "牵头单位", "配合单位", "时间安排", "数字"} {
		if _, ok := col[h]; !ok {
			t.Fatalf("no column %s in %v", h, header)
		}
	}
	if len(rows) != 1+50 {
		t.Fatalf("%d rows, want a header and the 50 visible commitments", len(rows))
	}
	byID := map[string][]string{}
	for _, row := range rows[1:] {
		if len(row) != len(header) {
			t.Fatalf("row of %d cells: %v", len(row), row)
		}
		byID[row[col["编号"]]] = row
	}
	if _, ok := byID[strconv.FormatInt(withdrawn, 10)]; ok {
		t.Error("the withdrawn commitment is in the CSV")
	}
	mine := byID[strconv.FormatInt(a, 10)]
	if link := mine[col["网址"]]; !strings.HasPrefix(link, "http://") || !strings.HasSuffix(link, "/commitments/"+strconv.FormatInt(a, 10)) {
		t.Errorf("the link %q is not an absolute URL a spreadsheet can open", link)
	}
	if mine[col["状态"]] != "推进中" || mine[col["进度(%)"]] != "55" || mine[col["时间安排"]] != "2024年" ||
		mine[col["公开说明"]] != `'=HYPERLINK("http://evil")` {
		t.Errorf("edited commitment row: %v", mine)
	}
	found := false
	for _, row := range rows[1:] {
		if strings.Contains(row[col["数字"]], "39932.82万元(省财政安排的地质找矿专项资金)") {
			found = true
			if !strings.Contains(row[col["原文"]], "39932.82万元") || !strings.HasPrefix(row[col["章节"]], "二、加大找矿力度") {
				t.Errorf("figure row: %v", row)
			}
		}
	}
	if !found {
		t.Error("no row carries the 39932.82万元 figure")
	}

	// The same filters as the page and the API, with the same strict check.
	api := decode[struct{ Meta struct{ Total int } }](t, request(t, nil, "GET", base+"/api/v1/commitments?status=completed&section=investment_attraction", nil))
	if n := len(readCSV(t, request(t, nil, "GET", base+"/commitments.csv?status=completed&section=investment_attraction", nil))) - 1; n != api.Meta.Total || n == 0 {
		t.Errorf("filtered CSV has %d rows, the API %d", n, api.Meta.Total)
	}
	for _, bad := range []string{"?status=done", "?lead=nobody", "?document=x_y", "?%zz"} {
		if r := request(t, nil, "GET", base+"/commitments.csv"+bad, nil); r.status != 400 {
			t.Errorf("%s: %d", bad, r.status)
		}
	}
	page := request(t, nil, "GET", base+"/commitments?status=completed", nil)
	if !strings.Contains(page.body, `href="/commitments.csv?status=completed"`) {
		t.Error("the commitments page does not link the CSV of its filters")
	}
}
