package web

import "github.com/guizhou-portal/portal/internal/policy"

// EntityGroup is the entities of one kind.
type EntityGroup struct {
	Kind     policy.EntityKind
	Entities []policy.Entity
}

// GroupByKind groups entities that arrive ordered by kind, keeping their order.
func GroupByKind(es []policy.Entity) []EntityGroup {
	var out []EntityGroup
	for _, e := range es {
		if n := len(out); n == 0 || out[n-1].Kind != e.Kind {
			out = append(out, EntityGroup{Kind: e.Kind})
		}
		out[len(out)-1].Entities = append(out[len(out)-1].Entities, e)
	}
	return out
}
