//go:build !unit

package host_test

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/wheelhouse-dev/wheelhouse/internal/multicluster"
	"github.com/wheelhouse-dev/wheelhouse/internal/sandbox/sandboxtest"
	"github.com/wheelhouse-dev/wheelhouse/internal/server/servertest"
)

const feature = "/api/v1/clusters/c1/features/workloads"

// reconciledIn creates a Workload through the API and waits until the
// hosted controller has created its Deployment in the cluster behind conn.
func reconciledIn(t *testing.T, h *servertest.Harness, conn *multicluster.Cluster, name string) {
	t.Helper()
	g := NewWithT(t)
	body := `{"metadata":{"name":"` + name + `"},"spec":{"type":"Deployment","replicas":1,"template":{"metadata":{"labels":{"app":"` + name +
		`"}},"spec":{"containers":[{"name":"web","image":"nginx"}]}}}}`
	g.Eventually(func() int {
		code, _, _ := h.Do(http.MethodPost, "/api/v1/clusters/c1/namespaces/default/workloads", h.Admin, body)
		return code
	}).WithTimeout(time.Minute).Should(Equal(http.StatusCreated))
	g.Eventually(func() error {
		_, err := conn.Kube.AppsV1().Deployments("default").Get(t.Context(), name, metav1.GetOptions{})
		return err
	}).WithTimeout(time.Minute).Should(Succeed(), "the controller never created the Deployment of Workload %s", name)
}

// TestControllerFollowsItsCluster: the Workload controller hosted for a
// cluster comes back by itself when the cluster does, moves to the new
// credentials when they are rotated, serves its metrics with the cluster
// named, and stops when the cluster is deleted.
func TestControllerFollowsItsCluster(t *testing.T) {
	g := NewWithT(t)
	h := servertest.New(t, servertest.Options{})
	sb, name := sandboxtest.NewManager(t)
	st, err := sb.Up(t.Context(), name, 1)
	g.Expect(err).NotTo(HaveOccurred())
	conn := h.ImportCluster("c1", st.KubeconfigPath)

	// Enabled while the cluster is down: accepted, and the controller is
	// started once the cluster answers again.
	g.Expect(sb.Stop(t.Context(), name)).To(Succeed())
	g.Eventually(conn.Available).WithTimeout(time.Minute).ShouldNot(Succeed())
	body := h.Expect(http.StatusAccepted, http.MethodPost, feature, h.Admin, nil)
	g.Expect(body).To(HaveKeyWithValue("enabled", true))
	g.Expect(body).To(HaveKeyWithValue("running", false))
	g.Expect(body["message"]).NotTo(BeEmpty())
	_, err = sb.Up(t.Context(), name, 1)
	g.Expect(err).NotTo(HaveOccurred())
	g.Eventually(func() any {
		return h.Expect(http.StatusOK, http.MethodGet, feature, h.Admin, nil)["running"]
	}).WithTimeout(3*time.Minute).Should(Equal(true), "the controller did not come back with its cluster")
	reconciledIn(t, h, conn, "first")

	// Its reconciles are served at /metrics, named after the cluster.
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, h.URL+"/metrics", nil)
	g.Expect(err).NotTo(HaveOccurred())
	resp, err := h.Client.Do(req)
	g.Expect(err).NotTo(HaveOccurred())
	metrics, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	g.Expect(string(metrics)).To(ContainSubstring(`controller_runtime_reconcile_total{controller="workload-c1"`))

	// New credentials, here for another cluster altogether: the controller
	// moves to the new connection and acts there.
	other := sandboxtest.Start(t, 1)
	h.Expect(http.StatusOK, http.MethodPatch, "/api/v1/clusters/c1", h.Admin, map[string]string{"kubeconfig": h.Kubeconfig(other)})
	newConn, err := h.Clusters.Get("c1")
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(newConn.Config.Host).NotTo(Equal(conn.Config.Host))
	g.Eventually(newConn.Available).WithTimeout(time.Minute).Should(Succeed())
	reconciledIn(t, h, newConn, "second")

	// Deleting the cluster stops its controller.
	h.Expect(http.StatusNoContent, http.MethodDelete, "/api/v1/clusters/c1", h.Admin, nil)
	g.Eventually(func() bool {
		_, err := h.Workloads.Client("c1")
		return err != nil
	}).WithTimeout(time.Minute).Should(BeTrue(), "the controller of a deleted cluster still runs")
	g.Expect(strings.Count(h.Logs.String(), `msg="Workload controller running" cluster=c1`)).To(Equal(2))
}
