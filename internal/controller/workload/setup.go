package workload

import (
	"fmt"
	"slices"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/predicate"

	appsv1alpha1 "github.com/wheelhouse-dev/wheelhouse/api/apps/v1alpha1"
)

// Options says how Setup runs the controller in a manager.
type Options struct {
	// Cluster names the member cluster the manager reaches: the value of
	// the cluster label of the controller's metrics, and part of its name.
	// Empty in `wheelhouse operator` unless it is given one.
	Cluster string
	// Concurrency is how many Workloads are reconciled at the same time.
	// Default: DefaultConcurrency.
	Concurrency int
	// DisableWriteCaches turns off the caches that avoid writes which
	// would change nothing (writeCaches).
	DisableWriteCaches bool
	// Metrics receives the reconcile latency. Default: DefaultMetrics().
	Metrics *Metrics
	// UsePriorityQueue chooses controller-runtime's work queue (nil: its
	// default, the priority queue).
	UsePriorityQueue *bool
}

// Setup adds the Workload controller to mgr (made by ctrlkit.NewManager):
// a Reconciler with the manager's client, API reader and event recorder,
// watching Workloads and their children. It runs when mgr starts.
func Setup(mgr ctrl.Manager, opts Options) (*Reconciler, error) {
	if opts.Concurrency <= 0 {
		opts.Concurrency = DefaultConcurrency
	}
	r, err := New(Config{
		Client:             mgr.GetClient(),
		APIReader:          mgr.GetAPIReader(),
		Recorder:           mgr.GetEventRecorder("wheelhouse-workload"),
		Metrics:            opts.Metrics,
		Cluster:            opts.Cluster,
		DisableWriteCaches: opts.DisableWriteCaches,
	})
	if err != nil {
		return nil, err
	}
	co := controller.Options{MaxConcurrentReconciles: opts.Concurrency, UsePriorityQueue: opts.UsePriorityQueue}
	if err := r.SetupWithManager(mgr, co); err != nil {
		return nil, fmt.Errorf("set up the workload controller: %w", err)
	}
	return r, nil
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
// deletion timestamp or the finalizers (a LegacyFinalizer to remove). It
// drops status-only updates, which are the controller's own status patches
// coming back.
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
