-- The proposer's evaluation of a reply and the follow-up it may open (issue 15,
-- item 4). Staff issue a personal link for a reply's addressee; the proposer,
-- who has no account, opens /evaluations/{token}, rates the reply as a whole
-- (满意 / 基本满意 / 不满意) and optionally each top-level section, and leaves a
-- comment that is public only if they say so. 不满意 opens a follow-up
-- (再次办理) with its own due date, closed when staff attach the follow-up reply.
--
-- evaluation_links keeps only the SHA-256 of the token: the token itself is
-- shown to staff once and never stored. A link is spent by the UPDATE that
-- sets used_at (one row lock, so of two submissions at the same moment one
-- finds it spent), and evaluations.link_id is unique besides.
--
-- evaluations, evaluation_sections and follow_ups show on public pages
-- (the document, its sections, the dashboard), so they notify their document's
-- tag as 00013 does; evaluation_links is staff-only but keeps 00008's
-- trigger like every other table, so a staff page never lags.

-- +goose Up
CREATE TABLE evaluation_links (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    document_id bigint NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    addressee   text NOT NULL CHECK (addressee <> '' AND char_length(addressee) <= 200),
    token_hash  bytea NOT NULL UNIQUE CHECK (octet_length(token_hash) = 32),
    issued_at   timestamptz NOT NULL,
    issued_by   bigint REFERENCES users (id),
    expires_at  timestamptz NOT NULL CHECK (expires_at > issued_at),
    used_at     timestamptz,
    revoked_at  timestamptz,
    revoked_by  bigint REFERENCES users (id),
    CHECK (used_at IS NULL OR revoked_at IS NULL)
);
CREATE INDEX evaluation_links_document_idx ON evaluation_links (document_id, id DESC);

CREATE TABLE evaluations (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    link_id        bigint NOT NULL UNIQUE REFERENCES evaluation_links (id),
    document_id    bigint NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    rating         text NOT NULL CHECK (rating IN ('satisfied', 'basically_satisfied', 'unsatisfied')),
    comment        text NOT NULL DEFAULT '' CHECK (char_length(comment) <= 2000),
    comment_public boolean NOT NULL DEFAULT false,
    submitted_at   timestamptz NOT NULL
);
CREATE INDEX evaluations_document_idx ON evaluations (document_id, submitted_at DESC);

CREATE TABLE evaluation_sections (
    evaluation_id bigint NOT NULL REFERENCES evaluations (id) ON DELETE CASCADE,
    section_id    bigint NOT NULL REFERENCES sections (id) ON DELETE CASCADE,
    rating        text NOT NULL CHECK (rating IN ('satisfied', 'basically_satisfied', 'unsatisfied')),
    PRIMARY KEY (evaluation_id, section_id)
);
CREATE INDEX evaluation_sections_section_idx ON evaluation_sections (section_id);

CREATE TABLE follow_ups (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    document_id       bigint NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    evaluation_id     bigint NOT NULL UNIQUE REFERENCES evaluations (id),
    due_on            date NOT NULL,
    opened_at         timestamptz NOT NULL,
    reply_document_id bigint REFERENCES documents (id),
    closed_at         timestamptz,
    version           integer NOT NULL DEFAULT 1,
    CHECK ((reply_document_id IS NULL) = (closed_at IS NULL)),
    CHECK (reply_document_id IS NULL OR reply_document_id <> document_id)
);
CREATE INDEX follow_ups_open_idx ON follow_ups (due_on) WHERE closed_at IS NULL;

-- +goose StatementBegin
-- notify_document_rows tags the documents of the rows a statement touched
-- (their document_id), for tables whose rows belong to one document.
CREATE FUNCTION notify_document_rows() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    ids bigint[] := '{}';
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        ids := ids || ARRAY(SELECT document_id FROM old_rows);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        ids := ids || ARRAY(SELECT document_id FROM new_rows);
    END IF;
    PERFORM notify_tags(TG_TABLE_NAME, ARRAY(SELECT 'd:' || slug FROM documents WHERE id = ANY (ids)));
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
-- notify_evaluation_rows tags the document of the evaluations whose section
-- ratings a statement touched.
CREATE FUNCTION notify_evaluation_rows() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    ids bigint[] := '{}';
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        ids := ids || ARRAY(SELECT evaluation_id FROM old_rows);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        ids := ids || ARRAY(SELECT evaluation_id FROM new_rows);
    END IF;
    PERFORM notify_tags(TG_TABLE_NAME, ARRAY(SELECT DISTINCT 'd:' || d.slug FROM evaluations e
        JOIN documents d ON d.id = e.document_id WHERE e.id = ANY (ids)));
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
DO $$
DECLARE
    t text;
    f text;
