package workload

import (
	"context"
	"testing"

	. "github.com/onsi/gomega"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/interceptor"

	appsv1alpha1 "github.com/wheelhouse-dev/wheelhouse/api/apps/v1alpha1"
)

// TestApplySkippedWhenUnchanged: a second pass with the same spec over an
// unchanged child and Service writes nothing; a new spec, a re-created
// child, or an edited Service (new resourceVersion) are applied again.
func TestApplySkippedWhenUnchanged(t *testing.T) {
	g := NewWithT(t)
	applies := 0
	// applies counts the writes of children and Services: applies, and
	// the creates of new ones.
	env := newTestEnv(t, &interceptor.Funcs{Apply: func(ctx context.Context, c client.WithWatch, obj runtime.ApplyConfiguration, opts ...client.ApplyOption) error {
		applies++
		return c.Apply(ctx, obj, opts...)
	}, Create: func(ctx context.Context, c client.WithWatch, obj client.Object, opts ...client.CreateOption) error {
		applies++
		return c.Create(ctx, obj, opts...)
	}})
	w := newWorkload(appsv1alpha1.WorkloadTypeDeployment, withService)
	pass := func(w *appsv1alpha1.Workload) {
		t.Helper()
		s := &scope{workload: w.DeepCopy()}
		_, err := env.r.reconcileChild(t.Context(), s)
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(s.child).NotTo(BeNil())
		_, err = env.r.reconcileService(t.Context(), s)
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(s.service).NotTo(BeNil())
	}

	pass(w)
	g.Expect(applies).To(Equal(2))
	pass(w)
	g.Expect(applies).To(Equal(2), "nothing changed: no write")

	w.Spec.Replicas = ptr.To[int32](5)
	pass(w)
	g.Expect(applies).To(Equal(3), "replicas changed: the Deployment is applied, the Service is not")

	svc := &corev1.Service{}
	g.Expect(env.client.Get(t.Context(), key(), svc)).To(Succeed())
	svc.Spec.Type = corev1.ServiceTypeNodePort
	g.Expect(env.client.Update(t.Context(), svc)).To(Succeed())
	pass(w)
	g.Expect(applies).To(Equal(4), "the Service was edited: it is applied again")

	g.Expect(env.client.Delete(t.Context(), &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: testNamespace}})).To(Succeed())
	pass(w)
	g.Expect(applies).To(Equal(5), "the Deployment was deleted: it is created again")

	env.r.caches.forget(key())
	pass(w)
	g.Expect(applies).To(Equal(7), "forgotten: applied again")

	// Metadata edits bump no generation; they are compared with the live
	// object.
	d := &appsv1.Deployment{}
	g.Expect(env.client.Get(t.Context(), key(), d)).To(Succeed())
	d.Labels["team"] = "someone-else"
	g.Expect(env.client.Update(t.Context(), d)).To(Succeed())
	pass(w)
	g.Expect(applies).To(Equal(7), "a label the controller does not declare: no write")

	g.Expect(env.client.Get(t.Context(), key(), d)).To(Succeed())
	delete(d.Labels, appsv1alpha1.LabelManagedBy)
	g.Expect(env.client.Update(t.Context(), d)).To(Succeed())
	pass(w)
	g.Expect(applies).To(Equal(8), "a declared label removed: applied again")

}

func TestMetadataKept(t *testing.T) {
	w := newWorkload(appsv1alpha1.WorkloadTypeJob)
	desired, err := desiredChild(w)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		edit func(client.Object)
		want bool
	}{
		{"unchanged", func(client.Object) {}, true},
		{"foreign label added", func(o client.Object) { o.GetLabels()["x"] = "y" }, true},
		{"declared label changed", func(o client.Object) { o.GetLabels()[appsv1alpha1.LabelManagedBy] = "other" }, false},
		{"declared annotation removed", func(o client.Object) { o.SetAnnotations(nil) }, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			live := desired.DeepCopyObject().(client.Object)
			tc.edit(live)
			if got := metadataKept(live, desired); got != tc.want {
				t.Errorf("metadataKept = %v, want %v", got, tc.want)
			}
		})
	}
}
