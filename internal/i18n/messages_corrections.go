package i18n

// correctionMessages are issue 16's (items 1 and 2): forms that survive an
// expired session, the saved confirmation, corrections of progress updates and
// commitments, and each user's own password. Kept apart from messages so that
// parallel work on the catalogue merges cleanly.
var correctionMessages = []entry{
	{"login.expired", "登录已过期，请重新登录。", "Your session has ended. Please log in again."},
	{"login.expired.kept", "登录已过期。您填写的内容没有丢失：重新登录后，表单会带着这些内容重新显示，请核对后再提交。", "Your session has ended. What you typed is not lost: log in again and the form comes back filled in, for you to check and send."},
	{"login.expired.toolarge", "登录已过期。表单内容过多，无法代为保留，请重新登录后再填写。", "Your session has ended. The form was too large to keep; please log in and fill it in again."},
	{"login.restored", "已恢复登录过期前填写的内容，尚未保存。请核对后提交。", "What you typed before your session ended is back in the form, not yet saved. Check it and send it."},
	{"flash.saved", "已保存。", "Saved."},
	{"fix.strength.hint", "“明确承诺”用于“将”“已”“正在”等确定的表述，“努力方向”用于“力争”“积极”“争取”等。", "Definite for firm words (将, 已, 正在); aspirational for 力争, 积极, 争取 and the like."},
}
