#!/usr/bin/env bash
# Runs the tests: starts a throwaway PostgreSQL and MariaDB (hack/testdb.sh)
# for the store suite, exports their DSNs, runs one `go test` over the whole
# module, and stops the databases on exit. `make test` calls this after
# `make tools`, which also exports WHEELHOUSE_TOOLS_DIR; `make test-unit`
# calls it with -tags unit -race.
#
# Extra arguments go to go test, e.g. hack/test.sh -run TestUsers.
#
# With WHEELHOUSE_TEST_POSTGRES_DSN and WHEELHOUSE_TEST_MYSQL_DSN both set,
# the store suite uses those servers and none is started. When the servers
# cannot be started the store suite runs on SQLite only: this script says
# so before and after the tests, and under CI (CI set) fails instead.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ -z "${WHEELHOUSE_TOOLS_DIR:-}" ]]; then
	cache=${WHEELHOUSE_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/wheelhouse/tools}
	export WHEELHOUSE_TOOLS_DIR="$cache/current"
fi

trap 'exit 130' INT
trap 'exit 143' TERM
if [[ -z "${WHEELHOUSE_TEST_POSTGRES_DSN:-}" || -z "${WHEELHOUSE_TEST_MYSQL_DSN:-}" ]]; then
	# The output of start is only export lines; its progress goes to stderr.
	if dbenv=$(hack/testdb.sh start); then
		eval "$dbenv"
		trap 'hack/testdb.sh stop "$WHEELHOUSE_TESTDB_DIR"' EXIT
	fi
fi

sqlite_only=""
for env in WHEELHOUSE_TEST_POSTGRES_DSN WHEELHOUSE_TEST_MYSQL_DSN; do
	if [[ -z "${!env:-}" ]]; then
		sqlite_only+=" $env"
	fi
done
if [[ -n "$sqlite_only" ]]; then
	notice="test: the store suite runs on SQLite only:${sqlite_only} not set (hack/testdb.sh could not start the servers; see above)"
	if [[ -n "${CI:-}" ]]; then
		echo "$notice; in CI that is a failure" >&2
		exit 1
	fi
	echo "*** $notice ***" >&2
	trap 'echo "*** $notice ***" >&2' EXIT
fi
export WHEELHOUSE_TEST_POSTGRES_DSN WHEELHOUSE_TEST_MYSQL_DSN WHEELHOUSE_TOOLS_DIR

# One go test invocation, so the last lines printed are go test's summary.
# -p is left at its default (GOMAXPROCS, 2 here): with -p 1 the packages'
# test binaries would also be built one at a time.
go test -count=1 -timeout 45m "$@" ./...
