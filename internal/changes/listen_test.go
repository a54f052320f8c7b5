package changes_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/guizhou-portal/portal/internal/changes"
	"github.com/guizhou-portal/portal/internal/postgres/pgtest"
)

// next waits for the listener's next call.
func next(t *testing.T, calls <-chan bool, what string) bool {
	t.Helper()
	select {
	case live := <-calls:
		return live
	case <-time.After(10 * time.Second):
		t.Fatalf("waited 10 s for %s", what)
		return false
	}
}

func TestListenReportsChangesDropsAndReconnects(t *testing.T) {
	pool := pgtest.Pool(t, pgtest.EmptyDB(t))
	ctx, cancel := context.WithCancel(context.Background())
	calls := make(chan bool, 100)
	done := make(chan struct{})
	go func() {
		changes.Listen(ctx, pool.Config().ConnConfig, slog.New(slog.DiscardHandler), func(live bool) { calls <- live })
		close(done)
	}()
	if !next(t, calls, "listening to start") {
		t.Fatal("the first call says not live")
	}

	if _, err := pool.Exec(ctx, "NOTIFY "+changes.Channel+", 'commitments'"); err != nil {
		t.Fatal(err)
	}
	if !next(t, calls, "the notification") {
		t.Fatal("a notification reported as not live")
	}

	// A dropped connection: not live until a new one listens.
	var n int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity
		WHERE application_name = $1 AND datname = current_database()) t`, changes.AppName).Scan(&n); err != nil || n != 1 {
		t.Fatalf("%d listening connections (%v), want 1", n, err)
	}
	if next(t, calls, "the drop") {
		t.Fatal("a dropped connection reported as live")
	}
	if !next(t, calls, "listening again") {
		t.Fatal("reconnecting reported as not live")
	}

	cancel()
	if next(t, calls, "the end") {
		t.Error("the end reported as live")
	}
	<-done
}
