// Package policy holds the domain model of the portal: policy documents, their
// section tree and paragraphs, the commitments, figures and entity mentions pinned
// to spans of that text, and the vocabularies that classify them. It has no SQL and
// no HTTP; the store fills these types and the server renders them.
package policy

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Document is a reply, the proposal it answers, or a document one of them cites.
// Cited documents usually have metadata only; replies carry their full text.
type Document struct {
	ID            int64
	Slug          string
	Kind          DocumentKind
	Genre         string // the genre word of the title: 答复, 建议, 规划, 通知 ...
	Title         string
	ShortTitle    string
	DocNumber     string // 文号
	IndexNumber   string // 索引号
	InfoCategory  string // 信息分类
	Issuer        string
	Addressee     string
	Proposer      string
	ProposalNo    string
	SessionName   string
	SignedOn      *time.Time
	GeneratedAt   *time.Time // 生成日期 as published, local time
	Disclosure    string
	Validity      string
	ContactPerson string
	ContactPhone  string
	SourceName    string
	Synthetic     bool
	// PublishedAt is when the document was published; nil for a draft,
	// which only staff see (see Viewer).
	PublishedAt *time.Time
	// Grade is a reply's handling grade (办理结果), one of Grades, or empty
	// when neither the text nor staff give one.
	Grade Grade
	// TitleEN and ShortTitleEN are the portal's English translations of the
	// titles, empty when there is none; the Chinese stays authoritative.
	TitleEN      string
	ShortTitleEN string
}

// Draft reports whether d is not published yet.
func (d Document) Draft() bool { return d.PublishedAt == nil }

// DisplayTitle is the title with the 《》 a Chinese reader expects around it.
func (d Document) DisplayTitle() string { return "《" + d.Title + "》" }

// DocumentSummary is a document with the counts shown in lists.
type DocumentSummary struct {
	Document
	Paragraphs  int
	Sections    int
	Commitments int
	Figures     int
	Entities    int
	CitedBy     int
	Completed   int       // commitments completed
	Overdue     int       // commitments past their due date (or the end of their period), neither completed nor dropped
	UpdatedAt   time.Time // the last change to the document or any of its commitments
}

// DocumentLink is a replies-to or cites relation, with where the citing text says so.
type DocumentLink struct {
	Relation LinkRelation
	From     Document
	To       Document
	Place    *Place // nil when the link is not pinned to text
}

// Theme is a shared subject heading for sections of any document.
type Theme struct {
	Key    string
	NameZH string
	NameEN string
}

// Section is a node of a document's tree: a numbered section 一、, a sub-item (一),
// or a point 一是. It covers text from Start up to, not including, End.
type Section struct {
	ID       int64
	ParentID int64 // 0 for a top-level section
	Position int
	Kind     SectionKind
	Label    string // as numbered in the text: 一, (一), 一是
	Title    string
	TitleEN  string // the portal's English translation of Title, empty when none
	Anchor   string
	Theme    *Theme // top-level sections only
	Start    TextPoint
	End      TextPoint
	Children []*Section
}

// Heading is how the section is numbered and named in a table of contents.
func (s *Section) Heading() string { return SectionHeading(s.Kind, s.Label, s.Title) }

// HeadingIn is the section's heading for English readers where it has an
// English title (3. …, (2) …), else as the text numbers it (三、…).
func (s *Section) HeadingIn(english bool) string {
	if english && s.TitleEN != "" {
		return SectionHeadingEN(s.Kind, s.Label, s.TitleEN)
	}
	return s.Heading()
}

// SectionHeading numbers and names a section as the text does: 一、…,
// (一)…, 一是…, and the title alone for the one body section of a reply
// without numbered sections (no label). Every page that names a section,
// stored or parsed, goes through it.
func SectionHeading(kind SectionKind, label, title string) string {
	switch {
	case label == "":
		return title
	case kind == SectionTop:
		return label + "、" + title
	default:
		return label + title
	}
}