BEGIN
    FOREACH t IN ARRAY ARRAY['evaluations', 'follow_ups', 'evaluation_sections'] LOOP
        f := CASE t WHEN 'evaluation_sections' THEN 'notify_evaluation_rows' ELSE 'notify_document_rows' END;
        EXECUTE format('CREATE TRIGGER notify_change AFTER TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION notify_change()', t);
        EXECUTE format('CREATE TRIGGER notify_insert AFTER INSERT ON %I REFERENCING NEW TABLE AS new_rows '
                       'FOR EACH STATEMENT EXECUTE FUNCTION %I()', t, f);
        EXECUTE format('CREATE TRIGGER notify_update AFTER UPDATE ON %I REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows '
                       'FOR EACH STATEMENT EXECUTE FUNCTION %I()', t, f);
        EXECUTE format('CREATE TRIGGER notify_delete AFTER DELETE ON %I REFERENCING OLD TABLE AS old_rows '
                       'FOR EACH STATEMENT EXECUTE FUNCTION %I()', t, f);
    END LOOP;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER notify_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON evaluation_links
    FOR EACH STATEMENT EXECUTE FUNCTION notify_change();

-- Issuing, revoking, evaluating and the follow-up's changes are audited with
-- these subject types, added to whatever list the log has by now. 00011's
-- pattern ('([a-z_]+)') finds the names only while the check is still
-- written IN ('a', 'b'): once 00011 has rewritten it as ANY ('{a,b}'::text[])
-- it finds none, and the IF quietly adds nothing. This one reads both forms,
-- and fails rather than guess when it reads nothing.
-- +goose StatementBegin
DO $$
DECLARE
    kinds text[];
    k text;
BEGIN
    FOREACH k IN ARRAY ARRAY['evaluation_link', 'evaluation', 'follow_up'] LOOP
        SELECT array_agg(m[1]) INTO kinds
        FROM regexp_matches((SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'audit_log_subject_type_check'),
                            '[{,'']([a-z_]+)(?=[,}''])', 'g') AS m;
        IF kinds IS NULL OR NOT 'commitment' = ANY (kinds) THEN
            RAISE EXCEPTION 'cannot read audit_log_subject_type_check';
        END IF;
        IF NOT k = ANY (kinds) THEN
            EXECUTE format('ALTER TABLE audit_log DROP CONSTRAINT audit_log_subject_type_check, '
                           'ADD CONSTRAINT audit_log_subject_type_check CHECK (subject_type = ANY (%L::text[]))',
                           kinds || k);
        END IF;
    END LOOP;
END
$$;
-- +goose StatementEnd

-- +goose Down

-- The audit log is append-only, so its records of these subjects stay; the
-- narrower check holds for new rows only.
-- +goose StatementBegin
DO $$
DECLARE
    kinds text[];
BEGIN
    SELECT array_agg(m[1]) INTO kinds
    FROM regexp_matches((SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'audit_log_subject_type_check'),
                        '[{,'']([a-z_]+)(?=[,}''])', 'g') AS m;
    IF kinds IS NULL OR NOT 'commitment' = ANY (kinds) THEN
        RAISE EXCEPTION 'cannot read audit_log_subject_type_check';
    END IF;
    EXECUTE format('ALTER TABLE audit_log DROP CONSTRAINT audit_log_subject_type_check, '
                   'ADD CONSTRAINT audit_log_subject_type_check CHECK (subject_type = ANY (%L::text[])) NOT VALID',
                   array_remove(array_remove(array_remove(kinds, 'evaluation_link'), 'evaluation'), 'follow_up'));
END
$$;
-- +goose StatementEnd

DROP TABLE follow_ups;
DROP TABLE evaluation_sections;
DROP TABLE evaluations;
DROP TABLE evaluation_links;
DROP FUNCTION notify_evaluation_rows();
DROP FUNCTION notify_document_rows();
