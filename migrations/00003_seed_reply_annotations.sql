-- Seed: the annotations of 黔工信提复字〔2023〕4号 (document 'qgxtfz-2023-4', seeded by 00002):
-- its entities and their mentions, its commitments with their units, and its figures.
--
-- Method. Nothing here types an offset by hand; every span is found in the paragraph text.
--  * Entities are listed once with the surface forms (aliases) by which the reply names
--    them; the name is always an alias too. Only forms that occur in the reply are given,
--    so a body the reply never names (浙江省, 黔南州 standing alone) is not an entity.
--  * Mentions are computed: every occurrence of every alias in every paragraph of the
--    reply is a candidate, and a candidate is dropped when it overlaps a longer one (or an
--    equally long one that starts earlier). So 贵州磷化集团 wins over 贵州 and 磷,
--    容百锂电 over 锂, 黔南高新区 over 黔 (an alias of 贵州省), and “开阳-息烽” yields the
--    two counties 开阳 and 息烽 (the two 磷化工产业基地 are not entities of their own).
--  * Commitments are pinned by a quote that occurs exactly once in its paragraph; the
--    section is given by anchor and checked to be the deepest section whose span holds
--    the quote. Status follows the reply's own words only, and status_basis quotes them:
--    已/了/完成/成功/印发/发布/修订/先后前往/均达到, or the tally of a past year
--    (2022年,全省共新增引进) → completed; 正/正在 → in_progress, also in 目前正在加快进度,
--    力争…; 将/拟/下一步/近期 → planned; anything else → not_assessed (积极谋划招引 too:
--    谋划 is not a promise to act). The 将 of
--    将新能源电池及材料项目纳入重点保障 is the object marker (把), not a future tense.
--  * Figures are pinned by their quote, or by a longer context string when the quote
--    occurs twice in its paragraph (the two 50亿元 of paragraph 14). base_value is the
--    value in yuan, items, persons or tonnes per year, checked against the unit.
-- Each step ends with a DO block that raises if anything fails to line up with the text.

-- +goose Up

CREATE TEMPORARY TABLE entity_seed (
    slug        text PRIMARY KEY,
    kind        text NOT NULL,
    name        text NOT NULL,
    full_name   text,
    parent_slug text,
    aliases     text[] NOT NULL,   -- surface forms besides the name
    description text
) ON COMMIT DROP;

