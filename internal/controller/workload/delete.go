package workload

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"

	appsv1alpha1 "github.com/wheelhouse-dev/wheelhouse/api/apps/v1alpha1"
)

// reconcileDelete deletes the Workload's children, whatever their type, and
// its Service with foreground propagation, waits until they are gone (so
// their pods are gone too), then removes the finalizer.
func (r *Reconciler) reconcileDelete(ctx context.Context, s *scope) (ctrl.Result, error) {
	w := s.workload
	if !controllerutil.ContainsFinalizer(w, appsv1alpha1.Finalizer) {
		return ctrl.Result{}, nil
	}
	setDeleting(w)

	owned := make([]client.Object, 0, len(appsv1alpha1.WorkloadTypes)+1)
	for _, t := range appsv1alpha1.WorkloadTypes {
		owned = append(owned, childKinds[t].newObject())
	}
	owned = append(owned, &corev1.Service{})

	remaining := 0
	for _, obj := range owned {
		found, err := r.getOwned(ctx, w, obj)
		if err != nil {
			return ctrl.Result{}, err
		}
		if !found {
			continue
		}
		exists, err := r.deleteOwned(ctx, w, obj, metav1.DeletePropagationForeground)
		if err != nil {
			r.event(w, obj, true, appsv1alpha1.EventDeleteFailed, "Delete", "Deleting %s %s failed: %v", kindOf(obj), w.Name, err)
			return ctrl.Result{}, fmt.Errorf("delete %s %s/%s: %w", kindOf(obj), w.Namespace, w.Name, err)
		}
		if exists {
			remaining++
		}
	}
	if remaining > 0 {
		// Deletion events of the children bring the Workload back; the poll
		// is a safety net.
		return ctrl.Result{RequeueAfter: r.pollInterval}, nil
	}
	r.applied.forget(w.UID)
	controllerutil.RemoveFinalizer(w, appsv1alpha1.Finalizer)
	r.event(w, nil, false, appsv1alpha1.EventDeleteSucceeded, "Delete", "Deleted the children of Workload %s", w.Name)
	return ctrl.Result{}, nil
}

// setDeleting marks w as going away in its conditions.
func setDeleting(w *appsv1alpha1.Workload) {
	for _, t := range []string{appsv1alpha1.ConditionReady, appsv1alpha1.ConditionProgressing} {
		status := metav1.ConditionFalse
		if t == appsv1alpha1.ConditionProgressing {
			status = metav1.ConditionTrue
		}
		meta.SetStatusCondition(&w.Status.Conditions, metav1.Condition{
			Type: t, Status: status, Reason: appsv1alpha1.ReasonDeleting,
			Message: "The Workload is being deleted", ObservedGeneration: w.Generation,
		})
	}
}
