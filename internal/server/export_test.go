package server

import (
	"net/http"
	"slices"

	"github.com/go-chi/chi/v5"
)

// HandlerWithPanicRoute is Handler with one more route, GET /test/panic, whose
// handler panics: the way to test panic recovery through the real middleware
// without a panicking route in production.
func (s *Server) HandlerWithPanicRoute() http.Handler {
	mux := s.Handler().(*chi.Mux)
	mux.Get("/test/panic", func(http.ResponseWriter, *http.Request) { panic("test panic: nil map") })
	return mux
}

// RouteTakes reports whether the cached route pattern reads the query
// parameter name (routeParams).
func RouteTakes(pattern, name string) bool { return slices.Contains(routeParams[pattern], name) }
