package i18n

// accountabilityMessages are issue 15's: what is late, last changes, status
// marks in the text and the handling grade of a reply. Kept apart from
// messages so that parallel work on the catalogue merges cleanly.
var accountabilityMessages = []entry{
	{"c.timeliness", "时限", "Timeliness"},
	{"due.overdue", "已逾期", "Overdue"},
	{"due.due_soon", "30 天内到期", "Due within 30 days"},
	{"due.on_time", "未逾期", "On time"},
	{"due.no_date", "无明确时限", "No date"},
	{"c.sort", "排序", "Order"},
	{"c.sort.", "原文顺序", "Reading order"},
	{"c.sort.due", "完成时限（早的在前）", "Due date (soonest first)"},
	{"c.sort.updated", "最近更新（新的在前）", "Last update (newest first)"},
	{"c.sort.progress", "进度（低的在前）", "Progress (least first)"},
	{"updated.last", "最后更新：", "Last updated: "},
	{"marks.legend", "图例：正文中承诺事项的标记按状态区分（颜色、线型和符号）", "Key: commitments in the text are marked by status (colour, line style and symbol)"},
	{"marks.off", "查看不带标记的原文", "Show the published text without marks"},
	{"marks.on", "显示承诺事项标记", "Show commitment marks"},
	{"marks.cleaned", "当前显示的是不带任何标记的发布原文。", "This is the published text without any marks."},
	{"grade", "办理结果", "Handling grade"},
	{"grade.none", "未标注", "Not given"},
	{"grade.A", "A 所提问题已经解决或采纳", "A: resolved or adopted"},
	{"grade.B", "B 正在解决或列入计划逐步解决", "B: being resolved or planned"},
	{"grade.C", "C 因条件限制暂时不能解决", "C: cannot be resolved for now"},
	{"grade.D", "D 留作参考", "D: kept for reference"},
	{"grade.set", "保存办理结果", "Save handling grade"},
	{"grade.saved", "办理结果已保存。", "Handling grade saved."},
	{"grade.all", "全部", "All"},
	{"err.grade", "办理结果须为 A、B、C、D 之一，或留空。", "The handling grade must be one of A, B, C, D, or empty."},
	{"action.document.grade", "设定办理结果", "Handling grade set"},
	{"err.marks", "参数 marks 只能是 on 或 off。", "The parameter marks must be on or off."},
	{"err.grade.reply", "只有答复才有办理结果。", "Only a reply has a handling grade."},
}
