package server

import (
	"errors"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/guizhou-portal/portal/internal/anchor"
	"github.com/guizhou-portal/portal/internal/i18n"
	"github.com/guizhou-portal/portal/internal/importer"
	"github.com/guizhou-portal/portal/internal/policy"
	"github.com/guizhou-portal/portal/internal/postgres"
	"github.com/guizhou-portal/portal/web"
)

// importReview builds the review's decisions for a parsed text: a theme
// suggested for each top-level section, and each candidate with the fields
// it would be saved with. With confirm, the posted choices replace the
// defaults and are checked; it returns what to save, or nil when a field
// is refused (then v.Review.Errors says which) or nothing is to be saved.
func (s *Server) importReview(r *http.Request, v *web.ImportView, confirm bool) (*postgres.ImportReview, error) {
	ctx := r.Context()
	themes, err := s.store.ThemeEntries(ctx)
	if err != nil {
		return nil, err
	}
	known, err := s.store.Units(ctx)
	if err != nil {
		return nil, err
	}
	// A candidate's lead is a government body: the select is repeated for
	// every candidate, so it holds those only.
	var units []policy.Entity
	for _, u := range known {
		if u.Kind == policy.EntityKind("government") {
			units = append(units, u)
		}
	}
	d := v.Document
	f := &web.ImportReviewForm{Themes: themes, Units: units, Errors: web.FieldErrors{}}
	v.Review = f
	for _, sec := range reviewSections(d) {
		suggested := policy.SuggestTheme(themes, sec.Title, sectionText(d, sec))
		f.Sections = append(f.Sections, web.ImportSectionTheme{Anchor: sec.Anchor, Heading: policy.SectionHeading(sec.Kind, sec.Label, sec.Title),
			Suggested: suggested, Chosen: suggested})
	}
	lead := signingUnit(d, units)
	for i, c := range d.Candidates {
		f.Candidates = append(f.Candidates, web.ImportCandidate{Candidate: c, Number: i + 1, Title: candidateTitle(c.Quote),
			Kind: string(candidateKind(c.Status)), Strength: string(c.Strength), Lead: lead})
	}
	if !confirm {
		return nil, nil
	}
	l := i18n.From(ctx)
	form := r.PostForm
	themeKeys := map[string]bool{}
	for _, t := range themes {
		themeKeys[t.Key] = true
	}
	review := &postgres.ImportReview{Themes: map[string]string{}}
	for i := range f.Sections {
		sec := &f.Sections[i]
		name := web.ThemeField(sec.Anchor)
		sec.Chosen = form.Get(name)
		if sec.Chosen != "" && !themeKeys[sec.Chosen] {
			f.Errors[name] = l.T("imp.theme.unknown", sec.Chosen)
		}
		review.Themes[sec.Anchor] = sec.Chosen
	}
	all := form.Get("accept_all") == "1"
	unitNames := map[string]string{}
	for _, u := range units {
		unitNames[u.Slug] = u.Name
	}
	texts := map[int]string{}
	for _, p := range d.Paragraphs {
		texts[p.Seq] = p.Text
	}
	for i := range f.Candidates {
		c := &f.Candidates[i]
		field := func(name string) string { return web.CandidateField(c.Number, name) }
		// Accept all leaves out the candidates whose words a commitment
		// already holds: saving them would be refused.
		c.Accept = (all && form.Get(field("held")) != "1") || form.Get(field("accept")) == "1"
		c.Title, c.Kind, c.Strength = form.Get(field("title")), form.Get(field("kind")), form.Get(field("strength"))
		c.Lead, c.DueOn = form.Get(field("lead")), form.Get(field("due"))
		if !c.Accept {
			continue
		}
		a := postgres.AcceptedCandidate{Number: c.Number, Seq: c.Paragraph, Start: c.Start, Quote: c.Quote,
			Kind: policy.CommitmentKind(c.Kind), Strength: policy.Strength(c.Strength), Status: policy.StatusNotAssessed}
		a.Title = text(l, f.Errors, form, field("title"), l.T("field.title"), 60, true, false)
		if !a.Kind.Valid() {
			f.Errors[field("kind")] = l.T("form.kind")
		}
		if !a.Strength.Valid() {
			f.Errors[field("strength")] = l.T("form.strength")
		}
		if c.Lead != "" {
			if _, ok := unitNames[c.Lead]; !ok {
				f.Errors[field("lead")] = l.T("form.unknownunit", l.T("field.lead"))
			}
			a.Lead = c.Lead
		}
		a.DueOn = date(l, f.Errors, form, field("due"), l.T("field.due_on"), false)
		// The reply's own word is the basis of the status the importer read.
		if c.Marker != "" && c.Status.Valid() {
			a.Status, a.StatusBasis = c.Status, c.Marker
		}
		review.Accepted = append(review.Accepted, a)
	}
	// Every accepted quote must have its place, as saving will look for it.
	if _, err := postgres.PlaceCandidates(texts, review.Accepted, nil); err != nil {
		var ce *postgres.CandidateError
		if !errors.As(err, &ce) {
			return nil, err
		}
		f.Errors[web.CandidateField(ce.Number, "accept")] = errorMessage(l, ce.Err)
	}
	if len(f.Errors) > 0 {
		return nil, nil
	}
	return review, nil
}

