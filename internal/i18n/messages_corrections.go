package i18n

// correctionMessages are issue 16's (items 1 and 2): forms that survive an
// expired session, the saved confirmation, corrections of progress updates and
// commitments, and each user's own password. Kept apart from messages so that
// parallel work on the catalogue merges cleanly.
var correctionMessages = []entry{
	{"fix.strength.hint", "“明确承诺”用于“将”“已”“正在”等确定的表述，“努力方向”用于“力争”“积极”“争取”等。", "Definite for firm words (将, 已, 正在); aspirational for 力争, 积极, 争取 and the like."},
}
