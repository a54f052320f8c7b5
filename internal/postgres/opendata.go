package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/guizhou-portal/portal/internal/policy"
)

// Mention is one place where a document names an entity.
type Mention struct {
	Entity policy.Entity
	Place  policy.Place
	Quote  string
}

// DocumentMentions lists every entity mention in a document's text, in reading order.
func (s *Store) DocumentMentions(ctx context.Context, documentID int64) ([]Mention, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT e.slug, e.kind, e.name, p.seq, m.start_offset, m.end_offset, m.quote
		FROM mentions m JOIN entities e ON e.id = m.entity_id JOIN paragraphs p ON p.id = m.paragraph_id
		WHERE p.document_id = $1 AND `+visibleDocument(ctx, "p.document_id")+` ORDER BY p.seq, m.start_offset`, documentID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Mention, error) {
		var m Mention
		return m, r.Scan(&m.Entity.Slug, &m.Entity.Kind, &m.Entity.Name, &m.Place.ParagraphSeq, &m.Place.Start, &m.Place.End, &m.Quote)
	})
}

// CommitmentFigures returns the figures inside the quote of each of the given
// commitments, keyed by commitment id, in reading order.
func (s *Store) CommitmentFigures(ctx context.Context, ids []int64) (map[int64][]policy.Figure, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT c.id, `+figureColumns+`
		FROM commitments c
		JOIN figures f ON f.paragraph_id = c.paragraph_id AND f.start_offset >= c.start_offset AND f.end_offset <= c.end_offset
		JOIN paragraphs p ON p.id = f.paragraph_id JOIN documents d ON d.id = p.document_id
		WHERE c.id = ANY($1) AND `+visible(ctx, "d")+` ORDER BY c.id, f.start_offset`, ids)
	if err != nil {
		return nil, err
	}
	out := make(map[int64][]policy.Figure)
	var id int64
	var f policy.Figure
	_, err = pgx.ForEachRow(rows, append([]any{&id}, figureDest(&f)...), func() error {
		out[id] = append(out[id], f)
		return nil
	})
	return out, err
}

// PublicUpdate is a public progress update with the commitment it belongs to,
// as feeds show it.
type PublicUpdate struct {
	policy.ProgressUpdate
	CommitmentID    int64
	CommitmentLabel string // 承诺 N
	CommitmentTitle string
	DocumentTitle   string
}

// PublicUpdates lists the newest public progress updates of commitments the
// public can see, newest first; commitmentID 0 means every commitment. An
// author's name is given only where the update is signed.
func (s *Store) PublicUpdates(ctx context.Context, commitmentID int64, limit int) ([]PublicUpdate, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT u.id, u.happened_on, u.status, u.progress, u.note, coalesce(u.evidence_url, ''), u.signed,
		       CASE WHEN u.signed THEN coalesce(a.name, '') ELSE '' END, u.created_at,
		       c.id, c.position, c.title, d.title
		FROM progress_updates u
		JOIN commitments c ON c.id = u.commitment_id
		JOIN documents d ON d.id = c.document_id
		LEFT JOIN users a ON a.id = u.author_id
		WHERE u.public AND u.hidden_at IS NULL AND c.withdrawn_at IS NULL AND ($1 = 0 OR c.id = $1) AND `+visible(ctx, "d")+`
		ORDER BY u.created_at DESC, u.id DESC
		LIMIT $2`, commitmentID, limit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (PublicUpdate, error) {
		var u PublicUpdate
		var progress *int16
		var position int
		err := r.Scan(&u.ID, &u.HappenedOn, &u.Status, &progress, &u.Note, &u.EvidenceURL, &u.Signed, &u.Author, &u.CreatedAt,
			&u.CommitmentID, &position, &u.CommitmentTitle, &u.DocumentTitle)
		if progress != nil {
			p := int(*progress)
			u.Progress = &p
		}
		u.Public = true
		u.CommitmentLabel = policy.Commitment{Position: position}.Label()
		return u, err
	})
}

// FeedEpoch is the date a feed with no entries gives as its last update:
// when the commitment was created, or for commitmentID 0 when the newest
// document was added. A commitment the public cannot see is ENOTFOUND.
func (s *Store) FeedEpoch(ctx context.Context, commitmentID int64) (time.Time, error) {
	var t time.Time
	if commitmentID == 0 {
		err := s.pool.QueryRow(ctx, `SELECT coalesce(max(d.created_at), 'epoch') FROM documents d WHERE `+visible(ctx, "d")).Scan(&t)
		return t, err
	}
	err := s.pool.QueryRow(ctx, `SELECT c.created_at FROM commitments c WHERE c.id = $1 AND c.withdrawn_at IS NULL AND `+
		visibleDocument(ctx, "c.document_id"), commitmentID).Scan(&t)
	return t, notFound(err, "err.commitment")
}

// EntityAlias is a surface form of an entity, as the importer links them.
type EntityAlias struct {
	Alias, Slug string
}

// EntityAliases lists every alias of every entity, for linking a new text.
func (s *Store) EntityAliases(ctx context.Context) ([]EntityAlias, error) {
	rows, err := s.pool.Query(ctx, `SELECT a.alias, e.slug FROM entity_aliases a JOIN entities e ON e.id = a.entity_id ORDER BY a.alias`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[EntityAlias])
}
