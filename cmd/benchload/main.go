// Command benchload is `make bench`: it fills a database with the seeded reply
// and synthetic ones (once; a filled database is reused), starts the portal
// binary on it, drives load at it from wrk in a separate process, and writes
// requests per second, p50 and p99 latency, each page's throughput as a share
// of /healthz's in the same run, and the server's peak memory to
// docs/benchmarks.md.
//
//	benchload [-portal bin/portal] [-documents 1000] [-duration 10s] [-warmup 2s] [-connections 64] [-out docs/benchmarks.md]
//
// Besides the cached pages it measures, in the same run (issue 18): a bare chi
// server on the same machine, the pages rendered for a signed-in editor (never
// cached), fresh searches, a flood of 64 connections with forged session
// cookies or random filters while other readers are timed, and public load
// while an editor saves once a second. -documents 10000 runs it at ten
// thousand documents; -duration 3s -warmup 1s keeps a run short.
//
// The database is PORTAL_BENCH_DATABASE_URL, or portal_bench on the server
// DATABASE_URL names. It is never the DATABASE_URL database itself.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"
)

// target is one URL under load and what it must reach.
type target struct {
	name, path string
	script     string   // a wrk Lua script instead of the fixed path, for varied queries
	public     bool     // a public page: at least half of /healthz's throughput
	header     []string // sent with every request, "Name: value" (the editor's cookie)
}

// reportScript is the Lua file every fixed-path run uses (reportLua alone).
var reportScript string

// result is what wrk measured for one target.
type result struct {
	target
	rps           float64
	p50, p95, p99 time.Duration
	hits, counted int // responses served from the page cache, of those counted (scripts that count)
	errors        int
	firstResponse time.Duration // the first request, before warm-up: an uncached rendering
	floor         float64       // /healthz's requests per second measured just before this page
	bytes         int           // the body's size as sent (compressed where accepted)
}

const (
	minShare  = 0.5
	maxP99    = 25 * time.Millisecond
	maxMemory = 150 << 20
)

// acceptEncoding is what browsers send.
const acceptEncoding = "gzip, deflate, br"

