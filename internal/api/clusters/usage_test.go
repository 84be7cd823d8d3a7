//go:build !unit

package clusters_test

import (
	"fmt"
	"math"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/onsi/gomega"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/wheelhouse-dev/wheelhouse/internal/sandbox"
	"github.com/wheelhouse-dev/wheelhouse/internal/sandbox/sandboxtest"
	"github.com/wheelhouse-dev/wheelhouse/internal/server/servertest"
)

// TestClusterUsage runs a sandbox cluster whose kwok emulates container
// usage and whose metrics-server serves metrics.k8s.io, and checks that the
// cluster and node views report exactly what the emulation produces: every
// running container uses sandbox.ContainerCPUUsage and ContainerMemoryUsage.
func TestClusterUsage(t *testing.T) {
	path := sandboxtest.StartWith(t, 2, sandboxtest.Options{Metrics: true})
	kubeconfig, _ := flatKubeconfig(t, path)
	kube := kubeClient(t, path)
	const replicas = 3
	labels := map[string]string{"app": "busy"}
	_, err := kube.AppsV1().Deployments("default").Create(t.Context(), &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: "busy"},
		Spec: appsv1.DeploymentSpec{
			Replicas: ptr.To[int32](replicas),
			Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: "busy"}}},
			},
		},
	}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}

	// Every running container on the nodes counts, whoever made it.
	containersOn := map[string]int64{}
	servertest.Eventually(t, func() bool {
		pods, err := kube.CoreV1().Pods("").List(t.Context(), metav1.ListOptions{})
		if err != nil {
			return false
		}
		clear(containersOn)
		busy := 0
		for _, p := range pods.Items {
			if p.Status.Phase != corev1.PodRunning || p.Spec.NodeName == "" {
				continue
			}
			containersOn[p.Spec.NodeName] += int64(len(p.Spec.Containers))
			if p.Labels["app"] == "busy" {
				busy++
			}
		}
		return busy == replicas
	}).Should(gomega.BeTrue())
	var containers int64
	for _, n := range containersOn {
		containers += n
	}
	cpuQ, memQ := resource.MustParse(sandbox.ContainerCPUUsage), resource.MustParse(sandbox.ContainerMemoryUsage)
	cpuEach, memEach := cpuQ.MilliValue(), memQ.Value()
	wantCPU, wantMem := containers*cpuEach, containers*memEach

	h := servertest.New(t, servertest.Options{UsageInterval: time.Second})
	h.Expect(http.StatusCreated, http.MethodPost, "/api/v1/clusters", h.Admin, map[string]any{"name": "busy", "kubeconfig": kubeconfig})

	// metrics-server needs two scrapes (15 s apart) of a node before it
	// reports its CPU rate; the rate is measured between scrapes, so allow
	// a little jitter on CPU. Memory is a gauge and exact.
	var usage map[string]any
	gomega.NewWithT(t).Eventually(func() error {
		got := h.Expect(http.StatusOK, http.MethodGet, "/api/v1/clusters/busy", h.Admin, nil)
		res, _ := got["resources"].(map[string]any)
		usage, _ = res["usage"].(map[string]any)
		if usage == nil {
			return fmt.Errorf("no usage yet: %v", got)
		}
		if usage["nodes"] != float64(2) || usage["memoryBytes"] != float64(wantMem) || !near(usage["cpuMillis"], wantCPU) {
			return fmt.Errorf("usage %v, want 2 nodes, %d bytes and about %dm CPU", usage, wantMem, wantCPU)
		}
		return nil
	}).WithTimeout(usageTimeout).WithPolling(time.Second).Should(gomega.Succeed())
	t.Logf("usage %v for %d containers (want %dm CPU, %d bytes)", usage, containers, wantCPU, wantMem)
	if _, err := time.Parse(time.RFC3339, fmt.Sprint(usage["collectedAt"])); err != nil {
		t.Errorf("collectedAt: %v", err)
	}

	// The list shows the same usage.
	list := h.Expect(http.StatusOK, http.MethodGet, "/api/v1/clusters", h.Admin, nil)
	item := list["items"].([]any)[0].(map[string]any)
	listed, _ := item["resources"].(map[string]any)["usage"].(map[string]any)
	if listed["memoryBytes"] != float64(wantMem) || !near(listed["cpuMillis"], wantCPU) {
		t.Errorf("usage in the list %v, want %d bytes and about %dm CPU", listed, wantMem, wantCPU)
	}

	// Each node shows its own share.
	nodes := h.Expect(http.StatusOK, http.MethodGet, "/api/v1/clusters/busy/nodes", h.Admin, nil)
	for _, it := range nodes["items"].([]any) {
		n := it.(map[string]any)
		name := n["name"].(string)
		u, _ := n["usage"].(map[string]any)
		if u == nil {
			t.Errorf("node %s: no usage", name)
			continue
		}
		if u["memoryBytes"] != float64(containersOn[name]*memEach) || !near(u["cpuMillis"], containersOn[name]*cpuEach) {
			t.Errorf("node %s usage %v, want %d containers' worth", name, u, containersOn[name])
		}
		if u["cpuPercent"].(float64) <= 0 && containersOn[name] > 0 {
			t.Errorf("node %s cpuPercent %v", name, u["cpuPercent"])
		}
	}
	detail := h.Expect(http.StatusOK, http.MethodGet, "/api/v1/clusters/busy/nodes/"+nodes["items"].([]any)[0].(map[string]any)["name"].(string), h.Admin, nil)
	if detail["usage"] == nil {
		t.Errorf("node detail without usage: %v", detail)
	}
}

