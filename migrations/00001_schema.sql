-- Schema of the policy-document model.
--
-- Offsets are character (code point) offsets into paragraphs.text, zero-based and
-- half-open: the span [start_offset, end_offset) of a paragraph is
-- substr(text, start_offset + 1, end_offset - start_offset). Every table that pins
-- a fact to the text stores the quoted text too, and a trigger refuses a row whose
-- quote is not exactly that span, so the model can never drift from the source.

-- +goose Up

-- Section themes are shared by all documents, so that facets and charts can group
-- the sections of many replies by what they are about.
CREATE TABLE themes (
    key      text PRIMARY KEY CHECK (key ~ '^[a-z][a-z_]*$'),
    name_zh  text NOT NULL,
    name_en  text NOT NULL,
    position integer NOT NULL UNIQUE
);

INSERT INTO themes (key, name_zh, name_en, position) VALUES
    ('industrial_layout',     '产业集群与布局',     'Industrial clusters and layout',                  1),
    ('mineral_exploration',   '找矿与资源保障',     'Mineral exploration',                             2),
    ('resource_low_carbon',   '资源整合与低碳发展', 'Resource integration and low-carbon development', 3),
    ('investment_attraction', '招商引资与龙头企业', 'Investment attraction and leading firms',         4),
    ('facilities_funding',    '配套设施与资金保障', 'Supporting facilities and funding',               5),
    ('talent_technology',     '人才与科技支撑',     'Talent and technology',                           6),
    ('factor_guarantees',     '要素保障与营商环境', 'Factor guarantees and business environment',      7);

-- A document is anything the portal knows by title: a reply with its full text, the
-- proposal it answers, or a policy document it cites (which may have no text here).
CREATE TABLE documents (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug           text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    kind           text NOT NULL CHECK (kind IN ('reply', 'proposal', 'policy', 'report', 'media')),
    genre          text,             -- the genre word as the title gives it: 答复, 建议, 规划, 纲要, 通知 ...
    title          text NOT NULL CHECK (title <> ''),
    short_title    text,
    doc_number     text,             -- 文号, e.g. 黔工信提复字〔2023〕4号
    index_number   text,             -- 索引号
    info_category  text,             -- 信息分类
    issuer         text,             -- 发布机构 or the body named as issuing it
    addressee      text,             -- 主送: the body a reply answers
    proposer       text,             -- for proposals: who proposed it
    proposal_no    text,             -- for proposals: 第1019号
    session_name   text,             -- for proposals: 省政协十三届一次会议
    signed_on      date,             -- the date under the signature
    generated_at   timestamp,        -- 生成日期 as the site publishes it (local time)
    disclosure     text,             -- 全文公开, 依申请公开 ...
    validity       text,             -- 是否有效
    contact_person text,
    contact_phone  text,
    source_name    text,             -- where the text was taken from
    synthetic      boolean NOT NULL DEFAULT false,
    created_at     timestamptz NOT NULL DEFAULT now(),
    UNIQUE (doc_number)
);

-- Paragraphs hold the body exactly as published, from the salutation to the contact line.
CREATE TABLE paragraphs (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    document_id bigint NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    seq         integer NOT NULL CHECK (seq > 0),
    role        text NOT NULL CHECK (role IN ('salutation', 'opening', 'heading', 'body',
                                              'signature', 'date', 'disclosure', 'contact')),
    text        text NOT NULL CHECK (text <> ''),
    UNIQUE (document_id, seq),
    UNIQUE (document_id, id)
);

-- Sections form the tree of a document: numbered sections 一、 (depth 1), sub-items (一)
-- (depth 2, also when they begin inside a paragraph) and 一是 points (depth 2 or 3).
-- A section covers the text from (start_paragraph_id, start_offset) up to but not
-- including (end_paragraph_id, end_offset).
CREATE TABLE sections (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    document_id        bigint NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    parent_id          bigint REFERENCES sections (id) ON DELETE CASCADE,
    position           integer NOT NULL CHECK (position > 0),
    kind               text NOT NULL CHECK (kind IN ('section', 'item', 'point')),
    label              text NOT NULL,    -- 一 / (一) / 一是, as the text numbers it
    title              text NOT NULL,    -- the heading words, without the label
    anchor             text NOT NULL CHECK (anchor ~ '^[a-z0-9-]+$'),
    theme_key          text REFERENCES themes (key),
    start_paragraph_id bigint NOT NULL,
    start_offset       integer NOT NULL CHECK (start_offset >= 0),
    end_paragraph_id   bigint NOT NULL,
    end_offset         integer NOT NULL CHECK (end_offset >= 0),
    UNIQUE (document_id, anchor),
    UNIQUE (document_id, theme_key),
    UNIQUE (document_id, id),
    UNIQUE NULLS NOT DISTINCT (document_id, parent_id, position),
    FOREIGN KEY (document_id, start_paragraph_id) REFERENCES paragraphs (document_id, id),
    FOREIGN KEY (document_id, end_paragraph_id) REFERENCES paragraphs (document_id, id),
    CHECK ((parent_id IS NULL) = (kind = 'section')),
    CHECK (theme_key IS NULL OR parent_id IS NULL)
);
CREATE INDEX sections_parent_idx ON sections (parent_id);

