package workload

import (
	"context"
	"errors"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/interceptor"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	appsv1alpha1 "github.com/wheelhouse-dev/wheelhouse/api/apps/v1alpha1"
)

var errAPIDown = errors.New("connection refused")

// failApply makes every write of a child or Service fail with err: the
// server-side apply, and the create of a new one.
func failApply(err error) *interceptor.Funcs {
	return &interceptor.Funcs{
		Apply: func(context.Context, client.WithWatch, runtime.ApplyConfiguration, ...client.ApplyOption) error {
			return err
		},
		Create: func(ctx context.Context, c client.WithWatch, obj client.Object, opts ...client.CreateOption) error {
			if _, ok := obj.(*appsv1alpha1.Workload); ok {
				return c.Create(ctx, obj, opts...)
			}
			return err
		},
	}
}

func invalidErr() error {
	return apierrors.NewInvalid(schema.GroupKind{Group: "apps", Kind: "Deployment"}, "web",
		field.ErrorList{field.Invalid(field.NewPath("spec", "template"), "x", "bad")})
}

func key() types.NamespacedName { return types.NamespacedName{Namespace: testNamespace, Name: "web"} }

func TestReconcileChild(t *testing.T) {
	w := newWorkload(appsv1alpha1.WorkloadTypeDeployment, func(w *appsv1alpha1.Workload) { w.Spec.Replicas = ptr.To[int32](3) })
	liveDeployment := func(mutate ...func(*appsv1.Deployment)) client.Object {
		d := &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: testNamespace, UID: "uid-deploy"}}
		ownedBy(w, d)
		for _, m := range mutate {
			m(d)
		}
		return d
	}
	now := metav1.NewTime(time.Now())

	tests := []struct {
		name        string
		w           *appsv1alpha1.Workload
		objs        []client.Object
		funcs       *interceptor.Funcs
		wantErr     string
		terminal    bool
		wantRequeue bool
		wantChild   bool
		wantEvents  []string
		check       func(g Gomega, c client.Client)
	}{{
		name:       "creates the child",
		w:          w,
		wantChild:  true,
		wantEvents: []string{appsv1alpha1.EventApplySucceeded},
		check: func(g Gomega, c client.Client) {
			d := &appsv1.Deployment{}
			g.Expect(c.Get(context.Background(), key(), d)).To(Succeed())
			g.Expect(*d.Spec.Replicas).To(Equal(int32(3)))
			g.Expect(metav1.IsControlledBy(d, w)).To(BeTrue())
		},
	}, {
		name: "restores a drifted child",
		w:    w,
		objs: []client.Object{liveDeployment(func(d *appsv1.Deployment) {
			d.Spec.Replicas = ptr.To[int32](7)
			d.Spec.Template.Spec.Containers = []corev1.Container{{Name: "app", Image: "evil"}}
		})},
		wantChild: true,
		check: func(g Gomega, c client.Client) {
			d := &appsv1.Deployment{}
			g.Expect(c.Get(context.Background(), key(), d)).To(Succeed())
			g.Expect(*d.Spec.Replicas).To(Equal(int32(3)))
			g.Expect(d.Spec.Template.Spec.Containers[0].Image).To(Equal("nginx:1.27"))
		},
	}, {
		name:    "refuses an object it does not own",
		w:       w,
		objs:    []client.Object{&appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: testNamespace}}},
		wantErr: "exists and is not owned by the workload", terminal: true,
		wantEvents: []string{appsv1alpha1.EventApplyFailed},
	}, {
		name: "waits for a terminating child",
		w:    w,
		objs: []client.Object{liveDeployment(func(d *appsv1.Deployment) {
			d.DeletionTimestamp = &now
			d.Finalizers = []string{"foregroundDeletion"}
		})},
		wantRequeue: true,
	}, {
		name:       "transient apply error is retried",
		w:          w,
		funcs:      failApply(errAPIDown),
		wantErr:    "connection refused",
		wantEvents: []string{appsv1alpha1.EventApplyFailed},
	}, {
		name:       "invalid child is terminal, the live child is kept for the status",
		w:          w,
		objs:       []client.Object{liveDeployment()},
		funcs:      failApply(invalidErr()),
		wantErr:    "is invalid",
		terminal:   true,
		wantChild:  true,
		wantEvents: []string{appsv1alpha1.EventApplyFailed},
	}, {
		name: "get error",
		w:    w,
		funcs: &interceptor.Funcs{Get: func(context.Context, client.WithWatch, client.ObjectKey, client.Object, ...client.GetOption) error {
			return errAPIDown
		}},
		wantErr: "connection refused",
	}, {
		name: "a job whose template changed is replaced",
		w:    newWorkload(appsv1alpha1.WorkloadTypeJob),
		objs: []client.Object{ownedBy(newWorkload(appsv1alpha1.WorkloadTypeJob), &batchv1.Job{ObjectMeta: metav1.ObjectMeta{
			Name: "web", Namespace: testNamespace, UID: "uid-job",
			Annotations: map[string]string{appsv1alpha1.AnnotationTemplateHash: "old"},
		}})},
		wantRequeue: true,
		wantEvents:  []string{appsv1alpha1.EventCleanupSucceeded},
		check: func(g Gomega, c client.Client) {
			err := c.Get(context.Background(), key(), &batchv1.Job{})
			g.Expect(apierrors.IsNotFound(err)).To(BeTrue())
		},
	}, {
		name: "strategy change to Recreate clears rollingUpdate first",
		w: newWorkload(appsv1alpha1.WorkloadTypeDeployment, func(w *appsv1alpha1.Workload) {
			w.Spec.UpdateStrategy = &appsv1alpha1.UpdateStrategy{Type: appsv1alpha1.UpdateStrategyRecreate}
		}),
		objs: []client.Object{liveDeployment(func(d *appsv1.Deployment) {
			d.Spec.Strategy = appsv1.DeploymentStrategy{Type: appsv1.RollingUpdateDeploymentStrategyType, RollingUpdate: &appsv1.RollingUpdateDeployment{}}
		})},
		wantChild: true,
		check: func(g Gomega, c client.Client) {
			d := &appsv1.Deployment{}
			g.Expect(c.Get(context.Background(), key(), d)).To(Succeed())
			g.Expect(d.Spec.Strategy.Type).To(Equal(appsv1.RecreateDeploymentStrategyType))
			g.Expect(d.Spec.Strategy.RollingUpdate).To(BeNil())
		},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := NewWithT(t)
			env := newTestEnv(t, tt.funcs, tt.objs...)
			s := &scope{workload: tt.w.DeepCopy()}
			res, err := env.r.reconcileChild(t.Context(), s)
			env.r.reportCreated(s)
			if tt.wantErr != "" {
				g.Expect(err).To(MatchError(ContainSubstring(tt.wantErr)))
				g.Expect(errors.Is(err, reconcile.TerminalError(nil))).To(Equal(tt.terminal))
			} else {
				g.Expect(err).NotTo(HaveOccurred())
			}
			g.Expect(res.RequeueAfter > 0).To(Equal(tt.wantRequeue))
			g.Expect(s.child != nil).To(Equal(tt.wantChild))
			g.Expect(env.eventReasons()).To(Equal(tt.wantEvents))
			if tt.check != nil {
				tt.check(g, env.client)
			}
		})
	}
}

