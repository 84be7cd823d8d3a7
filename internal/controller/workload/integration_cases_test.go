//go:build !unit

package workload

import (
	"testing"
	"time"

	. "github.com/onsi/gomega"
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv1 "k8s.io/api/autoscaling/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	appsv1alpha1 "github.com/wheelhouse-dev/wheelhouse/api/apps/v1alpha1"
)

// TestWorkloadIntegration runs the real reconciler against a sandbox
// cluster (real kube-apiserver, controller-manager and scheduler; kwok
// nodes make pods Running and Job pods complete). The subtests share the
// cluster, each in its own namespace.
func TestWorkloadIntegration(t *testing.T) {
	env := startIntegrationEnv(t, 3)
	t.Run("validation", func(t *testing.T) { t.Parallel(); testValidation(t, env) })
	t.Run("deployment lifecycle", func(t *testing.T) { t.Parallel(); testDeploymentLifecycle(t, env) })
	t.Run("type change", func(t *testing.T) { t.Parallel(); testTypeChange(t, env) })
	t.Run("job", func(t *testing.T) { t.Parallel(); testJob(t, env) })
	t.Run("cronjob", func(t *testing.T) { t.Parallel(); testCronJob(t, env) })
	t.Run("deletion", func(t *testing.T) { t.Parallel(); testDeletion(t, env) })
	t.Run("legacy finalizer", func(t *testing.T) { t.Parallel(); testLegacyFinalizer(t, env) })
}

