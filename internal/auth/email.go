package auth

import "strings"

// CheckEmail says in Chinese what is wrong with an account's email address, or
// "" if nothing is. Addresses are compared in lower case.
func CheckEmail(email string) string {
	at := strings.IndexByte(email, '@')
	switch {
	case email == "":
		return "请填写邮箱。"
	case len(email) > 254 || at < 1 || at == len(email)-1 || strings.Count(email, "@") != 1 ||
		strings.ContainsFunc(email, func(c rune) bool { return c <= ' ' || c == 0x7f || strings.ContainsRune("<>\"(),;:\\[]", c) }):
		return "邮箱格式不正确,应像 name@example.gov.cn 这样。"
	case strings.ContainsFunc(email, func(c rune) bool { return c > '~' }):
		// Look-alike letters (İ, ω) could pass for another colleague's address.
		return "邮箱只能由英文字母、数字和 . _ - + 等符号组成;中文域名请写成 xn-- 开头的形式。"
	case email != strings.ToLower(email):
		return "邮箱请用小写字母。"
	}
	return ""
}
