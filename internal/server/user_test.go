package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestTwoAdminsCannotDemoteEachOtherAtOnce(t *testing.T) {
	p := newTestPortal(t, withStaff())
	base, pool := p.URL, p.Pool
	second := addUser(t, pool, "admin2@example.gov.cn", "赵管理", "admin")
	first := scalar[int64](t, pool, `SELECT id FROM users WHERE email = $1`, adminEmail)
	a, b := loggedIn(t, base, adminEmail), loggedIn(t, base, "admin2@example.gov.cn")
	// The race is won or lost by timing: run it a few times, both admins again each round.
	for round := range 12 {
		if _, err := pool.Exec(context.Background(), `UPDATE users SET role = 'admin', disabled_at = NULL WHERE id IN ($1, $2)`, first, second); err != nil {
			t.Fatal(err)
		}
		statuses := parallel(t, 2, func(i int) int {
			c, target := a, second
			if i == 1 {
				c, target = b, first
			}
			return request(t, c, "POST", fmt.Sprintf("%s/admin/users/%d", base, target), url.Values{"name": {"降级"}, "role": {"editor"}, "state": {"enabled"}}).status
		})
		if statuses[http.StatusInternalServerError] > 0 {
			t.Fatalf("round %d: statuses %v: a 500", round, statuses)
		}
		if n := scalar[int](t, pool, `SELECT count(*) FROM users WHERE role = 'admin' AND disabled_at IS NULL`); n < 1 {
			t.Fatalf("round %d: %d enabled admins left", round, n)
		}
	}
}

func TestARefusedAccountChangeKeepsWhatWasTyped(t *testing.T) {
	p := newTestPortal(t, withStaff())
	base, pool := p.URL, p.Pool
	admin := loggedIn(t, base, adminEmail)
	id := scalar[int64](t, pool, `SELECT id FROM users WHERE email = $1`, adminEmail)
	r := request(t, admin, "POST", fmt.Sprintf("%s/admin/users/%d", base, id), url.Values{"name": {"王管理员(新)"}, "role": {"admin"}, "state": {"disabled"}})
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("status %d, want 422", r.status)
	}
	if !strings.Contains(r.body, `value="王管理员(新)"`) || !strings.Contains(r.body, `<option value="disabled" selected>`) {
		t.Error("the refused row shows the stored values, not what was typed")
	}
	if got := scalar[string](t, pool, `SELECT name FROM users WHERE id = $1`, id); got != "王管理" {
		t.Errorf("the refused change was saved: %q", got)
	}
}
