package crd

import (
	"bytes"
	"os"
	"testing"
)

func TestManifests(t *testing.T) {
	crds, err := Manifests()
	if err != nil {
		t.Fatal(err)
	}
	if len(crds) != 1 || crds[0].GetName() != "workloads.apps.wheelhouse.dev" || crds[0].GetKind() != "CustomResourceDefinition" {
		t.Fatalf("embedded CRDs: got %d, first %s %s", len(crds), crds[0].GetKind(), crds[0].GetName())
	}
}

// TestChartCarriesTheGeneratedCRD guards against a chart whose crds/ copy
// is older than config/crd/bases (hack/gen-crds.sh writes both).
func TestChartCarriesTheGeneratedCRD(t *testing.T) {
	const name = "apps.wheelhouse.dev_workloads.yaml"
	generated, err := os.ReadFile("bases/" + name)
	if err != nil {
		t.Fatal(err)
	}
	chart, err := os.ReadFile("../../charts/wheelhouse-operator/crds/" + name)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(generated, chart) {
		t.Fatal("charts/wheelhouse-operator/crds differs from config/crd/bases: run hack/gen-crds.sh")
	}
}
