package server_test

import (
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
)

// reviewReply has four candidate commitments in two sections whose words
// suggest two of the seed's themes.
const reviewReply = `关于省政协某号提案的答复
贵州省政协:
你们提出的《关于加快锰产业发展的提案》收悉。现答复如下:
一、关于锰矿勘查
2023年,已完成锰矿勘查项目12个。下一步,将加大锰矿勘查力度,新增一批资源量。
二、关于人才培养
正在建设锰产业人才实训基地。力争2025年培养技术人才500人。
贵州省某某厅
二〇二四年三月五日
`

// reviewed uploads reviewReply and returns the review page and its confirmation form.
func reviewed(t *testing.T, c *http.Client, base string) (response, url.Values) {
	t.Helper()
	r := upload(t, c, base+"/documents/import", "review.txt", reviewReply)
	if r.status != http.StatusOK {
		t.Fatalf("review: %d\n%.2000s", r.status, r.body)
	}
	return r, confirmForm(t, r.body)
}

func TestImportReviewShowsCandidatesAndThemesToChoose(t *testing.T) {
	p := newTestPortal(t, withStaff())
	r, _ := reviewed(t, loggedIn(t, p.URL, editorEmail), p.URL)
	for _, want := range []string{
		`name="cand-1-accept"`, `name="cand-4-accept"`, `form="confirm-import"`, `name="cand-2-title"`, `name="cand-3-due"`,
		`name="cand-1-lead"`, `name="accept_all"`, `name="theme-s1"`, `name="theme-s2"`,
		`<option value="mineral_exploration" selected>`, `<option value="talent_technology" selected>`, "（推荐）",
		// What the reader could not find, field by field.
		`id="import-unread"`, "未能读出：文号、索引号、联系人", "没有读到索引号", "落款单位", "贵州省某某厅",
	} {
		if !strings.Contains(r.body, want) {
			t.Errorf("review lacks %s", want)
		}
	}
	if strings.Contains(r.body, `name="cand-5-accept"`) {
		t.Error("more candidates than the text has")
	}
}

func TestImportReviewAcceptsSomeCandidatesAsCommitments(t *testing.T) {
	p := newTestPortal(t, withStaff())
	editor := loggedIn(t, p.URL, editorEmail)
	_, form := reviewed(t, editor, p.URL)
	form.Set("theme-s1", "mineral_exploration")
	form.Set("theme-s2", "talent_technology")
	for n, fields := range map[string]map[string]string{
		"2": {"accept": "1", "title": "加大锰矿勘查力度", "kind": "plan", "strength": "definite", "lead": "gz-industry-it-dept", "due": "2025-12-31"},
		"3": {"title": "不采纳的这一条", "kind": "measure", "strength": "definite"},
		"4": {"accept": "1", "title": " 培养技术人才500人 ", "kind": "target", "strength": "aspirational"},
	} {
		for k, v := range fields {
			form.Set("cand-"+n+"-"+k, v)
		}
	}
	r := postMultipart(t, editor, p.URL+"/documents/import", form)
	if r.status != http.StatusSeeOther {
		t.Fatalf("confirm: %d\n%.3000s", r.status, r.body)
	}
	slug := strings.TrimPrefix(r.header.Get("Location"), "/documents/")
	got := scalar[string](t, p.Pool, `
		SELECT string_agg(c.title || '|' || c.kind || '|' || c.strength || '|' || c.status || '|' || coalesce(c.status_basis, '') || '|' ||
		                  coalesce(c.due_on::text, '') || '|' || x.anchor || '|' || c.quote, E'\n' ORDER BY c.position)
		FROM commitments c JOIN documents d ON d.id = c.document_id JOIN sections x ON x.id = c.section_id WHERE d.slug = $1`, slug)
	want := "加大锰矿勘查力度|plan|definite|planned|下一步|2025-12-31|s1|下一步,将加大锰矿勘查力度,新增一批资源量。\n" +
		"培养技术人才500人|target|aspirational|planned|力争||s2|力争2025年培养技术人才500人。"
	if got != want {
		t.Errorf("saved commitments:\n%s\nwant\n%s", got, want)
	}
	if lead := scalar[string](t, p.Pool, `SELECT e.slug FROM commitment_units u JOIN entities e ON e.id = u.entity_id
		JOIN commitments c ON c.id = u.commitment_id WHERE c.title = '加大锰矿勘查力度' AND u.role = 'lead'`); lead != "gz-industry-it-dept" {
		t.Errorf("lead unit %q", lead)
	}
	if n := scalar[int](t, p.Pool, `SELECT count(*) FROM audit_log a JOIN commitments c ON c.id = a.subject_id
		JOIN documents d ON d.id = c.document_id
		WHERE a.subject_type = 'commitment' AND a.action = 'commitment.create' AND d.slug = $1 AND a.detail->>'file' = 'review.txt'
		  AND a.actor_name = '李编辑'`, slug); n != 2 {
		t.Errorf("%d audit records for the accepted candidates, want 2", n)
	}
	if themes := scalar[string](t, p.Pool, `SELECT string_agg(x.anchor || '=' || coalesce(x.theme_key, ''), ',' ORDER BY x.anchor)
		FROM sections x JOIN documents d ON d.id = x.document_id WHERE d.slug = $1 AND x.parent_id IS NULL`, slug); themes != "s1=mineral_exploration,s2=talent_technology" {
		t.Errorf("section themes %s", themes)
	}
	if signers := scalar[string](t, p.Pool, `SELECT array_to_string(signers, '、') FROM documents WHERE slug = $1`, slug); signers != "贵州省某某厅" {
		t.Errorf("signers stored as %q", signers)
	}
}

