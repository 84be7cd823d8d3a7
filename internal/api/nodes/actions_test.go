//go:build !unit

package nodes_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/onsi/gomega"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"

	"github.com/wheelhouse-dev/wheelhouse/internal/api/nodes"
	"github.com/wheelhouse-dev/wheelhouse/internal/drain"
	"github.com/wheelhouse-dev/wheelhouse/internal/server/servertest"
)

func (e *env) testRequested(t *testing.T) {
	ctx := t.Context()
	servertest.CreateNamespaces(t, e.c, "sized")
	pod := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "sized", Namespace: "sized"},
		Spec: corev1.PodSpec{
			NodeName: e.node1,
			InitContainers: []corev1.Container{
				{Name: "init", Image: "busybox", Resources: requests("1", "64Mi")},
			},
			Containers: []corev1.Container{
				{Name: "a", Image: "nginx", Resources: requests("250m", "64Mi")},
				{Name: "b", Image: "nginx", Resources: requests("250m", "128Mi")},
			},
		},
	}
	if _, err := e.c.Kube.CoreV1().Pods("sized").Create(ctx, pod, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	// The init container's 1 CPU outweighs the 500m of the app
	// containers; memory is the app containers' 192Mi.
	var d nodes.NodeDetail
	servertest.Eventually(t, func() error {
		if err := e.h.GetJSON(e.nodeURL+"/"+e.node1, &d); err != nil {
			return err
		}
		i := slices.IndexFunc(d.Pods, func(p nodes.NodePod) bool { return p.Name == "sized" })
		if i < 0 {
			return fmt.Errorf("pod not listed on the node: %+v", d.Pods)
		}
		if d.Pods[i].CPU != "1" || d.Pods[i].Memory != "192Mi" || d.Pods[i].Namespace != "sized" {
			return fmt.Errorf("pod requests %+v", d.Pods[i])
		}
		return nil
	}).Should(gomega.Succeed())
	var l nodeList
	if err := e.h.GetJSON(e.nodeURL+"?name="+e.node1, &l); err != nil {
		t.Fatal(err)
	}
	for _, v := range []nodes.NodeView{d.NodeView, l.Items[0]} {
		r := v.Requested
		// Every other pod in the sandbox (DaemonSets of later subtests
		// aside) requests nothing.
		if r.CPU != "1" || r.Memory != "192Mi" || r.Pods != 1 || v.PodCount != 1 || r.CPUPercent <= 0 || r.PodsPercent <= 0 {
			t.Errorf("requested %+v, pod count %d", r, v.PodCount)
		}
	}
	if err := e.c.Kube.CoreV1().Namespaces().Delete(ctx, "sized", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
}

func (e *env) testEdit(t *testing.T) {
	h := e.h
	url := e.nodeURL + "/" + e.node0
	v := servertest.Decode[nodes.NodeView](t, h.Expect(http.StatusOK, http.MethodPatch, url, h.Admin, map[string]any{
		"labels":      map[string]any{"tier": "gold", "example.com/zone": "a"},
		"annotations": map[string]any{"example.com/note": "racked in row 4"},
		"taints":      []map[string]any{{"key": "dedicated", "value": "db", "effect": "NoSchedule"}},
	}))
	if v.Labels["tier"] != "gold" || v.Labels["example.com/zone"] != "a" || v.Annotations["example.com/note"] != "racked in row 4" ||
		len(v.Taints) != 1 || v.Taints[0] != (nodes.NodeTaint{Key: "dedicated", Value: "db", Effect: "NoSchedule"}) {
		t.Errorf("after edit %+v %+v %+v", v.Labels, v.Annotations, v.Taints)
	}
	servertest.Eventually(t, func() error {
		var l nodeList
		if err := e.h.GetJSON(e.nodeURL+"?labelSelector=tier%3Dgold", &l); err != nil {
			return err
		}
		if len(l.Items) != 1 || l.Items[0].Name != e.node0 || len(l.Items[0].Taints) != 1 {
			return fmt.Errorf("label selector found %+v", l.Items)
		}
		return nil
	}).Should(gomega.Succeed())

	// null removes a key; others stay; [] clears the taints.
	v = servertest.Decode[nodes.NodeView](t, h.Expect(http.StatusOK, http.MethodPatch, url, h.Admin, map[string]any{
		"labels": map[string]any{"tier": nil}, "annotations": map[string]any{"example.com/note": nil}, "taints": []any{},
	}))
	if _, ok := v.Labels["tier"]; ok || v.Labels["example.com/zone"] != "a" || v.Annotations["example.com/note"] != "" || len(v.Taints) != 0 {
		t.Errorf("after removal %+v %+v %+v", v.Labels, v.Annotations, v.Taints)
	}
	// Absent taints are left alone.
	h.Expect(http.StatusOK, http.MethodPatch, url, h.Admin, map[string]any{"taints": []map[string]any{{"key": "a", "effect": "NoExecute"}}})
	v = servertest.Decode[nodes.NodeView](t, h.Expect(http.StatusOK, http.MethodPatch, url, h.Admin, map[string]any{"labels": map[string]any{"example.com/zone": nil}}))
	if len(v.Taints) != 1 || v.Taints[0].Key != "a" || v.Taints[0].Effect != "NoExecute" {
		t.Errorf("taints after a label edit: %+v", v.Taints)
	}
	h.Expect(http.StatusOK, http.MethodPatch, url, h.Admin, map[string]any{"taints": []any{}})

	for _, tt := range []struct {
		name string
		body map[string]any
		loc  string
	}{
		{"bad label key", map[string]any{"labels": map[string]any{"bad key!": "x"}}, "body.labels.bad key!"},
		{"bad label value", map[string]any{"labels": map[string]any{"ok": "no spaces allowed"}}, "body.labels.ok"},
		{"bad annotation key", map[string]any{"annotations": map[string]any{"/x": "y"}}, "body.annotations./x"},
		{"bad taint key", map[string]any{"taints": []map[string]any{{"key": "a b", "effect": "NoSchedule"}}}, "body.taints[0].key"},
		{"bad taint effect", map[string]any{"taints": []map[string]any{{"key": "a", "effect": "Sometimes"}}}, "body.taints[0].effect"},
		{"duplicate taint", map[string]any{"taints": []map[string]any{{"key": "a", "effect": "NoSchedule"}, {"key": "a", "value": "b", "effect": "NoSchedule"}}}, "body.taints[1]"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e.h.ExpectProblem(t, http.StatusUnprocessableEntity, http.MethodPatch, url, h.Admin, tt.body, tt.loc)
		})
	}
}

