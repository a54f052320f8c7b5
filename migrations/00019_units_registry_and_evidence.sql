-- The units registry and evidence files (issue 16, items 3 and 4).
--
-- Units are entities: admins now add and edit them (/admin/units), and their
-- edits are audited with subject type entity. The units the reply names are
-- already of kind government or organisation (00003); nothing is seeded here.
--
-- The audit log's subject types are read back from its check, which after
-- 00011 is written as an array literal ('{commitment,user,...}'): 00011's
-- pattern, which looks for quoted words, finds none there, so this one reads
-- the words inside ANY (...) instead.
--
-- Evidence files are attached to a progress update. A file's bytes are kept in
-- PostgreSQL, in chunks of at most 1 MiB (evidence_chunks), so that every
-- instance sees them and none has to hold a whole file in one value. The file's
-- row and all its chunks are written in one transaction: an upload that breaks
-- off leaves nothing behind. Whether a file is public follows its update's
-- public flag; the store never serves an internal update's file to the public.

-- +goose Up

CREATE TABLE evidence_files (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    update_id    bigint NOT NULL REFERENCES progress_updates (id),
    name         text NOT NULL CHECK (name <> '' AND char_length(name) <= 200 AND name !~ '[/\\[:cntrl:]]'),
    content_type text NOT NULL CHECK (content_type <> ''),
    size         bigint NOT NULL CHECK (size > 0),
    sha256       bytea NOT NULL CHECK (octet_length(sha256) = 32),
    author_id    bigint REFERENCES users (id),
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX evidence_files_update_idx ON evidence_files (update_id, id);

CREATE TABLE evidence_chunks (
    file_id bigint NOT NULL REFERENCES evidence_files (id) ON DELETE CASCADE,
    seq     integer NOT NULL CHECK (seq >= 0),
    data    bytea NOT NULL CHECK (octet_length(data) BETWEEN 1 AND 1048576),
    PRIMARY KEY (file_id, seq)
);
-- PDFs, scans and office documents are compressed already: kept out of line
-- as they are, without PostgreSQL spending time compressing them again.
ALTER TABLE evidence_chunks ALTER COLUMN data SET STORAGE EXTERNAL;

-- A file shows on its commitment's public page: its cached pages go when one is added.
CREATE TRIGGER notify_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON evidence_files
    FOR EACH STATEMENT EXECUTE FUNCTION notify_change();

-- +goose StatementBegin
DO $$
DECLARE
    kinds text[];
BEGIN
    -- The check reads ARRAY['commitment'::text, ...] or, once rewritten by
    -- 00011, '{commitment,user,...}'::text[]: its words are the kinds either way.
    SELECT array_agg(DISTINCT m[1]) INTO kinds
    FROM regexp_matches(replace(substring((SELECT pg_get_constraintdef(oid) FROM pg_constraint
                                            WHERE conname = 'audit_log_subject_type_check') from 'ANY \((.*)\)'), '::text', ''),
                        '([a-z_]+)', 'g') AS m;
    IF kinds IS NULL OR cardinality(kinds) < 2 THEN
        RAISE EXCEPTION 'audit_log_subject_type_check not understood';
    END IF;
    IF NOT 'entity' = ANY (kinds) THEN
        EXECUTE format('ALTER TABLE audit_log DROP CONSTRAINT audit_log_subject_type_check, '
                       'ADD CONSTRAINT audit_log_subject_type_check CHECK (subject_type = ANY (%L::text[]))',
                       kinds || 'entity'::text);
    END IF;
END
$$;
-- +goose StatementEnd

-- +goose Down

-- The audit log is append-only, so its entity records stay; the narrower check
-- holds for new rows only.
-- +goose StatementBegin
DO $$
DECLARE
    kinds text[];
BEGIN
    -- The check reads ARRAY['commitment'::text, ...] or, once rewritten by
    -- 00011, '{commitment,user,...}'::text[]: its words are the kinds either way.
    SELECT array_agg(DISTINCT m[1]) INTO kinds
    FROM regexp_matches(replace(substring((SELECT pg_get_constraintdef(oid) FROM pg_constraint
                                            WHERE conname = 'audit_log_subject_type_check') from 'ANY \((.*)\)'), '::text', ''),
                        '([a-z_]+)', 'g') AS m;
    IF kinds IS NULL OR cardinality(kinds) < 2 THEN
        RAISE EXCEPTION 'audit_log_subject_type_check not understood';
    END IF;
    EXECUTE format('ALTER TABLE audit_log DROP CONSTRAINT audit_log_subject_type_check, '
                   'ADD CONSTRAINT audit_log_subject_type_check CHECK (subject_type = ANY (%L::text[])) NOT VALID',
                   array_remove(kinds, 'entity'));
END
$$;
-- +goose StatementEnd

DROP TABLE evidence_chunks;
DROP TABLE evidence_files;
