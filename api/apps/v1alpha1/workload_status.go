package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
)

// WorkloadPhase is a one-word summary of a Workload's state.
// +kubebuilder:validation:Enum=Pending;Progressing;Running;Succeeded;Failed;Suspended
type WorkloadPhase string

// The phases of a Workload.
const (
	// PhasePending: the child does not exist yet or has no pod started.
	PhasePending WorkloadPhase = "Pending"
	// PhaseProgressing: the child exists and is rolling out or scaling.
	PhaseProgressing WorkloadPhase = "Progressing"
	// PhaseRunning: every desired pod is up to date and ready (a CronJob:
	// it is scheduled; a Job: its pods are running).
	PhaseRunning WorkloadPhase = "Running"
	// PhaseSucceeded: a Job completed.
	PhaseSucceeded WorkloadPhase = "Succeeded"
	// PhaseFailed: a Job failed, a rollout exceeded its deadline, or the
	// Workload cannot be applied until its spec changes.
	PhaseFailed WorkloadPhase = "Failed"
	// PhaseSuspended: spec.suspend is true.
	PhaseSuspended WorkloadPhase = "Suspended"
)

// WorkloadStatus is what the controller observed.
type WorkloadStatus struct {
	// Phase summarises the state in one word.
	// +optional
	Phase WorkloadPhase `json:"phase,omitempty"`

	// Conditions are Ready, Progressing, Reconciling, ServiceReady and
	// Stalled.
	// +listType=map
	// +listMapKey=type
	// +optional
	Conditions []metav1.Condition `json:"conditions,omitempty"`

	// ObservedGeneration is the generation of the spec the controller last
	// reconciled successfully.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`

	// Replicas is the number of pods wanted: spec.replicas for a Deployment
	// or StatefulSet, the scheduled count for a DaemonSet, the parallelism
	// for a Job.
	// +optional
	Replicas int32 `json:"replicas,omitempty"`

	// ReadyReplicas is the number of ready pods.
	// +optional
	ReadyReplicas int32 `json:"readyReplicas,omitempty"`

	// UpdatedReplicas is the number of pods on the current template.
	// +optional
	UpdatedReplicas int32 `json:"updatedReplicas,omitempty"`

	// AvailableReplicas is the number of pods ready for minReadySeconds.
	// +optional
	AvailableReplicas int32 `json:"availableReplicas,omitempty"`

	// Active is the number of running Job pods, or of running Jobs of a
	// CronJob.
	// +optional
	Active int32 `json:"active,omitempty"`

	// Succeeded is the number of succeeded Job pods.
	// +optional
	Succeeded int32 `json:"succeeded,omitempty"`

	// Failed is the number of failed Job pods.
	// +optional
	Failed int32 `json:"failed,omitempty"`

	// LastScheduleTime is when a CronJob last started a Job.
	// +optional
	LastScheduleTime *metav1.Time `json:"lastScheduleTime,omitempty"`

	// LastSuccessfulTime is when a CronJob's Job last completed.
	// +optional
	LastSuccessfulTime *metav1.Time `json:"lastSuccessfulTime,omitempty"`

	// Selector is the label selector of the pods, for the scale
	// subresource (and so for HorizontalPodAutoscalers).
	// +optional
	Selector string `json:"selector,omitempty"`

	// ChildRef points at the workload object the Workload owns.
	// +optional
	ChildRef *ChildReference `json:"childRef,omitempty"`

	// ServiceRef points at the Service the Workload owns.
	// +optional
	ServiceRef *ChildReference `json:"serviceRef,omitempty"`

	// LastError is the error of the last failed reconciliation; empty after
	// a successful one.
	// +optional
	LastError string `json:"lastError,omitempty"`
}

// ChildReference names an object owned by a Workload in its namespace.
type ChildReference struct {
	// APIVersion of the object, e.g. apps/v1.
	APIVersion string `json:"apiVersion"`
	// Kind of the object, e.g. Deployment.
	Kind string `json:"kind"`
	// Name of the object.
	Name string `json:"name"`
	// UID of the object.
	// +optional
	UID types.UID `json:"uid,omitempty"`
}

// Workload declares a Kubernetes workload and the Service in front of it;
// the Workload controller creates both and keeps them as declared.
//
// +kubebuilder:object:root=true
// +kubebuilder:resource:shortName=wl;wls,categories=wheelhouse
// +kubebuilder:subresource:status
// +kubebuilder:subresource:scale:specpath=.spec.replicas,statuspath=.status.replicas,selectorpath=.status.selector
// +kubebuilder:printcolumn:name="Type",type=string,JSONPath=`.spec.type`
// +kubebuilder:printcolumn:name="Phase",type=string,JSONPath=`.status.phase`
// +kubebuilder:printcolumn:name="Desired",type=integer,JSONPath=`.status.replicas`
// +kubebuilder:printcolumn:name="Ready",type=integer,JSONPath=`.status.readyReplicas`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
// +kubebuilder:printcolumn:name="Schedule",type=string,JSONPath=`.spec.schedule`,priority=1
// +kubebuilder:printcolumn:name="Message",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].message`,priority=1
type Workload struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// Spec is what the user wants to run.
	// +required
	Spec WorkloadSpec `json:"spec"`

	// Status is what the controller observed.
	// +optional
	Status WorkloadStatus `json:"status,omitempty"`
}

// WorkloadList is a list of Workloads.
//
// +kubebuilder:object:root=true
type WorkloadList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	// Items are the Workloads.
	Items []Workload `json:"items"`
}

// GetConditions returns the Workload's status conditions (for the
// controllers' condition helpers).
func (w *Workload) GetConditions() []metav1.Condition { return w.Status.Conditions }

// SetConditions replaces the Workload's status conditions.
func (w *Workload) SetConditions(c []metav1.Condition) { w.Status.Conditions = c }
