package workload

import (
	"errors"
	"fmt"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	appsv1alpha1 "github.com/wheelhouse-dev/wheelhouse/api/apps/v1alpha1"
	"github.com/wheelhouse-dev/wheelhouse/internal/controller/ctrlkit"
)

func deployment(replicas int32, status appsv1.DeploymentStatus) *appsv1.Deployment {
	return &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: "web", Generation: 2, UID: "uid-d"},
		Spec:       appsv1.DeploymentSpec{Replicas: ptr.To(replicas)},
		Status:     status,
	}
}

func TestObserveChild(t *testing.T) {
	running := appsv1.DeploymentStatus{ObservedGeneration: 2, Replicas: 3, ReadyReplicas: 3, UpdatedReplicas: 3, AvailableReplicas: 3}
	tests := []struct {
		name      string
		w         *appsv1alpha1.Workload
		child     client.Object
		wantPhase appsv1alpha1.WorkloadPhase
		wantReady int32
		stalled   bool
	}{
		{"deployment not yet observed", newWorkload(appsv1alpha1.WorkloadTypeDeployment), deployment(3, appsv1.DeploymentStatus{}), appsv1alpha1.PhasePending, 0, false},
		{"deployment new generation not observed", newWorkload(appsv1alpha1.WorkloadTypeDeployment), deployment(3, appsv1.DeploymentStatus{ObservedGeneration: 1, Replicas: 3, ReadyReplicas: 3}), appsv1alpha1.PhaseProgressing, 3, false},
		{"deployment no pod ready", newWorkload(appsv1alpha1.WorkloadTypeDeployment), deployment(3, appsv1.DeploymentStatus{ObservedGeneration: 2, Replicas: 3}), appsv1alpha1.PhasePending, 0, false},
		{"deployment scaling", newWorkload(appsv1alpha1.WorkloadTypeDeployment), deployment(3, appsv1.DeploymentStatus{ObservedGeneration: 2, Replicas: 3, ReadyReplicas: 1, UpdatedReplicas: 3, AvailableReplicas: 1}), appsv1alpha1.PhaseProgressing, 1, false},
		{"deployment rolling out: old pods left", newWorkload(appsv1alpha1.WorkloadTypeDeployment), deployment(3, appsv1.DeploymentStatus{ObservedGeneration: 2, Replicas: 4, ReadyReplicas: 3, UpdatedReplicas: 3, AvailableReplicas: 3}), appsv1alpha1.PhaseProgressing, 3, false},
		{"deployment running", newWorkload(appsv1alpha1.WorkloadTypeDeployment), deployment(3, running), appsv1alpha1.PhaseRunning, 3, false},
		{"deployment deadline exceeded", newWorkload(appsv1alpha1.WorkloadTypeDeployment), deployment(3, appsv1.DeploymentStatus{ObservedGeneration: 2, Conditions: []appsv1.DeploymentCondition{{
			Type: appsv1.DeploymentProgressing, Status: corev1.ConditionFalse, Reason: "ProgressDeadlineExceeded"}}}), appsv1alpha1.PhaseFailed, 0, true},
		{"deployment suspended", newWorkload(appsv1alpha1.WorkloadTypeDeployment, func(w *appsv1alpha1.Workload) { w.Spec.Suspend = true }),
			deployment(0, appsv1.DeploymentStatus{ObservedGeneration: 2}), appsv1alpha1.PhaseSuspended, 0, false},
		{"deployment suspending", newWorkload(appsv1alpha1.WorkloadTypeDeployment, func(w *appsv1alpha1.Workload) { w.Spec.Suspend = true }),
			deployment(0, appsv1.DeploymentStatus{ObservedGeneration: 2, Replicas: 2, ReadyReplicas: 2}), appsv1alpha1.PhaseProgressing, 2, false},
		{"statefulset with partition running", newWorkload(appsv1alpha1.WorkloadTypeStatefulSet), &appsv1.StatefulSet{
			ObjectMeta: metav1.ObjectMeta{Generation: 1},
			Spec: appsv1.StatefulSetSpec{Replicas: ptr.To[int32](3), UpdateStrategy: appsv1.StatefulSetUpdateStrategy{
				RollingUpdate: &appsv1.RollingUpdateStatefulSetStrategy{Partition: ptr.To[int32](2)}}},
			Status: appsv1.StatefulSetStatus{ObservedGeneration: 1, Replicas: 3, ReadyReplicas: 3, AvailableReplicas: 3, UpdatedReplicas: 1},
		}, appsv1alpha1.PhaseRunning, 3, false},
		{"daemonset running on every node", newWorkload(appsv1alpha1.WorkloadTypeDaemonSet), &appsv1.DaemonSet{
			ObjectMeta: metav1.ObjectMeta{Generation: 1},
			Status: appsv1.DaemonSetStatus{ObservedGeneration: 1, DesiredNumberScheduled: 5, CurrentNumberScheduled: 5,
				NumberReady: 5, UpdatedNumberScheduled: 5, NumberAvailable: 5},
		}, appsv1alpha1.PhaseRunning, 5, false},
		{"daemonset partly ready", newWorkload(appsv1alpha1.WorkloadTypeDaemonSet), &appsv1.DaemonSet{
			ObjectMeta: metav1.ObjectMeta{Generation: 1},
			Status: appsv1.DaemonSetStatus{ObservedGeneration: 1, DesiredNumberScheduled: 5, CurrentNumberScheduled: 5,
				NumberReady: 2, UpdatedNumberScheduled: 5, NumberAvailable: 2},
		}, appsv1alpha1.PhaseProgressing, 2, false},
		{"job pending", newWorkload(appsv1alpha1.WorkloadTypeJob), &batchv1.Job{Status: batchv1.JobStatus{Active: 1, Ready: ptr.To[int32](0)}}, appsv1alpha1.PhasePending, 0, false},
		{"job running", newWorkload(appsv1alpha1.WorkloadTypeJob), &batchv1.Job{Status: batchv1.JobStatus{Active: 1, Ready: ptr.To[int32](1)}}, appsv1alpha1.PhaseRunning, 1, false},
		{"job complete", newWorkload(appsv1alpha1.WorkloadTypeJob), &batchv1.Job{Status: batchv1.JobStatus{Succeeded: 1, Conditions: []batchv1.JobCondition{
			{Type: batchv1.JobComplete, Status: corev1.ConditionTrue}}}}, appsv1alpha1.PhaseSucceeded, 0, false},
		{"job failed", newWorkload(appsv1alpha1.WorkloadTypeJob), &batchv1.Job{Status: batchv1.JobStatus{Failed: 2, Conditions: []batchv1.JobCondition{
			{Type: batchv1.JobFailed, Status: corev1.ConditionTrue, Reason: "BackoffLimitExceeded"}}}}, appsv1alpha1.PhaseFailed, 0, true},
		{"job suspended", newWorkload(appsv1alpha1.WorkloadTypeJob, func(w *appsv1alpha1.Workload) { w.Spec.Suspend = true }),
			&batchv1.Job{}, appsv1alpha1.PhaseSuspended, 0, false},
		{"cronjob scheduled", newWorkload(appsv1alpha1.WorkloadTypeCronJob), &batchv1.CronJob{Spec: batchv1.CronJobSpec{Schedule: "* * * * *"}}, appsv1alpha1.PhaseRunning, 0, false},
		{"cronjob suspended", newWorkload(appsv1alpha1.WorkloadTypeCronJob), &batchv1.CronJob{Spec: batchv1.CronJobSpec{Suspend: ptr.To(true)}}, appsv1alpha1.PhaseSuspended, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := NewWithT(t)
			w := tt.w.DeepCopy()
			got := observeChild(w, tt.child)
			g.Expect(got.phase).To(Equal(tt.wantPhase), got.message)
			g.Expect(got.stalled).To(Equal(tt.stalled))
			g.Expect(w.Status.ReadyReplicas).To(Equal(tt.wantReady))
			g.Expect(w.Status.ChildRef).NotTo(BeNil())
			g.Expect(w.Status.ChildRef.Kind).To(Equal(string(tt.w.Spec.Type)))
		})
	}
}

