package server

import (
	"bytes"
	"container/list"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/guizhou-portal/portal/internal/i18n"
)

// The page cache keeps rendered public pages in memory for readers without a
// session, so that a burst of readers costs one rendering per page, not one per
// request. It is correct under change because every write anywhere sends a
// notification through PostgreSQL (migration 00008) that empties the cache of
// every instance (notify.go), and because it serves nothing while this
// instance is not listening: a page is cached only while every change that
// could make it stale would reach us.
//
// What a page depends on is in its key: the language the reader gets (cookie
// or Accept-Language, as localize picks it), the path and the query with its
// parameters in a fixed order. Staff (anyone with a session cookie) never get
// or fill a cached page: their pages carry their own controls and must show
// their own edits at once.
const (
	// cacheLimit bounds the bytes held (bodies and their compressed forms).
	cacheLimit = 48 << 20
	// cacheMaxEntry is the largest body worth keeping.
	cacheMaxEntry = 4 << 20
	// cacheTTL bounds how long a page lives without a change: long enough to
	// absorb a burst, short enough that what depends on the date alone (the
	// dashboard's overdue flags) moves on.
	cacheTTL = 5 * time.Minute
	// compressMin is the size below which compressing is not worth it.
	compressMin = 512
)

// cacheHeader says how a response was served: hit, miss or bypass. Tests and
// operators read it; browsers ignore it.
const cacheHeader = "X-Portal-Cache"

// cachedPaths are the public pages and data served from the cache. Anything
// not listed (health checks, login, feeds, the CSV export, staff pages,
// metrics) always goes to its handler.
func cachedPath(p string) bool {
	switch {
	case p == "/", p == "/commitments", p == "/entities", p == "/dashboard", p == "/map", p == "/search":
		return true
	case strings.HasPrefix(p, "/documents/"), strings.HasPrefix(p, "/entities/"):
		return true
	case strings.HasPrefix(p, "/commitments/"):
		// /commitments/{id} and its history; not /new, /{id}/edit or the feed.
		rest := strings.TrimPrefix(p, "/commitments/")
		id, sub, _ := strings.Cut(rest, "/")
		return id != "" && id != "new" && (sub == "" || sub == "history")
	case strings.HasPrefix(p, "/api/v1/"):
		return p != "/api/v1/openapi.json"
	}
	return false
}

// pageCache is an LRU of rendered pages bounded in bytes, emptied by flush.
type pageCache struct {
	mu      sync.Mutex
	entries map[string]*list.Element // of *cachedPage
	lru     *list.List
	size    int64
	limit   int64
	// gen counts flushes; a rendering started under an older generation is
	// not kept, since it may have read data changed meanwhile.
	gen uint64
	// live is true while the instance listens for changes; only then is
	// anything served from or kept in the cache.
	live bool
	// flushed is when the cache was last emptied: no If-Modified-Since
	// before it can be answered with 304.
	flushed time.Time
	filling map[string]*pageFill
	now     func() time.Time
}

// pageFill is one rendering of a missing page that concurrent requests for
// the same key wait for instead of rendering it again.
type pageFill struct {
	done chan struct{}
	page *cachedPage // nil when the response was not kept
}

func newPageCache() *pageCache {
	return &pageCache{entries: map[string]*list.Element{}, lru: list.New(), limit: cacheLimit,
		filling: map[string]*pageFill{}, now: time.Now}
}

// flush empties the cache; live says whether it may fill again.
func (c *pageCache) flush(live bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	c.live = live
	c.flushed = c.now()
	clear(c.entries)
	c.lru.Init()
	c.size = 0
}

// get returns the live page for key, or nil.
func (c *pageCache) get(key string) *cachedPage {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.entries[key]
	if !ok {
		return nil
	}
	p := el.Value.(*cachedPage)
	if c.now().Sub(p.rendered) > cacheTTL {
		c.remove(el)
		return nil
	}
	c.lru.MoveToFront(el)
	return p
}

func (c *pageCache) remove(el *list.Element) {
	p := c.lru.Remove(el).(*cachedPage)
	delete(c.entries, p.key)
	c.size -= p.size
}

// put keeps p unless the cache was flushed since its rendering began (gen),
// then evicts the least recently used pages beyond the limit.
func (c *pageCache) put(p *cachedPage, gen uint64) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.live || c.gen != gen {
		return false
	}
	if el, ok := c.entries[p.key]; ok {
		c.remove(el)
	}
	c.entries[p.key] = c.lru.PushFront(p)
	c.size += p.size
	for c.size > c.limit && c.lru.Len() > 1 {
		c.remove(c.lru.Back())
	}
	return true
}

