package main

import (
	"context"
	"fmt"
	"math"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strings"
	"time"
)

// loadResult is how one sandbox cluster was loaded.
type loadResult struct {
	cluster string
	up      time.Duration
	create  time.Duration
	running time.Duration
	pods    int
}

// results collects every figure of one run.
type results struct {
	opts              options
	started, finished time.Time
	// version is what the benchmarked binary's `version` prints.
	version string

	loads []loadResult

	loadBeforeImport string
	importPost       time.Duration
	importTotal      time.Duration
	otherImports     []time.Duration

	readMode        string
	loadBeforeReads string
	directSync      time.Duration
	reads           []time.Duration
	readsList       []time.Duration
	floor           []time.Duration
	kubectl         []time.Duration
	apiList         []time.Duration

	rssKiB    int64
	hwmKiB    int64
	heapInuse float64

	// failure is the error that ended a run after the reads were timed;
	// the report then gives what was measured.
	failure string
}

// quantile is the nearest-rank q-quantile of ds (0 when empty).
func quantile(ds []time.Duration, q float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	i := int(math.Ceil(q*float64(len(s)))) - 1
	return s[min(max(i, 0), len(s)-1)]
}

func ms(d time.Duration) string {
	return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000)
}

func secs(d time.Duration) string { return fmt.Sprintf("%.1f s", d.Seconds()) }

func verdict(ok bool) string {
	if ok {
		return "met"
	}
	return "**missed**"
}

// markdown renders the results as the section body of bench/RESULTS.md.
func (r *results) markdown() string {
	o := r.opts
	var b strings.Builder
	fmt.Fprintf(&b, "Run %s to %s UTC; %d CPUs, %s memory; server %s; load average %s before the import, %s before the reads.\n\n",
		r.started.Format("2006-01-02 15:04"), r.finished.Format("15:04"), runtime.NumCPU(), memTotal(), r.version, r.loadBeforeImport, r.loadBeforeReads)

	b.WriteString("Load (context, no target):\n\n| cluster | nodes | pods | sandbox up | create pods | until all Running |\n| --- | --- | --- | --- | --- | --- |\n")
	for _, l := range r.loads {
		fmt.Fprintf(&b, "| %s | %d | %d | %s | %s (%.0f pods/s) | %s |\n", l.cluster, o.nodes, l.pods, secs(l.up), secs(l.create),
			float64(o.pods)/l.create.Seconds(), secs(l.running))
	}

	readP50, readP99 := quantile(r.reads, 0.5), quantile(r.reads, 0.99)
	kP50, kP99 := quantile(r.kubectl, 0.5), quantile(r.kubectl, 0.99)
	ratio := float64(kP50) / float64(max(readP50, time.Microsecond))
	how := "`GET /api/v1/clusters/{cluster}/pods?labelSelector=app=app-K&limit=100` over HTTPS"
	if r.readMode == "direct" {
		how = "`Cluster.List(\"pods\", {LabelSelector: app=app-K, Limit: 100})` plus JSON encoding of the page, in the benchmark process (no HTTP)"
	}
	b.WriteString("\n| measure | target | result | |\n| --- | --- | --- | --- |\n")
	fmt.Fprintf(&b, "| import + first full cache sync of %s (%d nodes, %d pods): POST to GET showing Ready with every pod | < 15 s | %s (POST itself %s) | %s |\n",
		r.loads[0].cluster, o.nodes, r.loads[0].pods, secs(r.importTotal), ms(r.importPost), verdict(r.importTotal < 15*time.Second))
	fmt.Fprintf(&b, "| cached read p50, %d reads: %s | ≤ 20 ms | %s | %s |\n", len(r.reads), how, ms(readP50), verdict(readP50 <= 20*time.Millisecond))
	fmt.Fprintf(&b, "| cached read p99 | ≤ 100 ms | %s | %s |\n", ms(readP99), verdict(readP99 <= 100*time.Millisecond))
	fmt.Fprintf(&b, "| `kubectl get pods -A -l app=app-K` at the API server, %d runs, p50 / p99 | | %s / %s | |\n", len(r.kubectl), ms(kP50), ms(kP99))
	fmt.Fprintf(&b, "| kubectl p50 / cached read p50 | ≥ 20× | %.0f× | %s |\n", ratio, verdict(ratio >= 20))
	if r.rssKiB > 0 {
		fmt.Fprintf(&b, "| server RSS, %d cluster(s) synced (%d pods cached) | ≤ 600 MB | %.0f MB (%d MiB; peak %d MiB) | %s |\n",
			len(r.loads), r.totalPods(), float64(r.rssKiB)*1024/1e6, r.rssKiB/1024, r.hwmKiB/1024, verdict(float64(r.rssKiB)*1024 <= 600e6))
		fmt.Fprintf(&b, "| server `go_memstats_heap_inuse_bytes`, same moment | | %.0f MB | |\n", r.heapInuse/1e6)
	} else {
		fmt.Fprintf(&b, "| server RSS, %d cluster(s) synced | ≤ 600 MB | not measured: the run failed before (%s) | |\n", r.opts.clusters, r.failure)
	}

	b.WriteString("\nFor context:\n\n| measure | result |\n| --- | --- |\n")
	fmt.Fprintf(&b, "| LIST `pods?labelSelector=app=app-K` at the API server through client-go (JSON), %d runs, p50 / p99 | %s / %s |\n",
		len(r.apiList), ms(quantile(r.apiList, 0.5)), ms(quantile(r.apiList, 0.99)))
	if len(r.readsList) > 0 {
		fmt.Fprintf(&b, "| `Cluster.List` alone (no encoding), p50 / p99 | %s / %s |\n", ms(quantile(r.readsList, 0.5)), ms(quantile(r.readsList, 0.99)))
	}
	if r.directSync > 0 {
		fmt.Fprintf(&b, "| in-process `Connect` + `WaitForSync` of the same cluster (reads' own connection) | %s |\n", secs(r.directSync))
	}
	fmt.Fprintf(&b, "| authenticated `GET /api/v1/users/me` over HTTPS, %d requests, p50 / p99 (the floor of any API call) | %s / %s |\n",
		len(r.floor), ms(quantile(r.floor, 0.5)), ms(quantile(r.floor, 0.99)))
	for i, d := range r.otherImports {
		fmt.Fprintf(&b, "| import + sync of %s while %d cluster(s) already synced | %s |\n", r.loads[i+1].cluster, i+1, secs(d))
	}
	return b.String()
}

func (r *results) totalPods() int {
	n := 0
	for _, l := range r.loads {
		n += l.pods
	}
	return n
}

// memTotal is MemTotal of /proc/meminfo in GiB.
func memTotal() string {
	raw, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return "unknown"
	}
	for line := range strings.Lines(string(raw)) {
		if v, ok := strings.CutPrefix(line, "MemTotal:"); ok {
			var kib int64
			if _, err := fmt.Sscan(strings.TrimSpace(v), &kib); err == nil {
				return fmt.Sprintf("%.0f GiB", float64(kib)/(1<<20))
			}
		}
	}
	return "unknown"
}

// binaryVersion is what `BIN version` prints, e.g.
// "wheelhouse v0.1.0 (commit 4ed3663, go1.26.8)".
func binaryVersion(ctx context.Context, bin string) string {
	out, err := exec.CommandContext(ctx, bin, "version").Output()
	if err != nil {
		return "unknown"
	}
	return "`" + strings.TrimSpace(string(out)) + "`"
}
