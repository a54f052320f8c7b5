package anchor

import (
	"fmt"
	"math/rand"
	"os"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// seedParas is the seeded reply as paragraphs: its non-blank lines, which
// is all alignment needs (it never reads sections or roles).
func seedParas(t *testing.T) []string {
	t.Helper()
	src, err := os.ReadFile("../../testdata/000_ddc10b41889c9f4f.txt")
	if err != nil {
		t.Fatal(err)
	}
	var paras []string
	for _, line := range strings.Split(string(src), "\n") {
		if line = strings.TrimRight(line, " \r"); strings.TrimSpace(line) != "" {
			paras = append(paras, line)
		}
	}
	return paras
}

// edit is a change made to a copy of the paragraphs, as an importer would
// read a corrected reply.
type edit func(t *testing.T, paras []string) []string

// replace changes the one occurrence of from in the document to to.
func replace(from, to string) edit {
	return func(t *testing.T, paras []string) []string {
		t.Helper()
		out := slices.Clone(paras)
		n := 0
		for i, p := range out {
			n += strings.Count(p, from)
			out[i] = strings.Replace(p, from, to, 1)
		}
		if n != 1 {
			t.Fatalf("%q occurs %d times in the seed, want once", from, n)
		}
		return out
	}
}

// corrected is the seed as corrected in issue 14.
func corrected() edit {
	return then(replace("710人", "1200人"), replace("388.7", "390.1"))
}

func then(edits ...edit) edit {
	return func(t *testing.T, paras []string) []string {
		for _, e := range edits {
			paras = e(t, paras)
		}
		return paras
	}
}

// insertParagraph puts text in as a new paragraph before paragraph seq.
func insertParagraph(seq int, text string) edit {
	return func(_ *testing.T, paras []string) []string {
		return slices.Insert(slices.Clone(paras), seq-1, text)
	}
}

// deleteParagraph takes paragraph seq out.
func deleteParagraph(seq int) edit {
	return func(_ *testing.T, paras []string) []string {
		return slices.Delete(slices.Clone(paras), seq-1, seq)
	}
}

// splitParagraph breaks the paragraph holding at into two, at begins the second.
func splitParagraph(at string) edit {
	return func(t *testing.T, paras []string) []string {
		t.Helper()
		seq, start, _ := pin(t, paras, at, at)
		p := []rune(paras[seq-1])
		out := slices.Clone(paras)
		out[seq-1] = string(p[:start])
		return slices.Insert(out, seq, string(p[start:]))
	}
}

// joinParagraphs makes paragraph seq and the next one.
func joinNext(seq int) edit {
	return func(_ *testing.T, paras []string) []string {
		out := slices.Clone(paras)
		out[seq-1] += out[seq]
		return slices.Delete(out, seq, seq+1)
	}
}

// pin finds quote inside context, which must occur once in the document,
// and says where it is as an annotation would: paragraph and rune offsets.
func pin(t *testing.T, paras []string, context, quote string) (seq, start, end int) {
	t.Helper()
	found := 0
	for i, p := range paras {
		for b := 0; ; {
			j := strings.Index(p[b:], context)
			if j < 0 {
				break
			}
			k := strings.Index(context, quote)
			if k < 0 {
				t.Fatalf("quote %q is not in its context %q", quote, context)
			}
			seq = i + 1
			start = utf8.RuneCountInString(p[:b+j+k])
			end = start + utf8.RuneCountInString(quote)
			found++
			b += j + 1
		}
	}
	if found != 1 {
		t.Fatalf("context %q occurs %d times, want once", context, found)
	}
	return seq, start, end
}

// annotation is something pinned to the old text: quote, found inside
// context (the quote itself when empty).
type annotation struct{ context, quote string }

func (a annotation) where() string {
	if a.context == "" {
		return a.quote
	}
	return a.context
}

func TestPlace(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit edit
		was  annotation
		want Outcome
		// now is where the words should be in the new text (Kept and
		// Changed); for Unplaced the placement must be the old position.
		now annotation
	}{
		// The project's case: a corrected reply, 710人 → 1200人, 388.7 → 390.1.
		{"a commitment quoting 710人 is re-anchored to 1200人", corrected(),
			annotation{quote: "已遴选出20家大数据人才实训基地,已完成实训710人"}, Changed,
			annotation{quote: "已遴选出20家大数据人才实训基地,已完成实训1200人"}},
		{"just the figure 710", corrected(),
			annotation{"实训710人", "710"}, Changed, annotation{"实训1200人", "1200"}},
		{"a figure 710人", corrected(),
			annotation{quote: "710人"}, Changed, annotation{quote: "1200人"}},
		{"a figure 388.7亿元", corrected(),
			annotation{quote: "新增合同投资额388.7亿元"}, Changed, annotation{quote: "新增合同投资额390.1亿元"}},
		{"a span running into the changed figure", corrected(),
			annotation{quote: "2022年,全省共新增引进新能源电池及材料产业项目59个,新增合同投资额388"}, Changed,
			annotation{quote: "2022年,全省共新增引进新能源电池及材料产业项目59个,新增合同投资额390.1"}},
		{"unchanged words before the change in its paragraph", corrected(),
			annotation{quote: "已遴选出20家大数据人才实训基地"}, Kept, annotation{quote: "已遴选出20家大数据人才实训基地"}},
		{"unchanged words after a change of the same length", corrected(),
			annotation{quote: "宁德时代、比亚迪、湖南裕能"}, Kept, annotation{quote: "宁德时代、比亚迪、湖南裕能"}},
		{"the paragraph's last rune, shifted one on by 710 → 1200", corrected(),
			annotation{"710人。", "。"}, Kept, annotation{"1200人。", "。"}},
		{"a paragraph's first words", corrected(),
			annotation{quote: "(二)强化人力支持和智力支撑。"}, Kept, annotation{quote: "(二)强化人力支持和智力支撑。"}},
		{"a paragraph far from the change", corrected(),
			annotation{quote: "2023年6月28日"}, Kept, annotation{quote: "2023年6月28日"}},

		// A deleted sentence.
		{"words deleted outright are unplaced, their old position kept",
			replace("同时,聚焦要素资源保障本土企业迅速成长,中伟新材料、振华新材料产值突破100亿元并成功上市,安达科技产值突破50亿元并通过上市审核。", ""),
			annotation{quote: "中伟新材料、振华新材料产值突破100亿元并成功上市"}, Unplaced,
			annotation{}},
		{"words after a deleted sentence shift back",
			replace("同时,聚焦要素资源保障本土企业迅速成长,中伟新材料、振华新材料产值突破100亿元并成功上市,安达科技产值突破50亿元并通过上市审核。", ""),
			annotation{quote: "招商引资,龙头企业培育等工作正有序开展。"}, Kept,
			annotation{quote: "招商引资,龙头企业培育等工作正有序开展。"}},
		{"a span running into a deleted sentence keeps what is left",
			replace("同时,聚焦要素资源保障本土企业迅速成长,中伟新材料、振华新材料产值突破100亿元并成功上市,安达科技产值突破50亿元并通过上市审核。", ""),
			annotation{quote: "其中比亚迪、容百锂电贵州板块总产值已突破50亿元。同时,聚焦要素资源"}, Changed,
			annotation{"其中比亚迪、容百锂电贵州板块总产值已突破50亿元。招商引资", "其中比亚迪、容百锂电贵州板块总产值已突破50亿元。"}},

		// Paragraphs inserted, deleted, split and joined.
		{"an inserted paragraph moves later ones on by one",
			insertParagraph(9, "新增的一段说明。"),
			annotation{quote: "推动“一核两区”规划布局落细落实"}, Kept, annotation{quote: "推动“一核两区”规划布局落细落实"}},
		{"an inserted paragraph leaves earlier ones be",
			insertParagraph(9, "新增的一段说明。"),
			annotation{quote: "农工党贵州省委员会:"}, Kept, annotation{quote: "农工党贵州省委员会:"}},
		{"a deleted paragraph's words are unplaced",
			deleteParagraph(30), annotation{quote: "(全文公开)"}, Unplaced, annotation{}},
		{"a deleted paragraph moves later ones back by one",
			deleteParagraph(30), annotation{quote: "联系人:刘云"}, Kept, annotation{quote: "联系人:刘云"}},
		{"words in the second half of a split paragraph follow it",
			splitParagraph("(一)强化省级资金支持园区建设"),
			annotation{quote: "协助筹集10亿元财政资金"}, Kept, annotation{quote: "协助筹集10亿元财政资金"}},
		{"a split through an annotation's words unplaces it",
			splitParagraph("(一)强化省级资金支持园区建设"),
			annotation{quote: "重点难点问题。(一)强化省级资金支持"}, Unplaced, annotation{}},
		{"words of the second of two joined paragraphs follow into the first",
			joinNext(28), annotation{quote: "2023年6月28日"}, Kept, annotation{quote: "2023年6月28日"}},
		{"words moved to another paragraph are found there",
			then(replace("招商引资,龙头企业培育等工作正有序开展。", ""),
				replace("着力提升园区安全、环保等水平。", "着力提升园区安全、环保等水平。招商引资,龙头企业培育等工作正有序开展。")),
			annotation{quote: "招商引资,龙头企业培育等工作正有序开展。"}, Kept,
			annotation{quote: "招商引资,龙头企业培育等工作正有序开展。"}},

		// Edits at a paragraph's start and end.
		{"words inserted at a paragraph's start push it on",
			replace("积极抢抓新能源电池及材料产业“风口”机遇", "近年来,积极抢抓新能源电池及材料产业“风口”机遇"),
			annotation{quote: "积极抢抓新能源电池及材料产业“风口”机遇"}, Kept,
			annotation{"近年来,积极抢抓新能源电池及材料产业“风口”机遇", "积极抢抓新能源电池及材料产业“风口”机遇"}},
		{"words appended to a paragraph leave its end be",
			replace("已完成实训710人。", "已完成实训710人。特此说明。"),
			annotation{quote: "已完成实训710人。"}, Kept, annotation{quote: "已完成实训710人。"}},
		{"a paragraph's first word changed",
			replace("积极抢抓新能源电池及材料产业“风口”机遇", "主动抢抓新能源电池及材料产业“风口”机遇"),
			annotation{quote: "积极抢抓新能源电池及材料产业“风口”机遇"}, Changed,
			annotation{quote: "主动抢抓新能源电池及材料产业“风口”机遇"}},

		// Chinese full-width punctuation.
		{"a half-width comma made full-width is a change to confirm",
			replace("关心和支持,现就", "关心和支持，现就"),
			annotation{quote: "感谢您对贵州省新能源电池及材料产业的关心和支持,现就提案提出的有关问题答复如下"}, Changed,
			annotation{quote: "感谢您对贵州省新能源电池及材料产业的关心和支持，现就提案提出的有关问题答复如下"}},
		{"full-width quotes and title marks next to an edit are kept",
			replace("收悉。感谢您对", "收悉。非常感谢您对"),
			annotation{quote: "《关于布局“左磷右锂”开辟新型工业化新赛道的建议》收悉。"}, Kept,
			annotation{quote: "《关于布局“左磷右锂”开辟新型工业化新赛道的建议》收悉。"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			old := seedParas(t)
			new := tc.edit(t, old)
			seq, start, end := pin(t, old, tc.was.where(), tc.was.quote)
			got := Align(old, new).Place(seq, start, end, tc.was.quote)
			want := Placement{Seq: seq, Start: start, End: end, Quote: tc.was.quote, Outcome: tc.want}
			if tc.want != Unplaced {
				want.Seq, want.Start, want.End = pin(t, new, tc.now.where(), tc.now.quote)
				want.Quote = tc.now.quote
			}
			if got != want {
				t.Errorf("Place(%d, %d, %d, %q)\n got %+v\nwant %+v", seq, start, end, tc.was.quote, got, want)
			}
		})
	}
}

