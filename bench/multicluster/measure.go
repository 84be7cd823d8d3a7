package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/wheelhouse-dev/wheelhouse/internal/multicluster"
)

const (
	// podsRoute is the cached pod list the benchmark times when the server
	// has it.
	podsRoute = "/api/v1/clusters/{cluster}/pods"
	// pageLimit is the page size of every timed read.
	pageLimit = 100
	// warmupReads are made, and not counted, before the timed reads.
	warmupReads = 20
	// syncPoll is how often the import measurement asks for the cluster.
	syncPoll = 50 * time.Millisecond
	// settle is how long the server may rest before its memory is read.
	settle = 10 * time.Second
)

// importAndWait imports c through the API and waits until the server's
// cache holds all its pods; it returns the POST's own latency and the time
// from sending the POST to the first GET that shows the cluster synced.
func importAndWait(ctx context.Context, api *apiClient, c *benchCluster, timeout time.Duration, logger *slog.Logger) (post, total time.Duration, err error) {
	start := time.Now()
	post, err = api.importCluster(ctx, c)
	if err != nil {
		return 0, 0, err
	}
	if err := api.waitSynced(ctx, c, timeout, syncPoll); err != nil {
		return 0, 0, err
	}
	total = time.Since(start)
	logger.Info("Cluster imported and synced", "cluster", c.name, "pods", c.pods, "post", post.Round(time.Millisecond), "total", total.Round(time.Millisecond))
	return post, total, nil
}

// measureImport times import plus first full cache sync of c.
func measureImport(ctx context.Context, api *apiClient, c *benchCluster, timeout time.Duration, res *results, logger *slog.Logger) error {
	res.loadBeforeImport = loadAverage()
	post, total, err := importAndWait(ctx, api, c, timeout, logger)
	if err != nil {
		return err
	}
	res.importPost, res.importTotal = post, total
	return nil
}

// expectedMatches is how many of o.pods pods carry app=app-k.
func expectedMatches(o options, k int) int {
	n := o.pods / o.labelValues
	if k < o.pods%o.labelValues {
		n++
	}
	return n
}

// reader times one cached pod list read with the selector app=app-k and
// checks how many items it returned.
type reader func(ctx context.Context, k int) (time.Duration, int, error)

// measureReads times o.reads cached list reads of c's pods with a label
// selector, and interleaved with them o.kubectlRuns runs of
// `kubectl get pods -A -l ...` and of the same LIST through client-go, both
// straight at the cluster's API server.
func measureReads(ctx context.Context, o options, api *apiClient, c *benchCluster, res *results, logger *slog.Logger) error {
	hasRoute, err := api.hasRoute(ctx, podsRoute)
	if err != nil {
		return err
	}
	mode := o.readMode
	if mode == "auto" {
		mode = "direct"
		if hasRoute {
			mode = "http"
		}
	}
	if mode == "http" && !hasRoute {
		return fmt.Errorf("-read-mode http: the server's OpenAPI document has no GET %s", podsRoute)
	}
	res.readMode = mode
	logger.Info("Timing cached reads", "mode", mode, "serverHasPodsRoute", hasRoute)

	var read reader
	switch mode {
	case "http":
		read = httpReader(api, c)
	default:
		r, closeFn, err := directReader(ctx, c, res)
		if err != nil {
			return err
		}
		defer closeFn()
		read = r
	}
	kubectl := kubectlRunner(o, c)
	apiList, err := apiServerLister(c)
	if err != nil {
		return err
	}

	res.loadBeforeReads = loadAverage()
	for i := range warmupReads {
		if _, _, err := read(ctx, i%o.labelValues); err != nil {
			return err
		}
	}
	every := max(1, o.reads/o.kubectlRuns)
	for i := range o.reads {
		k := i % o.labelValues
		took, n, err := read(ctx, k)
		if err != nil {
			return err
		}
		if want := min(pageLimit, expectedMatches(o, k)); n != want {
			return fmt.Errorf("read app=%s: %d items, want %d", labelValue(k), n, want)
		}
		res.reads = append(res.reads, took)
		if i%every == 0 && len(res.kubectl) < o.kubectlRuns {
			k := (i / every) % o.labelValues
			took, n, err := kubectl(ctx, k)
			if err != nil {
				return err
			}
			if want := expectedMatches(o, k); n != want {
				return fmt.Errorf("kubectl app=%s: %d pods, want %d", labelValue(k), n, want)
			}
			res.kubectl = append(res.kubectl, took)
			took, n, err = apiList(ctx, k)
			if err != nil {
				return err
			}
			if want := expectedMatches(o, k); n != want {
				return fmt.Errorf("LIST app=%s: %d pods, want %d", labelValue(k), n, want)
			}
			res.apiList = append(res.apiList, took)
		}
	}
	// The floor of any authenticated API call: TLS, routing, token lookup.
	for range max(1, o.reads/5) {
		took, err := api.do(ctx, http.MethodGet, "/api/v1/users/me", nil, http.StatusOK, nil)
		if err != nil {
			return err
		}
		res.floor = append(res.floor, took)
	}
	logger.Info("Reads timed", "mode", mode, "p50", quantile(res.reads, 0.5), "p99", quantile(res.reads, 0.99),
		"kubectlP50", quantile(res.kubectl, 0.5), "kubectlP99", quantile(res.kubectl, 0.99))
	return nil
}