func TestSummarize(t *testing.T) {
	running := deployment(3, appsv1.DeploymentStatus{ObservedGeneration: 2, Replicas: 3, ReadyReplicas: 3, UpdatedReplicas: 3, AvailableReplicas: 3})
	svc := &corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: "web", UID: "uid-s"}, Spec: corev1.ServiceSpec{ClusterIP: "10.0.0.1"}}
	lb := &corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: "web"}, Spec: corev1.ServiceSpec{Type: corev1.ServiceTypeLoadBalancer, ClusterIP: "10.0.0.1"}}
	type want struct {
		phase         appsv1alpha1.WorkloadPhase
		ready         metav1.ConditionStatus
		readyReason   string
		stalled       bool
		serviceReady  *metav1.ConditionStatus
		lastError     string
		reconciling   bool
		childRefIsNil bool
	}
	isTrue, isFalse := ptr.To(metav1.ConditionTrue), ptr.To(metav1.ConditionFalse)
	tests := []struct {
		name string
		s    func() *scope
		err  error
		want want
	}{{
		name: "running with its service",
		s: func() *scope {
			return &scope{workload: newWorkload(appsv1alpha1.WorkloadTypeDeployment, withService), child: running, childKnown: true, service: svc, serviceKnown: true}
		},
		want: want{phase: appsv1alpha1.PhaseRunning, ready: metav1.ConditionTrue, readyReason: appsv1alpha1.ReasonRolledOut, serviceReady: isTrue},
	}, {
		name: "running but the load balancer has no address",
		s: func() *scope {
			return &scope{workload: newWorkload(appsv1alpha1.WorkloadTypeDeployment, withService), child: running, childKnown: true, service: lb, serviceKnown: true}
		},
		want: want{phase: appsv1alpha1.PhaseRunning, ready: metav1.ConditionFalse, readyReason: appsv1alpha1.ReasonLoadBalancerPending, serviceReady: isFalse, reconciling: true},
	}, {
		name: "child not there yet",
		s: func() *scope {
			return &scope{workload: newWorkload(appsv1alpha1.WorkloadTypeJob), childKnown: true, serviceKnown: true}
		},
		want: want{phase: appsv1alpha1.PhasePending, ready: metav1.ConditionFalse, readyReason: appsv1alpha1.ReasonChildNotFound, reconciling: true, childRefIsNil: true},
	}, {
		name: "transient error before the child phase keeps the old phase",
		s: func() *scope {
			w := newWorkload(appsv1alpha1.WorkloadTypeDeployment)
			w.Status.Phase = appsv1alpha1.PhaseRunning
			return &scope{workload: w}
		},
		err:  fmt.Errorf("get thing: %w", errAPIDown),
		want: want{phase: appsv1alpha1.PhaseRunning, ready: metav1.ConditionFalse, readyReason: appsv1alpha1.ReasonApplyFailed, lastError: "get thing: connection refused", reconciling: true, childRefIsNil: true},
	}, {
		name: "invalid spec stalls",
		s: func() *scope {
			return &scope{workload: newWorkload(appsv1alpha1.WorkloadTypeDeployment), child: running, childKnown: true}
		},
		err:  ctrlkit.Stalling(appsv1alpha1.ReasonInvalidSpec, errors.New("Deployment is invalid")),
		want: want{phase: appsv1alpha1.PhaseFailed, ready: metav1.ConditionFalse, readyReason: appsv1alpha1.ReasonInvalidSpec, stalled: true, lastError: "terminal error: Deployment is invalid"},
	}, {
		name: "someone else's object stalls",
		s: func() *scope {
			return &scope{workload: newWorkload(appsv1alpha1.WorkloadTypeDeployment), childKnown: true}
		},
		err:  ctrlkit.Stalling(appsv1alpha1.ReasonNotOwned, fmt.Errorf("Deployment web %w", errNotOwned)),
		want: want{phase: appsv1alpha1.PhaseFailed, ready: metav1.ConditionFalse, readyReason: appsv1alpha1.ReasonNotOwned, stalled: true, lastError: "terminal error: Deployment web exists and is not owned by the workload", childRefIsNil: true},
	}, {
		name: "failed job stalls without an error",
		s: func() *scope {
			return &scope{workload: newWorkload(appsv1alpha1.WorkloadTypeJob), childKnown: true, serviceKnown: true,
				child: &batchv1.Job{Status: batchv1.JobStatus{Conditions: []batchv1.JobCondition{{Type: batchv1.JobFailed, Status: corev1.ConditionTrue}}}}}
		},
		want: want{phase: appsv1alpha1.PhaseFailed, ready: metav1.ConditionFalse, readyReason: appsv1alpha1.ReasonJobFailed, stalled: true},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := NewWithT(t)
			s := tt.s()
			summarize(s, tt.err)
			st := s.workload.Status
			g.Expect(st.Phase).To(Equal(tt.want.phase))
			ready := meta.FindStatusCondition(st.Conditions, appsv1alpha1.ConditionReady)
			g.Expect(ready).NotTo(BeNil())
			g.Expect(ready.Status).To(Equal(tt.want.ready))
			g.Expect(ready.Reason).To(Equal(tt.want.readyReason))
			g.Expect(meta.IsStatusConditionTrue(st.Conditions, appsv1alpha1.ConditionStalled)).To(Equal(tt.want.stalled))
			svcCond := meta.FindStatusCondition(st.Conditions, appsv1alpha1.ConditionServiceReady)
			if tt.want.serviceReady == nil {
				g.Expect(svcCond).To(BeNil())
			} else {
				g.Expect(svcCond.Status).To(Equal(*tt.want.serviceReady))
			}
			g.Expect(st.LastError).To(Equal(tt.want.lastError))
			g.Expect(meta.IsStatusConditionTrue(st.Conditions, appsv1alpha1.ConditionReconciling)).To(Equal(tt.want.reconciling))
			g.Expect(st.ObservedGeneration).To(BeZero(), "the patch sets observedGeneration, after a pass that succeeded")
			g.Expect(st.ChildRef == nil).To(Equal(tt.want.childRefIsNil))
			g.Expect(st.Selector).To(Equal("app.kubernetes.io/name=web,apps.wheelhouse.dev/workload=web"))
		})
	}
}

