package server

import (
	"net/http"
	"strings"
	"time"

	"github.com/guizhou-portal/portal/internal/policy"
	"github.com/guizhou-portal/portal/web"
)

// paramAsOf asks a page, the API or the CSV for the ledger at the end of a
// past day (YYYY-MM-DD, in China), replayed from the audit log.
const paramAsOf = "as_of"

// readAsOf puts the date of an as_of parameter in the request's context, so
// that the store's reads of commitments give their values at that date
// (policy.WithAsOf). A date that is not one, is in the future or is before
// the ledger's first record is refused with 400 and says which dates there
// are. Without the parameter the request goes on untouched: the present
// costs nothing more.
func (s *Server) readAsOf(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if !q.Has(paramAsOf) {
			next.ServeHTTP(w, r)
			return
		}
		fail := s.renderError
		if strings.HasPrefix(r.URL.Path, "/api/") {
			fail = s.apiError
		}
		ctx := r.Context()
		start, err := s.store.LedgerStart(ctx)
		if err != nil {
			fail(w, r, err)
			return
		}
		a, err := policy.ParseAsOf(q.Get(paramAsOf), s.today(), start)
		if err != nil {
			fail(w, r, err)
			return
		}
		// The page judges what was late on that day, as the store's reads
		// and the API do (todayFor).
		next.ServeHTTP(w, r.WithContext(web.WithToday(policy.WithAsOf(ctx, a), a.Day)))
	})
}

// missingAsOf says why a commitment that exists is not in the ledger at a:
// recorded later, or withdrawn then; err, the 404, otherwise.
func (s *Server) missingAsOf(r *http.Request, id int64, a policy.AsOf, err error) error {
	now, nerr := s.store.Commitment(policy.Present(r.Context()), id)
	day := a.Day.Format(time.DateOnly)
	switch {
	case nerr != nil:
		return err
	case !now.CreatedAt.Before(a.End):
		return policy.Errorm(policy.ENOTFOUND, "err.as_of.notyet", now.Label(), day, now.CreatedAt.In(policy.China).Format(time.DateOnly))
	default:
		return policy.Errorm(policy.ENOTFOUND, "err.as_of.withdrawn", now.Label(), day)
	}
}

// todayFor is the day a request's timeliness is judged on: the as_of date
// when it asks for one, today otherwise.
func (s *Server) todayFor(r *http.Request) time.Time {
	if a, ok := policy.AsOfFrom(r.Context()); ok {
		return a.Day
	}
	return s.today()
}
