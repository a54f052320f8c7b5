// Package importer reads a reply as government sites publish it, copied from
// the page as plain text, into the portal's structure: the header block, the
// title, the salutation, the paragraphs with their roles, the section tree
// (一、 sections, also numbered 一. with an ASCII or full-width dot, (一)
// sub-items also inside a paragraph, 一是 points), the closing, the signature
// block, and what the text contains: figures, cited documents and candidate
// commitments. Real pages vary: the reader takes whatever the site puts
// before the salutation (front.go) and after the signature (tail.go), says
// field by field what it could not read (Unread) or read only by repairing
// the text (Notes), and gives every document a section tree (Tree), with
// one body section where the text numbers none. testdata/replies holds the
// real replies it is measured on. It only parses; nothing here touches
// the database. Offsets are code points into a paragraph's text, half-open,
// as everywhere in the portal.
package importer

import (
	"fmt"

	"github.com/guizhou-portal/portal/internal/policy"
)

// Document is a parsed reply.
type Document struct {
	Title      string       `json:"title"`
	Meta       Meta         `json:"meta"`
	Addressee  string       `json:"addressee"` // the salutation without its colon
	Paragraphs []Paragraph  `json:"paragraphs"`
	Sections   []*Section   `json:"sections"`
	Closing    *Point       `json:"closing"` // where the closing (再次感谢…, 特此答复) begins; nil when there is none
	Figures    []Figure     `json:"figures"`
	Citations  []Citation   `json:"citations"`
	Candidates []Candidate  `json:"candidates"`
	Header     []HeaderLine `json:"header"` // the header block as published
	// Tree is the section tree with at least one section: Sections where the
	// text numbers its sections, else one section, 正文 (anchor body),
	// holding the whole body, so that a commitment can be pinned anywhere.
	Tree []*Section `json:"tree"`
	// Unread lists, field by field, what the reader could not find in the
	// text, for the review to ask for.
	Unread []FieldNote `json:"unread"`
	// Notes lists what the reader read only by repairing a damaged line or
	// by dropping page furniture around the reply, for the review to check.
	Notes []FieldNote `json:"notes"`

	titleErr *ParseError // why Parse refuses a text Read took without a title
}

// FieldNote is what the reader says about one field: that it is missing, or
// how it was read. Field is one of title, doc_number, index_number,
// addressee, signers, date, contact, sections, text.
type FieldNote struct {
	Field   string `json:"field"`
	Line    int    `json:"line,omitempty"` // the line concerned, where there is one
	Message string `json:"message"`
}

// Meta is what the header block and the signature block say about the document.
type Meta struct {
	IndexNumber      string   `json:"index_number,omitempty"`      // 索引号
	InfoCategory     string   `json:"info_category,omitempty"`     // 信息分类
	Issuer           string   `json:"issuer,omitempty"`            // 发布机构, 发文机关
	GeneratedAt      string   `json:"generated_at,omitempty"`      // 生成日期, local time: 2006-01-02T15:04:05
	DocNumber        string   `json:"doc_number,omitempty"`        // 文号, 发文字号
	Validity         string   `json:"validity,omitempty"`          // 是否有效, 有效性
	Name             string   `json:"name,omitempty"`              // 名称
	PublishedOn      string   `json:"published_on,omitempty"`      // 发布日期
	IssuedOn         string   `json:"issued_on,omitempty"`         // 发文日期, 成文日期
	Subject          string   `json:"subject,omitempty"`           // 主题分类
	DisclosureMethod string   `json:"disclosure_method,omitempty"` // 公开方式
	Signer           string   `json:"signer,omitempty"`            // 签发人
	Category         string   `json:"category,omitempty"`          // 类别
	Source           string   `json:"source,omitempty"`            // 来源
	SigningBody      string   `json:"signing_body,omitempty"`      // the body under the text
	SignedOn         string   `json:"signed_on,omitempty"`         // the date under the signature, 2006-01-02
	Disclosure       string   `json:"disclosure,omitempty"`        // 全文公开, 依申请公开 ...
	ContactPerson    string   `json:"contact_person,omitempty"`
	ContactPhone     string   `json:"contact_phone,omitempty"`
	CC               []string `json:"cc,omitempty"`          // 抄送
	Signers          []string `json:"signers,omitempty"`     // the signing bodies one by one; SigningBody joins them with 、
	ReplyClass       string   `json:"reply_class,omitempty"` // 办理结果, 办复类别, 类别 under or over the text: A, B, C
	Attachments      []string `json:"attachments,omitempty"` // what 附件 lines name
}

