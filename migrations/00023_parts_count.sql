-- The number of a commitment's live parts (issue 15, item 5), kept in
-- commitments.parts_count by 00017's roll-up trigger instead of counted by a
-- subquery in every row of every commitment list: /commitments at 25,000
-- commitments paid one index probe per row for it.
--
-- roll_up_progress (00017) already collects the parents of the parts a
-- statement touched (insert, delete, re-parenting, withdrawal); it now also
-- recounts their live parts. The count is written only where it changes,
-- without touching updated_at or version: a part's change is not an edit of
-- its parent (the parent's progress, when it comes from its parts, is).

-- +goose Up
ALTER TABLE commitments ADD COLUMN parts_count integer NOT NULL DEFAULT 0 CHECK (parts_count >= 0);
UPDATE commitments p SET parts_count = n.parts
FROM (SELECT parent_id, count(*) AS parts FROM commitments WHERE parent_id IS NOT NULL AND withdrawn_at IS NULL GROUP BY parent_id) n
WHERE p.id = n.parent_id;

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION roll_up_progress() RETURNS trigger
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
        UPDATE commitments p SET parts_count = n.parts
        FROM (SELECT pid, (SELECT count(*) FROM commitments k WHERE k.parent_id = pid AND k.withdrawn_at IS NULL) AS parts
              FROM (SELECT DISTINCT unnest(parents) AS pid) u) n
        WHERE p.id = n.pid AND p.parts_count IS DISTINCT FROM n.parts;
        UPDATE commitments p SET progress = commitment_parts_progress(p.id), updated_at = now()
        WHERE p.id = ANY (parents) AND p.progress_source = 'parts'
          AND p.progress IS DISTINCT FROM commitment_parts_progress(p.id);
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION roll_up_progress() RETURNS trigger
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
ALTER TABLE commitments DROP COLUMN parts_count;
