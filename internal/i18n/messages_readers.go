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
	{"site.menu", "菜单", "Menu"},
}
