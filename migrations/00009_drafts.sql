-- Draft, then publish: a document is public only once an editor publishes it.
--
-- published_at is when the document was (last) published; NULL makes it a draft,
-- which staff see, marked, and the public never sees: not the document, its text,
-- its sections, commitments, figures, mentions, links, search hits, feeds or
-- counts. Every document already here was public, so it is published as of when
-- it was added. A new row is a draft unless its writer says otherwise: an import
-- saves drafts; a document a draft cites and the portal did not know (a
-- placeholder with a title only) is a draft too, and is published with the first
-- document citing it that is published (internal/postgres/document_publish.go).
--
-- Publishing is an UPDATE of documents, so the change-notify trigger of 00008
-- empties every portal's page cache, as for any other write.

-- +goose Up

ALTER TABLE documents ADD COLUMN published_at timestamptz;
UPDATE documents SET published_at = created_at;
-- The public's reads leave out the drafts' ids (postgres.visibleDocument): few
-- rows, read from this index, not from the whole table.
CREATE INDEX documents_drafts_idx ON documents (id) WHERE published_at IS NULL;

-- +goose Down

DROP INDEX documents_drafts_idx;
ALTER TABLE documents DROP COLUMN published_at;
