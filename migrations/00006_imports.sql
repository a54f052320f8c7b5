-- What the importer saves beyond the seeds' schema: percentages as figures, and
-- an audit record per imported or updated document.
--
-- A percentage (12%, 35.5%) is a share: its value is the number as written and its
-- base unit is percent. Figures the importer finds have no measure in words until a
-- reviewer writes one; the empty string says so.

-- +goose Up

ALTER TABLE figures DROP CONSTRAINT figures_kind_check,
    ADD CONSTRAINT figures_kind_check CHECK (kind IN ('money', 'count', 'capacity', 'rating', 'share'));
ALTER TABLE figures DROP CONSTRAINT figures_base_unit_check,
    ADD CONSTRAINT figures_base_unit_check CHECK (base_unit IN ('yuan', 'item', 'person', 'tonne_per_year', 'level', 'percent'));
ALTER TABLE figures ADD CONSTRAINT figures_share_percent CHECK ((kind = 'share') = (base_unit = 'percent'));

ALTER TABLE audit_log DROP CONSTRAINT audit_log_subject_type_check,
    ADD CONSTRAINT audit_log_subject_type_check CHECK (subject_type IN ('commitment', 'user', 'document'));

-- +goose Down
-- The audit log is append-only, so its document records stay; the old check is
-- restored for new rows only.
ALTER TABLE audit_log DROP CONSTRAINT audit_log_subject_type_check,
    ADD CONSTRAINT audit_log_subject_type_check CHECK (subject_type IN ('commitment', 'user')) NOT VALID;

DELETE FROM figures WHERE kind = 'share';
ALTER TABLE figures DROP CONSTRAINT figures_share_percent;
ALTER TABLE figures DROP CONSTRAINT figures_base_unit_check,
    ADD CONSTRAINT figures_base_unit_check CHECK (base_unit IN ('yuan', 'item', 'person', 'tonne_per_year', 'level'));
ALTER TABLE figures DROP CONSTRAINT figures_kind_check,
    ADD CONSTRAINT figures_kind_check CHECK (kind IN ('money', 'count', 'capacity', 'rating'));
