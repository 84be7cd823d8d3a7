package workload

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/tools/events"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/predicate"

	appsv1alpha1 "github.com/wheelhouse-dev/wheelhouse/api/apps/v1alpha1"
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
	// Metrics receives the reconcile latency. Default: NewMetrics(nil).
	Metrics *Metrics
	// PollInterval is the requeue delay while waiting for deletions.
	// Default: DefaultPollInterval.
	PollInterval time.Duration
	// Name names the controller in logs and metrics; it must be unique
	// among the controllers of one process (the server runs one per member
	// cluster: "workload-" + cluster). Default: ControllerName.
	Name string
}

// Reconciler reconciles Workloads.
type Reconciler struct {
	client       client.Client
	apiReader    client.Reader
	applied      *appliedCache
	written      *writtenCache
	recorder     events.EventRecorder
	metrics      *Metrics
	pollInterval time.Duration
	name         string
}

// New returns a Reconciler for cfg with defaults filled in.
func New(cfg Config) (*Reconciler, error) {
	if cfg.Client == nil {
		return nil, errors.New("workload reconciler: client is required")
	}
	if cfg.Recorder == nil {
		cfg.Recorder = discardRecorder{}
	}
	if cfg.Metrics == nil {
		m, err := NewMetrics(nil)
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
	}
	if cfg.APIReader == nil {
		cfg.APIReader = cfg.Client
	}
	return &Reconciler{
		client:       cfg.Client,
		apiReader:    cfg.APIReader,
		applied:      newAppliedCache(),
		written:      newWrittenCache(),
		recorder:     cfg.Recorder,
		metrics:      cfg.Metrics,
		pollInterval: cfg.PollInterval,
		name:         cfg.Name,
	}, nil
}

// SetupWithManager registers the reconciler with mgr. It watches Workloads
// and, for drift repair and status, every kind of child it can own.
func (r *Reconciler) SetupWithManager(mgr ctrl.Manager, opts controller.Options) error {
	return ctrl.NewControllerManagedBy(mgr).
		Named(r.name).
		For(&appsv1alpha1.Workload{}, builder.WithPredicates(specOrLifecycleChanged())).
		Owns(&appsv1.Deployment{}).
		Owns(&appsv1.StatefulSet{}).
		Owns(&appsv1.DaemonSet{}).
		Owns(&batchv1.Job{}).
		Owns(&batchv1.CronJob{}).
		Owns(&corev1.Service{}).
		WithOptions(opts).
		Complete(r)
}

// specOrLifecycleChanged passes the Workload events a reconciliation
// depends on: creation, deletion, and updates of the spec (generation), the
// deletion timestamp or the finalizers. It drops status-only updates, which
// are the controller's own status patches coming back.
func specOrLifecycleChanged() predicate.Predicate {
	return predicate.Funcs{UpdateFunc: func(e event.UpdateEvent) bool {
		if e.ObjectOld == nil || e.ObjectNew == nil {
			return true
		}
		o, n := e.ObjectOld, e.ObjectNew
		return o.GetGeneration() != n.GetGeneration() ||
			!o.GetDeletionTimestamp().Equal(n.GetDeletionTimestamp()) ||
			!slices.Equal(o.GetFinalizers(), n.GetFinalizers())
	}}
}

// discardRecorder drops events.
type discardRecorder struct{}