func TestImportReviewAcceptAll(t *testing.T) {
	p := newTestPortal(t, withStaff())
	editor := loggedIn(t, p.URL, editorEmail)
	page, form := reviewed(t, editor, p.URL)
	// The browser sends every field as shown; accept all ticks none.
	for _, n := range []string{"1", "2", "3", "4"} {
		if !strings.Contains(page.body, `name="cand-`+n+`-title" value="`) {
			t.Fatalf("candidate %s has no title field", n)
		}
		form.Set("cand-"+n+"-kind", "measure")
		form.Set("cand-"+n+"-strength", "definite")
	}
	form.Set("cand-1-title", "完成锰矿勘查项目12个")
	form.Set("cand-2-title", "加大锰矿勘查力度")
	form.Set("cand-3-title", "建设人才实训基地")
	form.Set("cand-4-title", "培养技术人才")
	form.Set("accept_all", "1")
	if r := postMultipart(t, editor, p.URL+"/documents/import", form); r.status != http.StatusSeeOther {
		t.Fatalf("accept all: %d\n%.3000s", r.status, r.body)
	}
	if n := scalar[int](t, p.Pool, `SELECT count(*) FROM commitments c JOIN documents d ON d.id = c.document_id WHERE d.slug = 'reply-20240305'`); n != 4 {
		t.Errorf("%d commitments, want all 4", n)
	}
}

