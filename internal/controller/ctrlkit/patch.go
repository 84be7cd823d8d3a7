package ctrlkit

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/apiutil"
)

// PatchHelper remembers an object as a reconciliation read it and, when
// the pass ends, writes what the pass changed: the metadata it may change
// (finalizers, labels, annotations, owner references) with a merge patch
// of the object, then the status with a merge patch of its status
// subresource. Nothing is written when nothing changed. After each Patch
// the helper remembers the written object, so one helper can patch the
// same object several times in a pass and each patch carries only what
// changed since the last (Flux's patch.SerialPatcher).
//
// Both patches are guarded by the resourceVersion the object was read
// with: a reconciler reads from a cache, and a merge patch computed
// against a stale snapshot leaves out the fields whose new value equals
// the stale one, leaving the server with an older pass's values. A
// conflict instead makes the next pass start from fresher data.
type PatchHelper struct {
	client     client.Client
	before     client.Object
	afterWrite func(replaced string, obj client.Object)
}

// PatchHelperOption configures a PatchHelper.
type PatchHelperOption func(*PatchHelper)

// AfterWrite makes the helper call fn after each successful write with the
// resourceVersion the write replaced and the object as the API server
// answered it (a reconciler may remember it until its cache catches up).
func AfterWrite(fn func(replaced string, obj client.Object)) PatchHelperOption {
	return func(h *PatchHelper) { h.afterWrite = fn }
}

// NewPatchHelper snapshots obj, which the caller then changes in place and
// hands to Patch.
func NewPatchHelper(c client.Client, obj client.Object, opts ...PatchHelperOption) *PatchHelper {
	h := &PatchHelper{client: c, before: obj.DeepCopyObject().(client.Object)}
	for _, o := range opts {
		o(h)
	}
	return h
}

// PatchOption changes what Patch writes.
type PatchOption func(*patchOptions)

type patchOptions struct {
	observedGeneration bool
}

// WithObservedGeneration sets status.observedGeneration to the object's
// generation: pass it only after a pass that succeeded, so that
// observedGeneration says which spec the status describes.
func WithObservedGeneration() PatchOption {
	return func(o *patchOptions) { o.observedGeneration = true }
}

// metadataFields are the metadata a reconciler may change through the
// helper; everything else in metadata belongs to the API server or to the
// object's creator.
var metadataFields = []string{"finalizers", "labels", "annotations", "ownerReferences"}

// Patch writes obj's changes since the snapshot (or the last Patch) and
// leaves obj as the API server answered. An object that is gone is not an
// error: there is nothing left to write to.
func (h *PatchHelper) Patch(ctx context.Context, obj client.Object, opts ...PatchOption) error {
	var po patchOptions
	for _, o := range opts {
		o(&po)
	}
	before, err := runtime.DefaultUnstructuredConverter.ToUnstructured(h.before)
	if err != nil {
		return fmt.Errorf("convert snapshot of %s: %w", describe(h.client, obj), err)
	}
	after, err := runtime.DefaultUnstructuredConverter.ToUnstructured(obj)
	if err != nil {
		return fmt.Errorf("convert %s: %w", describe(h.client, obj), err)
	}
	if po.observedGeneration {
		status, _ := after["status"].(map[string]any)
		if status == nil {
			status = map[string]any{}
			after["status"] = status
		}
		status["observedGeneration"] = obj.GetGeneration()
	}

	beforeMeta, afterMeta := pick(before["metadata"], metadataFields), pick(after["metadata"], metadataFields)
	if patch := mergePatch(beforeMeta, afterMeta); len(patch) > 0 {
		gone, err := h.write(ctx, obj, map[string]any{"metadata": patch}, false)
		if err != nil || gone {
			return err
		}
		// The answer is the object with the status the API server has; the
		// object may be gone once its last finalizer is.
		if !obj.GetDeletionTimestamp().IsZero() && len(obj.GetFinalizers()) == 0 {
			return nil
		}
	}

	beforeStatus, _ := before["status"].(map[string]any)
	afterStatus, _ := after["status"].(map[string]any)
	if patch := mergePatch(beforeStatus, afterStatus); len(patch) > 0 {
		if _, err := h.write(ctx, obj, map[string]any{"status": patch}, true); err != nil {
			return err
		}
	}
	h.before = obj.DeepCopyObject().(client.Object)
	return nil
}

// write sends patch (a JSON merge patch) guarded by obj's resourceVersion
// to the object or, with status, to its status subresource; the answer
// lands in obj. gone reports an object that no longer exists.
func (h *PatchHelper) write(ctx context.Context, obj client.Object, patch map[string]any, status bool) (gone bool, _ error) {
	replaced := obj.GetResourceVersion()
	meta, _ := patch["metadata"].(map[string]any)
	if meta == nil {
		meta = map[string]any{}
		patch["metadata"] = meta
	}
	meta["resourceVersion"] = replaced
	data, err := json.Marshal(patch)
	if err != nil {
		return false, fmt.Errorf("encode patch of %s: %w", describe(h.client, obj), err)
	}
	raw := client.RawPatch(types.MergePatchType, data)
	what := "metadata"
	if status {
		what = "status"
		err = h.client.Status().Patch(ctx, obj, raw)
	} else {
		err = h.client.Patch(ctx, obj, raw)
	}
	switch {
	case apierrors.IsNotFound(err):
		return true, nil
	case err != nil:
		return false, fmt.Errorf("patch %s of %s: %w", what, describe(h.client, obj), err)
	}
	if h.afterWrite != nil {
		h.afterWrite(replaced, obj)
	}
	return false, nil
}

// pick returns the fields of m (a map, or nil) named in keys.
func pick(m any, keys []string) map[string]any {
	src, _ := m.(map[string]any)
	out := map[string]any{}
	for _, k := range keys {
		if v, ok := src[k]; ok {
			out[k] = v
		}
	}
	return out
}

// mergePatch returns the JSON merge patch (RFC 7396) that turns before
// into after: changed and new fields with their new value, maps
// recursively, removed fields as null. Lists are replaced whole, which is
// what a merge patch can express.
func mergePatch(before, after map[string]any) map[string]any {
	patch := map[string]any{}
	for k, a := range after {
		b, ok := before[k]
		if ok && equality.Semantic.DeepEqual(a, b) {
			continue
		}
		am, aMap := a.(map[string]any)
		bm, bMap := b.(map[string]any)
		if ok && aMap && bMap {
			if sub := mergePatch(bm, am); len(sub) > 0 {
				patch[k] = sub
			}
			continue
		}
		patch[k] = a
	}
	for k := range before {
		if _, ok := after[k]; !ok {
			patch[k] = nil
		}
	}
	return patch
}

// describe names obj for errors: "workload team-a/web".
func describe(c client.Client, obj client.Object) string {
	kind := fmt.Sprintf("%T", obj)
	if gvk, err := apiutil.GVKForObject(obj, c.Scheme()); err == nil {
		kind = strings.ToLower(gvk.Kind)
	}
	if obj.GetNamespace() == "" {
		return kind + " " + obj.GetName()
	}
	return kind + " " + obj.GetNamespace() + "/" + obj.GetName()
}
