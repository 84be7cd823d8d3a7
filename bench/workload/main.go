// Command workload benchmarks the Workload operator (issue 5): on a fresh
// sandbox cluster with simulated nodes it creates N Deployments with a
// Service each directly, and on another fresh cluster of the same shape N
// Workloads of type Deployment with a Service through the operator, and
// times each batch until every pod is Running. It prints both times, their
// ratio, the reconcile latency p50/p99 from the controller's own
// histogram, what each batch cost (API requests, CPU time of every
// process, etcd's disk), and when the objects came to be.
//
//	go run ./bench/workload -n 1000 -nodes 100
//
// With -write-costs it measures instead the CPU time the API server and
// etcd spend on one write of each kind the batches make.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"sync"
	"syscall"
	"time"

	"github.com/go-logr/logr"
	"github.com/prometheus/client_golang/prometheus"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	kruntime "k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/intstr"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/klog/v2"
	"k8s.io/utils/ptr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	ctrlmetrics "sigs.k8s.io/controller-runtime/pkg/metrics"

	appsv1alpha1 "github.com/wheelhouse-dev/wheelhouse/api/apps/v1alpha1"
	"github.com/wheelhouse-dev/wheelhouse/config/crd"
	"github.com/wheelhouse-dev/wheelhouse/internal/controller/ctrlkit"
	"github.com/wheelhouse-dev/wheelhouse/internal/controller/workload"
	"github.com/wheelhouse-dev/wheelhouse/internal/sandbox"
)

type options struct {
	n           int
	nodes       int
	workers     int
	creators    int
	qps         float64
	burst       int
	timeout     time.Duration
	toolsDir    string
	stateDir    string
	operatorFst bool
	pairs       int
	priorityQ   bool
	profile     string
	settle      time.Duration
	writeCosts  bool
	// disableWriteCaches runs the controller without its write-avoiding
	// caches (wheelhouse operator --disable-write-caches).
	disableWriteCaches bool
}

