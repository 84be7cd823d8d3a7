// Package crd embeds the CustomResourceDefinitions that controller-gen
// generates from api/ (hack/gen-crds.sh) and installs them in a cluster.
package crd

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"time"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/wait"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"
)

//go:embed bases/*.yaml
var bases embed.FS

// FieldManager is the server-side apply field manager of Install.
const FieldManager = "wheelhouse"

// Manifests returns the embedded CRDs as unstructured objects, in file
// name order.
func Manifests() ([]*unstructured.Unstructured, error) {
	entries, err := fs.ReadDir(bases, "bases")
	if err != nil {
		return nil, fmt.Errorf("read embedded CRDs: %w", err)
	}
	out := make([]*unstructured.Unstructured, 0, len(entries))
	for _, e := range entries {
		b, err := bases.ReadFile(path.Join("bases", e.Name()))
		if err != nil {
			return nil, fmt.Errorf("read embedded CRD %s: %w", e.Name(), err)
		}
		u := &unstructured.Unstructured{}
		if err := yaml.Unmarshal(b, &u.Object); err != nil {
			return nil, fmt.Errorf("parse embedded CRD %s: %w", e.Name(), err)
		}
		out = append(out, u)
	}
	return out, nil
}

// Install creates or updates every embedded CRD with server-side apply and
// waits until the API server serves each of them (condition Established),
// at most timeout in all.
func Install(ctx context.Context, c client.Client, timeout time.Duration) error {
	crds, err := Manifests()
	if err != nil {
		return err
	}
	for _, u := range crds {
		if err := c.Apply(ctx, client.ApplyConfigurationFromUnstructured(u),
			client.FieldOwner(FieldManager), client.ForceOwnership); err != nil {
			return fmt.Errorf("apply CRD %s: %w", u.GetName(), err)
		}
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	for _, u := range crds {
		name := u.GetName()
		err := wait.PollUntilContextCancel(ctx, 200*time.Millisecond, true, func(ctx context.Context) (bool, error) {
			crd := &apiextensionsv1.CustomResourceDefinition{}
			if err := c.Get(ctx, types.NamespacedName{Name: name}, crd); err != nil {
				return false, client.IgnoreNotFound(err)
			}
			for _, cond := range crd.Status.Conditions {
				if cond.Type == apiextensionsv1.Established && cond.Status == apiextensionsv1.ConditionTrue {
					return true, nil
				}
			}
			return false, nil
		})
		if err != nil {
			return fmt.Errorf("wait for CRD %s to be established: %w", name, err)
		}
		// Established comes a moment before discovery lists the kind; until
		// then c's REST mapper answers "no matches for kind". Wait for it, so
		// the caller can use the kind at once.
		group, _, _ := unstructured.NestedString(u.Object, "spec", "group")
		kind, _, _ := unstructured.NestedString(u.Object, "spec", "names", "kind")
		err = wait.PollUntilContextCancel(ctx, 200*time.Millisecond, true, func(ctx context.Context) (bool, error) {
			_, err := c.RESTMapper().RESTMapping(schema.GroupKind{Group: group, Kind: kind})
			if meta.IsNoMatchError(err) {
				return false, nil
			}
			return err == nil, err
		})
		if err != nil {
			return fmt.Errorf("wait for CRD %s to be discovered: %w", name, err)
		}
	}
	return nil
}
