package ctrlkit

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/interceptor"

	appsv1alpha1 "github.com/wheelhouse-dev/wheelhouse/api/apps/v1alpha1"
)

// patchRecorder counts the helper's writes and keeps their bodies.
type patchRecorder struct {
	metadata, status []map[string]any
}

func (p *patchRecorder) funcs() *interceptor.Funcs {
	decode := func(patch client.Patch, obj client.Object) map[string]any {
		b, err := patch.Data(obj)
		if err != nil {
			panic(err)
		}
		m := map[string]any{}
		if err := json.Unmarshal(b, &m); err != nil {
			panic(err)
		}
		return m
	}
	return &interceptor.Funcs{
		Patch: func(ctx context.Context, c client.WithWatch, obj client.Object, patch client.Patch, opts ...client.PatchOption) error {
			p.metadata = append(p.metadata, decode(patch, obj))
			return c.Patch(ctx, obj, patch, opts...)
		},
		SubResourcePatch: func(ctx context.Context, c client.Client, sub string, obj client.Object, patch client.Patch, opts ...client.SubResourcePatchOption) error {
			p.status = append(p.status, decode(patch, obj))
			return c.SubResource(sub).Patch(ctx, obj, patch, opts...)
		},
	}
}

func TestPatchHelper(t *testing.T) {
	now := metav1.NewTime(time.Now())
	tests := []struct {
		name   string
		stored *appsv1alpha1.Workload
		change func(w *appsv1alpha1.Workload)
		opts   []PatchOption
		// stale makes the snapshot older than the stored object.
		stale           bool
		wantErr         string
		wantMetadata    int
		wantStatus      int
		wantWrites      int
		check           func(g Gomega, stored *appsv1alpha1.Workload)
		wantGone        bool
		wantStatusPatch map[string]any
	}{{
		name:   "nothing changed: no write",
		stored: newWorkload(),
		change: func(*appsv1alpha1.Workload) {},
	}, {
		name:       "status changed: one status patch",
		stored:     newWorkload(),
		change:     func(w *appsv1alpha1.Workload) { w.Status.Phase = appsv1alpha1.PhaseRunning },
		wantStatus: 1, wantWrites: 1,
		check: func(g Gomega, stored *appsv1alpha1.Workload) {
			g.Expect(stored.Status.Phase).To(Equal(appsv1alpha1.PhaseRunning))
			g.Expect(stored.Status.ObservedGeneration).To(BeZero(), "only WithObservedGeneration sets it")
		},
	}, {
		name:       "with observed generation",
		stored:     newWorkload(),
		change:     func(w *appsv1alpha1.Workload) { w.Status.Phase = appsv1alpha1.PhaseRunning },
		opts:       []PatchOption{WithObservedGeneration()},
		wantStatus: 1, wantWrites: 1,
		check: func(g Gomega, stored *appsv1alpha1.Workload) {
			g.Expect(stored.Status.ObservedGeneration).To(Equal(int64(3)))
		},
	}, {
		name:       "observed generation alone is a change",
		stored:     newWorkload(func(w *appsv1alpha1.Workload) { w.Status.ObservedGeneration = 2 }),
		change:     func(*appsv1alpha1.Workload) {},
		opts:       []PatchOption{WithObservedGeneration()},
		wantStatus: 1, wantWrites: 1,
		check: func(g Gomega, stored *appsv1alpha1.Workload) {
			g.Expect(stored.Status.ObservedGeneration).To(Equal(int64(3)))
		},
	}, {
		name: "a removed status field is removed",
		stored: newWorkload(func(w *appsv1alpha1.Workload) {
			w.Status.ChildRef = &appsv1alpha1.ChildReference{Kind: "Deployment", Name: "web"}
			w.Status.Phase = appsv1alpha1.PhasePending
		}),
		change:     func(w *appsv1alpha1.Workload) { w.Status.ChildRef = nil },
		wantStatus: 1, wantWrites: 1,
		wantStatusPatch: map[string]any{"status": map[string]any{"childRef": nil}},
		check: func(g Gomega, stored *appsv1alpha1.Workload) {
			g.Expect(stored.Status.ChildRef).To(BeNil())
			g.Expect(stored.Status.Phase).To(Equal(appsv1alpha1.PhasePending))
		},
	}, {
		name:   "finalizer and status: two patches",
		stored: newWorkload(),
		change: func(w *appsv1alpha1.Workload) {
			w.Finalizers = []string{"example.com/cleanup"}
			w.Labels = map[string]string{"team": "a"}
			w.Status.Phase = appsv1alpha1.PhaseRunning
		},
		wantMetadata: 1, wantStatus: 1, wantWrites: 2,
		check: func(g Gomega, stored *appsv1alpha1.Workload) {
			g.Expect(stored.Finalizers).To(ConsistOf("example.com/cleanup"))
			g.Expect(stored.Labels).To(HaveKeyWithValue("team", "a"))
			g.Expect(stored.Status.Phase).To(Equal(appsv1alpha1.PhaseRunning))
		},
	}, {
		name:   "spec changes are not the helper's to write",
		stored: newWorkload(),
		change: func(w *appsv1alpha1.Workload) { w.Spec.Suspend = true },
		check: func(g Gomega, stored *appsv1alpha1.Workload) {
			g.Expect(stored.Spec.Suspend).To(BeFalse())
		},
	}, {
		name:       "stale snapshot: conflict",
		stored:     newWorkload(),
		stale:      true,
		change:     func(w *appsv1alpha1.Workload) { w.Status.Phase = appsv1alpha1.PhaseRunning },
		wantStatus: 1,
		wantErr:    "patch status of workload team-a/web",
	}, {
		name: "last finalizer of a deleting object: gone, no status patch",
		stored: newWorkload(func(w *appsv1alpha1.Workload) {
			w.Finalizers = []string{"example.com/cleanup"}
			w.DeletionTimestamp = &now
		}),
		change: func(w *appsv1alpha1.Workload) {
			w.Finalizers = nil
			w.Status.Phase = appsv1alpha1.PhaseSucceeded
		},
		wantMetadata: 1, wantWrites: 1,
		wantGone: true,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := NewWithT(t)
			rec := &patchRecorder{}
			c := newClient(t, rec.funcs(), tt.stored)
			w := get(t, c)
			if tt.stale {
				fresh := w.DeepCopy()
				fresh.Status.Phase = appsv1alpha1.PhasePending
				g.Expect(c.Status().Update(t.Context(), fresh)).To(Succeed())
			}
			var writes []string
			h := NewPatchHelper(c, w, AfterWrite(func(replaced string, obj client.Object) {
				g.Expect(obj.GetResourceVersion()).NotTo(Equal(replaced))
				writes = append(writes, replaced)
			}))
			tt.change(w)
			err := h.Patch(t.Context(), w, tt.opts...)
			if tt.wantErr != "" {
				g.Expect(err).To(MatchError(ContainSubstring(tt.wantErr)))
				g.Expect(apierrors.IsConflict(err)).To(BeTrue(), "the API error is kept: %v", err)
			} else {
				g.Expect(err).NotTo(HaveOccurred())
			}
			g.Expect(rec.metadata).To(HaveLen(tt.wantMetadata))
			g.Expect(rec.status).To(HaveLen(tt.wantStatus))
			g.Expect(writes).To(HaveLen(tt.wantWrites))
			for _, p := range append(rec.metadata, rec.status...) {
				g.Expect(p).To(HaveKeyWithValue("metadata", HaveKey("resourceVersion")), "guarded by the resourceVersion")
			}
			if tt.wantStatusPatch != nil {
				g.Expect(rec.status[0]).To(HaveKeyWithValue("status", tt.wantStatusPatch["status"]))
			}
			if tt.wantGone {
				err := c.Get(t.Context(), client.ObjectKeyFromObject(w), &appsv1alpha1.Workload{})
				g.Expect(apierrors.IsNotFound(err)).To(BeTrue(), "got %v", err)
				return
			}
			if tt.check != nil {
				tt.check(g, get(t, c))
			}
		})
	}
}