// testDeploymentLifecycle: create → Running, scale (spec and scale
// subresource), drift repair of the Deployment and the Service, suspend,
// delete (background propagation).
func testDeploymentLifecycle(t *testing.T, env *integrationEnv) {
	g := NewWithT(t)
	ctx := t.Context()
	ns := env.namespace(t, "lifecycle")
	w := workloadIn(ns, "web", appsv1alpha1.WorkloadTypeDeployment, withService, func(w *appsv1alpha1.Workload) {
		w.Spec.Replicas = ptr.To[int32](2)
	})
	g.Expect(env.c.Create(ctx, w)).To(Succeed())
	key := types.NamespacedName{Namespace: ns, Name: "web"}

	// Create → Running, with both children owned and written by SSA.
	got := env.eventuallyPhase(t, ns, "web", appsv1alpha1.PhaseRunning)
	g.Expect(got.Status.ReadyReplicas).To(Equal(int32(2)))
	g.Expect(conditionTrue(got, appsv1alpha1.ConditionReady)).To(BeTrue(), describe(got))
	g.Expect(conditionTrue(got, appsv1alpha1.ConditionServiceReady)).To(BeTrue(), describe(got))
	g.Expect(got.Finalizers).To(BeEmpty(), "the garbage collector deletes the children: no finalizer")
	g.Expect(got.Status.Conditions).NotTo(ContainElement(HaveField("Type", appsv1alpha1.ConditionReconciling)), describe(got))
	d := &appsv1.Deployment{}
	g.Expect(env.c.Get(ctx, key, d)).To(Succeed())
	g.Expect(metav1.IsControlledBy(d, got)).To(BeTrue())
	// Created with a plain create (cheaper than an apply that creates):
	// the fields belong to "wheelhouse" with operation Update until the
	// first apply, which moves them to the Apply manager (below).
	g.Expect(d.ManagedFields).To(ContainElement(HaveField("Manager", FieldManager)))
	svc := &corev1.Service{}
	g.Expect(env.c.Get(ctx, key, svc)).To(Succeed())
	g.Expect(metav1.IsControlledBy(svc, got)).To(BeTrue())
	g.Expect(svc.Spec.ClusterIP).NotTo(BeElementOf("", corev1.ClusterIPNone))
	g.Expect(got.Status.ChildRef).To(Equal(&appsv1alpha1.ChildReference{APIVersion: "apps/v1", Kind: "Deployment", Name: "web", UID: d.UID}))
	g.Expect(got.Status.ServiceRef.UID).To(Equal(svc.UID))
	g.Eventually(func(g Gomega) {
		evs := &eventsv1.EventList{}
		g.Expect(env.c.List(ctx, evs, client.InNamespace(ns))).To(Succeed())
		var notes []string
		for _, e := range evs.Items {
			if e.Regarding.Kind == "Workload" && e.Regarding.Name == "web" {
				notes = append(notes, e.Reason+": "+e.Note)
			}
		}
		g.Expect(notes).To(ContainElement(appsv1alpha1.EventApplySucceeded + ": Created Deployment web and Service web"))
	}).WithTimeout(eventuallyTimeout).WithPolling(pollEvery).Should(Succeed())

	// Scale through the spec.
	env.update(t, ns, "web", func(w *appsv1alpha1.Workload) { w.Spec.Replicas = ptr.To[int32](4) })
	got = env.eventuallyPhase(t, ns, "web", appsv1alpha1.PhaseRunning)
	g.Expect(got.Status.ReadyReplicas).To(Equal(int32(4)))
	g.Expect(env.c.Get(ctx, key, d)).To(Succeed())
	g.Expect(d.ManagedFields).To(ContainElement(And(
		HaveField("Manager", FieldManager), HaveField("Operation", metav1.ManagedFieldsOperationApply))))
	g.Expect(d.ManagedFields).NotTo(ContainElement(And(
		HaveField("Manager", FieldManager), HaveField("Operation", metav1.ManagedFieldsOperationUpdate))),
		"the create's ownership moved to the Apply manager")

	// Scale through the scale subresource (what kubectl scale and HPAs use).
	scale := &autoscalingv1.Scale{Spec: autoscalingv1.ScaleSpec{Replicas: 1}}
	g.Expect(env.c.SubResource("scale").Update(ctx, got, client.WithSubResourceBody(scale))).To(Succeed())
	g.Eventually(func(g Gomega) {
		w := env.get(g, ns, "web")
		g.Expect(w.Status.Phase).To(Equal(appsv1alpha1.PhaseRunning))
		g.Expect(w.Status.ReadyReplicas).To(Equal(int32(1)), describe(w))
		g.Expect(w.Status.Selector).NotTo(BeEmpty())
	}).WithTimeout(eventuallyTimeout).WithPolling(pollEvery).Should(Succeed())

	// Drift: someone edits the Deployment; the declared fields come back.
	g.Eventually(func() error {
		d := &appsv1.Deployment{}
		if err := env.c.Get(ctx, key, d); err != nil {
			return err
		}
		d.Spec.Replicas = ptr.To[int32](5)
		d.Spec.Template.Spec.Containers[0].Image = "evil:latest"
		return env.c.Update(ctx, d)
	}).WithTimeout(eventuallyTimeout).Should(Succeed())
	g.Eventually(func(g Gomega) {
		d := &appsv1.Deployment{}
		g.Expect(env.c.Get(ctx, key, d)).To(Succeed())
		g.Expect(*d.Spec.Replicas).To(Equal(int32(1)))
		g.Expect(d.Spec.Template.Spec.Containers[0].Image).To(Equal("nginx:1.27"))
	}).WithTimeout(eventuallyTimeout).WithPolling(pollEvery).Should(Succeed())

	// Drift of metadata only (no new generation): someone changes a label
	// the controller declares; it comes back.
	g.Eventually(func() error {
		d := &appsv1.Deployment{}
		if err := env.c.Get(ctx, key, d); err != nil {
			return err
		}
		d.Labels[appsv1alpha1.LabelManagedBy] = "someone-else"
		return env.c.Update(ctx, d)
	}).WithTimeout(eventuallyTimeout).Should(Succeed())
	g.Eventually(func(g Gomega) {
		d := &appsv1.Deployment{}
		g.Expect(env.c.Get(ctx, key, d)).To(Succeed())
		g.Expect(d.Labels).To(HaveKeyWithValue(appsv1alpha1.LabelManagedBy, FieldManager))
	}).WithTimeout(eventuallyTimeout).WithPolling(pollEvery).Should(Succeed())

	// Drift: someone deletes the Deployment and the Service; both come back.
	oldDeployment, oldService := d.UID, svc.UID
	g.Expect(env.c.Delete(ctx, &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "web"}})).To(Succeed())
	g.Expect(env.c.Delete(ctx, &corev1.Service{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "web"}})).To(Succeed())
	g.Eventually(func(g Gomega) {
		d, svc := &appsv1.Deployment{}, &corev1.Service{}
		g.Expect(env.c.Get(ctx, key, d)).To(Succeed())
		g.Expect(d.UID).NotTo(Equal(oldDeployment))
		g.Expect(env.c.Get(ctx, key, svc)).To(Succeed())
		g.Expect(svc.UID).NotTo(Equal(oldService))
	}).WithTimeout(eventuallyTimeout).WithPolling(pollEvery).Should(Succeed())
	env.eventuallyPhase(t, ns, "web", appsv1alpha1.PhaseRunning)

	// Drift: someone changes the Service's type; it goes back.
	g.Eventually(func() error {
		svc := &corev1.Service{}
		if err := env.c.Get(ctx, key, svc); err != nil {
			return err
		}
		svc.Spec.Type = corev1.ServiceTypeNodePort
		return env.c.Update(ctx, svc)
	}).WithTimeout(eventuallyTimeout).Should(Succeed())
	g.Eventually(func(g Gomega) {
		svc := &corev1.Service{}
		g.Expect(env.c.Get(ctx, key, svc)).To(Succeed())
		g.Expect(svc.Spec.Type).To(Equal(corev1.ServiceTypeClusterIP))
	}).WithTimeout(eventuallyTimeout).WithPolling(pollEvery).Should(Succeed())

	// Suspend and resume.
	env.update(t, ns, "web", func(w *appsv1alpha1.Workload) { w.Spec.Suspend = true })
	env.eventuallyPhase(t, ns, "web", appsv1alpha1.PhaseSuspended)
	env.update(t, ns, "web", func(w *appsv1alpha1.Workload) { w.Spec.Suspend = false })
	env.eventuallyPhase(t, ns, "web", appsv1alpha1.PhaseRunning)

	// Delete with background propagation (the default of custom
	// resources): the Workload goes at once, then the garbage collector
	// deletes its children and their pods.
	g.Expect(env.c.Delete(ctx, got)).To(Succeed())
	env.eventuallyGone(t, &appsv1alpha1.Workload{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "web"}})
	env.eventuallyGone(t, &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "web"}})
	env.eventuallyGone(t, &corev1.Service{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "web"}})
	env.eventuallyNoPods(t, ns, "web")
}