func main() {
	var o options
	flag.IntVar(&o.n, "n", 1000, "Deployments (and Workloads) per batch")
	flag.IntVar(&o.nodes, "nodes", 100, "simulated nodes of the sandbox cluster")
	flag.IntVar(&o.workers, "concurrency", workload.DefaultConcurrency, "the controller's concurrent reconciles (the operator's --concurrency default)")
	flag.IntVar(&o.creators, "creators", 16, "goroutines creating objects, for both batches")
	flag.Float64Var(&o.qps, "kube-api-qps", -1, "the controller's client QPS (the operator's default: none)")
	flag.IntVar(&o.burst, "kube-api-burst", 0, "the controller's client burst (the operator's default)")
	flag.DurationVar(&o.timeout, "timeout", 30*time.Minute, "give up after this long")
	flag.StringVar(&o.toolsDir, "tools-dir", sandbox.DefaultToolsDir(), "sandbox toolchain directory (make tools)")
	flag.StringVar(&o.stateDir, "state-dir", "", "sandbox state directory (default: a temporary directory, removed at the end)")
	flag.BoolVar(&o.operatorFst, "operator-first", false, "run the Workload batch before the direct batch (in the first pair)")
	flag.IntVar(&o.pairs, "pairs", 1, "run this many pairs of batches, alternating which goes first, and report each ratio and their mean and median (the tables describe the last pair; the histograms all)")
	flag.BoolVar(&o.priorityQ, "priority-queue", true, "use controller-runtime's priority work queue (its default)")
	flag.StringVar(&o.profile, "apiserver-profile", "", "write 30 s CPU profiles of the API server, taken 10 s into each batch, to this path + .direct and .operator (with -write-costs: 3 s into each step, to this path + .writeN)")
	flag.DurationVar(&o.settle, "settle", 40*time.Second, "wait this long between installing the CRD and starting a batch (the garbage collector discovers new kinds every 30 s)")
	flag.BoolVar(&o.disableWriteCaches, "disable-write-caches", false, "run the controller without the caches that skip writes which would change nothing (wheelhouse operator --disable-write-caches)")
	flag.BoolVar(&o.writeCosts, "write-costs", false, "instead of the batches, measure the CPU time the API server and etcd spend on one write of each kind the batches make (n of each)")
	flag.Parse()
	if o.pairs < 1 {
		fmt.Fprintln(os.Stderr, "-pairs must be at least 1")
		os.Exit(2)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, o.timeout)
	defer cancel()
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	if err := run(ctx, o, logger); err != nil {
		logger.Error("Benchmark failed", "error", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, o options, logger *slog.Logger) error {
	quiet := logr.FromSlogHandler(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	ctrl.SetLogger(quiet)
	klog.SetLogger(quiet)

	stateDir := o.stateDir
	if stateDir == "" {
		d, err := os.MkdirTemp("", "wheelhouse-bench-workload-")
		if err != nil {
			return fmt.Errorf("state directory: %w", err)
		}
		defer os.RemoveAll(d)
		stateDir = d
	}
	m, err := sandbox.NewManager(sandbox.Config{StateDir: stateDir, ToolsDir: o.toolsDir, Logger: logger, DisableQPSLimits: true,
		// Room for the batch's N Services in the API server's own range.
		// The default range is a /24 (254 Services); a ServiceCIDR added
		// later gives more, but from a different allocator (a global lock
		// held over an IPAddress create), so the first 254 Services would
		// be allocated faster than the rest.
		ServiceClusterIPRange: benchServiceRange})
	if err != nil {
		return err
	}
	if err := m.CheckToolchain(); err != nil {
		return err
	}
	scheme := kruntime.NewScheme()
	for _, add := range []func(*kruntime.Scheme) error{clientgoscheme.AddToScheme, appsv1alpha1.AddToScheme, apiextensionsv1.AddToScheme} {
		if err := add(scheme); err != nil {
			return err
		}
	}
	reg := prometheus.NewRegistry()
	metrics, err := workload.NewMetrics(reg)
	if err != nil {
		return err
	}

	if o.writeCosts {
		return writeCosts(ctx, m, scheme, o, logger)
	}
	var pairs []pairResult
	for i := range o.pairs {
		// Pairs alternate which batch runs first, so that a drift of the
		// machine's speed over the run does not favour one batch.
		operatorFirst := o.operatorFst != (i%2 == 1)
		order := []string{directNamespace, operatorNamespace}
		if operatorFirst {
			order[0], order[1] = order[1], order[0]
		}
		pr := pairResult{operatorFirst: operatorFirst, times: map[string]time.Duration{}, results: map[string]batchResult{}}
		for _, batch := range order {
			d, res, err := runBatch(ctx, m, batch, i+1, scheme, metrics, o, logger)
			if err != nil {
				return err
			}
			pr.times[batch], pr.results[batch] = d, res
		}
		logger.Info("Pair done", "pair", i+1, "of", o.pairs, "ratio", fmt.Sprintf("%.2f", pr.ratio()))
		pairs = append(pairs, pr)
	}
	last := pairs[len(pairs)-1]
	if err := report(o, last.times[directNamespace], last.times[operatorNamespace], reg); err != nil {
		return err
	}
	printCosts(o.n, last.results[directNamespace].cost, last.results[operatorNamespace].cost)
	printTimelines(last.results[directNamespace].timeline, last.results[operatorNamespace].timeline)
	if len(pairs) > 1 {
		printPairs(o.n, pairs)
	}
	return nil
}

// runBatch runs one batch ("direct" or "operator") on a sandbox cluster of
// its own, created for it and deleted after it, so that neither batch pays
// for the other's objects: the batch that ran second on a shared cluster
// had 1,000 more Deployments, ReplicaSets, pods and Services in every watch
// cache and informer, and on 2 cores that alone moved the ratio from 1.23
// to 1.53. The Workload controller runs in both batches, so both are
// watched through its informers and both clusters carry its watches.
func runBatch(ctx context.Context, m *sandbox.Manager, batch string, pair int, scheme *kruntime.Scheme, metrics *workload.Metrics, o options, logger *slog.Logger) (time.Duration, batchResult, error) {
	// A name of its own for every cluster, so every cluster has its own
	// certificate file paths: client-go caches TLS transports by those
	// paths, and a second cluster of the same name was met with the first
	// one's CA ("x509: certificate signed by unknown authority").
	name := fmt.Sprintf("bench-workload-%s-%d", batch, pair)
	start := time.Now()
	st, err := m.Up(ctx, name, o.nodes)
	if err != nil {
		return 0, batchResult{}, err
	}
	defer func() {
		downCtx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		if err := m.Down(downCtx, name); err != nil {
			logger.Error("Deleting the sandbox cluster failed", "cluster", name, "error", err)
		}
	}()
	logger.Info("Sandbox cluster up", "cluster", name, "nodes", st.ReadyNodes, "elapsed", time.Since(start).Round(time.Millisecond))

	cfg, err := clientcmd.BuildConfigFromFlags("", st.KubeconfigPath)
	if err != nil {
		return 0, batchResult{}, fmt.Errorf("load kubeconfig: %w", err)
	}
	// The benchmark's own client has no client-side limit: it must not be
	// the bottleneck of either batch.
	loadCfg := rest.CopyConfig(cfg)
	loadCfg.QPS, loadCfg.Burst = -1, 0
	c, err := client.New(loadCfg, client.Options{Scheme: scheme})
	if err != nil {
		return 0, batchResult{}, fmt.Errorf("client: %w", err)
	}
	if err := crd.Install(ctx, c, crd.Options{Timeout: time.Minute}); err != nil {
		return 0, batchResult{}, err
	}

	// The controller stops with the batch, before its cluster goes.
	ctrlCtx, stopController := context.WithCancel(ctx)
	defer stopController()
	// Both batches see their objects the way the controller does: through
	// its own informers, not by listing every object again and again,
	// which would load the API server and this process with the batch's
	// size (more for the Workloads' larger objects).
	watched, err := startController(ctrlCtx, cfg, scheme, metrics, o)
	if err != nil {
		return 0, batchResult{}, err
	}
	// Let the new cluster settle before the clock starts: its components'
	// start-up work ends, and kube-controller-manager's garbage collector,
	// which rediscovers the API's resources every 30 s, gets a monitor for
	// Workloads. Until it has one it looks up the owner of every new
	// Deployment and Service in the API server (a few hundred GETs of
	// Workloads in the first half minute): a cost of having installed the
	// CRD a moment ago, which a cluster running the operator does not pay.
	logger.Info("Letting the cluster settle", "cluster", name, "for", o.settle)
	select {
	case <-ctx.Done():
		return 0, batchResult{}, ctx.Err()
	case <-time.After(o.settle):
	}
	meter, err := newCostMeter(loadCfg, filepath.Join(m.StateDir(), "clusters", name))
	if err != nil {
		return 0, batchResult{}, err
	}
	before, err := meter.snapshot(ctx)
	if err != nil {
		return 0, batchResult{}, err
	}
	if o.profile != "" {
		go meter.profile(ctrlCtx, o.profile+"."+batch, 10*time.Second, 30*time.Second, logger)
	}
	var d time.Duration
	batchStart := time.Now()
	if batch == directNamespace {
		d, err = directBatch(ctx, c, watched, o, logger)
	} else {
		d, err = operatorBatch(ctx, c, watched, o, logger)
	}
	if err != nil {
		return 0, batchResult{}, err
	}
	after, err := meter.snapshot(ctx)
	if err != nil {
		return 0, batchResult{}, err
	}
	tl, err := readTimeline(ctx, c, batch, batchStart)
	if err != nil {
		return 0, batchResult{}, err
	}
	return d, batchResult{cost: diffCost(before, after), timeline: tl}, nil
}

// batchResult is what a batch measured besides its time.
type batchResult struct {
	cost     batchCost
	timeline timeline
}

const (
	directNamespace   = "direct"
	operatorNamespace = "operator"
)

// startController runs the Workload controller in this process, as
// `wheelhouse operator` would, with its histogram in reg. It returns the
// controller's cache, with its informers for Workloads and Deployments
// synced.
func startController(ctx context.Context, cfg *rest.Config, scheme *kruntime.Scheme, metrics *workload.Metrics, o options) (client.Reader, error) {
	opCfg := rest.CopyConfig(cfg)
	opCfg.QPS, opCfg.Burst = float32(o.qps), o.burst
	mgr, err := ctrlkit.NewManager(opCfg, ctrlkit.Options{Scheme: scheme})
	if err != nil {
		return nil, err
	}
	if _, err := workload.Setup(mgr, workload.Options{Concurrency: o.workers, Metrics: metrics,
		UsePriorityQueue: ptr.To(o.priorityQ), DisableWriteCaches: o.disableWriteCaches}); err != nil {
		return nil, err
	}
	go func() {
		if err := mgr.Start(ctx); err != nil && !errors.Is(err, context.Canceled) {
			slog.Error("Controller manager stopped", "error", err)
		}
	}()
	for _, obj := range []client.Object{&appsv1.Deployment{}, &appsv1alpha1.Workload{}} {
		if _, err := mgr.GetCache().GetInformer(ctx, obj); err != nil {
			return nil, fmt.Errorf("informer for %T: %w", obj, err)
		}
	}
	if !mgr.GetCache().WaitForCacheSync(ctx) {
		return nil, errors.New("controller caches did not sync")
	}
	return mgr.GetCache(), nil
}

// benchServiceRange is the sandbox API server's service range: room for
// 2N Services, all from one allocator.
const benchServiceRange = "10.96.0.0/16"

// podTemplate is the pod of both batches: one container, kwok runs it.
func podTemplate() corev1.PodTemplateSpec {
	return corev1.PodTemplateSpec{Spec: corev1.PodSpec{Containers: []corev1.Container{{
		Name: "app", Image: "nginx:1.27", Ports: []corev1.ContainerPort{{ContainerPort: 80}},
	}}}}
}

// directBatch creates N Deployments and N Services in namespace "direct"
// and waits until every Deployment has its pod ready.
func directBatch(ctx context.Context, c client.Client, watched client.Reader, o options, logger *slog.Logger) (time.Duration, error) {
	const ns = directNamespace
	if err := c.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}); err != nil {
		return 0, fmt.Errorf("namespace %s: %w", ns, err)
	}
	logger.Info("Direct batch: creating Deployments and Services", "n", o.n)
	start := time.Now()
	err := parallel(ctx, o.n, o.creators, func(ctx context.Context, i int) error {
		name := fmt.Sprintf("app-%05d", i)
		labels := map[string]string{"app": name}
		t := podTemplate()
		t.Labels = labels
		d := &appsv1.Deployment{
			ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns, Labels: labels},
			Spec:       appsv1.DeploymentSpec{Replicas: ptr.To[int32](1), Selector: &metav1.LabelSelector{MatchLabels: labels}, Template: t},
		}
		if err := c.Create(ctx, d); err != nil {
			return fmt.Errorf("create deployment %s: %w", name, err)
		}
		svc := &corev1.Service{
			ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns, Labels: labels},
			Spec: corev1.ServiceSpec{Selector: labels, Ports: []corev1.ServicePort{{
				Port: 80, TargetPort: intstr.FromInt32(80), Protocol: corev1.ProtocolTCP}}},
		}
		if err := c.Create(ctx, svc); err != nil {
			return fmt.Errorf("create service %s: %w", name, err)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	created := time.Since(start)
	err = waitUntil(ctx, logger, "direct", o.n, func(ctx context.Context) (int, error) {
		_, ready, err := countDeployments(ctx, watched, ns)
		return ready, err
	})
	total := time.Since(start)
	logger.Info("Direct batch done", "created", created.Round(time.Millisecond), "allRunning", total.Round(time.Millisecond))
	return total, err
}

// operatorBatch creates N Workloads in namespace "operator" and waits until
// every one reports phase Running.
func operatorBatch(ctx context.Context, c client.Client, watched client.Reader, o options, logger *slog.Logger) (time.Duration, error) {
	const ns = operatorNamespace
	if err := c.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}); err != nil {
		return 0, fmt.Errorf("namespace %s: %w", ns, err)
	}
	logger.Info("Operator batch: creating Workloads", "n", o.n)
	start := time.Now()
	err := parallel(ctx, o.n, o.creators, func(ctx context.Context, i int) error {
		name := fmt.Sprintf("app-%05d", i)
		w := &appsv1alpha1.Workload{
			ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
			Spec: appsv1alpha1.WorkloadSpec{
				Type:     appsv1alpha1.WorkloadTypeDeployment,
				Replicas: ptr.To[int32](1),
				Template: podTemplate(),
				Service:  &appsv1alpha1.ServiceSpec{Ports: []appsv1alpha1.ServicePort{{Port: 80}}},
			},
		}
		if err := c.Create(ctx, w); err != nil {
			return fmt.Errorf("create workload %s: %w", name, err)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	created := time.Since(start)
	var childrenCreated, childrenReady time.Duration
	err = waitUntil(ctx, logger, "operator", o.n, func(ctx context.Context) (int, error) {
		if childrenReady == 0 {
			exist, ready, err := countDeployments(ctx, watched, ns)
			if err != nil {
				return 0, err
			}
			if exist >= o.n && childrenCreated == 0 {
				childrenCreated = time.Since(start)
			}
			if ready >= o.n {
				childrenReady = time.Since(start)
			}
		}
		list := &appsv1alpha1.WorkloadList{}
		if err := watched.List(ctx, list, client.InNamespace(ns), client.UnsafeDisableDeepCopy); err != nil {
			return 0, err
		}
		running := 0
		for _, w := range list.Items {
			if w.Status.Phase == appsv1alpha1.PhaseRunning && w.Status.ObservedGeneration == w.Generation {
				running++
			}
		}
		return running, nil
	})
	total := time.Since(start)
	logger.Info("Operator batch done", "created", created.Round(time.Millisecond),
		"allDeploymentsCreated", childrenCreated.Round(time.Millisecond), "allDeploymentsReady", childrenReady.Round(time.Millisecond), "allRunning", total.Round(time.Millisecond))
	return total, err
}

// countDeployments counts the Deployments of ns and those whose one pod
// is ready.
func countDeployments(ctx context.Context, c client.Reader, ns string) (exist, ready int, err error) {
	list := &appsv1.DeploymentList{}
	if err := c.List(ctx, list, client.InNamespace(ns), client.UnsafeDisableDeepCopy); err != nil {
		return 0, 0, err
	}
	for _, d := range list.Items {
		if d.Status.ObservedGeneration >= d.Generation && d.Status.ReadyReplicas == 1 && d.Status.AvailableReplicas == 1 {
			ready++
		}
	}
	return len(list.Items), ready, nil
}

// parallel runs fn(0..n-1) on workers goroutines and returns the first error.
func parallel(ctx context.Context, n, workers int, fn func(context.Context, int) error) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	next := make(chan int)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				if err := fn(ctx, i); err != nil {
					cancel(err)
					return
				}
			}
		}()
	}
	for i := 0; i < n; i++ {
		select {
		case next <- i:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
	}
	close(next)
	wg.Wait()
	if err := context.Cause(ctx); err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	return ctx.Err()
}

