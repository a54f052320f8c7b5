package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/guizhou-portal/portal/internal/auth"
	"github.com/guizhou-portal/portal/internal/config"
	"github.com/guizhou-portal/portal/internal/i18n"
	"github.com/guizhou-portal/portal/internal/policy"
	"github.com/guizhou-portal/portal/internal/postgres"
)

// userCommand manages staff accounts from the command line: "add" creates one,
// "disable" disables one and ends its sessions. Both write the audit log.
func userCommand(ctx context.Context, logger *slog.Logger, cfg config.Config, args []string, stdin io.Reader, stdout io.Writer) error {
	if len(args) == 0 {
		return usageError("user needs add or disable")
	}
	sub, args := args[0], args[1:]
	if sub != "add" && sub != "disable" {
		return usageError("user needs add or disable, not " + sub)
	}
	fs := flag.NewFlagSet("user "+sub, flag.ContinueOnError)
	email := fs.String("email", "", "the account's email address")
	name := fs.String("name", "", "the person's name, as shown to colleagues")
	role := fs.String("role", "", "admin, reviewer or editor")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError("unexpected argument " + fs.Arg(0))
	}
	*email = strings.ToLower(strings.TrimSpace(*email))
	if p := auth.CheckEmail(*email); !p.OK() {
		return errors.New("--email: " + zh.T(p.ID, p.Args...))
	}
	pool, err := postgres.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer pool.Close()
	store := postgres.NewStore(pool)
	actor := policy.Actor{}
	switch sub {
	case "add":
		*name = strings.TrimSpace(*name)
		if *name == "" || len([]rune(*name)) > 60 || !utf8.ValidString(*name) || strings.ContainsFunc(*name, unicode.IsControl) {
			return errors.New("--name: give the person's name, at most 60 characters")
		}
		if !policy.Role(*role).Valid() {
			return errors.New("--role must be admin, reviewer or editor")
		}
		password, err := readPassword(stdin)
		if err != nil {
			return err
		}
		if p := auth.CheckPassword(password); !p.OK() {
			return errors.New("password: " + zh.T(p.ID, p.Args...))
		}
		hash, err := auth.HashPassword(password)
		if err != nil {
			return err
		}
		id, err := store.CreateUser(ctx, actor, *email, *name, policy.Role(*role), hash)
		if err != nil {
			return cliError(err)
		}
		fmt.Fprintf(stdout, "created %s account %d for %s (%s)\n", *role, id, *name, *email)
		return nil
	case "disable":
		u, _, err := store.UserForLogin(ctx, *email)
		if err != nil {
			return cliError(err)
		}
		if err := store.UpdateUser(ctx, actor, u.ID, u.Name, u.Role, true); err != nil {
			return cliError(err)
		}
		fmt.Fprintf(stdout, "disabled account %d (%s); its sessions have ended\n", u.ID, *email)
		return nil
	}
	return nil
}

// zh writes the command's messages: the interface's default language.
var zh = i18n.For("zh")

// readPassword takes the password from PORTAL_PASSWORD or, when unset, from
// the first line of standard input, so that it never appears in the process list.
func readPassword(stdin io.Reader) (string, error) {
	if p := os.Getenv("PORTAL_PASSWORD"); p != "" {
		return p, nil
	}
	fmt.Fprint(os.Stderr, "password: ")
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !(errors.Is(err, io.EOF) && line != "") {
		return "", errors.New("no password: set PORTAL_PASSWORD or type it on standard input")
	}
	return strings.TrimRight(line, "\r\n"), nil
}

// cliError shows a domain error's message rather than its code.
func cliError(err error) error {
	if code := policy.ErrorCode(err); code != policy.EINTERNAL {
		return errors.New(policy.ErrorMessage(err))
	}
	return err
}
