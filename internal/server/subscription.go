package server

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/guizhou-portal/portal/internal/i18n"
	"github.com/guizhou-portal/portal/internal/policy"
	"github.com/guizhou-portal/portal/internal/postgres"
	"github.com/guizhou-portal/portal/web"
)

// followTarget resolves what a subscription follows: its words and its page.
// An unknown or malformed target is EINVALID (the form was tampered with).
func (s *Server) followTarget(ctx context.Context, kind, key string) (label, path string, filter *policy.CommitmentFilter, err error) {
	bad := policy.Errorm(policy.EINVALID, "sub.err.target")
	if len(key) > 1000 {
		return "", "", nil, bad
	}
	switch kind {
	case policy.FollowCommitment:
		id, perr := strconv.ParseInt(key, 10, 64)
		if perr != nil || id <= 0 || strconv.FormatInt(id, 10) != key {
			return "", "", nil, bad
		}
		c, err := s.store.Commitment(ctx, id)
		if err != nil {
			return "", "", nil, notFoundAs(err, bad)
		}
		return c.Title, "/commitments/" + key, nil, nil
	case policy.FollowDocument:
		if !policy.ValidSlug(key) {
			return "", "", nil, bad
		}
		d, err := s.store.Document(ctx, key)
		if err != nil {
			return "", "", nil, notFoundAs(err, bad)
		}
		return d.Title, "/documents/" + url.PathEscape(key), nil, nil
	case policy.FollowSection:
		slug, anchor, ok := strings.Cut(key, "/")
		if !ok || !policy.ValidSlug(slug) || !policy.ValidAnchor(anchor) {
			return "", "", nil, bad
		}
		fd, err := s.store.FullDocument(ctx, slug)
		if err != nil {
			return "", "", nil, notFoundAs(err, bad)
		}
		sec := fd.Section(anchor)
		if sec == nil {
			return "", "", nil, bad
		}
		return fd.Title + " › " + sec.Heading(), "/documents/" + url.PathEscape(slug) + "/sections/" + url.PathEscape(anchor), nil, nil
	case policy.FollowEntity:
		if !policy.ValidSlug(key) {
			return "", "", nil, bad
		}
		e, err := s.store.Entity(ctx, key)
		if err != nil {
			return "", "", nil, notFoundAs(err, bad)
		}
		return e.Name, "/entities/" + url.PathEscape(key), nil, nil
	case policy.FollowList:
		q, perr := url.ParseQuery(key)
		if perr != nil {
			return "", "", nil, bad
		}
		cq, err := s.parseCommitmentQuery(ctx, q)
		if err != nil {
			return "", "", nil, bad
		}
		f := cq.filter
		path := "/commitments"
		if key != "" {
			path += "?" + key
		}
		return i18n.From(ctx).T("sub.follow.list"), path, &f, nil
	}
	return "", "", nil, bad
}

// notFoundAs turns a not-found into bad; other errors stay as they are.
func notFoundAs(err, bad error) error {
	if policy.ErrorCode(err) == policy.ENOTFOUND {
		return bad
	}
	return err
}

// subscribe takes the form on a followable page: it records the subscription
// unconfirmed and queues the confirmation mail. Whether the address was
// already subscribed, the answer is the same.
func (s *Server) subscribe(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r); err != nil {
		s.renderError(w, r, err)
		return
	}
	ctx := r.Context()
	l := i18n.From(ctx)
	f := web.SubscribeForm{Email: r.PostForm.Get("email"), Kind: r.PostForm.Get("kind"), Key: r.PostForm.Get("key"), Errors: fieldErrors{}}
	label, path, filter, err := s.followTarget(ctx, f.Kind, f.Key)
	if err != nil && policy.ErrorCode(err) != policy.EINVALID {
		s.renderError(w, r, err)
		return
	}
	if err != nil {
		f.Errors["target"] = l.T("sub.err.target")
	}
	f.Label, f.Back = label, path
	email, ok := policy.NormalizeEmail(f.Email)
	if !ok {
		f.Errors["email"] = l.T("sub.err.email")
	}
	if len(f.Email) > policy.EmailMax*2 {
		f.Email = f.Email[:policy.EmailMax*2]
	}
	if len(f.Errors) > 0 {
		s.render(w, r, http.StatusUnprocessableEntity, web.SubscribePage(f))
		return
	}
	if s.mail == nil {
		s.renderError(w, r, policy.Errorm(policy.EINTERNAL, "err.internal"))
		return
	}
	token := randomToken()
	sub := policy.Subscription{Email: email, Lang: l.Code(), Kind: f.Kind, Key: f.Key, Frequency: policy.FrequencyImmediate, Filter: filter}
	_, err = s.store.Subscribe(ctx, sub, token, s.clientAddr(r).String(), func(tx pgx.Tx, sub policy.Subscription) error {
		return s.mail.Confirmation(ctx, tx, sub, token, label, path)
	})
	if err == postgres.ErrTooManyConfirmations {
		f.Errors["email"] = l.T("sub.err.flood")
		s.render(w, r, http.StatusTooManyRequests, web.SubscribePage(f))
		return
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/subscriptions/sent?back="+url.QueryEscape(path), http.StatusSeeOther)
}

