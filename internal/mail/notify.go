package mail

import (
	"context"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"

	"github.com/guizhou-portal/portal/internal/i18n"
	"github.com/guizhou-portal/portal/internal/policy"
	"github.com/guizhou-portal/portal/internal/postgres"
)

// Confirmation queues, in tx, the one mail an unconfirmed address gets: the
// link that confirms sub. label and path name what it follows.
func (m *Mailer) Confirmation(ctx context.Context, tx pgx.Tx, sub policy.Subscription, token, label, path string) error {
	l := i18n.For(sub.Lang)
	b := body{Lang: sub.Lang, Subject: l.T("mail.confirm.subject"), Title: l.T("mail.confirm.title"),
		Paras:  []string{l.T("mail.confirm.what", label), l.T("mail.confirm.ignore")},
		Items:  []item{{Heading: label, Link: link{URL: m.cfg.BaseURL + path}}},
		Action: link{Text: l.T("mail.confirm.action"), URL: m.cfg.BaseURL + "/subscriptions/confirm?token=" + url.QueryEscape(token)},
		Footer: []string{l.T("mail.footer.why", sub.Email)}}
	return m.enqueueTx(ctx, tx, b.message(sub.Email, "", "confirm"))
}

// personal adds the personal links of sub to b and returns the one-click URL.
func (m *Mailer) personal(ctx context.Context, sub policy.Subscription, b *body) (string, error) {
	token, err := m.ManageToken(ctx, sub)
	if err != nil {
		return "", err
	}
	l := i18n.For(sub.Lang)
	unsub := m.cfg.BaseURL + "/subscriptions/unsubscribe?token=" + url.QueryEscape(token)
	b.Footer = append(b.Footer, l.T("mail.footer.why", sub.Email))
	b.Links = append(b.Links, link{l.T("mail.manage"), m.cfg.BaseURL + "/subscriptions/manage?token=" + url.QueryEscape(token)},
		link{l.T("mail.unsubscribe"), unsub})
	return unsub, nil
}

// changeItem says in sub's language what ch changed.
func (m *Mailer) changeItem(l *i18n.Localizer, ch policy.CommitmentChange) item {
	it := item{Heading: ch.Title, Link: link{URL: m.cfg.BaseURL + "/commitments/" + strconv.FormatInt(ch.CommitmentID, 10)}}
	status := func(s policy.Status) string { return l.T("status." + string(s)) }
	if ch.StatusBefore != ch.StatusAfter {
		it.Lines = append(it.Lines, l.T("mail.change.status", status(ch.StatusBefore), status(ch.StatusAfter)))
	} else {
		it.Lines = append(it.Lines, l.T("mail.change.statusnow", status(ch.StatusAfter)))
	}
	pct := func(p *int) string {
		if p == nil {
			return "—"
		}
		return strconv.Itoa(*p) + "%"
	}
	if pct(ch.ProgressBefore) != pct(ch.ProgressAfter) {
		it.Lines = append(it.Lines, l.T("mail.change.progress", pct(ch.ProgressBefore), pct(ch.ProgressAfter)))
	}
	if ch.Note != "" {
		it.Lines = append(it.Lines, l.T("mail.change.note", oneLine(ch.Note)))
	}
	if ch.EvidenceURL != "" {
		it.Lines = append(it.Lines, l.T("mail.change.evidence", ch.EvidenceURL))
	}
	it.Lines = append(it.Lines, l.T("mail.change.on", ch.At.In(chinaTime).Format("2006-01-02 15:04")))
	return it
}

// notifyArgs is a saved change whose subscribers are still to be told.
type notifyArgs struct {
	Change policy.CommitmentChange `json:"change"`
}

// Kind names the job in river_job.
func (notifyArgs) Kind() string { return "commitment_change" }

type notifyWorker struct {
	river.WorkerDefaults[notifyArgs]
	m *Mailer
}

