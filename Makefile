# Wheelhouse. `make help` lists the targets; `make run` and `make test` are
# the two commands that do all set-up on a fresh machine.
SHELL := /usr/bin/env bash
.DEFAULT_GOAL := help

GO          ?= go
BIN         := bin/wheelhouse
DATA_DIR    ?= $(CURDIR)/.data
TOOLS_CACHE ?= $(or $(WHEELHOUSE_TOOLS_CACHE),$(or $(XDG_CACHE_HOME),$(HOME)/.cache)/wheelhouse/tools)
export WHEELHOUSE_TOOLS_CACHE := $(TOOLS_CACHE)
export WHEELHOUSE_TOOLS_DIR   := $(TOOLS_CACHE)/current

VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT  ?= $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)
LDFLAGS := -s -w -X github.com/wheelhouse-dev/wheelhouse/internal/version.Version=$(VERSION) \
           -X github.com/wheelhouse-dev/wheelhouse/internal/version.Commit=$(COMMIT)

.PHONY: help
help: ## Show this help
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  %-10s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

.PHONY: tools
tools: ## Build the sandbox toolchain, Gitea and versitygw into $(TOOLS_CACHE) (only what is missing)
	@dir=$$(hack/tools/build.sh) && hack/tools/metrics-server/build.sh "$$dir" >/dev/null && hack/tools/helm/build.sh "$$dir" >/dev/null && hack/tools/gitea/build.sh "$$dir" >/dev/null && hack/tools/versitygw/build.sh "$$dir" >/dev/null

.PHONY: build
build: ## Build bin/wheelhouse
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/wheelhouse

# The web console (web/): `npm ci` from the committed lockfile, then a Vite
# build into web/dist, which bin/wheelhouse embeds; each step runs only when
# its inputs changed. The browser tests (test/console) need both, so `test`
# builds it too.
WEB_SRC := $(shell find web/src -type f 2>/dev/null) web/index.html web/vite.config.ts web/tsconfig.json web/package.json

web/node_modules/.package-lock.json: web/package-lock.json
	cd web && npm ci --no-audit --no-fund

web/dist/index.html: web/node_modules/.package-lock.json $(WEB_SRC)
	cd web && npm run build

.PHONY: web
web: web/dist/index.html ## Build the web console into web/dist (npm ci + vite build, when changed)

build test: web

.PHONY: run
run: tools build ## Start the sandbox cluster `local` and the server on http://127.0.0.1:8080
	@hack/run.sh "$(DATA_DIR)"

.PHONY: test-deps
test-deps: ## Install the Debian packages the tests need (hack/setup-test-deps.sh)
	@hack/setup-test-deps.sh

# make test fuzzes each fuzz test this long after the tests (their corpora
# are replayed by the tests themselves); make fuzz runs them longer.
TEST_FUZZTIME ?= 10s

.PHONY: test
test: tools test-deps ## Run every test (starts PostgreSQL and MariaDB for the store suite), then a short fuzz run
	@hack/test.sh
	@hack/fuzz.sh "$(TEST_FUZZTIME)"

FUZZTIME ?= 60s

.PHONY: fuzz
fuzz: ## Run every fuzz test for FUZZTIME each (default 60s); make test replays only their corpora
	@hack/fuzz.sh "$(FUZZTIME)"

# Test files that start a sandbox cluster carry `//go:build !unit`, so the
# unit build leaves them out; plain `go test ./...` and `make test` run them.
.PHONY: test-unit
test-unit: test-deps ## Run every test that needs no sandbox cluster, with -race
	@hack/test.sh -tags unit -race

.PHONY: bench
bench: tools build ## Run the quick benchmarks (bench/run.sh --all: the cluster-sized ones too)
	@bench/run.sh

.PHONY: fmt
fmt: ## gofmt every Go file
	gofmt -w $$(git ls-files '*.go')

.PHONY: vet
vet: ## go vet
	$(GO) vet ./...

# staticcheck is pinned and fetched through the Go module proxy by `go run`,
# so it needs no install step and every machine runs the same checks.
STATICCHECK ?= honnef.co/go/tools/cmd/staticcheck@v0.8.2

.PHONY: lint
lint: ## gofmt check, go vet and staticcheck (CI runs it before the tests)
	@unformatted=$$(gofmt -l $$(git ls-files '*.go')); \
	if [[ -n "$$unformatted" ]]; then echo "lint: not gofmt-ed (make fmt):"; echo "$$unformatted"; exit 1; fi
	$(GO) vet ./...
	$(GO) run $(STATICCHECK) ./...

.PHONY: verify
verify: ## Check that go.mod is tidy and the README's configuration table is current
	$(GO) mod tidy && (cd hack/tools && $(GO) mod tidy) && (cd hack/tools/metrics-server && $(GO) mod tidy) && (cd hack/tools/gitea && $(GO) mod tidy) && (cd hack/tools/versitygw && $(GO) mod tidy)
	hack/gen-readme-config.sh
	git diff --exit-code
