package server

import (
	"context"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/guizhou-portal/portal/internal/i18n"
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
	paramRegion   = "region"
	paramMineral  = "mineral"
	paramYear     = "year"
	paramDue      = "due" // a policy.Timeliness, judged on the server's today
)

// documentFacetMax is how many documents the sidebar offers at most, besides
// those selected: with a thousand demo documents it would be a page of
// checkboxes.
const documentFacetMax = 30

// commitmentListLimit is how many commitments the list shows at most; the
// counts cover all of them.
const commitmentListLimit = 200

// commitmentQuery is a parsed, checked set of /commitments filters with the
// choices they were checked against.
type commitmentQuery struct {
	filter       policy.CommitmentFilter
	docs         []policy.Document // the documents filtered to
	themes       []policy.Theme
	leads        []policy.Entity
	themeNames   map[string]string
	leadNames    map[string]string
	regionNames  map[string]string
	mineralNames map[string]string
}

// parseCommitmentQuery checks the filters of q strictly, as /commitments,
// /commitments.csv and the API share them: an unknown value is EINVALID with a
// message that lists the valid ones.
func (s *Server) parseCommitmentQuery(ctx context.Context, q url.Values) (commitmentQuery, error) {
	var cq commitmentQuery
	themes, err := s.store.Themes(ctx)
	if err != nil {
		return cq, err
	}
	leads, err := s.store.LeadUnits(ctx)
	if err != nil {
		return cq, err
	}
	cq.themes, cq.leads = themes, leads
	l := i18n.From(ctx)
	cq.themeNames = map[string]string{}
	for _, t := range themes {
		cq.themeNames[t.Key] = t.NameZH
		if l.English() {
			cq.themeNames[t.Key] = t.NameEN
		}
	}
	cq.leadNames = map[string]string{}
	for _, e := range leads {
		cq.leadNames[e.Slug] = e.NameFor(l.English())
	}
	// Any unit may be asked for: a shared link stays valid, with an empty
	// result, after the last commitment a unit leads is withdrawn. The list of
	// all units is read only when a link asks for one that leads nothing now.
	anyLead := cq.leadNames
	for _, v := range q[paramLead] {
		if _, ok := cq.leadNames[v]; !ok {
			units, err := s.store.Units(ctx)
			if err != nil {
				return cq, err
			}
			anyLead = unitNames(units, l.English())
			break
		}
	}
	statusNames, kindNames, strengthNames := names(l, "status.", policy.Statuses), names(l, "ckind.", policy.CommitmentKinds), names(l, "strength.", policy.Strengths)
	if cq.regionNames, err = s.entityNames(ctx, "region"); err != nil {
		return cq, err
	}
	if cq.mineralNames, err = s.entityNames(ctx, "mineral"); err != nil {
		return cq, err
	}

	f := &cq.filter
	for _, slug := range q[paramDocument] {
		if slug == "" { // the form's "all documents", as on the dashboard
			continue
		}
		if !policy.ValidSlug(slug) {
			return cq, policy.Errorm(policy.EINVALID, "err.filter.document", truncate(slug, 40))
		}
		d, err := s.store.Document(ctx, slug)
		if policy.ErrorCode(err) == policy.ENOTFOUND {
			err = policy.Errorm(policy.EINVALID, "err.filter.document", slug)
		}
		if err != nil {
			return cq, err
		}
		cq.docs = append(cq.docs, d)
		f.Documents = append(f.Documents, slug)
	}
	for _, check := range []struct {
		param, legend string
		valid         map[string]string
		into          func(string)
	}{
		{paramSection, l.T("c.theme"), cq.themeNames, func(v string) { f.Themes = append(f.Themes, v) }},
		{paramStatus, l.T("c.status"), statusNames, func(v string) { f.Statuses = append(f.Statuses, policy.Status(v)) }},
		{paramKind, l.T("c.kind"), kindNames, func(v string) { f.Kinds = append(f.Kinds, policy.CommitmentKind(v)) }},
		{paramStrength, l.T("c.strength"), strengthNames, func(v string) { f.Strengths = append(f.Strengths, policy.Strength(v)) }},
		{paramLead, l.T("c.leadunit"), anyLead, func(v string) {
			f.Leads = append(f.Leads, v)
			if _, listed := cq.leadNames[v]; !listed {
				cq.leadNames[v] = anyLead[v]
				cq.leads = append(cq.leads, policy.Entity{Slug: v, Name: anyLead[v]})
			}
		}},
		{paramRegion, l.T("c.region"), cq.regionNames, func(v string) { f.Regions = append(f.Regions, v) }},
		{paramMineral, l.T("c.mineral"), cq.mineralNames, func(v string) { f.Minerals = append(f.Minerals, v) }},
		{paramDue, l.T("c.timeliness"), names(l, "due.", policy.Timelinesses), func(v string) { f.Due = append(f.Due, policy.Timeliness(v)) }},
	} {
		for _, v := range q[check.param] {
			if _, ok := check.valid[v]; !ok {
				return cq, policy.Errorm(policy.EINVALID, "err.filter.value",
					check.legend, truncate(v, 40), validList(check.valid, l.T("list.sep")))
			}
			check.into(v)
		}
	}

	for _, y := range q[paramYear] {
		n, err := strconv.Atoi(y)
		if err != nil || n < 1900 || n > 2100 || strconv.Itoa(n) != y {
			return cq, policy.Errorm(policy.EINVALID, "err.filter.year", truncate(y, 40))
		}
		f.Years = append(f.Years, n)
	}
	f.Today = s.today()
	if a, ok := policy.AsOfFrom(ctx); ok {
		f.Today = a.Day // what was late then
	}
	sort, err := parseCommitmentSort(l, q)
	f.Sort = sort
	return cq, err
}

