package server

// Nothing typed is lost (issue 16). A staff form posted after the session
// ended is answered by the login form, on the same page, carrying what was
// posted; after the login the form's own page shows it again, filled in, to
// be checked and sent by the user. A save is confirmed on the page it
// returns to by a one-shot message kept in the session.
//
// What was posted travels back in hidden fields of the login form rather than
// being stored under a one-time id: the portal writes nothing for a request
// without a session (no table an anonymous client could fill), the values go
// back only to the browser that just sent them (the 401 is no-store), and only
// after a successful login do they enter that account's own server-side
// session, from which the form's page takes them once. The form is bound to
// the account whose ended session sent it by a seal (an HMAC under the
// portal's signing key over owner, action and form), so the binding cannot be
// altered in the browser; a form whose owner is unknown (the ended session's
// row already swept) or another account's is dropped at the login, with a
// message, rather than restored to whoever logs in. Passwords are never carried,
// and a form larger than keptFormMax is not carried at all (the page says so).

import (
	"context"
	"crypto/hmac"
	"encoding/json"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"github.com/guizhou-portal/portal/internal/i18n"
	"github.com/guizhou-portal/portal/internal/postgres"
	"github.com/guizhou-portal/portal/web"
)

const (
	sessionFlash = "flash"     // the catalogue ID of a one-shot message for the next page
	sessionKept  = "kept_form" // a form carried through a login, for its page (keptForm as JSON)
	keptFormMax  = 64 << 10    // the most of a form, URL-encoded, that the login form carries
	flashSaved   = "flash.saved"
)

// keptForm is a form carried through a login, as the session holds it.
type keptForm struct {
	Page   string `json:"page"`   // the GET page that shows the form
	Action string `json:"action"` // the address it was posted to
	Form   string `json:"form"`   // its values, URL-encoded
}

type keptKey struct{}

// askLoginKeepingForm answers a staff form posted without a live session: the
// login form, 401, holding what was posted and returning to the form's page.
func (s *Server) askLoginKeepingForm(w http.ResponseWriter, r *http.Request) {
	l := i18n.From(r.Context())
	v := web.LoginView{Message: l.T("login.expired")}
	if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct == "application/x-www-form-urlencoded" {
		if err := parseForm(w, r); err != nil {
			s.renderError(w, r, err)
			return
		}
		switch kept := keptValues(r.PostForm); {
		case kept == "":
		case len(kept) > keptFormMax:
			v.Message = l.T("login.expired.toolarge")
		default:
			v.Kept = web.KeptForm{Action: r.URL.Path, Form: kept, Owner: s.formerOwner(r)}
			if v.Kept.Owner != 0 {
				seal, err := s.sealKept(r.Context(), v.Kept)
				if err != nil {
					s.renderError(w, r, err)
					return
				}
				v.Kept.Seal = seal
			}
			v.Message = l.T("login.expired.kept")
		}
	}
	v.Next = s.formPage(r) // after the form is read: a new commitment's page needs its paragraph
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusUnauthorized, web.LoginPage(v))
}

// keptValues is a posted form, URL-encoded, without any password in it.
func keptValues(form url.Values) string {
	kept := url.Values{}
	for k, vs := range form {
		if !strings.Contains(strings.ToLower(k), "password") {
			kept[k] = vs
		}
	}
	if len(kept) == 0 {
		return ""
	}
	return kept.Encode()
}

// formPage is the page that shows the form of a POST: the address itself
// where it has a page, else the nearest one above it (/commitments/9/updates
// is posted from /commitments/9), so that a login never returns to an
// address that only takes POST. A new commitment goes back to its paragraph.
func (s *Server) formPage(r *http.Request) string {
	path := r.URL.Path
	if path == "/commitments" && r.PostForm != nil {
		q := url.Values{"document": {r.PostForm.Get("document")}, "paragraph": {r.PostForm.Get("paragraph")}}
		return localPath("/commitments/new?" + q.Encode())
	}
	if hide, ok := strings.CutSuffix(path, "/hide"); ok && s.routes != nil &&
		s.routes.Match(chi.NewRouteContext(), http.MethodGet, hide+"/edit") {
		return localPath(hide + "/edit") // hiding an update is asked on its correction page
	}
	for p := path; len(p) > 1; p = p[:strings.LastIndex(p, "/")] {
		if s.routes != nil && s.routes.Match(chi.NewRouteContext(), http.MethodGet, p) {
			return localPath(p)
		}
	}
	return "/"
}

// formerOwner is the account whose ended session the request's cookie names,
// while the portal still keeps that session's row; 0 when unknown.
func (s *Server) formerOwner(r *http.Request) int64 {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return 0
	}
	token, err := s.tokens.verify(r.Context(), c.Value)
	if err != nil || token == "" {
		return 0
	}
	id, err := s.sessionStore.Owner(r.Context(), token)
	if err != nil {
		s.logger.WarnContext(r.Context(), "looking up an ended session's owner", "err", err)
	}
	return id
}

