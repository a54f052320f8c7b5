package i18n_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/guizhou-portal/portal/internal/i18n"
	"github.com/guizhou-portal/portal/internal/policy"
)

func TestEveryMessageHasChineseAndEnglish(t *testing.T) {
	han := regexp.MustCompile(`\p{Han}`)
	for _, id := range i18n.IDs() {
		zh, en := i18n.For("zh").T(id, 1, 2, 3), i18n.For("en").T(id, 1, 2, 3)
		if zh == "" || en == "" {
			t.Errorf("%s: empty text (zh %q, en %q)", id, zh, en)
		}
		if !han.MatchString(zh) && !strings.HasPrefix(id, "lang.switch") && id != "list.sep" && id != "unit.percent" {
			t.Errorf("%s: Chinese text %q has no Chinese", id, zh)
		}
	}
}

// The IDs the code names literally, T(ctx, "id") or l.T("id"), must all be in
// the catalogue; so must every ID built from a vocabulary value.
func TestEveryMessageTheCodeUsesIsInTheCatalogue(t *testing.T) {
	call := regexp.MustCompile(`\bT\((?:ctx, )?"([a-z0-9_.]+)"\s*[,)]`)
	errm := regexp.MustCompile(`(?:Errorm\(policy\.[A-Z]+|notFound\(err|MessageID:) ?,? ?"([a-z0-9_.]+)"\s*[,)}]`)
	var files []string
	for _, glob := range []string{"../../web/*.templ", "../../web/*.go", "../../internal/server/*.go", "../../internal/postgres/*.go"} {
		m, err := filepath.Glob(glob)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	used := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_templ.go") || strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, re := range []*regexp.Regexp{call, errm} {
			for _, m := range re.FindAllStringSubmatch(string(b), -1) {
				used++
				if !i18n.Has(m[1]) {
					t.Errorf("%s uses message %q, which the catalogue lacks", filepath.Base(f), m[1])
				}
			}
		}
	}
	if used < 150 {
		t.Errorf("found only %d uses of messages; is the pattern still right?", used)
	}
	var vocab []string
	for _, s := range policy.Statuses {
		vocab = append(vocab, "status."+string(s))
	}
	for _, k := range policy.CommitmentKinds {
		vocab = append(vocab, "ckind."+string(k))
	}
	for _, s := range policy.Strengths {
		vocab = append(vocab, "strength."+string(s))
	}
	for _, k := range policy.EntityKinds {
		vocab = append(vocab, "ekind."+string(k), "ekind1."+string(k))
	}
	for _, k := range []policy.DocumentKind{policy.KindReply, policy.KindProposal, policy.KindPolicy, policy.KindReport, policy.KindMedia} {
		vocab = append(vocab, "dkind."+string(k))
	}
	for _, k := range []policy.FigureKind{policy.FigureMoney, policy.FigureCount, policy.FigureCapacity, policy.FigureRating, policy.FigureShare} {
		vocab = append(vocab, "fkind."+string(k))
	}
	for _, r := range []policy.LayoutRole{policy.RoleCore, policy.RoleZone, policy.RoleOther} {
		vocab = append(vocab, "role."+string(r))
	}
	for _, u := range []string{"yuan", "item", "person", "tonne_per_year", "level", "percent"} {
		vocab = append(vocab, "unit."+u)
	}
	for _, r := range []policy.ParagraphRole{policy.RoleSalutation, policy.RoleOpening, policy.RoleHeading, policy.RoleBody,
		policy.RoleSignature, policy.RoleDate, policy.RoleDisclosure, policy.RoleContact} {
		vocab = append(vocab, "prole."+string(r))
	}
	vocab = append(vocab, "imp.by.doc_number", "imp.by.index_number", "imp.by.title", "action.document.import", "action.document.reimport",
		"action.document.placeholder")
	vocab = append(vocab, "rel."+string(policy.RelationRepliesTo), "rel."+string(policy.RelationCites))
	for _, id := range vocab {
		if !i18n.Has(id) {
			t.Errorf("the catalogue lacks %q", id)
		}
	}
}

func TestTheVocabularyNamesAgreeWithTheCatalogue(t *testing.T) {
	zh := i18n.For("zh")
	for _, s := range policy.Statuses {
		if got := zh.T("status." + string(s)); got != s.Name() {
			t.Errorf("status %s: catalogue %q, vocabulary %q", s, got, s.Name())
		}
	}
	for _, k := range policy.EntityKinds {
		if got := zh.T("ekind." + string(k)); got != k.Name() {
			t.Errorf("entity kind %s: catalogue %q, vocabulary %q", k, got, k.Name())
		}
	}
}

func TestMissingMessagesShowUp(t *testing.T) {
	if got := i18n.For("en").T("no.such.message"); got != "⟦no.such.message⟧" {
		t.Errorf("missing message renders as %q", got)
	}
}

func TestEnglishCountsAgree(t *testing.T) {
	en := i18n.For("en")
	if got := en.T("map.count", 1); got != "1 commitment" {
		t.Errorf("one: %q", got)
	}
	if got := en.T("map.count", 4); got != "4 commitments" {
		t.Errorf("four: %q", got)
	}
	if got := i18n.For("zh").T("map.count", 4); got != "承诺 4 项" {
		t.Errorf("Chinese: %q", got)
	}
}

// The form summary counts the fields to fix: one field is singular.
func TestFormSummaryCountsInEnglish(t *testing.T) {
	en := i18n.For("en")
	if got := en.T("form.summary", 1); !strings.HasPrefix(got, "1 field needs attention; see the note under it.") {
		t.Errorf("one field: %q", got)
	}
	if got := en.T("form.summary", 3); !strings.HasPrefix(got, "3 fields need attention; see the notes under them.") {
		t.Errorf("three fields: %q", got)
	}
	if got := i18n.For("zh").T("form.summary", 1); !strings.HasPrefix(got, "表单中有 1 处需要修改") {
		t.Errorf("Chinese: %q", got)
	}
}

func TestLanguageChoice(t *testing.T) {
	cases := []struct{ cookie, accept, want string }{
		{"", "", "zh"},
		{"", "en-US,en;q=0.9", "en"},
		{"", "zh-CN,zh;q=0.9,en;q=0.8", "zh"},
		{"", "zh-TW", "zh"},
		{"", "fr-FR", "zh"},
		{"", "fr-FR,en;q=0.5", "en"},
		{"", "not a header", "zh"},
		{"zh", "en-US", "zh"},
		{"en", "zh-CN", "en"},
		{"xx", "en", "en"},
	}
	for _, c := range cases {
		if got := i18n.Pick(c.cookie, c.accept).Code(); got != c.want {
			t.Errorf("cookie %q, Accept-Language %q: %s, want %s", c.cookie, c.accept, got, c.want)
		}
	}
	if i18n.For("en").HTMLLang() != "en" || i18n.For("zh").HTMLLang() != "zh-CN" {
		t.Errorf("html lang: %s, %s", i18n.For("en").HTMLLang(), i18n.For("zh").HTMLLang())
	}
}