INSERT INTO entity_seed (slug, kind, name, full_name, parent_slug, aliases, description) VALUES
    -- government bodies
    ('gz-industry-it-dept', 'government', '贵州省工业和信息化厅', NULL, NULL, ARRAY['省工业和信息化厅'], '贵州省主管工业和信息化的政府部门，本答复的答复单位。'),
    ('gz-finance-dept', 'government', '省财政', '贵州省财政厅', NULL, '{}', '贵州省财政部门；2022年至2023年安排地质找矿专项资金。'),
    ('gz-ndrc', 'government', '省发展改革', '贵州省发展和改革委员会', NULL, '{}', '贵州省发展改革部门；已制定产业园区配套基础设施投资专项资金管理办法。'),
    ('gz-emergency-dept', 'government', '省应急部门', '贵州省应急管理厅', NULL, '{}', '贵州省应急管理部门；2022年11月对化工园区安全风险作出复核反馈。'),
    ('gz-big-data-bureau', 'government', '省大数据局', '贵州省大数据发展管理局', NULL, '{}', '贵州省大数据主管部门；遴选大数据人才实训基地。'),
    ('gz-commerce-dept', 'government', '省商务厅', '贵州省商务厅', NULL, '{}', '贵州省商务主管部门，印发全省重点经济开发区推动开放型经济发展的年度通知。'),
    ('mof', 'government', '财政部', '中华人民共和国财政部', NULL, '{}', '国务院财政主管部门。'),
    ('mem', 'government', '应急部', '中华人民共和国应急管理部', NULL, '{}', '国务院应急管理主管部门。'),
    -- organisations
    ('ngd-guizhou', 'organisation', '农工党贵州省委员会', '中国农工民主党贵州省委员会', NULL, '{}', '民主党派的省级组织，提出第1019号提案，本答复的主送单位。'),
    ('zhejiang-guizhou-chamber', 'organisation', '浙江省贵州商会', NULL, NULL, '{}', '在浙江的贵州商会；答复称曾拜访并座谈交流。'),
    -- companies
    ('catl', 'company', '宁德时代', NULL, NULL, '{}', '动力电池企业；赴黔布局的头部企业，参与组建省级新能源材料制造业创新中心。'),
    ('byd', 'company', '比亚迪', NULL, NULL, '{}', '新能源汽车和电池企业；贵州板块总产值已突破50亿元。'),
    ('hunan-yuneng', 'company', '湖南裕能', NULL, NULL, '{}', '电池正极材料企业；赴黔布局的头部企业。'),
    ('ronbay', 'company', '容百锂电', NULL, NULL, '{}', '锂电正极材料企业；贵州板块总产值已突破50亿元。'),
    ('cngr', 'company', '中伟新材料', NULL, NULL, '{}', '贵州本土电池材料企业；产值突破100亿元并成功上市。'),
    ('cngr-recycling', 'company', '中伟资源循环', NULL, 'cngr', '{}', '中伟新材料旗下的资源循环企业；已布局2.5万吨/年电池回收项目。'),
    ('zhenhua', 'company', '振华新材料', NULL, NULL, '{}', '贵州本土电池材料企业；产值突破100亿元并成功上市。'),
    ('anda-tech', 'company', '安达科技', NULL, NULL, '{}', '贵州本土电池材料企业；产值突破50亿元并通过上市审核。'),
    ('hongxing-electronics', 'company', '红星电子', NULL, NULL, '{}', '已布局废旧锂电池再生利用生产线建设项目的企业。'),
    ('narada', 'company', '浙江南都电源动力股份有限公司', NULL, NULL, '{}', '浙江的电池企业；贵州赴浙招商引资考察的对象。'),
    ('hangzhou-shidai-daye', 'company', '杭州时代大业新能源有限公司', NULL, NULL, '{}', '杭州的新能源企业；贵州赴浙招商引资考察的对象。'),
    ('windey', 'company', '浙江运达风电股份有限公司', NULL, NULL, '{}', '浙江的风电企业；贵州赴浙招商引资考察的对象。'),
    ('gz-phosphate-group', 'company', '贵州磷化集团', '贵州磷化(集团)有限责任公司', NULL, '{}', '贵州省属磷化工企业；牵头组建省级新能源材料制造业创新中心。'),
    ('power-grid-company', 'company', '电网公司', NULL, NULL, '{}', '与省、市、县三级联动保障用电的电网企业(答复未写全称)。'),
    -- institutions
    ('guizhou-university', 'institution', '贵州大学', NULL, NULL, '{}', '贵州的高等学校；参与组建省级新能源材料制造业创新中心。'),
    ('gz-new-energy-materials-innovation-centre', 'institution', '贵州省新能源材料创新中心', NULL, NULL, ARRAY['省级新能源材料制造业创新中心'], '2022年11月由贵州磷化集团牵头组建的国内首家省级新能源材料制造业创新中心，力争升格为国家级。'),
    -- regions: province, prefectures, counties (a county's parent is its prefecture, or
    -- the province where the reply never names the prefecture on its own)
    ('guizhou', 'region', '贵州省', NULL, NULL, ARRAY['贵州', '黔'], '省级行政区，简称黔。'),
    ('guiyang-guian', 'region', '贵阳贵安', NULL, 'guizhou', '{}', '贵阳市和贵安新区的合称；“一核”的核心区域之一。'),
    ('kaiyang', 'region', '开阳', '开阳县', 'guiyang-guian', '{}', '贵阳市辖县；与息烽合为“开阳-息烽”磷化工产业基地。'),
    ('xifeng', 'region', '息烽', '息烽县', 'guiyang-guian', '{}', '贵阳市辖县；与开阳合为“开阳-息烽”磷化工产业基地。'),
    ('wengan', 'region', '瓮安', '瓮安县', 'guizhou', '{}', '黔南州辖县；与福泉合为“瓮安-福泉”磷化工产业基地。'),
    ('fuquan', 'region', '福泉', '福泉市', 'guizhou', '{}', '黔南州辖县级市；与瓮安合为“瓮安-福泉”磷化工产业基地。'),
    ('tongren', 'region', '铜仁', '铜仁市', 'guizhou', ARRAY['铜仁市'], '地级市；“两区”之一铜仁新能源电池及材料产业聚集区所在地。'),
    ('qianxinan', 'region', '黔西南州', '黔西南布依族苗族自治州', 'guizhou', ARRAY['黔西南'], '自治州；与六盘水同属“两区”之一的产业聚集区。'),
    ('liupanshui', 'region', '六盘水', '六盘水市', 'guizhou', '{}', '地级市；与黔西南州同属“两区”之一的产业聚集区。'),
    ('hangzhou', 'region', '杭州', '杭州市', NULL, '{}', '浙江省省会；新能源电池及材料投资机遇座谈会的举办地。'),
    -- parks and industrial zones (parent = their region)
    ('tongren-battery-cluster', 'park', '铜仁新能源电池及材料产业聚集区', NULL, 'tongren', '{}', '“两区”之一，以大龙经开区为重点、黔东工业集聚区产业带为支撑。'),
    ('qianxinan-liupanshui-battery-cluster', 'park', '黔西南-六盘水新能源电池及材料产业聚集区', NULL, 'guizhou', ARRAY['“黔西南-六盘水”新能源电池及材料产业聚集区'], '“两区”之一，以义龙新区为重点，兴仁、安龙、盘北、六枝等园区为支撑。'),
    ('dalong-edz', 'park', '大龙经开区', NULL, 'tongren', ARRAY['大龙开发区'], '铜仁市的经济开发区；铜仁产业聚集区的重点，已纳入全省重点经济开发区培育对象。'),
    ('qiandong-industrial-cluster', 'park', '黔东工业集聚区', NULL, 'tongren', '{}', '铜仁市的工业集聚区；铜仁产业聚集区的支撑产业带。'),
    ('yilong-new-area', 'park', '义龙新区', NULL, 'qianxinan', '{}', '黔西南州的新区；“黔西南-六盘水”产业聚集区的重点。'),
    ('xingren-edz', 'park', '兴仁经开区', NULL, 'qianxinan', '{}', '黔西南州兴仁市的经济开发区；“黔西南-六盘水”产业聚集区的支撑园区。'),
    ('anlong-industrial-park', 'park', '安龙工业园区', NULL, 'qianxinan', '{}', '黔西南州安龙县的工业园区；“黔西南-六盘水”产业聚集区的支撑园区。'),
    ('panbei-edz', 'park', '盘北经开区', NULL, 'liupanshui', '{}', '六盘水市盘州市的经济开发区；“黔西南-六盘水”产业聚集区的支撑园区。'),
    ('liuzhi-edz', 'park', '六枝经开区', NULL, 'liupanshui', '{}', '六盘水市六枝特区的经济开发区；“黔西南-六盘水”产业聚集区的支撑园区。'),
    ('qiannan-hitech-zone', 'park', '黔南高新区', NULL, 'guizhou', '{}', '黔南州的高新技术产业开发区；第一批认定的化工园区之一。'),
    ('kaiyang-edz', 'park', '开阳经开区', NULL, 'kaiyang', '{}', '开阳县的经济开发区；获园区专项债支持配套基础设施建设。'),
    ('wengan-chemical-park', 'park', '瓮安化工园区', NULL, 'wengan', '{}', '瓮安县的化工园区。'),
    ('kaiyang-chemical-park', 'park', '开阳化工园区', NULL, 'kaiyang', '{}', '开阳县的化工园区。'),
    -- minerals
    ('lithium', 'mineral', '锂', NULL, NULL, '{}', '锂矿产资源；“左磷右锂”之锂。'),
    ('phosphorus', 'mineral', '磷', NULL, NULL, '{}', '磷矿产资源；“左磷右锂”之磷，磷化工的原料。'),
    ('aluminium', 'mineral', '铝', NULL, NULL, '{}', '铝矿产资源。'),
    ('manganese', 'mineral', '锰', NULL, NULL, '{}', '锰矿产资源。'),
    ('fluorite', 'mineral', '萤石', NULL, NULL, ARRAY['萤石矿'], '萤石矿产资源，氟的主要来源。'),
    ('pyrite', 'mineral', '硫铁矿', NULL, NULL, '{}', '硫铁矿产资源。'),
    ('nickel', 'mineral', '镍', NULL, NULL, '{}', '镍矿产资源；贵州省稀缺的电池资源之一。'),
    ('cobalt', 'mineral', '钴', NULL, NULL, '{}', '钴矿产资源；贵州省稀缺的电池资源之一。'),
    ('fluorine', 'mineral', '氟', NULL, NULL, '{}', '氟资源；氟系电池材料产业带和氟系材料链的基础。'),
    ('clay-lithium-ore', 'mineral', '黏土型锂矿', NULL, NULL, '{}', '黏土型的锂矿资源；答复提出重点突破其提取技术。'),
    ('manganese-carbonate-ore', 'mineral', '碳酸锰矿', NULL, NULL, '{}', '碳酸锰矿资源；可制备高纯锰材料。'),
    -- materials
    ('cathode-materials', 'material', '正极材料', NULL, NULL, '{}', '电池正极材料。'),
    ('ternary-cathode-materials', 'material', '三元电池正极材料', NULL, NULL, '{}', '三元电池的正极材料；“两区”重点发展的产业。'),
    ('anode-materials', 'material', '负极材料', NULL, NULL, '{}', '电池负极材料；可由煤系针状焦制得。'),
    ('separator', 'material', '隔膜', NULL, NULL, '{}', '电池隔膜，新能源电池关键材料。'),
    ('electrolyte', 'material', '电解液', NULL, NULL, '{}', '电池电解液，新能源电池关键材料。'),
    ('lithium-salt', 'material', '锂盐', NULL, NULL, '{}', '锂盐材料；答复所称需补齐的短板之一。'),
    ('battery-additives', 'material', '电池添加剂', NULL, NULL, '{}', '电池添加剂；答复所称需补齐的短板之一。'),
    ('high-purity-manganese', 'material', '高纯锰材料', NULL, NULL, '{}', '由碳酸锰矿制备的高纯锰材料。'),
    ('coal-needle-coke', 'material', '煤系针状焦', NULL, NULL, '{}', '煤系针状焦，可用于负极材料。'),
    -- technologies
    ('sodium-ion-battery', 'technology', '钠离子电池', NULL, NULL, '{}', '钠离子电池及其材料。'),
    ('lithium-ion-battery', 'technology', '锂离子电池', NULL, NULL, ARRAY['锂电池'], '锂离子电池(锂电池)。'),
    ('solid-state-battery', 'technology', '固态电池', NULL, NULL, '{}', '新型电池体系之一。'),
    ('fuel-cell', 'technology', '燃料电池', NULL, NULL, '{}', '新型电池体系之一。'),
    ('battery-recycling', 'technology', '电池回收', NULL, NULL, '{}', '废旧电池回收。'),
    ('cascade-utilisation', 'technology', '梯次利用', NULL, NULL, '{}', '退役动力电池的梯次利用。'),
    ('recycling-regeneration', 'technology', '再生利用', NULL, NULL, '{}', '废旧电池材料的再生利用。'),
    -- funds
    ('new-industrialisation-fund', 'fund', '新型工业化基金', NULL, NULL, '{}', '支持新能源电池及材料产业项目的基金之一。'),
    ('new-momentum-fund', 'fund', '新动能基金', NULL, NULL, '{}', '支持新能源电池及材料产业项目的基金之一。'),
    ('gz-industry-it-special-fund', 'fund', '省工业和信息化发展专项资金', NULL, NULL, '{}', '贵州省工业和信息化发展专项资金。'),
    ('hazchem-risk-control-fund', 'fund', '危险化学品重大安全风险防控资金', NULL, NULL, '{}', '向财政部、应急部申请的危险化学品重大安全风险防控资金。'),
    -- events
    ('eco-civilisation-forum', 'event', '生态文明论坛', '生态文明贵阳国际论坛', NULL, '{}', '在贵阳举办的生态文明论坛；用作产业宣传和招商平台。'),
    ('battery-investment-symposium', 'event', '新能源电池及材料投资机遇座谈会', NULL, NULL, '{}', '在杭州举办的新能源电池及材料投资机遇座谈会。');