// sealKept is the kept form's owner binding: the owner's id, a dot and an
// HMAC of owner, action and form under the portal's signing key.
func (s *Server) sealKept(ctx context.Context, k web.KeptForm) (string, error) {
	key, err := s.tokens.signingKey(ctx)
	if err != nil {
		return "", err
	}
	owner := strconv.FormatInt(k.Owner, 10)
	return owner + "." + mac(key, "kept-form\x00"+owner+"\x00"+k.Action+"\x00"+k.Form), nil
}

// keptOwner is the owner a seal binds the kept form to; 0 when there is no
// seal or it does not match (altered owner, action or form).
func (s *Server) keptOwner(ctx context.Context, k web.KeptForm, seal string) int64 {
	owner, _, ok := strings.Cut(seal, ".")
	id, err := strconv.ParseInt(owner, 10, 64)
	if !ok || err != nil || id <= 0 || len(seal) > 128 {
		return 0
	}
	k.Owner = id
	want, err := s.sealKept(ctx, k)
	if err != nil || !hmac.Equal([]byte(want), []byte(seal)) {
		return 0
	}
	return id
}

// keptFromLogin reads the form a login form carries, checked as the portal
// wrote it: a local action and a readable form of bounded size. Its owner is
// read from the seal (keptOwner).
func keptFromLogin(form url.Values) (web.KeptForm, bool) {
	k := web.KeptForm{Action: form.Get("kept_action"), Form: form.Get("kept_form")}
	if k.Form == "" || len(k.Form) > keptFormMax || !isLocalPath(k.Action) {
		return web.KeptForm{}, false
	}
	if _, err := url.ParseQuery(k.Form); err != nil {
		return web.KeptForm{}, false
	}
	k.Seal = form.Get("kept_owner")
	return k, true
}

// keepFormAfterLogin puts the form a successful login carried into the new
// session for its page (next) when its seal binds it to the account logging
// in; a form of unknown owner or another account's is dropped, and the page
// says so.
func (s *Server) keepFormAfterLogin(ctx context.Context, k web.KeptForm, userID int64, next string) {
	if k.Form == "" {
		return
	}
	if owner := s.keptOwner(ctx, k, k.Seal); owner == 0 || owner != userID {
		s.logger.InfoContext(ctx, "a form kept through login dropped: owner unknown or another account", "user_id", userID, "owner", owner)
		s.sessions.Put(ctx, sessionFlash, "login.kept.dropped")
		return
	}
	b, err := json.Marshal(keptForm{Page: next, Action: k.Action, Form: k.Form})
	if err != nil {
		return
	}
	s.sessions.Put(ctx, sessionKept, string(b))
}

// takeOneShots moves the session's one-shot message and kept form into the
// context of a page request, where the layout and the form's page find them.
// The caller commits the session.
func (s *Server) takeOneShots(ctx context.Context, path string) context.Context {
	if id := s.sessions.PopString(ctx, sessionFlash); id != "" && i18n.Has(id) {
		ctx = web.WithFlash(ctx, id)
	}
	if raw := s.sessions.PopString(ctx, sessionKept); raw != "" {
		var k keptForm
		if json.Unmarshal([]byte(raw), &k) == nil {
			if page, _, _ := strings.Cut(k.Page, "?"); page == path {
				ctx = context.WithValue(ctx, keptKey{}, k)
				ctx = web.WithFlash(ctx, "login.restored")
			}
		}
	}
	return ctx
}

// keptFormFor is the form kept through a login that was posted to action,
// for its page to show filled in.
func keptFormFor(r *http.Request, action string) (url.Values, bool) {
	k, ok := r.Context().Value(keptKey{}).(keptForm)
	if !ok || k.Action != action {
		return nil, false
	}
	form, err := url.ParseQuery(k.Form)
	return form, err == nil
}

// confirmSaves tells the page a staff form returns to that it was saved: a
// POST answered 303 leaves a one-shot message in the session. The message is
// saved only into a session still live, so that a form that ended its own
// session (a password reset) does not bring it back.
func (s *Server) confirmSaves(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			next.ServeHTTP(w, r)
			return
		}
		ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
		next.ServeHTTP(ww, r)
		u := userOf(r)
		if ww.Status() != http.StatusSeeOther || u == nil {
			return
		}
		ctx := r.Context()
		s.sessions.Put(ctx, sessionFlash, flashSaved)
		if _, _, err := s.sessions.Commit(postgres.OnlyIfLive(context.WithValue(ctx, sessionOwnerKey{}, u.ID))); err != nil {
			s.logger.WarnContext(ctx, "the saved message was not kept", "err", err)
		}
	})
}
