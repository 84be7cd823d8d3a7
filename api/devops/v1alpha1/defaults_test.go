package v1alpha1

import (
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func TestQuota(t *testing.T) {
	var none *PipelineSetting
	if got := none.Quota(); got != DefaultExecutorQuota {
		t.Errorf("no setting: %d", got)
	}
	if got := (&PipelineSetting{}).Quota(); got != DefaultExecutorQuota {
		t.Errorf("unset quota: %d", got)
	}
	if got := (&PipelineSetting{Spec: PipelineSettingSpec{ExecutorQuota: 5}}).Quota(); got != 5 {
		t.Errorf("quota 5: %d", got)
	}
}

func TestTimeout(t *testing.T) {
	setting := &PipelineSetting{Spec: PipelineSettingSpec{DefaultTimeout: &metav1.Duration{Duration: 20 * time.Minute}}}
	file := &PipelineConfig{Timeout: &metav1.Duration{Duration: 5 * time.Minute}}
	for _, tc := range []struct {
		name    string
		setting *PipelineSetting
		config  *PipelineConfig
		want    time.Duration
	}{
		{"nothing set", nil, nil, DefaultTimeout},
		{"the setting's", setting, &PipelineConfig{}, 20 * time.Minute},
		{"the file's wins", setting, file, 5 * time.Minute},
		{"the file's without a setting", nil, file, 5 * time.Minute},
	} {
		if got := tc.setting.Timeout(tc.config); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.name, got, tc.want)
		}
	}
}

func TestFinished(t *testing.T) {
	for s, want := range map[ExecutionState]bool{
		StateQueueing: false, StatePending: false, StateBuilding: false,
		StateSuccess: true, StateFailed: true, StateAborted: true, StateDenied: true,
	} {
		if s.Finished() != want {
			t.Errorf("%s.Finished() = %v", s, !want)
		}
	}
}