// httpReader reads pages of the server's cached pod list.
func httpReader(api *apiClient, c *benchCluster) reader {
	return func(ctx context.Context, k int) (time.Duration, int, error) {
		path := fmt.Sprintf("/api/v1/clusters/%s/pods?labelSelector=%s&limit=%d",
			url.PathEscape(c.name), url.QueryEscape("app="+labelValue(k)), pageLimit)
		var page struct {
			Items []json.RawMessage `json:"items"`
		}
		took, err := api.do(ctx, http.MethodGet, path, nil, http.StatusOK, &page)
		if err != nil {
			return 0, 0, err
		}
		return took, len(page.Items), nil
	}
}

// directReader connects internal/multicluster in this process to c, as the
// server does on import, and times List plus the JSON encoding of the page
// (what a list handler would add before HTTP). res.readsList gets List
// alone.
func directReader(ctx context.Context, c *benchCluster, res *results) (reader, func(), error) {
	rc, err := clientcmd.RESTConfigFromKubeConfig(c.kubeconfig)
	if err != nil {
		return nil, nil, fmt.Errorf("kubeconfig of %s: %w", c.name, err)
	}
	m := multicluster.NewManager(multicluster.Options{Logger: slog.New(slog.DiscardHandler)})
	conn, err := m.Connect(ctx, c.name, rc)
	if err != nil {
		m.Close()
		return nil, nil, fmt.Errorf("connect %s: %w", c.name, err)
	}
	start := time.Now()
	if err := conn.WaitForSync(ctx); err != nil {
		m.Close()
		return nil, nil, err
	}
	for conn.Available() != nil {
		if err := sleepCtx(ctx, 20*time.Millisecond); err != nil {
			m.Close()
			return nil, nil, fmt.Errorf("wait for %s to be Ready: %w", c.name, err)
		}
	}
	res.directSync = time.Since(start)
	read := func(_ context.Context, k int) (time.Duration, int, error) {
		start := time.Now()
		page, err := conn.List("pods", multicluster.Query{LabelSelector: "app=" + labelValue(k), Limit: pageLimit})
		if err != nil {
			return 0, 0, fmt.Errorf("list pods of %s: %w", c.name, err)
		}
		listed := time.Since(start)
		if _, err := json.Marshal(struct {
			Items    any    `json:"items"`
			Continue string `json:"continue,omitempty"`
		}{page.Items, page.Continue}); err != nil {
			return 0, 0, fmt.Errorf("encode pods of %s: %w", c.name, err)
		}
		took := time.Since(start)
		res.readsList = append(res.readsList, listed)
		return took, len(page.Items), nil
	}
	return read, m.Close, nil
}

