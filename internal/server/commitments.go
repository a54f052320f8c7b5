package server

import (
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/guizhou-portal/portal/internal/policy"
	"github.com/guizhou-portal/portal/web"
)

// Filter parameters of /commitments; each may repeat, values of one parameter
// are alternatives.
const (
	paramDocument = "document"
	paramSection  = "section" // a theme key, shared across documents
	paramStatus   = "status"
	paramKind     = "kind"
	paramStrength = "strength"
	paramLead     = "lead" // an entity slug
)

// listCommitments shows the commitments that match the query's filters. An
// unknown filter value is a 400 with a message that lists the valid ones.
func (s *Server) listCommitments(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q, err := parseQuery(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	themes, err := s.store.Themes(ctx)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	leads, err := s.store.LeadUnits(ctx)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	themeNames := map[string]string{}
	for _, t := range themes {
		themeNames[t.Key] = t.NameZH
	}
	leadNames := map[string]string{}
	for _, e := range leads {
		leadNames[e.Slug] = e.Name
	}
	statusNames, kindNames, strengthNames := names(policy.Statuses), names(policy.CommitmentKinds), names(policy.Strengths)

	var f policy.CommitmentFilter
	var docs []policy.Document
	for _, slug := range q[paramDocument] {
		if !policy.ValidSlug(slug) {
			s.renderError(w, r, policy.Errorm(policy.EINVALID, "err.filter.document", "没有文件“%s”,无法按文件筛选。", truncate(slug, 40)))
			return
		}
		d, err := s.store.Document(ctx, slug)
		if policy.ErrorCode(err) == policy.ENOTFOUND {
			err = policy.Errorm(policy.EINVALID, "err.filter.document", "没有文件“%s”,无法按文件筛选。", slug)
		}
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		docs = append(docs, d)
		f.Documents = append(f.Documents, slug)
	}
	for _, check := range []struct {
		param, legend string
		valid         map[string]string
		into          func(string)
	}{
		{paramSection, "章节主题", themeNames, func(v string) { f.Themes = append(f.Themes, v) }},
		{paramStatus, "状态", statusNames, func(v string) { f.Statuses = append(f.Statuses, policy.Status(v)) }},
		{paramKind, "类型", kindNames, func(v string) { f.Kinds = append(f.Kinds, policy.CommitmentKind(v)) }},
		{paramStrength, "承诺力度", strengthNames, func(v string) { f.Strengths = append(f.Strengths, policy.Strength(v)) }},
		{paramLead, "牵头单位", leadNames, func(v string) { f.Leads = append(f.Leads, v) }},
	} {
		for _, v := range q[check.param] {
			if _, ok := check.valid[v]; !ok {
				s.renderError(w, r, policy.Errorm(policy.EINVALID, "err.filter.value", "筛选条件“%s”的值“%s”无效。可用的值:%s。",
					check.legend, truncate(v, 40), validList(check.valid)))
				return
			}
			check.into(v)
		}
	}

	list, err := s.store.Commitments(ctx, f)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	v := web.CommitmentsView{Documents: docs, Commitments: list}
	for _, d := range docs {
		v.Active = append(v.Active, web.ActiveFilter{Legend: "文件", Label: d.DocNumber, RemoveURL: without(q, paramDocument, d.Slug)})
	}
	group := func(param, legend string, keys []string, labels map[string]string) {
		g := web.FilterGroup{Param: param, Legend: legend}
		for _, k := range keys {
			sel := slices.Contains(q[param], k)
			g.Options = append(g.Options, web.FilterOption{Value: k, Label: labels[k], Selected: sel})
			if sel {
				v.Active = append(v.Active, web.ActiveFilter{Legend: legend, Label: labels[k], RemoveURL: without(q, param, k)})
			}
		}
		v.Groups = append(v.Groups, g)
	}
	var themeKeys, leadKeys []string
	for _, t := range themes {
		themeKeys = append(themeKeys, t.Key)
	}
	for _, e := range leads {
		leadKeys = append(leadKeys, e.Slug)
	}
	group(paramSection, "章节主题", themeKeys, themeNames)
	group(paramStatus, "状态", keys(policy.Statuses), statusNames)
	group(paramKind, "类型", keys(policy.CommitmentKinds), kindNames)
	group(paramStrength, "承诺力度", keys(policy.Strengths), strengthNames)
	group(paramLead, "牵头单位", leadKeys, leadNames)
	s.render(w, r, http.StatusOK, web.CommitmentsPage(v))
}

// showCommitment shows one commitment; an id that is not a known number is a 404.
func (s *Server) showCommitment(w http.ResponseWriter, r *http.Request) {
	c, err := s.visibleCommitment(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	v, err := s.commitmentView(r, c)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, web.CommitmentPage(v))
}

type named interface {
	~string
	Name() string
}

func names[T named](vs []T) map[string]string {
	m := make(map[string]string, len(vs))
	for _, v := range vs {
		m[string(v)] = v.Name()
	}
	return m
}

func keys[T ~string](vs []T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}

func validList(valid map[string]string) string {
	var parts []string
	for k, name := range valid {
		parts = append(parts, k+"("+name+")")
	}
	slices.Sort(parts)
	return strings.Join(parts, "、")
}

// without returns the /commitments URL of q with one value of param removed.
func without(q url.Values, param, value string) string {
	out := url.Values{}
	for k, vs := range q {
		for _, v := range vs {
			if k != param || v != value {
				out.Add(k, v)
			}
		}
	}
	if len(out) == 0 {
		return "/commitments"
	}
	return "/commitments?" + out.Encode()
}

// truncate cuts s to at most n runes, so an echoed value stays readable.
func truncate(s string, n int) string {
	r := []rune(strings.ToValidUTF8(s, "�"))
	if len(r) <= n {
		return string(r)
	}
	return string(r[:n]) + "…"
}

// parseQuery parses the query string strictly: a malformed one is a 400 rather
// than silently losing the filters it meant to set.
func parseQuery(r *http.Request) (url.Values, error) {
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, policy.Errorm(policy.EINVALID, "err.query", "网址中的查询参数格式有误,请检查后重试。")
	}
	return q, nil
}
