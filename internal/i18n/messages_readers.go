package i18n

// readersMessages are issue 19's (items 3–7): page descriptions, section
// navigation, phone menus, chart notes. Kept apart from messages so that
// parallel work on the catalogue merges cleanly.
var readersMessages = []entry{
	{"site.description", "逐段阅读政策文件原文，跟踪其中每项承诺的落实进展。", "Read policy documents section by section and follow how each of their commitments is being carried out."},
	{"site.description.page", "%s：政策文件跟踪，逐段阅读原文并跟踪承诺落实进展。", "%s: policy tracker, the text section by section and each commitment's progress."},
	{"search.again", "在结果中重新搜索", "Search again"},
	{"site.menu", "菜单", "Menu"},
}
