#!/usr/bin/env bash
# Runs every test: starts a throwaway PostgreSQL and MariaDB (hack/testdb.sh)
# for the store suite, exports their DSNs, runs one `go test` over the whole
# module, and stops the databases on exit. `make test` calls this after
# `make tools`, which also exports WHEELHOUSE_TOOLS_DIR.
#
# Extra arguments go to go test, e.g. hack/test.sh -run TestUsers.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ -z "${WHEELHOUSE_TOOLS_DIR:-}" ]]; then
	cache=${WHEELHOUSE_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/wheelhouse/tools}
	export WHEELHOUSE_TOOLS_DIR="$cache/current"
fi

# The output of start is only export lines; its progress goes to stderr.
dbenv=$(hack/testdb.sh start)
eval "$dbenv"
trap 'hack/testdb.sh stop "$WHEELHOUSE_TESTDB_DIR"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
export WHEELHOUSE_TEST_POSTGRES_DSN WHEELHOUSE_TEST_MYSQL_DSN WHEELHOUSE_TOOLS_DIR

# One go test invocation, so the last lines printed are go test's summary.
# -p is left at its default (GOMAXPROCS, 2 here): with -p 1 the packages'
# test binaries would also be built one at a time.
go test -count=1 -timeout 45m "$@" ./...
