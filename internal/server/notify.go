package server

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
)

// changesChannel is where migration 00008's triggers announce every write.
const changesChannel = "portal_changes"

// listenerAppName names the listening connection in pg_stat_activity.
const listenerAppName = "portal-listener"

// ListenForChanges keeps one connection of its own (not from the pool: a
// pooled connection goes back to others, and LISTEN belongs to a session)
// listening for changes until ctx ends, and empties the page cache at each.
// The cache serves only while the connection is up: after a drop it
// reconnects with growing pauses (0.1 s to 5 s) and empties the cache again,
// since notifications sent meanwhile are lost. Run calls it; a test that
// wants the cache calls it itself.
func (s *Server) ListenForChanges(ctx context.Context) {
	cfg := s.pool.Config().ConnConfig.Copy()
	if s.opts.ListenURL != "" {
		var err error
		if cfg, err = pgx.ParseConfig(s.opts.ListenURL); err != nil {
			s.logger.Error("PORTAL_DIRECT_DATABASE_URL is not a valid PostgreSQL URL; the page cache stays off", "err", err)
			return
		}
	}
	cfg.RuntimeParams["application_name"] = listenerAppName
	pause := 100 * time.Millisecond
	for ctx.Err() == nil {
		connected, err := s.listen(ctx, cfg)
		s.cache.flush(false)
		if ctx.Err() != nil {
			return
		}
		if connected {
			pause = 100 * time.Millisecond
		}
		s.logger.Warn("listening for changes stopped; the page cache is off until it resumes", "err", err, "retry_in", pause)
		select {
		case <-ctx.Done():
			return
		case <-time.After(pause):
		}
		pause = min(2*pause, 5*time.Second)
	}
}

// listen connects, listens and flushes the cache at every notification until
// the connection fails; connected says whether it got as far as listening.
// A listener that has heard nothing for listenCheckEvery pings its
// connection, and gives it listenPingTimeout to answer: a stalled connection
// is noticed, and the cache switched off, within their sum.
const (
	listenCheckEvery  = 10 * time.Second
	listenPingTimeout = 3 * time.Second
)

func (s *Server) listen(ctx context.Context, cfg *pgx.ConnConfig) (connected bool, err error) {
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return false, err
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "LISTEN "+changesChannel); err != nil {
		return false, err
	}
	// Anything kept before now may have missed a change.
	s.cache.flush(true)
	s.logger.Info("listening for changes", "channel", changesChannel)
	for {
		// Wake now and then to check the connection: a peer that vanished
		// without closing it would otherwise leave us waiting for ever.
		wait, cancel := context.WithTimeout(ctx, listenCheckEvery)
		n, err := conn.WaitForNotification(wait)
		cancel()
		switch {
		case err == nil:
			s.cache.flush(true)
			s.logger.Debug("change notified", "table", n.Payload)
		case ctx.Err() != nil:
			return true, ctx.Err()
		case wait.Err() != nil:
			// A stalled peer (a partition, a dead NAT) neither answers nor
			// closes: the ping gets a deadline of its own, and failing it
			// turns the cache off until a new connection listens.
			ping, cancel := context.WithTimeout(ctx, listenPingTimeout)
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
