package server

import (
	"strconv"
	"time"

	"github.com/guizhou-portal/portal/internal/i18n"
	"github.com/guizhou-portal/portal/internal/policy"
	"github.com/guizhou-portal/portal/internal/postgres"
)

// The API's JSON shapes. They are the public contract described in
// openapi.json, kept apart from the domain types so that a change to those
// never changes the API by accident. Every vocabulary value comes with its
// Chinese name.

type apiDocumentSummary struct {
	apiDocumentMeta
	Counts    apiDocumentCounts `json:"counts"`
	UpdatedAt time.Time         `json:"updated_at"`
}

type apiDocumentCounts struct {
	Paragraphs  int `json:"paragraphs"`
	Sections    int `json:"sections"`
	Commitments int `json:"commitments"`
	Figures     int `json:"figures"`
	Entities    int `json:"entities"`
	CitedBy     int `json:"cited_by"`
	Completed   int `json:"completed"`
	Overdue     int `json:"overdue"`
}

type apiDocumentMeta struct {
	Slug          string  `json:"slug"`
	Kind          string  `json:"kind"`
	KindName      string  `json:"kind_name"`
	Genre         string  `json:"genre"`
	Title         string  `json:"title"`
	ShortTitle    string  `json:"short_title"`
	DocNumber     string  `json:"doc_number"`
	IndexNumber   string  `json:"index_number"`
	InfoCategory  string  `json:"info_category"`
	Issuer        string  `json:"issuer"`
	Addressee     string  `json:"addressee"`
	Proposer      string  `json:"proposer"`
	ProposalNo    string  `json:"proposal_no"`
	SessionName   string  `json:"session_name"`
	SignedOn      *string `json:"signed_on"`
	GeneratedAt   *string `json:"generated_at"`
	Disclosure    string  `json:"disclosure"`
	Validity      string  `json:"validity"`
	ContactPerson string  `json:"contact_person"`
	ContactPhone  string  `json:"contact_phone"`
	SourceName    string  `json:"source_name"`
	Synthetic     bool    `json:"synthetic"`
	URL           string  `json:"url"`
	APIURL        string  `json:"api_url"`
}

type apiDocument struct {
	apiDocumentMeta
	Sections    []apiSection         `json:"sections"`
	Paragraphs  []apiParagraph       `json:"paragraphs"`
	Commitments []apiCommitment      `json:"commitments"`
	Figures     []apiFigure          `json:"figures"`
	Mentions    []apiMention         `json:"mentions"`
	Links       []apiLink            `json:"links"`
	CitedBy     []apiLink            `json:"cited_by"`
	Evaluation  apiEvaluationSummary `json:"evaluation"`
}

type apiSection struct {
	Anchor   string       `json:"anchor"`
	Kind     string       `json:"kind"`
	Label    string       `json:"label"`
	Title    string       `json:"title"`
	Heading  string       `json:"heading"`
	Theme    *apiTheme    `json:"theme"`
	Start    apiPoint     `json:"start"`
	End      apiPoint     `json:"end"`
	URL      string       `json:"url"`
	Children []apiSection `json:"children"`
}

type apiTheme struct {
	Key    string `json:"key"`
	NameZH string `json:"name_zh"`
	NameEN string `json:"name_en,omitempty"`
}

type apiPoint struct {
	Paragraph int `json:"paragraph"`
	Offset    int `json:"offset"`
}

type apiParagraph struct {
	Seq     int    `json:"seq"`
	Role    string `json:"role"`
	Section string `json:"section"` // anchor of the deepest section it starts in, "" outside all
	Text    string `json:"text"`
}

// apiSpan is where a quote sits: a paragraph and code-point offsets, half-open.
type apiSpan struct {
	Paragraph int `json:"paragraph"`
	Start     int `json:"start"`
	End       int `json:"end"`
}

type apiRef struct {
	Slug string `json:"slug"`
	Name string `json:"name"`
}

type apiDocRef struct {
	Slug      string `json:"slug"`
	Title     string `json:"title"`
	DocNumber string `json:"doc_number"`
}

type apiDocTitle struct {
	Slug  string `json:"slug"`
	Title string `json:"title"`
}

