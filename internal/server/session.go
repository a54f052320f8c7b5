package server

import (
	"context"
	"net/http"
	"time"

	"github.com/alexedwards/scs/v2"

	"github.com/guizhou-portal/portal/internal/policy"
	"github.com/guizhou-portal/portal/internal/postgres"
	"github.com/guizhou-portal/portal/web"
)

const (
	sessionCookie = "portal_session"
	sessionUserID = "user_id"
)

func newSessionManager(store *postgres.SessionStore, idle, lifetime time.Duration) *scs.SessionManager {
	sm := scs.New()
	sm.Store = store
	sm.IdleTimeout = idle
	sm.Lifetime = lifetime
	sm.Cookie.Name = sessionCookie
	return sm
}

// loadSession loads the session named by the cookie, if any, and the account it
// belongs to. A session whose account is gone or disabled is destroyed, and
// the request goes on as the public's. A cookie the portal did not sign, or
// whose session it has seen end, is no session at all (session_token.go):
// neither the session store nor the response hears of it, so that its
// response is the public's and may be cached. Staff responses never are.
func (s *Server) loadSession(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		token, err := s.liveToken(r)
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		// An empty token makes a new session in memory, without the store:
		// handlers such as login find one in the context either way.
		ctx, err := s.sessions.Load(r.Context(), token)
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		r = r.WithContext(ctx)
		if id := s.sessions.GetInt64(ctx, sessionUserID); id != 0 {
			u, err := s.store.User(ctx, id)
			switch {
			case err == nil && u.DisabledAt == nil:
				ctx = web.WithUser(ctx, &u)
				ctx = web.WithReviewEdits(ctx, s.opts.ReviewEdits)
				if u.CanEdit() {
					// Staff see drafts (policy.Viewer); the public's reads never do.
					ctx = policy.WithViewer(ctx, policy.Staff)
				}
				if r.Method == http.MethodGet {
					ctx = s.takeOneShots(ctx, r.URL.Path)
				}
				r = r.WithContext(ctx)
				w.Header().Set("Cache-Control", "no-store")
				// Committing now moves the idle deadline on.
				if err := s.saveSession(w, r, u.ID); err != nil {
					s.renderError(w, r, err)
					return
				}
			case err == nil || policy.ErrorCode(err) == policy.ENOTFOUND:
				s.tokens.bury(token)
				if err := s.endSession(w, r); err != nil {
					s.renderError(w, r, err)
					return
				}
			default:
				s.renderError(w, r, err)
				return
			}
		} else if token != "" {
			// An unknown or expired token: forget it, here and in the browser.
			s.tokens.bury(token)
			s.clearCookie(w, r)
		}
		next.ServeHTTP(w, r)
	})
}

// saveSession commits the session of user id and sends its cookie.
func (s *Server) saveSession(w http.ResponseWriter, r *http.Request, id int64) error {
	// The store learns the user from the context: scs holds the session's lock
	// while it commits, so the store cannot ask the session itself.
	token, _, err := s.sessions.Commit(context.WithValue(r.Context(), sessionOwnerKey{}, id))
	if err != nil {
		return err
	}
	value, err := s.tokens.sign(r.Context(), token)
	if err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: value, Path: "/",
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.https(r),
	})
	return nil
}

// endSession deletes the session on the server and the cookie in the browser.
func (s *Server) endSession(w http.ResponseWriter, r *http.Request) error {
	if token := s.sessions.Token(r.Context()); token != "" {
		s.tokens.bury(token)
	}
	if err := s.sessions.Destroy(r.Context()); err != nil {
		return err
	}
	s.clearCookie(w, r)
	return nil
}

func (s *Server) clearCookie(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.https(r),
	})
}

// https reports whether the client reached the portal over HTTPS.
func (s *Server) https(r *http.Request) bool { return s.opts.HTTPS || r.TLS != nil }

// userOf is the account behind the request, or nil for the public.
func userOf(r *http.Request) *policy.User { return web.UserFrom(r.Context()) }

// actorOf is the audit log's name for the request's account.
func actorOf(r *http.Request) policy.Actor {
	u := userOf(r)
	a := policy.Actor{RequestID: requestID(r)}
	if u != nil {
		a.UserID, a.Name = u.ID, u.Name
	}
	return a
}

// requireEditor lets editors and admins through. The public is sent to the
// login page when it asks for a page and refused when it sends a form.
func (s *Server) requireEditor(next http.Handler) http.Handler {
	return s.requireRole(func(u *policy.User) bool { return u.CanEdit() }, next)
}

// requireAdmin lets admins through.
func (s *Server) requireAdmin(next http.Handler) http.Handler {
	return s.requireRole(func(u *policy.User) bool { return u.IsAdmin() }, next)
}

func (s *Server) requireRole(allowed func(*policy.User) bool, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u := userOf(r)
		switch {
		case u == nil && (r.Method == http.MethodGet || r.Method == http.MethodHead):
			http.Redirect(w, r, "/login?next="+urlQueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		case u == nil:
			// Most often a session that ended while the form was being filled in.
			s.logger.WarnContext(r.Context(), "refused: not logged in", "method", r.Method, "path", logPath(r), "client", s.clientAddr(r).String())
			s.askLoginKeepingForm(w, r)
		case !allowed(u):
			s.logger.WarnContext(r.Context(), "refused: role", "method", r.Method, "path", logPath(r), "user_id", u.ID, "role", string(u.Role))
			s.renderError(w, r, errForbidden)
		default:
			next.ServeHTTP(w, r)
		}
	})
}

type sessionOwnerKey struct{}

// sessionOwner is the session store's way to learn whose session it saves.
func sessionOwner(ctx context.Context) int64 {
	id, _ := ctx.Value(sessionOwnerKey{}).(int64)
	return id
}
