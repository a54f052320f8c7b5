package main

// The parts of the run that issue 18 added: a bare chi server as the
// machine's ceiling, pages rendered for a signed-in editor (never cached),
// fresh searches, a flood of requests meant to get round the cache while
// other readers are timed, and public load while an editor saves once a
// second.

import (
	"context"
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/guizhou-portal/portal/internal/auth"
	"github.com/guizhou-portal/portal/internal/policy"
	"github.com/guizhou-portal/portal/internal/postgres"
)

// The targets of issue 18, judged in the report.
const (
	minBareShare    = 0.6 // cached pages' throughput as a share of the bare chi server's
	minHealthShare  = 0.8 // /healthz's
	maxUncachedP95  = 50 * time.Millisecond
	maxSearchP95    = 25 * time.Millisecond
	maxFloodCached  = 50 * time.Millisecond  // other readers' cached p99 during the flood
	maxFloodRender  = 200 * time.Millisecond // and their uncached p99
	minHitRatio     = 0.9                    // public hits while an editor saves once a second
	benchEditor     = "bench-editor@example.gov.cn"
	benchPassword   = "bench-编辑-口令-0123"
	savedCommitment = 2 // a commitment of the seeded reply the editor saves
)

// portal is the portal binary serving the bench database.
type portal struct {
	cmd *exec.Cmd
	mem *memoryWatch
}

// startPortal starts the portal binary with env added and waits until it is ready.
func startPortal(bin, dbURL, addr string, logFile *os.File, env ...string) (*portal, error) {
	srv := exec.Command(bin, "serve")
	srv.Env = append(append(os.Environ(), "DATABASE_URL="+dbURL, "PORTAL_ADDR="+addr), env...)
	srv.Stdout, srv.Stderr = logFile, logFile
	if err := srv.Start(); err != nil {
		return nil, err
	}
	p := &portal{cmd: srv}
	if err := waitReady("http://"+addr+"/readyz", 60*time.Second); err != nil {
		p.stop()
		return nil, err
	}
	p.mem = watchMemory(srv.Process.Pid)
	return p, nil
}

// stop ends the portal and returns its peak memory.
func (p *portal) stop() int64 {
	var peak int64
	if p.mem != nil {
		peak = p.mem.peak()
	}
	p.cmd.Process.Signal(syscall.SIGTERM)
	p.cmd.Wait()
	return peak
}

// bareChi serves GET /healthz from a chi router with no middleware at all, on
// addr: the ceiling of what this machine answers over HTTP.
func bareChi(addr string) (func(), error) {
	r := chi.NewRouter()
	r.Get("/healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write([]byte("ok\n"))
	})
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	srv := &http.Server{Handler: r, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	return func() { srv.Close() }, nil
}

