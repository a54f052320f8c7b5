package postgres

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"github.com/guizhou-portal/portal/internal/policy"
)

// Search finds the query's terms in paragraphs, commitments (title and quote),
// entities (names and aliases) and documents (titles and 文号), and returns up to
// limit hits of each kind with the number found. Every hit contains every term.
// Hits holding the terms as one phrase come before scattered ones; real
// documents come before synthetic ones, then newer documents, then reading
// order. The migration 00005_search.sql explains the index.
func (s *Store) Search(ctx context.Context, q policy.SearchQuery, limit int) (policy.SearchResults, error) {
	return s.search(ctx, q, policy.SearchKinds, limit, 0)
}

// SearchKind is Search for one kind of result, from the given offset on.
func (s *Store) SearchKind(ctx context.Context, q policy.SearchQuery, kind policy.SearchKind, limit, offset int) (policy.SearchResults, error) {
	return s.search(ctx, q, []policy.SearchKind{kind}, limit, offset)
}

func (s *Store) search(ctx context.Context, q policy.SearchQuery, kinds []policy.SearchKind, limit, offset int) (policy.SearchResults, error) {
	res := policy.SearchResults{Query: q}
	if q.Empty() {
		return res, nil
	}
	zh, err := s.chineseQuery(ctx, q)
	if err != nil {
		return res, err
	}
	if !slices.Equal(zh.Terms, q.Terms) {
		res.Query, res.Typed, q = zh, q.Text, zh
	}
	// The kinds are independent: asking them on separate connections at once
	// makes the slowest, not the sum, the wait.
	groups := make([]policy.SearchGroup, len(kinds))
	errs := make([]error, len(kinds))
	var wg sync.WaitGroup
	for i, kind := range kinds {
		wg.Go(func() {
			groups[i], errs[i] = s.searchKind(ctx, q, kind, limit, offset)
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return res, err
	}
	res.Groups = groups
	return res, nil
}

// chineseQuery is q with its English words replaced by the Chinese they
// stand for, so that an English reader finds what the Chinese finds: the
// English names of entities (lithium → 锂, CATL → 宁德时代) and the words of
// search_terms_en (Guiyang → 贵阳), compared as search_normalize compares
// text. The whole query is tried first (lithium-ion batteries, two words),
// then each term; a term holding a Chinese character is left as typed.
func (s *Store) chineseQuery(ctx context.Context, q policy.SearchQuery) (policy.SearchQuery, error) {
	whole := strings.Join(q.Terms, " ")
	keys := []string{whole}
	for _, t := range q.Terms {
		if !hasHan(t) {
			keys = append(keys, t)
		}
	}
	if hasHan(whole) && len(keys) == 1 {
		return q, nil
	}
	rows, err := s.pool.Query(ctx, `
		SELECT DISTINCT ON (k) k, zh FROM (
		    SELECT search_normalize(name_en) AS k, name AS zh, 1 AS pref FROM entities WHERE name_en IS NOT NULL
		    UNION ALL
		    SELECT term, term_zh, 2 FROM search_terms_en) t
		WHERE k = ANY (ARRAY(SELECT search_normalize(x) FROM unnest($1::text[]) x))
		ORDER BY k, pref, zh`, keys)
	if err != nil {
		return q, err
	}
	found := map[string]string{}
	var k, zh string
	if _, err := pgx.ForEachRow(rows, []any{&k, &zh}, func() error { found[k] = zh; return nil }); err != nil {
		return q, err
	}
	if zh, ok := found[policy.FoldSearch(whole)]; ok && len(q.Terms) > 1 {
		return policy.SearchQuery{Text: zh, Terms: []string{zh}}, nil
	}
	var out policy.SearchQuery
	for _, t := range q.Terms {
		if zh, ok := found[policy.FoldSearch(t)]; ok && !hasHan(t) {
			t = zh
		}
		if !slices.Contains(out.Terms, t) {
			out.Terms = append(out.Terms, t)
		}
	}
	out.Text = strings.Join(out.Terms, " ")
	return out, nil
}

func hasHan(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return unicode.Is(unicode.Han, r) }) >= 0
}

// walkThreshold is the number of hits from which a single-term search of
// paragraphs or commitments walks the documents in rank order instead of
// ranking every hit: 电池, in half of 26,000 paragraphs, took 10 ms to rank
// and takes 1 ms to walk.
const walkThreshold = 500

