#!/usr/bin/env bash
# Regenerates the configuration table in README.md (between the
# "config-table" markers) from the settings table in internal/settings, so the
# documentation cannot drift from the flags. `make verify` runs it.
set -euo pipefail
cd "$(dirname "$0")/.."
table=$(go run ./cmd/wheelhouse config-reference)
python3 - "$table" <<'PY'
import re, sys
table = sys.argv[1]
text = open("README.md").read()
new = re.sub(r"(<!-- config-table:start -->\n).*?(<!-- config-table:end -->)",
             lambda m: m.group(1) + table + "\n" + m.group(2), text, flags=re.S)
open("README.md", "w").write(new)
PY
