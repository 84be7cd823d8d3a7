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
type appliedCache struct {
	mu sync.Mutex
	m  map[appliedKey]appliedRecord
}

type appliedKey struct {
	workload types.UID
	kind     string
}

type appliedRecord struct {
	uid     types.UID
	hash    string
	version string
}

func newAppliedCache() *appliedCache {
	return &appliedCache{m: map[appliedKey]appliedRecord{}}
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
// this Workload and kind, with the same desired hash, and still carries the
// metadata desired declares.
func (c *appliedCache) upToDate(workload types.UID, live, desired client.Object, hash string) bool {
	c.mu.Lock()
	rec, ok := c.m[appliedKey{workload, kindOf(live)}]
	c.mu.Unlock()
	return ok && rec.uid == live.GetUID() && rec.hash == hash && rec.version == version(live) &&
		metadataKept(live, desired)
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

// record remembers an apply's result.
func (c *appliedCache) record(workload types.UID, applied client.Object, hash string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.m[appliedKey{workload, kindOf(applied)}] = appliedRecord{uid: applied.GetUID(), hash: hash, version: version(applied)}
}

// forget drops everything about a Workload.
func (c *appliedCache) forget(workload types.UID) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for k := range c.m {
		if k.workload == workload {
			delete(c.m, k)
		}
	}
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