// ensureEditor adds the bench's editor account unless it is there.
func ensureEditor(ctx context.Context, dbURL string) error {
	pool, err := pgxpool.New(ctx, dbURL)
	if err != nil {
		return err
	}
	defer pool.Close()
	var n int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM users WHERE email = $1`, benchEditor).Scan(&n); err != nil || n > 0 {
		return err
	}
	hash, err := auth.HashPassword(benchPassword)
	if err != nil {
		return err
	}
	_, err = postgres.NewStore(pool).CreateUser(ctx, policy.Actor{Name: "benchload"}, benchEditor, "压测编辑", policy.RoleEditor, hash)
	return err
}

// noRedirects is a client that returns redirects as they come.
var noRedirects = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// login signs the bench's editor in and returns the session cookie to send.
func login(base string) (string, error) {
	res, err := noRedirects.PostForm(base+"/login", url.Values{"email": {benchEditor}, "password": {benchPassword}})
	if err != nil {
		return "", err
	}
	res.Body.Close()
	for _, c := range res.Cookies() {
		if c.Name == "portal_session" && c.Value != "" {
			return "portal_session=" + c.Value, nil
		}
	}
	return "", fmt.Errorf("login as %s: status %d and no session", benchEditor, res.StatusCode)
}

// reportLua is added to every wrk script: it prints the 95th percentile,
// which wrk's --latency leaves out, and the share of responses served from
// the page cache when the script counts them.
const reportLua = `
local bench_threads = {}
setup = function(thread) table.insert(bench_threads, thread) end
done = function(summary, latency, requests)
  io.write(string.format("P95: %d\n", latency:percentile(95)))
  local h, t = 0, 0
  for _, th in ipairs(bench_threads) do
    h = h + (th:get("hits") or 0)
    t = t + (th:get("counted") or 0)
  end
  if t > 0 then io.write(string.format("HITS: %d %d\n", h, t)) end
end
`

// countHitsLua counts the responses served from the page cache.
const countHitsLua = `
hits, counted = 0, 0
response = function(status, headers, body)
  counted = counted + 1
  if headers["X-Portal-Cache"] == "hit" then hits = hits + 1 end
end
`

// mixLua asks for one of paths at random each request.
func mixLua(paths []string) string {
	var b strings.Builder
	b.WriteString("local paths = {")
	for i, p := range paths {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%q", p)
	}
	b.WriteString("}\nrequest = function() return wrk.format(\"GET\", paths[math.random(#paths)]) end\n")
	return b.String()
}

// floodLua is the flood of item 2: half the requests carry a session cookie
// the portal never issued, half ask for a random filter combination.
const floodLua = `
local statuses = {"planned", "in_progress", "completed", "ongoing", "blocked", "not_assessed", "dropped"}
local kinds = {"measure", "target", "result", "plan"}
local strengths = {"definite", "aspirational"}
local n = 0
init = function(args) math.randomseed(os.time() + math.floor(os.clock() * 1000000)) end
request = function()
  n = n + 1
  if n % 2 == 0 then
    return wrk.format("GET", "/commitments", {["Cookie"] = "portal_session=" .. math.random(1, 1e9) .. "." .. math.random(1, 1e9),
      ["Accept-Encoding"] = "gzip, deflate, br"})
  end
  local path = "/commitments?status=" .. statuses[math.random(#statuses)] .. "&kind=" .. kinds[math.random(#kinds)] ..
    "&strength=" .. strengths[math.random(#strengths)] .. "&year=" .. (2015 + math.random(15))
  return wrk.format("GET", path, {["Accept-Encoding"] = "gzip, deflate, br"})
end
`

var (
	p95RE  = regexp.MustCompile(`P95: (\d+)`)
	hitsRE = regexp.MustCompile(`HITS: (\d+) (\d+)`)
)

// writeScript writes Lua to a file in dir (with reportLua) and returns its path.
func writeScript(dir, name, lua string) string {
	path := filepath.Join(dir, name+".lua")
	if err := os.WriteFile(path, []byte(lua+reportLua), 0o644); err != nil {
		log.Fatal(err)
	}
	return path
}

// extraResult is a line of the report's later tables.
type extraResult struct {
	name, path    string
	rps           float64
	p50, p95, p99 time.Duration
	errors        int
	target        time.Duration // the bound on p95 (0: none)
}

// floodResult is what the flood phase measured.
type floodResult struct {
	flood        result
	refused      int // 429s and other non-2xx among the flood's answers
	cached       result
	renders      []time.Duration // an editor's uncached pages, one at a time
	renderErrors int
}

// writesResult is what the phase with saves measured.
type writesResult struct {
	load        result
	hits, count int
	saves       int
	saveErrors  int
}

// saveOnceASecond saves commitment savedCommitment as the editor every second
// until ctx ends, as the edit form does, and counts the saves.
func saveOnceASecond(ctx context.Context, base, cookie, dbURL string) (saves, failures int) {
	pool, err := pgxpool.New(ctx, dbURL)
	if err != nil {
		return 0, 1
	}
	defer pool.Close()
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for n := 1; ; n++ {
		select {
		case <-ctx.Done():
			return saves, failures
		case <-tick.C:
		}
		var version int
		var title string
		if err := pool.QueryRow(ctx, `SELECT version, title FROM commitments WHERE id = $1`, savedCommitment).Scan(&version, &title); err != nil {
			if ctx.Err() == nil {
				failures++
			}
			continue
		}
		form := url.Values{"version": {strconv.Itoa(version)}, "title": {title}, "status": {"in_progress"}, "progress": {strconv.Itoa(n % 100)},
			"lead": {"gz-industry-it-dept"}, "time_frame": {"2023年至2025年"}, "due_on": {"2025-12-31"},
			"public_note": {"压测保存 " + strconv.Itoa(n)}}
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, base+"/commitments/"+strconv.Itoa(savedCommitment)+"/edit", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Cookie", cookie)
		res, err := noRedirects.Do(req)
		if err != nil {
			if ctx.Err() == nil {
				failures++
			}
			continue
		}
		res.Body.Close()
		if res.StatusCode == http.StatusSeeOther {
			saves++
		} else {
			failures++
		}
	}
}

// timeRenders asks, as the editor, for a new filter combination of the list
// every interval until ctx ends and returns how long each took.
func timeRenders(ctx context.Context, base, cookie string, interval time.Duration) (took []time.Duration, failures int) {
	statuses := []string{"planned", "in_progress", "completed", "ongoing", "not_assessed"}
	for {
		select {
		case <-ctx.Done():
			return took, failures
		case <-time.After(interval):
		}
		u := base + "/commitments?status=" + statuses[rand.IntN(len(statuses))] + "&year=" + strconv.Itoa(2018+rand.IntN(10))
		req, _ := http.NewRequest(http.MethodGet, u, nil)
		req.Header.Set("Cookie", cookie)
		req.Header.Set("Accept-Encoding", acceptEncoding)
		start := time.Now()
		res, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			failures++
			continue
		}
		_, err = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if err != nil || res.StatusCode != http.StatusOK {
			failures++
			continue
		}
		took = append(took, time.Since(start))
	}
}

// percentile is the p-th percentile of ds (nearest rank).
func percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	i := int(float64(len(s))*p/100+0.5) - 1
	return s[max(0, min(i, len(s)-1))]
}

// runConcurrently runs fns at once and waits for all.
func runConcurrently(fns ...func()) {
	var wg sync.WaitGroup
	for _, f := range fns {
		wg.Go(f)
	}
	wg.Wait()
}

// publicMix is what the public reads while the editor saves: the seeded
// reply and its lists, which the saves touch, and pages of other documents
// and commitments, which they do not.
func publicMix(ctx context.Context, dbURL string) ([]string, error) {
	pool, err := pgxpool.New(ctx, dbURL)
	if err != nil {
		return nil, err
	}
	defer pool.Close()
	paths := []string{"/", "/documents/qgxtfz-2023-4", "/commitments", "/commitments/" + strconv.Itoa(savedCommitment),
		"/dashboard", "/map", "/entities/guizhou", "/commitments?status=in_progress"}
	rows, err := pool.Query(ctx, `(SELECT '/documents/' || slug FROM documents WHERE synthetic ORDER BY id LIMIT 10)
		UNION ALL (SELECT '/commitments/' || id FROM commitments ORDER BY id DESC LIMIT 30)`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			return nil, err
		}
		paths = append(paths, p)
	}
	return paths, rows.Err()
}

// runWrites loads the public mix for d while the editor saves once a second,
// counting the answers the page cache gave.
func runWrites(ctx context.Context, wrk, dir, base, cookie, dbURL string, threads, conns int, warmup, d time.Duration) (writesResult, error) {
	var w writesResult
	paths, err := publicMix(ctx, dbURL)
	if err != nil {
		return w, err
	}
	mix := target{name: "public mix", path: "/", script: writeScript(dir, "mix", mixLua(paths)+countHitsLua)}
	runWrk(wrk, base, mix, threads, conns, warmup, nil)
	w.load.target = mix
	saving, stop := context.WithTimeout(ctx, d)
	defer stop()
	runConcurrently(
		func() { err = runWrk(wrk, base, mix, threads, conns, d, &w.load) },
		func() { w.saves, w.saveErrors = saveOnceASecond(saving, base, cookie, dbURL) },
	)
	w.hits, w.count = w.load.hits, w.load.counted
	log.Printf("%-60s %8.0f req/s  p99 %-8s hits %d of %d, %d saves (%d failed)", "public mix while saving", w.load.rps, w.load.p99,
		w.hits, w.count, w.saves, w.saveErrors)
	return w, err
}

// runFlood sends the flood for d while a reader loads a cached page and the
// editor has a page rendered every so often, and times both.
func runFlood(ctx context.Context, wrk, dir, base, cookie string, threads, conns int, d time.Duration) floodResult {
	var f floodResult
	reader := target{name: "cached document page, 4 other readers", path: "/documents/qgxtfz-2023-4"}
	// The pages a portal in service has cached already.
	fetch(base + reader.path)
	fetch(base + "/commitments")
	f.flood.target = target{name: "flood", path: "/commitments", script: writeScript(dir, "flood", floodLua)}
	f.cached.target = reader
	// Within the editor's own render limit (60 a minute by default).
	interval := max(d/40, 250*time.Millisecond)
	rendering, stop := context.WithTimeout(ctx, d)
	defer stop()
	runConcurrently(
		func() {
			if err := runWrk(wrk, base, f.flood.target, threads, conns, d, &f.flood); err != nil {
				log.Print(err)
			}
		},
		func() {
			if err := runWrk(wrk, base, reader, 1, 4, d, &f.cached); err != nil {
				log.Print(err)
			}
		},
		func() { f.renders, f.renderErrors = timeRenders(rendering, base, cookie, interval) },
	)
	f.refused = f.flood.errors
	log.Printf("flood: %.0f req/s (%d not 2xx); cached reader p99 %s; editor's renders p99 %s of %d (%d failed)",
		f.flood.rps, f.refused, f.cached.p99, percentile(f.renders, 99), len(f.renders), f.renderErrors)
	return f
}

// verdict says "met" or by how much got missed want.
func verdict(ok bool, missed string) string {
	if ok {
		return "met"
	}
	return "missed: " + missed
}

// renderIssue18 is the report's part on issue 18's targets.
func renderIssue18(bare result, cached, uncached []result, search result, flood floodResult, writes writesResult, conns, editorConns int, d time.Duration) string {
	var b strings.Builder
	b.WriteString("\n## Against a bare chi server (issue 18)\n\n")
	fmt.Fprintf(&b, "A chi router with no middleware answering `/healthz` in benchload's own process, loaded the same way (%d connections, %s), first in the run: **%.0f requests/s** (p50 %s, p99 %s). ",
		conns, d, bare.rps, ms(bare.p50), ms(bare.p99))
	b.WriteString("Targets: the portal's `/healthz` at 0.8 of it or more, cached pages at 0.6 or more.\n\n")
	b.WriteString("| Page | Requests/s | Share of bare chi | Target |\n| --- | ---: | ---: | --- |\n")
	for _, r := range cached {
		if strings.HasPrefix(r.path, "/api/") {
			continue
		}
		share := r.rps / bare.rps
		want := minBareShare
		if r.path == "/healthz" {
			want = minHealthShare
		}
		fmt.Fprintf(&b, "| %s `%s` | %.0f | %.2f | %s |\n", r.name, r.path, r.rps, share,
			verdict(share >= want, fmt.Sprintf("%.2f below %.1f", want-share, want)))
	}

	b.WriteString("\n## Rendered for a signed-in editor (never cached)\n\n")
	fmt.Fprintf(&b, "The same pages with the editor's session cookie, so every request is rendered; %d connections, one wrk thread, %s each. Target: p95 under %s (issue 18 asks it at 10,000 documents).\n\n",
		editorConns, d, maxUncachedP95)
	b.WriteString("| Page | Requests/s | p50 | p95 | p99 | Target |\n| --- | ---: | ---: | ---: | ---: | --- |\n")
	for _, r := range uncached {
		fmt.Fprintf(&b, "| %s `%s` | %.0f | %s | %s | %s | %s |\n", r.name, r.path, r.rps, ms(r.p50), ms(r.p95), ms(r.p99),
			verdict(r.p95 < maxUncachedP95 && r.errors == 0, fmt.Sprintf("p95 %s over%s", ms(r.p95-maxUncachedP95), errorsNote(r.errors))))
	}
	fmt.Fprintf(&b, "| %s | %.0f | %s | %s | %s | %s |\n", search.name, search.rps, ms(search.p50), ms(search.p95), ms(search.p99),
		verdict(search.p95 < maxSearchP95 && search.errors == 0, fmt.Sprintf("p95 %s over (target %s)%s", ms(search.p95-maxSearchP95), maxSearchP95, errorsNote(search.errors))))

	b.WriteString("\n## A flood meant to get round the cache\n\n")
	fmt.Fprintf(&b, "For %s, %d connections from one address ask for `/commitments` with a session cookie the portal never issued, or for a random filter combination (status × kind × strength × year), against the portal as configured by default (render limit on). Meanwhile 4 other readers load the cached document page, and the signed-in editor has a new filter combination of the list rendered every %s.\n\n",
		d, conns, max(d/40, 250*time.Millisecond))
	renderP99 := percentile(flood.renders, 99)
	fmt.Fprintf(&b, "- Flood: %.0f requests/s answered, %d of them not 2xx (the render limit's 429s)\n", flood.flood.rps, flood.refused)
	fmt.Fprintf(&b, "- Other readers, cached page: %.0f requests/s, p99 **%s** (target under %s: %s)\n", flood.cached.rps, ms(flood.cached.p99), maxFloodCached,
		verdict(flood.cached.p99 < maxFloodCached, ms(flood.cached.p99-maxFloodCached)+" over"))
	fmt.Fprintf(&b, "- The editor's uncached pages: %d rendered, p99 **%s** (target under %s: %s)%s\n", len(flood.renders), ms(renderP99), maxFloodRender,
		verdict(renderP99 < maxFloodRender && len(flood.renders) > 0, ms(renderP99-maxFloodRender)+" over"), errorsNote(flood.renderErrors))

	b.WriteString("\n## Public load while an editor saves once a second\n\n")
	ratio := 0.0
	if writes.count > 0 {
		ratio = float64(writes.hits) / float64(writes.count)
	}
	fmt.Fprintf(&b, "For %s, %d connections read a mix of public pages at random (the seeded reply, its lists and commitment %d, which the saves touch, and 10 other documents and 30 other commitments, which they do not) while the editor saves commitment %d once a second.\n\n",
		max(d, 5*time.Second), conns, savedCommitment, savedCommitment)
	fmt.Fprintf(&b, "- %.0f requests/s, p99 %s; %d saves (%d failed)\n", writes.load.rps, ms(writes.load.p99), writes.saves, writes.saveErrors)
	fmt.Fprintf(&b, "- Served from the page cache: %d of %d, **%.1f %%** (target above %.0f %%: %s)\n", writes.hits, writes.count, ratio*100, minHitRatio*100,
		verdict(ratio > minHitRatio, fmt.Sprintf("%.1f points below", (minHitRatio-ratio)*100)))
	return b.String()
}

func errorsNote(n int) string {
	if n == 0 {
		return ""
	}
	return fmt.Sprintf("; %d errors", n)
}
