-- Seed: the text of 黔工信提复字〔2023〕4号, the proposal it answers and the documents it cites.
--
-- Paragraph texts are the published body of the reply, character for character, from
-- the salutation to the contact line (testdata/000_ddc10b41889c9f4f.txt is the copy
-- they were taken from; a test compares the two). The page's own furniture (字号, 关闭,
-- 视力保护色, 上一篇, 下一篇, 扫码关注微信公众号) is not part of the document.
-- Punctuation is kept as published, including the ASCII , : ; ( ) of this copy.

-- +goose Up

INSERT INTO documents (slug, kind, genre, title, short_title, doc_number, index_number, issuer,
                       addressee, signed_on, generated_at, disclosure, contact_person, contact_phone, source_name)
VALUES ('qgxtfz-2023-4', 'reply', '答复',
        '省工业和信息化厅关于省政协十三届一次会议第1019号提案的答复',
        '关于第1019号提案的答复',
        '黔工信提复字〔2023〕4号', '000014349/2023-2692872', '贵州省工业和信息化厅',
        '农工党贵州省委员会', DATE '2023-06-28', TIMESTAMP '2023-08-09 15:35:32', '全文公开', '刘云', '0851-86811206',
        '贵州省工业和信息化厅网站');

INSERT INTO documents (slug, kind, genre, title, proposer, proposal_no, session_name)
VALUES ('cppcc-gz-13-1-proposal-1019', 'proposal', '建议',
        '关于布局“左磷右锂”开辟新型工业化新赛道的建议', '农工党贵州省委员会', '1019', '省政协十三届一次会议');

INSERT INTO documents (slug, kind, genre, title, issuer) VALUES
    ('gz-nev-battery-base-plan-2022-2030', 'policy', '规划', '贵州省新能源动力电池及材料研发生产基地建设规划(2022-2030年)', '省工业和信息化厅'),
    ('gz-mineral-exploration-outline-2022-2035', 'policy', '纲要', '贵州省新一轮找矿突破战略行动实施纲要(2022-2035年)', NULL),
    ('gz-mineral-exploration-programme-2022-2025', 'policy', '方案', '2022-2025年找矿实施方案', NULL),
    ('gz-battery-chain-research-report', 'report', '研究报告', '关于贵州省新能源电池及材料产业链延链补链强链重点环节和对策建议的研究报告', NULL),
    ('gz-battery-industry-promo-film', 'media', '宣传片', '贵州省新能源电池及材料产业宣传片', NULL),
    ('gz-park-infrastructure-fund-measures', 'policy', '管理办法', '贵州省产业园区配套基础设施投资专项资金管理办法', '省发展改革'),
    ('gz-emergency-master-plan', 'policy', '应急预案', '贵州省突发事件总体应急预案', NULL),
    ('gz-emergency-drill-specification', 'policy', '工作规范', '贵州省突发事件应急演练工作规范', NULL),
    ('gz-disaster-graded-response-rules', 'policy', '制度', '贵州省事故灾难和自然灾害分级应对制度(试行)', NULL),
    ('gz-commerce-dev-zones-notice-2023', 'policy', '通知', '省商务厅关于2023年度全省重点经济开发区推动开放型经济发展的通知', '省商务厅');

