package workload

import (
	"context"
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	appsv1alpha1 "github.com/wheelhouse-dev/wheelhouse/api/apps/v1alpha1"
	"github.com/wheelhouse-dev/wheelhouse/internal/controller/ctrlkit"
)

// reconcileOldChildren deletes the children of every other type than the
// current one: after a change of spec.type the old child goes (its pods
// with it, in the background) while the new one is created.
func (r *Reconciler) reconcileOldChildren(ctx context.Context, s *scope) (ctrl.Result, error) {
	w := s.workload
	for _, t := range appsv1alpha1.WorkloadTypes {
		if t == w.Spec.Type {
			continue
		}
		kind := childKinds[t]
		obj := kind.newObject()
		found, err := r.getOwned(ctx, w, obj)
		if err != nil {
			return ctrl.Result{}, err
		}
		if !found {
			continue
		}
		terminating := !obj.GetDeletionTimestamp().IsZero()
		if _, err := r.deleteOwned(ctx, w, obj, metav1.DeletePropagationBackground); err != nil {
			r.events.Failed(w, obj, cleanupEvents, "Delete",
				"Deleting %s %s of the previous type failed: %v", kind.kind, w.Name, err)
			return ctrl.Result{}, fmt.Errorf("delete %s %s/%s of the previous type: %w", kind.kind, w.Namespace, w.Name, err)
		}
		if !terminating && metav1.IsControlledBy(obj, w) {
			r.events.Succeeded(w, obj, cleanupEvents, "Delete",
				"Deleted %s %s of the previous type", kind.kind, w.Name)
		}
	}
	return ctrl.Result{}, nil
}

// reconcileChild creates or updates the child with server-side apply. A Job
// whose immutable spec changed is deleted first and re-created on a later
// pass; a child still terminating is waited for.
func (r *Reconciler) reconcileChild(ctx context.Context, s *scope) (ctrl.Result, error) {
	w := s.workload
	kind, ok := childKinds[w.Spec.Type]
	if !ok {
		return ctrl.Result{}, ctrlkit.Stalling(appsv1alpha1.ReasonInvalidSpec, fmt.Errorf("unknown workload type %q", w.Spec.Type))
	}
	desired, err := desiredChild(w)
	if err != nil {
		return ctrl.Result{}, ctrlkit.Stalling(appsv1alpha1.ReasonInvalidSpec, err)
	}

	live := kind.newObject()
	exists, err := r.getOwned(ctx, w, live)
	if err != nil {
		return ctrl.Result{}, err
	}
	s.childKnown = true
	if exists {
		if !metav1.IsControlledBy(live, w) {
			err := fmt.Errorf("%s %s/%s %w", kind.kind, w.Namespace, w.Name, errNotOwned)
			r.events.Failed(w, live, applyEvents, "Apply", "%v", err)
			return ctrl.Result{}, classify(err)
		}
		if !live.GetDeletionTimestamp().IsZero() {
			return ctrl.Result{RequeueAfter: r.pollInterval}, nil
		}
		if replaced, err := r.replaceChangedJob(ctx, w, live, desired); err != nil || replaced {
			return ctrl.Result{RequeueAfter: r.pollInterval}, err
		}
		if err := r.clearRollingUpdate(ctx, live, desired); err != nil {
			return ctrl.Result{}, err
		}
	}

	if exists && r.caches.upToDate(w, live, desired) {
		s.child = live
		return ctrl.Result{}, nil
	}

	applied := kind.newObject()
	var current client.Object
	if exists {
		current = live
	}
	if err := r.apply(ctx, current, desired, applied); err != nil {
		var related runtime.Object
		if exists {
			related = live
			s.child = live // the status still shows what runs
		}
		r.events.Failed(w, related, applyEvents, "Apply", "Applying %s %s failed: %v", kind.kind, w.Name, err)
		return ctrl.Result{}, classify(fmt.Errorf("apply %s %s/%s: %w", kind.kind, w.Namespace, w.Name, err))
	}
	s.child = applied
	r.caches.recordApply(w, applied, desired)
	switch {
	case !exists:
		s.created = append(s.created, applied)
	case applied.GetGeneration() != live.GetGeneration():
		r.events.Succeeded(w, applied, applyEvents, "Apply", "Updated %s %s", kind.kind, w.Name)
	}
	return ctrl.Result{}, nil
}

// replaceChangedJob deletes a Job whose immutable spec no longer matches
// the Workload (its template hash annotation differs); the next pass
// creates the new one.
func (r *Reconciler) replaceChangedJob(ctx context.Context, w *appsv1alpha1.Workload, live, desired client.Object) (bool, error) {
	if _, ok := live.(*batchv1.Job); !ok {
		return false, nil
	}
	want := desired.GetAnnotations()[appsv1alpha1.AnnotationTemplateHash]
	if live.GetAnnotations()[appsv1alpha1.AnnotationTemplateHash] == want {
		return false, nil
	}
	if _, err := r.deleteOwned(ctx, w, live, metav1.DeletePropagationBackground); err != nil {
		r.events.Failed(w, live, cleanupEvents, "Delete", "Replacing Job %s failed: %v", w.Name, err)
		return false, fmt.Errorf("delete changed job %s/%s: %w", w.Namespace, w.Name, err)
	}
	r.events.Succeeded(w, live, cleanupEvents, "Delete",
		"Deleted Job %s to replace it: a Job's spec cannot change", w.Name)
	return true, nil
}

// clearRollingUpdate removes the (server-defaulted) rollingUpdate block of
// a live Deployment, StatefulSet or DaemonSet whose strategy changes away
// from RollingUpdate: the API server refuses the new strategy while the old
// block is there, and server-side apply cannot remove a field it does not
// own.
func (r *Reconciler) clearRollingUpdate(ctx context.Context, live, desired client.Object) error {
	var field, newType string
	switch l := live.(type) {
	case *appsv1.Deployment:
		d := desired.(*appsv1.Deployment)
		if l.Spec.Strategy.RollingUpdate == nil || d.Spec.Strategy.Type != appsv1.RecreateDeploymentStrategyType {
			return nil
		}
		field, newType = "strategy", string(d.Spec.Strategy.Type)
	case *appsv1.StatefulSet:
		d := desired.(*appsv1.StatefulSet)
		if l.Spec.UpdateStrategy.RollingUpdate == nil || d.Spec.UpdateStrategy.Type != appsv1.OnDeleteStatefulSetStrategyType {
			return nil
		}
		field, newType = "updateStrategy", string(d.Spec.UpdateStrategy.Type)
	case *appsv1.DaemonSet:
		d := desired.(*appsv1.DaemonSet)
		if l.Spec.UpdateStrategy.RollingUpdate == nil || d.Spec.UpdateStrategy.Type != appsv1.OnDeleteDaemonSetStrategyType {
			return nil
		}
		field, newType = "updateStrategy", string(d.Spec.UpdateStrategy.Type)
	default:
		return nil
	}
	patch := fmt.Sprintf(`{"spec":{%q:{"type":%q,"rollingUpdate":null}}}`, field, newType)
	if err := r.client.Patch(ctx, live, client.RawPatch(types.MergePatchType, []byte(patch)), client.FieldOwner(FieldManager)); err != nil {
		return fmt.Errorf("clear %s.rollingUpdate of %s/%s: %w", field, live.GetNamespace(), live.GetName(), err)
	}
	return nil
}
