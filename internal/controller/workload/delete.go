package workload

import (
	"context"

	"sigs.k8s.io/controller-runtime/pkg/client"

	appsv1alpha1 "github.com/wheelhouse-dev/wheelhouse/api/apps/v1alpha1"
	"github.com/wheelhouse-dev/wheelhouse/internal/controller/ctrlkit"
)

// reconcileDelete lets a Workload go. Its children carry its controller
// owner reference, so Kubernetes' garbage collector deletes them as the
// deletion asked: before the Workload with foreground propagation, after
// it with background, not at all with orphan. The controller only removes
// the LegacyFinalizer an older controller may have left, which would hold
// the Workload forever, and forgets what it remembers of it.
func (r *Reconciler) reconcileDelete(ctx context.Context, w *appsv1alpha1.Workload) error {
	r.caches.forget(client.ObjectKeyFromObject(w))
	_, err := ctrlkit.RemoveFinalizer(ctx, r.client, w, appsv1alpha1.LegacyFinalizer)
	return err
}

// removeLegacyFinalizer removes the LegacyFinalizer from a Workload an
// older controller gave it, once, before the pass writes anything: nothing
// needs it, and it would make the Workload's deletion wait for this
// controller.
func (r *Reconciler) removeLegacyFinalizer(ctx context.Context, w *appsv1alpha1.Workload) error {
	replaced := w.ResourceVersion
	removed, err := ctrlkit.RemoveFinalizer(ctx, r.client, w, appsv1alpha1.LegacyFinalizer)
	if removed {
		r.caches.recordWrite(replaced, w)
	}
	return err
}
