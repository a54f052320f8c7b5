package postgres

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/guizhou-portal/portal/internal/policy"
)

// documentScope is what every public list of documents leaves out before any
// filter, over the alias d: synthetic documents (portal demo-data), which are
// there to measure, not to read, and drafts the viewer in ctx may not see.
func documentScope(ctx context.Context) string { return "NOT d.synthetic AND " + visible(ctx, "d") }

// documentWhere is the condition that selects f's documents, over the alias
// d, with its arguments after the first (which is f's date for overdue).
func documentWhere(ctx context.Context, f policy.DocumentFilter, args *[]any) string {
	where := []string{documentScope(ctx)}
	add := func(v any) string {
		*args = append(*args, v)
		return fmt.Sprintf("$%d", len(*args))
	}
	if len(f.Kinds) > 0 {
		where = append(where, "d.kind = ANY("+add(toStrings(f.Kinds))+"::text[])")
	}
	if len(f.Years) > 0 {
		where = append(where, "extract(year FROM d.signed_on)::int = ANY("+add(f.Years)+"::int[])")
	}
	if len(f.Grades) > 0 {
		where = append(where, "d.reply_class = ANY("+add(toStrings(f.Grades))+"::text[])")
	}
	if t := strings.TrimSpace(f.Text); t != "" {
		// strpos, not LIKE: the words are taken as they are, % and _ included.
		p := add(strings.ToLower(t))
		var parts []string
		for _, col := range []string{"d.title", "d.short_title", "d.doc_number", "d.addressee"} {
			parts = append(parts, "strpos(lower(coalesce("+col+", '')), "+p+") > 0")
		}
		where = append(where, "("+strings.Join(parts, " OR ")+")")
	}
	return strings.Join(where, " AND ")
}

// documentOrders are the orders of policy.DocumentSorts, each ending on the id
// so that equal keys keep one order.
var documentOrders = map[policy.DocumentSort]string{
	policy.SortDocumentsDefault:     "d.kind <> 'reply', d.kind <> 'proposal', d.signed_on DESC NULLS LAST, d.id",
	policy.SortDocumentsDate:        "d.signed_on DESC NULLS LAST, d.id DESC",
	policy.SortDocumentsCommitments: "cs.n DESC, d.signed_on DESC NULLS LAST, d.id DESC",
	policy.SortDocumentsUpdated:     "updated_at DESC, d.id DESC",
}

// Documents lists the documents f selects with their counts, in f's order.
// A commitment is overdue, as on the dashboard, when its due date, or else
// the end of its stated period, is before f.Today and it is neither
// completed nor dropped. The last update is the latest of the document's
// creation, an audited change to it, and a change to any of its commitments.
func (s *Store) Documents(ctx context.Context, f policy.DocumentFilter) ([]policy.DocumentSummary, error) {
	order, ok := documentOrders[f.Sort]
	if !ok {
		return nil, policy.Errorf(policy.EINVALID, "unknown document order %q", f.Sort)
	}
	args := []any{dayOrToday(f.Today)}
	where := documentWhere(ctx, f, &args)
	rows, err := s.pool.Query(ctx, `
		SELECT `+documentColumns+`,
		       (SELECT count(*) FROM paragraphs p WHERE p.document_id = d.id),
		       (SELECT count(*) FROM sections x WHERE x.document_id = d.id),
		       cs.n,
		       (SELECT count(*) FROM figures f JOIN paragraphs p ON p.id = f.paragraph_id WHERE p.document_id = d.id),
		       (SELECT count(DISTINCT m.entity_id) FROM mentions m JOIN paragraphs p ON p.id = m.paragraph_id WHERE p.document_id = d.id),
		       (SELECT count(DISTINCT l.from_document_id) FROM document_links l
		        WHERE l.to_document_id = d.id AND `+visibleDocument(ctx, "l.from_document_id")+`),
		       cs.completed, cs.overdue,
		       greatest(d.created_at, cs.updated,
		                (SELECT max(a.at) FROM audit_log a WHERE a.subject_type = 'document' AND a.subject_id = d.id)) AS updated_at
		FROM documents d
		CROSS JOIN LATERAL (
		    SELECT count(*) FILTER (WHERE c.withdrawn_at IS NULL) AS n,
		           count(*) FILTER (WHERE c.withdrawn_at IS NULL AND c.status = 'completed') AS completed,
		           count(*) FILTER (WHERE c.withdrawn_at IS NULL AND `+timelinessSQL("$1::date")+` = 'overdue') AS overdue,
		           max(c.updated_at) AS updated
		    FROM commitments c WHERE c.document_id = d.id) cs
		WHERE `+where+`
		ORDER BY `+order, args...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (policy.DocumentSummary, error) {
		var d policy.DocumentSummary
		err := r.Scan(append(documentDest(&d.Document), &d.Paragraphs, &d.Sections, &d.Commitments, &d.Figures,
			&d.Entities, &d.CitedBy, &d.Completed, &d.Overdue, &d.UpdatedAt)...)
		return d, err
	})
}

// DocumentYears lists the years in which the listed documents were signed,
// newest first, for the year filter of /documents.
func (s *Store) DocumentYears(ctx context.Context) ([]int, error) {
	rows, err := s.pool.Query(ctx, `SELECT DISTINCT extract(year FROM d.signed_on)::int AS y FROM documents d
		WHERE `+documentScope(ctx)+` AND d.signed_on IS NOT NULL ORDER BY y DESC`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[int])
}