// signingUnit is the government body that signs the reply, when it is one
// the portal knows by name: the lead a candidate starts with, since a
// reply speaks of what its signer does. "" otherwise.
func signingUnit(d *importer.Document, units []policy.Entity) string {
	names := append([]string{d.Meta.SigningBody}, d.Meta.Signers...)
	for _, u := range units {
		for _, n := range names {
			if n != "" && (n == u.Name || n == u.FullName) {
				return u.Slug
			}
		}
	}
	return ""
}

// fromCurrentDocument fills the review of a text that updates a document
// from what the document has: its sections' themes preselected rather than
// the suggestions, and the candidates whose words a commitment already
// holds marked with it.
func (s *Server) fromCurrentDocument(r *http.Request, v *web.ImportView, slug string) error {
	current, err := s.store.SectionThemes(r.Context(), slug)
	if err != nil {
		return err
	}
	for i := range v.Review.Sections {
		if k, ok := current[v.Review.Sections[i].Anchor]; ok {
			v.Review.Sections[i].Chosen = k
		}
	}
	held, err := s.store.Commitments(r.Context(), policy.CommitmentFilter{Documents: []string{slug}})
	if err != nil {
		return err
	}
	for i := range v.Review.Candidates {
		c := &v.Review.Candidates[i]
		for _, h := range held {
			if h.Place.ParagraphSeq == c.Paragraph && h.Place.Start < c.End && c.Start < h.Place.End {
				c.Held = append(c.Held, h.Position)
			}
		}
	}
	return nil
}

// reviewSections are the sections a theme is chosen for: the top level of
// the tree the import saves, which has at least the one body section.
func reviewSections(d *importer.Document) []*importer.Section { return d.Tree }

// sectionText is the text a section covers, its paragraphs joined.
func sectionText(d *importer.Document, s *importer.Section) string {
	var b strings.Builder
	for _, p := range d.Paragraphs {
		if p.Seq < s.Start.Paragraph || p.Seq > s.End.Paragraph {
			continue
		}
		r := []rune(p.Text)
		lo, hi := 0, len(r)
		if p.Seq == s.Start.Paragraph {
			lo = min(s.Start.Offset, len(r))
		}
		if p.Seq == s.End.Paragraph {
			hi = min(s.End.Offset, len(r))
		}
		if lo < hi {
			b.WriteString(string(r[lo:hi]))
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// candidateTitle is a candidate's title to start from: its sentence without
// the closing mark, cut to the 60 characters a title may have.
func candidateTitle(quote string) string {
	t := strings.TrimRight(strings.TrimSpace(quote), "。;；!！?？,，")
	if utf8.RuneCountInString(t) > 60 {
		t = anchor.Truncate(t, 59)
	}
	return t
}

// candidateKind is the kind a candidate starts as, from the status its
// marker supports: done is a result, to be done a plan, the rest measures.
func candidateKind(s policy.Status) policy.CommitmentKind {
	switch s {
	case policy.StatusCompleted:
		return policy.KindResult
	case policy.StatusPlanned:
		return policy.KindPlan
	}
	return policy.KindMeasure
}
