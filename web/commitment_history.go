package web

import "github.com/guizhou-portal/portal/internal/policy"

// HistoryView is the change history of a commitment.
type HistoryView struct {
	Commitment policy.Commitment
	Changes    []policy.Change
	Staff      bool
}

// ChangesView is /changes: the changes between From and To (YYYY-MM-DD as
// typed, "" for open ends), all of them for staff, the public's otherwise;
// Limited says the list stops at its cap.
type ChangesView struct {
	Changes  []policy.Change
	From, To string
	Staff    bool
	Limited  bool
}