INSERT INTO entities (slug, kind, name, full_name, description)
SELECT slug, kind, name, full_name, description FROM entity_seed ORDER BY kind, slug;

UPDATE entities e SET parent_id = p.id
FROM entity_seed s JOIN entities p ON p.slug = s.parent_slug
WHERE e.slug = s.slug;

INSERT INTO entity_aliases (alias, entity_id)
SELECT DISTINCT a.alias, e.id
FROM entity_seed s
JOIN entities e ON e.slug = s.slug
CROSS JOIN LATERAL unnest(array_prepend(s.name, s.aliases)) AS a (alias);

-- Every occurrence of every alias in the reply; then only the maximal ones become mentions.
CREATE TEMPORARY TABLE mention_candidates ON COMMIT DROP AS
SELECT a.entity_id, p.id AS paragraph_id, g.pos - 1 AS start_offset,
       g.pos - 1 + char_length(a.alias) AS end_offset, a.alias AS quote
FROM documents d
JOIN paragraphs p ON p.document_id = d.id
JOIN entity_aliases a ON strpos(p.text, a.alias) > 0
JOIN entities e ON e.id = a.entity_id
JOIN entity_seed s ON s.slug = e.slug
CROSS JOIN LATERAL generate_series(1, char_length(p.text) - char_length(a.alias) + 1) AS g (pos)
WHERE d.slug = 'qgxtfz-2023-4'
  AND substr(p.text, g.pos, char_length(a.alias)) = a.alias;

INSERT INTO mentions (entity_id, paragraph_id, start_offset, end_offset, quote)
SELECT c.entity_id, c.paragraph_id, c.start_offset, c.end_offset, c.quote
FROM mention_candidates c
WHERE NOT EXISTS (
    SELECT 1 FROM mention_candidates o
    WHERE o.paragraph_id = c.paragraph_id
      AND o.start_offset < c.end_offset AND c.start_offset < o.end_offset
      AND (o.end_offset - o.start_offset > c.end_offset - c.start_offset
           OR (o.end_offset - o.start_offset = c.end_offset - c.start_offset AND o.start_offset < c.start_offset)))
ORDER BY c.paragraph_id, c.start_offset;

-- +goose StatementBegin
DO $$
DECLARE
    r record;
BEGIN
    FOR r IN SELECT s.slug FROM entity_seed s JOIN entities e ON e.slug = s.slug
             WHERE NOT EXISTS (SELECT 1 FROM mentions m WHERE m.entity_id = e.id) LOOP
        RAISE EXCEPTION 'entity % has no mention in the reply', r.slug;
    END LOOP;
    FOR r IN SELECT s.slug, a.alias FROM entity_seed s CROSS JOIN LATERAL unnest(s.aliases) AS a (alias)
             WHERE NOT EXISTS (SELECT 1 FROM mention_candidates c WHERE c.quote = a.alias) LOOP
        RAISE EXCEPTION 'alias % of % does not occur in the reply', r.alias, r.slug;
    END LOOP;
    IF EXISTS (SELECT 1 FROM mentions a JOIN mentions b ON a.paragraph_id = b.paragraph_id AND a.id < b.id
               AND a.start_offset < b.end_offset AND b.start_offset < a.end_offset) THEN
        RAISE EXCEPTION 'overlapping mentions';
    END IF;
