package v1alpha1

import (
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// StepIsolation says where the local engine runs a step.
// +kubebuilder:validation:Enum=Process;Podman
type StepIsolation string

// The ways the local engine runs a step.
const (
	// IsolationProcess runs a step as a process on the server's host, in
	// the execution's workspace; the step's image is not used.
	IsolationProcess StepIsolation = "Process"
	// IsolationPodman runs a step in its image with podman.
	IsolationPodman StepIsolation = "Podman"
)

// ExecutorResources are the compute resources of one executor (one running
// step), its requests and limits.
//
// +kubebuilder:validation:XValidation:rule="!has(self.cpuRequest) || !has(self.cpuLimit) || quantity(string(self.cpuLimit)).compareTo(quantity(string(self.cpuRequest))) >= 0",message="cpuLimit must not be less than cpuRequest",fieldPath=".cpuLimit"
// +kubebuilder:validation:XValidation:rule="!has(self.memoryRequest) || !has(self.memoryLimit) || quantity(string(self.memoryLimit)).compareTo(quantity(string(self.memoryRequest))) >= 0",message="memoryLimit must not be less than memoryRequest",fieldPath=".memoryLimit"
type ExecutorResources struct {
	// CPURequest is the CPU reserved for a step, e.g. 100m.
	// +optional
	CPURequest *resource.Quantity `json:"cpuRequest,omitempty"`
	// CPULimit is the most CPU a step may use, e.g. "2".
	// +optional
	CPULimit *resource.Quantity `json:"cpuLimit,omitempty"`
	// MemoryRequest is the memory reserved for a step, e.g. 256Mi.
	// +optional
	MemoryRequest *resource.Quantity `json:"memoryRequest,omitempty"`
	// MemoryLimit is the most memory a step may use, e.g. 2Gi.
	// +optional
	MemoryLimit *resource.Quantity `json:"memoryLimit,omitempty"`
}

// LogRetention says how long execution logs are kept.
type LogRetention struct {
	// MaxExecutions is how many executions of each pipeline keep their
	// logs; older ones lose them. Unset means no count limit.
	// +kubebuilder:validation:Minimum=1
	// +optional
	MaxExecutions *int32 `json:"maxExecutions,omitempty"`
	// MaxAge is how long a finished execution keeps its logs, e.g. 720h.
	// Unset means no age limit.
	// +optional
	MaxAge *metav1.Duration `json:"maxAge,omitempty"`
}

// PipelineSettingSpec is how the pipelines of a project run.
//
// +kubebuilder:validation:XValidation:rule="self.executorQuota >= 1",message="executorQuota must be at least 1",fieldPath=".executorQuota"
type PipelineSettingSpec struct {
	// ExecutorQuota is the most executions of the project that build at
	// once; the others wait in Queueing.
	// +kubebuilder:default=2
	// +optional
	ExecutorQuota int32 `json:"executorQuota,omitempty"`

	// Executor holds the compute resources of each step unless the step
	// asks for its own.
	// +optional
	Executor ExecutorResources `json:"executor,omitempty"`

	// Isolation says where the local engine runs steps.
	// +kubebuilder:default=Process
	// +optional
	Isolation StepIsolation `json:"isolation,omitempty"`

	// CacheRoot is the directory (local engine) under which the build
	// caches of the project's pipelines are kept. Unset means the server's
	// data directory.
	// +kubebuilder:validation:MaxLength=4096
	// +kubebuilder:validation:Pattern=`^/`
	// +optional
	CacheRoot string `json:"cacheRoot,omitempty"`

	// GitCACertificates are PEM certificates trusted when cloning, in
	// addition to the system's and the provider's.
	// +kubebuilder:validation:MaxLength=65536
	// +optional
	GitCACertificates string `json:"gitCACertificates,omitempty"`

	// DefaultTimeout bounds an execution whose pipeline file sets no
	// timeout.
	// +kubebuilder:default="60m"
	// +optional
	DefaultTimeout *metav1.Duration `json:"defaultTimeout,omitempty"`

	// LogRetention says how long execution logs are kept.
	// +optional
	LogRetention LogRetention `json:"logRetention,omitempty"`
}

// PipelineSettingStatus is what the controller observed.
type PipelineSettingStatus struct {
	// Conditions are Ready, Reconciling and Stalled.
	// +listType=map
	// +listMapKey=type
	// +optional
	Conditions []metav1.Condition `json:"conditions,omitempty"`

	// Building is the number of the project's executions that hold an
	// executor, as last counted from the PipelineExecutions.
	// +optional
	Building int32 `json:"building,omitempty"`

	// Queueing is the number waiting for one.
	// +optional
	Queueing int32 `json:"queueing,omitempty"`
}

// PipelineSetting is how the pipelines of the project in its namespace run.
// The controllers read the one named DefaultPipelineSettingName; with none,
// the defaults of this type apply.
//
// +kubebuilder:object:root=true
// +kubebuilder:resource:categories=wheelhouse;devops
// +kubebuilder:subresource:status
// +kubebuilder:printcolumn:name="Quota",type=integer,JSONPath=`.spec.executorQuota`
// +kubebuilder:printcolumn:name="Building",type=integer,JSONPath=`.status.building`
// +kubebuilder:printcolumn:name="Queueing",type=integer,JSONPath=`.status.queueing`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type PipelineSetting struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// Spec is how the project's pipelines run.
	// +optional
	Spec PipelineSettingSpec `json:"spec,omitempty"`

	// Status is what the controller observed.
	// +optional
	Status PipelineSettingStatus `json:"status,omitempty"`
}

// PipelineSettingList is a list of PipelineSettings.
//
// +kubebuilder:object:root=true
type PipelineSettingList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	// Items are the PipelineSettings.
	Items []PipelineSetting `json:"items"`
}