func TestImportReviewRefusesABadCandidateAndSavesNothing(t *testing.T) {
	p := newTestPortal(t, withStaff())
	editor := loggedIn(t, p.URL, editorEmail)
	docs := scalar[int](t, p.Pool, `SELECT count(*) FROM documents`)
	commitments := scalar[int](t, p.Pool, `SELECT count(*) FROM commitments`)
	audits := scalar[int](t, p.Pool, `SELECT count(*) FROM audit_log`)
	_, form := reviewed(t, editor, p.URL)
	form.Set("theme-s2", "factor_guarantees")
	form.Set("cand-1-accept", "1")
	form.Set("cand-1-title", "完成锰矿勘查项目")
	form.Set("cand-1-kind", "result")
	form.Set("cand-1-strength", "definite")
	form.Set("cand-2-accept", "1")
	form.Set("cand-2-title", "我改过的标题")
	form.Set("cand-2-kind", "plan")
	form.Set("cand-2-strength", "definite")
	form.Set("cand-2-due", "2025-13-45")
	r := postMultipart(t, editor, p.URL+"/documents/import", form)
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("bad due date: %d, want 422\n%.2000s", r.status, r.body)
	}
	for _, want := range []string{`id="err-cand-2-due"`, `value="2025-13-45"`, `value="我改过的标题"`, `name="cand-1-accept" value="1" form="confirm-import" checked`,
		`<option value="factor_guarantees" selected>`, `id="confirm-import"`} {
		if !strings.Contains(r.body, want) {
			t.Errorf("the refused review lacks %s", want)
		}
	}
	if d, c, a := scalar[int](t, p.Pool, `SELECT count(*) FROM documents`), scalar[int](t, p.Pool, `SELECT count(*) FROM commitments`),
		scalar[int](t, p.Pool, `SELECT count(*) FROM audit_log`); d != docs || c != commitments || a != audits {
		t.Errorf("a refused review saved something: documents %d→%d, commitments %d→%d, audit %d→%d", docs, d, commitments, c, audits, a)
	}
	// A title too long, an unknown unit and an unknown theme: each said, nothing saved.
	form.Set("cand-2-due", "")
	form.Set("cand-2-title", strings.Repeat("长", 61))
	form.Set("cand-1-lead", "no-such-unit")
	form.Set("theme-s1", "no_such_theme")
	r = postMultipart(t, editor, p.URL+"/documents/import", form)
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("bad fields: %d, want 422", r.status)
	}
	for _, want := range []string{`id="err-cand-2-title"`, `id="err-cand-1-lead"`, `id="err-theme-s1"`} {
		if !strings.Contains(r.body, want) {
			t.Errorf("the refused review lacks %s", want)
		}
	}
	if d := scalar[int](t, p.Pool, `SELECT count(*) FROM documents`); d != docs {
		t.Error("a refused review saved the document")
	}
}

// A reply without numbered sections has one body section: it gets a theme,
// and its candidates are pinned to it.
func TestImportReviewOfAReplyWithoutSections(t *testing.T) {
	p := newTestPortal(t, withStaff())
	editor := loggedIn(t, p.URL, editorEmail)
	const text = `关于加强人才培养的答复
王委员:
您提出的《关于加强人才培养的建议》收悉。现答复如下:
我们已建成人才实训基地3个。下一步,将继续加大人才培养力度。
贵州省某某厅
2024年3月5日
`
	r := upload(t, editor, p.URL+"/documents/import", "flat.txt", text)
	if r.status != http.StatusOK || !strings.Contains(r.body, `name="theme-body"`) || !strings.Contains(r.body, `<option value="talent_technology" selected>`) {
		t.Fatalf("review of a flat reply: %d, no body section theme suggested\n%.3000s", r.status, r.body)
	}
	form := confirmForm(t, r.body)
	form.Set("theme-body", "talent_technology")
	form.Set("cand-2-accept", "1")
	form.Set("cand-2-title", "继续加大人才培养力度")
	form.Set("cand-2-kind", "plan")
	form.Set("cand-2-strength", "definite")
	if r := postMultipart(t, editor, p.URL+"/documents/import", form); r.status != http.StatusSeeOther {
		t.Fatalf("confirm: %d\n%.3000s", r.status, r.body)
	}
	if got := scalar[string](t, p.Pool, `SELECT x.anchor || '|' || coalesce(x.theme_key, '') || '|' || c.title FROM commitments c
		JOIN sections x ON x.id = c.section_id WHERE c.title = '继续加大人才培养力度'`); got != "body|talent_technology|继续加大人才培养力度" {
		t.Errorf("the commitment and its section: %q", got)
	}
	// Its section has no label: pages and cards show its title alone, not "、正文".
	id := scalar[int64](t, p.Pool, `SELECT id FROM commitments WHERE title = '继续加大人才培养力度'`)
	title := scalar[string](t, p.Pool, `SELECT title FROM sections WHERE anchor = 'body' AND label = ''`)
	for _, u := range []string{commitmentPath(id), "/commitments?q=" + url.QueryEscape("继续加大人才培养力度")} {
		r := request(t, editor, "GET", p.URL+u, nil) // a draft until published: staff see it
		if r.status != http.StatusOK || !strings.Contains(r.body, title) || strings.Contains(r.body, "、"+title) {
			t.Errorf("%s: %d, the unlabelled section shown with a stray 、 (%q)", u, r.status, title)
		}
	}
}

