package pipelines

import (
	"context"
	"slices"
	"time"

	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	devopsv1alpha1 "github.com/wheelhouse-dev/wheelhouse/api/devops/v1alpha1"
)

// AnnotationLogsDeleted marks an execution whose logs the project's log
// retention removed (the execution itself stays, its history intact).
const AnnotationLogsDeleted = "devops.wheelhouse.dev/logs-deleted"

// retain applies the project's log retention to a finished execution: its
// logs go when it is older than maxAge (the pass comes back then), or when
// more than maxExecutions newer executions of its pipeline have ended.
func (r *ExecutionReconciler) retain(ctx context.Context, e *devopsv1alpha1.PipelineExecution) (ctrl.Result, error) {
	if e.Annotations[AnnotationLogsDeleted] != "" || e.Status.Ended == nil {
		return ctrl.Result{}, nil
	}
	setting, err := readSetting(ctx, r.client, e.Namespace)
	if err != nil || setting == nil {
		return ctrl.Result{}, err
	}
	keep := setting.Spec.LogRetention
	var after time.Duration
	expired := false
	if keep.MaxAge != nil && keep.MaxAge.Duration > 0 {
		left := time.Until(e.Status.Ended.Add(keep.MaxAge.Duration))
		expired = left <= 0
		after = left
	}
	if !expired && keep.MaxExecutions != nil {
		var list devopsv1alpha1.PipelineExecutionList
		if err := r.client.List(ctx, &list, client.InNamespace(e.Namespace), client.MatchingLabels{devopsv1alpha1.LabelPipeline: e.Spec.Pipeline}); err != nil {
			return ctrl.Result{}, err
		}
		var newer []int64
		for _, x := range list.Items {
			if x.Status.State.Finished() && x.Spec.RunNumber > e.Spec.RunNumber {
				newer = append(newer, x.Spec.RunNumber)
			}
		}
		expired = len(slices.Compact(newer)) >= int(*keep.MaxExecutions)
	}
	if !expired {
		if after > 0 {
			return ctrl.Result{RequeueAfter: after}, nil
		}
		return ctrl.Result{}, nil
	}
	if err := r.logs.Delete(ctx, e.Namespace, e.Name); err != nil {
		return ctrl.Result{}, err
	}
	patch := client.MergeFrom(e.DeepCopy())
	if e.Annotations == nil {
		e.Annotations = map[string]string{}
	}
	e.Annotations[AnnotationLogsDeleted] = "true"
	return ctrl.Result{}, client.IgnoreNotFound(r.client.Patch(ctx, e, patch))
}
