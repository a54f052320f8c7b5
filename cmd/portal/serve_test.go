package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/guizhou-portal/portal/internal/config"
	"github.com/guizhou-portal/portal/internal/objectstore"
	"github.com/guizhou-portal/portal/internal/objectstore/s3test"
	"github.com/guizhou-portal/portal/internal/postgres/pgtest"
)

// TestSIGTERMFinishesRequestsInFlight runs the real binary, holds page requests
// in flight with a lock on the table their query reads, sends SIGTERM, and
// checks that new connections are refused at once, the held requests finish
// with 200 when the lock goes, and the process exits 0. With a grace period
// shorter than the hold, the process closes them and still exits 0 in time.
func TestSIGTERMFinishesRequestsInFlight(t *testing.T) {
	bin, err := buildPortal()
	if err != nil {
		t.Fatalf("building the portal: %v", err)
	}
	for _, tc := range []struct {
		name    string
		grace   string
		hold    time.Duration
		finish  bool
		exitMax time.Duration
	}{
		{"requests finish within the grace period", "8s", 1500 * time.Millisecond, true, 6 * time.Second},
		{"the grace period runs out", "1s", 6 * time.Second, false, 4 * time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			owner := pgtest.NewDB(t)
			addr := freeAddr(t)
			logs := &lockedBuf{}
			cmd := exec.Command(bin, "serve")
			cmd.Env = append(os.Environ(), "DATABASE_URL="+owner.Config().ConnString(), "PORTAL_ADDR="+addr,
				"PORTAL_SHUTDOWN_GRACE="+tc.grace, "PORTAL_LOG_FORMAT=json", "PORTAL_METRICS_ADDR=")
			cmd.Stderr = logs
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { cmd.Process.Kill() })
			base := "http://" + addr
			t.Cleanup(func() {
				if t.Failed() {
					t.Logf("log of the portal:\n%s", logs.String())
				}
			})
			pgtest.WaitFor(t, 20*time.Second, "the portal to become ready", ready(base))

			// Hold the document table: the page's query waits for the lock.
			tx, err := owner.Begin(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer tx.Rollback(ctx)
			if _, err := tx.Exec(ctx, `LOCK TABLE documents IN ACCESS EXCLUSIVE MODE`); err != nil {
				t.Fatal(err)
			}
			const inFlight = 3
			type result struct {
				status int
				body   string
				err    error
			}
			results := make(chan result, inFlight)
			for range inFlight {
				go func() {
					res, err := http.Get(base + "/documents/qgxtfz-2023-4")
					if err != nil {
						results <- result{err: err}
						return
					}
					b, err := io.ReadAll(res.Body)
					res.Body.Close()
					results <- result{res.StatusCode, string(b), err}
				}()
			}
			// Once one query waits for the lock, the others are in flight too
			// (waiting for the lock or for one of the pool's connections).
			waitForLockWaiters(t, owner.Config().ConnConfig.Database, 1, tx)
			time.Sleep(300 * time.Millisecond)

			if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
				t.Fatal(err)
			}
			signalled := time.Now()
			for {
				c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
				if err != nil {
					break
				}
				c.Close()
				if time.Since(signalled) > 2*time.Second {
					t.Fatal("new connections still accepted 2s after SIGTERM")
				}
				time.Sleep(20 * time.Millisecond)
			}
			select {
			case r := <-results:
				t.Fatalf("a held request ended before the lock was released: %+v", r)
			default:
			}
			exited := make(chan error, 1)
			var took time.Duration
			go func() { err := cmd.Wait(); took = time.Since(signalled); exited <- err }()
			time.Sleep(tc.hold)
			tx.Rollback(ctx)

			for range inFlight {
				r := <-results
				switch {
				case tc.finish && (r.err != nil || r.status != 200 || !strings.Contains(r.body, "黔工信提复字〔2023〕4号")):
					t.Errorf("a request in flight at SIGTERM: status %d, err %v", r.status, r.err)
				case !tc.finish && r.err == nil:
					t.Errorf("a request held past the grace period got status %d, want its connection closed", r.status)
				}
			}
			select {
			case err := <-exited:
				if err != nil {
					t.Errorf("exit: %v\n%s", err, logs.String())
				}
			case <-time.After(tc.exitMax):
				t.Fatalf("still running %s after SIGTERM", time.Since(signalled))
			}
			t.Logf("exited %s after SIGTERM", took.Round(time.Millisecond))
			if took > tc.exitMax {
				t.Errorf("exited %s after SIGTERM", took)
			}
			if !strings.Contains(logs.String(), `"msg":"shut down"`) {
				t.Errorf("no shut down record:\n%s", logs.String())
			}
		})
	}
}

// waitForLockWaiters waits until n queries of database db wait for a lock.
// It counts any backend waiting for a lock, whatever pg_stat_activity says
// its query is: a statement still being parsed (pgx prepares before it
// runs) waits for the table's lock while the view still shows the
// connection's previous query.
func waitForLockWaiters(t *testing.T, db string, n int, tx pgx.Tx) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		var waiting int
		if err := tx.QueryRow(context.Background(), `SELECT count(*) FROM pg_stat_activity
			WHERE datname = $1 AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()`, db).Scan(&waiting); err != nil {
			t.Fatal(err)
		}
		if waiting >= n {
			return
		}
		if time.Now().After(deadline) {
			rows, _ := tx.Query(context.Background(), `SELECT coalesce(wait_event_type,''), coalesce(wait_event,''), state, left(query, 120) FROM pg_stat_activity WHERE datname = $1`, db)
			all, _ := pgx.CollectRows(rows, func(r pgx.CollectableRow) ([]any, error) { return r.Values() })
			t.Fatalf("only %d of %d requests are waiting for the lock: %v", waiting, n, all)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestServeChecksTheEvidenceStore: serve keeps files in PostgreSQL unless
// told otherwise; with s3 it stops on a bucket that does not exist, naming
// the variable, and starts (uploads then get 503s) when the store does not
// answer yet.
func TestServeChecksTheEvidenceStore(t *testing.T) {
	var logs strings.Builder
	logger := slog.New(slog.NewTextHandler(&logs, nil))
	ctx := context.Background()
	if store, err := openEvidenceStore(ctx, logger, config.Config{EvidenceStore: config.EvidenceStorePostgres}); store != nil || err != nil {
		t.Errorf("postgres: %v %v", store, err)
	}
	s3 := s3test.New(t)
	cfg := config.Config{EvidenceStore: config.EvidenceStoreS3, S3: s3.Config}
	if store, err := openEvidenceStore(ctx, logger, cfg); store == nil || err != nil {
		t.Errorf("s3: %v %v", store, err)
	}
	missing := cfg
	missing.S3.Bucket = "no-such-bucket"
	if _, err := openEvidenceStore(ctx, logger, missing); !errors.Is(err, objectstore.ErrSetup) || !strings.Contains(err.Error(), "PORTAL_S3_BUCKET") {
		t.Errorf("a missing bucket: %v", err)
	}
	s3.Stop()
	if store, err := openEvidenceStore(ctx, logger, cfg); store == nil || err != nil || !strings.Contains(logs.String(), "evidence store unavailable at start") {
		t.Errorf("a store that is down: %v %v\n%s", store, err, logs.String())
	}
}
