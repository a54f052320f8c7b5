package server

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
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
	"github.com/guizhou-portal/portal/internal/objectstore"
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
// read as a stream and the file's SHA-256 computed as it comes. Kept in
// PostgreSQL, the file goes to a temporary file, is checked by its content,
// and is then stored with its audit record in one transaction, so that no
// transaction waits on a slow client. Kept in the S3 store, a file whose
// first 512 bytes tell its type is checked by them and streamed to the store
// as it arrives; a zip container (an office document) goes to a temporary
// file first, since only the whole file tells it from an archive bomb. Its
// row and audit record are then written in one transaction, and the object
// is removed again if that fails. A body over the cap gets 413 without being
// read whole; a bad file name or type the commitment page again with the
// message beside the update (422); a body that breaks off, 400; a store that
// is down, 503. In no case is anything stored.
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
	var key string // an object stored that no committed row names yet
	defer func() {
		if tmp != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
		if key != "" {
			s.removeEvidenceObject(r, key)
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
		if part.FormName() != "file" || tmp != nil || key != "" {
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
		var content io.Reader = part
		if s.objects != nil {
			head := make([]byte, 512)
			n, err := io.ReadFull(part, head)
			if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
				s.uploadFailed(w, r, err)
				return
			}
			head = head[:n]
			if n == 0 {
				refuse("evidence.file.empty")
				return
			}
			content = io.MultiReader(bytes.NewReader(head), part)
			if !policy.NeedsWholeFile(head) {
				streamed, ok := s.streamEvidence(w, r, name, head, content, refuse)
				if !ok {
					return
				}
				f, key = streamed, streamed.ObjectKey
				continue
			}
		}
		if tmp, err = os.CreateTemp("", "portal-evidence-*"); err != nil {
			s.renderError(w, r, err)
			return
		}
		sum := sha256.New()
		n, err := io.Copy(io.MultiWriter(tmp, sum), io.LimitReader(content, s.evidenceMax()+1))
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
	case tmp == nil && key == "":
		refuse("evidence.file.missing")
		return
	case f.Size == 0:
		refuse("evidence.file.empty")
		return
	}
	if tmp != nil {
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
		if s.objects != nil {
			k := objectstore.NewKey()
			if err := s.objects.Put(r.Context(), k, tmp, f.Size, f.ContentType); err != nil {
				s.evidenceStoreFailed(w, r, err)
				return
			}
			key, f.ObjectKey = k, k
		}
	}
	id, err := s.store.AddEvidence(r.Context(), actorOf(r), c.ID, updateID, f, tmp)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	key = "" // its row names it now
	s.logger.InfoContext(r.Context(), "evidence added", "commitment_id", c.ID, "update_id", updateID, "evidence_id", id,
		"size", f.Size, "sha256", f.SHA256, "user_id", userOf(r).ID)
	http.Redirect(w, r, commitmentPath(c.ID)+"#u"+strconv.FormatInt(updateID, 10), http.StatusSeeOther)
}

// errEvidenceCap is what capReader gives past the cap.
var errEvidenceCap = errors.New("evidence: over the size cap")

// capReader reads at most left bytes of r and counts them; one byte more is
// errEvidenceCap.
type capReader struct {
	r    io.Reader
	left int64
	n    int64
}

func (c *capReader) Read(b []byte) (int, error) {
	if int64(len(b)) > c.left+1 {
		b = b[:c.left+1]
	}
	n, err := c.r.Read(b)
	c.n += int64(n)
	c.left -= int64(n)
	if c.left < 0 {
		return n, errEvidenceCap
	}
	return n, err
}

// streamEvidence sends one file of the upload, whose first bytes head tell
// its type, to the S3 store as it arrives, computing its SHA-256 on the way.
// The type is checked before anything is sent. On failure it has answered
// the request (through refuse for a bad type) and the store holds nothing.
func (s *Server) streamEvidence(w http.ResponseWriter, r *http.Request, name string, head []byte, content io.Reader, refuse func(string, ...any)) (policy.EvidenceFile, bool) {
	ct, problem := policy.DetectEvidence(bytes.NewReader(head), int64(len(head)), name)
	if problem != "" {
		refuse(problem)
		return policy.EvidenceFile{}, false
	}
	sum := sha256.New()
	capped := &capReader{r: content, left: s.evidenceMax()}
	key := objectstore.NewKey()
	err := s.objects.Put(r.Context(), key, io.TeeReader(capped, sum), -1, ct)
	switch {
	case errors.Is(err, errEvidenceCap):
		w.Header().Set("Connection", "close")
		s.renderError(w, r, s.evidenceTooLarge())
		return policy.EvidenceFile{}, false
	case err != nil && objectstore.Unavailable(err):
		s.evidenceStoreFailed(w, r, err)
		return policy.EvidenceFile{}, false
	case err != nil:
		s.uploadFailed(w, r, err)
		return policy.EvidenceFile{}, false
	}
	return policy.EvidenceFile{Name: name, ContentType: ct, Size: capped.n, SHA256: hex.EncodeToString(sum.Sum(nil)), ObjectKey: key}, true
}

