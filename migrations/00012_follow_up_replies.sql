-- A follow-up reply: a department that answers a proposal again (补充答复,
-- 再次答复) links the new reply to the earlier one it continues, so that each
-- document page can show the thread proposal → reply → follow-up reply. The
-- importer makes the link when a reply's opening names an earlier reply.

-- +goose Up
ALTER TABLE document_links DROP CONSTRAINT document_links_relation_check,
    ADD CONSTRAINT document_links_relation_check CHECK (relation IN ('replies_to', 'cites', 'follows_up'));

-- +goose Down
-- A follow-up names the earlier reply in its text, so its link stays as a citation.
UPDATE document_links SET relation = 'cites' WHERE relation = 'follows_up';
ALTER TABLE document_links DROP CONSTRAINT document_links_relation_check,
    ADD CONSTRAINT document_links_relation_check CHECK (relation IN ('replies_to', 'cites'));
