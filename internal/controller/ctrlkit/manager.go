package ctrlkit

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/go-logr/logr"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/leaderelection/resourcelock"
	"k8s.io/utils/ptr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/config"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	appsv1alpha1 "github.com/wheelhouse-dev/wheelhouse/api/apps/v1alpha1"
	devopsv1alpha1 "github.com/wheelhouse-dev/wheelhouse/api/devops/v1alpha1"
)

// NewScheme returns a scheme with client-go's built-in kinds, the
// apiextensions kinds (to install CRDs) and Wheelhouse's own API groups:
// everything a Wheelhouse controller reads or writes.
func NewScheme() (*runtime.Scheme, error) {
	s := runtime.NewScheme()
	for _, add := range []func(*runtime.Scheme) error{
		clientgoscheme.AddToScheme,
		apiextensionsv1.AddToScheme,
		appsv1alpha1.AddToScheme,
		devopsv1alpha1.AddToScheme,
	} {
		if err := add(s); err != nil {
			return nil, fmt.Errorf("build scheme: %w", err)
		}
	}
	return s, nil
}

// Options configures a manager made by NewManager.
type Options struct {
	// Cluster names the cluster the manager runs against: every log line
	// carries it as "cluster", and reconcilers put it in the cluster label
	// of their metrics. Empty in `wheelhouse operator` unless given.
	Cluster string
	// Logger receives the manager's and its controllers' logs, bridged to
	// logr. Default: discard.
	Logger *slog.Logger
	// Scheme is the manager's scheme. Default: NewScheme().
	Scheme *runtime.Scheme
	// LeaderElection makes replicas compete for a Lease; only the leader
	// runs controllers. The Lease is released when the manager stops, so
	// a new leader takes over at once.
	LeaderElection bool
	// LeaderElectionID names the Lease.
	LeaderElectionID string
	// LeaderElectionNamespace is the Lease's namespace (default: the
	// pod's namespace; required with LeaderElectionIdentity).
	LeaderElectionNamespace string
	// LeaderElectionIdentity names this replica in the Lease: a replica
	// that comes back with the same identity (restarted in the same
	// place) takes the Lease back at once instead of waiting for it to
	// lapse. Default: the host name and a random suffix.
	LeaderElectionIdentity string
	// MetricsBindAddress is where the manager serves /metrics. "" or "0"
	// serves nothing: in the server, whose own /metrics gathers
	// controller-runtime's metrics.Registry, where every controller metric
	// is registered.
	MetricsBindAddress string
	// HealthProbeBindAddress is where the manager serves /healthz and
	// /readyz. "" or "0" serves nothing.
	HealthProbeBindAddress string
	// Namespace, when set, limits the manager's caches (and so its
	// controllers) to one namespace.
	Namespace string
}

// NewManager returns a controller-runtime manager for the cluster rc
// reaches, configured the same way for `wheelhouse operator` and for the
// server's per-cluster host. Controller names are not checked for
// uniqueness across the process: the server runs a manager per member
// cluster and makes a new one when a cluster comes back, each with the same
// controllers (their names carry the cluster, and so tell their metrics
// apart).
func NewManager(rc *rest.Config, opts Options) (ctrl.Manager, error) {
	if opts.Scheme == nil {
		s, err := NewScheme()
		if err != nil {
			return nil, err
		}
		opts.Scheme = s
	}
	if opts.MetricsBindAddress == "" {
		opts.MetricsBindAddress = "0"
	}
	if opts.HealthProbeBindAddress == "0" {
		opts.HealthProbeBindAddress = ""
	}
	mo := ctrl.Options{
		Scheme:                        opts.Scheme,
		Logger:                        Logr(opts.Logger, opts.Cluster),
		Metrics:                       metricsserver.Options{BindAddress: opts.MetricsBindAddress},
		HealthProbeBindAddress:        opts.HealthProbeBindAddress,
		LeaderElection:                opts.LeaderElection,
		LeaderElectionID:              opts.LeaderElectionID,
		LeaderElectionNamespace:       opts.LeaderElectionNamespace,
		LeaderElectionReleaseOnCancel: true,
		Controller:                    config.Controller{SkipNameValidation: ptr.To(true)},
	}
	if opts.LeaderElection && opts.LeaderElectionIdentity != "" {
		lock, err := leaseLock(rc, opts)
		if err != nil {
			return nil, err
		}
		mo.LeaderElectionResourceLockInterface = lock
	}
	if opts.Namespace != "" {
		mo.Cache = cache.Options{DefaultNamespaces: map[string]cache.Config{opts.Namespace: {}}}
	}
	mgr, err := ctrl.NewManager(rc, mo)
	if err != nil {
		return nil, fmt.Errorf("create controller manager for cluster %q: %w", opts.Cluster, err)
	}
	return mgr, nil
}

// leaseLock is the Lease opts name, held as opts.LeaderElectionIdentity.
// Its requests time out at half the manager's renew deadline (10 s), as
// controller-runtime's own lock does, so one slow answer does not lose the
// lease.
func leaseLock(rc *rest.Config, opts Options) (resourcelock.Interface, error) {
	if opts.LeaderElectionNamespace == "" || opts.LeaderElectionID == "" {
		return nil, errors.New("leader election with an identity needs the Lease's namespace and name")
	}
	lc := rest.CopyConfig(rc)
	lc.Timeout = 5 * time.Second
	cs, err := kubernetes.NewForConfig(lc)
	if err != nil {
		return nil, fmt.Errorf("leader election client: %w", err)
	}
	return resourcelock.New(resourcelock.LeasesResourceLock, opts.LeaderElectionNamespace, opts.LeaderElectionID,
		cs.CoreV1(), cs.CoordinationV1(), resourcelock.ResourceLockConfig{Identity: opts.LeaderElectionIdentity})
}

// Logr bridges logger (discard when nil) to logr, with the cluster as
// "cluster" on every line when it is set.
func Logr(logger *slog.Logger, cluster string) logr.Logger {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if cluster != "" {
		logger = logger.With("cluster", cluster)
	}
	return logr.FromSlogHandler(logger.Handler())
}

// RunSynced runs mgr until ctx ends or it fails, calling ready once its
// caches are in sync (within syncTimeout; past it, the manager is stopped
// and the error says so): what a host does before it hands out clients of
// the manager's cache.
func RunSynced(ctx context.Context, mgr ctrl.Manager, syncTimeout time.Duration, ready func()) error {
	mctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errc := make(chan error, 1)
	go func() { errc <- mgr.Start(mctx) }()
	syncCtx, cancelSync := context.WithTimeout(ctx, syncTimeout)
	synced := mgr.GetCache().WaitForCacheSync(syncCtx)
	cancelSync()
	if !synced {
		cancel()
		<-errc
		return errors.New("the controllers' caches did not sync")
	}
	ready()
	return <-errc
}