func TestAwaitingChildController(t *testing.T) {
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	created := func(ago time.Duration) metav1.ObjectMeta {
		return metav1.ObjectMeta{CreationTimestamp: metav1.NewTime(now.Add(-ago))}
	}
	for _, tc := range []struct {
		name  string
		child client.Object
		want  time.Duration
	}{
		{"no child", nil, 0},
		{"new deployment not observed", &appsv1.Deployment{ObjectMeta: created(3 * time.Second)}, ChildObserveGrace - 3*time.Second},
		{"new statefulset not observed", &appsv1.StatefulSet{ObjectMeta: created(time.Second)}, ChildObserveGrace - time.Second},
		{"new daemonset not observed", &appsv1.DaemonSet{ObjectMeta: created(0)}, ChildObserveGrace},
		{"deployment observed", &appsv1.Deployment{ObjectMeta: created(time.Second), Status: appsv1.DeploymentStatus{ObservedGeneration: 1}}, 0},
		{"old deployment never observed", &appsv1.Deployment{ObjectMeta: created(ChildObserveGrace + time.Second)}, 0},
		{"no creation time", &appsv1.Deployment{}, 0},
		{"job: no observedGeneration to wait for", &batchv1.Job{ObjectMeta: created(time.Second)}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := awaitingChildController(tc.child, now); got != tc.want {
				t.Errorf("awaitingChildController = %v, want %v", got, tc.want)
			}
		})
	}
}

