package v1alpha1

import (
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// PipelineConfig is a pipeline file, .wheelhouse-pipeline.yml or Rancher's
// .rancher-pipeline.yml, resolved into one model (internal/pipeline parses
// both): stages run in order, the steps of a stage in parallel.
type PipelineConfig struct {
	// Stages run one after the other; a failed stage skips the later ones.
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=64
	// +required
	Stages []Stage `json:"stages"`

	// Branch limits the branches the pipeline runs for (Rancher's
	// top-level branch).
	// +optional
	Branch *Condition `json:"branch,omitempty"`

	// Timeout bounds the whole execution; unset means the
	// PipelineSetting's default timeout.
	// +optional
	Timeout *metav1.Duration `json:"timeout,omitempty"`

	// Notification says whom to tell about an execution's end.
	// +optional
	Notification *Notification `json:"notification,omitempty"`
}

// Stage is a group of steps that run in parallel.
type Stage struct {
	// Name of the stage, unique in the pipeline.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=128
	// +required
	Name string `json:"name"`

	// When the stage runs; a stage whose condition does not hold is
	// skipped, and counts as successful.
	// +optional
	When *When `json:"when,omitempty"`

	// Env is given to every step of the stage; a step's own env wins.
	// +kubebuilder:validation:MaxProperties=128
	// +optional
	Env map[string]string `json:"env,omitempty"`

	// EnvFrom are secret values given to every step of the stage (never on
	// a pull request event).
	// +kubebuilder:validation:MaxItems=64
	// +optional
	EnvFrom []EnvFromSecret `json:"envFrom,omitempty"`

	// Resources of each step of the stage that sets none itself.
	// +optional
	Resources *StepResources `json:"resources,omitempty"`

	// Timeout bounds each step of the stage that sets none itself.
	// +optional
	Timeout *metav1.Duration `json:"timeout,omitempty"`

	// Cache is kept between runs for every step of the stage that
	// declares none itself.
	// +optional
	Cache *Cache `json:"cache,omitempty"`

	// Steps run in parallel.
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=32
	// +required
	Steps []Step `json:"steps"`
}

// Step is one unit of work: exactly one of runScript, publishImage,
// applyYaml and applyApp.
//
// +kubebuilder:validation:XValidation:rule="(has(self.runScript) ? 1 : 0) + (has(self.publishImage) ? 1 : 0) + (has(self.applyYaml) ? 1 : 0) + (has(self.applyApp) ? 1 : 0) == 1",message="a step has exactly one of runScript, publishImage, applyYaml and applyApp"
type Step struct {
	// Name of the step, unique in its stage.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=128
	// +required
	Name string `json:"name"`

	// RunScript runs a shell script in an image.
	// +optional
	RunScript *RunScriptStep `json:"runScript,omitempty"`

	// PublishImage builds an image from a Dockerfile and pushes it.
	// +optional
	PublishImage *PublishImageStep `json:"publishImage,omitempty"`

	// ApplyYaml applies Kubernetes manifests to a cluster.
	// +optional
	ApplyYaml *ApplyYamlStep `json:"applyYaml,omitempty"`

	// ApplyApp installs or upgrades an add-on (a Helm chart).
	// +optional
	ApplyApp *ApplyAppStep `json:"applyApp,omitempty"`

	// When the step runs; a step whose condition does not hold is
	// skipped, and counts as successful.
	// +optional
	When *When `json:"when,omitempty"`

	// Env are environment variables of the step.
	// +kubebuilder:validation:MaxProperties=128
	// +optional
	Env map[string]string `json:"env,omitempty"`

	// EnvFrom are environment variables taken from project secrets; they
	// are never given on a pull request event.
	// +kubebuilder:validation:MaxItems=64
	// +optional
	EnvFrom []EnvFromSecret `json:"envFrom,omitempty"`

	// Resources of the step; unset ones come from the PipelineSetting.
	// +optional
	Resources *StepResources `json:"resources,omitempty"`

	// Privileged runs the step's container privileged (Rancher's
	// privileged).
	// +optional
	Privileged bool `json:"privileged,omitempty"`

	// Timeout bounds the step.
	// +optional
	Timeout *metav1.Duration `json:"timeout,omitempty"`

	// Cache is kept between runs of the pipeline.
	// +optional
	Cache *Cache `json:"cache,omitempty"`
}

// StepResources are the compute resources of a step. Unlike the
// PipelineSetting's ExecutorResources, the schema carries no CEL rule
// comparing them (its cost, once per step of every stage, is beyond the
// API server's budget): internal/pipeline checks that limits are not below
// requests when it parses the file.
type StepResources struct {
	// CPURequest is the CPU reserved for the step.
	// +optional
	CPURequest *resource.Quantity `json:"cpuRequest,omitempty"`
	// CPULimit is the most CPU the step may use.
	// +optional
	CPULimit *resource.Quantity `json:"cpuLimit,omitempty"`
	// MemoryRequest is the memory reserved for the step.
	// +optional
	MemoryRequest *resource.Quantity `json:"memoryRequest,omitempty"`
	// MemoryLimit is the most memory the step may use.
	// +optional
	MemoryLimit *resource.Quantity `json:"memoryLimit,omitempty"`
}

// RunScriptStep runs a shell script in an image, in the workspace.
type RunScriptStep struct {
	// Image the script runs in.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=1024
	// +required
	Image string `json:"image"`

	// ShellScript is run by /bin/sh.
	// +kubebuilder:validation:MaxLength=262144
	// +optional
	ShellScript string `json:"shellScript,omitempty"`
}

// PublishImageStep builds an image and pushes it to a registry.
type PublishImageStep struct {
	// DockerfilePath is the Dockerfile, relative to the workspace.
	// +kubebuilder:default="./Dockerfile"
	// +kubebuilder:validation:MaxLength=4096
	// +optional
	DockerfilePath string `json:"dockerfilePath,omitempty"`

	// BuildContext is the build's context directory, relative to the
	// workspace.
	// +kubebuilder:default="."
	// +kubebuilder:validation:MaxLength=4096
	// +optional
	BuildContext string `json:"buildContext,omitempty"`

	// Tag is the image's name and tag, without the registry, e.g.
	// team/app:${CICD_EXECUTION_SEQUENCE}.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=1024
	// +required
	Tag string `json:"tag"`

	// Registry is the registry's host the image is pushed to (one of the
	// platform's registries, whose credential is used).
	// +kubebuilder:validation:MaxLength=1024
	// +optional
	Registry string `json:"registry,omitempty"`

	// PushRemote pushes the image to Registry; false keeps it local.
	// +optional
	PushRemote bool `json:"pushRemote,omitempty"`
}

// ApplyYamlStep applies Kubernetes manifests, from a file of the
// repository or inline: exactly one of path and content.
//
// +kubebuilder:validation:XValidation:rule="has(self.path) != has(self.content)",message="applyYaml has exactly one of path and content"
type ApplyYamlStep struct {
	// Path of the manifest file (or directory), relative to the workspace.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=4096
	// +optional
	Path string `json:"path,omitempty"`

	// Content is the manifests themselves.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=1048576
	// +optional
	Content string `json:"content,omitempty"`

	// Namespace objects without one are applied in.
	// +kubebuilder:validation:MaxLength=63
	// +optional
	Namespace string `json:"namespace,omitempty"`

	// Cluster is the member cluster applied to; unset means the
	// pipeline's target cluster.
	// +kubebuilder:validation:MaxLength=253
	// +optional
	Cluster string `json:"cluster,omitempty"`
}

// ApplyAppStep installs or upgrades an add-on (Rancher's applyAppConfig).
type ApplyAppStep struct {
	// CatalogTemplate names the chart, e.g. Rancher's
	// cattle-global-data:library-mysql or a catalog chart name.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=512
	// +required
	CatalogTemplate string `json:"catalogTemplate"`

	// Version of the chart.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=128
	// +required
	Version string `json:"version"`

	// Answers are the chart's values, as dotted keys.
	// +kubebuilder:validation:MaxProperties=512
	// +optional
	Answers map[string]string `json:"answers,omitempty"`

	// Name of the release.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=53
	// +required
	Name string `json:"name"`

	// TargetNamespace the release is installed in.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=63
	// +required
	TargetNamespace string `json:"targetNamespace"`

	// Cluster is the member cluster installed to; unset means the
	// pipeline's target cluster.
	// +kubebuilder:validation:MaxLength=253
	// +optional
	Cluster string `json:"cluster,omitempty"`
}

// EnvFromSecret takes an environment variable from a key of a secret of
// the project.
type EnvFromSecret struct {
	// SourceName is the secret's name.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	// +required
	SourceName string `json:"sourceName"`

	// SourceKey is the key in the secret.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	// +required
	SourceKey string `json:"sourceKey"`

	// TargetKey is the variable's name; unset means SourceKey.
	// +kubebuilder:validation:MaxLength=253
	// +optional
	TargetKey string `json:"targetKey,omitempty"`
}

// Cache is a set of paths kept between runs of a pipeline under a key.
type Cache struct {
	// Key names the cache; runs whose steps name the same key share it.
	// Execution variables are substituted, e.g. go-${CICD_GIT_BRANCH}.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=256
	// +required
	Key string `json:"key"`

	// Paths are the directories kept, relative to the workspace or
	// absolute in the step's filesystem.
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=16
	// +kubebuilder:validation:items:MaxLength=4096
	// +required
	Paths []string `json:"paths"`
}

// When is the condition of a stage or step: every condition set must hold.
type When struct {
	// Branch the execution builds.
	// +optional
	Branch *Condition `json:"branch,omitempty"`

	// Event that started the execution: push, pull_request, tag, cron,
	// manual or image_push.
	// +optional
	Event *Condition `json:"event,omitempty"`
}

// Condition matches a value: it holds when the value matches one of
// Include (or Include is empty) and none of Exclude. Patterns may use * (any
// run of characters) and ? (one character).
type Condition struct {
	// Include are the patterns of which one must match.
	// +kubebuilder:validation:MaxItems=64
	// +kubebuilder:validation:items:MaxLength=256
	// +optional
	Include []string `json:"include,omitempty"`

	// Exclude are the patterns of which none may match.
	// +kubebuilder:validation:MaxItems=64
	// +kubebuilder:validation:items:MaxLength=256
	// +optional
	Exclude []string `json:"exclude,omitempty"`
}

// NotificationCondition names an execution end that is notified.
// +kubebuilder:validation:Enum=Failed;Success;Changed
type NotificationCondition string

// The execution ends that are notified.
const (
	// NotifyFailed: the execution failed.
	NotifyFailed NotificationCondition = "Failed"
	// NotifySuccess: the execution succeeded.
	NotifySuccess NotificationCondition = "Success"
	// NotifyChanged: the execution ended otherwise than the one before.
	NotifyChanged NotificationCondition = "Changed"
)

// Notification says whom to tell, and when, about an execution's end.
type Notification struct {
	// Webhooks are URLs to which a JSON summary is posted.
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=16
	// +required
	Webhooks []NotificationWebhook `json:"webhooks"`

	// Conditions are the ends notified; unset means Failed and Changed.
	// +kubebuilder:validation:MaxItems=3
	// +listType=set
	// +optional
	Conditions []NotificationCondition `json:"conditions,omitempty"`

	// Message replaces the default message.
	// +kubebuilder:validation:MaxLength=4096
	// +optional
	Message string `json:"message,omitempty"`
}

// NotificationWebhook is a URL a notification is posted to.
type NotificationWebhook struct {
	// URL is an http or https URL.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=2048
	// +kubebuilder:validation:Pattern=`^https?://`
	// +required
	URL string `json:"url"`
}
