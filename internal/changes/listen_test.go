package changes_test

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/guizhou-portal/portal/internal/changes"
	"github.com/guizhou-portal/portal/internal/postgres/pgtest"
)

// calls is a Receiver that reports each call, Invalidate as live.
type calls chan bool

func (c calls) Flush(live bool)     { c <- live }
func (c calls) Invalidate([]string) { c <- true }

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
	rc := make(calls, 100)
	done := make(chan struct{})
	go func() {
		changes.Listen(ctx, pool.Config().ConnConfig, slog.New(slog.DiscardHandler), rc, nil)
		close(done)
	}()
	if !next(t, rc, "listening to start") {
		t.Fatal("the first call says not live")
	}

	if _, err := pool.Exec(ctx, "NOTIFY "+changes.Channel+", 'commitments'"); err != nil {
		t.Fatal(err)
	}
	if !next(t, rc, "the notification") {
		t.Fatal("a notification reported as not live")
	}

	// A dropped connection: not live until a new one listens.
	var n int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity
		WHERE application_name = $1 AND datname = current_database()) t`, changes.AppName).Scan(&n); err != nil || n != 1 {
		t.Fatalf("%d listening connections (%v), want 1", n, err)
	}
	if next(t, rc, "the drop") {
		t.Fatal("a dropped connection reported as live")
	}
	if !next(t, rc, "listening again") {
		t.Fatal("reconnecting reported as not live")
	}

	cancel()
	if next(t, rc, "the end") {
		t.Error("the end reported as live")
	}
	<-done
}

func TestTagsOfAPayload(t *testing.T) {
	for payload, want := range map[string]string{
		"commitments":                   "",
		"commitments c:5 d:qgxtfz e:12": "c:5 d:qgxtfz e:12",
		"audit_log c:7":                 "c:7",
		"":                              "",
	} {
		if got := strings.Join(changes.Tags(payload), " "); got != want {
			t.Errorf("Tags(%q) = %q, want %q", payload, got, want)
		}
	}
}

// slowReceiver records the tags it is told of, taking its time over each,
// as a busy instance would.
type slowReceiver struct {
	mu      sync.Mutex
	tags    []string
	flushes int
}

func (s *slowReceiver) Flush(bool) { s.mu.Lock(); s.flushes++; s.mu.Unlock() }
func (s *slowReceiver) Invalidate(tags []string) {
	time.Sleep(50 * time.Millisecond)
	s.mu.Lock()
	s.tags = append(s.tags, tags...)
	s.mu.Unlock()
}

// TestMarksWaitUntilEarlierWritesAreHeard: a mark sent after a write's
// commit is heard after the write's own notification, so Wait returning
// means the write has been handled; a mark empties nothing.
func TestMarksWaitUntilEarlierWritesAreHeard(t *testing.T) {
	pool := pgtest.Pool(t, pgtest.EmptyDB(t))
	ctx, cancel := context.WithCancel(context.Background())
	rc := &slowReceiver{}
	marks := changes.NewMarks()
	if err := marks.Wait(ctx, pool); err != nil {
		t.Fatalf("without a listener Wait returns at once: %v", err)
	}
	done := make(chan struct{})
	go func() {
		changes.Listen(ctx, pool.Config().ConnConfig, slog.New(slog.DiscardHandler), rc, marks)
		close(done)
	}()
	t.Cleanup(func() { cancel(); <-done })
	deadline := time.Now().Add(10 * time.Second)
	for {
		rc.mu.Lock()
		n := rc.flushes
		rc.mu.Unlock()
		if n > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the listener did not start")
		}
		time.Sleep(10 * time.Millisecond)
	}
	for i := range 5 {
		tag := fmt.Sprintf("c:%d", i)
		if _, err := pool.Exec(ctx, `SELECT pg_notify($1, $2)`, changes.Channel, "commitments "+tag); err != nil {
			t.Fatal(err)
		}
		wait, stop := context.WithTimeout(ctx, 5*time.Second)
		err := marks.Wait(wait, pool)
		stop()
		if err != nil {
			t.Fatalf("write %d: %v", i, err)
		}
		rc.mu.Lock()
		heard := slices.Contains(rc.tags, tag)
		flushes := rc.flushes
		rc.mu.Unlock()
		if !heard {
			t.Fatalf("Wait returned before the write's notification (%s) was handled", tag)
		}
		if flushes != 1 {
			t.Fatalf("%d flushes: a mark emptied the cache", flushes)
		}
	}
}
