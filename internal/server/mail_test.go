package server_test

import (
	"bytes"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net"
	"net/http"
	netmail "net/mail"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/guizhou-portal/portal/internal/postgres/pgtest"
)

// catcher is a real SMTP server on a local port, started by the test
// (github.com/emersion/go-smtp): it keeps every mail it accepts, can refuse
// recipients, and can be stopped and started again on the same port.
type catcher struct {
	addr   string
	mu     sync.Mutex
	srv    *smtp.Server
	mails  []caught
	refuse string // recipients containing this get 550
}

// caught is one mail as the server received it.
type caught struct {
	To   string
	Data []byte
	At   time.Time
}

func startCatcher(t *testing.T) *catcher {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	c := &catcher{addr: ln.Addr().String()}
	c.serve(ln)
	t.Cleanup(c.stop)
	return c
}

// URL is the PORTAL_SMTP_URL of the catcher.
func (c *catcher) URL() string { return "smtp://" + c.addr + "?tls=none" }

func (c *catcher) serve(ln net.Listener) {
	srv := smtp.NewServer(c)
	srv.Domain = "localhost"
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	c.mu.Lock()
	c.srv = srv
	c.mu.Unlock()
	go srv.Serve(ln)
}

func (c *catcher) stop() {
	c.mu.Lock()
	srv := c.srv
	c.srv = nil
	c.mu.Unlock()
	if srv != nil {
		srv.Close()
	}
}

// restart listens again on the same port.
func (c *catcher) restart(t *testing.T) {
	ln, err := net.Listen("tcp", c.addr)
	if err != nil {
		t.Fatal(err)
	}
	c.serve(ln)
}

// NewSession starts a session of the SMTP backend.
func (c *catcher) NewSession(*smtp.Conn) (smtp.Session, error) { return &catcherSession{c: c}, nil }

type catcherSession struct {
	c  *catcher
	to []string
}

func (s *catcherSession) Reset()        { s.to = nil }
func (s *catcherSession) Logout() error { return nil }
func (s *catcherSession) Mail(string, *smtp.MailOptions) error {
	return nil
}
func (s *catcherSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.c.mu.Lock()
	refuse := s.c.refuse
	s.c.mu.Unlock()
	if refuse != "" && strings.Contains(to, refuse) {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such user"}
	}
	s.to = append(s.to, to)
	return nil
}
func (s *catcherSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.c.mu.Lock()
	defer s.c.mu.Unlock()
	for _, to := range s.to {
		s.c.mails = append(s.c.mails, caught{To: to, Data: b, At: time.Now()})
	}
	return nil
}

// to returns the mails received for addr so far.
func (c *catcher) to(addr string) []caught {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []caught
	for _, m := range c.mails {
		if m.To == addr {
			out = append(out, m)
		}
	}
	return out
}

// wait waits until addr has received n mails and returns them.
func (c *catcher) wait(t *testing.T, addr string, n int) []caught {
	t.Helper()
	pgtest.WaitFor(t, 20*time.Second, itoa(n)+" mails to "+addr, func() bool { return len(c.to(addr)) >= n })
	return c.to(addr)
}

// parsed is a received mail read: its headers and its text and HTML parts.
type parsed struct {
	Header     netmail.Header
	Subject    string
	Text, HTML string
}

func parseMail(t *testing.T, m caught) parsed {
	t.Helper()
	msg, err := netmail.ReadMessage(bytes.NewReader(m.Data))
	if err != nil {
		t.Fatal(err)
	}
	dec := new(mime.WordDecoder)
	subject, _ := dec.DecodeHeader(msg.Header.Get("Subject"))
	p := parsed{Header: msg.Header, Subject: subject}
	mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/alternative" {
		t.Fatalf("Content-Type %q, want multipart/alternative (%v)", msg.Header.Get("Content-Type"), err)
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		part, err := mr.NextPart() // decodes quoted-printable
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(part)
		switch ct, _, _ := mime.ParseMediaType(part.Header.Get("Content-Type")); ct {
		case "text/plain":
			p.Text = string(b)
		case "text/html":
			p.HTML = string(b)
		}
	}
	if p.Text == "" || p.HTML == "" {
		t.Fatalf("mail without both parts: text %d bytes, HTML %d bytes", len(p.Text), len(p.HTML))
	}
	return p
}

