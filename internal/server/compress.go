package server

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"

	"github.com/andybalholm/brotli"
)

// Cached pages and static assets are compressed once, when they are kept, and
// sent in the form the client asks for; nothing is compressed per request.

// brotliLevel trades a little size for speed: a 300 kB page compresses in a
// few milliseconds at 6, in most of a second at 11.
const brotliLevel = 6

func compressGzip(b []byte) []byte {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}

func compressBrotli(b []byte) []byte {
	var buf bytes.Buffer
	bw := brotli.NewWriterLevel(&buf, brotliLevel)
	bw.Write(b)
	bw.Close()
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
