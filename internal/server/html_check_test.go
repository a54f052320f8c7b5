package server_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// vnuDir holds the pinned Nu HTML checker (package.json and
// package-lock.json); npm ci fills its node_modules when they are missing.
const vnuDir = "testdata/vnu"

var (
	vnuOnce sync.Once
	vnuJar  string
	vnuErr  error
)

// vnu returns the path of vnu.jar, running npm ci first when it is missing.
// Without java or npm the test is skipped, or fails under PORTAL_REQUIRE_BROWSER.
func vnu(t *testing.T) string {
	t.Helper()
	vnuOnce.Do(func() {
		if _, err := exec.LookPath("java"); err != nil {
			vnuErr = errors.New("java is not installed, so the Nu HTML checker cannot run (apt-get install default-jre-headless)")
			return
		}
		jar, err := filepath.Abs(filepath.Join(vnuDir, "node_modules", "vnu-jar", "build", "dist", "vnu.jar"))
		if err != nil {
			vnuErr = err
			return
		}
		if _, err := os.Stat(jar); err != nil {
			npm, err := exec.LookPath("npm")
			if err != nil {
				vnuErr = errors.New("npm is not installed, so vnu-jar cannot be installed (apt-get install npm)")
				return
			}
			ci := exec.Command(npm, "ci", "--no-audit", "--no-fund", "--ignore-scripts")
			ci.Dir = vnuDir
			if out, err := ci.CombinedOutput(); err != nil {
				vnuErr = fmt.Errorf("npm ci in %s: %v\n%s", vnuDir, err, lastLines(out, 5))
				return
			}
		}
		vnuJar = jar
	})
	if vnuErr != nil {
		if os.Getenv("PORTAL_REQUIRE_BROWSER") != "" {
			t.Fatal(vnuErr)
		}
		t.Skipf("%v; set PORTAL_REQUIRE_BROWSER=1 to make this a failure", vnuErr)
	}
	return vnuJar
}

// regexpNonWord turns a path into a file name.
var regexpNonWord = regexp.MustCompile(`[^A-Za-z0-9]+`)

// landmark finds the navigation and search landmarks of a page with their
// names (aria-label, or the id aria-labelledby points at).
var landmark = regexp.MustCompile(`<(nav|form)\b([^>]*)>`)

// repeatedLandmark returns the first navigation or search landmark of body
// that has no name or the same name as another of its kind, or "".
func repeatedLandmark(body string) string {
	seen := map[string]bool{}
	for _, m := range landmark.FindAllStringSubmatch(body, -1) {
		kind, attrs := m[1], m[2]
		if kind == "form" {
			if !strings.Contains(attrs, `role="search"`) {
				continue
			}
			kind = "search"
		}
		name := ""
		if a := regexp.MustCompile(`aria-label(?:ledby)?="([^"]*)"`).FindStringSubmatch(attrs); a != nil {
			name = a[1]
		}
		key := kind + " " + strconv.Quote(name)
		if name == "" || seen[key] {
			return key
		}
		seen[key] = true
	}
	return ""
}

// nuMessage is one message of the checker's JSON output.
type nuMessage struct {
	Type, SubType, URL, Message, Extract string
	LastLine                             int
}

