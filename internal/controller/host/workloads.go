// Package host runs controllers inside the server, one per member cluster
// where they are enabled. Each is a multicluster.Component, so it starts,
// stops and restarts with its cluster's connection: a cluster that was down
// when the server started gets its controller once it answers, a deleted
// cluster takes its controller with it, and a cluster imported again or
// given new credentials gets a controller on the new connection.
//
// The first hosted controller is the Workload controller
// (apps.wheelhouse.dev/v1alpha1), enabled per cluster with
// POST /api/v1/clusters/{cluster}/features/workloads and remembered on the
// cluster's record.
package host

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/wheelhouse-dev/wheelhouse/config/crd"
	"github.com/wheelhouse-dev/wheelhouse/internal/controller/ctrlkit"
	"github.com/wheelhouse-dev/wheelhouse/internal/controller/workload"
	"github.com/wheelhouse-dev/wheelhouse/internal/multicluster"
	"github.com/wheelhouse-dev/wheelhouse/internal/store"
)

// FeatureWorkloads is the name of the Workload feature.
const FeatureWorkloads = "workloads"

// Bounds of one start of the controller.
const (
	crdInstallTimeout = time.Minute
	cacheSyncTimeout  = time.Minute
)

// ErrNotEnabled says a feature is not running for a cluster.
var ErrNotEnabled = errors.New("feature not enabled")

// Workloads hosts the Workload controller of every member cluster where the
// feature is enabled. Register it with the multicluster manager.
type Workloads struct {
	store  *store.Store
	logger *slog.Logger
	scheme *runtime.Scheme

	mu       sync.Mutex
	clusters map[string]*controllerState
}

// controllerState is what is known of one cluster's controller. Every
// change closes changed and replaces it, so waiters wake up.
type controllerState struct {
	// conn is the connection the state is of: a controller of an older
	// connection still stopping must not overwrite a newer one's state.
	conn *multicluster.Cluster
	// wake is signalled when the feature is enabled.
	wake    chan struct{}
	changed chan struct{}
	// client reads Workloads from the running controller's cache; nil
	// while it does not run.
	client client.Client
	// err is why the last start failed.
	err error
}

// Status is the state of a cluster's hosted controller.
type Status struct {
	// Enabled: the feature is recorded on the cluster.
	Enabled bool
	// Running: the controller runs and its caches are in sync.
	Running bool
	// Message says why an enabled controller does not run.
	Message string
}

// NewWorkloads returns the Workload controller host.
func NewWorkloads(st *store.Store, logger *slog.Logger) (*Workloads, error) {
	scheme, err := ctrlkit.NewScheme()
	if err != nil {
		return nil, err
	}
	if logger == nil {
		logger = slog.Default()
	}
	return &Workloads{store: st, logger: logger, scheme: scheme, clusters: map[string]*controllerState{}}, nil
}

// Name implements multicluster.Component.
func (w *Workloads) Name() string { return "workload-controller" }

// state returns the cluster's state, creating it; w.mu must be held.
func (w *Workloads) state(cluster string) *controllerState {
	s := w.clusters[cluster]
	if s == nil {
		s = &controllerState{wake: make(chan struct{}, 1), changed: make(chan struct{})}
		w.clusters[cluster] = s
	}
	return s
}

// set records the client and last error of the controller on conn and
// wakes the waiters.
func (w *Workloads) set(conn *multicluster.Cluster, c client.Client, err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	s := w.state(conn.Name())
	if s.conn != conn {
		return
	}
	s.client, s.err = c, err
	close(s.changed)
	s.changed = make(chan struct{})
}

// Run implements multicluster.Component: it waits until the feature is
// enabled for c, installs the CRD and runs the controller until ctx ends.
// An error (the cluster is down, the CRD is not served) is retried by the
// multicluster manager with a backoff.
func (w *Workloads) Run(ctx context.Context, c *multicluster.Cluster) error {
	name := c.Name()
	w.mu.Lock()
	s := w.state(name)
	s.conn, s.client, s.err = c, nil, nil
	wake := s.wake
	w.mu.Unlock()
	defer func() {
		if ctx.Err() != nil {
			w.forget(c)
		}
	}()
	for {
		enabled, err := w.enabled(ctx, name)
		if err != nil {
			return err
		}
		if enabled {
			break
		}
		select {
		case <-ctx.Done():
			return nil
		case <-wake:
		}
	}
	err := w.runController(ctx, c)
	if ctx.Err() != nil {
		return nil
	}
	w.set(c, nil, err)
	if err == nil {
		err = errors.New("the controller stopped")
	}
	return fmt.Errorf("workload controller of cluster %q: %w", name, err)
}

