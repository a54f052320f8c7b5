package server_test

import (
	"context"
	"strings"
	"testing"

	"github.com/guizhou-portal/portal/internal/importer"
	"github.com/guizhou-portal/portal/internal/policy"
	"github.com/guizhou-portal/portal/internal/postgres"
)

func TestReplyThreadShowsOnBothEnds(t *testing.T) {
	p := newTestPortal(t)
	ctx := context.Background()
	title := scalar[string](t, p.Pool, `SELECT title FROM documents WHERE slug = $1`, replySlug)
	proposal := scalar[string](t, p.Pool, `SELECT t.slug FROM document_links l JOIN documents f ON f.id = l.from_document_id
		JOIN documents t ON t.id = l.to_document_id WHERE f.slug = $1 AND l.relation = 'replies_to'`, replySlug)
	text := "关于省政协十三届一次会议第1019号提案办理情况的补充答复\n\n农工党贵州省委员会:\n" +
		"现就《" + title + "》所述事项的后续办理情况补充答复如下:\n" +
		"一、加快产业集群\n我们已完成新能源电池材料基地一期建设。\n\n贵州省工业和信息化厅\n2024年9月10日\n"
	d, err := importer.Parse([]byte(text))
	if err != nil {
		t.Fatal(err)
	}
	res, err := p.Store.ImportDocuments(ctx, policy.Actor{Name: "测试"}, []postgres.ImportFile{{Name: "follow-up.txt", Document: d, Publish: true}})
	if err != nil {
		t.Fatal(err)
	}
	followUp := res[0].Slug
	if n := scalar[int](t, p.Pool, `SELECT count(*) FROM document_links l JOIN documents f ON f.id = l.from_document_id
		JOIN documents t ON t.id = l.to_document_id WHERE f.slug = $1 AND t.slug = $2 AND l.relation = 'follows_up'`, followUp, replySlug); n != 1 {
		t.Fatalf("the import made %d follows_up links to the earlier reply", n)
	}

	page := func(slug string) string {
		r := request(t, nil, "GET", p.URL+"/documents/"+slug, nil)
		if r.status != 200 {
			t.Fatalf("%s: %d", slug, r.status)
		}
		i := strings.Index(r.body, `<section class="chain"`)
		if i < 0 {
			t.Fatalf("%s shows no thread", slug)
		}
		return r.body[i : i+strings.Index(r.body[i:], "</section>")]
	}
	link := func(slug string) string { return `href="/documents/` + slug + `"` }
	later := page(followUp)
	if !strings.Contains(later, "本答复接续此前的答复：") || !strings.Contains(later, link(replySlug)) || !strings.Contains(later, link(proposal)) {
		t.Errorf("the follow-up's thread lacks the earlier reply or the proposal:\n%s", later)
	}
	earlier := page(replySlug)
	if !strings.Contains(earlier, "本答复回应：") || !strings.Contains(earlier, "后续答复：") || !strings.Contains(earlier, link(followUp)) || !strings.Contains(earlier, link(proposal)) {
		t.Errorf("the earlier reply's thread lacks its proposal or its follow-up:\n%s", earlier)
	}
	first := page(proposal)
	if !strings.Contains(first, "对本文件的答复：") || !strings.Contains(first, link(replySlug)) || !strings.Contains(first, link(followUp)) {
		t.Errorf("the proposal's thread lacks its replies:\n%s", first)
	}
	// In order: the proposal, the reply, the follow-up.
	thread := first[strings.Index(first, `<ol class="thread">`):]
	if i, j, k := strings.Index(thread, "aria-current"), strings.Index(thread, link(replySlug)), strings.Index(thread, link(followUp)); !(0 <= i && i < j && j < k) {
		t.Errorf("the thread is out of order:\n%s", first)
	}
}
