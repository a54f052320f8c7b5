package mail

import (
	"bytes"
	"html/template"
	"strings"
)

// body is a mail's content, written once and rendered twice: as plain text
// and as HTML, so the two parts always say the same.
type body struct {
	Lang    string
	Title   string
	Paras   []string
	Items   []item
	Action  link // the main link
	Footer  []string
	Links   []link // under the footer: manage, unsubscribe
	Subject string
}

type item struct {
	Heading string
	Lines   []string
	Link    link
}

type link struct{ Text, URL string }

func (b body) text() string {
	var s strings.Builder
	s.WriteString(b.Title + "\n\n")
	for _, p := range b.Paras {
		s.WriteString(p + "\n\n")
	}
	for _, it := range b.Items {
		s.WriteString("* " + it.Heading + "\n")
		for _, l := range it.Lines {
			s.WriteString("  " + l + "\n")
		}
		if it.Link.URL != "" {
			s.WriteString("  " + it.Link.URL + "\n")
		}
		s.WriteString("\n")
	}
	if b.Action.URL != "" {
		s.WriteString(b.Action.Text + ":\n" + b.Action.URL + "\n\n")
	}
	s.WriteString("-- \n")
	for _, f := range b.Footer {
		s.WriteString(f + "\n")
	}
	for _, l := range b.Links {
		s.WriteString(l.Text + ": " + l.URL + "\n")
	}
	return s.String()
}

var htmlMail = template.Must(template.New("mail").Parse(`<!DOCTYPE html>
<html lang="{{if eq .Lang "en"}}en{{else}}zh-CN{{end}}"><head><meta charset="utf-8"><title>{{.Subject}}</title></head>
<body style="font-family: sans-serif; line-height: 1.6; color: #1a1a1a; max-width: 40em">
<h1 style="font-size: 1.25em">{{.Title}}</h1>
{{range .Paras}}<p>{{.}}</p>
{{end}}{{if .Items}}<ul>
{{range .Items}}<li><p><strong>{{if .Link.URL}}<a href="{{.Link.URL}}">{{.Heading}}</a>{{else}}{{.Heading}}{{end}}</strong>{{range .Lines}}<br>{{.}}{{end}}</p></li>
{{end}}</ul>
{{end}}{{if .Action.URL}}<p><a href="{{.Action.URL}}">{{.Action.Text}}</a></p>
{{end}}<hr>
<p style="font-size: 0.875em; color: #555">{{range .Footer}}{{.}}<br>{{end}}{{range .Links}}<a href="{{.URL}}">{{.Text}}</a> {{end}}</p>
</body></html>
`))

func (b body) html() string {
	var buf bytes.Buffer
	if err := htmlMail.Execute(&buf, b); err != nil {
		return "" // the template is fixed and its data plain strings: cannot fail
	}
	return buf.String()
}

func (b body) message(to, unsubscribe, purpose string) Message {
	return Message{To: to, Subject: b.Subject, Text: b.text(), HTML: b.html(), Unsubscribe: unsubscribe, Purpose: purpose}
}