// A new text of a reply the portal has: its sections keep the themes they
// have, its signer is the candidates' lead to start with, and a candidate
// whose words a commitment already holds is refused with 422, nothing saved.
func TestImportReviewOfTheSeedAgain(t *testing.T) {
	p := newTestPortal(t, withStaff())
	editor := loggedIn(t, p.URL, editorEmail)
	src, err := os.ReadFile("../../testdata/000_ddc10b41889c9f4f.txt")
	if err != nil {
		t.Fatal(err)
	}
	// The seed's 二、 is about finding ore; give it another theme first.
	if _, err := p.Pool.Exec(t.Context(), `UPDATE sections SET theme_key = 'factor_guarantees' WHERE anchor = 's2'`); err != nil {
		t.Fatal(err)
	}
	r := upload(t, editor, p.URL+"/documents/import", "seed.txt", string(src))
	if r.status != http.StatusOK {
		t.Fatalf("review: %d", r.status)
	}
	for _, want := range []string{
		`<select id="theme-s2" name="theme-s2" form="confirm-import"><option value="">（不设主题）</option> <option value="industrial_layout">产业集群与布局</option><option value="mineral_exploration">找矿与资源保障 （推荐）</option>`,
		`<option value="factor_guarantees" selected>`,
		`<select id="cand-1-lead" name="cand-1-lead" form="confirm-import"><option value="">（未指定）</option> <optgroup label="政府部门"><option value="gz-industry-it-dept" selected>`,
		"已有承诺 1 在这里",
	} {
		if !strings.Contains(r.body, want) {
			t.Errorf("the seed's review lacks %s", want)
		}
	}
	commitments := scalar[int](t, p.Pool, `SELECT count(*) FROM commitments`)
	form := confirmForm(t, r.body)
	form.Set("cand-1-accept", "1")
	form.Set("cand-1-title", "已有承诺的句子")
	form.Set("cand-1-kind", "measure")
	form.Set("cand-1-strength", "definite")
	r = postMultipart(t, editor, p.URL+"/documents/import", form)
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `id="err-cand-1-accept"`) || !strings.Contains(r.body, "重叠") {
		t.Errorf("a candidate on a commitment's words: %d, want 422 saying it overlaps\n%.2000s", r.status, r.body)
	}
	if n := scalar[int](t, p.Pool, `SELECT count(*) FROM commitments`); n != commitments {
		t.Errorf("commitments %d → %d", commitments, n)
	}
	if k := scalar[string](t, p.Pool, `SELECT theme_key FROM sections WHERE anchor = 's2'`); k != "factor_guarantees" {
		t.Errorf("a refused review changed a theme to %s", k)
	}
	// Accept all takes only the candidates no commitment holds yet (in the
	// seed, a commitment holds every one), so it is not refused.
	page := upload(t, editor, p.URL+"/documents/import", "seed.txt", string(src))
	form = confirmForm(t, page.body)
	free := 0
	for n := 1; strings.Contains(page.body, `name="cand-`+itoa(n)+`-accept"`); n++ {
		field := func(f string) string { return "cand-" + itoa(n) + "-" + f }
		form.Set(field("title"), "候选 "+itoa(n))
		form.Set(field("kind"), "measure")
		form.Set(field("strength"), "definite")
		if strings.Contains(page.body, `name="`+field("held")+`"`) {
			form.Set(field("held"), "1")
		} else {
			free++
		}
	}
	form.Set("accept_all", "1")
	if r := postMultipart(t, editor, p.URL+"/documents/import", form); r.status != http.StatusSeeOther {
		t.Fatalf("accept all on the seed: %d\n%.2000s", r.status, r.body)
	}
	if n := scalar[int](t, p.Pool, `SELECT count(*) FROM commitments`); n != commitments+free {
		t.Errorf("commitments %d → %d, want the %d free candidates added", commitments, n, free)
	}
}

