package server

import (
	"errors"
	"net/http"

	"github.com/a-h/templ"

	"github.com/guizhou-portal/portal/internal/policy"
	"github.com/guizhou-portal/portal/internal/postgres"
	"github.com/guizhou-portal/portal/web"
)

var (
	errNotFoundPage = policy.Errorf(policy.ENOTFOUND, "您要找的页面不存在。请检查地址,或从首页重新进入。")
	errMethod       = &policy.Error{Code: "method", Message: "这个地址不接受这种请求。"}
	errLoginFirst   = policy.Errorf(policy.EUNAUTHORIZED, "请先登录工作人员账户。")
	errForbidden    = policy.Errorf(policy.EFORBIDDEN, "您的账户没有权限做这件事。")
	errCrossOrigin  = policy.Errorf(policy.EFORBIDDEN, "出于安全考虑,本站不接受从其他网站提交的表单。请在本站页面上重新操作。")
	errPanic        = errors.New("handler panicked")
	errNoDocument   = policy.Errorf(policy.ENOTFOUND, "没有找到这份文件。")
	errNoEntity     = policy.Errorf(policy.ENOTFOUND, "没有找到这个条目。")
)

// statusOf maps an error code to its HTTP status.
func statusOf(err error) int {
	switch code := policy.ErrorCode(err); {
	case code == policy.EINVALID:
		return http.StatusBadRequest
	case code == policy.ENOTFOUND:
		return http.StatusNotFound
	case code == policy.ECONFLICT:
		return http.StatusConflict
	case code == policy.EUNAUTHORIZED:
		return http.StatusUnauthorized
	case code == policy.EFORBIDDEN:
		return http.StatusForbidden
	case code == errTooLarge.Code:
		return http.StatusRequestEntityTooLarge
	case code == "method":
		return http.StatusMethodNotAllowed
	case postgres.Unavailable(err):
		return http.StatusServiceUnavailable
	default:
		return http.StatusInternalServerError
	}
}

// renderError is the one place where errors become pages: it picks the status,
// logs what users must not see, and renders a message they can act on.
func (s *Server) renderError(w http.ResponseWriter, r *http.Request, err error) {
	status := statusOf(err)
	heading, message := "出错了", policy.ErrorMessage(err)
	switch status {
	case http.StatusNotFound:
		heading = "页面不存在"
	case http.StatusBadRequest:
		heading = "请求有误"
	case http.StatusUnauthorized:
		heading = "需要登录"
	case http.StatusForbidden:
		heading = "没有权限"
	case http.StatusConflict:
		heading = "内容已变化"
	case http.StatusServiceUnavailable:
		s.logger.Warn("database unavailable", "path", r.URL.Path, "err", err)
		w.Header().Set("Retry-After", "5")
		heading, message = "服务暂时不可用", "数据库暂时没有响应,请稍后再试。"
	case http.StatusInternalServerError:
		s.logger.Error("internal error", "path", r.URL.Path, "err", err)
	}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, status, web.ErrorPage(status, heading, message))
}

// render writes a component with status. Rendering into a buffer first means a
// failure half-way never sends half a page with a 200.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, c templ.Component) {
	buf := templ.GetBuffer()
	defer templ.ReleaseBuffer(buf)
	if err := c.Render(r.Context(), buf); err != nil {
		s.logger.Error("render failed", "path", r.URL.Path, "err", err)
		http.Error(w, "服务器内部错误", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		w.Write(buf.Bytes())
	}
}
