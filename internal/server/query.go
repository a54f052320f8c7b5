package server

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/guizhou-portal/portal/internal/policy"
)

// parseQuery parses the query string strictly: a malformed one is a 400 rather
// than silently losing the filters it meant to set.
func parseQuery(r *http.Request) (url.Values, error) {
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, policy.Errorm(policy.EINVALID, "err.query")
	}
	return q, nil
}

// truncate cuts s to at most n runes, so an echoed value stays readable.
func truncate(s string, n int) string {
	r := []rune(strings.ToValidUTF8(s, "�"))
	if len(r) <= n {
		return string(r)
	}
	return string(r[:n]) + "…"
}
