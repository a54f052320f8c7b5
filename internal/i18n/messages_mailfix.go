package i18n

// mailfixMessages are the review fixes' to mail: retrying only failed mails
// and the unsubscribe link's confirmation page. Kept apart from messages so
// that parallel work on the catalogue merges cleanly.
var mailfixMessages = []entry{
	{"mailq.err.notfailed", "这封邮件没有发送失败（已发出、正在发送或等待首次发送），不能重试：重试会再发一次。", "This mail has not failed (it was sent, is being sent or waits for its first attempt), so it cannot be retried: retrying would send it again."},
	{"sub.unsub.title", "退订", "Unsubscribe"},
	{"sub.unsub.what", "%s 将不再收到“%s”的邮件。", "%s will get no more mail about “%s”."},
	{"sub.unsub.button", "确认退订", "Unsubscribe"},
	{"sub.unsub.manage", "只想少收一些？改为每日汇总", "Fewer mails instead? Switch to a daily digest"},
}
