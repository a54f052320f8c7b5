package policy

import "context"

// Viewer is whom a read is for. A draft document (one not yet published) and
// everything of it (text, sections, commitments, figures, mentions, links,
// search hits, feed entries, counts) is shown to staff only; the public never
// sees it.
//
// The viewer travels in the request's context: the server puts it there once,
// where it learns who is signed in, and every read of the store takes it from
// there. A context without one is the public's, so a read whose caller forgot
// to say is safe, and the API, the CSV and the feeds, which never look at a
// session, are public by construction.
type Viewer struct {
	// Drafts says the viewer sees draft documents (staff who can edit).
	Drafts bool
}

// Public is the viewer of a request without an account.
var Public = Viewer{}

// Staff is the viewer of a signed-in editor or admin.
var Staff = Viewer{Drafts: true}

type viewerKey struct{}

// WithViewer returns ctx whose reads are for v.
func WithViewer(ctx context.Context, v Viewer) context.Context {
	return context.WithValue(ctx, viewerKey{}, v)
}

// ViewerFrom is the viewer ctx's reads are for: Public unless WithViewer said otherwise.
func ViewerFrom(ctx context.Context) Viewer {
	v, _ := ctx.Value(viewerKey{}).(Viewer)
	return v
}
