package server_test

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode"

	"golang.org/x/net/html"
	htmlatom "golang.org/x/net/html/atom"
)

// langPartsPages are the page types a reader or a member of staff meets,
// crawled in both languages by TestLanguageOfParts.
var langPartsPages = []struct {
	path  string
	staff bool
}{
	{"/", false},
	{"/documents", false},
	{"/documents/" + replySlug, false},
	{"/documents/" + replySlug + "/sections/s1", false},
	{"/documents/" + replySlug + "/sections/s3-2", false},
	{"/commitments", false},
	{"/commitments?status=in_progress&theme=industrial_layout", false},
	{"/commitments/2", false},
	{"/commitments/2/history", false},
	{"/entities", false},
	{"/entities/catl", false},
	{"/entities/guiyang-guian", false},
	{"/dashboard", false},
	{"/map", false},
	{"/search?q=锂", false},
	{"/search?q=lithium", false},
	{"/login", false},
	{"/commitments/2/edit", true},
	{"/admin/themes", true},
	{"/admin/users", true},
	{"/changes", true},
	{"/documents/import", true},
	{"/documents/" + replySlug + "/anchors", true},
}

// langViolation is a text node whose script disagrees with its language.
type langViolation struct {
	lang, text, path string
}

// TestLanguageOfParts crawls the main page types in English and in Chinese
// and counts the text nodes whose script disagrees with the nearest lang
// (WCAG 2.2 3.1.2, language of parts): any Han character in text marked
// English, and English standing alone in text marked Chinese. It wants none.
func TestLanguageOfParts(t *testing.T) {
	p := newTestPortal(t, withStaff(), withClock(time.Date(2025, 6, 1, 9, 0, 0, 0, time.UTC)))
	staff := map[string]*http.Client{}
	for _, lang := range []string{"en", "zh-CN"} {
		staff[lang] = loggedIn(t, p.URL, adminEmail)
	}
	total := 0
	for _, lang := range []string{"en", "zh-CN"} {
		for _, page := range langPartsPages {
			c := (*http.Client)(nil)
			if page.staff {
				c = staff[lang]
			}
			r := request(t, c, http.MethodGet, p.URL+page.path, nil, "Accept-Language", lang)
			if r.status != http.StatusOK {
				t.Errorf("%s in %s: status %d", page.path, lang, r.status)
				continue
			}
			vs, err := langViolations(r.body)
			if err != nil {
				t.Fatalf("%s in %s: %v", page.path, lang, err)
			}
			total += len(vs)
			if len(vs) > 0 {
				var b strings.Builder
				for i, v := range vs {
					if i == 12 {
						fmt.Fprintf(&b, "\n  … and %d more", len(vs)-i)
						break
					}
					fmt.Fprintf(&b, "\n  %s in lang=%q: %q", v.path, v.lang, v.text)
				}
				t.Errorf("%s (Accept-Language: %s): %d text nodes in the wrong language:%s", page.path, lang, len(vs), b.String())
			}
		}
	}
	t.Logf("%d pages in two languages, %d language-of-parts violations", 2*len(langPartsPages), total)
}

// TestLanguageViolationsCounted checks the counter itself on fragments whose
// answer is known, so that a crawl finding none means something.
func TestLanguageViolationsCounted(t *testing.T) {
	for _, tc := range []struct {
		doc  string
		want int
	}{
		{`<html lang="en"><head><title>CATL · Portal</title></head><body><h1>CATL</h1></body></html>`, 0},
		{`<html lang="en"><head><title>宁德时代 · Portal</title></head><body><h1>宁德时代</h1></body></html>`, 2},
		{`<html lang="en"><body><h1>CATL <span lang="zh-CN">宁德时代</span></h1><p>Reply to 第1019号</p></body></html>`, 1},
		{`<html lang="zh-CN"><body><p>锂 <span lang="en">lithium</span></p><p>导出 CSV,可用 Excel 打开</p><p>Guizhou Province</p></body></html>`, 1},
		{`<html lang="zh-CN"><body><p>键 <code>talent_technology</code></p></body></html>`, 0},
		{`<html lang="zh-CN"><body><p>lithium</p><p>2023年 C级</p><p>admin@example.gov.cn https://example.gov.cn/a</p></body></html>`, 1},
		{`<html lang="en"><body><script>var s = "锂";</script><p>5 · 10 %</p></body></html>`, 0},
	} {
		vs, err := langViolations(tc.doc)
		if err != nil {
			t.Fatal(err)
		}
		if len(vs) != tc.want {
			t.Errorf("%s: %d violations %v, want %d", tc.doc, len(vs), vs, tc.want)
		}
	}
}

// langViolations parses a page and lists its text nodes whose script
// disagrees with the nearest lang attribute.
func langViolations(page string) ([]langViolation, error) {
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		return nil, err
	}
	var out []langViolation
	var walk func(n *html.Node, lang, path string)
	walk = func(n *html.Node, lang, path string) {
		if n.Type == html.ElementNode {
			switch n.DataAtom {
			case htmlatom.Script, htmlatom.Style, htmlatom.Template, htmlatom.Code:
				return // not prose: code and identifiers have no natural language
			}
			for _, a := range n.Attr {
				if a.Key == "lang" && a.Namespace == "" {
					lang = a.Val
				}
			}
			path += "/" + n.Data
		}
		if n.Type == html.TextNode && wrongScript(lang, n.Data) {
			out = append(out, langViolation{lang, strings.TrimSpace(n.Data), path})
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, lang, path)
		}
	}
	walk(doc, "", "")
	return out, nil
}

// notWords are the parts of Chinese text that are not English words though
// written in Latin letters: addresses, URLs and acronyms in capitals (CSV, API).
var notWords = regexp.MustCompile(`\S+@\S+|https?://\S+|\b[A-Z0-9]+s?\b`)

// englishWord is a word of two or more Latin letters.
var englishWord = regexp.MustCompile(`\p{Latin}{2,}`)

// wrongScript reports whether text in the language lang is written in the
// other script: any Han character in English; in Chinese, English words
// standing alone (a Chinese sentence may name Excel or Atom, as an English one
// may not quote 锂 unmarked).
func wrongScript(lang, text string) bool {
	switch {
	case strings.HasPrefix(lang, "en"):
		return hasHan(text)
	case strings.HasPrefix(lang, "zh"):
		return !hasHan(text) && englishWord.MatchString(notWords.ReplaceAllString(text, ""))
	}
	return false
}

func hasHan(text string) bool {
	return strings.IndexFunc(text, func(r rune) bool { return unicode.Is(unicode.Han, r) }) >= 0
}