// TestPlaceEverywhere pins spans all over the seed (each paragraph whole,
// its first and last few runes, its middle) and checks that a text aligned
// with itself keeps them all where they were, and that the correction keeps
// every one it does not touch where it was.
func TestPlaceEverywhere(t *testing.T) {
	old := seedParas(t)
	type span struct{ seq, start, end int }
	var spans []span
	for i, p := range old {
		n := utf8.RuneCountInString(p)
		spans = append(spans, span{i + 1, 0, n}, span{i + 1, 0, min(3, n)},
			span{i + 1, max(0, n-3), n}, span{i + 1, n / 3, 2 * n / 3}, span{i + 1, n, n})
	}
	quote := func(s span) string { return string([]rune(old[s.seq-1])[s.start:s.end]) }

	same := Align(old, old)
	for _, s := range spans {
		want := Placement{s.seq, s.start, s.end, quote(s), Kept}
		if got := same.Place(s.seq, s.start, s.end, quote(s)); got != want {
			t.Errorf("identical texts: got %+v, want %+v", got, want)
		}
	}

	// The figures' runes: a span overlapping them is changed, any other
	// kept; only after 710 (it grows by a rune) do offsets move.
	var figures []span
	for _, f := range []string{"710", "388.7"} {
		seq, start, end := pin(t, old, f, f)
		figures = append(figures, span{seq, start, end})
	}
	touches := func(s span) bool {
		for _, f := range figures {
			if s.seq == f.seq && s.start < f.end && f.start < s.end {
				return true
			}
		}
		return false
	}
	fixed := Align(old, corrected()(t, old))
	counts := map[Outcome]int{}
	touched := 0
	for _, s := range spans {
		q := quote(s)
		got := fixed.Place(s.seq, s.start, s.end, q)
		counts[got.Outcome]++
		after710 := s.seq == figures[0].seq && s.start >= figures[0].end
		switch {
		case touches(s):
			touched++
			if got.Outcome != Changed {
				t.Errorf("%+v %q: got %+v, want it changed", s, q, got)
			}
		case got.Outcome != Kept:
			t.Errorf("%+v %q: got %+v, want it kept", s, q, got)
		case after710 && (got.Seq != s.seq || got.Start != s.start+1 || got.End != s.end+1):
			t.Errorf("%+v %q: placed at %+v, want one rune on", s, q, got)
		case !after710 && (got.Seq != s.seq || got.Start != s.start || got.End != s.end):
			t.Errorf("%+v %q: moved to %+v", s, q, got)
		}
	}
	if touched == 0 || counts[Changed] != touched || counts[Unplaced] != 0 {
		t.Errorf("outcomes %v, want %d changed and none unplaced", counts, touched)
	}
}

