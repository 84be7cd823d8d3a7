package workload

import (
	"testing"
	"time"

	. "github.com/onsi/gomega"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/event"

	appsv1alpha1 "github.com/wheelhouse-dev/wheelhouse/api/apps/v1alpha1"
)

func TestSpecOrLifecycleChanged(t *testing.T) {
	now := metav1.NewTime(time.Now())
	tests := []struct {
		name   string
		mutate func(*appsv1alpha1.Workload)
		want   bool
	}{
		{"status only (the controller's own patch)", func(w *appsv1alpha1.Workload) {
			w.Status.Phase = appsv1alpha1.PhaseRunning
			w.ResourceVersion = "2"
		}, false},
		{"spec changed", func(w *appsv1alpha1.Workload) { w.Generation = 2 }, true},
		{"deletion requested", func(w *appsv1alpha1.Workload) { w.DeletionTimestamp = &now }, true},
		{"legacy finalizer added (by an older controller)", func(w *appsv1alpha1.Workload) {
			w.Finalizers = []string{appsv1alpha1.LegacyFinalizer}
		}, true},
	}
	p := specOrLifecycleChanged()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			old := newWorkload(appsv1alpha1.WorkloadTypeDeployment)
			updated := old.DeepCopy()
			tt.mutate(updated)
			NewWithT(t).Expect(p.Update(event.UpdateEvent{ObjectOld: old, ObjectNew: updated})).To(Equal(tt.want))
		})
	}
	g := NewWithT(t)
	g.Expect(p.Create(event.CreateEvent{Object: newWorkload(appsv1alpha1.WorkloadTypeJob)})).To(BeTrue())
	g.Expect(p.Delete(event.DeleteEvent{Object: newWorkload(appsv1alpha1.WorkloadTypeJob)})).To(BeTrue())
}
