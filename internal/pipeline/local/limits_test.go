package local

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/api/resource"

	devopsv1alpha1 "github.com/wheelhouse-dev/wheelhouse/api/devops/v1alpha1"
)

// A Process step's limits are enforced by cgroups of its own (this
// machine has writable cgroup v1 controllers; a host without them fails
// this test), which are gone after the step.
func TestProcessLimits(t *testing.T) {
	own, err := ownCgroups()
	if err != nil || own["cpu"] == "" || own["memory"] == "" {
		t.Fatalf("Process limits need writable cgroup v1 cpu and memory controllers: %v %v", own, err)
	}
	e := newEngine(t)
	r := newRepo(t, t.TempDir(), "app.git", map[string]string{"README": "x\n"})
	job := prepared(t, e, r, "run-1")
	q := func(s string) *resource.Quantity { v := resource.MustParse(s); return &v }

	for _, tc := range []struct {
		name      string
		script    string
		resources devopsv1alpha1.StepResources
		message   string
		log       string
	}{
		{
			name:      "cpu quota",
			script:    `cat "/sys/fs/cgroup/cpu$(grep -E '^[0-9]+:([^:]*,)?cpu(,[^:]*)?:' /proc/self/cgroup | cut -d: -f3)/cpu.cfs_quota_us"`,
			resources: devopsv1alpha1.StepResources{CPULimit: q("500m")},
			log:       "50000\n",
		},
		{
			name:      "memory limit",
			script:    `x=$(head -c 200000000 /dev/zero | tr '\0' a); echo survived`,
			resources: devopsv1alpha1.StepResources{MemoryLimit: q("32Mi")},
			message:   "killed for going beyond its memoryLimit of 32Mi",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			step := scriptStep(tc.script, nil)
			step.Step.Resources = &tc.resources
			var log bytes.Buffer
			res, err := e.RunStep(t.Context(), job, step, &log)
			if err != nil {
				t.Fatal(err)
			}
			if res.Message != tc.message || (tc.message == "") != (res.ExitCode == 0) {
				t.Errorf("result = %+v, want message %q\n%s", res, tc.message, log.String())
			}
			if !strings.Contains(log.String(), tc.log) || strings.Contains(log.String(), "survived") {
				t.Errorf("log = %q, want %q", log.String(), tc.log)
			}
			for _, dir := range own {
				if left, _ := filepath.Glob(filepath.Join(dir, "wheelhouse-*")); len(left) > 0 {
					t.Errorf("cgroups left: %v", left)
				}
			}
		})
	}
}
