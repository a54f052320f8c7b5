# The portal's commands. `make run` and `make test` do all the set-up a new
# machine needs, given a PostgreSQL server (see README.md). `make help` lists the targets.

DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/portal?sslmode=disable
PORTAL_ADDR  ?= 127.0.0.1:8080
export DATABASE_URL PORTAL_ADDR

BIN := bin/portal
GO  ?= go

BACKUP_DIR ?= backups

.PHONY: all help build run test vet fmt-check templ-check dbcheck generate bench bench-go fuzz screenshots clean backup restore

## all: the default target: build.
all: build

## help: list these targets with what they do.
help:
	@awk '/^## [a-z-]+: / { if (t) print t; sub(/^## /, ""); i = index($$0, ":"); t = sprintf("  %-13s %s", substr($$0, 1, i - 1), substr($$0, i + 2)); next } \
		/^## / { sub(/^## /, ""); if (t != "" && t !~ /\.$$/) t = t " " $$0; next } \
		{ if (t) print t; t = "" } END { if (t) print t }' $(firstword $(MAKEFILE_LIST))

## build: compile the portal to bin/portal (migrations, templates and stylesheet embedded).
build:
	$(GO) build -o $(BIN) ./cmd/portal

## run: create the database if needed, apply migrations and serve on PORTAL_ADDR.
run: build
	@$(BIN) createdb
	$(BIN) serve

## test: formatting, vet, generated code up to date, then every test against real PostgreSQL.
test: fmt-check vet templ-check dbcheck
	$(GO) test -count=1 -timeout 12m ./...

## vet: go vet on every package.
vet:
	$(GO) vet ./...

## fmt-check: gofmt must have nothing to change in cmd, internal, migrations and web.
fmt-check:
	@out=$$(gofmt -l cmd internal migrations web); if [ -n "$$out" ]; then echo "gofmt needed on:"; echo "$$out"; exit 1; fi

## templ-check: regenerating the templates must not change the committed *_templ.go files.
templ-check:
	$(GO) tool templ generate -log-level error
	@if ! git diff --quiet -- '*_templ.go' || [ -n "$$(git ls-files --others --exclude-standard -- '*_templ.go')" ]; then \
		echo "generated templ code is stale: run 'go tool templ generate' and commit the *_templ.go files"; \
		git status --short -- '*_templ.go'; exit 1; fi

## dbcheck: one clear sentence when no PostgreSQL answers at DATABASE_URL.
dbcheck: build
	@$(BIN) dbcheck

## generate: regenerate the map geometry from the boundary file, and the templ code.
generate:
	$(GO) run ./cmd/mapgen -in third_party/boundaries/guizhou.json -out web/mapdata/guizhou.json
	$(GO) tool templ generate

## backup: dump DATABASE_URL in pg_dump's custom format to $(BACKUP_DIR)/portal-<UTC time>.dump.
backup:
	@mkdir -p $(BACKUP_DIR)
	@f=$(BACKUP_DIR)/portal-$$(date -u +%Y%m%dT%H%M%SZ).dump; \
	pg_dump --format=custom --file="$$f" --dbname="$$DATABASE_URL" && echo "backup written to $$f"

## restore: restore FILE into DATABASE_URL, replacing the objects it holds.
## Ownership and grants are not restored: the restoring user owns everything,
## and `portal serve` grants its restricted role (PORTAL_DB_ROLE) at start.
## Then the restricted role gets its grants back (migrate up), and every running
## instance empties its page cache (the restore itself sends no notification).
restore: build
	@if [ -z "$(FILE)" ]; then echo "usage: make restore FILE=backups/portal-....dump [DATABASE_URL=...]"; exit 2; fi
	pg_restore --clean --if-exists --no-owner --no-acl --exit-on-error --single-transaction --dbname="$$DATABASE_URL" "$(FILE)"
	$(BIN) migrate up
	psql --quiet --no-psqlrc --dbname="$$DATABASE_URL" --command "SELECT pg_notify('portal_changes', 'restore')" >/dev/null

## fuzz: run every Go fuzz target (func FuzzX in a *_test.go) for FUZZTIME each;
## a crasher is saved under the package's testdata/fuzz/ to be committed with its fix.
FUZZTIME ?= 10s
fuzz: dbcheck
	@set -e; for dir in $$(grep -l '^func Fuzz' $$(git ls-files '*_test.go') | xargs -n1 dirname | sort -u); do \
		for name in $$(grep -ho '^func Fuzz[A-Za-z0-9_]*' $$dir/*_test.go | cut -c6-); do \
			echo "== $$name (./$$dir, $(FUZZTIME))"; \
			$(GO) test -run '^$$' -fuzz "^$$name$$" -fuzztime $(FUZZTIME) ./$$dir; \
		done; done

## screenshots: run the axe audit, the conflict flow and the evaluation flow in chromium, saving each page
## under docs/screenshots/.
screenshots: dbcheck
	@if command -v fc-list >/dev/null && [ -z "$$(fc-list :lang=zh)" ]; then \
		echo "no Chinese font: the screenshots would show boxes; apt-get install fonts-noto-cjk"; exit 1; fi
	PORTAL_SCREENSHOTS=1 PORTAL_REQUIRE_BROWSER=1 $(GO) test -count=1 -run 'TestMainPagesPassAxe|TestEditorsConflictInABrowser|TestProposerEvaluatesInABrowser|TestPhonesGetACompactHeaderAndTheText' ./internal/server

## bench: load the portal binary with wrk at 64 connections over the seeded reply and 1,000
## synthetic ones (database portal_bench, filled once) and write docs/benchmarks.md; also a
## bare chi server, editor (uncached) pages, a flood and saves during load (issue 18).
## BENCH_FLAGS='-documents 10000 -out docs/benchmarks-10000.md' for ten thousand; '-duration 3s -warmup 1s' for a short run.
bench: dbcheck
	$(GO) build -o bin/benchload ./cmd/benchload
	bin/benchload -portal $(BIN) $(BENCH_FLAGS)

## bench-go: the Go benchmarks (search and whole requests, in-process).
bench-go: dbcheck
	$(GO) test -run '^$$' -bench . -benchmem -timeout 30m ./...

## clean: remove bin/.
clean:
	rm -rf bin
