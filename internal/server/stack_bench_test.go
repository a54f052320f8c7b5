package server_test

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/guizhou-portal/portal/internal/heapfloor"
	"github.com/guizhou-portal/portal/internal/logbuf"
	"github.com/guizhou-portal/portal/internal/postgres"
	"github.com/guizhou-portal/portal/internal/postgres/pgtest"
	"github.com/guizhou-portal/portal/internal/server"
)

// servingLogger logs to f as `portal serve` logs to its standard error: JSON
// lines written together (internal/logbuf).
func servingLogger(f *os.File) *slog.Logger {
	w := logbuf.New(f, logbuf.DefaultDelay)
	return slog.New(logbuf.NewHandler(slog.NewJSONHandler(w, nil), w))
}

// stackServers starts the portal as `portal serve` runs it (its http.Server,
// the page cache listening, the log written to a file, the heap floor), waits until the
// reply's page is served from the cache, and starts a bare chi router that
// answers /healthz and, at the reply's address, the same brotli body the
// portal sends for it: the ceiling for a page of that size. It returns both
// handlers and both addresses.
func stackServers(b *testing.B) (portal, bare http.Handler, portalAddr, bareAddr string) {
	b.Helper()
	pool := pgtest.NewDB(b)
	logFile, err := os.Create(filepath.Join(b.TempDir(), "portal.log"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { logFile.Close() })
	latest, err := postgres.LatestVersion()
	if err != nil {
		b.Fatal(err)
	}
	s := server.NewWithOptions(pool, servingLogger(logFile), latest, server.Options{})
	ctx, cancel := context.WithCancel(context.Background())
	go heapfloor.Keep(ctx, heapfloor.Floor) // as serve does
	portal = s.Handler()
	pln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	served := make(chan struct{})
	go func() { s.Serve(ctx, pln); close(served) }()
	b.Cleanup(func() {
		cancel()
		<-served
	})
	portalAddr = pln.Addr().String()

	var page []byte
	deadline := time.Now().Add(10 * time.Second)
	for {
		req, _ := http.NewRequest(http.MethodGet, "http://"+portalAddr+"/documents/"+replySlug, nil)
		req.Header.Set("Accept-Encoding", "br") // set by hand: the client leaves the body as it is
		res, err := http.DefaultClient.Do(req)
		if err == nil {
			page, _ = io.ReadAll(res.Body)
			res.Body.Close()
			if res.Header.Get("X-Portal-Cache") == "hit" && res.Header.Get("Content-Encoding") == "br" {
				break
			}
		}
		if time.Now().After(deadline) {
			b.Fatal("the reply's page never came from the cache")
		}
		time.Sleep(20 * time.Millisecond)
	}

	r := chi.NewRouter()
	r.Get("/healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write([]byte("ok\n"))
	})
	r.Get("/documents/{slug}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Content-Encoding", "br")
		w.Header().Set("Content-Length", strconv.Itoa(len(page)))
		w.Write(page)
	})
	bare = r
	bln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	bareSrv := &http.Server{Handler: bare, ReadHeaderTimeout: 10 * time.Second}
	go bareSrv.Serve(bln)
	b.Cleanup(func() { bareSrv.Close() })
	return portal, bare, portalAddr, bln.Addr().String()
}

// BenchmarkStackHTTP is BenchmarkStack over real connections, as wrk loads
// the portal in make bench: each goroutine keeps one connection and sends a
// request as a browser would (Accept-Encoding: gzip, deflate, br), reading
// the response with a minimal client that allocates next to nothing, so
// that the figures are the server's: its reading, headers, writes and
// syscalls, which an httptest recorder skips.
func BenchmarkStackHTTP(b *testing.B) {
	_, _, portalAddr, bareAddr := stackServers(b)
	for _, tc := range []struct {
		name, addr, path string
	}{
		{"bare chi", bareAddr, "/healthz"},
		{"portal healthz", portalAddr, "/healthz"},
		{"bare chi, the document's body", bareAddr, "/documents/" + replySlug},
		{"portal cached document", portalAddr, "/documents/" + replySlug},
	} {
		b.Run(tc.name, func(b *testing.B) {
			req := []byte("GET " + tc.path + " HTTP/1.1\r\nHost: portal.example\r\nUser-Agent: stack-bench\r\n" +
				"Accept: text/html\r\nAccept-Encoding: gzip, deflate, br\r\n\r\n")
			b.ReportAllocs()
			b.SetParallelism(4)
			reportCPU(b, func() {
				b.RunParallel(func(pb *testing.PB) {
					conn, err := net.Dial("tcp", tc.addr)
					if err != nil {
						b.Error(err)
						return
					}
					defer conn.Close()
					br := bufio.NewReaderSize(conn, 64<<10)
					for pb.Next() {
						if _, err := conn.Write(req); err != nil {
							b.Error(err)
							return
						}
						if err := readResponse(br); err != nil {
							b.Errorf("%s: %v", tc.path, err)
							return
						}
					}
				})
			})
		})
	}
}

// cpuTime is the CPU time this process has used, in user and system mode.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportCPU runs the benchmark's requests and reports, besides the wall
// time, the process's CPU time per request (cpu-ns/op): on a machine shared
// with other work that is steadier than the wall time, which counts waiting
// for the cores as well.
func reportCPU(b *testing.B, run func()) {
	start := cpuTime(b)
	run()
	b.ReportMetric(float64(cpuTime(b)-start)/float64(b.N), "cpu-ns/op")
}

var (
	status200     = []byte("HTTP/1.1 200 ")
	contentLength = []byte("content-length:")
)

// readResponse reads one 200 response with a Content-Length and discards it.
func readResponse(br *bufio.Reader) error {
	line, err := br.ReadSlice('\n')
	if err != nil {
		return err
	}
	if !bytes.HasPrefix(line, status200) {
		return io.ErrUnexpectedEOF
	}
	n := -1
	for {
		line, err = br.ReadSlice('\n')
		if err != nil {
			return err
		}
		if len(line) <= 2 {
			break
		}
		if len(line) > len(contentLength) && bytes.EqualFold(line[:len(contentLength)], contentLength) {
			n, err = strconv.Atoi(string(bytes.TrimSpace(line[len(contentLength):])))
			if err != nil {
				return err
			}
		}
	}
	if n < 0 {
		return io.ErrUnexpectedEOF
	}
	_, err = br.Discard(n)
	return err
}

// BenchmarkStack measures what the portal's middleware costs between the
// socket and the handler, in process (no network), against a bare chi router:
// /healthz, which does nothing, and a page served from the cache. The log
// goes to a file, as a portal's standard error usually does.
// BenchmarkStackHTTP measures the same over real connections.
func BenchmarkStack(b *testing.B) {
	portal, bare, _, _ := stackServers(b)
	for _, tc := range []struct {
		name string
		h    http.Handler
		path string
	}{
		{"bare chi", bare, "/healthz"},
		{"portal healthz", portal, "/healthz"},
		{"bare chi, the document's body", bare, "/documents/" + replySlug},
		{"portal cached document", portal, "/documents/" + replySlug},
	} {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			reportCPU(b, func() {
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						req := httptest.NewRequest("GET", tc.path, nil)
						req.RemoteAddr = "127.0.0.1:5555"
						req.Header.Set("Accept-Encoding", "gzip, deflate, br")
						rec := httptest.NewRecorder()
						tc.h.ServeHTTP(rec, req)
						if rec.Code != 200 {
							b.Fatalf("%s: status %d", tc.path, rec.Code)
						}
					}
				})
			})
		})
	}
}
