package apply

import (
	"fmt"

	"github.com/pmezard/go-difflib/difflib"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"
)

// diff returns the unified diff, in YAML, from live (nil when the object
// does not exist) to after, both without managedFields, resourceVersion
// and status: apply does not write status, and the controllers that do
// would otherwise show their own changes between the two reads.
func diff(live, after *unstructured.Unstructured, name string) (string, error) {
	a, err := render(live)
	if err != nil {
		return "", err
	}
	b, err := render(after)
	if err != nil {
		return "", err
	}
	if a == b {
		return "", nil
	}
	out, err := difflib.GetUnifiedDiffString(difflib.UnifiedDiff{
		A: difflib.SplitLines(a), B: difflib.SplitLines(b),
		FromFile: "live/" + name, ToFile: "applied/" + name, Context: 3,
	})
	if err != nil {
		return "", fmt.Errorf("diff %s: %w", name, err)
	}
	return out, nil
}

// render is obj as YAML without its field management bookkeeping; a
// missing object renders empty.
func render(obj *unstructured.Unstructured) (string, error) {
	if obj == nil {
		return "", nil
	}
	c := obj.DeepCopy()
	c.SetManagedFields(nil)
	c.SetResourceVersion("")
	delete(c.Object, "status")
	raw, err := yaml.Marshal(c.Object)
	if err != nil {
		return "", fmt.Errorf("render %s as YAML: %w", obj.GetName(), err)
	}
	return string(raw), nil
}
