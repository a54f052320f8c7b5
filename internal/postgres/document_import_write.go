package postgres

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"regexp"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"golang.org/x/text/unicode/norm"

	"github.com/guizhou-portal/portal/internal/anchor"
	"github.com/guizhou-portal/portal/internal/importer"
	"github.com/guizhou-portal/portal/internal/policy"
)

// docNumberParts reads the year and number of a 文号 such as 黔工信提复字〔2023〕4号.
var docNumberParts = regexp.MustCompile(`[〔\[(【](\d{4})[〕\])】]\s*(\d+)号`)

// create adds the document row with a slug made from its 文号 or date.
func (im *docImport) create(ctx context.Context) error {
	m := im.doc.Meta
	base := "reply"
	if p := docNumberParts.FindStringSubmatch(norm.NFKC.String(m.DocNumber)); p != nil {
		base += "-" + p[1] + "-" + p[2]
	} else if m.SignedOn != "" {
		base += "-" + strings.ReplaceAll(m.SignedOn, "-", "")
	}
	slug, err := im.freeSlug(ctx, base)
	if err != nil {
		return err
	}
	genre := ""
	if strings.Contains(im.doc.Title, "答复") {
		genre = "答复"
	}
	return im.tx.QueryRow(ctx, `INSERT INTO documents (slug, kind, genre, title, source_name)
		VALUES ($1, 'reply', nullif($2, ''), $3, nullif($4, '')) RETURNING id`, slug, genre, im.doc.Title, m.Source).Scan(&im.id)
}

