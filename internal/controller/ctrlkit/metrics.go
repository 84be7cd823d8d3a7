package ctrlkit

import (
	"errors"
	"fmt"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	ctrl "sigs.k8s.io/controller-runtime"
	ctrlmetrics "sigs.k8s.io/controller-runtime/pkg/metrics"
)

// ClusterLabel is the label of every Wheelhouse controller metric that
// names the member cluster: the server runs a controller per cluster in
// one process, all observed by the same collectors.
const ClusterLabel = "cluster"

// The values of a reconcile metric's "result" label.
const (
	ResultSuccess = "success"
	ResultRequeue = "requeue"
	ResultError   = "error"
)

// ReconcileMetrics are a reconciler's own metrics, by cluster and result.
// Make them once per process (the collectors are registered once) and
// share them among the reconcilers of every cluster.
type ReconcileMetrics struct {
	// ReconcileDuration observes how long each Reconcile call takes.
	ReconcileDuration *prometheus.HistogramVec
}

// NewReconcileMetrics makes a reconcile latency histogram called name and
// registers it with reg (controller-runtime's metrics.Registry when nil,
// which the server's /metrics and the operator's manager serve).
func NewReconcileMetrics(reg prometheus.Registerer, name, help string) (*ReconcileMetrics, error) {
	if reg == nil {
		reg = ctrlmetrics.Registry
	}
	h, err := Register(reg, prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: name,
		Help: help,
		// 0.5 ms to 60 s in 30 steps of ~1.5x: fine enough for p50/p99
		// estimates with histogram_quantile.
		Buckets: prometheus.ExponentialBucketsRange(0.0005, 60, 30),
	}, []string{ClusterLabel, "result"}))
	if err != nil {
		return nil, err
	}
	return &ReconcileMetrics{ReconcileDuration: h}, nil
}

// Observe records one reconciliation for cluster that started at start
// and returned result and err.
func (m *ReconcileMetrics) Observe(cluster string, start time.Time, result ctrl.Result, err error) {
	if m == nil {
		return
	}
	label := ResultSuccess
	switch {
	case err != nil:
		label = ResultError
	case !result.IsZero():
		label = ResultRequeue
	}
	m.ReconcileDuration.WithLabelValues(cluster, label).Observe(time.Since(start).Seconds())
}

// Register registers c with reg. When reg already has an equal collector
// (the same name, help and labels) it returns that one instead, so that
// code which runs once per cluster, or once per test, shares it.
func Register[C prometheus.Collector](reg prometheus.Registerer, c C) (C, error) {
	err := reg.Register(c)
	if err == nil {
		return c, nil
	}
	var are prometheus.AlreadyRegisteredError
	if errors.As(err, &are) {
		if existing, ok := are.ExistingCollector.(C); ok {
			return existing, nil
		}
	}
	var zero C
	return zero, fmt.Errorf("register metrics: %w", err)
}