// The 503s of a file store that is down: an upload (nothing was saved) and
// a download.
var (
	errEvidenceStoreDown   = policy.Errorm(policy.EUNAVAILABLE, "evidence.store.down")
	errEvidenceStoreUnread = policy.Errorm(policy.EUNAVAILABLE, "evidence.store.unread")
)

// evidenceStoreFailed answers a request the file store failed with a 503
// that says so, logging why.
func (s *Server) evidenceStoreFailed(w http.ResponseWriter, r *http.Request, err error) {
	s.logger.WarnContext(r.Context(), "evidence store unavailable", "path", logPath(r), "err", err)
	if r.Method == http.MethodPost {
		s.renderError(w, r, errEvidenceStoreDown)
		return
	}
	s.renderError(w, r, errEvidenceStoreUnread)
}

// removeEvidenceObject removes an object stored for an upload that was then
// refused or whose row could not be written. One the store will not remove
// now is left to the orphan sweep.
func (s *Server) removeEvidenceObject(r *http.Request, key string) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), 30*time.Second)
	defer cancel()
	if err := s.objects.Remove(ctx, key); err != nil {
		s.logger.WarnContext(ctx, "evidence object left for the orphan sweep", "key", key, "err", err)
		return
	}
	s.logger.InfoContext(ctx, "evidence object removed: its file was not saved", "key", key)
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
	var object io.ReadCloser
	if f.ObjectKey != "" {
		// Reached before anything is sent: a store that is down is a 503
		// page, not a 200 that breaks off.
		if s.objects == nil {
			s.evidenceStoreFailed(w, r, errors.New("the file is in the S3 store and PORTAL_EVIDENCE_STORE is not s3"))
			return
		}
		rc, size, err := s.objects.Open(r.Context(), f.ObjectKey)
		if err == nil && size != f.Size {
			rc.Close()
			err = fmt.Errorf("object %s holds %d bytes, its row says %d", f.ObjectKey, size, f.Size)
		}
		if err != nil {
			s.evidenceStoreFailed(w, r, err)
			return
		}
		defer rc.Close()
		object = rc
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
	if object != nil {
		_, err = io.Copy(w, object)
	} else {
		err = s.store.WriteEvidence(r.Context(), f.ID, w)
	}
	if err != nil {
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

// evidenceOrphanAge is how old an object must be before the sweep may take
// it for an orphan: far longer than an upload may take (evidenceTimeout), so
// that an upload whose row is about to be written is never swept.
const evidenceOrphanAge = time.Hour

// SweepEvidenceObjects removes the objects of the S3 store, written before
// before under keys the portal makes, that no evidence file's row names: those of uploads whose
// transaction failed and whose removal failed too, or whose instance stopped
// between storing the object and writing the row. It returns how many it
// removed. Without an S3 store it does nothing.
func (s *Server) SweepEvidenceObjects(ctx context.Context, before time.Time) (int, error) {
	if s.objects == nil {
		return 0, nil
	}
	var batch []string
	removed := 0
	flush := func() error {
		kept, err := s.store.EvidenceObjectsKept(ctx, batch)
		if err != nil {
			return err
		}
		for _, key := range batch {
			if kept[key] {
				continue
			}
			if err := s.objects.Remove(ctx, key); err != nil {
				return err
			}
			removed++
			s.logger.InfoContext(ctx, "orphan evidence object removed", "key", key)
		}
		batch = batch[:0]
		return nil
	}
	err := s.objects.List(ctx, before, func(o objectstore.Object) error {
		if !objectstore.ValidKey(o.Key) {
			return nil // not a key the portal makes: someone else's
		}
		batch = append(batch, o.Key)
		if len(batch) == 500 {
			return flush()
		}
		return nil
	})
	if err == nil && len(batch) > 0 {
		err = flush()
	}
	return removed, err
}

// sweepEvidenceObjects runs SweepEvidenceObjects at start and then hourly
// until ctx ends. Every instance may run it: removing an orphan twice is
// harmless, and none is young enough to be an upload in flight.
func (s *Server) sweepEvidenceObjects(ctx context.Context) {
	tick := time.NewTicker(time.Hour)
	defer tick.Stop()
	for {
		// The store's times are the real clock's, not s.now.
		if _, err := s.SweepEvidenceObjects(ctx, time.Now().Add(-evidenceOrphanAge)); err != nil && ctx.Err() == nil {
			s.logger.WarnContext(ctx, "sweeping orphan evidence objects", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}
