package workload

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sync"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	appsv1alpha1 "github.com/wheelhouse-dev/wheelhouse/api/apps/v1alpha1"
)

// appliedCache remembers, per Workload and kind, what the controller last
// applied and what the object looked like right after: its UID, the hash
// of the applied body and its generation (its resourceVersion for a
// Service, which has no generation to speak of). When the cached object
// still matches, the apply is skipped: nobody changed its spec since, and
// the Workload asks for the same thing. An edit by someone else bumps the
// generation (a Service's resourceVersion), a deletion changes the UID, a
// new spec changes the hash; each brings the apply back. Edits of the
// metadata do not bump a generation, so the labels and annotations the
// controller declares are compared with the live object
// itself (the child's update event brings the Workload back for that
// comparison). The memory is per process: after a restart every child is
// applied once.
//
// Records are kept by the Workload's name, so that the pass that finds the
// Workload gone (it knows only the name) forgets them, and carry the
// Workload's UID, so that a new Workload of the same name starts afresh.
type appliedCache struct {
	mu sync.Mutex
	m  map[types.NamespacedName]appliedEntry
}

// appliedEntry is what the cache holds for one Workload.
type appliedEntry struct {
	workloadUID types.UID
	// kinds holds a record per kind of object applied: the child's, the
	// Service's.
	kinds map[string]appliedRecord
}

type appliedRecord struct {
	uid     types.UID
	hash    string
	version string
}

func newAppliedCache() *appliedCache {
	return &appliedCache{m: map[types.NamespacedName]appliedEntry{}}
}

// version is what marks a change of obj's spec by anyone: its generation,
// or its resourceVersion for a Service.
func version(obj client.Object) string {
	if _, ok := obj.(*corev1.Service); ok {
		return "rv:" + obj.GetResourceVersion()
	}
	return fmt.Sprintf("gen:%d", obj.GetGeneration())
}

// upToDate reports whether live is what the controller applied last for
// w and this kind, from the same desired object, and still carries the
// metadata desired declares.
func (c *appliedCache) upToDate(w *appsv1alpha1.Workload, live, desired client.Object) bool {
	c.mu.Lock()
	entry, ok := c.m[client.ObjectKeyFromObject(w)]
	rec, found := entry.kinds[kindOf(live)]
	c.mu.Unlock()
	if !ok || !found || entry.workloadUID != w.UID || rec.uid != live.GetUID() || rec.version != version(live) {
		return false
	}
	hash, err := desiredHash(desired)
	return err == nil && rec.hash == hash && metadataKept(live, desired)
}

// metadataKept reports whether live has every label and annotation of
// desired with its value. (A child without the Workload's controller owner
// reference is not the Workload's: the phases refuse it before this.)
func metadataKept(live, desired client.Object) bool {
	for _, pair := range [][2]map[string]string{
		{live.GetLabels(), desired.GetLabels()},
		{live.GetAnnotations(), desired.GetAnnotations()},
	} {
		have, want := pair[0], pair[1]
		for k, v := range want {
			if got, ok := have[k]; !ok || got != v {
				return false
			}
		}
	}
	return true
}

// record remembers that applied is the result of applying desired for w.
// A desired object that cannot be hashed is not remembered: the next pass
// applies it again.
func (c *appliedCache) record(w *appsv1alpha1.Workload, applied, desired client.Object) {
	key := client.ObjectKeyFromObject(w)
	hash, err := desiredHash(desired)
	c.mu.Lock()
	defer c.mu.Unlock()
	entry, ok := c.m[key]
	if !ok || entry.workloadUID != w.UID {
		entry = appliedEntry{workloadUID: w.UID, kinds: map[string]appliedRecord{}}
		c.m[key] = entry
	}
	if err != nil {
		delete(entry.kinds, kindOf(applied))
		return
	}
	entry.kinds[kindOf(applied)] = appliedRecord{uid: applied.GetUID(), hash: hash, version: version(applied)}
}

// forget drops everything about the Workload key.
func (c *appliedCache) forget(key types.NamespacedName) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.m, key)
}

// desiredHash hashes a desired object (its JSON: struct fields in order,
// map keys sorted, so equal objects hash equally).
func desiredHash(obj client.Object) (string, error) {
	b, err := json.Marshal(obj)
	if err != nil {
		return "", fmt.Errorf("hash desired %s: %w", kindOf(obj), err)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}
