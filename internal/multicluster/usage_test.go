package multicluster

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	k8stesting "k8s.io/client-go/testing"
	metricsv1beta1 "k8s.io/metrics/pkg/apis/metrics/v1beta1"
	metricsfake "k8s.io/metrics/pkg/client/clientset/versioned/fake"
)

var sampled = time.Date(2026, 11, 22, 8, 0, 0, 0, time.UTC)

func nodeMetrics(name, cpu, memory string) metricsv1beta1.NodeMetrics {
	return metricsv1beta1.NodeMetrics{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Timestamp:  metav1.NewTime(sampled),
		Window:     metav1.Duration{Duration: 15 * time.Second},
		Usage: corev1.ResourceList{
			corev1.ResourceCPU:    resource.MustParse(cpu),
			corev1.ResourceMemory: resource.MustParse(memory),
		},
	}
}

func TestSumNodeMetrics(t *testing.T) {
	now := sampled.Add(time.Second)
	node := func(cpu, mem int64) NodeUsage {
		return NodeUsage{CPUMillis: cpu, MemoryBytes: mem, Timestamp: sampled, Window: 15 * time.Second}
	}
	tests := []struct {
		name  string
		items []metricsv1beta1.NodeMetrics
		want  *Usage
	}{
		{"none", nil, &Usage{Nodes: map[string]NodeUsage{}, CollectedAt: now}},
		{"one", []metricsv1beta1.NodeMetrics{nodeMetrics("a", "250m", "1Gi")},
			&Usage{CPUMillis: 250, MemoryBytes: 1 << 30, Nodes: map[string]NodeUsage{"a": node(250, 1<<30)}, CollectedAt: now}},
		{"summed", []metricsv1beta1.NodeMetrics{nodeMetrics("a", "250m", "1Gi"), nodeMetrics("b", "1500m", "512Mi")},
			&Usage{CPUMillis: 1750, MemoryBytes: 1<<30 + 512<<20,
				Nodes: map[string]NodeUsage{"a": node(250, 1<<30), "b": node(1500, 512<<20)}, CollectedAt: now}},
		// metrics-server reports CPU in nanocores; a part of a millicore
		// counts as a whole one, as Quantity.MilliValue rounds.
		{"nanocores round up", []metricsv1beta1.NodeMetrics{nodeMetrics("a", "100000001n", "1000")},
			&Usage{CPUMillis: 101, MemoryBytes: 1000, Nodes: map[string]NodeUsage{"a": node(101, 1000)}, CollectedAt: now}},
		{"a node twice counts once", []metricsv1beta1.NodeMetrics{nodeMetrics("a", "1", "1Mi"), nodeMetrics("a", "2", "2Mi")},
			&Usage{CPUMillis: 2000, MemoryBytes: 2 << 20, Nodes: map[string]NodeUsage{"a": node(2000, 2<<20)}, CollectedAt: now}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, SumNodeMetrics(tt.items, now)); diff != "" {
				t.Errorf("SumNodeMetrics (-want +got):\n%s", diff)
			}
		})
	}
}

// TestPollUsage checks what a poll leaves for readers when metrics.k8s.io
// answers, is not served, fails or hangs.
func TestPollUsage(t *testing.T) {
	tests := []struct {
		name    string
		reactor k8stesting.ReactionFunc
		want    *Usage // CollectedAt ignored
	}{
		// The fake's object tracker files NodeMetrics under the guessed
		// resource "nodemetricses" while the client lists "nodes": answer
		// the list here.
		{"answers", func(k8stesting.Action) (bool, runtime.Object, error) {
			return true, &metricsv1beta1.NodeMetricsList{Items: []metricsv1beta1.NodeMetrics{
				nodeMetrics("a", "100m", "1Mi"), nodeMetrics("b", "200m", "2Mi")}}, nil
		}, &Usage{CPUMillis: 300, MemoryBytes: 3 << 20, Nodes: map[string]NodeUsage{
			"a": {CPUMillis: 100, MemoryBytes: 1 << 20, Timestamp: sampled, Window: 15 * time.Second},
			"b": {CPUMillis: 200, MemoryBytes: 2 << 20, Timestamp: sampled, Window: 15 * time.Second},
		}}},
		{"not served", func(k8stesting.Action) (bool, runtime.Object, error) {
			return true, nil, apierrors.NewNotFound(schema.GroupResource{Group: "metrics.k8s.io", Resource: "nodes"}, "")
		}, nil},
		{"unavailable", func(k8stesting.Action) (bool, runtime.Object, error) {
			return true, nil, apierrors.NewServiceUnavailable("the server is currently unable to handle the request")
		}, nil},
		{"times out", func(k8stesting.Action) (bool, runtime.Object, error) {
			return true, nil, context.DeadlineExceeded
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := metricsfake.NewSimpleClientset()
			fake.PrependReactor("list", "nodes", tt.reactor)
			c := &Cluster{name: "c", opts: Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), UsageTimeout: time.Second}, Metrics: fake}
			// A good answer from before must not survive a failure.
			c.usage = &Usage{CPUMillis: 1}
			c.pollUsage(t.Context())
			got := c.Usage()
			if got != nil {
				got.CollectedAt = time.Time{}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Usage after poll (-want +got):\n%s", diff)
			}
		})
	}
}

func TestUsageReason(t *testing.T) {
	tests := []struct {
		err  error
		want string
	}{
		{apierrors.NewNotFound(schema.GroupResource{Group: "metrics.k8s.io", Resource: "nodes"}, ""), "metrics.k8s.io is not served (no metrics-server)"},
		{context.DeadlineExceeded, "metrics.k8s.io did not answer in time"},
		{errors.New("boom"), "metrics.k8s.io: boom"},
	}
	for _, tt := range tests {
		if got := usageReason(tt.err); got != tt.want {
			t.Errorf("usageReason(%v) = %q, want %q", tt.err, got, tt.want)
		}
	}
}
