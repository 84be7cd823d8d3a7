package multicluster

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/client-go/discovery/cached/memory"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/metadata"
	"k8s.io/client-go/metadata/metadatainformer"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/restmapper"
	"k8s.io/client-go/tools/cache"
	metricsclient "k8s.io/metrics/pkg/client/clientset/versioned"
)

// Phase is a cluster's connection state.
type Phase string

// Phases of a connected cluster.
const (
	// PhaseSyncing: connected, the caches are filling for the first time.
	PhaseSyncing Phase = "Syncing"
	// PhaseReady: the API server answers and the caches are current.
	PhaseReady Phase = "Ready"
	// PhaseUnavailable: the API server does not answer.
	PhaseUnavailable Phase = "Unavailable"
	// PhaseUnauthorized: the API server rejects the stored credentials.
	PhaseUnauthorized Phase = "Unauthorized"
)

// Health is a cluster's last known state.
type Health struct {
	Phase Phase
	// Reason is the last error, empty when Ready.
	Reason string
	// Since is when Phase last changed.
	Since time.Time
	// Version is the API server's gitVersion, from the last good probe.
	Version   string
	LastProbe time.Time
}

// Options tune a connection; zero values take defaults.
type Options struct {
	Logger *slog.Logger
	// ProbeInterval is how often the API server is probed; default 10 s.
	ProbeInterval time.Duration
	// ProbeTimeout bounds one probe; default 5 s.
	ProbeTimeout time.Duration
	// Resync is the informers' resync period; default 0 (never: watches
	// keep the caches current, resyncs only cost CPU).
	Resync time.Duration
	// UsageInterval is how often node usage is fetched from the cluster's
	// metrics-server (see Usage); default 30 s, negative: never.
	UsageInterval time.Duration
	// UsageTimeout bounds one fetch of node usage; default 5 s.
	UsageTimeout time.Duration
	// Components run once per connection (see Component).
	Components []Component
	// OnPhaseChange, when set, is told of every phase change of a
	// cluster. It is called with the cluster's lock held, in order, so it
	// must not block (hand the change to a goroutine of its own).
	OnPhaseChange func(PhaseChange)
}

// PhaseChange is a change of a cluster's phase.
type PhaseChange struct {
	Cluster  string
	From, To Phase
	// Reason says why, for the phases other than Ready and Syncing.
	Reason string
	Time   time.Time
}

func (o *Options) defaults() {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.ProbeInterval == 0 {
		o.ProbeInterval = 10 * time.Second
	}
	if o.ProbeTimeout == 0 {
		o.ProbeTimeout = 5 * time.Second
	}
	if o.UsageInterval == 0 {
		o.UsageInterval = 30 * time.Second
	}
	if o.UsageTimeout == 0 {
		o.UsageTimeout = 5 * time.Second
	}
}

// Cluster is one connected member cluster.
type Cluster struct {
	name string
	opts Options

	// Config is the client configuration for the cluster's API server.
	Config *rest.Config
	// Kube is the typed client; writes go through it or Dynamic.
	Kube kubernetes.Interface
	// Dynamic reaches any kind, CRDs included.
	Dynamic dynamic.Interface
	// Mapper maps kinds to resources from cached discovery.
	Mapper meta.ResettableRESTMapper
	// Metrics reads metrics.k8s.io, where the cluster serves it.
	Metrics metricsclient.Interface

	informers map[string]cache.SharedIndexInformer
	cancel    context.CancelFunc
	done      chan struct{}
	// start runs a component on this connection; components is the
	// group Close waits for.
	start      func(Component)
	components sync.WaitGroup

	mu     sync.RWMutex
	health Health
	synced bool
	// usage is the last answer of metrics-server, nil when none;
	// usagePolled is set once it has been asked.
	usage       *Usage
	usagePolled bool
}

