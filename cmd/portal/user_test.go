package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/guizhou-portal/portal/internal/auth"
	"github.com/guizhou-portal/portal/internal/config"
	"github.com/guizhou-portal/portal/internal/postgres/pgtest"
)

func TestUserAddAndDisable(t *testing.T) {
	pool := pgtest.NewDB(t)
	cfg := config.Config{DatabaseURL: pool.Config().ConnString()}
	ctx := context.Background()
	logger := pgtest.Logger()
	var out bytes.Buffer

	t.Setenv("PORTAL_PASSWORD", "左磷右锂开辟新赛道")
	if err := userCommand(ctx, logger, cfg, []string{"add", "--email", "First@Example.gov.cn", "--name", "王管理", "--role", "admin"}, nil, &out); err != nil {
		t.Fatal(err)
	}
	var hash, role string
	pool.QueryRow(ctx, `SELECT password_hash, role FROM users WHERE email = 'first@example.gov.cn'`).Scan(&hash, &role)
	if ok, _ := auth.VerifyPassword("左磷右锂开辟新赛道", hash); !ok || role != "admin" {
		t.Errorf("stored account: role %q, password matches %v", role, ok)
	}

	// Without PORTAL_PASSWORD the password is the first line of standard input.
	t.Setenv("PORTAL_PASSWORD", "")
	for _, tc := range []struct {
		args  []string
		stdin string
		err   string
	}{
		{[]string{"add", "--email", "ed@example.gov.cn", "--name", "李编辑", "--role", "editor"}, "密码要八个字以上🔋\n", ""},
		{[]string{"add", "--email", "ed@example.gov.cn", "--name", "李编辑", "--role", "editor"}, "another-password\n", "已有账户"},
		{[]string{"add", "--email", "x@example.gov.cn", "--name", "赵", "--role", "editor"}, "short\n", "至少 8 个字符"},
		{[]string{"add", "--email", "x@example.gov.cn", "--name", "赵", "--role", "root"}, "long enough\n", "--role"},
		{[]string{"add", "--email", "not-an-email", "--name", "赵", "--role", "editor"}, "long enough\n", "--email"},
		{[]string{"add", "--email", "x@example.gov.cn", "--role", "editor"}, "long enough\n", "--name"},
		{[]string{"add", "--email", "x@example.gov.cn", "--name", "赵", "--role", "editor"}, "", "no password"},
		{[]string{"disable", "--email", "ed@example.gov.cn"}, "", ""},
		{[]string{"disable", "--email", "nobody@example.gov.cn"}, "", "没有这个账户"},
		{[]string{"rename"}, "", "add or disable"},
	} {
		err := userCommand(ctx, logger, cfg, tc.args, strings.NewReader(tc.stdin), &out)
		if (err == nil) != (tc.err == "") || (err != nil && !strings.Contains(err.Error(), tc.err)) {
			t.Errorf("user %v: %v, want error containing %q", tc.args, err, tc.err)
		}
	}
	var disabled bool
	pool.QueryRow(ctx, `SELECT disabled_at IS NOT NULL FROM users WHERE email = 'ed@example.gov.cn'`).Scan(&disabled)
	if !disabled {
		t.Error("user disable did not disable the account")
	}
	var audits int
	pool.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE actor_name = '命令行'`).Scan(&audits)
	if audits != 3 {
		t.Errorf("%d audit records from the command line, want 3 (two adds, one disable)", audits)
	}
}
