package helm

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/cli-runtime/pkg/resource"
	"sigs.k8s.io/yaml"
)

// Drift is how a release's live objects differ from its last revision.
type Drift struct {
	// Revision checked.
	Revision int
	// Drifted: some object was changed or deleted by hand.
	Drifted bool
	// Objects that drifted, in the manifest's order: Change is "changed"
	// (Diff shows the live object against what the release would apply)
	// or "removed" (the object is gone).
	Objects []ObjectDiff
}

// DetectDrift compares each object of the release's last revision with
// the cluster: a server-side apply dry run of the object, as Helm's field
// manager and taking every field it sets, shows what re-applying the
// release would change. Fields the release does not set (a label another
// controller adds, a status) are not drift; values the release sets and
// someone changed are, as is an object someone deleted. Secrets' data is
// never shown.
func (c *Client) DetectDrift(_ context.Context, namespace, name string) (*Drift, error) {
	ac, err := c.actionConfig(namespace)
	if err != nil {
		return nil, err
	}
	rel, err := last(ac, namespace, name)
	if err != nil {
		return nil, err
	}
	infos, err := ac.KubeClient.Build(bytes.NewBufferString(rel.Manifest), false)
	if err != nil {
		return nil, fmt.Errorf("objects of %s/%s: %w", namespace, name, err)
	}
	d := &Drift{Revision: rel.Version}
	for _, info := range infos {
		k := objectKey{kind: info.Mapping.GroupVersionKind.Kind, namespace: info.Namespace, name: info.Name}
		h := resource.NewHelper(info.Client, info.Mapping)
		live, err := h.Get(info.Namespace, info.Name)
		if apierrors.IsNotFound(err) {
			d.Objects = append(d.Objects, ObjectDiff{Kind: k.kind, Namespace: k.namespace, Name: k.name, Change: "removed",
				Diff: "the object is not in the cluster"})
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("read %s %s: %w", k.kind, info.Name, err)
		}
		desired, err := json.Marshal(withOwnership(info.Object, namespace, name))
		if err != nil {
			return nil, err
		}
		force := true
		applied, err := h.DryRun(true).WithFieldManager(FieldManager).Patch(info.Namespace, info.Name, types.ApplyPatchType, desired,
			&metav1.PatchOptions{Force: &force})
		if err != nil {
			return nil, fmt.Errorf("dry run of re-applying %s %s: %w", k.kind, info.Name, err)
		}
		a, b := comparable(live), comparable(applied)
		if a == b {
			continue
		}
		d.Objects = append(d.Objects, ObjectDiff{Kind: k.kind, Namespace: k.namespace, Name: k.name, Change: "changed",
			Diff: unified(k, a, b, "live", "release")})
	}
	d.Drifted = len(d.Objects) > 0
	return d, nil
}

// withOwnership adds the annotations and label Helm writes on every object
// it applies (they are not in the manifest): without them the dry run
// would take them off.
func withOwnership(obj runtime.Object, namespace, name string) runtime.Object {
	u, ok := obj.(*unstructured.Unstructured)
	if !ok {
		return obj
	}
	u = u.DeepCopy()
	ann := u.GetAnnotations()
	if ann == nil {
		ann = map[string]string{}
	}
	ann["meta.helm.sh/release-name"] = name
	ann["meta.helm.sh/release-namespace"] = namespace
	u.SetAnnotations(ann)
	labels := u.GetLabels()
	if labels == nil {
		labels = map[string]string{}
	}
	labels["app.kubernetes.io/managed-by"] = "Helm"
	u.SetLabels(labels)
	return u
}

// comparable is an object's text without what changes on every write or
// is not the release's to set: status, managed fields, resource version,
// generation. Secrets' values are fingerprinted.
func comparable(obj runtime.Object) string {
	u, ok := obj.(*unstructured.Unstructured)
	if !ok {
		raw, err := runtime.DefaultUnstructuredConverter.ToUnstructured(obj)
		if err != nil {
			return ""
		}
		u = &unstructured.Unstructured{Object: raw}
	}
	m := u.DeepCopy().Object
	delete(m, "status")
	if meta, ok := m["metadata"].(map[string]any); ok {
		for _, f := range []string{"managedFields", "resourceVersion", "generation"} {
			delete(meta, f)
		}
	}
	if u.GetKind() == "Secret" {
		m = redactSecret(m)
	}
	text, err := yaml.Marshal(m)
	if err != nil {
		return ""
	}
	return string(text)
}

// Repair re-applies the release's last revision as a new revision (an
// upgrade to the same chart with the same values), taking back every
// field someone changed by hand; objects someone deleted are created
// again.
func (c *Client) Repair(ctx context.Context, namespace, name string, wait bool, timeout time.Duration) (*Release, error) {
	ac, err := c.actionConfig(namespace)
	if err != nil {
		return nil, err
	}
	rel, err := last(ac, namespace, name)
	if err != nil {
		return nil, err
	}
	if rel.Chart == nil {
		return nil, fmt.Errorf("release %s/%s revision %d has no chart", namespace, name, rel.Version)
	}
	values := rel.Config
	if values == nil {
		values = map[string]any{}
	}
	return c.upgrade(ctx, UpgradeOptions{Namespace: namespace, Name: name, Chart: rel.Chart, Values: values, Wait: wait,
		Timeout: timeout, Description: "Repair: re-applied revision " + fmt.Sprint(rel.Version)}, true)
}