// Connect opens a connection to the cluster at rc and starts filling its
// caches in the background; it does not wait for them. Close releases it.
func Connect(ctx context.Context, name string, rc *rest.Config, opts Options) (*Cluster, error) {
	opts.defaults()
	rc = rest.CopyConfig(rc)
	// One server serves many users from caches; client-side throttling
	// would only delay the initial LISTs and writes.
	rc.QPS, rc.Burst = 100, 200
	rc.UserAgent = "wheelhouse"
	kube, err := kubernetes.NewForConfig(rc)
	if err != nil {
		return nil, fmt.Errorf("client for cluster %q: %w", name, err)
	}
	dyn, err := dynamic.NewForConfig(rc)
	if err != nil {
		return nil, fmt.Errorf("dynamic client for cluster %q: %w", name, err)
	}
	meta, err := metadata.NewForConfig(rc)
	if err != nil {
		return nil, fmt.Errorf("metadata client for cluster %q: %w", name, err)
	}
	metrics, err := metricsclient.NewForConfig(rc)
	if err != nil {
		return nil, fmt.Errorf("metrics client for cluster %q: %w", name, err)
	}
	c := &Cluster{
		name: name, opts: opts, Config: rc, Kube: kube, Dynamic: dyn, Metrics: metrics,
		Mapper:    restmapper.NewDeferredDiscoveryRESTMapper(memory.NewMemCacheClient(kube.Discovery())),
		informers: map[string]cache.SharedIndexInformer{},
		done:      make(chan struct{}),
		health:    Health{Phase: PhaseSyncing, Since: time.Now()},
	}
	typed := informers.NewSharedInformerFactoryWithOptions(kube, opts.Resync, informers.WithTransform(slim))
	partial := metadatainformer.NewSharedInformerFactory(meta, opts.Resync)
	for _, k := range Kinds {
		var inf cache.SharedIndexInformer
		if k.MetadataOnly {
			inf = partial.ForResource(k.GVR).Informer()
			if err := inf.SetTransform(slim); err != nil {
				return nil, fmt.Errorf("transform %s: %w", k.Name, err)
			}
		} else {
			gi, err := typed.ForResource(k.GVR)
			if err != nil {
				return nil, fmt.Errorf("informer for %s: %w", k.Name, err)
			}
			inf = gi.Informer()
		}
		if err := inf.AddIndexers(indexers(k)); err != nil {
			return nil, fmt.Errorf("indexes of %s: %w", k.Name, err)
		}
		kind := k.Name
		if err := inf.SetWatchErrorHandlerWithContext(func(_ context.Context, _ *cache.Reflector, err error) {
			c.watchFailed(kind, err)
		}); err != nil {
			return nil, fmt.Errorf("watch error handler for %s: %w", k.Name, err)
		}
		c.informers[k.Name] = inf
	}

	runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	c.cancel = cancel
	typed.Start(runCtx.Done())
	partial.Start(runCtx.Done())
	c.start = func(comp Component) {
		c.components.Go(func() { c.runComponent(runCtx, comp) })
	}
	go func() {
		defer close(c.done)
		var wg sync.WaitGroup
		wg.Go(func() { c.waitForSync(runCtx) })
		wg.Go(func() { c.probeLoop(runCtx) })
		wg.Go(func() { c.usageLoop(runCtx) })
		wg.Wait()
		c.components.Wait()
		typed.Shutdown()
		partial.Shutdown()
	}()
	for _, comp := range opts.Components {
		c.start(comp)
	}
	return c, nil
}

// Name is the cluster's name in Wheelhouse.
func (c *Cluster) Name() string { return c.name }

// Close stops the informers, probes and components and waits for them.
func (c *Cluster) Close() {
	c.cancel()
	<-c.done
}

// Health returns the cluster's last known state.
func (c *Cluster) Health() Health {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.health
}

// Synced reports whether every cache has filled once.
func (c *Cluster) Synced() bool {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.synced
}

// Available returns nil when the cluster can answer reads from its caches
// and take writes, or an *UnavailableError saying why not.
func (c *Cluster) Available() error {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.health.Phase == PhaseReady && c.synced {
		return nil
	}
	reason := c.health.Reason
	if !c.synced && reason == "" {
		reason = "caches are still filling"
	}
	return &UnavailableError{Cluster: c.name, Phase: c.health.Phase, Reason: reason, Since: c.health.Since}
}

