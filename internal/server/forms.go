package server

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/width"

	"github.com/guizhou-portal/portal/internal/policy"
	"github.com/guizhou-portal/portal/web"
)

// maxFormBytes caps a form's body; no form of the portal comes near it.
const maxFormBytes = 256 << 10

var errTooLarge = &policy.Error{Code: "too_large", Message: "提交的内容太大,请缩短后再试。", MessageID: "err.toolarge"}

// parseForm reads a POST body into r.PostForm, refusing bodies over the cap.
func parseForm(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return errTooLarge
		}
		return policy.Errorm(policy.EINVALID, "err.form")
	}
	return nil
}

// fieldErrors collects one message per form field, shown beside the field.
type fieldErrors = web.FieldErrors

// text reads a single-line or multi-line field: trimmed, valid UTF-8, no control
// characters other than line breaks and tabs where multiline, at most max characters.
func text(errs fieldErrors, form url.Values, name, label string, max int, required, multiline bool) string {
	v := strings.TrimSpace(form.Get(name))
	switch {
	case !utf8.ValidString(v):
		errs[name] = label + "含有无法识别的字符。"
	case strings.ContainsFunc(v, func(c rune) bool {
		return unicode.IsControl(c) && !(multiline && (c == '\n' || c == '\r' || c == '\t'))
	}):
		errs[name] = label + "含有不可见的控制字符。"
	case required && v == "":
		errs[name] = "请填写" + label + "。"
	case utf8.RuneCountInString(v) > max:
		errs[name] = fmt.Sprintf("%s最多 %d 个字,现在有 %d 个。", label, max, utf8.RuneCountInString(v))
	}
	return v
}

// status reads a status field.
func status(errs fieldErrors, form url.Values, name string) policy.Status {
	v := policy.Status(form.Get(name))
	if !v.Valid() {
		errs[name] = "请从列表中选择状态。"
	}
	return v
}

// percent reads an optional progress percentage, accepting full-width digits.
func percent(errs fieldErrors, form url.Values, name string) *int {
	v := strings.TrimSuffix(strings.TrimSpace(width.Narrow.String(form.Get(name))), "%")
	if v == "" {
		return nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 || n > 100 {
		errs[name] = "进度是 0 到 100 之间的整数,也可以不填。"
		return nil
	}
	return &n
}

// date reads a date written YYYY-MM-DD, within the years a reply can speak of.
func date(errs fieldErrors, form url.Values, name, label string, required bool) *time.Time {
	v := strings.TrimSpace(width.Narrow.String(form.Get(name)))
	if v == "" {
		if required {
			errs[name] = "请填写" + label + "。"
		}
		return nil
	}
	t, err := time.Parse(time.DateOnly, v)
	if err != nil {
		errs[name] = label + "应写成 2025-12-31 这样的日期。"
		return nil
	}
	if t.Year() < 2000 || t.Year() > 2100 {
		errs[name] = label + "应在 2000 年到 2100 年之间。"
		return nil
	}
	return &t
}

// units reads the lead and supporting units: known slugs, none in both lists.
func units(errs fieldErrors, form url.Values, valid map[string]string) (lead, support []string) {
	read := func(name, label string) []string {
		var out []string
		for _, v := range form[name] {
			if v == "" {
				continue
			}
			if _, ok := valid[v]; !ok {
				errs[name] = label + "中有不在名单上的单位,请从列表中选择。"
				return nil
			}
			if !slices.Contains(out, v) {
				out = append(out, v)
			}
		}
		if len(out) > 12 {
			errs[name] = label + "最多选 12 个。"
		}
		return out
	}
	lead, support = read("lead", "牵头单位"), read("support", "配合单位")
	for _, v := range lead {
		if slices.Contains(support, v) {
			errs["support"] = "“" + valid[v] + "”不能既牵头又配合。"
			break
		}
	}
	return lead, support
}

// evidenceURL reads an optional link to evidence: an absolute http or https URL.
func evidenceURL(errs fieldErrors, form url.Values, name string) string {
	v := text(errs, form, name, "证据链接", 2000, false, false)
	if v == "" || errs[name] != "" {
		return v
	}
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || strings.ContainsAny(v, " <>\"") {
		errs[name] = "证据链接必须是以 http:// 或 https:// 开头的完整网址。"
		return v
	}
	return u.Scheme + v[len(u.Scheme):] // HTTPS://… is kept as https://…
}

// formVersion reads the hidden version field. A missing or malformed version
// means the form was not the portal's own: a 400, not a field message.
func formVersion(form url.Values) (int, error) {
	v, err := strconv.Atoi(form.Get("version"))
	if err != nil || v < 1 {
		return 0, policy.Errorm(policy.EINVALID, "err.version")
	}
	return v, nil
}

// localPath returns next if it is a path on this site, "/" otherwise, so that
// the login form cannot send anyone elsewhere.
func localPath(next string) string {
	if next == "" || len(next) > 2000 || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") ||
		strings.ContainsAny(next, "\\\x00\r\n") || !utf8.ValidString(next) {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" {
		return "/"
	}
	return next
}
