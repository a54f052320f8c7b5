-- commitment_entities (00005) was a view: every commitment's quote mentions and units,
-- computed on the fly. At 10,000 documents (244,000 commitments, 827,000 mentions) every
-- page that asks which commitments name an entity paid for computing it over all of them:
-- an entity page's commitment count took 0.6 to 1.4 s (a hash join of every commitment with
-- the entity's mentions), a commitment's related commitments 0.4 to 2.8 s. It is now a
-- table with the same name and the view's two columns (and three more, below), kept by
-- triggers on the three tables it is made from, and indexed both ways: which entities a
-- commitment names, and which commitments name an entity.
--
-- The triggers are statement-level with transition tables, as 00013's notify triggers
-- are: an import's statements are refreshed once each, not once a row. Each finds the
-- commitments a statement can have changed (for mentions: the commitments whose words
-- hold the mention, before and after; for commitments: the ones whose paragraph or span
-- moved, and new ones; for units: their commitments) and recomputes their rows from the
-- view's old definition. A deleted commitment's rows go with it by foreign key.
--
-- Each row also carries its commitment's position (reading order in its document, which
-- never changes once a commitment is made): a commitment's related commitments are the
-- ones sharing most entities, then by position, and at 10,000 documents the commitments
-- sharing an entity with the seeded reply's first one are 16,000; ranking them from this
-- table alone and looking up only the first eight took the query from 1.45 s to 71 ms
-- (best of 3 on a machine at load 7).
-- It also carries its document and whether it is live (not withdrawn), refreshed when
-- that changes: an entity page counts its commitments from the index alone (639 ms to
-- 1.3 ms for 贵州省) and finds the documents that name it without visiting the
-- commitments of the others (its first 100 commitments: 160 to 37 ms).

-- +goose Up
DROP VIEW commitment_entities;

CREATE TABLE commitment_entities (
    commitment_id bigint NOT NULL REFERENCES commitments (id) ON DELETE CASCADE,
    entity_id     bigint NOT NULL REFERENCES entities (id) ON DELETE CASCADE,
    position      integer NOT NULL,
    document_id   bigint NOT NULL,
    live          boolean NOT NULL, -- the commitment is not withdrawn
    PRIMARY KEY (commitment_id, entity_id)
);
CREATE INDEX commitment_entities_entity_idx ON commitment_entities (entity_id, document_id, commitment_id) INCLUDE (position, live);

-- commitment_entity_rows is the view's old definition for the commitments ids.
-- +goose StatementBegin
CREATE FUNCTION commitment_entity_rows(ids bigint[]) RETURNS TABLE (commitment_id bigint, entity_id bigint, commitment_position integer, document_id bigint, live boolean)
LANGUAGE sql STABLE AS $$
    SELECT c.id, m.entity_id, c.position, c.document_id, c.withdrawn_at IS NULL
    FROM commitments c
    JOIN mentions m ON m.paragraph_id = c.paragraph_id
                   AND m.start_offset >= c.start_offset AND m.end_offset <= c.end_offset
    WHERE c.id = ANY (ids)
    UNION
    SELECT c.id, u.entity_id, c.position, c.document_id, c.withdrawn_at IS NULL
    FROM commitment_units u JOIN commitments c ON c.id = u.commitment_id
    WHERE u.commitment_id = ANY (ids)
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION refresh_commitment_entities() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    ids bigint[] := '{}';
BEGIN
    IF TG_TABLE_NAME = 'mentions' THEN
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
            ids := ids || ARRAY(SELECT c.id FROM old_rows o JOIN commitments c ON c.paragraph_id = o.paragraph_id
                                AND o.start_offset >= c.start_offset AND o.end_offset <= c.end_offset);
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
            ids := ids || ARRAY(SELECT c.id FROM new_rows n JOIN commitments c ON c.paragraph_id = n.paragraph_id
                                AND n.start_offset >= c.start_offset AND n.end_offset <= c.end_offset);
        END IF;
    ELSIF TG_TABLE_NAME = 'commitment_units' THEN
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
            ids := ids || ARRAY(SELECT o.commitment_id FROM old_rows o);
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
            ids := ids || ARRAY(SELECT n.commitment_id FROM new_rows n);
        END IF;
    ELSIF TG_OP = 'INSERT' THEN -- commitments
        ids := ARRAY(SELECT n.id FROM new_rows n);
    ELSE -- an update of commitments: a moved span changes what its words name
        ids := ARRAY(SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id
                     WHERE (n.paragraph_id, n.start_offset, n.end_offset, n.document_id, n.position, n.withdrawn_at IS NULL)
                           IS DISTINCT FROM (o.paragraph_id, o.start_offset, o.end_offset, o.document_id, o.position, o.withdrawn_at IS NULL));
    END IF;
    IF cardinality(ids) > 0 THEN
        ids := ARRAY(SELECT DISTINCT unnest(ids));
        DELETE FROM commitment_entities ce WHERE ce.commitment_id = ANY (ids);
        INSERT INTO commitment_entities (commitment_id, entity_id, position, document_id, live)
        SELECT r.commitment_id, r.entity_id, r.commitment_position, r.document_id, r.live FROM commitment_entity_rows(ids) r
        ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER commitment_entities_insert AFTER INSERT ON mentions REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION refresh_commitment_entities();
