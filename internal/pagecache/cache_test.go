package pagecache

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// clock is a settable time for Options.Now.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// page is a handler that renders body (its path and a count of renderings,
// unless fixed) and counts its calls.
type page struct {
	calls  atomic.Int32
	header http.Header
	status int
	fixed  string
}

func (p *page) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	n := p.calls.Add(1)
	for k, v := range p.header {
		w.Header()[k] = v
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if p.status != 0 {
		w.WriteHeader(p.status)
	}
	if p.fixed != "" {
		io.WriteString(w, p.fixed)
		return
	}
	io.WriteString(w, r.URL.Path+" rendering "+string(rune('0'+n)))
}

// liveCache is a cache that serves, on a fixed clock; a request is private
// when it has the header Private, and its variant is its Accept-Language.
func liveCache() (*Cache, *clock) {
	clk := &clock{t: time.Date(2026, 10, 1, 9, 0, 0, 0, time.UTC)}
	c := New(Options{
		Private: func(r *http.Request) bool { return r.Header.Get("Private") != "" },
		Variant: func(r *http.Request) string { return r.Header.Get("Accept-Language") },
		Now:     clk.now,
	})
	c.Flush(true)
	return c, clk
}

func do(h http.Handler, method, target string, header ...string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, target, nil)
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Set(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func TestAPageIsRenderedOnceAndServedFromMemory(t *testing.T) {
	c, _ := liveCache()
	p := &page{}
	h := c.Middleware(p)
	first := do(h, "GET", "/a")
	second := do(h, "GET", "/a")
	if first.Header().Get(Header) != "miss" || second.Header().Get(Header) != "hit" || p.calls.Load() != 1 {
		t.Fatalf("first %q, second %q, %d renderings", first.Header().Get(Header), second.Header().Get(Header), p.calls.Load())
	}
	if first.Body.String() != second.Body.String() || second.Header().Get("Content-Type") != "text/html; charset=utf-8" {
		t.Errorf("hit: body %q, Content-Type %q", second.Body, second.Header().Get("Content-Type"))
	}
	for _, h := range []string{"ETag", "Last-Modified", "Content-Length"} {
		if second.Header().Get(h) == "" || second.Header().Get(h) != first.Header().Get(h) {
			t.Errorf("%s: miss %q, hit %q", h, first.Header().Get(h), second.Header().Get(h))
		}
	}
	if cc := second.Header().Get("Cache-Control"); cc != "no-cache" {
		t.Errorf("Cache-Control %q, want no-cache when the handler sets none", cc)
	}
	if r := do(h, "HEAD", "/a"); r.Header().Get(Header) != "hit" || r.Body.Len() != 0 || r.Header().Get("Content-Length") == "" {
		t.Errorf("HEAD: %q, %d bytes", r.Header().Get(Header), r.Body.Len())
	}
}

func TestTheKeyIsVariantPathAndSortedQuery(t *testing.T) {
	c, _ := liveCache()
	p := &page{}
	h := c.Middleware(p)
	do(h, "GET", "/list?b=2&a=1")
	if r := do(h, "GET", "/list?a=1&b=2"); r.Header().Get(Header) != "hit" {
		t.Errorf("the same query in another order: %q", r.Header().Get(Header))
	}
	for _, tc := range []struct {
		target string
		header []string
	}{
		{"/list?a=1&b=3", nil},
		{"/list?a=1&b=2", []string{"Accept-Language", "en"}},
		{"/other?a=1&b=2", nil},
	} {
		if r := do(h, "GET", tc.target, tc.header...); r.Header().Get(Header) != "miss" {
			t.Errorf("%s %v: %q, want its own entry", tc.target, tc.header, r.Header().Get(Header))
		}
	}
	for _, target := range []string{"/list?a=%zz", "/a%2Fb"} {
		do(h, "GET", target)
		if r := do(h, "GET", target); r.Header().Get(Header) != "bypass" {
			t.Errorf("%s: %q, want bypass", target, r.Header().Get(Header))
		}
	}
}

func TestWhatIsNeverServedFromTheCache(t *testing.T) {
	c, _ := liveCache()
	p := &page{}
	h := c.Middleware(p)
	do(h, "GET", "/a")
	if r := do(h, "GET", "/a", "Private", "1"); r.Header().Get(Header) != "bypass" || p.calls.Load() != 2 {
		t.Errorf("private request: %q, %d renderings", r.Header().Get(Header), p.calls.Load())
	}
	if r := do(h, "POST", "/a"); r.Header().Get(Header) != "" || p.calls.Load() != 3 {
		t.Errorf("POST: %q, %d renderings", r.Header().Get(Header), p.calls.Load())
	}
	if r := do(h, "HEAD", "/b"); r.Header().Get(Header) != "miss" || p.calls.Load() != 4 {
		t.Errorf("HEAD of a missing page: %q", r.Header().Get(Header))
	}
	if r := do(h, "GET", "/b"); r.Header().Get(Header) != "miss" {
		t.Errorf("a HEAD filled the cache: %q", r.Header().Get(Header))
	}

	c.Flush(false)
	if r := do(h, "GET", "/a"); r.Header().Get(Header) != "bypass" {
		t.Errorf("off: %q", r.Header().Get(Header))
	}
	c.Flush(true)
	if r := do(h, "GET", "/a"); r.Header().Get(Header) != "miss" {
		t.Errorf("back on: %q, want an empty cache", r.Header().Get(Header))
	}
	if _, live, _ := New(Options{}).lookup([]byte(" /a?")); live {
		t.Error("a new cache serves before its first Flush(true)")
	}
}

func TestOnlySharableResponsesAreKept(t *testing.T) {
	for name, p := range map[string]*page{
		"404":        {status: http.StatusNotFound},
		"303":        {status: http.StatusSeeOther},
		"Set-Cookie": {header: http.Header{"Set-Cookie": {"a=b"}}},
		"no-store":   {header: http.Header{"Cache-Control": {"no-store"}}},
		"private":    {header: http.Header{"Cache-Control": {"private, max-age=60"}}},
		"too large":  {fixed: strings.Repeat("x", cacheMaxEntry+1)},
	} {
		c, _ := liveCache()
		h := c.Middleware(p)
		first := do(h, "GET", "/a")
		second := do(h, "GET", "/a")
		if second.Header().Get(Header) != "miss" || p.calls.Load() != 2 {
			t.Errorf("%s: kept (%q)", name, second.Header().Get(Header))
		}
		if first.Code != max(p.status, 200) || first.Body.Len() == 0 {
			t.Errorf("%s: replayed as %d with %d bytes", name, first.Code, first.Body.Len())
		}
	}
	c, _ := liveCache()
	kept := &page{header: http.Header{"Cache-Control": {"public, max-age=60"}, "Vary": {"Cookie"}}}
	h := c.Middleware(kept)
	do(h, "GET", "/a")
	r := do(h, "GET", "/a")
	if r.Header().Get("Cache-Control") != "public, max-age=60" || r.Header().Get("Vary") != "Cookie" {
		t.Errorf("the handler's own headers: Cache-Control %q, Vary %q", r.Header().Get("Cache-Control"), r.Header().Values("Vary"))
	}
}

func TestConcurrentReadersWaitForOneRendering(t *testing.T) {
	c, _ := liveCache()
	release := make(chan struct{})
	var calls atomic.Int32
	h := c.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		<-release
		io.WriteString(w, "the page")
	}))
	var wg sync.WaitGroup
	results := make([]*httptest.ResponseRecorder, 5)
	for i := range results {
		wg.Go(func() { results[i] = do(h, "GET", "/a") })
	}
	// Let them all arrive and queue behind the first.
	deadline := time.Now().Add(5 * time.Second)
	for calls.Load() == 0 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	time.Sleep(50 * time.Millisecond)
	close(release)
	wg.Wait()
	if calls.Load() != 1 {
		t.Errorf("%d renderings for 5 concurrent readers", calls.Load())
	}
	for i, r := range results {
		if r.Body.String() != "the page" {
			t.Errorf("reader %d got %q", i, r.Body)
		}
	}
}