func (s *Store) searchKind(ctx context.Context, q policy.SearchQuery, kind policy.SearchKind, limit, offset int) (policy.SearchGroup, error) {
	g := policy.SearchGroup{Kind: kind}
	sql, args := searchSQL(ctx, kind, q, limit, offset)
	if walk, ok := walkQueries[kind]; ok && len(q.Terms) == 1 {
		// The count comes from the index alone; a frequent term is then walked.
		count, cargs := searchCountSQL(ctx, kind, q)
		var total int
		if err := s.pool.QueryRow(ctx, count, cargs...).Scan(&total); err != nil {
			return g, err
		}
		if total == 0 {
			return g, nil
		}
		if total >= walkThreshold {
			term := q.Terms[0]
			sql, args = fmt.Sprintf(walk, limit, offset, visible(ctx, "d")), []any{policy.FoldSearch(term), term, total}
		}
	}
	rows, err := s.pool.Query(ctx, sql, args...)
	if err != nil {
		return g, err
	}
	defer rows.Close()
	scan := scanners[kind]
	for rows.Next() {
		h := policy.SearchHit{Kind: kind}
		if err := scan(rows, &h, &g.Total); err != nil {
			return g, err
		}
		g.Hits = append(g.Hits, h)
	}
	return g, rows.Err()
}

// ExplainSearch returns PostgreSQL's plan for the paragraph search of q, as
// EXPLAIN prints it, so that tests and operators can see the index at work.
func (s *Store) ExplainSearch(ctx context.Context, q policy.SearchQuery) (string, error) {
	sql, args := searchSQL(ctx, policy.HitParagraph, q, 20, 0)
	rows, err := s.pool.Query(ctx, "EXPLAIN "+sql, args...)
	if err != nil {
		return "", err
	}
	lines, err := pgx.CollectRows(rows, pgx.RowTo[string])
	return strings.Join(lines, "\n"), err
}

// searchText is, per kind, the text searched: exactly the expression indexed
// in 00005_search.sql where there is an index. Entities are few (their number
// does not grow with documents), so they have none.
var searchText = map[policy.SearchKind]string{
	policy.HitParagraph:  `p.text`,
	policy.HitCommitment: `c.title || ' ' || c.quote`,
	policy.HitDocument:   `d.title || ' ' || coalesce(d.short_title, '') || ' ' || coalesce(d.doc_number, '')`,
	policy.HitEntity: `e.name || ' ' || coalesce(e.full_name, '') || ' ' ||
		coalesce((SELECT string_agg(a.alias, ' ') FROM entity_aliases a WHERE a.entity_id = e.id), '')`,
}

// The queries per kind. %[1]s is the phrase flag, %[2]s the conditions, %[3]s
// the phrase argument, %[4]s LIMIT and OFFSET. Paragraphs and commitments can be
// thousands of hits: they are ranked on narrow rows first (hits, top), and only
// the page shown is joined with its text.
var searchQueries = map[policy.SearchKind]string{
	policy.HitParagraph: `
		WITH hits AS MATERIALIZED (
		    SELECT p.id, p.document_id, p.seq, %[1]s AS phrase FROM paragraphs p WHERE %[2]s
		), top AS (
		    SELECT h.id, h.phrase FROM hits h JOIN documents d ON d.id = h.document_id
		    ORDER BY d.synthetic, h.phrase DESC, d.signed_on DESC NULLS LAST, d.id, h.seq
		    %[4]s
		)
		SELECT top.phrase, d.slug, d.title, coalesce(d.doc_number, ''), d.synthetic, d.published_at, p.seq, p.text,
		       (SELECT count(*) FROM hits)
		FROM top JOIN paragraphs p ON p.id = top.id JOIN documents d ON d.id = p.document_id
		ORDER BY d.synthetic, top.phrase DESC, d.signed_on DESC NULLS LAST, d.id, p.seq`,
	policy.HitCommitment: `
		WITH hits AS MATERIALIZED (
		    SELECT c.id, c.document_id, c.position, %[1]s AS phrase, strpos(c.title, %[3]s) > 0 AS in_title
		    FROM commitments c WHERE %[2]s
		), top AS (
		    SELECT h.id, h.phrase, h.in_title FROM hits h JOIN documents d ON d.id = h.document_id
		    ORDER BY d.synthetic, h.phrase DESC, d.signed_on DESC NULLS LAST, d.id, h.in_title DESC, h.position
		    %[4]s
		)
		SELECT top.phrase, d.slug, d.title, coalesce(d.doc_number, ''), d.synthetic, d.published_at, c.id, c.title, c.quote, c.status,
		       (SELECT count(*) FROM hits)
		FROM top JOIN commitments c ON c.id = top.id JOIN documents d ON d.id = c.document_id
		ORDER BY d.synthetic, top.phrase DESC, d.signed_on DESC NULLS LAST, d.id, top.in_title DESC, c.position`,
	policy.HitDocument: `
		SELECT %[1]s AS phrase, d.slug, d.title, coalesce(d.doc_number, ''), d.synthetic, d.published_at, d.kind, count(*) OVER ()
		FROM documents d WHERE %[2]s
		ORDER BY d.synthetic, phrase DESC, d.kind <> 'reply', d.signed_on DESC NULLS LAST, d.id
		%[4]s`,
	policy.HitEntity: `
		SELECT %[1]s AS phrase, e.slug, e.kind, e.name, coalesce(e.full_name, ''),
		       coalesce((SELECT array_agg(a.alias ORDER BY a.alias) FROM entity_aliases a
		                 WHERE a.entity_id = e.id AND a.alias <> e.name), '{}'),
		       coalesce(e.name_en, ''), count(*) OVER ()
		FROM entities e WHERE %[2]s
		ORDER BY search_normalize(e.name) = search_normalize(%[3]s) DESC, phrase DESC, char_length(e.name), e.name
		%[4]s`,
}

