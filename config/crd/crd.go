// Package crd embeds the CustomResourceDefinitions that controller-gen
// generates from api/ (hack/gen-crds.sh), and the admission policies that
// go with them, and installs them in a cluster.
package crd

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"time"

	corev1 "k8s.io/api/core/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/wait"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"
)

//go:embed bases/*.yaml
var bases embed.FS

//go:embed admission/*.yaml
var admission embed.FS

// mutatingPolicyGVK is the kind admission/ needs the cluster to serve.
var mutatingPolicyGVK = schema.GroupVersionKind{Group: "admissionregistration.k8s.io", Version: "v1", Kind: "MutatingAdmissionPolicy"}

// FieldManager is the server-side apply field manager of Install.
const FieldManager = "wheelhouse"

// Manifests returns the embedded CRDs as unstructured objects, in file
// name order.
func Manifests() ([]*unstructured.Unstructured, error) {
	return readManifests(bases, "bases")
}

// AdmissionManifests returns the embedded admission policies and their
// bindings, in file and document order: a MutatingAdmissionPolicy that
// gives every new Workload its finalizer at creation.
func AdmissionManifests() ([]*unstructured.Unstructured, error) {
	return readManifests(admission, "admission")
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
	// FinalizerPolicy installs the admission policy that gives new
	// Workloads the finalizer (AdmissionManifests). Off by default: for a
	// second or two after an API server starts, and after the CRD is
	// first installed, that API server refuses every Workload create with
	// 503 ("Resource kind ... not found") while the policy cannot see the
	// CRD's schema, despite the policy's failurePolicy Ignore. Turning it
	// off later does not delete the policy (another installer, the Helm
	// chart, may own it): delete it with kubectl.
	FinalizerPolicy bool
	// Namespace, when set, binds the finalizer policy to that namespace
	// only. Set it when the controller watches only that namespace: a
	// Workload elsewhere would get a finalizer that nobody removes.
	Namespace string
}

// Install creates or updates every embedded CRD with server-side apply and
// waits until the API server serves each of them (condition Established),
// at most opts.Timeout in all. With opts.FinalizerPolicy it then applies the
// admission policies where the cluster serves MutatingAdmissionPolicy
// (Kubernetes 1.36 and later) and c may write them; elsewhere it leaves
// them out, which costs only speed: the controller adds a missing finalizer
// itself.
func Install(ctx context.Context, c client.Client, opts Options) error {
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
	if !opts.FinalizerPolicy {
		return nil
	}
	return installAdmission(ctx, c, opts.Namespace, opts.Timeout)
}

// installAdmission applies AdmissionManifests if the cluster serves
// MutatingAdmissionPolicy and c is allowed to write them, with the
// bindings limited to namespace if it is set.
func installAdmission(ctx context.Context, c client.Client, namespace string, timeout time.Duration) error {
	if _, err := c.RESTMapper().RESTMapping(mutatingPolicyGVK.GroupKind(), mutatingPolicyGVK.Version); err != nil {
		if meta.IsNoMatchError(err) {
			return nil
		}
		return fmt.Errorf("look up %s: %w", mutatingPolicyGVK.Kind, err)
	}
	objs, err := AdmissionManifests()
	if err != nil {
		return err
	}
	for _, u := range objs {
		if namespace != "" && u.GetKind() == "MutatingAdmissionPolicyBinding" {
			if err := unstructured.SetNestedField(u.Object, namespace, "spec", "matchResources", "namespaceSelector", "matchLabels", corev1.LabelMetadataName); err != nil {
				return fmt.Errorf("bind %s to namespace %s: %w", u.GetName(), namespace, err)
			}
		}
		err := c.Apply(ctx, client.ApplyConfigurationFromUnstructured(u), client.FieldOwner(FieldManager), client.ForceOwnership)
		if apierrors.IsForbidden(err) {
			// An operator whose role does not cover admission policies.
			return nil
		}
		if err != nil {
			return fmt.Errorf("apply %s %s: %w", u.GetKind(), u.GetName(), err)
		}
	}
	return waitForPolicy(ctx, c, namespace, timeout)
}

// waitForPolicy waits until a Workload created in namespace (default if
// empty) gets the finalizer from the policy, trying with server-side dry
// runs. The API server takes the policy into effect a moment after it is
// written, and for a CRD installed a moment ago it refuses Workloads
// ("Resource kind ... not found") until it has the CRD's schema, despite the
// policy's failurePolicy Ignore: Install returns when Workloads can be
// created. It waits at most timeout for a dry run to succeed, then at most
// policyGrace more for the finalizer (a cluster may serve the API without
// running the admission plugin). A namespace that does not exist yet, or a
// client that may not create Workloads, cannot try.
func waitForPolicy(ctx context.Context, c client.Client, namespace string, timeout time.Duration) error {
	if namespace == "" {
		namespace = metav1.NamespaceDefault
	}
	var last error
	var created time.Time // the first successful dry run
	err := wait.PollUntilContextTimeout(ctx, 100*time.Millisecond, timeout+policyGrace, true, func(ctx context.Context) (bool, error) {
		probe := &unstructured.Unstructured{Object: map[string]any{
			"apiVersion": "apps.wheelhouse.dev/v1alpha1",
			"kind":       "Workload",
			"metadata":   map[string]any{"generateName": "finalizer-policy-probe-", "namespace": namespace},
			"spec": map[string]any{"type": "Deployment", "template": map[string]any{"spec": map[string]any{
				"containers": []any{map[string]any{"name": "probe", "image": "probe"}},
			}}},
		}}
		last = c.Create(ctx, probe, client.DryRunAll)
		var status apierrors.APIStatus
		switch {
		case apierrors.IsNotFound(last) && errors.As(last, &status) && status.Status().Details != nil && status.Status().Details.Kind == "namespaces":
			last = nil
			return true, nil // nowhere to try yet
		case apierrors.IsForbidden(last):
			last = nil
			return true, nil // c may not create Workloads: cannot try
		case last != nil:
			return false, nil
		case created.IsZero():
			created = time.Now()
		}
		return slices.Contains(probe.GetFinalizers(), workloadFinalizer) || time.Since(created) > policyGrace, nil
	})
	switch {
	case err == nil:
		return nil
	case last != nil:
		return fmt.Errorf("a Workload cannot be created after installing the finalizer policy: %w", last)
	case ctx.Err() != nil:
		return ctx.Err()
	default:
		return nil // created without the finalizer: the controller adds it
	}
}

// policyGrace is how long waitForPolicy waits for the policy to add the
// finalizer once Workloads can be created.
const policyGrace = 10 * time.Second

// workloadFinalizer is the finalizer the policy adds
// (appsv1alpha1.Finalizer; a test checks they agree).
const workloadFinalizer = "apps.wheelhouse.dev/finalizer"
