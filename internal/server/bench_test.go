package server_test

import (
	"io"
	"net/http"
	"testing"
)

// BenchmarkPages measures whole requests over real HTTP and PostgreSQL for the
// pages a reader opens most.
func BenchmarkPages(b *testing.B) {
	for _, path := range []string{"/documents/" + replySlug, "/commitments", "/commitments?status=planned&section=mineral_exploration", "/entities/catl"} {
		b.Run(path, func(b *testing.B) {
			base := newTestPortal(b).URL
			for b.Loop() {
				res, err := http.Get(base + path)
				if err != nil {
					b.Fatal(err)
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode != 200 {
					b.Fatalf("status %d", res.StatusCode)
				}
			}
		})
	}
}
