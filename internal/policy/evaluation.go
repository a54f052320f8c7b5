package policy

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"strings"
	"time"
	"unicode/utf8"
)

// Rating is a proposer's evaluation of a reply (or of one of its sections),
// as CPPCC and people's-congress practice asks for it.
type Rating string

// The ratings, from best to worst.
const (
	RatingSatisfied   Rating = "satisfied"           // 满意
	RatingBasically   Rating = "basically_satisfied" // 基本满意
	RatingUnsatisfied Rating = "unsatisfied"         // 不满意
)

// EvaluationCommentMax is the most characters an evaluation's comment may have.
const EvaluationCommentMax = 2000

// Ratings lists the ratings in the order forms show them.
var Ratings = []Rating{RatingSatisfied, RatingBasically, RatingUnsatisfied}

// ValidRating reports whether r is one of Ratings.
func ValidRating(r string) bool {
	for _, v := range Ratings {
		if string(v) == r {
			return true
		}
	}
	return false
}

// FollowUpMonths is the default time a follow-up (再次办理) is given: three
// months from the unsatisfied evaluation, the usual time limit for handling a
// proposal. Staff set another date on the document page.
const FollowUpMonths = 3

// EvaluationToken is the secret of an evaluation link: 32 random bytes
// (256 bits) in unpadded base64url, 43 characters.
type EvaluationToken string

// NewEvaluationToken returns a fresh random token.
func NewEvaluationToken() EvaluationToken {
	b := make([]byte, 32)
	rand.Read(b) // never returns an error (crypto/rand)
	return EvaluationToken(base64.RawURLEncoding.EncodeToString(b))
}

// WellFormed reports whether t could be a token NewEvaluationToken made:
// anything else is refused without asking the store.
func (t EvaluationToken) WellFormed() bool {
	if len(t) != 43 {
		return false
	}
	b, err := base64.RawURLEncoding.Strict().DecodeString(string(t))
	return err == nil && len(b) == 32
}

// Hash is what the store keeps of the token: its SHA-256.
func (t EvaluationToken) Hash() []byte {
	h := sha256.Sum256([]byte(t))
	return h[:]
}

// LinkState is where an evaluation link stands.
type LinkState string

// Link states.
const (
	LinkIssued  LinkState = "issued"  // usable
	LinkUsed    LinkState = "used"    // an evaluation was sent with it
	LinkExpired LinkState = "expired" // past its date, never used
	LinkRevoked LinkState = "revoked" // withdrawn by staff
)

// EvaluationLink is a personal link issued to a reply's addressee, as staff
// see it (never with its token, which only its issuing shows).
type EvaluationLink struct {
	ID         int64
	DocumentID int64
	Addressee  string
	IssuedAt   time.Time
	IssuedBy   string
	ExpiresAt  time.Time
	UsedAt     *time.Time
	RevokedAt  *time.Time
}

// StateAt is the link's state at the moment now.
func (l EvaluationLink) StateAt(now time.Time) LinkState {
	switch {
	case l.UsedAt != nil:
		return LinkUsed
	case l.RevokedAt != nil:
		return LinkRevoked
	case !now.Before(l.ExpiresAt):
		return LinkExpired
	}
	return LinkIssued
}

// SectionRating is a proposer's rating of one top-level section.
type SectionRating struct {
	SectionID int64
	Rating    Rating
}

// Evaluation is a proposer's evaluation of a reply. Comment is the empty
// string on public pages unless CommentPublic.
type Evaluation struct {
	ID            int64
	DocumentID    int64
	Addressee     string
	Rating        Rating
	Comment       string
	CommentPublic bool
	SubmittedAt   time.Time
	Sections      []SectionRating
}

// Public is the evaluation as the public sees it: the comment only when the
// proposer made it public.
func (e Evaluation) Public() Evaluation {
	if !e.CommentPublic {
		e.Comment = ""
	}
	return e
}

// EvaluationSubmission is what the proposer sends.
type EvaluationSubmission struct {
	Rating        Rating
	Sections      []SectionRating
	Comment       string
	CommentPublic bool
}

// CleanComment is a comment as kept: plain text with its lines' outer space
// and control characters other than line breaks removed, CRLF as LF.
func CleanComment(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' {
			return r
		}
		if r < 0x20 || r == 0x7f || r == utf8.RuneError {
			return -1
		}
		return r
	}, s)
	return strings.TrimSpace(s)
}

// FollowUp is a proposal handled again (再次办理) after an unsatisfied
// evaluation: due on DueOn, closed when staff attach the follow-up reply.
type FollowUp struct {
	ID           int64
	DocumentID   int64
	DocumentSlug string
	DocumentName string // the evaluated reply's short name
	EvaluationID int64
	DueOn        time.Time
	OpenedAt     time.Time
	ClosedAt     *time.Time
	Reply        *Document // the follow-up reply, once attached
	Version      int
}

// TimelinessOn is the follow-up's timeliness on the day today, by the same
// rule as a commitment's: overdue from the day after its date while open,
// on time once closed.
func (f FollowUp) TimelinessOn(today time.Time) Timeliness {
	c := Commitment{DueOn: &f.DueOn, Status: StatusInProgress}
	if f.ClosedAt != nil {
		c.Status = StatusCompleted
	}
	return c.TimelinessOn(today)
}

// FollowUpDue is the default due date of a follow-up opened on the day opened.
func FollowUpDue(opened time.Time) time.Time {
	return opened.AddDate(0, FollowUpMonths, 0)
}