func TestReconcileOldChildren(t *testing.T) {
	w := newWorkload(appsv1alpha1.WorkloadTypeStatefulSet)
	oldDeployment := func() client.Object {
		return ownedBy(w, &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: testNamespace, UID: "uid-d"}})
	}
	tests := []struct {
		name       string
		objs       []client.Object
		funcs      *interceptor.Funcs
		wantErr    string
		wantEvents []string
		wantGone   bool
	}{{
		name:       "deletes the child of the previous type",
		objs:       []client.Object{oldDeployment(), ownedBy(w, &appsv1.StatefulSet{ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: testNamespace}})},
		wantEvents: []string{appsv1alpha1.EventCleanupSucceeded},
		wantGone:   true,
	}, {
		name: "leaves an object it does not own",
		objs: []client.Object{&appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: testNamespace}}},
	}, {
		name: "nothing to do",
	}, {
		name: "delete error",
		objs: []client.Object{oldDeployment()},
		funcs: &interceptor.Funcs{Delete: func(context.Context, client.WithWatch, client.Object, ...client.DeleteOption) error {
			return errAPIDown
		}},
		wantErr:    "connection refused",
		wantEvents: []string{appsv1alpha1.EventCleanupFailed},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := NewWithT(t)
			env := newTestEnv(t, tt.funcs, tt.objs...)
			_, err := env.r.reconcileOldChildren(t.Context(), &scope{workload: w.DeepCopy()})
			if tt.wantErr != "" {
				g.Expect(err).To(MatchError(ContainSubstring(tt.wantErr)))
			} else {
				g.Expect(err).NotTo(HaveOccurred())
			}
			g.Expect(env.eventReasons()).To(Equal(tt.wantEvents))
			if tt.wantGone {
				g.Expect(apierrors.IsNotFound(env.client.Get(t.Context(), key(), &appsv1.Deployment{}))).To(BeTrue())
				g.Expect(env.client.Get(t.Context(), key(), &appsv1.StatefulSet{})).To(Succeed())
			}
		})
	}
}
