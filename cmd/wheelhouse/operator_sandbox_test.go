//go:build !unit

package main

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	appsv1alpha1 "github.com/wheelhouse-dev/wheelhouse/api/apps/v1alpha1"
	"github.com/wheelhouse-dev/wheelhouse/internal/sandbox/sandboxtest"
)

// TestOperatorAgainstSandbox runs `wheelhouse operator` in-process against
// a sandbox cluster: it installs the CRD, wins the leader election, serves
// health and metrics, and reconciles a Workload to Running, here without
// the write caches (TestOperatorChartRBAC runs it with them).
func TestOperatorAgainstSandbox(t *testing.T) {
	g := NewWithT(t)
	kubeconfig := sandboxtest.Start(t, 2)
	metricsAddr, probeAddr := freePort(t), freePort(t)

	ctx, cancel := context.WithCancel(context.Background())
	cmd := newOperatorCommand()
	cmd.SetArgs([]string{"--kubeconfig", kubeconfig, "--install-crds", "--leader-elect",
		"--leader-election-namespace", "default", "--metrics-bind-address", metricsAddr,
		"--health-probe-bind-address", probeAddr, "--log-level", "warn", "--disable-write-caches"})
	cmd.SetOut(io.Discard)
	cmd.SetErr(io.Discard) // logs could outlive the test in client-go goroutines
	done := make(chan error, 1)
	go func() { done <- cmd.ExecuteContext(ctx) }()
	t.Cleanup(func() {
		cancel()
		var err error
		NewWithT(t).Eventually(done).WithTimeout(time.Minute).Should(Receive(&err), "operator did not stop within a minute")
		if err != nil && !errors.Is(err, context.Canceled) {
			t.Errorf("operator: %v", err)
		}
	})

	for _, path := range []string{"/healthz", "/readyz"} {
		g.Eventually(func() (int, error) { return httpStatus(t, "http://"+probeAddr+path) }).
			WithTimeout(time.Minute).WithPolling(200*time.Millisecond).Should(Equal(http.StatusOK), path)
	}

	cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	g.Expect(err).NotTo(HaveOccurred())
	scheme := runtime.NewScheme()
	g.Expect(clientgoscheme.AddToScheme(scheme)).To(Succeed())
	g.Expect(appsv1alpha1.AddToScheme(scheme)).To(Succeed())
	c, err := client.New(cfg, client.Options{Scheme: scheme})
	g.Expect(err).NotTo(HaveOccurred())

	g.Eventually(func(g Gomega) {
		lease := &coordinationv1.Lease{}
		g.Expect(c.Get(t.Context(), types.NamespacedName{Namespace: "default", Name: operatorLeaseName}, lease)).To(Succeed())
		g.Expect(ptr.Deref(lease.Spec.HolderIdentity, "")).NotTo(BeEmpty())
	}).WithTimeout(time.Minute).WithPolling(200 * time.Millisecond).Should(Succeed())

	w := &appsv1alpha1.Workload{
		ObjectMeta: metav1.ObjectMeta{Name: "hello", Namespace: "default"},
		Spec: appsv1alpha1.WorkloadSpec{
			Type:     appsv1alpha1.WorkloadTypeDeployment,
			Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: "nginx"}}}},
		},
	}
	g.Expect(c.Create(t.Context(), w)).To(Succeed())
	g.Eventually(func(g Gomega) {
		got := &appsv1alpha1.Workload{}
		g.Expect(c.Get(t.Context(), client.ObjectKeyFromObject(w), got)).To(Succeed())
		g.Expect(got.Status.Phase).To(Equal(appsv1alpha1.PhaseRunning))
	}).WithTimeout(90 * time.Second).WithPolling(200 * time.Millisecond).Should(Succeed())

	body := httpBody(t, "http://"+metricsAddr+"/metrics")
	g.Expect(body).To(ContainSubstring("wheelhouse_workload_reconcile_duration_seconds_bucket"))
	g.Expect(body).To(ContainSubstring(`controller_runtime_reconcile_total{controller="workload"`))
}

func httpStatus(t *testing.T, url string) (int, error) {
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, url, nil)
	if err != nil {
		return 0, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	return resp.StatusCode, nil
}

func httpBody(t *testing.T, url string) string {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}
