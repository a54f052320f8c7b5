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
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/guizhou-portal/portal/internal/i18n"
	"github.com/guizhou-portal/portal/internal/importer"
	"github.com/guizhou-portal/portal/internal/policy"
	"github.com/guizhou-portal/portal/internal/postgres"
	"github.com/guizhou-portal/portal/web"
)

// maxImportText caps the text the page imports, counting each line break as
// the \r\n a browser sends it back as: the confirmation posts the text back
// and must fit, with the form around it, under the cap on every request body
// (maxBodyBytes). The seed's page is 15 KB; a text of 200 KB in 15,000 short
// paragraphs took 6 to 7 s to review or save on a busy two-core machine. A
// longer reply is imported with portal import, up to the importer's 1 MB.
const maxImportText = 200 << 10

// defaultImportTimeout is the deadline of an import's review and
// confirmation (see deadline): several times what a text at the cap takes.
const defaultImportTimeout = 60 * time.Second

// errImportTooLarge is the 413 of an import, which says what to do instead.
var errImportTooLarge = policy.Errorm(policy.ETOOLARGE, "imp.toolarge", strconv.Itoa(maxImportText>>10))

// tooLarge is the 413 error for a request whose body is over the cap.
func tooLarge(r *http.Request) error {
	if r.Method == http.MethodPost && r.URL.Path == "/documents/import" {
		return errImportTooLarge
	}
	return errTooLarge
}

// showImport shows the form that uploads or pastes a reply.
func (s *Server) showImport(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, web.ImportPage(web.ImportView{}))
}

