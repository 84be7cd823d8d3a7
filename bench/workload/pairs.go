package main

import (
	"fmt"
	"slices"
	"time"
)

// pairResult is one direct batch and one operator batch, each on its own
// fresh cluster, run one after the other.
type pairResult struct {
	operatorFirst bool
	times         map[string]time.Duration
	results       map[string]batchResult
}

// ratio is the operator batch's time over the direct batch's.
func (p pairResult) ratio() float64 {
	return p.times[operatorNamespace].Seconds() / p.times[directNamespace].Seconds()
}

// totalCPU is the CPU time of every measured process in batch.
func (p pairResult) totalCPU(batch string) time.Duration {
	var sum time.Duration
	for _, d := range p.results[batch].cost.cpu {
		sum += d
	}
	return sum
}

// printPairs prints every pair's times and ratio, and the mean and median
// of the ratios. On the 2-core build machine the same code's ratio moves
// by ±0.2 from run to run (the CPU time of identical batches varies by
// a third), so one pair says little.
func printPairs(n int, pairs []pairResult) {
	fmt.Printf("\n### Every pair\n\n")
	fmt.Printf("| pair | first | direct | operator | ratio | CPU of all processes, direct / operator | Workload status writes per Workload |\n| --- | --- | --- | --- | --- | --- | --- |\n")
	ratios := make([]float64, 0, len(pairs))
	var direct, operator time.Duration
	for i, p := range pairs {
		first := directNamespace
		if p.operatorFirst {
			first = operatorNamespace
		}
		status := p.results[operatorNamespace].cost.requests["PATCH workloads/status"] / float64(n)
		fmt.Printf("| %d | %s | %s | %s | %.2f | %s / %s | %.2f |\n", i+1, first,
			p.times[directNamespace].Round(10*time.Millisecond), p.times[operatorNamespace].Round(10*time.Millisecond), p.ratio(),
			p.totalCPU(directNamespace).Round(100*time.Millisecond), p.totalCPU(operatorNamespace).Round(100*time.Millisecond), status)
		ratios = append(ratios, p.ratio())
		direct += p.times[directNamespace]
		operator += p.times[operatorNamespace]
	}
	st := summarize(ratios)
	fmt.Printf("\n| over %d pairs | result |\n| --- | --- |\n", len(pairs))
	fmt.Printf("| mean of the ratios (target at most 1.3) | %.3f |\n", st.mean)
	fmt.Printf("| median of the ratios | %.2f |\n", st.median)
	fmt.Printf("| smallest, largest ratio | %.2f, %.2f |\n", st.min, st.max)
	fmt.Printf("| ratio of the mean times | %.2f |\n", operator.Seconds()/direct.Seconds())
}

// ratioStats summarizes the ratios of several pairs.
type ratioStats struct {
	mean, median, min, max float64
}

// summarize returns the mean, median (the mean of the middle two for an
// even count), smallest and largest of ratios, which must not be empty.
func summarize(ratios []float64) ratioStats {
	sorted := slices.Sorted(slices.Values(ratios))
	var sum float64
	for _, r := range sorted {
		sum += r
	}
	mid := len(sorted) / 2
	median := sorted[mid]
	if len(sorted)%2 == 0 {
		median = (sorted[mid-1] + sorted[mid]) / 2
	}
	return ratioStats{mean: sum / float64(len(sorted)), median: median, min: sorted[0], max: sorted[len(sorted)-1]}
}
