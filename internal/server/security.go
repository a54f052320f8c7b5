package server

import (
	"net/http"
	"strings"
	"time"

	"github.com/guizhou-portal/portal/internal/config"
)

// contentSecurityPolicy allows the portal's own stylesheets and images and
// nothing else: no script at all (every chart and the map are SVG drawn on the
// server), no inline style, no plugin, no <base>, no framing, and forms post
// only to the portal.
const contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; " +
	"font-src 'self'; connect-src 'self'; manifest-src 'self'; " +
	"object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"

// maxBodyBytes caps every request body, forms included (their own cap is the same).
const maxBodyBytes = maxFormBytes

// secureHeaders sets the security headers in h, the header of r's response,
// before any handler runs (prepare calls it), so that 404s, errors, static
// files, feeds and the API carry them too. HSTS is sent only when the portal
// is reached over HTTPS.
func (s *Server) secureHeaders(h http.Header, r *http.Request) {
	// The keys are canonical already, and the values are shared: Set
	// would canonicalise each key and allocate each value anew on every
	// request. A later Set replaces a slice, an Add appends past its
	// capacity, so none of them is ever written through.
	for _, kv := range securityHeaders {
		h[kv.key] = kv.value
	}
	if s.https(r) {
		h["Strict-Transport-Security"] = hstsValue
	}
}

type headerValue struct {
	key   string
	value []string
}

var securityHeaders = []headerValue{
	{"Content-Security-Policy", []string{contentSecurityPolicy}},
	{"X-Content-Type-Options", []string{"nosniff"}},
	{"Referrer-Policy", []string{"strict-origin-when-cross-origin"}},
	{"X-Frame-Options", []string{"DENY"}},
	{"Cross-Origin-Opener-Policy", []string{"same-origin"}},
	{"Permissions-Policy", []string{"camera=(), microphone=(), geolocation=(), payment=(), usb=()"}},
}

// hstsValue is two years, the preload list's minimum; not includeSubDomains,
// as other services may share the parent domain.
var hstsValue = []string{"max-age=63072000"}

// limitBodies refuses a body declared larger than the cap with the 413 page
// at once, and stops reading any body at the cap.
func (s *Server) limitBodies(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		limit, refusal := int64(maxBodyBytes), tooLarge(r)
		if isEvidenceUpload(r) {
			limit, refusal = s.evidenceMax()+evidenceOverhead, s.evidenceTooLarge()
		}
		if r.ContentLength > limit {
			// The rest of the body is not read: close the connection after the answer.
			w.Header().Set("Connection", "close")
			s.renderError(w, r, refusal)
			return
		}
		if r.Body != nil && r.Body != http.NoBody {
			r.Body = http.MaxBytesReader(w, r.Body, limit)
		}
		next.ServeHTTP(w, r)
	})
}

// deadline returns how long each request may take; prepare gives it that
// deadline. Queries run under the request's context, so a database that has
// not answered by then fails the query, and renderError answers 503 with
// Retry-After (postgres.Unavailable counts an exceeded deadline as
// unavailability). Unlike chi's Timeout it writes nothing itself: the
// handler's own answer stands.
//
// An import's review and confirmation get the longer ImportTimeout: they
// parse and write a whole reply under the import lock, which for a text near
// the page's cap takes seconds on a busy machine, and may first wait for
// another import. Their write deadline moves on with it, as do an evidence
// file's read and write deadlines.
func (s *Server) deadline() func(w http.ResponseWriter, r *http.Request) time.Duration {
	requestTimeout := s.opts.RequestTimeout
	if requestTimeout <= 0 {
		requestTimeout = config.DefaultRequestTimeout
	}
	importTimeout := s.opts.ImportTimeout
	if importTimeout <= 0 {
		importTimeout = defaultImportTimeout
	}
	importTimeout = max(importTimeout, requestTimeout)
	return func(w http.ResponseWriter, r *http.Request) time.Duration {
		timeout := requestTimeout
		if r.Method == http.MethodPost && r.URL.Path == "/documents/import" {
			timeout = importTimeout
			// The server's write timeout allows for the ordinary deadline only.
			http.NewResponseController(w).SetWriteDeadline(time.Now().Add(timeout + 15*time.Second))
		}
		if isEvidenceUpload(r) || strings.HasPrefix(r.URL.Path, "/evidence/") {
			// A file's body takes longer to send than a form's, either way.
			timeout = max(timeout, evidenceTimeout)
			rc := http.NewResponseController(w)
			rc.SetReadDeadline(time.Now().Add(timeout))
			rc.SetWriteDeadline(time.Now().Add(timeout + 15*time.Second))
		}
		return timeout
	}
}