func main() {
	log.SetFlags(0)
	log.SetPrefix("benchload: ")
	portalBin := flag.String("portal", "bin/portal", "the portal binary")
	docs := flag.Int("documents", 1000, "synthetic documents in the bench database")
	duration := flag.Duration("duration", 10*time.Second, "load per URL")
	warmup := flag.Duration("warmup", 2*time.Second, "load per URL before measuring")
	conns := flag.Int("connections", 64, "concurrent connections")
	threads := flag.Int("threads", 2, "wrk threads")
	addr := flag.String("addr", "127.0.0.1:18090", "where the portal under test listens")
	bareAddr := flag.String("bare-addr", "127.0.0.1:18091", "where the bare chi server listens")
	editorConns := flag.Int("editor-connections", 4, "connections for the signed-in editor's uncached pages and fresh searches")
	out := flag.String("out", "docs/benchmarks.md", "the report")
	flag.Parse()

	ctx := context.Background()
	wrk, err := findWrk()
	if err != nil {
		log.Fatal(err)
	}
	dbURL, err := benchDatabase()
	if err != nil {
		log.Fatal(err)
	}
	if err := prepare(ctx, *portalBin, dbURL, *docs); err != nil {
		log.Fatal(err)
	}
	stats, err := databaseStats(ctx, dbURL)
	if err != nil {
		log.Fatal(err)
	}

	if err := ensureEditor(ctx, dbURL); err != nil {
		log.Fatal(err)
	}

	logFile, err := os.Create(filepath.Join(filepath.Dir(*portalBin), "bench-server.log"))
	if err != nil {
		log.Fatal(err)
	}
	defer logFile.Close()
	dir, err := os.MkdirTemp("", "benchload")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	reportScript = writeScript(dir, "report", "")

	// The ceiling: a bare chi server in this process, measured first.
	stopBare, err := bareChi(*bareAddr)
	if err != nil {
		log.Fatal(err)
	}
	bare := result{target: target{name: "bare chi server (no middleware), same machine", path: "/healthz"}}
	runWrk(wrk, "http://"+*bareAddr, bare.target, *threads, *conns, *warmup, nil)
	if err := runWrk(wrk, "http://"+*bareAddr, bare.target, *threads, *conns, *duration, &bare); err != nil {
		log.Fatal(err)
	}
	stopBare()
	log.Printf("%-60s %8.0f req/s  p50 %-8s p99 %-8s", "bare chi /healthz", bare.rps, bare.p50, bare.p99)

	// Everything but the flood runs without a render limit: the editor's
	// pages and the fresh searches come from one address and one session.
	srv, err := startPortal(*portalBin, dbURL, *addr, logFile, "PORTAL_RENDER_LIMIT=0")
	if err != nil {
		log.Fatal(err)
	}
	base := "http://" + *addr
	cookie, err := login(base)
	if err != nil {
		log.Fatal(err)
	}
	editor := []string{"Cookie: " + cookie}

	targets := []target{
		{name: "health check (the floor: no database, no page)", path: "/healthz"},
		{name: "home", path: "/", public: true},
		{name: "document page (the seeded reply)", path: "/documents/qgxtfz-2023-4", public: true},
		{name: "commitments, no filter", path: "/commitments", public: true},
		{name: "commitments, filtered", path: "/commitments?region=tongren&year=2025&status=planned", public: true},
		{name: "a commitment", path: "/commitments/" + stats.commitment, public: true},
		{name: "entity page (贵州省, the largest)", path: "/entities/guizhou", public: true},
		{name: "search, one character (锂)", path: "/search?q=" + url.QueryEscape("锂"), public: true},
		{name: "search, two characters (锂矿)", path: "/search?q=" + url.QueryEscape("锂矿"), public: true},
		{name: "API list (`/api/v1/commitments`)", path: "/api/v1/commitments?status=planned", public: true},
		{name: "dashboard", path: "/dashboard", public: true},
		{name: "map", path: "/map", public: true},
	}
	var results []result
	for _, t := range targets {
		res := result{target: t}
		start := time.Now()
		n, err := fetch(base + t.path)
		if err != nil {
			log.Fatalf("%s: %v", t.path, err)
		}
		res.firstResponse, res.bytes = time.Since(start), n
		runWrk(wrk, base, t, *threads, *conns, *warmup, nil)
		// The machine's other work drifts during a run, so each page is
		// compared with /healthz measured just before it.
		if len(results) > 0 {
			var floor result
			if err := runWrk(wrk, base, targets[0], *threads, *conns, *duration, &floor); err != nil {
				log.Fatal(err)
			}
			res.floor = floor.rps
		}
		if err := runWrk(wrk, base, t, *threads, *conns, *duration, &res); err != nil {
			log.Fatalf("%s: %v", t.path, err)
		}
		if len(results) == 0 {
			res.floor = res.rps
		}
		log.Printf("%-60s %8.0f req/s  p50 %-8s p99 %-8s (/healthz just before: %.0f req/s)", t.path, res.rps, res.p50, res.p99, res.floor)
		results = append(results, res)
	}

	// The same pages for a signed-in editor: never cached, every request
	// rendered. Fewer connections: the latency of one page, not a queue.
	var uncached []result
	for _, t := range targets[1:] {
		if strings.HasPrefix(t.path, "/api/") {
			continue // the API has no staff view
		}
		t.header = editor
		res := result{target: t}
		if err := runWrk(wrk, base, t, 1, *editorConns, *duration, &res); err != nil {
			log.Fatalf("%s as the editor: %v", t.path, err)
		}
		log.Printf("%-60s %8.0f req/s  p95 %-8s p99 %-8s (editor, uncached)", t.path, res.rps, res.p95, res.p99)
		uncached = append(uncached, res)
	}
	search := result{target: target{name: "search, two random characters each request (fresh)", path: "/search",
		script: writeScript(dir, "search", searchScript), header: editor}}
	if err := runWrk(wrk, base, search.target, 1, *editorConns, *duration, &search); err != nil {
		log.Fatal(err)
	}
	log.Printf("%-60s %8.0f req/s  p95 %-8s p99 %-8s (editor, fresh searches)", "/search?q=<random>", search.rps, search.p95, search.p99)

	writes, err := runWrites(ctx, wrk, dir, base, cookie, dbURL, *threads, *conns, *warmup, max(*duration, 5*time.Second))
	if err != nil {
		log.Fatal(err)
	}
	peak := srv.stop()

	// The flood, against the portal as configured by default (render limit on).
	srv, err = startPortal(*portalBin, dbURL, *addr, logFile)
	if err != nil {
		log.Fatal(err)
	}
	cookie, err = login(base)
	if err != nil {
		log.Fatal(err)
	}
	flood := runFlood(ctx, wrk, dir, base, cookie, *threads, *conns, *duration)
	peak = max(peak, srv.stop())

	report := render(results, peak, stats, *conns, *threads, *duration) +
		renderIssue18(bare, results, uncached, search, flood, writes, *conns, *editorConns, *duration)
	if err := os.WriteFile(*out, []byte(report), 0o644); err != nil {
		log.Fatal(err)
	}
	fmt.Print(report)
}