// TextPoint is a position in a document: a paragraph and a code-point offset in it.
type TextPoint struct {
	ParagraphSeq int
	Offset       int
}

// Before reports whether p comes strictly before q in reading order.
func (p TextPoint) Before(q TextPoint) bool {
	return p.ParagraphSeq < q.ParagraphSeq || (p.ParagraphSeq == q.ParagraphSeq && p.Offset < q.Offset)
}

// Contains reports whether the span [start, end) of paragraph seq lies inside the section.
func (s *Section) Contains(seq, start, end int) bool {
	return !(TextPoint{seq, start}).Before(s.Start) && !s.End.Before(TextPoint{seq, end})
}

// Paragraph is one paragraph of a document, exactly as published, with the spans
// annotated on it.
type Paragraph struct {
	ID          int64
	Seq         int
	Role        ParagraphRole
	Text        string
	SectionID   int64 // deepest section in which the paragraph starts; 0 outside all
	Annotations []Annotation
}

// Anchor is the fragment id of the paragraph on its document page.
func (p Paragraph) Anchor() string { return "p" + strconv.Itoa(p.Seq) }

// Place locates a span of text: which document and paragraph, and where in it.
type Place struct {
	DocumentSlug  string
	DocumentTitle string
	// DocumentTitleEN is the document's English title, empty when none.
	DocumentTitleEN string
	ParagraphSeq    int
	ParagraphText   string
	Start, End      int
	DocumentDraft   bool // the document is not published yet (only staff see it)
}

// Anchor is the paragraph's fragment id.
func (p Place) Anchor() string { return "p" + strconv.Itoa(p.ParagraphSeq) }

// Context splits the paragraph around the span, cutting each side to at most
// width characters, for showing a quote in context.
func (p Place) Context(width int) (before, quote, after string) {
	r := []rune(p.ParagraphText)
	if p.Start < 0 || p.End > len(r) || p.Start > p.End {
		return "", p.ParagraphText, ""
	}
	b, a := r[:p.Start], r[p.End:]
	before, after = string(b), string(a)
	if len(b) > width {
		before = "…" + string(b[len(b)-width:])
	}
	if len(a) > width {
		after = string(a[:width]) + "…"
	}
	return before, string(r[p.Start:p.End]), after
}

// Commitment is something a reply says was done, is under way or will be done,
// pinned to the exact words that say so.
type Commitment struct {
	ID          int64
	Document    Document
	Section     Section // the deepest section containing the quote
	TopSection  Section // its top-level section, with the theme
	Place       Place
	Quote       string
	Position    int
	Title       string
	TitleEN     string // the portal's English translation of Title, empty when none
	Kind        CommitmentKind
	Strength    Strength
	Status      Status // as the responsible unit claims it
	StatusBasis string
	// VerifiedStatus is the status a reviewer has checked against evidence,
	// "" until one has; VerifiedAt is when.
	VerifiedStatus Status
	VerifiedAt     *time.Time
	CreatedAt      time.Time // when it was recorded: the ledger has it from then on
	Progress       *int
	TimeFrame      string
	PeriodStart    *time.Time
	PeriodEnd      *time.Time
	DueOn          *time.Time
	Version        int
	UpdatedAt      time.Time
	PublicNote     string
	// WithdrawnAt is set when staff withdrew the commitment: the public no
	// longer sees it, and its history is kept.
	WithdrawnAt     *time.Time
	WithdrawnReason string
	Lead            []Entity
	Support         []Entity
	Figures         []Figure
	Entities        []Entity
	Related         []Commitment

	// AnchorReview is set when an import changed the commitment's words:
	// "changed" (it holds the changed words, PreviousQuote the old ones,
	// until staff confirm) or "unplaced" (its words are gone from the
	// text; Place is only near where they were).
	AnchorReview  string
	PreviousQuote string

	// ParentID is the commitment this one is a part of; 0 for a top-level
	// one. A part stands on its parent's words (issue 15, item 5).
	ParentID int64
	// ProgressSource is where a parent's progress comes from: ProgressFromParts
	// or ProgressSet.
	ProgressSource string
	// PartCount is how many parts not withdrawn it has; Parts lists them
	// where a page shows them (the commitment's own page).
	PartCount int
	Parts     []Commitment
}