END;
$$;
-- +goose StatementEnd

-- Commitments, in reading order. Each quote occurs exactly once in its paragraph; units
-- are entity slugs, only where the text names them.
CREATE TEMPORARY TABLE commitment_seed (
    anchor       text NOT NULL,
    seq          integer NOT NULL,
    quote        text NOT NULL,
    title        text NOT NULL,
    kind         text NOT NULL,
    strength     text NOT NULL,
    status       text NOT NULL,
    status_basis text,
    time_frame   text,
    period_start date,
    period_end   date,
    lead         text[] NOT NULL DEFAULT '{}',
    support      text[] NOT NULL DEFAULT '{}'
) ON COMMIT DROP;

INSERT INTO commitment_seed (anchor, seq, quote, title, kind, strength, status, status_basis, time_frame, period_start, period_end, lead, support) VALUES
    -- 一、加快产业集群,实现错位发展
    ('s1', 4, '省工业和信息化厅印发实施《贵州省新能源动力电池及材料研发生产基地建设规划(2022-2030年)》', '印发实施新能源动力电池及材料基地建设规划', 'result', 'definite', 'completed', '印发实施', '2022-2030年', '2022-01-01', '2030-12-31', ARRAY['gz-industry-it-dept'], '{}'),
    ('s1-1', 4, '以贵阳贵安和“开阳-息烽”“瓮安-福泉”两大磷化工产业基地为核心,培育打造新能源电池及配套产业集群', '以贵阳贵安和两大磷化工基地为核心打造产业集群', 'measure', 'definite', 'not_assessed', NULL, NULL, NULL, NULL, '{}', '{}'),
    ('s1-1', 4, '推动新能源电池及材料产业与磷化工产业融合,打造千亿级磷化工产业园区', '“瓮安-福泉”打造千亿级磷化工产业园区', 'target', 'definite', 'not_assessed', NULL, NULL, NULL, NULL, '{}', '{}'),
    ('s1-2', 5, '铜仁市以大龙经开区为重点、以黔东工业集聚区产业带为支撑', '铜仁以大龙经开区为重点建设产业聚集区', 'measure', 'definite', 'not_assessed', NULL, NULL, NULL, NULL, ARRAY['tongren'], '{}'),
    ('s1-2', 5, '“黔西南州-六盘水”以义龙新区为重点,兴仁经开区、安龙工业园区、盘北经开区、六枝经开区等为支撑', '黔西南州-六盘水以义龙新区为重点建设聚集区', 'measure', 'definite', 'not_assessed', NULL, NULL, NULL, NULL, ARRAY['qianxinan', 'liupanshui'], '{}'),
    ('s1-3', 6, '补齐锂盐、隔膜、电解液、电池添加剂等短板,与省内新能源电池产业形成配套', '补齐锂盐、隔膜、电解液、电池添加剂等短板', 'measure', 'definite', 'not_assessed', NULL, NULL, NULL, NULL, '{}', '{}'),
    -- 二、加大找矿力度,巩固资源优势
    ('s2', 8, '印发了《贵州省新一轮找矿突破战略行动实施纲要(2022-2035年)》及2022-2025年找矿实施方案', '印发新一轮找矿突破战略行动实施纲要及实施方案', 'result', 'definite', 'completed', '印发了', '2022-2035年', '2022-01-01', '2035-12-31', '{}', '{}'),
    ('s2', 8, '分3个5年统筹安排全省地质找矿工作', '分3个5年统筹安排全省地质找矿工作', 'measure', 'definite', 'not_assessed', NULL, NULL, NULL, NULL, '{}', '{}'),
    ('s2', 8, '“十四五”期间,主攻新能源电池及材料产业所需的锂、磷、铝、锰、萤石、硫铁矿、镍、钴8种矿产调查评价和勘查', '“十四五”期间主攻8种矿产调查评价和勘查', 'measure', 'definite', 'not_assessed', NULL, '“十四五”期间', '2021-01-01', '2025-12-31', '{}', '{}'),
    ('s2', 8, '2022年至2023年,省财政安排39932.82万元专项资金,实施地质找矿项目51个', '省财政安排39932.82万元实施地质找矿项目51个', 'measure', 'definite', 'not_assessed', NULL, '2022年至2023年', '2022-01-01', '2023-12-31', ARRAY['gz-finance-dept'], '{}'),
    ('s2', 8, '下一步,将坚持围绕新能源电池及材料产业发展需求,加大锂、磷、铝、锰等矿产勘查力度,新增一批资源储量', '加大锂、磷、铝、锰等矿产勘查力度', 'plan', 'definite', 'planned', '下一步,将', '下一步', NULL, NULL, '{}', '{}'),
    -- 三、整合资源要素,推动低碳发展
    ('s3-1', 10, '扶持壮大正极材料产业,积极引进隔膜、电解液等新能源电池关键材料企业向贵州省聚集', '扶持正极材料产业，引进隔膜、电解液等关键材料企业', 'measure', 'aspirational', 'not_assessed', NULL, NULL, NULL, NULL, '{}', '{}'),
    ('s3-1', 10, '推动磷、锰、铝、萤石矿等矿产资源就近开发利用', '推动磷、锰、铝、萤石等矿产资源就近开发利用', 'measure', 'definite', 'not_assessed', NULL, NULL, NULL, NULL, '{}', '{}'),
    ('s3-2', 11, '重点突破黏土型锂矿提取技术、碳酸锰矿制备高纯锰材料等技术', '突破黏土型锂矿提取、碳酸锰矿制备高纯锰材料技术', 'measure', 'definite', 'not_assessed', NULL, NULL, NULL, NULL, '{}', '{}'),
    ('s3-2', 11, '研究煤系针状焦及其负极材料的产业化应用', '研究煤系针状焦及负极材料的产业化应用', 'measure', 'definite', 'not_assessed', NULL, NULL, NULL, NULL, '{}', '{}'),
    ('s3-3', 12, '推动电池回收和梯次利用、再生利用,形成新能源产业闭环', '推动电池回收和梯次利用、再生利用', 'measure', 'definite', 'not_assessed', NULL, NULL, NULL, NULL, '{}', '{}'),
    ('s3-3', 12, '全省已布局中伟资源循环2.5万吨/年电池回收项目、红星电子废旧锂电池再生利用生产线建设项目等回收利用项目', '布局中伟资源循环、红星电子等电池回收利用项目', 'result', 'definite', 'completed', '已', NULL, NULL, NULL, '{}', ARRAY['cngr-recycling', 'hongxing-electronics']),
    -- 四、强化招商引资,培育龙头企业
    ('s4', 14, '2022年,全省共新增引进新能源电池及材料产业项目59个,新增合同投资额388.7亿元', '2022年新增引进产业项目59个、合同投资388.7亿元', 'result', 'definite', 'completed', '2022年,全省共新增引进', '2022年', '2022-01-01', '2022-12-31', '{}', '{}'),
    ('s4', 14, '宁德时代、比亚迪、湖南裕能、容百锂电等头部企业赴黔布局、发展壮大,其中比亚迪、容百锂电贵州板块总产值已突破50亿元', '头部企业赴黔布局，比亚迪、容百锂电产值破50亿元', 'result', 'definite', 'completed', '已突破', NULL, NULL, NULL, ARRAY['catl', 'byd', 'hunan-yuneng', 'ronbay'], '{}'),
    ('s4', 14, '中伟新材料、振华新材料产值突破100亿元并成功上市,安达科技产值突破50亿元并通过上市审核', '中伟、振华产值破百亿元上市，安达科技通过上市审核', 'result', 'definite', 'completed', '突破、成功上市、通过上市审核', NULL, NULL, NULL, ARRAY['cngr', 'zhenhua', 'anda-tech'], '{}'),
    ('s4', 14, '招商引资,龙头企业培育等工作正有序开展', '招商引资、龙头企业培育等工作有序开展', 'measure', 'definite', 'in_progress', '正有序开展', NULL, NULL, NULL, '{}', '{}'),
    ('s4-1', 14, '完成《关于贵州省新能源电池及材料产业链延链补链强链重点环节和对策建议的研究报告》', '完成产业链延链补链强链重点环节研究报告', 'result', 'definite', 'completed', '完成', NULL, NULL, NULL, '{}', '{}'),
    ('s4-1', 14, '正围绕新能源电池及材料产业建链、补链、强链、延链,紧盯隔膜、电解液等主要环节招引,补齐贵阳贵安、瓮安和福泉产业短板', '紧盯隔膜、电解液等环节招引，补齐产业短板', 'measure', 'definite', 'in_progress', '正', NULL, NULL, NULL, '{}', '{}'),
    ('s4-2', 14, '短期以招引锂离子电池及关键材料产业为重点', '短期以招引锂离子电池及关键材料产业为重点', 'measure', 'definite', 'not_assessed', NULL, '短期', NULL, NULL, '{}', '{}'),
    ('s4-2', 14, '积极谋划招引固态电池、钠离子电池、燃料电池等新型电池体系企业', '谋划招引固态、钠离子、燃料电池等新型电池企业', 'plan', 'aspirational', 'not_assessed', NULL, NULL, NULL, NULL, '{}', '{}'),
    ('s4-3', 14, '发布《贵州省新能源电池及材料产业宣传片》', '发布新能源电池及材料产业宣传片', 'result', 'definite', 'completed', '发布', NULL, NULL, NULL, '{}', '{}'),
    ('s4-3', 14, '成功在杭州成功举办新能源电池及材料投资机遇座谈会', '在杭州举办新能源电池及材料投资机遇座谈会', 'result', 'definite', 'completed', '成功举办', NULL, NULL, NULL, '{}', '{}'),
    ('s4-3', 14, '先后前往浙江南都电源动力股份有限公司、杭州时代大业新能源有限公司、浙江运达风电股份有限公司等开展招商引资考察,拜访浙江省贵州商会并进行座谈交流', '赴浙江企业招商考察，拜访浙江省贵州商会', 'result', 'definite', 'completed', '先后前往', NULL, NULL, NULL, '{}', '{}'),
    ('s4-3', 14, '积极利用生态文明论坛、招商推介会等平台及活动,大力宣传我省新能源电池及材料产业发展优势及战略布局', '借生态文明论坛等平台宣传产业优势和布局', 'measure', 'aspirational', 'not_assessed', NULL, NULL, NULL, NULL, '{}', '{}'),
    -- 五、完善配套设施,强化服务保障
    ('s5', 16, '坚持省市县联动、部门协同,协调解决重大项目建设、企业发展面临的重点难点问题', '省市县联动协调解决重大项目和企业发展难点', 'measure', 'definite', 'not_assessed', NULL, NULL, NULL, NULL, '{}', '{}'),
    ('s5-1', 16, '协助筹集10亿元财政资金,支持黔南高新区等“一核两区”20个重点产业项目涉及的54个要素配套项目建设', '筹集10亿元支持20个重点产业项目的54个配套项目', 'measure', 'definite', 'not_assessed', NULL, NULL, NULL, NULL, '{}', '{}'),
    ('s5-2', 16, '协调8.11亿元园区专项债支持黔南高新区、开阳经开区等园区配套基础设施建设', '协调8.11亿元园区专项债支持园区基础设施', 'measure', 'definite', 'not_assessed', NULL, NULL, NULL, NULL, '{}', '{}'),
    ('s5-2', 16, '省发展改革已制定《贵州省产业园区配套基础设施投资专项资金管理办法》', '制定产业园区配套基础设施投资专项资金管理办法', 'result', 'definite', 'completed', '已', NULL, NULL, NULL, ARRAY['gz-ndrc'], '{}'),
    ('s5-2', 16, '拟安排专项资金对各市(州)重点产业园区配套基础设施建设予以支持', '安排专项资金支持重点产业园区配套基础设施', 'plan', 'definite', 'planned', '拟', NULL, NULL, NULL, ARRAY['gz-ndrc'], '{}'),
    ('s5-3', 16, '修订《贵州省突发事件总体应急预案》,印发实施《贵州省突发事件应急演练工作规范》和《贵州省事故灾难和自然灾害分级应对制度(试行)》', '修订总体应急预案，印发演练规范和分级应对制度', 'result', 'definite', 'completed', '修订、印发实施', NULL, NULL, NULL, '{}', '{}'),
    ('s5-3', 16, '建立了由45个专项应急预案、8个重要部门预案和11个保障应急预案组成的省级应急预案框架', '建立省级应急预案框架', 'result', 'definite', 'completed', '建立了', NULL, NULL, NULL, '{}', '{}'),
    ('s5-3', 16, '按照2022年11月省应急部门对化工园区安全风险复核反馈,黔南高新区等第一批认定的6个化工园区安全风险均达到C级(一般安全风险等级)', '第一批6个化工园区安全风险均达到C级', 'result', 'definite', 'completed', '均达到', '2022年11月', '2022-11-01', '2022-11-30', '{}', '{}'),
    ('s5-3', 16, '近期,将积极组织黔南高新区、瓮安化工园区、开阳化工园区等向财政部、应急部申请危险化学品重大安全风险防控资金', '组织园区申请危险化学品重大安全风险防控资金', 'plan', 'definite', 'planned', '近期,将', '近期', NULL, NULL, ARRAY['qiannan-hitech-zone', 'wengan-chemical-park', 'kaiyang-chemical-park'], '{}'),
    -- 六、建强人才队伍,强化科技支撑
    ('s6-1', 18, '由贵州磷化集团牵头,宁德时代、比亚迪、中伟新材料、贵州大学等业界骨干企业共同参与,2022年11月成功组建国内首家省级新能源材料制造业创新中心', '组建省级新能源材料制造业创新中心', 'result', 'definite', 'completed', '成功组建', '2022年11月', '2022-11-01', '2022-11-30', ARRAY['gz-phosphate-group'], ARRAY['catl', 'byd', 'cngr', 'guizhou-university']),
    ('s6-1', 18, '目前正在加快进度,力争尽快升格为国家级制造业创新中心', '力争升格为国家级制造业创新中心', 'target', 'aspirational', 'in_progress', '目前正在', NULL, NULL, NULL, '{}', '{}'),
    ('s6-2', 19, '正积极建设数字经济人才库', '建设数字经济人才库', 'measure', 'definite', 'in_progress', '正', NULL, NULL, NULL, '{}', '{}'),
    ('s6-2', 19, '已遴选出20家大数据人才实训基地', '遴选20家大数据人才实训基地', 'result', 'definite', 'completed', '已', NULL, NULL, NULL, ARRAY['gz-big-data-bureau'], '{}'),
    ('s6-2', 19, '已完成实训710人', '完成大数据人才实训710人', 'result', 'definite', 'completed', '已完成', NULL, NULL, NULL, ARRAY['gz-big-data-bureau'], '{}'),
    -- 七、强化要素保障,优化营商环境
    ('s7', 21, '统筹做好产业发展用能、用地、用电、资金等要素保障工作', '统筹做好用能、用地、用电、资金等要素保障', 'measure', 'definite', 'not_assessed', NULL, NULL, NULL, NULL, '{}', '{}'),
    ('s7-1', 21, '统筹省级能耗总量指标分配向新能源电池及材料产业特别是“一核两区”重点布局区域、重点项目予以倾斜', '能耗总量指标分配向“一核两区”重点区域和项目倾斜', 'measure', 'definite', 'not_assessed', NULL, NULL, NULL, NULL, '{}', '{}'),
    ('s7-1', 21, '对符合条件的重大项目,积极争取国家纳入能耗单列政策', '争取国家将重大项目纳入能耗单列政策', 'measure', 'aspirational', 'not_assessed', NULL, NULL, NULL, NULL, '{}', '{}'),
    ('s7-2', 21, '与电网公司形成省、市、县三级联动的工作机制,将新能源电池及材料项目纳入重点保障', '与电网公司三级联动，将电池项目纳入用电重点保障', 'measure', 'definite', 'not_assessed', NULL, NULL, NULL, NULL, '{}', ARRAY['power-grid-company']),
    ('s7-3', 21, '落实土地用途变更、整合、置换等政策,确保重点项目用地指标', '落实土地政策，确保重点项目用地指标', 'measure', 'definite', 'not_assessed', NULL, NULL, NULL, NULL, '{}', '{}'),
    ('s7-4', 21, '充分发挥新型工业化基金、新动能基金、省工业和信息化发展专项资金以及各级财政资金的引导作用', '发挥新型工业化基金等基金和专项资金的引导作用', 'measure', 'definite', 'not_assessed', NULL, NULL, NULL, NULL, '{}', '{}'),
    ('s7-4', 21, '按照《省商务厅关于2023年度全省重点经济开发区推动开放型经济发展的通知》要求,大龙开发区等已纳入重点培育对象', '大龙开发区等纳入全省重点经济开发区培育对象', 'result', 'definite', 'completed', '已', '2023年度', '2023-01-01', '2023-12-31', ARRAY['gz-commerce-dept'], '{}'),
    ('s7-4', 21, '将在园区基础设施等方面给予地方专项债券项目等支持', '在园区基础设施方面给予地方专项债券项目支持', 'plan', 'definite', 'planned', '将', NULL, NULL, NULL, '{}', '{}');

