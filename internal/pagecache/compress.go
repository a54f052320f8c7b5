package pagecache

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/andybalholm/brotli"
)

// Cached pages are compressed once, the first time a client asks for that
// form, and static assets once at start; nothing is compressed per request.
// The compressors are pooled: a brotli writer holds 10 MB of hash tables, and
// allocating one per page made them most of the portal's allocations.

// brotliLevel trades a little size for speed: a 300 kB page compresses in a
// few milliseconds at 6, in most of a second at 11. A 256 kB window covers
// the largest pages.
const (
	brotliLevel = 6
	brotliLGWin = 18
)

var (
	gzipWriters   = sync.Pool{New: func() any { w, _ := gzip.NewWriterLevel(nil, gzip.BestCompression); return w }}
	brotliWriters = sync.Pool{New: func() any {
		return brotli.NewWriterOptions(nil, brotli.WriterOptions{Quality: brotliLevel, LGWin: brotliLGWin})
	}}
)

// compressor is what both pooled writers are: a writer that can start over
// on another destination.
type compressor interface {
	io.WriteCloser
	Reset(io.Writer)
}

// compress writes b through a writer from pool.
func compress(pool *sync.Pool, b []byte) []byte {
	var buf bytes.Buffer
	buf.Grow(len(b) / 4)
	w := pool.Get().(compressor)
	w.Reset(&buf)
	w.Write(b)
	w.Close()
	pool.Put(w)
	return buf.Bytes()
}

func compressGzip(b []byte) []byte   { return compress(&gzipWriters, b) }
func compressBrotli(b []byte) []byte { return compress(&brotliWriters, b) }

// chooseEncoding picks the coding to send from the request's Accept-Encoding
// (RFC 9110, 12.5.3): br or gzip, whichever the client rates higher (br on a
// tie), or "" for the body as it is. A coding named explicitly outranks *,
// and q=0 refuses it.
func chooseEncoding(r *http.Request) string {
	ae := r.Header.Get("Accept-Encoding")
	if v, ok := chosen.Load(ae); ok {
		return v.(string)
	}
	enc := negotiate(r)
	// Clients send few distinct headers; one that sends a new one each time
	// only stops filling the memo.
	if chosenCount.Add(1) <= chosenMax {
		chosen.Store(ae, enc)
	}
	return enc
}

// chosen memoises negotiate by Accept-Encoding: parsing it was a tenth of the
// cost of a cached page.
var (
	chosen      sync.Map // Accept-Encoding -> "br", "gzip" or ""
	chosenCount atomic.Int64
)

const chosenMax = 1000

func negotiate(r *http.Request) string {
	br, gzip := codingQ(r, "br"), codingQ(r, "gzip")
	switch {
	case br > 0 && br >= gzip:
		return "br"
	case gzip > 0:
		return "gzip"
	}
	return ""
}

// codingQ is the q-value Accept-Encoding gives coding: its own entry's, else
// that of *, else 0.
func codingQ(r *http.Request, coding string) float64 {
	named, star := -1.0, -1.0
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		name = strings.TrimSpace(name)
		q := 1.0
		if v, ok := strings.CutPrefix(strings.ToLower(strings.ReplaceAll(params, " ", "")), "q="); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil || f < 0 || f > 1 {
				continue
			}
			q = f
		}
		switch {
		case strings.EqualFold(name, coding):
			named = max(named, q)
		case name == "*":
			star = max(star, q)
		}
	}
	switch {
	case named >= 0:
		return named
	case star >= 0:
		return star
	}
	return 0
}

// bodyTag is the hash that names a body in ETags and asset file names; the
// same body gets the same tag on every instance.
func bodyTag(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:12])
}

// Negotiate picks the coding for a response of size bytes made for one
// request (the CSV export, the API), as cached pages pick theirs: br or gzip,
// whichever the client prefers, and "" under compressMin or when the client
// takes neither. varies says whether the response varies by Accept-Encoding
// (it is large enough to be compressed); its ETag carries the coding's suffix
// (-br, -gzip) as a Page's does.
func Negotiate(r *http.Request, size int) (coding string, varies bool) {
	if size < compressMin {
		return "", false
	}
	return chooseEncoding(r), true
}

// Compress is body in coding (br or gzip; anything else leaves it as it is).
func Compress(coding string, body []byte) []byte {
	switch coding {
	case "br":
		return compressBrotli(body)
	case "gzip":
		return compressGzip(body)
	}
	return body
}