// What the reader repaired is listed for checking, with its line.
func TestImportReviewListsWhatTheReaderRepaired(t *testing.T) {
	p := newTestPortal(t, withStaff())
	const text = "关于加强人才培养的答复\n王委员:您提出的《关于加强人才培养的建议》收悉。现答复如下:\n我们已建成人才实训基地3个。\n贵州省某某厅\n2024年3月5日\n"
	r := upload(t, loggedIn(t, p.URL, editorEmail), p.URL+"/documents/import", "oneline.txt", text)
	if r.status != http.StatusOK {
		t.Fatalf("review: %d\n%.2000s", r.status, r.body)
	}
	for _, want := range []string{`id="import-notes"`, "称呼和正文写在同一行", "主送 · 第 2 行"} {
		if !strings.Contains(r.body, want) {
			t.Errorf("the review lacks %s", want)
		}
	}
}

// TestReimportKeepsNoThemeAndRecordsThemes: re-importing the seed's own text
// where a section has no theme preselects none (not the suggestion), so
// saving as reviewed changes nothing; a theme staff do change is saved, the
// review having said so, with the audit record holding before and after.
func TestReimportKeepsNoThemeAndRecordsThemes(t *testing.T) {
	p := newTestPortal(t, withStaff())
	editor := loggedIn(t, p.URL, editorEmail)
	if _, err := p.Pool.Exec(t.Context(), `UPDATE sections SET theme_key = NULL WHERE anchor = 's2'`); err != nil {
		t.Fatal(err)
	}
	reimports := func() int {
		return scalar[int](t, p.Pool, `SELECT count(*) FROM audit_log WHERE action = 'document.reimport'`)
	}
	r := upload(t, editor, p.URL+"/documents/import", "seed.txt", seedText(t))
	if r.status != http.StatusOK || !strings.Contains(r.body, `id="import-unchanged"`) || !strings.Contains(r.body, "改动的主题保存后生效") {
		t.Fatalf("review: %d, does not say a changed theme would be saved", r.status)
	}
	if _, sel, _ := strings.Cut(r.body, `name="theme-s2"`); !strings.Contains(strings.SplitN(sel, "</select>", 2)[0], `<option value="" selected>`) {
		t.Error("the review preselects a theme for a section that has none")
	}
	// The form as a browser sends it: the hidden fields and each theme's
	// selected option.
	form := confirmForm(t, r.body)
	for _, m := range regexp.MustCompile(`(?s)name="(theme-[^"]+)"[^>]*>(.*?)</select>`).FindAllStringSubmatch(r.body, -1) {
		if v := regexp.MustCompile(`<option value="([^"]*)" selected>`).FindStringSubmatch(m[2]); v != nil {
			form.Set(m[1], v[1])
		}
	}
	if r := postMultipart(t, editor, p.URL+"/documents/import", form); r.status != http.StatusSeeOther {
		t.Fatalf("confirm: %d", r.status)
	}
	if n := scalar[int](t, p.Pool, `SELECT count(*) FROM sections WHERE anchor = 's2' AND theme_key IS NULL`); n != 1 || reimports() != 0 {
		t.Errorf("saving the review as shown changed the theme (%d) or recorded a re-import (%d)", n, reimports())
	}
	form.Set("theme-s2", "mineral_exploration")
	if r := postMultipart(t, editor, p.URL+"/documents/import", form); r.status != http.StatusSeeOther {
		t.Fatalf("confirm with a theme: %d", r.status)
	}
	if got := scalar[string](t, p.Pool, `SELECT detail->'themes'->0->>'section' || ':' || (detail->'themes'->0->>'before') || '>' || (detail->'themes'->0->>'after')
		FROM audit_log WHERE action = 'document.reimport'`); got != "s2:>mineral_exploration" {
		t.Errorf("the re-import's audit record of themes: %q", got)
	}
}
