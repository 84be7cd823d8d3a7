#!/usr/bin/env bash
# Runs the benchmarks in bench/ and prints their results; bench/RESULTS.md
# and bench/RESULTS-workload.md record them with the machine and date.
#
#   bench/run.sh          the quick ones (seconds)
#   bench/run.sh --all    also the cluster-sized ones (sandbox clusters of
#                         hundreds of nodes; tens of minutes and several GiB)
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== serve startup and idle memory"
bench/serve-startup.sh 20
if [[ "${1:-}" == "--all" ]]; then
	echo "== Workload operator against direct Deployments (issue 5)"
	go run ./bench/workload -n 1000 -nodes 100
	if [[ -d bench/multicluster ]]; then
		echo "== multi-cluster core (issue 3)"
		go run ./bench/multicluster -nodes 1000 -pods 10000 -clusters 3
	fi
fi
