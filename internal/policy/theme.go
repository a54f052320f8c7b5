package policy

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// ThemeEntry is a theme as admins keep it (/admin/themes): its names, its
// place in the order, and the keywords by which the import review suggests
// it for a section.
type ThemeEntry struct {
	Theme
	ID       int64 // names the theme in the audit log
	Position int
	Keywords []string
}

// ThemeState is what the audit log records of a theme before and after a change.
type ThemeState struct {
	Key      string   `json:"key"`
	NameZH   string   `json:"name_zh"`
	NameEN   string   `json:"name_en"`
	Position int      `json:"position"`
	Keywords []string `json:"keywords"`
}

// State is the theme as the audit log records it.
func (t ThemeEntry) State() *ThemeState {
	kw := t.Keywords
	if kw == nil {
		kw = []string{}
	}
	return &ThemeState{Key: t.Key, NameZH: t.NameZH, NameEN: t.NameEN, Position: t.Position, Keywords: kw}
}

// Audit actions on themes.
const (
	ActionThemeCreate = "theme.create"
	ActionThemeUpdate = "theme.update"
	ActionThemeMove   = "theme.move"
)

// Limits of a theme's fields, as the admin form checks them.
const (
	ThemeKeyMax     = 40
	ThemeNameMax    = 40
	ThemeKeywordMax = 20 // characters in one keyword
	ThemeKeywordsN  = 60 // keywords of one theme
)

// ValidThemeKey says whether key can name a theme: lower-case ASCII letters
// and underscores, starting with a letter, as the themes table requires.
func ValidThemeKey(key string) bool {
	if key == "" || len(key) > ThemeKeyMax || key[0] < 'a' || key[0] > 'z' {
		return false
	}
	for _, c := range key {
		if (c < 'a' || c > 'z') && c != '_' {
			return false
		}
	}
	return true
}

// SplitKeywords reads the keywords an admin typed: separated by 、, commas or
// semicolons of either width, or whitespace; each once, in the order given.
func SplitKeywords(s string) []string {
	fields := strings.FieldsFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || strings.ContainsRune("、,，;；", r)
	})
	seen := map[string]bool{}
	out := []string{}
	for _, f := range fields {
		if !seen[f] {
			seen[f] = true
			out = append(out, f)
		}
	}
	return out
}

// KeywordTooLong returns the first keyword longer than ThemeKeywordMax
// characters, or "".
func KeywordTooLong(keywords []string) string {
	for _, k := range keywords {
		if utf8.RuneCountInString(k) > ThemeKeywordMax {
			return k
		}
	}
	return ""
}

// titleWeight is how much more a keyword in a section's heading counts than
// one in its text: the heading says what the section is about.
const titleWeight = 3

// SuggestTheme is the key of the theme whose keywords a section's heading
// and text use most, a hit in the heading counting titleWeight times; ties
// go to the theme first in order. "" when no keyword occurs.
func SuggestTheme(themes []ThemeEntry, title, text string) string {
	best, bestScore := "", 0
	for _, t := range themes {
		score := 0
		for _, k := range t.Keywords {
			if k == "" {
				continue
			}
			score += titleWeight*strings.Count(title, k) + strings.Count(text, k)
		}
		if score > bestScore {
			best, bestScore = t.Key, score
		}
	}
	return best
}
