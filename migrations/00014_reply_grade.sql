-- The handling grade of a reply (办理结果): A 所提问题已经解决或采纳, B 正在
-- 解决或列入计划逐步解决, C 因条件限制暂时不能解决, D 留作参考 (issue 15).
-- It is documents.reply_class, which 00011 added for the importer to fill
-- from the text's own 办理结果/类别 line; staff now set it too
-- (POST /documents/{slug}/grade, audited as document.grade). Here it only
-- gains the check that it is one of the four letters. documents keeps 00008's
-- change trigger and portal_app's grants; no new table.

-- +goose Up
UPDATE documents SET reply_class = upper(reply_class) WHERE reply_class ~ '^[a-d]$';
UPDATE documents SET reply_class = NULL WHERE reply_class IS NOT NULL AND reply_class !~ '^[A-D]$';
ALTER TABLE documents ADD CONSTRAINT documents_reply_class_check CHECK (reply_class IN ('A', 'B', 'C', 'D'));

-- +goose Down
ALTER TABLE documents DROP CONSTRAINT documents_reply_class_check;
