-- Versions instead of refusals (issue 14, item 5).
--
-- Every text a document has held is kept as a version, so that a corrected
-- reply can be imported over the old one and readers can still read, and
-- compare, what stood before. A version is the paragraphs as they stood
-- (seq, role, text), not a diff: any two can be compared, and one can be shown
-- without replaying others. Version 1 is backfilled from the paragraphs of
-- every document that has any; who made it is not known (created_by NULL).
--
-- A commitment whose words an import changed is re-anchored to the changed
-- words, its previous quote kept, and flagged 'changed' until staff confirm
-- it; one whose words are gone is flagged 'unplaced' and keeps its quote.
-- An unplaced commitment stays pinned to a paragraph and section of the new
-- text (near where its words were) rather than losing them: every page, list,
-- facet, feed and search joins commitments to their paragraph and section, so
-- a commitment without them would silently drop out of all of them. Only the
-- span check is waived for it (its quote is no longer in the text); pages
-- that mark spans in the text leave it out until it is pinned again.

-- +goose Up
CREATE TABLE document_versions (
    document_id bigint NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    number      integer NOT NULL CHECK (number >= 1),
    paragraphs  jsonb NOT NULL CHECK (jsonb_typeof(paragraphs) = 'array'), -- [{seq, role, text}] in order
    text_sha256 text NOT NULL,          -- of the texts joined by \n, as the import's audit record sums them
    created_at  timestamptz NOT NULL DEFAULT now(),
    created_by  text,                   -- the actor's name; NULL for versions from before they were kept
    file_name   text,                   -- the imported file's name, as the import page showed it
    PRIMARY KEY (document_id, number)
);

INSERT INTO document_versions (document_id, number, paragraphs, text_sha256, created_at)
SELECT d.id, 1,
       jsonb_agg(jsonb_build_object('seq', p.seq, 'role', p.role, 'text', p.text) ORDER BY p.seq),
       encode(sha256(convert_to(string_agg(p.text, E'\n' ORDER BY p.seq), 'UTF8')), 'hex'),
       d.created_at
FROM documents d JOIN paragraphs p ON p.document_id = d.id
GROUP BY d.id;

CREATE TRIGGER notify_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON document_versions
    FOR EACH STATEMENT EXECUTE FUNCTION notify_change();

ALTER TABLE commitments
    ADD COLUMN anchor_review text CHECK (anchor_review IN ('changed', 'unplaced')),
    ADD COLUMN previous_quote text,
    ADD CONSTRAINT commitments_changed_has_previous CHECK (anchor_review IS DISTINCT FROM 'changed' OR previous_quote IS NOT NULL);
CREATE INDEX commitments_anchor_review_idx ON commitments (document_id) WHERE anchor_review IS NOT NULL;

DROP TRIGGER commitments_check_span ON commitments;
CREATE TRIGGER commitments_check_span
    BEFORE INSERT OR UPDATE OF paragraph_id, start_offset, end_offset, quote, anchor_review ON commitments
    FOR EACH ROW WHEN (NEW.anchor_review IS DISTINCT FROM 'unplaced') EXECUTE FUNCTION check_span();

-- +goose Down
DROP TRIGGER commitments_check_span ON commitments;
CREATE TRIGGER commitments_check_span BEFORE INSERT OR UPDATE OF paragraph_id, start_offset, end_offset, quote ON commitments
    FOR EACH ROW EXECUTE FUNCTION check_span();
DROP INDEX commitments_anchor_review_idx;
ALTER TABLE commitments
    DROP CONSTRAINT commitments_changed_has_previous,
    DROP COLUMN previous_quote,
    DROP COLUMN anchor_review;
DROP TABLE document_versions;
