package importer_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/guizhou-portal/portal/internal/importer"
)

// TestReadRealPageShapes covers, one by one, the shapes of real pages the
// corpus has and the issue names: furniture before and after the reply,
// one-line headers with an empty 文号, 文号 under or in the title in any
// bracket style, salutations with either colon or none, several signers,
// dates with look-alike letters or without separators, 附件 and 抄送.
func TestReadRealPageShapes(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		check     func(d *importer.Document) string
	}{
		{"furniture is not the addressee", "关于某事的答复\n时间:2024-12-03 14:56 来源:某某局\n来源: 发布日期:2024-12-03 浏览次数:\n杞国芳代表：\n收悉。\n某某局\n2024年12月3日\n",
			func(d *importer.Document) string { return d.Addressee + "|" + d.Title }},
		{"one-line header, empty 文号", "索引号: 1234/2023-01 发布机构: 某某局 文号: 关键字: 提案\n关于某事的答复\n崔银雷委员:\n收悉。\n",
			func(d *importer.Document) string {
				return d.Meta.IndexNumber + "|" + d.Meta.DocNumber + "|" + d.Addressee
			}},
		{"文号 under the title, ASCII brackets", "关于某事的答复\n西交发(2017)259号\n张三代表:\n收悉。\n",
			func(d *importer.Document) string { return d.Meta.DocNumber + "|" + d.Title }},
		{"文号 in the title line", "子交函〔2023〕34号 关于某事的答复\n张三代表:\n收悉。\n",
			func(d *importer.Document) string { return d.Meta.DocNumber + "|" + d.Title }},
		{"salutation with 尊敬的 and no colon", "关于某事的答复\n尊敬的李四代表\n收悉。\n",
			func(d *importer.Document) string { return d.Addressee }},
		{"several signers, date with O", "关于某事的答复\n张三代表:\n收悉。\n附件:办理情况表\n贵州省交通运输厅\n贵州省财政厅\n二O二三年五月六日\n抄送:省人大常委会选联工委\n",
			func(d *importer.Document) string {
				return strings.Join(d.Meta.Signers, "+") + "|" + d.Meta.SignedOn + "|" + strings.Join(d.Meta.Attachments, "+") + "|" + strings.Join(d.Meta.CC, "+")
			}},
		{"date above a signer with the contact on its line", "关于某事的答复\n张三代表:\n收悉。\n2022726\n某某局  联系电话:3303606 联系人:刘熠\n",
			func(d *importer.Document) string {
				return d.Meta.SigningBody + "|" + d.Meta.SignedOn + "|" + d.Meta.ContactPerson + "|" + d.Meta.ContactPhone
			}},
		{"no numbered sections: one body section", "关于某事的答复\n张三代表:\n收悉。\n我们将研究。\n某某局\n2023年6月28日\n",
			func(d *importer.Document) string {
				return anchors(d.Tree) + "|" + strings.Join(unread(d), ",")
			}},
		{"dates with look-alike zeros", "关于某事的答复\n张三代表:\n收悉。\n某某局\n二0二三年十月九日\n",
			func(d *importer.Document) string { return d.Meta.SignedOn }},
		{"1. numbers the top level", "关于某事的答复\n张三代表:\n收悉。\n1.加强宣传。已开展。\n2.科学设计。将推进。\n",
			func(d *importer.Document) string { return anchors(d.Sections) + "|" + anchors(d.Tree) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := importer.Read([]byte(tc.src))
			if err != nil {
				t.Fatal(err)
			}
			checkInvariants(t, d)
			t.Log(tc.check(d))
			if got, want := tc.check(d), readWants[tc.name]; got != want {
				t.Errorf("got %q, want %q", got, want)
			}
		})
	}
}

var readWants = map[string]string{
	"furniture is not the addressee":                   "杞国芳代表|关于某事的答复",
	"one-line header, empty 文号":                        "1234/2023-01||崔银雷委员",
	"文号 under the title, ASCII brackets":               "西交发(2017)259号|关于某事的答复",
	"文号 in the title line":                             "子交函〔2023〕34号|关于某事的答复",
	"salutation with 尊敬的 and no colon":                 "李四代表",
	"several signers, date with O":                     "贵州省交通运输厅+贵州省财政厅|2023-05-06|办理情况表|省人大常委会选联工委",
	"date above a signer with the contact on its line": "某某局|2022-07-26|刘熠|3303606",
	"no numbered sections: one body section":           "body=正文|doc_number,index_number,contact,sections",
	"dates with look-alike zeros":                      "2023-10-09",
	"1. numbers the top level":                         "s1=1加强宣传 s2=2科学设计|s1=1加强宣传 s2=2科学设计",
}

func unread(d *importer.Document) []string {
	var out []string
	for _, u := range d.Unread {
		out = append(out, u.Field)
	}
	return out
}

// TestReadTakesAPageWithoutATitle: a page that starts at the salutation is
// read, with the title named unread; Parse, for import, still refuses it.
func TestReadTakesAPageWithoutATitle(t *testing.T) {
	src := []byte("康志洋代表:\n你提出的建议收悉,现答复如下:\n我局将持续跟进。\n某某水利局\n2025年8月7日\n")
	d, err := importer.Read(src)
	if err != nil {
		t.Fatal(err)
	}
	if d.Title != "" || d.Addressee != "康志洋代表" || d.Meta.SignedOn != "2025-08-07" || len(d.Unread) == 0 || d.Unread[0].Field != "title" {
		t.Errorf("title %q, addressee %q, date %q, unread %+v", d.Title, d.Addressee, d.Meta.SignedOn, d.Unread)
	}
	var pe *importer.ParseError
	if _, err := importer.Parse(src); !errors.As(err, &pe) || pe.Line != 1 || !strings.Contains(pe.Message, "找不到标题") {
		t.Errorf("Parse: %v", err)
	}
}
