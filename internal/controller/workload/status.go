package workload

import (
	"fmt"

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

// childState is what the child says about the Workload's progress.
type childState struct {
	phase   appsv1alpha1.WorkloadPhase
	reason  string
	message string
	stalled bool
}

// summarize derives the Workload's status from what the reconciliation saw
// (s) and how it ended (err). It runs once per reconciliation, in the
// deferred function, so every exit path leaves a consistent status. Next
// to the Workload's own Progressing and ServiceReady it keeps kstatus'
// Reconciling (True while the child rolls out or a failed write is
// retried) and Stalled (True when only a change of the spec can help: an
// invalid child, someone else's object in the way, a failed Job, a
// Deployment past its progress deadline). The patch adds
// observedGeneration after a pass that succeeded.
func summarize(s *scope, err error) {
	w := s.workload
	st := &w.Status
	st.Selector = w.Selector()

	var state *childState
	switch {
	case s.child != nil:
		cs := observeChild(w, s.child)
		state = &cs
	case s.childKnown:
		clearCounts(st)
		st.ChildRef = nil
		state = &childState{phase: appsv1alpha1.PhasePending, reason: appsv1alpha1.ReasonChildNotFound,
			message: fmt.Sprintf("Waiting for the %s to be created", childKinds[w.Spec.Type].kind)}
	}

	summarizeService(s)

	progressing := false
	if state != nil {
		st.Phase = state.phase
		progressing = state.phase == appsv1alpha1.PhasePending || state.phase == appsv1alpha1.PhaseProgressing
		ctrlkit.SetCondition(w, appsv1alpha1.ConditionProgressing, progressing, state.reason, state.message)
	}

	if err != nil {
		st.LastError = err.Error()
		if ctrlkit.IsStalling(err) {
			st.Phase = appsv1alpha1.PhaseFailed
		}
		ctrlkit.MarkError(w, err, appsv1alpha1.ReasonApplyFailed)
		return
	}

	st.LastError = ""
	done := state.phase == appsv1alpha1.PhaseRunning || state.phase == appsv1alpha1.PhaseSucceeded
	svc := meta.FindStatusCondition(st.Conditions, appsv1alpha1.ConditionServiceReady)
	waitingForService := done && svc != nil && svc.Status != metav1.ConditionTrue
	switch {
	case state.stalled:
		ctrlkit.MarkStalled(w, state.reason, state.message)
	case waitingForService:
		ctrlkit.MarkReconciling(w, svc.Reason, svc.Message)
	case progressing:
		ctrlkit.MarkReconciling(w, state.reason, state.message)
	default:
		ctrlkit.MarkSettled(w)
	}
	if waitingForService {
		ctrlkit.SetCondition(w, appsv1alpha1.ConditionReady, false, svc.Reason, svc.Message)
	} else {
		ctrlkit.SetCondition(w, appsv1alpha1.ConditionReady, done, state.reason, state.message)
	}
}

// summarizeService sets ServiceReady and the Service reference.
func summarizeService(s *scope) {
	w := s.workload
	st := &w.Status
	switch {
	case !w.HasService():
		if s.serviceKnown {
			meta.RemoveStatusCondition(&st.Conditions, appsv1alpha1.ConditionServiceReady)
			st.ServiceRef = nil
		}
	case s.service != nil:
		st.ServiceRef = &appsv1alpha1.ChildReference{APIVersion: "v1", Kind: "Service", Name: s.service.Name, UID: s.service.UID}
		ready, reason, msg := serviceReady(s.service)
		ctrlkit.SetCondition(w, appsv1alpha1.ConditionServiceReady, ready, reason, msg)
	case meta.FindStatusCondition(st.Conditions, appsv1alpha1.ConditionServiceReady) == nil || s.serviceKnown:
		ctrlkit.SetCondition(w, appsv1alpha1.ConditionServiceReady, false, appsv1alpha1.ReasonServiceNotFound, "Waiting for the Service to be created")
	}
}

// serviceReady reports whether a Service is usable: it has its cluster IP
// (or is headless) and, for a LoadBalancer, an address.
func serviceReady(svc *corev1.Service) (bool, string, string) {
	if svc.Spec.Type == corev1.ServiceTypeLoadBalancer && len(svc.Status.LoadBalancer.Ingress) == 0 {
		return false, appsv1alpha1.ReasonLoadBalancerPending, "Waiting for the load balancer to get an address"
	}
	if svc.Spec.ClusterIP == corev1.ClusterIPNone {
		return true, appsv1alpha1.ReasonServiceCreated, "Headless Service " + svc.Name + " exists"
	}
	return true, appsv1alpha1.ReasonServiceCreated, fmt.Sprintf("Service %s has cluster IP %s", svc.Name, svc.Spec.ClusterIP)
}

func clearCounts(st *appsv1alpha1.WorkloadStatus) {
	st.Replicas, st.ReadyReplicas, st.UpdatedReplicas, st.AvailableReplicas = 0, 0, 0, 0
	st.Active, st.Succeeded, st.Failed = 0, 0, 0
	st.LastScheduleTime, st.LastSuccessfulTime = nil, nil
}

// observeChild copies the child's counts into w's status and tells how far
// the child got.
func observeChild(w *appsv1alpha1.Workload, child client.Object) childState {
	st := &w.Status
	clearCounts(st)
	kind := kindOf(child)
	st.ChildRef = &appsv1alpha1.ChildReference{
		APIVersion: childKinds[w.Spec.Type].apiVersion, Kind: kind, Name: child.GetName(), UID: child.GetUID(),
	}
	switch c := child.(type) {
	case *appsv1.Deployment:
		desired := ptr.Deref(c.Spec.Replicas, 1)
		st.Replicas, st.ReadyReplicas = desired, c.Status.ReadyReplicas
		st.UpdatedReplicas, st.AvailableReplicas = c.Status.UpdatedReplicas, c.Status.AvailableReplicas
		for _, cond := range c.Status.Conditions {
			if cond.Type == appsv1.DeploymentProgressing && cond.Status == corev1.ConditionFalse &&
				cond.Reason == "ProgressDeadlineExceeded" {
				return childState{phase: appsv1alpha1.PhaseFailed, reason: appsv1alpha1.ReasonProgressDeadlineExceeded,
					message: cond.Message, stalled: true}
			}
		}
		return replicaState(w, c.Generation, c.Status.ObservedGeneration, c.Status.Replicas, desired)
	case *appsv1.StatefulSet:
		desired := ptr.Deref(c.Spec.Replicas, 1)
		st.Replicas, st.ReadyReplicas = desired, c.Status.ReadyReplicas
		st.UpdatedReplicas, st.AvailableReplicas = c.Status.UpdatedReplicas, c.Status.AvailableReplicas
		wantUpdated := desired
		switch {
		case c.Spec.UpdateStrategy.Type == appsv1.OnDeleteStatefulSetStrategyType:
			wantUpdated = 0
		case c.Spec.UpdateStrategy.RollingUpdate != nil && c.Spec.UpdateStrategy.RollingUpdate.Partition != nil:
			wantUpdated = max(0, desired-*c.Spec.UpdateStrategy.RollingUpdate.Partition)
		}
		return replicaState(w, c.Generation, c.Status.ObservedGeneration, c.Status.Replicas, wantUpdated)
	case *appsv1.DaemonSet:
		st.Replicas, st.ReadyReplicas = c.Status.DesiredNumberScheduled, c.Status.NumberReady
		st.UpdatedReplicas, st.AvailableReplicas = c.Status.UpdatedNumberScheduled, c.Status.NumberAvailable
		wantUpdated := st.Replicas
		if c.Spec.UpdateStrategy.Type == appsv1.OnDeleteDaemonSetStrategyType {
			wantUpdated = 0
		}
		return replicaState(w, c.Generation, c.Status.ObservedGeneration, c.Status.CurrentNumberScheduled, wantUpdated)
	case *batchv1.Job:
		return jobState(w, c)
	case *batchv1.CronJob:
		st.Active = int32(len(c.Status.Active))
		st.LastScheduleTime, st.LastSuccessfulTime = c.Status.LastScheduleTime, c.Status.LastSuccessfulTime
		if ptr.Deref(c.Spec.Suspend, false) {
			return childState{phase: appsv1alpha1.PhaseSuspended, reason: appsv1alpha1.ReasonSuspended, message: "The CronJob is suspended"}
		}
		return childState{phase: appsv1alpha1.PhaseRunning, reason: appsv1alpha1.ReasonScheduled,
			message: fmt.Sprintf("Scheduled %q, %d Jobs active", c.Spec.Schedule, st.Active)}
	default:
		return childState{phase: appsv1alpha1.PhasePending, reason: appsv1alpha1.ReasonChildNotFound, message: "Unknown child kind " + kind}
	}
}

// replicaState is the state of a Deployment, StatefulSet or DaemonSet whose
// counts are already in w's status: current is the number of pods it has,
// wantUpdated how many must run the newest template.
func replicaState(w *appsv1alpha1.Workload, generation, observed int64, current, wantUpdated int32) childState {
	st := &w.Status
	kind := childKinds[w.Spec.Type].kind
	counts := fmt.Sprintf("%d/%d pods ready, %d/%d up to date", st.ReadyReplicas, st.Replicas, st.UpdatedReplicas, wantUpdated)
	switch {
	case observed == 0:
		return childState{phase: appsv1alpha1.PhasePending, reason: appsv1alpha1.ReasonRollingOut,
			message: fmt.Sprintf("Waiting for the %s controller to observe the %s", kind, kind)}
	case observed < generation:
		return childState{phase: appsv1alpha1.PhaseProgressing, reason: appsv1alpha1.ReasonRollingOut,
			message: fmt.Sprintf("Waiting for the %s controller to observe generation %d", kind, generation)}
	case w.Spec.Suspend && current == 0:
		return childState{phase: appsv1alpha1.PhaseSuspended, reason: appsv1alpha1.ReasonSuspended,
			message: fmt.Sprintf("The %s is suspended", kind)}
	case w.Spec.Suspend:
		return childState{phase: appsv1alpha1.PhaseProgressing, reason: appsv1alpha1.ReasonSuspended,
			message: fmt.Sprintf("Suspending: %d pods left", current)}
	case st.ReadyReplicas >= st.Replicas && st.AvailableReplicas >= st.Replicas &&
		st.UpdatedReplicas >= wantUpdated && current == st.Replicas:
		return childState{phase: appsv1alpha1.PhaseRunning, reason: appsv1alpha1.ReasonRolledOut, message: counts}
	case st.Replicas > 0 && st.ReadyReplicas == 0:
		return childState{phase: appsv1alpha1.PhasePending, reason: appsv1alpha1.ReasonRollingOut, message: counts}
	default:
		return childState{phase: appsv1alpha1.PhaseProgressing, reason: appsv1alpha1.ReasonRollingOut, message: counts}
	}
}

// jobState is the state of a Job, its counts copied into w's status.
func jobState(w *appsv1alpha1.Workload, j *batchv1.Job) childState {
	st := &w.Status
	st.Replicas = ptr.Deref(j.Spec.Parallelism, 1)
	st.ReadyReplicas = ptr.Deref(j.Status.Ready, 0)
	st.Active, st.Succeeded, st.Failed = j.Status.Active, j.Status.Succeeded, j.Status.Failed
	for _, c := range j.Status.Conditions {
		if c.Status != corev1.ConditionTrue {
			continue
		}
		switch c.Type {
		case batchv1.JobComplete:
			return childState{phase: appsv1alpha1.PhaseSucceeded, reason: appsv1alpha1.ReasonJobComplete,
				message: fmt.Sprintf("Job completed: %d pods succeeded", j.Status.Succeeded)}
		case batchv1.JobFailed:
			return childState{phase: appsv1alpha1.PhaseFailed, reason: appsv1alpha1.ReasonJobFailed,
				message: fmt.Sprintf("Job failed (%s): %s", c.Reason, c.Message), stalled: true}
		}
	}
	counts := fmt.Sprintf("%d pods active, %d ready, %d succeeded, %d failed", st.Active, st.ReadyReplicas, st.Succeeded, st.Failed)
	switch {
	case w.Spec.Suspend && j.Status.Active == 0:
		return childState{phase: appsv1alpha1.PhaseSuspended, reason: appsv1alpha1.ReasonSuspended, message: "The Job is suspended"}
	case w.Spec.Suspend:
		return childState{phase: appsv1alpha1.PhaseProgressing, reason: appsv1alpha1.ReasonSuspended, message: "Suspending: " + counts}
	case st.ReadyReplicas > 0:
		return childState{phase: appsv1alpha1.PhaseRunning, reason: appsv1alpha1.ReasonJobRunning, message: counts}
	default:
		return childState{phase: appsv1alpha1.PhasePending, reason: appsv1alpha1.ReasonJobRunning, message: counts}
	}
}
