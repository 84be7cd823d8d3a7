package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"runtime/pprof"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
)

// costSnapshot is what the cluster has done so far: the API server's
// request counts by verb and resource (apiserver_request_total) and the
// CPU time of each sandbox component and of this process (which runs the
// controller). The difference of two snapshots is the cost of a batch,
// which unlike wall time does not depend on what else runs on the machine.
type costSnapshot struct {
	requests map[string]float64 // "VERB resource" → count
	seconds  map[string]float64 // "VERB resource" → summed latency
	cpu      map[string]time.Duration
	// etcd holds etcd's disk metrics: the sums and counts of its WAL
	// fsyncs and backend commits.
	etcd map[string]float64
}

// costMeter takes snapshots of one sandbox cluster.
type costMeter struct {
	rest    rest.Interface
	pidsDir string
}

func newCostMeter(cfg *rest.Config, clusterDir string) (*costMeter, error) {
	c := rest.CopyConfig(cfg)
	c.QPS, c.Burst = -1, 0
	cs, err := kubernetes.NewForConfig(c)
	if err != nil {
		return nil, fmt.Errorf("metrics client: %w", err)
	}
	return &costMeter{rest: cs.Discovery().RESTClient(), pidsDir: filepath.Join(clusterDir, "pids")}, nil
}

func (m *costMeter) snapshot(ctx context.Context) (costSnapshot, error) {
	s := costSnapshot{requests: map[string]float64{}, seconds: map[string]float64{}, cpu: map[string]time.Duration{}, etcd: map[string]float64{}}
	raw, err := m.rest.Get().AbsPath("/metrics").DoRaw(ctx)
	if err != nil {
		return s, fmt.Errorf("get API server metrics: %w", err)
	}
	sc := bufio.NewScanner(bytes.NewReader(raw))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		var into map[string]float64
		var prefix string
		switch {
		case strings.HasPrefix(line, "apiserver_request_total{"):
			into, prefix = s.requests, "apiserver_request_total{"
		case strings.HasPrefix(line, "apiserver_request_duration_seconds_sum{"):
			into, prefix = s.seconds, "apiserver_request_duration_seconds_sum{"
		default:
			continue
		}
		end := strings.LastIndexByte(line, '}')
		labels := parseLabels(line[len(prefix):end])
		v, err := strconv.ParseFloat(strings.TrimSpace(line[end+1:]), 64)
		if err != nil {
			continue
		}
		key := labels["verb"] + " " + labels["resource"]
		if labels["subresource"] != "" {
			key += "/" + labels["subresource"]
		}
		into[key] += v
	}
	entries, _ := os.ReadDir(m.pidsDir)
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(m.pidsDir, e.Name()))
		if err != nil {
			continue
		}
		pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
		if err != nil {
			continue
		}
		if d, ok := procCPU(pid); ok {
			s.cpu[strings.TrimSuffix(e.Name(), ".pid")] = d
		}
	}
	if err := m.etcdMetrics(ctx, s.etcd); err != nil {
		return s, err
	}
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err == nil {
		s.cpu["bench process (controller + load)"] = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	return s, nil
}

// procCPU is the user+system CPU time of a process, from /proc.
func procCPU(pid int) (time.Duration, bool) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, false
	}
	// Fields after the command (in parentheses, may hold spaces).
	rest := string(b[bytes.LastIndexByte(b, ')')+2:])
	f := strings.Fields(rest)
	if len(f) < 13 {
		return 0, false
	}
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	const hz = 100 // USER_HZ on Linux
	return time.Duration(utime+stime) * time.Second / hz, true
}

func parseLabels(s string) map[string]string {
	out := map[string]string{}
	for s != "" {
		eq := strings.IndexByte(s, '=')
		if eq < 0 || eq+1 >= len(s) || s[eq+1] != '"' {
			break
		}
		name := s[:eq]
		rest := s[eq+2:]
		end := strings.IndexByte(rest, '"')
		if end < 0 {
			break
		}
		out[name] = rest[:end]
		s = strings.TrimPrefix(rest[end+1:], ",")
	}
	return out
}