// testDeletion deletes Running Workloads with the other propagation
// policies: foreground, where the garbage collector deletes the children
// and their pods before the Workload, and orphan, where the children stay
// without their owner.
func testDeletion(t *testing.T, env *integrationEnv) {
	ctx := t.Context()
	ns := env.namespace(t, "deletion")
	for _, tc := range []struct {
		name   string
		policy metav1.DeletionPropagation
	}{
		{"foreground", metav1.DeletePropagationForeground},
		{"orphan", metav1.DeletePropagationOrphan},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := NewWithT(t)
			key := types.NamespacedName{Namespace: ns, Name: tc.name}
			g.Expect(env.c.Create(ctx, workloadIn(ns, tc.name, appsv1alpha1.WorkloadTypeDeployment, withService, func(w *appsv1alpha1.Workload) {
				w.Spec.Replicas = ptr.To[int32](2)
			}))).To(Succeed())
			got := env.eventuallyPhase(t, ns, tc.name, appsv1alpha1.PhaseRunning)

			g.Expect(env.c.Delete(ctx, got, client.PropagationPolicy(tc.policy))).To(Succeed())
			env.eventuallyGone(t, &appsv1alpha1.Workload{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: tc.name}})
			pods := &corev1.PodList{}
			g.Expect(env.c.List(ctx, pods, client.InNamespace(ns), client.MatchingLabels{appsv1alpha1.LabelWorkload: tc.name})).To(Succeed())
			d, svc := &appsv1.Deployment{}, &corev1.Service{}
			switch tc.policy {
			case metav1.DeletePropagationForeground:
				// The Workload went last: its children and their pods are
				// gone already.
				g.Expect(apierrors.IsNotFound(env.c.Get(ctx, key, d))).To(BeTrue(), "the Deployment outlived its Workload")
				g.Expect(apierrors.IsNotFound(env.c.Get(ctx, key, svc))).To(BeTrue(), "the Service outlived its Workload")
				g.Expect(pods.Items).To(BeEmpty())
			case metav1.DeletePropagationOrphan:
				g.Eventually(func(g Gomega) {
					g.Expect(env.c.Get(ctx, key, d)).To(Succeed())
					g.Expect(d.OwnerReferences).To(BeEmpty())
					g.Expect(env.c.Get(ctx, key, svc)).To(Succeed())
					g.Expect(svc.OwnerReferences).To(BeEmpty())
				}).WithTimeout(eventuallyTimeout).WithPolling(pollEvery).Should(Succeed())
				g.Expect(pods.Items).To(HaveLen(2))
			}
		})
	}
}