func TestPlaceRefusesWhatIsNotInTheOldText(t *testing.T) {
	a := Align([]string{"甲乙丙", "丁戊"}, []string{"甲乙丙", "丁戊"})
	for _, tc := range []struct{ seq, start, end int }{
		{0, 0, 1}, {3, 0, 1}, {1, -1, 1}, {1, 2, 1}, {1, 0, 4}, {2, 0, 3},
	} {
		got := a.Place(tc.seq, tc.start, tc.end, "甲")
		want := Placement{tc.seq, tc.start, tc.end, "甲", Unplaced}
		if got != want {
			t.Errorf("Place(%d, %d, %d): got %+v, want %+v", tc.seq, tc.start, tc.end, got, want)
		}
	}
	if got := Align(nil, nil).Place(1, 0, 0, ""); got.Outcome != Unplaced {
		t.Errorf("empty document: got %+v", got)
	}
}

func TestPlaceIntoEmptyDocumentIsUnplaced(t *testing.T) {
	got := Align([]string{"甲乙丙"}, nil).Place(1, 0, 2, "甲乙")
	if want := (Placement{1, 0, 2, "甲乙", Unplaced}); got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

// segs writes segments compactly for comparison: =text, +text, -text.
func segs(p ParagraphDiff) []string {
	var out []string
	for _, s := range p.Segments {
		out = append(out, map[Op]string{Equal: "=", Insert: "+", Delete: "-"}[s.Op]+s.Text)
	}
	return out
}

// rebuild is a version's paragraphs as the diff holds them: Equal and
// Delete text for the old one, Equal and Insert text for the new.
func rebuild(diff []ParagraphDiff, skip Op) []string {
	var b strings.Builder
	for _, p := range diff {
		if skip == Insert && p.Inserted || skip == Delete && p.Deleted {
			continue
		}
		for _, s := range p.Segments {
			if s.Op != skip {
				b.WriteString(s.Text)
			}
		}
		b.WriteString("\n")
	}
	out := strings.Split(b.String(), "\n")
	return out[:len(out)-1]
}

func checkRebuilds(t *testing.T, diff []ParagraphDiff, old, new []string) {
	t.Helper()
	if got := rebuild(diff, Insert); !slices.Equal(got, old) {
		t.Errorf("the diff does not rebuild the old text:\n%q\n%q", got, old)
	}
	if got := rebuild(diff, Delete); !slices.Equal(got, new) {
		t.Errorf("the diff does not rebuild the new text:\n%q\n%q", got, new)
	}
}

// TestDiffShowsTheCorrection is the issue's "the diff shows exactly those
// changes": two paragraphs change, each by one figure, whole. The diff
// library alone gives 71 → 120 before a shared 0, and a shared 3 before
// 88.7 → 90.1; a reader wants the numbers whole, so edits are widened to
// whole numbers (but not to the unit 人, which is unchanged).
func TestDiffShowsTheCorrection(t *testing.T) {
	old := seedParas(t)
	new := corrected()(t, old)
	diff := Diff(old, new)
	if len(diff) != len(old) {
		t.Fatalf("%d paragraphs, want %d", len(diff), len(old))
	}
	checkRebuilds(t, diff, old, new)
	var changed []string
	for i, p := range diff {
		if p.OldSeq != i+1 || p.NewSeq != i+1 || p.Inserted || p.Deleted {
			t.Errorf("paragraph %d numbered %+v", i+1, p)
		}
		if !p.Changed() {
			if len(p.Segments) != 1 && old[i] != "" {
				t.Errorf("unchanged paragraph %d in %d segments", i+1, len(p.Segments))
			}
			continue
		}
		s := segs(p)
		if len(s) != 4 {
			t.Errorf("paragraph %d: %q, want equal, delete, insert, equal", i+1, s)
			continue
		}
		changed = append(changed, s[1], s[2])
		if !strings.HasPrefix(s[3], "=") {
			t.Errorf("paragraph %d ends %q", i+1, s[3])
		}
	}
	if want := []string{"-388.7", "+390.1", "-710", "+1200"}; !slices.Equal(changed, want) {
		t.Errorf("changes %q, want %q", changed, want)
	}
}

func TestDiff(t *testing.T) {
	for _, tc := range []struct {
		name     string
		old, new []string
		want     [][]string
		marks    []string // per paragraph: old/new seq and i (inserted), d (deleted)
	}{
		{"identical", []string{"甲。", "乙。"}, []string{"甲。", "乙。"},
			[][]string{{"=甲。"}, {"=乙。"}}, []string{"1/1", "2/2"}},
		{"a whole paragraph inserted", []string{"甲。", "乙。"}, []string{"甲。", "丙。", "乙。"},
			[][]string{{"=甲。"}, {"+丙。"}, {"=乙。"}}, []string{"1/1", "0/2 i", "2/3"}},
		{"an inserted paragraph beginning like the next", []string{"甲。", "乙。"}, []string{"甲。", "乙丙。", "乙。"},
			[][]string{{"=甲。"}, {"+乙丙。"}, {"=乙。"}}, []string{"1/1", "0/2 i", "2/3"}},
		{"a whole paragraph deleted", []string{"甲。", "乙。", "丙。"}, []string{"甲。", "丙。"},
			[][]string{{"=甲。"}, {"-乙。"}, {"=丙。"}}, []string{"1/1", "2/0 d", "3/2"}},
		// Blank paragraphs score highest as edit boundaries in the library's
		// cleanup, which then leaves a paragraph's break at the front of an
		// edit; these must still read as whole paragraphs.
		{"a paragraph inserted before a blank one", []string{"甲。", "", "11", "1。"}, []string{"甲。", "甲", "", "11", "1。"},
			[][]string{{"=甲。"}, {"+甲"}, nil, {"=11"}, {"=1。"}}, []string{"1/1", "0/2 i", "2/3", "3/4", "4/5"}},
		{"a paragraph deleted after a blank first one", []string{"", "乙a。", "丙乙a"}, []string{"", "丙乙a"},
			[][]string{nil, {"-乙a。"}, {"=丙乙a"}}, []string{"1/1", "2/0 d", "3/2"}},
		{"the last paragraph deleted", []string{"甲。", "乙。"}, []string{"甲。"},
			[][]string{{"=甲。"}, {"-乙。"}}, []string{"1/1", "2/0 d"}},
		{"a paragraph replaced outright", []string{"甲。", "乙乙乙。", "丙。"}, []string{"甲。", "丁丁丁丁。", "丙。"},
			[][]string{{"=甲。"}, {"-乙乙乙", "+丁丁丁丁", "=。"}, {"=丙。"}}, []string{"1/1", "2/2", "3/3"}},
		{"edits either side of a break stay in their paragraphs",
			[]string{"总数为ab", "cd为准"}, []string{"总数为aX", "Yd为准"},
			[][]string{{"=总数为", "-ab", "+aX"}, {"-cd", "+Yd", "=为准"}}, []string{"1/1", "2/2"}},
		{"a paragraph split", []string{"前一句。后一句。"}, []string{"前一句。", "后一句。"},
			[][]string{{"=前一句。", "+\n", "=后一句。"}}, []string{"1/1"}},
		{"two paragraphs joined", []string{"前一句。", "后一句。"}, []string{"前一句。后一句。"},
			[][]string{{"=前一句。", "-\n", "=后一句。"}}, []string{"1/1"}},
		{"Latin words whole", []string{"the color red"}, []string{"the colour red"},
			[][]string{{"=the ", "-color", "+colour", "= red"}}, []string{"1/1"}},
		{"a decimal whole, a full stop not", []string{"增长3.4%,到2023."}, []string{"增长3.5%,到2024."},
			[][]string{{"=增长", "-3.4", "+3.5", "=%,到", "-2023", "+2024", "=."}}, []string{"1/1"}},
		{"full-width digits whole", []string{"共１２个"}, []string{"共１３个"},
			[][]string{{"=共", "-１２", "+１３", "=个"}}, []string{"1/1"}},
		{"everything new", nil, []string{"甲。"}, [][]string{{"+甲。"}}, []string{"0/1 i"}},
		{"nothing at all", nil, nil, nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			diff := Diff(tc.old, tc.new)
			var got [][]string
			var marks []string
			for _, p := range diff {
				got = append(got, segs(p))
				m := fmt.Sprintf("%d/%d", p.OldSeq, p.NewSeq)
				if p.Inserted {
					m += " i"
				}
				if p.Deleted {
					m += " d"
				}
				marks = append(marks, m)
			}
			if !slices.EqualFunc(got, tc.want, slices.Equal) {
				t.Errorf("segments\n got %q\nwant %q", got, tc.want)
			}
			if !slices.Equal(marks, tc.marks) {
				t.Errorf("paragraphs %q, want %q", marks, tc.marks)
			}
			checkRebuilds(t, diff, tc.old, tc.new)
		})
	}
}

