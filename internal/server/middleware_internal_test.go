package server

import (
	"context"
	"errors"
	"net/url"
	"testing"
	"time"

	"github.com/go-chi/chi/v5/middleware"

	"github.com/guizhou-portal/portal/internal/i18n"
	"github.com/guizhou-portal/portal/web"
)

// newRequestContext is a request's context under parent with the given deadline.
func newRequestContext(parent context.Context, deadline time.Time) *requestContext {
	u, _ := url.Parse("/commitments?status=planned")
	return &requestContext{parent: parent, id: "abc", lang: i18n.For("en"), url: *u, today: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), deadline: deadline}
}

func TestTheRequestContextCarriesWhatTheStackSets(t *testing.T) {
	type other struct{}
	parent := context.WithValue(context.Background(), other{}, "kept")
	c := newRequestContext(parent, time.Now().Add(time.Minute))
	if middleware.GetReqID(c) != "abc" || i18n.From(c) != i18n.For("en") || c.Value(web.PathKey{}) != "/commitments?status=planned" ||
		c.Value(web.TodayKey{}) != time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC) || c.Value(other{}) != "kept" {
		t.Errorf("values: id %q, path %v, today %v, other %v", middleware.GetReqID(c), c.Value(web.PathKey{}), c.Value(web.TodayKey{}), c.Value(other{}))
	}
	// Above another context, as chi and the handlers put theirs.
	above := context.WithValue(c, other{}, "above")
	if middleware.GetReqID(above) != "abc" || above.Value(other{}) != "above" {
		t.Error("values through a context above")
	}
	if d, ok := c.Deadline(); !ok || !d.Equal(c.deadline) {
		t.Errorf("deadline %v %v", d, ok)
	}
}

func TestTheRequestDeadlineEndsTheContextWithoutATimerUntilOneIsAskedFor(t *testing.T) {
	c := newRequestContext(context.Background(), time.Now().Add(50*time.Millisecond))
	if c.Err() != nil || c.timed.Load() != nil {
		t.Fatalf("before the deadline: err %v, timer %v", c.Err(), c.timed.Load())
	}
	// What waits for the deadline: a child context, as pgx and the page
	// cache's waiters make, ends at it.
	child, cancel := context.WithCancel(c)
	defer cancel()
	if c.timed.Load() == nil {
		t.Fatal("no timer once a child waits")
	}
	select {
	case <-child.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("the child did not end at the deadline")
	}
	if !errors.Is(c.Err(), context.DeadlineExceeded) || !errors.Is(child.Err(), context.DeadlineExceeded) ||
		!errors.Is(context.Cause(child), context.DeadlineExceeded) {
		t.Errorf("after the deadline: %v, child %v, cause %v", c.Err(), child.Err(), context.Cause(child))
	}

	// Nothing waited: the deadline still shows in Err, and Done is closed
	// when first asked.
	quiet := newRequestContext(context.Background(), time.Now().Add(-time.Millisecond))
	if !errors.Is(quiet.Err(), context.DeadlineExceeded) {
		t.Errorf("a passed deadline without a timer: %v", quiet.Err())
	}
	select {
	case <-quiet.Done():
	case <-time.After(5 * time.Second):
		t.Error("Done after the deadline is not closed")
	}
}

func TestTheRequestContextEndsWithTheRequestOrItsConnection(t *testing.T) {
	conn, closeConn := context.WithCancel(context.Background())
	c := newRequestContext(conn, time.Now().Add(time.Hour))
	done := c.Done()
	closeConn()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("the connection's end did not end the request")
	}
	if !errors.Is(c.Err(), context.Canceled) {
		t.Errorf("err %v", c.Err())
	}

	// Answered: cancelled, whether a timer was made before or not.
	for _, early := range []bool{true, false} {
		c := newRequestContext(context.Background(), time.Now().Add(time.Hour))
		if early {
			c.Done()
		}
		c.stop()
		if !errors.Is(c.Err(), context.Canceled) {
			t.Errorf("timer made before the end %v: err %v", early, c.Err())
		}
		select {
		case <-c.Done():
		default:
			t.Errorf("timer made before the end %v: Done open after the request", early)
		}
	}
}
