package workload

import (
	"context"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/interceptor"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"

	appsv1alpha1 "github.com/wheelhouse-dev/wheelhouse/api/apps/v1alpha1"
)

func TestReconcileDelete(t *testing.T) {
	now := metav1.NewTime(time.Now())
	w := newWorkload(appsv1alpha1.WorkloadTypeDeployment, withService, func(w *appsv1alpha1.Workload) {
		w.DeletionTimestamp = &now
	})
	objMeta := func(uid types.UID) metav1.ObjectMeta {
		return metav1.ObjectMeta{Name: "web", Namespace: testNamespace, UID: uid}
	}
	tests := []struct {
		name          string
		objs          []client.Object
		funcs         *interceptor.Funcs
		wantErr       string
		wantRequeue   bool
		wantFinalizer bool
		wantEvents    []string
		wantDeletes   int
	}{{
		name:          "deletes every owned child and the service, then waits",
		objs:          []client.Object{ownedBy(w, &appsv1.Deployment{ObjectMeta: objMeta("d")}), ownedBy(w, &batchv1.CronJob{ObjectMeta: objMeta("c")}), ownedBy(w, &corev1.Service{ObjectMeta: objMeta("s")})},
		wantRequeue:   true,
		wantFinalizer: true,
		wantDeletes:   3,
	}, {
		name:       "nothing left: removes the finalizer",
		objs:       []client.Object{&appsv1.Deployment{ObjectMeta: objMeta("foreign")}},
		wantEvents: []string{appsv1alpha1.EventDeleteSucceeded},
	}, {
		name: "child still terminating: waits without deleting again",
		objs: []client.Object{ownedBy(w, &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{
			Name: "web", Namespace: testNamespace, DeletionTimestamp: &now, Finalizers: []string{"foregroundDeletion"},
		}})},
		wantRequeue:   true,
		wantFinalizer: true,
	}, {
		name: "delete error",
		objs: []client.Object{ownedBy(w, &appsv1.Deployment{ObjectMeta: objMeta("d")})},
		funcs: &interceptor.Funcs{Delete: func(context.Context, client.WithWatch, client.Object, ...client.DeleteOption) error {
			return errAPIDown
		}},
		wantErr:       "connection refused",
		wantFinalizer: true,
		wantEvents:    []string{appsv1alpha1.EventDeleteFailed},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := NewWithT(t)
			deletes := 0
			funcs := tt.funcs
			if funcs == nil {
				funcs = &interceptor.Funcs{Delete: func(ctx context.Context, c client.WithWatch, obj client.Object, opts ...client.DeleteOption) error {
					deletes++
					do := &client.DeleteOptions{}
					do.ApplyOptions(opts)
					g.Expect(*do.PropagationPolicy).To(Equal(metav1.DeletePropagationForeground))
					return c.Delete(ctx, obj, opts...)
				}}
			}
			env := newTestEnv(t, funcs, tt.objs...)
			s := &scope{workload: w.DeepCopy()}
			res, err := env.r.reconcileDelete(t.Context(), s)
			if tt.wantErr != "" {
				g.Expect(err).To(MatchError(ContainSubstring(tt.wantErr)))
			} else {
				g.Expect(err).NotTo(HaveOccurred())
			}
			g.Expect(res.RequeueAfter > 0).To(Equal(tt.wantRequeue))
			g.Expect(controllerutil.ContainsFinalizer(s.workload, appsv1alpha1.Finalizer)).To(Equal(tt.wantFinalizer))
			g.Expect(env.eventReasons()).To(Equal(tt.wantEvents))
			g.Expect(deletes).To(Equal(tt.wantDeletes))
			ready := meta.FindStatusCondition(s.workload.Status.Conditions, appsv1alpha1.ConditionReady)
			g.Expect(ready.Reason).To(Equal(appsv1alpha1.ReasonDeleting))
		})
	}
}
