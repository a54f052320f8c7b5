package policy

// The vocabularies below are closed sets that the schema enforces with CHECK
// constraints; each value has its Chinese name for the interface.

// DocumentKind says what a document is.
type DocumentKind string

// Document kinds.
const (
	KindReply    DocumentKind = "reply"
	KindProposal DocumentKind = "proposal"
	KindPolicy   DocumentKind = "policy"
	KindReport   DocumentKind = "report"
	KindMedia    DocumentKind = "media"
)

// DocumentKinds lists the document kinds in the order lists offer them.
var DocumentKinds = []DocumentKind{KindReply, KindProposal, KindPolicy, KindReport, KindMedia}

// Name is the Chinese name of the kind.
func (k DocumentKind) Name() string {
	return map[DocumentKind]string{
		KindReply: "提案答复", KindProposal: "提案", KindPolicy: "政策文件", KindReport: "研究报告", KindMedia: "宣传材料",
	}[k]
}

// LinkRelation is how one document refers to another.
type LinkRelation string

// Link relations.
const (
	RelationRepliesTo LinkRelation = "replies_to"
	RelationCites     LinkRelation = "cites"
	// RelationFollowsUp links a follow-up reply to the earlier reply it
	// continues (migration 00012).
	RelationFollowsUp LinkRelation = "follows_up"
)

// SectionKind is the level of a section.
type SectionKind string

// Section kinds.
const (
	SectionTop   SectionKind = "section" // 一、
	SectionItem  SectionKind = "item"    // (一)
	SectionPoint SectionKind = "point"   // 一是
)

// ParagraphRole is the part a paragraph plays in a reply.
type ParagraphRole string

// Paragraph roles.
const (
	RoleSalutation ParagraphRole = "salutation"
	RoleOpening    ParagraphRole = "opening"
	RoleHeading    ParagraphRole = "heading"
	RoleBody       ParagraphRole = "body"
	RoleSignature  ParagraphRole = "signature"
	RoleDate       ParagraphRole = "date"
	RoleDisclosure ParagraphRole = "disclosure"
	RoleContact    ParagraphRole = "contact"
)

// Status is where a commitment stands.
type Status string

// Statuses, in the order they are offered.
const (
	StatusNotAssessed Status = "not_assessed"
	StatusPlanned     Status = "planned"
	StatusInProgress  Status = "in_progress"
	StatusCompleted   Status = "completed"
	StatusOngoing     Status = "ongoing"
	StatusBlocked     Status = "blocked"
	StatusDropped     Status = "dropped"
)

// Statuses lists every status in display order.
var Statuses = []Status{StatusNotAssessed, StatusPlanned, StatusInProgress, StatusCompleted, StatusOngoing, StatusBlocked, StatusDropped}

// Name is the Chinese name of the status.
func (s Status) Name() string {
	return map[Status]string{
		StatusNotAssessed: "未评估", StatusPlanned: "计划中", StatusInProgress: "推进中", StatusCompleted: "已完成",
		StatusOngoing: "持续推进", StatusBlocked: "受阻", StatusDropped: "不再推进",
	}[s]
}

// Valid reports whether s is one of Statuses.
func (s Status) Valid() bool { return s.Name() != "" }

// ProgressFits reports whether a progress in percent, nil when not stated, may
// go with the status: a completed commitment is 100% done, or says nothing.
func (s Status) ProgressFits(progress *int) bool {
	return s != StatusCompleted || progress == nil || *progress == 100
}

// CommitmentKind is what sort of promise a commitment is.
type CommitmentKind string

// Commitment kinds.
const (
	KindMeasure CommitmentKind = "measure"
	KindTarget  CommitmentKind = "target"
	KindResult  CommitmentKind = "result"
	KindPlan    CommitmentKind = "plan"
)

// CommitmentKinds lists every kind in display order.
var CommitmentKinds = []CommitmentKind{KindMeasure, KindTarget, KindResult, KindPlan}

// Name is the Chinese name of the kind.
func (k CommitmentKind) Name() string {
	return map[CommitmentKind]string{KindMeasure: "举措", KindTarget: "目标", KindResult: "已取得成果", KindPlan: "计划"}[k]
}

// Valid reports whether k is one of CommitmentKinds.
func (k CommitmentKind) Valid() bool { return k.Name() != "" }

// Strength is how firmly the text promises: definite (将, 已, 正) or aspirational
// (力争, 积极, 争取).
type Strength string

// Strengths.
const (
	StrengthDefinite     Strength = "definite"
	StrengthAspirational Strength = "aspirational"
)

// Strengths lists both strengths.
var Strengths = []Strength{StrengthDefinite, StrengthAspirational}

// Name is the Chinese name of the strength.
func (s Strength) Name() string {
	return map[Strength]string{StrengthDefinite: "明确承诺", StrengthAspirational: "努力方向"}[s]
}

// Valid reports whether s is one of Strengths.
func (s Strength) Valid() bool { return s.Name() != "" }

// FigureKind is what a figure measures.
type FigureKind string

// Figure kinds.
const (
	FigureMoney    FigureKind = "money"
	FigureCount    FigureKind = "count"
	FigureCapacity FigureKind = "capacity"
	FigureRating   FigureKind = "rating"
	FigureShare    FigureKind = "share" // a percentage
)

// Name is the Chinese name of the figure kind.
func (k FigureKind) Name() string {
	return map[FigureKind]string{FigureMoney: "资金", FigureCount: "数量", FigureCapacity: "产能", FigureRating: "等级", FigureShare: "比例"}[k]
}

// QualifierName is the Chinese reading of a figure's qualifier.
func QualifierName(q string) string {
	return map[string]string{"exact": "", "more_than": "超过", "order_of": "量级"}[q]
}

// BaseUnitName is the Chinese name of a base unit.
func BaseUnitName(u string) string {
	return map[string]string{"yuan": "元", "item": "个", "person": "人", "tonne_per_year": "吨/年", "level": "级", "percent": "%"}[u]
}

// EntityKind is what sort of thing an entity is.
type EntityKind string

// Entity kinds, in display order.
var EntityKinds = []EntityKind{"government", "organisation", "company", "institution", "region", "park",
	"mineral", "material", "technology", "fund", "event"}

// Name is the Chinese name of the entity kind.
func (k EntityKind) Name() string {
	return map[EntityKind]string{
		"government": "政府部门", "organisation": "社会组织", "company": "企业", "institution": "高校与科研机构",
		"region": "地区", "park": "产业园区", "mineral": "矿产", "material": "材料", "technology": "电池技术",
		"fund": "基金与专项资金", "event": "会议与活动",
	}[k]
}

// Valid reports whether k is a known entity kind.
func (k EntityKind) Valid() bool { return k.Name() != "" }