func randomToken() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// showSubscriptionSent says a confirmation mail is on its way, if the address can be subscribed.
func (s *Server) showSubscriptionSent(w http.ResponseWriter, r *http.Request) {
	l := i18n.From(r.Context())
	back := r.URL.Query().Get("back")
	if !strings.HasPrefix(back, "/") || strings.HasPrefix(back, "//") || strings.HasPrefix(back, "/\\") {
		back = "/"
	}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusOK, web.MessagePage(web.MessageView{Title: l.T("sub.sent.title"),
		Body: l.T("sub.sent.body"), Back: back}))
}

// showConfirm asks for the click that confirms (a mail scanner following the
// link confirms nothing).
func (s *Server) showConfirm(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusOK, web.ConfirmPage(web.ConfirmView{Token: r.URL.Query().Get("token")}))
}

// confirmSubscription confirms by the token of the confirmation mail and
// goes on to the subscription's own page. A forged or used token is a 404.
func (s *Server) confirmSubscription(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	token := r.URL.Query().Get("token")
	if token == "" || len(token) > 100 {
		s.renderError(w, r, policy.Errorm(policy.ENOTFOUND, "sub.err.link"))
		return
	}
	sub, err := s.store.ConfirmSubscription(ctx, token)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	manage, err := s.mail.ManageToken(ctx, sub)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/subscriptions/manage?confirmed=1&token="+url.QueryEscape(manage), http.StatusSeeOther)
}

// subscriptionByLink reads the personal link's token; a forged one is a 404.
func (s *Server) subscriptionByLink(w http.ResponseWriter, r *http.Request) (policy.Subscription, string, bool) {
	token := r.URL.Query().Get("token")
	sub, err := s.mail.ByToken(r.Context(), token)
	if err != nil {
		s.renderError(w, r, err)
		return sub, "", false
	}
	return sub, token, true
}

// showSubscription is the page of the personal link in every mail.
func (s *Server) showSubscription(w http.ResponseWriter, r *http.Request) {
	sub, token, ok := s.subscriptionByLink(w, r)
	if !ok {
		return
	}
	label, path, _, err := s.followTarget(r.Context(), sub.Kind, sub.Key)
	if err != nil {
		label, path = sub.Key, "/" // what it followed is gone; the subscription can still end
	}
	w.Header().Set("Cache-Control", "no-store")
	q := r.URL.Query()
	s.render(w, r, http.StatusOK, web.SubscriptionPage(web.SubscriptionView{Subscription: sub, Token: token, Label: label, Path: path,
		Confirmed: q.Get("confirmed") == "1", Saved: q.Get("saved") == "1"}))
}

// showUnsubscribe is the page of the unsubscribe link in every mail: a
// button that ends the subscription by POST. The GET itself changes nothing,
// so a mail scanner following the link does not unsubscribe anyone; the
// List-Unsubscribe-Post one-click POST goes straight to unsubscribe.
func (s *Server) showUnsubscribe(w http.ResponseWriter, r *http.Request) {
	sub, token, ok := s.subscriptionByLink(w, r)
	if !ok {
		return
	}
	label, _, _, err := s.followTarget(r.Context(), sub.Kind, sub.Key)
	if err != nil {
		label = sub.Key // what it followed is gone; the subscription can still end
	}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusOK, web.UnsubscribePage(web.UnsubscribeView{Token: token, Email: sub.Email, Label: label}))
}

// saveSubscription changes how often the subscription sends mail.
func (s *Server) saveSubscription(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r); err != nil {
		s.renderError(w, r, err)
		return
	}
	sub, token, ok := s.subscriptionByLink(w, r)
	if !ok {
		return
	}
	f := r.PostForm.Get("frequency")
	if f != policy.FrequencyImmediate && f != policy.FrequencyDaily {
		s.renderError(w, r, policy.Errorm(policy.EINVALID, "err.form"))
		return
	}
	if err := s.store.SetSubscriptionFrequency(r.Context(), sub.ID, f); err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/subscriptions/manage?saved=1&token="+url.QueryEscape(token), http.StatusSeeOther)
}

// unsubscribe ends a subscription: the button on its page, and the one-click
// POST of RFC 8058 that mail programs send to the List-Unsubscribe URL
// (body List-Unsubscribe=One-Click, no cookies, no Origin).
func (s *Server) unsubscribe(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r); err != nil {
		s.renderError(w, r, err)
		return
	}
	sub, _, ok := s.subscriptionByLink(w, r)
	if !ok {
		return
	}
	if err := s.store.Unsubscribe(r.Context(), sub.ID); err != nil {
		s.renderError(w, r, err)
		return
	}
	l := i18n.From(r.Context())
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusOK, web.MessagePage(web.MessageView{Title: l.T("sub.unsubscribed.title"), Body: l.T("sub.unsubscribed.body"), Back: "/"}))
}
