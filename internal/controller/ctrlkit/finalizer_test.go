package ctrlkit

import (
	"context"
	"errors"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/interceptor"

	appsv1alpha1 "github.com/wheelhouse-dev/wheelhouse/api/apps/v1alpha1"
)

const testFinalizer = "example.com/cleanup"

func TestFinalizers(t *testing.T) {
	now := metav1.NewTime(time.Now())
	withFinalizers := func(f ...string) func(*appsv1alpha1.Workload) {
		return func(w *appsv1alpha1.Workload) { w.Finalizers = f }
	}
	failPatch := &interceptor.Funcs{Patch: func(context.Context, client.WithWatch, client.Object, client.Patch, ...client.PatchOption) error {
		return errors.New("connection refused")
	}}
	tests := []struct {
		name      string
		stored    *appsv1alpha1.Workload
		ensure    bool
		funcs     *interceptor.Funcs
		wantWrote bool
		wantErr   string
		want      []string
		wantGone  bool
	}{
		{name: "ensure adds", stored: newWorkload(), ensure: true, wantWrote: true, want: []string{testFinalizer}},
		{name: "ensure keeps others", stored: newWorkload(withFinalizers("other")), ensure: true, wantWrote: true, want: []string{"other", testFinalizer}},
		{name: "ensure: already there", stored: newWorkload(withFinalizers(testFinalizer)), ensure: true, want: []string{testFinalizer}},
		{name: "ensure fails", stored: newWorkload(), ensure: true, funcs: failPatch, wantErr: "add finalizer example.com/cleanup to workload team-a/web: connection refused"},
		{name: "remove", stored: newWorkload(withFinalizers("other", testFinalizer)), wantWrote: true, want: []string{"other"}},
		{name: "remove: not there", stored: newWorkload(withFinalizers("other")), want: []string{"other"}},
		{name: "remove the last of a deleting object: gone", stored: newWorkload(withFinalizers(testFinalizer), func(w *appsv1alpha1.Workload) {
			w.DeletionTimestamp = &now
		}), wantGone: true},
		{name: "remove fails", stored: newWorkload(withFinalizers(testFinalizer)), funcs: failPatch, wantErr: "remove finalizer example.com/cleanup from workload team-a/web"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := NewWithT(t)
			c := newClient(t, tt.funcs, tt.stored)
			w := get(t, c)
			var wrote bool
			var err error
			if tt.ensure {
				wrote, err = EnsureFinalizer(t.Context(), c, w, testFinalizer)
			} else {
				wrote, err = RemoveFinalizer(t.Context(), c, w, testFinalizer)
			}
			if tt.wantErr != "" {
				g.Expect(err).To(MatchError(ContainSubstring(tt.wantErr)))
				return
			}
			g.Expect(err).NotTo(HaveOccurred())
			if tt.wantGone {
				g.Expect(apierrors.IsNotFound(c.Get(t.Context(), client.ObjectKeyFromObject(w), &appsv1alpha1.Workload{}))).To(BeTrue())
				return
			}
			g.Expect(wrote).To(Equal(tt.wantWrote))
			g.Expect(get(t, c).Finalizers).To(Equal(tt.want))
			g.Expect(w.Finalizers).To(Equal(tt.want), "obj is the API server's answer")
		})
	}
}

// TestFinalizerGuardedByResourceVersion: a finalizer write from a stale
// copy conflicts instead of overwriting a newer list.
func TestFinalizerGuardedByResourceVersion(t *testing.T) {
	g := NewWithT(t)
	c := newClient(t, nil, newWorkload())
	stale := get(t, c)
	fresh := stale.DeepCopy()
	fresh.Finalizers = []string{"other"}
	g.Expect(c.Update(t.Context(), fresh)).To(Succeed())
	_, err := EnsureFinalizer(t.Context(), c, stale, testFinalizer)
	g.Expect(apierrors.IsConflict(err)).To(BeTrue(), "got %v", err)
	g.Expect(get(t, c).Finalizers).To(Equal([]string{"other"}))
}
