package server

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/textproto"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/guizhou-portal/portal/internal/config"
	"github.com/guizhou-portal/portal/internal/i18n"
	"github.com/guizhou-portal/portal/internal/policy"
	"github.com/guizhou-portal/portal/web"
)

// evidenceOverhead is what an upload's body may hold besides the file: the
// multipart boundaries and headers.
const evidenceOverhead = 64 << 10

// evidenceTimeout is the deadline of an upload or a download of evidence:
// 20 MB over a slow office line takes longer than a page.
const evidenceTimeout = 5 * time.Minute

// evidenceUploadPath matches the address files are uploaded to.
var evidenceUploadPath = regexp.MustCompile(`^/commitments/[^/]+/updates/[^/]+/evidence$`)

// isEvidenceUpload says whether r uploads evidence: its body may be as large
// as a file, not a form.
func isEvidenceUpload(r *http.Request) bool {
	return r.Method == http.MethodPost && evidenceUploadPath.MatchString(r.URL.Path)
}

// evidenceMax is the largest file one may attach.
func (s *Server) evidenceMax() int64 {
	if s.opts.EvidenceMaxBytes > 0 {
		return s.opts.EvidenceMaxBytes
	}
	return config.DefaultEvidenceMaxMB << 20
}

// evidenceTooLarge is the 413 of a file over the cap, naming the cap.
func (s *Server) evidenceTooLarge() error {
	return policy.Errorm(policy.ETOOLARGE, "evidence.toolarge", strconv.FormatInt(s.evidenceMax()>>20, 10))
}

// addEvidence attaches one uploaded file to a progress update. The body is
// read as a stream: the file goes to a temporary file while its SHA-256 is
// computed, is checked by its content, and is then stored with its audit
// record in one transaction. A body over the cap gets 413 without being
// read whole; a bad file name or type the commitment page again with the
// message beside the update (422); a body that breaks off, 400. In no case
// is anything stored.
func (s *Server) addEvidence(w http.ResponseWriter, r *http.Request) {
	c, err := s.visibleCommitment(r)
	var updateID int64
	if err == nil {
		updateID, err = strconv.ParseInt(chi.URLParam(r, "update"), 10, 64)
		if err != nil || updateID <= 0 {
			err = policy.Errorm(policy.ENOTFOUND, "evidence.update.unknown")
		}
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	l := i18n.From(r.Context())
	refuse := func(id string, args ...any) {
		s.renderCommitment(w, r, http.StatusUnprocessableEntity, func(v *web.CommitmentView) {
			v.EvidenceErrors = map[int64]string{updateID: l.T(id, args...)}
		})
	}
	mr, err := r.MultipartReader()
	if err != nil {
		s.renderError(w, r, policy.Errorm(policy.EINVALID, "evidence.form"))
		return
	}
	var tmp *os.File
	defer func() {
		if tmp != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	var f policy.EvidenceFile
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		var malformed textproto.ProtocolError
		if errors.As(err, &malformed) {
			// The part's header holds what no header may: in practice a file
			// name with control characters in it.
			refuse("evidence.name.control")
			return
		}
		if err != nil {
			s.uploadFailed(w, r, err)
			return
		}
		if part.FormName() != "file" || tmp != nil {
			// Nothing else is read from the form; a second file is not taken.
			if _, err := io.Copy(io.Discard, io.LimitReader(part, evidenceOverhead)); err != nil {
				s.uploadFailed(w, r, err)
				return
			}
			continue
		}
		// The name as sent: multipart's FileName would quietly drop a path.
		_, params, err := mime.ParseMediaType(part.Header.Get("Content-Disposition"))
		if err != nil {
			refuse("evidence.name.control") // a name the header cannot even carry
			return
		}
		raw, sent := params["filename"]
		if !sent || raw == "" {
			refuse("evidence.file.missing")
			return
		}
		name, problem := policy.CheckEvidenceName(raw)
		if problem != "" {
			refuse(problem, policy.EvidenceNameMax)
			return
		}
		if tmp, err = os.CreateTemp("", "portal-evidence-*"); err != nil {
			s.renderError(w, r, err)
			return
		}
		sum := sha256.New()
		n, err := io.Copy(io.MultiWriter(tmp, sum), io.LimitReader(part, s.evidenceMax()+1))
		if err != nil {
			s.uploadFailed(w, r, err)
			return
		}
		if n > s.evidenceMax() {
			w.Header().Set("Connection", "close")
			s.renderError(w, r, s.evidenceTooLarge())
			return
		}
		f = policy.EvidenceFile{Name: name, Size: n, SHA256: hex.EncodeToString(sum.Sum(nil))}
	}
	switch {
	case tmp == nil:
		refuse("evidence.file.missing")
		return
	case f.Size == 0:
		refuse("evidence.file.empty")
		return
	}
	ct, problem := policy.DetectEvidence(tmp, f.Size, f.Name)
	if problem != "" {
		refuse(problem)
		return
	}
	f.ContentType = ct
	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		s.renderError(w, r, err)
		return
	}
	id, err := s.store.AddEvidence(r.Context(), actorOf(r), c.ID, updateID, f, tmp)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.logger.InfoContext(r.Context(), "evidence added", "commitment_id", c.ID, "update_id", updateID, "evidence_id", id,
		"size", f.Size, "sha256", f.SHA256, "user_id", userOf(r).ID)
	http.Redirect(w, r, commitmentPath(c.ID)+"#u"+strconv.FormatInt(updateID, 10), http.StatusSeeOther)
}