INSERT INTO paragraphs (document_id, seq, role, text)
SELECT d.id, v.seq, v.role, v.text
FROM documents d, (VALUES
    (1, 'salutation', $t$农工党贵州省委员会:$t$),
    (2, 'opening', $t$你委提出的《关于布局“左磷右锂”开辟新型工业化新赛道的建议》收悉。感谢您对贵州省新能源电池及材料产业的关心和支持,现就提案提出的有关问题答复如下:$t$),
    (3, 'heading', $t$一、加快产业集群,实现错位发展$t$),
    (4, 'body', $t$省工业和信息化厅印发实施《贵州省新能源动力电池及材料研发生产基地建设规划(2022-2030年)》,推动“一核两区”规划布局落细落实,加快形成产业集群,实现错位发展。(一)“一核”。以贵阳贵安和“开阳-息烽”“瓮安-福泉”两大磷化工产业基地为核心,培育打造新能源电池及配套产业集群,培育壮大磷系、氟系电池材料产业带。其中贵阳贵安和“开阳-息烽”以资源优势和现有产业配套为基础,进一步推进产业链升级并辐射带动全省发展;“瓮安-福泉”以资源优势和化工产业基础,推动新能源电池及材料产业与磷化工产业融合,打造千亿级磷化工产业园区。$t$),
    (5, 'body', $t$(二)“两区”。铜仁新能源电池及材料产业聚集区和“黔西南-六盘水”新能源电池及材料产业聚集区。其中铜仁市以大龙经开区为重点、以黔东工业集聚区产业带为支撑,“黔西南州-六盘水”以义龙新区为重点,兴仁经开区、安龙工业园区、盘北经开区、六枝经开区等为支撑,重点发展三元电池正极材料及原辅料、钠离子电池材料及原辅料等产业。$t$),
    (6, 'body', $t$(三)其他地区。各市(州)依托自身资源优势和产业基础,因地制宜构建新能源动力电池及材料产业发展格局,打造省级新能源动力电池及材料产业重点园区,补齐锂盐、隔膜、电解液、电池添加剂等短板,与省内新能源电池产业形成配套。$t$),
    (7, 'heading', $t$二、加大找矿力度,巩固资源优势$t$),
    (8, 'body', $t$按照国家新一轮找矿突破战略行动要求,我省紧扣发展壮大新兴产业、巩固提升优势特色产业、改造提升传统产业矿产资源要素保障,重点突出新能源电池及材料产业所需矿产,印发了《贵州省新一轮找矿突破战略行动实施纲要(2022-2035年)》及2022-2025年找矿实施方案,分3个5年统筹安排全省地质找矿工作。“十四五”期间,主攻新能源电池及材料产业所需的锂、磷、铝、锰、萤石、硫铁矿、镍、钴8种矿产调查评价和勘查。其中,2022年至2023年,省财政安排39932.82万元专项资金,实施地质找矿项目51个,预期新增一批资源量,增强矿产资源要素保障能力。下一步,将坚持围绕新能源电池及材料产业发展需求,加大锂、磷、铝、锰等矿产勘查力度,新增一批资源储量,为贵州经济社会高质量发展提供有力支撑。$t$),
    (9, 'heading', $t$三、整合资源要素,推动低碳发展$t$),
    (10, 'body', $t$(一)就近开发利用。以新能源电池材料龙头企业为依托,按照“建链、强链、补链、延链”原则,扶持壮大正极材料产业,积极引进隔膜、电解液等新能源电池关键材料企业向贵州省聚集,促进上游矿产资源与下游材料及电池等多种产业协同发展,推动磷、锰、铝、萤石矿等矿产资源就近开发利用。$t$),
    (11, 'body', $t$(二)强化技术攻关。以磷、锰、铝等资源为基础,重点突破黏土型锂矿提取技术、碳酸锰矿制备高纯锰材料等技术;研究煤系针状焦及其负极材料的产业化应用,打造矿产资源“矿物开采—矿物冶炼—初加工—深加工—行业应用—废渣综合利用”的绿色综合发展产业体系,为下游产业提供原料保障。$t$),
    (12, 'body', $t$(三)发展绿色产业。推动电池回收和梯次利用、再生利用,形成新能源产业闭环,缓解贵州省锂、镍、钴等资源的稀缺问题,推动新能源动力电池及材料产业绿色、循环、低碳发展。目前,全省已布局中伟资源循环2.5万吨/年电池回收项目、红星电子废旧锂电池再生利用生产线建设项目等回收利用项目。$t$),
    (13, 'heading', $t$四、强化招商引资,培育龙头企业$t$),
    (14, 'body', $t$积极抢抓新能源电池及材料产业“风口”机遇,立足产业基础和资源禀赋,强化精准招商。2022年,全省共新增引进新能源电池及材料产业项目59个,新增合同投资额388.7亿元。宁德时代、比亚迪、湖南裕能、容百锂电等头部企业赴黔布局、发展壮大,其中比亚迪、容百锂电贵州板块总产值已突破50亿元。同时,聚焦要素资源保障本土企业迅速成长,中伟新材料、振华新材料产值突破100亿元并成功上市,安达科技产值突破50亿元并通过上市审核。招商引资,龙头企业培育等工作正有序开展。(一)积极延链补链强链。完成《关于贵州省新能源电池及材料产业链延链补链强链重点环节和对策建议的研究报告》,结合我省产业发展实际,精准提出新能源电池及材料产业补链延链强链方向。正围绕新能源电池及材料产业建链、补链、强链、延链,紧盯隔膜、电解液等主要环节招引,补齐贵阳贵安、瓮安和福泉产业短板。(二)围绕重点环节招商。聚焦新能源电池及材料产业前沿发展,短期以招引锂离子电池及关键材料产业为重点,同时积极谋划招引固态电池、钠离子电池、燃料电池等新型电池体系企业,实现跨越赶超,以应对未来市场多元化需求。(三)强化招商引资宣传。发布《贵州省新能源电池及材料产业宣传片》,成功在杭州成功举办新能源电池及材料投资机遇座谈会,先后前往浙江南都电源动力股份有限公司、杭州时代大业新能源有限公司、浙江运达风电股份有限公司等开展招商引资考察,拜访浙江省贵州商会并进行座谈交流,切实抓好新能源电池及材料产业招商引资等工作。同时,积极利用生态文明论坛、招商推介会等平台及活动,大力宣传我省新能源电池及材料产业发展优势及战略布局,吸引正极材料链、氟系材料链、电池整装及下游回收利用回收等相关龙头企业赴黔考察投资。$t$),
    (15, 'heading', $t$五、完善配套设施,强化服务保障$t$),
    (16, 'body', $t$坚持省市县联动、部门协同,协调解决重大项目建设、企业发展面临的重点难点问题。(一)强化省级资金支持园区建设。聚焦重点园区配套基础设施建设滞后等问题,协助筹集10亿元财政资金,支持黔南高新区等“一核两区”20个重点产业项目涉及的54个要素配套项目建设,着力提升园区安全、环保等水平。(二)积极对接其他资金保障。协调8.11亿元园区专项债支持黔南高新区、开阳经开区等园区配套基础设施建设。省发展改革已制定《贵州省产业园区配套基础设施投资专项资金管理办法》,拟安排专项资金对各市(州)重点产业园区配套基础设施建设予以支持。(三)全力提升应急处置能力。修订《贵州省突发事件总体应急预案》,印发实施《贵州省突发事件应急演练工作规范》和《贵州省事故灾难和自然灾害分级应对制度(试行)》,建立了由45个专项应急预案、8个重要部门预案和11个保障应急预案组成的省级应急预案框架,积极搭建化工园区等应急救援保障平台,应急处置体系不断完善。按照2022年11月省应急部门对化工园区安全风险复核反馈,黔南高新区等第一批认定的6个化工园区安全风险均达到C级(一般安全风险等级)。近期,将积极组织黔南高新区、瓮安化工园区、开阳化工园区等向财政部、应急部申请危险化学品重大安全风险防控资金,促进园区安全生产数字化转型和智能化升级,提升园区重大安全风险防控能力。$t$),
    (17, 'heading', $t$六、建强人才队伍,强化科技支撑$t$),
    (18, 'body', $t$(一)强化创新支撑体系建设。由贵州磷化集团牵头,宁德时代、比亚迪、中伟新材料、贵州大学等业界骨干企业共同参与,2022年11月成功组建国内首家省级新能源材料制造业创新中心,目前正在加快进度,力争尽快升格为国家级制造业创新中心。依托贵州省新能源材料创新中心,吸纳新能源电池及材料产业链具有技术实力的企业成为成员单位,形成配置完整、功能齐全的共性技术、前瞻技术研发平台体系。$t$),
    (19, 'body', $t$(二)强化人力支持和智力支撑。充分运用大数据智慧平台,深入构建校研企深度融合机制,正积极建设数字经济人才库,为推动数字产业化、产业数字化人才引进及培养搭建平台。省大数据局等通过支持企业与高等院校、科研院所等以基地为载体开展战略合作,构建以企业用人、学生就业为导向的“订单式”培养模式,已遴选出20家大数据人才实训基地,已完成实训710人。$t$),
    (20, 'heading', $t$七、强化要素保障,优化营商环境$t$),
    (21, 'body', $t$围绕新能源电池及材料产业重点企业、重大项目和园区基础设施建设,统筹做好产业发展用能、用地、用电、资金等要素保障工作。一是统筹能耗指标分配。统筹省级能耗总量指标分配向新能源电池及材料产业特别是“一核两区”重点布局区域、重点项目予以倾斜;对符合条件的重大项目,积极争取国家纳入能耗单列政策。二是充分保障用电需求。与电网公司形成省、市、县三级联动的工作机制,将新能源电池及材料项目纳入重点保障,促进电力资源在更大范围的优化配置,推动能源生产消费方式向绿色低碳变革,优先保障新能源电池及材料企业用电需求。三全力保障用地需求。按照土地跟着项目走的原则,落实土地用途变更、整合、置换等政策,确保重点项目用地指标。四是强化基金资金支持。充分发挥新型工业化基金、新动能基金、省工业和信息化发展专项资金以及各级财政资金的引导作用,强化对新能源电池及材料产业项目资金支持力度。同时,按照《省商务厅关于2023年度全省重点经济开发区推动开放型经济发展的通知》要求,大龙开发区等已纳入重点培育对象,将在园区基础设施等方面给予地方专项债券项目等支持。再次感谢对我省新能源动力电池及材料产业发展的关心和支持,后续工作中我们将认真听取意见建议,抓好各项任务落实,推动我省新能源动力电池及材料产业高质量发展。$t$),
    (22, 'signature', $t$贵州省工业和信息化厅$t$),
    (23, 'date', $t$2023年6月28日$t$),
    (24, 'disclosure', $t$(全文公开)$t$),
    (25, 'contact', $t$(联系人:刘云;联系电话:0851-86811206)$t$)
) AS v (seq, role, text)
WHERE d.slug = 'qgxtfz-2023-4';

