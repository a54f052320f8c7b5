package main

import (
	"strings"
	"testing"

	"github.com/guizhou-portal/portal/internal/config"
)

func TestDemoDataRefusesTheConfiguredDatabase(t *testing.T) {
	cfg := config.Config{DatabaseURL: "postgres://postgres@127.0.0.1:5432/portal?sslmode=disable"}
	cases := []struct {
		args []string
		err  string // "" when accepted
	}{
		{[]string{"--documents", "10"}, "refusing"},
		{[]string{"--documents", "10", "--database-url", "postgres://postgres@127.0.0.1:5432/portal"}, "refusing"},
		{[]string{"--documents", "10", "--yes-default"}, ""},
		{[]string{"--documents", "10", "--database-url", "postgres://postgres@127.0.0.1:5432/portal_demo"}, ""},
		{[]string{"--documents", "10", "--database-url", "postgres://postgres@10.0.0.2:5432/portal"}, ""},
		{[]string{"--documents", "0", "--database-url", "postgres://postgres@127.0.0.1:5432/portal_demo"}, "between"},
		{[]string{"--database-url", "postgres://postgres@127.0.0.1:5432/portal_demo"}, "between"},
		{[]string{"--documents", "10", "--database-url", "mysql://x"}, "not a valid"},
		{[]string{"--documents", "ten"}, "invalid value"},
		{[]string{"--documents", "10", "extra"}, "unexpected"},
	}
	for _, c := range cases {
		_, err := parseDemoFlags(cfg, c.args)
		switch {
		case c.err == "" && err != nil:
			t.Errorf("%q: %v, want accepted", c.args, err)
		case c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)):
			t.Errorf("%q: error %v, want one saying %q", c.args, err, c.err)
		}
	}
}
