package workload

import (
	"context"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	appsv1 "k8s.io/api/apps/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/interceptor"

	appsv1alpha1 "github.com/wheelhouse-dev/wheelhouse/api/apps/v1alpha1"
)

func TestWrittenCache(t *testing.T) {
	g := NewWithT(t)
	c := newWrittenCache()
	w := newWorkload(appsv1alpha1.WorkloadTypeDeployment)
	w.ResourceVersion = "5"
	result := w.DeepCopy()
	result.ResourceVersion = "6"
	result.Status.Phase = appsv1alpha1.PhaseRunning

	g.Expect(c.fresher(w)).To(BeNil(), "nothing written yet")
	c.record("5", result)
	got := c.fresher(w)
	g.Expect(got).NotTo(BeNil(), "the cache holds the replaced version")
	g.Expect(got.ResourceVersion).To(Equal("6"))
	g.Expect(got.Status.Phase).To(Equal(appsv1alpha1.PhaseRunning))
	got.Status.Phase = appsv1alpha1.PhaseFailed
	g.Expect(c.fresher(w).Status.Phase).To(Equal(appsv1alpha1.PhaseRunning), "callers get copies")

	other := w.DeepCopy()
	other.UID = "uid-new"
	g.Expect(c.fresher(other)).To(BeNil(), "a new Workload of the same name")
	g.Expect(c.m).To(BeEmpty(), "forgotten")

	c.record("5", result)
	caughtUp := w.DeepCopy()
	caughtUp.ResourceVersion = "6"
	g.Expect(c.fresher(caughtUp)).To(BeNil(), "the cache caught up")
	g.Expect(c.m).To(BeEmpty(), "forgotten once the cache caught up")

	c.record("6", result)
	g.Expect(c.m).To(BeEmpty(), "a write that changed nothing is not recorded")
	c.record("5", result)
	c.forget(types.NamespacedName{Namespace: w.Namespace, Name: w.Name})
	g.Expect(c.m).To(BeEmpty())

	// Records expire: the last write to a Workload is often followed by no
	// pass that would find the cache caught up.
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	c.now, c.lastSweep = func() time.Time { return now }, time.Time{}
	c.record("5", result)
	now = now.Add(writtenTTL + time.Second)
	g.Expect(c.fresher(w)).To(BeNil(), "expired")
	c.record("5", result)
	other = result.DeepCopy()
	other.Name = "other"
	now = now.Add(writtenTTL + time.Second)
	c.record("5", other)
	g.Expect(c.m).To(HaveLen(1), "a record sweeps the expired ones")
	g.Expect(c.m).To(HaveKey(types.NamespacedName{Namespace: w.Namespace, Name: "other"}))
}

// TestStaleCacheAfterOwnStatusWrite: the pass after a status write gets
// the Workload from a cache that has not seen that write yet. With the
// write caches it starts from the API server's answer to the write
// instead, so its status patch goes through at once: no conflict, no read
// from the API server. Without them it meets the conflict, reads the
// Workload from the API server and patches again: the same status, one
// write more.
func TestStaleCacheAfterOwnStatusWrite(t *testing.T) {
	for _, mode := range writeCachesModes {
		t.Run(mode.name, func(t *testing.T) {
			g := NewWithT(t)
			ctx := t.Context()
			w := newWorkload(appsv1alpha1.WorkloadTypeDeployment, withService)
			// stale is what the informer cache returns, once; the read after
			// a conflict (through the same client here) gets the API
			// server's version.
			var stale *appsv1alpha1.Workload
			patches, conflicts := 0, 0
			env := newTestEnvWith(t, mode.disabled, &interceptor.Funcs{
				Get: func(ctx context.Context, c client.WithWatch, key client.ObjectKey, obj client.Object, opts ...client.GetOption) error {
					if got, ok := obj.(*appsv1alpha1.Workload); ok && stale != nil {
						stale.DeepCopyInto(got)
						stale = nil
						return nil
					}
					return c.Get(ctx, key, obj, opts...)
				},
				SubResourcePatch: func(ctx context.Context, c client.Client, sub string, obj client.Object, patch client.Patch, opts ...client.SubResourcePatchOption) error {
					patches++
					err := c.Status().Patch(ctx, obj, patch, opts...)
					if apierrors.IsConflict(err) {
						conflicts++
					}
					return err
				},
			}, w)

			before := &appsv1alpha1.Workload{}
			g.Expect(env.client.Get(ctx, key(), before)).To(Succeed())
			_, err := env.r.Reconcile(ctx, request())
			g.Expect(err).NotTo(HaveOccurred())
			g.Expect(patches).To(Equal(1), "the first pass writes the status")

			// The Deployment reports its pod ready; the cache still has the
			// Workload as it was before the first status write.
			d := &appsv1.Deployment{}
			g.Expect(env.client.Get(ctx, key(), d)).To(Succeed())
			d.Status = appsv1.DeploymentStatus{ObservedGeneration: 1, Replicas: 1, UpdatedReplicas: 1, ReadyReplicas: 1, AvailableReplicas: 1}
			g.Expect(env.client.Status().Update(ctx, d)).To(Succeed())
			stale = before

			_, err = env.r.Reconcile(ctx, request())
			g.Expect(err).NotTo(HaveOccurred())
			if mode.disabled {
				g.Expect(patches).To(Equal(3), "a conflict, then the write")
				g.Expect(conflicts).To(Equal(1))
			} else {
				g.Expect(patches).To(Equal(2), "one more status write")
				g.Expect(conflicts).To(BeZero())
			}
			got := &appsv1alpha1.Workload{}
			g.Expect(env.client.Get(ctx, key(), got)).To(Succeed())
			g.Expect(got.Status.Phase).To(Equal(appsv1alpha1.PhaseRunning))
			g.Expect(got.Status.ReadyReplicas).To(Equal(int32(1)))
		})
	}
}