type apiSectionRef struct {
	Anchor string    `json:"anchor"`
	Kind   string    `json:"kind"`
	Label  string    `json:"label"`
	Title  string    `json:"title"`
	Theme  *apiTheme `json:"theme,omitempty"`
}

type apiCommitment struct {
	ID           int64  `json:"id"`
	Label        string `json:"label"`
	Position     int    `json:"position"`
	Title        string `json:"title"`
	Quote        string `json:"quote"`
	Kind         string `json:"kind"`
	KindName     string `json:"kind_name"`
	Strength     string `json:"strength"`
	StrengthName string `json:"strength_name"`
	Status       string `json:"status"`
	StatusName   string `json:"status_name"`
	StatusBasis  string `json:"status_basis"`
	// The status a reviewer verified against evidence, beside the one the
	// unit claims (Status); null until verified.
	VerifiedStatus     *string       `json:"verified_status"`
	VerifiedStatusName string        `json:"verified_status_name"`
	VerifiedAt         *string       `json:"verified_at"`
	Progress           *int          `json:"progress"`
	TimeFrame          string        `json:"time_frame"`
	PeriodStart        *string       `json:"period_start"`
	PeriodEnd          *string       `json:"period_end"`
	DueOn              *string       `json:"due_on"`
	Timeliness         string        `json:"timeliness,omitempty"` // on the server's day: overdue, due_soon, on_time, no_date
	PublicNote         string        `json:"public_note"`
	UpdatedAt          string        `json:"updated_at"`
	Document           apiDocRef     `json:"document"`
	Section            apiSectionRef `json:"section"`
	TopSection         apiSectionRef `json:"top_section"`
	Place              *apiSpan      `json:"place"` // null while an import's change to its words waits for staff
	AnchorReview       string        `json:"anchor_review,omitempty"`
	AnchorNote         string        `json:"anchor_note,omitempty"`
	Lead               []apiRef      `json:"lead"`
	Support            []apiRef      `json:"support"`
	ParentID           *int64        `json:"parent_id"`   // the commitment this is a part of; null for a top-level one
	PartsCount         int           `json:"parts_count"` // its parts not withdrawn
	URL                string        `json:"url"`
	APIURL             string        `json:"api_url"`
}

// apiEvaluationSummary is a reply's proposers' evaluations: counts by
// rating, the latest rating ("" for none), and each evaluation with its
// comment only where the proposer made it public.
type apiEvaluationSummary struct {
	Satisfied          int             `json:"satisfied"`
	BasicallySatisfied int             `json:"basically_satisfied"`
	Unsatisfied        int             `json:"unsatisfied"`
	Latest             string          `json:"latest"`
	Evaluations        []apiEvaluation `json:"evaluations"`
}

type apiEvaluation struct {
	Rating      string             `json:"rating"`
	SubmittedAt string             `json:"submitted_at"`
	Comment     string             `json:"comment"` // "" unless public
	Sections    []apiSectionRating `json:"sections"`
}

type apiSectionRating struct {
	Section string `json:"section"` // the top-level section's anchor
	Rating  string `json:"rating"`
}

type apiCommitmentDetail struct {
	apiCommitment
	Figures       []apiFigure    `json:"figures"`
	Entities      []apiEntityRef `json:"entities"`
	Related       []apiRelated   `json:"related"`
	Updates       []apiUpdate    `json:"updates"`
	Feed          string         `json:"feed"`
	History       string         `json:"history"`
	ParagraphText *string        `json:"paragraph_text"` // null with place
}

type apiRelated struct {
	ID         int64  `json:"id"`
	Label      string `json:"label"`
	Title      string `json:"title"`
	Status     string `json:"status"`
	StatusName string `json:"status_name"`
	APIURL     string `json:"api_url"`
}

type apiUpdate struct {
	ID          int64   `json:"id"`
	HappenedOn  string  `json:"happened_on"`
	Status      string  `json:"status"`
	StatusName  string  `json:"status_name"`
	Progress    *int    `json:"progress"`
	Note        string  `json:"note"`
	EvidenceURL string  `json:"evidence_url"`
	Author      *string `json:"author"` // only where the update is signed
	CreatedAt   string  `json:"created_at"`
}

