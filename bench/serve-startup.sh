#!/usr/bin/env bash
# Measures `wheelhouse serve` on SQLite over HTTPS (the default): time from
# process start to the first /readyz 200 on a warm data directory (database,
# admin and TLS certificate already made), and the server's resident memory
# once idle.
#
# Usage: bench/serve-startup.sh [RUNS]   (needs bin/wheelhouse: make build)
set -euo pipefail
runs=${1:-20}
bin=$(cd "$(dirname "$0")/.." && pwd)/bin/wheelhouse
data=$(mktemp -d)
trap 'rm -rf "$data"' EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
url=https://127.0.0.1:$port
ca=$data/tls/ca.crt

# The first start generates the TLS CA; until it exists, retry.
wait_ready() {
  until [ -f "$ca" ] && curl -fsS --cacert "$ca" -o /dev/null "$url/readyz" 2>/dev/null; do sleep 0.002; done
}

# Cold start: creates the database, runs migrations, hashes the first admin's password.
t0=$(date +%s%N)
WHEELHOUSE_ADMIN_PASSWORD=bench-password "$bin" serve --data-dir "$data" --listen "127.0.0.1:$port" >/dev/null 2>&1 &
pid=$!
wait_ready
cold=$(( ($(date +%s%N) - t0) / 1000000 ))
kill "$pid"; wait "$pid" || true

times=()
for _ in $(seq "$runs"); do
  t0=$(date +%s%N)
  "$bin" serve --data-dir "$data" --listen "127.0.0.1:$port" >/dev/null 2>&1 &
  pid=$!
  wait_ready
  times+=($(( ($(date +%s%N) - t0) / 1000000 )))
  kill "$pid"; wait "$pid" || true
done
sorted=($(printf '%s\n' "${times[@]}" | sort -n))
p50=${sorted[$(( runs / 2 ))]}
max=${sorted[$(( runs - 1 ))]}

"$bin" serve --data-dir "$data" --listen "127.0.0.1:$port" >/dev/null 2>&1 &
pid=$!
wait_ready
token=$(curl -fsS --cacert "$ca" -X POST "$url/api/v1/login" -H 'Content-Type: application/json' \
  -d '{"username":"admin","password":"bench-password"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
for _ in $(seq 100); do curl -fsS --cacert "$ca" -o /dev/null -H "Authorization: Bearer $token" "$url/api/v1/users/me"; done
sleep 5
rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
kill "$pid"; wait "$pid" || true

echo "serve start to /readyz 200, cold (new database): ${cold} ms"
echo "serve start to /readyz 200, warm: p50 ${p50} ms, max ${max} ms over ${runs} runs"
echo "idle RSS after login + 100 requests: $(( rss / 1024 )) MiB (${rss} KiB)"
