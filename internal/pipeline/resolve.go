package pipeline

import (
	devopsv1alpha1 "github.com/wheelhouse-dev/wheelhouse/api/devops/v1alpha1"
)

// ResolveStep is step with what it inherits from its stage: the stage's
// timeout and cache when the step sets none, and each of the stage's
// resources the step does not set. Env and envFrom are merged by
// StepEnvironment; when stays the step's own (the stage's is decided
// first).
func ResolveStep(stage *devopsv1alpha1.Stage, step *devopsv1alpha1.Step) devopsv1alpha1.Step {
	out := *step.DeepCopy()
	if out.Timeout == nil && stage.Timeout != nil {
		out.Timeout = stage.Timeout.DeepCopy()
	}
	if out.Cache == nil && stage.Cache != nil {
		out.Cache = stage.Cache.DeepCopy()
	}
	if stage.Resources != nil {
		if out.Resources == nil {
			out.Resources = &devopsv1alpha1.StepResources{}
		}
		r, s := out.Resources, stage.Resources
		if r.CPURequest == nil && s.CPURequest != nil {
			q := s.CPURequest.DeepCopy()
			r.CPURequest = &q
		}
		if r.CPULimit == nil && s.CPULimit != nil {
			q := s.CPULimit.DeepCopy()
			r.CPULimit = &q
		}
		if r.MemoryRequest == nil && s.MemoryRequest != nil {
			q := s.MemoryRequest.DeepCopy()
			r.MemoryRequest = &q
		}
		if r.MemoryLimit == nil && s.MemoryLimit != nil {
			q := s.MemoryLimit.DeepCopy()
			r.MemoryLimit = &q
		}
	}
	return out
}
