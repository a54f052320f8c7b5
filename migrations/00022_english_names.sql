-- English names beside the Chinese (issue 19, item 1).
--
-- English pages named entities, sections, commitments and documents in Chinese.
-- Each now has an English name stored as data beside the Chinese one: name_en on
-- entities (themes have had one since 00001), title_en on sections, commitments
-- and documents, and short_title_en on documents. They are the portal's
-- translations, not facts of the source: the Chinese stays authoritative, the
-- document's own text stays Chinese, and English pages show the Chinese original
-- beside the English. NULL: no English name yet; English pages then show the
-- Chinese, marked as Chinese.
--
-- search_terms_en lets an English word find what its Chinese counterpart finds
-- (Guiyang → 贵阳). Entities' English names are search terms too, read from
-- entities.name_en itself (lithium → 锂, CATL → 宁德时代), so the table holds
-- only words that name no single entity. Terms are compared lower-cased (see
-- search_normalize in 00005).
--
-- The new columns live in tables that already notify changes (00008, 00013);
-- the new table gets 00008's trigger, so a cached search page is dropped when a
-- term changes.

-- +goose Up
ALTER TABLE entities ADD COLUMN name_en text
    CHECK (name_en IS NULL OR (name_en <> '' AND char_length(name_en) <= 200));
ALTER TABLE sections ADD COLUMN title_en text
    CHECK (title_en IS NULL OR (title_en <> '' AND char_length(title_en) <= 200));
ALTER TABLE commitments ADD COLUMN title_en text
    CHECK (title_en IS NULL OR (title_en <> '' AND char_length(title_en) <= 200));
ALTER TABLE documents
    ADD COLUMN title_en text CHECK (title_en IS NULL OR (title_en <> '' AND char_length(title_en) <= 300)),
    ADD COLUMN short_title_en text CHECK (short_title_en IS NULL OR (short_title_en <> '' AND char_length(short_title_en) <= 200));

CREATE TABLE search_terms_en (
    term    text PRIMARY KEY CHECK (term <> '' AND term = search_normalize(term)),
    term_zh text NOT NULL CHECK (term_zh <> '')
);

CREATE TRIGGER notify_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON search_terms_en
    FOR EACH STATEMENT EXECUTE FUNCTION notify_change();