// findWrk finds wrk, installing Debian's package when it is missing and this
// user may.
func findWrk() (string, error) {
	if p, err := exec.LookPath("wrk"); err == nil {
		return p, nil
	}
	if os.Geteuid() == 0 {
		if _, err := exec.LookPath("apt-get"); err == nil {
			log.Print("wrk is missing; installing it with apt-get")
			cmd := exec.Command("apt-get", "install", "-y", "wrk")
			cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
			if cmd.Run() == nil {
				return exec.LookPath("wrk")
			}
		}
	}
	return "", errors.New("wrk is not installed: install it (Debian: apt-get install wrk) and run make bench again")
}

func waitReady(u string, within time.Duration) error {
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		if res, err := http.Get(u); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	return fmt.Errorf("the portal did not become ready at %s within %s (see bin/bench-server.log)", u, within)
}

// fetch asks for u once as a browser would and returns the size of the body sent.
func fetch(u string) (int, error) {
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	req.Header.Set("Accept-Encoding", acceptEncoding)
	res, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("status %d", res.StatusCode)
	}
	return len(b), err
}

var (
	rpsRE     = regexp.MustCompile(`Requests/sec:\s+([0-9.]+)`)
	latencyRE = regexp.MustCompile(`(?m)^\s+(50|99)%\s+([0-9.]+)(us|ms|s)\s*$`)
	non2xxRE  = regexp.MustCompile(`Non-2xx or 3xx responses:\s+(\d+)`)
	socketRE  = regexp.MustCompile(`Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)`)
)

// runWrk loads t for d; unless res is nil it parses wrk's report into it.
func runWrk(wrk, base string, t target, threads, conns int, d time.Duration, r *result) error {
	args := []string{"-t", strconv.Itoa(threads), "-c", strconv.Itoa(conns), "-d", d.String(), "--latency",
		"-H", "Accept-Encoding: " + acceptEncoding}
	for _, h := range t.header {
		args = append(args, "-H", h)
	}
	script := t.script
	if script == "" {
		script = reportScript
	}
	args = append(args, "-s", script)
	args = append(args, base+t.path)
	outb, err := exec.Command(wrk, args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("wrk: %v\n%s", err, outb)
	}
	if r == nil {
		return nil
	}
	out := string(outb)
	m := rpsRE.FindStringSubmatch(out)
	if m == nil {
		return fmt.Errorf("wrk's report has no Requests/sec:\n%s", out)
	}
	r.rps, _ = strconv.ParseFloat(m[1], 64)
	for _, m := range latencyRE.FindAllStringSubmatch(out, -1) {
		v, _ := strconv.ParseFloat(m[2], 64)
		unit := map[string]time.Duration{"us": time.Microsecond, "ms": time.Millisecond, "s": time.Second}[m[3]]
		lat := time.Duration(v * float64(unit))
		if m[1] == "50" {
			r.p50 = lat
		} else {
			r.p99 = lat
		}
	}
	if m := p95RE.FindStringSubmatch(out); m != nil {
		us, _ := strconv.Atoi(m[1])
		r.p95 = time.Duration(us) * time.Microsecond
	}
	if m := hitsRE.FindStringSubmatch(out); m != nil {
		r.hits, _ = strconv.Atoi(m[1])
		r.counted, _ = strconv.Atoi(m[2])
	}
	if m := non2xxRE.FindStringSubmatch(out); m != nil {
		r.errors, _ = strconv.Atoi(m[1])
	}
	if m := socketRE.FindStringSubmatch(out); m != nil {
		for _, s := range m[1:] {
			n, _ := strconv.Atoi(s)
			r.errors += n
		}
	}
	return nil
}

// memoryWatch samples the server's resident memory every 100 ms and reads
// the kernel's high-water mark at the end.
type memoryWatch struct {
	pid  int
	mu   sync.Mutex
	max  int64
	stop chan struct{}
}

func watchMemory(pid int) *memoryWatch {
	m := &memoryWatch{pid: pid, stop: make(chan struct{})}
	go func() {
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-m.stop:
				return
			case <-t.C:
				if v := procStatus(pid, "VmRSS"); v > 0 {
					m.mu.Lock()
					m.max = max(m.max, v)
					m.mu.Unlock()
				}
			}
		}
	}()
	return m
}

// peak is VmHWM, the most the process ever held resident, or the largest
// sample when the kernel does not say.
func (m *memoryWatch) peak() int64 {
	close(m.stop)
	if v := procStatus(m.pid, "VmHWM"); v > 0 {
		return v
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.max
}

// procStatus reads one field of /proc/PID/status in bytes.
func procStatus(pid int, field string) int64 {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), field+":"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}

