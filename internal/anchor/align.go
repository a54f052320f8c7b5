package anchor

// Aligning two versions of a document, so that what staff pinned to the old
// text (commitments, figures, mentions, citations: each a quote at rune
// offsets in a paragraph) follows its words into the new text, and so that
// readers can see what changed. The diff itself is diffmatchpatch's; what is
// here is how its output is made fit for a reply: runes not bytes, paragraph
// breaks as fixed points, numbers and Latin words kept whole. The paragraph
// view of the same alignment is in diff.go.

import (
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/sergi/go-diff/diffmatchpatch"
)

// diffTimeout caps the character diff. A corrected reply diffs in
// milliseconds; only a wholesale rewrite of a long document can reach the
// cap, and then the diff is coarser (more text marked changed) but still
// exact, so no words are misplaced, only more are sent to staff to confirm.
const diffTimeout = 5 * time.Second

// Alignment is the old text of a document aligned with its new text, built
// by Align. It answers where old positions went (Place) and what changed,
// paragraph by paragraph (Paragraphs).
type Alignment struct {
	old, new           []rune // paragraphs, each followed by '\n'
	oldStart, newStart []int  // rune offset of each paragraph in old, new
	pieces             []piece
}

// piece is a stretch of the alignment: equal text, or an edit replacing
// del (old runes) by ins (new runes), either of which may be empty.
// oldAt and newAt are where it starts in the joined texts.
type piece struct {
	equal        bool
	del, ins     []rune // for an equal piece, both hold the same text
	oldAt, newAt int
}

// Align aligns the paragraphs of a document's old version with those of its
// new version. The texts are compared as a whole (each paragraph followed by
// a line break), so words that move between paragraphs, or paragraphs that
// are split or joined, are followed. Paragraphs are lines: a line break
// inside one is read as a space.
func Align(oldParas, newParas []string) *Alignment {
	a := &Alignment{}
	a.old, a.oldStart = joinParagraphs(oldParas)
	a.new, a.newStart = joinParagraphs(newParas)
	a.pieces = alignPieces(a.old, a.new)
	oldAt, newAt := 0, 0
	for i := range a.pieces {
		a.pieces[i].oldAt, a.pieces[i].newAt = oldAt, newAt
		oldAt += len(a.pieces[i].del)
		newAt += len(a.pieces[i].ins)
	}
	return a
}

// joinParagraphs writes each paragraph followed by '\n', noting where each
// starts. A line break inside a paragraph becomes a space so that every
// '\n' in the result is a paragraph's end; rune counts stay the same.
func joinParagraphs(paras []string) ([]rune, []int) {
	var text []rune
	starts := make([]int, len(paras))
	for i, p := range paras {
		starts[i] = len(text)
		for _, r := range p {
			if r == '\n' || r == '\r' {
				r = ' '
			}
			text = append(text, r)
		}
		text = append(text, '\n')
	}
	return text, starts
}

// alignPieces diffs old against new and shapes the result for reading:
// edits are split at paragraph breaks both sides share, and widened to
// whole numbers and Latin words.
func alignPieces(old, new []rune) []piece {
	dmp := newDMP()
	pieces := diffPieces(dmp, old, new)
	pieces = splitAtBreaks(dmp, pieces)
	pieces = mergePieces(alignToBreaks(pieces))
	return mergePieces(widenToTokens(pieces))
}

func newDMP() *diffmatchpatch.DiffMatchPatch {
	dmp := diffmatchpatch.New()
	dmp.DiffTimeout = diffTimeout
	return dmp
}

