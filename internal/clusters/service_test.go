package clusters

import (
	"testing"

	"github.com/wheelhouse-dev/wheelhouse/internal/multicluster"
	"github.com/wheelhouse-dev/wheelhouse/internal/store"
)

func TestPhaseEvent(t *testing.T) {
	tests := []struct {
		from, to    multicluster.Phase
		typ, reason string
		withMessage string
	}{
		{multicluster.PhaseSyncing, multicluster.PhaseReady, store.EventNormal, "Ready", ""},
		{multicluster.PhaseUnavailable, multicluster.PhaseReady, store.EventNormal, "Recovered", ""},
		{multicluster.PhaseUnauthorized, multicluster.PhaseReady, store.EventNormal, "Recovered", ""},
		{multicluster.PhaseReady, multicluster.PhaseSyncing, store.EventNormal, "Syncing", ""},
		{multicluster.PhaseReady, multicluster.PhaseUnavailable, store.EventWarning, "Unavailable", "connection refused"},
		{multicluster.PhaseReady, multicluster.PhaseUnauthorized, store.EventWarning, "Unauthorized", "token rejected"},
	}
	for _, tt := range tests {
		typ, reason, msg := phaseEvent(multicluster.PhaseChange{Cluster: "c", From: tt.from, To: tt.to, Reason: tt.withMessage})
		if typ != tt.typ || reason != tt.reason || msg == "" || (tt.withMessage != "" && msg != tt.withMessage) {
			t.Errorf("%s→%s: %s %s %q", tt.from, tt.to, typ, reason, msg)
		}
	}
}
