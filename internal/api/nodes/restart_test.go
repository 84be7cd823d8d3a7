//go:build !unit

package nodes_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/onsi/gomega"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"

	"github.com/wheelhouse-dev/wheelhouse/internal/api/nodes"
	"github.com/wheelhouse-dev/wheelhouse/internal/drain"
	"github.com/wheelhouse-dev/wheelhouse/internal/sandbox/sandboxtest"
	"github.com/wheelhouse-dev/wheelhouse/internal/server/servertest"
)

// TestDrainSurvivesRestart starts a drain through the API that a
// PodDisruptionBudget holds, stops that server mid-drain, starts a new one
// over the same cluster, and checks that the new one resumes the drain from
// its record on the node (the server's drain.Tracker, a component of the
// cluster's connection, calls ResumeAll), resumes it again on a new
// connection, and completes it once the budget allows.
func TestDrainSurvivesRestart(t *testing.T) {
	kubeconfig := sandboxtest.Start(t, 2)
	const ns = "held"
	var started nodes.NodeDrain
	var node, url string

	t.Run("first server", func(t *testing.T) {
		h := servertest.New(t, servertest.Options{})
		conn := h.ConnectCluster(clusterName, kubeconfig)
		ctx := t.Context()
		l := servertest.WaitFor(t, h, "/api/v1/clusters/"+clusterName+"/nodes", func(l nodeList) error {
			if len(l.Items) != 2 {
				return fmt.Errorf("want 2 nodes, got %+v", l.Items)
			}
			return nil
		})
		node = l.Items[0].Name
		url = "/api/v1/clusters/" + clusterName + "/nodes/" + node + "/drain"

		// One pod pinned to the node, which its budget may not lose.
		servertest.CreateNamespaces(t, conn, ns)
		labels := map[string]string{"app": "held"}
		if _, err := conn.Kube.AppsV1().Deployments(ns).Create(ctx, &appsv1.Deployment{
			ObjectMeta: metav1.ObjectMeta{Name: "held"},
			Spec: appsv1.DeploymentSpec{Replicas: ptr.To[int32](1), Selector: &metav1.LabelSelector{MatchLabels: labels},
				Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: labels}, Spec: corev1.PodSpec{
					NodeSelector: map[string]string{corev1.LabelHostname: node},
					Containers:   []corev1.Container{{Name: "app", Image: "nginx"}}}}},
		}, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		if _, err := conn.Kube.PolicyV1().PodDisruptionBudgets(ns).Create(ctx, &policyv1.PodDisruptionBudget{
			ObjectMeta: metav1.ObjectMeta{Name: "held"},
			Spec: policyv1.PodDisruptionBudgetSpec{MinAvailable: ptr.To(intstr.FromInt32(1)),
				Selector: &metav1.LabelSelector{MatchLabels: labels}},
		}, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		// The budget counts the pod once it is Running.
		servertest.Eventually(t, func() (int32, error) {
			pdb, err := conn.Kube.PolicyV1().PodDisruptionBudgets(ns).Get(ctx, "held", metav1.GetOptions{})
			if err != nil {
				return 0, err
			}
			return pdb.Status.CurrentHealthy, nil
		}).Should(gomega.Equal(int32(1)))

		started = servertest.Decode[nodes.NodeDrain](t, h.Expect(http.StatusAccepted, http.MethodPost, url, h.Admin, map[string]any{"timeoutSeconds": 600}))
		servertest.WaitFor(t, h, url, func(d nodes.NodeDrain) error {
			if d.State != "Running" || len(d.Pending) != 1 || !strings.HasPrefix(d.Pending[0].Reason, drain.ReasonPDBPrefix) {
				return fmt.Errorf("want the pod held by its budget: %+v", d)
			}
			return nil
		})
		// The subtest's end stops this server.
	})
	if t.Failed() {
		return
	}

	h := servertest.New(t, servertest.Options{})
	h.ConnectCluster(clusterName, kubeconfig)
	ctx := t.Context()

	// Taken up from the record on the node by the new server's Tracker, a
	// component of the cluster's connection: this server never started it.
	resumed := servertest.WaitFor(t, h, url, func(d nodes.NodeDrain) error {
		if d.ID != started.ID || d.State != "Running" || d.ResumedAt == nil {
			return fmt.Errorf("want drain %s resumed: %+v", started.ID, d)
		}
		return nil
	})
	if resumed.By != "admin" || resumed.Options.TimeoutSeconds != 600 || !resumed.StartedAt.Equal(started.StartedAt) {
		t.Errorf("resumed drain %+v, started as %+v", resumed, started)
	}

	// The connection closes and opens again (as when the cluster's
	// credentials are rotated): the drain stops with the old connection
	// and is resumed on the new one.
	h.Clusters.Disconnect(clusterName)
	conn := h.ConnectCluster(clusterName, kubeconfig)
	servertest.WaitFor(t, h, url, func(d nodes.NodeDrain) error {
		if d.ID != started.ID || d.State != "Running" || d.ResumedAt == nil || !d.ResumedAt.After(*resumed.ResumedAt) {
			return fmt.Errorf("want drain %s resumed again after %s: %+v", started.ID, resumed.ResumedAt, d)
		}
		return nil
	})

	if err := conn.Kube.PolicyV1().PodDisruptionBudgets(ns).Delete(ctx, "held", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	d := servertest.WaitFor(t, h, url, func(d nodes.NodeDrain) error {
		if d.State == "Running" {
			return fmt.Errorf("still running: %+v", d)
		}
		return nil
	})
	if d.ID != started.ID || d.State != "Succeeded" || len(d.Evicted) != 1 || !strings.HasPrefix(d.Evicted[0].Name, "held-") ||
		d.ResumedAt == nil || d.FinishedAt == nil || len(d.Pending) != 0 {
		t.Errorf("drain after the restart %+v", d)
	}
	var n nodes.NodeDetail
	if err := h.GetJSON("/api/v1/clusters/"+clusterName+"/nodes/"+node, &n); err != nil || !n.Unschedulable {
		t.Errorf("node after the drain: unschedulable %v, %v", n.Unschedulable, err)
	}
}
