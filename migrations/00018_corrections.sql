-- Corrections of progress updates (issue 16).
--
-- Staff may correct a progress update's words or link, or hide it. Neither is
-- ever silent: the audit log keeps the update's values before and after, and
-- these columns let the public pages say "已更正 <date>" under a corrected
-- update and leave out a hidden one, while staff still see it, marked.
-- progress_updates already notifies the page cache of updated rows
-- (00013_targeted_changes.sql), so no trigger is added. Corrections are
-- recorded with the commitment as their subject, so no audit subject type is
-- added either.

-- +goose Up
ALTER TABLE progress_updates
    ADD COLUMN corrected_at timestamptz,
    ADD COLUMN hidden_at    timestamptz,
    ADD COLUMN hide_reason  text CHECK (hide_reason IS NULL OR hidden_at IS NOT NULL);

-- +goose Down
ALTER TABLE progress_updates
    DROP COLUMN corrected_at,
    DROP COLUMN hidden_at,
    DROP COLUMN hide_reason;