// uploadFailed answers an upload whose body could not be read: 413 at the
// cap, 400 when it broke off or was not well-formed multipart.
func (s *Server) uploadFailed(w http.ResponseWriter, r *http.Request, err error) {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		w.Header().Set("Connection", "close")
		s.renderError(w, r, s.evidenceTooLarge())
		return
	}
	s.logger.WarnContext(r.Context(), "evidence upload broke off", "err", err)
	s.renderError(w, r, policy.Errorm(policy.EINVALID, "evidence.interrupted"))
}

// showEvidence sends an evidence file: with the type found from its content,
// inline only for images and PDF and as a download otherwise, never sniffed.
// A file of an internal update is not found for the public.
func (s *Server) showEvidence(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	if err != nil || id <= 0 {
		s.renderError(w, r, policy.Errorm(policy.ENOTFOUND, "evidence.unknown"))
		return
	}
	staff := userOf(r).CanEdit()
	f, err := s.store.Evidence(r.Context(), id, staff)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if evidenceNameOf(r) != f.Name {
		http.Redirect(w, r, web.EvidenceURL(f), http.StatusMovedPermanently)
		return
	}
	disposition := "attachment"
	if f.Inline() {
		disposition = "inline"
	}
	h := w.Header()
	h.Set("Content-Type", f.ContentType)
	h.Set("Content-Length", strconv.FormatInt(f.Size, 10))
	h.Set("Content-Disposition", mime.FormatMediaType(disposition, map[string]string{"filename": f.Name}))
	h.Set("X-Content-Type-Options", "nosniff")
	if f.ContentType != "application/pdf" {
		// Whatever the file holds, it runs nothing with the portal's origin.
		// (Browsers refuse to show a PDF in a sandbox; the portal's own
		// policy, which allows no script but its own, stays on PDFs.)
		h.Set("Content-Security-Policy", "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox")
	}
	h.Set("ETag", `"`+f.SHA256+`"`)
	h.Set("Cache-Control", "private, no-cache")
	if staff {
		h.Set("Cache-Control", "private, no-store")
	}
	h.Del("Content-Language")
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodHead {
		return
	}
	if err := s.store.WriteEvidence(r.Context(), f.ID, w); err != nil {
		s.logger.WarnContext(r.Context(), "evidence download broke off", "evidence_id", f.ID, "err", err)
	}
}

// evidenceNameOf is the file name an /evidence/{id}/{name} address asks for,
// decoded exactly once. chi's {name} is decoded already when the path was
// sent in its usual escaping, but not when it was not (r.URL.RawPath set):
// decoding it again turned "50%25%20done.pdf" into an error and "a%2541.pdf"
// into "aA.pdf", so that the redirect to the file's own address looped. The
// last segment of the escaped path is one form whatever the client sent.
func evidenceNameOf(r *http.Request) string {
	p := r.URL.EscapedPath()
	name, err := url.PathUnescape(p[strings.LastIndexByte(p, '/')+1:])
	if err != nil {
		return ""
	}
	return name
}