UPDATE entities e SET name_en = v.name_en
FROM (VALUES
    ('anda-tech', 'Anda Technology'),
    ('byd', 'BYD'),
    ('catl', 'CATL'),
    ('cngr', 'CNGR Advanced Material'),
    ('cngr-recycling', 'CNGR Resource Recycling'),
    ('gz-phosphate-group', 'Guizhou Phosphate Chemical Group'),
    ('hangzhou-shidai-daye', 'Hangzhou Shidai Daye New Energy Co., Ltd.'),
    ('hongxing-electronics', 'Hongxing Electronics'),
    ('hunan-yuneng', 'Hunan Yuneng'),
    ('narada', 'Zhejiang Narada Power Source Co., Ltd.'),
    ('power-grid-company', 'the power grid company'),
    ('ronbay', 'Ronbay Lithium Battery'),
    ('windey', 'Zhejiang Windey Co., Ltd.'),
    ('zhenhua', 'Zhenhua New Materials'),
    ('battery-investment-symposium', 'Symposium on Investment Opportunities in New Energy Batteries and Materials'),
    ('eco-civilisation-forum', 'Eco-Civilisation Forum'),
    ('gz-industry-it-special-fund', 'Provincial Special Fund for Industry and IT Development'),
    ('hazchem-risk-control-fund', 'Funds for Controlling Major Safety Risks of Hazardous Chemicals'),
    ('new-industrialisation-fund', 'New Industrialisation Fund'),
    ('new-momentum-fund', 'New Growth Drivers Fund'),
    ('gz-big-data-bureau', 'Provincial Big Data Bureau'),
    ('gz-commerce-dept', 'Provincial Department of Commerce'),
    ('gz-emergency-dept', 'Provincial emergency management authorities'),
    ('gz-finance-dept', 'Provincial finance authorities'),
    ('gz-industry-it-dept', 'Guizhou Department of Industry and Information Technology'),
    ('gz-ndrc', 'Provincial Development and Reform Commission'),
    ('mem', 'Ministry of Emergency Management'),
    ('mof', 'Ministry of Finance'),
    ('guizhou-university', 'Guizhou University'),
    ('gz-new-energy-materials-innovation-centre', 'Guizhou New Energy Materials Innovation Centre'),
    ('anode-materials', 'anode materials'),
    ('battery-additives', 'battery additives'),
    ('cathode-materials', 'cathode materials'),
    ('coal-needle-coke', 'coal-based needle coke'),
    ('electrolyte', 'electrolyte'),
    ('high-purity-manganese', 'high-purity manganese materials'),
    ('lithium-salt', 'lithium salts'),
    ('separator', 'separators'),
    ('ternary-cathode-materials', 'ternary cathode materials'),
    ('aluminium', 'aluminium'),
    ('clay-lithium-ore', 'clay-type lithium ore'),
    ('cobalt', 'cobalt'),
    ('fluorine', 'fluorine'),
    ('fluorite', 'fluorite'),
    ('lithium', 'lithium'),
    ('manganese', 'manganese'),
    ('manganese-carbonate-ore', 'manganese carbonate ore'),
    ('nickel', 'nickel'),
    ('phosphorus', 'phosphorus'),
    ('pyrite', 'pyrite'),
    ('ngd-guizhou', 'Guizhou Committee of the Chinese Peasants'' and Workers'' Democratic Party'),
    ('zhejiang-guizhou-chamber', 'Guizhou Chamber of Commerce in Zhejiang'),
    ('anlong-industrial-park', 'Anlong Industrial Park'),
    ('dalong-edz', 'Dalong Economic Development Zone'),
    ('kaiyang-chemical-park', 'Kaiyang Chemical Industry Park'),
    ('kaiyang-edz', 'Kaiyang Economic Development Zone'),
    ('liuzhi-edz', 'Liuzhi Economic Development Zone'),
    ('panbei-edz', 'Panbei Economic Development Zone'),
    ('qiandong-industrial-cluster', 'Qiandong Industrial Cluster Zone'),
    ('qiannan-hitech-zone', 'Qiannan High-Tech Zone'),
    ('qianxinan-liupanshui-battery-cluster', 'Qianxinan–Liupanshui New Energy Battery and Materials Industry Cluster'),
    ('tongren-battery-cluster', 'Tongren New Energy Battery and Materials Industry Cluster'),
    ('wengan-chemical-park', 'Weng''an Chemical Industry Park'),
    ('xingren-edz', 'Xingren Economic Development Zone'),
    ('yilong-new-area', 'Yilong New Area'),
    ('fuquan', 'Fuquan'),
    ('guiyang-guian', 'Guiyang and Gui''an'),
    ('guizhou', 'Guizhou Province'),
    ('hangzhou', 'Hangzhou'),
    ('kaiyang', 'Kaiyang'),
    ('liupanshui', 'Liupanshui'),
    ('qianxinan', 'Qianxinan Prefecture'),
    ('tongren', 'Tongren'),
    ('wengan', 'Weng''an'),
    ('xifeng', 'Xifeng'),
    ('battery-recycling', 'battery recycling'),
    ('cascade-utilisation', 'cascade utilisation'),
    ('fuel-cell', 'fuel cells'),
    ('lithium-ion-battery', 'lithium-ion batteries'),
    ('recycling-regeneration', 'recycling and regeneration'),
    ('sodium-ion-battery', 'sodium-ion batteries'),
    ('solid-state-battery', 'solid-state batteries')
) AS v (slug, name_en)
WHERE e.slug = v.slug;

