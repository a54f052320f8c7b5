package postgres

import (
	"context"
	"encoding/hex"
	"errors"
	"io"

	"github.com/jackc/pgx/v5"

	"github.com/guizhou-portal/portal/internal/policy"
)

// EvidenceChunk is how many bytes of a file one row of evidence_chunks holds.
const EvidenceChunk = 1 << 20

// evidenceDetail is the detail of an evidence.add record.
type evidenceDetail struct {
	UpdateID int64  `json:"update_id"`
	FileID   int64  `json:"evidence_id"`
	Name     string `json:"name"`
	Size     int64  `json:"size"`
	SHA256   string `json:"sha256"`
}

// AddEvidence stores a file (content, f.Size bytes whose SHA-256 is
// f.SHA256) as evidence of progress update updateID of commitment
// commitmentID, with its audit record, in one transaction: a file that
// cannot be read to its end leaves nothing behind. A file whose bytes are in
// the object store already (f.ObjectKey set) has only its row and record
// written, and content is not read. ENOTFOUND when the update is not the
// commitment's; ECONFLICT when the commitment is withdrawn.
func (s *Store) AddEvidence(ctx context.Context, a policy.Actor, commitmentID, updateID int64, f policy.EvidenceFile, content io.Reader) (int64, error) {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback(ctx)
	var withdrawn bool
	err = tx.QueryRow(ctx, `SELECT c.withdrawn_at IS NOT NULL FROM progress_updates u JOIN commitments c ON c.id = u.commitment_id
		WHERE u.id = $1 AND u.commitment_id = $2 FOR SHARE OF u`, updateID, commitmentID).Scan(&withdrawn)
	if err != nil {
		return 0, notFound(err, "evidence.update.unknown")
	}
	if withdrawn {
		return 0, policy.Errorm(policy.ECONFLICT, "err.withdrawn.update")
	}
	sum, err := hex.DecodeString(f.SHA256)
	if err != nil {
		return 0, err
	}
	var author *int64
	if a.UserID != 0 {
		author = &a.UserID
	}
	var key *string
	if f.ObjectKey != "" {
		key = &f.ObjectKey
	}
	err = tx.QueryRow(ctx, `INSERT INTO evidence_files (update_id, name, content_type, size, sha256, author_id, object_key)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, updateID, f.Name, f.ContentType, f.Size, sum, author, key).Scan(&f.ID)
	if err != nil {
		return 0, err
	}
	if key == nil {
		if err := writeEvidenceChunks(ctx, tx, f, content); err != nil {
			return 0, err
		}
	}
	if err := audit(ctx, tx, a, policy.ActionEvidenceAdd, "commitment", commitmentID, nil, nil,
		evidenceDetail{UpdateID: updateID, FileID: f.ID, Name: f.Name, Size: f.Size, SHA256: f.SHA256}); err != nil {
		return 0, err
	}
	return f.ID, tx.Commit(ctx)
}

// writeEvidenceChunks writes file f's bytes, read from content, as its
// chunks.
func writeEvidenceChunks(ctx context.Context, tx pgx.Tx, f policy.EvidenceFile, content io.Reader) error {
	buf := make([]byte, EvidenceChunk)
	var written int64
	for seq := 0; ; seq++ {
		n, err := io.ReadFull(content, buf)
		if n > 0 {
			if _, err := tx.Exec(ctx, `INSERT INTO evidence_chunks (file_id, seq, data) VALUES ($1, $2, $3)`, f.ID, seq, buf[:n]); err != nil {
				return err
			}
			written += int64(n)
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			break
		}
		if err != nil {
			return err
		}
	}
	if written != f.Size {
		return errors.New("evidence: the file changed size while it was stored")
	}
	return nil
}

const evidenceColumns = `f.id, f.update_id, f.name, f.content_type, f.size, encode(f.sha256, 'hex'), f.created_at, coalesce(f.object_key, '')`

func scanEvidence(r pgx.Row) (policy.EvidenceFile, error) {
	var f policy.EvidenceFile
	err := r.Scan(&f.ID, &f.UpdateID, &f.Name, &f.ContentType, &f.Size, &f.SHA256, &f.CreatedAt, &f.ObjectKey)
	return f, err
}

// evidenceVisible is the condition that file f may be shown to the viewer:
// to staff always; to the public only when its update is public and not
// hidden, its commitment not withdrawn and its document published.
func evidenceVisible(ctx context.Context, staff string) string {
	return `(` + staff + ` OR EXISTS (SELECT 1 FROM progress_updates vu JOIN commitments vc ON vc.id = vu.commitment_id
		WHERE vu.id = f.update_id AND vu.public AND vu.hidden_at IS NULL AND vc.withdrawn_at IS NULL AND ` + visibleDocument(ctx, "vc.document_id") + `))`
}

// CommitmentEvidence lists the files of a commitment's updates the viewer
// may see, by update, oldest first.
func (s *Store) CommitmentEvidence(ctx context.Context, commitmentID int64, staff bool) (map[int64][]policy.EvidenceFile, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+evidenceColumns+` FROM evidence_files f JOIN progress_updates u ON u.id = f.update_id
		WHERE u.commitment_id = $1 AND `+evidenceVisible(ctx, "$2")+` ORDER BY f.id`, commitmentID, staff)
	if err != nil {
		return nil, err
	}
	out := map[int64][]policy.EvidenceFile{}
	_, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (struct{}, error) {
		f, err := scanEvidence(r)
		out[f.UpdateID] = append(out[f.UpdateID], f)
		return struct{}{}, err
	})
	return out, err
}

// Evidence is the file id as the viewer may see it; ENOTFOUND when there is
// none, or it belongs to an update the viewer may not see.
func (s *Store) Evidence(ctx context.Context, id int64, staff bool) (policy.EvidenceFile, error) {
	f, err := scanEvidence(s.pool.QueryRow(ctx, `SELECT `+evidenceColumns+` FROM evidence_files f
		WHERE f.id = $1 AND `+evidenceVisible(ctx, "$2"), id, staff))
	return f, notFound(err, "evidence.unknown")
}

// WriteEvidence writes file id's bytes to w a chunk at a time, so that a
// file is never held whole in memory.
func (s *Store) WriteEvidence(ctx context.Context, id int64, w io.Writer) error {
	rows, err := s.pool.Query(ctx, `SELECT data FROM evidence_chunks WHERE file_id = $1 ORDER BY seq`, id)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		// RawValues is the row's buffer: written out before the next row reuses it.
		if _, err := w.Write(rows.RawValues()[0]); err != nil {
			return err
		}
	}
	return rows.Err()
}

// EvidenceObjectsKept says which of keys are the object keys of stored
// files: the objects the orphan sweep must leave.
func (s *Store) EvidenceObjectsKept(ctx context.Context, keys []string) (map[string]bool, error) {
	rows, err := s.pool.Query(ctx, `SELECT object_key FROM evidence_files WHERE object_key = ANY($1)`, keys)
	if err != nil {
		return nil, err
	}
	kept, err := pgx.CollectRows(rows, pgx.RowTo[string])
	out := make(map[string]bool, len(kept))
	for _, k := range kept {
		out[k] = true
	}
	return out, err
}
