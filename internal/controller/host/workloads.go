// Package features runs optional features inside the server for the
// member clusters where they are enabled. The first is "workloads": the
// Workload CRD (apps.wheelhouse.dev/v1alpha1) and its controller, one
// controller-runtime manager per cluster, started when the feature is
// enabled and again at every server start.
package host

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/go-logr/logr"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"k8s.io/utils/ptr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/config"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	appsv1alpha1 "github.com/wheelhouse-dev/wheelhouse/api/apps/v1alpha1"
	"github.com/wheelhouse-dev/wheelhouse/config/crd"
	"github.com/wheelhouse-dev/wheelhouse/internal/controller/workload"
	"github.com/wheelhouse-dev/wheelhouse/internal/multicluster"
	"github.com/wheelhouse-dev/wheelhouse/internal/store"
)

// FeatureWorkloads is the name of the Workload feature.
const FeatureWorkloads = "workloads"

// crdInstallTimeout bounds waiting for the CRD to be served.
const crdInstallTimeout = time.Minute

// ErrNotEnabled says a feature is not running for a cluster.
var ErrNotEnabled = errors.New("feature not enabled")

// Workloads runs the Workload controller for every cluster where the
// feature is enabled.
type Workloads struct {
	store    *store.Store
	clusters *multicluster.Manager
	logger   *slog.Logger
	scheme   *runtime.Scheme
	starts   chan string

	mu      sync.Mutex
	running map[string]*running
}

type running struct {
	client client.Client
	ready  chan struct{}
	err    error
}

// NewWorkloads returns the Workload feature runner; call Run.
func NewWorkloads(st *store.Store, clusters *multicluster.Manager, logger *slog.Logger) (*Workloads, error) {
	scheme := runtime.NewScheme()
	for _, add := range []func(*runtime.Scheme) error{clientgoscheme.AddToScheme, appsv1alpha1.AddToScheme, apiextensionsv1.AddToScheme} {
		if err := add(scheme); err != nil {
			return nil, fmt.Errorf("build scheme: %w", err)
		}
	}
	return &Workloads{store: st, clusters: clusters, logger: logger, scheme: scheme,
		starts: make(chan string, 64), running: map[string]*running{}}, nil
}