UPDATE documents d SET title_en = v.title_en, short_title_en = v.short_title_en
FROM (VALUES
    ('qgxtfz-2023-4', 'Reply of the Provincial Department of Industry and Information Technology to Proposal No. 1019 of the First Session of the 13th Provincial CPPCC', 'Reply to Proposal No. 1019'),
    ('cppcc-gz-13-1-proposal-1019', 'Proposal on a “phosphorus on the left, lithium on the right” layout opening a new track for new industrialisation', NULL),
    ('gz-nev-battery-base-plan-2022-2030', 'Plan for building Guizhou’s R&D and production base for new energy power batteries and materials (2022–2030)', NULL),
    ('gz-mineral-exploration-outline-2022-2035', 'Implementation outline of Guizhou’s new round of the strategic action for mineral exploration breakthroughs (2022–2035)', NULL),
    ('gz-mineral-exploration-programme-2022-2025', 'Mineral exploration implementation programme 2022–2025', NULL),
    ('gz-battery-chain-research-report', 'Research report on the key links of extending, completing and strengthening Guizhou’s new energy battery and materials industry chain, with recommendations', NULL),
    ('gz-battery-industry-promo-film', 'Promotional film on Guizhou’s new energy battery and materials industry', NULL),
    ('gz-park-infrastructure-fund-measures', 'Guizhou measures for managing the special fund for supporting infrastructure investment in industrial parks', NULL),
    ('gz-emergency-master-plan', 'Guizhou master emergency plan for public emergencies', NULL),
    ('gz-emergency-drill-specification', 'Guizhou specification for public emergency drills', NULL),
    ('gz-disaster-graded-response-rules', 'Guizhou graded response rules for accidents and natural disasters (trial)', NULL),
    ('gz-commerce-dev-zones-notice-2023', 'Notice of the Provincial Department of Commerce on key economic development zones promoting the open economy in 2023', NULL)
) AS v (slug, title_en, short_title_en)
WHERE d.slug = v.slug;

UPDATE sections x SET title_en = v.title_en
FROM documents d, (VALUES
    ('s1', 'Accelerate industrial clustering and develop in differentiated ways'),
    ('s2', 'Step up mineral exploration and consolidate resource advantages'),
    ('s3', 'Integrate resources and promote low-carbon development'),
    ('s4', 'Strengthen investment attraction and cultivate leading enterprises'),
    ('s5', 'Improve supporting facilities and strengthen service guarantees'),
    ('s6', 'Build a strong talent team and strengthen support from science and technology'),
    ('s7', 'Strengthen factor guarantees and optimise the business environment'),
    ('s1-1', '“One core”'),
    ('s1-2', '“Two zones”'),
    ('s1-3', 'Other areas'),
    ('s3-1', 'Develop and use resources locally'),
    ('s3-2', 'Strengthen research on key technologies'),
    ('s3-3', 'Develop green industries'),
    ('s4-1', 'Actively extend, complete and strengthen the industry chain'),
    ('s4-2', 'Attract investment around key links'),
    ('s4-3', 'Step up promotion for investment attraction'),
    ('s5-1', 'Strengthen provincial funding for building parks'),
    ('s5-2', 'Actively seek other sources of funding'),
    ('s5-3', 'Do everything to raise emergency response capacity'),
    ('s6-1', 'Strengthen the system supporting innovation'),
    ('s6-2', 'Strengthen human and intellectual support'),
    ('s7-1', 'Coordinate the allocation of energy consumption quotas'),
    ('s7-2', 'Fully meet the demand for electricity'),
    ('s7-3', 'Do everything to meet the demand for land'),
    ('s7-4', 'Strengthen support from funds')
) AS v (anchor, title_en)
WHERE d.slug = 'qgxtfz-2023-4' AND x.document_id = d.id AND x.anchor = v.anchor;

