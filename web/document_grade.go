package web

import "time"

// DocumentExtras is what a document page shows besides the document: how
// its text is marked, when it last changed and the staff's grade form.
type DocumentExtras struct {
	MarksOff  bool       // the clean published text, without any marks
	UpdatedAt *time.Time // the last change to the document or its commitments
	Grade     GradeForm
	Evaluated DocumentEvaluations // the proposer's evaluations, follow-ups and (staff) links
}

// GradeForm is the handling-grade form as submitted, with its errors.
type GradeForm struct {
	Grade  string
	Errors FieldErrors
}