// Enable records the feature on the cluster, installs the CRD and starts
// the controller; it returns once the CRD is served and the controller's
// caches have synced, or with the error that stopped it.
func (w *Workloads) Enable(ctx context.Context, cluster string) error {
	c, err := w.store.Clusters().GetByName(ctx, cluster)
	if err != nil {
		return err
	}
	if !slices.Contains(c.Features, FeatureWorkloads) {
		c.Features = append(c.Features, FeatureWorkloads)
		if err := w.store.Clusters().Update(ctx, c); err != nil {
			return fmt.Errorf("record feature: %w", err)
		}
	}
	w.starts <- cluster
	for {
		w.mu.Lock()
		r := w.running[cluster]
		w.mu.Unlock()
		if r != nil {
			select {
			case <-r.ready:
				return r.err
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// Enabled reports whether the controller runs for cluster.
func (w *Workloads) Enabled(cluster string) bool {
	_, err := w.Client(cluster)
	return err == nil
}

// Client returns a client for the cluster's Workloads (reads from the
// controller's cache), or ErrNotEnabled.
func (w *Workloads) Client(cluster string) (client.Client, error) {
	w.mu.Lock()
	r := w.running[cluster]
	w.mu.Unlock()
	if r == nil {
		return nil, fmt.Errorf("workloads in cluster %q: %w", cluster, ErrNotEnabled)
	}
	select {
	case <-r.ready:
		if r.err != nil {
			return nil, fmt.Errorf("workloads in cluster %q: %w", cluster, r.err)
		}
		return r.client, nil
	default:
		return nil, fmt.Errorf("workloads in cluster %q: still starting: %w", cluster, ErrNotEnabled)
	}
}

// Run starts the controller for every cluster that has the feature, then
// for each cluster Enable names, until ctx ends.
func (w *Workloads) Run(ctx context.Context) error {
	all, err := w.store.Clusters().All(ctx)
	if err != nil {
		return fmt.Errorf("load clusters: %w", err)
	}
	var wg sync.WaitGroup
	defer wg.Wait()
	start := func(name string) {
		w.mu.Lock()
		if r := w.running[name]; r != nil {
			select {
			case <-r.ready:
				if r.err == nil {
					w.mu.Unlock()
					return // running
				}
			default:
				w.mu.Unlock()
				return // starting
			}
		}
		r := &running{ready: make(chan struct{})}
		w.running[name] = r
		w.mu.Unlock()
		wg.Go(func() { w.run(ctx, name, r) })
	}
	for _, c := range all {
		if slices.Contains(c.Features, FeatureWorkloads) {
			start(c.Name)
		}
	}
	for {
		select {
		case <-ctx.Done():
			return nil
		case name := <-w.starts:
			start(name)
		}
	}
}

// run installs the CRD and runs the controller for one cluster until ctx
// ends. A cluster that is not connected yet is retried.
func (w *Workloads) run(ctx context.Context, name string, r *running) {
	fail := func(err error) {
		r.err = err
		close(r.ready)
		w.logger.Warn("Workload controller stopped", "cluster", name, "error", err)
	}
	var conn *multicluster.Cluster
	for {
		var err error
		if conn, err = w.clusters.Get(name); err == nil {
			break
		}
		select {
		case <-ctx.Done():
			fail(ctx.Err())
			return
		case <-time.After(time.Second):
		}
	}
	// The controller's client has no client-side rate limit, like
	// `wheelhouse operator`'s default: the member cluster's API priority
	// and fairness is what limits it, and the multicluster connection's
	// limit (shared with nothing here) would only stretch out a burst of new
	// Workloads.
	rc := rest.CopyConfig(conn.Config)
	rc.QPS, rc.Burst = -1, 0
	direct, err := client.New(rc, client.Options{Scheme: w.scheme})
	if err != nil {
		fail(fmt.Errorf("client: %w", err))
		return
	}
	if err := crd.Install(ctx, direct, crd.Options{Timeout: crdInstallTimeout}); err != nil {
		fail(fmt.Errorf("install the Workload CRD: %w", err))
		return
	}
	log := logr.FromSlogHandler(w.logger.With("cluster", name).Handler())
	mgr, err := ctrl.NewManager(rc, ctrl.Options{
		Scheme:  w.scheme,
		Logger:  log,
		Metrics: metricsserver.Options{BindAddress: "0"}, // the server's own /metrics serves
		// The server runs one manager per cluster in one process.
		Controller: config.Controller{SkipNameValidation: ptr.To(true)},
	})
	if err != nil {
		fail(fmt.Errorf("controller manager: %w", err))
		return
	}
	rec, err := workload.New(workload.Config{Client: mgr.GetClient(), APIReader: mgr.GetAPIReader(), Recorder: mgr.GetEventRecorder("wheelhouse-workload"), Name: "workload-" + name})
	if err != nil {
		fail(err)
		return
	}
	if err := rec.SetupWithManager(mgr, controller.Options{MaxConcurrentReconciles: workload.DefaultConcurrency}); err != nil {
		fail(fmt.Errorf("set up controller: %w", err))
		return
	}
	r.client = mgr.GetClient()
	mctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errc := make(chan error, 1)
	go func() { errc <- mgr.Start(mctx) }()
	syncCtx, cancelSync := context.WithTimeout(ctx, time.Minute)
	synced := mgr.GetCache().WaitForCacheSync(syncCtx)
	cancelSync()
	if !synced {
		cancel()
		<-errc
		fail(errors.New("the controller's caches did not sync"))
		return
	}
	close(r.ready)
	w.logger.Info("Workload controller running", "cluster", name)
	if err := <-errc; err != nil && ctx.Err() == nil {
		w.logger.Error("Workload controller failed", "cluster", name, "error", err)
	}
}
