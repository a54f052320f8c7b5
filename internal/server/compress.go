package server

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
	"sync"

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

func compressGzip(b []byte) []byte {
	var buf bytes.Buffer
	buf.Grow(len(b) / 4)
	zw := gzipWriters.Get().(*gzip.Writer)
	zw.Reset(&buf)
	zw.Write(b)
	zw.Close()
	gzipWriters.Put(zw)
	return buf.Bytes()
}

func compressBrotli(b []byte) []byte {
	var buf bytes.Buffer
	buf.Grow(len(b) / 4)
	bw := brotliWriters.Get().(*brotli.Writer)
	bw.Reset(&buf)
	bw.Write(b)
	bw.Close()
	brotliWriters.Put(bw)
	return buf.Bytes()
}

// acceptsEncoding reports whether the request's Accept-Encoding allows coding
// (named, or *, with a q-value above zero).
func acceptsEncoding(r *http.Request, coding string) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		name = strings.TrimSpace(name)
		if !strings.EqualFold(name, coding) && name != "*" {
			continue
		}
		if q, ok := strings.CutPrefix(strings.ReplaceAll(params, " ", ""), "q="); ok {
			if v, err := strconv.ParseFloat(q, 64); err == nil && v <= 0 {
				continue
			}
		}
		return true
	}
	return false
}

// bodyTag is the hash that names a body in ETags and asset file names; the
// same body gets the same tag on every instance.
func bodyTag(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:12])
}

func itoa(n int) string { return strconv.Itoa(n) }
