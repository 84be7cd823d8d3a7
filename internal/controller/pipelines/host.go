package pipelines

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/rest"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"

	devopsv1alpha1 "github.com/wheelhouse-dev/wheelhouse/api/devops/v1alpha1"
	"github.com/wheelhouse-dev/wheelhouse/config/crd"
	"github.com/wheelhouse-dev/wheelhouse/internal/controller/ctrlkit"
	"github.com/wheelhouse-dev/wheelhouse/internal/events"
	"github.com/wheelhouse-dev/wheelhouse/internal/logstore"
	"github.com/wheelhouse-dev/wheelhouse/internal/multicluster"
	"github.com/wheelhouse-dev/wheelhouse/internal/pipeline"
	"github.com/wheelhouse-dev/wheelhouse/internal/secrets"
)

// ErrNotRunning says the pipeline controllers do not run: the management
// cluster is not connected (or not yet ready).
var ErrNotRunning = errors.New("the pipeline controllers are not running")

// Bounds of one start.
const (
	crdInstallTimeout = time.Minute
	cacheSyncTimeout  = time.Minute
)

// The Lease the servers sharing a management cluster compete for: only
// its holder runs the controllers and the runner (so admissions under a
// project's quota are made by one process, and every execution runs where
// the leader is); every server serves the API from its own caches.
const (
	LeaseNamespace = "kube-system"
	LeaseName      = "wheelhouse-pipeline-controllers"
)

// Options configures the pipeline controllers.
type Options struct {
	// Cluster is the management cluster: the member cluster whose
	// connection runs the controllers and holds the pipeline resources.
	Cluster string
	// Engine runs steps; Logs keeps their logs.
	Engine pipeline.Engine
	Logs   logstore.Store
	// Source reads repositories; Credentials opens tokens.
	Source      Source
	Credentials Credentials
	// Registries resolves publishImage's registries; Applier applies
	// applyYaml's manifests. Either may be nil: the steps then fail
	// saying so.
	Registries Registries
	Applier    Applier
	// Events carries image pushes to the imagePush triggers; nil: none.
	Events *events.Bus
	// Keyring seals the pipelines' webhook secrets; ExternalURL is where
	// forges reach this server's webhook receiver. Without either, no
	// webhook is registered.
	Keyring     *secrets.Keyring
	ExternalURL string
	// LeaseDuration is how long a runner's lease holds unrenewed; zero
	// means devopsv1alpha1.DefaultLeaseDuration seconds.
	LeaseDuration time.Duration
	Logger        *slog.Logger
}

// Host runs the pipeline controllers on the management cluster's
// connection. It is a multicluster.Component: it does nothing on other
// clusters, and on the management cluster it starts, stops and restarts
// with the connection.
type Host struct {
	opts Options
	// place is engine/identity: where this server runs steps, the same
	// after a restart; holder adds this instance, for the runner's leases.
	place, holder string
	scheme        *runtime.Scheme

	mu      sync.Mutex
	running *Controllers
	changed chan struct{}
}

// Controllers are the running controllers, for the API.
type Controllers struct {
	// Client reads from the controllers' cache and writes to the
	// management cluster.
	Client client.Client
	// Reader reads and watches the API server itself: what a user just
	// wrote is there (the cache may not have it yet), so the API reads
	// through it, and the console follows its watches.
	Reader  DirectReader
	Trigger *Trigger
	Runner  *Runner
}

// DirectReader reads and watches the API server itself, not a cache.
type DirectReader interface {
	client.Reader
	Watch(ctx context.Context, list client.ObjectList, opts ...client.ListOption) (watch.Interface, error)
}

// NewHost returns the pipeline controllers' host.
func NewHost(opts Options) (*Host, error) {
	if opts.Engine == nil || opts.Logs == nil || opts.Source == nil {
		return nil, errors.New("pipelines: an engine, a log store and a source are required")
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.LeaseDuration <= 0 {
		opts.LeaseDuration = time.Duration(devopsv1alpha1.DefaultLeaseDuration) * time.Second
	}
	scheme, err := ctrlkit.NewScheme()
	if err != nil {
		return nil, err
	}
	// The holder is engine/identity/instance: an engine that can say
	// where it runs (the local engine: its host and root) lets the next
	// instance in the same place give up the last one's executions at
	// once (Runner.SameHostEarlierInstance).
	place, _ := os.Hostname()
	if id, ok := opts.Engine.(interface{ Identity() string }); ok {
		place = id.Identity()
	}
	place = opts.Engine.Name() + "/" + place
	var b [4]byte
	_, _ = rand.Read(b[:])
	holder := place + "/" + hex.EncodeToString(b[:])
	return &Host{opts: opts, place: place, holder: holder, scheme: scheme, changed: make(chan struct{})}, nil
}

// Name implements multicluster.Component.
func (h *Host) Name() string { return "pipeline-controllers" }

// Cluster is the management cluster's name.
func (h *Host) Cluster() string { return h.opts.Cluster }

// Controllers returns the running controllers, waiting up to ctx's end
// for them to start.
func (h *Host) Controllers(ctx context.Context) (*Controllers, error) {
	if h.opts.Cluster == "" {
		return nil, fmt.Errorf("%w: no management cluster is configured (management-cluster)", ErrNotRunning)
	}
	for {
		h.mu.Lock()
		running, changed := h.running, h.changed
		h.mu.Unlock()
		if running != nil {
			return running, nil
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("%w on cluster %q", ErrNotRunning, h.opts.Cluster)
		case <-changed:
		}
	}
}

// set records the running controllers (nil: stopped) and wakes waiters.
func (h *Host) set(c *Controllers) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.running = c
	close(h.changed)
	h.changed = make(chan struct{})
}

