//go:build !unit

package crd

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/wait"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/tools/clientcmd"
	"sigs.k8s.io/controller-runtime/pkg/client"

	appsv1alpha1 "github.com/wheelhouse-dev/wheelhouse/api/apps/v1alpha1"
	"github.com/wheelhouse-dev/wheelhouse/internal/sandbox/sandboxtest"
)

func TestManifests(t *testing.T) {
	crds, err := Manifests()
	if err != nil {
		t.Fatal(err)
	}
	if len(crds) != 1 || crds[0].GetName() != "workloads.apps.wheelhouse.dev" || crds[0].GetKind() != "CustomResourceDefinition" {
		t.Fatalf("embedded CRDs: got %d, first %s %s", len(crds), crds[0].GetKind(), crds[0].GetName())
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

func TestAdmissionManifests(t *testing.T) {
	objs, err := AdmissionManifests()
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, u := range objs {
		kinds = append(kinds, u.GetKind()+"/"+u.GetName())
	}
	want := []string{"MutatingAdmissionPolicy/workload-finalizer.apps.wheelhouse.dev", "MutatingAdmissionPolicyBinding/workload-finalizer.apps.wheelhouse.dev"}
	if !slices.Equal(kinds, want) {
		t.Fatalf("admission manifests: got %v, want %v", kinds, want)
	}
	// The policy adds the controller's own finalizer, not a copy that
	// drifted from it.
	if workloadFinalizer != appsv1alpha1.Finalizer {
		t.Fatalf("Install waits for finalizer %s, the controller uses %s", workloadFinalizer, appsv1alpha1.Finalizer)
	}
	mutations, _, _ := unstructured.NestedSlice(objs[0].Object, "spec", "mutations")
	if len(mutations) != 1 || !strings.Contains(fmt.Sprint(mutations[0]), `"`+appsv1alpha1.Finalizer+`"`) {
		t.Fatalf("policy mutations do not add %s: %v", appsv1alpha1.Finalizer, mutations)
	}
}

// TestInstallFinalizerPolicy installs the CRD in a sandbox cluster
// (Kubernetes 1.36 serves MutatingAdmissionPolicy), first without the
// finalizer policy (the default: none is installed), then with it, and
// checks what a new Workload gets: the finalizer at creation, next to any
// of its own, only in the bound namespace when Install is given one, and
// kept when its creator applies it again without it.
func TestInstallFinalizerPolicy(t *testing.T) {
	kubeconfig := sandboxtest.Start(t, 0)
	cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	scheme := runtime.NewScheme()
	for _, add := range []func(*runtime.Scheme) error{clientgoscheme.AddToScheme, appsv1alpha1.AddToScheme, apiextensionsv1.AddToScheme} {
		if err := add(scheme); err != nil {
			t.Fatal(err)
		}
	}
	c, err := client.New(cfg, client.Options{Scheme: scheme})
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	for _, ns := range []string{"team-a", "team-b"} {
		if err := c.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}); err != nil {
			t.Fatal(err)
		}
	}
	newWorkload := func(ns, name string, finalizers ...string) *appsv1alpha1.Workload {
		return &appsv1alpha1.Workload{
			ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns, Finalizers: finalizers},
			Spec: appsv1alpha1.WorkloadSpec{Type: appsv1alpha1.WorkloadTypeDeployment, Template: corev1.PodTemplateSpec{
				Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: "nginx"}}}}},
		}
	}
	// createdWith creates w and returns the finalizers the API server
	// stored (the policy takes effect a moment after it is written, as the
	// API server's informers see it: wait for it on a probe object).
	createdWith := func(w *appsv1alpha1.Workload) []string {
		t.Helper()
		if err := c.Create(ctx, w); err != nil {
			t.Fatalf("create workload %s/%s: %v", w.Namespace, w.Name, err)
		}
		return w.Finalizers
	}
	waitForPolicy := func(ns string) {
		t.Helper()
		err := wait.PollUntilContextTimeout(ctx, 200*time.Millisecond, time.Minute, true, func(context.Context) (bool, error) {
			w := newWorkload(ns, "probe-"+strings.ToLower(rand.Text()[:8]))
			return slices.Contains(createdWith(w), appsv1alpha1.Finalizer), nil
		})
		if err != nil {
			t.Fatalf("the finalizer policy does not apply in %s: %v", ns, err)
		}
	}

	// Off by default.
	if err := Install(ctx, c, Options{Timeout: time.Minute}); err != nil {
		t.Fatal(err)
	}
	policy := &unstructured.Unstructured{}
	policy.SetGroupVersionKind(mutatingPolicyGVK)
	if err := c.Get(ctx, client.ObjectKey{Name: "workload-finalizer.apps.wheelhouse.dev"}, policy); !apierrors.IsNotFound(err) {
		t.Fatalf("the finalizer policy without FinalizerPolicy: got %v, want not found", err)
	}

	if err := Install(ctx, c, Options{Timeout: time.Minute, FinalizerPolicy: true, Namespace: "team-a"}); err != nil {
		t.Fatal(err)
	}
	waitForPolicy("team-a")
	if got := createdWith(newWorkload("team-a", "own", "example.com/keep")); !slices.Equal(got, []string{"example.com/keep", appsv1alpha1.Finalizer}) {
		t.Errorf("workload with its own finalizer: got %v", got)
	}
	if got := createdWith(newWorkload("team-b", "unbound")); len(got) != 0 {
		t.Errorf("workload outside the bound namespace got finalizers %v", got)
	}

	// Installed again for all namespaces (the binding loses its selector).
	if err := Install(ctx, c, Options{Timeout: time.Minute, FinalizerPolicy: true}); err != nil {
		t.Fatal(err)
	}
	waitForPolicy("team-b")

	// A creator applying the same Workload again, changed, keeps the
	// finalizer: admission added it, the creator's apply does not own it.
	apply := func(replicas int32) {
		t.Helper()
		w := newWorkload("team-b", "applied")
		w.TypeMeta = metav1.TypeMeta{APIVersion: appsv1alpha1.GroupVersion.String(), Kind: "Workload"}
		w.Spec.Replicas = &replicas
		content, err := runtime.DefaultUnstructuredConverter.ToUnstructured(w)
		if err != nil {
			t.Fatal(err)
		}
		u := &unstructured.Unstructured{Object: content}
		unstructured.RemoveNestedField(u.Object, "status")
		unstructured.RemoveNestedField(u.Object, "metadata", "creationTimestamp")
		if err := c.Apply(ctx, client.ApplyConfigurationFromUnstructured(u), client.FieldOwner("someone"), client.ForceOwnership); err != nil {
			t.Fatalf("apply: %v", err)
		}
	}
	apply(1)
	apply(2)
	got := &appsv1alpha1.Workload{}
	if err := c.Get(ctx, client.ObjectKey{Namespace: "team-b", Name: "applied"}, got); err != nil {
		t.Fatal(err)
	}
	if *got.Spec.Replicas != 2 || !slices.Equal(got.Finalizers, []string{appsv1alpha1.Finalizer}) {
		t.Errorf("after a second apply: replicas %d, finalizers %v", *got.Spec.Replicas, got.Finalizers)
	}
}