// walkQueries find the page of a single frequent term by walking the documents
// in rank order (documents_rank_idx) and stopping when the page is full. $1 is
// the folded term, $2 the term as typed, $3 the total already counted; %[1]d
// and %[2]d are LIMIT and OFFSET, %[3]s the condition that d is visible.
// Their order and matches are those of searchQueries for one term.
var walkQueries = map[policy.SearchKind]string{
	policy.HitParagraph: `
		SELECT true, d.slug, d.title, coalesce(d.doc_number, ''), d.synthetic, d.published_at, h.seq, h.text, $3::int
		FROM documents d
		CROSS JOIN LATERAL (
		    SELECT p.seq, p.text FROM paragraphs p
		    WHERE p.document_id = d.id
		      AND (strpos(p.text, $1::text) > 0 OR strpos(search_normalize(p.text), search_normalize($2::text)) > 0)
		) h
		WHERE %[3]s
		ORDER BY d.synthetic, d.signed_on DESC NULLS LAST, d.id, h.seq
		LIMIT %[1]d OFFSET %[2]d`,
	policy.HitCommitment: `
		SELECT true, d.slug, d.title, coalesce(d.doc_number, ''), d.synthetic, d.published_at, h.id, h.title, h.quote, h.status, $3::int
		FROM documents d
		CROSS JOIN LATERAL (
		    SELECT c.id, c.title, c.quote, c.status, c.position, strpos(c.title, $1::text) > 0 AS in_title
		    FROM commitments c
		    WHERE c.document_id = d.id AND c.withdrawn_at IS NULL
		      AND (strpos(c.title || ' ' || c.quote, $1::text) > 0
		           OR strpos(search_normalize(c.title || ' ' || c.quote), search_normalize($2::text)) > 0)
		) h
		WHERE %[3]s
		ORDER BY d.synthetic, d.signed_on DESC NULLS LAST, d.id, h.in_title DESC, h.position
		LIMIT %[1]d OFFSET %[2]d`,
}

// searchCountSQL counts the hits of one kind, as searchSQL finds them.
func searchCountSQL(ctx context.Context, kind policy.SearchKind, q policy.SearchQuery) (string, []any) {
	var b searchArgs
	where := searchWhere(ctx, kind, q, &b)
	return fmt.Sprintf(`SELECT count(*) FROM %s WHERE %s`, searchTables[kind], where), b
}

// searchTables are the tables counted, with the aliases searchText uses.
var searchTables = map[policy.SearchKind]string{policy.HitParagraph: "paragraphs p", policy.HitCommitment: "commitments c"}

// searchArgs collects the arguments of a query as its text is built.
type searchArgs []any

