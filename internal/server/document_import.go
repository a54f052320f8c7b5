package server

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/guizhou-portal/portal/internal/i18n"
	"github.com/guizhou-portal/portal/internal/importer"
	"github.com/guizhou-portal/portal/internal/policy"
	"github.com/guizhou-portal/portal/internal/postgres"
	"github.com/guizhou-portal/portal/web"
)

// maxImportBytes caps an import's body: the seed's page is 15 KB; a reply
// ten times as long still fits, with the hidden copy of the confirmation form.
const maxImportBytes = 1 << 20

// showImport shows the form that uploads or pastes a reply.
func (s *Server) showImport(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, web.ImportPage(web.ImportView{}))
}

// importDocument handles both steps of an import. Without confirm it parses
// the uploaded or pasted text and shows what it read and what saving would
// do, saving nothing; the page carries the text and its SHA-256 in hidden
// fields. With confirm it parses that text again and saves it, if the sum
// still matches, then redirects to the document. A text that does not parse
// is shown again with the line at fault and status 422; one that parses but
// cannot be saved (it would lose a commitment's words) gets 409.
func (s *Server) importDocument(w http.ResponseWriter, r *http.Request) {
	l := i18n.From(r.Context())
	v, err := readImportForm(w, r, l)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if len(v.Errors) > 0 {
		s.render(w, r, http.StatusUnprocessableEntity, web.ImportPage(v))
		return
	}
	confirm := r.PostForm.Get("confirm") == "1"
	if confirm && r.PostForm.Get("sum") != v.Sum {
		s.renderError(w, r, policy.Errorm(policy.EINVALID, "imp.badsum"))
		return
	}
	doc, err := importer.Parse([]byte(v.Text))
	var perr *importer.ParseError
	if errors.As(err, &perr) {
		v.ParseError = perr
		s.render(w, r, http.StatusUnprocessableEntity, web.ImportPage(v))
		return
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	v.Document = doc
	name := v.Name
	if name == "" {
		name = l.T("imp.pasted")
	}
	files := []postgres.ImportFile{{Name: name, Document: doc}}
	status := http.StatusOK
	if confirm {
		// The confirmation carries what its review promised; if saving
		// would now do something else, nothing is saved and the review is
		// shown again, made afresh, with 409.
		if id, err := strconv.ParseInt(r.PostForm.Get("expectdoc"), 10, 64); err == nil {
			files[0].Expect = &postgres.ImportExpect{DocumentID: id, State: r.PostForm.Get("expectstate")}
		}
		res, err := s.store.ImportDocuments(r.Context(), actorOf(r), files)
		if err == nil {
			s.logger.Info("document imported", "slug", res[0].Slug, "created", res[0].Created, "unchanged", res[0].Unchanged, "by", userOf(r).ID)
			http.Redirect(w, r, "/documents/"+res[0].Slug, http.StatusSeeOther)
			return
		}
		var stale *postgres.ImportStale
		if !errors.As(err, &stale) {
			if !s.showRefusal(w, r, v, err) {
				s.renderError(w, r, err)
			}
			return
		}
		v.Problems = append(v.Problems, l.T("imp.stale", name))
		files[0].Expect, status = nil, http.StatusConflict
	}
	res, err := s.store.PreviewImport(r.Context(), files)
	if err != nil {
		if !s.showRefusal(w, r, v, err) {
			s.renderError(w, r, err)
		}
		return
	}
	p := res[0]
	v.Preview = &web.ImportPreview{Created: p.Created, MatchedBy: p.MatchedBy, Slug: p.Slug, Sections: p.Sections,
		NewCited: p.NewCited, Kept: p.Kept, State: p.State, Unchanged: p.Unchanged,
		LostMeasures: p.LostMeasures, LostCitations: p.LostCitations}
	if !p.Created {
		v.Preview.DocumentID = p.DocumentID
	}
	if !p.Created {
		if current, err := s.store.Document(r.Context(), p.Slug); err == nil {
			v.Preview.CurrentTitle = current.Title
		}
	}
	for _, e := range p.Entities {
		v.Preview.Entities = append(v.Preview.Entities, web.ImportEntity{Slug: e.Slug, Name: e.Name, Count: e.Count})
	}
	for _, m := range p.Moved {
		v.Preview.Moved = append(v.Preview.Moved, web.ImportMoved{ID: m.ID, Position: m.Position, Title: m.Title, From: m.From, To: m.To,
			FromSection: m.FromSection, ToSection: m.ToSection})
	}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, status, web.ImportPage(v))
}

// showRefusal shows the parsed text with why it cannot be saved, with 409,
// when err is such a refusal.
func (s *Server) showRefusal(w http.ResponseWriter, r *http.Request, v web.ImportView, err error) bool {
	var refusal *postgres.ImportRefusal
	if !errors.As(err, &refusal) {
		return false
	}
	l := i18n.From(r.Context())
	for _, p := range refusal.Problems {
		v.Problems = append(v.Problems, l.T(p.MessageID, p.Args...))
	}
	s.render(w, r, http.StatusConflict, web.ImportPage(v))
	return true
}

// readImportForm reads the text to import: an uploaded file, else the text
// field, with line ends made \n (browsers send a form's line breaks as \r\n).
func readImportForm(w http.ResponseWriter, r *http.Request, l *i18n.Localizer) (web.ImportView, error) {
	var v web.ImportView
	r.Body = http.MaxBytesReader(w, r.Body, maxImportBytes)
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	var err error
	if mt == "multipart/form-data" {
		err = r.ParseMultipartForm(maxImportBytes)
	} else {
		err = r.ParseForm()
	}
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return v, errTooLarge
	}
	if err != nil {
		return v, policy.Errorm(policy.EINVALID, "err.form")
	}
	v.Name = strings.TrimSpace(r.PostForm.Get("name"))
	text := r.PostForm.Get("text")
	if r.MultipartForm != nil {
		if fhs := r.MultipartForm.File["file"]; len(fhs) > 0 && fhs[0].Size > 0 {
			f, err := fhs[0].Open()
			if err != nil {
				return v, err
			}
			b, err := io.ReadAll(f)
			f.Close()
			if err != nil {
				return v, err
			}
			text, v.Name = string(b), fhs[0].Filename
		}
	}
	v.Errors = web.FieldErrors{}
	text = strings.TrimPrefix(strings.ReplaceAll(strings.ReplaceAll(text, "\r\n", "\n"), "\r", "\n"), "\ufeff")
	switch {
	case !utf8.ValidString(text):
		v.Errors["text"] = l.T("imp.notutf8")
		text = strings.ToValidUTF8(text, "\ufffd")
	case strings.TrimSpace(text) == "":
		v.Errors["text"] = l.T("imp.empty")
	}
	if utf8.RuneCountInString(v.Name) > 200 || !utf8.ValidString(v.Name) {
		v.Name = ""
	}
	sum := sha256.Sum256([]byte(text))
	v.Text, v.Sum = text, hex.EncodeToString(sum[:])
	return v, nil
}