var confirmLink = regexp.MustCompile(`https?://\S+/subscriptions/confirm\?token=[A-Za-z0-9_%-]+`)

// subscribeAndConfirm follows what a reader does: the form, the mail, the link, the button.
func subscribeAndConfirm(t *testing.T, p *testPortal, c *catcher, email, kind, key string) {
	t.Helper()
	reader := browserClient(t)
	before := len(c.to(email))
	r := request(t, reader, http.MethodPost, p.URL+"/subscriptions", url.Values{"email": {email}, "kind": {kind}, "key": {key}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("subscribe: status %d\n%.600s", r.status, r.body)
	}
	m := parseMail(t, c.wait(t, email, before+1)[before])
	link := confirmLink.FindString(m.Text)
	if link == "" {
		t.Fatalf("no confirmation link in\n%s", m.Text)
	}
	if r := request(t, reader, http.MethodGet, link, nil); r.status != http.StatusOK {
		t.Fatalf("confirmation page: %d", r.status)
	}
	r = request(t, reader, http.MethodPost, link, url.Values{})
	if r.status != http.StatusSeeOther || !strings.Contains(r.header.Get("Location"), "/subscriptions/manage?confirmed=1") {
		t.Fatalf("confirm: %d to %q", r.status, r.header.Get("Location"))
	}
	if r := request(t, reader, http.MethodPost, link, url.Values{}); r.status != http.StatusNotFound {
		t.Fatalf("the confirmation link used twice: %d, want 404", r.status)
	}
}

// jobsDone waits until no job of kind is left to run.
func jobsDone(t *testing.T, pool *pgxpool.Pool, kind string) {
	t.Helper()
	pgtest.WaitFor(t, 20*time.Second, "the "+kind+" jobs to finish", func() bool {
		return scalar[int](t, pool, `SELECT count(*) FROM river_job WHERE kind = $1 AND state NOT IN ('completed', 'cancelled', 'discarded')`, kind) == 0
	})
}

func TestSubscribeConfirmNotifyAndUnsubscribeByMail(t *testing.T) {
	c := startCatcher(t)
	p := newTestPortal(t, withStaff(), withMail(c.URL()))
	const reader = "reader@example.cn"
	subscribeAndConfirm(t, p, c, reader, "commitment", "12")
	confirmMail := parseMail(t, c.to(reader)[0])
	if confirmMail.Header.Get("List-Unsubscribe") != "" {
		t.Errorf("the confirmation mail offers unsubscribing from a subscription not yet made")
	}

	editor := loggedIn(t, p.URL, editorEmail)
	saved := time.Now()
	if r := request(t, editor, http.MethodPost, p.URL+"/commitments/12/updates", updateForm(t, p.Pool, 12, "完成用地预审。", "public")); r.status != http.StatusSeeOther {
		t.Fatalf("progress update: %d\n%.500s", r.status, r.body)
	}
	got := c.wait(t, reader, 2)
	t.Logf("save to arrival: %v", got[1].At.Sub(saved))
	m := parseMail(t, got[1])
	for _, want := range []string{"完成用地预审。", "60%", "https://gxt.guizhou.gov.cn/news/1.html", p.URL + "/commitments/12", "/subscriptions/manage?token="} {
		if !strings.Contains(m.Text, want) || !strings.Contains(m.HTML, want) {
			t.Errorf("the mail's text or HTML lacks %q\n%s", want, m.Text)
		}
	}
	unsub := strings.Trim(m.Header.Get("List-Unsubscribe"), "<>")
	if !strings.HasPrefix(unsub, p.URL+"/subscriptions/unsubscribe?token=") {
		t.Fatalf("List-Unsubscribe %q", m.Header.Get("List-Unsubscribe"))
	}
	if got := m.Header.Get("List-Unsubscribe-Post"); got != "List-Unsubscribe=One-Click" {
		t.Errorf("List-Unsubscribe-Post %q", got)
	}

	// A forged link changes nothing; the one-click POST, as a mail program
	// sends it (no cookie, no Origin), ends the subscription.
	forged := strings.Replace(unsub, "token=", "token=9", 1)
	if r := request(t, nil, http.MethodPost, forged, url.Values{"List-Unsubscribe": {"One-Click"}}); r.status != http.StatusNotFound {
		t.Errorf("forged one-click unsubscribe: %d, want 404", r.status)
	}
	if r := request(t, nil, http.MethodPost, unsub, url.Values{"List-Unsubscribe": {"One-Click"}}); r.status != http.StatusOK {
		t.Fatalf("one-click unsubscribe: %d\n%.400s", r.status, r.body)
	}
	if n := scalar[int](t, p.Pool, `SELECT count(*) FROM subscriptions`); n != 0 {
		t.Fatalf("%d subscriptions left after unsubscribing", n)
	}
	if r := request(t, editor, http.MethodPost, p.URL+"/commitments/12/updates", updateForm(t, p.Pool, 12, "签订投资协议。", "public")); r.status != http.StatusSeeOther {
		t.Fatalf("second update: %d", r.status)
	}
	jobsDone(t, p.Pool, "commitment_change")
	jobsDone(t, p.Pool, "mail")
	if n := len(c.to(reader)); n != 2 {
		t.Errorf("%d mails after unsubscribing, want still 2", n)
	}
}

// The form never tells whether an address is subscribed, refuses bad
// addresses and header injection with 422, and stops a flood with 429.
func TestSubscribeFormLimits(t *testing.T) {
	c := startCatcher(t)
	p := newTestPortal(t, withMail(c.URL()))
	post := func(email string) response {
		return request(t, browserClient(t), http.MethodPost, p.URL+"/subscriptions", url.Values{"email": {email}, "kind": {"document"}, "key": {replySlug}})
	}
	for _, bad := range []string{"", "not-an-address", "a@b.cn\r\nBcc: victim@example.cn", strings.Repeat("x", 300) + "@example.cn", "Name <a@b.cn>"} {
		if r := post(bad); r.status != http.StatusUnprocessableEntity {
			t.Errorf("%q: status %d, want 422", bad, r.status)
		}
	}
	if r := request(t, nil, http.MethodPost, p.URL+"/subscriptions", url.Values{"email": {"a@b.cn"}, "kind": {"commitment"}, "key": {"999999"}}); r.status != http.StatusUnprocessableEntity {
		t.Errorf("unknown commitment: %d, want 422", r.status)
	}
	subscribeAndConfirm(t, p, c, "known@example.cn", "document", replySlug)
	first, again := post("new@example.cn"), post("known@example.cn")
	if first.status != again.status || first.header.Get("Location") != again.header.Get("Location") {
		t.Errorf("a new and a subscribed address are answered differently: %d %q, %d %q",
			first.status, first.header.Get("Location"), again.status, again.header.Get("Location"))
	}
	// new@ has had one confirmation mail; two more are allowed, then 429.
	for i := 0; i < 2; i++ {
		if r := post("new@example.cn"); r.status != http.StatusSeeOther {
			t.Fatalf("confirmation %d: %d", i+2, r.status)
		}
	}
	if r := post("new@example.cn"); r.status != http.StatusTooManyRequests || !strings.Contains(r.body, "上限") {
		t.Errorf("fourth confirmation of a day: %d, want 429 with the message", r.status)
	}
	jobsDone(t, p.Pool, "mail")
	if n := len(c.to("new@example.cn")); n != 3 {
		t.Errorf("new@ got %d confirmation mails, want 3", n)
	}
	if n := len(c.to("known@example.cn")); n != 1 {
		t.Errorf("the subscribed address got %d mails, want only its first confirmation", n)
	}
}
