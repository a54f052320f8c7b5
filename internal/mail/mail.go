// Package mail delivers the portal's mail (issue 17): confirmations of
// subscriptions, notifications of changes, daily digests and reminders to
// responsible units. Every mail is a job in river's PostgreSQL queue, inserted
// in the transaction of whatever caused it, and sent over SMTP by whichever
// portal instance locks the job first; failures retry with back-off. Without
// PORTAL_SMTP_URL no instance works the "mail" queue, so mail waits there,
// visible at /admin/mail, until one with SMTP starts.
package mail

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivertype"

	"github.com/guizhou-portal/portal/internal/policy"
	"github.com/guizhou-portal/portal/internal/postgres"
)

// QueueMail is the queue of mails ready to send; QueueWork holds the jobs that
// write them (notifications, digests, reminders).
const (
	QueueMail = "mail"
	QueueWork = river.QueueDefault
)

// Config is how a Mailer delivers.
type Config struct {
	SMTPURL string // "" keeps mail in the queue
	From    string
	BaseURL string // the public address links in mails start with
	// RetryBase is the first retry's delay, doubled at each attempt up to an
	// hour; zero takes 30 s.
	RetryBase time.Duration
	// PollInterval is how often an instance looks for jobs besides being
	// notified of new ones; zero takes river's 1 s.
	PollInterval time.Duration
	// SendTimeout bounds one SMTP conversation; zero takes 30 s.
	SendTimeout time.Duration
	// Now is the clock of digests and reminders; nil takes time.Now.
	Now    func() time.Time
	Logger *slog.Logger
}

// Mailer owns the river client of one portal instance.
type Mailer struct {
	cfg     Config
	store   *postgres.Store
	client  *river.Client[pgx.Tx]
	loadKey func(ctx context.Context) ([]byte, error)
	keyMu   sync.Mutex
	keyVal  []byte // the signing key once loaded: it never changes
}

// New prepares the queue's client over pool and makes store call it inside
// every change to a commitment. key returns the shared secret that signs the
// personal links in mails. Start begins working jobs.
func New(pool *pgxpool.Pool, store *postgres.Store, key func(ctx context.Context) ([]byte, error), cfg Config) (*Mailer, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.RetryBase <= 0 {
		cfg.RetryBase = 30 * time.Second
	}
	if cfg.SendTimeout <= 0 {
		cfg.SendTimeout = 30 * time.Second
	}
	cfg.BaseURL = strings.TrimSuffix(cfg.BaseURL, "/")
	m := &Mailer{cfg: cfg, store: store, loadKey: key}
	workers := river.NewWorkers()
	river.AddWorker(workers, &sendWorker{m: m})
	river.AddWorker(workers, &notifyWorker{m: m})
	river.AddWorker(workers, &digestWorker{m: m})
	river.AddWorker(workers, &reminderWorker{m: m})
	queues := map[string]river.QueueConfig{QueueWork: {MaxWorkers: 2}}
	if cfg.SMTPURL != "" {
		queues[QueueMail] = river.QueueConfig{MaxWorkers: 8}
	}
	rc := &river.Config{
		Queues:                      queues,
		Workers:                     workers,
		Logger:                      cfg.Logger,
		RetryPolicy:                 backoff{base: cfg.RetryBase},
		CompletedJobRetentionPeriod: 90 * 24 * time.Hour, // what was sent to whom, for staff
		CancelledJobRetentionPeriod: 90 * 24 * time.Hour,
		DiscardedJobRetentionPeriod: 90 * 24 * time.Hour,
		PeriodicJobs: []*river.PeriodicJob{
			river.NewPeriodicJob(dailyAt{hour: 8}, func() (river.JobArgs, *river.InsertOpts) {
				return digestArgs{Day: m.today()}, nil
			}, nil),
			river.NewPeriodicJob(dailyAt{hour: 9}, func() (river.JobArgs, *river.InsertOpts) {
				return reminderArgs{Day: m.today()}, nil
			}, nil),
		},
	}
	if cfg.PollInterval > 0 {
		rc.FetchPollInterval = cfg.PollInterval
		rc.FetchCooldown = min(cfg.PollInterval, 100*time.Millisecond)
	}
	c, err := river.NewClient(riverpgxv5.New(pool), rc)
	if err != nil {
		return nil, err
	}
	m.client = c
	store.OnCommitmentChange(m.commitmentChanged)
	return m, nil
}

// SetBaseURL sets the address links in mails start with, when the
// configuration gave none; call it before Start.
func (m *Mailer) SetBaseURL(u string) {
	if m.cfg.BaseURL == "" {
		m.cfg.BaseURL = strings.TrimSuffix(u, "/")
	}
}

// Start works the queues until Stop (or ctx ends).
func (m *Mailer) Start(ctx context.Context) error { return m.client.Start(ctx) }

// Stop lets the jobs in hand finish, within ctx.
func (m *Mailer) Stop(ctx context.Context) error { return m.client.Stop(ctx) }

// Delivering says whether this instance sends mail (PORTAL_SMTP_URL is set).
func (m *Mailer) Delivering() bool { return m.cfg.SMTPURL != "" }

func (m *Mailer) today() string { return policy.Today(m.cfg.Now()).Format(time.DateOnly) }

// commitmentChanged queues the notification of a change, in its transaction.
func (m *Mailer) commitmentChanged(ctx context.Context, tx pgx.Tx, ch policy.CommitmentChange) error {
	_, err := m.client.InsertTx(ctx, tx, notifyArgs{Change: ch}, nil)
	return err
}

