package workload

import (
	"context"
	"errors"
	"fmt"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/client-go/tools/events"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	appsv1alpha1 "github.com/wheelhouse-dev/wheelhouse/api/apps/v1alpha1"
	"github.com/wheelhouse-dev/wheelhouse/internal/controller/ctrlkit"
)

// ControllerName names the controller (in logs, metrics and events).
const ControllerName = "workload"

// DefaultConcurrency is how many Workloads one controller reconciles at the
// same time, in `wheelhouse operator` (--concurrency) and in the server.
// Reconciles wait on the API server, not on the CPU. More workers do not
// help once Service creation, which the API server's cluster IP allocator
// serializes, is the limit: with 64, Service creations queued past the API
// server's request timeout (bench/RESULTS-workload.md).
const DefaultConcurrency = 16

// DefaultPollInterval is how often the controller looks again while it
// waits for something it has no watch event for: a child of an old type or
// a replaced Job to disappear.
const DefaultPollInterval = 2 * time.Second

// Config configures a Reconciler. New fills in the defaults.
type Config struct {
	// Client reads (from the manager's cache) and writes objects. Required.
	Client client.Client
	// APIReader reads from the API server itself, bypassing the cache
	// (the manager's GetAPIReader). When the status patch meets a conflict
	// because the cache has not yet seen the controller's own previous
	// status write, the Workload is read again through it and the status
	// patched again in the same pass, instead of failing the pass and
	// retrying from the same stale cache. Default: Client.
	APIReader client.Reader
	// Recorder records the controller's events. Default: discard.
	Recorder events.EventRecorder
	// Metrics receives the reconcile latency. Default: DefaultMetrics().
	Metrics *Metrics
	// PollInterval is the requeue delay while waiting for deletions.
	// Default: DefaultPollInterval.
	PollInterval time.Duration
	// Cluster names the member cluster: the value of the cluster label of
	// the metrics (ctrlkit.ClusterLabel).
	Cluster string
	// Name names the controller in logs and controller-runtime's metrics;
	// it must be unique among the controllers of one process. Default:
	// ControllerName, followed by "-" and Cluster when that is set.
	Name string
	// DisableWriteCaches turns off the applied-state and written caches
	// (writeCaches): every pass then applies every child and patches the
	// status from what the informer cache holds. The outcome is the same,
	// with more writes: it is the switch that rules the caches out when
	// something looks wrong.
	DisableWriteCaches bool
}

// Reconciler reconciles Workloads.
type Reconciler struct {
	client       client.Client
	apiReader    client.Reader
	caches       writeCaches
	events       ctrlkit.Recorder
	metrics      *Metrics
	pollInterval time.Duration
	cluster      string
	name         string
}

// New returns a Reconciler for cfg with defaults filled in.
func New(cfg Config) (*Reconciler, error) {
	if cfg.Client == nil {
		return nil, errors.New("workload reconciler: client is required")
	}
	if cfg.Metrics == nil {
		m, err := DefaultMetrics()
		if err != nil {
			return nil, fmt.Errorf("workload reconciler metrics: %w", err)
		}
		cfg.Metrics = m
	}
	if cfg.PollInterval <= 0 {
		cfg.PollInterval = DefaultPollInterval
	}
	if cfg.Name == "" {
		cfg.Name = ControllerName
		if cfg.Cluster != "" {
			cfg.Name += "-" + cfg.Cluster
		}
	}
	if cfg.APIReader == nil {
		cfg.APIReader = cfg.Client
	}
	return &Reconciler{
		client:       cfg.Client,
		apiReader:    cfg.APIReader,
		caches:       newWriteCaches(cfg.DisableWriteCaches),
		events:       ctrlkit.NewRecorder(cfg.Recorder),
		metrics:      cfg.Metrics,
		pollInterval: cfg.PollInterval,
		cluster:      cfg.Cluster,
		name:         cfg.Name,
	}, nil
}

// scope is what one reconciliation learns on its way, for the status.
type scope struct {
	workload *appsv1alpha1.Workload
	// child is the child as the API server returned it after the apply,
	// nil when it does not exist (yet).
	child client.Object
	// childKnown is true once the child phase looked at the child.
	childKnown bool
	// service is the Service after the apply, nil when there is none.
	service *corev1.Service
	// serviceKnown is true once the service phase ran.
	serviceKnown bool
	// created are the objects this pass created (the child, the Service),
	// reported in one event when the pass ends (reportCreated).
	created []client.Object
}

