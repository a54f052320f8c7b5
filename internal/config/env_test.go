package config

import (
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite docs/configuration.md's table from Variables")

// The generated table sits between these lines of docs/configuration.md.
const (
	tableStart = "<!-- env table: made from internal/config/env.go; go test ./internal/config -run TestConfigurationDoc -update -->\n"
	tableEnd   = "<!-- end env table -->\n"
)

const repoRoot = "../.."

// TestConfigurationDocMatchesCode fails when docs/configuration.md's table of
// variables differs from Variables; -update rewrites it.
func TestConfigurationDocMatchesCode(t *testing.T) {
	path := filepath.Join(repoRoot, "docs", "configuration.md")
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(raw)
	i, j := strings.Index(doc, tableStart), strings.Index(doc, tableEnd)
	if i < 0 || j < i {
		t.Fatalf("%s lacks the lines %q and %q around the table", path, tableStart, tableEnd)
	}
	got, want := doc[i+len(tableStart):j], Markdown()
	if got == want {
		return
	}
	if *update {
		if err := os.WriteFile(path, []byte(doc[:i+len(tableStart)]+want+doc[j:]), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("%s's table differs from internal/config/env.go; run\n\tgo test ./internal/config -run TestConfigurationDoc -update\nwant:\n%s\ngot:\n%s", path, want, got)
}

// readsEnv finds the variables Go code reads or sets by a literal name, and
// any PORTAL_ name in a string.
var readsEnv = regexp.MustCompile(`(?:Getenv|LookupEnv|Setenv|getenv|duration)\("([A-Z][A-Z0-9_]*)"|"(PORTAL_[A-Z0-9_]+)"`)

// TestEveryVariableIsListed fails when code reads a variable Variables does
// not list, or Variables lists one nothing reads (Go code or the Makefile).
func TestEveryVariableIsListed(t *testing.T) {
	listed := map[string]bool{}
	for _, v := range Variables {
		if listed[v.Name] {
			t.Errorf("%s listed twice", v.Name)
		}
		listed[v.Name] = true
		if (v.Default == "") == (v.Unset == "") {
			t.Errorf("%s: give either Default or Unset", v.Name)
		}
		if v.Short == "" || v.Doc == "" || v.Reader == "" {
			t.Errorf("%s: Short, Doc and Reader are all needed", v.Name)
		}
	}
	read := map[string][]string{}
	var sources []byte
	err := filepath.WalkDir(repoRoot, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "node_modules" || d.Name() == "third_party" || strings.HasPrefix(d.Name(), ".") && path != repoRoot) {
			return filepath.SkipDir
		}
		if d.IsDir() || !(strings.HasSuffix(path, ".go") || d.Name() == "Makefile") || strings.HasSuffix(path, "_templ.go") {
			return nil
		}
		if dir, name := filepath.Split(path); filepath.Clean(dir) == filepath.Join(repoRoot, "internal", "config") && (name == "env.go" || name == "env_test.go") {
			return nil // the list itself, and this test
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		sources = append(sources, b...)
		if strings.HasSuffix(path, ".go") {
			for _, m := range readsEnv.FindAllStringSubmatch(string(b), -1) {
				name := m[1] + m[2]
				read[name] = append(read[name], path)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var missing []string
	for name, paths := range read {
		if !listed[name] {
			missing = append(missing, name+" (read in "+strings.Join(paths, ", ")+")")
		}
	}
	sort.Strings(missing)
	for _, m := range missing {
		t.Errorf("not in internal/config/env.go's Variables: %s", m)
	}
	for _, v := range Variables {
		if !strings.Contains(string(sources), v.Name) {
			t.Errorf("%s is listed but nothing reads it", v.Name)
		}
	}
}

// TestUsageListsThePortalsVariables checks the generated usage: every one of
// the portal's variables with its default, and no test-only ones.
func TestUsageListsThePortalsVariables(t *testing.T) {
	u := Usage()
	for _, v := range Variables {
		has := strings.Contains(u, "\n  "+v.Name+" ")
		if has != (v.Reader == ReaderPortal) {
			t.Errorf("usage lists %s: %v, want %v", v.Name, has, !has)
		}
	}
	for _, want := range []string{"(default " + DefaultDatabaseURL + ")", "(default 30m)", "(default 12h)", "(default 10s)", "(default portal_app)"} {
		if !strings.Contains(u, want) {
			t.Errorf("usage lacks %q:\n%s", want, u)
		}
	}
}

// TestDefaultsAreWhatFromEnvUses keeps the documented defaults honest: with
// nothing set, FromEnv returns the values the table shows.
func TestDefaultsAreWhatFromEnvUses(t *testing.T) {
	for _, v := range Variables {
		t.Setenv(v.Name, "")
	}
	cfg, err := FromEnv()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{
		"DATABASE_URL":            cfg.DatabaseURL,
		"PORTAL_ADDR":             cfg.Addr,
		"PORTAL_SESSION_IDLE":     durationText(cfg.SessionIdle),
		"PORTAL_SESSION_LIFETIME": durationText(cfg.SessionLifetime),
		"PORTAL_REQUEST_TIMEOUT":  durationText(cfg.RequestTimeout),
		"PORTAL_SHUTDOWN_GRACE":   durationText(cfg.ShutdownGrace),
		"PORTAL_DB_ROLE":          cfg.DBRole,
	}
	for _, v := range Variables {
		if g, ok := got[v.Name]; ok && g != v.Default {
			t.Errorf("%s: FromEnv uses %q, the table says %q", v.Name, g, v.Default)
		}
	}
}

func TestDurationText(t *testing.T) {
	for d, want := range map[string]string{"30m0s": "30m", "12h0m0s": "12h", "10s": "10s", "1h30m0s": "1h30m", "1m30s": "1m30s"} {
		dur, err := time.ParseDuration(d)
		if err != nil {
			t.Fatal(err)
		}
		if got := durationText(dur); got != want {
			t.Errorf("durationText(%s) = %q, want %q", d, got, want)
		}
	}
}