// Eventf implements events.EventRecorder.
func (discardRecorder) Eventf(runtime.Object, runtime.Object, string, string, string, string, ...any) {
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

// phase is one step of a reconciliation.
type phase func(ctx context.Context, s *scope) (ctrl.Result, error)

// Reconcile brings one Workload's children in line with its spec and
// writes its status.
func (r *Reconciler) Reconcile(ctx context.Context, req ctrl.Request) (result ctrl.Result, retErr error) {
	start := time.Now()
	defer func() { r.metrics.observe(start, !result.IsZero(), retErr) }()

	w := &appsv1alpha1.Workload{}
	if err := r.client.Get(ctx, req.NamespacedName, w); err != nil {
		if apierrors.IsNotFound(err) {
			r.written.forget(req.NamespacedName)
			return ctrl.Result{}, nil
		}
		return ctrl.Result{}, fmt.Errorf("get workload %s: %w", req.NamespacedName, err)
	}
	if fresher := r.written.fresher(w); fresher != nil {
		w = fresher // the cache has not seen this controller's last write yet
	}

	// The finalizer is written before any child exists, so no child can
	// outlive its Workload. The pass then goes on with the patched object
	// instead of returning and waiting for the update event to come back
	// through the work queue: one queue round less for every new Workload,
	// which is what bounds the controller under load (bench/workload).
	if w.DeletionTimestamp.IsZero() && !controllerutil.ContainsFinalizer(w, appsv1alpha1.Finalizer) {
		base := w.DeepCopy()
		controllerutil.AddFinalizer(w, appsv1alpha1.Finalizer)
		if err := r.client.Patch(ctx, w, client.MergeFromWithOptions(base, client.MergeFromWithOptimisticLock{})); err != nil {
			return ctrl.Result{}, fmt.Errorf("add finalizer to workload %s: %w", req.NamespacedName, err)
		}
		r.written.record(base.ResourceVersion, w)
	}

	s := &scope{workload: w}
	helper := newPatchHelper(r.client, r.written, w)
	defer func() {
		if !w.DeletionTimestamp.IsZero() {
			if err := helper.patch(ctx, w); err != nil {
				retErr = errors.Join(retErr, err)
			}
			return
		}
		wait, err := r.patchStatus(ctx, s, helper, retErr)
		if err != nil {
			retErr = errors.Join(retErr, err)
		}
		result = soonest(result, ctrl.Result{RequeueAfter: wait})
	}()

	if !w.DeletionTimestamp.IsZero() {
		return r.reconcileDelete(ctx, s)
	}
	return r.reconcileNormal(ctx, s)
}

// patchStatus summarizes the pass (err is how it ended) into the
// Workload's status and patches it. A conflict most often means that the
// cache has not caught up with this controller's own previous status write;
// the Workload is then read from the API server and, if its spec is still
// the one this pass worked on, summarized and patched once more.
//
// A pass that finds its child brand new and not yet seen by the child's own
// controller writes nothing: that controller's first status update, a few
// seconds away, brings the next pass, which reports real progress. This
// saves one of the two or three status writes of every new Workload (each
// a write of the whole Workload, validated against its schema and sent to
// every watcher). wait is then when to look again anyway, in case that
// update never comes.
func (r *Reconciler) patchStatus(ctx context.Context, s *scope, helper *patchHelper, err error) (wait time.Duration, _ error) {
	w := s.workload
	summarize(s, err)
	if err == nil {
		if wait := awaitingChildController(s.child, time.Now()); wait > 0 {
			return wait, nil
		}
	}
	perr := helper.patch(ctx, w)
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
	helper = newPatchHelper(r.client, r.written, w)
	summarize(s, err)
	return 0, helper.patch(ctx, w)
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

// reconcileNormal runs the phases in order and stops at the first error.
func (r *Reconciler) reconcileNormal(ctx context.Context, s *scope) (ctrl.Result, error) {
	defer r.reportCreated(s)
	phases := []phase{
		r.reconcileOldChildren,
		r.reconcileChild,
		r.reconcileService,
	}
	var result ctrl.Result
	for _, p := range phases {
		res, err := p(ctx, s)
		if err != nil {
			return res, err
		}
		result = soonest(result, res)
	}
	return result, nil
}

// soonest merges two results: the earlier non-zero RequeueAfter wins.
func soonest(a, b ctrl.Result) ctrl.Result {
	switch {
	case a.RequeueAfter == 0:
		return b
	case b.RequeueAfter == 0:
		return a
	case b.RequeueAfter < a.RequeueAfter:
		return b
	default:
		return a
	}
}
