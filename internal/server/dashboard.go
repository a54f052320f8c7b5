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
// money in 亿元, the timeline with what is due or overdue, and the map; of
// every listed document, or of the one ?document= names.
func (s *Server) showDashboard(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	choice, err := s.documentChoice(r, "/dashboard")
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	themes, err := s.store.Themes(ctx)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	// The dashboard is about the real documents; synthetic ones (portal
	// demo-data) would only swamp it.
	f := policy.CommitmentFilter{RealOnly: true}
	if choice.Selected != nil {
		f.Documents = []string{choice.Selected.Slug}
	}
	commitments, err := s.store.Commitments(ctx, f)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	money, err := s.store.MoneyFigures(ctx, choice.Slug())
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	m, err := s.mapView(r, choice.Slug())
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	paragraphs, err := s.store.ReplyParagraphs(ctx, choice.Slug())
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	followUps, err := s.store.FollowUps(ctx, 0)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	grades, err := s.store.DocumentGrades(ctx)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	satisfaction, err := s.store.DocumentSatisfaction(ctx)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	v := web.DashboardView{Dashboard: policy.NewDashboard(themes, commitments, money, policy.TimeMentions(paragraphs), s.todayFor(r)),
		Map: m, Choice: choice, FollowUps: followUps, Grades: grades, Satisfaction: satisfaction,
		BySection: policy.RollUpSections(commitments, s.todayFor(r), choice.Selected == nil && len(choice.Options) > 1),
		ByUnit:    policy.RollUpUnits(commitments, s.todayFor(r))}
	for _, d := range choice.Options {
		if d.Kind == policy.KindReply && d.SignedOn != nil && (choice.Selected == nil || d.Slug == choice.Selected.Slug) {
			v.ReplyDate = d.SignedOn // the newest reply comes first
			break
		}
	}
	s.render(w, r, http.StatusOK, web.DashboardPage(v))
}

// showMap shows the “一核两区” layout on the map of Guizhou, with the
// commitments of every listed document or of the one ?document= names.
func (s *Server) showMap(w http.ResponseWriter, r *http.Request) {
	choice, err := s.documentChoice(r, "/map")
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	m, err := s.mapView(r, choice.Slug())
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, web.MapPage(m, choice))
}

func (s *Server) mapView(r *http.Request, document string) (web.MapView, error) {
	if s.mapErr != nil {
		return web.MapView{}, s.mapErr
	}
	facts, err := s.store.DivisionFacts(r.Context(), policy.Divisions, document)
	if err != nil {
		return web.MapView{}, err
	}
	return web.NewMapView(s.mapGeometry, facts), nil
}

// documentChoice reads ?document= of the dashboard or the map: empty or
// absent for every listed document, else the slug of one of them. Any other
// value, or more than one, is a 400 that names it. The documents offered are
// the listed ones, so one the public cannot list cannot be chosen either.
func (s *Server) documentChoice(r *http.Request, action string) (web.DocumentChoice, error) {
	c := web.DocumentChoice{Action: action}
	q, err := parseQuery(r)
	if err != nil {
		return c, err
	}
	slugs := q[paramDocument]
	if len(slugs) > 1 {
		return c, policy.Errorm(policy.EINVALID, "err.filter.onedocument")
	}
	c.Options, err = s.store.Documents(r.Context(), policy.DocumentFilter{Today: s.today()})
	if err != nil {
		return c, err
	}
	if len(slugs) == 0 || slugs[0] == "" {
		return c, nil
	}
	for i := range c.Options {
		if c.Options[i].Slug == slugs[0] {
			c.Selected = &c.Options[i]
			return c, nil
		}
	}
	return c, policy.Errorm(policy.EINVALID, "err.filter.document", truncate(slugs[0], 40))
}