// batchCost is the difference of two snapshots.
type batchCost struct {
	requests map[string]float64
	seconds  map[string]float64
	cpu      map[string]time.Duration
	etcd     map[string]float64
}

func diffCost(before, after costSnapshot) batchCost {
	c := batchCost{requests: map[string]float64{}, seconds: map[string]float64{}, cpu: map[string]time.Duration{}, etcd: map[string]float64{}}
	for k, v := range after.requests {
		if d := v - before.requests[k]; d > 0 {
			c.requests[k] = d
			// Mean latency only of request counted here (a WATCH's
			// duration is its lifetime: skipped).
			c.seconds[k] = after.seconds[k] - before.seconds[k]
		}
	}
	for k, v := range after.cpu {
		c.cpu[k] = v - before.cpu[k]
	}
	for k, v := range after.etcd {
		c.etcd[k] = v - before.etcd[k]
	}
	return c
}

var writeVerbs = map[string]bool{"POST": true, "CREATE": true, "PUT": true, "UPDATE": true, "PATCH": true, "APPLY": true, "DELETE": true, "DELETECOLLECTION": true}

// printCosts prints, for both batches, the API writes per object by verb
// and resource, the reads, and the CPU time of each component.
func printCosts(n int, direct, operator batchCost) {
	fmt.Printf("\n### Cost per batch (API server request counts, CPU seconds)\n\n")
	keys := map[string]bool{}
	for k := range direct.requests {
		keys[k] = true
	}
	for k := range operator.requests {
		keys[k] = true
	}
	sorted := make([]string, 0, len(keys))
	for k := range keys {
		sorted = append(sorted, k)
	}
	sort.Strings(sorted)
	var dw, ow float64
	fmt.Printf("| API writes (verb resource) | direct | operator | direct per object | operator per object | mean latency direct / operator |\n| --- | --- | --- | --- | --- | --- |\n")
	for _, k := range sorted {
		verb := strings.SplitN(k, " ", 2)[0]
		if !writeVerbs[verb] {
			continue
		}
		d, o := direct.requests[k], operator.requests[k]
		dw += d
		ow += o
		fmt.Printf("| %s | %.0f | %.0f | %.2f | %.2f | %s / %s |\n", k, d, o, d/float64(n), o/float64(n),
			meanMillis(direct.seconds[k], d), meanMillis(operator.seconds[k], o))
	}
	fmt.Printf("| **all writes** | %.0f | %.0f | %.2f | %.2f | |\n", dw, ow, dw/float64(n), ow/float64(n))
	var dr, or float64
	for _, k := range sorted {
		verb := strings.SplitN(k, " ", 2)[0]
		if writeVerbs[verb] || verb == "WATCH" {
			continue
		}
		d, o := direct.requests[k], operator.requests[k]
		dr += d
		or += o
		if d >= 10 || o >= 10 {
			fmt.Printf("| %s | %.0f | %.0f | %.2f | %.2f | %s / %s |\n", k, d, o, d/float64(n), o/float64(n),
				meanMillis(direct.seconds[k], d), meanMillis(operator.seconds[k], o))
		}
	}
	fmt.Printf("| **all reads** (GET, LIST; those under 10 in both batches not shown) | %.0f | %.0f | | | |\n", dr, or)

	comps := map[string]bool{}
	for k := range direct.cpu {
		comps[k] = true
	}
	for k := range operator.cpu {
		comps[k] = true
	}
	names := make([]string, 0, len(comps))
	for k := range comps {
		names = append(names, k)
	}
	sort.Strings(names)
	var dt, ot time.Duration
	fmt.Printf("\n| CPU time | direct | operator |\n| --- | --- | --- |\n")
	for _, k := range names {
		dt += direct.cpu[k]
		ot += operator.cpu[k]
		fmt.Printf("| %s | %.1f s | %.1f s |\n", k, direct.cpu[k].Seconds(), operator.cpu[k].Seconds())
	}
	fmt.Printf("| **all** | %.1f s | %.1f s |\n", dt.Seconds(), ot.Seconds())

	fmt.Printf("\n| etcd disk | direct | operator |\n| --- | --- | --- |\n")
	for _, name := range etcdDiskMetrics {
		fmt.Printf("| %s: count, mean | %.0f, %s | %.0f, %s |\n", name,
			direct.etcd[name+"_count"], meanMillis(direct.etcd[name+"_sum"], direct.etcd[name+"_count"]),
			operator.etcd[name+"_count"], meanMillis(operator.etcd[name+"_sum"], operator.etcd[name+"_count"]))
	}
}