// Work writes one mail per address following the commitment (an address
// following it twice, say by its document and its unit, gets one) and files
// the change for daily digests, in one transaction with the job's completion,
// so a change is announced exactly once even if an instance dies midway.
func (w *notifyWorker) Work(ctx context.Context, job *river.Job[notifyArgs]) error {
	m := w.m
	ch, keep, err := m.store.ChangeNow(ctx, job.Args.Change)
	if err != nil {
		return err
	}
	if !keep { // hidden or withdrawn since it was saved: nobody is told
		return nil
	}
	subs, err := m.store.Subscribers(ctx, ch.CommitmentID)
	if err != nil {
		return err
	}
	if _, err := m.store.Commitment(ctx, ch.CommitmentID); policy.ErrorCode(err) == policy.ENOTFOUND {
		subs = nil // a draft's commitment (or one since deleted): the public does not see it
	} else if err != nil {
		return err
	}
	lists := map[string]bool{}
	seen := map[string]bool{}
	var msgs []Message
	var digest []int64
	for _, sub := range subs {
		if sub.Kind == policy.FollowList {
			in, ok := lists[sub.Key]
			if !ok {
				if in, err = m.listHas(ctx, sub, ch.CommitmentID); err != nil {
					return err
				}
				lists[sub.Key] = in
			}
			if !in {
				continue
			}
		}
		who := strings.ToLower(sub.Email) + "|" + sub.Frequency // one reader, whatever the case of the address
		if seen[who] {
			continue
		}
		seen[who] = true
		if sub.Frequency == policy.FrequencyDaily {
			digest = append(digest, sub.ID)
			continue
		}
		l := i18n.For(sub.Lang)
		b := body{Lang: sub.Lang, Subject: l.T("mail.notify.subject", truncate(ch.Title, 60)), Title: l.T("mail.notify.title"),
			Items: []item{m.changeItem(l, ch)}, Action: link{l.T("mail.notify.action"), m.cfg.BaseURL + "/commitments/" + strconv.FormatInt(ch.CommitmentID, 10)}}
		unsub, err := m.personal(ctx, sub, &b)
		if err != nil {
			return err
		}
		msg := b.message(sub.Email, unsub, "notify")
		msg.CommitmentID, msg.UpdateID = ch.CommitmentID, ch.UpdateID
		msgs = append(msgs, msg)
	}
	return m.store.InTx(ctx, func(tx pgx.Tx) error {
		if err := m.enqueueTx(ctx, tx, msgs...); err != nil {
			return err
		}
		if err := postgres.AddDigestItems(ctx, tx, digest, ch); err != nil {
			return err
		}
		_, err := river.JobCompleteTx[*riverpgxv5.Driver](ctx, tx, job)
		return err
	})
}

