// Package pagecache keeps rendered public pages in memory for readers who
// may share them, so that a burst of readers costs one rendering per page,
// not one per request. It compresses each page once per encoding, on first
// demand, and answers conditional requests (ETag, Last-Modified, 304).
//
// It is correct under change because its owner tells it of every write
// anywhere, as the change listener (internal/changes) reports them: Flush
// when anything may have changed, Invalidate with tags when the write says
// what it touched; and because it serves nothing while it is not live: a page
// is kept only while every change that could make it stale would reach it.
// A page is kept with the tags its owner names for it (Options.Tags), and
// Invalidate drops the pages with any of the tags and every page with none.
//
// What a page depends on is in its key: the variant the owner names (the
// language the reader gets), the path and the query with its parameters in a
// fixed order. Requests the owner calls private (staff, with a session) never
// get or fill a cached page, nor do queries with parameters the route does
// not take (Options.Params): they could fill it with any number of copies.
package pagecache

import (
	"container/list"
	"net/http"
	"net/url"
	"sync"
	"time"
)

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

// Header says how a response was served: hit, miss or bypass. Tests and
// operators read it; browsers ignore it.
const Header = "X-Portal-Cache"

// hit is Header's value for a page served from the cache, made once: it is
// set on most responses. Header is canonical, as a map key must be.
var hit = []string{"hit"}

// Options are what the cache learns from its owner.
type Options struct {
	// Private reports whether r's response is its reader's own (staff: their
	// pages carry their own controls and must show their own edits at once):
	// such a request never gets or fills a cached page. Nil: none is.
	Private func(r *http.Request) bool
	// Variant is what a page depends on besides its path and query: the
	// language its reader gets. Nil: nothing.
	Variant func(r *http.Request) string
	// Abandon answers a request whose context ended while it waited for
	// another request's rendering of the same page. Nil: 503 with no body.
	Abandon func(w http.ResponseWriter, r *http.Request, err error)
	// Now is the clock of Last-Modified and of the pages' lifetime. Nil: time.Now.
	Now func() time.Time
	// Params reports whether r's route takes the query parameter name. A
	// request with any other is served as rendered and not kept. Nil: all are.
	Params func(r *http.Request, name string) bool
	// Tags names what r's page shows, as Invalidate's tags do. Nil or none:
	// every Invalidate drops the page.
	Tags func(r *http.Request) []string
}

// tagMark is the last invalidation of a tag: its generation and time.
type tagMark struct {
	gen uint64
	at  time.Time
}

// tagsKept bounds the memory of invalidated tags; past it, the next put of a
// page rendered before the last invalidation is refused, as after a Flush.
const tagsKept = 100000

// Cache is an LRU of rendered pages bounded in bytes, emptied by Flush. It
// starts off: nothing is served from it until the first Flush(true).
type Cache struct {
	opts    Options
	mu      sync.Mutex
	entries map[string]*list.Element // of *Page
	lru     *list.List
	size    int64
	limit   int64
	// gen counts flushes and invalidations; a rendering started under an
	// older generation is not kept if one of them may have changed what it
	// read: a flush (flushGen) or an invalidation of its tags (tagGen, or
	// untagged for a page without tags).
	gen      uint64
	flushGen uint64
	untagged tagMark
	tagGen   map[string]tagMark
	// live is true while the owner listens for changes; only then is
	// anything served from or kept in the cache.
	live bool
	// flushed is when the cache was last emptied: no If-Modified-Since
	// before it can be answered with 304.
	flushed time.Time
	filling map[string]*pageFill
}

// pageFill is one rendering of a missing page that concurrent requests for
// the same key wait for instead of rendering it again.
type pageFill struct {
	done chan struct{}
	page *Page // nil when the response was not kept
}

// New returns an empty cache that is off until the first Flush(true).
func New(opts Options) *Cache {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Cache{opts: opts, entries: map[string]*list.Element{}, lru: list.New(), limit: cacheLimit,
		filling: map[string]*pageFill{}, tagGen: map[string]tagMark{}}
}

// Flush empties the cache; live says whether it may fill again: true when
// its owner knows of a change and will hear of the next, false when it may
// miss changes (its listener is down).
func (c *Cache) Flush(live bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	c.flushGen = c.gen
	c.live = live
	c.flushed = c.opts.Now()
	c.untagged = tagMark{c.gen, c.flushed}
	clear(c.tagGen)
	clear(c.entries)
	c.lru.Init()
	c.size = 0
}

// Invalidate drops the pages that carry any of tags, and every page that
// carries none: what a write that names what it touched can have changed.
// Pages being rendered meanwhile are not kept if they are among them.
func (c *Cache) Invalidate(tags []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	mark := tagMark{c.gen, c.opts.Now()}
	c.untagged = mark
	if len(c.tagGen)+len(tags) > tagsKept {
		// Forget the marks, and refuse every rendering begun before now.
		clear(c.tagGen)
		c.flushGen = c.gen
	}
	drop := make(map[string]bool, len(tags))
	for _, t := range tags {
		c.tagGen[t] = mark
		drop[t] = true
	}
	for _, el := range c.entries {
		p := el.Value.(*Page)
		hit := len(p.tags) == 0
		for _, t := range p.tags {
			hit = hit || drop[t]
		}
		if hit {
			c.remove(el)
		}
	}
}

