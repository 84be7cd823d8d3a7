package pipelines

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	devopsv1alpha1 "github.com/wheelhouse-dev/wheelhouse/api/devops/v1alpha1"
	"github.com/wheelhouse-dev/wheelhouse/internal/controller/ctrlkit"
	"github.com/wheelhouse-dev/wheelhouse/internal/logstore"
)

// ExecutionReconciler moves executions through the states no runner holds:
// new → Pending at once when the quota has room (else Queueing until it
// has) → dispatched to the runner;
// a lease that lapsed → Failed; an abort before the runner took it →
// Aborted; a finished one → its notification and its pipeline's summary.
type ExecutionReconciler struct {
	client   client.Client
	reader   client.Reader
	runner   *Runner
	logs     logstore.Store
	notifier *notifier
	logger   *slog.Logger
	now      func() time.Time
}

// SetupWithManager watches executions; a change of one wakes the queued
// executions of its namespace too (an execution that ends frees an
// executor), and the ended ones of its pipeline that still have their logs
// (one more execution that ended may put them past the log retention).
func (r *ExecutionReconciler) SetupWithManager(mgr ctrl.Manager, cluster string) error {
	return ctrl.NewControllerManagedBy(mgr).
		Named("pipelineexecution-"+cluster).
		For(&devopsv1alpha1.PipelineExecution{}).
		Watches(&devopsv1alpha1.PipelineExecution{}, handler.EnqueueRequestsFromMapFunc(r.related)).
		WithOptions(controllerOptions()).
		Complete(r)
}

// related maps an execution that ended (or is new) to the queued
// executions of its namespace and the ended ones of its pipeline whose
// logs are kept.
func (r *ExecutionReconciler) related(ctx context.Context, obj client.Object) []reconcile.Request {
	e, ok := obj.(*devopsv1alpha1.PipelineExecution)
	if !ok || (!e.Status.State.Finished() && e.Status.State != "") {
		return nil
	}
	var list devopsv1alpha1.PipelineExecutionList
	if err := r.client.List(ctx, &list, client.InNamespace(e.Namespace)); err != nil {
		return nil
	}
	var out []reconcile.Request
	for _, x := range list.Items {
		queued := x.Status.State == devopsv1alpha1.StateQueueing
		retained := e.Status.State.Finished() && x.Spec.Pipeline == e.Spec.Pipeline && x.Name != e.Name &&
			x.Status.State.Finished() && x.Annotations[AnnotationLogsDeleted] == ""
		if queued || retained {
			out = append(out, reconcile.Request{NamespacedName: client.ObjectKeyFromObject(&x)})
		}
	}
	return out
}

// Reconcile implements reconcile.Reconciler. A write that lost a race with
// another writer (the runner, a user's abort) is retried at once, not
// reported: the next pass reads the newer object.
func (r *ExecutionReconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	res, err := r.reconcile(ctx, req)
	if apierrors.IsConflict(err) {
		return ctrl.Result{RequeueAfter: conflictRetry}, nil
	}
	return res, err
}

func (r *ExecutionReconciler) reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	var e devopsv1alpha1.PipelineExecution
	if err := r.client.Get(ctx, req.NamespacedName, &e); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	switch e.Status.State {
	case "", devopsv1alpha1.StateQueueing:
		if e.Spec.Abort {
			return ctrl.Result{}, r.end(ctx, &e, devopsv1alpha1.StateAborted, devopsv1alpha1.ReasonAborted, "aborted by a user before it ran")
		}
		return r.admit(ctx, &e)
	case devopsv1alpha1.StatePending, devopsv1alpha1.StateBuilding:
		if err := r.summarize(ctx, &e); err != nil {
			return ctrl.Result{}, err
		}
		return r.running(ctx, &e)
	}
	if err := r.ended(ctx, &e); err != nil {
		return ctrl.Result{}, err
	}
	return r.retain(ctx, &e)
}

// admit moves e to Pending when the project has an executor free for it:
// the executions Pending or Building are counted from a fresh list (not the
// cache, which may not show this controller's last admission yet), and the
// queue is first come, first served.
func (r *ExecutionReconciler) admit(ctx context.Context, e *devopsv1alpha1.PipelineExecution) (ctrl.Result, error) {
	setting, err := readSetting(ctx, r.client, e.Namespace)
	if err != nil {
		return ctrl.Result{}, err
	}
	var list devopsv1alpha1.PipelineExecutionList
	if err := r.reader.List(ctx, &list, client.InNamespace(e.Namespace)); err != nil {
		return ctrl.Result{}, err
	}
	running := 0
	var queue []devopsv1alpha1.PipelineExecution
	for _, x := range list.Items {
		switch x.Status.State {
		case devopsv1alpha1.StatePending, devopsv1alpha1.StateBuilding:
			running++
		case devopsv1alpha1.StateQueueing, "":
			queue = append(queue, x)
		}
	}
	slices.SortStableFunc(queue, func(a, b devopsv1alpha1.PipelineExecution) int {
		if c := a.CreationTimestamp.Compare(b.CreationTimestamp.Time); c != 0 {
			return c
		}
		return cmpInt(a.Spec.RunNumber, b.Spec.RunNumber)
	})
	quota := int(setting.Quota())
	free := quota - running
	position := slices.IndexFunc(queue, func(x devopsv1alpha1.PipelineExecution) bool { return x.Name == e.Name })
	if free <= 0 || position < 0 || position >= free {
		msg := fmt.Sprintf("waiting for an executor: %d of %d running", running, quota)
		if e.Status.Message != msg || e.Status.State != devopsv1alpha1.StateQueueing {
			ctrlkit.MarkReconciling(e, devopsv1alpha1.ReasonQuotaExceeded, msg)
			return ctrl.Result{}, r.writeStatus(ctx, e, func() { e.Status.State, e.Status.Message = devopsv1alpha1.StateQueueing, msg })
		}
		return ctrl.Result{}, nil
	}
	if err := r.setState(ctx, e, devopsv1alpha1.StatePending, "Admitted", ""); err != nil {
		return ctrl.Result{}, err
	}
	r.runner.Dispatch(e)
	return ctrl.Result{}, nil
}

