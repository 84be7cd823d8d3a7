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
out=$(mktemp)
trap 'rm -f "$out"' EXIT

# fuzz_once runs one fuzz test, its output both shown and kept in $out.
fuzz_once() {
	go test "$1" -run "^$2\$" -fuzz "^$2\$" -fuzztime "$fuzztime" 2>&1 | tee "$out"
	return "${PIPESTATUS[0]}"
}

# coordinator_race tells whether the run in $out failed only because Go's
# fuzzing coordinator raced its own -fuzztime deadline: the bare "context
# deadline exceeded" that go1.26 reports when a starved worker answers after
# the deadline (go.dev/issue/75804, fixed in go1.27). Such a run found no
# input: a real finding prints "Failing input written to" and writes it under
# testdata/fuzz/, and then the run is never retried.
coordinator_race() {
	! grep -q 'Failing input written to' "$out" &&
		grep -qx '    context deadline exceeded' "$out" &&
		[[ $(grep -c -- '--- FAIL' "$out") == 1 ]]
}

failed=()
while IFS=: read -r file name; do
	pkg=./$(dirname "$file")
	echo "== $pkg $name ($fuzztime)"
	if fuzz_once "$pkg" "$name"; then
		continue
	fi
	if coordinator_race; then
		echo "== $pkg $name: the coordinator's deadline race (go.dev/issue/75804), no input found; once more"
		fuzz_once "$pkg" "$name" && continue
	fi
	failed+=("$pkg $name")
done <<<"$targets"
if ((${#failed[@]} > 0)); then
	printf 'fuzz: failed: %s\n' "${failed[@]}" >&2
	exit 1
fi
