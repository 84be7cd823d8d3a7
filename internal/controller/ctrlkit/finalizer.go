package ctrlkit

import (
	"context"
	"fmt"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"
)

// EnsureFinalizer adds finalizer to obj at once, with a patch guarded by
// obj's resourceVersion, unless obj has it; obj becomes the API server's
// answer. added reports a write. Call it before anything that must not
// outlive obj exists (cluster-api's finalizers.EnsureFinalizer), and before
// changing obj otherwise: the patch carries every change made to obj.
func EnsureFinalizer(ctx context.Context, c client.Client, obj client.Object, finalizer string) (added bool, err error) {
	if controllerutil.ContainsFinalizer(obj, finalizer) {
		return false, nil
	}
	base := obj.DeepCopyObject().(client.Object)
	controllerutil.AddFinalizer(obj, finalizer)
	if err := c.Patch(ctx, obj, client.MergeFromWithOptions(base, client.MergeFromWithOptimisticLock{})); err != nil {
		return false, fmt.Errorf("add finalizer %s to %s: %w", finalizer, describe(c, obj), err)
	}
	return true, nil
}

// RemoveFinalizer removes finalizer from obj at once, with a patch guarded
// by obj's resourceVersion; obj becomes the API server's answer. removed
// reports a write; an object that is gone is not an error. When obj is
// being deleted and this was its last finalizer, the API server deletes it.
func RemoveFinalizer(ctx context.Context, c client.Client, obj client.Object, finalizer string) (removed bool, err error) {
	if !controllerutil.ContainsFinalizer(obj, finalizer) {
		return false, nil
	}
	base := obj.DeepCopyObject().(client.Object)
	controllerutil.RemoveFinalizer(obj, finalizer)
	if err := c.Patch(ctx, obj, client.MergeFromWithOptions(base, client.MergeFromWithOptimisticLock{})); err != nil {
		if apierrors.IsNotFound(err) {
			return false, nil
		}
		return false, fmt.Errorf("remove finalizer %s from %s: %w", finalizer, describe(c, obj), err)
	}
	return true, nil
}
