package server

// Fuzz targets for the parsers that need no database: the form-field readers,
// the redirect checks, the client address, search and API paging. Plain
// `go test` runs them on their seeds; `make fuzz` explores for a while.

import (
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"
	"golang.org/x/text/width"

	"github.com/guizhou-portal/portal/internal/i18n"
	"github.com/guizhou-portal/portal/internal/policy"
	"github.com/guizhou-portal/portal/web"
)

// hostile are the values every parser is seeded with.
var hostile = []string{
	"", " ", "<script>alert(1)</script>", `"><img src=x onerror=alert(1)>`, "javascript:alert(1)",
	"' OR 1=1--", "\x00", "a\x00b", "\xff\xfe", "\xe9\x94", "99999999999999999999", "-1", "0", "1e308",
	"../../etc/passwd", "２０２５-１２-３１", "１００%", "100%", "  42 ", "2025-02-30", "0001-01-01",
	"锂矿\u3000电池", "\u202e", "\r\n", "\t", "𠀀𠀁", strings.Repeat("长", 5000),
}

func addStrings(f *testing.F, extra ...string) {
	for _, s := range append(extra, hostile...) {
		f.Add(s)
	}
}

// localizers are the two interface languages; a field's message must exist in both.
var localizers = []*i18n.Localizer{i18n.For("zh"), i18n.For("en")}

// checkMessage fails when a field message is not readable text in the catalogue.
func checkMessage(t *testing.T, field, msg string) {
	t.Helper()
	if !utf8.ValidString(msg) || strings.Contains(msg, "⟦") || strings.Contains(msg, "%!") {
		t.Fatalf("message for %s is not a catalogue message: %q", field, msg)
	}
}

// FuzzFormText: a text field is either refused with a message, or accepted as
// trimmed, valid UTF-8 without control characters and within its length.
func FuzzFormText(f *testing.F) {
	addStrings(f, "已完成项目选址。", "第一行\n第二行", "\t缩进", strings.Repeat("字", 60), strings.Repeat("字", 61))
	f.Fuzz(func(t *testing.T, v string) {
		for _, l := range localizers {
			for _, multiline := range []bool{false, true} {
				errs := fieldErrors{}
				got := text(l, errs, url.Values{"f": {v}}, "f", "字段", 60, true, multiline)
				if msg, refused := errs["f"]; refused {
					checkMessage(t, "f", msg)
					continue
				}
				if got != strings.TrimSpace(v) || got == "" || !utf8.ValidString(got) || utf8.RuneCountInString(got) > 60 {
					t.Fatalf("accepted %q as %q", v, got)
				}
				for _, c := range got {
					if unicode.IsControl(c) && !(multiline && (c == '\n' || c == '\r' || c == '\t')) {
						t.Fatalf("accepted control character %U in %q (multiline %v)", c, got, multiline)
					}
				}
			}
		}
	})
}

// FuzzFormPercent: progress is empty, or a whole number 0 to 100 that reads
// back as the narrow digits typed.
func FuzzFormPercent(f *testing.F) {
	addStrings(f, "30", "100", "101", "+5", "05", "３０")
	f.Fuzz(func(t *testing.T, v string) {
		errs := fieldErrors{}
		p := percent(localizers[0], errs, url.Values{"p": {v}}, "p")
		switch {
		case errs["p"] != "":
			checkMessage(t, "p", errs["p"])
			if p != nil {
				t.Fatalf("%q refused but read as %d", v, *p)
			}
		case p == nil:
			if strings.TrimSpace(v) != "" && strings.TrimSpace(v) != "%" && strings.TrimSpace(v) != "\uff05" {
				t.Fatalf("%q read as empty", v)
			}
		case *p < 0 || *p > 100:
			t.Fatalf("%q read as %d", v, *p)
		}
	})
}

