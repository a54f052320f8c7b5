package i18n

// satisfactionMessages are issue 15's satisfaction in the roll-ups and on
// the dashboard (items 5 and 6). Kept apart so that parallel work merges
// cleanly.
var satisfactionMessages = []entry{
	{"roll.satisfaction", "提案人评价：%s", "Proposers' evaluations: %s"},
	{"roll.satisfaction.counts", "满意 %d，基本满意 %d，不满意 %d", "satisfied %d, basically satisfied %d, unsatisfied %d"},
	{"roll.satisfaction.none", "尚无评价", "none yet"},
	{"roll.col.satisfaction", "提案人评价", "Proposers' evaluations"},
	{"unit.satisfaction.rule", "提案人评价口径：计入该单位牵头承诺事项所在答复的全部评价，每份评价计一次；只配合的答复不计。", "How evaluations are counted: every evaluation of a reply in which this unit leads a commitment, each once; replies where it only supports are left out."},
	{"dash.satisfaction", "各答复的提案人评价", "Proposers' evaluations across replies"},
	{"dash.satisfaction.caption", "按最近一次评价统计的答复件数，以及再次办理情况", "Replies by their latest evaluation, and follow-ups (再次办理)"},
	{"dash.satisfaction.rating", "评价", "Evaluation"},
	{"dash.satisfaction.none", "尚未评价", "Not yet evaluated"},
	{"dash.followups.open", "再次办理中", "Follow-ups open"},
	{"dash.followups.overdue", "再次办理已逾期", "Follow-ups overdue"},
}