-- Locate each quote, and the sections containing it, before inserting anything.
CREATE TEMPORARY TABLE commitment_located ON COMMIT DROP AS
SELECT c.*, p.id AS paragraph_id, strpos(p.text, c.quote) - 1 AS start_offset,
       strpos(p.text, c.quote) - 1 + char_length(c.quote) AS end_offset,
       (char_length(p.text) - char_length(replace(p.text, c.quote, ''))) / char_length(c.quote) AS occurrences,
       sec.id AS section_id
FROM commitment_seed c
JOIN documents d ON d.slug = 'qgxtfz-2023-4'
JOIN paragraphs p ON p.document_id = d.id AND p.seq = c.seq
LEFT JOIN sections sec ON sec.document_id = d.id AND sec.anchor = c.anchor;

CREATE TEMPORARY TABLE section_spans ON COMMIT DROP AS
SELECT s.id, s.parent_id, s.anchor, ps.seq AS start_seq, s.start_offset, pe.seq AS end_seq, s.end_offset
FROM sections s
JOIN documents d ON d.id = s.document_id AND d.slug = 'qgxtfz-2023-4'
JOIN paragraphs ps ON ps.id = s.start_paragraph_id
JOIN paragraphs pe ON pe.id = s.end_paragraph_id;

-- +goose StatementBegin
DO $$
DECLARE
    r record;