// diffPieces is diffmatchpatch's diff of old and new in runes (offsets in
// this project count runes), paragraphs first then characters within the
// paragraphs that differ (its line mode, a paragraph being a line), then
// semantically cleaned (edits on readable boundaries rather than the
// shortest edit script), as
// pieces with consecutive edits merged into one. Should the library ever
// give a diff that does not rebuild both texts, the cleanup is dropped, and
// failing that the whole text counts as replaced: an alignment must never
// invent or lose words.
func diffPieces(dmp *diffmatchpatch.DiffMatchPatch, old, new []rune) []piece {
	diffs := dmp.DiffMainRunes(old, new, true)
	cleaned := dmp.DiffCleanupSemantic(slices.Clone(diffs))
	for _, d := range [][]diffmatchpatch.Diff{cleaned, diffs} {
		if p := toPieces(d); rebuilds(p, old, new) {
			return p
		}
	}
	if len(old) == 0 && len(new) == 0 {
		return nil
	}
	return []piece{{del: old, ins: new}}
}

func toPieces(diffs []diffmatchpatch.Diff) []piece {
	var out []piece
	for _, d := range diffs {
		r := []rune(d.Text)
		if len(r) == 0 {
			continue
		}
		switch d.Type {
		case diffmatchpatch.DiffEqual:
			out = append(out, piece{equal: true, del: r, ins: r})
		case diffmatchpatch.DiffDelete:
			out = appendEdit(out, r, nil)
		case diffmatchpatch.DiffInsert:
			out = appendEdit(out, nil, r)
		}
	}
	return out
}

// appendEdit adds an edit, joining it to an edit just before it.
func appendEdit(out []piece, del, ins []rune) []piece {
	if len(del) == 0 && len(ins) == 0 {
		return out
	}
	if n := len(out); n > 0 && !out[n-1].equal {
		out[n-1].del = append(slices.Clip(out[n-1].del), del...)
		out[n-1].ins = append(slices.Clip(out[n-1].ins), ins...)
		return out
	}
	return append(out, piece{del: del, ins: ins})
}

func appendEqual(out []piece, r []rune) []piece {
	if len(r) == 0 {
		return out
	}
	if n := len(out); n > 0 && out[n-1].equal {
		joined := append(slices.Clip(out[n-1].del), r...)
		out[n-1].del, out[n-1].ins = joined, joined
		return out
	}
	return append(out, piece{equal: true, del: r, ins: r})
}

func rebuilds(pieces []piece, old, new []rune) bool {
	var o, n []rune
	for _, p := range pieces {
		o = append(o, p.del...)
		n = append(n, p.ins...)
	}
	return slices.Equal(o, old) && slices.Equal(n, new)
}

// splitAtBreaks splits an edit whose old and new text both hold paragraph
// breaks at those breaks, pairing them in order, and diffs each pair again.
// Semantic cleanup swallows a one-rune equality between two edits, so a
// change at the end of one paragraph and another at the start of the next
// would otherwise become one edit across both, taking the words of both
// paragraphs with it.
func splitAtBreaks(dmp *diffmatchpatch.DiffMatchPatch, pieces []piece) []piece {
	var out []piece
	for _, p := range pieces {
		if p.equal || !slices.Contains(p.del, '\n') || !slices.Contains(p.ins, '\n') {
			out = appendPiece(out, p)
			continue
		}
		dels := strings.Split(string(p.del), "\n")
		inss := strings.Split(string(p.ins), "\n")
		m := min(len(dels), len(inss)) - 1 // breaks paired
		for i := 0; i <= m; i++ {
			d, n := dels[i], inss[i]
			if i == m { // the rest: breaks on one side only
				d, n = strings.Join(dels[m:], "\n"), strings.Join(inss[m:], "\n")
			}
			for _, q := range diffPieces(dmp, []rune(d), []rune(n)) {
				out = appendPiece(out, q)
			}
			if i < m {
				out = appendEqual(out, []rune{'\n'})
			}
		}
	}
	return out
}

func appendPiece(out []piece, p piece) []piece {
	if p.equal {
		return appendEqual(out, p.del)
	}
	return appendEdit(out, p.del, p.ins)
}