func meanMillis(sum, count float64) string {
	if count == 0 {
		return "-"
	}
	if ms := 1000 * sum / count; ms < 10 {
		return fmt.Sprintf("%.2f ms", ms)
	}
	return fmt.Sprintf("%.0f ms", 1000*sum/count)
}

// profile writes CPU profiles of length d, taken after delay, of the API
// server to path and of this process (the controller and the load) to
// path + ".bench".
func (m *costMeter) profile(ctx context.Context, path string, delay, d time.Duration, logger *slog.Logger) {
	select {
	case <-ctx.Done():
		return
	case <-time.After(delay):
	}
	go profileSelf(ctx, path+".bench", d, logger)
	raw, err := m.rest.Get().AbsPath("/debug/pprof/profile").Param("seconds", strconv.Itoa(int(d.Seconds()))).Timeout(d + time.Minute).DoRaw(ctx)
	if err == nil {
		err = os.WriteFile(path, raw, 0o644)
	}
	if err != nil {
		logger.Error("API server profile failed", "error", err)
	}
}

// profileSelf writes a CPU profile of this process of length d to path.
func profileSelf(ctx context.Context, path string, d time.Duration, logger *slog.Logger) {
	f, err := os.Create(path)
	if err != nil {
		logger.Error("Benchmark profile failed", "error", err)
		return
	}
	defer f.Close()
	if err := pprof.StartCPUProfile(f); err != nil {
		logger.Error("Benchmark profile failed", "error", err)
		return
	}
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
	pprof.StopCPUProfile()
}

// etcdDiskMetrics are the etcd histograms the cost report shows.
var etcdDiskMetrics = []string{"etcd_disk_wal_fsync_duration_seconds", "etcd_disk_backend_commit_duration_seconds"}

// etcdMetrics adds the sums and counts of etcdDiskMetrics to into, read
// from the sandbox etcd's /metrics (its client URL is on its command line).
func (m *costMeter) etcdMetrics(ctx context.Context, into map[string]float64) error {
	b, err := os.ReadFile(filepath.Join(m.pidsDir, "etcd.pid"))
	if err != nil {
		return fmt.Errorf("etcd pid: %w", err)
	}
	cmdline, err := os.ReadFile("/proc/" + strings.TrimSpace(string(b)) + "/cmdline")
	if err != nil {
		return fmt.Errorf("etcd command line: %w", err)
	}
	var url string
	for _, arg := range strings.Split(string(cmdline), "\x00") {
		if v, ok := strings.CutPrefix(arg, "--advertise-client-urls="); ok {
			url = strings.Split(v, ",")[0]
		}
	}
	if url == "" {
		return errors.New("etcd command line has no --advertise-client-urls")
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url+"/metrics", nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("etcd metrics: %w", err)
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		for _, name := range etcdDiskMetrics {
			for _, suffix := range []string{"_sum", "_count"} {
				if v, ok := strings.CutPrefix(line, name+suffix+" "); ok {
					f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
					if err == nil {
						into[name+suffix] = f
					}
				}
			}
		}
	}
	return sc.Err()
}
