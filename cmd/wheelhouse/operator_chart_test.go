//go:build !unit

package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/tools/clientcmd"
	"sigs.k8s.io/controller-runtime/pkg/client"

	appsv1alpha1 "github.com/wheelhouse-dev/wheelhouse/api/apps/v1alpha1"
	"github.com/wheelhouse-dev/wheelhouse/config/crd"
	"github.com/wheelhouse-dev/wheelhouse/internal/sandbox/sandboxtest"
)

// helmModule is the Helm used to render the chart, run through `go run`
// (built once into the Go build cache; no helm binary needs installing).
const helmModule = "helm.sh/helm/v3/cmd/helm@v3.22.0"

// TestOperatorChartRBAC renders charts/wheelhouse-operator, applies its
// ServiceAccount and RBAC to a sandbox cluster, and runs the operator as
// that ServiceAccount (impersonated): a Deployment Workload with a Service
// reaches Running, a Job Workload Succeeded, events are written, the
// finalizer an older operator left on a Workload is removed, and a deleted
// Workload goes with its children. A permission missing from the chart
// fails it.
func TestOperatorChartRBAC(t *testing.T) {
	g := NewWithT(t)
	manifests := renderOperatorChart(t)
	kubeconfig := sandboxtest.Start(t, 1)
	cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	g.Expect(err).NotTo(HaveOccurred())
	scheme := runtime.NewScheme()
	g.Expect(clientgoscheme.AddToScheme(scheme)).To(Succeed())
	g.Expect(appsv1alpha1.AddToScheme(scheme)).To(Succeed())
	g.Expect(apiextensionsv1.AddToScheme(scheme)).To(Succeed())
	admin, err := client.New(cfg, client.Options{Scheme: scheme})
	g.Expect(err).NotTo(HaveOccurred())

	g.Expect(crd.Install(t.Context(), admin, crd.Options{Timeout: time.Minute})).To(Succeed())
	g.Expect(admin.Create(t.Context(), &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "wheelhouse-system"}})).To(Succeed())
	for _, u := range manifests {
		if u.GetKind() == "Deployment" {
			continue // the operator runs in this test process instead
		}
		g.Expect(admin.Create(t.Context(), u)).To(Succeed(), "%s %s", u.GetKind(), u.GetName())
	}

	raw, err := clientcmd.LoadFromFile(kubeconfig)
	g.Expect(err).NotTo(HaveOccurred())
	for _, ai := range raw.AuthInfos {
		ai.Impersonate = "system:serviceaccount:wheelhouse-system:wheelhouse-operator"
	}
	saKubeconfig := filepath.Join(t.TempDir(), "kubeconfig")
	g.Expect(clientcmd.WriteToFile(*raw, saKubeconfig)).To(Succeed())

	ctx, cancel := context.WithCancel(context.Background())
	cmd := newOperatorCommand()
	cmd.SetArgs([]string{"--kubeconfig", saKubeconfig, "--leader-elect", "--leader-election-namespace", "wheelhouse-system",
		"--metrics-bind-address", "0", "--health-probe-bind-address", "0", "--log-level", "error"})
	cmd.SetOut(io.Discard)
	cmd.SetErr(io.Discard)
	done := make(chan error, 1)
	go func() { done <- cmd.ExecuteContext(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil && !errors.Is(err, context.Canceled) {
			t.Errorf("operator: %v", err)
		}
	})

	container := corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: "nginx"}}}
	web := &appsv1alpha1.Workload{ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "default"}, Spec: appsv1alpha1.WorkloadSpec{
		Type: appsv1alpha1.WorkloadTypeDeployment, Template: corev1.PodTemplateSpec{Spec: container},
		Service: &appsv1alpha1.ServiceSpec{Ports: []appsv1alpha1.ServicePort{{Port: 80}}},
	}}
	// As an older operator left it: with the finalizer it no longer uses.
	job := &appsv1alpha1.Workload{ObjectMeta: metav1.ObjectMeta{Name: "job", Namespace: "default", Finalizers: []string{appsv1alpha1.LegacyFinalizer}},
		Spec: appsv1alpha1.WorkloadSpec{Type: appsv1alpha1.WorkloadTypeJob, Template: corev1.PodTemplateSpec{Spec: container}}}
	g.Expect(admin.Create(t.Context(), web)).To(Succeed())
	g.Expect(admin.Create(t.Context(), job)).To(Succeed())
	g.Eventually(func(g Gomega) {
		for w, phase := range map[*appsv1alpha1.Workload]appsv1alpha1.WorkloadPhase{web: appsv1alpha1.PhaseRunning, job: appsv1alpha1.PhaseSucceeded} {
			got := &appsv1alpha1.Workload{}
			g.Expect(admin.Get(t.Context(), client.ObjectKeyFromObject(w), got)).To(Succeed())
			g.Expect(got.Status.Phase).To(Equal(phase), "%s: %s", w.Name, got.Status.LastError)
			g.Expect(got.Finalizers).To(BeEmpty(), w.Name)
		}
	}).WithTimeout(90 * time.Second).WithPolling(200 * time.Millisecond).Should(Succeed())

	g.Eventually(func(g Gomega) {
		evs := &eventsv1.EventList{}
		g.Expect(admin.List(t.Context(), evs, client.InNamespace("default"))).To(Succeed())
		var reasons []string
		for _, e := range evs.Items {
			if e.Regarding.Kind == "Workload" {
				reasons = append(reasons, e.Reason)
			}
		}
		g.Expect(reasons).To(ContainElement(appsv1alpha1.EventApplySucceeded))
	}).WithTimeout(30 * time.Second).WithPolling(200 * time.Millisecond).Should(Succeed())

	g.Expect(admin.Delete(t.Context(), web)).To(Succeed())
	for _, obj := range []client.Object{&appsv1alpha1.Workload{}, &appsv1.Deployment{}, &corev1.Service{}} {
		g.Eventually(func() bool {
			return apierrors.IsNotFound(admin.Get(t.Context(), client.ObjectKeyFromObject(web), obj))
		}).WithTimeout(60*time.Second).WithPolling(200*time.Millisecond).Should(BeTrue(), "%T", obj)
	}
}

// renderOperatorChart runs `helm template` on the chart with its default
// values and decodes the manifests.
func renderOperatorChart(t *testing.T) []*unstructured.Unstructured {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 15*time.Minute)
	defer cancel()
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, "go", "run", helmModule, "template", "wheelhouse-operator",
		"../../charts/wheelhouse-operator", "--namespace", "wheelhouse-system", "--kube-version", "1.36.3")
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("helm template: %v\n%s", err, stderr.String())
	}
	var out []*unstructured.Unstructured
	dec := utilyaml.NewYAMLOrJSONDecoder(&stdout, 4096)
	for {
		u := &unstructured.Unstructured{}
		if err := dec.Decode(&u.Object); err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			t.Fatalf("decode rendered chart: %v", err)
		}
		if len(u.Object) > 0 {
			out = append(out, u)
		}
	}
	if len(out) == 0 {
		t.Fatal("helm template rendered nothing")
	}
	return out
}
