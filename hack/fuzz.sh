#!/usr/bin/env bash
# Runs every native Go fuzz test (a func FuzzXxx in a _test.go file under
# internal/ or cmd/) for a while each, one after the other: `make fuzz`,
# FUZZTIME=10m make fuzz. New fuzz tests are found by themselves. An input
# that fails is written to the package's testdata/fuzz/FuzzXxx/ directory:
# commit it, so that `go test` (and `make test`) replays it from then on.
#
# Usage: hack/fuzz.sh [FUZZTIME]   (default 60s per fuzz test)
set -euo pipefail
cd "$(dirname "$0")/.."
fuzztime=${1:-60s}

targets=$(grep -rHoE --include='*_test.go' '^func Fuzz[A-Za-z0-9_]+' internal cmd | sed -E 's/:func /:/' | sort)
if [[ -z "$targets" ]]; then
	echo "fuzz: no fuzz tests found" >&2
	exit 1
fi
failed=()
while IFS=: read -r file name; do
	pkg=./$(dirname "$file")
	echo "== $pkg $name ($fuzztime)"
	if ! go test "$pkg" -run "^${name}\$" -fuzz "^${name}\$" -fuzztime "$fuzztime"; then
		failed+=("$pkg $name")
	fi
done <<<"$targets"
if ((${#failed[@]} > 0)); then
	printf 'fuzz: failed: %s\n' "${failed[@]}" >&2
	exit 1
fi
