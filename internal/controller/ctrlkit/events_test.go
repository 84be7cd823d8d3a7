package ctrlkit

import (
	"testing"

	. "github.com/onsi/gomega"
	appsv1 "k8s.io/api/apps/v1"
	"k8s.io/client-go/tools/events"
)

func TestRecorder(t *testing.T) {
	g := NewWithT(t)
	fake := events.NewFakeRecorder(10)
	r := NewRecorder(fake)
	pair := EventPair{Succeeded: "ApplySucceeded", Failed: "ApplyFailed"}
	w := newWorkload()
	r.Succeeded(w, &appsv1.Deployment{}, pair, "Apply", "Created Deployment %s", "web")
	r.Failed(w, nil, pair, "Apply", "Applying Deployment %s failed: %v", "web", "boom")
	g.Expect(<-fake.Events).To(Equal("Normal ApplySucceeded Created Deployment web"))
	g.Expect(<-fake.Events).To(Equal("Warning ApplyFailed Applying Deployment web failed: boom"))

	// The zero Recorder drops events.
	var zero Recorder
	zero.Succeeded(w, nil, pair, "Apply", "dropped")
	NewRecorder(nil).Failed(w, nil, pair, "Apply", "dropped")
	g.Expect(fake.Events).To(BeEmpty())
}
