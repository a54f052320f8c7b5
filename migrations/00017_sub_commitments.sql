-- Sub-commitments (issue 15, item 5). A commitment such as “主攻8种矿产” or
-- “3个5年” has parts: commitments whose parent_id names it, one level deep.
-- A part has no quote of its own: it stands on its parent's words (same
-- paragraph, span and section), so the document text marks only the parent
-- and imports place a part where they place its parent.
--
-- progress_source says where a parent's progress comes from: 'parts' (the
-- rounded mean of its live parts' known progress, kept here by a trigger, so
-- that every list, roll-up, CSV and API reads commitments.progress as
-- before), or 'set' (a value staff gave). A staff write that changes
-- progress directly makes it 'set'; staff switch back to 'parts' on the
-- parent's page. Existing commitments with a progress keep it as 'set'.
--
-- commitments keeps its change triggers and portal_app's grants; no new
-- table. commitment_tags also tags a part's parent, so the parent's page
-- (which lists its parts) is dropped from the cache when a part changes.

-- +goose Up
ALTER TABLE commitments
    ADD COLUMN parent_id bigint REFERENCES commitments (id) ON DELETE CASCADE,
    ADD COLUMN progress_source text NOT NULL DEFAULT 'parts' CHECK (progress_source IN ('parts', 'set')),
    ADD CHECK (parent_id IS DISTINCT FROM id);
CREATE INDEX commitments_parent_idx ON commitments (parent_id) WHERE parent_id IS NOT NULL;
UPDATE commitments SET progress_source = 'set' WHERE progress IS NOT NULL;

-- +goose StatementBegin
-- commitment_parts_progress is the progress a parent rolls up from its parts:
-- the rounded mean of the known progress of its parts not withdrawn; NULL
-- when none is known.
CREATE FUNCTION commitment_parts_progress(parent bigint) RETURNS smallint
LANGUAGE sql STABLE AS $$
    SELECT round(avg(k.progress))::smallint FROM commitments k
    WHERE k.parent_id = parent AND k.withdrawn_at IS NULL AND k.progress IS NOT NULL
$$;
-- +goose StatementEnd

-- +goose StatementBegin
-- mark_progress_set makes a direct change of a commitment's progress (a
-- statement of staff, trigger depth 1) an explicit one. The roll-up below
-- changes a parent's progress from a trigger (depth 2) and keeps 'parts'.
CREATE FUNCTION mark_progress_set() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF pg_trigger_depth() = 1 AND NEW.progress IS DISTINCT FROM OLD.progress
       AND NEW.progress_source IS NOT DISTINCT FROM OLD.progress_source THEN
        NEW.progress_source := 'set';
    END IF;
    RETURN NEW;
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
-- roll_up_progress recomputes the progress of the parents of the parts a
-- statement touched, where the parent takes it from its parts.
CREATE FUNCTION roll_up_progress() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    parents bigint[] := '{}';
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        parents := parents || ARRAY(SELECT parent_id FROM old_rows WHERE parent_id IS NOT NULL);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        parents := parents || ARRAY(SELECT parent_id FROM new_rows WHERE parent_id IS NOT NULL);
    END IF;
    IF cardinality(parents) > 0 THEN
        UPDATE commitments p SET progress = commitment_parts_progress(p.id), updated_at = now()
        WHERE p.id = ANY (parents) AND p.progress_source = 'parts'
          AND p.progress IS DISTINCT FROM commitment_parts_progress(p.id);
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER mark_progress_set BEFORE UPDATE OF progress ON commitments
    FOR EACH ROW EXECUTE FUNCTION mark_progress_set();
CREATE TRIGGER roll_up_insert AFTER INSERT ON commitments REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION roll_up_progress();
CREATE TRIGGER roll_up_update AFTER UPDATE ON commitments REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION roll_up_progress();
CREATE TRIGGER roll_up_delete AFTER DELETE ON commitments REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION roll_up_progress();

-- +goose StatementBegin
-- commitment_tags as in 00013, and the parents of parts among ids.
CREATE OR REPLACE FUNCTION commitment_tags(ids bigint[]) RETURNS text[]
LANGUAGE sql STABLE AS $$
    SELECT ARRAY(
        SELECT 'c:' || id FROM unnest(ids) id
        UNION SELECT 'c:' || c.parent_id FROM commitments c WHERE c.id = ANY (ids) AND c.parent_id IS NOT NULL
        UNION SELECT 'd:' || d.slug FROM commitments c JOIN documents d ON d.id = c.document_id WHERE c.id = ANY (ids)
        UNION SELECT 'e:' || u.entity_id FROM commitment_units u WHERE u.commitment_id = ANY (ids))
$$;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION commitment_tags(ids bigint[]) RETURNS text[]
LANGUAGE sql STABLE AS $$
    SELECT ARRAY(
        SELECT 'c:' || id FROM unnest(ids) id
        UNION SELECT 'd:' || d.slug FROM commitments c JOIN documents d ON d.id = c.document_id WHERE c.id = ANY (ids)
        UNION SELECT 'e:' || u.entity_id FROM commitment_units u WHERE u.commitment_id = ANY (ids))
$$;
-- +goose StatementEnd
DROP TRIGGER roll_up_delete ON commitments;
DROP TRIGGER roll_up_update ON commitments;
DROP TRIGGER roll_up_insert ON commitments;
DROP TRIGGER mark_progress_set ON commitments;
DROP FUNCTION roll_up_progress();
DROP FUNCTION mark_progress_set();
DROP FUNCTION commitment_parts_progress(bigint);
DELETE FROM commitments WHERE parent_id IS NOT NULL;
ALTER TABLE commitments DROP COLUMN progress_source, DROP COLUMN parent_id;
