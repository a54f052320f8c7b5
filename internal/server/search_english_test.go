package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/guizhou-portal/portal/internal/policy"
)

// hitKeys names every hit of a search by kind and identity, with the totals,
// so that two searches can be compared whole.
func hitKeys(t *testing.T, p *testPortal, text string) []string {
	t.Helper()
	q, err := policy.ParseSearch(text)
	if err != nil {
		t.Fatal(err)
	}
	res, err := p.Store.Search(context.Background(), q, 100)
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, g := range res.Groups {
		keys = append(keys, fmt.Sprintf("%s total %d", g.Kind, g.Total))
		for _, h := range g.Hits {
			keys = append(keys, fmt.Sprintf("%s %s %d %d %s", h.Kind, h.Document.Slug, h.Seq, h.ID, h.Entity.Slug))
		}
	}
	return keys
}

// TestEnglishWordsFindWhatTheirChineseFinds: an English reader typing the
// English name of an entity, or a place's English name, gets exactly the
// results of the Chinese.
func TestEnglishWordsFindWhatTheirChineseFinds(t *testing.T) {
	p := newTestPortal(t)
	for english, chinese := range map[string]string{"lithium": "锂", "CATL": "宁德时代", "catl": "宁德时代",
		"Guiyang": "贵阳", "lithium-ion batteries": "锂离子电池", "Guiyang lithium": "贵阳 锂"} {
		got, want := hitKeys(t, p, english), hitKeys(t, p, chinese)
		if len(want) <= 4 {
			t.Fatalf("%s finds nothing to compare with: %v", chinese, want)
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("%q finds\n%s\nwhile %q finds\n%s", english, strings.Join(got, "\n"), chinese, strings.Join(want, "\n"))
		}
	}
	// A word that stands for nothing is searched as typed, and finds nothing here.
	if got := hitKeys(t, p, "xylophone"); strings.Join(got, " ") != "paragraph total 0 commitment total 0 entity total 0 document total 0" {
		t.Errorf("xylophone finds %v", got)
	}
	// The page says what was searched, and links the hits.
	r := request(t, nil, http.MethodGet, p.URL+"/search?q="+url.QueryEscape("lithium"), nil, "Accept-Language", "en")
	if r.status != http.StatusOK || !strings.Contains(r.body, `href="/entities/lithium"`) || !strings.Contains(r.body, `<span lang="zh-CN">锂</span>`) {
		t.Errorf("/search?q=lithium in English: status %d, no link to the entity 锂 or no note of what was searched\n%s", r.status, r.body)
	}
}
