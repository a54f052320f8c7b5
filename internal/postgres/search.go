package postgres

import (
	"context"
	"fmt"
	"strings"
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
	groups := make([]policy.SearchGroup, len(kinds))
	b := &pgx.Batch{}
	for i, kind := range kinds {
		groups[i].Kind = kind
		sql, args := searchSQL(kind, q, limit, offset)
		scan := scanners[kind]
		g := &groups[i]
		b.Queue(sql, args...).Fn = func(br pgx.BatchResults) error {
			rows, err := br.Query()
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				h := policy.SearchHit{Kind: kind}
				if err := scan(rows, &h, &g.Total); err != nil {
					return err
				}
				g.Hits = append(g.Hits, h)
			}
			return rows.Err()
		}
	}
	if err := s.pool.SendBatch(ctx, b).Close(); err != nil {
		return res, err
	}
	res.Groups = groups
	return res, nil
}

// ExplainSearch returns PostgreSQL's plan for the paragraph search of q, as
// EXPLAIN prints it, so that tests and operators can see the index at work.
func (s *Store) ExplainSearch(ctx context.Context, q policy.SearchQuery) (string, error) {
	sql, args := searchSQL(policy.HitParagraph, q, 20, 0)
	rows, err := s.pool.Query(ctx, "EXPLAIN "+sql, args...)
	if err != nil {
		return "", err
	}
	lines, err := pgx.CollectRows(rows, pgx.RowTo[string])
	return strings.Join(lines, "\n"), err
}

// searchTarget is, per kind, the searched text (exactly the indexed expression
// where there is an index), the FROM clause, the columns and the order.
var searchTargets = map[policy.SearchKind]struct {
	text, from, columns, order string
	indexed                    bool
}{
	policy.HitParagraph: {
		text:    `p.text`,
		from:    `paragraphs p JOIN documents d ON d.id = p.document_id`,
		columns: `d.slug, d.title, coalesce(d.doc_number, ''), d.synthetic, p.seq, p.text`,
		order:   `d.signed_on DESC NULLS LAST, d.id, p.seq`,
		indexed: true,
	},
	policy.HitCommitment: {
		text: `c.title || ' ' || c.quote`,
		from: `commitments c JOIN documents d ON d.id = c.document_id`,
		columns: `d.slug, d.title, coalesce(d.doc_number, ''), d.synthetic, c.id, c.title, c.quote, c.status,
		          strpos(search_normalize(c.title), search_normalize($phrase)) > 0 AS in_title`,
		order:   `in_title DESC, d.signed_on DESC NULLS LAST, d.id, c.position`,
		indexed: true,
	},
	policy.HitDocument: {
		text:    `d.title || ' ' || coalesce(d.short_title, '') || ' ' || coalesce(d.doc_number, '')`,
		from:    `documents d`,
		columns: `d.slug, d.title, coalesce(d.doc_number, ''), d.synthetic, d.kind`,
		order:   `d.kind <> 'reply', d.signed_on DESC NULLS LAST, d.id`,
		indexed: true,
	},
	policy.HitEntity: {
		// Entities are few (their number does not grow with documents), so no index.
		text: `e.name || ' ' || coalesce(e.full_name, '') || ' ' ||
		       coalesce((SELECT string_agg(a.alias, ' ') FROM entity_aliases a WHERE a.entity_id = e.id), '')`,
		from: `entities e`,
		columns: `e.slug, e.kind, e.name, coalesce(e.full_name, ''),
		          coalesce((SELECT array_agg(a.alias ORDER BY a.alias) FROM entity_aliases a WHERE a.entity_id = e.id AND a.alias <> e.name), '{}'),
		          search_normalize(e.name) = search_normalize($phrase) AS exact`,
		order: `exact DESC, char_length(e.name), e.name`,
	},
}

// searchSQL builds the query for one kind. The index condition finds
// candidates; terms longer than two characters, which the grams only
// approximate, are then confirmed with strpos. The phrase flag is true when the
// text holds the terms written together, always for a single term.
func searchSQL(kind policy.SearchKind, q policy.SearchQuery, limit, offset int) (string, []any) {
	t := searchTargets[kind]
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d::text", len(args))
	}
	var where []string
	if t.indexed {
		args = append(args, q.Terms)
		where = append(where, fmt.Sprintf(`search_grams(%s) @> search_keys($1::text[])`, t.text))
	}
	for _, term := range q.Terms {
		if t.indexed && utf8.RuneCountInString(term) <= 2 {
			continue // the bigram or character in the index is the term itself
		}
		where = append(where, fmt.Sprintf(`strpos(search_normalize(%s), search_normalize(%s)) > 0`, t.text, arg(term)))
	}
	phrase := "true"
	if len(q.Terms) > 1 {
		phrase = fmt.Sprintf(`strpos(search_normalize(%s), search_normalize(%s)) > 0`, t.text, arg(q.Phrase()))
	}
	columns := t.columns
	if strings.Contains(columns, "$phrase") {
		columns = strings.ReplaceAll(columns, "$phrase", arg(q.Phrase()))
	}
	order := "phrase DESC, " + t.order
	if kind != policy.HitEntity {
		order = "d.synthetic, " + order
	}
	sql := fmt.Sprintf(`SELECT %s AS phrase, %s, count(*) OVER ()
		FROM %s
		WHERE %s
		ORDER BY %s
		LIMIT %d OFFSET %d`, phrase, columns, t.from, strings.Join(where, " AND "), order, limit, offset)
	return sql, args
}

type hitScanner func(rows pgx.Rows, h *policy.SearchHit, total *int) error

var scanners = map[policy.SearchKind]hitScanner{
	policy.HitParagraph: func(rows pgx.Rows, h *policy.SearchHit, total *int) error {
		d := &h.Document
		return rows.Scan(&h.Phrase, &d.Slug, &d.Title, &d.DocNumber, &d.Synthetic, &h.Seq, &h.Text, total)
	},
	policy.HitCommitment: func(rows pgx.Rows, h *policy.SearchHit, total *int) error {
		d := &h.Document
		var inTitle bool
		return rows.Scan(&h.Phrase, &d.Slug, &d.Title, &d.DocNumber, &d.Synthetic, &h.ID, &h.Title, &h.Text, &h.Status, &inTitle, total)
	},
	policy.HitDocument: func(rows pgx.Rows, h *policy.SearchHit, total *int) error {
		d := &h.Document
		return rows.Scan(&h.Phrase, &d.Slug, &d.Title, &d.DocNumber, &d.Synthetic, &d.Kind, total)
	},
	policy.HitEntity: func(rows pgx.Rows, h *policy.SearchHit, total *int) error {
		e := &h.Entity
		var exact bool
		return rows.Scan(&h.Phrase, &e.Slug, &e.Kind, &e.Name, &e.FullName, &e.Aliases, &exact, total)
	},
}