// testLegacyFinalizer: Workloads that an older controller gave its
// finalizer lose it, so that they can be deleted: one that runs, and one
// that is deleted while it still has it (held by a finalizer of the test's
// own, which shows that the Workload's deletion no longer waits for the
// controller's).
func testLegacyFinalizer(t *testing.T, env *integrationEnv) {
	g := NewWithT(t)
	ctx := t.Context()
	ns := env.namespace(t, "legacy")
	const hold = "test.wheelhouse.dev/hold"

	old := workloadIn(ns, "old", appsv1alpha1.WorkloadTypeDeployment, withService, func(w *appsv1alpha1.Workload) {
		w.Finalizers = []string{appsv1alpha1.LegacyFinalizer}
	})
	g.Expect(env.c.Create(ctx, old)).To(Succeed())
	g.Expect(old.Finalizers).To(Equal([]string{appsv1alpha1.LegacyFinalizer}), "created as an older controller left it")
	got := env.eventuallyPhase(t, ns, "old", appsv1alpha1.PhaseRunning)
	g.Expect(got.Finalizers).To(BeEmpty())
	g.Expect(env.c.Delete(ctx, got)).To(Succeed())
	env.eventuallyGone(t, &appsv1alpha1.Workload{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "old"}})
	env.eventuallyGone(t, &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "old"}})

	held := workloadIn(ns, "held", appsv1alpha1.WorkloadTypeDeployment, func(w *appsv1alpha1.Workload) {
		w.Finalizers = []string{hold, appsv1alpha1.LegacyFinalizer}
	})
	g.Expect(env.c.Create(ctx, held)).To(Succeed())
	g.Expect(held.Finalizers).To(Equal([]string{hold, appsv1alpha1.LegacyFinalizer}))
	g.Expect(env.c.Delete(ctx, held)).To(Succeed())
	g.Eventually(func(g Gomega) {
		w := env.get(g, ns, "held")
		g.Expect(w.DeletionTimestamp).NotTo(BeNil())
		g.Expect(w.Finalizers).To(Equal([]string{hold}))
	}).WithTimeout(eventuallyTimeout).WithPolling(pollEvery).Should(Succeed())
	g.Eventually(func() error {
		w := &appsv1alpha1.Workload{}
		if err := env.c.Get(ctx, types.NamespacedName{Namespace: ns, Name: "held"}, w); err != nil {
			return err
		}
		w.Finalizers = nil
		return env.c.Update(ctx, w)
	}).WithTimeout(30 * time.Second).Should(Succeed())
	env.eventuallyGone(t, &appsv1alpha1.Workload{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "held"}})
}