// FuzzFormDate: a date is refused, or a real day between 2000 and 2100 that
// formats back to the narrow digits typed.
func FuzzFormDate(f *testing.F) {
	addStrings(f, "2025-12-31", "1999-12-31", "2100-12-31", "2101-01-01", "2024-02-29", "2023-02-29", "2025-1-1")
	f.Fuzz(func(t *testing.T, v string) {
		for _, l := range localizers {
			errs := fieldErrors{}
			d := date(l, errs, url.Values{"d": {v}}, "d", "日期", true)
			if msg := errs["d"]; msg != "" {
				checkMessage(t, "d", msg)
				if d != nil {
					t.Fatalf("%q refused but read as %v", v, d)
				}
				continue
			}
			if d == nil {
				t.Fatalf("required date %q neither read nor refused", v)
			}
			if d.Year() < 2000 || d.Year() > 2100 || d.Format(time.DateOnly) != strings.TrimSpace(width.Narrow.String(v)) {
				t.Fatalf("%q read as %v", v, d)
			}
		}
	})
}

// FuzzFormUnits: units are known slugs, each once, never both lead and support.
func FuzzFormUnits(f *testing.F) {
	f.Add("gz-industry-it-dept", "gz-natural-resources-dept", "")
	f.Add("gz-industry-it-dept", "gz-industry-it-dept", "")
	f.Add("<script>", "", "x")
	f.Add("", "", "")
	valid := map[string]string{"gz-industry-it-dept": "省工业和信息化厅", "gz-natural-resources-dept": "省自然资源厅", "x": "某单位"}
	f.Fuzz(func(t *testing.T, lead, support, extra string) {
		form := url.Values{"lead": {lead, extra, lead}, "support": {support, extra}}
		errs := fieldErrors{}
		l, s := units(localizers[1], errs, form, valid)
		for k, msg := range errs {
			checkMessage(t, k, msg)
		}
		if len(errs) > 0 {
			return
		}
		seen := map[string]bool{}
		for _, u := range append(append([]string{}, l...), s...) {
			if _, ok := valid[u]; !ok || seen[u] {
				t.Fatalf("accepted lead %q support %q", l, s)
			}
			seen[u] = true
		}
	})
}

// FuzzEvidenceURL: an accepted evidence link is an absolute http(s) URL with a
// host that reads back as itself, so it can never be javascript: or relative.
func FuzzEvidenceURL(f *testing.F) {
	addStrings(f, "https://gxt.guizhou.gov.cn/news/1.html", "HTTPS://example.gov.cn/", "http://", "//evil.example/",
		"https://例子.中国/路径", "http://a b", "data:text/html,<script>", "javascript://example.gov.cn/%0aalert(1)")
	f.Fuzz(func(t *testing.T, v string) {
		errs := fieldErrors{}
		got := evidenceURL(localizers[0], errs, url.Values{"e": {v}}, "e")
		if msg := errs["e"]; msg != "" || got == "" {
			checkMessage(t, "e", msg)
			return
		}
		u, err := url.Parse(got)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || strings.ContainsAny(got, " <>\"") {
			t.Fatalf("accepted %q as %q", v, got)
		}
		if !strings.EqualFold(got, strings.TrimSpace(v)) {
			t.Fatalf("%q stored as %q", v, got)
		}
	})
}

// FuzzFormVersion: the hidden version is a positive number written plainly,
// anything else a typed EINVALID.
func FuzzFormVersion(f *testing.F) {
	addStrings(f, "1", "7", "+7", "07", "9223372036854775808")
	f.Fuzz(func(t *testing.T, v string) {
		n, err := formVersion(url.Values{"version": {v}})
		if err != nil {
			if policy.ErrorCode(err) != policy.EINVALID {
				t.Fatalf("%q: untyped error %v", v, err)
			}
			return
		}
		if want, _ := strconv.Atoi(v); n < 1 || n != want {
			t.Fatalf("%q read as %d", v, n)
		}
	})
}

