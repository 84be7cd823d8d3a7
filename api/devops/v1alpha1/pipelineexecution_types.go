package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// ExecutionState is the state of an execution.
// +kubebuilder:validation:Enum=Queueing;Pending;Building;Success;Failed;Aborted;Denied
type ExecutionState string

// The states of an execution.
const (
	// StateQueueing: waiting for an executor under the project's quota.
	StateQueueing ExecutionState = "Queueing"
	// StatePending: an executor is granted; the engine is preparing it.
	StatePending ExecutionState = "Pending"
	// StateBuilding: steps are running.
	StateBuilding ExecutionState = "Building"
	// StateSuccess: every stage succeeded or was skipped.
	StateSuccess ExecutionState = "Success"
	// StateFailed: a step failed, timed out, or the engine lost it.
	StateFailed ExecutionState = "Failed"
	// StateAborted: a user aborted it.
	StateAborted ExecutionState = "Aborted"
	// StateDenied: it was refused before it ran (e.g. a pull request from
	// a fork without permission, an invalid pipeline file).
	StateDenied ExecutionState = "Denied"
)

// Finished reports whether s is a final state.
func (s ExecutionState) Finished() bool {
	switch s {
	case StateSuccess, StateFailed, StateAborted, StateDenied:
		return true
	}
	return false
}

// StepState is the state of a stage or step.
// +kubebuilder:validation:Enum=Waiting;Building;Success;Failed;Skipped;Aborted
type StepState string

// The states of a stage or step.
const (
	// StepWaiting: not started.
	StepWaiting StepState = "Waiting"
	// StepBuilding: running.
	StepBuilding StepState = "Building"
	// StepSuccess: ended with exit code 0.
	StepSuccess StepState = "Success"
	// StepFailed: ended otherwise, or timed out.
	StepFailed StepState = "Failed"
	// StepSkipped: its condition did not hold, or an earlier stage failed.
	StepSkipped StepState = "Skipped"
	// StepAborted: stopped by an abort.
	StepAborted StepState = "Aborted"
)

// TriggerType says what started an execution.
// +kubebuilder:validation:Enum=Push;PullRequest;Tag;Cron;Manual;ImagePush
type TriggerType string

// The things that start an execution.
const (
	// TriggerPush: a push webhook.
	TriggerPush TriggerType = "Push"
	// TriggerPullRequest: a pull request webhook.
	TriggerPullRequest TriggerType = "PullRequest"
	// TriggerTag: a tag webhook.
	TriggerTag TriggerType = "Tag"
	// TriggerCron: the cron trigger.
	TriggerCron TriggerType = "Cron"
	// TriggerManual: a user (including a rerun).
	TriggerManual TriggerType = "Manual"
	// TriggerImagePush: an image pushed to a registry.
	TriggerImagePush TriggerType = "ImagePush"
)

// The events of an execution, as CICD_EVENT and `when.event` name them
// (Rancher's names for the first three).
const (
	EventPush        = "push"
	EventPullRequest = "pull_request"
	EventTag         = "tag"
	EventCron        = "cron"
	EventManual      = "manual"
	EventImagePush   = "image_push"
)

// Events lists every event name.
var Events = []string{EventPush, EventPullRequest, EventTag, EventCron, EventManual, EventImagePush}

