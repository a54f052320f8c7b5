package postgres_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/guizhou-portal/portal/internal/policy"
	"github.com/guizhou-portal/portal/internal/postgres"
	"github.com/guizhou-portal/portal/internal/postgres/pgtest"
)

// TestEvaluationUnderTheAppRole: what the portal writes for an evaluation
// (the link, the evaluation with a section rating, its follow-up, the
// follow-up reply's link, their audit records) works with only the app
// role's privileges, and a link is spent by its one evaluation.
func TestEvaluationUnderTheAppRole(t *testing.T) {
	ctx := context.Background()
	owner := pgtest.NewDB(t)
	if err := postgres.PrepareAppRole(ctx, owner, "portal_app"); err != nil {
		t.Fatal(err)
	}
	if _, err := owner.Exec(ctx, `INSERT INTO documents (slug, kind, title, published_at)
		VALUES ('again-reply', 'reply', '再次答复', now())`); err != nil {
		t.Fatal(err)
	}
	app, err := postgres.OpenAs(ctx, owner.Config().ConnString(), "portal_app")
	if err != nil {
		t.Fatal(err)
	}
	defer app.Close()
	store := postgres.NewStore(app)
	now := time.Date(2026, 12, 3, 2, 0, 0, 0, time.UTC)
	token := policy.NewEvaluationToken()
	if _, err := store.IssueEvaluationLink(ctx, policy.Actor{Name: "测试"}, "qgxtfz-2023-4", "农工党贵州省委员会", token, now, now.AddDate(0, 0, 60)); err != nil {
		t.Fatal(err)
	}
	var section int64
	if err := owner.QueryRow(ctx, `SELECT s.id FROM sections s JOIN documents d ON d.id = s.document_id
		WHERE d.slug = 'qgxtfz-2023-4' AND s.parent_id IS NULL ORDER BY s.position LIMIT 1`).Scan(&section); err != nil {
		t.Fatal(err)
	}
	sub := policy.EvaluationSubmission{Rating: policy.RatingUnsatisfied, Comment: "意见",
		Sections: []policy.SectionRating{{SectionID: section, Rating: policy.RatingBasically}}}
	if _, err := store.SubmitEvaluation(ctx, token, sub, now, ""); err != nil {
		t.Fatal(err)
	}
	var perr *policy.Error
	if _, err := store.SubmitEvaluation(ctx, token, sub, now, ""); !errors.As(err, &perr) || perr.Code != policy.EGONE {
		t.Errorf("a second submission: %v, want EGONE", err)
	}
	fus, err := store.FollowUps(ctx, 0)
	if err != nil || len(fus) != 1 {
		t.Fatalf("open follow-ups: %v %v", fus, err)
	}
	if got := fus[0].DueOn.Format(time.DateOnly); got != "2027-03-03" {
		t.Errorf("due %s", got)
	}
	if err := store.CloseFollowUp(ctx, policy.Actor{Name: "测试"}, fus[0].ID, fus[0].Version, "again-reply", now); err != nil {
		t.Fatal(err)
	}
	evals, err := store.Evaluations(ctx, fus[0].DocumentID)
	if err != nil || len(evals) != 1 || len(evals[0].Sections) != 1 || evals[0].Sections[0] != sub.Sections[0] {
		t.Errorf("evaluations read back: %+v %v", evals, err)
	}
}
