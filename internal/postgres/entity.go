package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/guizhou-portal/portal/internal/policy"
)

// Entities lists entities of the given kinds (all kinds when none) with their
// mention counts, by kind and then by how often they are mentioned.
func (s *Store) Entities(ctx context.Context, kinds ...policy.EntityKind) ([]policy.Entity, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT e.id, e.slug, e.kind, e.name, coalesce(e.full_name, ''), coalesce(e.description, ''),
		       `+mentionCount(ctx, "e")+`, coalesce(e.name_en, '')
		FROM entities e
		WHERE cardinality($1::text[]) = 0 OR e.kind = ANY($1)
		ORDER BY array_position($2::text[], e.kind), 7 DESC, e.name`, toStrings(kinds), toStrings(policy.EntityKinds))
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (policy.Entity, error) {
		var e policy.Entity
		return e, r.Scan(&e.ID, &e.Slug, &e.Kind, &e.Name, &e.FullName, &e.Description, &e.Mentions, &e.NameEN)
	})
}

// EntityNames lists the entities of the kinds given (all with none) with
// their names only, for filters that name them: Entities' mention counts
// cost a count per entity over every document.
func (s *Store) EntityNames(ctx context.Context, kinds ...policy.EntityKind) ([]policy.Entity, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT e.id, e.slug, e.kind, e.name, coalesce(e.name_en, '') FROM entities e
		WHERE cardinality($1::text[]) = 0 OR e.kind = ANY($1)
		ORDER BY array_position($2::text[], e.kind), e.name`, toStrings(kinds), toStrings(policy.EntityKinds))
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (policy.Entity, error) {
		var e policy.Entity
		return e, r.Scan(&e.ID, &e.Slug, &e.Kind, &e.Name, &e.NameEN)
	})
}

// EntityListLimit is how many mentions and commitments an entity page lists at
// most; it gives the totals too.
const EntityListLimit = 100

// Entity returns an entity with its parent, children, the parks within it,
// aliases, its mentions in context and the commitments that name it, across
// all documents (real ones first, up to EntityListLimit of each, with totals).
func (s *Store) Entity(ctx context.Context, slug string) (*policy.EntityPage, error) {
	var e policy.EntityPage
	var parentSlug, parentName, parentNameEN *string
	err := s.pool.QueryRow(ctx, `
		SELECT e.id, e.slug, e.kind, e.name, coalesce(e.full_name, ''), coalesce(e.description, ''), pe.slug, pe.name,
		       coalesce((SELECT array_agg(a.alias ORDER BY a.alias) FROM entity_aliases a WHERE a.entity_id = e.id), '{}'),
		       coalesce(e.name_en, ''), coalesce(pe.name_en, '')
		FROM entities e LEFT JOIN entities pe ON pe.id = e.parent_id
		WHERE e.slug = $1`, slug).Scan(&e.ID, &e.Slug, &e.Kind, &e.Name, &e.FullName, &e.Description, &parentSlug, &parentName, &e.Aliases,
		&e.NameEN, &parentNameEN)
	if err != nil {
		return nil, notFound(err, "err.entity")
	}
	if parentSlug != nil {
		e.Parent = &policy.Entity{Slug: *parentSlug, Name: *parentName, NameEN: *parentNameEN}
	}
	b := &pgx.Batch{}
	b.Queue(`SELECT c.slug, c.kind, c.name, `+mentionCount(ctx, "c")+`, coalesce(c.name_en, '')
		     FROM entities c WHERE c.parent_id = $1 ORDER BY c.kind, c.name`, e.ID).Fn = func(br pgx.BatchResults) error {
		rows, _ := br.Query()
		e.Children, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (policy.Entity, error) {
			var c policy.Entity
			return c, r.Scan(&c.Slug, &c.Kind, &c.Name, &c.Mentions, &c.NameEN)
		})
		return err
	}
	b.Queue(`SELECT c.slug, c.kind, c.name, `+mentionCount(ctx, "c")+`, pe.slug, pe.name, coalesce(c.name_en, ''), coalesce(pe.name_en, '')
		     FROM entity_lineage l JOIN entities c ON c.id = l.entity_id JOIN entities pe ON pe.id = c.parent_id
		     WHERE l.ancestor_id = $1 AND l.entity_id <> $1 AND c.kind = 'park' AND $2 = 'region'
		     ORDER BY pe.name, c.name`, e.ID, e.Kind).Fn = func(br pgx.BatchResults) error {
		rows, _ := br.Query()
		e.Parks, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (policy.Entity, error) {
			var c policy.Entity
			var p policy.Entity
			err := r.Scan(&c.Slug, &c.Kind, &c.Name, &c.Mentions, &p.Slug, &p.Name, &c.NameEN, &p.NameEN)
			c.Parent = &p
			return c, err
		})
		return err
	}
	b.Queue(`SELECT EXISTS (SELECT 1 FROM commitment_units u WHERE u.entity_id = $1)`, e.ID).Fn = func(br pgx.BatchResults) error {
		return br.QueryRow().Scan(&e.IsUnit)
	}
	b.Queue(`SELECT `+mentionCount(ctx, "e")+` FROM entities e WHERE e.id = $1`, e.ID).Fn = func(br pgx.BatchResults) error {
		return br.QueryRow().Scan(&e.PlaceTotal)
	}
	// commitment_entities (00025) knows each commitment's document and
	// whether it is withdrawn: the count is read from its index alone.
	b.Queue(`SELECT count(*) FROM commitment_entities ce
		     WHERE ce.entity_id = $1 AND ce.live AND `+visibleDocument(ctx, "ce.document_id"), e.ID).
		Fn = func(br pgx.BatchResults) error {
		return br.QueryRow().Scan(&e.CommitmentTotal)
	}
	b.Queue(`SELECT d.slug, d.title, p.seq, p.text, m.start_offset, m.end_offset, d.published_at IS NULL, coalesce(d.title_en, '')
		     FROM mentions m JOIN paragraphs p ON p.id = m.paragraph_id JOIN documents d ON d.id = p.document_id
		     WHERE m.entity_id = $1 AND `+visible(ctx, "d")+` ORDER BY d.synthetic, d.signed_on DESC NULLS LAST, d.id, p.seq, m.start_offset
		     LIMIT $2`, e.ID, EntityListLimit).
		Fn = func(br pgx.BatchResults) error {
		rows, _ := br.Query()
		e.Places, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (policy.Place, error) {
			var p policy.Place
			return p, r.Scan(&p.DocumentSlug, &p.DocumentTitle, &p.ParagraphSeq, &p.ParagraphText, &p.Start, &p.End, &p.DocumentDraft, &p.DocumentTitleEN)
		})
		return err
	}
	b.Queue(`SELECT `+commitmentColumns+commitmentFrom+`
		     WHERE c.withdrawn_at IS NULL AND `+visible(ctx, "d")+`
		       AND c.id IN (SELECT ce.commitment_id FROM commitment_entities ce WHERE ce.entity_id = $1 AND ce.live)
		       AND d.id IN (SELECT ce.document_id FROM commitment_entities ce WHERE ce.entity_id = $1 AND ce.live)
		     ORDER BY d.synthetic, d.signed_on DESC NULLS LAST, d.id, p.seq, c.start_offset
		     LIMIT $2`, e.ID, EntityListLimit).Fn = func(br pgx.BatchResults) error {
		rows, _ := br.Query()
		e.Commitments, err = pgx.CollectRows(rows, scanCommitment)
		return err
	}
	if err := s.pool.SendBatch(ctx, b).Close(); err != nil {
		return nil, err
	}
	return &e, nil
}