CREATE TRIGGER commitment_entities_update AFTER UPDATE ON mentions REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION refresh_commitment_entities();
CREATE TRIGGER commitment_entities_delete AFTER DELETE ON mentions REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION refresh_commitment_entities();
CREATE TRIGGER commitment_entities_insert AFTER INSERT ON commitment_units REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION refresh_commitment_entities();
CREATE TRIGGER commitment_entities_update AFTER UPDATE ON commitment_units REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION refresh_commitment_entities();
CREATE TRIGGER commitment_entities_delete AFTER DELETE ON commitment_units REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION refresh_commitment_entities();
CREATE TRIGGER commitment_entities_insert AFTER INSERT ON commitments REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION refresh_commitment_entities();
CREATE TRIGGER commitment_entities_update AFTER UPDATE ON commitments REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION refresh_commitment_entities();

INSERT INTO commitment_entities (commitment_id, entity_id, position, document_id, live)
SELECT c.id, m.entity_id, c.position, c.document_id, c.withdrawn_at IS NULL
FROM commitments c
JOIN mentions m ON m.paragraph_id = c.paragraph_id
               AND m.start_offset >= c.start_offset AND m.end_offset <= c.end_offset
UNION
SELECT c.id, u.entity_id, c.position, c.document_id, c.withdrawn_at IS NULL
FROM commitment_units u JOIN commitments c ON c.id = u.commitment_id;
ANALYZE commitment_entities;

-- +goose Down
DROP TRIGGER commitment_entities_update ON commitments;
DROP TRIGGER commitment_entities_insert ON commitments;
DROP TRIGGER commitment_entities_delete ON commitment_units;
DROP TRIGGER commitment_entities_update ON commitment_units;
DROP TRIGGER commitment_entities_insert ON commitment_units;
DROP TRIGGER commitment_entities_delete ON mentions;
DROP TRIGGER commitment_entities_update ON mentions;
DROP TRIGGER commitment_entities_insert ON mentions;
DROP FUNCTION refresh_commitment_entities();
DROP FUNCTION commitment_entity_rows(bigint[]);
DROP TABLE commitment_entities;
CREATE VIEW commitment_entities AS
SELECT c.id AS commitment_id, m.entity_id
FROM commitments c
JOIN mentions m ON m.paragraph_id = c.paragraph_id
               AND m.start_offset >= c.start_offset AND m.end_offset <= c.end_offset
UNION
SELECT u.commitment_id, u.entity_id FROM commitment_units u;
