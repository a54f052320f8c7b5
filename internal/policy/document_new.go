package policy

import "time"

// NewDocument is a whole document to be added: its metadata, paragraphs,
// section tree, commitments and entity mentions. Spans are code-point offsets
// into the paragraph with the given sequence number, as everywhere else.
type NewDocument struct {
	Document    Document
	Paragraphs  []ParagraphDraft
	Sections    []SectionDraft
	Commitments []CommitmentDraft
	Mentions    []MentionDraft
}

// ParagraphDraft is a paragraph to add; its sequence number is its index plus one.
type ParagraphDraft struct {
	Role ParagraphRole
	Text string
}

// SectionDraft is a section to add. Parent is the anchor of its parent section,
// which must come earlier in the list; "" for a top-level section.
type SectionDraft struct {
	Parent   string
	Position int
	Kind     SectionKind
	Label    string
	Title    string
	Anchor   string
	ThemeKey string
	Start    TextPoint
	End      TextPoint
}

// CommitmentDraft is a commitment to add, pinned to a span of one paragraph and
// placed in the section with the given anchor. Leads are entity slugs.
type CommitmentDraft struct {
	Section      string
	ParagraphSeq int
	Start, End   int
	Title        string
	Kind         CommitmentKind
	Strength     Strength
	Status       Status
	StatusBasis  string
	TimeFrame    string
	PeriodStart  *time.Time
	PeriodEnd    *time.Time
	DueOn        *time.Time
	Leads        []string
}

// MentionDraft is a mention of the entity with the given slug.
type MentionDraft struct {
	EntitySlug   string
	ParagraphSeq int
	Start, End   int
}