// Run implements multicluster.Component.
func (h *Host) Run(ctx context.Context, c *multicluster.Cluster) error {
	if c.Name() != h.opts.Cluster {
		<-ctx.Done()
		return nil
	}
	defer h.set(nil)
	err := h.run(ctx, c)
	if ctx.Err() != nil {
		return nil
	}
	if err == nil {
		err = errors.New("the controllers stopped")
	}
	return fmt.Errorf("pipeline controllers on cluster %q: %w", c.Name(), err)
}

// run installs the CRDs and runs the controllers until ctx ends.
func (h *Host) run(ctx context.Context, c *multicluster.Cluster) error {
	rc := rest.CopyConfig(c.Config)
	rc.QPS, rc.Burst = -1, 0
	// The place is the Lease's identity: a server restarted in the same
	// place leads again at once, and fails its earlier instance's
	// executions at once (Runner.SameHostEarlierInstance).
	mgr, err := ctrlkit.NewManager(rc, ctrlkit.Options{Cluster: c.Name(), Logger: h.opts.Logger, Scheme: h.scheme,
		LeaderElection: true, LeaderElectionNamespace: LeaseNamespace, LeaderElectionID: LeaseName, LeaderElectionIdentity: h.place})
	if err != nil {
		return err
	}
	direct, err := client.New(rc, client.Options{Scheme: h.scheme})
	if err != nil {
		return err
	}
	if err := crd.Install(ctx, direct, crd.Options{Timeout: crdInstallTimeout, Groups: []string{crd.GroupDevOps}}); err != nil {
		return fmt.Errorf("install the pipeline CRDs: %w", err)
	}
	running, err := Setup(mgr, h.opts, h.holder)
	if err != nil {
		return err
	}
	return ctrlkit.RunSynced(ctx, mgr, cacheSyncTimeout, func() {
		h.set(running)
		h.opts.Logger.Info("pipeline controllers running", "cluster", c.Name(), "holder", h.holder)
	})
}

// Setup adds the pipeline controllers and the runner to mgr, the runner
// holding leases as holder. They run when mgr starts.
func Setup(mgr ctrl.Manager, opts Options, holder string) (*Controllers, error) {
	logger := opts.Logger.With("cluster", opts.Cluster)
	lease := opts.LeaseDuration
	if lease <= 0 {
		lease = time.Duration(devopsv1alpha1.DefaultLeaseDuration) * time.Second
	}
	runner := &Runner{
		client: mgr.GetClient(), reader: mgr.GetAPIReader(), engine: opts.Engine, logs: opts.Logs,
		creds: opts.Credentials, registries: opts.Registries, applier: opts.Applier,
		holder: holder, lease: lease, logger: logger, now: time.Now,
		active: map[types.NamespacedName]*run{},
	}
	if err := mgr.Add(runner); err != nil {
		return nil, fmt.Errorf("add the pipeline runner: %w", err)
	}
	trigger := &Trigger{Client: mgr.GetClient(), Reader: mgr.GetAPIReader(), Source: opts.Source, Credentials: opts.Credentials}
	executions := &ExecutionReconciler{
		client: mgr.GetClient(), reader: mgr.GetAPIReader(), runner: runner, logs: opts.Logs,
		notifier: newNotifier(logger), logger: logger, now: time.Now,
	}
	if err := executions.SetupWithManager(mgr, opts.Cluster); err != nil {
		return nil, fmt.Errorf("set up the execution controller: %w", err)
	}
	pipelines := &PipelineReconciler{client: mgr.GetClient(), trigger: trigger, creds: opts.Credentials, keyring: opts.Keyring,
		externalURL: opts.ExternalURL, logger: logger, now: time.Now}
	if err := pipelines.SetupWithManager(mgr, opts.Cluster); err != nil {
		return nil, fmt.Errorf("set up the pipeline controller: %w", err)
	}
	if opts.Events != nil {
		if err := mgr.Add(&ImagePushes{Bus: opts.Events, Client: mgr.GetClient(), Trigger: trigger, Logger: logger}); err != nil {
			return nil, fmt.Errorf("add the image push trigger: %w", err)
		}
	}
	direct, err := client.NewWithWatch(mgr.GetConfig(), client.Options{Scheme: mgr.GetScheme(), Mapper: mgr.GetRESTMapper()})
	if err != nil {
		return nil, fmt.Errorf("the API server's client: %w", err)
	}
	return &Controllers{Client: mgr.GetClient(), Reader: direct, Trigger: trigger, Runner: runner}, nil
}

// conflictRetry is how soon a pass that lost a write race runs again (the
// winner's write also wakes it).
const conflictRetry = 20 * time.Millisecond

// controllerOptions are both controllers' options: one worker each, so that
// admissions under the quota never race within the process.
func controllerOptions() controller.Options {
	return controller.Options{MaxConcurrentReconciles: 1}
}
