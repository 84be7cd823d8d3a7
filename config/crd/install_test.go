//go:build !unit

package crd

import (
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/tools/clientcmd"
	"sigs.k8s.io/controller-runtime/pkg/client"

	appsv1alpha1 "github.com/wheelhouse-dev/wheelhouse/api/apps/v1alpha1"
	"github.com/wheelhouse-dev/wheelhouse/internal/sandbox/sandboxtest"
)

// TestInstall installs the CRD in a sandbox cluster, twice (an update is
// an apply like the first install), and creates a Workload as soon as
// Install returns: the kind is served and the client knows it. Nothing
// but the CRD is installed: no admission policy gives Workloads a
// finalizer.
func TestInstall(t *testing.T) {
	g := NewWithT(t)
	kubeconfig := sandboxtest.Start(t, 0)
	cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	g.Expect(err).NotTo(HaveOccurred())
	scheme := runtime.NewScheme()
	for _, add := range []func(*runtime.Scheme) error{clientgoscheme.AddToScheme, appsv1alpha1.AddToScheme, apiextensionsv1.AddToScheme} {
		g.Expect(add(scheme)).To(Succeed())
	}
	c, err := client.New(cfg, client.Options{Scheme: scheme})
	g.Expect(err).NotTo(HaveOccurred())
	ctx := t.Context()

	for range 2 {
		g.Expect(Install(ctx, c, Options{Timeout: time.Minute})).To(Succeed())
	}
	crd := &apiextensionsv1.CustomResourceDefinition{}
	g.Expect(c.Get(ctx, client.ObjectKey{Name: "workloads.apps.wheelhouse.dev"}, crd)).To(Succeed())
	g.Expect(crd.ManagedFields).To(ContainElement(HaveField("Manager", FieldManager)))

	w := &appsv1alpha1.Workload{
		ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: metav1.NamespaceDefault},
		Spec: appsv1alpha1.WorkloadSpec{Type: appsv1alpha1.WorkloadTypeDeployment, Template: corev1.PodTemplateSpec{
			Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: "nginx"}}}}},
	}
	g.Expect(c.Create(ctx, w)).To(Succeed())
	g.Expect(w.Finalizers).To(BeEmpty())

	policies := &unstructured.UnstructuredList{}
	policies.SetGroupVersionKind(schema.GroupVersionKind{Group: "admissionregistration.k8s.io", Version: "v1", Kind: "MutatingAdmissionPolicyList"})
	g.Expect(c.List(ctx, policies)).To(Succeed())
	g.Expect(policies.Items).To(BeEmpty())
}