-- Sections: 一 to 七 with their theme, the sub-items (一)(二)(三), also where they begin
-- inside a paragraph, and the points 一是 … 四是 of section 七 (the third is written 三
-- without 是 in the reply). Section 七 ends where the closing 再次感谢… begins.
CREATE TEMPORARY TABLE section_seed (anchor text, parent_anchor text, position int, kind text, label text,
    title text, theme_key text, start_seq int, start_offset int, end_seq int, end_offset int) ON COMMIT DROP;
INSERT INTO section_seed VALUES
    ('s1', NULL, 1, 'section', $t$一$t$, $t$加快产业集群,实现错位发展$t$, 'industrial_layout', 3, 0, 6, 107),
    ('s2', NULL, 2, 'section', $t$二$t$, $t$加大找矿力度,巩固资源优势$t$, 'mineral_exploration', 7, 0, 8, 341),
    ('s3', NULL, 3, 'section', $t$三$t$, $t$整合资源要素,推动低碳发展$t$, 'resource_low_carbon', 9, 0, 12, 137),
    ('s4', NULL, 4, 'section', $t$四$t$, $t$强化招商引资,培育龙头企业$t$, 'investment_attraction', 13, 0, 14, 721),
    ('s5', NULL, 5, 'section', $t$五$t$, $t$完善配套设施,强化服务保障$t$, 'facilities_funding', 15, 0, 16, 566),
    ('s6', NULL, 6, 'section', $t$六$t$, $t$建强人才队伍,强化科技支撑$t$, 'talent_technology', 17, 0, 19, 169),
    ('s7', NULL, 7, 'section', $t$七$t$, $t$强化要素保障,优化营商环境$t$, 'factor_guarantees', 20, 0, 21, 462),
    ('s1-1', 's1', 1, 'item', $t$(一)$t$, $t$“一核”$t$, NULL, 4, 83, 4, 262),
    ('s1-2', 's1', 2, 'item', $t$(二)$t$, $t$“两区”$t$, NULL, 5, 0, 5, 157),
    ('s1-3', 's1', 3, 'item', $t$(三)$t$, $t$其他地区$t$, NULL, 6, 0, 6, 107),
    ('s3-1', 's3', 1, 'item', $t$(一)$t$, $t$就近开发利用$t$, NULL, 10, 0, 10, 133),
    ('s3-2', 's3', 2, 'item', $t$(二)$t$, $t$强化技术攻关$t$, NULL, 11, 0, 11, 133),
    ('s3-3', 's3', 3, 'item', $t$(三)$t$, $t$发展绿色产业$t$, NULL, 12, 0, 12, 137),
    ('s4-1', 's4', 1, 'item', $t$(一)$t$, $t$积极延链补链强链$t$, NULL, 14, 228, 14, 373),
    ('s4-2', 's4', 2, 'item', $t$(二)$t$, $t$围绕重点环节招商$t$, NULL, 14, 373, 14, 476),
    ('s4-3', 's4', 3, 'item', $t$(三)$t$, $t$强化招商引资宣传$t$, NULL, 14, 476, 14, 721),
    ('s5-1', 's5', 1, 'item', $t$(一)$t$, $t$强化省级资金支持园区建设$t$, NULL, 16, 38, 16, 140),
    ('s5-2', 's5', 2, 'item', $t$(二)$t$, $t$积极对接其他资金保障$t$, NULL, 16, 140, 16, 258),
    ('s5-3', 's5', 3, 'item', $t$(三)$t$, $t$全力提升应急处置能力$t$, NULL, 16, 258, 16, 566),
    ('s6-1', 's6', 1, 'item', $t$(一)$t$, $t$强化创新支撑体系建设$t$, NULL, 18, 0, 18, 185),
    ('s6-2', 's6', 2, 'item', $t$(二)$t$, $t$强化人力支持和智力支撑$t$, NULL, 19, 0, 19, 169),
    ('s7-1', 's7', 1, 'point', $t$一是$t$, $t$统筹能耗指标分配$t$, NULL, 21, 58, 21, 143),
    ('s7-2', 's7', 2, 'point', $t$二是$t$, $t$充分保障用电需求$t$, NULL, 21, 143, 21, 248),
    ('s7-3', 's7', 3, 'point', $t$三$t$, $t$全力保障用地需求$t$, NULL, 21, 248, 21, 300),
    ('s7-4', 's7', 4, 'point', $t$四是$t$, $t$强化基金资金支持$t$, NULL, 21, 300, 21, 462);