// testTypeChange walks one Workload through Deployment → StatefulSet →
// DaemonSet → Job: each time the old child goes, the new one comes, and the
// Service turns headless and back, then goes.
func testTypeChange(t *testing.T, env *integrationEnv) {
	g := NewWithT(t)
	ctx := t.Context()
	ns := env.namespace(t, "typechange")
	key := types.NamespacedName{Namespace: ns, Name: "app"}
	g.Expect(env.c.Create(ctx, workloadIn(ns, "app", appsv1alpha1.WorkloadTypeDeployment, withService))).To(Succeed())
	env.eventuallyPhase(t, ns, "app", appsv1alpha1.PhaseRunning)

	env.update(t, ns, "app", func(w *appsv1alpha1.Workload) { w.Spec.Type = appsv1alpha1.WorkloadTypeStatefulSet })
	got := env.eventuallyPhase(t, ns, "app", appsv1alpha1.PhaseRunning)
	g.Expect(got.Status.ChildRef.Kind).To(Equal("StatefulSet"))
	env.eventuallyGone(t, &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "app"}})
	g.Eventually(func(g Gomega) {
		svc := &corev1.Service{}
		g.Expect(env.c.Get(ctx, key, svc)).To(Succeed())
		g.Expect(svc.Spec.ClusterIP).To(Equal(corev1.ClusterIPNone))
	}).WithTimeout(eventuallyTimeout).WithPolling(pollEvery).Should(Succeed())

	env.update(t, ns, "app", func(w *appsv1alpha1.Workload) {
		w.Spec.Type = appsv1alpha1.WorkloadTypeDaemonSet
		w.Spec.Replicas = nil
	})
	got = env.eventuallyPhase(t, ns, "app", appsv1alpha1.PhaseRunning)
	g.Expect(got.Status.ChildRef.Kind).To(Equal("DaemonSet"))
	g.Expect(got.Status.ReadyReplicas).To(Equal(int32(3)), "one pod per node")
	env.eventuallyGone(t, &appsv1.StatefulSet{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "app"}})
	g.Eventually(func(g Gomega) {
		svc := &corev1.Service{}
		g.Expect(env.c.Get(ctx, key, svc)).To(Succeed())
		g.Expect(svc.Spec.ClusterIP).NotTo(BeElementOf("", corev1.ClusterIPNone))
	}).WithTimeout(eventuallyTimeout).WithPolling(pollEvery).Should(Succeed())

	env.update(t, ns, "app", func(w *appsv1alpha1.Workload) {
		w.Spec.Type = appsv1alpha1.WorkloadTypeJob
		w.Spec.Service = nil
	})
	got = env.eventuallyPhase(t, ns, "app", appsv1alpha1.PhaseSucceeded)
	g.Expect(got.Status.ChildRef.Kind).To(Equal("Job"))
	g.Expect(got.Status.ServiceRef).To(BeNil())
	env.eventuallyGone(t, &appsv1.DaemonSet{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "app"}})
	env.eventuallyGone(t, &corev1.Service{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "app"}})
}

