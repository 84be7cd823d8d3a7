#!/usr/bin/env bash
# Lints and renders charts/wheelhouse-operator with a pinned Helm (through
# `go run`, nothing installed by hand; the first run builds Helm, minutes),
# with the default values and with every optional setting (a single watched
# namespace, a cluster name, the write caches off), and checks that the
# chart's CRD is the generated one.
set -euo pipefail
cd "$(dirname "$0")/.."

HELM=(go run helm.sh/helm/v3/cmd/helm@v3.22.0)
CHART=charts/wheelhouse-operator

"${HELM[@]}" lint "$CHART"
"${HELM[@]}" template wheelhouse-operator "$CHART" -n wheelhouse-system --kube-version 1.36.3 >/dev/null
"${HELM[@]}" template wheelhouse-operator "$CHART" -n wheelhouse-system --kube-version 1.36.3 \
  --set watchNamespace=team-a --set leaderElection.enabled=false --set metrics.service.enabled=false \
  --set clusterName=east --set disableWriteCaches=true >/dev/null
cmp config/crd/bases/apps.wheelhouse.dev_workloads.yaml "$CHART/crds/apps.wheelhouse.dev_workloads.yaml" ||
  { echo "the chart's CRD differs from config/crd/bases: run hack/gen-crds.sh" >&2; exit 1; }
echo "chart OK"
