package postgres

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/guizhou-portal/portal/internal/policy"
)

// ChangeHook is called inside the transaction of every saved change to a
// commitment's status, progress or public note, before it commits: what it
// writes (the mail queue's job) commits or rolls back with the change.
type ChangeHook func(ctx context.Context, tx pgx.Tx, ch policy.CommitmentChange) error

// OnCommitmentChange sets the hook every change to a commitment calls.
func (s *Store) OnCommitmentChange(h ChangeHook) { s.onChange = h }

// changed fills in ch from the states before and after and calls the hook.
func (s *Store) changed(ctx context.Context, tx pgx.Tx, ch policy.CommitmentChange, before, after *policy.CommitmentState) error {
	if s.onChange == nil {
		return nil
	}
	ch.StatusBefore, ch.StatusAfter = before.Status, after.Status
	ch.ProgressBefore, ch.ProgressAfter = before.Progress, after.Progress
	ch.Title = after.Title
	if ch.At.IsZero() {
		ch.At = time.Now()
	}
	return s.onChange(ctx, tx, ch)
}

// ErrTooManyConfirmations refuses a confirmation mail over the day's limit
// for the address or the client.
var ErrTooManyConfirmations = policy.Errorm(policy.ETOOMANY, "sub.err.flood")

// TokenHash is the stored form of a confirmation token.
func TokenHash(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// Subscribe records sub unconfirmed, with the hash of its confirmation token,
// and calls enqueue in the same transaction to queue the confirmation mail.
// An address already confirmed for the same thing is left alone and nothing
// is sent (send false); the caller answers the same either way, and the
// request counts towards the limits all the same, so neither the answer nor
// the limit tells whether an address is subscribed. Over the day's limit of
// requests for the address or the client it returns ErrTooManyConfirmations
// and changes nothing.
func (s *Store) Subscribe(ctx context.Context, sub policy.Subscription, confirmToken, client string,
	enqueue func(tx pgx.Tx, sub policy.Subscription) error) (send bool, err error) {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return false, err
	}
	defer tx.Rollback(ctx)
	// One request at a time, so two at once cannot both pass a limit: not per
	// address alone, or one client sending to many addresses at once would
	// pass its own limit. Requests are few (each sends a mail).
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('portal.subscribe'))`); err != nil {
		return false, err
	}
	// Addresses are kept as typed but compared regardless of case: A@x.cn
	// and a@x.cn are one reader, with one limit and one subscription.
	var byAddress, byClient int
	err = tx.QueryRow(ctx, `SELECT
		(SELECT count(*) FROM confirmation_sends WHERE lower(email) = lower($1) AND sent_at > now() - interval '1 day'),
		(SELECT count(*) FROM confirmation_sends WHERE client = $2 AND sent_at > now() - interval '1 day')`,
		sub.Email, client).Scan(&byAddress, &byClient)
	if err != nil {
		return false, err
	}
	if byAddress >= policy.ConfirmationsPerAddress || byClient >= policy.ConfirmationsPerClient {
		return false, ErrTooManyConfirmations
	}
	// Every request counts, mail or not: were a subscribed address exempt, the
	// limit would tell who is subscribed.
	if _, err := tx.Exec(ctx, `INSERT INTO confirmation_sends (email, client) VALUES ($1, $2)`, sub.Email, client); err != nil {
		return false, err
	}
	var confirmed bool
	var existing int64
	err = tx.QueryRow(ctx, `SELECT id, confirmed_at IS NOT NULL FROM subscriptions WHERE lower(email) = lower($1) AND target_kind = $2 AND target_key = $3
		ORDER BY confirmed_at IS NULL, email <> $1, id LIMIT 1`,
		sub.Email, sub.Kind, sub.Key).Scan(&existing, &confirmed)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return false, err
	}
	if confirmed {
		return false, tx.Commit(ctx)
	}
	var filter []byte
	if sub.Filter != nil {
		if filter, err = json.Marshal(sub.Filter); err != nil {
			return false, err
		}
	}
	sub.Nonce = randomNonce()
	if existing != 0 { // an unconfirmed request under another case of the address: renewed, as typed now
		_, err = tx.Exec(ctx, `UPDATE subscriptions SET email = $2, lang = $3, frequency = $4, filter = $5, confirm_hash = $6, nonce = $7 WHERE id = $1`,
			existing, sub.Email, sub.Lang, sub.Frequency, filter, TokenHash(confirmToken), sub.Nonce)
		if err != nil {
			return false, err
		}
		sub.ID = existing
		if err := enqueue(tx, sub); err != nil {
			return false, err
		}
		return true, tx.Commit(ctx)
	}
	err = tx.QueryRow(ctx, `
		INSERT INTO subscriptions (email, lang, target_kind, target_key, frequency, filter, confirm_hash, nonce)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT (email, target_kind, target_key) DO UPDATE
		SET lang = EXCLUDED.lang, frequency = EXCLUDED.frequency, filter = EXCLUDED.filter,
		    confirm_hash = EXCLUDED.confirm_hash, nonce = EXCLUDED.nonce
		RETURNING id`,
		sub.Email, sub.Lang, sub.Kind, sub.Key, sub.Frequency, filter, TokenHash(confirmToken), sub.Nonce).Scan(&sub.ID)
	if err != nil {
		return false, err
	}
	if err := enqueue(tx, sub); err != nil {
		return false, err
	}
	return true, tx.Commit(ctx)
}

func randomNonce() int64 {
	var b [8]byte
	rand.Read(b[:])
	return int64(binary.BigEndian.Uint64(b[:]) >> 1)
}

const subscriptionColumns = `s.id, s.email, s.lang, s.target_kind, s.target_key, s.frequency, s.confirmed_at IS NOT NULL, s.nonce, s.filter, s.confirmed_at`

func scanSubscription(r pgx.CollectableRow) (policy.Subscription, error) {
	var sub policy.Subscription
	var filter []byte
	err := r.Scan(&sub.ID, &sub.Email, &sub.Lang, &sub.Kind, &sub.Key, &sub.Frequency, &sub.Confirmed, &sub.Nonce, &filter, &sub.ConfirmedAt)
	if err == nil && filter != nil {
		sub.Filter = new(policy.CommitmentFilter)
		err = json.Unmarshal(filter, sub.Filter)
	}
	return sub, err
}

// ConfirmSubscription confirms the subscription whose confirmation token this
// is. A token that is unknown, forged or already used is ENOTFOUND.
func (s *Store) ConfirmSubscription(ctx context.Context, token string) (policy.Subscription, error) {
	rows, err := s.pool.Query(ctx, `UPDATE subscriptions s SET confirmed_at = now(), confirm_hash = NULL
		WHERE confirm_hash = $1 RETURNING `+subscriptionColumns, TokenHash(token))
	if err != nil {
		return policy.Subscription{}, err
	}
	sub, err := pgx.CollectExactlyOneRow(rows, scanSubscription)
	return sub, notFound(err, "sub.err.link")
}

// Subscription returns a subscription by id (ENOTFOUND when gone).
func (s *Store) Subscription(ctx context.Context, id int64) (policy.Subscription, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+subscriptionColumns+` FROM subscriptions s WHERE s.id = $1`, id)
	if err != nil {
		return policy.Subscription{}, err
	}
	sub, err := pgx.CollectExactlyOneRow(rows, scanSubscription)
	return sub, notFound(err, "sub.err.link")
}

// SetSubscriptionFrequency changes how often a subscription sends mail.
func (s *Store) SetSubscriptionFrequency(ctx context.Context, id int64, frequency string) error {
	tag, err := s.pool.Exec(ctx, `UPDATE subscriptions SET frequency = $2 WHERE id = $1`, id, frequency)
	if err == nil && tag.RowsAffected() == 0 {
		return policy.Errorm(policy.ENOTFOUND, "sub.err.link")
	}
	return err
}

// Unsubscribe deletes a subscription and what its digest still owed; one
// already gone is no error, so a replayed link answers as the first did.
func (s *Store) Unsubscribe(ctx context.Context, id int64) error {
	_, err := s.pool.Exec(ctx, `DELETE FROM subscriptions WHERE id = $1`, id)
	return err
}

// Subscribers lists the confirmed subscriptions that follow the commitment:
// itself, its document, its section or the section above it, or an entity
// that leads or supports it. Lists are matched by the
// caller, which holds their filters: they are all returned.
func (s *Store) Subscribers(ctx context.Context, commitmentID int64) ([]policy.Subscription, error) {
	rows, err := s.pool.Query(ctx, `
		WITH c AS (
			SELECT c.id, d.slug, x.anchor AS section, top.anchor AS top
			FROM commitments c JOIN documents d ON d.id = c.document_id
			JOIN sections x ON x.id = c.section_id
			LEFT JOIN LATERAL (
				WITH RECURSIVE up AS (SELECT id, parent_id, anchor FROM sections WHERE id = c.section_id
					UNION ALL SELECT p.id, p.parent_id, p.anchor FROM sections p JOIN up ON p.id = up.parent_id)
				SELECT anchor FROM up WHERE parent_id IS NULL) top ON true
			WHERE c.id = $1)
		SELECT `+subscriptionColumns+` FROM subscriptions s WHERE s.confirmed_at IS NOT NULL AND (
			(s.target_kind = 'commitment' AND s.target_key = $1::text)
			OR (s.target_kind = 'document' AND s.target_key = (SELECT slug FROM c))
			OR (s.target_kind = 'section' AND s.target_key IN (SELECT slug || '/' || section FROM c UNION SELECT slug || '/' || top FROM c))
			OR (s.target_kind = 'entity' AND s.target_key IN (
				SELECT e.slug FROM commitment_units u JOIN entities e ON e.id = u.entity_id WHERE u.commitment_id = $1))
			OR s.target_kind = 'list')
		ORDER BY s.id`, commitmentID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, scanSubscription)
}

// InTx runs fn in a transaction, committed when fn returns nil.
func (s *Store) InTx(ctx context.Context, fn func(tx pgx.Tx) error) error {
	return pgx.BeginFunc(ctx, s.pool, fn)
}

// AddDigestItems files a change for the next digest of each subscription.
func AddDigestItems(ctx context.Context, tx pgx.Tx, subscriptionIDs []int64, ch policy.CommitmentChange) error {
	if len(subscriptionIDs) == 0 {
		return nil
	}
	j, err := json.Marshal(ch)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO digest_items (subscription_id, change) SELECT unnest($1::bigint[]), $2`, subscriptionIDs, j)
	return err
}

