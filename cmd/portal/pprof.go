package main

import (
	"log/slog"
	"net/http"
	"net/http/pprof"
	"os"
)

// startProfiling serves Go's profiles (net/http/pprof) on PORTAL_PPROF_ADDR,
// a separate address that should stay private (127.0.0.1:6060), when it is
// set: `go tool pprof http://127.0.0.1:6060/debug/pprof/profile?seconds=10`
// while `make bench` runs shows where the portal spends its time.
func startProfiling(logger *slog.Logger) {
	addr := os.Getenv("PORTAL_PPROF_ADDR")
	if addr == "" {
		return
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	go func() {
		logger.Info("profiles served", "addr", "http://"+addr+"/debug/pprof/")
		if err := http.ListenAndServe(addr, mux); err != nil {
			logger.Warn("profiles not served", "err", err)
		}
	}()
}