// alignToBreaks slides an edit that adds or removes whole paragraphs,
// where the same text on either side lets it slide, so that it begins a
// paragraph and ends with its break: "a\n" + insert "b\n" + "c\n", not
// "a" + insert "\nb" + "\nc\n". Both say the same, but only the first
// reads as an inserted paragraph, and keeps each old paragraph's words in
// one piece for Place.
func alignToBreaks(pieces []piece) []piece {
	in := slices.Clone(pieces)
	var out []piece
	for i, p := range in {
		if p.equal || (len(p.del) > 0) == (len(p.ins) > 0) {
			out = appendPiece(out, p) // only a pure insertion or deletion can slide
			continue
		}
		e := p.del
		if len(e) == 0 {
			e = p.ins
		}
		if !slices.Contains(e, '\n') {
			out = appendPiece(out, p)
			continue
		}
		var left, right []rune
		if k := len(out); k > 0 && out[k-1].equal {
			left, out = out[k-1].del, out[:k-1]
		}
		textStart := len(out) == 0 // nothing before left
		nextEqual := i+1 < len(in) && in[i+1].equal
		if nextEqual {
			right = in[i+1].del
		}
		t := slices.Concat(left, e, right)
		n := len(e)
		lo := len(left)
		for lo > 0 && t[lo-1] == t[lo+n-1] {
			lo--
		}
		best := len(left)
		for s := lo; s+n <= len(t); s++ {
			if s > lo && t[s-1] != t[s+n-1] {
				break // t[s-1] left the edit's front and must reappear at its end
			}
			startsParagraph := s > 0 && t[s-1] == '\n' || s == 0 && textStart
			if startsParagraph && t[s+n-1] == '\n' {
				best = s
			}
		}
		l, m, r := t[:best], t[best:best+n], t[best+n:]
		out = appendEqual(out, l)
		if len(p.del) > 0 {
			out = appendEdit(out, m, nil)
		} else {
			out = appendEdit(out, nil, m)
		}
		if nextEqual {
			in[i+1].del, in[i+1].ins = r, r
		} else {
			out = appendEqual(out, r)
		}
	}
	return out
}

// widenToTokens widens each edit to whole numbers and Latin words, so that
// 710 → 1200 reads as that, not as 71 → 120 before a shared 0, and
// 388.7 → 390.1 not as a shared 3 then 88.7 → 90.1. Han characters are
// words of their own and are left as the diff found them.
func widenToTokens(pieces []piece) []piece {
	out := slices.Clone(pieces)
	for i := range out {
		if out[i].equal {
			continue
		}
		if i > 0 && out[i-1].equal && (startsToken(out[i].del) || startsToken(out[i].ins)) {
			eq := out[i-1].del
			k := tokenSuffix(eq, startsDigit(out[i].del) || startsDigit(out[i].ins))
			moved := eq[len(eq)-k:]
			out[i].del = append(slices.Clone(moved), out[i].del...)
			out[i].ins = append(slices.Clone(moved), out[i].ins...)
			out[i-1].del, out[i-1].ins = eq[:len(eq)-k], eq[:len(eq)-k]
		}
		if i+1 < len(out) && out[i+1].equal && (endsToken(out[i].del) || endsToken(out[i].ins)) {
			eq := out[i+1].del
			k := tokenPrefix(eq, endsDigit(out[i].del) || endsDigit(out[i].ins))
			out[i].del = append(slices.Clip(out[i].del), eq[:k]...)
			out[i].ins = append(slices.Clip(out[i].ins), eq[:k]...)
			out[i+1].del, out[i+1].ins = eq[k:], eq[k:]
		}
	}
	return out
}

// tokenRune is a rune of a number or a Latin word: ASCII or full-width
// letters and digits.
func tokenRune(r rune) bool {
	switch {
	case r < 0x80:
		return unicode.IsLetter(r) || unicode.IsDigit(r)
	case r >= '０' && r <= '９', r >= 'Ａ' && r <= 'Ｚ', r >= 'ａ' && r <= 'ｚ':
		return true
	}
	return false
}

func decimalPoint(r rune) bool { return r == '.' || r == '．' }

func digit(r rune) bool { return r >= '0' && r <= '9' || r >= '０' && r <= '９' }