// DeleteDigestItems removes items a digest has sent.
func DeleteDigestItems(ctx context.Context, tx pgx.Tx, ids []int64) error {
	_, err := tx.Exec(ctx, `DELETE FROM digest_items WHERE id = ANY($1)`, ids)
	return err
}

// Digest is what one daily subscription is owed.
type Digest struct {
	Subscription policy.Subscription
	Changes      []policy.CommitmentChange
	ItemIDs      []int64
}

// DigestsDue lists the confirmed subscriptions with changes filed, oldest change first.
func (s *Store) DigestsDue(ctx context.Context) ([]Digest, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT `+subscriptionColumns+`, array_agg(i.id ORDER BY i.id), array_agg(i.change ORDER BY i.id)
		FROM subscriptions s JOIN digest_items i ON i.subscription_id = s.id
		WHERE s.confirmed_at IS NOT NULL GROUP BY s.id ORDER BY s.id`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Digest, error) {
		var d Digest
		var filter []byte
		var changes [][]byte
		sub := &d.Subscription
		err := r.Scan(&sub.ID, &sub.Email, &sub.Lang, &sub.Kind, &sub.Key, &sub.Frequency, &sub.Confirmed, &sub.Nonce, &filter, &sub.ConfirmedAt,
			&d.ItemIDs, &changes)
		if err != nil {
			return d, err
		}
		for _, c := range changes {
			var ch policy.CommitmentChange
			if err := json.Unmarshal(c, &ch); err != nil {
				return d, err
			}
			d.Changes = append(d.Changes, ch)
		}
		return d, nil
	})
}

// ChangeNow re-reads what a filed change reports, for a mail written or sent
// after it: false when the public should no longer hear of it (its commitment
// is withdrawn or gone, its progress update hidden or deleted); otherwise the
// change with the update's note and evidence as they read now (a corrected
// note replaces the old one; an update made internal keeps only its status).
// A change filed before changes named their update is kept as filed.
func (s *Store) ChangeNow(ctx context.Context, ch policy.CommitmentChange) (policy.CommitmentChange, bool, error) {
	var withdrawn bool
	var found, public, hidden *bool
	var note, evidence *string
	err := s.pool.QueryRow(ctx, `
		SELECT c.withdrawn_at IS NOT NULL, u.id IS NOT NULL, u.public, u.hidden_at IS NOT NULL, u.note, coalesce(u.evidence_url, '')
		FROM commitments c LEFT JOIN progress_updates u ON u.id = $2 AND u.commitment_id = c.id
		WHERE c.id = $1`, ch.CommitmentID, ch.UpdateID).Scan(&withdrawn, &found, &public, &hidden, &note, &evidence)
	if errors.Is(err, pgx.ErrNoRows) {
		return ch, false, nil
	}
	if err != nil {
		return ch, false, err
	}
	if withdrawn {
		return ch, false, nil
	}
	if ch.UpdateID == 0 {
		return ch, true, nil
	}
	if !*found || *hidden {
		return ch, false, nil
	}
	if *public {
		ch.Note, ch.EvidenceURL = *note, *evidence
	} else {
		ch.Note, ch.EvidenceURL = "", ""
	}
	return ch, true, nil
}

// ReminderCandidate is an open commitment with a due date led by a unit that
// has a contact address, with the reminders already sent about it.
type ReminderCandidate struct {
	EntityID     int64
	EntityName   string
	Email        string
	CommitmentID int64
	Title        string
	Status       policy.Status
	DueOn        time.Time
	Last         map[string]time.Time
}

// ReminderCandidates lists the commitments a unit may need reminding of: not
// completed, dropped or withdrawn, in a published document, with a due date,
// led by a unit with a contact address; by unit, then due date.
func (s *Store) ReminderCandidates(ctx context.Context) ([]ReminderCandidate, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT e.id, e.name, e.contact_email, c.id, c.title, c.status, c.due_on,
		       coalesce((SELECT jsonb_object_agg(kind, last) FROM (SELECT kind, max(sent_on) AS last FROM unit_reminders r
		                 WHERE r.entity_id = e.id AND r.commitment_id = c.id GROUP BY kind) k), '{}')
		FROM commitments c
		JOIN documents d ON d.id = c.document_id AND d.published_at IS NOT NULL
		JOIN commitment_units u ON u.commitment_id = c.id AND u.role = 'lead'
		JOIN entities e ON e.id = u.entity_id AND e.contact_email IS NOT NULL
		WHERE c.due_on IS NOT NULL AND c.withdrawn_at IS NULL AND c.status NOT IN ('completed', 'dropped')
		ORDER BY e.id, c.due_on, c.id`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (ReminderCandidate, error) {
		var c ReminderCandidate
		var last map[string]string
		err := r.Scan(&c.EntityID, &c.EntityName, &c.Email, &c.CommitmentID, &c.Title, &c.Status, &c.DueOn, &last)
		c.Last = map[string]time.Time{}
		for k, v := range last {
			if t, err := time.Parse(time.DateOnly, v); err == nil {
				c.Last[k] = t
			}
		}
		return c, err
	})
}

// ReminderSent is one reminder about one commitment to one unit.
type ReminderSent struct {
	EntityID, CommitmentID int64
	Kind, Email            string
}

// RecordReminders records the reminders sent on day.
func RecordReminders(ctx context.Context, tx pgx.Tx, day time.Time, sent []ReminderSent) error {
	for _, r := range sent {
		if _, err := tx.Exec(ctx, `INSERT INTO unit_reminders (entity_id, commitment_id, kind, sent_on, email) VALUES ($1, $2, $3, $4, $5)`,
			r.EntityID, r.CommitmentID, r.Kind, day, r.Email); err != nil {
			return err
		}
	}
	return nil
}
