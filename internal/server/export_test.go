package server

import (
	"net/http"

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
