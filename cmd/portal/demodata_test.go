package main

import (
	"context"
	"strings"
	"testing"

	"github.com/guizhou-portal/portal/internal/config"
	"github.com/guizhou-portal/portal/internal/postgres/pgtest"
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

func TestDemoDataCreatesMigratesAndFillsItsTarget(t *testing.T) {
	ctx := context.Background()
	url := pgtest.EmptyDB(t)
	cfg := config.Config{DatabaseURL: "postgres://postgres@127.0.0.1:5432/portal?sslmode=disable"}
	if err := run(ctx, pgtest.Logger(), cfg, []string{"demo-data", "--documents", "3", "--database-url", url}); err != nil {
		t.Fatal(err)
	}
	// Running it again adds three more, numbered after the first.
	if err := run(ctx, pgtest.Logger(), cfg, []string{"demo-data", "--documents", "3", "--database-url", url}); err != nil {
		t.Fatal(err)
	}
	pool := pgtest.Pool(t, url)
	var synthetic, labelled, real int
	err := pool.QueryRow(ctx, `SELECT count(*) FILTER (WHERE synthetic), count(*) FILTER (WHERE synthetic AND title LIKE '【演示数据】%'),
		count(*) FILTER (WHERE NOT synthetic) FROM documents`).Scan(&synthetic, &labelled, &real)
	if err != nil {
		t.Fatal(err)
	}
	if synthetic != 6 || labelled != 6 || real == 0 {
		t.Errorf("%d synthetic documents (%d labelled) beside %d real ones; want 6, all labelled", synthetic, labelled, real)
	}
}
