-- Themes as data, and what an import's review saves.
--
-- Themes become a vocabulary admins edit (/admin/themes): each has keywords, the
-- words by which the import review suggests it for a section (policy.SuggestTheme).
-- The seven themes of the seed reply get the words its own sections use under them;
-- an admin adds and changes the rest. Keywords are the portal's, not the source's:
-- no fact of a document changes here.
--
-- A theme may now head more than one section of a document: a real reply may answer
-- two points of a proposal under, say, funding. Only top-level sections carry one,
-- as before.
--
-- What the reader takes from a reply that the documents table had no place for:
-- every signing body (issuer keeps the first, as before), the official who signed
-- (签发人), the class of the answer (办理结果/类别: A, B, C), the bodies copied (抄送)
-- and the attachments named (附件). They are read from the source as written.
--
-- Edits of themes are audited, with subject type theme. Other migrations may have
-- widened the audit log's subject types too, so the list is extended as it stands
-- rather than written out again.

-- +goose Up

-- The id names a theme in the audit log, whose subjects have numbers.
ALTER TABLE themes ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY UNIQUE;
ALTER TABLE themes ADD COLUMN keywords text[] NOT NULL DEFAULT '{}'
    CHECK (array_position(keywords, NULL) IS NULL AND array_position(keywords, '') IS NULL);

UPDATE themes SET keywords = v.keywords
FROM (VALUES
    ('industrial_layout',     ARRAY['产业集群', '错位发展', '布局', '一核两区', '产业带', '聚集区', '产业基地', '发展格局']),
    ('mineral_exploration',   ARRAY['找矿', '勘查', '矿产', '资源量', '资源储量', '地质']),
    ('resource_low_carbon',   ARRAY['整合资源', '低碳', '开发利用', '技术攻关', '绿色', '回收', '再生利用', '循环']),
    ('investment_attraction', ARRAY['招商', '招引', '龙头企业', '延链', '补链', '强链', '头部企业', '投资']),
    ('facilities_funding',    ARRAY['配套设施', '基础设施', '服务保障', '专项债', '财政资金', '应急', '安全风险']),
    ('talent_technology',     ARRAY['人才', '科技', '创新中心', '研发', '实训', '培养', '高等院校', '科研院所']),
    ('factor_guarantees',     ARRAY['要素保障', '营商环境', '能耗', '用电', '用地', '基金'])
) AS v (key, keywords)
WHERE themes.key = v.key;

ALTER TABLE sections DROP CONSTRAINT sections_document_id_theme_key_key;

ALTER TABLE documents
    ADD COLUMN signers     text[],
    ADD COLUMN signed_by   text,
    ADD COLUMN reply_class text,
    ADD COLUMN copied_to   text[],
    ADD COLUMN attachments text[];
-- The signing bodies of the replies already here are their signature paragraphs,
-- as published.
UPDATE documents d SET signers = s.names
FROM (SELECT document_id, array_agg(text ORDER BY seq) AS names FROM paragraphs WHERE role = 'signature'
      GROUP BY document_id) s
WHERE s.document_id = d.id AND d.kind = 'reply';

-- +goose StatementBegin
DO $$
DECLARE
    kinds text[];
BEGIN
    SELECT array_agg(m[1]) INTO kinds
    FROM regexp_matches((SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'audit_log_subject_type_check'),
                        '''([a-z_]+)''', 'g') AS m;
    IF NOT 'theme' = ANY (kinds) THEN
        EXECUTE format('ALTER TABLE audit_log DROP CONSTRAINT audit_log_subject_type_check, '
                       'ADD CONSTRAINT audit_log_subject_type_check CHECK (subject_type = ANY (%L::text[]))',
                       kinds || 'theme'::text);
    END IF;
END
$$;
-- +goose StatementEnd

-- +goose Down

-- The audit log is append-only, so its theme records stay; the narrower check
-- holds for new rows only.
-- +goose StatementBegin
DO $$
DECLARE
    kinds text[];
BEGIN
    SELECT array_agg(m[1]) INTO kinds
    FROM regexp_matches((SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'audit_log_subject_type_check'),
                        '''([a-z_]+)''', 'g') AS m;
    EXECUTE format('ALTER TABLE audit_log DROP CONSTRAINT audit_log_subject_type_check, '
                   'ADD CONSTRAINT audit_log_subject_type_check CHECK (subject_type = ANY (%L::text[])) NOT VALID',
                   array_remove(kinds, 'theme'));
END
$$;
-- +goose StatementEnd

-- One theme per document again: a later section keeps its theme only if no
-- earlier one of its document has it.
UPDATE sections s SET theme_key = NULL
WHERE theme_key IS NOT NULL AND EXISTS (
    SELECT 1 FROM sections o WHERE o.document_id = s.document_id AND o.theme_key = s.theme_key AND o.position < s.position
      AND o.parent_id IS NULL);
ALTER TABLE sections ADD CONSTRAINT sections_document_id_theme_key_key UNIQUE (document_id, theme_key);

ALTER TABLE documents
    DROP COLUMN signers,
    DROP COLUMN signed_by,
    DROP COLUMN reply_class,
    DROP COLUMN copied_to,
    DROP COLUMN attachments;

ALTER TABLE themes DROP COLUMN keywords;
ALTER TABLE themes DROP COLUMN id;
