package server_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/guizhou-portal/portal/internal/policy"
	"github.com/guizhou-portal/portal/internal/postgres"
	"github.com/guizhou-portal/portal/internal/postgres/pgtest"
	"github.com/guizhou-portal/portal/internal/server"
)

// cutProxy stands between the portal's pool and PostgreSQL. Cut closes every
// connection through it and then accepts new ones without answering, as a
// server that is down behind a firewall or a dead network path would; Resume
// lets connections through again.
type cutProxy struct {
	ln     net.Listener
	target string
	mu     sync.Mutex
	cut    bool
	open   map[net.Conn]bool
}

func newCutProxy(t *testing.T, target string) *cutProxy {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &cutProxy{ln: ln, target: target, open: map[net.Conn]bool{}}
	go p.accept()
	t.Cleanup(func() { ln.Close(); p.closeAll() })
	return p
}

func (p *cutProxy) accept() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		p.open[c] = true
		cut := p.cut
		p.mu.Unlock()
		if cut {
			continue // held: neither answered nor closed
		}
		go p.pipe(c)
	}
}

func (p *cutProxy) pipe(c net.Conn) {
	s, err := net.Dial("tcp", p.target)
	if err != nil {
		c.Close()
		return
	}
	p.mu.Lock()
	p.open[s] = true
	p.mu.Unlock()
	go func() { io.Copy(s, c); s.Close() }()
	io.Copy(c, s)
	c.Close()
}

func (p *cutProxy) closeAll() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for c := range p.open {
		c.Close()
		delete(p.open, c)
	}
}

func (p *cutProxy) Cut() {
	p.mu.Lock()
	p.cut = true
	p.mu.Unlock()
	p.closeAll()
}

func (p *cutProxy) Resume() {
	p.mu.Lock()
	p.cut = false
	p.mu.Unlock()
	p.closeAll() // connection attempts held during the cut fail now, not at their timeout
}

// timedGet is one request that must not hang: it gives up after 10 s.
func timedGet(u string) (status int, retryAfter string, took time.Duration, err error) {
	c := &http.Client{Timeout: 10 * time.Second}
	start := time.Now()
	res, err := c.Get(u)
	if err != nil {
		return 0, "", time.Since(start), err
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	friendly := "服务暂时不可用"
	if strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		friendly = `"code":"unavailable"`
	}
	if res.StatusCode == 503 && !strings.Contains(string(body), friendly) {
		return res.StatusCode, "", time.Since(start), fmt.Errorf("503 without the friendly page: %.300s", body)
	}
	return res.StatusCode, res.Header.Get("Retry-After"), time.Since(start), nil
}