BEGIN
    FOR r IN SELECT * FROM commitment_located LOOP
        IF r.occurrences <> 1 THEN
            RAISE EXCEPTION 'commitment quote % occurs % times in paragraph %', r.quote, r.occurrences, r.seq;
        END IF;
        IF r.section_id IS NULL THEN
            RAISE EXCEPTION 'no section %', r.anchor;
        END IF;
        IF char_length(r.title) > 30 THEN
            RAISE EXCEPTION 'title % is longer than 30 characters', r.title;
        END IF;
        IF NOT EXISTS (SELECT 1 FROM section_spans s WHERE s.id = r.section_id
                       AND (s.start_seq, s.start_offset) <= (r.seq, r.start_offset)
                       AND (r.seq, r.end_offset) <= (s.end_seq, s.end_offset)) THEN
            RAISE EXCEPTION 'commitment quote % is not inside section %', r.quote, r.anchor;
        END IF;
        IF EXISTS (SELECT 1 FROM section_spans s WHERE s.parent_id = r.section_id
                   AND (s.start_seq, s.start_offset) < (r.seq, r.end_offset)
                   AND (r.seq, r.start_offset) < (s.end_seq, s.end_offset)) THEN
            RAISE EXCEPTION 'commitment quote % lies in a subsection of %', r.quote, r.anchor;
        END IF;
        IF (r.status = 'not_assessed') <> (r.status_basis IS NULL) THEN
            RAISE EXCEPTION 'status basis of % does not fit its status', r.quote;
        END IF;
        IF r.status_basis IS NOT NULL AND r.status <> 'not_assessed'
           AND NOT EXISTS (SELECT 1 FROM regexp_split_to_table(r.status_basis, '、') AS w (word)
                           JOIN paragraphs p ON p.id = r.paragraph_id WHERE strpos(p.text, w.word) > 0) THEN
            RAISE EXCEPTION 'status basis % of % is not in the text', r.status_basis, r.quote;
        END IF;
    END LOOP;
    FOR r IN SELECT s.anchor FROM section_spans s
             WHERE NOT EXISTS (SELECT 1 FROM commitment_located c
                               WHERE (s.start_seq, s.start_offset) <= (c.seq, c.start_offset)
                                 AND (c.seq, c.end_offset) <= (s.end_seq, s.end_offset)) LOOP
        RAISE EXCEPTION 'section % has no commitment', r.anchor;
    END LOOP;
    FOR r IN SELECT u.slug FROM commitment_seed c CROSS JOIN LATERAL unnest(c.lead || c.support) AS u (slug)
             WHERE NOT EXISTS (SELECT 1 FROM entity_seed e WHERE e.slug = u.slug) LOOP
        RAISE EXCEPTION 'unknown unit %', r.slug;
    END LOOP;
