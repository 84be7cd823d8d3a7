package crd

import (
	"bytes"
	"os"
	"slices"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

func TestManifests(t *testing.T) {
	crds, err := Manifests()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, u := range crds {
		if u.GetKind() != "CustomResourceDefinition" {
			t.Errorf("%s: kind %s", u.GetName(), u.GetKind())
		}
		names = append(names, u.GetName())
	}
	want := []string{
		"workloads.apps.wheelhouse.dev",
		"pipelineexecutions.devops.wheelhouse.dev",
		"pipelines.devops.wheelhouse.dev",
		"pipelinesettings.devops.wheelhouse.dev",
		"sourcecodecredentials.devops.wheelhouse.dev",
		"sourcecodeproviderconfigs.devops.wheelhouse.dev",
		"sourcecoderepositories.devops.wheelhouse.dev",
	}
	if !slices.Equal(names, want) {
		t.Fatalf("embedded CRDs: got %v, want %v", names, want)
	}
}

// TestManifestsOf checks that a member cluster's install (the apps group)
// carries no pipeline CRD, and the management cluster's all six.
func TestManifestsOf(t *testing.T) {
	for group, n := range map[string]int{GroupApps: 1, GroupDevOps: 6, "example.com": 0} {
		crds, err := ManifestsOf(group)
		if err != nil {
			t.Fatal(err)
		}
		if len(crds) != n {
			t.Errorf("%s: %d CRDs, want %d", group, len(crds), n)
		}
		for _, u := range crds {
			if g, _, _ := unstructured.NestedString(u.Object, "spec", "group"); g != group {
				t.Errorf("%s: CRD %s of group %s", group, u.GetName(), g)
			}
			if scope, _, _ := unstructured.NestedString(u.Object, "spec", "scope"); scope != "Namespaced" {
				t.Errorf("%s: scope %s", u.GetName(), scope)
			}
		}
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

// TestPrinterColumns checks the columns kubectl shows for executions and
// pipelines.
func TestPrinterColumns(t *testing.T) {
	want := map[string][]string{
		"pipelineexecutions.devops.wheelhouse.dev": {"Pipeline", "Run", "State", "Branch", "Event", "Age", "Commit", "Message"},
		"pipelines.devops.wheelhouse.dev":          {"Repository", "Last Run", "State", "Branch", "Age"},
	}
	crds, err := ManifestsOf(GroupDevOps)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range crds {
		w, ok := want[u.GetName()]
		if !ok {
			continue
		}
		versions, _, _ := unstructured.NestedSlice(u.Object, "spec", "versions")
		var got []string
		for _, c := range versions[0].(map[string]any)["additionalPrinterColumns"].([]any) {
			got = append(got, c.(map[string]any)["name"].(string))
		}
		if !slices.Equal(got, w) {
			t.Errorf("%s: columns %v, want %v", u.GetName(), got, w)
		}
		if sub, _, _ := unstructured.NestedMap(versions[0].(map[string]any), "subresources", "status"); sub == nil {
			t.Errorf("%s: no status subresource", u.GetName())
		}
	}
}

// TestRulesAreASCII guards against gofmt's doc comment rewriting, which
// turns a CEL rule's empty string (two single quotes) in a kubebuilder marker into a
// typographic quote that the API server then refuses.
func TestRulesAreASCII(t *testing.T) {
	entries, err := os.ReadDir("bases")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := os.ReadFile("bases/" + e.Name())
		if err != nil {
			t.Fatal(err)
		}
		inRule := false
		for i, line := range strings.Split(string(b), "\n") {
			trimmed := strings.TrimSpace(line)
			if strings.HasPrefix(trimmed, "rule:") {
				inRule = true
			} else if strings.HasPrefix(trimmed, "- ") || strings.HasSuffix(trimmed, ":") || strings.HasPrefix(trimmed, "message:") || strings.HasPrefix(trimmed, "fieldPath:") {
				inRule = false
			}
			if !inRule {
				continue
			}
			for _, r := range line {
				if r > 0x7f {
					t.Errorf("%s:%d: a CEL rule holds %q: %s", e.Name(), i+1, r, trimmed)
					break
				}
			}
		}
	}
}
