package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/guizhou-portal/portal/internal/policy"
)

// DocumentVersion is one text a document has held, as document_versions
// keeps it: its number (from 1), when and by whom it was imported (By is
// empty for a version from before versions were kept), from which file,
// and how many paragraphs it had.
type DocumentVersion struct {
	Number     int
	At         time.Time
	By         string
	File       string
	Paragraphs int
}

// VersionParagraph is a paragraph of a version, as it stood.
type VersionParagraph struct {
	Seq  int    `json:"seq"`
	Role string `json:"role"`
	Text string `json:"text"`
}

// DocumentVersions lists the versions of the document with the given slug,
// oldest first; the last is the current text.
func (s *Store) DocumentVersions(ctx context.Context, slug string) (policy.Document, []DocumentVersion, error) {
	d, err := s.Document(ctx, slug)
	if err != nil {
		return d, nil, err
	}
	rows, err := s.pool.Query(ctx, `SELECT number, created_at, coalesce(created_by, ''), coalesce(file_name, ''), jsonb_array_length(paragraphs)
		FROM document_versions WHERE document_id = $1 ORDER BY number`, d.ID)
	if err != nil {
		return d, nil, err
	}
	vs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (DocumentVersion, error) {
		var v DocumentVersion
		return v, r.Scan(&v.Number, &v.At, &v.By, &v.File, &v.Paragraphs)
	})
	return d, vs, err
}

// DocumentVersionText is version n of a document, its paragraphs as they
// stood, and the number of the current version. ENOTFOUND when the document
// or the version is not there.
func (s *Store) DocumentVersionText(ctx context.Context, documentID int64, n int) (DocumentVersion, []VersionParagraph, int, error) {
	var v DocumentVersion
	var raw []byte
	var current int
	err := s.pool.QueryRow(ctx, `SELECT v.number, v.created_at, coalesce(v.created_by, ''), coalesce(v.file_name, ''), v.paragraphs,
		    (SELECT max(number) FROM document_versions WHERE document_id = v.document_id)
		FROM document_versions v WHERE v.document_id = $1 AND v.number = $2`, documentID, n).
		Scan(&v.Number, &v.At, &v.By, &v.File, &raw, &current)
	if err != nil {
		return v, nil, 0, notFound(err, "err.docversion")
	}
	var ps []VersionParagraph
	if err := json.Unmarshal(raw, &ps); err != nil {
		return v, nil, 0, err
	}
	v.Paragraphs = len(ps)
	return v, ps, current, nil
}

// writeVersion keeps the text the import wrote as the document's next
// version, unless it is the text of its latest version already, and says
// which number it got (0 for none). A document whose earlier text was never
// kept as a version (one made before versions were, that the migration did
// not see) gets that text as version 1 first, so that the diff can show it.
func (im *docImport) writeVersion(ctx context.Context, before, after *documentState) (int, error) {
	if after.Paragraphs == 0 {
		return 0, nil
	}
	var latest int
	var sum string
	err := im.tx.QueryRow(ctx, `SELECT number, text_sha256 FROM document_versions WHERE document_id = $1
		ORDER BY number DESC LIMIT 1`, im.id).Scan(&latest, &sum)
	switch {
	case err == nil && sum == after.TextSHA256:
		return 0, nil
	case errors.Is(err, pgx.ErrNoRows) && before != nil && before.Paragraphs > 0 && before.TextSHA256 != after.TextSHA256:
		old := make([]VersionParagraph, 0, len(im.old.paragraphs))
		for i, text := range im.old.ordered() {
			old = append(old, VersionParagraph{Seq: i + 1, Role: im.old.roles[i+1], Text: text})
		}
		if err := im.insertVersion(ctx, 1, old, before.TextSHA256, nil, nil); err != nil {
			return 0, err
		}
		latest = 1
	case err != nil && !errors.Is(err, pgx.ErrNoRows):
		return 0, err
	}
	ps := make([]VersionParagraph, len(im.doc.Paragraphs))
	for i, p := range im.doc.Paragraphs {
		ps[i] = VersionParagraph{Seq: p.Seq, Role: string(p.Role), Text: p.Text}
	}
	by := im.actor.Name
	if by == "" {
		by = cliActorName
	}
	return latest + 1, im.insertVersion(ctx, latest+1, ps, after.TextSHA256, &by, &im.file.Name)
}

func (im *docImport) insertVersion(ctx context.Context, n int, ps []VersionParagraph, sum string, by, file *string) error {
	raw, err := json.Marshal(ps)
	if err != nil {
		return err
	}
	created := "now()"
	if by == nil { // the text as it stood before: when the document was made
		created = "(SELECT created_at FROM documents WHERE id = $1)"
	}
	_, err = im.tx.Exec(ctx, `INSERT INTO document_versions (document_id, number, paragraphs, text_sha256, created_at, created_by, file_name)
		VALUES ($1, $2, $3, $4, `+created+`, $5, nullif($6, ''))`, im.id, n, raw, sum, by, file)
	return err
}
