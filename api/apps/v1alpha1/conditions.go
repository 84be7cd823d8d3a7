package v1alpha1

// Condition types of a Workload.
const (
	// ConditionReady is True when the workload reached its goal: every pod
	// ready and up to date (a Job: completed; a CronJob: scheduled) and the
	// Service, if any, ready.
	ConditionReady = "Ready"
	// ConditionProgressing is True while the child is being created, rolled
	// out or scaled.
	ConditionProgressing = "Progressing"
	// ConditionServiceReady is True when the Service exists as declared. It
	// is absent when the Workload has no service.
	ConditionServiceReady = "ServiceReady"
	// ConditionReconciling is True while the controller still works toward
	// the spec: the child is being created, rolled out or scaled, or a
	// failed write is being retried. It is absent otherwise (kstatus'
	// "abnormal-true" condition; the same name as ctrlkit's).
	ConditionReconciling = "Reconciling"
	// ConditionStalled is True when the controller cannot make progress
	// without a change of the spec (or of the cluster); absent otherwise.
	ConditionStalled = "Stalled"
)

// Condition reasons of a Workload.
const (
	// ReasonSucceeded: the condition holds.
	ReasonSucceeded = "Succeeded"
	// ReasonChildNotFound: the child has not been created yet.
	ReasonChildNotFound = "ChildNotFound"
	// ReasonRollingOut: the child is rolling out a template or scaling.
	ReasonRollingOut = "RollingOut"
	// ReasonRolledOut: every pod is up to date and ready.
	ReasonRolledOut = "RolledOut"
	// ReasonProgressDeadlineExceeded: a Deployment's rollout timed out.
	ReasonProgressDeadlineExceeded = "ProgressDeadlineExceeded"
	// ReasonJobRunning: a Job's pods are running.
	ReasonJobRunning = "JobRunning"
	// ReasonJobComplete: a Job completed.
	ReasonJobComplete = "JobComplete"
	// ReasonJobFailed: a Job failed.
	ReasonJobFailed = "JobFailed"
	// ReasonScheduled: a CronJob is scheduled.
	ReasonScheduled = "Scheduled"
	// ReasonSuspended: spec.suspend is true.
	ReasonSuspended = "Suspended"
	// ReasonApplyFailed: writing the child or the Service failed.
	ReasonApplyFailed = "ApplyFailed"
	// ReasonInvalidSpec: the API server refused the child or the Service;
	// the Workload's spec must change.
	ReasonInvalidSpec = "InvalidSpec"
	// ReasonServiceCreated: the Service exists as declared.
	ReasonServiceCreated = "ServiceCreated"
	// ReasonLoadBalancerPending: a LoadBalancer Service has no address yet.
	ReasonLoadBalancerPending = "LoadBalancerPending"
	// ReasonServiceNotFound: the Service has not been created yet.
	ReasonServiceNotFound = "ServiceNotFound"
	// ReasonNotOwned: an object with the child's or the Service's name exists
	// and is not owned by the Workload; the controller leaves it alone.
	ReasonNotOwned = "NotOwned"
)

// Event reasons, in pairs.
const (
	// EventApplySucceeded: the child was created or its spec changed. A
	// pass that creates both the child and the Service says so in this one
	// event ("Created Deployment web and Service web").
	EventApplySucceeded = "ApplySucceeded"
	// EventApplyFailed: the child could not be written.
	EventApplyFailed = "ApplyFailed"
	// EventServiceApplySucceeded: the Service was created (without the
	// child in the same pass) or changed.
	EventServiceApplySucceeded = "ServiceApplySucceeded"
	// EventServiceApplyFailed: the Service could not be written.
	EventServiceApplyFailed = "ServiceApplyFailed"
	// EventCleanupSucceeded: an object the Workload no longer wants (a child
	// of an old type, a Service no longer requested) was deleted.
	EventCleanupSucceeded = "CleanupSucceeded"
	// EventCleanupFailed: such an object could not be deleted.
	EventCleanupFailed = "CleanupFailed"
)

// LegacyFinalizer is the finalizer that Workload controllers before issue
// 12 put on every Workload to delete its children first. The children's
// controller owner references let Kubernetes' garbage collector do that
// (foreground or background, as the deletion asks), so the controller no
// longer adds it and removes it from the Workloads that carry it, at once
// when they are being deleted.
const LegacyFinalizer = "apps.wheelhouse.dev/finalizer"

// Labels the controller puts on children and pods.
const (
	// LabelWorkload names the owning Workload; it is part of the selector.
	LabelWorkload = "apps.wheelhouse.dev/workload"
	// LabelName is app.kubernetes.io/name, set to the Workload's name; it is
	// part of the selector.
	LabelName = "app.kubernetes.io/name"
	// LabelManagedBy is app.kubernetes.io/managed-by=wheelhouse.
	LabelManagedBy = "app.kubernetes.io/managed-by"
	// LabelSuspended is the node label a suspended DaemonSet's pods
	// require; no node should carry it.
	LabelSuspended = "apps.wheelhouse.dev/suspended"
)

// AnnotationTemplateHash on a Job holds the hash of the Job spec it was
// created from: a Job's template is immutable, so a changed hash makes the
// controller replace the Job.
const AnnotationTemplateHash = "apps.wheelhouse.dev/template-hash"
