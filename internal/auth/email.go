package auth

import "strings"

// CheckEmail says what is wrong with an account's email address, if anything.
// Addresses are compared in lower case.
func CheckEmail(email string) Problem {
	at := strings.IndexByte(email, '@')
	switch {
	case email == "":
		return problem("auth.email.empty")
	case len(email) > 254 || at < 1 || at == len(email)-1 || strings.Count(email, "@") != 1 ||
		strings.ContainsFunc(email, func(c rune) bool { return c <= ' ' || c == 0x7f || strings.ContainsRune("<>\"(),;:\\[]", c) }):
		return problem("auth.email.format")
	case strings.ContainsFunc(email, func(c rune) bool { return c > '~' }):
		// Look-alike letters (İ, ω) could pass for another colleague's address.
		return problem("auth.email.ascii")
	case email != strings.ToLower(email):
		return problem("auth.email.lower")
	}
	return Problem{}
}
