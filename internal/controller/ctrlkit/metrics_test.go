package ctrlkit

import (
	"errors"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	ctrl "sigs.k8s.io/controller-runtime"
)

func TestReconcileMetrics(t *testing.T) {
	g := NewWithT(t)
	reg := prometheus.NewRegistry()
	m, err := NewReconcileMetrics(reg, "test_reconcile_duration_seconds", "Test.")
	g.Expect(err).NotTo(HaveOccurred())
	again, err := NewReconcileMetrics(reg, "test_reconcile_duration_seconds", "Test.")
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(again.ReconcileDuration).To(BeIdenticalTo(m.ReconcileDuration), "registered once, shared")

	start := time.Now()
	m.Observe("east", start, ctrl.Result{}, nil)
	m.Observe("east", start, ctrl.Result{RequeueAfter: time.Second}, nil)
	m.Observe("west", start, ctrl.Result{}, errors.New("boom"))
	m.Observe("west", start, ctrl.Result{}, errors.New("boom"))
	g.Expect(testutil.CollectAndCount(m.ReconcileDuration)).To(Equal(3))
	families, err := reg.Gather()
	g.Expect(err).NotTo(HaveOccurred())
	counts := map[[2]string]uint64{}
	for _, f := range families {
		for _, metric := range f.GetMetric() {
			labels := map[string]string{}
			for _, l := range metric.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			counts[[2]string{labels[ClusterLabel], labels["result"]}] = metric.GetHistogram().GetSampleCount()
		}
	}
	g.Expect(counts).To(Equal(map[[2]string]uint64{
		{"east", ResultSuccess}: 1, {"east", ResultRequeue}: 1, {"west", ResultError}: 2,
	}))

	var none *ReconcileMetrics
	none.Observe("east", start, ctrl.Result{}, nil) // nil metrics observe nothing
}

func TestRegisterRefusesAConflict(t *testing.T) {
	g := NewWithT(t)
	reg := prometheus.NewRegistry()
	_, err := Register(reg, prometheus.NewCounter(prometheus.CounterOpts{Name: "x_total", Help: "X."}))
	g.Expect(err).NotTo(HaveOccurred())
	_, err = Register(reg, prometheus.NewCounterVec(prometheus.CounterOpts{Name: "x_total", Help: "X."}, []string{ClusterLabel}))
	g.Expect(err).To(MatchError(ContainSubstring("register metrics")))
}
