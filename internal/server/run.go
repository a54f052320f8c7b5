package server

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/guizhou-portal/portal/internal/config"
)

// Run serves the portal on addr (and the metrics on their own address, when
// configured) until ctx ends. Then it stops accepting connections at once,
// lets the requests in flight finish for up to the shutdown grace period,
// closes whatever is still open, and returns nil.
func (s *Server) Run(ctx context.Context, addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	return s.Serve(ctx, ln)
}

// Serve is Run on a listener the caller opened.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	timeout := s.opts.RequestTimeout
	if timeout <= 0 {
		timeout = config.DefaultRequestTimeout
	}
	grace := s.opts.ShutdownGrace
	if grace <= 0 {
		grace = config.DefaultShutdownGrace
	}
	errLog := slog.NewLogLogger(s.logger.Handler(), slog.LevelWarn)
	srv := &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       15 * time.Second,
		// A response may take the request's whole deadline to start, and then
		// has time to be written.
		WriteTimeout: max(30*time.Second, timeout+15*time.Second),
		IdleTimeout:  120 * time.Second,
		ErrorLog:     errLog,
	}
	servers := []*http.Server{srv}
	errc := make(chan error, 2)
	go func() { errc <- srv.Serve(ln) }()
	if s.opts.MetricsAddr != "" {
		mln, err := net.Listen("tcp", s.opts.MetricsAddr)
		if err != nil {
			srv.Close()
			return err
		}
		mux := http.NewServeMux()
		mux.Handle("GET /metrics", s.MetricsHandler())
		msrv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second, WriteTimeout: 30 * time.Second, ErrorLog: errLog}
		servers = append(servers, msrv)
		go func() { errc <- msrv.Serve(mln) }()
		s.logger.Info("metrics listening", "addr", "http://"+mln.Addr().String()+"/metrics")
	}
	go s.sweepSessions(ctx)
	if s.objects != nil {
		go s.sweepEvidenceObjects(ctx)
	}
	go s.ListenForChanges(ctx)
	if err := s.StartMail(ctx, "http://"+ln.Addr().String()); err != nil {
		// The site works without its mail queue; the queue page says so.
		s.logger.Error("mail queue not started", "err", err)
	}
	s.logger.Info("portal listening", "addr", "http://"+ln.Addr().String())
	select {
	case err := <-errc:
		for _, srv := range servers {
			srv.Close()
		}
		return err
	case <-ctx.Done():
	}
	s.logger.Info("shutting down: no new connections; requests in flight may finish", "grace", grace.String())
	shutdown, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	for _, srv := range servers {
		if err := srv.Shutdown(shutdown); err != nil {
			if !errors.Is(err, context.DeadlineExceeded) {
				return err
			}
			s.logger.Warn("grace period over: closing the connections still open", "grace", grace.String())
			srv.Close()
		}
	}
	if err := s.StopMail(shutdown); err != nil {
		s.logger.Warn("mail queue stopped with jobs in hand; they run again later", "err", err)
	}
	s.logger.Info("shut down")
	return nil
}