func TestAWaitingReaderGivesUpWithItsOwnDeadline(t *testing.T) {
	var abandoned atomic.Bool
	c := New(Options{Abandon: func(w http.ResponseWriter, r *http.Request, err error) {
		abandoned.Store(err != nil)
		w.WriteHeader(http.StatusGatewayTimeout)
	}})
	c.Flush(true)
	release, started := make(chan struct{}), make(chan struct{})
	h := c.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(started)
		<-release
	}))
	go do(h, "GET", "/a")
	<-started
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/a", nil).WithContext(ctx))
	close(release)
	if w.Code != http.StatusGatewayTimeout || !abandoned.Load() {
		t.Errorf("status %d, Abandon called: %v", w.Code, abandoned.Load())
	}
}

func TestAFlushDuringARenderingKeepsNothing(t *testing.T) {
	c, _ := liveCache()
	h := c.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c.Flush(true) // a change arrives while the page reads the data
		io.WriteString(w, "maybe stale")
	}))
	do(h, "GET", "/a")
	if r := do(h, "GET", "/a"); r.Header().Get(Header) != "miss" {
		t.Errorf("a page rendered across a change was kept: %q", r.Header().Get(Header))
	}
}

func TestPagesExpireAndTheLeastRecentlyUsedGoFirst(t *testing.T) {
	c, clk := liveCache()
	h := c.Middleware(&page{fixed: strings.Repeat("x", 1000)})
	do(h, "GET", "/a")
	clk.add(cacheTTL + time.Second)
	if r := do(h, "GET", "/a"); r.Header().Get(Header) != "miss" {
		t.Errorf("after its lifetime: %q", r.Header().Get(Header))
	}

	c.mu.Lock()
	c.limit = 3 * c.lru.Front().Value.(*Page).size
	c.mu.Unlock()
	for _, p := range []string{"/b", "/c", "/a", "/d"} { // /a used again before /d pushes one out
		do(h, "GET", p)
	}
	// In this order: the miss of /b refills it and pushes out another.
	for _, tc := range []struct{ path, want string }{{"/a", "hit"}, {"/d", "hit"}, {"/c", "hit"}, {"/b", "miss"}} {
		if r := do(h, "GET", tc.path); r.Header().Get(Header) != tc.want {
			t.Errorf("%s: %q, want %s", tc.path, r.Header().Get(Header), tc.want)
		}
	}
}