func TestOutcomeAndOpNames(t *testing.T) {
	if Kept.String() != "kept" || Changed.String() != "changed" || Unplaced.String() != "unplaced" || Outcome(0).String() != "unknown" {
		t.Error("outcome names")
	}
	if Equal.String() != "equal" || Insert.String() != "insert" || Delete.String() != "delete" || Op(9).String() != "unknown" {
		t.Error("op names")
	}
}

// randomParas is a short document over a few runes, blank paragraphs and
// repeats included, where a diff has the most ways to go wrong.
func randomParas(r *rand.Rand, n int) []string {
	alpha := []rune("甲乙。,a1")
	paras := make([]string, n)
	for i := range paras {
		w := make([]rune, r.Intn(5))
		for j := range w {
			w[j] = alpha[r.Intn(len(alpha))]
		}
		paras[i] = string(w)
	}
	return paras
}

// TestAlignProperties checks, over many small random documents, what must
// hold whatever the diff: the paragraph diff rebuilds both versions and
// marks whole paragraphs consistently; a placement's quote is the new text
// at its place; an unplaced annotation keeps its old place; a paragraph
// inserted or deleted whole shows as that and moves no other words.
func TestAlignProperties(t *testing.T) {
	r := rand.New(rand.NewSource(14))
	for it := range 3000 {
		old := randomParas(r, r.Intn(6))
		var new []string
		kind := it % 3
		switch {
		case kind == 0: // one paragraph inserted
			new = slices.Insert(slices.Clone(old), r.Intn(len(old)+1), randomParas(r, 1)[0])
		case kind == 1 && len(old) > 0: // one paragraph deleted
			i := r.Intn(len(old))
			new = slices.Delete(slices.Clone(old), i, i+1)
		default: // anything: paragraphs edited, split, joined, added, dropped
			new = randomParas(r, r.Intn(6))
			for i := range new {
				if i < len(old) && r.Intn(3) > 0 {
					o, n := []rune(old[i]), []rune(new[i])
					new[i] = string(o[:r.Intn(len(o)+1)]) + string(n[:len(n)/2])
				}
			}
			kind = 2
		}
		diff := Diff(old, new)
		checkRebuilds(t, diff, old, new)
		var inserted, deleted, lastOld, lastNew int
		for _, p := range diff {
			for _, s := range p.Segments {
				if p.Inserted && s.Op != Insert || p.Deleted && s.Op != Delete {
					t.Fatalf("%q -> %q: whole paragraph %+v holds other segments", old, new, p)
				}
			}
			if p.Inserted {
				inserted++
			} else if p.OldSeq <= lastOld {
				t.Fatalf("%q -> %q: old paragraphs out of order at %+v", old, new, p)
			} else {
				lastOld = p.OldSeq
			}
			if p.Deleted {
				deleted++
			} else if p.NewSeq <= lastNew {
				t.Fatalf("%q -> %q: new paragraphs out of order at %+v", old, new, p)
			} else {
				lastNew = p.NewSeq
			}
			if kind < 2 && !p.Inserted && !p.Deleted && p.Changed() {
				t.Fatalf("%q -> %q: a paragraph inserted or deleted whole changes another: %+v", old, new, p)
			}
		}
		if kind == 0 && (inserted != 1 || deleted != 0) || kind == 1 && (inserted != 0 || deleted != 1) {
			t.Fatalf("%q -> %q: %d inserted and %d deleted paragraphs: %+v", old, new, inserted, deleted, diff)
		}

		a := Align(old, new)
		for seq, p := range old {
			n := utf8.RuneCountInString(p)
			start := r.Intn(n + 1)
			end := start + r.Intn(n-start+1)
			quote := string([]rune(p)[start:end])
			got := a.Place(seq+1, start, end, quote)
			switch got.Outcome {
			case Kept, Changed:
				if at := string([]rune(new[got.Seq-1])[got.Start:got.End]); at != got.Quote {
					t.Fatalf("%q -> %q: placed %+v over %q", old, new, got, at)
				}
				if got.Outcome == Kept && got.Quote != quote || got.Outcome == Changed && got.Quote == "" {
					t.Fatalf("%q -> %q: %q placed %+v", old, new, quote, got)
				}
				if kind < 2 && got.Outcome == Changed {
					t.Fatalf("%q -> %q: %q changed %+v by a whole-paragraph edit", old, new, quote, got)
				}
			case Unplaced:
				if got != (Placement{seq + 1, start, end, quote, Unplaced}) {
					t.Fatalf("%q -> %q: unplaced %+v lost its old place", old, new, got)
				}
				if kind == 0 {
					t.Fatalf("%q -> %q: %q unplaced by an inserted paragraph", old, new, quote)
				}
			default:
				t.Fatalf("no outcome: %+v", got)
			}
		}
	}
}

func TestNearCarriesAPositionIntoTheNewText(t *testing.T) {
	old := []string{"第一段。", "要删除的一段话。", "第三段在此。"}
	new := []string{"第一段。", "第三段在此。"}
	a := Align(old, new)
	for _, c := range []struct{ seq, start, wantSeq, wantOff int }{
		{1, 2, 1, 2},  // unchanged text moves with it
		{3, 3, 2, 3},  // a paragraph that moved up
		{2, 3, 2, 0},  // deleted text: where the deletion was
		{9, 99, 2, 6}, // out of range: the end of the text
	} {
		if s, o := a.Near(c.seq, c.start); s != c.wantSeq || o != c.wantOff {
			t.Errorf("Near(%d, %d) = %d, %d; want %d, %d", c.seq, c.start, s, o, c.wantSeq, c.wantOff)
		}
	}
	if s, o := Align(old, nil).Near(1, 0); s != 0 || o != 0 {
		t.Errorf("Near in an empty text = %d, %d", s, o)
	}
}
