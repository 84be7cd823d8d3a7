package apply

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"github.com/pmezard/go-difflib/difflib"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"
)

// diff returns the unified diff, in YAML, from live (nil when the object
// does not exist) to after, both without managedFields, resourceVersion
// and status: apply does not write status, and the controllers that do
// would otherwise show their own changes between the two reads.
//
// A Secret's values are hidden on both sides (see hideSecretValues): a
// dry run must not show the live Secret's values to whoever may apply.
func diff(live, after *unstructured.Unstructured, name string) (string, error) {
	key := make([]byte, 32)
	_, _ = rand.Read(key) // crypto/rand.Read never fails on supported platforms
	a, err := render(live, key)
	if err != nil {
		return "", err
	}
	b, err := render(after, key)
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
// missing object renders empty. key hides a Secret's values.
func render(obj *unstructured.Unstructured, key []byte) (string, error) {
	if obj == nil {
		return "", nil
	}
	c := obj.DeepCopy()
	c.SetManagedFields(nil)
	c.SetResourceVersion("")
	delete(c.Object, "status")
	if c.GetAPIVersion() == "v1" && c.GetKind() == "Secret" {
		hideSecretValues(c.Object, key)
	}
	raw, err := yaml.Marshal(c.Object)
	if err != nil {
		return "", fmt.Errorf("render %s as YAML: %w", obj.GetName(), err)
	}
	return string(raw), nil
}

// hideSecretValues replaces each value of a Secret's data and stringData
// with a mark of it keyed by key: a value that changes shows as a changed
// line, yet the diff holds nothing of the value, and since key is made for
// one diff the marks cannot be compared across requests.
func hideSecretValues(obj map[string]any, key []byte) {
	for _, field := range []string{"data", "stringData"} {
		values, ok := obj[field].(map[string]any)
		if !ok {
			continue
		}
		for k, v := range values {
			mac := hmac.New(sha256.New, key)
			fmt.Fprint(mac, v)
			values[k] = "(hidden value " + hex.EncodeToString(mac.Sum(nil)[:6]) + ")"
		}
	}
}
