package pagecache

import (
	"bytes"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Page is one response kept in memory with its compressed forms and its
// validators: a page in the cache, or a static file (NewPage).
type Page struct {
	key          string
	header       http.Header
	body         []byte
	compressible bool // large enough to be worth compressing
	gzipOnce     sync.Once
	gzip         []byte
	gzipLen      []string // its Content-Length value
	brotliOnce   sync.Once
	brotli       []byte
	brotliLen    []string
	etag         string // the body's hash, without quotes or encoding suffix
	headersOnce  sync.Once
	headers      *pageHeaders
	rendered     time.Time
	size         int64
	tags         []string  // what the page shows, for Invalidate
	since        time.Time // the last change that could have touched it before its rendering
}

// NewPage keeps body, sent with header, as last modified at modified. It is
// meant for files served for the life of the process, so both compressed
// forms are made at once, when worth it, rather than on first demand.
func NewPage(header http.Header, body []byte, modified time.Time) *Page {
	p := &Page{header: header, body: body, etag: bodyTag(body), rendered: modified, compressible: len(body) >= compressMin}
	if p.compressible {
		p.encoded("gzip")
		p.encoded("br")
	}
	return p
}

// ServeHTTP writes p in the encoding the client prefers, or 304 when the
// client's validators say it has it already.
func (p *Page) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.serve(w, r, time.Time{})
}

// encoded is the body in coding br or gzip, compressed on first use, with
// its Content-Length value.
func (p *Page) encoded(coding string) ([]byte, []string) {
	if coding == "br" {
		p.brotliOnce.Do(func() { p.brotli = compressBrotli(p.body); p.brotliLen = lengthValue(p.brotli) })
		return p.brotli, p.brotliLen
	}
	p.gzipOnce.Do(func() { p.gzip = compressGzip(p.body); p.gzipLen = lengthValue(p.gzip) })
	return p.gzip, p.gzipLen
}

func lengthValue(b []byte) []string { return []string{strconv.Itoa(len(b))} }

// pageHeaders are the header values a page is served with, made once: Set
// would canonicalise the key and allocate the value on every hit.
type pageHeaders struct {
	etag, etagBr, etagGzip, br, gzip, modified, length []string
	// vary is the Vary of a hit when the response had varyBefore already
	// (the same for every request: what the middleware before the cache
	// varies on), then the page's own and Accept-Encoding.
	varyBefore, vary []string
}

// headerValues makes p's header values on first use; varyBefore is the
// response's Vary before p's are added.
func (p *Page) headerValues(varyBefore []string) *pageHeaders {
	p.headersOnce.Do(func() {
		v := &pageHeaders{
			etag:       []string{`"` + p.etag + `"`},
			etagBr:     []string{`"` + p.etag + `-br"`},
			etagGzip:   []string{`"` + p.etag + `-gzip"`},
			br:         []string{"br"},
			gzip:       []string{"gzip"},
			modified:   []string{p.rendered.UTC().Format(http.TimeFormat)},
			length:     lengthValue(p.body),
			varyBefore: slices.Clone(varyBefore),
		}
		v.vary = p.vary(v.varyBefore)
		p.headers = v
	})
	return p.headers
}

// vary is the Vary of a response that had before already: before, the
// page's own, and Accept-Encoding when p is sent compressed to those who take it.
func (p *Page) vary(before []string) []string {
	vary := slices.Concat(before, p.header["Vary"])
	if p.compressible {
		vary = append(vary, "Accept-Encoding")
	}
	return slices.Clip(vary)
}

// recordedPage keeps a recorded response if it may be shared: a 200 that
// sets no cookie and does not forbid storing.
func recordedPage(key string, rec *recorder, now time.Time) *Page {
	cc := rec.header.Get("Cache-Control")
	if rec.status != http.StatusOK || rec.header.Get("Set-Cookie") != "" ||
		strings.Contains(cc, "no-store") || strings.Contains(cc, "private") ||
		rec.body.Len() > cacheMaxEntry {
		return nil
	}
	h := rec.header.Clone()
	for _, k := range []string{"Content-Length", "ETag", "Last-Modified", "Date", Header} {
		h.Del(k)
	}
	if cc == "" {
		h.Set("Cache-Control", "no-cache") // keep, but ask again with the validators each time
	}
	p := &Page{key: key, header: h, body: bytes.Clone(rec.body.Bytes()), rendered: now}
	p.etag = bodyTag(p.body)
	p.compressible = len(p.body) >= compressMin
	// Counted as if both compressed forms were made: HTML and JSON shrink to
	// well under a third.
	p.size = int64(len(key) + len(p.body) + 2*len(p.body)/3 + 512)
	return p
}

// serve writes p; flushed is the moment before which any If-Modified-Since
// is too old to be believed.
func (p *Page) serve(w http.ResponseWriter, r *http.Request, flushed time.Time) {
	h := w.Header()
	varyBefore := h["Vary"]
	v := p.headerValues(varyBefore)
	for k, vs := range p.header {
		if k != "Vary" {
			h[k] = vs
		}
	}
	// The values are shared by every hit: a later Set replaces a slice, an
	// Add appends past its capacity, so none of them is written through.
	vary := v.vary
	if !slices.Equal(varyBefore, v.varyBefore) {
		vary = p.vary(varyBefore)
	}
	if len(vary) > 0 {
		h["Vary"] = vary
	}
	body, length, enc := p.body, v.length, ""
	if p.compressible {
		if enc = chooseEncoding(r); enc != "" {
			body, length = p.encoded(enc)
		}
	}
	etag := v.etag
	switch enc {
	case "br":
		etag = v.etagBr
		h["Content-Encoding"] = v.br
	case "gzip":
		etag = v.etagGzip
		h["Content-Encoding"] = v.gzip
	}
	h["Etag"] = etag
	h["Last-Modified"] = v.modified
	if p.notModified(r, flushed) {
		h.Del("Content-Type")
		h.Del("Content-Encoding")
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h["Content-Length"] = length
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
func (p *Page) notModified(r *http.Request, flushed time.Time) bool {
	if inm := r.Header.Get("If-None-Match"); inm != "" {
		return NoneMatch(inm, p.etag)
	}
	since := r.Header.Get("If-Modified-Since")
	if since == "" {
		return false
	}
	ims, err := http.ParseTime(since)
	if err != nil {
		return false
	}
	return ims.After(flushed) && !ims.Before(p.rendered.Truncate(time.Second))
}

// NoneMatch reports whether the If-None-Match value inm names the body whose
// opaque tag (the ETag without its quotes) is tag, by the weak comparison of
// RFC 9110, 13.1.2: * or any listed tag equal to it, W/ or not. A tag with an
// encoding suffix (-br, -gzip, as this package sends for compressed forms)
// names the same body.
func NoneMatch(inm, tag string) bool {
	for _, t := range strings.Split(inm, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == "*" {
			return true
		}
		t = strings.Trim(t, `"`)
		t = strings.TrimSuffix(strings.TrimSuffix(t, "-br"), "-gzip")
		if t == tag {
			return true
		}
	}
	return false
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
	addHeader(w.Header(), rec.header)
	w.WriteHeader(rec.status)
	w.Write(rec.body.Bytes())
}

// addHeader sets src's fields in dst, adding to Vary rather than replacing
// it: what the middleware before the cache vary on (the language) stands.
func addHeader(dst, src http.Header) {
	for k, v := range src {
		if k == "Vary" {
			dst[k] = append(dst[k], v...)
		} else {
			dst[k] = v
		}
	}
}
