package workload

import (
	"context"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/interceptor"

	appsv1alpha1 "github.com/wheelhouse-dev/wheelhouse/api/apps/v1alpha1"
)

// TestReconcileDelete: a Workload being deleted keeps its children for the
// garbage collector (the controller deletes nothing and writes no status),
// loses the legacy finalizer at once, and is forgotten by the caches.
func TestReconcileDelete(t *testing.T) {
	now := metav1.NewTime(time.Now())
	objMeta := func(uid types.UID) metav1.ObjectMeta {
		return metav1.ObjectMeta{Name: "web", Namespace: testNamespace, UID: uid}
	}
	tests := []struct {
		name          string
		finalizers    []string
		funcs         *interceptor.Funcs
		wantErr       string
		wantPatches   int
		wantFinalizer []string
	}{{
		name:          "foreground deletion: nothing to do",
		finalizers:    []string{metav1.FinalizerDeleteDependents},
		wantFinalizer: []string{metav1.FinalizerDeleteDependents},
	}, {
		name:          "legacy finalizer: removed at once",
		finalizers:    []string{metav1.FinalizerDeleteDependents, appsv1alpha1.LegacyFinalizer},
		wantPatches:   1,
		wantFinalizer: []string{metav1.FinalizerDeleteDependents},
	}, {
		name:       "removing the legacy finalizer fails",
		finalizers: []string{metav1.FinalizerDeleteDependents, appsv1alpha1.LegacyFinalizer},
		funcs: &interceptor.Funcs{Patch: func(context.Context, client.WithWatch, client.Object, client.Patch, ...client.PatchOption) error {
			return errAPIDown
		}},
		wantErr:       "connection refused",
		wantPatches:   1,
		wantFinalizer: []string{metav1.FinalizerDeleteDependents, appsv1alpha1.LegacyFinalizer},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := NewWithT(t)
			w := newWorkload(appsv1alpha1.WorkloadTypeDeployment, withService, func(w *appsv1alpha1.Workload) {
				w.DeletionTimestamp = &now
				w.Finalizers = tt.finalizers
			})
			patches, deletes := 0, 0
			funcs := interceptor.Funcs{
				Patch: func(ctx context.Context, c client.WithWatch, obj client.Object, patch client.Patch, opts ...client.PatchOption) error {
					patches++
					if tt.funcs != nil {
						return tt.funcs.Patch(ctx, c, obj, patch, opts...)
					}
					return c.Patch(ctx, obj, patch, opts...)
				},
				SubResourcePatch: func(ctx context.Context, c client.Client, sub string, obj client.Object, patch client.Patch, opts ...client.SubResourcePatchOption) error {
					patches++
					return c.SubResource(sub).Patch(ctx, obj, patch, opts...)
				},
				Delete: func(ctx context.Context, c client.WithWatch, obj client.Object, opts ...client.DeleteOption) error {
					deletes++
					return c.Delete(ctx, obj, opts...)
				},
			}
			env := newTestEnv(t, &funcs, w,
				ownedBy(w, &appsv1.Deployment{ObjectMeta: objMeta("d")}), ownedBy(w, &corev1.Service{ObjectMeta: objMeta("s")}))
			// What an earlier pass left in the caches.
			mc := env.r.caches.(*memoryCaches)
			mc.applied.record(w, ownedBy(w, &appsv1.Deployment{ObjectMeta: objMeta("d")}), &appsv1.Deployment{})

			_, err := env.r.Reconcile(t.Context(), request())
			if tt.wantErr != "" {
				g.Expect(err).To(MatchError(ContainSubstring(tt.wantErr)))
			} else {
				g.Expect(err).NotTo(HaveOccurred())
			}
			g.Expect(patches).To(Equal(tt.wantPatches))
			g.Expect(deletes).To(BeZero(), "the garbage collector deletes the children")
			got := &appsv1alpha1.Workload{}
			g.Expect(env.client.Get(t.Context(), key(), got)).To(Succeed())
			g.Expect(got.Finalizers).To(Equal(tt.wantFinalizer))
			g.Expect(got.Status.Phase).To(BeEmpty(), "no status write while the Workload goes")
			g.Expect(env.client.Get(t.Context(), key(), &appsv1.Deployment{})).To(Succeed())
			g.Expect(env.eventReasons()).To(BeEmpty())
			g.Expect(mc.applied.m).To(BeEmpty())
		})
	}
}
