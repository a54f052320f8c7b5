package server

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strings"
	"sync"
	"time"
)

// A session cookie is scs's token, a dot and an HMAC of the token under a key
// every instance shares (signing_keys, made by the first instance). So a
// cookie the portal never issued is told apart in memory, without asking the
// database, and its request is the public's: it gets the page cache like any
// reader. A token that was issued but has ended (logout, expiry, a disabled
// account) costs one lookup and is then remembered as dead for a while.

const (
	sessionKeyName = "session"
	// deadTokensKept is how long an ended token is known dead without a lookup.
	deadTokensKept = 10 * time.Minute
	// deadTokensMax bounds the memory of dead tokens; past it, it starts over.
	deadTokensMax = 10000
)

// sessionTokens signs tokens and remembers the dead ones.
type sessionTokens struct {
	load func(context.Context) ([]byte, error) // the shared key, from the database

	mu   sync.Mutex
	key  []byte
	dead map[string]time.Time // token -> when it was found dead
}

// signingKey is the shared key, loaded once.
func (t *sessionTokens) signingKey(ctx context.Context) ([]byte, error) {
	t.mu.Lock()
	key := t.key
	t.mu.Unlock()
	if key != nil {
		return key, nil
	}
	key, err := t.load(ctx)
	if err != nil {
		return nil, err
	}
	t.mu.Lock()
	t.key = key
	t.mu.Unlock()
	return key, nil
}

func mac(key []byte, token string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(token))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// sign is the cookie value for token.
func (t *sessionTokens) sign(ctx context.Context, token string) (string, error) {
	key, err := t.signingKey(ctx)
	if err != nil {
		return "", err
	}
	return token + "." + mac(key, token), nil
}

// verify returns the token of a cookie value the portal signed, or "".
func (t *sessionTokens) verify(ctx context.Context, value string) (string, error) {
	token, sig, ok := strings.Cut(value, ".")
	if !ok || token == "" || len(value) > 256 {
		return "", nil
	}
	key, err := t.signingKey(ctx)
	if err != nil {
		return "", err
	}
	if !hmac.Equal([]byte(sig), []byte(mac(key, token))) {
		return "", nil
	}
	return token, nil
}

// isDead reports whether token was found ended lately.
func (t *sessionTokens) isDead(token string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	at, ok := t.dead[token]
	if ok && time.Since(at) > deadTokensKept {
		delete(t.dead, token)
		return false
	}
	return ok
}

// bury remembers token as ended. Only signed tokens come here, so the map
// holds no more than the sessions the portal itself issued.
func (t *sessionTokens) bury(token string) {
	if token == "" {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.dead == nil || len(t.dead) >= deadTokensMax {
		t.dead = map[string]time.Time{}
	}
	t.dead[token] = time.Now()
}

// liveToken is the token of r's session cookie when the portal signed it and
// has not seen it end; "" when there is none, a forged one or a dead one.
func (s *Server) liveToken(r *http.Request) (string, error) {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return "", nil
	}
	token, err := s.tokens.verify(r.Context(), c.Value)
	if err != nil || token == "" || s.tokens.isDead(token) {
		return "", err
	}
	return token, nil
}

// hasSession reports whether the request may be staff's: it carries a session
// cookie the portal signed and has not seen end. Their pages carry their own
// controls and must show their own edits at once, so they bypass the cache;
// anyone else is the public. When the key cannot be read, the request is
// taken as staff's: loadSession will answer it.
func (s *Server) hasSession(r *http.Request) bool {
	token, err := s.liveToken(r)
	return err != nil || token != ""
}
