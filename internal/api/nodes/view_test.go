package nodes

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/wheelhouse-dev/wheelhouse/internal/multicluster"
)

func TestViewOfUsage(t *testing.T) {
	node := &corev1.Node{
		ObjectMeta: metav1.ObjectMeta{Name: "n1"},
		Status: corev1.NodeStatus{Allocatable: corev1.ResourceList{
			corev1.ResourceCPU: resource.MustParse("4"), corev1.ResourceMemory: resource.MustParse("8Gi"), corev1.ResourcePods: resource.MustParse("110"),
		}},
	}
	at := time.Date(2026, 11, 22, 8, 0, 0, 0, time.UTC)
	metrics := &multicluster.Usage{CPUMillis: 1500, MemoryBytes: 3 << 30, Nodes: map[string]multicluster.NodeUsage{
		"n1":    {CPUMillis: 1000, MemoryBytes: 2 << 30, Timestamp: at, Window: 15 * time.Second},
		"other": {CPUMillis: 500, MemoryBytes: 1 << 30},
	}}
	tests := []struct {
		name    string
		metrics *multicluster.Usage
		want    *NodeUsage
	}{
		{"metrics-server did not answer", nil, nil},
		{"no metrics for this node yet", &multicluster.Usage{Nodes: map[string]multicluster.NodeUsage{"other": {}}}, nil},
		{"against allocatable", metrics, &NodeUsage{CPU: "1", Memory: "2Gi", CPUMillis: 1000, MemoryBytes: 2 << 30,
			CPUPercent: 25, MemoryPercent: 25, Timestamp: at, Window: "15s"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := viewOf(node, nil, tt.metrics).Usage
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("usage (-want +got):\n%s", diff)
			}
		})
	}
}
