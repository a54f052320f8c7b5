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
// elements on separate lines. One <mark> stays open across all segments of a
// commitment and one <a> across all segments of a link, so a reader (or a
// screen reader) meets each once. Every value is escaped here.
func paragraphText(p policy.Paragraph) templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		_, err := io.WriteString(w, renderSegments(ctx, policy.Segments(p.Text, p.Annotations)))
		return err
	})
}

func renderSegments(ctx context.Context, segs []policy.Segment) string {
	var b strings.Builder
	var openMark, openLink *policy.Annotation
	closeLink := func() {
		if openLink != nil {
			b.WriteString("</a>")
			openLink = nil
		}
	}
	closeMark := func() {
		closeLink()
		if openMark != nil {
			b.WriteString("</mark>")
			openMark = nil
		}
	}
	anchors := func(ids []string) {
		for _, id := range ids {
			b.WriteString(`<span class="anchor" id="` + html.EscapeString(id) + `"></span>`)
		}
	}
	for _, s := range segs {
		if s.Commitment != openMark {
			closeMark()
		}
		if len(s.Anchors) > 0 {
			closeLink()
			anchors(s.Anchors)
		}
		if s.Commitment != nil && openMark == nil {
			b.WriteString(commitmentMarkOpen(ctx, s.Commitment, s.StartsID))
			openMark = s.Commitment
		}
		if s.Link != openLink {
			closeLink()
			if s.Link != nil {
				class := "entity"
				if s.Link.Kind == policy.AnnotateCitation {
					class = "cite"
				}
				b.WriteString(`<a class="` + class + `" href="` + html.EscapeString(s.Link.Href) + `"`)
				if class == "cite" {
					b.WriteString(` title="` + html.EscapeString(s.Link.Label) + `"`)
				}
				b.WriteString(">")
				openLink = s.Link
			}
		}
		b.WriteString(html.EscapeString(s.Text))
		if len(s.Ends) > 0 {
			closeLink()
			for _, e := range s.Ends {
				if openMark != nil && e.ID == openMark.ID {
					closeMark()
				}
			}
			for _, e := range s.Ends {
				b.WriteString(`<a class="cref" href="` + html.EscapeString(e.Href) + `" title="` + html.EscapeString(e.Label) + `">` + html.EscapeString(shortRef(ctx, e.Label)) + `</a>`)
			}
		}
		if len(s.Trailing) > 0 {
			closeMark()
			anchors(s.Trailing)
		}
	}
	closeMark()
	return b.String()
}

// commitmentMarkOpen opens the <mark> of a commitment in the text. Its
// status shows through data-status (colour, line style and a glyph in
// style.css and print.css: never colour alone) and in its title; when it is
// overdue or due soon, data-due says so and data-due-label carries the words
// the style sheet shows after it. The class stays "commitment", as before.
func commitmentMarkOpen(ctx context.Context, a *policy.Annotation, id string) string {
	var b strings.Builder
	b.WriteString(`<mark class="commitment"`)
	if id != "" {
		b.WriteString(` id="` + html.EscapeString(id) + `"`)
	}
	title := a.Label
	if a.Status != "" {
		due := policy.Commitment{Status: a.Status, DueOn: a.Due}.TimelinessOn(today(ctx))
		b.WriteString(` data-status="` + html.EscapeString(string(a.Status)) + `"`)
		title += "(" + statusName(ctx, a.Status)
		if due.Late() {
			label := T(ctx, "due."+string(due))
			b.WriteString(` data-due="` + string(due) + `" data-due-label="` + html.EscapeString(label) + `"`)
			title += " · " + label
		}
		title += ")"
	}
	b.WriteString(` title="` + html.EscapeString(title) + `">`)
	return b.String()
}