type apiFigure struct {
	Quote         string  `json:"quote"`
	Kind          string  `json:"kind"`
	KindName      string  `json:"kind_name"`
	Value         string  `json:"value"`
	Unit          string  `json:"unit"`
	BaseValue     string  `json:"base_value"`
	BaseUnit      string  `json:"base_unit"`
	Qualifier     string  `json:"qualifier"`
	Measure       string  `json:"measure"`
	Period        string  `json:"period"`
	Place         apiSpan `json:"place"`
	DocumentSlug  string  `json:"document"`
	QualifierName string  `json:"qualifier_name"`
}

type apiMention struct {
	Entity apiEntityRef `json:"entity"`
	Quote  string       `json:"quote"`
	Place  apiSpan      `json:"place"`
}

type apiEntityRef struct {
	Slug     string `json:"slug"`
	Kind     string `json:"kind"`
	KindName string `json:"kind_name"`
	Name     string `json:"name"`
	NameEN   string `json:"name_en,omitempty"` // the portal's English name, where there is one
}

type apiLink struct {
	Relation string    `json:"relation"`
	Document apiDocRef `json:"document"`
	Quote    string    `json:"quote"`
	Place    *apiSpan  `json:"place"`
}

type apiEntity struct {
	apiEntityRef
	FullName    string `json:"full_name"`
	Description string `json:"description"`
	Mentions    int    `json:"mentions"`
	URL         string `json:"url"`
	APIURL      string `json:"api_url"`
}

type apiEntityDetail struct {
	apiEntityRef
	FullName    string          `json:"full_name"`
	Description string          `json:"description"`
	Aliases     []string        `json:"aliases"`
	Parent      *apiRef         `json:"parent"`
	Children    []apiEntityRef  `json:"children"`
	Mentions    []apiPlace      `json:"mentions"`
	Commitments []apiCommitment `json:"commitments"`
	// The lists hold the first postgres.EntityListLimit of each; the totals count all.
	MentionTotal    int    `json:"mention_total"`
	CommitmentTotal int    `json:"commitment_total"`
	URL             string `json:"url"`
}

type apiPlace struct {
	Document apiDocTitle `json:"document"`
	Quote    string      `json:"quote"`
	Place    apiSpan     `json:"place"`
}