END;
$$;
-- +goose StatementEnd

INSERT INTO commitments (document_id, section_id, paragraph_id, start_offset, end_offset, quote, position, title,
                         kind, strength, status, status_basis, time_frame, period_start, period_end)
SELECT d.id, c.section_id, c.paragraph_id, c.start_offset, c.end_offset, c.quote,
       row_number() OVER (ORDER BY c.seq, c.start_offset), c.title,
       c.kind, c.strength, c.status, c.status_basis, c.time_frame, c.period_start, c.period_end
FROM commitment_located c
JOIN documents d ON d.slug = 'qgxtfz-2023-4'
ORDER BY c.seq, c.start_offset;

INSERT INTO commitment_units (commitment_id, entity_id, role)
SELECT cm.id, e.id, u.role
FROM commitment_located c
JOIN commitments cm ON cm.paragraph_id = c.paragraph_id AND cm.start_offset = c.start_offset AND cm.quote = c.quote
CROSS JOIN LATERAL (SELECT unnest(c.lead), 'lead' UNION ALL SELECT unnest(c.support), 'support') AS u (slug, role)
JOIN entities e ON e.slug = u.slug;

-- Figures: every quantity in the reply. context is a longer string that locates the quote
-- when it occurs more than once in its paragraph. Years and dates are time frames, not
-- figures; ordinals and set phrases (首家, 第一批, 两大, 三级, 一核两区) are not counted.
CREATE TEMPORARY TABLE figure_seed (
    seq        integer NOT NULL,
    quote      text NOT NULL,
    context    text,
    kind       text NOT NULL,
    value      numeric NOT NULL,
    unit       text NOT NULL,
    base_value numeric NOT NULL,
    base_unit  text NOT NULL,
    qualifier  text NOT NULL,
    measure    text NOT NULL,
    period     text
) ON COMMIT DROP;

INSERT INTO figure_seed (seq, quote, context, kind, value, unit, base_value, base_unit, qualifier, measure, period) VALUES
    (4, '千亿级', NULL, 'money', 1000, '亿元', 100000000000, 'yuan', 'order_of', '“瓮安-福泉”打造的磷化工产业园区规模', NULL),
    (8, '3个5年', NULL, 'count', 3, '个', 3, 'item', 'exact', '统筹安排全省地质找矿工作的5年周期数', NULL),
    (8, '8种', NULL, 'count', 8, '种', 8, 'item', 'exact', '主攻调查评价和勘查的新能源电池及材料产业所需矿产种数', '“十四五”期间'),
    (8, '39932.82万元', NULL, 'money', 39932.82, '万元', 399328200, 'yuan', 'exact', '省财政安排的地质找矿专项资金', '2022年至2023年'),
    (8, '51个', NULL, 'count', 51, '个', 51, 'item', 'exact', '实施的地质找矿项目数', '2022年至2023年'),
    (12, '2.5万吨/年', NULL, 'capacity', 2.5, '万吨/年', 25000, 'tonne_per_year', 'exact', '中伟资源循环电池回收项目的规模', NULL),
    (14, '59个', NULL, 'count', 59, '个', 59, 'item', 'exact', '全省新增引进的新能源电池及材料产业项目数', '2022年'),
    (14, '388.7亿元', NULL, 'money', 388.7, '亿元', 38870000000, 'yuan', 'exact', '新增引进项目的新增合同投资额', '2022年'),
    (14, '50亿元', '贵州板块总产值已突破50亿元', 'money', 50, '亿元', 5000000000, 'yuan', 'more_than', '比亚迪、容百锂电贵州板块总产值', NULL),
    (14, '100亿元', NULL, 'money', 100, '亿元', 10000000000, 'yuan', 'more_than', '中伟新材料、振华新材料的产值', NULL),
    (14, '50亿元', '安达科技产值突破50亿元', 'money', 50, '亿元', 5000000000, 'yuan', 'more_than', '安达科技的产值', NULL),
    (16, '10亿元', NULL, 'money', 10, '亿元', 1000000000, 'yuan', 'exact', '协助筹集支持园区要素配套项目建设的财政资金', NULL),
    (16, '20个', NULL, 'count', 20, '个', 20, 'item', 'exact', '获财政资金支持的“一核两区”重点产业项目数', NULL),
    (16, '54个', NULL, 'count', 54, '个', 54, 'item', 'exact', '重点产业项目涉及的要素配套项目数', NULL),
    (16, '8.11亿元', NULL, 'money', 8.11, '亿元', 811000000, 'yuan', 'exact', '协调支持园区配套基础设施建设的园区专项债', NULL),
    (16, '45个', NULL, 'count', 45, '个', 45, 'item', 'exact', '省级应急预案框架中的专项应急预案数', NULL),
    (16, '8个', NULL, 'count', 8, '个', 8, 'item', 'exact', '省级应急预案框架中的重要部门预案数', NULL),
    (16, '11个', NULL, 'count', 11, '个', 11, 'item', 'exact', '省级应急预案框架中的保障应急预案数', NULL),
    (16, '6个', NULL, 'count', 6, '个', 6, 'item', 'exact', '第一批认定的化工园区数', '2022年11月'),
    (16, 'C级', NULL, 'rating', 3, '级', 3, 'level', 'exact', '第一批认定的化工园区的安全风险等级(C级即一般安全风险等级，A至D四级中的第三级)', '2022年11月'),
    (19, '20家', NULL, 'count', 20, '家', 20, 'item', 'exact', '已遴选的大数据人才实训基地数', NULL),
    (19, '710人', NULL, 'count', 710, '人', 710, 'person', 'exact', '已完成大数据人才实训的人数', NULL);

