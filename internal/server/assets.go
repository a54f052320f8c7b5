package server

import (
	"io/fs"
	"mime"
	"net/http"
	"path"
	"regexp"

	"github.com/guizhou-portal/portal/internal/pagecache"
	"github.com/guizhou-portal/portal/web"
)

// staticAsset is one embedded file, compressed once at start.
type staticAsset struct {
	page   *pagecache.Page
	hashed string // its content-hashed name, which pages link
}

// oldHashedName matches a hashed name from another build: style.0123456789ab.css.
var oldHashedName = regexp.MustCompile(`^(.+)\.[0-9a-f]{12}(\.[a-z0-9]+)$`)

// staticFiles serves the embedded assets. Under their content-hashed names
// (what pages link) they may be kept for a year; under their plain names
// they are still served, for an hour; a hashed name from an older build is
// sent on to the current one. Anything else, directories included, gets the
// portal's 404 page.
func (s *Server) staticFiles(fsys fs.FS) http.Handler {
	assets := map[string]staticAsset{} // by plain name
	byHashed := map[string]string{}    // hashed name → plain name
	started := s.now()
	fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		h := http.Header{}
		ct := mime.TypeByExtension(path.Ext(p))
		if ct == "" {
			ct = "application/octet-stream"
		}
		h.Set("Content-Type", ct)
		h.Set("X-Content-Type-Options", "nosniff")
		a := staticAsset{page: pagecache.NewPage(h, b, started), hashed: web.HashedName(p, b)}
		assets[p] = a
		byHashed[a.hashed] = p
		return nil
	})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := r.URL.Path
		if _, ok := byHashed[name]; ok || assets[name].page != nil {
			// A file is the same in every language and for everyone; only
			// its encoding varies (the page's ServeHTTP says so).
			w.Header().Del("Vary")
			w.Header().Del("Content-Language")
		}
		if plain, ok := byHashed[name]; ok {
			w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
			assets[plain].page.ServeHTTP(w, r)
			return
		}
		if a, ok := assets[name]; ok {
			w.Header().Set("Cache-Control", "public, max-age=3600")
			a.page.ServeHTTP(w, r)
			return
		}
		if m := oldHashedName.FindStringSubmatch(name); m != nil {
			if a, ok := assets[m[1]+m[2]]; ok {
				w.Header().Set("Cache-Control", "no-cache")
				http.Redirect(w, r, "/static/"+a.hashed, http.StatusFound)
				return
			}
		}
		s.renderError(w, r, errNotFoundPage)
	})
}
