package server

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/guizhou-portal/portal/internal/policy"
)

// utf8BOM makes Excel and WPS read the file as UTF-8 rather than the local code page.
const utf8BOM = "\ufeff"

// csvHeader names the columns of /commitments.csv, in Chinese for the
// spreadsheet users it is for.
var csvHeader = []string{"编号", "承诺", "标题", "文件", "文号", "章节", "小节", "主题", "原文", "类型", "承诺力度",
	"状态", "状态依据", "进度(%)", "牵头单位", "配合单位", "时间安排", "起始日期", "截止日期", "完成期限", "时限", "数字", "公开说明", "网址",
	"上级承诺编号", "子承诺数"}

// exportCommitments serves /commitments.csv: the commitments /commitments
// would show for the same query, one row each, UTF-8 with a BOM.
func (s *Server) exportCommitments(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	_, cq, err := s.requestCommitmentQuery(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	list, err := s.store.Commitments(ctx, cq.filter)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	ids := make([]int64, len(list))
	for i, c := range list {
		ids[i] = c.ID
	}
	base := s.absoluteBase(r)
	figures, err := s.store.CommitmentFigures(ctx, ids)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	var buf bytes.Buffer
	buf.WriteString(utf8BOM)
	cw := csv.NewWriter(&buf)
	cw.UseCRLF = true // what Excel writes and expects
	cw.Write(csvHeader)
	for _, c := range policy.PublicCommitments(list) {
		cw.Write(csvRow(c, figures[c.ID], base, cq.filter.Today))
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		s.renderError(w, r, err)
		return
	}
	w.Header().Set("Content-Disposition", `attachment; filename="commitments.csv"; filename*=UTF-8''%E6%89%BF%E8%AF%BA%E4%BA%8B%E9%A1%B9.csv`)
	s.writeCached(w, r, "text/csv; charset=utf-8", buf.Bytes())
}

func csvRow(c policy.Commitment, figures []policy.Figure, base string, today time.Time) []string {
	theme := ""
	if c.TopSection.Theme != nil {
		theme = c.TopSection.Theme.NameZH
	}
	sub := ""
	if c.Section.ID != c.TopSection.ID {
		sub = c.Section.Heading()
	}
	progress := ""
	if c.Progress != nil {
		progress = strconv.Itoa(*c.Progress)
	}
	var figs []string
	for _, f := range figures {
		figs = append(figs, f.Quote+"("+f.Measure+")")
	}
	row := []string{strconv.FormatInt(c.ID, 10), c.Label(), c.Title, c.Document.Title, c.Document.DocNumber,
		c.TopSection.Heading(), sub, theme, c.Quote, c.Kind.Name(), c.Strength.Name(),
		c.Status.Name(), c.StatusBasis, progress, entityNames(c.Lead), entityNames(c.Support), c.TimeFrame,
		isoDate(c.PeriodStart), isoDate(c.PeriodEnd), isoDate(c.DueOn), timelinessNames[c.TimelinessOn(today)], strings.Join(figs, ";"), c.PublicNote,
		base + "/commitments/" + strconv.FormatInt(c.ID, 10), // absolute, so that a spreadsheet can open it
		parentID(c), strconv.Itoa(c.PartCount)}
	for i, v := range row {
		row[i] = spreadsheetSafe(v)
	}
	return row
}

// parentID is the 上级承诺编号 column: the id of the commitment c is a part
// of, "" for a top-level one.
func parentID(c policy.Commitment) string {
	if c.ParentID == 0 {
		return ""
	}
	return strconv.FormatInt(c.ParentID, 10)
}

// timelinessNames are the 时限 column's values, in Chinese as the header.
var timelinessNames = map[policy.Timeliness]string{
	policy.TimelinessOverdue: "已逾期", policy.TimelinessDueSoon: "30天内到期",
	policy.TimelinessOnTime: "未逾期", policy.TimelinessNoDate: "无明确时限",
}

func entityNames(es []policy.Entity) string {
	names := make([]string, len(es))
	for i, e := range es {
		names[i] = e.Name
	}
	return strings.Join(names, "、")
}

// spreadsheetSafe keeps a spreadsheet from reading a cell as a formula: a
// value starting with = + - @ or a control character gets a leading
// apostrophe, as OWASP advises for CSV injection.
func spreadsheetSafe(v string) string {
	if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
		return "'" + v
	}
	return v
}

func isoDate(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.Format(time.DateOnly)
}