-- section_roots maps every section to its top-level section, which carries the theme.
CREATE VIEW section_roots AS
WITH RECURSIVE walk (section_id, root_id, parent_id) AS (
    SELECT id, id, parent_id FROM sections
    UNION ALL
    SELECT w.section_id, s.id, s.parent_id FROM walk w JOIN sections s ON s.id = w.parent_id
)
SELECT section_id, root_id FROM walk WHERE parent_id IS NULL;

-- Entities are the named things the documents talk about. Parks and regions nest:
-- a park's parent is its region, a county's parent is its prefecture.
CREATE TABLE entities (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug        text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    kind        text NOT NULL CHECK (kind IN ('government', 'organisation', 'company', 'institution',
                                              'region', 'park', 'mineral', 'material', 'technology',
                                              'fund', 'event')),
    name        text NOT NULL UNIQUE,   -- the name most used in the documents
    full_name   text,                   -- the formal name where the documents or the body give one
    parent_id   bigint REFERENCES entities (id),
    description text
);
CREATE INDEX entities_parent_idx ON entities (parent_id);

-- Aliases are the surface forms by which an entity appears in text; the name is one too.
CREATE TABLE entity_aliases (
    alias     text PRIMARY KEY CHECK (alias <> ''),
    entity_id bigint NOT NULL REFERENCES entities (id) ON DELETE CASCADE
);
CREATE INDEX entity_aliases_entity_idx ON entity_aliases (entity_id);

CREATE TABLE mentions (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    entity_id    bigint NOT NULL REFERENCES entities (id) ON DELETE CASCADE,
    paragraph_id bigint NOT NULL REFERENCES paragraphs (id) ON DELETE CASCADE,
    start_offset integer NOT NULL CHECK (start_offset >= 0),
    end_offset   integer NOT NULL,
    quote        text NOT NULL,
    CHECK (end_offset > start_offset),
    UNIQUE (paragraph_id, start_offset, end_offset)
);
CREATE INDEX mentions_entity_idx ON mentions (entity_id);

-- Links between documents: a reply replies to a proposal; a document cites another,
-- at a span of its text (the 《》 title as written).
CREATE TABLE document_links (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    from_document_id bigint NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    to_document_id   bigint NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    relation         text NOT NULL CHECK (relation IN ('replies_to', 'cites')),
    paragraph_id     bigint REFERENCES paragraphs (id) ON DELETE CASCADE,
    start_offset     integer,
    end_offset       integer,
    quote            text,
    CHECK (from_document_id <> to_document_id),
    CHECK ((paragraph_id IS NULL) = (start_offset IS NULL)
       AND (paragraph_id IS NULL) = (end_offset IS NULL)
       AND (paragraph_id IS NULL) = (quote IS NULL)),
    UNIQUE NULLS NOT DISTINCT (from_document_id, to_document_id, relation, paragraph_id, start_offset)
);
CREATE INDEX document_links_to_idx ON document_links (to_document_id);

-- Commitments are what a reply says has been done, is being done or will be done,
-- each pinned to the exact words that say so.
CREATE TABLE commitments (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    document_id  bigint NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    section_id   bigint NOT NULL,
    paragraph_id bigint NOT NULL,
    start_offset integer NOT NULL CHECK (start_offset >= 0),
    end_offset   integer NOT NULL,
    quote        text NOT NULL,
    position     integer NOT NULL,       -- reading order within the document
    title        text NOT NULL CHECK (title <> '' AND char_length(title) <= 60),
    kind         text NOT NULL CHECK (kind IN ('measure', 'target', 'result', 'plan')),
    strength     text NOT NULL CHECK (strength IN ('definite', 'aspirational')),
    status       text NOT NULL DEFAULT 'not_assessed'
                 CHECK (status IN ('not_assessed', 'planned', 'in_progress', 'completed',
                                   'ongoing', 'blocked', 'dropped')),
    status_basis text,                   -- the reply's own word that supports the status: 已, 正在, 将 ...
    progress     smallint CHECK (progress BETWEEN 0 AND 100),
    time_frame   text,                   -- as the text gives it: 2022年至2023年, “十四五”期间, 近期
    period_start date,
    period_end   date,
    due_on       date,
    version      integer NOT NULL DEFAULT 1,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (document_id, paragraph_id) REFERENCES paragraphs (document_id, id),
    FOREIGN KEY (document_id, section_id) REFERENCES sections (document_id, id),
    CHECK (end_offset > start_offset),
    CHECK (period_start IS NULL OR period_end IS NULL OR period_start <= period_end),
    UNIQUE (document_id, position)
);
CREATE INDEX commitments_document_idx ON commitments (document_id, position);
CREATE INDEX commitments_section_idx ON commitments (section_id);
CREATE INDEX commitments_paragraph_idx ON commitments (paragraph_id);