// HeaderLine is one key and value of the header block, with its line.
type HeaderLine struct {
	Key   string `json:"key"`
	Value string `json:"value"`
	Line  int    `json:"line"`
}

// Paragraph is one paragraph of the body, from the salutation to the contact line.
type Paragraph struct {
	Seq  int                  `json:"seq"`
	Role policy.ParagraphRole `json:"role"`
	Text string               `json:"text"`
	Line int                  `json:"line"` // where it is in the file
}

// Point is a position in the document: a paragraph and a code-point offset.
type Point struct {
	Paragraph int `json:"paragraph"`
	Offset    int `json:"offset"`
}

// Section is a node of the tree. It covers the text from Start up to, not
// including, End; a section that ends with a paragraph ends at that
// paragraph's length, not at offset 0 of the next.
type Section struct {
	Kind     policy.SectionKind `json:"kind"`
	Label    string             `json:"label"` // as written: 一, (一), 一是, or 三 where the text drops the 是
	Title    string             `json:"title"`
	Anchor   string             `json:"anchor"` // s1, s1-2, s7-3, s4-2-1
	Start    Point              `json:"start"`
	End      Point              `json:"end"`
	Line     int                `json:"line"`
	Children []*Section         `json:"children"`

	depth int
}

// Span is a quote of a paragraph.
type Span struct {
	Paragraph int    `json:"paragraph"`
	Start     int    `json:"start"`
	End       int    `json:"end"`
	Quote     string `json:"quote"`
}

// Figure is a quantity in the text, normalised to a base unit like the
// portal's figures. Percentages have kind "share" and base unit "percent".
type Figure struct {
	Span
	Kind      policy.FigureKind `json:"kind"`
	Value     string            `json:"value"` // as written
	Unit      string            `json:"unit"`
	BaseValue string            `json:"base_value"` // exact decimal in the base unit
	BaseUnit  string            `json:"base_unit"`
	Qualifier string            `json:"qualifier"` // exact, more_than, order_of
}

// FigureShare is the kind of a percentage.
const FigureShare = policy.FigureShare

// Citation is a document the text names in 《》.
type Citation struct {
	Span
	Title string `json:"title"` // without the 《》
}

// Candidate is a sentence that reads like a commitment, proposed to a
// reviewer; it is never published on its own.
type Candidate struct {
	Span
	Section  string          `json:"section"` // anchor of the deepest section holding it
	Marker   string          `json:"marker"`  // the word that makes it one: 已, 正在, 将, 拟, 力争, 下一步, 近期
	Status   policy.Status   `json:"status"`  // what the marker supports
	Strength policy.Strength `json:"strength"`
	Note     string          `json:"note,omitempty"` // a caution for the reviewer
}

// ParseError is why a file cannot be imported, with the line at fault.
type ParseError struct {
	Line    int
	Message string
}

// Error reads 第N行:message, as the command line and the upload page show it.
func (e *ParseError) Error() string { return fmt.Sprintf("第%d行:%s", e.Line, e.Message) }

func errorAt(line int, format string, args ...any) *ParseError {
	return &ParseError{Line: line, Message: fmt.Sprintf(format, args...)}
}

// Parse reads a published reply for import. A file it cannot make sense of
// is refused whole with a *ParseError naming the line; so is one without a
// title, which Read would take.
func Parse(src []byte) (*Document, error) {
	d, err := Read(src)
	if err != nil {
		return nil, err
	}
	if d.titleErr != nil {
		return nil, d.titleErr
	}
	return d, nil
}

// Read reads a published reply as far as it goes: a page that lost its
// title (it starts at the salutation) is read with an empty title, which
// Unread names. What cannot be text, or cannot be a reply, is refused as by
// Parse.
func Read(src []byte) (*Document, error) {
	lines, err := readLines(src)
	if err != nil {
		return nil, err
	}
	d := &Document{Header: []HeaderLine{}, Unread: []FieldNote{}, Notes: []FieldNote{}}
	rest, err := d.readHeader(lines)
	if err != nil {
		return nil, err
	}
	var body []line
	salutation := false
	if s, split := findSalutation(rest); s >= 0 {
		body = d.readFront(rest[:s], rest[s:], split)
		salutation = true
	} else if body, err = d.readTitle(rest); err != nil {
		return nil, err
	}
	if err := d.readBody(body, salutation); err != nil {
		return nil, err
	}
	if err := d.readSections(); err != nil {
		return nil, err
	}
	if len(d.Sections) == 0 {
		d.readOtherNumbering()
	}
	d.Tree = d.sectionTree()
	d.Figures = extractFigures(d)
	d.Citations = extractCitations(d)
	d.Candidates = extractCandidates(d)
	d.noteUnread()
	return d, nil
}
