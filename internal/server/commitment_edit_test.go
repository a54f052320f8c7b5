package server_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
)

// snapshot sums up everything a refused request must leave alone.
func snapshot(t *testing.T, pool *pgxpool.Pool) string {
	return scalar[string](t, pool, `SELECT concat_ws(' ',
		(SELECT count(*) FROM audit_log), (SELECT sum(version) FROM commitments), (SELECT count(*) FROM commitments),
		(SELECT count(*) FROM progress_updates), (SELECT count(*) FROM users),
		(SELECT count(*) FROM users WHERE disabled_at IS NOT NULL), (SELECT string_agg(password_hash, '' ORDER BY id) FROM users),
		(SELECT count(*) FROM commitments WHERE withdrawn_at IS NOT NULL))`)
}

func TestEveryStateChangingRouteByRole(t *testing.T) {
	p := newTestPortal(t, withStaff())
	base, pool := p.URL, p.Pool
	editorID := scalar[int64](t, pool, `SELECT id FROM users WHERE email = $1`, editorEmail)
	// Each route with a valid form built from the current state; a refused
	// request must change nothing at all.
	type route struct {
		path string
		form func() url.Values
	}
	routes := []route{
		{"/commitments/2/edit", func() url.Values {
			f := editForm(t, pool, 2)
			f.Set("public_note", fmt.Sprintf("第 %d 版说明", version(t, pool, 2))) // a real change each time
			return f
		}},
		{"/commitments/3/updates", func() url.Values { return updateForm(t, pool, 3, "项目已开工。", "public") }},
		{"/commitments/4/withdraw", func() url.Values {
			return url.Values{"version": {itoa(version(t, pool, 4))}, "reason": {"与承诺 5 重复"}}
		}},
		{"/commitments", func() url.Values {
			return url.Values{"document": {replySlug}, "paragraph": {"4"}, "quote": {"推动“一核两区”规划布局落细落实"},
				"title": {"推动“一核两区”规划布局落细落实"}, "kind": {"measure"}, "strength": {"definite"}, "status": {"not_assessed"}}
		}},
		{"/admin/users", func() url.Values {
			return url.Values{"email": {fmt.Sprintf("new%d@example.gov.cn", version(t, pool, 2))}, "name": {"张新"}, "role": {"editor"}, "password": {"一二三四五六七八"}}
		}},
		{fmt.Sprintf("/admin/users/%d", editorID), func() url.Values {
			return url.Values{"name": {"李编辑"}, "role": {"editor"}, "state": {"enabled"}}
		}},
		{fmt.Sprintf("/admin/users/%d/password", editorID), func() url.Values { return url.Values{"password": {password}} }},
	}
	adminOnly := func(path string) bool { return strings.HasPrefix(path, "/admin/") }
	for _, role := range []string{"public", "editor", "admin"} {
		email := map[string]string{"public": "", "editor": editorEmail, "admin": adminEmail}[role]
		for _, rt := range routes {
			t.Run(role+" POST "+rt.path, func(t *testing.T) {
				c := loggedIn(t, base, email)
				want := http.StatusSeeOther
				switch {
				case role == "public":
					want = http.StatusUnauthorized
				case role == "editor" && adminOnly(rt.path):
					want = http.StatusForbidden
				}
				before := snapshot(t, pool)
				r := request(t, c, "POST", base+rt.path, rt.form())
				if r.status != want {
					t.Fatalf("status %d, want %d\n%s", r.status, want, r.body)
				}
				after := snapshot(t, pool)
				if want != http.StatusSeeOther && after != before {
					t.Errorf("a refused request changed the database:\n%s\n%s", before, after)
				}
				if want == http.StatusSeeOther && after == before && !strings.HasSuffix(rt.path, "/"+fmt.Sprint(editorID)) {
					t.Errorf("an allowed request changed nothing")
				}
			})
		}
		// The withdrawn commitment and the new quote are restored for the next role.
		pool.Exec(t.Context(), `UPDATE commitments SET withdrawn_at = NULL WHERE id = 4`)
		pool.Exec(t.Context(), `DELETE FROM commitments WHERE created_by IS NOT NULL`)
	}
	t.Run("staff pages", func(t *testing.T) {
		for _, path := range []string{"/admin/users", "/commitments/1/edit", "/commitments/new?document=" + replySlug + "&paragraph=4"} {
			for _, role := range []string{"public", "editor", "admin"} {
				email := map[string]string{"public": "", "editor": editorEmail, "admin": adminEmail}[role]
				r := request(t, loggedIn(t, base, email), "GET", base+path, nil)
				want := http.StatusOK
				switch {
				case role == "public":
					want = http.StatusSeeOther
				case role == "editor" && adminOnly(path):
					want = http.StatusForbidden
				}
				if r.status != want {
					t.Errorf("%s GET %s: status %d, want %d", role, path, r.status, want)
				}
				if role == "public" && r.header.Get("Location") != "/login?next="+url.QueryEscape(path) {
					t.Errorf("public GET %s went to %q", path, r.header.Get("Location"))
				}
				if role != "public" && r.header.Get("Cache-Control") != "no-store" {
					t.Errorf("%s GET %s: Cache-Control %q, want no-store", role, path, r.header.Get("Cache-Control"))
				}
			}
		}
	})
	t.Run("restore", func(t *testing.T) {
		admin := loggedIn(t, base, adminEmail)
		request(t, admin, "POST", base+"/commitments/4/withdraw", url.Values{"version": {itoa(version(t, pool, 4))}, "reason": {"测试"}})
		for _, role := range []string{"public", "editor"} {
			before := snapshot(t, pool)
			r := request(t, loggedIn(t, base, map[string]string{"public": "", "editor": editorEmail}[role]), "POST", base+"/commitments/4/restore",
				url.Values{"version": {itoa(version(t, pool, 4))}})

			want := map[string]int{"public": 401, "editor": 303}[role]
			if r.status != want {
				t.Errorf("%s restore: status %d, want %d", role, r.status, want)
			}
			if role == "public" && snapshot(t, pool) != before {
				t.Error("a refused restore changed the database")
			}
		}
	})
}