// Reconcile brings one Workload's children in line with its spec and
// writes its status.
func (r *Reconciler) Reconcile(ctx context.Context, req ctrl.Request) (result ctrl.Result, retErr error) {
	start := time.Now()
	defer func() { r.metrics.Observe(r.cluster, start, result, retErr) }()

	w := &appsv1alpha1.Workload{}
	if err := r.client.Get(ctx, req.NamespacedName, w); err != nil {
		if apierrors.IsNotFound(err) {
			r.caches.forget(req.NamespacedName)
			return ctrl.Result{}, nil
		}
		return ctrl.Result{}, fmt.Errorf("get workload %s: %w", req.NamespacedName, err)
	}
	if fresher := r.caches.fresher(w); fresher != nil {
		w = fresher // the cache has not seen this controller's last write yet
	}
	if !w.DeletionTimestamp.IsZero() {
		return ctrl.Result{}, r.reconcileDelete(ctx, w)
	}
	if err := r.removeLegacyFinalizer(ctx, w); err != nil {
		return ctrl.Result{}, err
	}

	s := &scope{workload: w}
	helper := r.patchHelper(w)
	defer func() {
		wait, err := r.patchStatus(ctx, s, helper, retErr)
		var out ctrlkit.Outcome
		out.Add(result, retErr)
		out.Add(ctrl.Result{RequeueAfter: wait}, err)
		result, retErr = out.Result()
	}()
	return r.reconcileNormal(ctx, s)
}

// reconcileNormal runs the phases in order and stops at the first error.
func (r *Reconciler) reconcileNormal(ctx context.Context, s *scope) (ctrl.Result, error) {
	defer r.reportCreated(s)
	return ctrlkit.RunPhases(ctx, s,
		r.reconcileOldChildren,
		r.reconcileChild,
		r.reconcileService,
	)
}

// patchHelper snapshots w for the pass's status patch; the writes it makes
// go to the write caches.
func (r *Reconciler) patchHelper(w *appsv1alpha1.Workload) *ctrlkit.PatchHelper {
	return ctrlkit.NewPatchHelper(r.client, w, ctrlkit.AfterWrite(r.caches.recordWrite))
}

// patchStatus summarizes the pass (err is how it ended) into the
// Workload's status and patches it, with observedGeneration when the pass
// succeeded. A conflict most often means that the cache has not caught up
// with this controller's own previous status write; the Workload is then
// read from the API server and, if its spec is still the one this pass
// worked on, summarized and patched once more.
//
// A pass that finds its child brand new and not yet seen by the child's own
// controller writes nothing: that controller's first status update, a few
// seconds away, brings the next pass, which reports real progress. This
// saves one of the two or three status writes of every new Workload (each
// a write of the whole Workload, validated against its schema and sent to
// every watcher). wait is then when to look again anyway, in case that
// update never comes.
func (r *Reconciler) patchStatus(ctx context.Context, s *scope, helper *ctrlkit.PatchHelper, err error) (wait time.Duration, _ error) {
	w := s.workload
	summarize(s, err)
	var opts []ctrlkit.PatchOption
	if err == nil {
		if wait := awaitingChildController(s.child, time.Now()); wait > 0 {
			return wait, nil
		}
		opts = append(opts, ctrlkit.WithObservedGeneration())
	}
	perr := helper.Patch(ctx, w, opts...)
	if perr == nil || !apierrors.IsConflict(perr) {
		return 0, perr
	}
	fresh := &appsv1alpha1.Workload{}
	if gerr := r.apiReader.Get(ctx, client.ObjectKeyFromObject(w), fresh); gerr != nil {
		return 0, errors.Join(perr, fmt.Errorf("get workload %s/%s after a conflict: %w", w.Namespace, w.Name, gerr))
	}
	if fresh.Generation != w.Generation || !fresh.DeletionTimestamp.IsZero() || fresh.UID != w.UID {
		return 0, perr // a newer spec or a deletion: the next pass handles it
	}
	*w = *fresh
	helper = r.patchHelper(w)
	summarize(s, err)
	return 0, helper.Patch(ctx, w, opts...)
}

// ChildObserveGrace is how long a new Deployment, StatefulSet or DaemonSet
// may wait for its controller's first status update before the Workload's
// status says so anyway.
const ChildObserveGrace = 10 * time.Second

// awaitingChildController returns how much longer to wait before writing
// the status for child: more than zero while child is a Deployment,
// StatefulSet or DaemonSet created less than ChildObserveGrace ago that
// its controller has not yet observed (status.observedGeneration 0).
func awaitingChildController(child client.Object, now time.Time) time.Duration {
	if child == nil {
		return 0
	}
	var observed int64
	switch c := child.(type) {
	case *appsv1.Deployment:
		observed = c.Status.ObservedGeneration
	case *appsv1.StatefulSet:
		observed = c.Status.ObservedGeneration
	case *appsv1.DaemonSet:
		observed = c.Status.ObservedGeneration
	default:
		return 0
	}
	created := child.GetCreationTimestamp()
	if observed != 0 || created.IsZero() {
		return 0
	}
	return max(0, created.Add(ChildObserveGrace).Sub(now))
}
