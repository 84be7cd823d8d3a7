#!/usr/bin/env bash
# Runs every benchmark in bench/ and prints its results; bench/RESULTS.md
# records them with the machine and date.
set -euo pipefail
cd "$(dirname "$0")"
echo "== serve startup and idle memory"
./serve-startup.sh 20
