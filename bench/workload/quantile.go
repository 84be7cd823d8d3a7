package main

import (
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/wheelhouse-dev/wheelhouse/internal/controller/workload"
)

// quantileResult holds estimated quantiles of the reconcile histogram (all
// results together) and the number of reconciles per result.
type quantileResult struct {
	values []time.Duration
	counts map[string]uint64
}

// quantiles estimates the given quantiles of the controller's reconcile
// latency histogram (gathered from reg) the way Prometheus'
// histogram_quantile does: find the bucket that holds the rank, interpolate
// linearly inside it.
func quantiles(reg prometheus.Gatherer, qs ...float64) (quantileResult, error) {
	res := quantileResult{counts: map[string]uint64{}}
	families, err := reg.Gather()
	if err != nil {
		return res, fmt.Errorf("gather metrics: %w", err)
	}
	cumulative := map[float64]uint64{}
	var total uint64
	for _, f := range families {
		if f.GetName() != workload.ReconcileDurationName {
			continue
		}
		for _, m := range f.GetMetric() {
			h := m.GetHistogram()
			for _, l := range m.GetLabel() {
				if l.GetName() == "result" {
					res.counts[l.GetValue()] += h.GetSampleCount()
				}
			}
			total += h.GetSampleCount()
			for _, b := range h.GetBucket() {
				cumulative[b.GetUpperBound()] += b.GetCumulativeCount()
			}
		}
	}
	if total == 0 {
		return res, fmt.Errorf("no reconciles were observed")
	}
	bounds := make([]float64, 0, len(cumulative)+1)
	for b := range cumulative {
		bounds = append(bounds, b)
	}
	sort.Float64s(bounds)
	for _, q := range qs {
		res.values = append(res.values, quantile(q, bounds, cumulative, total))
	}
	return res, nil
}

// quantile is histogram_quantile over sorted bucket bounds with their
// cumulative counts; ranks above the last bound answer the last bound.
func quantile(q float64, bounds []float64, cumulative map[float64]uint64, total uint64) time.Duration {
	rank := q * float64(total)
	lower, below := 0.0, uint64(0)
	for _, b := range bounds {
		c := cumulative[b]
		if float64(c) >= rank {
			frac := 0.0
			if c > below {
				frac = (rank - float64(below)) / float64(c-below)
			}
			return seconds(lower + (b-lower)*frac)
		}
		lower, below = b, c
	}
	return seconds(lower)
}

func seconds(s float64) time.Duration {
	if math.IsInf(s, 0) || math.IsNaN(s) {
		return 0
	}
	return time.Duration(s * float64(time.Second))
}
