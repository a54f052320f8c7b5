package server_test

import (
	"compress/gzip"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// TestFaviconIsServedAndCached: /favicon.ico is an icon that browsers may
// keep, not the 404 page on every visit.
func TestFaviconIsServedAndCached(t *testing.T) {
	base := newTestPortal(t).URL
	r := request(t, nil, http.MethodGet, base+"/favicon.ico", nil)
	if r.status != http.StatusOK || !strings.HasPrefix(r.header.Get("Content-Type"), "image/") ||
		!strings.Contains(r.header.Get("Cache-Control"), "max-age=") || !strings.HasPrefix(r.body, "\x00\x00\x01\x00") {
		t.Errorf("/favicon.ico: %d %q %q", r.status, r.header.Get("Content-Type"), r.header.Get("Cache-Control"))
	}
	if home := request(t, nil, http.MethodGet, base+"/", nil); !strings.Contains(home.body, `<link rel="icon" href="/favicon.ico"`) {
		t.Error("the home page does not name its icon")
	}
}

// TestStaticDirectoryIsANotFoundWithoutRedirect: /static/ names no file; it
// answers 404 at once instead of redirecting to /static and 404 there.
func TestStaticDirectoryIsANotFoundWithoutRedirect(t *testing.T) {
	base := newTestPortal(t).URL
	for _, path := range []string{"/static/", "/static"} {
		r := request(t, browserClient(t), http.MethodGet, base+path, nil)
		if r.status != http.StatusNotFound || r.header.Get("Location") != "" {
			t.Errorf("%s: %d, Location %q", path, r.status, r.header.Get("Location"))
		}
	}
	// Elsewhere a trailing slash still goes to the page without it.
	if r := request(t, browserClient(t), http.MethodGet, base+"/commitments/", nil); r.status != http.StatusMovedPermanently || r.header.Get("Location") != "/commitments" {
		t.Errorf("/commitments/: %d, Location %q", r.status, r.header.Get("Location"))
	}
}

// TestPagesHaveAMetaDescriptionOfTheirOwn: every page says what it is in a
// meta description, and two pages do not say the same.
func TestPagesHaveAMetaDescriptionOfTheirOwn(t *testing.T) {
	base := newTestPortal(t).URL
	seen := map[string]string{}
	for _, lang := range []string{"zh", "en"} {
		for _, path := range []string{"/", "/documents", "/documents/" + replySlug, "/documents/" + replySlug + "/sections/s4", "/commitments", "/commitments/43", "/entities/catl", "/dashboard", "/map", "/search"} {
			r := request(t, nil, http.MethodGet, base+path, nil, "Accept-Language", lang)
			_, after, ok := strings.Cut(r.body, `<meta name="description" content="`)
			desc, _, _ := strings.Cut(after, `"`)
			if !ok || len([]rune(desc)) < 10 {
				t.Errorf("%s (%s): meta description %q", path, lang, desc)
				continue
			}
			if other, dup := seen[desc]; dup {
				t.Errorf("%s (%s) says what %s says: %q", path, lang, other, desc)
			}
			seen[desc] = path + " (" + lang + ")"
		}
	}
}

// TestLinksDoNotEchoALongRequest: the footer's login link and the language
// switch come back to the page, but a request URI longer than 512 bytes is
// not repeated into them, so a 120 KB query does not make a page 120 KB
// larger.
func TestLinksDoNotEchoALongRequest(t *testing.T) {
	base := newTestPortal(t).URL
	short := request(t, nil, http.MethodGet, base+"/commitments?status=completed", nil)
	if !strings.Contains(short.body, `href="/login?next=%2Fcommitments%3Fstatus%3Dcompleted"`) {
		t.Error("the login link does not come back to a short request")
	}
	long := "/commitments?q=" + strings.Repeat("x", 600)
	r := request(t, nil, http.MethodGet, base+long, nil)
	if regexp.MustCompile(`next=[^"]*xxxx`).MatchString(r.body) {
		t.Error("the 600-byte query is repeated into links")
	}
	if !strings.Contains(r.body, `href="/login?next=%2Fcommitments"`) || !strings.Contains(r.body, `next=%2Fcommitments"`) {
		t.Error("a long request's links do not come back to the page without its query")
	}
	huge := "/search?q=" + strings.Repeat("y", 120_000)
	if r := request(t, nil, http.MethodGet, base+huge, nil); len(r.body) > 60_000 {
		t.Errorf("a 120 KB query gives a %d-byte page", len(r.body))
	}
}

// TestCSVIsCompressedLikeThePages: the export, made per request outside the
// page cache, is sent gzip- or brotli-compressed when the client takes it,
// under a tag of its own that If-None-Match still matches.
func TestCSVIsCompressedLikeThePages(t *testing.T) {
	base := newTestPortal(t).URL
	plain := request(t, nil, http.MethodGet, base+"/commitments.csv", nil, "Accept-Encoding", "identity")
	if plain.status != http.StatusOK || plain.header.Get("Content-Encoding") != "" || !strings.Contains(plain.body, "宁德时代") {
		t.Fatalf("plain CSV: %d %q", plain.status, plain.header.Get("Content-Encoding"))
	}
	for _, enc := range []string{"br", "gzip"} {
		r := request(t, nil, http.MethodGet, base+"/commitments.csv", nil, "Accept-Encoding", enc)
		if r.status != http.StatusOK || r.header.Get("Content-Encoding") != enc || !strings.Contains(strings.Join(r.header.Values("Vary"), ","), "Accept-Encoding") ||
			len(r.body) >= len(plain.body)/2 || !strings.HasSuffix(strings.Trim(r.header.Get("ETag"), `"`), "-"+enc) {
			t.Errorf("CSV with %s: %d %q, %d of %d bytes, ETag %s", enc, r.status, r.header.Get("Content-Encoding"), len(r.body), len(plain.body), r.header.Get("ETag"))
		}
		if enc == "gzip" {
			zr, err := gzip.NewReader(strings.NewReader(r.body))
			if err != nil {
				t.Fatal(err)
			}
			if b, _ := io.ReadAll(zr); string(b) != plain.body {
				t.Error("the gzipped CSV is not the plain one")
			}
		}
		if again := request(t, nil, http.MethodGet, base+"/commitments.csv", nil, "Accept-Encoding", enc, "If-None-Match", r.header.Get("ETag")); again.status != http.StatusNotModified {
			t.Errorf("CSV with %s and its ETag: %d", enc, again.status)
		}
	}
}