INSERT INTO sections (document_id, parent_id, position, kind, label, title, anchor, theme_key,
                      start_paragraph_id, start_offset, end_paragraph_id, end_offset)
SELECT d.id, NULL, s.position, s.kind, s.label, s.title, s.anchor, s.theme_key, ps.id, s.start_offset, pe.id, s.end_offset
FROM section_seed s
JOIN documents d ON d.slug = 'qgxtfz-2023-4'
JOIN paragraphs ps ON ps.document_id = d.id AND ps.seq = s.start_seq
JOIN paragraphs pe ON pe.document_id = d.id AND pe.seq = s.end_seq
WHERE s.parent_anchor IS NULL;

INSERT INTO sections (document_id, parent_id, position, kind, label, title, anchor, theme_key,
                      start_paragraph_id, start_offset, end_paragraph_id, end_offset)
SELECT d.id, parent.id, s.position, s.kind, s.label, s.title, s.anchor, s.theme_key, ps.id, s.start_offset, pe.id, s.end_offset
FROM section_seed s
JOIN documents d ON d.slug = 'qgxtfz-2023-4'
JOIN sections parent ON parent.document_id = d.id AND parent.anchor = s.parent_anchor
JOIN paragraphs ps ON ps.document_id = d.id AND ps.seq = s.start_seq
JOIN paragraphs pe ON pe.document_id = d.id AND pe.seq = s.end_seq;

