package drain

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func TestDrainRecordedOnNode(t *testing.T) {
	g := NewWithT(t)
	env := newEnv(t, pod("web", owner("ReplicaSet")), pod("etcd", mirror))
	env.block("default/web", true)
	first, err := env.tracker.Start(t.Context(), env.client, "c", "n1", "alice", Options{RetryInterval: 5 * time.Millisecond, Timeout: time.Minute})
	g.Expect(err).NotTo(HaveOccurred())

	// Cordoned and recorded in one write: the record is there at once.
	rec := env.recorded(t)
	g.Expect(env.unschedulable(t)).To(BeTrue())
	g.Expect(rec.ID).To(Equal(first.ID))
	g.Expect(rec.State).To(Equal(StateRunning))
	g.Expect(rec.By).To(Equal("alice"))
	g.Expect(rec.Options.Timeout).To(Equal(time.Minute))

	// Progress reaches the record.
	g.Eventually(func() []Pod { return env.recorded(t).Pending }).WithTimeout(waitTimeout).WithPolling(waitPolling).
		Should(ConsistOf(HaveField("Reason", HavePrefix(ReasonPDBPrefix))))
	g.Expect(env.recorded(t).Skipped).To(ConsistOf(Pod{Namespace: "default", Name: "etcd", Reason: ReasonMirror}))

	env.block("default/web", false)
	st := wait(t, env.tracker, "c", "n1")
	g.Expect(st.State).To(Equal(StateSucceeded))
	rec = env.recorded(t)
	g.Expect(rec.State).To(Equal(StateSucceeded))
	g.Expect(rec.FinishedAt).NotTo(BeNil())
	g.Expect(names(rec.Evicted)).To(Equal([]string{"default/web"}))
	g.Expect(rec.Message).To(Equal(st.Message))

	// Another process (no memory of the drain) reads it from the node.
	other := NewTracker(Config{Logger: discard()})
	node, err := env.client.CoreV1().Nodes().Get(t.Context(), "n1", metav1.GetOptions{})
	g.Expect(err).NotTo(HaveOccurred())
	got, ok := other.Status("c", "n1", node)
	g.Expect(ok).To(BeTrue())
	g.Expect(got.ID).To(Equal(first.ID))
	g.Expect(got.State).To(Equal(StateSucceeded))
	g.Expect(got.Cluster).To(Equal("c"))
}

func TestResumeAfterRestart(t *testing.T) {
	g := NewWithT(t)
	env := newEnv(t, pod("web-a", owner("ReplicaSet")), pod("web-b", owner("ReplicaSet")))
	env.block("default/web-a", true)
	first := NewTracker(Config{Logger: discard()})
	started, err := first.Start(t.Context(), env.client, "c", "n1", "alice", Options{RetryInterval: 5 * time.Millisecond, Timeout: time.Minute})
	g.Expect(err).NotTo(HaveOccurred())
	g.Eventually(func() []string { return names(env.recorded(t).Evicted) }).WithTimeout(waitTimeout).WithPolling(waitPolling).
		Should(Equal([]string{"default/web-b"}))

	// The process stops: its drain stops and stays recorded as running.
	first.Close()
	g.Expect(env.recorded(t).State).To(Equal(StateRunning))

	second := env.tracker
	g.Expect(second.ResumeAll(t.Context(), env.client, "c")).To(Succeed())
	st, ok := second.Status("c", "n1", nil)
	g.Expect(ok).To(BeTrue())
	g.Expect(st.ID).To(Equal(started.ID))
	g.Expect(st.State).To(Equal(StateRunning))
	g.Expect(st.ResumedAt).NotTo(BeNil())
	g.Expect(st.By).To(Equal("alice"))
	g.Expect(env.recorded(t).ResumedAt).NotTo(BeNil())
	// Called again (the connection came up again): nothing changes.
	g.Expect(second.ResumeAll(t.Context(), env.client, "c")).To(Succeed())
	_, err = second.Start(t.Context(), env.client, "c", "n1", "bob", Options{})
	g.Expect(err).To(BeAssignableToTypeOf(&InProgressError{}))

	env.block("default/web-a", false)
	st = wait(t, second, "c", "n1")
	g.Expect(st.State).To(Equal(StateSucceeded))
	g.Expect(names(st.Evicted)).To(ConsistOf("default/web-a", "default/web-b"))
	g.Expect(env.recorded(t).State).To(Equal(StateSucceeded))
}