// since is the last moment a change may have touched a page with tags, by
// the marks: If-Modified-Since before it cannot be believed. ok is false when
// one came after generation gen.
func (c *Cache) since(tags []string, gen uint64) (at time.Time, ok bool) {
	if c.flushGen > gen {
		return at, false
	}
	at = c.flushed
	marks := []tagMark{}
	if len(tags) == 0 {
		marks = append(marks, c.untagged)
	}
	for _, t := range tags {
		if m, ok := c.tagGen[t]; ok {
			marks = append(marks, m)
		}
	}
	for _, m := range marks {
		if m.gen > gen {
			return at, false
		}
		if m.at.After(at) {
			at = m.at
		}
	}
	return at, true
}

// lookup returns the generation, whether the cache serves at all, and the
// live page kept under key, or nil; under one lock. key is the key's bytes:
// a map indexed by string(key) makes no string.
func (c *Cache) lookup(key []byte) (gen uint64, live bool, p *Page) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.live {
		return c.gen, false, nil
	}
	el, ok := c.entries[string(key)]
	if !ok {
		return c.gen, true, nil
	}
	p = el.Value.(*Page)
	if c.opts.Now().Sub(p.rendered) > cacheTTL {
		c.remove(el)
		return c.gen, true, nil
	}
	c.lru.MoveToFront(el)
	return c.gen, true, p
}

func (c *Cache) remove(el *list.Element) {
	p := c.lru.Remove(el).(*Page)
	delete(c.entries, p.key)
	c.size -= p.size
}

// put keeps p unless the cache was flushed since its rendering began (gen),
// then evicts the least recently used pages beyond the limit.
func (c *Cache) put(p *Page, gen uint64) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.live {
		return false
	}
	since, ok := c.since(p.tags, gen)
	if !ok {
		return false
	}
	p.since = since
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

// key appends to dst everything a shared page depends on: the variant, the
// path and the query in a canonical order. ok is false for a query that does
// not parse, which the handler will refuse.
func (c *Cache) key(dst []byte, r *http.Request) (key []byte, ok bool) {
	// The router reads the escaped path: /a%2Fb is not /a/b to it, so
	// such a path is never kept under the decoded one's key.
	if r.URL.RawPath != "" {
		return dst, false
	}
	if c.opts.Variant != nil {
		dst = append(dst, c.opts.Variant(r)...)
	}
	dst = append(append(append(dst, ' '), r.URL.Path...), '?')
	if r.URL.RawQuery == "" {
		return dst, true
	}
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return dst, false
	}
	if c.opts.Params != nil {
		for name := range q {
			if !c.opts.Params(r, name) {
				return dst, false
			}
		}
	}
	return append(dst, q.Encode()...), true
}

// Middleware serves the routes it wraps from the cache to readers who are not
// private, and fills it. Put it on the routes whose GET responses are the
// same for every such reader, and only there: it is how a route is marked
// cacheable.
func (c *Cache) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			// Only a committed write empties the cache, through its
			// notification, which reaches this instance too within
			// milliseconds. A request's status is no sign of a write: any
			// client can have a POST answered 301 or 303.
			next.ServeHTTP(w, r)
			return
		}
		if c.opts.Private != nil && c.opts.Private(r) {
			w.Header().Set(Header, "bypass")
			next.ServeHTTP(w, r)
			return
		}
		var buf [256]byte
		kb, ok := c.key(buf[:0], r)
		if !ok {
			w.Header().Set(Header, "bypass")
			next.ServeHTTP(w, r)
			return
		}
		gen, live, p := c.lookup(kb)
		if !live {
			w.Header().Set(Header, "bypass")
			next.ServeHTTP(w, r)
			return
		}
		if p != nil {
			w.Header()[Header] = hit
			c.serve(w, r, p)
			return
		}
		if r.Method == http.MethodHead { // handlers may leave the body out: nothing to keep
			w.Header().Set(Header, "miss")
			next.ServeHTTP(w, r)
			return
		}
		key := string(kb)
		c.mu.Lock()
		if f, ok := c.filling[key]; ok {
			c.mu.Unlock()
			// Waiting counts against this request's own deadline.
			select {
			case <-f.done:
			case <-r.Context().Done():
				c.abandon(w, r, r.Context().Err())
				return
			}
			if f.page != nil {
				w.Header()[Header] = hit
				c.serve(w, r, f.page)
				return
			}
			w.Header().Set(Header, "miss")
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
		w.Header().Set(Header, "miss")
		p = recordedPage(key, rec, c.opts.Now())
		if p != nil && c.opts.Tags != nil {
			p.tags = c.opts.Tags(r)
		}
		if p != nil && c.put(p, gen) {
			f.page = p
			c.serve(w, r, p)
			return
		}
		rec.replay(w)
	})
}

func (c *Cache) abandon(w http.ResponseWriter, r *http.Request, err error) {
	if c.opts.Abandon != nil {
		c.opts.Abandon(w, r, err)
		return
	}
	w.WriteHeader(http.StatusServiceUnavailable)
}

// serve writes p, answering If-Modified-Since only when it is later than the
// last change that could have touched p before it was rendered.
func (c *Cache) serve(w http.ResponseWriter, r *http.Request, p *Page) {
	p.serve(w, r, p.since)
}