// browserTarget is where a browser goes when a page at http://portal.test/a/b
// redirects to location: the WHATWG URL parser strips leading and trailing
// spaces and controls, drops every tab and line break, and reads \ as /.
func browserTarget(location string) (*url.URL, bool) {
	s := strings.TrimFunc(location, func(r rune) bool { return r <= ' ' })
	s = strings.NewReplacer("\t", "", "\n", "", "\r", "", `\`, "/").Replace(s)
	base, _ := url.Parse("http://portal.test/a/b")
	u, err := url.Parse(s)
	if err != nil {
		// A browser percent-encodes what Go refuses; only a scheme or an
		// authority could take it elsewhere.
		if strings.HasPrefix(s, "/") && !strings.HasPrefix(s, "//") {
			return base, true
		}
		return nil, false
	}
	return base.ResolveReference(u), true
}

// stays reports whether a redirect to location keeps the browser on the portal.
func stays(location string) bool {
	u, ok := browserTarget(location)
	return ok && u.Scheme == "http" && u.Host == "portal.test" && u.User == nil
}

var redirectSeeds = []string{"/", "/commitments/12", "/search?q=锂", "//evil.example", "/\\evil.example", "/\t/evil.example",
	"/\n/evil.example", " //evil.example", "\\\\evil.example", "https://evil.example", "javascript:alert(1)",
	"/lang/en", "/%2F%2Fevil.example", "/@evil.example", "/.//evil.example", "\x00/evil"}

// FuzzLocalPath: the login form's next is this site's path or /.
func FuzzLocalPath(f *testing.F) {
	addStrings(f, redirectSeeds...)
	f.Fuzz(func(t *testing.T, next string) {
		got := localPath(next)
		if got != "/" && got != next {
			t.Fatalf("localPath(%q) = %q: neither the path nor /", next, got)
		}
		if !stays(got) {
			t.Fatalf("localPath(%q) = %q leaves the site", next, got)
		}
		rec := httptest.NewRecorder()
		http.Redirect(rec, httptest.NewRequest(http.MethodPost, "/login", nil), got, http.StatusSeeOther)
		if loc := rec.Header().Get("Location"); !stays(loc) {
			t.Fatalf("next %q redirects to %q", next, loc)
		}
	})
}

// FuzzLanguageNext: the language switch returns only to a page of this site;
// anything else is a 400 page, never a redirect elsewhere.
func FuzzLanguageNext(f *testing.F) {
	addStrings(f, redirectSeeds...)
	s := &Server{logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	router := chi.NewRouter()
	router.Get("/lang/{lang}", s.switchLanguage)
	f.Fuzz(func(t *testing.T, next string) {
		for _, lang := range []string{"en", "zh", "fr"} {
			rec := httptest.NewRecorder()
			req := httptest.NewRequest(http.MethodGet, "/lang/"+lang+"?next="+url.QueryEscape(next), nil)
			router.ServeHTTP(rec, req)
			switch rec.Code {
			case http.StatusSeeOther:
				if loc := rec.Header().Get("Location"); !stays(loc) {
					t.Fatalf("next %q redirects to %q", next, loc)
				}
			case http.StatusBadRequest, http.StatusNotFound:
				if !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") {
					t.Fatalf("next %q: %d without a page", next, rec.Code)
				}
			default:
				t.Fatalf("next %q: status %d", next, rec.Code)
			}
		}
	})
}

// FuzzClientAddr: the client address is the TCP peer unless the peer is a
// trusted proxy; then it is a hop of X-Forwarded-For, never a forged
// address placed left of an untrusted hop.
func FuzzClientAddr(f *testing.F) {
	f.Add("203.0.113.7:5555", "")
	f.Add("10.0.0.1:443", "198.51.100.2")
	f.Add("10.0.0.1:443", "198.51.100.2, 10.0.0.2")
	f.Add("10.0.0.1:443", "1.2.3.4, 198.51.100.2")
	f.Add("10.0.0.1:443", "garbage, 198.51.100.2")
	f.Add("10.0.0.1:443", "::ffff:10.0.0.3")
	f.Add("[::1]:80", "<script>")
	f.Add("not an address", "1.1.1.1")
	f.Add("[::ffff:10.0.0.1]:1", "\x00")
	s := &Server{opts: Options{TrustedProxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("::1/128")}}}
	f.Fuzz(func(t *testing.T, remote, xff string) {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.RemoteAddr = remote
		r.Header.Set("X-Forwarded-For", xff)
		got := s.clientAddr(r)
		if !got.IsValid() {
			t.Fatalf("remote %q, X-Forwarded-For %q: invalid address", remote, xff)
		}
		if got.Is4In6() {
			t.Fatalf("address %v not unmapped", got)
		}
		host, _, err := net.SplitHostPort(remote)
		if err != nil {
			host = remote // an address without a port, as some listeners give
		}
		peer, perr := netip.ParseAddr(host)
		if perr != nil {
			if got != netip.IPv6Unspecified() {
				t.Fatalf("unreadable peer %q gave %v", remote, got)
			}
			return
		}
		peer = peer.Unmap()
		if !s.trusted(peer) {
			if got != peer {
				t.Fatalf("untrusted peer %v, X-Forwarded-For %q: client %v", peer, xff, got)
			}
			return
		}
		// The answer is the peer or a hop; every hop right of it is trusted.
		hops := strings.Split(xff, ",")
		found := got == peer
		for i := len(hops) - 1; i >= 0; i-- {
			h, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
			if err != nil {
				break
			}
			if h.Unmap() == got {
				found = true
				break
			}
			if !s.trusted(h.Unmap()) {
				t.Fatalf("X-Forwarded-For %q: client %v lies left of untrusted hop %v", xff, got, h)
			}
		}
		if !found {
			t.Fatalf("X-Forwarded-For %q from %v: client %v is neither peer nor hop", xff, peer, got)
		}
	})
}

// FuzzSearchPage: kind and page are read or refused with EINVALID.
func FuzzSearchPage(f *testing.F) {
	for _, k := range []string{"", "paragraph", "commitment", "entity", "document", "<b>"} {
		for _, p := range []string{"", "1", "2", "200", "201", "0", "-1", "99999999999999999999", "1e308"} {
			f.Add(k, p)
		}
	}
	f.Fuzz(func(t *testing.T, kind, page string) {
		var v web.SearchView
		v.Page = 1
		err := parseSearchPage(kind, page, &v)
		if err != nil {
			if policy.ErrorCode(err) != policy.EINVALID {
				t.Fatalf("kind %q page %q: %v", kind, page, err)
			}
			if msg := errorMessage(localizers[1], err); !utf8.ValidString(msg) || strings.Contains(msg, "⟦") {
				t.Fatalf("message %q", msg)
			}
			return
		}
		if v.Page < 1 || v.Page > searchMaxPage || (v.Kind != "" && !v.Kind.Valid()) || (v.Page > 1 && v.Kind == "") {
			t.Fatalf("kind %q page %q read as %q %d", kind, page, v.Kind, v.Page)
		}
	})
}

// FuzzPrintable: what is shown again of a query is valid UTF-8 without control
// characters, at most n characters and an ellipsis.
func FuzzPrintable(f *testing.F) {
	addStrings(f)
	f.Fuzz(func(t *testing.T, s string) {
		got := printable(s, 20)
		if !utf8.ValidString(got) || utf8.RuneCountInString(got) > 21 || strings.ContainsFunc(got, unicode.IsControl) {
			t.Fatalf("printable(%q) = %q", s, got)
		}
	})
}

// FuzzAPIPaging: page and per_page are positive whole numbers within bounds,
// given once; the links to neighbouring pages stay on the list's path.
func FuzzAPIPaging(f *testing.F) {
	for _, q := range []string{"", "page=2", "per_page=200", "per_page=201", "page=0", "page=-1", "page=1&page=2",
		"page=99999999999999999999", "page=1e308", "per_page=%00", "page=%ff", "page=1;2", "foo=bar", "page=3&per_page=1"} {
		f.Add(q, 7)
	}
	f.Fuzz(func(t *testing.T, rawQuery string, total int) {
		total = max(0, total%10000)
		r := httptest.NewRequest(http.MethodGet, "/api/v1/documents", nil)
		r.URL.RawQuery = rawQuery
		q, err := apiQuery(r, paramPage, paramPerPage)
		if err == nil {
			var p page
			p, err = parsePage(q)
			if err == nil {
				if p.Page < 1 || p.PerPage < 1 || p.PerPage > maxPerPage {
					t.Fatalf("%q read as %+v", rawQuery, p)
				}
				items := make([]int, total)
				out, meta := paginate(r, items, p)
				if len(out) > p.PerPage || meta.Total != total {
					t.Fatalf("%q over %d: %d items, %+v", rawQuery, total, len(out), meta)
				}
				for _, link := range []string{meta.Next, meta.Prev} {
					if link != "" && !strings.HasPrefix(link, "/api/v1/documents?") {
						t.Fatalf("link %q", link)
					}
				}
				return
			}
		}
		if policy.ErrorCode(err) != policy.EINVALID {
			t.Fatalf("%q: untyped error %v", rawQuery, err)
		}
	})
}
