package workload

import (
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	appsv1alpha1 "github.com/wheelhouse-dev/wheelhouse/api/apps/v1alpha1"
)

// writeCaches is the one seam through which the reconciler avoids writes
// that would change nothing: the applied-state cache skips applies of
// children that are as the Workload declares (appliedCache), and the
// written cache starts a pass from the API server's answer to the
// controller's own last write while the informer cache lags behind it
// (writtenCache). Both are memory of this process only and are optimisations:
// with Config.DisableWriteCaches the reconciler uses noCaches instead,
// and every pass applies every child and patches from what the cache
// holds, reaching the same state with more writes.
type writeCaches interface {
	// fresher returns the answer to the controller's last write to
	// cached's Workload when cached is the version that write replaced,
	// nil otherwise.
	fresher(cached *appsv1alpha1.Workload) *appsv1alpha1.Workload
	// recordWrite remembers result, the answer to a write of a Workload
	// made against resourceVersion replaced.
	recordWrite(replaced string, result client.Object)
	// upToDate reports whether live is what the controller last applied
	// for w and still matches desired, so the apply can be skipped.
	upToDate(w *appsv1alpha1.Workload, live, desired client.Object) bool
	// recordApply remembers that applied is the answer to applying
	// desired for w.
	recordApply(w *appsv1alpha1.Workload, applied, desired client.Object)
	// forget drops everything about the Workload key, which is gone or
	// going.
	forget(key types.NamespacedName)
}

// newWriteCaches returns the caches, or noCaches when disabled.
func newWriteCaches(disabled bool) writeCaches {
	if disabled {
		return noCaches{}
	}
	return &memoryCaches{applied: newAppliedCache(), written: newWrittenCache()}
}

// memoryCaches are the applied-state and written caches.
type memoryCaches struct {
	applied *appliedCache
	written *writtenCache
}

func (c *memoryCaches) fresher(cached *appsv1alpha1.Workload) *appsv1alpha1.Workload {
	return c.written.fresher(cached)
}

func (c *memoryCaches) recordWrite(replaced string, result client.Object) {
	if w, ok := result.(*appsv1alpha1.Workload); ok {
		c.written.record(replaced, w)
	}
}

func (c *memoryCaches) upToDate(w *appsv1alpha1.Workload, live, desired client.Object) bool {
	return c.applied.upToDate(w, live, desired)
}

func (c *memoryCaches) recordApply(w *appsv1alpha1.Workload, applied, desired client.Object) {
	c.applied.record(w, applied, desired)
}

func (c *memoryCaches) forget(key types.NamespacedName) {
	c.applied.forget(key)
	c.written.forget(key)
}

// noCaches remembers nothing: every child is applied on every pass.
type noCaches struct{}

func (noCaches) fresher(*appsv1alpha1.Workload) *appsv1alpha1.Workload { return nil }
func (noCaches) recordWrite(string, client.Object)                     {}
func (noCaches) upToDate(*appsv1alpha1.Workload, client.Object, client.Object) bool {
	return false
}
func (noCaches) recordApply(*appsv1alpha1.Workload, client.Object, client.Object) {}
func (noCaches) forget(types.NamespacedName)                                      {}
