package importer_test

import (
	"context"
	"math/big"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/guizhou-portal/portal/internal/importer"
	"github.com/guizhou-portal/portal/internal/postgres/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

const seedFile = "../../testdata/000_ddc10b41889c9f4f.txt"

func parseSeed(t testing.TB) *importer.Document {
	t.Helper()
	src, err := os.ReadFile(seedFile)
	if err != nil {
		t.Fatal(err)
	}
	d, err := importer.Parse(src)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestSeedFileParsesAsTheSeedMigrationHasIt parses the published page of the
// first reply and compares the result with what the hand-checked seed
// migration put in the database: the same metadata, paragraphs with the same
// roles, the same section tree with the same spans, the same figures with the
// same values, and the same 《》 citations.
func TestSeedFileParsesAsTheSeedMigrationHasIt(t *testing.T) {
	d := parseSeed(t)
	checkInvariants(t, d)
	pool := pgtest.NewDB(t)
	ctx := context.Background()

	var m struct {
		Title, DocNumber, IndexNumber, Issuer, Addressee, SignedOn, GeneratedAt, Disclosure, Person, Phone string
		ID                                                                                                 int64
	}
	err := pool.QueryRow(ctx, `
		SELECT id, title, doc_number, index_number, issuer, addressee, signed_on::text,
		       to_char(generated_at, 'YYYY-MM-DD"T"HH24:MI:SS'), disclosure, contact_person, contact_phone
		FROM documents WHERE slug = 'qgxtfz-2023-4'`).Scan(&m.ID, &m.Title, &m.DocNumber, &m.IndexNumber, &m.Issuer,
		&m.Addressee, &m.SignedOn, &m.GeneratedAt, &m.Disclosure, &m.Person, &m.Phone)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ what, got, want string }{
		{"title", d.Title, m.Title}, {"文号", d.Meta.DocNumber, m.DocNumber}, {"索引号", d.Meta.IndexNumber, m.IndexNumber},
		{"signing body", d.Meta.SigningBody, m.Issuer}, {"addressee", d.Addressee, m.Addressee},
		{"signed on", d.Meta.SignedOn, m.SignedOn}, {"生成日期", d.Meta.GeneratedAt, m.GeneratedAt},
		{"disclosure", d.Meta.Disclosure, m.Disclosure}, {"contact", d.Meta.ContactPerson, m.Person}, {"phone", d.Meta.ContactPhone, m.Phone},
	} {
		if c.got != c.want {
			t.Errorf("%s: parsed %q, seeded %q", c.what, c.got, c.want)
		}
	}

	type paragraph struct {
		Seq        int
		Role, Text string
	}
	rows, _ := pool.Query(ctx, `SELECT seq, role, text FROM paragraphs WHERE document_id = $1 ORDER BY seq`, m.ID)
	seeded, err := pgx.CollectRows(rows, pgx.RowToStructByPos[paragraph])
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Paragraphs) != len(seeded) {
		t.Fatalf("%d paragraphs parsed, %d seeded", len(d.Paragraphs), len(seeded))
	}
	for i, p := range d.Paragraphs {
		if got := (paragraph{p.Seq, string(p.Role), p.Text}); got != seeded[i] {
			t.Errorf("paragraph %d:\nparsed %+v\nseeded %+v", i+1, got, seeded[i])
		}
	}

	type section struct {
		Anchor, Parent, Kind, Label, Title       string
		StartSeq, StartOffset, EndSeq, EndOffset int
	}
	rows, _ = pool.Query(ctx, `
		SELECT x.anchor, coalesce(px.anchor, ''), x.kind, x.label, x.title, ps.seq, x.start_offset, pe.seq, x.end_offset
		FROM sections x LEFT JOIN sections px ON px.id = x.parent_id
		JOIN paragraphs ps ON ps.id = x.start_paragraph_id JOIN paragraphs pe ON pe.id = x.end_paragraph_id
		WHERE x.document_id = $1 ORDER BY ps.seq, x.start_offset, x.parent_id NULLS FIRST`, m.ID)
	seededSections, err := pgx.CollectRows(rows, pgx.RowToStructByPos[section])
	if err != nil {
		t.Fatal(err)
	}
	var parsed []section
	var walk func(parent string, ss []*importer.Section)
	walk = func(parent string, ss []*importer.Section) {
		for _, s := range ss {
			parsed = append(parsed, section{s.Anchor, parent, string(s.Kind), s.Label, s.Title, s.Start.Paragraph, s.Start.Offset, s.End.Paragraph, s.End.Offset})
			walk(s.Anchor, s.Children)
		}
	}
	walk("", d.Sections)
	sortSections := func(ss []section) map[string]section {
		out := map[string]section{}
		for _, s := range ss {
			out[s.Anchor] = s
		}
		return out
	}
	want, got := sortSections(seededSections), sortSections(parsed)
	if len(got) != len(want) || len(parsed) != len(seededSections) {
		t.Errorf("%d sections parsed, %d seeded", len(parsed), len(seededSections))
	}
	for anchor, w := range want {
		if got[anchor] != w {
			t.Errorf("section %s:\nparsed %+v\nseeded %+v", anchor, got[anchor], w)
		}
	}

	type figure struct {
		Seq, Start, End                                int
		Quote, Kind, Value, Unit, Base, BaseUnit, Qual string
	}
	rows, _ = pool.Query(ctx, `
		SELECT p.seq, f.start_offset, f.end_offset, f.quote, f.kind, f.value::text, f.unit, f.base_value::text, f.base_unit, f.qualifier
		FROM figures f JOIN paragraphs p ON p.id = f.paragraph_id WHERE p.document_id = $1 ORDER BY p.seq, f.start_offset`, m.ID)
	seededFigures, err := pgx.CollectRows(rows, pgx.RowToStructByPos[figure])
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Figures) != len(seededFigures) {
		t.Errorf("%d figures parsed, %d seeded", len(d.Figures), len(seededFigures))
	}
	for i := range min(len(d.Figures), len(seededFigures)) {
		f, w := d.Figures[i], seededFigures[i]
		same := f.Paragraph == w.Seq && f.Start == w.Start && f.End == w.End && f.Quote == w.Quote && string(f.Kind) == w.Kind &&
			equalDecimal(f.Value, w.Value) && f.Unit == w.Unit && equalDecimal(f.BaseValue, w.Base) && f.BaseUnit == w.BaseUnit && f.Qualifier == w.Qual
		if !same {
			t.Errorf("figure %d:\nparsed %+v\nseeded %+v", i+1, f, w)
		}
	}

	// Every 《》 the reply writes is a link in the seed (one replies-to, the
	// rest cites), at the same place.
	rows, _ = pool.Query(ctx, `
		SELECT p.seq, l.start_offset, l.quote FROM document_links l JOIN paragraphs p ON p.id = l.paragraph_id
		WHERE l.from_document_id = $1 AND l.quote LIKE '《%' ORDER BY p.seq, l.start_offset`, m.ID)
	type link struct {
		Seq, Start int
		Quote      string
	}
	links, err := pgx.CollectRows(rows, pgx.RowToStructByPos[link])
	if err != nil {
		t.Fatal(err)
	}
	if len(links) != len(d.Citations) {
		t.Fatalf("%d citations parsed, %d 《》 links seeded", len(d.Citations), len(links))
	}
	for i, c := range d.Citations {
		if (link{c.Paragraph, c.Start, c.Quote}) != links[i] {
			t.Errorf("citation %d: parsed %+v, seeded %+v", i+1, c, links[i])
		}
	}
}