-- The reply answers the proposal; the opening names it in 《》.
INSERT INTO document_links (from_document_id, to_document_id, relation, paragraph_id, start_offset, end_offset, quote)
SELECT r.id, p.id, 'replies_to', para.id, strpos(para.text, '《' || p.title || '》') - 1,
       strpos(para.text, '《' || p.title || '》') - 1 + char_length(p.title) + 2, '《' || p.title || '》'
FROM documents r, documents p, paragraphs para
WHERE r.slug = 'qgxtfz-2023-4' AND p.slug = 'cppcc-gz-13-1-proposal-1019'
  AND para.document_id = r.id AND para.seq = 2;

-- Every place the reply cites a document: the 《》 title as written, or the bare title of
-- the 2022-2025 programme, which the reply names without 《》. Each title occurs once.
INSERT INTO document_links (from_document_id, to_document_id, relation, paragraph_id, start_offset, end_offset, quote)
SELECT r.id, c.id, 'cites', para.id, strpos(para.text, m.quote) - 1,
       strpos(para.text, m.quote) - 1 + char_length(m.quote), m.quote
FROM documents r
JOIN paragraphs para ON para.document_id = r.id
JOIN documents c ON c.kind <> 'reply' AND c.slug <> 'cppcc-gz-13-1-proposal-1019'
CROSS JOIN LATERAL (SELECT CASE WHEN c.slug = 'gz-mineral-exploration-programme-2022-2025'
                                THEN c.title ELSE '《' || c.title || '》' END AS quote) m
WHERE r.slug = 'qgxtfz-2023-4' AND strpos(para.text, m.quote) > 0;

-- +goose StatementBegin
DO $$
BEGIN
    IF (SELECT count(*) FROM document_links WHERE relation = 'cites') <> 10 THEN
        RAISE EXCEPTION 'expected 10 citations in the reply';
    END IF;
END;
$$;
-- +goose StatementEnd

-- +goose Down
DELETE FROM documents WHERE slug IN ('qgxtfz-2023-4', 'cppcc-gz-13-1-proposal-1019', 'gz-nev-battery-base-plan-2022-2030',
    'gz-mineral-exploration-outline-2022-2035', 'gz-mineral-exploration-programme-2022-2025',
    'gz-battery-chain-research-report', 'gz-battery-industry-promo-film', 'gz-park-infrastructure-fund-measures',
    'gz-emergency-master-plan', 'gz-emergency-drill-specification', 'gz-disaster-graded-response-rules',
    'gz-commerce-dev-zones-notice-2023');
