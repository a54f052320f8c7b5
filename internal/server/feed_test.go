package server_test

import (
	"context"
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/guizhou-portal/portal/internal/policy"
	"github.com/guizhou-portal/portal/internal/server"
)

// trackedPortal is a portal in which staff have worked: commitment a has a
// public signed update whose note needs escaping, a public unsigned one and an
// internal one; commitment b has a public update and was then withdrawn.
func trackedPortal(t *testing.T) (base string, pool *pgxpool.Pool, a, b int64) {
	t.Helper()
	p := newTestPortal(t)
	base, pool = p.URL, p.Pool
	ctx := context.Background()
	store := p.Store
	editor := addUser(t, pool, editorEmail, "李编辑", policy.RoleEditor)
	actor := policy.Actor{UserID: editor, Name: "李编辑"}
	ids := decode[struct{ Data []struct{ ID int64 } }](t, request(t, nil, "GET", base+"/api/v1/commitments?per_page=2", nil)).Data
	a, b = ids[0].ID, ids[1].ID
	add := func(id int64, note string, public, signed bool) {
		c, err := store.Commitment(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		p := 40
		if _, err := store.AddProgressUpdate(ctx, actor, id, c.Version, policy.NewUpdate{HappenedOn: time.Date(2024, 5, 20, 0, 0, 0, 0, time.UTC),
			Status: policy.StatusInProgress, Progress: &p, Note: note, EvidenceURL: "https://example.gov.cn/x?a=1&b=2", Public: public, Signed: signed}); err != nil {
			t.Fatal(err)
		}
	}
	add(a, `已开工 <b>&amp;</b> "二期" ]]>`, true, true)
	add(a, "公开未署名", true, false)
	add(a, "内部进展", false, true)
	add(b, "将被撤回的进展", true, true)
	c, err := store.Commitment(ctx, b)
	if err != nil {
		t.Fatal(err)
	}
	if err := store.WithdrawCommitment(ctx, actor, b, c.Version, "重复"); err != nil {
		t.Fatal(err)
	}
	return base, pool, a, b
}

// atom is what the test reads back from a feed.
type atom struct {
	XMLName xml.Name     `xml:"http://www.w3.org/2005/Atom feed"`
	ID      string       `xml:"id"`
	Title   string       `xml:"title"`
	Updated string       `xml:"updated"`
	Author  []atomAuthor `xml:"author"`
	Links   []atomLink   `xml:"link"`
	Entries []struct {
		ID      string       `xml:"id"`
		Title   string       `xml:"title"`
		Updated string       `xml:"updated"`
		Author  []atomAuthor `xml:"author"`
		Links   []atomLink   `xml:"link"`
		Content struct {
			Type string `xml:"type,attr"`
			Text string `xml:",chardata"`
		} `xml:"content"`
	} `xml:"entry"`
}

type atomAuthor struct {
	Name string `xml:"name"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr"`
	Href string `xml:"href,attr"`
}

// readFeed checks that a feed is well-formed XML and carries what RFC 4287
// requires: absolute ids, RFC 3339 dates, titles, a self link, an author for
// every entry, and an alternate link on every entry.
func readFeed(t *testing.T, r response) atom {
	t.Helper()
	if r.status != 200 || r.header.Get("Content-Type") != "application/atom+xml; charset=utf-8" {
		t.Fatalf("status %d, type %q\n%s", r.status, r.header.Get("Content-Type"), r.body)
	}
	dec := xml.NewDecoder(strings.NewReader(r.body))
	for {
		if _, err := dec.Token(); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatalf("not well-formed: %v", err)
		}
	}
	var f atom
	if err := xml.Unmarshal([]byte(r.body), &f); err != nil {
		t.Fatal(err)
	}
	absolute := func(what, iri string) {
		if u, err := url.Parse(iri); err != nil || u.Scheme == "" || u.Host == "" {
			t.Errorf("%s %q is not an absolute IRI", what, iri)
		}
	}
	stamp := func(what, s string) {
		if _, err := time.Parse(time.RFC3339, s); err != nil {
			t.Errorf("%s %q is not an RFC 3339 date", what, s)
		}
	}
	absolute("feed id", f.ID)
	stamp("feed updated", f.Updated)
	if f.Title == "" || len(f.Author) != 1 || f.Author[0].Name == "" {
		t.Errorf("feed title %q, authors %v", f.Title, f.Author)
	}
	self := false
	for _, l := range f.Links {
		self = self || l.Rel == "self"
	}
	if !self {
		t.Error("no self link")
	}
	ids := map[string]bool{}
	for _, e := range f.Entries {
		absolute("entry id", e.ID)
		stamp("entry updated", e.Updated)
		if ids[e.ID] {
			t.Errorf("entry id %s twice", e.ID)
		}
		ids[e.ID] = true
		alternate := false
		for _, l := range e.Links {
			alternate = alternate || l.Rel == "alternate"
		}
		if e.Title == "" || !alternate || e.Content.Type != "text" {
			t.Errorf("entry %s: title %q, links %v", e.ID, e.Title, e.Links)
		}
	}
	return f
}

