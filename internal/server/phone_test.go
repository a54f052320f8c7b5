package server_test

import (
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestPhonesGetACompactHeaderAndTheText drives Chromium at 390×844, a
// phone's screen, in both languages: the header is at most 64 px high with
// its menu folded (a <details> that opens without script), the document's
// text starts within the first screen or one tap away, and the map's labels
// are legible. With PORTAL_SCREENSHOTS=1 it saves phone-*.png.
func TestPhonesGetACompactHeaderAndTheText(t *testing.T) {
	base := newTestPortal(t).URL
	ctx := browserFor(t, 3*time.Minute)
	steps(t, ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2)))
	num := func(js string) float64 { return must(t, ctx, chromedp.Evaluate[float64](js)) }
	for _, lang := range []string{"zh", "en"} {
		steps(t, ctx, chromedp.Navigate(base+"/lang/"+lang+"?next=/"), chromedp.WaitVisible(chromedp.CSS(`main h1`)))
		if h := num(`document.querySelector("header.site").getBoundingClientRect().height`); h > 64 {
			t.Errorf("%s: the header is %.0f px high at 390 px wide", lang, h)
		}
		if must(t, ctx, chromedp.Evaluate[bool](`document.querySelector("header.site nav ul").checkVisibility()`)) {
			t.Errorf("%s: the main menu is not folded", lang)
		}
		screenshot(t, ctx, "phone-home-"+lang)
		steps(t, ctx, chromedp.Click(chromedp.CSS(`header.site details.menu > summary`)), chromedp.WaitVisible(chromedp.CSS(`header.site nav a[href="/commitments"]`)))
		if num(`document.querySelector("header.site nav a[href='/map']").getBoundingClientRect().height`) == 0 {
			t.Errorf("%s: the opened menu does not show the map link", lang)
		}

		steps(t, ctx, chromedp.Navigate(base+"/documents/"+replySlug), chromedp.WaitVisible(chromedp.CSS(`nav.toc`)))
		text := num(`document.querySelector("article.doc-text").getBoundingClientRect().top`)
		jump := num(`(e => e && e.offsetParent ? e.getBoundingClientRect().bottom : 1e9)(document.querySelector(".to-text a"))`)
		if text > 844 && jump > 844 {
			t.Errorf("%s: the text starts at %.0f px and no link to it is on the first screen", lang, text)
		}
		if toc := num(`document.querySelector("nav.toc").getBoundingClientRect().height`); toc > 120 {
			t.Errorf("%s: the contents take %.0f px folded", lang, toc)
		}
		screenshot(t, ctx, "phone-document-"+lang)
		if jump < 844 {
			steps(t, ctx, chromedp.Click(chromedp.CSS(`.to-text a`)), chromedp.Sleep(200*time.Millisecond))
			if top := num(`document.querySelector("#text-h").getBoundingClientRect().top`); top < -50 || top > 844 {
				t.Errorf("%s: after the tap the text is at %.0f px", lang, top)
			}
		}

		steps(t, ctx, chromedp.Navigate(base+"/commitments"), chromedp.WaitVisible(chromedp.CSS(`#results-h`)))
		screenshot(t, ctx, "phone-commitments-"+lang)

		steps(t, ctx, chromedp.Navigate(base+"/map"), chromedp.WaitVisible(chromedp.CSS(`main svg`)))
		if px := num(`Math.min(...[...document.querySelectorAll("main svg text")].map(e => e.getBoundingClientRect().height || 99))`); px < 11 {
			t.Errorf("%s: the map's smallest label is %.1f px high on a phone", lang, px)
		}
		screenshot(t, ctx, "phone-map-"+lang)
	}
}
