package postgres

import (
	"slices"
	"testing"

	"github.com/guizhou-portal/portal/internal/policy"
)

// Every facet the form shows is a filter the store defines, in the same order.
func TestEveryFacetIsOneFilter(t *testing.T) {
	var names []string
	for _, cf := range commitmentFilters {
		names = append(names, cf.name)
		if (cf.value == "") == (cf.pairs == "") {
			t.Errorf("filter %s: exactly one of value and pairs must be set", cf.name)
		}
	}
	if !slices.Equal(names, policy.Facets) {
		t.Errorf("filters %v, facets %v", names, policy.Facets)
	}
}