// state is the generation and whether the cache serves at all.
func (c *pageCache) state() (uint64, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gen, c.live
}

// cacheKey is everything a public page depends on: language, path and the
// query in a canonical order. ok is false for a query that does not parse,
// which the handler will refuse.
func cacheKey(r *http.Request) (key string, ok bool) {
	cookie := ""
	if c, err := r.Cookie(langCookie); err == nil {
		cookie = c.Value
	}
	lang := i18n.Pick(cookie, r.Header.Get("Accept-Language")).HTMLLang()
	q, err := url.ParseQuery(r.URL.RawQuery)
	// The router reads the escaped path: /a%2Fb is not /a/b to it, so
	// such a path is never kept under the decoded one's key.
	if err != nil || r.URL.RawPath != "" {
		return "", false
	}
	return lang + " " + r.URL.Path + "?" + q.Encode(), true
}

// pageCacheHandler serves anonymous readers' public pages from the cache and
// fills it; it also empties this instance's cache as soon as a write here
// succeeds, without waiting for the notification to come back.
func (s *Server) pageCacheHandler(next http.Handler) http.Handler {
	c := s.cache
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			// Only a committed write empties the cache, through its
			// notification, which reaches this instance too within
			// milliseconds. A request's status is no sign of a write: any
			// client can have a POST answered 301 or 303.
			next.ServeHTTP(w, r)
			return
		}
		if !cachedPath(r.URL.Path) || hasSession(r) {
			w.Header().Set(cacheHeader, "bypass")
			next.ServeHTTP(w, r)
			return
		}
		gen, live := c.state()
		key, ok := cacheKey(r)
		if !live || !ok {
			w.Header().Set(cacheHeader, "bypass")
			next.ServeHTTP(w, r)
			return
		}
		if p := c.get(key); p != nil {
			w.Header().Set(cacheHeader, "hit")
			c.serve(w, r, p)
			return
		}
		if r.Method == http.MethodHead { // handlers may leave the body out: nothing to keep
			w.Header().Set(cacheHeader, "miss")
			next.ServeHTTP(w, r)
			return
		}
		c.mu.Lock()
		if f, ok := c.filling[key]; ok {
			c.mu.Unlock()
			// Waiting counts against this request's own deadline.
			select {
			case <-f.done:
			case <-r.Context().Done():
				s.renderError(w, r, r.Context().Err())
				return
			}
			if f.page != nil {
				w.Header().Set(cacheHeader, "hit")
				c.serve(w, r, f.page)
				return
			}
			w.Header().Set(cacheHeader, "miss")
			next.ServeHTTP(w, r)
			return
		}
		f := &pageFill{done: make(chan struct{})}
		c.filling[key] = f
		c.mu.Unlock()
		defer func() {
			c.mu.Lock()
			delete(c.filling, key)
			c.mu.Unlock()
			close(f.done)
		}()

		// Render the whole page whatever the reader already has; the
		// conditional request is answered from the page kept.
		inner := r.Clone(r.Context())
		inner.Header.Del("If-None-Match")
		inner.Header.Del("If-Modified-Since")
		rec := &recorder{header: http.Header{}, status: http.StatusOK}
		next.ServeHTTP(rec, inner)
		w.Header().Set(cacheHeader, "miss")
		p := newCachedPage(key, rec, c.now())
		if rctx := chi.RouteContext(r.Context()); p != nil && rctx != nil {
			p.route = rctx.RoutePattern()
		}
		if p != nil && c.put(p, gen) {
			f.page = p
			c.serve(w, r, p)
			return
		}
		rec.replay(w)
	})
}

// hasSession reports whether the request carries a session cookie: staff, or
// someone whose session has just ended (the handler will clear the cookie).
func hasSession(r *http.Request) bool {
	_, err := r.Cookie(sessionCookie)
	return err == nil
}

// cachedPage is one rendered response with its compressed forms.
type cachedPage struct {
	key          string
	header       http.Header
	body         []byte
	compressible bool // large enough to be worth compressing
	gzipOnce     sync.Once
	gzip         []byte
	brotliOnce   sync.Once
	brotli       []byte
	etag         string // the body's hash, without quotes or encoding suffix
	rendered     time.Time
	size         int64
	route        string // the chi pattern that rendered it, for the log line and metrics of hits
}

// encoded is the body in coding br or gzip, compressed on first use.
func (p *cachedPage) encoded(coding string) []byte {
	if coding == "br" {
		p.brotliOnce.Do(func() { p.brotli = compressBrotli(p.body) })
		return p.brotli
	}
	p.gzipOnce.Do(func() { p.gzip = compressGzip(p.body) })
	return p.gzip
}

