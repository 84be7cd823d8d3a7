package workload

import (
	"context"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/interceptor"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	appsv1alpha1 "github.com/wheelhouse-dev/wheelhouse/api/apps/v1alpha1"
)

func request() reconcile.Request { return reconcile.Request{NamespacedName: key()} }

// TestReconcileLifecycle drives one Workload through the whole Reconcile
// function: children, status from the children, deletion; with the write
// caches and without them, to the same outcomes.
func TestReconcileLifecycle(t *testing.T) {
	for _, mode := range writeCachesModes {
		t.Run(mode.name, func(t *testing.T) {
			g := NewWithT(t)
			w := newWorkload(appsv1alpha1.WorkloadTypeDeployment, withService)
			env := newTestEnvWith(t, mode.disabled, nil, w)
			ctx := t.Context()

			// 1. The children, and a status that says they are coming up;
			// no finalizer: the garbage collector deletes the children.
			_, err := env.r.Reconcile(ctx, request())
			g.Expect(err).NotTo(HaveOccurred())
			got := &appsv1alpha1.Workload{}
			g.Expect(env.client.Get(ctx, key(), got)).To(Succeed())
			g.Expect(got.Finalizers).To(BeEmpty())
			d := &appsv1.Deployment{}
			g.Expect(env.client.Get(ctx, key(), d)).To(Succeed())
			g.Expect(env.client.Get(ctx, key(), &corev1.Service{})).To(Succeed())
			g.Expect(got.Status.Phase).To(Equal(appsv1alpha1.PhasePending))
			g.Expect(got.Status.ObservedGeneration).To(Equal(got.Generation))
			g.Expect(got.Status.ChildRef.Kind).To(Equal("Deployment"))
			g.Expect(got.Status.ServiceRef.Name).To(Equal("web"))
			g.Expect(meta.IsStatusConditionTrue(got.Status.Conditions, appsv1alpha1.ConditionProgressing)).To(BeTrue())
			g.Expect(meta.IsStatusConditionTrue(got.Status.Conditions, appsv1alpha1.ConditionReconciling)).To(BeTrue())
			g.Expect(meta.IsStatusConditionTrue(got.Status.Conditions, appsv1alpha1.ConditionServiceReady)).To(BeTrue())
			g.Expect(env.events()).To(ConsistOf("Normal " + appsv1alpha1.EventApplySucceeded + " Created Deployment web and Service web"))

			// 2. The Deployment controller reports its pods ready.
			// (The fake client leaves metadata.generation at 0; the API server starts at 1.)
			d.Status = appsv1.DeploymentStatus{ObservedGeneration: 1, Replicas: 1, ReadyReplicas: 1, UpdatedReplicas: 1, AvailableReplicas: 1}
			g.Expect(env.client.Status().Update(ctx, d)).To(Succeed())
			_, err = env.r.Reconcile(ctx, request())
			g.Expect(err).NotTo(HaveOccurred())
			g.Expect(env.client.Get(ctx, key(), got)).To(Succeed())
			g.Expect(got.Status.Phase).To(Equal(appsv1alpha1.PhaseRunning))
			g.Expect(meta.IsStatusConditionTrue(got.Status.Conditions, appsv1alpha1.ConditionReady)).To(BeTrue())
			g.Expect(meta.FindStatusCondition(got.Status.Conditions, appsv1alpha1.ConditionReconciling)).To(BeNil(), "settled")
			g.Expect(meta.FindStatusCondition(got.Status.Conditions, appsv1alpha1.ConditionStalled)).To(BeNil())
			g.Expect(got.Status.ReadyReplicas).To(Equal(int32(1)))
			g.Expect(env.eventReasons()).To(BeEmpty(), "a pass that changes nothing records no event")

			// 3. Deletion: nothing holds the Workload; the controller
			// deletes nothing (the garbage collector does, which the fake
			// client has not) and forgets it.
			deletes := 0
			env.r.client = interceptor.NewClient(env.client.(client.WithWatch), interceptor.Funcs{
				Delete: func(ctx context.Context, c client.WithWatch, obj client.Object, opts ...client.DeleteOption) error {
					deletes++
					return c.Delete(ctx, obj, opts...)
				},
			})
			g.Expect(env.client.Delete(ctx, got)).To(Succeed())
			g.Expect(apierrors.IsNotFound(env.client.Get(ctx, key(), &appsv1alpha1.Workload{}))).To(BeTrue())
			res, err := env.r.Reconcile(ctx, request())
			g.Expect(err).NotTo(HaveOccurred())
			g.Expect(res.IsZero()).To(BeTrue())
			g.Expect(deletes).To(BeZero())
			g.Expect(env.eventReasons()).To(BeEmpty())
			if mc, ok := env.r.caches.(*memoryCaches); ok {
				g.Expect(mc.applied.m).To(BeEmpty(), "the applied-state cache forgets a Workload that is gone")
				g.Expect(mc.written.m).To(BeEmpty())
			}

			g.Expect(testutil.CollectAndCount(env.r.metrics.ReconcileDuration)).To(BeNumerically(">", 0))
		})
	}
}

