package workload

import (
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/types"

	appsv1alpha1 "github.com/wheelhouse-dev/wheelhouse/api/apps/v1alpha1"
)

// writtenCache bridges the moment after the controller's own write to a
// Workload (its status or finalizers) in which the informer cache still
// holds the version that write replaced. A pass that started from that
// stale copy would patch with a resourceVersion the API server no longer
// has and meet a conflict, costing a failed write, a read from the API
// server and a second write (bench/workload saw one conflict for every
// second Workload while the cache lagged under load). Instead the pass
// starts from the API server's answer to the last write.
//
// A record lives only while the cache may lag: the first pass that finds
// the cache past the replaced version forgets it, and records older than
// writtenTTL (the cache lags by seconds, not minutes) are dropped, since
// the last write to a Workload (its Running status) is often followed by no
// pass at all. The memory held is that of the Workloads written in the
// last writtenTTL, not of all of them.
type writtenCache struct {
	mu        sync.Mutex
	m         map[types.NamespacedName]writtenRecord
	now       func() time.Time
	lastSweep time.Time
}

type writtenRecord struct {
	// replaced is the resourceVersion the write was made against.
	replaced string
	// result is the Workload as the API server answered the write.
	result *appsv1alpha1.Workload
	at     time.Time
}

// writtenTTL is how long a record is kept.
const writtenTTL = time.Minute

func newWrittenCache() *writtenCache {
	return &writtenCache{m: map[types.NamespacedName]writtenRecord{}, now: time.Now}
}

// record remembers result, the answer to a write made against
// resourceVersion replaced.
func (c *writtenCache) record(replaced string, result *appsv1alpha1.Workload) {
	if replaced == "" || result.ResourceVersion == "" || result.ResourceVersion == replaced {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	if now.Sub(c.lastSweep) > writtenTTL {
		for k, rec := range c.m {
			if now.Sub(rec.at) > writtenTTL {
				delete(c.m, k)
			}
		}
		c.lastSweep = now
	}
	c.m[types.NamespacedName{Namespace: result.Namespace, Name: result.Name}] = writtenRecord{replaced: replaced, result: result.DeepCopy(), at: now}
}

// fresher returns a copy of the answer to the controller's last write to
// cached's Workload if cached is the version that write replaced, nil
// otherwise. A write by anyone else after the controller's makes the
// API server refuse the next patch as before (its resourceVersion is then
// stale too), which the status patch handles by reading again.
func (c *writtenCache) fresher(cached *appsv1alpha1.Workload) *appsv1alpha1.Workload {
	c.mu.Lock()
	defer c.mu.Unlock()
	key := types.NamespacedName{Namespace: cached.Namespace, Name: cached.Name}
	rec, ok := c.m[key]
	if !ok {
		return nil
	}
	if cached.UID != rec.result.UID || cached.ResourceVersion != rec.replaced || c.now().Sub(rec.at) > writtenTTL {
		delete(c.m, key) // the cache caught up, someone else wrote, a new Workload of that name, or too old
		return nil
	}
	return rec.result.DeepCopy()
}

// forget drops the record of a Workload that is gone.
func (c *writtenCache) forget(key types.NamespacedName) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.m, key)
}
