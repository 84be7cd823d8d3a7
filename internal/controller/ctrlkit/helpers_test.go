package ctrlkit

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
	"sigs.k8s.io/controller-runtime/pkg/client/interceptor"

	appsv1alpha1 "github.com/wheelhouse-dev/wheelhouse/api/apps/v1alpha1"
)

// newWorkload is a Workload, the kit's test object: a custom resource
// with a status subresource and conditions.
func newWorkload(mutate ...func(*appsv1alpha1.Workload)) *appsv1alpha1.Workload {
	w := &appsv1alpha1.Workload{
		ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "team-a", Generation: 3},
		Spec: appsv1alpha1.WorkloadSpec{
			Type: appsv1alpha1.WorkloadTypeDeployment,
			Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{
				Containers: []corev1.Container{{Name: "app", Image: "nginx"}},
			}},
		},
	}
	for _, m := range mutate {
		m(w)
	}
	return w
}

// newClient is a fake client holding objs, with funcs (nil: none).
func newClient(t *testing.T, funcs *interceptor.Funcs, objs ...client.Object) client.WithWatch {
	t.Helper()
	s, err := NewScheme()
	if err != nil {
		t.Fatal(err)
	}
	b := fake.NewClientBuilder().WithScheme(s).WithStatusSubresource(&appsv1alpha1.Workload{}).WithObjects(objs...)
	if funcs != nil {
		b = b.WithInterceptorFuncs(*funcs)
	}
	return b.Build()
}

// get reads the stored Workload.
func get(t *testing.T, c client.Client) *appsv1alpha1.Workload {
	t.Helper()
	w := &appsv1alpha1.Workload{}
	if err := c.Get(t.Context(), client.ObjectKey{Namespace: "team-a", Name: "web"}, w); err != nil {
		t.Fatal(err)
	}
	return w
}
