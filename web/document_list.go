package web

import (
	"context"
	"time"

	"github.com/guizhou-portal/portal/internal/policy"
)

// homeReplies is how many replies the home page shows as cards; /documents
// lists them all.
const homeReplies = 10

// DocumentsView is the list of documents at /documents with its filters.
type DocumentsView struct {
	Documents []policy.DocumentSummary
	Kinds     []FilterOption // Value is a policy.DocumentKind
	Years     []FilterOption
	Grades    []FilterOption // Value is a policy.Grade
	Text      string
	Sort      policy.DocumentSort
	Sorts     []policy.DocumentSort
	Today     time.Time // the date overdue is counted by
}

// homeReplyCards is the newest replies the home page shows in full, and
// how many replies there are in all.
func homeReplyCards(docs []policy.DocumentSummary) ([]policy.DocumentSummary, int) {
	var out []policy.DocumentSummary
	n := 0
	for _, d := range docs {
		if d.Kind == policy.KindReply {
			if n < homeReplies {
				out = append(out, d)
			}
			n++
		}
	}
	return out, n
}

// updatedDate is the day, in China, of a last update.
func updatedDate(ctx context.Context, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	d := policy.Today(t)
	return localDate(ctx, &d)
}

// documentCommitmentsURL is the commitments list narrowed to one document.
func documentCommitmentsURL(slug string) string { return "/commitments?document=" + slug }