// runController installs the CRD and runs the controller for c until ctx
// ends or the controller fails.
func (w *Workloads) runController(ctx context.Context, c *multicluster.Cluster) error {
	// The controller's client has no client-side rate limit, like
	// `wheelhouse operator`'s default: the member cluster's API priority
	// and fairness is what limits it.
	rc := rest.CopyConfig(c.Config)
	rc.QPS, rc.Burst = -1, 0
	mgr, err := ctrlkit.NewManager(rc, ctrlkit.Options{Cluster: c.Name(), Logger: w.logger, Scheme: w.scheme})
	if err != nil {
		return fmt.Errorf("controller manager: %w", err)
	}
	direct, err := client.New(rc, client.Options{Scheme: w.scheme})
	if err != nil {
		return fmt.Errorf("client: %w", err)
	}
	if err := crd.Install(ctx, direct, crd.Options{Timeout: crdInstallTimeout}); err != nil {
		return fmt.Errorf("install the Workload CRD: %w", err)
	}
	if _, err := workload.Setup(mgr, workload.Options{Cluster: c.Name()}); err != nil {
		return err
	}
	return ctrlkit.RunSynced(ctx, mgr, cacheSyncTimeout, func() {
		w.set(c, mgr.GetClient(), nil)
		w.logger.Info("Workload controller running", "cluster", c.Name())
	})
}

// forget drops the state of a connection that closed, unless a newer
// connection of the cluster owns it already.
func (w *Workloads) forget(conn *multicluster.Cluster) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if s := w.clusters[conn.Name()]; s != nil && s.conn == conn {
		close(s.changed)
		delete(w.clusters, conn.Name())
	}
}

// enabled reports whether the feature is recorded on the cluster's record.
func (w *Workloads) enabled(ctx context.Context, cluster string) (bool, error) {
	rec, err := w.store.Clusters().GetByName(ctx, cluster)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("read cluster %q: %w", cluster, err)
	}
	return slices.Contains(rec.Features, FeatureWorkloads), nil
}

// Enable records the feature on the cluster and wakes its controller, then
// waits until the controller runs, or its start failed (it is retried in
// the background), or ctx ends. The error says why it does not run yet.
func (w *Workloads) Enable(ctx context.Context, cluster string) error {
	rec, err := w.store.Clusters().GetByName(ctx, cluster)
	if err != nil {
		return err
	}
	if !slices.Contains(rec.Features, FeatureWorkloads) {
		rec.Features = append(rec.Features, FeatureWorkloads)
		if err := w.store.Clusters().Update(ctx, rec); err != nil {
			return fmt.Errorf("record feature: %w", err)
		}
	}
	w.mu.Lock()
	s := w.state(cluster)
	if s.client != nil {
		w.mu.Unlock()
		return nil
	}
	changed := s.changed
	select {
	case s.wake <- struct{}{}:
	default: // already woken
	}
	w.mu.Unlock()
	for {
		select {
		case <-ctx.Done():
			return fmt.Errorf("wait for the workload controller of cluster %q: %w", cluster, ctx.Err())
		case <-changed:
		}
		w.mu.Lock()
		s := w.state(cluster)
		c, err := s.client, s.err
		changed = s.changed
		w.mu.Unlock()
		switch {
		case c != nil:
			return nil
		case err != nil:
			return err
		}
	}
}

// Status reports the cluster's controller.
func (w *Workloads) Status(ctx context.Context, cluster string) (Status, error) {
	enabled, err := w.enabled(ctx, cluster)
	if err != nil {
		return Status{}, err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	s := w.clusters[cluster]
	st := Status{Enabled: enabled}
	switch {
	case s != nil && s.client != nil:
		st.Running = true
	case !enabled:
	case s != nil && s.err != nil:
		st.Message = s.err.Error()
	default:
		st.Message = "starting: waiting for the cluster to answer"
	}
	return st, nil
}

// Client returns a client for the cluster's Workloads (reads from the
// controller's cache), or ErrNotEnabled while the controller does not run.
func (w *Workloads) Client(cluster string) (client.Client, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if s := w.clusters[cluster]; s != nil && s.client != nil {
		return s.client, nil
	}
	return nil, fmt.Errorf("workloads in cluster %q: %w", cluster, ErrNotEnabled)
}
