// Package crd embeds the CustomResourceDefinitions that controller-gen
// generates from api/ (hack/gen-crds.sh) and installs them in a cluster:
// the Workload CRD (apps.wheelhouse.dev) in member clusters, the pipeline
// CRDs (devops.wheelhouse.dev) in the management cluster.
package crd

import (
	"bytes"
	"context"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"slices"
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

// The API groups whose CRDs are embedded.
const (
	// GroupApps holds the Workload CRD, installed in member clusters.
	GroupApps = "apps.wheelhouse.dev"
	// GroupDevOps holds the six pipeline CRDs, installed in the
	// management cluster.
	GroupDevOps = "devops.wheelhouse.dev"
)

// Manifests returns every embedded CRD as an unstructured object, in file
// name order.
func Manifests() ([]*unstructured.Unstructured, error) {
	return readManifests(bases, "bases")
}

// ManifestsOf returns the embedded CRDs of the given API groups, in file
// name order.
func ManifestsOf(groups ...string) ([]*unstructured.Unstructured, error) {
	all, err := Manifests()
	if err != nil {
		return nil, err
	}
	var out []*unstructured.Unstructured
	for _, u := range all {
		group, _, _ := unstructured.NestedString(u.Object, "spec", "group")
		if slices.Contains(groups, group) {
			out = append(out, u)
		}
	}
	return out, nil
}

// readManifests parses every YAML document of the files in dir of fsys.
func readManifests(fsys embed.FS, dir string) ([]*unstructured.Unstructured, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("read embedded %s: %w", dir, err)
	}
	var out []*unstructured.Unstructured
	for _, e := range entries {
		b, err := fsys.ReadFile(path.Join(dir, e.Name()))
		if err != nil {
			return nil, fmt.Errorf("read embedded %s/%s: %w", dir, e.Name(), err)
		}
		for i, doc := range bytes.Split(b, []byte("\n---\n")) {
			u := &unstructured.Unstructured{}
			if err := yaml.Unmarshal(doc, &u.Object); err != nil {
				return nil, fmt.Errorf("parse embedded %s/%s, document %d: %w", dir, e.Name(), i+1, err)
			}
			if len(u.Object) > 0 {
				out = append(out, u)
			}
		}
	}
	return out, nil
}

// Options says how Install installs.
type Options struct {
	// Timeout bounds the wait until the API server serves the CRDs.
	Timeout time.Duration
	// Groups are the API groups whose CRDs are installed; unset means
	// GroupApps alone (the Workload CRD a member cluster gets).
	Groups []string
}

// Install creates or updates the embedded CRDs of opts.Groups with
// server-side apply and waits until the API server serves each of them
// (condition Established) and c's REST mapper knows their kinds, at most
// opts.Timeout in all.
func Install(ctx context.Context, c client.Client, opts Options) error {
	groups := opts.Groups
	if len(groups) == 0 {
		groups = []string{GroupApps}
	}
	crds, err := ManifestsOf(groups...)
	if err != nil {
		return err
	}
	if len(crds) == 0 {
		return fmt.Errorf("no embedded CRDs of the groups %v", groups)
	}
	for _, u := range crds {
		if err := c.Apply(ctx, client.ApplyConfigurationFromUnstructured(u),
			client.FieldOwner(FieldManager), client.ForceOwnership); err != nil {
			return fmt.Errorf("apply CRD %s: %w", u.GetName(), err)
		}
	}
	waitCtx, cancel := context.WithTimeout(ctx, opts.Timeout)
	defer cancel()
	for _, u := range crds {
		name := u.GetName()
		err := wait.PollUntilContextCancel(waitCtx, 200*time.Millisecond, true, func(ctx context.Context) (bool, error) {
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
		err = wait.PollUntilContextCancel(waitCtx, 200*time.Millisecond, true, func(ctx context.Context) (bool, error) {
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
