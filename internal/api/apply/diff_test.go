package apply

import (
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// TestDiffHidesSecretValues checks that a Secret's diff shows which values
// change without holding any of them, while other kinds show theirs.
func TestDiffHidesSecretValues(t *testing.T) {
	obj := func(kind string, data map[string]any) *unstructured.Unstructured {
		return &unstructured.Unstructured{Object: map[string]any{"apiVersion": "v1", "kind": kind,
			"metadata": map[string]any{"name": "x"}, "data": data}}
	}
	live := obj("Secret", map[string]any{"kept": "a2VwdC12YWx1ZQ==", "changed": "b2xkLXZhbHVl"})
	after := obj("Secret", map[string]any{"kept": "a2VwdC12YWx1ZQ==", "changed": "bmV3LXZhbHVl"})
	out, err := diff(live, after, "Secret/x")
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []string{"a2VwdC12YWx1ZQ==", "b2xkLXZhbHVl", "bmV3LXZhbHVl"} {
		if strings.Contains(out, v) {
			t.Errorf("the diff holds a value:\n%s", out)
		}
	}
	if !strings.Contains(out, "-  changed: (hidden value ") || !strings.Contains(out, "+  changed: (hidden value ") || strings.Contains(out, "-  kept") {
		t.Errorf("the diff does not show which value changed:\n%s", out)
	}
	out, err = diff(nil, obj("ConfigMap", map[string]any{"color": "blue"}), "ConfigMap/x")
	if err != nil || !strings.Contains(out, "color: blue") {
		t.Errorf("a ConfigMap's diff: %v\n%s", err, out)
	}
}
