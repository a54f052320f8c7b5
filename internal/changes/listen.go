// Package changes listens for PostgreSQL's announcements that data changed:
// migration 00008's triggers notify a channel at every committed write, from
// the portal or from anyone else (an importer, psql), and 00013's say what
// the writes to commitments and their rows touched. Whoever keeps something
// derived from the data (the page cache) learns from it what to drop, and
// when it cannot trust what it keeps because announcements may be missed.
package changes

import (
	"context"
	"log/slog"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// Channel is where migration 00008's triggers announce every write.
const Channel = "portal_changes"

// AppName names the listening connection in pg_stat_activity.
const AppName = "portal-listener"

// A listener that has heard nothing for checkEvery pings its connection, and
// gives it pingTimeout to answer: a stalled connection is noticed, and
// changed(false) called, within their sum.
const (
	checkEvery  = 10 * time.Second
	pingTimeout = 3 * time.Second
)

// Receiver is told of changes: the page cache.
type Receiver interface {
	// Flush says anything may have changed; live says whether the next
	// change will be heard.
	Flush(live bool)
	// Invalidate says a write touched what the tags name (c:<commitment
	// id>, d:<document slug>, e:<entity id>) and whatever shows many things
	// at once (lists, counts), which carries no tag.
	Invalidate(tags []string)
}

// TableFlusher is a Receiver that would rather be told which table a write
// without tags touched than be told that anything may have changed: what it
// keeps may not depend on that table. A receiver that does not care calls
// its own Flush(true).
type TableFlusher interface {
	FlushTable(table string)
}

// TableInvalidator is a Receiver that would rather be told which table a
// write with tags touched: what it keeps may depend on some tables only.
type TableInvalidator interface {
	InvalidateTable(table string, tags []string)
}

// Table is the table a notification's payload names ("<table> <tag> ..."),
// or "" when it names none.
func Table(payload string) string {
	table, _, _ := strings.Cut(payload, " ")
	return table
}

// Fanout tells several receivers of the same changes, in order: the page
// cache, then whatever else keeps something derived from the data.
type Fanout []Receiver

// Flush tells each receiver.
func (f Fanout) Flush(live bool) {
	for _, rc := range f {
		rc.Flush(live)
	}
}

// Invalidate tells each receiver.
func (f Fanout) Invalidate(tags []string) {
	for _, rc := range f {
		rc.Invalidate(tags)
	}
}

// InvalidateTable tells each receiver that wants the table's name, and
// invalidates the tags of the others.
func (f Fanout) InvalidateTable(table string, tags []string) {
	for _, rc := range f {
		if ti, ok := rc.(TableInvalidator); ok {
			ti.InvalidateTable(table, tags)
		} else {
			rc.Invalidate(tags)
		}
	}
}

// FlushTable tells each receiver that wants the table's name, and flushes
// the others.
func (f Fanout) FlushTable(table string) {
	for _, rc := range f {
		if tf, ok := rc.(TableFlusher); ok {
			tf.FlushTable(table)
		} else {
			rc.Flush(true)
		}
	}
}

// Tags are the tags a notification's payload names: "<table> <tag> ...".
// None (nil) means the write did not say, so anything may have changed.
func Tags(payload string) []string {
	f := strings.Fields(payload)
	if len(f) < 2 {
		return nil
	}
	return f[1:]
}

// Listen keeps one connection of its own to cfg's database (not from a pool:
// a pooled connection goes back to others, and LISTEN belongs to a session)
// listening on Channel until ctx ends. It calls Flush(true) when it starts
// listening (whatever was derived before may be stale, and the next change
// will be heard), and at every notification either Invalidate with its tags
// or, when it names none, Flush(true); Flush(false) whenever it stops
// (changes may now go unheard: derive nothing until the next Flush(true)).
// A mark (Marks.Wait) changes nothing and wakes its writer.
// After a drop it reconnects with growing pauses (0.1 s to 5 s). It returns
// when ctx ends, after a last Flush(false).
func Listen(ctx context.Context, cfg *pgx.ConnConfig, logger *slog.Logger, rc Receiver, marks *Marks) {
	cfg = cfg.Copy()
	cfg.RuntimeParams["application_name"] = AppName
	pause := 100 * time.Millisecond
	for ctx.Err() == nil {
		connected, err := listen(ctx, cfg, logger, rc, marks)
		rc.Flush(false)
		if ctx.Err() != nil {
			return
		}
		if connected {
			pause = 100 * time.Millisecond
		}
		logger.Warn("listening for changes stopped; the page cache is off until it resumes", "err", err, "retry_in", pause)
		select {
		case <-ctx.Done():
			return
		case <-time.After(pause):
		}
		pause = min(2*pause, 5*time.Second)
	}
}

// listen connects, listens and tells rc of every notification until the
// connection fails; connected says whether it got as far as listening.
func listen(ctx context.Context, cfg *pgx.ConnConfig, logger *slog.Logger, rc Receiver, marks *Marks) (connected bool, err error) {
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return false, err
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "LISTEN "+Channel); err != nil {
		return false, err
	}
	// Anything derived before now may have missed a change.
	rc.Flush(true)
	marks.setListening(true)
	defer marks.setListening(false)
	logger.Info("listening for changes", "channel", Channel)
	for {
		// Wake now and then to check the connection: a peer that vanished
		// without closing it would otherwise leave us waiting for ever.
		wait, cancel := context.WithTimeout(ctx, checkEvery)
		n, err := conn.WaitForNotification(wait)
		cancel()
		switch {
		case err == nil && marks.heard(n.Payload):
			// A mark: nothing changed; its writer, if here, is woken.
		case err == nil:
			if tags := Tags(n.Payload); tags != nil {
				if ti, ok := rc.(TableInvalidator); ok {
					ti.InvalidateTable(Table(n.Payload), tags)
				} else {
					rc.Invalidate(tags)
				}
			} else if tf, ok := rc.(TableFlusher); ok {
				tf.FlushTable(Table(n.Payload))
			} else {
				rc.Flush(true)
			}
			logger.Debug("change notified", "payload", n.Payload)
		case ctx.Err() != nil:
			return true, ctx.Err()
		case wait.Err() != nil:
			// A stalled peer (a partition, a dead NAT) neither answers nor
			// closes: the ping gets a deadline of its own, and failing it
			// stops listening until a new connection listens.
			ping, cancel := context.WithTimeout(ctx, pingTimeout)
			err := conn.Ping(ping)
			cancel()
			if err != nil {
				return true, err
			}
		default:
			return true, err
		}
	}
}
