package i18n

// readersMessages are issue 19's (items 3–7): page descriptions, section
// navigation, phone menus, chart notes. Kept apart from messages so that
// parallel work on the catalogue merges cleanly.
var readersMessages = []entry{
	{"site.description", "逐段阅读政策文件原文，跟踪其中每项承诺的落实进展。", "Read policy documents section by section and follow how each of their commitments is being carried out."},
	{"site.description.page", "%s：政策文件跟踪，逐段阅读原文并跟踪承诺落实进展。", "%s: policy tracker, the text section by section and each commitment's progress."},
	{"search.again", "在结果中重新搜索", "Search again"},
	{"section.pager", "上一节、下一节", "Previous and next sections"},
	{"section.prev", "上一节：", "Previous:"},
	{"section.next", "下一节：", "Next:"},
	{"section.parent", "所属部分：", "Part of:"},
	{"section.document", "返回全文", "Back to the whole text"},
	{"doc.totext", "跳到答复正文", "Go to the text"},
	{"doc.meta", "文件信息", "About this document"},
	{"dash.money.kind", "类别", "Kind"},
	{"dash.money.kind.funds", "资金（财政资金、专项债等）", "Funds (public money, special bonds)"},
	{"dash.money.kind.investment", "合同投资额", "Contracted investment"},
	{"dash.money.kind.output", "产值", "Output value"},
	{"dash.money.caption.kind", "每一笔资金，换算为亿元，按类别分组：只有同类的数额才相加", "Every sum of money, in 亿元 (100 million yuan), grouped by kind: only sums of one kind are added up"},
	{"dash.money.magnitudes", "量级（不是具体数额，不按比例绘制，也不计入合计）", "Orders of magnitude (not amounts: neither drawn to scale nor added up)"},
	{"dash.money.note.kind", "合计只加同一类别的数额：资金、合同投资额与产值分开计算；含“超过”的数额时，合计也写作“超过”。“千亿级”这类量级不是数额，单独列出。", "Totals add only sums of one kind: funds, contracted investment and output value are kept apart; where an amount is “more than”, so is the total. An order of magnitude such as 千亿级 is not an amount and is listed apart."},
	{"dash.money.summary.kind", "文中共 %d 笔数额，分为 %d 类；最大一笔为 %s 亿元；另有 %d 个量级表述。", "The text names %d sums of money in %d kinds; the largest is %s × 100 million yuan; %d more are orders of magnitude."},
	{"site.menu", "菜单", "Menu"},
}
