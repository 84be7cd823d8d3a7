package workload

import (
	"sync"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/wheelhouse-dev/wheelhouse/internal/controller/ctrlkit"
)

// ReconcileDurationName is the name of the reconcile latency histogram.
const ReconcileDurationName = "wheelhouse_workload_reconcile_duration_seconds"

// Metrics are the Prometheus metrics of the Workload controller, labelled
// by cluster (ctrlkit.ClusterLabel) and result.
type Metrics = ctrlkit.ReconcileMetrics

// NewMetrics creates the controller's metrics and registers them with reg
// (controller-runtime's metrics.Registry when nil). Registering twice with
// one registry returns the collectors registered first.
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	return ctrlkit.NewReconcileMetrics(reg, ReconcileDurationName,
		"Duration of one reconciliation of a Workload, by cluster and result.")
}

// DefaultMetrics are the process's metrics of every Workload controller
// (one per member cluster in the server), registered once with
// controller-runtime's metrics.Registry, which the server's /metrics and
// the operator's manager serve.
var DefaultMetrics = sync.OnceValues(func() (*Metrics, error) { return NewMetrics(nil) })
