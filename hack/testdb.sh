#!/usr/bin/env bash
# Starts a throwaway PostgreSQL and MariaDB for the store tests, bound to
# 127.0.0.1 on free ports, with all their state in one temporary directory.
#
#   eval "$(hack/testdb.sh start)"   # prints export lines for the DSNs
#   hack/testdb.sh stop DIR          # stops both and removes DIR
#
# `start` prints, on stdout and nothing else:
#   export WHEELHOUSE_TEST_POSTGRES_DSN=...
#   export WHEELHOUSE_TEST_MYSQL_DSN=...
#   export WHEELHOUSE_TESTDB_DIR=...     (pass it to stop)
# Progress and errors go to stderr. Works as root (PostgreSQL then runs as
# the postgres user, MariaDB with --user=root) and as an ordinary user.
set -euo pipefail

log() { echo "testdb: $*" >&2; }
die() { log "$*"; exit 1; }

need_binaries() {
	local missing=()
	PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1 || true)
	[[ -n "$PG_BIN" && -x "$PG_BIN/initdb" && -x "$PG_BIN/pg_ctl" ]] || missing+=(postgresql)
	MARIADBD=$(command -v mariadbd || echo /usr/sbin/mariadbd)
	[[ -x "$MARIADBD" ]] && command -v mariadb-install-db >/dev/null && command -v mariadb >/dev/null ||
		missing+=(mariadb-server)
	if ((${#missing[@]} > 0)); then
		die "${missing[*]} binaries not found; install them: apt-get install postgresql mariadb-server"
	fi
}

# free_port prints a TCP port on 127.0.0.1 that nothing listens on.
free_port() {
	local p
	for _ in $(seq 1 200); do
		p=$((20000 + RANDOM % 20000))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			echo "$p"
			return
		fi
	done
	die "no free port found"
}

# as_pg runs a command as the postgres user when we are root (initdb and
# postgres refuse to run as root).
as_pg() {
	if [[ $(id -u) -eq 0 ]]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

wait_for() {
	local what=$1; shift
	for _ in $(seq 1 120); do
		if "$@" >/dev/null 2>&1; then
			return 0
		fi
		sleep 0.5
	done
	die "$what did not start within 60s; see its log in $DIR"
}

start() {
	need_binaries
	local base=${TMPDIR:-/tmp}
	# As root, the postgres user must be able to reach the directory.
	if [[ $(id -u) -eq 0 ]] && ! runuser -u postgres -- test -x "$base"; then
		base=/tmp
	fi
	DIR=$(mktemp -d "$base/wheelhouse-testdb.XXXXXX")
	chmod 755 "$DIR"
	STARTED=""
	trap 'if [[ -z "$STARTED" ]]; then log "start failed; cleaning up"; stop "$DIR" >/dev/null 2>&1 || true; fi' EXIT

	# PostgreSQL: trust authentication, TCP on 127.0.0.1 only, its unix
	# socket inside DIR.
	local pg_port pg_user=wheelhouse
	pg_port=$(free_port)
	mkdir -p "$DIR/pg"
	if [[ $(id -u) -eq 0 ]]; then
		chown postgres:postgres "$DIR/pg"
	fi
	log "initdb (PostgreSQL $(basename "$(dirname "$PG_BIN")")) in $DIR/pg"
	as_pg "$PG_BIN/initdb" -D "$DIR/pg/data" -U "$pg_user" --auth=trust --encoding=UTF8 --no-sync >"$DIR/pg-initdb.log" 2>&1 ||
		die "initdb failed: $(tail -n5 "$DIR/pg-initdb.log")"
	as_pg "$PG_BIN/pg_ctl" -D "$DIR/pg/data" -l "$DIR/pg/postgres.log" -w -t 60 \
		-o "-c listen_addresses=127.0.0.1 -p $pg_port -k $DIR/pg -c fsync=off -c full_page_writes=off -c max_connections=200" \
		start >/dev/null 2>&1 || die "postgres failed to start: $(tail -n5 "$DIR/pg/postgres.log" 2>/dev/null)"
	echo "$PG_BIN" >"$DIR/pg.bin"
	wait_for postgres "$PG_BIN/pg_isready" -h 127.0.0.1 -p "$pg_port" -U "$pg_user"
	log "postgres ready on 127.0.0.1:$pg_port"

	# MariaDB: its own datadir and socket, TCP on 127.0.0.1 only. A
	# password user for the tests, since root authenticates by unix socket.
	local my_port my_pass
	my_port=$(free_port)
	while [[ "$my_port" == "$pg_port" ]]; do my_port=$(free_port); done
	my_pass=$(head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 20)
	mkdir -p "$DIR/my/data"
	log "mariadb-install-db in $DIR/my"
	mariadb-install-db --no-defaults --user="$(id -un)" --datadir="$DIR/my/data" \
		--auth-root-authentication-method=socket --skip-test-db >"$DIR/my-install.log" 2>&1 ||
		die "mariadb-install-db failed: $(tail -n5 "$DIR/my-install.log")"
	setsid "$MARIADBD" --no-defaults --user="$(id -un)" --datadir="$DIR/my/data" \
		--bind-address=127.0.0.1 --port="$my_port" --socket="$DIR/my/mysqld.sock" \
		--pid-file="$DIR/my/mysqld.pid" --log-error="$DIR/my/error.log" \
		--skip-name-resolve --innodb-flush-log-at-trx-commit=2 --max-connections=300 \
		</dev/null >/dev/null 2>&1 &
	# mariadb-install-db lets the installing OS user in through the socket.
	local my_admin
	my_admin=$(id -un)
	wait_for mariadb mariadb --no-defaults --socket="$DIR/my/mysqld.sock" -u"$my_admin" -e 'SELECT 1'
	mariadb --no-defaults --socket="$DIR/my/mysqld.sock" -u"$my_admin" <<SQL
CREATE USER 'wheelhouse'@'127.0.0.1' IDENTIFIED BY '$my_pass';
GRANT ALL PRIVILEGES ON *.* TO 'wheelhouse'@'127.0.0.1' WITH GRANT OPTION;
CREATE DATABASE wheelhouse CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
SQL
	log "mariadb ready on 127.0.0.1:$my_port"
	STARTED=1

	echo "export WHEELHOUSE_TEST_POSTGRES_DSN='postgres://$pg_user@127.0.0.1:$pg_port/postgres?sslmode=disable'"
	echo "export WHEELHOUSE_TEST_MYSQL_DSN='mysql://wheelhouse:$my_pass@127.0.0.1:$my_port/wheelhouse'"
	echo "export WHEELHOUSE_TESTDB_DIR='$DIR'"
	echo "# stop with: hack/testdb.sh stop '$DIR'"
}

stop() {
	local dir=${1:?usage: testdb.sh stop DIR}
	[[ -d "$dir" ]] || return 0
	[[ $(basename "$dir") == wheelhouse-testdb.* ]] || die "$dir is not a directory made by testdb.sh start"
	if [[ -f "$dir/pg/data/postmaster.pid" && -f "$dir/pg.bin" ]]; then
		as_pg "$(cat "$dir/pg.bin")/pg_ctl" -D "$dir/pg/data" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
	fi
	if [[ -f "$dir/my/mysqld.pid" ]]; then
		local pid
		pid=$(cat "$dir/my/mysqld.pid")
		kill "$pid" 2>/dev/null || true
		for _ in $(seq 1 60); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.5
		done
		kill -9 "$pid" 2>/dev/null || true
	fi
	rm -rf "$dir"
}

case "${1:-start}" in
start) start ;;
stop) stop "${2:-}" ;;
*) die "usage: $0 [start | stop DIR]" ;;
esac
