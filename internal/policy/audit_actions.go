package policy

import "github.com/guizhou-portal/portal/internal/i18n"

// Audit actions recorded outside the commitment's own life.
const (
	ActionDocumentImport       = "document.import"
	ActionDocumentReimport     = "document.reimport"
	ActionDocumentPlaceholder  = "document.placeholder"
	ActionDocumentPublish      = "document.publish"
	ActionDocumentUnpublish    = "document.unpublish"
	ActionDocumentGrade        = "document.grade"
	ActionEvaluationSubmit     = "evaluation.submit"
	ActionEvaluationLinkIssue  = "evaluation_link.issue"
	ActionEvaluationLinkRevoke = "evaluation_link.revoke"
	ActionFollowUpDue          = "follow_up.due"
	ActionFollowUpClose        = "follow_up.close"
)

// Actions are all the audit actions the portal records; each has a name in
// the catalogue ("action." + action) in both languages.
var Actions = []string{
	ActionCommitmentCreate, ActionCommitmentUpdate, ActionCommitmentWithdraw, ActionCommitmentRestore,
	ActionCommitmentReanchor, ActionCommitmentAnchorConfirm, ActionCommitmentRepin, ActionCommitmentVerify,
	ActionUpdateAdd, ActionUpdateEdit, ActionUpdateHide, ActionUpdateShow, ActionEvidenceAdd,
	ActionUserCreate, ActionUserUpdate, ActionUserPassword, ActionUserOwnPassword,
	ActionReviewPropose, ActionReviewReturn,
	ActionThemeCreate, ActionThemeUpdate, ActionThemeMove, ActionUnitCreate, ActionUnitUpdate,
	ActionDocumentImport, ActionDocumentReimport, ActionDocumentPlaceholder, ActionDocumentPublish,
	ActionDocumentUnpublish, ActionDocumentGrade,
	ActionEvaluationSubmit, ActionEvaluationLinkIssue, ActionEvaluationLinkRevoke,
	ActionFollowUpDue, ActionFollowUpClose,
}

// ActionName is the Chinese name of an audit action from the catalogue; an
// unknown action shows as recorded.
func ActionName(action string) string {
	if id := "action." + action; i18n.Has(id) {
		return i18n.For("zh").T(id)
	}
	return action
}