// testJob: a Job that succeeds, is replaced when its template changes, and
// a Job that fails (its pod can never be scheduled, its deadline passes).
func testJob(t *testing.T, env *integrationEnv) {
	g := NewWithT(t)
	ctx := t.Context()
	ns := env.namespace(t, "job")
	key := types.NamespacedName{Namespace: ns, Name: "ok"}
	g.Expect(env.c.Create(ctx, workloadIn(ns, "ok", appsv1alpha1.WorkloadTypeJob, func(w *appsv1alpha1.Workload) {
		w.Spec.Job = &appsv1alpha1.JobSettings{Completions: ptr.To[int32](2), BackoffLimit: ptr.To[int32](1)}
	}))).To(Succeed())
	got := env.eventuallyPhase(t, ns, "ok", appsv1alpha1.PhaseSucceeded)
	g.Expect(got.Status.Succeeded).To(Equal(int32(2)))
	g.Expect(conditionTrue(got, appsv1alpha1.ConditionReady)).To(BeTrue(), describe(got))
	first := &batchv1.Job{}
	g.Expect(env.c.Get(ctx, key, first)).To(Succeed())

	// A Job's template cannot change: the Workload replaces the Job.
	env.update(t, ns, "ok", func(w *appsv1alpha1.Workload) { w.Spec.Template.Spec.Containers[0].Image = "nginx:1.28" })
	g.Eventually(func(g Gomega) {
		j := &batchv1.Job{}
		g.Expect(env.c.Get(ctx, key, j)).To(Succeed())
		g.Expect(j.UID).NotTo(Equal(first.UID))
		g.Expect(j.Spec.Template.Spec.Containers[0].Image).To(Equal("nginx:1.28"))
	}).WithTimeout(eventuallyTimeout).WithPolling(pollEvery).Should(Succeed())
	env.eventuallyPhase(t, ns, "ok", appsv1alpha1.PhaseSucceeded)

	g.Expect(env.c.Create(ctx, workloadIn(ns, "fail", appsv1alpha1.WorkloadTypeJob, func(w *appsv1alpha1.Workload) {
		w.Spec.Template.Spec.NodeSelector = map[string]string{"wheelhouse.dev/no-such-node": "true"}
		w.Spec.Job = &appsv1alpha1.JobSettings{ActiveDeadlineSeconds: ptr.To[int64](2), BackoffLimit: ptr.To[int32](0)}
	}))).To(Succeed())
	got = env.eventuallyPhase(t, ns, "fail", appsv1alpha1.PhaseFailed)
	g.Expect(conditionTrue(got, appsv1alpha1.ConditionStalled)).To(BeTrue(), describe(got))
	g.Expect(conditionTrue(got, appsv1alpha1.ConditionReady)).To(BeFalse())
	g.Expect(got.Status.Conditions).To(ContainElement(And(
		HaveField("Type", appsv1alpha1.ConditionReady), HaveField("Reason", appsv1alpha1.ReasonJobFailed),
		HaveField("Message", ContainSubstring("DeadlineExceeded")))))
}

// testCronJob: a CronJob runs every minute, its Jobs succeed, suspend
// stops it.
func testCronJob(t *testing.T, env *integrationEnv) {
	g := NewWithT(t)
	ctx := t.Context()
	ns := env.namespace(t, "cronjob")
	g.Expect(env.c.Create(ctx, workloadIn(ns, "tick", appsv1alpha1.WorkloadTypeCronJob, func(w *appsv1alpha1.Workload) {
		w.Spec.Schedule = ptr.To("* * * * *")
		w.Spec.CronJob = &appsv1alpha1.CronJobSettings{ConcurrencyPolicy: batchv1.ForbidConcurrent}
	}))).To(Succeed())
	got := env.eventuallyPhase(t, ns, "tick", appsv1alpha1.PhaseRunning)
	g.Expect(got.Status.ChildRef.Kind).To(Equal("CronJob"))

	// Within a minute the CronJob starts a Job, and the Job succeeds.
	g.Eventually(func(g Gomega) {
		w := env.get(g, ns, "tick")
		g.Expect(w.Status.LastScheduleTime).NotTo(BeNil(), describe(w))
		g.Expect(w.Status.LastSuccessfulTime).NotTo(BeNil(), describe(w))
	}).WithTimeout(150 * time.Second).WithPolling(time.Second).Should(Succeed())

	env.update(t, ns, "tick", func(w *appsv1alpha1.Workload) { w.Spec.Suspend = true })
	env.eventuallyPhase(t, ns, "tick", appsv1alpha1.PhaseSuspended)
	cj := &batchv1.CronJob{}
	g.Expect(env.c.Get(ctx, types.NamespacedName{Namespace: ns, Name: "tick"}, cj)).To(Succeed())
	g.Expect(*cj.Spec.Suspend).To(BeTrue())
}