// newCachedPage keeps a recorded response if it may be shared: a 200 that
// sets no cookie and does not forbid storing.
func newCachedPage(key string, rec *recorder, now time.Time) *cachedPage {
	cc := rec.header.Get("Cache-Control")
	if rec.status != http.StatusOK || rec.header.Get("Set-Cookie") != "" ||
		strings.Contains(cc, "no-store") || strings.Contains(cc, "private") ||
		rec.body.Len() > cacheMaxEntry {
		return nil
	}
	h := rec.header.Clone()
	for _, k := range []string{"Content-Length", "ETag", "Last-Modified", "Date", cacheHeader} {
		h.Del(k)
	}
	if cc == "" {
		h.Set("Cache-Control", "no-cache") // keep, but ask again with the validators each time
	}
	p := &cachedPage{key: key, header: h, body: bytes.Clone(rec.body.Bytes()), rendered: now}
	p.etag = bodyTag(p.body)
	p.compressible = len(p.body) >= compressMin
	// Counted as if both compressed forms were made: HTML and JSON shrink to
	// well under a third.
	p.size = int64(len(key) + len(p.body) + 2*len(p.body)/3 + 512)
	return p
}

// serve writes p in the encoding the client prefers, or 304 when the
// client's validators say it has it already.
func (c *pageCache) serve(w http.ResponseWriter, r *http.Request, p *cachedPage) {
	// A hit is not routed; it is counted under the route that rendered it.
	if rctx := chi.RouteContext(r.Context()); rctx != nil && rctx.RoutePattern() == "" && p.route != "" {
		rctx.RoutePatterns = append(rctx.RoutePatterns, p.route)
	}
	c.mu.Lock()
	flushed := c.flushed
	c.mu.Unlock()
	serveStored(w, r, p, flushed)
}

// serveStored writes p; flushed is the moment before which any
// If-Modified-Since is too old to be believed.
func serveStored(w http.ResponseWriter, r *http.Request, p *cachedPage, flushed time.Time) {
	h := w.Header()
	for k, v := range p.header {
		if k == "Vary" {
			h[k] = append(h[k], v...)
		} else {
			h[k] = v
		}
	}
	body, enc := p.body, ""
	if p.compressible {
		h.Add("Vary", "Accept-Encoding")
		if enc = chooseEncoding(r); enc != "" {
			body = p.encoded(enc)
		}
	}
	etag := `"` + p.etag + `"`
	if enc != "" {
		etag = `"` + p.etag + "-" + enc + `"`
		h.Set("Content-Encoding", enc)
	}
	h.Set("ETag", etag)
	h.Set("Last-Modified", p.rendered.UTC().Format(http.TimeFormat))
	if notModified(r, p, flushed) {
		h.Del("Content-Type")
		h.Del("Content-Encoding")
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}

// notModified applies the request's validators to p: If-None-Match when
// present (any encoding of the same body matches), else If-Modified-Since,
// which is believed only when it is later than the last flush, since a page
// rendered in the same second as a change carries the same date as the one
// before it.
func notModified(r *http.Request, p *cachedPage, flushed time.Time) bool {
	if inm := r.Header.Get("If-None-Match"); inm != "" {
		for _, t := range strings.Split(inm, ",") {
			t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
			if t == "*" {
				return true
			}
			t = strings.Trim(t, `"`)
			t = strings.TrimSuffix(strings.TrimSuffix(t, "-br"), "-gzip")
			if t == p.etag {
				return true
			}
		}
		return false
	}
	ims, err := http.ParseTime(r.Header.Get("If-Modified-Since"))
	if err != nil {
		return false
	}
	return ims.After(flushed) && !ims.Before(p.rendered.Truncate(time.Second))
}

// recorder keeps a handler's response so that it can be cached before it is sent.
type recorder struct {
	header      http.Header
	status      int
	wroteHeader bool
	body        bytes.Buffer
}

func (rec *recorder) Header() http.Header { return rec.header }

func (rec *recorder) WriteHeader(status int) {
	if !rec.wroteHeader {
		rec.status, rec.wroteHeader = status, true
	}
}

func (rec *recorder) Write(b []byte) (int, error) {
	rec.WriteHeader(http.StatusOK)
	return rec.body.Write(b)
}

// replay sends a response that was not kept as the handler wrote it.
func (rec *recorder) replay(w http.ResponseWriter) {
	h := w.Header()
	for k, v := range rec.header {
		if k == "Vary" {
			h[k] = append(h[k], v...)
		} else {
			h[k] = v
		}
	}
	w.WriteHeader(rec.status)
	w.Write(rec.body.Bytes())
}