-- The units a commitment names as leading or supporting it.
CREATE TABLE commitment_units (
    commitment_id bigint NOT NULL REFERENCES commitments (id) ON DELETE CASCADE,
    entity_id     bigint NOT NULL REFERENCES entities (id),
    role          text NOT NULL CHECK (role IN ('lead', 'support')),
    PRIMARY KEY (commitment_id, entity_id)
);
CREATE INDEX commitment_units_entity_idx ON commitment_units (entity_id, role);

-- Figures are the quantities in the text, typed and normalised to a base unit
-- (yuan, items, persons, tonnes per year) so they can be added up and compared.
CREATE TABLE figures (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    paragraph_id bigint NOT NULL REFERENCES paragraphs (id) ON DELETE CASCADE,
    start_offset integer NOT NULL CHECK (start_offset >= 0),
    end_offset   integer NOT NULL,
    quote        text NOT NULL,           -- the number and unit as written: 39932.82万元
    kind         text NOT NULL CHECK (kind IN ('money', 'count', 'capacity', 'rating')),
    value        numeric NOT NULL,        -- the number as written: 39932.82
    unit         text NOT NULL,           -- the unit as written: 万元
    base_value   numeric NOT NULL,        -- in the base unit: 399328200
    base_unit    text NOT NULL CHECK (base_unit IN ('yuan', 'item', 'person', 'tonne_per_year', 'level')),
    qualifier    text NOT NULL DEFAULT 'exact' CHECK (qualifier IN ('exact', 'more_than', 'order_of')),
    measure      text NOT NULL,           -- what it counts, in words: 省财政安排的找矿专项资金
    period       text,                    -- the period it refers to, as written
    CHECK (end_offset > start_offset),
    UNIQUE (paragraph_id, start_offset)
);
CREATE INDEX figures_paragraph_idx ON figures (paragraph_id);

-- check_span refuses a row whose quote is not exactly the span of its paragraph it claims.
-- +goose StatementBegin
CREATE FUNCTION check_span() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    body text;
BEGIN
    IF NEW.paragraph_id IS NULL THEN
        RETURN NEW;
    END IF;
    SELECT text INTO body FROM paragraphs WHERE id = NEW.paragraph_id;
    IF NEW.end_offset > char_length(body)
       OR substr(body, NEW.start_offset + 1, NEW.end_offset - NEW.start_offset) IS DISTINCT FROM NEW.quote THEN
        RAISE EXCEPTION 'span [%, %) of paragraph % is not %', NEW.start_offset, NEW.end_offset,
            NEW.paragraph_id, quote_literal(NEW.quote) USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER mentions_check_span BEFORE INSERT OR UPDATE ON mentions
    FOR EACH ROW EXECUTE FUNCTION check_span();
CREATE TRIGGER document_links_check_span BEFORE INSERT OR UPDATE ON document_links
    FOR EACH ROW EXECUTE FUNCTION check_span();
CREATE TRIGGER commitments_check_span BEFORE INSERT OR UPDATE OF paragraph_id, start_offset, end_offset, quote ON commitments
    FOR EACH ROW EXECUTE FUNCTION check_span();
CREATE TRIGGER figures_check_span BEFORE INSERT OR UPDATE ON figures
    FOR EACH ROW EXECUTE FUNCTION check_span();

-- +goose Down
DROP TABLE figures;
DROP TABLE commitment_units;
DROP TABLE commitments;
DROP TABLE document_links;
DROP TABLE mentions;
DROP TABLE entity_aliases;
DROP TABLE entities;
DROP VIEW section_roots;
DROP TABLE sections;
DROP TABLE paragraphs;
DROP TABLE documents;
DROP TABLE themes;
DROP FUNCTION check_span();