// PipelineExecutionSpec is one run of a pipeline: what started it, what it
// builds, and the pipeline file resolved for it.
type PipelineExecutionSpec struct {
	// Pipeline is the name of the Pipeline, in the same namespace.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	// +kubebuilder:validation:XValidation:rule="self == oldSelf",message="pipeline is immutable"
	// +required
	Pipeline string `json:"pipeline"`

	// RunNumber is the execution's number in its pipeline (Rancher's
	// sequence).
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:XValidation:rule="self == oldSelf",message="runNumber is immutable"
	// +required
	RunNumber int64 `json:"runNumber"`

	// Trigger says what started the execution.
	// +required
	Trigger TriggerType `json:"trigger"`

	// TriggeredBy is who or what started it: a user name, or the webhook's
	// delivery id, the cron schedule, the image pushed.
	// +kubebuilder:validation:MaxLength=512
	// +optional
	TriggeredBy string `json:"triggeredBy,omitempty"`

	// RerunOf is the name of the execution this one reruns.
	// +kubebuilder:validation:MaxLength=253
	// +optional
	RerunOf string `json:"rerunOf,omitempty"`

	// RepositoryURL is the clone URL built.
	// +kubebuilder:validation:MaxLength=2048
	// +optional
	RepositoryURL string `json:"repositoryURL,omitempty"`

	// Commit built.
	// +kubebuilder:validation:MaxLength=64
	// +optional
	Commit string `json:"commit,omitempty"`

	// Branch built (empty for a tag).
	// +kubebuilder:validation:MaxLength=255
	// +optional
	Branch string `json:"branch,omitempty"`

	// Tag built, on a tag event.
	// +kubebuilder:validation:MaxLength=255
	// +optional
	Tag string `json:"tag,omitempty"`

	// Ref is the git reference, e.g. refs/heads/main, refs/pull/4/head.
	// +kubebuilder:validation:MaxLength=512
	// +optional
	Ref string `json:"ref,omitempty"`

	// Event is the event's name: push, pull_request, tag, cron, manual or
	// image_push.
	// +kubebuilder:validation:Enum=push;pull_request;tag;cron;manual;image_push
	// +required
	Event string `json:"event"`

	// Author of the commit or of the pull request.
	// +kubebuilder:validation:MaxLength=512
	// +optional
	Author string `json:"author,omitempty"`

	// Message of the commit, or the pull request's title.
	// +kubebuilder:validation:MaxLength=16384
	// +optional
	Message string `json:"message,omitempty"`

	// TargetCluster is the pipeline's target cluster at the time.
	// +kubebuilder:validation:MaxLength=253
	// +optional
	TargetCluster string `json:"targetCluster,omitempty"`

	// Config is the pipeline file as resolved for this execution.
	// +required
	Config PipelineConfig `json:"config"`

	// Abort asks the engine to stop the execution; it ends Aborted.
	// +optional
	Abort bool `json:"abort,omitempty"`
}

// CacheResult says whether a step found its cache.
// +kubebuilder:validation:Enum=Hit;Miss
type CacheResult string

// The cache results.
const (
	// CacheHit: the cache was there and restored.
	CacheHit CacheResult = "Hit"
	// CacheMiss: there was no cache under the key.
	CacheMiss CacheResult = "Miss"
)

// CacheStatus is what a step found of its cache.
type CacheStatus struct {
	// Key is the cache's key, variables substituted.
	Key string `json:"key"`
	// Result is Hit or Miss.
	Result CacheResult `json:"result"`
}

// StepStatus is the state of one step.
type StepStatus struct {
	// Name of the step.
	Name string `json:"name"`
	// State of the step.
	State StepState `json:"state"`
	// Started is when it started.
	// +optional
	Started *metav1.Time `json:"started,omitempty"`
	// Ended is when it ended.
	// +optional
	Ended *metav1.Time `json:"ended,omitempty"`
	// ExitCode of the step's process.
	// +optional
	ExitCode *int32 `json:"exitCode,omitempty"`
	// Message says why it failed or was skipped.
	// +kubebuilder:validation:MaxLength=4096
	// +optional
	Message string `json:"message,omitempty"`
	// Cache is what the step found of its cache.
	// +optional
	Cache *CacheStatus `json:"cache,omitempty"`
	// Node the step ran on.
	// +optional
	Node string `json:"node,omitempty"`
}

