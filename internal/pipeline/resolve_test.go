package pipeline

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	devopsv1alpha1 "github.com/wheelhouse-dev/wheelhouse/api/devops/v1alpha1"
)

func TestResolveStep(t *testing.T) {
	c, err := Parse([]byte(`stages:
- name: test
  timeout: 20m
  cache: {key: go, paths: [/go]}
  resources: {cpuRequest: 1, memoryLimit: 1Gi}
  steps:
  - name: own
    runScript: {image: x}
    timeout: 5m
    cache: {key: mine, paths: [.m]}
    resources: {cpuRequest: 2}
  - name: inherits
    runScript: {image: x}
`), FormatWheelhouse)
	if err != nil {
		t.Fatal(err)
	}
	stage := &c.Stages[0]
	own := ResolveStep(stage, &stage.Steps[0])
	if own.Timeout.Duration != 5*time.Minute || own.Cache.Key != "mine" || own.Resources.CPURequest.String() != "2" || own.Resources.MemoryLimit.String() != "1Gi" {
		t.Errorf("own: %+v %+v %+v", own.Timeout, own.Cache, own.Resources)
	}
	inherits := ResolveStep(stage, &stage.Steps[1])
	if inherits.Timeout.Duration != 20*time.Minute || inherits.Cache.Key != "go" || inherits.Resources.CPURequest.String() != "1" {
		t.Errorf("inherits: %+v %+v %+v", inherits.Timeout, inherits.Cache, inherits.Resources)
	}
	// The stage and its steps are left as they were.
	if stage.Steps[1].Timeout != nil || stage.Steps[1].Resources != nil || stage.Steps[0].Resources.MemoryLimit != nil {
		t.Errorf("ResolveStep changed its input: %+v", stage.Steps)
	}
	plain := devopsv1alpha1.Stage{Name: "s"}
	step := devopsv1alpha1.Step{Name: "a", RunScript: &devopsv1alpha1.RunScriptStep{Image: "x"}}
	if diff := cmp.Diff(step, ResolveStep(&plain, &step)); diff != "" {
		t.Errorf("nothing to inherit (-want +got):\n%s", diff)
	}
}