func dateString(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := t.Format(time.DateOnly)
	return &s
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func toAPIDocumentMeta(l *i18n.Localizer, d policy.Document) apiDocumentMeta {
	m := apiDocumentMeta{
		Slug: d.Slug, Kind: string(d.Kind), KindName: vocabName(l, "dkind.", string(d.Kind), d.Kind.Name()), Genre: d.Genre, Title: d.Title, ShortTitle: d.ShortTitle,
		DocNumber: d.DocNumber, IndexNumber: d.IndexNumber, InfoCategory: d.InfoCategory, Issuer: d.Issuer,
		Addressee: d.Addressee, Proposer: d.Proposer, ProposalNo: d.ProposalNo, SessionName: d.SessionName,
		SignedOn: dateString(d.SignedOn), Disclosure: d.Disclosure, Validity: d.Validity,
		ContactPerson: d.ContactPerson, ContactPhone: d.ContactPhone, SourceName: d.SourceName, Synthetic: d.Synthetic,
		URL: "/documents/" + d.Slug, APIURL: "/api/v1/documents/" + d.Slug,
	}
	if d.GeneratedAt != nil {
		s := d.GeneratedAt.Format("2006-01-02T15:04:05")
		m.GeneratedAt = &s
	}
	return m
}

func toAPIDocumentSummary(l *i18n.Localizer, d policy.DocumentSummary) apiDocumentSummary {
	return apiDocumentSummary{toAPIDocumentMeta(l, d.Document), apiDocumentCounts{
		d.Paragraphs, d.Sections, d.Commitments, d.Figures, d.Entities, d.CitedBy, d.Completed, d.Overdue}, d.UpdatedAt.UTC()}
}

func toAPITheme(t *policy.Theme) *apiTheme {
	if t == nil {
		return nil
	}
	return &apiTheme{t.Key, t.NameZH, t.NameEN}
}

func toAPISections(slug string, ss []*policy.Section) []apiSection {
	out := make([]apiSection, 0, len(ss))
	for _, s := range ss {
		out = append(out, apiSection{
			Anchor: s.Anchor, Kind: string(s.Kind), Label: s.Label, Title: s.Title, Heading: s.Heading(),
			Theme: toAPITheme(s.Theme),
			Start: apiPoint{s.Start.ParagraphSeq, s.Start.Offset}, End: apiPoint{s.End.ParagraphSeq, s.End.Offset},
			URL:      "/documents/" + slug + "/sections/" + s.Anchor,
			Children: toAPISections(slug, s.Children),
		})
	}
	return out
}

func toAPIDocRef(d policy.Document) apiDocRef { return apiDocRef{d.Slug, d.Title, d.DocNumber} }

func toAPILinks(ls []policy.DocumentLink, incoming bool) []apiLink {
	out := make([]apiLink, 0, len(ls))
	for _, l := range ls {
		a := apiLink{Relation: string(l.Relation), Document: toAPIDocRef(l.To)}
		if incoming {
			a.Document = toAPIDocRef(l.From)
		}
		if l.Place != nil {
			_, a.Quote, _ = l.Place.Context(0)
			a.Place = &apiSpan{l.Place.ParagraphSeq, l.Place.Start, l.Place.End}
		}
		out = append(out, a)
	}
	return out
}

func toAPIDocument(l *i18n.Localizer, fd *policy.FullDocument, figures []policy.Figure, mentions []postgres.Mention, cs []policy.Commitment, evals []policy.Evaluation) apiDocument {
	anchors := map[int64]string{}
	var walk func([]*policy.Section)
	walk = func(ss []*policy.Section) {
		for _, s := range ss {
			anchors[s.ID] = s.Anchor
			walk(s.Children)
		}
	}
	walk(fd.Sections)
	d := apiDocument{
		apiDocumentMeta: toAPIDocumentMeta(l, fd.Document),
		Sections:        toAPISections(fd.Slug, fd.Sections),
		Paragraphs:      make([]apiParagraph, 0, len(fd.Paragraphs)),
		Commitments:     make([]apiCommitment, 0, len(cs)),
		Figures:         make([]apiFigure, 0, len(figures)),
		Mentions:        make([]apiMention, 0, len(mentions)),
		Links:           toAPILinks(fd.Outgoing, false),
		CitedBy:         toAPILinks(fd.Incoming, true),
		Evaluation:      toAPIEvaluations(evals, anchors),
	}
	for _, p := range fd.Paragraphs {
		d.Paragraphs = append(d.Paragraphs, apiParagraph{p.Seq, string(p.Role), anchors[p.SectionID], p.Text})
	}
	for _, c := range cs {
		d.Commitments = append(d.Commitments, toAPICommitment(l, c))
	}
	for _, f := range figures {
		d.Figures = append(d.Figures, toAPIFigure(l, f))
	}
	for _, m := range mentions {
		d.Mentions = append(d.Mentions, apiMention{toAPIEntityRef(l, m.Entity), m.Quote, apiSpan{m.Place.ParagraphSeq, m.Place.Start, m.Place.End}})
	}
	return d
}

// toAPIEvaluations summarises evals (newest first), keeping a comment only
// where it is public.
func toAPIEvaluations(evals []policy.Evaluation, anchors map[int64]string) apiEvaluationSummary {
	out := apiEvaluationSummary{Evaluations: make([]apiEvaluation, 0, len(evals))}
	if sat := policy.SatisfactionOf(evals); sat != nil {
		out.Satisfied, out.BasicallySatisfied, out.Unsatisfied = sat.Satisfied, sat.Basic, sat.Unsatisfied
		out.Latest = string(evals[0].Rating)
	}
	for _, e := range evals {
		e = e.Public()
		a := apiEvaluation{Rating: string(e.Rating), SubmittedAt: e.SubmittedAt.UTC().Format(time.RFC3339), Comment: e.Comment,
			Sections: make([]apiSectionRating, 0, len(e.Sections))}
		for _, sr := range e.Sections {
			a.Sections = append(a.Sections, apiSectionRating{anchors[sr.SectionID], string(sr.Rating)})
		}
		out.Evaluations = append(out.Evaluations, a)
	}
	return out
}

func toAPISectionRef(s policy.Section) apiSectionRef {
	return apiSectionRef{Anchor: s.Anchor, Kind: string(s.Kind), Label: s.Label, Title: s.Title, Theme: toAPITheme(s.Theme)}
}

func toAPIRefs(es []policy.Entity) []apiRef {
	out := make([]apiRef, 0, len(es))
	for _, e := range es {
		out = append(out, apiRef{e.Slug, e.Name})
	}
	return out
}

func toAPICommitment(l *i18n.Localizer, c policy.Commitment) apiCommitment {
	id := strconv.FormatInt(c.ID, 10)
	top := toAPISectionRef(c.TopSection)
	if top.Theme != nil {
		top.Theme.NameEN = "" // the list query does not load it; keep one shape everywhere
	}
	a := apiCommitment{
		ID: c.ID, Label: c.Label(), Position: c.Position, Title: c.Title, Quote: c.Quote,
		Kind: string(c.Kind), KindName: vocabName(l, "ckind.", string(c.Kind), c.Kind.Name()), Strength: string(c.Strength), StrengthName: vocabName(l, "strength.", string(c.Strength), c.Strength.Name()),
		Status: string(c.Status), StatusName: vocabName(l, "status.", string(c.Status), c.Status.Name()), StatusBasis: c.StatusBasis, Progress: c.Progress,
		TimeFrame: c.TimeFrame, PeriodStart: dateString(c.PeriodStart), PeriodEnd: dateString(c.PeriodEnd),
		DueOn: dateString(c.DueOn), PublicNote: c.PublicNote, UpdatedAt: c.UpdatedAt.UTC().Format(time.RFC3339),
		Document: toAPIDocRef(c.Document), Section: toAPISectionRef(c.Section), TopSection: top,
		Lead: toAPIRefs(c.Lead), Support: toAPIRefs(c.Support), PartsCount: c.PartCount,
		URL: "/commitments/" + id, APIURL: "/api/v1/commitments/" + id,
	}
	if c.ParentID != 0 {
		parent := c.ParentID
		a.ParentID = &parent
	}
	if c.Placed() {
		a.Place = &apiSpan{c.Place.ParagraphSeq, c.Place.Start, c.Place.End}
	}
	if c.VerifiedStatus != "" {
		v, at := string(c.VerifiedStatus), c.VerifiedAt.UTC().Format(time.RFC3339)
		a.VerifiedStatus, a.VerifiedStatusName, a.VerifiedAt = &v, l.T("status."+v), &at
	}
	if c.AnchorReview != "" {
		a.AnchorReview, a.AnchorNote = c.AnchorReview, i18n.For("zh").T("anc.public."+c.AnchorReview)
	}
	return a
}

func toAPICommitmentDetail(l *i18n.Localizer, c policy.Commitment, updates []policy.ProgressUpdate) apiCommitmentDetail {
	d := apiCommitmentDetail{
		apiCommitment: toAPICommitment(l, c),
		Figures:       make([]apiFigure, 0, len(c.Figures)),
		Entities:      make([]apiEntityRef, 0, len(c.Entities)),
		Related:       make([]apiRelated, 0, len(c.Related)),
		Updates:       make([]apiUpdate, 0, len(updates)),
		Feed:          "/commitments/" + strconv.FormatInt(c.ID, 10) + "/updates.atom",
		History:       "/commitments/" + strconv.FormatInt(c.ID, 10) + "/history",
		ParagraphText: paragraphText(c),
	}
	for _, f := range c.Figures {
		d.Figures = append(d.Figures, toAPIFigure(l, f))
	}
	for _, e := range c.Entities {
		d.Entities = append(d.Entities, toAPIEntityRef(l, e))
	}
	for _, o := range c.Related {
		d.Related = append(d.Related, apiRelated{o.ID, o.Label(), o.Title, string(o.Status), vocabName(l, "status.", string(o.Status), o.Status.Name()),
			"/api/v1/commitments/" + strconv.FormatInt(o.ID, 10)})
	}
	for _, u := range updates {
		if !u.Public {
			continue // the store gives the public only public updates; never rely on it alone
		}
		a := apiUpdate{ID: u.ID, HappenedOn: u.HappenedOn.Format(time.DateOnly), Status: string(u.Status),
			StatusName: vocabName(l, "status.", string(u.Status), u.Status.Name()), Progress: u.Progress, Note: u.Note, EvidenceURL: u.EvidenceURL,
			CreatedAt: u.CreatedAt.UTC().Format(time.RFC3339)}
		if u.Signed && u.Author != "" {
			a.Author = &u.Author
		}
		d.Updates = append(d.Updates, a)
	}
	return d
}

func toAPIFigure(l *i18n.Localizer, f policy.Figure) apiFigure {
	return apiFigure{Quote: f.Quote, Kind: string(f.Kind), KindName: vocabName(l, "fkind.", string(f.Kind), f.Kind.Name()), Value: f.Value, Unit: f.Unit,
		BaseValue: f.BaseValue, BaseUnit: f.BaseUnit, Qualifier: f.Qualifier, QualifierName: qualifierName(l, f.Qualifier),
		Measure: f.Measure, Period: f.Period, DocumentSlug: f.Place.DocumentSlug,
		Place: apiSpan{f.Place.ParagraphSeq, f.Place.Start, f.Place.End}}
}

func toAPIEntityRef(l *i18n.Localizer, e policy.Entity) apiEntityRef {
	return apiEntityRef{e.Slug, string(e.Kind), vocabName(l, "ekind1.", string(e.Kind), e.Kind.Name()), e.Name, e.NameEN}
}

func toAPIEntity(l *i18n.Localizer, e policy.Entity) apiEntity {
	return apiEntity{toAPIEntityRef(l, e), e.FullName, e.Description, e.Mentions, "/entities/" + e.Slug, "/api/v1/entities/" + e.Slug}
}

func toAPIEntityDetail(l *i18n.Localizer, e *policy.EntityPage) apiEntityDetail {
	d := apiEntityDetail{
		apiEntityRef: toAPIEntityRef(l, e.Entity), FullName: e.FullName, Description: e.Description,
		Aliases: nonNil(e.Aliases), Children: make([]apiEntityRef, 0, len(e.Children)),
		Mentions: make([]apiPlace, 0, len(e.Places)), Commitments: make([]apiCommitment, 0, len(e.Commitments)),
		MentionTotal: e.PlaceTotal, CommitmentTotal: e.CommitmentTotal, URL: "/entities/" + e.Slug,
	}
	if e.Parent != nil {
		d.Parent = &apiRef{e.Parent.Slug, e.Parent.Name}
	}
	for _, c := range e.Children {
		d.Children = append(d.Children, toAPIEntityRef(l, c))
	}
	for _, p := range e.Places {
		_, quote, _ := p.Context(0)
		d.Mentions = append(d.Mentions, apiPlace{apiDocTitle{p.DocumentSlug, p.DocumentTitle}, quote,
			apiSpan{p.ParagraphSeq, p.Start, p.End}})
	}
	for _, c := range e.Commitments {
		d.Commitments = append(d.Commitments, toAPICommitment(l, c))
	}
	return d
}

// paragraphText is the text of the paragraph holding a commitment, or nil
// when the public sees no place for it.
func paragraphText(c policy.Commitment) *string {
	if !c.Placed() {
		return nil
	}
	return &c.Place.ParagraphText
}

// vocabName names a coded value in the request's language: the catalogue's
// English for English requests, the Chinese name otherwise (as the API
// always gave it).
func vocabName(l *i18n.Localizer, prefix, code, zh string) string {
	if l.English() && i18n.Has(prefix+code) {
		return l.T(prefix + code)
	}
	return zh
}

// qualifierName reads a figure's qualifier in the request's language.
func qualifierName(l *i18n.Localizer, q string) string {
	if l.English() {
		return map[string]string{"more_than": "more than", "order_of": "order of magnitude"}[q]
	}
	return policy.QualifierName(q)
}