// enqueueTx queues rendered mails in tx.
func (m *Mailer) enqueueTx(ctx context.Context, tx pgx.Tx, msgs ...Message) error {
	if len(msgs) == 0 {
		return nil
	}
	params := make([]river.InsertManyParams, len(msgs))
	for i, msg := range msgs {
		params[i] = river.InsertManyParams{Args: sendArgs{Message: msg}}
	}
	_, err := m.client.InsertManyTx(ctx, tx, params)
	return err
}

// backoff retries after base, 2·base, 4·base … up to an hour.
type backoff struct{ base time.Duration }

// NextRetry is when job runs again after its latest failure.
func (b backoff) NextRetry(job *rivertype.JobRow) time.Time {
	d := b.base
	for i := 1; i < job.Attempt && d < time.Hour; i++ {
		d *= 2
	}
	return time.Now().Add(min(d, time.Hour))
}

// dailyAt is each day at hour o'clock, China time.
type dailyAt struct{ hour int }

// Next is the first such moment after t.
func (d dailyAt) Next(t time.Time) time.Time {
	day := policy.Today(t)
	next := time.Date(day.Year(), day.Month(), day.Day(), d.hour, 0, 0, 0, chinaTime)
	for !next.After(t) {
		next = next.AddDate(0, 0, 1)
	}
	return next
}

var chinaTime = policy.China

// key is the shared signing key of personal links, read once.
func (m *Mailer) key(ctx context.Context) ([]byte, error) {
	m.keyMu.Lock()
	defer m.keyMu.Unlock()
	if m.keyVal == nil {
		k, err := m.loadKey(ctx)
		if err != nil {
			return nil, err
		}
		m.keyVal = k
	}
	return m.keyVal, nil
}

// Personal links: id "." base64url(HMAC-SHA256(key, "manage:" id ":" nonce)).

// ManageToken is the token of a subscription's personal link.
func (m *Mailer) ManageToken(ctx context.Context, sub policy.Subscription) (string, error) {
	key, err := m.key(ctx)
	if err != nil {
		return "", err
	}
	return strconv.FormatInt(sub.ID, 10) + "." + sign(key, sub.ID, sub.Nonce), nil
}

func sign(key []byte, id, nonce int64) string {
	h := hmac.New(sha256.New, key)
	fmt.Fprintf(h, "manage:%d:%d", id, nonce)
	return base64.RawURLEncoding.EncodeToString(h.Sum(nil))
}

// ErrBadLink is a personal link that is forged, altered or no longer valid.
var ErrBadLink = policy.Errorm(policy.ENOTFOUND, "sub.err.link")

// ByToken returns the subscription whose personal link token is; ErrBadLink
// for a forged or outdated one, or one whose subscription is gone.
func (m *Mailer) ByToken(ctx context.Context, token string) (policy.Subscription, error) {
	idText, mac, ok := strings.Cut(token, ".")
	id, err := strconv.ParseInt(idText, 10, 64)
	if !ok || err != nil || id <= 0 || len(token) > 100 {
		return policy.Subscription{}, ErrBadLink
	}
	sub, err := m.store.Subscription(ctx, id)
	if err != nil {
		if policy.ErrorCode(err) == policy.ENOTFOUND {
			return sub, ErrBadLink
		}
		return sub, err
	}
	key, err := m.key(ctx)
	if err != nil {
		return sub, err
	}
	if !hmac.Equal([]byte(mac), []byte(sign(key, sub.ID, sub.Nonce))) {
		return policy.Subscription{}, ErrBadLink
	}
	return sub, nil
}

// ErrNotRetryable is a mail that has not failed: it was sent, is being sent
// or waits for its first attempt. Running it again would send it twice.
var ErrNotRetryable = policy.Errorm(policy.ECONFLICT, "mailq.err.notfailed")

// Retryable says whether a mail job in state, with errs errors recorded, may
// be run again: only one that failed (given up on, cancelled, or waiting for
// its next attempt after an error).
func Retryable(state string, errs int) bool {
	switch rivertype.JobState(state) {
	case rivertype.JobStateRetryable, rivertype.JobStateDiscarded, rivertype.JobStateCancelled:
		return true
	case rivertype.JobStateAvailable, rivertype.JobStateScheduled:
		return errs > 0
	}
	return false
}

// Retry makes a mail that failed, or waits for its next attempt after an
// error, run now. The job's row is locked while it is checked, so a mail
// that completes meanwhile is not sent again; anything but a failed mail is
// ErrNotRetryable, and a job that is not a mail is not found.
func (m *Mailer) Retry(ctx context.Context, id int64) error {
	return m.store.InTx(ctx, func(tx pgx.Tx) error {
		var kind, state string
		var errs int
		err := tx.QueryRow(ctx, `SELECT kind, state::text, coalesce(cardinality(errors), 0) FROM river_job WHERE id = $1 FOR UPDATE`, id).Scan(&kind, &state, &errs)
		if errors.Is(err, pgx.ErrNoRows) || (err == nil && kind != sendArgs{}.Kind()) {
			return policy.Errorm(policy.ENOTFOUND, "mailq.err.none")
		}
		if err != nil {
			return err
		}
		if !Retryable(state, errs) {
			return ErrNotRetryable
		}
		_, err = m.client.JobRetryTx(ctx, tx, id)
		if errors.Is(err, river.ErrNotFound) {
			return policy.Errorm(policy.ENOTFOUND, "mailq.err.none")
		}
		return err
	})
}