// kubectlRunner runs the toolchain's kubectl against c's API server with
// the sandbox's admin kubeconfig and counts the pods it prints.
func kubectlRunner(o options, c *benchCluster) reader {
	bin := filepath.Join(o.toolsDir, "bin", "kubectl")
	return func(ctx context.Context, k int) (time.Duration, int, error) {
		cmd := exec.CommandContext(ctx, bin, "--kubeconfig", c.kubeconfigPath, "get", "pods", "-A", "-l", "app="+labelValue(k))
		var out, errOut bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errOut
		cmd.Env = append(os.Environ(), "KUBECACHEDIR="+filepath.Join(filepath.Dir(c.kubeconfigPath), "kubectl-cache"))
		start := time.Now()
		err := cmd.Run()
		took := time.Since(start)
		if err != nil {
			return 0, 0, fmt.Errorf("kubectl get pods -l app=%s: %w: %s", labelValue(k), err, lastLines(errOut.String(), 5))
		}
		lines := strings.Count(strings.TrimSpace(out.String()), "\n") // header + one line per pod, minus one
		return took, lines, nil
	}
}

// apiServerLister LISTs c's pods with the label selector through client-go
// (JSON), the request kubectl makes without kubectl's own start-up.
func apiServerLister(c *benchCluster) (reader, error) {
	rc := rest.CopyConfig(c.rest)
	rc.ContentType, rc.AcceptContentTypes = "application/json", "application/json"
	kube, err := kubernetes.NewForConfig(rc)
	if err != nil {
		return nil, fmt.Errorf("client for %s: %w", c.name, err)
	}
	return func(ctx context.Context, k int) (time.Duration, int, error) {
		start := time.Now()
		list, err := kube.CoreV1().Pods("").List(ctx, metav1.ListOptions{LabelSelector: "app=" + labelValue(k)})
		took := time.Since(start)
		if err != nil {
			return 0, 0, fmt.Errorf("LIST pods -l app=%s: %w", labelValue(k), err)
		}
		return took, len(list.Items), nil
	}, nil
}

// measureMemory lets the server settle with every cluster synced, then
// reads its resident memory and Go heap.
func measureMemory(ctx context.Context, srv *server, api *apiClient, res *results, logger *slog.Logger) error {
	if err := sleepCtx(ctx, settle); err != nil {
		return fmt.Errorf("settle before memory: %w", err)
	}
	rss, err := procStatusKiB(srv.pid(), "VmRSS")
	if err != nil {
		return err
	}
	hwm, err := procStatusKiB(srv.pid(), "VmHWM")
	if err != nil {
		return err
	}
	heap, err := api.metric(ctx, "go_memstats_heap_inuse_bytes")
	if err != nil {
		return err
	}
	res.rssKiB, res.hwmKiB, res.heapInuse = rss, hwm, heap
	logger.Info("Server memory", "clusters", len(res.loads), "rssMiB", rss/1024, "peakRssMiB", hwm/1024, "heapInuseMiB", int64(heap)/(1<<20))
	return nil
}

// waitQuiet waits until the 1-minute load average is below o.maxLoad, at
// most o.maxLoadWait, so that other work on a shared machine disturbs the
// measurement less.
func waitQuiet(ctx context.Context, o options, logger *slog.Logger) error {
	if o.maxLoad <= 0 {
		return nil
	}
	deadline := time.Now().Add(o.maxLoadWait)
	for {
		load, err := loadAverage1()
		if err != nil {
			return err
		}
		if load < o.maxLoad {
			return nil
		}
		if time.Now().After(deadline) {
			logger.Warn("Measuring on a busy machine", "load1", load, "maxLoad", o.maxLoad, "waited", o.maxLoadWait)
			return nil
		}
		logger.Info("Waiting for a quieter machine", "load1", load, "maxLoad", o.maxLoad)
		if err := sleepCtx(ctx, 10*time.Second); err != nil {
			return fmt.Errorf("wait for the load average to drop: %w", err)
		}
	}
}

// loadAverage1 is the 1-minute load average.
func loadAverage1() (float64, error) {
	raw, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return 0, fmt.Errorf("read load average: %w", err)
	}
	var load float64
	if _, err := fmt.Sscan(string(raw), &load); err != nil {
		return 0, fmt.Errorf("parse load average: %w", err)
	}
	return load, nil
}

// loadAverage is the first three fields of /proc/loadavg.
func loadAverage() string {
	raw, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(raw))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

// sleepCtx waits for d or until ctx is done.
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
