package v1alpha1

// Condition types of the devops resources.
const (
	// ConditionReady is True when the object is usable as declared.
	ConditionReady = "Ready"
	// ConditionReconciling is True while a controller still works toward
	// the spec (kstatus' abnormal-true condition).
	ConditionReconciling = "Reconciling"
	// ConditionStalled is True when a controller cannot make progress
	// without a change of the spec.
	ConditionStalled = "Stalled"
	// ConditionWebhookRegistered is True when the Pipeline's webhook is
	// registered with its forge.
	ConditionWebhookRegistered = "WebhookRegistered"
)

// Condition reasons of the devops resources.
const (
	// ReasonSucceeded: the condition holds.
	ReasonSucceeded = "Succeeded"
	// ReasonInvalidPipelineFile: the pipeline file does not validate.
	ReasonInvalidPipelineFile = "InvalidPipelineFile"
	// ReasonLeaseExpired: the engine holding an execution stopped renewing
	// its lease.
	ReasonLeaseExpired = "LeaseExpired"
	// ReasonTimedOut: an execution or step ran past its timeout.
	ReasonTimedOut = "TimedOut"
	// ReasonAborted: a user aborted the execution.
	ReasonAborted = "Aborted"
	// ReasonQuotaExceeded: the execution waits for an executor.
	ReasonQuotaExceeded = "QuotaExceeded"
)

// Labels on PipelineExecutions.
const (
	// LabelPipeline names the execution's Pipeline.
	LabelPipeline = "devops.wheelhouse.dev/pipeline"
	// LabelRunNumber is the execution's run number.
	LabelRunNumber = "devops.wheelhouse.dev/run"
)
