package helm

import (
	"fmt"
	"strings"

	"github.com/pmezard/go-difflib/difflib"
	"sigs.k8s.io/yaml"
)

// ObjectDiff is how one object of a release changes.
type ObjectDiff struct {
	// Kind, Namespace (may be empty) and Name of the object.
	Kind      string
	Namespace string
	Name      string
	// Change is "added", "removed" or "changed".
	Change string
	// Diff is a unified diff of the object's manifests.
	Diff string
}

// DiffManifests compares two release manifests object by object. Secrets'
// data is never shown: a changed Secret says only which keys changed.
func DiffManifests(from, to string) []ObjectDiff {
	a, order := splitManifest(from, nil)
	b, order := splitManifest(to, order)
	var out []ObjectDiff
	for _, k := range order {
		oa, inA := a[k]
		ob, inB := b[k]
		d := ObjectDiff{Kind: k.kind, Namespace: k.namespace, Name: k.name}
		switch {
		case inA && !inB:
			d.Change = "removed"
		case !inA && inB:
			d.Change = "added"
		case oa.text == ob.text:
			continue
		default:
			d.Change = "changed"
		}
		d.Diff = unified(k, oa.text, ob.text, "running", "upgrade")
		out = append(out, d)
	}
	return out
}

type objectKey struct{ kind, namespace, name string }

type object struct{ text string }

// splitManifest parses a multi-document manifest into its objects, each
// re-encoded canonically (sorted keys) so that only real changes differ;
// order gets the keys not yet in it, in the manifest's order.
func splitManifest(manifest string, order []objectKey) (map[objectKey]object, []objectKey) {
	out := map[objectKey]object{}
	seen := map[objectKey]bool{}
	for _, k := range order {
		seen[k] = true
	}
	for doc := range strings.SplitSeq(manifest, "\n---") {
		doc = strings.TrimSpace(strings.TrimPrefix(doc, "---"))
		if doc == "" {
			continue
		}
		var obj map[string]any
		if err := yaml.Unmarshal([]byte(doc), &obj); err != nil || obj == nil {
			continue
		}
		meta, _ := obj["metadata"].(map[string]any)
		k := objectKey{kind: str(obj["kind"]), namespace: str(meta["namespace"]), name: str(meta["name"])}
		if k.kind == "Secret" {
			obj = redactSecret(obj)
		}
		text, err := yaml.Marshal(obj)
		if err != nil {
			continue
		}
		out[k] = object{text: string(text)}
		if !seen[k] {
			seen[k] = true
			order = append(order, k)
		}
	}
	return out, order
}

// RedactManifest returns manifest with every Secret's values replaced by
// fingerprints (what DiffManifests shows), for a revision's manifest in a
// response. Each object is re-encoded with sorted keys.
func RedactManifest(manifest string) string {
	objs, order := splitManifest(manifest, nil)
	var b strings.Builder
	for _, k := range order {
		b.WriteString("---\n")
		b.WriteString(objs[k].text)
	}
	return b.String()
}

// redactSecret replaces the values of a Secret's data and stringData with
// a fingerprint that changes when the value does.
func redactSecret(obj map[string]any) map[string]any {
	for _, field := range []string{"data", "stringData"} {
		m, ok := obj[field].(map[string]any)
		if !ok {
			continue
		}
		red := map[string]any{}
		for k, v := range m {
			red[k] = fmt.Sprintf("(hidden, %d bytes, fingerprint %08x)", len(str(v)), fnv(str(v)))
		}
		obj[field] = red
	}
	return obj
}

func fnv(s string) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(s); i++ {
		h ^= uint32(s[i])
		h *= 16777619
	}
	return h
}

// unified is the unified diff of an object's two texts, labelled with
// what each side is ("running", "upgrade"; "live", "release").
func unified(k objectKey, a, b, fromLabel, toLabel string) string {
	name := k.name
	if k.namespace != "" {
		name = k.namespace + "/" + k.name
	}
	d, err := difflib.GetUnifiedDiffString(difflib.UnifiedDiff{
		A:        difflib.SplitLines(a),
		B:        difflib.SplitLines(b),
		FromFile: k.kind + " " + name + " (" + fromLabel + ")",
		ToFile:   k.kind + " " + name + " (" + toLabel + ")",
		Context:  3,
	})
	if err != nil {
		return ""
	}
	return d
}

func str(v any) string {
	s, _ := v.(string)
	return s
}
