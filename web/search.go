package web

import (
	"context"
	"html"
	"io"
	"net/url"
	"strconv"
	"strings"

	"github.com/a-h/templ"

	"github.com/guizhou-portal/portal/internal/policy"
)

// SearchView is the search page: the query as typed, a message when it cannot
// be searched, and the results, either every kind or one kind page by page.
type SearchView struct {
	Query    string // for the search box; already made printable
	Error    string
	Results  policy.SearchResults
	Kind     policy.SearchKind // one kind page by page, or "" for all
	Page     int
	PageSize int
	Examples []string
}

// snippetWidth is how many characters of a paragraph a result shows.
const snippetWidth = 90

// snippet renders text cut around the terms with every match in <mark>. Like
// paragraphText it is Go, not templ, so that no spaces come between the pieces;
// every piece is escaped.
func snippet(text string, terms []string, width int) templ.Component {
	return templ.ComponentFunc(func(_ context.Context, w io.Writer) error {
		var b strings.Builder
		for _, f := range policy.Highlight(text, terms, width) {
			if f.Match {
				b.WriteString(`<mark class="hit">` + html.EscapeString(f.Text) + `</mark>`)
			} else {
				b.WriteString(html.EscapeString(f.Text))
			}
		}
		_, err := io.WriteString(w, b.String())
		return err
	})
}

// searchURL is the address of a search, optionally of one kind and page.
func searchURL(q string, kind policy.SearchKind, page int) string {
	v := url.Values{"q": {q}}
	if kind != "" {
		v.Set("kind", string(kind))
	}
	if page > 1 {
		v.Set("page", strconv.Itoa(page))
	}
	return "/search?" + v.Encode()
}

func hitURL(h policy.SearchHit) string {
	switch h.Kind {
	case policy.HitParagraph:
		return documentURL(h.Document.Slug) + "#p" + strconv.Itoa(h.Seq)
	case policy.HitCommitment:
		return commitmentURL(h.ID)
	case policy.HitEntity:
		return entityURL(h.Entity.Slug)
	default:
		return documentURL(h.Document.Slug)
	}
}

func (v SearchView) lastPage(g policy.SearchGroup) int {
	if v.PageSize == 0 {
		return 1
	}
	return max(1, (g.Total+v.PageSize-1)/v.PageSize)
}
