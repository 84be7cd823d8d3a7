#!/usr/bin/env bash
# Regenerates the deepcopy functions of api/*/v1alpha1 and the CRD manifests
# in config/crd/bases (the Workload CRD of apps.wheelhouse.dev, also copied
# into the operator's Helm chart, and the six pipeline CRDs of
# devops.wheelhouse.dev, which only the management cluster gets) with a
# pinned controller-gen, run through `go run` so nothing is installed by hand.
# The generated files are committed: building never needs this script.
set -euo pipefail
cd "$(dirname "$0")/.."

# v0.21.x is the controller-tools line built against Kubernetes v1.36
# (k8s.io/* v0.36), like controller-runtime v0.24.
CONTROLLER_GEN="sigs.k8s.io/controller-tools/cmd/controller-gen@v0.21.0"

go run "$CONTROLLER_GEN" object paths=./api/...
go run "$CONTROLLER_GEN" crd:crdVersions=v1 paths=./api/... output:crd:artifacts:config=config/crd/bases

mkdir -p charts/wheelhouse-operator/crds
cp config/crd/bases/apps.wheelhouse.dev_workloads.yaml charts/wheelhouse-operator/crds/