func TestAStaleSaveGets409AndChangesNothing(t *testing.T) {
	p := newTestPortal(t, withStaff())
	base, pool := p.URL, p.Pool
	alice, bob := loggedIn(t, base, editorEmail), loggedIn(t, base, adminEmail)
	stale := editForm(t, pool, 5) // both open the form at the same version
	theirs := editForm(t, pool, 5)
	theirs.Set("status", "completed")
	theirs.Set("progress", "100")
	theirs.Set("public_note", "已建成投产。")
	if r := request(t, bob, "POST", base+"/commitments/5/edit", theirs); r.status != http.StatusSeeOther {
		t.Fatalf("first save: status %d\n%s", r.status, r.body)
	}
	before := snapshot(t, pool)
	r := request(t, alice, "POST", base+"/commitments/5/edit", stale)
	if r.status != http.StatusConflict {
		t.Fatalf("stale save: status %d, want 409", r.status)
	}
	if snapshot(t, pool) != before {
		t.Error("the stale save changed the database")
	}
	if got := scalar[string](t, pool, `SELECT public_note FROM commitments WHERE id = 5`); got != "已建成投产。" {
		t.Errorf("the stale save overwrote the note: %q", got)
	}
	for _, want := range []string{"已被他人修改", "当前内容", "您提交的内容", "已建成投产。", "已召开项目推进会。", "已完成", "推进中",
		fmt.Sprintf(`name="version" value="%d"`, version(t, pool, 5))} {
		if !strings.Contains(r.body, want) {
			t.Errorf("conflict page lacks %q", want)
		}
	}
	// Re-applying from the conflict page (the submitted values at the current version) saves.
	stale.Set("version", itoa(version(t, pool, 5)))
	if r := request(t, alice, "POST", base+"/commitments/5/edit", stale); r.status != http.StatusSeeOther {
		t.Errorf("re-applied save: status %d", r.status)
	}
	if got := scalar[string](t, pool, `SELECT status FROM commitments WHERE id = 5`); got != "in_progress" {
		t.Errorf("status after re-applying: %s", got)
	}

	t.Run("a stale progress update", func(t *testing.T) {
		f := updateForm(t, pool, 5, "用地已报批。", "public")
		f.Set("version", "1")
		before := snapshot(t, pool)
		r := request(t, alice, "POST", base+"/commitments/5/updates", f)
		if r.status != http.StatusConflict || !strings.Contains(r.body, "用地已报批。") {
			t.Errorf("status %d, want 409 with the typed note kept", r.status)
		}
		if snapshot(t, pool) != before {
			t.Error("the stale update changed the database")
		}
	})
}

func TestFiftyConcurrentSavesOfOneVersionGiveOneSuccess(t *testing.T) {
	p := newTestPortal(t, withStaff())
	base, pool := p.URL, p.Pool
	c := loggedIn(t, base, editorEmail)
	form := editForm(t, pool, 7)
	audits := scalar[int](t, pool, `SELECT count(*) FROM audit_log`)
	var wg sync.WaitGroup
	var mu sync.Mutex
	statuses := map[int]int{}
	for i := range 50 {
		wg.Go(func() {
			f := url.Values{}
			for k, v := range form {
				f[k] = v
			}
			f.Set("public_note", fmt.Sprintf("第 %d 次保存", i))
			req, _ := http.NewRequest(http.MethodPost, base+"/commitments/7/edit", strings.NewReader(f.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			res, err := c.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			res.Body.Close()
			mu.Lock()
			statuses[res.StatusCode]++
			mu.Unlock()
		})
	}
	wg.Wait()
	if statuses[http.StatusSeeOther] != 1 || statuses[http.StatusConflict] != 49 {
		t.Errorf("statuses %v, want one 303 and 49 409", statuses)
	}
	if n := scalar[int](t, pool, `SELECT count(*) FROM audit_log`) - audits; n != 1 {
		t.Errorf("%d audit records, want 1", n)
	}
	if v := version(t, pool, 7); v != 2 {
		t.Errorf("version %d, want 2", v)
	}
}

func TestASaveThatChangesNothingLeavesNoRecord(t *testing.T) {
	p := newTestPortal(t, withStaff())
	base, pool := p.URL, p.Pool
	c := loggedIn(t, base, editorEmail)
	if r := request(t, c, "POST", base+"/commitments/8/edit", editForm(t, pool, 8)); r.status != http.StatusSeeOther {
		t.Fatalf("first save: status %d", r.status)
	}
	before := snapshot(t, pool)
	if r := request(t, c, "POST", base+"/commitments/8/edit", editForm(t, pool, 8)); r.status != http.StatusSeeOther {
		t.Fatalf("second save: status %d", r.status)
	}
	if snapshot(t, pool) != before {
		t.Error("saving the same values again bumped the version or wrote an audit record")
	}
}
