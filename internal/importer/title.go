package importer

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// A third of the replies in testdata come from pages that lost their title:
// the copy starts at the salutation. Read takes them with an empty title;
// the review asks staff for one (offering SuggestTitle) and Entitle gives
// it to the document, so that Parse's refusal is not the end of the road.

// Untitled reports whether the text named no title, so that one has to be
// given (Entitle) before the document can be saved.
func (d *Document) Untitled() bool { return d.titleErr != nil }

// Entitle gives the document the title staff typed for it: the title the
// text lacked, or one that replaces what the reader took. A blank title
// changes nothing.
func (d *Document) Entitle(title string) {
	title = strings.TrimSpace(title)
	if title == "" {
		return
	}
	d.Title, d.titleErr = title, nil
	unread := d.Unread[:0]
	for _, n := range d.Unread {
		if n.Field != "title" {
			unread = append(unread, n)
		}
	}
	d.Unread = unread
}

// ReadTitled reads a reply as Read does and gives it title when title is
// not blank: the command line's --title and the review's title field.
func ReadTitled(src []byte, title string) (*Document, error) {
	d, err := Read(src)
	if err != nil {
		return nil, err
	}
	d.Entitle(title)
	return d, nil
}

// suggestionNamed is the opening of a reply that names what it answers:
// 您提出的关于…的建议, 你提出的“关于…的建议”, 你们提出的《关于…的建议》,
// also with the session between (你在…会议上提出的《…》).
var suggestionNamed = regexp.MustCompile(`提出的[“"《「]?(关于[^“”"《》「」。;；,，:：!！?？]{2,80}?(?:建议|议案|提案|意见))[”"》」]?`)

// SuggestTitle is a title for an untitled reply, read from its opening
// paragraphs (您提出的关于…的建议 → 关于…的建议的答复), or "" when they
// name nothing that reliably. Staff check it before it is saved.
func (d *Document) SuggestTitle() string {
	if d.Title != "" {
		return d.Title
	}
	for i, p := range d.Paragraphs {
		if i > 2 {
			break
		}
		if m := suggestionNamed.FindStringSubmatch(p.Text); m != nil {
			t := m[1] + "的答复"
			if utf8.RuneCountInString(t) <= 120 {
				return t
			}
		}
	}
	return ""
}