func TestConditionalRequests(t *testing.T) {
	c, clk := liveCache()
	h := c.Middleware(&page{})
	clk.add(2 * time.Second) // rendered a second after the last flush
	first := do(h, "GET", "/a")
	etag, modified := first.Header().Get("ETag"), first.Header().Get("Last-Modified")
	for _, tc := range []struct {
		name   string
		header []string
		want   int
	}{
		{"its ETag", []string{"If-None-Match", etag}, 304},
		{"its ETag among others, weak", []string{"If-None-Match", `"abc", W/` + etag}, 304},
		{"*", []string{"If-None-Match", "*"}, 304},
		{"another ETag", []string{"If-None-Match", `"0123456789abcdef01234567"`}, 200},
		{"its Last-Modified", []string{"If-Modified-Since", modified}, 304},
		{"an earlier date", []string{"If-Modified-Since", "Mon, 02 Jan 2006 15:04:05 GMT"}, 200},
		{"a wrong ETag beats a good date", []string{"If-None-Match", `"x"`, "If-Modified-Since", modified}, 200},
	} {
		r := do(h, "GET", "/a", tc.header...)
		if r.Code != tc.want || (tc.want == 304 && (r.Body.Len() != 0 || r.Header().Get("Content-Type") != "")) {
			t.Errorf("%s: status %d, want %d; %d bytes, Content-Type %q", tc.name, r.Code, tc.want, r.Body.Len(), r.Header().Get("Content-Type"))
		}
	}
	// A date no later than the last flush is not believed: a page rendered
	// in the same second as a change carries the date of the one before.
	c.Flush(true)
	do(h, "GET", "/a")
	if r := do(h, "GET", "/a", "If-Modified-Since", clk.now().Format(http.TimeFormat)); r.Code != 200 {
		t.Errorf("If-Modified-Since the second of the flush: %d", r.Code)
	}
}

func TestNoneMatch(t *testing.T) {
	const tag = "0123abcd"
	for inm, want := range map[string]bool{
		`"0123abcd"`:             true,
		`W/"0123abcd"`:           true,
		`"x", "0123abcd"`:        true,
		` "x" , W/"0123abcd" `:   true,
		`"0123abcd-br"`:          true,
		`"0123abcd-gzip"`:        true,
		`*`:                      true,
		`"0123abcd0"`:            false,
		`"x"`:                    false,
		`"0123abcd-deflate"`:     false,
		`"*"`:                    false,
		``:                       false,
		`"0123ABCD"`:             false,
		`W/"x", W/"0123abcd-br"`: true,
	} {
		if got := NoneMatch(inm, tag); got != want {
			t.Errorf("NoneMatch(%q): %v, want %v", inm, got, want)
		}
	}
}

