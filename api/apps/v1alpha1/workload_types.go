package v1alpha1

import (
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// WorkloadType names the kind of Kubernetes workload a Workload owns.
// +kubebuilder:validation:Enum=Deployment;StatefulSet;DaemonSet;Job;CronJob
type WorkloadType string

// The kinds of workload a Workload can own.
const (
	// WorkloadTypeDeployment makes the Workload own an apps/v1 Deployment.
	WorkloadTypeDeployment WorkloadType = "Deployment"
	// WorkloadTypeStatefulSet makes the Workload own an apps/v1 StatefulSet
	// and, when a service is requested, a headless Service.
	WorkloadTypeStatefulSet WorkloadType = "StatefulSet"
	// WorkloadTypeDaemonSet makes the Workload own an apps/v1 DaemonSet.
	WorkloadTypeDaemonSet WorkloadType = "DaemonSet"
	// WorkloadTypeJob makes the Workload own a batch/v1 Job.
	WorkloadTypeJob WorkloadType = "Job"
	// WorkloadTypeCronJob makes the Workload own a batch/v1 CronJob.
	WorkloadTypeCronJob WorkloadType = "CronJob"
)

// WorkloadTypes lists every WorkloadType, in the order of the enum.
var WorkloadTypes = []WorkloadType{
	WorkloadTypeDeployment, WorkloadTypeStatefulSet, WorkloadTypeDaemonSet, WorkloadTypeJob, WorkloadTypeCronJob,
}

// WorkloadSpec is what the user wants to run.
//
// +kubebuilder:validation:XValidation:rule="self.type != 'CronJob' || has(self.schedule)",message="schedule is required when type is CronJob",fieldPath=".schedule"
// +kubebuilder:validation:XValidation:rule="self.type == 'CronJob' || !has(self.schedule)",message="schedule is only allowed when type is CronJob",fieldPath=".schedule"
// +kubebuilder:validation:XValidation:rule="!has(self.replicas) || self.type in ['Deployment', 'StatefulSet']",message="replicas is only allowed when type is Deployment or StatefulSet (a DaemonSet runs one pod per node; a Job or CronJob uses job.parallelism)",fieldPath=".replicas"
// +kubebuilder:validation:XValidation:rule="!has(self.job) || self.type in ['Job', 'CronJob']",message="job is only allowed when type is Job or CronJob",fieldPath=".job"
// +kubebuilder:validation:XValidation:rule="!has(self.job) || !has(self.job.ttlSecondsAfterFinished) || self.type == 'CronJob'",message="job.ttlSecondsAfterFinished is only allowed when type is CronJob (the Workload would re-create its deleted Job)",fieldPath=".job.ttlSecondsAfterFinished"
// +kubebuilder:validation:XValidation:rule="!has(self.cronJob) || self.type == 'CronJob'",message="cronJob is only allowed when type is CronJob",fieldPath=".cronJob"
// +kubebuilder:validation:XValidation:rule="!has(self.updateStrategy) || self.type in ['Deployment', 'StatefulSet', 'DaemonSet']",message="updateStrategy is only allowed when type is Deployment, StatefulSet or DaemonSet",fieldPath=".updateStrategy"
// +kubebuilder:validation:XValidation:rule="!has(self.updateStrategy) || !has(self.updateStrategy.type) || self.updateStrategy.type != 'Recreate' || self.type == 'Deployment'",message="updateStrategy.type Recreate is only allowed when type is Deployment",fieldPath=".updateStrategy.type"
// +kubebuilder:validation:XValidation:rule="!has(self.updateStrategy) || !has(self.updateStrategy.type) || self.updateStrategy.type != 'OnDelete' || self.type in ['StatefulSet', 'DaemonSet']",message="updateStrategy.type OnDelete is only allowed when type is StatefulSet or DaemonSet",fieldPath=".updateStrategy.type"
// +kubebuilder:validation:XValidation:rule="!has(self.updateStrategy) || !has(self.updateStrategy.partition) || self.type == 'StatefulSet'",message="updateStrategy.partition is only allowed when type is StatefulSet",fieldPath=".updateStrategy.partition"
// +kubebuilder:validation:XValidation:rule="!has(self.updateStrategy) || !has(self.updateStrategy.maxSurge) || self.type in ['Deployment', 'DaemonSet']",message="updateStrategy.maxSurge is only allowed when type is Deployment or DaemonSet",fieldPath=".updateStrategy.maxSurge"
// +kubebuilder:validation:XValidation:rule="!has(self.service) || self.type in ['Deployment', 'StatefulSet', 'DaemonSet']",message="service is only allowed when type is Deployment, StatefulSet or DaemonSet",fieldPath=".service"
// +kubebuilder:validation:XValidation:rule="!has(self.service) || self.type != 'StatefulSet' || !has(self.service.type) || self.service.type == 'ClusterIP'",message="the service of a StatefulSet is headless: service.type must be ClusterIP",fieldPath=".service.type"
// +kubebuilder:validation:XValidation:rule="has(self.template.spec)",message="template.spec is required",fieldPath=".template"
// +kubebuilder:validation:XValidation:rule="!(self.type in ['Job', 'CronJob']) || !has(self.template.spec) || !has(self.template.spec.restartPolicy) || self.template.spec.restartPolicy != 'Always'",message="template.spec.restartPolicy must be OnFailure or Never when type is Job or CronJob",fieldPath=".template.spec.restartPolicy"
// +kubebuilder:validation:XValidation:rule="self.type in ['Job', 'CronJob'] || !has(self.template.spec) || !has(self.template.spec.restartPolicy) || self.template.spec.restartPolicy == 'Always'",message="template.spec.restartPolicy must be Always when type is Deployment, StatefulSet or DaemonSet",fieldPath=".template.spec.restartPolicy"
type WorkloadSpec struct {
	// Type is the kind of workload to run. Changing it replaces the old
	// child with a new one of the new kind.
	// +kubebuilder:default=Deployment
	// +required
	Type WorkloadType `json:"type"`

	// Template describes the pods. The controller adds the selector labels
	// app.kubernetes.io/name and apps.wheelhouse.dev/workload to its labels.
	// +required
	Template corev1.PodTemplateSpec `json:"template"`

	// Replicas is the number of pods of a Deployment or StatefulSet.
	// Unset means 1.
	// +kubebuilder:validation:Minimum=0
	// +optional
	Replicas *int32 `json:"replicas,omitempty"`

	// UpdateStrategy says how a Deployment, StatefulSet or DaemonSet rolls
	// out a new template.
	// +optional
	UpdateStrategy *UpdateStrategy `json:"updateStrategy,omitempty"`

	// Schedule is the cron schedule of a CronJob, e.g. "*/5 * * * *";
	// required exactly when type is CronJob.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=256
	// +optional
	Schedule *string `json:"schedule,omitempty"`

	// Job holds the settings of a Job, or of the Jobs a CronJob creates.
	// +optional
	Job *JobSettings `json:"job,omitempty"`

	// CronJob holds the settings of a CronJob beyond its schedule.
	// +optional
	CronJob *CronJobSettings `json:"cronJob,omitempty"`

	// Service, when set, puts a Service in front of the pods. It is
	// headless (clusterIP None) for a StatefulSet.
	// +optional
	Service *ServiceSpec `json:"service,omitempty"`

	// Suspend stops the workload without deleting it: a Deployment or
	// StatefulSet is scaled to zero, a DaemonSet is given a node selector no
	// node matches, a Job or CronJob is suspended.
	// +optional
	Suspend bool `json:"suspend,omitempty"`
}

// UpdateStrategyType names a rollout strategy.
// +kubebuilder:validation:Enum=RollingUpdate;Recreate;OnDelete
type UpdateStrategyType string

// The rollout strategies.
const (
	// UpdateStrategyRollingUpdate replaces pods a few at a time.
	UpdateStrategyRollingUpdate UpdateStrategyType = "RollingUpdate"
	// UpdateStrategyRecreate deletes every pod before creating new ones
	// (Deployment only).
	UpdateStrategyRecreate UpdateStrategyType = "Recreate"
	// UpdateStrategyOnDelete replaces a pod only when it is deleted
	// (StatefulSet and DaemonSet only).
	UpdateStrategyOnDelete UpdateStrategyType = "OnDelete"
)

// UpdateStrategy says how a new pod template is rolled out.
//
// +kubebuilder:validation:XValidation:rule="!(has(self.maxSurge) || has(self.maxUnavailable) || has(self.partition)) || !has(self.type) || self.type == 'RollingUpdate'",message="maxSurge, maxUnavailable and partition are only allowed with type RollingUpdate"
type UpdateStrategy struct {
	// Type is the strategy. Unset means RollingUpdate.
	// +optional
	Type UpdateStrategyType `json:"type,omitempty"`

	// MaxUnavailable is how many pods may be unavailable during a rolling
	// update (a number or a percentage).
	// +optional
	MaxUnavailable *intstr.IntOrString `json:"maxUnavailable,omitempty"`

	// MaxSurge is how many pods may exist above the desired count during a
	// rolling update (Deployment and DaemonSet).
	// +optional
	MaxSurge *intstr.IntOrString `json:"maxSurge,omitempty"`

	// Partition keeps pods with an ordinal below it on the old template
	// (StatefulSet only).
	// +kubebuilder:validation:Minimum=0
	// +optional
	Partition *int32 `json:"partition,omitempty"`
}

// JobSettings are the settings of a Job, or of every Job a CronJob creates.
type JobSettings struct {
	// Completions is the number of pods that must succeed. Unset means 1.
	// +kubebuilder:validation:Minimum=0
	// +optional
	Completions *int32 `json:"completions,omitempty"`

	// Parallelism is the most pods that run at once. Unset means 1.
	// +kubebuilder:validation:Minimum=0
	// +optional
	Parallelism *int32 `json:"parallelism,omitempty"`

	// BackoffLimit is the number of retries before the Job fails.
	// Unset means 6.
	// +kubebuilder:validation:Minimum=0
	// +optional
	BackoffLimit *int32 `json:"backoffLimit,omitempty"`

	// ActiveDeadlineSeconds bounds how long the Job may run.
	// +kubebuilder:validation:Minimum=1
	// +optional
	ActiveDeadlineSeconds *int64 `json:"activeDeadlineSeconds,omitempty"`

	// TTLSecondsAfterFinished deletes a finished Job after this many
	// seconds (CronJob only: a Workload's own Job would be re-created).
	// +kubebuilder:validation:Minimum=0
	// +optional
	TTLSecondsAfterFinished *int32 `json:"ttlSecondsAfterFinished,omitempty"`
}

// CronJobSettings are the settings of a CronJob beyond its schedule.
type CronJobSettings struct {
	// ConcurrencyPolicy says what happens when a run is due while the last
	// one is still running. Unset means Allow.
	// +kubebuilder:validation:Enum=Allow;Forbid;Replace
	// +optional
	ConcurrencyPolicy batchv1.ConcurrencyPolicy `json:"concurrencyPolicy,omitempty"`

	// TimeZone is the IANA time zone of the schedule; unset means the
	// time zone of the kube-controller-manager.
	// +kubebuilder:validation:MinLength=1
	// +optional
	TimeZone *string `json:"timeZone,omitempty"`

	// StartingDeadlineSeconds is how late a missed run may still start.
	// +kubebuilder:validation:Minimum=0
	// +optional
	StartingDeadlineSeconds *int64 `json:"startingDeadlineSeconds,omitempty"`

	// SuccessfulJobsHistoryLimit is how many finished Jobs are kept.
	// +kubebuilder:validation:Minimum=0
	// +optional
	SuccessfulJobsHistoryLimit *int32 `json:"successfulJobsHistoryLimit,omitempty"`

	// FailedJobsHistoryLimit is how many failed Jobs are kept.
	// +kubebuilder:validation:Minimum=0
	// +optional
	FailedJobsHistoryLimit *int32 `json:"failedJobsHistoryLimit,omitempty"`
}

// ServiceSpec is the Service in front of the workload's pods.
//
// +kubebuilder:validation:XValidation:rule="self.ports.size() == 1 || self.ports.all(p, has(p.name))",message="every port needs a name when the service has more than one port",fieldPath=".ports"
// +kubebuilder:validation:XValidation:rule="self.ports.all(p, !has(p.name) || self.ports.exists_one(q, has(q.name) && q.name == p.name))",message="port names must be unique",fieldPath=".ports"
// +kubebuilder:validation:XValidation:rule="self.type in ['NodePort', 'LoadBalancer'] || self.ports.all(p, !has(p.nodePort))",message="nodePort is only allowed when the service type is NodePort or LoadBalancer",fieldPath=".ports"
type ServiceSpec struct {
	// Type is the Service type. A StatefulSet's Service is always headless
	// and must be ClusterIP.
	// +kubebuilder:validation:Enum=ClusterIP;NodePort;LoadBalancer
	// +kubebuilder:default=ClusterIP
	// +optional
	Type corev1.ServiceType `json:"type,omitempty"`

	// Ports are the ports the Service exposes.
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=64
	// +listType=map
	// +listMapKey=port
	// +listMapKey=protocol
	// +required
	Ports []ServicePort `json:"ports"`
}

// ServicePort is one port of the Service.
type ServicePort struct {
	// Name of the port; required when there is more than one.
	// +kubebuilder:validation:MaxLength=15
	// +kubebuilder:validation:Pattern=`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`
	// +optional
	Name string `json:"name,omitempty"`

	// Port is the port the Service listens on.
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=65535
	// +required
	Port int32 `json:"port"`

	// TargetPort is the container port (number or name); unset means Port.
	// +optional
	TargetPort *intstr.IntOrString `json:"targetPort,omitempty"`

	// Protocol is TCP, UDP or SCTP.
	// +kubebuilder:validation:Enum=TCP;UDP;SCTP
	// +kubebuilder:default=TCP
	// +optional
	Protocol corev1.Protocol `json:"protocol,omitempty"`

	// NodePort is the node port of a NodePort or LoadBalancer Service;
	// unset lets Kubernetes choose.
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=65535
	// +optional
	NodePort *int32 `json:"nodePort,omitempty"`
}
