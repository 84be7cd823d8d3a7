package workload

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// reconcileService creates or updates the Service with server-side apply,
// or deletes it when spec.service is gone. A Service that must switch
// between headless and not (after a type change to or from StatefulSet) is
// deleted and created again, since spec.clusterIP cannot change.
func (r *Reconciler) reconcileService(ctx context.Context, s *scope) (ctrl.Result, error) {
	w := s.workload
	live := &corev1.Service{}
	exists, err := r.getOwned(ctx, w, live)
	if err != nil {
		return ctrl.Result{}, err
	}
	desired := desiredService(w)
	if desired == nil {
		if exists && metav1.IsControlledBy(live, w) {
			if _, err := r.deleteOwned(ctx, w, live, metav1.DeletePropagationBackground); err != nil {
				r.events.Failed(w, live, cleanupEvents, "Delete", "Deleting Service %s failed: %v", w.Name, err)
				return ctrl.Result{}, fmt.Errorf("delete service %s/%s: %w", w.Namespace, w.Name, err)
			}
			r.events.Succeeded(w, live, cleanupEvents, "Delete", "Deleted Service %s: no longer requested", w.Name)
		}
		s.serviceKnown = true
		return ctrl.Result{}, nil
	}

	var related runtime.Object
	if exists {
		if !metav1.IsControlledBy(live, w) {
			err := fmt.Errorf("service %s/%s %w", w.Namespace, w.Name, errNotOwned)
			r.events.Failed(w, live, serviceApplyEvents, "Apply", "%v", err)
			return ctrl.Result{}, classify(err)
		}
		related = live
		if needsRecreate(live, desired) {
			if _, err := r.deleteOwned(ctx, w, live, metav1.DeletePropagationBackground); err != nil {
				r.events.Failed(w, live, cleanupEvents, "Delete", "Replacing Service %s failed: %v", w.Name, err)
				return ctrl.Result{}, fmt.Errorf("delete service %s/%s to replace it: %w", w.Namespace, w.Name, err)
			}
			r.events.Succeeded(w, live, cleanupEvents, "Delete",
				"Deleted Service %s to replace it: its clusterIP cannot change", w.Name)
			exists, related = false, nil
		}
	}

	if exists && r.caches.upToDate(w, live, desired) {
		s.service, s.serviceKnown = live, true
		return ctrl.Result{}, nil
	}

	applied := &corev1.Service{}
	var current client.Object
	if exists {
		current = live
	}
	if err := r.apply(ctx, current, desired, applied); err != nil {
		r.events.Failed(w, related, serviceApplyEvents, "Apply", "Applying Service %s failed: %v", w.Name, err)
		return ctrl.Result{}, classify(fmt.Errorf("apply service %s/%s: %w", w.Namespace, w.Name, err))
	}
	s.service, s.serviceKnown = applied, true
	r.caches.recordApply(w, applied, desired)
	switch {
	case !exists:
		s.created = append(s.created, applied)
	case !equality.Semantic.DeepEqual(live.Spec, applied.Spec):
		r.events.Succeeded(w, applied, serviceApplyEvents, "Apply", "Updated Service %s", w.Name)
	}
	return ctrl.Result{}, nil
}

// needsRecreate reports whether live must be replaced to become desired:
// one is headless and the other is not.
func needsRecreate(live, desired *corev1.Service) bool {
	if live.Spec.ClusterIP == "" {
		return false
	}
	return (live.Spec.ClusterIP == corev1.ClusterIPNone) != (desired.Spec.ClusterIP == corev1.ClusterIPNone)
}