// importDocument handles both steps of an import. Without confirm it parses
// the uploaded or pasted text and shows what it read and what saving would
// do, saving nothing; the page carries the text and its SHA-256 in hidden
// fields. With confirm it parses that text again and saves it, if the sum
// still matches, then redirects to the document, or to its commitments to
// check when the new version changed or dropped some of their words. A text
// that does not parse is shown again with the line at fault and status 422;
// one that parses but cannot be saved (it matches several documents, or
// takes another's 文号) gets 409.
func (s *Server) importDocument(w http.ResponseWriter, r *http.Request) {
	l := i18n.From(r.Context())
	v, err := readImportForm(r, l)
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
	doc, err := importer.Read([]byte(v.Text))
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
	titled := importTitle(r, l, &v)
	files := []postgres.ImportFile{{Name: name, Document: doc}}
	if doc.Untitled() {
		// Reviewed before a title is typed: the preview needs one to say
		// what saving would do, and the confirmation refuses it.
		preview := *doc
		preview.Entitle(l.T("imp.untitled.none"))
		files[0].Document = &preview
	}
	status := http.StatusOK
	review, err := s.importReview(r, &v, confirm)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if confirm && (review == nil || !titled) {
		// A refused theme, candidate or title: nothing is saved, and the
		// review is shown again with what was chosen and typed.
		confirm, status = false, http.StatusUnprocessableEntity
	}
	if confirm {
		files[0].Review = review
		// The confirmation carries what its review promised; if saving
		// would now do something else, nothing is saved and the review is
		// shown again, made afresh, with 409.
		if id, err := strconv.ParseInt(r.PostForm.Get("expectdoc"), 10, 64); err == nil {
			files[0].Expect = &postgres.ImportExpect{DocumentID: id, State: r.PostForm.Get("expectstate")}
		}
		res, err := s.store.ImportDocuments(r.Context(), actorOf(r), files)
		if err == nil {
			s.logger.InfoContext(r.Context(), "document imported", "slug", res[0].Slug, "created", res[0].Created, "unchanged", res[0].Unchanged,
				"version", res[0].Version, "reanchored", len(res[0].Reanchored), "unplaced", len(res[0].Unplaced), "by", userOf(r).ID)
			to := "/documents/" + res[0].Slug
			if len(res[0].Reanchored)+len(res[0].Unplaced) > 0 {
				to += "/anchors" // the commitments to check, straight away
			}
			http.Redirect(w, r, to, http.StatusSeeOther)
			return
		}
		var stale *postgres.ImportStale
		var candidate *postgres.CandidateError
		switch {
		case errors.As(err, &candidate):
			// Its words are now taken by a commitment added since the review.
			v.Review.Errors[web.CandidateField(candidate.Number, "accept")] = errorMessage(l, candidate.Err)
			files[0].Expect, status = nil, http.StatusUnprocessableEntity
		case errors.As(err, &stale):
			v.Problems = append(v.Problems, l.T("imp.stale", name))
			files[0].Expect, status = nil, http.StatusConflict
		default:
			if !s.showRefusal(w, r, v, err) {
				s.renderError(w, r, err)
			}
			return
		}
		files[0].Review = nil
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
		if status == http.StatusOK {
			if err := s.fromCurrentDocument(r, &v, p.Slug); err != nil {
				s.renderError(w, r, err)
				return
			}
		}
	}
	for _, e := range p.Entities {
		v.Preview.Entities = append(v.Preview.Entities, web.ImportEntity{Slug: e.Slug, Name: e.Name, Count: e.Count})
	}
	v.Preview.Version = p.Version
	for _, c := range p.Reanchored {
		v.Preview.Reanchored = append(v.Preview.Reanchored, web.ImportReanchored{ID: c.ID, Position: c.Position, Title: c.Title, Was: c.Was, Now: c.Now})
	}
	for _, c := range p.Unplaced {
		v.Preview.Unplaced = append(v.Preview.Unplaced, web.ImportUnplaced{ID: c.ID, Position: c.Position, Title: c.Title, Quote: c.Quote})
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
func readImportForm(r *http.Request, l *i18n.Localizer) (web.ImportView, error) {
	var v web.ImportView
	// limitBodies caps the body at maxBodyBytes.
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	var err error
	if mt == "multipart/form-data" {
		err = r.ParseMultipartForm(maxBodyBytes)
	} else {
		err = r.ParseForm()
	}
	var overCap *http.MaxBytesError
	if errors.As(err, &overCap) {
		return v, errImportTooLarge
	}
	if err != nil {
		return v, policy.Errorm(policy.EINVALID, "err.form")
	}
	v.Name = r.PostForm.Get("name")
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
	if len(text)+strings.Count(text, "\n") > maxImportText {
		return v, errImportTooLarge
	}
	switch {
	case !utf8.ValidString(text):
		v.Errors["text"] = l.T("imp.notutf8")
		text = strings.ToValidUTF8(text, "\ufffd")
	case strings.TrimSpace(text) == "":
		v.Errors["text"] = l.T("imp.empty")
	}
	v.Name = importName(v.Name)
	sum := sha256.Sum256([]byte(text))
	v.Text, v.Sum = text, hex.EncodeToString(sum[:])
	return v, nil
}

// importName is the file's name as the page, the refusals and the audit
// record show it. It is only a label, so what no file name needs is dropped
// rather than refused: control characters (a NUL would not even fit the
// audit record's JSON), invalid UTF-8, and a name too long to be one.
func importName(s string) string {
	if !utf8.ValidString(s) {
		return ""
	}
	s = strings.TrimSpace(strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, s))
	if utf8.RuneCountInString(s) > 200 {
		return ""
	}
	return s
}

// maxImportTitle is the longest title the page takes: the longest in the
// corpus is 60 characters, and a title is one line.
const maxImportTitle = 200

// importTitle gives an untitled text the title typed on the review, or at
// the first review the one its opening suggests, and reports whether a
// confirmation may save it: the title is there, fits, and is the one the
// review was made with (the preview's match and slug depend on it).
func importTitle(r *http.Request, l *i18n.Localizer, v *web.ImportView) bool {
	d := v.Document
	if !d.Untitled() {
		return true
	}
	v.Untitled = true
	typed, ok := r.PostForm["title"]
	switch {
	case !ok:
		v.Title = d.SuggestTitle()
	case len(typed) > 0:
		v.Title = strings.Join(strings.Fields(typed[0]), " ")
	}
	confirm := r.PostForm.Get("confirm") == "1"
	switch {
	case utf8.RuneCountInString(v.Title) > maxImportTitle:
		v.Errors["title"] = l.T("imp.untitled.toolong", strconv.Itoa(maxImportTitle))
		v.Title = string([]rune(v.Title)[:maxImportTitle])
		return false
	case v.Title == "":
		if confirm {
			v.Errors["title"] = l.T("imp.untitled.required")
		}
		return false
	}
	d.Entitle(v.Title)
	if confirm && v.Title != r.PostForm.Get("reviewedtitle") {
		v.Errors["title"] = l.T("imp.untitled.changed")
		return false
	}
	return true
}
