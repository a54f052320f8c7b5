package web

import "github.com/guizhou-portal/portal/internal/policy"

// HistoryView is the change history of a commitment.
type HistoryView struct {
	Commitment policy.Commitment
	Changes    []policy.Change
	Staff      bool
}