// WaitForSync blocks until the caches have filled once or ctx ends.
func (c *Cluster) WaitForSync(ctx context.Context) error {
	t := time.NewTicker(20 * time.Millisecond)
	defer t.Stop()
	for !c.Synced() {
		select {
		case <-ctx.Done():
			return fmt.Errorf("wait for caches of cluster %q: %w", c.name, ctx.Err())
		case <-t.C:
		}
	}
	return nil
}

func (c *Cluster) waitForSync(ctx context.Context) {
	syncs := make([]cache.InformerSynced, 0, len(c.informers))
	for _, inf := range c.informers {
		syncs = append(syncs, inf.HasSynced)
	}
	start := time.Now()
	if !cache.WaitForCacheSync(ctx.Done(), syncs...) {
		return
	}
	c.mu.Lock()
	c.synced = true
	c.mu.Unlock()
	c.opts.Logger.Info("Cluster caches synced", "cluster", c.name, "duration", time.Since(start))
	c.probe(ctx) // move from Syncing to Ready at once
}

func (c *Cluster) probeLoop(ctx context.Context) {
	c.probe(ctx)
	t := time.NewTicker(c.opts.ProbeInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			c.probe(ctx)
		}
	}
}

// probe asks the API server for its version: cheap, authenticated, and
// enough to tell "down" from "credentials rejected".
func (c *Cluster) probe(ctx context.Context) {
	pctx, cancel := context.WithTimeout(ctx, c.opts.ProbeTimeout)
	defer cancel()
	var info struct {
		GitVersion string `json:"gitVersion"`
	}
	raw, err := c.Kube.Discovery().RESTClient().Get().AbsPath("/version").Do(pctx).Raw()
	if err == nil {
		err = json.Unmarshal(raw, &info)
	}
	if ctx.Err() != nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.health.LastProbe = time.Now()
	switch {
	case err == nil:
		c.health.Version = info.GitVersion
		if c.synced {
			c.setPhase(PhaseReady, "")
		} else {
			c.setPhase(PhaseSyncing, "")
		}
	case apierrors.IsUnauthorized(err) || apierrors.IsForbidden(err):
		c.setPhase(PhaseUnauthorized, "the API server rejected the credentials: "+err.Error())
	default:
		c.setPhase(PhaseUnavailable, err.Error())
	}
}

// watchFailed takes a watch error as early news that the cluster is down
// (or the credentials were revoked); the next good probe clears it.
func (c *Cluster) watchFailed(kind string, err error) {
	if errors.Is(err, context.Canceled) {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case apierrors.IsUnauthorized(err) || apierrors.IsForbidden(err):
		c.setPhase(PhaseUnauthorized, fmt.Sprintf("watch %s: %v", kind, err))
	case apierrors.IsResourceExpired(err) || apierrors.IsGone(err):
		// A routine relist, not an outage.
	default:
		if c.health.Phase == PhaseReady {
			c.setPhase(PhaseUnavailable, fmt.Sprintf("watch %s: %v", kind, err))
		}
	}
}

// setPhase records a phase change; c.mu must be held.
func (c *Cluster) setPhase(p Phase, reason string) {
	if c.health.Phase != p {
		c.opts.Logger.Info("Cluster phase changed", "cluster", c.name, "from", c.health.Phase, "to", p, "reason", reason)
		c.health.Since = time.Now()
		if c.opts.OnPhaseChange != nil {
			c.opts.OnPhaseChange(PhaseChange{Cluster: c.name, From: c.health.Phase, To: p, Reason: reason, Time: c.health.Since})
		}
	}
	c.health.Phase, c.health.Reason = p, reason
}

// slim drops what the server never reads from cached objects: field
// management bookkeeping and the last-applied copy of the whole object,
// often the largest parts of a stored object.
func slim(obj any) (any, error) {
	if acc, err := meta.Accessor(obj); err == nil {
		acc.SetManagedFields(nil)
		if a := acc.GetAnnotations(); a != nil {
			if _, ok := a[lastApplied]; ok {
				delete(a, lastApplied)
				acc.SetAnnotations(a)
			}
		}
	}
	return obj, nil
}

const lastApplied = "kubectl.kubernetes.io/last-applied-configuration"
