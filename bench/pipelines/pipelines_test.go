//go:build !unit

// Package pipelines measures pipeline executions through the API, on the
// local engine, with a management cluster that is a sandbox:
//
//   - Trigger: POST .../pipelines/{name}/run to the first step's process
//     running (the step writes the clock as it starts), over -runs runs one
//     after the other, warm mirror; p50 and p99. Target: p50 under 100 ms.
//
//   - Quota: -queued executions of a one-second step queued at once under
//     an executor quota of -quota, sampled every 20 ms: never more than
//     -quota Building, all finish; the total time against running the same
//     in batches of -quota by hand (start a batch, wait for it, start the
//     next).
//
//     go test ./bench/pipelines -run '^$' -bench . -benchtime 1x [-runs 50] [-queued 50] [-quota 5]
//
// Results: bench/RESULTS.md.
package pipelines

import (
	"flag"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/onsi/gomega"

	"github.com/wheelhouse-dev/wheelhouse/internal/pipeline/gittest"
	"github.com/wheelhouse-dev/wheelhouse/internal/server/servertest"
)

var (
	runs   = flag.Int("runs", 50, "runs of the trigger benchmark")
	queued = flag.Int("queued", 50, "executions queued at once in the quota benchmark")
	quota  = flag.Int("quota", 5, "executor quota of the quota benchmark")
)

const base = "/api/v1/clusters/local/projects/bench"

// setUp starts the server with the sandbox as its management cluster, a
// project with the executor quota, and the pipeline of file.
func setUp(b *testing.B, executors int, file string) *servertest.Harness {
	h, _ := servertest.WithSandbox(b, servertest.Options{ManagementCluster: "local"}, "local", 0)
	h.Expect(http.StatusCreated, http.MethodPost, "/api/v1/clusters/local/projects", h.Admin, map[string]any{"name": "bench"})
	repo := gittest.New(b, "app", map[string]string{".wheelhouse-pipeline.yml": file}, gittest.Options{})
	obj := func(name string, spec map[string]any) map[string]any {
		return map[string]any{"metadata": map[string]any{"name": name}, "spec": spec}
	}
	h.Expect(http.StatusCreated, http.MethodPost, base+"/source-code-providers", h.Admin, obj("git", map[string]any{"type": "git"}))
	h.Expect(http.StatusCreated, http.MethodPost, base+"/source-code-repositories", h.Admin, obj("app", map[string]any{"url": repo.URL, "provider": "git"}))
	h.Expect(http.StatusCreated, http.MethodPost, base+"/pipeline-settings", h.Admin, obj("default", map[string]any{"executorQuota": executors}))
	h.Expect(http.StatusCreated, http.MethodPost, base+"/pipelines", h.Admin, obj("app", map[string]any{"repository": "app"}))
	return h
}

// run starts one execution and returns its name.
func run(b *testing.B, h *servertest.Harness) string {
	x := h.Expect(http.StatusCreated, http.MethodPost, base+"/pipelines/app/run", h.Admin, map[string]any{})
	return x["metadata"].(map[string]any)["name"].(string)
}

// states are the executions' states by name.
func states(b *testing.B, h *servertest.Harness) map[string]string {
	var list struct {
		Items []struct {
			Metadata struct{ Name string }
			Status   struct{ State string }
		}
	}
	if err := h.GetJSON(base+"/pipeline-executions", &list); err != nil {
		b.Fatal(err)
	}
	out := map[string]string{}
	for _, x := range list.Items {
		out[x.Metadata.Name] = x.Status.State
	}
	return out
}

// waitEnded waits until every execution of names ended, and fails unless
// each succeeded.
func waitEnded(b *testing.B, h *servertest.Harness, names []string) {
	servertest.Eventually(b, func() error {
		st := states(b, h)
		for _, n := range names {
			switch st[n] {
			case "Success":
			case "Failed", "Aborted", "Denied":
				b.Fatalf("execution %s: %s", n, st[n])
			default:
				return fmt.Errorf("%s is %q", n, st[n])
			}
		}
		return nil
	}).Should(gomega.Succeed())
}

func BenchmarkTrigger(b *testing.B) {
	out := b.TempDir()
	h := setUp(b, 2, `stages:
- name: first
  steps:
  - name: clock
    runScript:
      image: busybox
      shellScript: date +%s%N > `+out+`/$CICD_EXECUTION_SEQUENCE
`)
	// One run warms the mirror, as a pipeline's runs after its first find it.
	waitEnded(b, h, []string{run(b, h)})
	var lat []time.Duration
	for i := 0; i < *runs; i++ {
		start := time.Now()
		name := run(b, h)
		waitEnded(b, h, []string{name})
		seq := strings.TrimPrefix(name, "app-")
		raw, err := os.ReadFile(filepath.Join(out, seq))
		if err != nil {
			b.Fatal(err)
		}
		ns, err := strconv.ParseInt(strings.TrimSpace(string(raw)), 10, 64)
		if err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Unix(0, ns).Sub(start))
	}
	slices.Sort(lat)
	p50, p99 := lat[len(lat)/2], lat[min(len(lat)-1, len(lat)*99/100)]
	b.ReportMetric(float64(p50.Milliseconds()), "p50-ms")
	b.ReportMetric(float64(p99.Milliseconds()), "p99-ms")
	b.Logf("trigger to first step over %d runs: p50 %s, p99 %s, min %s, max %s", len(lat), p50, p99, lat[0], lat[len(lat)-1])
}

func BenchmarkQuota(b *testing.B) {
	h := setUp(b, *quota, `stages:
- name: work
  steps:
  - name: second
    runScript:
      image: busybox
      shellScript: sleep 1
`)
	waitEnded(b, h, []string{run(b, h)})

	// All at once under the quota.
	start := time.Now()
	var names []string
	for i := 0; i < *queued; i++ {
		names = append(names, run(b, h))
	}
	most := 0
	for {
		st := states(b, h)
		building, left := 0, 0
		for _, n := range names {
			switch st[n] {
			case "Pending", "Building":
				building++
				left++
			case "Success":
			default:
				left++
			}
		}
		most = max(most, building)
		if building > *quota {
			b.Fatalf("%d executions running under a quota of %d", building, *quota)
		}
		if left == 0 {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	queuedTime := time.Since(start)
	waitEnded(b, h, names)

	// The same by hand: batches of quota, each waited for.
	start = time.Now()
	for i := 0; i < *queued; i += *quota {
		var batch []string
		for j := 0; j < *quota && i+j < *queued; j++ {
			batch = append(batch, run(b, h))
		}
		waitEnded(b, h, batch)
	}
	byHand := time.Since(start)
	b.ReportMetric(queuedTime.Seconds(), "queued-s")
	b.ReportMetric(byHand.Seconds(), "by-hand-s")
	b.ReportMetric(float64(most), "most-building")
	b.Logf("%d executions under quota %d: %s queued at once (at most %d running), %s in batches by hand (%.2fx)",
		*queued, *quota, queuedTime.Round(time.Millisecond), most, byHand.Round(time.Millisecond), queuedTime.Seconds()/byHand.Seconds())
}
