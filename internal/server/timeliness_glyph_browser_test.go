package server_test

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// TestDueSoonGlyphIsDrawnInABrowser: the due-soon badge's mark is drawn by
// CSS (an hourglass of two border triangles), not the "⏳" character that no
// CJK font has and Noto CJK showed as a box: its span is empty, has a size,
// and its top and bottom borders are solid in the badge's colour.
func TestDueSoonGlyphIsDrawnInABrowser(t *testing.T) {
	p := newTestPortal(t, withClock(evalClock))
	id := scalar[int64](t, p.Pool, `UPDATE commitments SET due_on = DATE '2026-12-20', status = 'in_progress'
		WHERE id = (SELECT min(id) FROM commitments WHERE parent_id IS NULL) RETURNING id`)
	ctx := browser(t)
	steps(t, ctx, chromedp.Navigate(p.URL+commitmentPath(id)))
	got := must(t, ctx, chromedp.Evaluate[map[string]any](`(() => {
		const g = document.querySelector('.due-due_soon > [aria-hidden="true"]');
		if (!g) return {found: false};
		const s = getComputedStyle(g), r = g.getBoundingClientRect();
		return {found: true, text: g.textContent, width: r.width, height: r.height,
			top: s.borderTopStyle, topColor: s.borderTopColor, left: s.borderLeftColor, color: s.color};
	})()`))
	if got["found"] != true {
		t.Fatalf("no due-soon badge on commitment %d", id)
	}
	if got["text"] != "" {
		t.Errorf("the due-soon mark is the character %q, which CJK fonts lack", got["text"])
	}
	if w, _ := got["width"].(float64); w < 4 {
		t.Errorf("the due-soon mark is %v px wide: not drawn", got["width"])
	}
	if h, _ := got["height"].(float64); h < 8 {
		t.Errorf("the due-soon mark is %v px high: not drawn", got["height"])
	}
	if got["top"] != "solid" || got["topColor"] != got["color"] || got["left"] != "rgba(0, 0, 0, 0)" {
		t.Errorf("the due-soon mark is not an hourglass of borders: %v", got)
	}
}
