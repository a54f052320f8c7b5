package changes

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"strings"
	"sync"

	"github.com/jackc/pgx/v5/pgconn"
)

// markPrefix starts the payload of a mark: a notification that says nothing
// changed, sent only to be heard.
const markPrefix = "mark:"

// Execer runs a statement: a pool or a connection.
type Execer interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
}

// Marks lets a writer wait until this instance's listener has heard every
// change committed before it asked. PostgreSQL delivers notifications in
// commit order, so once the listener hears a mark sent after a write's
// commit, it has heard the write's own notification and emptied what the
// write changed: the writer's next page, and the public's, show the write
// (read your writes), without waiting for luck.
type Marks struct {
	mu        sync.Mutex
	listening bool
	waiting   map[string]chan struct{}
}

// NewMarks returns marks for one listener.
func NewMarks() *Marks { return &Marks{waiting: map[string]chan struct{}{}} }

// Wait sends a mark through db and waits until the listener hears it or ctx
// ends (its error). Without a listener there is nothing to wait for.
func (m *Marks) Wait(ctx context.Context, db Execer) error {
	if m == nil {
		return nil
	}
	b := make([]byte, 12)
	rand.Read(b)
	token := hex.EncodeToString(b)
	heard := make(chan struct{})
	m.mu.Lock()
	if !m.listening {
		m.mu.Unlock()
		return nil
	}
	m.waiting[token] = heard
	m.mu.Unlock()
	defer func() {
		m.mu.Lock()
		delete(m.waiting, token)
		m.mu.Unlock()
	}()
	if _, err := db.Exec(ctx, `SELECT pg_notify($1, $2)`, Channel, markPrefix+token); err != nil {
		return err
	}
	select {
	case <-heard:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// heard reports whether payload is a mark, and wakes its writer if it is
// this instance's; other instances' marks are ignored too.
func (m *Marks) heard(payload string) bool {
	token, ok := strings.CutPrefix(payload, markPrefix)
	if !ok || m == nil {
		return ok
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if c, ok := m.waiting[token]; ok {
		close(c)
		delete(m.waiting, token)
	}
	return true
}

// setListening says whether a listener is connected; while none is, a
// writer has nothing to wait for (and the page cache is off anyway).
func (m *Marks) setListening(on bool) {
	if m == nil {
		return
	}
	m.mu.Lock()
	m.listening = on
	m.mu.Unlock()
}
