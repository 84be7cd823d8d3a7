package main

import (
	"math"
	"testing"
)

func TestSummarize(t *testing.T) {
	cases := []struct {
		name   string
		ratios []float64
		want   ratioStats
	}{
		{"one pair", []float64{1.3}, ratioStats{mean: 1.3, median: 1.3, min: 1.3, max: 1.3}},
		{"odd count, unsorted", []float64{1.5, 1.1, 1.3}, ratioStats{mean: 1.3, median: 1.3, min: 1.1, max: 1.5}},
		{"even count: median between the middle two", []float64{1.64, 1.33, 1.49, 1.41}, ratioStats{mean: 1.4675, median: 1.45, min: 1.33, max: 1.64}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := append([]float64(nil), c.ratios...)
			got := summarize(c.ratios)
			for _, f := range []struct {
				field     string
				got, want float64
			}{{"mean", got.mean, c.want.mean}, {"median", got.median, c.want.median}, {"min", got.min, c.want.min}, {"max", got.max, c.want.max}} {
				if math.Abs(f.got-f.want) > 1e-9 {
					t.Errorf("%s = %v, want %v", f.field, f.got, f.want)
				}
			}
			for i := range in {
				if c.ratios[i] != in[i] {
					t.Fatalf("summarize reordered its argument: %v, was %v", c.ratios, in)
				}
			}
		})
	}
}
