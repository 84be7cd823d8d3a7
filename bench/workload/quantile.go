package main

import (
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// histogramQuantiles estimates quantiles of the histogram called name in g,
// summed over the series whose labels match (nil: all), the way
// Prometheus' histogram_quantile does: find the bucket that holds the rank,
// interpolate linearly inside it. It also returns the number of samples.
func histogramQuantiles(g prometheus.Gatherer, name string, match func(map[string]string) bool, qs ...float64) ([]time.Duration, uint64, error) {
	families, err := g.Gather()
	if err != nil {
		return nil, 0, fmt.Errorf("gather metrics: %w", err)
	}
	cumulative := map[float64]uint64{}
	var total uint64
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
		for _, m := range f.GetMetric() {
			labels := map[string]string{}
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			if match != nil && !match(labels) {
				continue
			}
			h := m.GetHistogram()
			total += h.GetSampleCount()
			for _, b := range h.GetBucket() {
				cumulative[b.GetUpperBound()] += b.GetCumulativeCount()
			}
		}
	}
	if total == 0 {
		return make([]time.Duration, len(qs)), 0, nil
	}
	bounds := make([]float64, 0, len(cumulative))
	for b := range cumulative {
		bounds = append(bounds, b)
	}
	sort.Float64s(bounds)
	values := make([]time.Duration, 0, len(qs))
	for _, q := range qs {
		values = append(values, quantile(q, bounds, cumulative, total))
	}
	return values, total, nil
}

// labelIs matches series whose label k is v.
func labelIs(k, v string) func(map[string]string) bool {
	return func(l map[string]string) bool { return l[k] == v }
}

// quantile is histogram_quantile over sorted bucket bounds with their
// cumulative counts; ranks above the last finite bound answer that bound.
func quantile(q float64, bounds []float64, cumulative map[float64]uint64, total uint64) time.Duration {
	rank := q * float64(total)
	lower, below := 0.0, uint64(0)
	for _, b := range bounds {
		c := cumulative[b]
		if float64(c) >= rank {
			if math.IsInf(b, 1) {
				return seconds(lower)
			}
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
