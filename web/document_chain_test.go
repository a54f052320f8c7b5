package web

import (
	"testing"

	"github.com/guizhou-portal/portal/internal/policy"
)

func TestChainViewReadsTheThreadFromEachSide(t *testing.T) {
	entry := func(slug string, kind policy.DocumentKind, repliesTo, followsUp string) policy.ChainEntry {
		return policy.ChainEntry{Document: policy.Document{Slug: slug, Kind: kind}, RepliesTo: repliesTo, FollowsUp: followsUp}
	}
	thread := []policy.ChainEntry{
		entry("p", policy.KindProposal, "", ""),
		entry("r1", policy.KindReply, "p", ""),
		entry("r2", policy.KindReply, "", "r1"),
	}
	slugs := func(es []policy.ChainEntry) string {
		s := ""
		for _, e := range es {
			s += e.Slug + " "
		}
		return s
	}
	for _, c := range []struct {
		from                                   string
		answers, followsUp, replies, followUps string
	}{
		{"p", "", "", "r1 ", ""},
		{"r1", "p ", "", "", "r2 "},
		{"r2", "", "r1 ", "", ""},
	} {
		v := newChainView(c.from, thread)
		if got := [4]string{slugs(v.Answers), slugs(v.FollowsUp), slugs(v.Replies), slugs(v.FollowUps)}; got != [4]string{c.answers, c.followsUp, c.replies, c.followUps} {
			t.Errorf("from %s: answers, follows up, replies, follow-ups = %q", c.from, got)
		}
		if len(v.Thread) != 3 {
			t.Errorf("from %s: thread of %d", c.from, len(v.Thread))
		}
	}
	if v := newChainView("p", thread[:1]); len(v.Thread) != 0 || v.Replies != nil {
		t.Errorf("a document alone has a thread: %+v", v)
	}
}