func TestTheDatabaseGoesAwayAndComesBack(t *testing.T) {
	owner := pgtest.NewDB(t)
	ctx := context.Background()
	addUser(t, owner, editorEmail, "李编辑", policy.RoleEditor)
	if err := postgres.PrepareAppRole(ctx, owner, "portal_app"); err != nil {
		t.Fatal(err)
	}
	cfg := owner.Config().ConnConfig
	proxy := newCutProxy(t, net.JoinHostPort(cfg.Host, fmt.Sprint(cfg.Port)))
	u, err := url.Parse(owner.Config().ConnString())
	if err != nil {
		t.Fatal(err)
	}
	u.Host = proxy.ln.Addr().String()
	// The pool as serve opens it: through the proxy, as the restricted role.
	pool, err := postgres.OpenAs(ctx, u.String(), "portal_app")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	base := newTestPortal(t, withPool(pool)).URL
	id := firstCommitmentID(t, base)
	editor := loggedIn(t, base, editorEmail)

	// An editor adds progress updates throughout; the notes of those that got
	// their 303 are recorded.
	var (
		mu        sync.Mutex
		succeeded []string
		odd       []string
	)
	stop := make(chan struct{})
	editing := make(chan struct{})
	go func() {
		defer close(editing)
		for n := 0; ; n++ {
			select {
			case <-stop:
				return
			default:
			}
			var v int
			if err := owner.QueryRow(ctx, `SELECT version FROM commitments WHERE id = $1`, id).Scan(&v); err != nil {
				odd = append(odd, err.Error())
				return
			}
			note := fmt.Sprintf("第%d次进展。", n)
			form := url.Values{"version": {fmt.Sprint(v)}, "happened_on": {"2026-10-15"}, "update_status": {"in_progress"},
				"update_progress": {"60"}, "note": {note}, "visibility": {"public"}}
			editor.Timeout = 10 * time.Second
			res, err := editor.PostForm(base+commitmentPath(id)+"/updates", form)
			mu.Lock()
			switch {
			case err != nil:
				odd = append(odd, err.Error())
			case res.StatusCode == http.StatusSeeOther:
				succeeded = append(succeeded, note)
			case res.StatusCode != http.StatusServiceUnavailable:
				odd = append(odd, fmt.Sprintf("%s: status %d", note, res.StatusCode))
			}
			mu.Unlock()
			if res != nil {
				res.Body.Close()
			}
			time.Sleep(100 * time.Millisecond)
		}
	}()
	time.Sleep(500 * time.Millisecond)

	page := base + "/documents/" + replySlug
	proxy.Cut()
	cut := time.Now()
	firstRefusal := time.Duration(0)
	for time.Since(cut) < 4*time.Second {
		status, retry, took, err := timedGet(page)
		switch {
		case err != nil:
			t.Fatalf("during the outage: %v (after %s)", err, took)
		case status == 503:
			if retry == "" {
				t.Errorf("503 without Retry-After")
			}
			if took > 3*time.Second {
				t.Errorf("a 503 took %s to come", took)
			}
			if firstRefusal == 0 {
				firstRefusal = time.Since(cut)
			}
		case status != 200:
			t.Errorf("during the outage: status %d", status)
		}
	}
	if firstRefusal == 0 || firstRefusal > 3*time.Second {
		t.Errorf("first 503 came %s after the database went away, want within 3s", firstRefusal)
	}
	if status, _, took, _ := timedGet(base + "/readyz"); status != 503 || took > 3*time.Second {
		t.Errorf("/readyz during the outage: %d after %s", status, took)
	}
	if status, _, _, _ := timedGet(base + "/healthz"); status != 200 {
		t.Errorf("/healthz during the outage: %d", status)
	}

	proxy.Resume()
	recovered := pgtest.WaitFor(t, 5*time.Second, "the portal to serve again after the database's return", func() bool {
		status, _, _, err := timedGet(page)
		return err == nil && status == 200
	})
	if status, _, _, _ := timedGet(base + "/readyz"); status != 200 {
		t.Errorf("/readyz after the return: %d", status)
	}
	time.Sleep(time.Second) // a few more edits after the return
	close(stop)
	<-editing

	t.Logf("first 503 after %s; serving again %s after the return; %d edits succeeded", firstRefusal.Round(time.Millisecond),
		recovered.Round(time.Millisecond), len(succeeded))
	if len(odd) > 0 {
		t.Errorf("edits answered other than 303 or 503: %v", odd)
	}
	if len(succeeded) < 4 {
		t.Fatalf("only %d edits succeeded; the test did not edit through the outage", len(succeeded))
	}
	for _, note := range succeeded {
		var n int
		if err := owner.QueryRow(ctx, `SELECT count(*) FROM progress_updates WHERE note = $1`, note).Scan(&n); err != nil || n != 1 {
			t.Errorf("edit %q got 303 but is stored %d times (%v)", note, n, err)
		}
	}
	// Every stored update, whatever its answer, has its audit record: they commit together.
	updates := scalar[int](t, owner, `SELECT count(*) FROM progress_updates WHERE commitment_id = $1`, id)
	audited := scalar[int](t, owner, `SELECT count(*) FROM audit_log WHERE action = $1 AND subject_id = $2`, string(policy.ActionUpdateAdd), id)
	if updates != audited || updates < len(succeeded) {
		t.Errorf("%d updates stored, %d audited, %d answered 303", updates, audited, len(succeeded))
	}
}

// A query that waits longer than the request's deadline (here on a lock held
// by the test) ends with the friendly 503 and Retry-After at the deadline,
// not a hung connection, a 500 or a 504.
func TestASlowDatabaseGives503AtTheRequestDeadline(t *testing.T) {
	tp := newTestPortal(t, withOptions(server.Options{RequestTimeout: time.Second}))
	pool, base := tp.Pool, tp.URL
	ctx := context.Background()
	tx := lockTable(t, pool, "documents")
	for _, path := range []string{"/documents/" + replySlug, "/", "/api/v1/documents"} {
		status, retry, took, err := timedGet(base + path)
		if err != nil || status != 503 || retry == "" || took < time.Second || took > 3*time.Second {
			t.Errorf("%s under a held lock: status %d, Retry-After %q, after %s (%v)", path, status, retry, took, err)
		}
	}
	tx.Rollback(ctx)
	if status, _, _, err := timedGet(base + "/documents/" + replySlug); status != 200 {
		t.Errorf("after the lock: %d %v", status, err)
	}
}

// Readers waiting for the same page to be rendered wait within their own
// deadline: when the database is stuck, all of them get the 503 at the
// deadline, not once for the wait and again for a render of their own.
func TestReadersWaitingForOnePageShareItsDeadline(t *testing.T) {
	const timeout = 2 * time.Second
	tp := newTestPortal(t, withOptions(server.Options{RequestTimeout: timeout}), withChangeListener())
	lockTable(t, tp.Pool, "commitments")
	base := tp.URL
	type result struct {
		status int
		took   time.Duration
	}
	results := make(chan result, 4)
	for range 4 {
		go func() {
			status, _, took, _ := timedGet(base + "/commitments?wait=1")
			results <- result{status, took}
		}()
	}
	for range 4 {
		r := <-results
		if r.status != http.StatusServiceUnavailable || r.took > timeout+timeout/2 {
			t.Errorf("a reader of a stuck page: %d after %s (deadline %s)", r.status, r.took, timeout)
		}
	}
}

// lockTable holds table locked in a transaction until the test rolls it back
// or ends, so that queries reading it wait.
func lockTable(t *testing.T, pool *pgxpool.Pool, table string) pgx.Tx {
	t.Helper()
	ctx := context.Background()
	tx, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tx.Rollback(ctx) })
	if _, err := tx.Exec(ctx, `LOCK TABLE `+table+` IN ACCESS EXCLUSIVE MODE`); err != nil {
		t.Fatal(err)
	}
	return tx
}
