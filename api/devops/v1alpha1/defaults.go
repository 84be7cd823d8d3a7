package v1alpha1

import "time"

// Defaults of the pipeline resources.
const (
	// DefaultPipelineSettingName is the name of the PipelineSetting the
	// controllers read in a project's namespace.
	DefaultPipelineSettingName = "default"
	// DefaultExecutorQuota is the executor quota of a project without a
	// PipelineSetting (Rancher's default).
	DefaultExecutorQuota int32 = 2
	// DefaultTimeout bounds an execution when neither its pipeline file
	// nor the PipelineSetting says otherwise (Rancher's default).
	DefaultTimeout = 60 * time.Minute
	// DefaultConfigPath is the pipeline file of a repository.
	DefaultConfigPath = ".wheelhouse-pipeline.yml"
	// DefaultLeaseDuration is how long an engine's lease on an execution
	// holds after it was renewed.
	DefaultLeaseDuration int32 = 15
)

// RancherConfigPaths are the pipeline files Rancher 2.x read, in the order
// it looked for them.
var RancherConfigPaths = []string{".rancher-pipeline.yml", ".rancher-pipeline.yaml"}

// Quota is the executor quota the setting gives: spec.executorQuota, or
// DefaultExecutorQuota when it is unset.
func (s *PipelineSetting) Quota() int32 {
	if s == nil || s.Spec.ExecutorQuota < 1 {
		return DefaultExecutorQuota
	}
	return s.Spec.ExecutorQuota
}

// Timeout is the timeout of an execution of config under setting s.
func (s *PipelineSetting) Timeout(config *PipelineConfig) time.Duration {
	if config != nil && config.Timeout != nil && config.Timeout.Duration > 0 {
		return config.Timeout.Duration
	}
	if s != nil && s.Spec.DefaultTimeout != nil && s.Spec.DefaultTimeout.Duration > 0 {
		return s.Spec.DefaultTimeout.Duration
	}
	return DefaultTimeout
}

// ConfigPaths are the files a pipeline's file is looked for at, in order:
// configPath when the Pipeline names one, else DefaultConfigPath and then
// Rancher's.
func (p *Pipeline) ConfigPaths() []string {
	if p.Spec.ConfigPath != "" {
		return []string{p.Spec.ConfigPath}
	}
	return append([]string{DefaultConfigPath}, RancherConfigPaths...)
}
