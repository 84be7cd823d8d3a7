//go:build !unit

package workload

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/tools/clientcmd"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/log"

	appsv1alpha1 "github.com/wheelhouse-dev/wheelhouse/api/apps/v1alpha1"
	"github.com/wheelhouse-dev/wheelhouse/config/crd"
	"github.com/wheelhouse-dev/wheelhouse/internal/controller/ctrlkit"
	"github.com/wheelhouse-dev/wheelhouse/internal/sandbox/sandboxtest"
)

// Eventually bounds of the integration tests: generous, since the sandbox
// shares two cores with compilers; a pass usually takes a few seconds.
const (
	eventuallyTimeout = 90 * time.Second
	pollEvery         = 200 * time.Millisecond
)

// integrationEnv is a sandbox cluster with the Workload CRD installed and
// the real reconciler running in a manager.
type integrationEnv struct {
	// c talks to the API server directly (no cache), for assertions.
	c      client.Client
	scheme *runtime.Scheme
}

// startIntegrationEnv starts a sandbox cluster with nodes simulated nodes,
// installs the CRD and runs the controller until the test ends. A missing
// sandbox toolchain fails the test.
func startIntegrationEnv(t *testing.T, nodes int) *integrationEnv {
	t.Helper()
	kubeconfig := sandboxtest.Start(t, nodes)
	cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		t.Fatalf("load sandbox kubeconfig: %v", err)
	}
	cfg.QPS, cfg.Burst = -1, 0

	scheme := testScheme(t)
	if err := apiextensionsv1.AddToScheme(scheme); err != nil {
		t.Fatal(err)
	}
	c, err := client.New(cfg, client.Options{Scheme: scheme})
	if err != nil {
		t.Fatalf("client: %v", err)
	}
	if err := crd.Install(t.Context(), c, crd.Options{Timeout: time.Minute}); err != nil {
		t.Fatalf("install CRDs: %v", err)
	}

	logger := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	log.SetLogger(ctrlkit.Logr(logger, ""))
	mgr, err := ctrlkit.NewManager(cfg, ctrlkit.Options{Cluster: "sandbox", Logger: logger, Scheme: scheme})
	if err != nil {
		t.Fatalf("manager: %v", err)
	}
	r, err := New(Config{Client: mgr.GetClient(), APIReader: mgr.GetAPIReader(), Recorder: mgr.GetEventRecorder("wheelhouse-workload"),
		Cluster: "sandbox", PollInterval: 500 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.SetupWithManager(mgr, controller.Options{MaxConcurrentReconciles: 4}); err != nil {
		t.Fatalf("setup controller: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- mgr.Start(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil && !errors.Is(err, context.Canceled) {
			t.Errorf("manager: %v", err)
		}
	})
	return &integrationEnv{c: c, scheme: scheme}
}

// namespace creates a namespace for one subtest.
func (e *integrationEnv) namespace(t *testing.T, name string) string {
	t.Helper()
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}}
	if err := e.c.Create(t.Context(), ns); err != nil {
		t.Fatalf("create namespace %s: %v", name, err)
	}
	return name
}

// workloadIn is a Workload named name in namespace ns, of type typ, with
// one container, adjusted by the mutators (which may set its metadata).
func workloadIn(ns, name string, typ appsv1alpha1.WorkloadType, mutate ...func(*appsv1alpha1.Workload)) *appsv1alpha1.Workload {
	w := newWorkload(typ)
	w.ObjectMeta = metav1.ObjectMeta{Name: name, Namespace: ns}
	w.TypeMeta = metav1.TypeMeta{}
	for _, m := range mutate {
		m(w)
	}
	return w
}

// get reads the current Workload.
func (e *integrationEnv) get(g Gomega, ns, name string) *appsv1alpha1.Workload {
	w := &appsv1alpha1.Workload{}
	g.Expect(e.c.Get(context.Background(), types.NamespacedName{Namespace: ns, Name: name}, w)).To(Succeed())
	return w
}

// eventuallyPhase waits until the Workload reaches phase for its current
// generation, and returns it.
func (e *integrationEnv) eventuallyPhase(t *testing.T, ns, name string, phase appsv1alpha1.WorkloadPhase) *appsv1alpha1.Workload {
	t.Helper()
	var w *appsv1alpha1.Workload
	NewWithT(t).Eventually(func(g Gomega) {
		w = e.get(g, ns, name)
		g.Expect(w.Status.ObservedGeneration).To(Equal(w.Generation), "observedGeneration")
		g.Expect(w.Status.Phase).To(Equal(phase), "phase; status %s", describe(w))
	}).WithTimeout(eventuallyTimeout).WithPolling(pollEvery).Should(Succeed())
	return w
}

// update changes the Workload's spec, retrying on conflicts.
func (e *integrationEnv) update(t *testing.T, ns, name string, mutate func(*appsv1alpha1.Workload)) {
	t.Helper()
	NewWithT(t).Eventually(func() error {
		w := &appsv1alpha1.Workload{}
		if err := e.c.Get(t.Context(), types.NamespacedName{Namespace: ns, Name: name}, w); err != nil {
			return err
		}
		mutate(w)
		return e.c.Update(t.Context(), w)
	}).WithTimeout(30 * time.Second).Should(Succeed())
}

// describe summarises a Workload's status for failure messages.
func describe(w *appsv1alpha1.Workload) string {
	var b strings.Builder
	fmt.Fprintf(&b, "phase=%s ready=%d/%d lastError=%q", w.Status.Phase, w.Status.ReadyReplicas, w.Status.Replicas, w.Status.LastError)
	for _, c := range w.Status.Conditions {
		fmt.Fprintf(&b, " %s=%s(%s: %s)", c.Type, c.Status, c.Reason, c.Message)
	}
	return b.String()
}

// conditionTrue reports whether the Workload's condition t is True.
func conditionTrue(w *appsv1alpha1.Workload, t string) bool {
	return meta.IsStatusConditionTrue(w.Status.Conditions, t)
}

// eventuallyGone asserts that obj disappears.
func (e *integrationEnv) eventuallyGone(t *testing.T, obj client.Object) {
	t.Helper()
	NewWithT(t).Eventually(func() bool {
		err := e.c.Get(t.Context(), client.ObjectKeyFromObject(obj), obj)
		return apierrors.IsNotFound(err)
	}).WithTimeout(eventuallyTimeout).WithPolling(pollEvery).Should(BeTrue(), "%T %s still exists", obj, obj.GetName())
}

// eventuallyNoPods asserts that the pods of the Workload ns/name disappear.
func (e *integrationEnv) eventuallyNoPods(t *testing.T, ns, name string) {
	t.Helper()
	NewWithT(t).Eventually(func(g Gomega) {
		pods := &corev1.PodList{}
		g.Expect(e.c.List(t.Context(), pods, client.InNamespace(ns), client.MatchingLabels{appsv1alpha1.LabelWorkload: name})).To(Succeed())
		g.Expect(pods.Items).To(BeEmpty())
	}).WithTimeout(eventuallyTimeout).WithPolling(pollEvery).Should(Succeed())
}

// runtimeFromUnstructured converts u into obj.
func runtimeFromUnstructured(u *unstructured.Unstructured, obj any) error {
	return runtime.DefaultUnstructuredConverter.FromUnstructured(u.Object, obj)
}
