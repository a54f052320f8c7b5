package policy_test

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"testing"

	"github.com/guizhou-portal/portal/internal/i18n"
	"github.com/guizhou-portal/portal/internal/policy"
)

// TestEveryAuditActionHasANameInBothLanguages: every action constant in
// policy is listed in policy.Actions and named in Chinese and English, and the
// store records no action as a bare string, so /changes never shows a raw id.
func TestEveryAuditActionHasANameInBothLanguages(t *testing.T) {
	constant := regexp.MustCompile(`(?m)^\s*Action\w+\s*=\s*"([a-z_]+\.[a-z_]+)"`)
	files, _ := filepath.Glob("*.go")
	var declared []string
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range constant.FindAllStringSubmatch(string(b), -1) {
			declared = append(declared, m[1])
		}
	}
	if len(declared) < 30 {
		t.Fatalf("found only %d action constants: %v", len(declared), declared)
	}
	for _, a := range declared {
		if !slices.Contains(policy.Actions, a) {
			t.Errorf("action %s is not in policy.Actions", a)
		}
	}
	zh, en := i18n.For("zh"), i18n.For("en")
	for _, a := range policy.Actions {
		id := "action." + a
		if !i18n.Has(id) || zh.T(id) == id || en.T(id) == id || en.T(id) == zh.T(id) {
			t.Errorf("action %s has no name in both languages: %q / %q", a, zh.T(id), en.T(id))
		}
		if policy.ActionName(a) == a {
			t.Errorf("policy.ActionName(%q) is the raw id", a)
		}
	}

	// The store names its actions by the constants, never by a literal.
	literal := regexp.MustCompile(`audit\(ctx, [^,]+, [^,]+, "`)
	stores, _ := filepath.Glob("../postgres/*.go")
	if len(stores) == 0 {
		t.Fatal("no store sources found")
	}
	for _, f := range stores {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if m := literal.Find(b); m != nil {
			t.Errorf("%s records an action as a literal: %s", f, m)
		}
	}
}