func TestCompressedFormsHaveTheirOwnTags(t *testing.T) {
	c, _ := liveCache()
	body := strings.Repeat("<p>承诺与进展</p>\n", 200)
	h := c.Middleware(&page{fixed: body})
	plain := do(h, "GET", "/a")
	gz := do(h, "GET", "/a", "Accept-Encoding", "gzip")
	if gz.Header().Get("Content-Encoding") != "gzip" || gz.Header().Get("ETag") == plain.Header().Get("ETag") ||
		!strings.Contains(strings.Join(gz.Header().Values("Vary"), ","), "Accept-Encoding") {
		t.Fatalf("gzip: Content-Encoding %q, ETag %q (identity %q), Vary %q", gz.Header().Get("Content-Encoding"),
			gz.Header().Get("ETag"), plain.Header().Get("ETag"), gz.Header().Values("Vary"))
	}
	zr, err := gzip.NewReader(bytes.NewReader(gz.Body.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := io.ReadAll(zr); string(b) != body {
		t.Error("the gzip form is not the body")
	}
	if r := do(h, "GET", "/a", "Accept-Encoding", "br", "If-None-Match", gz.Header().Get("ETag")); r.Code != 304 {
		t.Errorf("br with the gzip form's tag: %d, want 304 (the same body)", r.Code)
	}
	small := do(c.Middleware(&page{fixed: "short"}), "GET", "/small", "Accept-Encoding", "gzip")
	if small.Header().Get("Content-Encoding") != "" {
		t.Errorf("a %d-byte body was compressed", len("short"))
	}
}

func TestNewPageServesAFile(t *testing.T) {
	body := []byte(strings.Repeat("body { color: black }\n", 100))
	modified := time.Date(2026, 10, 1, 9, 0, 0, 0, time.UTC)
	p := NewPage(http.Header{"Content-Type": {"text/css"}}, body, modified)
	r := do(p, "GET", "/style.css", "Accept-Encoding", "br")
	if r.Code != 200 || r.Header().Get("Content-Encoding") != "br" || r.Header().Get("Last-Modified") != modified.Format(http.TimeFormat) {
		t.Errorf("status %d, Content-Encoding %q, Last-Modified %q", r.Code, r.Header().Get("Content-Encoding"), r.Header().Get("Last-Modified"))
	}
	if r := do(p, "GET", "/style.css", "If-None-Match", r.Header().Get("ETag")); r.Code != 304 {
		t.Errorf("its own ETag: %d", r.Code)
	}
	if r := do(p, "GET", "/style.css", "If-Modified-Since", modified.Format(http.TimeFormat)); r.Code != 304 {
		t.Errorf("its own date: %d", r.Code)
	}
}

// taggedCache is liveCache whose pages are tagged by their path's first
// segment after /t/ ("/t/a" carries "a"); other paths carry none. Only the
// parameter "q" is taken.
func taggedCache() *Cache {
	c, _ := liveCache()
	c.opts.Tags = func(r *http.Request) []string {
		if tag, ok := strings.CutPrefix(r.URL.Path, "/t/"); ok {
			return []string{tag}
		}
		return nil
	}
	c.opts.Params = func(_ *http.Request, name string) bool { return name == "q" }
	return c
}

func TestInvalidateDropsItsTagsAndTheUntagged(t *testing.T) {
	c := taggedCache()
	h := c.Middleware(&page{})
	for _, u := range []string{"/t/a", "/t/b", "/list"} {
		do(h, "GET", u)
	}
	c.Invalidate([]string{"a"})
	for u, want := range map[string]string{"/t/a": "miss", "/t/b": "hit", "/list": "miss"} {
		if got := do(h, "GET", u).Header().Get(Header); got != want {
			t.Errorf("%s after Invalidate(a): %q, want %q", u, got, want)
		}
	}
}

func TestAnInvalidationDuringARenderingKeepsOnlyWhatItSpared(t *testing.T) {
	c := taggedCache()
	var invalidate []string
	h := c.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c.Invalidate(invalidate) // a change arrives while the page reads the data
		io.WriteString(w, "page")
	}))
	for _, tc := range []struct {
		path, tag, want string
	}{
		{"/t/a", "a", "miss"}, // its own tag: maybe stale
		{"/t/b", "a", "hit"},  // another's: kept
		{"/list", "a", "miss"},
	} {
		invalidate = []string{tc.tag}
		do(h, "GET", tc.path)
		invalidate = nil
		if got := do(h, "GET", tc.path).Header().Get(Header); got != tc.want {
			t.Errorf("%s rendered across Invalidate(%s): then %q, want %q", tc.path, tc.tag, got, tc.want)
		}
	}
}

func TestParametersTheRouteDoesNotTakeAreNotKept(t *testing.T) {
	c := taggedCache()
	p := &page{}
	h := c.Middleware(p)
	do(h, "GET", "/list?q=1")
	if got := do(h, "GET", "/list?q=1").Header().Get(Header); got != "hit" {
		t.Errorf("a taken parameter: %q", got)
	}
	for range 2 {
		if got := do(h, "GET", "/list?q=1&junk=2").Header().Get(Header); got != "bypass" {
			t.Errorf("an unknown parameter: %q, want bypass", got)
		}
	}
}
