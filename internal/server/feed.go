package server

import (
	"encoding/xml"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/guizhou-portal/portal/internal/postgres"
)

// Feed sizes: the whole portal's newest updates, and one commitment's.
const (
	feedEntries           = 50
	commitmentFeedEntries = 200
)

// atomFeed and its parts are the subset of RFC 4287 the portal writes;
// encoding/xml does the escaping.
type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Lang    string      `xml:"xml:lang,attr"`
	ID      string      `xml:"id"`
	Title   string      `xml:"title"`
	Updated string      `xml:"updated"`
	Author  atomPerson  `xml:"author"`
	Links   []atomLink  `xml:"link"`
	Entries []atomEntry `xml:"entry"`
}

type atomPerson struct {
	Name string `xml:"name"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomEntry struct {
	ID        string      `xml:"id"`
	Title     string      `xml:"title"`
	Updated   string      `xml:"updated"`
	Published string      `xml:"published"`
	Author    *atomPerson `xml:"author,omitempty"`
	Links     []atomLink  `xml:"link"`
	Content   atomText    `xml:"content"`
}

type atomText struct {
	Type string `xml:"type,attr"`
	Text string `xml:",chardata"`
}

// siteName is the feed author where an update is not signed.
const siteName = "政策文件跟踪"

// showUpdatesFeed serves /updates.atom: the newest public progress updates.
func (s *Server) showUpdatesFeed(w http.ResponseWriter, r *http.Request) {
	s.serveFeed(w, r, 0)
}

// showCommitmentFeed serves /commitments/{id}/updates.atom: one commitment's
// public timeline. A withdrawn commitment has no feed.
func (s *Server) showCommitmentFeed(w http.ResponseWriter, r *http.Request) {
	id, err := commitmentID(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.serveFeed(w, r, id)
}

func (s *Server) serveFeed(w http.ResponseWriter, r *http.Request, commitmentID int64) {
	if _, err := apiQuery(r); err != nil {
		s.renderError(w, r, err)
		return
	}
	ctx := r.Context()
	epoch, err := s.store.FeedEpoch(ctx, commitmentID)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	limit := feedEntries
	if commitmentID != 0 {
		limit = commitmentFeedEntries
	}
	updates, err := s.store.PublicUpdates(ctx, commitmentID, limit)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	base := s.absoluteBase(r)
	f := atomFeed{Lang: "zh-CN", Author: atomPerson{siteName}, Updated: atomTime(epoch)}
	if commitmentID == 0 {
		f.ID, f.Title = base+"/updates.atom", "承诺事项进展 · "+siteName
		f.Links = []atomLink{{Rel: "self", Type: "application/atom+xml", Href: base + "/updates.atom"},
			{Rel: "alternate", Type: "text/html", Href: base + "/commitments"}}
	} else {
		c, err := s.store.Commitment(ctx, commitmentID)
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		page := base + "/commitments/" + strconv.FormatInt(commitmentID, 10)
		f.ID, f.Title = page+"/updates.atom", c.Label()+":"+c.Title+" · 进展"
		f.Links = []atomLink{{Rel: "self", Type: "application/atom+xml", Href: page + "/updates.atom"},
			{Rel: "alternate", Type: "text/html", Href: page}}
	}
	for i, u := range updates {
		if i == 0 {
			f.Updated = atomTime(u.CreatedAt)
		}
		f.Entries = append(f.Entries, feedEntry(base, u))
	}
	body, err := xml.MarshalIndent(f, "", "  ")
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.writeCompressed(w, r, "application/atom+xml; charset=utf-8", append([]byte(xml.Header), append(body, '\n')...))
}

// feedEntry is one update as an entry. Its id is the update's anchor on the
// commitment page, which never changes.
func feedEntry(base string, u postgres.PublicUpdate) atomEntry {
	page := base + "/commitments/" + strconv.FormatInt(u.CommitmentID, 10)
	title := u.CommitmentLabel + ":" + u.CommitmentTitle + " · " + u.Status.Name()
	if u.Progress != nil {
		title += " " + strconv.Itoa(*u.Progress) + "%"
	}
	var content strings.Builder
	content.WriteString(u.HappenedOn.Format("2006年1月2日") + " " + u.Status.Name())
	if u.Progress != nil {
		content.WriteString(",进度 " + strconv.Itoa(*u.Progress) + "%")
	}
	content.WriteString("\n" + u.Note)
	if u.EvidenceURL != "" {
		content.WriteString("\n证据:" + u.EvidenceURL)
	}
	content.WriteString("\n来自《" + u.DocumentTitle + "》")
	e := atomEntry{
		ID: page + "#u" + strconv.FormatInt(u.ID, 10), Title: title,
		Updated: atomTime(u.CreatedAt), Published: atomTime(u.CreatedAt),
		Links:   []atomLink{{Rel: "alternate", Type: "text/html", Href: page + "#u" + strconv.FormatInt(u.ID, 10)}},
		Content: atomText{Type: "text", Text: content.String()},
	}
	if u.EvidenceURL != "" {
		e.Links = append(e.Links, atomLink{Rel: "related", Href: u.EvidenceURL})
	}
	if u.Signed && u.Author != "" {
		e.Author = &atomPerson{u.Author}
	}
	return e
}

func atomTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// absoluteBase is the scheme and host the request came to, for the absolute
// IRIs Atom needs.
func (s *Server) absoluteBase(r *http.Request) string {
	if s.opts.BaseURL != "" {
		return s.opts.BaseURL // feed ids must not depend on a Host header anyone can send
	}
	scheme := "http"
	if r.TLS != nil || s.opts.HTTPS {
		scheme = "https"
	}
	host := r.Host
	if host == "" || strings.ContainsAny(host, "/\\?#@ ") {
		host = "localhost"
	}
	return scheme + "://" + host
}
