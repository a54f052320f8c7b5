package pagecache

import (
	"net/http"
	"testing"
)

func TestChooseEncodingFollowsQValues(t *testing.T) {
	for header, want := range map[string]string{
		"":                          "",
		"identity":                  "",
		"gzip, deflate, br":         "br",
		"gzip":                      "gzip",
		"gzip;q=1, br;q=0.1":        "gzip",
		"br;q=0.5, gzip;q=0.5":      "br",
		"br;q=0, *":                 "gzip",
		"*":                         "br",
		"*;q=0":                     "",
		"gzip;q=0, br;q=0":          "",
		"GZIP;Q=0.8, br;Q=0.5":      "gzip",
		"br;q=2, gzip":              "gzip", // an impossible q-value is no entry
		"br;q=abc":                  "",
		"gzip ; q=0.3 , br ; q=0.2": "gzip",
	} {
		r, _ := http.NewRequest(http.MethodGet, "/", nil)
		r.Header.Set("Accept-Encoding", header)
		if got := chooseEncoding(r); got != want {
			t.Errorf("Accept-Encoding %q: %q, want %q", header, got, want)
		}
	}
}
