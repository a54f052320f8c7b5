package anchor

// Near is where an old position (paragraph seq, 1-based; rune offset start)
// stands in the new text: the new paragraph's seq and an offset in it, no
// further than its end. A position in deleted text goes to where the
// deletion was. An annotation that cannot be placed (Unplaced) is kept
// there, close to where its words were, to be pinned again by hand. Seq is
// 0 when the new text has no paragraphs.
func (a *Alignment) Near(seq, start int) (newSeq, offset int) {
	if len(a.newStart) == 0 {
		return 0, 0
	}
	p := len(a.old)
	if len(a.oldStart) > 0 {
		seq = min(max(seq, 1), len(a.oldStart))
		start = min(max(start, 0), paragraphLen(a.old, a.oldStart, seq-1))
		p = a.oldStart[seq-1] + start
	}
	n := a.mapStart(p)
	k := max(sortSearchLast(a.newStart, n), 0)
	if n >= len(a.new) { // past the end: the end of the last paragraph
		k = len(a.newStart) - 1
	}
	return k + 1, min(max(n-a.newStart[k], 0), paragraphLen(a.new, a.newStart, k))
}