// waitUntil polls count until it reaches n.
func waitUntil(ctx context.Context, logger *slog.Logger, batch string, n int, count func(context.Context) (int, error)) error {
	last := time.Now()
	for {
		got, err := count(ctx)
		if err != nil {
			return fmt.Errorf("%s batch: %w", batch, err)
		}
		if got >= n {
			return nil
		}
		if time.Since(last) > 10*time.Second {
			logger.Info("Waiting", "batch", batch, "running", got, "of", n)
			last = time.Now()
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s batch: %d of %d running: %w", batch, got, n, ctx.Err())
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// report prints the results as Markdown: the two batch times, then the
// controller's reconcile latency (its own histogram, reg) and, to show where
// the time goes, how long requests waited in its work queue
// (controller-runtime's histogram in ctrlmetrics.Registry).
func report(o options, direct, operator time.Duration, reg prometheus.Gatherer) error {
	host, _ := os.Hostname()
	fmt.Printf("## Workload operator benchmark\n\n")
	fmt.Printf("n=%d nodes=%d concurrency=%d kube-api-qps=%g burst=%d creators=%d operator-first=%t write-caches=%t, %d CPUs, %s, host %s\n\n",
		o.n, o.nodes, o.workers, o.qps, o.burst, o.creators, o.operatorFst, !o.disableWriteCaches, runtime.NumCPU(), runtime.Version(), host)
	fmt.Printf("| measure | result |\n| --- | --- |\n")
	fmt.Printf("| %d Deployments + Services created directly, until all Running | %s |\n", o.n, direct.Round(10*time.Millisecond))
	fmt.Printf("| %d Workloads (Deployment + Service) through the operator, until all Running | %s |\n", o.n, operator.Round(10*time.Millisecond))
	fmt.Printf("| ratio operator / direct (target at most 1.3) | %.2f |\n", operator.Seconds()/direct.Seconds())

	rows := []struct {
		label string
		g     prometheus.Gatherer
		name  string
		match func(map[string]string) bool
	}{
		{"reconcile latency, all results", reg, workload.ReconcileDurationName, nil},
		{"reconcile latency, success", reg, workload.ReconcileDurationName, labelIs("result", "success")},
		{"reconcile latency, requeue", reg, workload.ReconcileDurationName, labelIs("result", "requeue")},
		{"reconcile latency, error", reg, workload.ReconcileDurationName, labelIs("result", "error")},
		{"work queue wait (controller-runtime; its buckets are 10x apart: rough)", ctrlmetrics.Registry, "workqueue_queue_duration_seconds", labelIs("name", workload.ControllerName)},
	}
	fmt.Printf("\n| histogram | samples | p50 | p99 |\n| --- | --- | --- | --- |\n")
	for _, r := range rows {
		q, n, err := histogramQuantiles(r.g, r.name, r.match, 0.5, 0.99)
		if err != nil {
			return err
		}
		if n == 0 {
			continue
		}
		fmt.Printf("| %s | %d | %s | %s |\n", r.label, n, q[0].Round(10*time.Microsecond), q[1].Round(10*time.Microsecond))
	}
	return nil
}
