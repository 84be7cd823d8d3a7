// Command multicluster benchmarks Wheelhouse's multi-cluster core (issue 3)
// on sandbox clusters with simulated nodes:
//
//  1. import plus first full cache sync of one cluster through the API;
//  2. cached pod list reads with a label selector (p50, p99), against
//     `kubectl get pods -A -l ...` straight at the cluster's API server;
//  3. the server's memory once every cluster is imported and synced.
//
// It creates its sandbox clusters and a fresh `wheelhouse serve` in a
// temporary directory and removes everything at the end, also on failure
// or interrupt.
//
//	go run ./bench/multicluster -nodes 1000 -pods 10000 -clusters 3
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/go-logr/logr"
	"k8s.io/klog/v2"

	"github.com/wheelhouse-dev/wheelhouse/internal/sandbox"
)

// options are the command-line settings.
type options struct {
	nodes       int
	pods        int
	clusters    int
	namespaces  int
	labelValues int
	reads       int
	kubectlRuns int
	creators    int
	syncTimeout time.Duration
	timeout     time.Duration
	toolsDir    string
	wheelhouse  string
	readMode    string
	maxLoad     float64
	maxLoadWait time.Duration
}

func main() {
	var o options
	flag.IntVar(&o.nodes, "nodes", 1000, "simulated nodes per sandbox cluster")
	flag.IntVar(&o.pods, "pods", 10000, "pods per sandbox cluster, created directly with spec.nodeName")
	flag.IntVar(&o.clusters, "clusters", 3, "sandbox clusters to create and import")
	flag.IntVar(&o.namespaces, "namespaces", 50, "namespaces the pods are spread over")
	flag.IntVar(&o.labelValues, "label-values", 100, "distinct values of the pods' app label (app=app-<i mod N>); a selector picks 1/N of the pods")
	flag.IntVar(&o.reads, "reads", 1000, "cached pod list reads to time")
	flag.IntVar(&o.kubectlRuns, "kubectl-runs", 20, "`kubectl get pods -A -l ...` runs to time")
	flag.IntVar(&o.creators, "creators", 32, "goroutines creating pods")
	flag.DurationVar(&o.syncTimeout, "sync-timeout", 10*time.Minute, "give up waiting for one cluster's import and sync after this long")
	flag.DurationVar(&o.timeout, "timeout", 60*time.Minute, "give up after this long")
	flag.StringVar(&o.toolsDir, "tools-dir", sandbox.DefaultToolsDir(), "sandbox toolchain directory (make tools)")
	flag.StringVar(&o.wheelhouse, "wheelhouse", "", "wheelhouse binary to benchmark (default: built from this source tree into the temporary directory)")
	flag.StringVar(&o.readMode, "read-mode", "auto", "how reads are timed: http (GET /api/v1/clusters/{cluster}/pods), direct (internal/multicluster List in this process), or auto (http if the server's OpenAPI document has the route)")
	flag.Float64Var(&o.maxLoad, "max-load", 3, "before the import and before the reads, wait until the 1-minute load average is below this (0: do not wait); the machine may be shared")
	flag.DurationVar(&o.maxLoadWait, "max-load-wait", 20*time.Minute, "wait at most this long for -max-load each time, then measure anyway")
	flag.Parse()

	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	if err := o.validate(); err != nil {
		logger.Error("Bad flags", "error", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, o.timeout)
	defer cancel()
	if err := run(ctx, o, logger); err != nil {
		logger.Error("Benchmark failed", "error", err)
		cancel()
		stop()
		os.Exit(1)
	}
}

func (o options) validate() error {
	switch {
	case o.nodes < 1 || o.nodes > sandbox.MaxNodes:
		return fmt.Errorf("-nodes must be 1 to %d", sandbox.MaxNodes)
	case o.pods < 1:
		return fmt.Errorf("-pods must be at least 1")
	case o.clusters < 1:
		return fmt.Errorf("-clusters must be at least 1")
	case o.namespaces < 1:
		return fmt.Errorf("-namespaces must be at least 1")
	case o.labelValues < 1:
		return fmt.Errorf("-label-values must be at least 1")
	case o.reads < 1 || o.kubectlRuns < 1 || o.creators < 1:
		return fmt.Errorf("-reads, -kubectl-runs and -creators must be at least 1")
	case o.readMode != "auto" && o.readMode != "http" && o.readMode != "direct":
		return fmt.Errorf("-read-mode must be auto, http or direct")
	}
	return nil
}

// run creates the clusters one after another, so that the import and read
// figures of the first one are measured while only it runs, then the
// others for the memory figure.
func run(ctx context.Context, o options, logger *slog.Logger) (err error) {
	quiet := logr.FromSlogHandler(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	klog.SetLogger(quiet)

	tmp, err := os.MkdirTemp("", "wheelhouse-bench-multicluster-")
	if err != nil {
		return fmt.Errorf("temporary directory: %w", err)
	}
	defer func() {
		if rerr := os.RemoveAll(tmp); rerr != nil {
			logger.Warn("Could not remove the temporary directory", "dir", tmp, "error", rerr)
		}
	}()
	res := &results{opts: o, started: time.Now().UTC()}

	sb, err := newSandboxes(o, tmp, logger)
	if err != nil {
		return err
	}
	defer sb.downAll(ctx)

	bin := o.wheelhouse
	if bin == "" {
		if bin, err = buildWheelhouse(ctx, tmp, logger); err != nil {
			return err
		}
	}

	res.version = binaryVersion(ctx, bin)

	first, err := sb.upAndLoad(ctx, 0, res)
	if err != nil {
		return err
	}

	srv, err := startServer(ctx, bin, tmp, logger)
	if err != nil {
		return err
	}
	defer srv.stop()
	api, err := srv.login(ctx)
	if err != nil {
		return err
	}
	if err := waitQuiet(ctx, o, logger); err != nil {
		return err
	}
	if err := measureImport(ctx, api, first, o.syncTimeout, res, logger); err != nil {
		return err
	}
	if err := waitQuiet(ctx, o, logger); err != nil {
		return err
	}
	if err := measureReads(ctx, o, api, first, res, logger); err != nil {
		return err
	}
	// From here on a failure still reports the import and read figures.
	defer func() {
		if err != nil {
			res.failure, res.finished = err.Error(), time.Now().UTC()
			fmt.Print(res.markdown())
		}
	}()

	for i := 1; i < o.clusters; i++ {
		c, err := sb.upAndLoad(ctx, i, res)
		if err != nil {
			return err
		}
		_, took, err := importAndWait(ctx, api, c, o.syncTimeout, logger)
		if err != nil {
			return err
		}
		res.otherImports = append(res.otherImports, took)
	}
	if err := measureMemory(ctx, srv, api, res, logger); err != nil {
		return err
	}
	res.finished = time.Now().UTC()
	fmt.Print(res.markdown())
	return nil
}
