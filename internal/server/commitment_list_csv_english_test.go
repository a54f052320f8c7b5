package server_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestCommitmentsCSVInEnglish: asked for in English (Accept-Language, or
// lang=en whatever the browser says), the CSV has English headers,
// English titles and names with the Chinese title beside them, and the
// vocabulary in English; the quote stays Chinese. In Chinese it is as before.
func TestCommitmentsCSVInEnglish(t *testing.T) {
	p := newTestPortal(t, withClock(time.Date(2025, 6, 1, 9, 0, 0, 0, time.UTC)))
	for name, r := range map[string]response{
		"Accept-Language": request(t, nil, http.MethodGet, p.URL+"/commitments.csv?region=tongren", nil, "Accept-Language", "en-GB,en;q=0.9"),
		"lang=en":         request(t, nil, http.MethodGet, p.URL+"/commitments.csv?region=tongren&lang=en", nil, "Accept-Language", "zh-CN"),
	} {
		rows := readCSV(t, r)
		if len(rows) != 3 {
			t.Fatalf("%s: %d rows, want a header and 2", name, len(rows))
		}
		head := rows[0]
		for _, want := range []string{"ID", "Title", "Title (Chinese)", "Document number", "Theme", "Status", "Lead units", "Timeliness", "URL"} {
			if !slices.Contains(head, want) {
				t.Errorf("%s: header %q lacks %q", name, head, want)
			}
		}
		if strings.ContainsFunc(strings.Join(head, ""), func(r rune) bool { return r >= 0x4e00 && r <= 0x9fff }) {
			t.Errorf("%s: Chinese in the English header %q", name, head)
		}
		row := map[string]string{}
		for i, h := range head {
			row[h] = rows[1][i]
		}
		if row["Title"] != "Tongren builds an industry cluster centred on Dalong Economic Development Zone" ||
			row["Title (Chinese)"] != "铜仁以大龙经开区为重点建设产业聚集区" || row["Status"] == "" || strings.ContainsAny(row["Status"], "未在已") ||
			row["Theme"] != "Industrial clusters and layout" || !strings.Contains(row["Quote (Chinese)"], "铜仁") ||
			row["Commitment"] != "Commitment 4" {
			t.Errorf("%s: first row %v", name, row)
		}
		if r.header.Get("Content-Language") != "en" {
			t.Errorf("%s: Content-Language %q", name, r.header.Get("Content-Language"))
		}
	}
	zh := readCSV(t, request(t, nil, http.MethodGet, p.URL+"/commitments.csv?region=tongren", nil))
	if zh[0][0] != "编号" || zh[0][2] != "标题" || zh[1][2] != "铜仁以大龙经开区为重点建设产业聚集区" {
		t.Errorf("the Chinese CSV changed: %v / %v", zh[0], zh[1])
	}
	if r := request(t, nil, http.MethodGet, p.URL+"/commitments.csv?lang=fr", nil); r.status != http.StatusBadRequest {
		t.Errorf("lang=fr: status %d, want 400", r.status)
	}
}