func TestResumeAfterTimeoutInterrupts(t *testing.T) {
	g := NewWithT(t)
	env := newEnv(t, pod("web", owner("ReplicaSet")))
	env.block("default/web", true)
	first := NewTracker(Config{Logger: discard()})
	_, err := first.Start(t.Context(), env.client, "c", "n1", "alice", Options{RetryInterval: 5 * time.Millisecond, Timeout: time.Minute})
	g.Expect(err).NotTo(HaveOccurred())
	g.Eventually(func() []Pod { return env.recorded(t).Pending }).WithTimeout(waitTimeout).WithPolling(waitPolling).Should(HaveLen(1))
	first.Close()

	// The next process comes back after the drain's minute.
	later := NewTracker(Config{Logger: discard(), Now: func() time.Time { return time.Now().Add(2 * time.Minute) }})
	g.Expect(later.ResumeAll(t.Context(), env.client, "c")).To(Succeed())
	g.Expect(later.Wait(t.Context())).To(Succeed())
	st, ok := later.Status("c", "n1", nil)
	g.Expect(ok).To(BeTrue())
	g.Expect(st.State).To(Equal(StateInterrupted))
	g.Expect(st.Message).To(ContainSubstring("interrupted"))
	g.Expect(st.Pending).To(BeEmpty())
	g.Expect(names(st.NotEvicted)).To(Equal([]string{"default/web"}))
	g.Expect(st.FinishedAt).NotTo(BeNil())
	rec := env.recorded(t)
	g.Expect(rec.State).To(Equal(StateInterrupted))
	g.Expect(env.unschedulable(t)).To(BeTrue())
	g.Expect(env.count(t)).To(Equal(1))
}

// TestReplacedRecordStopsRun: a drain whose record another process
// replaced (a new drain of the node) stops driving the node.
func TestReplacedRecordStopsRun(t *testing.T) {
	g := NewWithT(t)
	env := newEnv(t, pod("web", owner("ReplicaSet")))
	env.block("default/web", true)
	old := NewTracker(Config{Logger: discard()})
	_, err := old.Start(t.Context(), env.client, "c", "n1", "alice", Options{RetryInterval: 5 * time.Millisecond, Timeout: time.Minute})
	g.Expect(err).NotTo(HaveOccurred())
	g.Eventually(func() []Pod { return env.recorded(t).Pending }).WithTimeout(waitTimeout).WithPolling(waitPolling).Should(HaveLen(1))

	newer, err := env.tracker.Start(t.Context(), env.client, "c", "n1", "bob", Options{RetryInterval: 5 * time.Millisecond, Timeout: time.Minute})
	g.Expect(err).NotTo(HaveOccurred())
	env.block("default/web", false)
	st := wait(t, env.tracker, "c", "n1")
	g.Expect(st.State).To(Equal(StateSucceeded))

	ctx, cancel := context.WithTimeout(t.Context(), waitTimeout)
	defer cancel()
	g.Expect(old.Wait(ctx)).To(Succeed(), "the replaced drain still runs")
	_, remembered := old.Status("c", "n1", nil)
	g.Expect(remembered).To(BeFalse())
	rec := env.recorded(t)
	g.Expect(rec.ID).To(Equal(newer.ID))
	g.Expect(rec.By).To(Equal("bob"))
	g.Expect(rec.State).To(Equal(StateSucceeded))
}

func TestDecodeRefusesBadRecords(t *testing.T) {
	for _, value := range []string{
		"not json",
		`{"id":"x","state":"Running","options":{"timeout":"soon","retryInterval":"2s"}}`,
		`{"id":"x","state":"Running","options":{"timeout":"1m","retryInterval":"often"}}`,
		`{"id":"x","state":"Sleeping","options":{"timeout":"1m","retryInterval":"2s"}}`,
	} {
		if _, err := decode("c", "n1", value); err == nil {
			t.Errorf("decode %q: no error", value)
		}
	}
	st, err := decode("c", "n1", `{"id":"x","state":"Failed","options":{"timeout":"1m0s","retryInterval":"2s","force":true}}`)
	if err != nil || st.State != StateFailed || st.Options.Timeout != time.Minute || !st.Options.Force || st.Node != "n1" {
		t.Errorf("decode: %+v %v", st, err)
	}
}

// recorded reads the drain recorded on n1 from the fake API server.
func (e *env) recorded(t *testing.T) Status {
	t.Helper()
	n, err := e.client.CoreV1().Nodes().Get(t.Context(), "n1", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	st, ok, err := Recorded("c", n)
	if err != nil || !ok {
		t.Fatalf("drain record of n1: %v (present %v)", err, ok)
	}
	return st
}

func discard() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }
