package server_test

import (
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/guizhou-portal/portal/internal/server"
)

// Pages rendered outside the cache are limited per client: the next one is a
// 429 page that says when to come back, in Retry-After too. Another client,
// and a staff member's session, have budgets of their own.
func TestRendersOutsideTheCacheAreLimitedPerClient(t *testing.T) {
	p := newTestPortal(t, withStaff(), withOptions(server.Options{RenderLimit: 3, RenderWindow: time.Minute,
		TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}}))
	base := p.URL
	// Without the change listener nothing is cached: every page is rendered.
	for i := range 3 {
		if r := anon(t, base+"/commitments?year="+strconv.Itoa(2021+i), "X-Forwarded-For", "203.0.113.7"); r.status != 200 {
			t.Fatalf("render %d: status %d", i+1, r.status)
		}
	}
	r := anon(t, base+"/commitments?year=2024", "X-Forwarded-For", "203.0.113.7")
	if r.status != http.StatusTooManyRequests {
		t.Fatalf("the fourth render: status %d, want 429", r.status)
	}
	if wait, err := strconv.Atoi(r.header.Get("Retry-After")); err != nil || wait < 1 || wait > 60 {
		t.Errorf("Retry-After %q, want seconds up to the window", r.header.Get("Retry-After"))
	}
	if !strings.Contains(r.body, "秒后再试") || r.header.Get("Cache-Control") != "no-store" {
		t.Errorf("the 429 page does not say when to retry, or may be stored: Cache-Control %q", r.header.Get("Cache-Control"))
	}
	for _, h := range []string{"X-Ratelimit-Limit", "X-Ratelimit-Remaining"} {
		if r.header.Get(h) != "" {
			t.Errorf("%s sent: such headers would be kept with cached pages", h)
		}
	}
	if r := anon(t, base+"/commitments", "X-Forwarded-For", "198.51.100.9"); r.status != 200 {
		t.Errorf("another client: status %d", r.status)
	}
	// Staff are counted by session, not by the address they share.
	editor := loggedIn(t, base, editorEmail)
	if r := request(t, editor, http.MethodGet, base+"/commitments", nil, "X-Forwarded-For", "203.0.113.7"); r.status != 200 {
		t.Errorf("staff behind the limited address: status %d", r.status)
	}
	// Pages that are not on the cached routes are not counted.
	if r := anon(t, base+"/healthz", "X-Forwarded-For", "203.0.113.7"); r.status != 200 {
		t.Errorf("/healthz from the limited client: status %d", r.status)
	}
}

// Pages served from the cache cost nothing and are never counted. (The limit
// leaves room for the renders made while the test portal waits for the cache.)
func TestCachedPagesAreNotLimited(t *testing.T) {
	p := newTestPortal(t, withChangeListener(), withOptions(server.Options{RenderLimit: 40, RenderWindow: time.Minute}))
	for i := range 100 {
		if r := anon(t, p.URL+"/"); r.status != 200 {
			t.Fatalf("cached request %d: status %d", i+1, r.status)
		}
	}
}