// TestLegacyFinalizerRemoved: Workloads that an older controller gave its
// finalizer lose it, on a normal pass before anything is written, and at
// once when they are being deleted (their deletion would hang otherwise);
// other finalizers stay.
func TestLegacyFinalizerRemoved(t *testing.T) {
	now := metav1.NewTime(time.Now())
	deleting := func(w *appsv1alpha1.Workload) { w.DeletionTimestamp = &now }
	tests := []struct {
		name          string
		w             *appsv1alpha1.Workload
		wantGone      bool
		wantChild     bool
		wantFinalizer []string
	}{{
		name:      "live workload",
		w:         newWorkload(appsv1alpha1.WorkloadTypeDeployment, func(w *appsv1alpha1.Workload) { w.Finalizers = []string{appsv1alpha1.LegacyFinalizer} }),
		wantChild: true,
	}, {
		name: "live workload with a finalizer of someone else",
		w: newWorkload(appsv1alpha1.WorkloadTypeDeployment, func(w *appsv1alpha1.Workload) {
			w.Finalizers = []string{"example.com/keep", appsv1alpha1.LegacyFinalizer}
		}),
		wantChild:     true,
		wantFinalizer: []string{"example.com/keep"},
	}, {
		name: "being deleted: gone",
		w: newWorkload(appsv1alpha1.WorkloadTypeDeployment, deleting, func(w *appsv1alpha1.Workload) {
			w.Finalizers = []string{appsv1alpha1.LegacyFinalizer}
		}),
		wantGone: true,
	}, {
		name: "being deleted in the foreground: left to the garbage collector",
		w: newWorkload(appsv1alpha1.WorkloadTypeDeployment, deleting, func(w *appsv1alpha1.Workload) {
			w.Finalizers = []string{metav1.FinalizerDeleteDependents, appsv1alpha1.LegacyFinalizer}
		}),
		wantFinalizer: []string{metav1.FinalizerDeleteDependents},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := NewWithT(t)
			env := newTestEnv(t, nil, tt.w)
			_, err := env.r.Reconcile(t.Context(), request())
			g.Expect(err).NotTo(HaveOccurred())
			got := &appsv1alpha1.Workload{}
			err = env.client.Get(t.Context(), key(), got)
			if tt.wantGone {
				g.Expect(apierrors.IsNotFound(err)).To(BeTrue(), "got %v", err)
			} else {
				g.Expect(err).NotTo(HaveOccurred())
				if tt.wantFinalizer == nil {
					g.Expect(got.Finalizers).To(BeEmpty())
				} else {
					g.Expect(got.Finalizers).To(Equal(tt.wantFinalizer))
				}
			}
			err = env.client.Get(t.Context(), key(), &appsv1.Deployment{})
			g.Expect(err == nil).To(Equal(tt.wantChild), "a child is created only for a live Workload: %v", err)
			if !tt.wantGone && !tt.wantChild {
				g.Expect(got.Status.Phase).To(BeEmpty(), "no status write while the Workload goes")
			}
		})
	}
}

