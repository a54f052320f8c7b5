package server

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/guizhou-portal/portal/internal/i18n"
	"github.com/guizhou-portal/portal/internal/pagecache"
	"github.com/guizhou-portal/portal/internal/policy"
)

// openAPISpec describes the API; a test validates real responses against it.
//
//go:embed openapi.json
var openAPISpec []byte

// Pagination of API lists.
const (
	paramPage       = "page"
	paramPerPage    = "per_page"
	defaultPerPage  = 50
	maxPerPage      = 200
	apiCacheControl = "public, no-cache" // cache, but ask again with If-None-Match each time
)

var (
	errAPINotFound = policy.Errorm(policy.ENOTFOUND, "err.api.notfound")
	errAPIMethod   = policy.Errorm(policy.EMETHOD, "err.api.method")
)

// apiRoutes serves the read-only JSON API. It runs without a session: every
// caller, signed in or not, sees exactly what the public pages show.
func (s *Server) apiRoutes(r chi.Router) {
	r.NotFound(func(w http.ResponseWriter, r *http.Request) { s.apiError(w, r, errAPINotFound) })
	r.MethodNotAllowed(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Allow", "GET, HEAD")
		s.apiError(w, r, errAPIMethod)
	})
	r.Get("/openapi.json", s.apiOpenAPI)
	r.Group(func(r chi.Router) {
		r.Use(s.cached) // the data, the same for everyone: from the page cache
		r.Get("/documents", s.apiDocuments)
		r.With(s.readAsOf).Get("/documents/{slug}", s.apiDocument)
		r.With(s.readAsOf).Get("/commitments", s.apiCommitments)
		r.With(s.readAsOf).Get("/commitments/{id}", s.apiCommitment)
		r.Get("/entities", s.apiEntities)
		r.Get("/entities/{slug}", s.apiEntity)
	})
}

// apiErrorBody is the body of every API error.
type apiErrorBody struct {
	Error apiErrorDetail `json:"error"`
}

type apiErrorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// apiError is renderError for the API: the same status mapping and logging,
// with the code and message as JSON.
func (s *Server) apiError(w http.ResponseWriter, r *http.Request, err error) {
	status := statusOf(err)
	l := i18n.From(r.Context())
	code, message := policy.ErrorCode(err), errorMessage(l, err)
	switch status {
	case http.StatusServiceUnavailable:
		s.logger.WarnContext(r.Context(), "database unavailable", "path", logPath(r), "err", err)
		w.Header().Set("Retry-After", "5")
		code, message = "unavailable", l.T("err.503")
	case http.StatusInternalServerError:
		s.logger.ErrorContext(r.Context(), "internal error", "path", logPath(r), "err", err)
		code = policy.EINTERNAL
	}
	body, _ := json.Marshal(apiErrorBody{apiErrorDetail{code, message}})
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		w.Write(append(body, '\n'))
	}
}

// writeJSON sends v with a strong ETag over the body, or 304 when the
// request's If-None-Match already names it.
func (s *Server) writeJSON(w http.ResponseWriter, r *http.Request, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		s.apiError(w, r, err)
		return
	}
	s.writeCached(w, r, "application/json; charset=utf-8", buf.Bytes())
}

// writeCached sends body with its ETag, honouring If-None-Match, for a route
// the page cache holds: the cache compresses what it keeps.
func (s *Server) writeCached(w http.ResponseWriter, r *http.Request, contentType string, body []byte) {
	s.writeTagged(w, r, contentType, body, false)
}

// writeCompressed sends body as writeCached does, compressed as the page
// cache would (br or gzip, whichever the client prefers), for a route outside
// the cache: the CSV export, the feeds, the API description.
func (s *Server) writeCompressed(w http.ResponseWriter, r *http.Request, contentType string, body []byte) {
	s.writeTagged(w, r, contentType, body, true)
}

func (s *Server) writeTagged(w http.ResponseWriter, r *http.Request, contentType string, body []byte, compress bool) {
	sum := sha256.Sum256(body)
	tag := hex.EncodeToString(sum[:16])
	h := w.Header()
	h.Set("Cache-Control", apiCacheControl)
	enc, varies := "", false
	if compress {
		enc, varies = pagecache.Negotiate(r, len(body))
	}
	if varies {
		h.Add("Vary", "Accept-Encoding")
	}
	if enc != "" {
		tag += "-" + enc // another representation, another tag; If-None-Match matches either
	}
	h.Set("ETag", `"`+tag+`"`)
	if pagecache.NoneMatch(r.Header.Get("If-None-Match"), strings.TrimSuffix(strings.TrimSuffix(tag, "-br"), "-gzip")) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	if enc != "" {
		body = pagecache.Compress(enc, body)
		h.Set("Content-Encoding", enc)
	}
	h.Set("Content-Type", contentType)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}