func render(results []result, peak int64, stats dbStats, conns, threads int, d time.Duration) string {
	var b strings.Builder
	commit, _ := exec.Command("git", "rev-parse", "--short", "HEAD").Output()
	dirty := ""
	if err := exec.Command("git", "diff", "--quiet", "HEAD").Run(); err != nil {
		dirty = " (with uncommitted changes)"
	}
	fmt.Fprintf(&b, "# Benchmarks\n\nWritten by `make bench` (cmd/benchload). Do not edit by hand.\n\n")
	fmt.Fprintf(&b, "- Date: %s\n", time.Now().UTC().Format("2006-01-02 15:04 MST"))
	fmt.Fprintf(&b, "- Commit: %s%s\n", strings.TrimSpace(string(commit)), dirty)
	fmt.Fprintf(&b, "- Machine: %s, %d cores, %s, %s; load average at the end of the run %s\n", cpuModel(), runtime.NumCPU(), kernel(), runtime.Version(), loadAverage())
	fmt.Fprintf(&b, "- Database: PostgreSQL on the same machine; %d documents (the seeded reply, its cited documents and synthetic replies), %d paragraphs, %d commitments, %d mentions\n",
		stats.documents, stats.paragraphs, stats.commitments, stats.mentions)
	fmt.Fprintf(&b, "- Load: wrk, %d connections, %d threads, %s per URL after a warm-up, on the same cores as the portal; `Accept-Encoding: %s` as browsers send\n", conns, threads, d, acceptEncoding)
	fmt.Fprintf(&b, "- Targets: public pages at least %.0f %% of `/healthz`'s requests per second, p99 under %s, peak memory under %d MB\n", minShare*100, maxP99, maxMemory>>20)
	var lo, hi float64
	for i, r := range results {
		if i == 0 || r.floor < lo {
			lo = r.floor
		}
		hi = max(hi, r.floor)
	}
	fmt.Fprintf(&b, "- The machine's other work drifts during a run, so `/healthz` is measured again for %s just before each page, and the share is of that (it ranged from %.0f to %.0f requests/s)\n\n", d, lo, hi)
	b.WriteString("| Page | Requests/s | `/healthz` just before | Share | p50 | p99 | First request (uncached) | Body sent | Targets |\n")
	b.WriteString("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n")
	for _, r := range results {
		share := r.rps / r.floor
		verdict := ""
		var missed []string
		if r.public && share < minShare {
			missed = append(missed, fmt.Sprintf("throughput %.0f %% below", (minShare-share)*100))
		}
		if r.p99 >= maxP99 {
			missed = append(missed, fmt.Sprintf("p99 %s over", (r.p99-maxP99).Round(100*time.Microsecond)))
		}
		if r.errors > 0 {
			missed = append(missed, fmt.Sprintf("%d errors", r.errors))
		}
		switch {
		case len(missed) > 0:
			verdict = "missed: " + strings.Join(missed, ", ")
		case r.public:
			verdict = "met"
		case r.script != "":
			verdict = "met (p99)"
		default:
			verdict = "(floor)"
		}
		first, size := "", ""
		if r.script == "" {
			first, size = ms(r.firstResponse), fmt.Sprintf("%.1f kB", float64(r.bytes)/1000)
		}
		fmt.Fprintf(&b, "| %s `%s` | %.0f | %.0f | %.0f %% | %s | %s | %s | %s | %s |\n",
			r.name, r.path, r.rps, r.floor, share*100, ms(r.p50), ms(r.p99), first, size, verdict)
	}
	memVerdict := "met"
	if peak >= maxMemory {
		memVerdict = fmt.Sprintf("missed by %.0f MB", float64(peak-maxMemory)/(1<<20))
	}
	fmt.Fprintf(&b, "\nPeak server memory (VmHWM, the most it held resident during the whole run): **%.0f MB** (%s).\n",
		float64(peak)/(1<<20), memVerdict)
	return b.String()
}

func ms(d time.Duration) string {
	return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 1, 64) + " ms"
}

func cpuModel() string {
	b, _ := os.ReadFile("/proc/cpuinfo")
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "model name"); ok {
			return strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), ":"))
		}
	}
	return runtime.GOARCH
}

func kernel() string {
	b, err := exec.Command("uname", "-sr").Output()
	if err != nil {
		return runtime.GOOS
	}
	return strings.TrimSpace(string(b))
}

func loadAverage() string {
	b, _ := os.ReadFile("/proc/loadavg")
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

// searchScript asks for a random two-character query each time, picked from
// characters the documents use; sent as the editor, every one runs the search.
const searchScript = `
local chars = {"锂","磷","电","池","矿","材","料","新","能","源","产","业","园","区","贵","州","铜","仁","开","发",
  "项","目","企","技","术","资","金","建","设","储","化","工","集","团","正","极","负","钠","钴","镍"}
math.randomseed(os.time())
request = function()
  local a = chars[math.random(#chars)]
  local b = chars[math.random(#chars)]
  local q = a .. b
  local enc = q:gsub("[^%w]", function(c) return string.format("%%%02X", string.byte(c)) end)
  return wrk.format("GET", "/search?q=" .. enc)
end
`