// StageStatus is the state of one stage and its steps.
type StageStatus struct {
	// Name of the stage.
	Name string `json:"name"`
	// State of the stage.
	State StepState `json:"state"`
	// Started is when it started.
	// +optional
	Started *metav1.Time `json:"started,omitempty"`
	// Ended is when it ended.
	// +optional
	Ended *metav1.Time `json:"ended,omitempty"`
	// Steps, in the order of the pipeline file.
	// +kubebuilder:validation:MaxItems=32
	// +optional
	Steps []StepStatus `json:"steps,omitempty"`
}

// EngineLease is the hold of an engine on a running execution. The engine
// renews it; an execution whose lease lapses is failed or adopted.
type EngineLease struct {
	// Holder is the engine instance holding the execution.
	// +kubebuilder:validation:MinLength=1
	// +required
	Holder string `json:"holder"`
	// RenewTime is when the holder last renewed the lease.
	// +required
	RenewTime metav1.MicroTime `json:"renewTime"`
	// DurationSeconds is how long the lease holds after RenewTime.
	// +kubebuilder:validation:Minimum=1
	// +required
	DurationSeconds int32 `json:"durationSeconds"`
}

// PipelineExecutionStatus is what the controller and the engine observed.
type PipelineExecutionStatus struct {
	// State of the execution.
	// +optional
	State ExecutionState `json:"state,omitempty"`

	// Conditions are Ready, Reconciling and Stalled.
	// +listType=map
	// +listMapKey=type
	// +optional
	Conditions []metav1.Condition `json:"conditions,omitempty"`

	// Message says why the execution failed, was denied or aborted.
	// +kubebuilder:validation:MaxLength=4096
	// +optional
	Message string `json:"message,omitempty"`

	// Started is when it started building.
	// +optional
	Started *metav1.Time `json:"started,omitempty"`

	// Ended is when it ended.
	// +optional
	Ended *metav1.Time `json:"ended,omitempty"`

	// Stages, in the order of the pipeline file.
	// +kubebuilder:validation:MaxItems=64
	// +optional
	Stages []StageStatus `json:"stages,omitempty"`

	// Lease is the engine's hold on the execution while it runs.
	// +optional
	Lease *EngineLease `json:"lease,omitempty"`

	// ObservedGeneration is the generation last reconciled successfully.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`
}

// PipelineExecution is one run of a pipeline.
//
// +kubebuilder:object:root=true
// +kubebuilder:resource:categories=wheelhouse;devops
// +kubebuilder:subresource:status
// +kubebuilder:printcolumn:name="Pipeline",type=string,JSONPath=`.spec.pipeline`
// +kubebuilder:printcolumn:name="Run",type=integer,JSONPath=`.spec.runNumber`
// +kubebuilder:printcolumn:name="State",type=string,JSONPath=`.status.state`
// +kubebuilder:printcolumn:name="Branch",type=string,JSONPath=`.spec.branch`
// +kubebuilder:printcolumn:name="Event",type=string,JSONPath=`.spec.event`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
// +kubebuilder:printcolumn:name="Commit",type=string,JSONPath=`.spec.commit`,priority=1
// +kubebuilder:printcolumn:name="Message",type=string,JSONPath=`.status.message`,priority=1
type PipelineExecution struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// Spec is what the execution builds and how.
	// +required
	Spec PipelineExecutionSpec `json:"spec"`

	// Status is what the controller and the engine observed.
	// +optional
	Status PipelineExecutionStatus `json:"status,omitempty"`
}

// PipelineExecutionList is a list of PipelineExecutions.
//
// +kubebuilder:object:root=true
type PipelineExecutionList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	// Items are the PipelineExecutions.
	Items []PipelineExecution `json:"items"`
}

// GetConditions returns the execution's status conditions.
func (e *PipelineExecution) GetConditions() []metav1.Condition { return e.Status.Conditions }

// SetConditions replaces the execution's status conditions.
func (e *PipelineExecution) SetConditions(c []metav1.Condition) { e.Status.Conditions = c }