// add appends v and returns its placeholder.
func (a *searchArgs) add(v any) string {
	*a = append(*a, v)
	return fmt.Sprintf("$%d::text", len(*a))
}

// searchWhere is the condition a hit of the kind meets: the index finds
// candidates; terms longer than two characters, which the grams only
// approximate, are then confirmed with strpos: first on the text as it is,
// which almost always settles it, and only failing that on the normalised
// text (normalising a whole paragraph costs more than the rest of the search).
// Hits in drafts are left out unless the context's viewer sees drafts.
func searchWhere(ctx context.Context, kind policy.SearchKind, q policy.SearchQuery, args *searchArgs) string {
	text := searchText[kind]
	indexed := kind != policy.HitEntity
	var where []string
	switch kind {
	case policy.HitParagraph:
		where = append(where, visibleDocument(ctx, "p.document_id"))
	case policy.HitCommitment:
		// Withdrawn commitments are not public.
		where = append(where, "c.withdrawn_at IS NULL", visibleDocument(ctx, "c.document_id"))
	case policy.HitDocument:
		where = append(where, visible(ctx, "d"))
	}
	for _, term := range q.Terms {
		if policy.FoldSearch(term) == "" {
			return "false" // a term that normalises to nothing has no grams and can match nothing
		}
	}
	if indexed {
		*args = append(*args, q.Terms)
		where = append(where, fmt.Sprintf(`search_grams(%s) @> search_keys($%d::text[])`, text, len(*args)))
	}
	for _, term := range q.Terms {
		if indexed && utf8.RuneCountInString(policy.FoldSearch(term)) <= 2 {
			continue // the bigram or character in the index is the term itself
		}
		where = append(where, fmt.Sprintf(`(strpos(%[1]s, %[2]s) > 0 OR strpos(search_normalize(%[1]s), search_normalize(%[3]s)) > 0)`,
			text, args.add(policy.FoldSearch(term)), args.add(term)))
	}
	return strings.Join(where, " AND ")
}

// searchSQL builds the query for one kind (see searchWhere). The phrase flag
// is true when the text holds the terms written together (as typed, folded),
// always for a single term; it only ranks.
func searchSQL(ctx context.Context, kind policy.SearchKind, q policy.SearchQuery, limit, offset int) (string, []any) {
	var args searchArgs
	where := searchWhere(ctx, kind, q, &args)
	text := searchText[kind]
	phrase := "true"
	if len(q.Terms) > 1 {
		phrase = fmt.Sprintf(`strpos(%s, %s) > 0`, text, args.add(policy.FoldSearch(q.Phrase())))
	}
	phraseArg := ""
	switch kind {
	case policy.HitCommitment:
		phraseArg = args.add(policy.FoldSearch(q.Phrase()))
	case policy.HitEntity:
		phraseArg = args.add(q.Phrase())
	}
	page := fmt.Sprintf("LIMIT %d OFFSET %d", limit, offset)
	return fmt.Sprintf(searchQueries[kind], phrase, where, phraseArg, page), args
}

type hitScanner func(rows pgx.Rows, h *policy.SearchHit, total *int) error

var scanners = map[policy.SearchKind]hitScanner{
	policy.HitParagraph: func(rows pgx.Rows, h *policy.SearchHit, total *int) error {
		d := &h.Document
		return rows.Scan(&h.Phrase, &d.Slug, &d.Title, &d.DocNumber, &d.Synthetic, &d.PublishedAt, &h.Seq, &h.Text, total)
	},
	policy.HitCommitment: func(rows pgx.Rows, h *policy.SearchHit, total *int) error {
		d := &h.Document
		return rows.Scan(&h.Phrase, &d.Slug, &d.Title, &d.DocNumber, &d.Synthetic, &d.PublishedAt, &h.ID, &h.Title, &h.Text, &h.Status, total)
	},
	policy.HitDocument: func(rows pgx.Rows, h *policy.SearchHit, total *int) error {
		d := &h.Document
		return rows.Scan(&h.Phrase, &d.Slug, &d.Title, &d.DocNumber, &d.Synthetic, &d.PublishedAt, &d.Kind, total)
	},
	policy.HitEntity: func(rows pgx.Rows, h *policy.SearchHit, total *int) error {
		e := &h.Entity
		return rows.Scan(&h.Phrase, &e.Slug, &e.Kind, &e.Name, &e.FullName, &e.Aliases, &e.NameEN, total)
	},
}
