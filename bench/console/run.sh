#!/usr/bin/env bash
# Measures the web console in the real browser (Debian's chromium through
# playwright-core): initial JavaScript gzipped, first load to interactive on
# localhost, and the all-namespaces pods page of a sandbox cluster of
# PODS pods (default 10,000): time to first rows and long tasks during a
# fast scroll to the end. Prints a Markdown section for
# bench/RESULTS-console.md. Needs `make tools build` and chromium.
#
# Usage: bench/console/run.sh [PODS] [NODES]
set -euo pipefail
cd "$(dirname "$0")/../.."
pods=${1:-10000}
nodes=${2:-100}
bin=bin/wheelhouse
[[ -x $bin ]] || { echo "run make build first" >&2; exit 1; }
[[ -f web/dist/index.html ]] || { echo "run make web first" >&2; exit 1; }

data=$(mktemp -d /tmp/wh-console-bench.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
server_pid=
cleanup() {
	[[ -n $server_pid ]] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
	"$bin" sandbox down --name bench --data-dir "$data" >/dev/null 2>&1 || true
	rm -rf "$data"
}
trap cleanup EXIT

echo "bench: sandbox with $nodes nodes" >&2
"$bin" sandbox up --name bench --nodes "$nodes" --disable-qps-limits --data-dir "$data" >&2
kubeconfig=$data/bench.kubeconfig
"$bin" sandbox kubeconfig --name bench --data-dir "$data" >"$kubeconfig"
echo "bench: $pods pods" >&2
go run ./bench/console/loadpods -kubeconfig "$kubeconfig" -pods "$pods" >&2

WHEELHOUSE_ADMIN_PASSWORD=bench-admin-password "$bin" serve --data-dir "$data" --listen "127.0.0.1:$port" --sandbox-cluster bench >"$data/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 120); do
	curl -ksf "https://127.0.0.1:$port/readyz" >/dev/null && break
	sleep 1
done

# What the machine does while the browser measures: CPU idle each second
# (vmstat), so that a slow figure can be told from a busy machine.
# The sandbox is busy for a while after the pods are created (kwok starts
# them and reports their status through the API server): wait until the
# machine is mostly idle, at most 5 minutes, so that the browser is measured
# and not the cluster's settling.
for _ in $(seq 60); do
	idle=$(vmstat 5 2 | awk 'END { print $15 }')
	[[ $idle -ge 60 ]] && break
done
echo "bench: machine idle at ${idle} % after the sandbox settled" >&2
vmstat 1 6 | awk 'NR > 3 { n++; idle += $15 } END { printf "CPU idle before measuring (sandbox and server only): %.0f %% (vmstat, %d s)\n", idle / n, n }' >"$data/baseline.log"
vmstat 1 >"$data/vmstat.log" &
vmstat_pid=$!
WH_URL="https://127.0.0.1:$port" WH_ADMIN_PASSWORD=bench-admin-password WH_CLUSTER=bench WH_PODS="$pods" \
	NODE_PATH=web/node_modules node bench/console/measure.cjs
kill "$vmstat_pid" 2>/dev/null || true
cat "$data/baseline.log"
awk 'NR > 2 { n++; idle += $15 } END { if (n) printf "CPU idle while measuring: %.0f %% on average over %d s (vmstat)\n", idle / n, n }' "$data/vmstat.log"
# The server's slowest answers while measuring.
echo "Slowest API answers while measuring (server log):"
grep -o 'path=[^ ]* status=[0-9]* bytes=[0-9]* duration=[0-9.]*[mµ]*s' "$data/server.log" | grep '/api/' |
	awk '{ d = $4; sub("duration=", "", d); v = d + 0; if (d ~ /µs$/) v /= 1000; else if (d !~ /ms$/) v *= 1000; printf "%9.1f ms  %s\n", v, $1 }' |
	sort -rn | head -5
