package web

import (
	"context"

	"github.com/guizhou-portal/portal/internal/policy"
)

// chainView is a document's thread as its page tells it: what the document
// answers and follows up, what answers and follows it up, and the whole
// thread in order.
type chainView struct {
	Current   string // the slug of the page's document
	Answers   []policy.ChainEntry
	FollowsUp []policy.ChainEntry
	Replies   []policy.ChainEntry // replies that answer it directly
	FollowUps []policy.ChainEntry // later replies that follow it up
	Thread    []policy.ChainEntry
}

// newChainView reads the thread from the side of the document slug. A
// document on no thread has an empty view.
func newChainView(slug string, chain []policy.ChainEntry) chainView {
	v := chainView{Current: slug}
	if len(chain) < 2 {
		return v
	}
	v.Thread = chain
	bySlug := map[string]policy.ChainEntry{}
	var self policy.ChainEntry
	for _, e := range chain {
		bySlug[e.Slug] = e
		if e.Slug == slug {
			self = e
		}
	}
	if e, ok := bySlug[self.RepliesTo]; ok && self.RepliesTo != "" {
		v.Answers = append(v.Answers, e)
	}
	if e, ok := bySlug[self.FollowsUp]; ok && self.FollowsUp != "" {
		v.FollowsUp = append(v.FollowsUp, e)
	}
	for _, e := range chain {
		switch {
		case e.FollowsUp == slug:
			v.FollowUps = append(v.FollowUps, e)
		case e.RepliesTo == slug:
			v.Replies = append(v.Replies, e)
		}
	}
	return v
}

// chainRole names a document's place in its thread: 提案, 提案答复, 后续答复.
func chainRole(ctx context.Context, e policy.ChainEntry) string {
	if e.FollowsUp != "" {
		return T(ctx, "chain.role.followup")
	}
	return docKindName(ctx, e.Kind)
}
