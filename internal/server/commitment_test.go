package server_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

func TestCommitmentPageShowsItsQuoteStatusAndContext(t *testing.T) {
	p := newTestPortal(t)
	base, pool := p.URL, p.Pool
	var id int64
	if err := pool.QueryRow(context.Background(), `SELECT id FROM commitments WHERE quote LIKE '2022年至2023年,省财政安排39932.82万元%'`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	r := request(t, nil, "GET", base+fmt.Sprintf("/commitments/%d", id), nil)
	if r.status != 200 {
		t.Fatalf("status %d", r.status)
	}
	for _, want := range []string{"39932.82万元", "3.993282 亿元", "51个", "2022年至2023年", "2022年1月1日", "2023年12月31日",
		"未评估", "原文未表明进展", "省财政", "二、加大找矿力度,巩固资源优势", "找矿与资源保障", "/documents/" + replySlug + "#c"} {
		if !strings.Contains(r.body, want) {
			t.Errorf("commitment page lacks %q", want)
		}
	}

	if err := pool.QueryRow(context.Background(), `SELECT id FROM commitments WHERE quote = '拟安排专项资金对各市(州)重点产业园区配套基础设施建设予以支持'`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	r = request(t, nil, "GET", base+fmt.Sprintf("/commitments/%d", id), nil)
	for _, want := range []string{"计划中", "依据原文用语“拟”", "(二)积极对接其他资金保障"} {
		if !strings.Contains(r.body, want) {
			t.Errorf("planned commitment page lacks %q", want)
		}
	}
}

func TestRelatedCommitmentsShareEntitiesOrUnits(t *testing.T) {
	p := newTestPortal(t)
	base, pool := p.URL, p.Pool
	var a, b int64
	ctx := context.Background()
	if err := pool.QueryRow(ctx, `SELECT id FROM commitments WHERE quote = '已遴选出20家大数据人才实训基地'`).Scan(&a); err != nil {
		t.Fatal(err)
	}
	if err := pool.QueryRow(ctx, `SELECT id FROM commitments WHERE quote = '已完成实训710人'`).Scan(&b); err != nil {
		t.Fatal(err)
	}
	r := request(t, nil, "GET", base+fmt.Sprintf("/commitments/%d", a), nil)
	if !strings.Contains(r.body, fmt.Sprintf(`href="/commitments/%d"`, b)) {
		t.Errorf("commitments led by the same unit (省大数据局) are not related")
	}
}
