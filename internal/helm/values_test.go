package helm

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestOverrides(t *testing.T) {
	defaults := map[string]any{
		"service": map[string]any{"type": "ClusterIP", "nodePort": 0},
		"ports":   map[string]any{"http": 8080},
		"plugins": []any{"git", "kubernetes"},
		"admin":   map[string]any{"username": "admin"},
	}
	tests := []struct {
		name   string
		values map[string]any
		want   map[string]any
	}{
		{"nothing", nil, map[string]any{}},
		{"all defaults", map[string]any{
			"service": map[string]any{"type": "ClusterIP", "nodePort": 0.0}, // JSON numbers
			"ports":   map[string]any{"http": int64(8080)},
			"plugins": []any{"git", "kubernetes"},
		}, map[string]any{}},
		{"one change in a map", map[string]any{
			"service": map[string]any{"type": "NodePort", "nodePort": 0},
			"ports":   map[string]any{"http": 8080},
		}, map[string]any{"service": map[string]any{"type": "NodePort"}}},
		{"a list is kept whole", map[string]any{"plugins": []any{"git"}}, map[string]any{"plugins": []any{"git"}}},
		{"new keys", map[string]any{"extra": map[string]any{"a": 1}}, map[string]any{"extra": map[string]any{"a": 1}}},
		{"nil deletes a default", map[string]any{"admin": nil}, map[string]any{"admin": nil}},
		{"type changes", map[string]any{"ports": "8080"}, map[string]any{"ports": "8080"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, Overrides(defaults, tt.values)); diff != "" {
				t.Errorf("Overrides (-want +got):\n%s", diff)
			}
		})
	}
}

func TestInvalidValues(t *testing.T) {
	err := invalidValues(errors.New("values don't meet the specifications of the schema(s) in the following chart(s):\njenkins:\n- at '/service/type': value must be one of 'ClusterIP', 'NodePort'\n- at '/ports/http': maximum: got 70,000, want 65,535\n"))
	var iv *InvalidValuesError
	if !errors.As(err, &iv) || !errors.Is(err, ErrInvalidValues) {
		t.Fatalf("got %T %v", err, err)
	}
	want := []string{
		"at '/service/type': value must be one of 'ClusterIP', 'NodePort'",
		"at '/ports/http': maximum: got 70,000, want 65,535",
	}
	if diff := cmp.Diff(want, iv.Problems); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
}

const manifestA = `---
# Source: x/templates/svc.yaml
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: ns
spec:
  type: ClusterIP
---
apiVersion: v1
kind: Secret
metadata:
  name: creds
data:
  password: c2VjcmV0
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: gone
data:
  a: "1"
`

const manifestB = `---
apiVersion: v1
kind: Secret
metadata:
  name: creds
data:
  password: b3RoZXI=
---
apiVersion: v1
kind: Service
metadata:
  namespace: ns
  name: web
spec:
  type: NodePort
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: new
`

func TestDiffManifests(t *testing.T) {
	got := DiffManifests(manifestA, manifestB)
	changes := map[string]string{}
	for _, d := range got {
		changes[d.Kind+"/"+d.Name] = d.Change
		if strings.Contains(d.Diff, "c2VjcmV0") || strings.Contains(d.Diff, "b3RoZXI=") {
			t.Errorf("a Secret's value is shown: %s", d.Diff)
		}
	}
	want := map[string]string{"Service/web": "changed", "Secret/creds": "changed", "ConfigMap/gone": "removed", "ConfigMap/new": "added"}
	if diff := cmp.Diff(want, changes); diff != "" {
		t.Errorf("changes (-want +got):\n%s", diff)
	}
	for _, d := range got {
		if d.Kind == "Service" {
			for _, line := range []string{"-  type: ClusterIP", "+  type: NodePort", "Service ns/web (running)"} {
				if !strings.Contains(d.Diff, line) {
					t.Errorf("Service diff lacks %q:\n%s", line, d.Diff)
				}
			}
		}
	}
	if d := DiffManifests(manifestA, manifestA); len(d) != 0 {
		t.Errorf("same manifest: %+v", d)
	}
}