// startsToken says whether s begins with a rune that could continue a token
// on its left: a token rune, or a decimal point followed by a digit.
func startsToken(s []rune) bool {
	return len(s) > 0 && (tokenRune(s[0]) || decimalPoint(s[0]) && len(s) > 1 && digit(s[1]))
}

// endsToken says whether s ends with a token rune, or a digit's decimal point.
func endsToken(s []rune) bool {
	n := len(s)
	return n > 0 && (tokenRune(s[n-1]) || decimalPoint(s[n-1]) && n > 1 && digit(s[n-2]))
}

func startsDigit(s []rune) bool { return len(s) > 0 && digit(s[0]) }

func endsDigit(s []rune) bool { return len(s) > 0 && digit(s[len(s)-1]) }

// tokenSuffix is how many runes at the end of s belong to a token that
// continues past it: token runes, and decimal points between digits
// (digitAfter: whether the rune after s is a digit).
func tokenSuffix(s []rune, digitAfter bool) int {
	k := 0
	for i := len(s) - 1; i >= 0; i-- {
		nextDigit := i+1 < len(s) && digit(s[i+1]) || i+1 == len(s) && digitAfter
		if tokenRune(s[i]) || decimalPoint(s[i]) && i > 0 && digit(s[i-1]) && nextDigit {
			k++
			continue
		}
		break
	}
	return k
}

// tokenPrefix is tokenSuffix at the start of s (digitBefore: whether the
// rune before s is a digit).
func tokenPrefix(s []rune, digitBefore bool) int {
	k := 0
	for i := range s {
		prevDigit := i > 0 && digit(s[i-1]) || i == 0 && digitBefore
		if tokenRune(s[i]) || decimalPoint(s[i]) && prevDigit && i+1 < len(s) && digit(s[i+1]) {
			k++
			continue
		}
		break
	}
	return k
}

// mergePieces drops empty pieces and joins neighbours of a kind, which
// widening leaves behind.
func mergePieces(pieces []piece) []piece {
	var out []piece
	for _, p := range pieces {
		out = appendPiece(out, p)
	}
	return out
}

// Outcome says how an old annotation fared in the new text.
type Outcome int

// How an annotation fares. Not "Lost": the rewrite's Problem values in
// this package already use that name.
const (
	// Kept: its very words are in the new text, perhaps at other offsets
	// or in another paragraph.
	Kept Outcome = iota + 1
	// Changed: its words were edited; it is re-anchored to the words now at
	// its place, for staff to confirm.
	Changed
	// Unplaced: its words are gone, or their place now spans paragraphs;
	// the placement keeps the old position so callers keep the annotation
	// and list it to be pinned again by hand.
	Unplaced
)

// String names an outcome in lower case, for logs and stored reports.
func (o Outcome) String() string {
	switch o {
	case Kept:
		return "kept"
	case Changed:
		return "changed"
	case Unplaced:
		return "unplaced"
	}
	return "unknown"
}

// Placement is where an old annotation goes in the new text: paragraph Seq
// (1-based), rune offsets Start..End in it, and Quote, the new words there.
// When Outcome is Unplaced they are the old values, unchanged.
type Placement struct {
	Seq, Start, End int
	Quote           string
	Outcome         Outcome
}