// listHas says whether the list sub follows holds the commitment.
func (m *Mailer) listHas(ctx context.Context, sub policy.Subscription, id int64) (bool, error) {
	if sub.Filter == nil {
		return false, nil
	}
	f := *sub.Filter
	f.Today = policy.Today(m.cfg.Now())
	f.Limit, f.Offset = 0, 0
	cs, err := m.store.Commitments(ctx, f)
	if err != nil {
		return false, err
	}
	return slices.ContainsFunc(cs, func(c policy.Commitment) bool { return c.ID == id }), nil
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// digestArgs is the day's digest run; one per day however many instances.
type digestArgs struct {
	Day string `json:"day"`
}

// Kind names the job in river_job.
func (digestArgs) Kind() string { return "digest" }

// InsertOpts makes the day's run unique.
func (digestArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

type digestWorker struct {
	river.WorkerDefaults[digestArgs]
	m *Mailer
}

// Work sends each daily subscriber one mail with every change filed for it,
// removing what it sends in the same transaction as the mail's job.
func (w *digestWorker) Work(ctx context.Context, job *river.Job[digestArgs]) error {
	m := w.m
	due, err := m.store.DigestsDue(ctx)
	if err != nil {
		return err
	}
	// Each change as it reads now: one hidden or withdrawn since it was
	// filed is left out, a corrected note is sent corrected.
	now := map[string]struct {
		ch   policy.CommitmentChange
		keep bool
	}{}
	for i, d := range due {
		var kept []policy.CommitmentChange
		for _, ch := range d.Changes {
			k := strconv.FormatInt(ch.CommitmentID, 10) + "/" + strconv.FormatInt(ch.UpdateID, 10) + "/" + ch.At.String()
			c, ok := now[k]
			if !ok {
				if c.ch, c.keep, err = m.store.ChangeNow(ctx, ch); err != nil {
					return err
				}
				now[k] = c
			}
			if c.keep {
				kept = append(kept, c.ch)
			}
		}
		due[i].Changes = kept
	}
	return m.store.InTx(ctx, func(tx pgx.Tx) error {
		for _, d := range due {
			if len(d.Changes) == 0 {
				if err := postgres.DeleteDigestItems(ctx, tx, d.ItemIDs); err != nil {
					return err
				}
				continue
			}
			l := i18n.For(d.Subscription.Lang)
			b := body{Lang: d.Subscription.Lang, Subject: l.T("mail.digest.subject", job.Args.Day, len(d.Changes)),
				Title: l.T("mail.digest.title", job.Args.Day)}
			for _, ch := range d.Changes {
				b.Items = append(b.Items, m.changeItem(l, ch))
			}
			unsub, err := m.personal(ctx, d.Subscription, &b)
			if err != nil {
				return err
			}
			if err := m.enqueueTx(ctx, tx, b.message(d.Subscription.Email, unsub, "digest")); err != nil {
				return err
			}
			if err := postgres.DeleteDigestItems(ctx, tx, d.ItemIDs); err != nil {
				return err
			}
		}
		_, err := river.JobCompleteTx[*riverpgxv5.Driver](ctx, tx, job)
		return err
	})
}

// RunDigest queues the digest of day now (as the daily schedule does at 08:00).
func (m *Mailer) RunDigest(ctx context.Context, day string) error {
	_, err := m.client.Insert(ctx, digestArgs{Day: day}, nil)
	return err
}

// reminderArgs is the day's reminders to units.
type reminderArgs struct {
	Day string `json:"day"`
}

// Kind names the job in river_job.
func (reminderArgs) Kind() string { return "unit_reminders" }

// InsertOpts makes the day's run unique.
func (reminderArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

type reminderWorker struct {
	river.WorkerDefaults[reminderArgs]
	m *Mailer
}

// Work sends each unit with a contact address one mail listing the
// commitments it leads that fall due in 30 or 7 days or are overdue (weekly),
// recording each reminder in the same transaction as the mail's job.
func (w *reminderWorker) Work(ctx context.Context, job *river.Job[reminderArgs]) error {
	m := w.m
	day, err := time.Parse(time.DateOnly, job.Args.Day)
	if err != nil {
		return river.JobCancel(err)
	}
	cands, err := m.store.ReminderCandidates(ctx)
	if err != nil {
		return err
	}
	type unit struct {
		name, email string
		sent        []postgres.ReminderSent
		items       []item
	}
	var order []int64
	units := map[int64]*unit{}
	l := i18n.For("zh") // units are Chinese government bodies
	for _, c := range cands {
		kind := policy.ReminderDue(day, c.DueOn, c.Last)
		if kind == "" {
			continue
		}
		u := units[c.EntityID]
		if u == nil {
			u = &unit{name: c.EntityName, email: c.Email}
			units[c.EntityID] = u
			order = append(order, c.EntityID)
		}
		u.sent = append(u.sent, postgres.ReminderSent{EntityID: c.EntityID, CommitmentID: c.CommitmentID, Kind: kind, Email: c.Email})
		u.items = append(u.items, item{Heading: c.Title,
			Lines: []string{l.T("mail.remind."+kind, c.DueOn.Format("2006-01-02")), l.T("mail.change.statusnow", l.T("status."+string(c.Status)))},
			Link:  link{URL: m.cfg.BaseURL + "/commitments/" + strconv.FormatInt(c.CommitmentID, 10)}})
	}
	return m.store.InTx(ctx, func(tx pgx.Tx) error {
		for _, id := range order {
			u := units[id]
			b := body{Lang: "zh", Subject: l.T("mail.remind.subject", u.name, len(u.items)), Title: l.T("mail.remind.title", u.name),
				Paras: []string{l.T("mail.remind.intro", job.Args.Day)}, Items: u.items,
				Footer: []string{l.T("mail.remind.footer", u.email)}}
			if err := m.enqueueTx(ctx, tx, b.message(u.email, "", "reminder")); err != nil {
				return err
			}
			if err := postgres.RecordReminders(ctx, tx, day, u.sent); err != nil {
				return err
			}
		}
		_, err := river.JobCompleteTx[*riverpgxv5.Driver](ctx, tx, job)
		return err
	})
}

// RunReminders queues the reminders of day now (as the schedule does at 09:00).
func (m *Mailer) RunReminders(ctx context.Context, day string) error {
	_, err := m.client.Insert(ctx, reminderArgs{Day: day}, nil)
	return err
}
