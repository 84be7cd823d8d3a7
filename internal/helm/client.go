package helm

import (
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"helm.sh/helm/v4/pkg/action"
	"helm.sh/helm/v4/pkg/kube"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
)

// Defaults of Config.
const (
	// DefaultTimeout bounds an operation's wait (and Helm's hooks).
	DefaultTimeout = 5 * time.Minute
	// DefaultUnlockGrace is how long a release pending by another client
	// (not by Wheelhouse) is left alone before Unlock marks it failed.
	DefaultUnlockGrace = 15 * time.Minute
	// DefaultMaxHistory is how many revisions of a release are kept.
	DefaultMaxHistory = 10
)

// Label values Wheelhouse adds to the releases it writes (Helm keeps them as
// labels of its storage Secret and carries them to later revisions).
const (
	// LabelManagedBy marks a release written by Wheelhouse.
	LabelManagedBy = "wheelhouse.dev/managed-by"
	managedByValue = "wheelhouse"
)

// FieldManager is the field manager of every object Wheelhouse applies
// through Helm: the helm CLI's own, so that the CLI and Wheelhouse manage
// the same releases without server-side apply conflicts (Helm's default is
// the process's name, which would make "wheelhouse" and "helm" two owners
// of every field).
const FieldManager = "helm"

func init() {
	// Helm's SDK takes it as a process-wide variable.
	kube.ManagedFieldsManager = FieldManager
}

// Config configures a Client.
type Config struct {
	// Cluster names the cluster in logs and errors.
	Cluster string
	// RESTConfig reaches the cluster's API server (multicluster.Cluster's
	// Config).
	RESTConfig *rest.Config
	// Logger; default slog.Default().
	Logger *slog.Logger
	// UnlockGrace: see DefaultUnlockGrace.
	UnlockGrace time.Duration
	// MaxHistory: see DefaultMaxHistory.
	MaxHistory int
	// Locks are the releases with an operation running in this process,
	// shared by every Client of the process (a cluster's connection is
	// replaced when its credentials change, while operations of the old
	// one may still run). Default: the Client's own.
	Locks *Locks
}

// Locks holds the releases ("cluster/namespace/name") an operation of this
// process is running on: at most one at a time on a release, and Unlock
// never takes one of them for interrupted.
type Locks struct {
	mu   sync.Mutex
	busy map[string]string
}

// NewLocks returns empty Locks.
func NewLocks() *Locks { return &Locks{busy: map[string]string{}} }

// Client runs release operations against one cluster. It is safe for
// concurrent use; at most one operation runs at a time on a release.
type Client struct {
	cfg     Config
	clients *clusterClients
	kube    kubernetes.Interface
}

// NewClient returns a Client for cfg, with defaults filled.
func NewClient(cfg Config) (*Client, error) {
	if cfg.RESTConfig == nil {
		return nil, errors.New("helm client: no REST config")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.UnlockGrace == 0 {
		cfg.UnlockGrace = DefaultUnlockGrace
	}
	if cfg.Locks == nil {
		cfg.Locks = NewLocks()
	}
	if cfg.MaxHistory == 0 {
		cfg.MaxHistory = DefaultMaxHistory
	}
	cfg.Logger = cfg.Logger.With("cluster", cfg.Cluster)
	kc, err := kubernetes.NewForConfig(cfg.RESTConfig)
	if err != nil {
		return nil, fmt.Errorf("kubernetes client for %q: %w", cfg.Cluster, err)
	}
	return &Client{
		cfg:     cfg,
		clients: &clusterClients{config: rest.CopyConfig(cfg.RESTConfig)},
		kube:    kc,
	}, nil
}

// actionConfig is Helm's configuration for operations on releases of
// namespace: the Secrets storage driver, the kstatus waiter.
func (c *Client) actionConfig(namespace string) (*action.Configuration, error) {
	ac := action.NewConfiguration(action.ConfigurationSetLogger(c.cfg.Logger.Handler()))
	g := &getter{clients: c.clients, namespace: namespace}
	if err := ac.Init(g, namespace, "secret"); err != nil {
		return nil, fmt.Errorf("helm configuration for %s: %w", namespace, err)
	}
	if kc, ok := ac.KubeClient.(*kube.Client); ok {
		kc.Namespace = namespace
	}
	return ac, nil
}

// begin marks the release namespace/name busy with op, or returns an error
// wrapping ErrBusy when another operation of this process holds it. The
// returned function ends it.
func (c *Client) begin(namespace, name, op string) (func(), error) {
	l := c.cfg.Locks
	key := c.cfg.Cluster + "/" + namespace + "/" + name
	l.mu.Lock()
	defer l.mu.Unlock()
	if other, ok := l.busy[key]; ok {
		return nil, fmt.Errorf("release %s/%s: %s is running: %w", namespace, name, other, ErrBusy)
	}
	l.busy[key] = op
	return func() {
		l.mu.Lock()
		delete(l.busy, key)
		l.mu.Unlock()
	}, nil
}

func (c *Client) isBusy(namespace, name string) bool {
	l := c.cfg.Locks
	l.mu.Lock()
	defer l.mu.Unlock()
	_, ok := l.busy[c.cfg.Cluster+"/"+namespace+"/"+name]
	return ok
}
