package mail

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/guizhou-portal/portal/internal/policy"
	"github.com/guizhou-portal/portal/web"
)

// states of each filter of /admin/mail.
var filterStates = map[string][]rivertype.JobState{
	"pending": {rivertype.JobStateAvailable, rivertype.JobStateScheduled, rivertype.JobStateRetryable, rivertype.JobStateRunning, rivertype.JobStatePending},
	"sent":    {rivertype.JobStateCompleted},
	"failed":  {rivertype.JobStateCancelled, rivertype.JobStateDiscarded, rivertype.JobStateRetryable},
}

// Jobs lists up to limit mails of the queue, newest first; filter is "",
// pending, sent or failed (which includes mails waiting to retry after an error).
func (m *Mailer) Jobs(ctx context.Context, filter string, limit int) ([]web.MailJob, error) {
	p := river.NewJobListParams().Kinds(sendArgs{}.Kind()).OrderBy(river.JobListOrderByID, river.SortOrderDesc).First(limit)
	if st := filterStates[filter]; st != nil {
		p = p.States(st...)
	}
	res, err := m.client.JobList(ctx, p)
	if err != nil {
		return nil, err
	}
	out := make([]web.MailJob, 0, len(res.Jobs))
	for _, j := range res.Jobs {
		out = append(out, mailJob(j))
	}
	return out, nil
}

// Job returns one mail of the queue.
func (m *Mailer) Job(ctx context.Context, id int64) (web.MailJob, error) {
	j, err := m.client.JobGet(ctx, id)
	if errors.Is(err, river.ErrNotFound) || (err == nil && j.Kind != sendArgs{}.Kind()) {
		return web.MailJob{}, policy.Errorm(policy.ENOTFOUND, "mailq.err.none")
	}
	if err != nil {
		return web.MailJob{}, err
	}
	return mailJob(j), nil
}

func mailJob(j *rivertype.JobRow) web.MailJob {
	var a sendArgs
	_ = json.Unmarshal(j.EncodedArgs, &a) // a job of this kind was written by sendArgs
	mj := web.MailJob{ID: j.ID, State: string(j.State), To: a.Message.To, Subject: a.Message.Subject, Purpose: a.Message.Purpose,
		Attempt: j.Attempt, MaxAttempts: j.MaxAttempts, When: j.CreatedAt, Text: a.Message.Text, HTML: a.Message.HTML}
	if j.FinalizedAt != nil {
		mj.When = *j.FinalizedAt
	} else if j.AttemptedAt != nil {
		mj.When = *j.AttemptedAt
	}
	if n := len(j.Errors); n > 0 {
		mj.Error = j.Errors[n-1].Error
	}
	mj.Retryable = Retryable(string(j.State), len(j.Errors))
	return mj
}
