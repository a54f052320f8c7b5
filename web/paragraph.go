package web

import (
	"context"
	"html"
	"io"
	"strings"

	"github.com/a-h/templ"

	"github.com/guizhou-portal/portal/internal/policy"
)

// paragraphText renders a paragraph's segments. It is written in Go rather than
// templ because Chinese text must not gain the spaces that templ puts between
// elements on separate lines; every value is escaped here.
func paragraphText(p policy.Paragraph) templ.Component {
	return templ.ComponentFunc(func(_ context.Context, w io.Writer) error {
		var b strings.Builder
		for _, s := range policy.Segments(p.Text, p.Annotations) {
			for _, id := range s.Anchors {
				b.WriteString(`<span class="anchor" id="` + html.EscapeString(id) + `"></span>`)
			}
			if s.Commitment != nil {
				b.WriteString(`<mark class="commitment"`)
				if s.StartsID != "" {
					b.WriteString(` id="` + html.EscapeString(s.StartsID) + `"`)
				}
				b.WriteString(` title="` + html.EscapeString(s.Commitment.Label) + `">`)
			}
			text := html.EscapeString(s.Text)
			switch {
			case s.Link != nil && s.Link.Kind == policy.AnnotateCitation:
				b.WriteString(`<a class="cite" href="` + html.EscapeString(s.Link.Href) + `" title="` + html.EscapeString(s.Link.Label) + `">` + text + `</a>`)
			case s.Link != nil:
				b.WriteString(`<a class="entity" href="` + html.EscapeString(s.Link.Href) + `">` + text + `</a>`)
			default:
				b.WriteString(text)
			}
			if s.Commitment != nil {
				b.WriteString(`</mark>`)
			}
			for _, e := range s.Ends {
				b.WriteString(`<a class="cref" href="` + html.EscapeString(e.Href) + `" title="` + html.EscapeString(e.Label) + `">` + html.EscapeString(shortRef(e.Label)) + `</a>`)
			}
		}
		_, err := io.WriteString(w, b.String())
		return err
	})
}
