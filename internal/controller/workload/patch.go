package workload

import (
	"context"
	"fmt"

	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"

	appsv1alpha1 "github.com/wheelhouse-dev/wheelhouse/api/apps/v1alpha1"
)

// patchHelper remembers a Workload as it was read and, at the end of a
// reconciliation, patches what changed: finalizers with a merge patch,
// and status with a merge patch of the status subresource, both guarded by
// the resourceVersion.
type patchHelper struct {
	client  client.Client
	written *writtenCache
	before  *appsv1alpha1.Workload
}

// newPatchHelper snapshots w. Each successful patch is recorded in written.
func newPatchHelper(c client.Client, written *writtenCache, w *appsv1alpha1.Workload) *patchHelper {
	return &patchHelper{client: c, written: written, before: w.DeepCopy()}
}

// patch writes the changes of w since the snapshot. The status is patched
// even if the finalizers patch fails, unless the object is gone.
func (h *patchHelper) patch(ctx context.Context, w *appsv1alpha1.Workload) error {
	desiredStatus := w.Status.DeepCopy()

	if !equality.Semantic.DeepEqual(h.before.Finalizers, w.Finalizers) {
		base := h.before.DeepCopy()
		if err := h.client.Patch(ctx, w, client.MergeFromWithOptions(base, client.MergeFromWithOptimisticLock{})); err != nil {
			if apierrors.IsNotFound(err) {
				return nil
			}
			return fmt.Errorf("patch finalizers of workload %s/%s: %w", w.Namespace, w.Name, err)
		}
		h.written.record(base.ResourceVersion, w)
		// The response overwrote the status; the object may now be gone.
		if !w.DeletionTimestamp.IsZero() && len(w.Finalizers) == 0 {
			return nil
		}
	}

	if equality.Semantic.DeepEqual(h.before.Status, *desiredStatus) {
		w.Status = *desiredStatus
		return nil
	}
	base := w.DeepCopy()
	base.Status = h.before.Status
	w.Status = *desiredStatus
	replaced := w.ResourceVersion
	// Guarded by the resourceVersion like the finalizers: the snapshot comes
	// from the cache, and a merge patch against a stale snapshot omits the
	// fields whose new value equals the stale one, leaving the server with
	// an older pass's values (seen: phase Pending beside Ready=True). A
	// conflict makes the next pass start from fresher data.
	if err := h.client.Status().Patch(ctx, w, client.MergeFromWithOptions(base, client.MergeFromWithOptimisticLock{})); err != nil {
		if apierrors.IsNotFound(err) {
			return nil
		}
		return fmt.Errorf("patch status of workload %s/%s: %w", w.Namespace, w.Name, err)
	}
	h.written.record(replaced, w)
	return nil
}