UPDATE commitments c SET title_en = v.title_en
FROM documents d, (VALUES
    (1, 'Issued and implemented the plan for the new energy power battery and materials base'),
    (2, 'Build industrial clusters around Guiyang and Gui’an and the two major phosphorus chemical bases'),
    (3, 'Make “Weng’an–Fuquan” a phosphorus chemical industry park of the hundred-billion-yuan class'),
    (4, 'Tongren builds an industry cluster centred on Dalong Economic Development Zone'),
    (5, 'Qianxinan–Liupanshui builds a cluster centred on Yilong New Area'),
    (6, 'Fill the gaps in lithium salts, separators, electrolyte, battery additives and the like'),
    (7, 'Issued the implementation outline and programme of the new round of mineral exploration breakthroughs'),
    (8, 'Plan the province’s geological prospecting in three five-year stages'),
    (9, 'Focus survey, evaluation and exploration on 8 minerals during the 14th Five-Year Plan'),
    (10, 'Provincial finance allocated 399.3282 million yuan for 51 geological prospecting projects'),
    (11, 'Step up exploration for lithium, phosphorus, aluminium, manganese and other minerals'),
    (12, 'Support the cathode materials industry and bring in separator, electrolyte and other key materials firms'),
    (13, 'Promote local development and use of phosphorus, manganese, aluminium, fluorite and other mineral resources'),
    (14, 'Break through in extracting lithium from clay-type ore and making high-purity manganese from manganese carbonate ore'),
    (15, 'Research industrial uses of coal-based needle coke and anode materials'),
    (16, 'Promote battery recycling, cascade utilisation and regeneration'),
    (17, 'Sited battery recycling projects such as CNGR Resource Recycling and Hongxing Electronics'),
    (18, 'In 2022, brought in 59 new industrial projects with contracted investment of 38.87 billion yuan'),
    (19, 'Leading firms came to Guizhou; BYD and Ronbay Lithium Battery passed 5 billion yuan in output value'),
    (20, 'CNGR and Zhenhua passed 10 billion yuan in output value and listed; Anda Technology passed its listing review'),
    (21, 'Investment attraction, fostering of leading firms and related work proceed in an orderly way'),
    (22, 'Completed the research report on key links of extending, completing and strengthening the industry chain'),
    (23, 'Target separator, electrolyte and similar links for investment to fill the industry’s gaps'),
    (24, 'In the short term, focus on attracting lithium-ion battery and key materials industries'),
    (25, 'Plan to attract solid-state, sodium-ion, fuel cell and other new-type battery firms'),
    (26, 'Released a promotional film on the new energy battery and materials industry'),
    (27, 'Held a symposium on investment opportunities in new energy batteries and materials in Hangzhou'),
    (28, 'Visited Zhejiang firms to attract investment and called on the Guizhou Chamber of Commerce in Zhejiang'),
    (29, 'Use the Eco-Civilisation Forum and other platforms to promote the industry’s strengths and layout'),
    (30, 'Province, cities and counties work together to resolve difficulties of major projects and firms'),
    (31, 'Raise 1 billion yuan for 54 supporting projects of 20 key industrial projects'),
    (32, 'Arranged 811 million yuan of park special bonds for park infrastructure'),
    (33, 'Drew up the management measures for the special fund for industrial parks’ supporting infrastructure'),
    (34, 'Allocate special funds for supporting infrastructure of key industrial parks'),
    (35, 'Revised the master emergency plan; issued the drill specification and graded response rules'),
    (36, 'Set up the provincial framework of emergency plans'),
    (37, 'The first six chemical parks all reached safety risk level C'),
    (38, 'Organise parks to apply for funds for controlling major safety risks of hazardous chemicals'),
    (39, 'Set up the provincial manufacturing innovation centre for new energy materials'),
    (40, 'Strive to have it upgraded to a national manufacturing innovation centre'),
    (41, 'Build a talent pool for the digital economy'),
    (42, 'Selected 20 big data talent training bases'),
    (43, 'Trained 710 people in big data skills'),
    (44, 'Coordinate guarantees of energy, land, electricity, funding and other factors'),
    (45, 'Favour the “one core, two zones” key areas and projects in allocating total energy consumption quotas'),
    (46, 'Seek to have major projects covered by the state’s policy of listing their energy use separately'),
    (47, 'Work with the power grid company at three levels to give battery projects priority power supply'),
    (48, 'Implement land policies and secure land quotas for key projects'),
    (49, 'Let the New Industrialisation Fund and other funds and special funds guide investment'),
    (50, 'Dalong Development Zone and others included among the province’s key economic development zones to foster'),
    (51, 'Support park infrastructure with local special bond projects')
) AS v (position, title_en)
WHERE d.slug = 'qgxtfz-2023-4' AND c.document_id = d.id AND c.position = v.position;

INSERT INTO search_terms_en (term, term_zh) VALUES
    ('guiyang', '贵阳'),
    ('gui''an', '贵安'),
    ('guian', '贵安'),
    ('guizhou', '贵州'),
    ('zhejiang', '浙江'),
    ('wengan', '瓮安'),
    ('battery', '电池'),
    ('batteries', '电池'),
    ('lithium battery', '锂电池'),
    ('lithium batteries', '锂电池'),
    ('phosphate', '磷化'),
    ('fluorspar', '萤石'),
    ('aluminum', '铝'),
    ('contemporary amperex', '宁德时代'),
    ('cppcc', '政协'),
    ('proposal 1019', '第1019号');

-- +goose Down
DROP TABLE search_terms_en;
ALTER TABLE documents DROP COLUMN title_en, DROP COLUMN short_title_en;
ALTER TABLE commitments DROP COLUMN title_en;
ALTER TABLE sections DROP COLUMN title_en;
ALTER TABLE entities DROP COLUMN name_en;
