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
	var sum float64
	for _, r := range ratios {
		sum += r
	}
	slices.Sort(ratios)
	median := ratios[len(ratios)/2]
	if len(ratios)%2 == 0 {
		median = (ratios[len(ratios)/2-1] + ratios[len(ratios)/2]) / 2
	}
	fmt.Printf("\n| over %d pairs | result |\n| --- | --- |\n", len(pairs))
	fmt.Printf("| mean of the ratios (target at most 1.25) | %.2f |\n", sum/float64(len(ratios)))
	fmt.Printf("| median of the ratios | %.2f |\n", median)
	fmt.Printf("| smallest, largest ratio | %.2f, %.2f |\n", ratios[0], ratios[len(ratios)-1])
	fmt.Printf("| ratio of the mean times | %.2f |\n", operator.Seconds()/direct.Seconds())
}