// TestPatchHelperSerial: a second Patch in the same pass sends only what
// changed since the first.
func TestPatchHelperSerial(t *testing.T) {
	g := NewWithT(t)
	rec := &patchRecorder{}
	c := newClient(t, rec.funcs(), newWorkload())
	w := get(t, c)
	h := NewPatchHelper(c, w)
	w.Status.Phase = appsv1alpha1.PhasePending
	g.Expect(h.Patch(t.Context(), w)).To(Succeed())
	w.Status.ReadyReplicas = 1
	g.Expect(h.Patch(t.Context(), w)).To(Succeed())
	g.Expect(rec.status).To(HaveLen(2))
	g.Expect(rec.status[1]["status"]).To(Equal(map[string]any{"readyReplicas": float64(1)}))
	g.Expect(h.Patch(t.Context(), w)).To(Succeed())
	g.Expect(rec.status).To(HaveLen(2), "nothing new: no write")
	got := get(t, c)
	g.Expect(got.Status.Phase).To(Equal(appsv1alpha1.PhasePending))
	g.Expect(got.Status.ReadyReplicas).To(Equal(int32(1)))
}

// TestPatchHelperGone: an object deleted meanwhile is not an error.
func TestPatchHelperGone(t *testing.T) {
	g := NewWithT(t)
	c := newClient(t, nil, newWorkload())
	w := get(t, c)
	h := NewPatchHelper(c, w)
	g.Expect(c.Delete(t.Context(), w.DeepCopy())).To(Succeed())
	w.Status.Phase = appsv1alpha1.PhaseRunning
	g.Expect(h.Patch(t.Context(), w)).To(Succeed())
}

func TestMergePatch(t *testing.T) {
	tests := []struct {
		name          string
		before, after map[string]any
		want          map[string]any
	}{
		{"equal", map[string]any{"a": int64(1)}, map[string]any{"a": int64(1)}, map[string]any{}},
		{"changed", map[string]any{"a": int64(1)}, map[string]any{"a": int64(2)}, map[string]any{"a": int64(2)}},
		{"added", map[string]any{}, map[string]any{"a": "x"}, map[string]any{"a": "x"}},
		{"removed", map[string]any{"a": "x", "b": "y"}, map[string]any{"b": "y"}, map[string]any{"a": nil}},
		{"nested", map[string]any{"m": map[string]any{"a": "x", "b": "y"}}, map[string]any{"m": map[string]any{"a": "x", "b": "z"}},
			map[string]any{"m": map[string]any{"b": "z"}}},
		{"nested equal", map[string]any{"m": map[string]any{"a": "x"}}, map[string]any{"m": map[string]any{"a": "x"}}, map[string]any{}},
		{"list replaced whole", map[string]any{"l": []any{"a", "b"}}, map[string]any{"l": []any{"a"}}, map[string]any{"l": []any{"a"}}},
		{"map becomes scalar", map[string]any{"m": map[string]any{"a": "x"}}, map[string]any{"m": "s"}, map[string]any{"m": "s"}},
		{"from nothing", nil, map[string]any{"a": "x"}, map[string]any{"a": "x"}},
		{"to nothing", map[string]any{"a": "x"}, nil, map[string]any{"a": nil}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			NewWithT(t).Expect(mergePatch(tt.before, tt.after)).To(Equal(tt.want))
		})
	}
}
