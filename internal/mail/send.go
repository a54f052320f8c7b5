package mail

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"

	"github.com/riverqueue/river"

	"github.com/guizhou-portal/portal/internal/policy"
)

// Message is one rendered mail, kept whole in its job so that staff see what
// was sent and a retry sends the same bytes of text.
type Message struct {
	To          string `json:"to"`
	Subject     string `json:"subject"`
	Text        string `json:"text"`
	HTML        string `json:"html"`
	Unsubscribe string `json:"unsubscribe,omitempty"` // the one-click URL (RFC 8058)
	Purpose     string `json:"purpose"`               // confirm, notify, digest or reminder
	// The change a notification reports: checked again before sending.
	CommitmentID int64 `json:"commitment_id,omitempty"`
	UpdateID     int64 `json:"update_id,omitempty"`
}

// errWithdrawn cancels a notification whose update was hidden, or whose
// commitment was withdrawn, after the mail was written.
var errWithdrawn = errors.New("not sent: the progress update was hidden or the commitment withdrawn after this mail was written")

// sendArgs is a mail to send.
type sendArgs struct {
	Message Message `json:"message"`
}

// Kind names the job in river_job.
func (sendArgs) Kind() string { return "mail" }

// InsertOpts puts mail in its own queue, worked only where SMTP is set.
func (sendArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: QueueMail, MaxAttempts: 20}
}

type sendWorker struct {
	river.WorkerDefaults[sendArgs]
	m *Mailer
}

// Timeout bounds one delivery: a slow server fails the attempt, which retries.
func (w *sendWorker) Timeout(*river.Job[sendArgs]) time.Duration {
	return w.m.cfg.SendTimeout + 5*time.Second
}

// Work sends the mail. A temporary failure (server down, slow, 4xx) returns
// the error and river retries later; a permanent refusal of the recipient
// (5xx) cancels the job, which keeps the error for staff.
func (w *sendWorker) Work(ctx context.Context, job *river.Job[sendArgs]) error {
	if msg := job.Args.Message; msg.CommitmentID != 0 {
		_, keep, err := w.m.store.ChangeNow(ctx, policy.CommitmentChange{CommitmentID: msg.CommitmentID, UpdateID: msg.UpdateID})
		if err != nil {
			return err
		}
		if !keep {
			return river.JobCancel(errWithdrawn)
		}
	}
	err := w.m.send(ctx, job.Args.Message)
	var se *gomail.SendError
	if errors.As(err, &se) && !se.IsTemp() && se.Reason == gomail.ErrSMTPRcptTo {
		return river.JobCancel(err)
	}
	return err
}

// send delivers msg over the configured SMTP server.
func (m *Mailer) send(ctx context.Context, msg Message) error {
	c, err := dialer(m.cfg.SMTPURL, m.cfg.SendTimeout)
	if err != nil {
		return river.JobCancel(err)
	}
	gm := gomail.NewMsg()
	if err := gm.From(m.cfg.From); err != nil {
		return river.JobCancel(err)
	}
	if err := gm.To(msg.To); err != nil {
		return river.JobCancel(err)
	}
	gm.Subject(oneLine(msg.Subject))
	gm.SetMessageID()
	gm.SetDate()
	gm.SetBodyString(gomail.TypeTextPlain, msg.Text)
	gm.AddAlternativeString(gomail.TypeTextHTML, msg.HTML)
	if msg.Unsubscribe != "" {
		// Set directly rather than by SetListUnsubscribeOneClick, which refuses
		// http: links, and a development portal has no HTTPS.
		gm.SetListUnsubscribe(oneLine(msg.Unsubscribe))
		gm.SetListUnsubscribePost()
	}
	ctx, cancel := context.WithTimeout(ctx, m.cfg.SendTimeout)
	defer cancel()
	return c.DialAndSendWithContext(ctx, gm)
}

// oneLine keeps a header's value on its line: no CR or LF can start a header
// of its own.
func oneLine(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r == '\r' || r == '\n' }), " ")
}

// dialer makes a client for PORTAL_SMTP_URL: smtp:// requires STARTTLS,
// smtp://…?tls=none sends in clear text (a local catcher), smtps:// is TLS
// from the start.
func dialer(raw string, timeout time.Duration) (*gomail.Client, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, err
	}
	opts := []gomail.Option{gomail.WithTimeout(timeout)}
	port := 587
	switch {
	case u.Scheme == "smtps":
		port = 465
		opts = append(opts, gomail.WithSSL())
	case u.Query().Get("tls") == "none":
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	case u.Scheme == "smtp":
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	default:
		return nil, fmt.Errorf("PORTAL_SMTP_URL: scheme %q", u.Scheme)
	}
	if p := u.Port(); p != "" {
		if port, err = strconv.Atoi(p); err != nil {
			return nil, err
		}
	}
	opts = append(opts, gomail.WithPort(port))
	if u.User != nil {
		pass, _ := u.User.Password()
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthPlain), gomail.WithUsername(u.User.Username()), gomail.WithPassword(pass))
	}
	return gomail.NewClient(u.Hostname(), opts...)
}