// running watches over a Pending or Building execution: one Pending
// without a lease is (again) handed to the runner; one whose lease lapsed
// is failed; an abort reaches the runner. Timeouts are the runner's: the
// holder of a live lease ends its execution at its timeout.
func (r *ExecutionReconciler) running(ctx context.Context, e *devopsv1alpha1.PipelineExecution) (ctrl.Result, error) {
	key := client.ObjectKeyFromObject(e)
	lease := e.Status.Lease
	if lease == nil {
		if e.Status.State == devopsv1alpha1.StatePending {
			if !r.runner.Dispatch(e) {
				return ctrl.Result{RequeueAfter: time.Second}, nil
			}
			return ctrl.Result{}, nil
		}
		return ctrl.Result{}, r.lapsed(ctx, e, "it is Building without an engine's lease")
	}
	if lease.Holder == r.runner.Holder() && r.runner.Running(key) {
		if e.Spec.Abort {
			r.runner.Abort(key)
		}
		return ctrl.Result{RequeueAfter: time.Duration(lease.DurationSeconds) * time.Second}, nil
	}
	if r.runner.SameHostEarlierInstance(lease.Holder) {
		// This host's engine started again: its New killed what the
		// holder ran, so there is nothing to wait for.
		return ctrl.Result{}, r.lapsed(ctx, e, fmt.Sprintf("the engine %s on this host stopped (the server restarted)", lease.Holder))
	}
	expires := lease.RenewTime.Add(time.Duration(lease.DurationSeconds) * time.Second)
	now := r.now()
	if now.After(expires) {
		return ctrl.Result{}, r.lapsed(ctx, e, fmt.Sprintf("the engine %s stopped renewing its lease (last renewed %s)", lease.Holder, lease.RenewTime.UTC().Format(time.RFC3339)))
	}
	if e.Spec.Abort && lease.Holder == r.runner.Holder() {
		// This server holds the lease but the run is gone from memory (it
		// is ending): the lease lapses or the runner writes the end.
		return ctrl.Result{RequeueAfter: time.Second}, nil
	}
	return ctrl.Result{RequeueAfter: expires.Sub(now) + 100*time.Millisecond}, nil
}

// lapsed fails e because no engine holds it any more, and seals its logs.
func (r *ExecutionReconciler) lapsed(ctx context.Context, e *devopsv1alpha1.PipelineExecution, why string) error {
	state, reason, msg := devopsv1alpha1.StateFailed, devopsv1alpha1.ReasonLeaseExpired, why+"; the execution was given up"
	if e.Spec.Abort {
		state, reason, msg = devopsv1alpha1.StateAborted, devopsv1alpha1.ReasonAborted, "aborted by a user; "+why
	}
	if err := r.end(ctx, e, state, reason, msg); err != nil {
		return err
	}
	return r.logs.Seal(ctx, e.Namespace, e.Name, "[wheelhouse] "+msg)
}

// end writes a final state, closing the stages and steps left open.
func (r *ExecutionReconciler) end(ctx context.Context, e *devopsv1alpha1.PipelineExecution, state devopsv1alpha1.ExecutionState, reason, msg string) error {
	ended := metav1.NewTime(r.now())
	ctrlkit.MarkStalled(e, reason, msg)
	ctrlkit.SetCondition(e, devopsv1alpha1.ConditionReady, false, reason, msg)
	return r.writeStatus(ctx, e, func() {
		e.Status.State, e.Status.Message, e.Status.Ended, e.Status.Lease = state, msg, &ended, nil
		closeStages(&e.Status, ended, stepEndOf(state))
	})
}

// setState moves e to state.
func (r *ExecutionReconciler) setState(ctx context.Context, e *devopsv1alpha1.PipelineExecution, state devopsv1alpha1.ExecutionState, reason, msg string) error {
	if reason == "" {
		reason = string(state)
	}
	ctrlkit.MarkReconciling(e, reason, "the execution is "+string(state))
	return r.writeStatus(ctx, e, func() { e.Status.State, e.Status.Message = state, msg })
}

// writeStatus applies change to e and writes its status, guarded by the
// resourceVersion it was read with (a conflict retries the pass).
func (r *ExecutionReconciler) writeStatus(ctx context.Context, e *devopsv1alpha1.PipelineExecution, change func()) error {
	change()
	if err := r.client.Status().Update(ctx, e); err != nil {
		if apierrors.IsNotFound(err) {
			return nil
		}
		return err
	}
	return nil
}

// cmpInt compares two ints.
func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
