package server

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/guizhou-portal/portal/internal/i18n"
	"github.com/guizhou-portal/portal/internal/policy"
)

// utf8BOM makes Excel and WPS read the file as UTF-8 rather than the local code page.
const utf8BOM = "\ufeff"

// csvHeader names the columns of /commitments.csv, in Chinese for the
// spreadsheet users it is chiefly for.
var csvHeader = []string{"编号", "承诺", "标题", "文件", "文号", "章节", "小节", "主题", "原文", "类型", "承诺力度",
	"状态", "状态依据", "进度(%)", "牵头单位", "配合单位", "时间安排", "起始日期", "截止日期", "完成期限", "时限", "数字", "公开说明", "网址",
	"核实状态", "核实日期", // 状态 is what the unit claims; 核实状态 what a reviewer verified, empty until then
	"上级承诺编号", "子承诺数"}

// csvHeaderEN names the columns of the English CSV: the same columns, with
// the Chinese title after the English one. The quote, the status basis, the
// time frame as written, the figures and the 文号 stay as the text has them.
var csvHeaderEN = []string{"ID", "Commitment", "Title", "Title (Chinese)", "Document", "Document number", "Section", "Sub-item",
	"Theme", "Quote (Chinese)", "Kind", "Strength", "Status", "Status basis (Chinese)", "Progress (%)", "Lead units",
	"Supporting units", "Time frame (as written)", "Period start", "Period end", "Due on", "Timeliness",
	"Figures (as written)", "Public note", "URL", "Verified status", "Verified on", "Parent commitment ID", "Parts"}

// csvLocalizer is the language of the CSV: its lang parameter (zh or en)
// where given, else the request's, as for the pages.
func csvLocalizer(r *http.Request, q url.Values) (*i18n.Localizer, error) {
	switch lang := q.Get("lang"); lang {
	case "":
		return i18n.From(r.Context()), nil
	case "zh", "en":
		return i18n.For(lang), nil
	default:
		return nil, policy.Errorm(policy.EINVALID, "err.csv.lang", truncate(lang, 40))
	}
}

// exportCommitments serves /commitments.csv: the commitments /commitments
// would show for the same query, one row each, UTF-8 with a BOM.
func (s *Server) exportCommitments(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q, cq, err := s.requestCommitmentQuery(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	l, err := csvLocalizer(r, q)
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
	if l.English() {
		cw.Write(csvHeaderEN)
	} else {
		cw.Write(csvHeader)
	}
	for _, c := range policy.PublicCommitments(list) {
		if l.English() {
			cw.Write(csvRowEN(l, c, figures[c.ID], base, cq.filter.Today))
		} else {
			cw.Write(csvRow(c, figures[c.ID], base, cq.filter.Today))
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		s.renderError(w, r, err)
		return
	}
	w.Header().Set("Content-Disposition", `attachment; filename="commitments.csv"; filename*=UTF-8''%E6%89%BF%E8%AF%BA%E4%BA%8B%E9%A1%B9.csv`)
	if l.English() {
		w.Header().Set("Content-Disposition", `attachment; filename="commitments.csv"`)
	}
	w.Header().Set("Content-Language", l.HTMLLang())
	s.writeCompressed(w, r, "text/csv; charset=utf-8", buf.Bytes())
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
		"", "", parentID(c), strconv.Itoa(c.PartCount)}
	if c.VerifiedStatus != "" {
		row[len(row)-4], row[len(row)-3] = c.VerifiedStatus.Name(), c.VerifiedAt.In(policy.China).Format(time.DateOnly)
	}
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

// csvRowEN is csvRow for English readers: English names and titles where
// there are some, the vocabulary (kind, strength, status, timeliness) in
// English, and the Chinese title beside the English one.
func csvRowEN(l *i18n.Localizer, c policy.Commitment, figures []policy.Figure, base string, today time.Time) []string {
	pick := func(zh, en string) string {
		if en != "" {
			return en
		}
		return zh
	}
	theme := ""
	if c.TopSection.Theme != nil {
		theme = pick(c.TopSection.Theme.NameZH, c.TopSection.Theme.NameEN)
	}
	sub := ""
	if c.Section.ID != c.TopSection.ID {
		sub = c.Section.HeadingIn(true)
	}
	progress := ""
	if c.Progress != nil {
		progress = strconv.Itoa(*c.Progress)
	}
	var figs []string
	for _, f := range figures {
		figs = append(figs, f.Quote+"("+f.Measure+")")
	}
	timeliness := ""
	if t := c.TimelinessOn(today); t != "" {
		timeliness = l.T("due." + string(t))
	}
	row := []string{strconv.FormatInt(c.ID, 10), l.T("c.label", c.Position), pick(c.Title, c.TitleEN), c.Title,
		pick(c.Document.Title, c.Document.TitleEN), c.Document.DocNumber, c.TopSection.HeadingIn(true), sub, theme, c.Quote,
		l.T("ckind." + string(c.Kind)), l.T("strength." + string(c.Strength)), l.T("status." + string(c.Status)),
		c.StatusBasis, progress, entityNamesIn(c.Lead, true), entityNamesIn(c.Support, true), c.TimeFrame,
		isoDate(c.PeriodStart), isoDate(c.PeriodEnd), isoDate(c.DueOn), timeliness, strings.Join(figs, "; "), c.PublicNote,
		base + "/commitments/" + strconv.FormatInt(c.ID, 10),
		"", "", parentID(c), strconv.Itoa(c.PartCount)}
	if c.VerifiedStatus != "" {
		row[len(row)-4], row[len(row)-3] = l.T("status."+string(c.VerifiedStatus)), c.VerifiedAt.In(policy.China).Format(time.DateOnly)
	}
	for i, v := range row {
		row[i] = spreadsheetSafe(v)
	}
	return row
}

func entityNames(es []policy.Entity) string { return entityNamesIn(es, false) }

// entityNamesIn lists units by name, in English (comma-separated) or in
// Chinese (with 、).
func entityNamesIn(es []policy.Entity, english bool) string {
	names := make([]string, len(es))
	for i, e := range es {
		names[i] = e.NameFor(english)
	}
	if english {
		return strings.Join(names, ", ")
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
