package clusters

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/wheelhouse-dev/wheelhouse/internal/multicluster"
)

func TestUsageOf(t *testing.T) {
	at := time.Date(2026, 11, 22, 8, 0, 0, 0, time.FixedZone("CET", 3600))
	tests := []struct {
		name string
		in   *multicluster.Usage
		want *Usage
	}{
		{"metrics-server did not answer", nil, nil},
		{"no node reported yet", &multicluster.Usage{Nodes: map[string]multicluster.NodeUsage{}, CollectedAt: at}, nil},
		{"totals and node count", &multicluster.Usage{CPUMillis: 300, MemoryBytes: 3 << 20, CollectedAt: at,
			Nodes: map[string]multicluster.NodeUsage{"a": {CPUMillis: 100, MemoryBytes: 1 << 20}, "b": {CPUMillis: 200, MemoryBytes: 2 << 20}}},
			&Usage{CPUMillis: 300, MemoryBytes: 3 << 20, Nodes: 2, CollectedAt: at.UTC()}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, usageOf(tt.in)); diff != "" {
				t.Errorf("usageOf (-want +got):\n%s", diff)
			}
		})
	}
}

// TestResourcesUsageJSON checks that usage is left out of the JSON, not
// null or zero, when metrics-server does not answer.
func TestResourcesUsageJSON(t *testing.T) {
	raw, err := json.Marshal(Resources{})
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	if _, ok := m["usage"]; ok {
		t.Errorf("usage present without metrics: %s", raw)
	}
	raw, err = json.Marshal(Resources{Usage: &Usage{CPUMillis: 100, MemoryBytes: 1 << 20, Nodes: 1}})
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	u, _ := m["usage"].(map[string]any)
	if u["cpuMillis"] != float64(100) || u["memoryBytes"] != float64(1<<20) || u["nodes"] != float64(1) {
		t.Errorf("usage in JSON: %s", raw)
	}
}