CREATE TEMPORARY TABLE figure_located ON COMMIT DROP AS
SELECT f.*, p.id AS paragraph_id, coalesce(f.context, f.quote) AS locator,
       (char_length(p.text) - char_length(replace(p.text, coalesce(f.context, f.quote), '')))
           / char_length(coalesce(f.context, f.quote)) AS occurrences,
       strpos(p.text, coalesce(f.context, f.quote)) - 1 + strpos(coalesce(f.context, f.quote), f.quote) - 1 AS start_offset,
       strpos(p.text, coalesce(f.context, f.quote)) - 1 + strpos(coalesce(f.context, f.quote), f.quote) - 1
           + char_length(f.quote) AS end_offset
FROM figure_seed f
JOIN documents d ON d.slug = 'qgxtfz-2023-4'
JOIN paragraphs p ON p.document_id = d.id AND p.seq = f.seq;

-- +goose StatementBegin
DO $$
DECLARE
    r record;
BEGIN
    FOR r IN SELECT * FROM figure_located LOOP
        IF r.occurrences <> 1 OR strpos(r.locator, r.quote) = 0 THEN
            RAISE EXCEPTION 'figure % (locator %) occurs % times in paragraph %', r.quote, r.locator, r.occurrences, r.seq;
        END IF;
        IF r.kind <> 'rating' AND r.base_value <> r.value * (CASE r.unit WHEN '万元' THEN 10000 WHEN '亿元' THEN 100000000
                                                                   WHEN '万吨/年' THEN 10000 ELSE 1 END) THEN
            RAISE EXCEPTION 'base value of % does not match its value and unit', r.quote;
        END IF;
    END LOOP;
END;
$$;
-- +goose StatementEnd

INSERT INTO figures (paragraph_id, start_offset, end_offset, quote, kind, value, unit, base_value, base_unit,
                     qualifier, measure, period)
SELECT paragraph_id, start_offset, end_offset, quote, kind, value, unit, base_value, base_unit, qualifier, measure, period
FROM figure_located
ORDER BY seq, start_offset;

-- +goose Down
DELETE FROM figures
WHERE paragraph_id IN (SELECT p.id FROM paragraphs p JOIN documents d ON d.id = p.document_id WHERE d.slug = 'qgxtfz-2023-4');

DELETE FROM commitment_units
WHERE commitment_id IN (SELECT c.id FROM commitments c JOIN documents d ON d.id = c.document_id WHERE d.slug = 'qgxtfz-2023-4');

DELETE FROM commitments
WHERE document_id IN (SELECT id FROM documents WHERE slug = 'qgxtfz-2023-4');

DELETE FROM mentions
WHERE paragraph_id IN (SELECT p.id FROM paragraphs p JOIN documents d ON d.id = p.document_id WHERE d.slug = 'qgxtfz-2023-4');

-- The entities of this seed with their aliases (every entity has at least its name as an
-- alias). Parent links point only among these entities, so one statement removes them all.
WITH gone AS (
    DELETE FROM entity_aliases
    WHERE entity_id IN (SELECT id FROM entities WHERE slug IN (
        'gz-industry-it-dept', 'gz-finance-dept', 'gz-ndrc', 'gz-emergency-dept', 'gz-big-data-bureau', 'gz-commerce-dept', 'mof', 'mem',
        'ngd-guizhou', 'zhejiang-guizhou-chamber',
        'catl', 'byd', 'hunan-yuneng', 'ronbay', 'cngr', 'cngr-recycling', 'zhenhua', 'anda-tech', 'hongxing-electronics',
        'narada', 'hangzhou-shidai-daye', 'windey', 'gz-phosphate-group', 'power-grid-company',
        'guizhou-university', 'gz-new-energy-materials-innovation-centre',
        'guizhou', 'guiyang-guian', 'kaiyang', 'xifeng', 'wengan', 'fuquan', 'tongren', 'qianxinan', 'liupanshui', 'hangzhou',
        'tongren-battery-cluster', 'qianxinan-liupanshui-battery-cluster', 'dalong-edz', 'qiandong-industrial-cluster',
        'yilong-new-area', 'xingren-edz', 'anlong-industrial-park', 'panbei-edz', 'liuzhi-edz', 'qiannan-hitech-zone',
        'kaiyang-edz', 'wengan-chemical-park', 'kaiyang-chemical-park',
        'lithium', 'phosphorus', 'aluminium', 'manganese', 'fluorite', 'pyrite', 'nickel', 'cobalt', 'fluorine',
        'clay-lithium-ore', 'manganese-carbonate-ore',
        'cathode-materials', 'ternary-cathode-materials', 'anode-materials', 'separator', 'electrolyte', 'lithium-salt',
        'battery-additives', 'high-purity-manganese', 'coal-needle-coke',
        'sodium-ion-battery', 'lithium-ion-battery', 'solid-state-battery', 'fuel-cell', 'battery-recycling',
        'cascade-utilisation', 'recycling-regeneration',
        'new-industrialisation-fund', 'new-momentum-fund', 'gz-industry-it-special-fund', 'hazchem-risk-control-fund',
        'eco-civilisation-forum', 'battery-investment-symposium'))
    RETURNING entity_id
)
DELETE FROM entities WHERE id IN (SELECT entity_id FROM gone);
