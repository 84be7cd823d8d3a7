package ctrlkit

import (
	"testing"

	. "github.com/onsi/gomega"
	appsv1 "k8s.io/api/apps/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client/apiutil"

	appsv1alpha1 "github.com/wheelhouse-dev/wheelhouse/api/apps/v1alpha1"
)

// TestNewManager: the manager knows every kind a controller needs and is
// made without reaching the cluster (it connects when it starts).
func TestNewManager(t *testing.T) {
	for _, opts := range []Options{
		{Cluster: "east"},
		{Namespace: "team-a", MetricsBindAddress: "0", HealthProbeBindAddress: "0", LeaderElection: true,
			LeaderElectionID: "test", LeaderElectionNamespace: "default"},
	} {
		t.Run(opts.Cluster+opts.Namespace, func(t *testing.T) {
			g := NewWithT(t)
			mgr, err := NewManager(&rest.Config{Host: "https://127.0.0.1:1"}, opts)
			g.Expect(err).NotTo(HaveOccurred())
			for _, obj := range []runtime.Object{&appsv1.Deployment{}, &appsv1alpha1.Workload{}, &apiextensionsv1.CustomResourceDefinition{}} {
				_, err := apiutil.GVKForObject(obj, mgr.GetScheme())
				g.Expect(err).NotTo(HaveOccurred(), "%T", obj)
			}
		})
	}
}
