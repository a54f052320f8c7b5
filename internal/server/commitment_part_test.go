package server_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/guizhou-portal/portal/internal/postgres/pgtest"
)

// partsOf is the ids of commitment parent's parts, in creation order.
func partsOf(t *testing.T, p *testPortal, parent int64) []int64 {
	t.Helper()
	rows, err := p.Pool.Query(t.Context(), `SELECT id FROM commitments WHERE parent_id = $1 ORDER BY id`, parent)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	return ids
}

func TestStaffAddPartsAndTheParentRollsUpTheirProgress(t *testing.T) {
	p := newTestPortal(t, withStaff(), withClock(chinaNoon(t, lateDay)))
	editor := loggedIn(t, p.URL, editorEmail)
	// A commitment with a progress of its own keeps it ('set') when parts come.
	parent := scalar[int64](t, p.Pool, `SELECT id FROM commitments WHERE parent_id IS NULL ORDER BY position LIMIT 1`)
	if _, err := p.Pool.Exec(t.Context(), `UPDATE commitments SET progress = 75 WHERE id = $1`, parent); err != nil {
		t.Fatal(err)
	}
	for _, title := range []string{"锰矿", "铝土矿"} {
		r := request(t, editor, "POST", p.URL+commitmentPath(parent)+"/parts", url.Values{"title": {title}, "part_status": {"in_progress"}})
		if r.status != http.StatusSeeOther || r.header.Get("Location") != commitmentPath(parent) {
			t.Fatalf("adding part %s: %d %s", title, r.status, r.header.Get("Location"))
		}
	}
	parts := partsOf(t, p, parent)
	if len(parts) != 2 {
		t.Fatalf("%d parts saved, want 2", len(parts))
	}
	// A part stands on its parent's words and is audited as created under it.
	if n := scalar[int](t, p.Pool, `SELECT count(*) FROM commitments k JOIN commitments c ON c.id = k.parent_id
		WHERE c.id = $1 AND k.quote = c.quote AND k.paragraph_id = c.paragraph_id AND k.start_offset = c.start_offset
		  AND k.section_id = c.section_id AND k.kind = c.kind`, parent); n != 2 {
		t.Errorf("%d parts on their parent's words, want 2", n)
	}
	if n := scalar[int](t, p.Pool, `SELECT count(*) FROM audit_log WHERE action = 'commitment.create' AND subject_id = ANY($1)
		AND (detail->>'parent')::bigint = $2 AND actor_name = '李编辑'`, parts, parent); n != 2 {
		t.Errorf("%d audit records for the parts, want 2", n)
	}

	// Progress through the staff's own forms: 40 and 80.
	for i, progress := range []string{"40", "80"} {
		f := updateForm(t, p.Pool, parts[i], "进展", "public")
		f.Set("update_progress", progress)
		f.Set("happened_on", lateDay)
		if r := request(t, editor, "POST", p.URL+commitmentPath(parts[i])+"/updates", f); r.status != http.StatusSeeOther {
			t.Fatalf("update of part %d: %d\n%.1500s", parts[i], r.status, r.body)
		}
	}
	progress := func() int {
		return scalar[int](t, p.Pool, `SELECT coalesce(progress, -1) FROM commitments WHERE id = $1`, parent)
	}
	if got := progress(); got != 75 {
		t.Errorf("a parent whose progress staff set: %d, want its own 75", got)
	}
	r := request(t, editor, "POST", p.URL+commitmentPath(parent)+"/progress-source",
		url.Values{"version": {itoa(version(t, p.Pool, parent))}, "source": {"parts"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("progress from parts: %d\n%.1500s", r.status, r.body)
	}
	if got := progress(); got != 60 {
		t.Errorf("parent's progress from parts 40 and 80: %d, want 60", got)
	}
	if r := request(t, editor, "GET", p.URL+commitmentPath(parent)+"/edit", nil); !strings.Contains(r.body, "当前进度按子承诺平均计算") {
		t.Errorf("the parent's edit form does not say its progress comes from its parts")
	}
	// A part's change rolls up at once; a withdrawn part leaves the mean.
	f := updateForm(t, p.Pool, parts[1], "又有进展", "public")
	f.Set("update_progress", "100")
	f.Set("happened_on", lateDay)
	request(t, editor, "POST", p.URL+commitmentPath(parts[1])+"/updates", f)
	if got := progress(); got != 70 {
		t.Errorf("after a part moved to 100: %d, want 70", got)
	}
	if r := request(t, editor, "POST", p.URL+commitmentPath(parts[1])+"/withdraw",
		url.Values{"version": {itoa(version(t, p.Pool, parts[1]))}, "reason": {"重复录入。"}}); r.status != http.StatusSeeOther {
		t.Fatalf("withdrawing a part: %d", r.status)
	}
	if got := progress(); got != 40 {
		t.Errorf("after withdrawing a part: %d, want 40 (the other part's)", got)
	}

	// The public pages: the parent lists its parts, the list says how many,
	// the document text marks only the parent.
	page := request(t, nil, "GET", p.URL+commitmentPath(parent), nil)
	for _, want := range []string{`id="parts"`, "锰矿", "按子承诺平均计算", "40%"} {
		if !strings.Contains(page.body, want) {
			t.Errorf("the parent's page lacks %q", want)
		}
	}
	if strings.Contains(page.body, "铝土矿") {
		t.Errorf("the parent's page lists a withdrawn part")
	}
	list := request(t, nil, "GET", p.URL+"/commitments", nil)
	if row := rowOf(list.body, parent); !strings.Contains(row, "1 项子承诺") {
		t.Errorf("the list's row of the parent lacks 1 项子承诺:\n%s", row)
	}
	if row := rowOf(list.body, parts[0]); !strings.Contains(row, "子承诺") {
		t.Errorf("the list's row of the part does not say it is one:\n%s", row)
	}
	part := request(t, nil, "GET", p.URL+commitmentPath(parts[0]), nil)
	if !strings.Contains(part.body, `href="`+commitmentPath(parent)+`"`) {
		t.Errorf("the part's page does not link to its parent")
	}
	slug := scalar[string](t, p.Pool, `SELECT d.slug FROM documents d JOIN commitments c ON c.document_id = d.id WHERE c.id = $1`, parent)
	doc := request(t, nil, "GET", p.URL+"/documents/"+slug, nil)
	if strings.Contains(doc.body, `id="c`+itoa(int(parts[0]))+`"`) || !strings.Contains(doc.body, `id="c`+itoa(int(parent))+`"`) {
		t.Errorf("the document text should mark the parent and not its part")
	}

	// Staff setting the parent's progress directly make it theirs again.
	ef := editForm(t, p.Pool, parent)
	ef.Set("progress", "55")
	if r := request(t, editor, "POST", p.URL+commitmentPath(parent)+"/edit", ef); r.status != http.StatusSeeOther {
		t.Fatalf("edit of the parent: %d\n%.1500s", r.status, r.body)
	}
	if src := scalar[string](t, p.Pool, `SELECT progress_source FROM commitments WHERE id = $1`, parent); src != "set" || progress() != 55 {
		t.Errorf("after staff set 55: source %s, progress %d", src, progress())
	}
}

func TestBadPartsAreRefusedAndChangeNothing(t *testing.T) {
	p := newTestPortal(t, withStaff())
	editor := loggedIn(t, p.URL, editorEmail)
	parent := scalar[int64](t, p.Pool, `SELECT id FROM commitments ORDER BY position LIMIT 1`)
	count := func() int { return scalar[int](t, p.Pool, `SELECT count(*) FROM commitments`) }
	before := count()
	// No title: the form comes back with the status kept and a message.
	r := request(t, editor, "POST", p.URL+commitmentPath(parent)+"/parts", url.Values{"title": {"  "}, "part_status": {"planned"}})
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `id="err-title"`) ||
		!strings.Contains(r.body, `<option value="planned" selected>`) {
		t.Errorf("a part without a title: %d, message or kept status missing", r.status)
	}
	r = request(t, editor, "POST", p.URL+commitmentPath(parent)+"/parts", url.Values{"title": {strings.Repeat("长", 61)}, "part_status": {"bogus"}})
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `id="err-part_status"`) {
		t.Errorf("a part with a long title and a bad status: %d", r.status)
	}
	// One level deep: a part of a part is refused with a message.
	if r := request(t, editor, "POST", p.URL+commitmentPath(parent)+"/parts", url.Values{"title": {"锂"}, "part_status": {"planned"}}); r.status != http.StatusSeeOther {
		t.Fatalf("a valid part: %d", r.status)
	}
	part := partsOf(t, p, parent)[0]
	before++
	r = request(t, editor, "POST", p.URL+commitmentPath(part)+"/parts", url.Values{"title": {"锂中之锂"}, "part_status": {"planned"}})
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "子承诺不能再有子承诺") {
		t.Errorf("a part of a part: %d", r.status)
	}
	if strings.Contains(r.body, `action="`+commitmentPath(part)+`/parts"`) || strings.Contains(r.body, " return ") {
		t.Errorf("a part's page offers to add parts to it")
	}
	// Unknown commitment, a source that is neither, a commitment without
	// parts taking its progress from them, an outdated version.
	if r := request(t, editor, "POST", p.URL+"/commitments/999999/parts", url.Values{"title": {"锂"}, "part_status": {"planned"}}); r.status != http.StatusNotFound {
		t.Errorf("a part of an unknown commitment: %d", r.status)
	}
	other := scalar[int64](t, p.Pool, `SELECT id FROM commitments WHERE parent_id IS NULL AND id <> $1 ORDER BY position LIMIT 1`, parent)
	loaded := version(t, p.Pool, parent)
	if r := request(t, editor, "POST", p.URL+commitmentPath(parent)+"/progress-source",
		url.Values{"version": {itoa(loaded)}, "source": {"parts"}}); r.status != http.StatusSeeOther {
		t.Fatalf("progress from parts: %d", r.status)
	}
	for _, c := range []struct {
		id      int64
		source  string
		version int
		want    int
	}{
		{parent, "bogus", version(t, p.Pool, parent), http.StatusBadRequest},
		{other, "parts", version(t, p.Pool, other), http.StatusBadRequest},
		{parent, "set", loaded, http.StatusConflict}, // the page was loaded before the change above
	} {
		if r := request(t, editor, "POST", p.URL+commitmentPath(c.id)+"/progress-source",
			url.Values{"version": {itoa(c.version)}, "source": {c.source}}); r.status != c.want {
			t.Errorf("progress source %q of %d at version %d: %d, want %d", c.source, c.id, c.version, r.status, c.want)
		}
	}
	if got := count(); got != before {
		t.Errorf("%d commitments after refused requests, want %d", got, before)
	}
	// The public cannot add parts.
	if r := request(t, nil, "POST", p.URL+commitmentPath(parent)+"/parts", url.Values{"title": {"锂"}, "part_status": {"planned"}}); r.status == http.StatusSeeOther {
		t.Errorf("an anonymous part was accepted")
	}
}

