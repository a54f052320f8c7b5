package server_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/guizhou-portal/portal/web"
)

func TestStaticAssetsUnderHashedNames(t *testing.T) {
	base := newTestPortal(t).URL
	home := request(t, nil, "GET", base+"/", nil)
	hashed := web.AssetPath("style.css")
	if hashed == "/static/style.css" || !strings.Contains(home.body, `href="`+hashed+`"`) {
		t.Fatalf("the page does not link the hashed stylesheet %s", hashed)
	}
	r := request(t, nil, "GET", base+hashed, nil)
	if r.status != 200 || r.header.Get("Cache-Control") != "public, max-age=31536000, immutable" ||
		!strings.HasPrefix(r.header.Get("Content-Type"), "text/css") || !strings.Contains(r.body, ".chart-svg") {
		t.Errorf("%s: status %d, Cache-Control %q, Content-Type %q", hashed, r.status, r.header.Get("Cache-Control"), r.header.Get("Content-Type"))
	}
	// The same for every language and every reader: a shared cache keeps one copy.
	if v := r.header.Values("Vary"); strings.Contains(strings.Join(v, ","), "Cookie") || strings.Contains(strings.Join(v, ","), "Accept-Language") {
		t.Errorf("%s varies on %q", hashed, v)
	}
	if plain := request(t, nil, "GET", base+"/static/style.css", nil); plain.status != 200 || plain.body != r.body ||
		strings.Contains(plain.header.Get("Cache-Control"), "immutable") {
		t.Errorf("plain name: status %d, Cache-Control %q", plain.status, plain.header.Get("Cache-Control"))
	}
	old := anon(t, base+"/static/style.0123456789ab.css")
	if old.status != http.StatusFound || old.header.Get("Location") != hashed {
		t.Errorf("an older build's name: status %d, Location %q", old.status, old.header.Get("Location"))
	}
	if r := anon(t, base+"/static/nothing.0123456789ab.css"); r.status != 404 {
		t.Errorf("an unknown hashed name: status %d", r.status)
	}
}