// TestClusterUsageNotServed checks that a cluster without metrics.k8s.io
// shows no usage, and that everything else answers as usual.
func TestClusterUsageNotServed(t *testing.T) {
	path := sandboxtest.Start(t, 1)
	kubeconfig, _ := flatKubeconfig(t, path)
	h := servertest.New(t, servertest.Options{UsageInterval: time.Second})
	h.Expect(http.StatusCreated, http.MethodPost, "/api/v1/clusters", h.Admin, map[string]any{"name": "plain", "kubeconfig": kubeconfig})

	// Ready with resources, and metrics.k8s.io asked at least once.
	var got map[string]any
	servertest.Eventually(t, func() bool {
		got = h.Expect(http.StatusOK, http.MethodGet, "/api/v1/clusters/plain", h.Admin, nil)
		return got["phase"] == "Ready" && got["resources"] != nil &&
			strings.Contains(h.Logs.String(), "metrics.k8s.io is not served")
	}).Should(gomega.BeTrue())
	res := got["resources"].(map[string]any)
	if _, ok := res["usage"]; ok {
		t.Errorf("usage without metrics-server: %v", res)
	}
	if res["nodes"] != float64(1) || res["capacity"] == nil || res["allocatable"] == nil || res["requested"] == nil {
		t.Errorf("resources: %v", res)
	}

	list := h.Expect(http.StatusOK, http.MethodGet, "/api/v1/clusters", h.Admin, nil)
	item := list["items"].([]any)[0].(map[string]any)
	if item["phase"] != "Ready" {
		t.Errorf("listed phase %v", item["phase"])
	}
	if _, ok := item["resources"].(map[string]any)["usage"]; ok {
		t.Errorf("usage in the list without metrics-server: %v", item)
	}
	nodes := h.Expect(http.StatusOK, http.MethodGet, "/api/v1/clusters/plain/nodes", h.Admin, nil)
	for _, it := range nodes["items"].([]any) {
		if u, ok := it.(map[string]any)["usage"]; ok {
			t.Errorf("node usage without metrics-server: %v", u)
		}
	}
	// Said once, not at every poll.
	if n := strings.Count(h.Logs.String(), "Cluster usage unavailable"); n != 1 {
		t.Errorf("logged %d times that usage is unavailable, want once", n)
	}
}

// usageTimeout bounds the wait for usage: metrics-server reports a pod's
// usage after it has scraped the nodes twice, and the server polls it on
// its own interval.
const usageTimeout = 3 * time.Minute

// near reports whether a JSON number is within 5% (and at least 5m) of
// want: CPU is a rate over the interval between two scrapes.
func near(v any, want int64) bool {
	f, ok := v.(float64)
	return ok && math.Abs(f-float64(want)) <= math.Max(5, 0.05*float64(want))
}