// TestStatusWaitsForNewChildController: a pass that finds its Deployment
// brand new and not yet observed writes no status and looks again within
// ChildObserveGrace; once the Deployment controller has observed it, the
// status is written.
func TestStatusWaitsForNewChildController(t *testing.T) {
	g := NewWithT(t)
	w := newWorkload(appsv1alpha1.WorkloadTypeDeployment)
	d, err := desiredChild(w)
	g.Expect(err).NotTo(HaveOccurred())
	d.SetCreationTimestamp(metav1.Now())
	env := newTestEnv(t, nil, w, d)

	res, err := env.r.Reconcile(t.Context(), request())
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(res.RequeueAfter).To(BeNumerically(">", 0))
	g.Expect(res.RequeueAfter).To(BeNumerically("<=", ChildObserveGrace))
	got := &appsv1alpha1.Workload{}
	g.Expect(env.client.Get(t.Context(), key(), got)).To(Succeed())
	g.Expect(got.Status.Phase).To(BeEmpty(), "no status write before the Deployment controller reports")

	live := &appsv1.Deployment{}
	g.Expect(env.client.Get(t.Context(), key(), live)).To(Succeed())
	live.Status.ObservedGeneration = 1
	g.Expect(env.client.Status().Update(t.Context(), live)).To(Succeed())
	_, err = env.r.Reconcile(t.Context(), request())
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(env.client.Get(t.Context(), key(), got)).To(Succeed())
	g.Expect(got.Status.Phase).To(Equal(appsv1alpha1.PhasePending))
	g.Expect(got.Status.ChildRef).NotTo(BeNil())
}