// Where a commitment's progress comes from (commitments.progress_source).
const (
	ProgressFromParts = "parts" // the rounded mean of its parts' known progress
	ProgressSet       = "set"   // a value staff gave
)

// RollsUp reports whether the progress shown is its parts' mean.
func (c Commitment) RollsUp() bool { return c.PartCount > 0 && c.ProgressSource == ProgressFromParts }

// Label is the short reference used in the text: 承诺 N.
func (c Commitment) Label() string { return "承诺 " + strconv.Itoa(c.Position) }

// Figure is a quantity in the text, normalised to a base unit.
type Figure struct {
	ID        int64
	Place     Place
	Quote     string
	Kind      FigureKind
	Value     string // as written, e.g. 39932.82
	Unit      string // as written, e.g. 万元
	BaseValue string // exact decimal in the base unit, e.g. 399328200
	BaseUnit  string
	Qualifier string // exact, more_than, order_of
	Measure   string
	Period    string
}

// Entity is a named thing the documents speak of.
type Entity struct {
	ID          int64
	Slug        string
	Kind        EntityKind
	Name        string
	NameEN      string // the portal's English name, empty when none
	FullName    string
	Description string
	Parent      *Entity
	Aliases     []string
	Mentions    int
}

// EntityPage is an entity with everything that refers to it.
type EntityPage struct {
	Entity
	Children        []Entity
	Parks           []Entity // for a region: the parks within it at any depth, each with its Parent
	Places          []Place  // mentions in context, real documents first, newest first
	PlaceTotal      int      // all mentions; Places may hold only the first
	Commitments     []Commitment
	CommitmentTotal int
	// IsUnit reports whether commitments name the entity as leading or
	// supporting them: it then has a scorecard at /units/{slug}.
	IsUnit bool
}

// CommitmentFilter selects commitments; an empty field does not filter. Values
// within one field are alternatives; fields combine with AND.
type CommitmentFilter struct {
	Documents []string // document slugs
	Themes    []string
	Statuses  []Status
	Kinds     []CommitmentKind
	Strengths []Strength
	Leads     []string // entity slugs
	Regions   []string // region slugs: the commitment names the region or a place within it
	Minerals  []string // mineral slugs named in the commitment
	Years     []int    // years the commitment's stated period or due date covers
	Due       []Timeliness
	// Today is the day Due is judged on (a date, as Today gives it); zero
	// takes the current date in China.
	Today    time.Time
	Sort     CommitmentSort
	RealOnly bool // leave out synthetic documents (portal demo-data)
	Limit    int  // at most this many commitments; 0 for all
	Offset   int  // with Limit: skip this many first, for paging
}

// Facet names, which are also the query parameters of /commitments.
const (
	FacetDocument = "document"
	FacetTheme    = "section"
	FacetStatus   = "status"
	FacetKind     = "kind"
	FacetStrength = "strength"
	FacetLead     = "lead"
	FacetRegion   = "region"
	FacetMineral  = "mineral"
	FacetYear     = "year"
	FacetDue      = "due"
)

// Facets lists the facets in the order the filter form shows them.
var Facets = []string{FacetDocument, FacetTheme, FacetStatus, FacetKind, FacetStrength, FacetLead, FacetRegion, FacetMineral, FacetYear, FacetDue}

// FacetValue is one value of a facet and how many commitments have it among
// those that the filters of the other facets leave: the number the list would
// show if this value were the facet's only selection.
type FacetValue struct {
	Value string
	Label string
	Count int
}

// CommitmentFacets counts the commitments a filter leaves, in total and by the
// values of each facet.
type CommitmentFacets struct {
	Total  int
	Values map[string][]FacetValue // by facet name, most frequent first
}