// freeSlug is base, or base-2, base-3 ... if it is taken.
func (im *docImport) freeSlug(ctx context.Context, base string) (string, error) {
	slug := base
	for n := 2; ; n++ {
		var taken bool
		if err := im.tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM documents WHERE slug = $1)`, slug).Scan(&taken); err != nil {
			return "", err
		}
		if !taken {
			return slug, nil
		}
		slug = base + "-" + strconv.Itoa(n)
	}
}

// writeDocument sets the document's metadata from the file; what the file
// leaves blank keeps its stored value.
func (im *docImport) writeDocument(ctx context.Context) error {
	m := im.doc.Meta
	issuer := m.Issuer
	if issuer == "" {
		issuer = m.SigningBody
	}
	_, err := im.tx.Exec(ctx, `
		UPDATE documents SET title = $2,
		    doc_number = coalesce(nullif($3, ''), doc_number),
		    index_number = coalesce(nullif($4, ''), index_number),
		    info_category = coalesce(nullif($5, ''), info_category),
		    issuer = coalesce(nullif($6, ''), issuer),
		    addressee = coalesce(nullif($7, ''), addressee),
		    signed_on = coalesce(nullif($8, '')::date, signed_on),
		    generated_at = coalesce(nullif($9, '')::timestamp, generated_at),
		    disclosure = coalesce(nullif($10, ''), disclosure),
		    validity = coalesce(nullif($11, ''), validity),
		    contact_person = coalesce(nullif($12, ''), contact_person),
		    contact_phone = coalesce(nullif($13, ''), contact_phone)
		WHERE id = $1`, im.id, im.doc.Title, m.DocNumber, m.IndexNumber, m.InfoCategory, issuer, im.doc.Addressee,
		m.SignedOn, m.GeneratedAt, m.Disclosure, m.Validity, m.ContactPerson, m.ContactPhone)
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23505" {
		return im.refuse("import.err.docnumber", m.DocNumber)
	}
	return err
}

// writeText replaces the paragraphs in place, seq by seq, after removing the
// figures, mentions and citations pinned to the old text.
func (im *docImport) writeText(ctx context.Context) error {
	for _, q := range []string{
		`DELETE FROM figures WHERE paragraph_id IN (SELECT id FROM paragraphs WHERE document_id = $1)`,
		`DELETE FROM mentions WHERE paragraph_id IN (SELECT id FROM paragraphs WHERE document_id = $1)`,
		`DELETE FROM document_links WHERE from_document_id = $1 AND paragraph_id IS NOT NULL`,
	} {
		if _, err := im.tx.Exec(ctx, q, im.id); err != nil {
			return err
		}
	}
	// One statement for all paragraphs: a row at a time took seconds for
	// a long reply.
	n := len(im.doc.Paragraphs)
	seqs, roles, texts := make([]int32, n), make([]string, n), make([]string, n)
	for i, p := range im.doc.Paragraphs {
		seqs[i], roles[i], texts[i] = int32(p.Seq), string(p.Role), p.Text
	}
	// A paragraph that has not changed is not written again: its search
	// index entry is the costly part.
	if _, err := im.tx.Exec(ctx, `
		INSERT INTO paragraphs (document_id, seq, role, text)
		SELECT $1, u.seq, u.role, u.text FROM unnest($2::int[], $3::text[], $4::text[]) AS u(seq, role, text)
		ON CONFLICT (document_id, seq) DO UPDATE SET role = excluded.role, text = excluded.text
		WHERE (paragraphs.role, paragraphs.text) IS DISTINCT FROM (excluded.role, excluded.text)`, im.id, seqs, roles, texts); err != nil {
		return err
	}
	rows, err := im.tx.Query(ctx, `SELECT seq, id FROM paragraphs WHERE document_id = $1 AND seq <= $2`, im.id, n)
	if err != nil {
		return err
	}
	im.paraID = make(map[int]int64, n)
	var seq int
	var id int64
	_, err = pgx.ForEachRow(rows, []any{&seq, &id}, func() error { im.paraID[seq] = id; return nil })
	return err
}

// writeSections updates the sections whose anchor remains (keeping their
// id and theme) and adds the new ones. It returns every anchor's id.
func (im *docImport) writeSections(ctx context.Context) (map[string]int64, error) {
	ids := map[string]int64{}
	flat := anchor.Flatten(im.doc.Tree)
	// Every section steps aside first, so that none holds a place in the
	// numbering that another, new or kept, is about to take: a new 一是
	// ahead of (一) takes position 1 while (一) still holds it. Those going
	// away are deleted later; the rest get their new place below.
	if _, err := im.tx.Exec(ctx, `UPDATE sections SET position = position + 100000
		WHERE document_id = $1`, im.id); err != nil {
		return nil, err
	}
	// One statement per level of the tree, parents first, so that each
	// level knows its parents' ids.
	depth := map[string]int{}
	var levels [][]anchor.Flat
	for _, f := range flat {
		d := 0
		if f.Parent != "" {
			d = depth[f.Parent] + 1
		}
		depth[f.Section.Anchor] = d
		for len(levels) <= d {
			levels = append(levels, nil)
		}
		levels[d] = append(levels[d], f)
	}
	for _, level := range levels {
		n := len(level)
		parents, starts, ends := make([]int64, n), make([]int64, n), make([]int64, n)
		positions, startOffsets, endOffsets := make([]int32, n), make([]int32, n), make([]int32, n)
		kinds, labels, titles, anchors := make([]string, n), make([]string, n), make([]string, n), make([]string, n)
		for i, f := range level {
			s := f.Section
			parents[i] = ids[f.Parent] // 0 for a top-level section
			positions[i], kinds[i], labels[i], titles[i], anchors[i] = int32(f.Position), string(s.Kind), s.Label, s.Title, s.Anchor
			if f.Parent == "" {
				// A reply numbered only 一是, 二是 (or (一), (二)) has those at the
				// top of its tree; the schema calls every top-level node a
				// section, and the label keeps how it is numbered.
				kinds[i] = string(policy.SectionTop)
			}
			starts[i], startOffsets[i] = im.paraID[s.Start.Paragraph], int32(s.Start.Offset)
			ends[i], endOffsets[i] = im.paraID[s.End.Paragraph], int32(s.End.Offset)
		}
		rows, err := im.tx.Query(ctx, `
			INSERT INTO sections (document_id, parent_id, position, kind, label, title, anchor,
			                      start_paragraph_id, start_offset, end_paragraph_id, end_offset)
			SELECT $1, nullif(u.parent, 0), u.position, u.kind, u.label, u.title, u.anchor, u.sp, u.so, u.ep, u.eo
			FROM unnest($2::bigint[], $3::int[], $4::text[], $5::text[], $6::text[], $7::text[], $8::bigint[], $9::int[], $10::bigint[], $11::int[])
			     AS u(parent, position, kind, label, title, anchor, sp, so, ep, eo)
			ON CONFLICT (document_id, anchor) DO UPDATE SET parent_id = excluded.parent_id, position = excluded.position,
			    kind = excluded.kind, label = excluded.label, title = excluded.title,
			    start_paragraph_id = excluded.start_paragraph_id, start_offset = excluded.start_offset,
			    end_paragraph_id = excluded.end_paragraph_id, end_offset = excluded.end_offset
			RETURNING anchor, id`, im.id, parents, positions, kinds, labels, titles, anchors, starts, startOffsets, ends, endOffsets)
		if err != nil {
			return nil, err
		}
		var anchor string
		var id int64
		if _, err := pgx.ForEachRow(rows, []any{&anchor, &id}, func() error { ids[anchor] = id; return nil }); err != nil {
			return nil, err
		}
	}
	return ids, nil
}

// dropLeftovers removes the sections and paragraphs the new text no longer
// has, once every commitment stands on the new text.
func (im *docImport) dropLeftovers(ctx context.Context, sectionIDs map[string]int64) error {
	keep := make([]int64, 0, len(sectionIDs))
	for _, id := range sectionIDs {
		keep = append(keep, id)
	}
	if _, err := im.tx.Exec(ctx, `DELETE FROM sections WHERE document_id = $1 AND NOT id = ANY($2)`, im.id, keep); err != nil {
		return err
	}
	_, err := im.tx.Exec(ctx, `DELETE FROM paragraphs WHERE document_id = $1 AND seq > $2`, im.id, len(im.doc.Paragraphs))
	return err
}

// writeMentions links the known entities, and keeps mentions made by hand
// where their words stand and no found mention overlaps them.
func (im *docImport) writeMentions(ctx context.Context) (int, []ImportEntity, error) {
	found := importer.LinkEntities(im.doc, im.aliases)
	type key struct{ seq, start, end int }
	type span struct {
		key
		quote    string
		entityID int64
	}
	var all []span
	covered := map[int][][2]int{}
	for _, m := range found {
		all = append(all, span{key{m.Paragraph, m.Start, m.End}, m.Quote, im.entityIDs[m.Entity]})
		covered[m.Paragraph] = append(covered[m.Paragraph], [2]int{m.Start, m.End})
	}
	for _, m := range im.old.mentions {
		p, ok := im.relocate(m)
		if !ok {
			continue
		}
		seq, start, end := p.Seq, p.Start, p.End
		overlaps := false
		for _, c := range covered[seq] {
			overlaps = overlaps || (c[0] < end && start < c[1])
		}
		if !overlaps {
			all = append(all, span{key{seq, start, end}, m.quote, m.entityID})
		}
	}
	counts := map[int64]int{}
	n := len(all)
	entityIDs, paraIDs, starts, ends, quotes := make([]int64, n), make([]int64, n), make([]int32, n), make([]int32, n), make([]string, n)
	for i, m := range all {
		entityIDs[i], paraIDs[i], starts[i], ends[i], quotes[i] = m.entityID, im.paraID[m.seq], int32(m.start), int32(m.end), m.quote
		counts[m.entityID]++
	}
	if _, err := im.tx.Exec(ctx, `INSERT INTO mentions (entity_id, paragraph_id, start_offset, end_offset, quote)
		SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::int[], $4::int[], $5::text[]) ON CONFLICT DO NOTHING`,
		entityIDs, paraIDs, starts, ends, quotes); err != nil {
		return 0, nil, err
	}
	var entities []ImportEntity
	for _, m := range found {
		id := im.entityIDs[m.Entity]
		if counts[id] > 0 {
			entities = append(entities, ImportEntity{Slug: m.Entity, Name: im.entityNames[m.Entity], Count: counts[id]})
			counts[id] = 0
		}
	}
	return len(all), entities, nil
}

// writeFigures saves the figures found, with the measure and period written
// for a figure at the same words before; figures added by hand stay where
// their words stand.
func (im *docImport) writeFigures(ctx context.Context) ([]string, error) {
	type key struct {
		seq, start int
		quote      string
	}
	old := map[key]oldFigure{}
	// The measures of figures whose words changed (710人 → 1200人): they
	// go to the figure found at the changed words, if one is.
	changed := map[key]oldFigure{}
	var changedKeys []key // in the old text's order, for the list of losses
	var lost []string
	for _, f := range im.old.figures {
		p, ok := im.relocate(f.oldSpan)
		switch {
		case ok:
			f.end += p.Start - f.start
			f.start = p.Start
			old[key{p.Seq, p.Start, f.quote}] = f
		case f.measure == "" && f.period == nil:
		case p.Outcome == anchor.Changed:
			changed[key{p.Seq, p.Start, p.Quote}] = f
			changedKeys = append(changedKeys, key{p.Seq, p.Start, p.Quote})
		default:
			lost = append(lost, f.quote)
		}
	}
	// Two statements, the figures found and those kept from before: a row
	// at a time took seconds for a long reply.
	var rows figureRows
	for _, f := range im.doc.Figures {
		measure, period := "", (*string)(nil)
		k := key{f.Paragraph, f.Start, f.Quote}
		if o, ok := old[k]; ok {
			measure, period = o.measure, o.period
			delete(old, k)
		} else if o, ok := changed[k]; ok {
			measure, period = o.measure, o.period
			delete(changed, k)
		}
		rows.add(im.paraID[f.Paragraph], f.Start, f.End, f.Quote, string(f.Kind), f.Value, f.Unit, f.BaseValue, f.BaseUnit,
			f.Qualifier, measure, period)
	}
	if err := rows.insert(ctx, im.tx, ""); err != nil {
		return nil, err
	}
	for _, k := range changedKeys {
		if o, ok := changed[k]; ok {
			lost = append(lost, o.quote)
		}
	}
	var kept figureRows
	for k, o := range old {
		kept.add(im.paraID[k.seq], o.start, o.end, o.quote, o.kind, o.value, o.unit, o.baseValue, o.baseUnit, o.qualifier,
			o.measure, o.period)
	}
	if err := kept.insert(ctx, im.tx, "ON CONFLICT DO NOTHING"); err != nil {
		return nil, err
	}
	return lost, nil
}

// figureRows are figures to insert in one statement, column by column.
type figureRows struct {
	paragraphs                                                          []int64
	starts, ends                                                        []int32
	quotes, kinds, values, units, baseValues, baseUnits, qualifiers, ms []string
	periods                                                             []*string
}

func (r *figureRows) add(paragraph int64, start, end int, quote, kind, value, unit, baseValue, baseUnit, qualifier, measure string, period *string) {
	r.paragraphs = append(r.paragraphs, paragraph)
	r.starts, r.ends = append(r.starts, int32(start)), append(r.ends, int32(end))
	r.quotes, r.kinds, r.values, r.units = append(r.quotes, quote), append(r.kinds, kind), append(r.values, value), append(r.units, unit)
	r.baseValues, r.baseUnits, r.qualifiers = append(r.baseValues, baseValue), append(r.baseUnits, baseUnit), append(r.qualifiers, qualifier)
	r.ms, r.periods = append(r.ms, measure), append(r.periods, period)
}

func (r *figureRows) insert(ctx context.Context, tx pgx.Tx, onConflict string) error {
	if len(r.paragraphs) == 0 {
		return nil
	}
	_, err := tx.Exec(ctx, `INSERT INTO figures (paragraph_id, start_offset, end_offset, quote, kind, value, unit,
		    base_value, base_unit, qualifier, measure, period)
		SELECT p, s, e, q, k, v::numeric, u, bv::numeric, bu, ql, m, pd
		FROM unnest($1::bigint[], $2::int[], $3::int[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
		            $10::text[], $11::text[], $12::text[]) AS x(p, s, e, q, k, v, u, bv, bu, ql, m, pd) `+onConflict,
		r.paragraphs, r.starts, r.ends, r.quotes, r.kinds, r.values, r.units, r.baseValues, r.baseUnits, r.qualifiers, r.ms, r.periods)
	return err
}

// writeCitations links every 《》 title to the document of that title, adding
// one the portal does not know yet. A title in the opening is what the reply
// answers; when that is an earlier reply, this one follows it up. Citations
// made by hand stay where their words stand.
func (im *docImport) writeCitations(ctx context.Context) (added, lost []string, err error) {
	opening := map[int]bool{}
	for _, p := range im.doc.Paragraphs {
		opening[p.Seq] = p.Role == policy.RoleOpening
	}
	for _, c := range im.doc.Citations {
		relation, kind := "cites", "policy"
		if opening[c.Paragraph] {
			relation, kind = "replies_to", "proposal"
		} else if strings.HasSuffix(c.Title, "报告") {
			kind = "report"
		}
		var to int64
		var toKind string
		err := im.tx.QueryRow(ctx, `SELECT id, kind FROM documents WHERE title = $1 AND id <> $2 ORDER BY synthetic, kind = 'reply', id LIMIT 1`,
			c.Title, im.id).Scan(&to, &toKind)
		if err == nil && relation == "replies_to" && toKind == string(policy.KindReply) {
			relation = string(policy.RelationFollowsUp)
		}
		if errors.Is(err, pgx.ErrNoRows) {
			// The slug of a placeholder renamed since may be taken.
			sum := sha256.Sum256([]byte(c.Title))
			var slug string
			if slug, err = im.freeSlug(ctx, "cited-"+hex.EncodeToString(sum[:6])); err != nil {
				return nil, nil, err
			}
			// A placeholder is public when the document citing it is
			// (document_publish.go), a draft while that is a draft.
			err = im.tx.QueryRow(ctx, `INSERT INTO documents (slug, kind, title, published_at)
				VALUES ($1, $2, $3, (SELECT published_at FROM documents WHERE id = $4)) RETURNING id`,
				slug, kind, c.Title, im.id).Scan(&to)
			if err == nil {
				added = append(added, c.Title)
				err = audit(ctx, im.tx, im.actor, policy.ActionDocumentPlaceholder, "document", to, nil,
					&documentState{Title: c.Title, TextSHA256: emptySHA256}, placeholderDetail{File: im.file.Name, CitedBy: im.id})
			}
		}
		if err != nil {
			return nil, nil, err
		}
		if _, err := im.tx.Exec(ctx, `INSERT INTO document_links (from_document_id, to_document_id, relation, paragraph_id,
			    start_offset, end_offset, quote) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`,
			im.id, to, relation, im.paraID[c.Paragraph], c.Start, c.End, c.Quote); err != nil {
			return nil, nil, err
		}
	}
	for _, l := range im.old.links {
		p, ok := im.relocate(l.oldSpan)
		seq, start := p.Seq, p.Start
		if !ok {
			if !strings.HasPrefix(l.quote, "《") {
				lost = append(lost, l.quote)
			}
			continue
		}
		l.end += start - l.start
		l.start = start
		if _, err := im.tx.Exec(ctx, `INSERT INTO document_links (from_document_id, to_document_id, relation, paragraph_id,
			    start_offset, end_offset, quote)
			SELECT $1, $2, $3, $4, $5, $6, $7
			WHERE NOT EXISTS (SELECT 1 FROM document_links WHERE from_document_id = $1 AND paragraph_id = $4
			                  AND start_offset < $6 AND $5 < end_offset)`,
			im.id, l.toID, l.relation, im.paraID[seq], l.start, l.end, l.quote); err != nil {
			return nil, nil, err
		}
	}
	return added, lost, nil
}