func TestReconcileErrors(t *testing.T) {
	tests := []struct {
		name    string
		funcs   *interceptor.Funcs
		w       *appsv1alpha1.Workload
		wantErr string
		check   func(g Gomega, got *appsv1alpha1.Workload)
	}{{
		name: "get fails",
		w:    newWorkload(appsv1alpha1.WorkloadTypeDeployment),
		funcs: &interceptor.Funcs{Get: func(ctx context.Context, c client.WithWatch, k client.ObjectKey, obj client.Object, opts ...client.GetOption) error {
			if _, ok := obj.(*appsv1alpha1.Workload); ok {
				return errAPIDown
			}
			return c.Get(ctx, k, obj, opts...)
		}},
		wantErr: "get workload team-a/web: connection refused",
	}, {
		name: "removing the legacy finalizer fails",
		w: newWorkload(appsv1alpha1.WorkloadTypeDeployment, func(w *appsv1alpha1.Workload) {
			w.Finalizers = []string{appsv1alpha1.LegacyFinalizer}
		}),
		funcs: &interceptor.Funcs{Patch: func(context.Context, client.WithWatch, client.Object, client.Patch, ...client.PatchOption) error {
			return errAPIDown
		}},
		wantErr: "remove finalizer apps.wheelhouse.dev/finalizer from workload team-a/web: connection refused",
	}, {
		name: "status patch fails",
		w:    newWorkload(appsv1alpha1.WorkloadTypeDeployment),
		funcs: &interceptor.Funcs{SubResourcePatch: func(context.Context, client.Client, string, client.Object, client.Patch, ...client.SubResourcePatchOption) error {
			return errAPIDown
		}},
		wantErr: "patch status of workload team-a/web",
	}, {
		name:    "apply fails: the error lands in the status, observedGeneration stays",
		w:       newWorkload(appsv1alpha1.WorkloadTypeDeployment),
		funcs:   failApply(errAPIDown),
		wantErr: "apply Deployment team-a/web: connection refused",
		check: func(g Gomega, got *appsv1alpha1.Workload) {
			g.Expect(got.Status.LastError).To(ContainSubstring("connection refused"))
			g.Expect(got.Status.ObservedGeneration).To(BeZero())
			g.Expect(meta.FindStatusCondition(got.Status.Conditions, appsv1alpha1.ConditionReady).Reason).To(Equal(appsv1alpha1.ReasonApplyFailed))
			g.Expect(meta.IsStatusConditionTrue(got.Status.Conditions, appsv1alpha1.ConditionReconciling)).To(BeTrue(), "retried")
			g.Expect(meta.FindStatusCondition(got.Status.Conditions, appsv1alpha1.ConditionStalled)).To(BeNil())
		},
	}, {
		name:    "invalid child: terminal, Stalled",
		w:       newWorkload(appsv1alpha1.WorkloadTypeDeployment),
		funcs:   failApply(invalidErr()),
		wantErr: "terminal error",
		check: func(g Gomega, got *appsv1alpha1.Workload) {
			g.Expect(got.Status.Phase).To(Equal(appsv1alpha1.PhaseFailed))
			g.Expect(meta.IsStatusConditionTrue(got.Status.Conditions, appsv1alpha1.ConditionStalled)).To(BeTrue())
			g.Expect(meta.FindStatusCondition(got.Status.Conditions, appsv1alpha1.ConditionReconciling)).To(BeNil())
		},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := NewWithT(t)
			env := newTestEnv(t, tt.funcs, tt.w)
			_, err := env.r.Reconcile(t.Context(), request())
			g.Expect(err).To(MatchError(ContainSubstring(tt.wantErr)))
			if tt.check != nil {
				got := &appsv1alpha1.Workload{}
				g.Expect(env.client.Get(t.Context(), key(), got)).To(Succeed())
				tt.check(g, got)
			}
		})
	}
}

func TestNewMetricsSharesCollectors(t *testing.T) {
	g := NewWithT(t)
	reg := prometheus.NewRegistry()
	a, err := NewMetrics(reg)
	g.Expect(err).NotTo(HaveOccurred())
	b, err := NewMetrics(reg)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(b.ReconcileDuration).To(BeIdenticalTo(a.ReconcileDuration))
}

func TestNewRequiresClient(t *testing.T) {
	_, err := New(Config{})
	NewWithT(t).Expect(err).To(HaveOccurred())
}

// TestStatusConflictReadsAgain: when the status patch meets a conflict
// (the cache had not seen the previous status write), the pass reads the
// Workload from the API server and patches its status again instead of
// failing; a conflict with a newer spec fails the pass for the next one.
func TestStatusConflictReadsAgain(t *testing.T) {
	for _, tc := range []struct {
		name        string
		bumpSpec    bool
		wantErr     bool
		wantPhase   appsv1alpha1.WorkloadPhase
		wantPatches int
	}{
		{name: "same spec: patched again", wantPhase: appsv1alpha1.PhasePending, wantPatches: 2},
		{name: "newer spec: left to the next pass", bumpSpec: true, wantErr: true, wantPatches: 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := NewWithT(t)
			w := newWorkload(appsv1alpha1.WorkloadTypeDeployment, withService)
			patches := 0
			env := newTestEnv(t, &interceptor.Funcs{
				SubResourcePatch: func(ctx context.Context, c client.Client, sub string, obj client.Object, patch client.Patch, opts ...client.SubResourcePatchOption) error {
					patches++
					if patches == 1 {
						if tc.bumpSpec {
							fresh := &appsv1alpha1.Workload{}
							g.Expect(c.Get(ctx, key(), fresh)).To(Succeed())
							fresh.Generation++
							g.Expect(c.Update(ctx, fresh)).To(Succeed())
						}
						return apierrors.NewConflict(appsv1alpha1.GroupVersion.WithResource("workloads").GroupResource(), obj.GetName(), nil)
					}
					return c.Status().Patch(ctx, obj, patch, opts...)
				},
			}, w)
			_, err := env.r.Reconcile(t.Context(), request())
			if tc.wantErr {
				g.Expect(apierrors.IsConflict(err)).To(BeTrue(), "got %v", err)
			} else {
				g.Expect(err).NotTo(HaveOccurred())
			}
			g.Expect(patches).To(Equal(tc.wantPatches))
			got := &appsv1alpha1.Workload{}
			g.Expect(env.client.Get(t.Context(), key(), got)).To(Succeed())
			g.Expect(got.Status.Phase).To(Equal(tc.wantPhase))
		})
	}
}