// Count is the count of one value of a facet, 0 when no commitment has it.
func (cf CommitmentFacets) Count(facet, value string) int {
	for _, v := range cf.Values[facet] {
		if v.Value == value {
			return v.Count
		}
	}
	return 0
}

// FullDocument is a document with its text, section tree and every annotation.
type FullDocument struct {
	Document
	Sections   []*Section // top level, with Children
	Paragraphs []Paragraph
	Outgoing   []DocumentLink // what it replies to and cites
	Incoming   []DocumentLink // who replies to or cites it
	Chain      []ChainEntry   // the proposal and replies it is threaded with, itself included; see document_chain.go
}

// Section finds a section of the document by its anchor.
func (fd *FullDocument) Section(anchor string) *Section {
	var find func([]*Section) *Section
	find = func(ss []*Section) *Section {
		for _, s := range ss {
			if s.Anchor == anchor {
				return s
			}
			if f := find(s.Children); f != nil {
				return f
			}
		}
		return nil
	}
	return find(fd.Sections)
}

// Around returns the sections before and after s in reading order (the
// contents flattened: a section, then its sub-items, then the next section)
// and the section s belongs to; each is nil where there is none.
func (fd *FullDocument) Around(s *Section) (prev, next, parent *Section) {
	var order []*Section
	var walk func([]*Section, *Section)
	walk = func(ss []*Section, up *Section) {
		for _, c := range ss {
			if c == s {
				parent = up
			}
			order = append(order, c)
			walk(c.Children, c)
		}
	}
	walk(fd.Sections, nil)
	for i, c := range order {
		if c != s {
			continue
		}
		if i > 0 {
			prev = order[i-1]
		}
		if i+1 < len(order) {
			next = order[i+1]
		}
	}
	return prev, next, parent
}

// Excerpt returns the parts of the document's paragraphs that the section
// covers: whole paragraphs, or the slice of one where a sub-item begins or ends
// inside it, with annotations shifted and clipped to the slice.
func (fd *FullDocument) Excerpt(s *Section) []Paragraph {
	var out []Paragraph
	for _, p := range fd.Paragraphs {
		if p.Seq < s.Start.ParagraphSeq || p.Seq > s.End.ParagraphSeq {
			continue
		}
		r := []rune(p.Text)
		lo, hi := 0, len(r)
		if p.Seq == s.Start.ParagraphSeq {
			lo = s.Start.Offset
		}
		if p.Seq == s.End.ParagraphSeq {
			hi = min(s.End.Offset, len(r))
		}
		if lo >= hi {
			continue
		}
		q := p
		q.Text = string(r[lo:hi])
		q.Annotations = nil
		for _, a := range p.Annotations {
			if a.Kind == AnnotateAnchor {
				// An anchor at hi belongs to whatever begins there, outside the excerpt.
				if lo <= a.Start && a.Start < hi {
					a.Start, a.End = a.Start-lo, a.Start-lo
					q.Annotations = append(q.Annotations, a)
				}
				continue
			}
			if a.End <= lo || a.Start >= hi {
				continue
			}
			a.Start, a.End = max(a.Start, lo)-lo, min(a.End, hi)-lo
			q.Annotations = append(q.Annotations, a)
		}
		out = append(out, q)
	}
	return out
}

// PlainText is the document as plain text: the title, then every paragraph,
// with one blank line between and a final newline.
func (fd *FullDocument) PlainText() string {
	var b strings.Builder
	b.WriteString(fd.Title)
	for _, p := range fd.Paragraphs {
		b.WriteString("\n\n")
		b.WriteString(p.Text)
	}
	b.WriteString("\n")
	return b.String()
}

var (
	slugPattern   = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	anchorPattern = regexp.MustCompile(`^[a-z0-9-]+$`)
)

// ValidSlug reports whether s has the form of a document or entity slug, the
// same pattern the schema enforces.
func ValidSlug(s string) bool { return len(s) <= 200 && slugPattern.MatchString(s) }

// ValidAnchor reports whether s has the form of a section anchor.
func ValidAnchor(s string) bool { return len(s) <= 50 && anchorPattern.MatchString(s) }
