package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// CronTrigger runs the pipeline on a schedule.
type CronTrigger struct {
	// Schedule in cron format, e.g. "0 3 * * *".
	// +kubebuilder:validation:MaxLength=256
	// +optional
	Schedule string `json:"schedule,omitempty"`

	// Branch built; unset means the repository's default branch.
	// +kubebuilder:validation:MaxLength=255
	// +optional
	Branch string `json:"branch,omitempty"`

	// TimeZone is the IANA time zone of the schedule; unset means UTC.
	// +kubebuilder:validation:MaxLength=64
	// +optional
	TimeZone string `json:"timeZone,omitempty"`
}

// ImagePushTrigger runs the pipeline when an image is pushed to one of the
// platform's registries (the registries' push notifications).
type ImagePushTrigger struct {
	// Registry is the name of the platform's registry.
	// +kubebuilder:validation:MaxLength=253
	// +optional
	Registry string `json:"registry,omitempty"`

	// Repository is the image repository in the registry, e.g. team/base.
	// +kubebuilder:validation:MaxLength=1024
	// +optional
	Repository string `json:"repository,omitempty"`

	// Tag is a pattern of the tags that trigger (* and ?); unset means any.
	// +kubebuilder:validation:MaxLength=256
	// +optional
	Tag string `json:"tag,omitempty"`

	// Branch built; unset means the repository's default branch.
	// +kubebuilder:validation:MaxLength=255
	// +optional
	Branch string `json:"branch,omitempty"`
}

// PipelineTriggers say what starts an execution.
//
// +kubebuilder:validation:XValidation:rule="!has(self.cron) || (has(self.cron.schedule) && size(self.cron.schedule) > 0)",message="a cron trigger needs a schedule",fieldPath=".cron.schedule"
// +kubebuilder:validation:XValidation:rule="!has(self.imagePush) || (has(self.imagePush.registry) && has(self.imagePush.repository))",message="an imagePush trigger needs a registry and a repository",fieldPath=".imagePush"
type PipelineTriggers struct {
	// Push: a push to a branch the pipeline builds (webhook).
	// +kubebuilder:default=true
	// +optional
	Push *bool `json:"push,omitempty"`

	// PullRequest: a pull request opened or updated (webhook).
	// +optional
	PullRequest bool `json:"pullRequest,omitempty"`

	// Tag: a tag pushed (webhook).
	// +optional
	Tag bool `json:"tag,omitempty"`

	// Manual: a user may start a run.
	// +kubebuilder:default=true
	// +optional
	Manual *bool `json:"manual,omitempty"`

	// Cron runs the pipeline on a schedule.
	// +optional
	Cron *CronTrigger `json:"cron,omitempty"`

	// ImagePush runs the pipeline when an image is pushed.
	// +optional
	ImagePush *ImagePushTrigger `json:"imagePush,omitempty"`
}

// PipelineSpec is a repository built by a pipeline file.
type PipelineSpec struct {
	// Repository is the name of the SourceCodeRepository, in the same
	// namespace, built.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	// +required
	Repository string `json:"repository"`

	// Branches limits the branches built by webhook triggers.
	// +optional
	Branches *Condition `json:"branches,omitempty"`

	// Triggers say what starts an execution.
	// +optional
	Triggers PipelineTriggers `json:"triggers,omitempty"`

	// TargetCluster is the member cluster the applyYaml and applyApp steps
	// apply to unless they name one.
	// +kubebuilder:validation:MaxLength=253
	// +optional
	TargetCluster string `json:"targetCluster,omitempty"`

	// ConfigPath is the pipeline file in the repository. Unset means
	// .wheelhouse-pipeline.yml, or .rancher-pipeline.yml (or .yaml) when
	// only that exists.
	// +kubebuilder:validation:MaxLength=1024
	// +optional
	ConfigPath string `json:"configPath,omitempty"`

	// Suspend stops new executions; running ones go on.
	// +optional
	Suspend bool `json:"suspend,omitempty"`
}

// ExecutionSummary is the state of one execution, as a pipeline shows it.
type ExecutionSummary struct {
	// Name of the PipelineExecution.
	Name string `json:"name"`
	// RunNumber of the execution.
	RunNumber int64 `json:"runNumber"`
	// State of the execution.
	State ExecutionState `json:"state"`
	// Branch built.
	// +optional
	Branch string `json:"branch,omitempty"`
	// Commit built.
	// +optional
	Commit string `json:"commit,omitempty"`
	// Started is when the execution started building.
	// +optional
	Started *metav1.Time `json:"started,omitempty"`
	// Ended is when it ended.
	// +optional
	Ended *metav1.Time `json:"ended,omitempty"`
}

// PipelineStatus is what the controllers observed.
type PipelineStatus struct {
	// Conditions are Ready (webhook registered, file readable),
	// Reconciling, Stalled and WebhookRegistered.
	// +listType=map
	// +listMapKey=type
	// +optional
	Conditions []metav1.Condition `json:"conditions,omitempty"`

	// ObservedGeneration is the generation last reconciled successfully.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`

	// LastExecution is the most recent execution.
	// +optional
	LastExecution *ExecutionSummary `json:"lastExecution,omitempty"`

	// NextRun is the run number the next execution gets.
	// +kubebuilder:validation:Minimum=1
	// +optional
	NextRun int64 `json:"nextRun,omitempty"`

	// WebhookID is the id of the webhook registered with the forge.
	// +optional
	WebhookID string `json:"webhookID,omitempty"`

	// RecentNodes are the nodes the last executions ran on, most recent
	// first, so that the next one can find its build cache.
	// +kubebuilder:validation:MaxItems=8
	// +optional
	RecentNodes []string `json:"recentNodes,omitempty"`

	// LastCronTime is when the cron trigger last started an execution.
	// +optional
	LastCronTime *metav1.Time `json:"lastCronTime,omitempty"`
}

// Pipeline builds a repository with the pipeline file found in it, on the
// triggers it names.
//
// +kubebuilder:object:root=true
// +kubebuilder:resource:categories=wheelhouse;devops
// +kubebuilder:subresource:status
// +kubebuilder:printcolumn:name="Repository",type=string,JSONPath=`.spec.repository`
// +kubebuilder:printcolumn:name="Last Run",type=integer,JSONPath=`.status.lastExecution.runNumber`
// +kubebuilder:printcolumn:name="State",type=string,JSONPath=`.status.lastExecution.state`
// +kubebuilder:printcolumn:name="Branch",type=string,JSONPath=`.status.lastExecution.branch`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type Pipeline struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// Spec is the repository, its branches and triggers.
	// +required
	Spec PipelineSpec `json:"spec"`

	// Status is what the controllers observed.
	// +optional
	Status PipelineStatus `json:"status,omitempty"`
}

// PipelineList is a list of Pipelines.
//
// +kubebuilder:object:root=true
type PipelineList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	// Items are the Pipelines.
	Items []Pipeline `json:"items"`
}

// GetConditions returns the Pipeline's status conditions.
func (p *Pipeline) GetConditions() []metav1.Condition { return p.Status.Conditions }

// SetConditions replaces the Pipeline's status conditions.
func (p *Pipeline) SetConditions(c []metav1.Condition) { p.Status.Conditions = c }