// TestEveryPageTypePassesNuChecker fetches every page type in both
// languages, public and staff, refused forms (422) and error pages among
// them, and runs the Nu HTML checker once over all of them: no error. Every
// navigation and search landmark is named, and no two alike share a name.
func TestEveryPageTypePassesNuChecker(t *testing.T) {
	jar := vnu(t)
	p := newTestPortal(t, withStaff())
	dir := t.TempDir()
	public := []string{
		"/", "/documents", "/documents/" + replySlug, "/documents/" + replySlug + "?marks=off",
		"/documents/" + replySlug + "/sections/s4", "/documents/" + replySlug + "/sections/s4-1",
		"/documents/" + replySlug + "/versions", "/documents/" + replySlug + "/versions/1",
		"/documents/" + replySlug + "/diff?from=1&to=1",
		"/commitments", "/commitments?status=completed&section=talent_technology", "/commitments?q=锂",
		"/commitments/43", "/commitments/43/history", "/entities", "/entities/tongren", "/entities/catl",
		"/dashboard", "/dashboard?document=" + replySlug, "/map", "/search?q=锂矿", "/search", "/search?q=锂&kind=commitment",
		"/login", "/commitments/99999", "/nothing-here",
		"/commitments?" + strings.Repeat("q=锂&", 200),
	}
	staff := []string{
		"/commitments/12", "/commitments/12/edit", "/commitments/new?document=" + replySlug + "&paragraph=4",
		"/changes", "/documents/import", "/admin/users", "/admin/themes", "/commitments/12/anchor",
		"/documents/" + replySlug + "/anchors",
	}
	n := 0
	save := func(lang, name, body string) {
		n++
		if dup := repeatedLandmark(body); dup != "" {
			t.Errorf("%s (%s): two landmarks, or one unnamed, as %s", name, lang, dup)
		}
		file := fmt.Sprintf("%03d-%s-%s.html", n, lang, strings.Trim(regexpNonWord.ReplaceAllString(name, "_"), "_"))
		if len(file) > 120 {
			file = file[:120] + ".html"
		}
		if err := os.WriteFile(filepath.Join(dir, file), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, lang := range []string{"zh", "en"} {
		anon := browserClient(t)
		for _, path := range public {
			r := request(t, anon, http.MethodGet, p.URL+path, nil, "Accept-Language", lang)
			if !strings.HasPrefix(r.header.Get("Content-Type"), "text/html") {
				t.Fatalf("%s: %d %s", path, r.status, r.header.Get("Content-Type"))
			}
			save(lang, path, r.body)
		}
		admin := loggedIn(t, p.URL, adminEmail)
		for _, path := range staff {
			r := request(t, admin, http.MethodGet, p.URL+path, nil, "Accept-Language", lang)
			if r.status != http.StatusOK {
				t.Fatalf("%s as admin: status %d", path, r.status)
			}
			save(lang, "staff"+path, r.body)
		}
		// Refused forms: each comes back with its messages and the input kept.
		refused := []struct {
			name, path string
			form       url.Values
		}{
			{"edit", "/commitments/12/edit", func() url.Values {
				f := editForm(t, p.Pool, 12)
				f.Set("progress", "200")
				f.Set("due_on", "2025-02-30")
				return f
			}()},
			{"update", "/commitments/12/updates", url.Values{"version": {itoa(version(t, p.Pool, 12))}, "happened_on": {"not-a-date"}, "update_status": {"in_progress"}, "update_progress": {"x"}, "note": {""}, "visibility": {"public"}}},
			{"new", "/commitments", url.Values{"document": {replySlug}, "paragraph": {"4"}, "quote": {"不在原文中的话"}, "title": {""}, "kind": {"measure"}, "strength": {"definite"}, "status": {"planned"}, "lead": {""}}},
			{"user", "/admin/users", url.Values{"email": {"not-an-email"}, "name": {""}, "role": {"editor"}, "password": {"short"}}},
			{"theme", "/admin/themes", url.Values{"key": {"Bad Key"}, "name_zh": {""}, "name_en": {""}}},
			{"import", "/documents/import", url.Values{"name": {"空.txt"}, "text": {""}}},
		}
		for _, f := range refused {
			r := request(t, admin, http.MethodPost, p.URL+f.path, f.form, "Accept-Language", lang)
			if r.status < 400 || !strings.HasPrefix(r.header.Get("Content-Type"), "text/html") {
				t.Fatalf("refused %s form: status %d %s", f.name, r.status, r.header.Get("Content-Type"))
			}
			save(lang, "refused-"+f.name, r.body)
		}
		login := request(t, browserClient(t), http.MethodPost, p.URL+"/login", url.Values{"email": {adminEmail}, "password": {"wrong"}}, "Accept-Language", lang)
		save(lang, "refused-login", login.body)
	}

	cmd := exec.Command("java", "-Xss4m", "-jar", jar, "--errors-only", "--format", "json", "--skip-non-html", dir)
	out, err := cmd.CombinedOutput()
	var report struct{ Messages []nuMessage }
	if jerr := json.Unmarshal(out, &report); jerr != nil {
		t.Fatalf("the checker's output (%v): %v\n%s", err, jerr, lastLines(out, 20))
	}
	byMessage := map[string][]string{}
	for _, m := range report.Messages {
		if m.Type != "error" {
			continue
		}
		file := filepath.Base(m.URL)
		byMessage[m.Message] = append(byMessage[m.Message], fmt.Sprintf("%s:%d %q", file, m.LastLine, m.Extract))
	}
	var messages []string
	for m := range byMessage {
		messages = append(messages, m)
	}
	sort.Strings(messages)
	for _, m := range messages {
		where := byMessage[m]
		more := ""
		if len(where) > 3 {
			more = fmt.Sprintf("\n\t… and %d more", len(where)-3)
			where = where[:3]
		}
		t.Errorf("%d× %s\n\t%s%s", len(byMessage[m]), m, strings.Join(where, "\n\t"), more)
	}
	t.Logf("%d pages checked", n)
}

// TestRepeatedLandmark keeps the landmark check honest on both sides.
func TestRepeatedLandmark(t *testing.T) {
	for body, want := range map[string]string{
		`<nav aria-label="主导航"></nav><form role="search" aria-label="搜索全站"></form>`:                                             "",
		`<form role="search" aria-label="搜索全站"></form><form class="search-form" role="search" method="get"></form>`:             `search ""`,
		`<nav aria-label="位置"></nav><nav aria-label="位置"></nav>`:                                                                `nav "位置"`,
		`<nav class="toc" aria-labelledby="toc-h"></nav><nav aria-label="x"></nav><form method="post" action="/logout"></form>`: "",
	} {
		if got := repeatedLandmark(body); got != want {
			t.Errorf("repeatedLandmark(%s) = %q, want %q", body, got, want)
		}
	}
}