// apiQuery parses the query strictly and refuses parameters the endpoint does
// not know, so a misspelt filter is an error rather than silently ignored.
func apiQuery(r *http.Request, allowed ...string) (url.Values, error) {
	q, err := parseQuery(r)
	if err != nil {
		return nil, err
	}
	for k := range q {
		if !slices.Contains(allowed, k) {
			if len(allowed) == 0 {
				return nil, policy.Errorm(policy.EINVALID, "api.noparams", truncate(k, 40))
			}
			return nil, policy.Errorm(policy.EINVALID, "api.unknownparam", truncate(k, 40), strings.Join(allowed, ", "))
		}
	}
	return q, nil
}

// page is one page of a list.
type page struct {
	Page, PerPage int
}

// parsePage reads page and per_page: positive whole numbers, per_page at most maxPerPage.
func parsePage(q url.Values) (page, error) {
	p := page{Page: 1, PerPage: defaultPerPage}
	for _, f := range []struct {
		name string
		into *int
		max  int
	}{{paramPage, &p.Page, 1 << 20}, {paramPerPage, &p.PerPage, maxPerPage}} {
		vs := q[f.name]
		if len(vs) == 0 {
			continue
		}
		n, err := strconv.Atoi(vs[0])
		if len(vs) > 1 || err != nil || n < 1 || n > f.max {
			return p, policy.Errorm(policy.EINVALID, "api.page", f.name, strconv.Itoa(f.max))
		}
		*f.into = n
	}
	return p, nil
}

// listMeta describes the page of a list and links to its neighbours.
type listMeta struct {
	Page    int    `json:"page"`
	PerPage int    `json:"per_page"`
	Total   int    `json:"total"`
	Pages   int    `json:"pages"`
	Next    string `json:"next,omitempty"`
	Prev    string `json:"prev,omitempty"`
}

// paginate cuts the page p out of items and describes it. Documents and
// entities number in the hundreds, so the store returns them whole and the
// page is cut here; commitments are paged in SQL (pageMeta).
func paginate[T any](r *http.Request, items []T, p page) ([]T, listMeta) {
	lo := min((p.Page-1)*p.PerPage, len(items))
	hi := min(lo+p.PerPage, len(items))
	out := items[lo:hi]
	if out == nil {
		out = []T{}
	}
	return out, pageMeta(r, len(items), p)
}

// pageMeta describes page p of a list of total items, with links to its neighbours.
func pageMeta(r *http.Request, total int, p page) listMeta {
	m := listMeta{Page: p.Page, PerPage: p.PerPage, Total: total, Pages: (total + p.PerPage - 1) / p.PerPage}
	link := func(n int) string {
		q := r.URL.Query()
		q.Set(paramPage, strconv.Itoa(n))
		return r.URL.Path + "?" + q.Encode()
	}
	if p.Page < m.Pages {
		m.Next = link(p.Page + 1)
	}
	if p.Page > 1 && m.Pages > 0 {
		m.Prev = link(min(p.Page-1, m.Pages))
	}
	return m
}

// apiList is the envelope of every list.
type apiList[T any] struct {
	Data []T      `json:"data"`
	Meta listMeta `json:"meta"`
}

func (s *Server) apiOpenAPI(w http.ResponseWriter, r *http.Request) {
	if _, err := apiQuery(r); err != nil {
		s.apiError(w, r, err)
		return
	}
	s.writeCompressed(w, r, "application/json; charset=utf-8", openAPISpec)
}

// apiListQuery reads a list's query: the filters it allows, then its page.
func apiListQuery(r *http.Request, filters ...string) (url.Values, page, error) {
	q, err := apiQuery(r, slices.Concat(filters, []string{paramPage, paramPerPage})...)
	if err != nil {
		return nil, page{}, err
	}
	p, err := parsePage(q)
	return q, p, err
}

// convertAll converts every item of a list; an empty list is [] in JSON, not null.
func convertAll[S, T any](in []S, convert func(S) T) []T {
	out := make([]T, len(in))
	for i, v := range in {
		out[i] = convert(v)
	}
	return out
}

// serveAPIList answers a list that is loaded whole and paged here: it reads
// the query (filters, then page), loads, converts and writes the page asked for.
func serveAPIList[S, T any](s *Server, w http.ResponseWriter, r *http.Request, filters []string,
	load func(url.Values) ([]S, error), convert func(S) T) {
	q, p, err := apiListQuery(r, filters...)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	items, err := load(q)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	data, meta := paginate(r, convertAll(items, convert), p)
	s.writeJSON(w, r, apiList[T]{data, meta})
}

