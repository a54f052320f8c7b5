package i18n

// reviewMessages are issue 16's items 5 to 7: review before public, claimed
// and verified statuses, and the ledger at any date. Kept apart from messages
// so that parallel work on the catalogue merges cleanly.
var reviewMessages = []entry{
	{"as_of.banner", "这是 %s 日终（北京时间）时的台账。", "This is the ledger as it stood at the end of %s (China time)."},
	{"as_of.how", "各项公开数值按审计记录回放；牵头和配合单位、原文位置为现在的。", "Public values are replayed from the audit log; units and places in the text are today's."},
	{"as_of.present", "查看当前台账", "See the ledger today"},
	{"err.as_of.format", "日期“%s”无法识别，请写成 YYYY-MM-DD，如 2026-01-31。", "The date “%s” is not recognised; write it as YYYY-MM-DD, such as 2026-01-31."},
	{"err.as_of.future", "日期 %s 尚未到来，台账只到今天（%s）。", "The date %s has not come yet; the ledger goes up to today (%s)."},
	{"err.as_of.early", "日期 %s 早于台账的第一条记录，台账从 %s 开始。", "The date %s is before the ledger's first record; the ledger begins on %s."},
}