// Place says where an annotation of the old text (paragraph seq, 1-based;
// rune offsets start..end in it; quote, its words) goes in the new text.
//
// Its start and end are carried through the alignment: a position in
// unchanged text moves with it; a position in deleted text goes to the
// place of the deletion, the start before and the end after whatever
// replaced it. If the new range holds exactly quote, the annotation is Kept.
// If its words were deleted outright but occur exactly once in the new text,
// in text that was inserted, they moved there and it is Kept there.
// Otherwise a non-empty range within one paragraph makes it Changed, with
// the new words as its quote, and anything else leaves it Unplaced.
func (a *Alignment) Place(seq, start, end int, quote string) Placement {
	unplaced := Placement{Seq: seq, Start: start, End: end, Quote: quote, Outcome: Unplaced}
	if seq < 1 || seq > len(a.oldStart) || start < 0 || end < start || end > paragraphLen(a.old, a.oldStart, seq-1) {
		return unplaced
	}
	from, to := a.oldStart[seq-1]+start, a.oldStart[seq-1]+end
	ns, ne := a.mapStart(from), a.mapEnd(to)
	ne = max(ne, ns) // an empty span just before an insertion
	// Paragraph breaks are not words: an edit that joined or split
	// paragraphs at the span's edge should not push it over the break.
	for ns < ne && a.new[ns] == '\n' {
		ns++
	}
	for ne > ns && a.new[ne-1] == '\n' {
		ne--
	}
	k, within := a.newParagraph(ns, ne)
	if within && string(a.new[ns:ne]) == quote {
		return a.placement(k, ns, ne, Kept)
	}
	if s, ok := a.moved(from, to, quote); ok {
		k, _ := a.newParagraph(s, s)
		return a.placement(k, s, s+len([]rune(quote)), Kept)
	}
	if within && ne > ns {
		return a.placement(k, ns, ne, Changed)
	}
	return unplaced
}

func (a *Alignment) placement(k, ns, ne int, o Outcome) Placement {
	return Placement{Seq: k + 1, Start: ns - a.newStart[k], End: ne - a.newStart[k], Quote: string(a.new[ns:ne]), Outcome: o}
}

func paragraphLen(text []rune, starts []int, k int) int {
	if k+1 < len(starts) {
		return starts[k+1] - starts[k] - 1
	}
	return len(text) - starts[k] - 1
}

// newParagraph is the index of the new paragraph holding position ns, and
// whether ne stays within it.
func (a *Alignment) newParagraph(ns, ne int) (int, bool) {
	k := sortSearchLast(a.newStart, ns)
	if k < 0 {
		return 0, false
	}
	return k, ne <= a.newStart[k]+paragraphLen(a.new, a.newStart, k)
}

// sortSearchLast is the last index i with starts[i] <= p, or -1.
func sortSearchLast(starts []int, p int) int {
	i, found := slices.BinarySearch(starts, p)
	if found {
		return i
	}
	return i - 1
}

// mapStart carries an old start position into the new text: a position in
// an edit goes to where the edit's new text begins.
func (a *Alignment) mapStart(p int) int {
	for _, pc := range a.pieces {
		if pc.oldAt <= p && p < pc.oldAt+len(pc.del) {
			if pc.equal {
				return pc.newAt + p - pc.oldAt
			}
			return pc.newAt
		}
	}
	return len(a.new)
}

// mapEnd carries an old end position into the new text: a position in an
// edit goes to where the edit's new text ends.
func (a *Alignment) mapEnd(p int) int {
	for _, pc := range a.pieces {
		if pc.oldAt < p && p <= pc.oldAt+len(pc.del) {
			if pc.equal {
				return pc.newAt + p - pc.oldAt
			}
			return pc.newAt + len(pc.ins)
		}
	}
	return 0
}

// moved finds words deleted from old from..to that were inserted, once,
// elsewhere: where they begin in the new text.
func (a *Alignment) moved(from, to int, quote string) (int, bool) {
	q := []rune(quote)
	if len(q) == 0 || !slices.Equal(a.old[from:to], q) {
		return 0, false
	}
	deleted := false
	for _, pc := range a.pieces {
		if !pc.equal && pc.oldAt <= from && to <= pc.oldAt+len(pc.del) {
			deleted = true
		}
	}
	if !deleted {
		return 0, false
	}
	at := -1
	for i := 0; i+len(q) <= len(a.new); i++ {
		if slices.Equal(a.new[i:i+len(q)], q) {
			if at >= 0 {
				return 0, false // twice: no telling which
			}
			at = i
		}
	}
	if at < 0 {
		return 0, false
	}
	for _, pc := range a.pieces {
		if !pc.equal && pc.newAt <= at && at+len(q) <= pc.newAt+len(pc.ins) {
			return at, true
		}
	}
	return 0, false
}
