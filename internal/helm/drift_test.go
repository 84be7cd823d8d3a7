//go:build !unit

package helm

import (
	"testing"

	. "github.com/onsi/gomega"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/wheelhouse-dev/wheelhouse/charts/addons"
)

// TestDriftAndRepair: a release whose objects were changed or deleted by
// hand shows as drifted, with a diff of what changed; Repair re-applies
// the release and takes them back; a change to a field the release does
// not set is not drift.
func TestDriftAndRepair(t *testing.T) {
	g := NewWithT(t)
	e := newEnv(t, 1)
	ctx := t.Context()
	const ns, name = "monitoring", "metrics"
	chart, err := addons.Load("metrics-server")
	g.Expect(err).NotTo(HaveOccurred())
	_, err = e.client.Install(ctx, InstallOptions{Namespace: ns, Name: name, Chart: chart, CreateNamespace: true})
	g.Expect(err).NotTo(HaveOccurred())

	d, err := e.client.DetectDrift(ctx, ns, name)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(d.Drifted).To(BeFalse(), "a fresh release: %+v", d.Objects)
	g.Expect(d.Revision).To(Equal(1))

	// A label added by someone else is not the release's: no drift.
	_, err = e.kube.CoreV1().Services(ns).Patch(ctx, "metrics-metrics-server", types.MergePatchType,
		[]byte(`{"metadata":{"labels":{"team":"ops"}}}`), metav1.PatchOptions{FieldManager: "kubectl-label"})
	g.Expect(err).NotTo(HaveOccurred())
	d, err = e.client.DetectDrift(ctx, ns, name)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(d.Drifted).To(BeFalse(), "%+v", d.Objects)

	// Scaled by hand, and the service account deleted.
	_, err = e.kube.AppsV1().Deployments(ns).Patch(ctx, "metrics-metrics-server", types.MergePatchType,
		[]byte(`{"spec":{"replicas":3}}`), metav1.PatchOptions{FieldManager: "kubectl-edit"})
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(e.kube.CoreV1().ServiceAccounts(ns).Delete(ctx, "metrics-metrics-server", metav1.DeleteOptions{})).To(Succeed())

	d, err = e.client.DetectDrift(ctx, ns, name)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(d.Drifted).To(BeTrue())
	changes := map[string]ObjectDiff{}
	for _, o := range d.Objects {
		changes[o.Kind] = o
	}
	g.Expect(changes).To(HaveLen(2), "%+v", d.Objects)
	g.Expect(changes["Deployment"].Change).To(Equal("changed"))
	g.Expect(changes["Deployment"].Diff).To(And(ContainSubstring("-  replicas: 3"), ContainSubstring("+  replicas: 1")))
	g.Expect(changes["ServiceAccount"].Change).To(Equal("removed"))

	rel, err := e.client.Repair(ctx, ns, name, false, 0)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(rel.Revision).To(Equal(2))
	g.Expect(rel.Description).To(ContainSubstring("Repair"))
	dep, err := e.kube.AppsV1().Deployments(ns).Get(ctx, "metrics-metrics-server", metav1.GetOptions{})
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(*dep.Spec.Replicas).To(BeEquivalentTo(1))
	_, err = e.kube.CoreV1().ServiceAccounts(ns).Get(ctx, "metrics-metrics-server", metav1.GetOptions{})
	g.Expect(err).NotTo(HaveOccurred(), "the deleted object is back")
	d, err = e.client.DetectDrift(ctx, ns, name)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(d.Drifted).To(BeFalse(), "%+v", d.Objects)
}