func equalDecimal(a, b string) bool {
	x, ok1 := new(big.Rat).SetString(a)
	y, ok2 := new(big.Rat).SetString(b)
	return ok1 && ok2 && x.Cmp(y) == 0
}

// TestCandidatesCoverTheSeededCommitments measures how many of the 51
// commitments an editor pinned in the seed lie inside a proposed candidate.
// Candidates are whole sentences with a marker word; the seed's commitments
// are clauses, some with no marker at all, so full coverage is not expected.
// The floor keeps the proposal useful as the parser changes.
func TestCandidatesCoverTheSeededCommitments(t *testing.T) {
	d := parseSeed(t)
	pool := pgtest.NewDB(t)
	rows, _ := pool.Query(context.Background(), `
		SELECT p.seq, c.start_offset, c.end_offset, coalesce(c.status_basis, '')
		FROM commitments c JOIN paragraphs p ON p.id = c.paragraph_id JOIN documents d ON d.id = c.document_id
		WHERE d.slug = 'qgxtfz-2023-4'`)
	type commitment struct {
		Seq, Start, End int
		Basis           string
	}
	cs, err := pgx.CollectRows(rows, pgx.RowToStructByPos[commitment])
	if err != nil {
		t.Fatal(err)
	}
	covered, based, basedCovered := 0, 0, 0
	for _, c := range cs {
		in := false
		for _, k := range d.Candidates {
			in = in || (k.Paragraph == c.Seq && k.Start <= c.Start && c.End <= k.End)
		}
		if in {
			covered++
		}
		if c.Basis != "" {
			based++
			if in {
				basedCovered++
			}
		}
	}
	t.Logf("%d candidates; they hold %d of %d seeded commitments, %d of the %d whose status rests on a word of the text",
		len(d.Candidates), covered, len(cs), basedCovered, based)
	if covered < len(cs)/3 {
		t.Errorf("candidates hold only %d of %d seeded commitments", covered, len(cs))
	}
}

// TestEntityLinkingFindsTheSeededMentions links the parsed seed against the
// seeded aliases and finds exactly the seeded mentions.
func TestEntityLinkingFindsTheSeededMentions(t *testing.T) {
	d := parseSeed(t)
	pool := pgtest.NewDB(t)
	ctx := context.Background()
	rows, _ := pool.Query(ctx, `SELECT a.alias, e.slug FROM entity_aliases a JOIN entities e ON e.id = a.entity_id ORDER BY a.alias`)
	aliases, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (importer.Alias, error) {
		var a importer.Alias
		return a, r.Scan(&a.Text, &a.Entity)
	})
	if err != nil {
		t.Fatal(err)
	}
	type mention struct {
		Seq, Start, End int
		Entity, Quote   string
	}
	rows, _ = pool.Query(ctx, `
		SELECT p.seq, m.start_offset, m.end_offset, e.slug, m.quote
		FROM mentions m JOIN paragraphs p ON p.id = m.paragraph_id JOIN entities e ON e.id = m.entity_id
		JOIN documents d ON d.id = p.document_id WHERE d.slug = 'qgxtfz-2023-4' ORDER BY p.seq, m.start_offset`)
	seeded, err := pgx.CollectRows(rows, pgx.RowToStructByPos[mention])
	if err != nil {
		t.Fatal(err)
	}
	linked := importer.LinkEntities(d, aliases)
	if len(linked) != len(seeded) {
		t.Errorf("%d mentions linked, %d seeded", len(linked), len(seeded))
	}
	for i := range min(len(linked), len(seeded)) {
		m := linked[i]
		if got := (mention{m.Paragraph, m.Start, m.End, m.Entity, m.Quote}); got != seeded[i] {
			t.Fatalf("mention %d: linked %+v, seeded %+v", i+1, got, seeded[i])
		}
	}
}
