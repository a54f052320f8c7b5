package server_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net"
	"net/http"
	netmail "net/mail"
	"net/url"
	"os"
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
	ln     net.Listener
	mails  []caught
	refuse string        // recipients containing this get 550
	delay  time.Duration // how long the server takes before answering DATA
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
	c.srv, c.ln = srv, ln
	c.mu.Unlock()
	go srv.Serve(ln)
}

func (c *catcher) stop() {
	c.mu.Lock()
	srv, ln := c.srv, c.ln
	c.srv, c.ln = nil, nil
	c.mu.Unlock()
	if srv != nil {
		ln.Close() // Close alone misses a listener Serve has not registered yet
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
	delay := s.c.delay
	s.c.mu.Unlock()
	time.Sleep(delay)
	if delay > 0 {
		// A client that gave up waiting has closed the connection: this
		// server, like a real one, then keeps nothing (see the test below).
		return &smtp.SMTPError{Code: 451, Message: "too slow"}
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

	// The unsubscribe link in the body, opened (as a reader or a mail
	// scanner does), shows a button and changes nothing.
	bodyLink := regexp.MustCompile(`https?://\S+/subscriptions/unsubscribe\?token=[^\s"<]+`).FindString(m.Text)
	if bodyLink == "" {
		t.Fatalf("the mail's text has no unsubscribe link\n%s", m.Text)
	}
	page := request(t, browserClient(t), http.MethodGet, bodyLink, nil)
	if page.status != http.StatusOK || !strings.Contains(page.body, `method="post"`) || !strings.Contains(page.body, "确认退订") || !strings.Contains(page.body, reader) {
		t.Fatalf("GET of the mail's unsubscribe link: %d, want 200 with the confirm button\n%.800s", page.status, page.body)
	}
	if n := scalar[int](t, p.Pool, `SELECT count(*) FROM subscriptions`); n != 1 {
		t.Fatalf("opening the unsubscribe link changed the subscriptions: %d left", n)
	}
	if r := request(t, nil, http.MethodGet, strings.Replace(bodyLink, "token=", "token=9", 1), nil); r.status != http.StatusNotFound {
		t.Errorf("GET of a forged unsubscribe link: %d, want 404", r.status)
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
	// The subscribed address reaches the limit at the same count: the limit
	// does not tell it apart either.
	for i := 0; i < 2; i++ {
		if r := post("new@example.cn"); r.status != http.StatusSeeOther {
			t.Fatalf("confirmation %d: %d", i+2, r.status)
		}
	}
	if r := post("known@example.cn"); r.status != http.StatusSeeOther {
		t.Fatalf("the subscribed address's third request: %d", r.status)
	}
	for _, addr := range []string{"new@example.cn", "known@example.cn"} {
		if r := post(addr); r.status != http.StatusTooManyRequests || !strings.Contains(r.body, "上限") {
			t.Errorf("%s, fourth request of a day: %d, want 429 with the message", addr, r.status)
		}
	}
	jobsDone(t, p.Pool, "mail")
	if n := len(c.to("new@example.cn")); n != 3 {
		t.Errorf("new@ got %d confirmation mails, want 3", n)
	}
	if n := len(c.to("known@example.cn")); n != 1 {
		t.Errorf("the subscribed address got %d mails, want only its first confirmation", n)
	}
}

// An address in another case is the same reader: one limit, one
// subscription. And one client's requests at once, to many addresses, cannot
// together pass the client's limit.
func TestSubscriptionAddressesIgnoreCaseAndClientLimitHolds(t *testing.T) {
	c := startCatcher(t)
	p := newTestPortal(t, withMail(c.URL()))
	post := func(email, key string) response {
		return request(t, browserClient(t), http.MethodPost, p.URL+"/subscriptions", url.Values{"email": {email}, "kind": {"commitment"}, "key": {key}})
	}
	subscribeAndConfirm(t, p, c, "Mixed@example.cn", "commitment", "12")
	if r := post("mixed@example.cn", "12"); r.status != http.StatusSeeOther {
		t.Fatalf("the same address in lower case: %d", r.status)
	}
	if n := scalar[int](t, p.Pool, `SELECT count(*) FROM subscriptions WHERE lower(email) = 'mixed@example.cn'`); n != 1 {
		t.Errorf("%d subscriptions for one address in two cases, want 1", n)
	}
	if r := post("MIXED@example.cn", "9"); r.status != http.StatusSeeOther {
		t.Fatalf("third request: %d", r.status)
	}
	if r := post("mixed@Example.cn", "9"); r.status != http.StatusTooManyRequests {
		t.Errorf("the fourth request of a day, in yet another case: %d, want 429", r.status)
	}
	jobsDone(t, p.Pool, "mail")

	// 16 requests at once, each to its own address: exactly as many pass
	// as the client has left of its limit.
	left := 10 - scalar[int](t, p.Pool, `SELECT count(*) FROM confirmation_sends`)
	var wg sync.WaitGroup
	statuses := make([]int, 16)
	for i := range statuses {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses[i] = post("many"+itoa(i)+"@example.cn", "12").status
		}()
	}
	wg.Wait()
	passed := 0
	for _, st := range statuses {
		if st == http.StatusSeeOther {
			passed++
		} else if st != http.StatusTooManyRequests {
			t.Errorf("a request at once: %d", st)
		}
	}
	if passed != left {
		t.Errorf("%d of 16 requests at once passed the client's limit of 10, want the %d left", passed, left)
	}
}

// confirmedSubscription adds a confirmed subscription directly, for tests
// about delivery rather than the form.
func confirmedSubscription(t *testing.T, pool *pgxpool.Pool, email, kind, key, frequency string) {
	t.Helper()
	_, err := pool.Exec(context.Background(), `INSERT INTO subscriptions (email, lang, target_kind, target_key, frequency, nonce, confirmed_at)
		VALUES ($1, 'zh', $2, $3, $4, 1, now())`, email, kind, key, frequency)
	if err != nil {
		t.Fatal(err)
	}
}

// distinctNotes are the notes of the mails received, each counted once per mail.
func notesIn(t *testing.T, mails []caught, notes []string) map[string]int {
	seen := map[string]int{}
	for _, m := range mails {
		text := parseMail(t, m).Text
		for _, n := range notes {
			if strings.Contains(text, n) {
				seen[n]++
			}
		}
	}
	return seen
}

// The SMTP server is down while three updates are saved: the mails wait in
// the queue (the admin page shows the error), and once the server is back
// each arrives exactly once.
func TestMailWaitsOutAnSMTPOutageAndArrivesOnce(t *testing.T) {
	c := startCatcher(t)
	c.stop()
	p := newTestPortal(t, withStaff(), withMail(c.URL()))
	const reader = "outage@example.cn"
	confirmedSubscription(t, p.Pool, reader, "document", replySlug, "immediate")
	editor := loggedIn(t, p.URL, editorEmail)
	notes := []string{"第一次进展。", "第二次进展。", "第三次进展。"}
	for _, n := range notes {
		if r := request(t, editor, http.MethodPost, p.URL+"/commitments/12/updates", updateForm(t, p.Pool, 12, n, "public")); r.status != http.StatusSeeOther {
			t.Fatalf("update: %d", r.status)
		}
	}
	defer func() {
		if t.Failed() {
			rows, _ := p.Pool.Query(context.Background(), `SELECT id, kind, state, attempt, errors::text FROM river_job ORDER BY id`)
			for rows.Next() {
				var id int64
				var kind, state string
				var attempt int
				var errs *string
				rows.Scan(&id, &kind, &state, &attempt, &errs)
				t.Logf("job %d %s %s %d %v", id, kind, state, attempt, errs)
			}
		}
	}()
	pgtest.WaitFor(t, 20*time.Second, "three failed attempts", func() bool {
		return scalar[int](t, p.Pool, `SELECT count(*) FROM river_job WHERE kind = 'mail' AND cardinality(errors) > 0 AND state <> 'completed'`) == 3
	})
	admin := loggedIn(t, p.URL, adminEmail)
	page := request(t, admin, http.MethodGet, p.URL+"/admin/mail", nil)
	if page.status != http.StatusOK || !strings.Contains(page.body, reader) || !strings.Contains(page.body, "connection refused") {
		t.Fatalf("the queue page does not show the failed mails with their error: %d\n%.2000s", page.status, page.body)
	}
	c.restart(t)
	mails := c.wait(t, reader, 3)
	jobsDone(t, p.Pool, "mail")
	time.Sleep(time.Second) // a duplicate would arrive now
	mails = c.to(reader)
	if len(mails) != 3 {
		t.Fatalf("%d mails after the outage, want 3", len(mails))
	}
	for n, k := range notesIn(t, mails, notes) {
		if k != 1 {
			t.Errorf("%s arrived %d times", n, k)
		}
	}
}

// Two instances work one queue: each event is mailed once.
func TestTwoInstancesSendOneMailPerEvent(t *testing.T) {
	c := startCatcher(t)
	a := newTestPortal(t, withStaff(), withMail(c.URL()))
	b := newTestPortal(t, withPool(a.Pool), withMail(c.URL()))
	const reader = "twice@example.cn"
	confirmedSubscription(t, a.Pool, reader, "commitment", "12", "immediate")
	notes := []string{"甲。", "乙。", "丙。", "丁。", "戊。", "己。"}
	ea, eb := loggedIn(t, a.URL, editorEmail), loggedIn(t, b.URL, editorEmail)
	for i, n := range notes {
		p, e := a, ea
		if i%2 == 1 {
			p, e = b, eb
		}
		if r := request(t, e, http.MethodPost, p.URL+"/commitments/12/updates", updateForm(t, p.Pool, 12, n, "public")); r.status != http.StatusSeeOther {
			t.Fatalf("update: %d", r.status)
		}
	}
	c.wait(t, reader, len(notes))
	jobsDone(t, a.Pool, "commitment_change")
	jobsDone(t, a.Pool, "mail")
	time.Sleep(time.Second)
	mails := c.to(reader)
	if len(mails) != len(notes) {
		t.Fatalf("%d mails for %d events", len(mails), len(notes))
	}
	for n, k := range notesIn(t, mails, notes) {
		if k != 1 {
			t.Errorf("%s arrived %d times", n, k)
		}
	}
	workers := scalar[int](t, a.Pool, `SELECT count(DISTINCT attempted_by[1]) FROM river_job WHERE kind IN ('mail', 'commitment_change')`)
	t.Logf("jobs worked by %d instances", workers)
}

// A daily subscriber gets nothing at once and one mail with every change
// when the day's digest runs.
func TestDailyDigest(t *testing.T) {
	c := startCatcher(t)
	p := newTestPortal(t, withStaff(), withMail(c.URL()))
	const reader = "daily@example.cn"
	confirmedSubscription(t, p.Pool, reader, "document", replySlug, "daily")
	editor := loggedIn(t, p.URL, editorEmail)
	for _, n := range []string{"上午的进展。", "下午的进展。"} {
		if r := request(t, editor, http.MethodPost, p.URL+"/commitments/12/updates", updateForm(t, p.Pool, 12, n, "public")); r.status != http.StatusSeeOther {
			t.Fatalf("update: %d", r.status)
		}
	}
	jobsDone(t, p.Pool, "commitment_change")
	if n := len(c.to(reader)); n != 0 {
		t.Fatalf("a daily subscriber got %d mails at once", n)
	}
	if err := p.Server.Mailer().RunDigest(context.Background(), "2026-10-15"); err != nil {
		t.Fatal(err)
	}
	m := parseMail(t, c.wait(t, reader, 1)[0])
	if !strings.Contains(m.Text, "上午的进展。") || !strings.Contains(m.Text, "下午的进展。") || !strings.Contains(m.Subject, "2") {
		t.Errorf("the digest lacks a change: %s\n%s", m.Subject, m.Text)
	}
	if m.Header.Get("List-Unsubscribe-Post") == "" {
		t.Error("the digest has no one-click unsubscribe")
	}
	// The same day's digest again (another instance, a restart) sends nothing.
	if err := p.Server.Mailer().RunDigest(context.Background(), "2026-10-15"); err != nil {
		t.Fatal(err)
	}
	jobsDone(t, p.Pool, "digest")
	jobsDone(t, p.Pool, "mail")
	if n := len(c.to(reader)); n != 1 {
		t.Errorf("%d digests, want 1", n)
	}
}

// A note hidden or corrected after it was saved is not mailed as it was: the
// digest leaves the hidden one out and carries the corrected text.
func TestDigestRereadsHiddenAndCorrectedNotes(t *testing.T) {
	c := startCatcher(t)
	p := newTestPortal(t, withStaff(), withMail(c.URL()))
	const reader = "daily-fix@example.cn"
	confirmedSubscription(t, p.Pool, reader, "document", replySlug, "daily")
	editor := loggedIn(t, p.URL, editorEmail)
	const hidden, wrong, right, kept = "含有个人电话的进展。", "写错了的进展。", "改正后的进展。", "照常发出的进展。"
	for _, n := range []string{hidden, wrong, kept} {
		if r := request(t, editor, http.MethodPost, p.URL+"/commitments/12/updates", updateForm(t, p.Pool, 12, n, "public")); r.status != http.StatusSeeOther {
			t.Fatalf("update: %d", r.status)
		}
	}
	jobsDone(t, p.Pool, "commitment_change")
	uid := func(note string) string {
		return itoa(int(scalar[int64](t, p.Pool, `SELECT id FROM progress_updates WHERE commitment_id = 12 AND note = $1`, note)))
	}
	page := p.URL + commitmentPath(12) + "/updates/"
	if r := request(t, editor, http.MethodPost, page+uid(hidden)+"/hide", url.Values{"version": {itoa(version(t, p.Pool, 12))}, "hide": {"1"}, "hide_reason": {"含个人信息。"}}); r.status != http.StatusSeeOther {
		t.Fatalf("hide: %d\n%.400s", r.status, r.body)
	}
	if r := request(t, editor, http.MethodPost, page+uid(wrong)+"/edit", url.Values{"version": {itoa(version(t, p.Pool, 12))}, "note": {right}, "evidence_url": {""}}); r.status != http.StatusSeeOther {
		t.Fatalf("correct: %d\n%.400s", r.status, r.body)
	}
	if err := p.Server.Mailer().RunDigest(context.Background(), "2026-10-15"); err != nil {
		t.Fatal(err)
	}
	m := parseMail(t, c.wait(t, reader, 1)[0])
	for _, want := range []string{kept, right} {
		if !strings.Contains(m.Text, want) || !strings.Contains(m.HTML, want) {
			t.Errorf("the digest lacks %q\n%s", want, m.Text)
		}
	}
	for _, gone := range []string{hidden, wrong} {
		if strings.Contains(m.Text, gone) || strings.Contains(m.HTML, gone) {
			t.Errorf("the digest still carries %q\n%s", gone, m.Text)
		}
	}
	if !strings.Contains(m.Subject, "2") {
		t.Errorf("the digest's subject counts the hidden change: %s", m.Subject)
	}
}

// An immediate mail written before its update was hidden, still waiting in
// the queue (the SMTP server was down), is not sent once the update is hidden.
func TestQueuedNotificationOfAHiddenUpdateIsNotSent(t *testing.T) {
	c := startCatcher(t)
	c.stop()
	p := newTestPortal(t, withStaff(), withMail(c.URL()))
	const reader = "queued@example.cn"
	confirmedSubscription(t, p.Pool, reader, "commitment", "12", "immediate")
	editor := loggedIn(t, p.URL, editorEmail)
	const note = "不该公开的进展。"
	if r := request(t, editor, http.MethodPost, p.URL+"/commitments/12/updates", updateForm(t, p.Pool, 12, note, "public")); r.status != http.StatusSeeOther {
		t.Fatalf("update: %d", r.status)
	}
	pgtest.WaitFor(t, 20*time.Second, "a failed attempt", func() bool {
		return scalar[int](t, p.Pool, `SELECT count(*) FROM river_job WHERE kind = 'mail' AND cardinality(errors) > 0`) == 1
	})
	uid := scalar[int64](t, p.Pool, `SELECT id FROM progress_updates WHERE commitment_id = 12 AND note = $1`, note)
	hide := p.URL + commitmentPath(12) + "/updates/" + itoa(int(uid)) + "/hide"
	if r := request(t, editor, http.MethodPost, hide, url.Values{"version": {itoa(version(t, p.Pool, 12))}, "hide": {"1"}, "hide_reason": {"含个人信息。"}}); r.status != http.StatusSeeOther {
		t.Fatalf("hide: %d", r.status)
	}
	c.restart(t) // the mail's next attempt finds the server up
	id := scalar[int64](t, p.Pool, `SELECT id FROM river_job WHERE kind = 'mail'`)
	jobsDone(t, p.Pool, "mail")
	time.Sleep(500 * time.Millisecond)
	if n := len(c.to(reader)); n != 0 {
		t.Errorf("%d mails about a hidden update", n)
	}
	if st := scalar[string](t, p.Pool, `SELECT state::text FROM river_job WHERE id = $1`, id); st != "cancelled" {
		t.Errorf("the mail's job is %s, want cancelled", st)
	}
}

// Reminders go to the lead unit's contact address 30 and 7 days before a
// commitment falls due and weekly once it is overdue, one mail per unit.
func TestRemindersToResponsibleUnits(t *testing.T) {
	c := startCatcher(t)
	day := func(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d }
	p := newTestPortal(t, withClock(day("2026-06-01").Add(2*time.Hour)), withMail(c.URL()))
	const unit = "ban@unit.example.gov.cn"
	ctx := context.Background()
	// Test data, not the document's: the unit's address and two due dates,
	// on the unit leading the most open commitments.
	slug := scalar[string](t, p.Pool, `SELECT e.slug FROM commitments c JOIN commitment_units u ON u.commitment_id = c.id AND u.role = 'lead'
		JOIN entities e ON e.id = u.entity_id WHERE c.status NOT IN ('completed', 'dropped') GROUP BY e.slug ORDER BY count(*) DESC, e.slug LIMIT 1`)
	// As the units registry (/admin/units) sets it.
	if _, err := p.Pool.Exec(ctx, `UPDATE entities SET contact_email = $1 WHERE slug = $2`, unit, slug); err != nil {
		t.Fatal(err)
	}
	// It leads one open commitment in the seed; it is made to lead a second.
	if _, err := p.Pool.Exec(ctx, `INSERT INTO commitment_units (commitment_id, entity_id, role)
		SELECT c.id, e.id, 'lead' FROM commitments c, entities e WHERE e.slug = $1 AND c.status NOT IN ('completed', 'dropped')
		AND NOT EXISTS (SELECT FROM commitment_units u WHERE u.commitment_id = c.id AND u.entity_id = e.id)
		ORDER BY c.id LIMIT 1`, slug); err != nil {
		t.Fatal(err)
	}
	ids := scalar[[]int64](t, p.Pool, `SELECT array_agg(c.id ORDER BY c.id) FROM commitments c JOIN commitment_units u ON u.commitment_id = c.id
		JOIN entities e ON e.id = u.entity_id WHERE e.slug = $1 AND u.role = 'lead' AND c.status NOT IN ('completed', 'dropped')`, slug)
	if len(ids) < 2 {
		t.Fatalf("the unit leads %d open commitments", len(ids))
	}
	if _, err := p.Pool.Exec(ctx, `UPDATE commitments SET due_on = NULL WHERE id <> ALL($1)`, ids[:2]); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Pool.Exec(ctx, `UPDATE commitments SET due_on = CASE WHEN id = $1 THEN date '2026-06-20' ELSE date '2026-05-20' END WHERE id = ANY($2)`, ids[0], ids[:2]); err != nil {
		t.Fatal(err)
	}
	mailer := p.Server.Mailer()
	run := func(d string) {
		if err := mailer.RunReminders(ctx, d); err != nil {
			t.Fatal(err)
		}
		jobsDone(t, p.Pool, "unit_reminders")
		jobsDone(t, p.Pool, "mail")
	}
	run("2026-06-01")
	mails := c.wait(t, unit, 1)
	if len(mails) != 1 {
		t.Fatalf("%d reminders, want one for both commitments", len(mails))
	}
	m := parseMail(t, mails[0])
	for _, want := range []string{"2026-06-20", "30 天内到期", "2026-05-20", "已逾期", "/commitments/" + itoa(int(ids[0]))} {
		if !strings.Contains(m.Text, want) {
			t.Errorf("the reminder lacks %q\n%s", want, m.Text)
		}
	}
	run("2026-06-01") // the same day again: nothing
	run("2026-06-02") // nothing new is due
	if n := len(c.to(unit)); n != 1 {
		t.Fatalf("%d reminders after re-runs, want 1", n)
	}
	run("2026-06-08") // a week overdue: the overdue one again, and 12 days before the other: its 7-day one not yet
	mails = c.wait(t, unit, 2)
	m = parseMail(t, mails[1])
	if !strings.Contains(m.Text, "2026-05-20") || strings.Contains(m.Text, "2026-06-20") {
		t.Errorf("the second reminder should name only the overdue commitment\n%s", m.Text)
	}
	run("2026-06-13") // 7 days before the first
	m = parseMail(t, c.wait(t, unit, 3)[2])
	if !strings.Contains(m.Text, "7 天内到期") || strings.Contains(m.Text, "2026-05-20") {
		t.Errorf("the third reminder should be the 7-day one alone\n%s", m.Text)
	}
	if n := scalar[int](t, p.Pool, `SELECT count(*) FROM unit_reminders WHERE email = $1`, unit); n != 4 {
		t.Errorf("%d reminders recorded, want 4", n)
	}
}

// TestMailThroughput measures, with MAIL_TIMING set, how fast one instance
// delivers to a local SMTP server: one update followed by 300 addresses.
func TestMailThroughput(t *testing.T) {
	if os.Getenv("MAIL_TIMING") == "" {
		t.Skip("set MAIL_TIMING=1 to measure delivery")
	}
	const n = 300
	c := startCatcher(t)
	p := newTestPortal(t, withStaff(), withMail(c.URL()))
	_, err := p.Pool.Exec(context.Background(), `INSERT INTO subscriptions (email, lang, target_kind, target_key, frequency, nonce, confirmed_at)
		SELECT 'reader' || i || '@example.cn', 'zh', 'document', $1, 'immediate', i, now() FROM generate_series(1, $2) i`, replySlug, n)
	if err != nil {
		t.Fatal(err)
	}
	editor := loggedIn(t, p.URL, editorEmail)
	saved := time.Now()
	if r := request(t, editor, http.MethodPost, p.URL+"/commitments/12/updates", updateForm(t, p.Pool, 12, "测量。", "public")); r.status != http.StatusSeeOther {
		t.Fatalf("update: %d", r.status)
	}
	pgtest.WaitFor(t, 120*time.Second, "every mail", func() bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		return len(c.mails) >= n
	})
	c.mu.Lock()
	first, last := c.mails[0].At, c.mails[n-1].At
	c.mu.Unlock()
	t.Logf("%d mails: first arrived %v after the save, last %v; %.0f mails/s from first to last",
		n, first.Sub(saved).Round(time.Millisecond), last.Sub(saved).Round(time.Millisecond), float64(n-1)/last.Sub(first).Seconds())
}

// A recipient the server refuses for good is given up at once, with the
// error on the queue page; the other mails go; once the address works, an
// admin's "retry now" sends it.
func TestRefusedRecipientAndRetryNow(t *testing.T) {
	c := startCatcher(t)
	c.mu.Lock()
	c.refuse = "gone@"
	c.mu.Unlock()
	p := newTestPortal(t, withStaff(), withMail(c.URL()))
	confirmedSubscription(t, p.Pool, "gone@example.cn", "commitment", "12", "immediate")
	confirmedSubscription(t, p.Pool, "here@example.cn", "commitment", "12", "immediate")
	editor := loggedIn(t, p.URL, editorEmail)
	if r := request(t, editor, http.MethodPost, p.URL+"/commitments/12/updates", updateForm(t, p.Pool, 12, "拒收测试。", "public")); r.status != http.StatusSeeOther {
		t.Fatalf("update: %d", r.status)
	}
	c.wait(t, "here@example.cn", 1)
	jobsDone(t, p.Pool, "mail")
	id := scalar[int64](t, p.Pool, `SELECT id FROM river_job WHERE kind = 'mail' AND args->'message'->>'to' = 'gone@example.cn'`)
	if st := scalar[string](t, p.Pool, `SELECT state::text FROM river_job WHERE id = $1`, id); st != "cancelled" {
		t.Fatalf("the refused mail is %s, want cancelled after one attempt", st)
	}
	admin := loggedIn(t, p.URL, adminEmail)
	page := request(t, admin, http.MethodGet, p.URL+"/admin/mail/"+itoa(int(id)), nil)
	if page.status != http.StatusOK || !strings.Contains(page.body, "no such user") || !strings.Contains(page.body, "拒收测试。") {
		t.Fatalf("the mail's page lacks its error or text: %d\n%.1500s", page.status, page.body)
	}
	if r := request(t, admin, http.MethodPost, p.URL+"/admin/mail/999999/retry", url.Values{}); r.status != http.StatusNotFound {
		t.Errorf("retrying no such mail: %d, want 404", r.status)
	}
	// A mail that was sent is not sent again by "retry now", nor is a job
	// that is not a mail run again through the mail queue's route.
	sent := scalar[int64](t, p.Pool, `SELECT id FROM river_job WHERE kind = 'mail' AND args->'message'->>'to' = 'here@example.cn'`)
	if page := request(t, admin, http.MethodGet, p.URL+"/admin/mail/"+itoa(int(sent)), nil); strings.Contains(page.body, "/retry") {
		t.Errorf("a sent mail's page offers retrying it")
	}
	if r := request(t, admin, http.MethodPost, p.URL+"/admin/mail/"+itoa(int(sent))+"/retry", url.Values{}); r.status != http.StatusConflict || !strings.Contains(r.body, "不能重试") {
		t.Errorf("retrying a sent mail: %d, want 409 with the reason\n%.600s", r.status, r.body)
	}
	change := scalar[int64](t, p.Pool, `SELECT id FROM river_job WHERE kind = 'commitment_change' LIMIT 1`)
	if r := request(t, admin, http.MethodPost, p.URL+"/admin/mail/"+itoa(int(change))+"/retry", url.Values{}); r.status != http.StatusNotFound {
		t.Errorf("retrying a job that is not a mail: %d, want 404", r.status)
	}
	c.mu.Lock()
	c.refuse = ""
	c.mu.Unlock()
	if r := request(t, admin, http.MethodPost, p.URL+"/admin/mail/"+itoa(int(id))+"/retry", url.Values{}); r.status != http.StatusSeeOther {
		t.Fatalf("retry now: %d", r.status)
	}
	c.wait(t, "gone@example.cn", 1)
	jobsDone(t, p.Pool, "mail")
	// Once it has gone, retrying it again is refused.
	if r := request(t, admin, http.MethodPost, p.URL+"/admin/mail/"+itoa(int(id))+"/retry", url.Values{}); r.status != http.StatusConflict {
		t.Errorf("retrying the delivered mail: %d, want 409", r.status)
	}
	jobsDone(t, p.Pool, "commitment_change")
	jobsDone(t, p.Pool, "mail")
	time.Sleep(500 * time.Millisecond) // a duplicate would arrive now
	if n, m := len(c.to("here@example.cn")), len(c.to("gone@example.cn")); n != 1 || m != 1 {
		t.Errorf("here@ got %d mails and gone@ %d, want 1 each", n, m)
	}
}

// A server slower than the portal's limit fails the attempt (no 500
// anywhere, nothing lost); once it answers in time the mail arrives once.
func TestSlowSMTPServerRetriesAndDeliversOnce(t *testing.T) {
	c := startCatcher(t)
	c.mu.Lock()
	c.delay = 2 * time.Second
	c.mu.Unlock()
	p := newTestPortal(t, withStaff(), withMail(c.URL()), func(pc *portalConfig) { pc.opts.MailTimeout = 500 * time.Millisecond })
	confirmedSubscription(t, p.Pool, "slow@example.cn", "commitment", "12", "immediate")
	editor := loggedIn(t, p.URL, editorEmail)
	if r := request(t, editor, http.MethodPost, p.URL+"/commitments/12/updates", updateForm(t, p.Pool, 12, "慢服务器。", "public")); r.status != http.StatusSeeOther {
		t.Fatalf("update: %d", r.status)
	}
	pgtest.WaitFor(t, 20*time.Second, "a timed-out attempt", func() bool {
		return scalar[int](t, p.Pool, `SELECT count(*) FROM river_job WHERE kind = 'mail' AND cardinality(errors) > 0`) == 1
	})
	errText := scalar[string](t, p.Pool, `SELECT errors[1]->>'error' FROM river_job WHERE kind = 'mail'`)
	t.Logf("the attempt failed with: %s", errText)
	c.mu.Lock()
	c.delay = 0
	c.mu.Unlock()
	c.wait(t, "slow@example.cn", 1)
	jobsDone(t, p.Pool, "mail")
	time.Sleep(time.Second)
	if n := len(c.to("slow@example.cn")); n != 1 {
		t.Errorf("%d mails, want 1", n)
	}
}

// A reader of the English interface gets English mail.
func TestMailIsInTheSubscribersLanguage(t *testing.T) {
	c := startCatcher(t)
	p := newTestPortal(t, withMail(c.URL()))
	r := request(t, nil, http.MethodPost, p.URL+"/subscriptions", url.Values{"email": {"en@example.cn"}, "kind": {"entity"}, "key": {"tongren"}},
		"Accept-Language", "en-GB,en;q=0.9")
	if r.status != http.StatusOK { // the default client follows the redirect to /subscriptions/sent
		t.Fatalf("subscribe: %d", r.status)
	}
	m := parseMail(t, c.wait(t, "en@example.cn", 1)[0])
	if m.Subject != "Please confirm your subscription" || !strings.Contains(m.Text, "If it was not you") {
		t.Errorf("an English reader's confirmation: %q\n%s", m.Subject, m.Text)
	}
	if lang := scalar[string](t, p.Pool, `SELECT lang FROM subscriptions WHERE email = 'en@example.cn'`); lang != "en" {
		t.Errorf("subscription language %q", lang)
	}
}
