package workload

import (
	"errors"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	ctrlmetrics "sigs.k8s.io/controller-runtime/pkg/metrics"
)

// ReconcileDurationName is the name of the reconcile latency histogram.
const ReconcileDurationName = "wheelhouse_workload_reconcile_duration_seconds"

// Reconcile results, the values of the histogram's "result" label.
const (
	resultSuccess = "success"
	resultRequeue = "requeue"
	resultError   = "error"
)

// Metrics are the Prometheus metrics of the Workload controller.
type Metrics struct {
	// ReconcileDuration observes how long each Reconcile call takes, by
	// result (success, requeue, error).
	ReconcileDuration *prometheus.HistogramVec
}

// NewMetrics creates the controller's metrics and registers them with reg
// (controller-runtime's metrics.Registry when nil, which the manager serves
// at /metrics). Registering twice with one registry returns the collectors
// registered first, so several reconcilers in one process (tests) share
// them.
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	if reg == nil {
		reg = ctrlmetrics.Registry
	}
	h := prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: ReconcileDurationName,
		Help: "Duration of one reconciliation of a Workload, by result.",
		// 0.5 ms to 60 s in 30 steps of ~1.5x: fine enough for p50/p99
		// estimates with histogram_quantile.
		Buckets: prometheus.ExponentialBucketsRange(0.0005, 60, 30),
	}, []string{"result"})
	if err := reg.Register(h); err != nil {
		var are prometheus.AlreadyRegisteredError
		if !errors.As(err, &are) {
			return nil, err
		}
		existing, ok := are.ExistingCollector.(*prometheus.HistogramVec)
		if !ok {
			return nil, err
		}
		h = existing
	}
	return &Metrics{ReconcileDuration: h}, nil
}

// observe records one reconciliation that started at start.
func (m *Metrics) observe(start time.Time, requeue bool, err error) {
	if m == nil {
		return
	}
	result := resultSuccess
	switch {
	case err != nil:
		result = resultError
	case requeue:
		result = resultRequeue
	}
	m.ReconcileDuration.WithLabelValues(result).Observe(time.Since(start).Seconds())
}