func (e *env) testCordon(t *testing.T) {
	h := e.h
	url := e.nodeURL + "/" + e.node1
	v := servertest.Decode[nodes.NodeView](t, h.Expect(http.StatusOK, http.MethodPost, url+"/cordon", h.Admin, nil))
	if !v.Unschedulable {
		t.Fatalf("cordon: %+v", v)
	}
	servertest.Eventually(t, func() error {
		var l nodeList
		if err := e.h.GetJSON(e.nodeURL+"?fieldSelector=spec.unschedulable%3Dtrue", &l); err != nil {
			return err
		}
		if len(l.Items) != 1 || l.Items[0].Name != e.node1 {
			return fmt.Errorf("cordoned nodes %+v", l.Items)
		}
		return nil
	}).Should(gomega.Succeed())
	v = servertest.Decode[nodes.NodeView](t, h.Expect(http.StatusOK, http.MethodPost, url+"/uncordon", h.Admin, nil))
	if v.Unschedulable {
		t.Fatalf("uncordon: %+v", v)
	}
}

// testDrain drains node0 of a Deployment guarded by a
// PodDisruptionBudget, a bare pod and a DaemonSet pod: refused without
// options, blocked by the budget until its timeout, then complete once the
// budget allows it.
func (e *env) testDrain(t *testing.T) {
	ctx := t.Context()
	h := e.h
	kube := e.c.Kube
	const ns = "shop"
	servertest.CreateNamespaces(t, e.c, ns)

	// Everything starts on node0: node1 is cordoned while it is created
	// (the DaemonSet still runs a pod on node1: it tolerates cordons).
	h.Expect(http.StatusOK, http.MethodPost, e.nodeURL+"/"+e.node1+"/cordon", h.Admin, nil)
	labels := map[string]string{"app": "web"}
	if _, err := kube.AppsV1().Deployments(ns).Create(ctx, &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: "web"},
		Spec: appsv1.DeploymentSpec{Replicas: ptr.To[int32](3), Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "web", Image: "nginx"}}}}},
	}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	agent := map[string]string{"app": "agent"}
	if _, err := kube.AppsV1().DaemonSets(ns).Create(ctx, &appsv1.DaemonSet{
		ObjectMeta: metav1.ObjectMeta{Name: "agent"},
		Spec: appsv1.DaemonSetSpec{Selector: &metav1.LabelSelector{MatchLabels: agent},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: agent},
				Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "agent", Image: "agent"}}}}},
	}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := kube.CoreV1().Pods(ns).Create(ctx, &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "lonely", Labels: map[string]string{"app": "lonely"}},
		Spec:       corev1.PodSpec{NodeName: e.node0, Containers: []corev1.Container{{Name: "c", Image: "nginx"}}},
	}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := kube.PolicyV1().PodDisruptionBudgets(ns).Create(ctx, &policyv1.PodDisruptionBudget{
		ObjectMeta: metav1.ObjectMeta{Name: "web"},
		Spec: policyv1.PodDisruptionBudgetSpec{MinAvailable: ptr.To(intstr.FromInt32(3)),
			Selector: &metav1.LabelSelector{MatchLabels: labels}},
	}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	var agentPod string
	servertest.Eventually(t, func() error {
		var d nodes.NodeDetail
		if err := e.h.GetJSON(e.nodeURL+"/"+e.node0, &d); err != nil {
			return err
		}
		web, running := 0, 0
		for _, p := range d.Pods {
			if p.Namespace != ns {
				continue
			}
			if p.Phase == "Running" {
				running++
			}
			switch {
			case p.ControllerKind == "ReplicaSet":
				web++
			case p.ControllerKind == "DaemonSet":
				agentPod = p.Name
			}
		}
		if web != 3 || agentPod == "" || running != 5 {
			return fmt.Errorf("want 3 web, 1 agent, 1 bare pod Running on %s: %+v", e.node0, d.Pods)
		}
		return nil
	}).Should(gomega.Succeed())
	h.Expect(http.StatusOK, http.MethodPost, e.nodeURL+"/"+e.node1+"/uncordon", h.Admin, nil)
	drainURL := e.nodeURL + "/" + e.node0 + "/drain"

	t.Run("refused without options", func(t *testing.T) {
		d := servertest.Decode[nodes.NodeDrain](t, h.Expect(http.StatusAccepted, http.MethodPost, drainURL, h.Admin, map[string]any{}))
		if d.ID == "" || d.Node != e.node0 || d.Cluster != clusterName {
			t.Errorf("started %+v", d)
		}
		d = e.followDrain(t, drainURL)
		if d.State != "Failed" || len(d.Evicted) != 0 {
			t.Fatalf("drain %+v", d)
		}
		if r := reason(d.NotEvicted, ns, "lonely"); !strings.Contains(r, "no controller") {
			t.Errorf("bare pod: %q", r)
		}
		if r := reason(d.NotEvicted, ns, agentPod); !strings.Contains(r, "DaemonSet agent") {
			t.Errorf("DaemonSet pod: %q", r)
		}
		if len(d.NotEvicted) != 2 {
			t.Errorf("not evicted %+v", d.NotEvicted)
		}
		var n nodes.NodeDetail
		if err := e.h.GetJSON(e.nodeURL+"/"+e.node0, &n); err != nil || !n.Unschedulable {
			t.Errorf("node after a refused drain: unschedulable %v, %v", n.Unschedulable, err)
		}
	})

	t.Run("blocked by the budget until the timeout", func(t *testing.T) {
		h.Expect(http.StatusAccepted, http.MethodPost, drainURL, h.Admin,
			map[string]any{"force": true, "ignoreDaemonSets": true, "timeoutSeconds": 5})
		d := e.followDrain(t, drainURL)
		if d.State != "Failed" || !strings.Contains(d.Message, "timed out") {
			t.Fatalf("drain %+v", d)
		}
		if !slices.Contains(podNames(d.Evicted), ns+"/lonely") {
			t.Errorf("bare pod not evicted with force: %+v", d.Evicted)
		}
		if len(d.NotEvicted) != 3 {
			t.Errorf("not evicted %+v", d.NotEvicted)
		}
		for _, p := range d.NotEvicted {
			if !strings.HasPrefix(p.Reason, drain.ReasonPDBPrefix) {
				t.Errorf("%s: reason %q", p.Name, p.Reason)
			}
		}
		if r := reason(d.Skipped, ns, agentPod); !strings.Contains(r, "ignoreDaemonSets") {
			t.Errorf("skipped %+v", d.Skipped)
		}
	})

	t.Run("completes once the budget allows", func(t *testing.T) {
		d := servertest.Decode[nodes.NodeDrain](t, h.Expect(http.StatusAccepted, http.MethodPost, drainURL, h.Admin,
			map[string]any{"force": true, "ignoreDaemonSets": true, "gracePeriodSeconds": 0, "timeoutSeconds": 180}))
		if d.State != "Running" || d.Options.TimeoutSeconds != 180 || d.Options.GracePeriodSeconds == nil {
			t.Errorf("started %+v", d)
		}
		e.h.ExpectProblem(t, http.StatusConflict, http.MethodPost, drainURL, h.Admin, map[string]any{}, "")
		servertest.Eventually(t, func() error {
			var d nodes.NodeDrain
			if err := e.h.GetJSON(drainURL, &d); err != nil {
				return err
			}
			if d.State != "Running" || len(d.Pending) != 3 || !strings.HasPrefix(d.Pending[0].Reason, drain.ReasonPDBPrefix) {
				return fmt.Errorf("want 3 pods blocked by the budget: %+v", d)
			}
			return nil
		}).Should(gomega.Succeed())
		patch := []byte(`{"spec":{"minAvailable":2}}`)
		if _, err := kube.PolicyV1().PodDisruptionBudgets(ns).Patch(ctx, "web", types.MergePatchType, patch, metav1.PatchOptions{}); err != nil {
			t.Fatal(err)
		}
		d = e.followDrain(t, drainURL)
		if d.State != "Succeeded" || len(d.Evicted) != 3 || len(d.Pending) != 0 || len(d.NotEvicted) != 0 || d.FinishedAt == nil {
			t.Fatalf("drain %+v", d)
		}
		var n nodes.NodeDetail
		servertest.Eventually(t, func() error {
			if err := e.h.GetJSON(e.nodeURL+"/"+e.node1, &n); err != nil {
				return err
			}
			web := 0
			for _, p := range n.Pods {
				if p.Namespace == ns && p.ControllerKind == "ReplicaSet" && p.Phase == "Running" {
					web++
				}
			}
			if web != 3 {
				return fmt.Errorf("%d web pods Running on %s", web, e.node1)
			}
			return nil
		}).Should(gomega.Succeed())
	})

	t.Run("without a body", func(t *testing.T) {
		// Default options: node1's DaemonSet pod stops the drain before
		// anything is evicted.
		url := e.nodeURL + "/" + e.node1 + "/drain"
		h.Expect(http.StatusAccepted, http.MethodPost, url, h.Admin, nil)
		d := e.followDrain(t, url)
		if d.State != "Failed" || len(d.NotEvicted) != 1 || len(d.Evicted) != 0 || d.Options.TimeoutSeconds != 300 {
			t.Errorf("drain %+v", d)
		}
		h.Expect(http.StatusOK, http.MethodPost, e.nodeURL+"/"+e.node1+"/uncordon", h.Admin, nil)
	})
}

// followDrain polls a drain until it has ended.
func (e *env) followDrain(t *testing.T, url string) nodes.NodeDrain {
	t.Helper()
	var d nodes.NodeDrain
	servertest.Eventually(t, func() error {
		if err := e.h.GetJSON(url, &d); err != nil {
			return err
		}
		if d.State == "Running" {
			return fmt.Errorf("still running: %+v", d)
		}
		return nil
	}).Should(gomega.Succeed())
	return d
}

func requests(cpu, memory string) corev1.ResourceRequirements {
	return corev1.ResourceRequirements{Requests: corev1.ResourceList{
		corev1.ResourceCPU: resource.MustParse(cpu), corev1.ResourceMemory: resource.MustParse(memory)}}
}

func reason(ps []nodes.NodeDrainPod, ns, name string) string {
	for _, p := range ps {
		if p.Namespace == ns && p.Name == name {
			return p.Reason
		}
	}
	return ""
}

func podNames(ps []nodes.NodeDrainPod) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.Namespace + "/" + p.Name
	}
	return out
}
