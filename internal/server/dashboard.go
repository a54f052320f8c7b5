package server

import (
	"net/http"
	"time"

	"github.com/guizhou-portal/portal/internal/policy"
	"github.com/guizhou-portal/portal/web"
)

// today is the current date in China by the server's clock, as a UTC
// midnight like the dates the store returns.
func (s *Server) today() time.Time { return policy.Today(s.now()) }

// showDashboard shows commitments by section and status, their strength, the
// money in 亿元, the timeline with what is due or overdue, and the map.
func (s *Server) showDashboard(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	themes, err := s.store.Themes(ctx)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	// The dashboard is about the real documents; synthetic ones (portal
	// demo-data) would only swamp it.
	commitments, err := s.store.Commitments(ctx, policy.CommitmentFilter{RealOnly: true})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	money, err := s.store.MoneyFigures(ctx)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	m, err := s.mapView(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	paragraphs, err := s.store.ReplyParagraphs(ctx)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	docs, err := s.store.Documents(ctx, policy.DocumentFilter{Today: s.today()})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	v := web.DashboardView{Dashboard: policy.NewDashboard(themes, commitments, money, policy.TimeMentions(paragraphs), s.today()), Map: m}
	for _, d := range docs {
		if d.Kind == policy.KindReply && d.SignedOn != nil {
			v.ReplyDate = d.SignedOn // the newest reply comes first
			break
		}
	}
	s.render(w, r, http.StatusOK, web.DashboardPage(v))
}

// showMap shows the “一核两区” layout on the map of Guizhou.
func (s *Server) showMap(w http.ResponseWriter, r *http.Request) {
	m, err := s.mapView(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, web.MapPage(m))
}

func (s *Server) mapView(r *http.Request) (web.MapView, error) {
	if s.mapErr != nil {
		return web.MapView{}, s.mapErr
	}
	facts, err := s.store.DivisionFacts(r.Context(), policy.Divisions)
	if err != nil {
		return web.MapView{}, err
	}
	return web.NewMapView(s.mapGeometry, facts), nil
}
