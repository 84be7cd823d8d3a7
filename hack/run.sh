#!/usr/bin/env bash
# Runs Wheelhouse for development (`make run`, after `make tools build`):
# brings up the sandbox cluster `local` (3 simulated nodes) in DATA_DIR, then
# runs the server in the foreground; it prints the console URL and the admin
# credentials.
#
# Usage: hack/run.sh DATA_DIR
#
# On exit (Ctrl-C) the sandbox cluster is stopped: its processes end, so
# nothing keeps running or holds ports, and its state (etcd data,
# certificates, ports) stays in DATA_DIR/sandbox, so the next run restarts
# the same cluster with everything created in it in a few seconds. If the
# cluster was already running when this script started (another run, or
# `wheelhouse sandbox up` by hand) it is left running for its owner.
# `bin/wheelhouse sandbox down --data-dir DATA_DIR` deletes it.
set -euo pipefail

data_dir=${1:?usage: hack/run.sh DATA_DIR}
cd "$(dirname "$0")/.."
bin=bin/wheelhouse
name=local

if [ ! -x "$bin" ]; then
  echo "hack/run.sh: $bin is missing: run \`make build\` (or \`make run\`)" >&2
  exit 1
fi

owner=true
if "$bin" sandbox status --name "$name" --data-dir "$data_dir" -o json 2>/dev/null | grep -q '"running": true'; then
  owner=false
fi

stop_sandbox() {
  if [ "$owner" = true ]; then
    echo "Stopping sandbox cluster \"$name\" (state kept in $data_dir/sandbox; next run reuses it)." >&2
    "$bin" sandbox stop --name "$name" --data-dir "$data_dir" || true
  fi
}
trap stop_sandbox EXIT
# Ctrl-C reaches the server too (same process group) and stops it; the
# script itself only has to survive to run the EXIT trap.
trap ':' INT TERM

# --metrics-server: the cluster emulates resource usage and runs
# metrics-server, so the console shows usage next to requests. It applies
# when the cluster is created; a `local` cluster from before keeps running
# without it until `bin/wheelhouse sandbox down --data-dir DATA_DIR`.
"$bin" sandbox up --name "$name" --nodes 3 --data-dir "$data_dir" --metrics-server
# --sandbox-cluster registers the sandbox as the member cluster `local`.
"$bin" serve --data-dir "$data_dir" --sandbox-cluster "$name"