// TestAPartsChangeDropsItsParentsCachedPage: the parent's page lists its
// parts, so a change to a part drops it from the page cache even when the
// parent's own row does not change (its progress is staff's), and the units
// pages, which carry no tags, are dropped too.
func TestAPartsChangeDropsItsParentsCachedPage(t *testing.T) {
	base, pool := cachingPortal(t)
	editor := loggedIn(t, base, editorEmail)
	parent := int64(3)
	if r := request(t, editor, "POST", base+commitmentPath(parent)+"/parts", url.Values{"title": {"分项一"}, "part_status": {"planned"}}); r.status != http.StatusSeeOther {
		t.Fatalf("adding a part: %d", r.status)
	}
	part := scalar[int64](t, pool, `SELECT id FROM commitments WHERE parent_id = $1`, parent)
	if _, err := pool.Exec(t.Context(), `UPDATE commitments SET progress_source = 'set' WHERE id = $1`, parent); err != nil {
		t.Fatal(err)
	}
	shows := []string{commitmentPath(parent), "/units", "/units/gz-industry-it-dept"}
	unrelated := commitmentPath(12)
	// The setup's own writes are heard a moment later: wait until every page stays cached.
	for _, u := range append(shows, unrelated) {
		pgtest.WaitFor(t, 5*time.Second, u+" to be served from the cache", func() bool {
			return anon(t, base+u).header.Get("X-Portal-Cache") == "hit"
		})
	}
	before := version(t, pool, parent)
	f := updateForm(t, pool, part, "分项有进展", "public")
	f.Set("update_progress", "35")
	if r := request(t, editor, "POST", base+commitmentPath(part)+"/updates", f); r.status != http.StatusSeeOther {
		t.Fatalf("update of the part: %d\n%.1000s", r.status, r.body)
	}
	if version(t, pool, parent) != before || scalar[string](t, pool, `SELECT progress_source FROM commitments WHERE id = $1`, parent) != "set" {
		t.Fatal("the parent's own row changed: the test would not show that the part's change reaches its page")
	}
	pgtest.WaitFor(t, 5*time.Second, "the parent's page to show the part's progress", func() bool {
		return strings.Contains(rowOfPart(anon(t, base+commitmentPath(parent)).body, part), "35%")
	})
	for _, u := range shows[1:] {
		if r := anon(t, base+u); r.header.Get("X-Portal-Cache") == "hit" {
			t.Errorf("%s still served from the cache after the part's change", u)
		}
	}
	if r := anon(t, base+unrelated); r.header.Get("X-Portal-Cache") != "hit" {
		t.Errorf("%s was dropped by another commitment's part", unrelated)
	}
}

// rowOfPart is the row of part id in a parent's table of parts.
func rowOfPart(body string, id int64) string {
	i := strings.Index(body, `<tr data-id="`+itoa(int(id))+`"`)
	if i < 0 {
		return ""
	}
	return body[i : i+strings.Index(body[i:], "</tr>")]
}