// apiSlug is the slug of a single-item URL, which takes no query; an
// invalid slug is notFound.
func apiSlug(r *http.Request, notFound error) (string, error) {
	if _, err := apiQuery(r); err != nil {
		return "", err
	}
	return urlSlug(r, notFound)
}

func (s *Server) apiDocuments(w http.ResponseWriter, r *http.Request) {
	serveAPIList(s, w, r, nil, func(url.Values) ([]policy.DocumentSummary, error) {
		return s.store.Documents(r.Context(), policy.DocumentFilter{Today: s.today()})
	}, func(d policy.DocumentSummary) apiDocumentSummary {
		return toAPIDocumentSummary(i18n.From(r.Context()), d)
	})
}

func (s *Server) apiDocument(w http.ResponseWriter, r *http.Request) {
	_, err := apiQuery(r, paramAsOf) // the document's commitments at a past date
	var slug string
	if err == nil {
		slug, err = urlSlug(r, errNoDocument)
	}
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	ctx := r.Context()
	fd, err := s.store.FullDocument(ctx, slug)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	figures, err := s.store.Figures(ctx, fd.ID)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	mentions, err := s.store.DocumentMentions(ctx, fd.ID)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	commitments, err := s.store.Commitments(ctx, policy.CommitmentFilter{Documents: []string{slug}})
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	var evals []policy.Evaluation
	if fd.Kind == policy.KindReply {
		if evals, err = s.store.Evaluations(ctx, fd.ID); err != nil {
			s.apiError(w, r, err)
			return
		}
	}
	s.writeJSON(w, r, toAPIDocument(i18n.From(ctx), fd, figures, mentions, policy.PublicCommitments(commitments), evals))
}

func (s *Server) apiCommitments(w http.ResponseWriter, r *http.Request) {
	q, p, err := apiListQuery(r, paramDocument, paramSection, paramStatus, paramKind, paramStrength, paramLead,
		paramRegion, paramMineral, paramYear, paramDue, paramSort, paramAsOf)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	cq, err := s.parseCommitmentQuery(r.Context(), q)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	total, err := s.store.CountCommitments(r.Context(), cq.filter)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	f := cq.filter
	f.Limit, f.Offset = p.PerPage, (p.Page-1)*p.PerPage
	var list []policy.Commitment
	if f.Offset < total {
		if list, err = s.store.Commitments(r.Context(), f); err != nil {
			s.apiError(w, r, err)
			return
		}
	}
	s.writeJSON(w, r, apiList[apiCommitment]{convertAll(policy.PublicCommitments(list), func(c policy.Commitment) apiCommitment {
		out := toAPICommitment(i18n.From(r.Context()), c)
		out.Timeliness = string(c.TimelinessOn(cq.filter.Today))
		return out
	}), pageMeta(r, total, p)})
}

func (s *Server) apiCommitment(w http.ResponseWriter, r *http.Request) {
	if _, err := apiQuery(r, paramAsOf); err != nil {
		s.apiError(w, r, err)
		return
	}
	id, err := commitmentID(r)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	c, err := s.store.Commitment(r.Context(), id)
	if err == nil && c.WithdrawnAt != nil {
		err = errNoCommitment
	}
	c = c.Public()
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	updates, err := s.store.ProgressUpdates(r.Context(), id, false)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	d := toAPICommitmentDetail(i18n.From(r.Context()), c, updates)
	d.Timeliness = string(c.TimelinessOn(s.todayFor(r)))
	s.writeJSON(w, r, d)
}

func (s *Server) apiEntities(w http.ResponseWriter, r *http.Request) {
	serveAPIList(s, w, r, []string{"kind"}, func(q url.Values) ([]policy.Entity, error) {
		var kinds []policy.EntityKind
		for _, k := range q["kind"] {
			if !policy.EntityKind(k).Valid() {
				l := i18n.From(r.Context())
				return nil, policy.Errorf(policy.EINVALID, "%s %s", l.T("err.kind", truncate(k, 40)),
					validList(names(l, "ekind.", policy.EntityKinds), l.T("list.sep")))
			}
			kinds = append(kinds, policy.EntityKind(k))
		}
		return s.store.Entities(r.Context(), kinds...)
	}, func(e policy.Entity) apiEntity { return toAPIEntity(i18n.From(r.Context()), e) })
}

func (s *Server) apiEntity(w http.ResponseWriter, r *http.Request) {
	slug, err := apiSlug(r, errNoEntity)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	e, err := s.store.Entity(r.Context(), slug)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	s.writeJSON(w, r, toAPIEntityDetail(i18n.From(r.Context()), e))
}
