package i18n

// fixbMessages are the review-mode refusals and the names of audit actions
// the change lists lacked. Kept apart from messages so that parallel work on
// the catalogue merges cleanly.
var fixbMessages = []entry{
	{"err.needs_reviewer", "此操作须由审核人或管理员完成：编辑的修改须经审核，而这项操作没有送审流程。", "This needs a reviewer or an admin: editors' changes are reviewed, and this action cannot be sent for review."},
	{"review.needs_reviewer.tools", "添加分项、切换进度来源、撤回与恢复承诺须由审核人或管理员完成。", "Adding parts, switching where progress comes from, withdrawing and restoring need a reviewer or an admin."},
	{"action.evaluation.submit", "提案人提交满意度评价", "Proposer's evaluation submitted"},
	{"action.evaluation_link.issue", "发出评价链接", "Evaluation link issued"},
	{"action.evaluation_link.revoke", "作废评价链接", "Evaluation link revoked"},
	{"action.follow_up.due", "设定跟进时限", "Follow-up due date set"},
	{"action.follow_up.close", "跟进已答复", "Follow-up answered"},
	{"login.kept.dropped", "登录前填写的表单未能恢复：无法确认它是用您的账户填写的。请重新填写。", "The form filled in before the login was not restored: it could not be confirmed as filled in under your account. Please fill it in again."},
}