func TestUpdatesFeedsAreValidAtom(t *testing.T) {
	base, _, a, withdrawn := trackedPortal(t)
	all := readFeed(t, request(t, nil, "GET", base+"/updates.atom", nil))
	if len(all.Entries) != 2 {
		t.Fatalf("%d entries, want the 2 public updates of visible commitments", len(all.Entries))
	}
	signed, unsigned := all.Entries[1], all.Entries[0] // newest first
	if !strings.Contains(signed.Content.Text, `已开工 <b>&amp;</b> "二期" ]]>`) || !strings.Contains(signed.Content.Text, "https://example.gov.cn/x?a=1&b=2") {
		t.Errorf("the note did not survive escaping: %q", signed.Content.Text)
	}
	if len(signed.Author) != 1 || signed.Author[0].Name != "李编辑" || len(unsigned.Author) != 0 {
		t.Errorf("authors: signed %v, unsigned %v", signed.Author, unsigned.Author)
	}
	for _, e := range all.Entries {
		if strings.Contains(e.Content.Text, "内部进展") || strings.Contains(e.Content.Text, "将被撤回") {
			t.Errorf("feed shows %q", e.Content.Text)
		}
	}

	one := readFeed(t, request(t, nil, "GET", base+"/commitments/"+strconv.FormatInt(a, 10)+"/updates.atom", nil))
	if len(one.Entries) != 2 || !strings.HasSuffix(one.ID, "/commitments/"+strconv.FormatInt(a, 10)+"/updates.atom") {
		t.Errorf("commitment feed: id %s, %d entries", one.ID, len(one.Entries))
	}
	other := decode[struct{ Data []struct{ ID int64 } }](t, request(t, nil, "GET", base+"/api/v1/commitments?per_page=3", nil)).Data[2].ID
	if empty := readFeed(t, request(t, nil, "GET", base+"/commitments/"+strconv.FormatInt(other, 10)+"/updates.atom", nil)); len(empty.Entries) != 0 {
		t.Errorf("a commitment without updates has %d entries", len(empty.Entries))
	}
	for _, path := range []string{"/commitments/" + strconv.FormatInt(withdrawn, 10) + "/updates.atom", "/commitments/999999/updates.atom", "/commitments/x/updates.atom"} {
		if r := request(t, nil, "GET", base+path, nil); r.status != 404 {
			t.Errorf("%s: %d", path, r.status)
		}
	}
	if r := request(t, nil, "GET", base+"/updates.atom?x=1", nil); r.status != 400 {
		t.Errorf("unknown parameter: %d", r.status)
	}
	for path, feed := range map[string]string{
		"/commitments": "/updates.atom",
		"/commitments/" + strconv.FormatInt(a, 10): "/commitments/" + strconv.FormatInt(a, 10) + "/updates.atom",
	} {
		if r := request(t, nil, "GET", base+path, nil); !strings.Contains(r.body, `<link rel="alternate" type="application/atom+xml" title="进展订阅（Atom）" href="`+feed+`">`) {
			t.Errorf("%s does not announce %s", path, feed)
		}
	}
}

func TestFeedIDsComeFromTheConfiguredAddressNotTheHostHeader(t *testing.T) {
	base := newTestPortal(t, withStaff(), withOptions(server.Options{BaseURL: "https://portal.example.gov.cn"})).URL
	req, _ := http.NewRequest(http.MethodGet, base+"/updates.atom", nil)
	req.Host = "evil.example"
	r := send(t, browserClient(t), req)
	if r.status != 200 || strings.Contains(r.body, "evil.example") || !strings.Contains(r.body, "<id>https://portal.example.gov.cn/updates.atom</id>") {
		t.Errorf("status %d; the feed's id follows the Host header:\n%.600s", r.status, r.body)
	}
}
