package web

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/guizhou-portal/portal/internal/policy"
)

// EvidenceURL is where an evidence file is served: its id and its name, so
// that a saved download keeps the name.
func EvidenceURL(f policy.EvidenceFile) string {
	return "/evidence/" + strconv.FormatInt(f.ID, 10) + "/" + url.PathEscape(f.Name)
}

// evidenceUploadURL is where a file for update u of commitment c is posted.
func evidenceUploadURL(c policy.Commitment, u policy.ProgressUpdate) string {
	return commitmentURL(c.ID) + "/updates/" + strconv.FormatInt(u.ID, 10) + "/evidence"
}

// fileSize is a file's size for people: bytes, KB or MB.
func fileSize(n int64) string {
	switch {
	case n < 1024:
		return strconv.FormatInt(n, 10) + " B"
	case n < 1<<20:
		return strconv.FormatFloat(float64(n)/1024, 'f', 1, 64) + " KB"
	}
	return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MB"
}

// evidenceAccept is the upload field's accept list: the extensions taken.
func evidenceAccept() string { return strings.Join(policy.EvidenceExtensions(), ",") }