// requestCommitmentQuery reads and checks the filters of a page's query, as
// the list and its CSV both read them.
func (s *Server) requestCommitmentQuery(r *http.Request) (url.Values, commitmentQuery, error) {
	q, err := parseQuery(r)
	if err != nil {
		return nil, commitmentQuery{}, err
	}
	cq, err := s.parseCommitmentQuery(r.Context(), q)
	return q, cq, err
}

// listCommitments shows the commitments that match the query's filters. An
// unknown filter value is a 400 with a message that lists the valid ones.
func (s *Server) listCommitments(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q, cq, err := s.requestCommitmentQuery(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	l := i18n.From(ctx)
	f, docs, themes, leads := cq.filter, cq.docs, cq.themes, cq.leads
	themeNames, leadNames, regionNames, mineralNames := cq.themeNames, cq.leadNames, cq.regionNames, cq.mineralNames
	statusNames, kindNames, strengthNames := names(l, "status.", policy.Statuses), names(l, "ckind.", policy.CommitmentKinds), names(l, "strength.", policy.Strengths)

	facets, err := s.store.CommitmentFacets(ctx, f)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	f.Limit = commitmentListLimit
	list, err := s.store.Commitments(ctx, f)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	list = policy.PublicCommitments(list)
	v := web.CommitmentsView{Documents: docs, Commitments: list, Total: facets.Total, CSVURL: "/commitments.csv"}
	if len(q) > 0 {
		v.CSVURL += "?" + q.Encode()
		follow := maps.Clone(q)
		delete(follow, "sort")
		v.FollowKey = follow.Encode()
	}
	group := func(param, legend string, keys []string, labels map[string]string) {
		g := web.FilterGroup{Param: param, Legend: legend}
		for _, k := range keys {
			sel := slices.Contains(q[param], k)
			g.Options = append(g.Options, web.FilterOption{Value: k, Label: labels[k], Selected: sel, Count: facets.Count(param, k)})
			if sel {
				v.Active = append(v.Active, web.ActiveFilter{Legend: legend, Label: labels[k], RemoveURL: without(q, param, k)})
			}
		}
		v.Groups = append(v.Groups, g)
	}
	// Documents, regions, minerals and years offer the values some commitment
	// has, most frequent first (years in order), and whatever is selected.
	offered := func(param string, sortByValue bool) ([]string, map[string]string) {
		var ks []string
		labels := map[string]string{}
		for _, fv := range facets.Values[param] {
			if param == paramDocument && len(ks) == documentFacetMax {
				break // the rest are not offered (below); with 10,000 documents, labelling them cost more than the page
			}
			ks, labels[fv.Value] = append(ks, fv.Value), fv.Label
			switch param {
			case paramYear:
				labels[fv.Value] = l.T("c.year.value", fv.Value)
			case paramRegion, paramMineral: // in the reader's language
				if name := map[string]string{paramRegion: regionNames[fv.Value], paramMineral: mineralNames[fv.Value]}[param]; name != "" {
					labels[fv.Value] = name
				}
			}
		}
		for _, sel := range q[param] {
			if !slices.Contains(ks, sel) {
				ks = append(ks, sel)
				labels[sel] = map[string]string{paramRegion: regionNames[sel], paramMineral: mineralNames[sel]}[param]
				if param == paramYear {
					labels[sel] = l.T("c.year.value", sel)
				}
			}
		}
		if sortByValue {
			slices.Sort(ks)
		}
		return ks, labels
	}
	// Documents offer the most frequent first, at most documentFacetMax of
	// them, and whatever is selected; /documents lists every one.
	docKeys, docLabels := offered(paramDocument, false)
	if len(docKeys) > documentFacetMax {
		kept := docKeys[:documentFacetMax:documentFacetMax]
		for _, k := range docKeys[documentFacetMax:] {
			if slices.Contains(q[paramDocument], k) {
				kept = append(kept, k)
			}
		}
		docKeys = kept
	}
	for _, d := range docs {
		docLabels[d.Slug] = d.ShortName()
	}
	group(paramDocument, l.T("c.document"), docKeys, docLabels)
	var themeKeys, leadKeys []string
	for _, t := range themes {
		themeKeys = append(themeKeys, t.Key)
	}
	for _, e := range leads {
		leadKeys = append(leadKeys, e.Slug)
	}
	group(paramSection, l.T("c.theme"), themeKeys, themeNames)
	group(paramStatus, l.T("c.status"), keys(policy.Statuses), statusNames)
	group(paramKind, l.T("c.kind"), keys(policy.CommitmentKinds), kindNames)
	group(paramStrength, l.T("c.strength"), keys(policy.Strengths), strengthNames)
	group(paramLead, l.T("c.leadunit"), leadKeys, leadNames)
	regionKeys, regionLabels := offered(paramRegion, false)
	group(paramRegion, l.T("c.region"), regionKeys, regionLabels)
	mineralKeys, mineralLabels := offered(paramMineral, false)
	group(paramMineral, l.T("c.mineral"), mineralKeys, mineralLabels)
	yearKeys, yearLabels := offered(paramYear, true)
	group(paramYear, l.T("c.year"), yearKeys, yearLabels)
	group(paramDue, l.T("c.timeliness"), keys(policy.Timelinesses), names(l, "due.", policy.Timelinesses))
	s.commitmentListExtras(ctx, &v, q, f)
	s.render(w, r, http.StatusOK, web.CommitmentsPage(v))
}

// names maps each value to its name in the catalogue, under prefix.
func names[T ~string](l *i18n.Localizer, prefix string, vs []T) map[string]string {
	m := make(map[string]string, len(vs))
	for _, v := range vs {
		m[string(v)] = l.T(prefix + string(v))
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

func validList(valid map[string]string, sep string) string {
	var parts []string
	for k, name := range valid {
		parts = append(parts, k+"("+name+")")
	}
	slices.Sort(parts)
	return strings.Join(parts, sep)
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

// entityNames maps the slugs of the entities of one kind to their names, for
// checking and labelling filter values.
func (s *Server) entityNames(ctx context.Context, kind policy.EntityKind) (map[string]string, error) {
	es, err := s.store.EntityNames(ctx, kind)
	if err != nil {
		return nil, err
	}
	english := i18n.From(ctx).English()
	m := make(map[string]string, len(es))
	for _, e := range es {
		m[e.Slug] = e.NameFor(english)
	}
	return m, nil
}
