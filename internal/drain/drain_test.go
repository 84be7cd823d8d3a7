package drain

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"
	"k8s.io/utils/ptr"
)

func TestClassify(t *testing.T) {
	tests := []struct {
		name    string
		pod     *corev1.Pod
		opts    Options
		want    verdict
		reasons []string
	}{
		{"replicated", pod("web", owner("ReplicaSet")), Options{}, evict, nil},
		{"mirror", pod("etcd", mirror), Options{}, skip, []string{ReasonMirror}},
		{"daemonset refused", pod("agent", owner("DaemonSet")), Options{}, refuse, []string{"managed by DaemonSet agent-ds"}},
		{"daemonset ignored", pod("agent", owner("DaemonSet"), emptyDir), Options{IgnoreDaemonSets: true}, skip, []string{ReasonDaemonLeft}},
		{"bare refused", pod("bare"), Options{}, refuse, []string{ReasonNoOwner}},
		{"bare forced", pod("bare"), Options{Force: true}, evict, nil},
		{"emptyDir refused", pod("cache", owner("ReplicaSet"), emptyDir), Options{}, refuse, []string{ReasonEmptyDir}},
		{"emptyDir allowed", pod("cache", owner("ReplicaSet"), emptyDir), Options{DeleteEmptyDirData: true}, evict, nil},
		{"bare with emptyDir: both reasons", pod("scratch", emptyDir), Options{}, refuse, []string{ReasonEmptyDir, ReasonNoOwner}},
		{"finished bare pod goes", pod("job", phase(corev1.PodSucceeded)), Options{}, evict, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, reason := classify(tt.pod, tt.opts)
			if got != tt.want {
				t.Errorf("verdict %d, want %d (%s)", got, tt.want, reason)
			}
			for _, r := range tt.reasons {
				if !strings.Contains(reason, r) {
					t.Errorf("reason %q lacks %q", reason, r)
				}
			}
			if tt.reasons == nil && reason != "" {
				t.Errorf("unexpected reason %q", reason)
			}
		})
	}
}

func TestDrainRefusesThenSucceedsWithOptions(t *testing.T) {
	pods := []*corev1.Pod{
		pod("web", owner("ReplicaSet")),
		pod("cache", owner("ReplicaSet"), emptyDir),
		pod("agent", owner("DaemonSet")),
		pod("bare"),
		pod("etcd", mirror),
		pod("done", phase(corev1.PodSucceeded)),
		pod("elsewhere", owner("ReplicaSet"), onNode("n2")),
	}
	env := newEnv(t, pods...)

	st := env.drain(t, Options{})
	if st.State != StateFailed || len(st.Evicted) != 0 {
		t.Fatalf("without options: %+v", st)
	}
	wantRefused := []string{"default/agent", "default/bare", "default/cache"}
	if got := names(st.NotEvicted); !cmp.Equal(got, wantRefused) {
		t.Errorf("refused %v, want %v", got, wantRefused)
	}
	if got := names(st.Skipped); !cmp.Equal(got, []string{"default/etcd"}) {
		t.Errorf("skipped %v", got)
	}
	if n := env.count(t); n != len(pods) {
		t.Errorf("a refused drain deleted pods: %d left of %d", n, len(pods))
	}
	if !env.unschedulable(t) {
		t.Error("node not cordoned")
	}

	st = env.drain(t, Options{IgnoreDaemonSets: true, DeleteEmptyDirData: true, Force: true, GracePeriodSeconds: ptr.To[int64](3)})
	if st.State != StateSucceeded {
		t.Fatalf("with options: %+v", st)
	}
	if got, want := names(st.Evicted), []string{"default/bare", "default/cache", "default/done", "default/web"}; !cmp.Equal(got, want) {
		t.Errorf("evicted %v, want %v", got, want)
	}
	if got := names(st.Skipped); !cmp.Equal(got, []string{"default/agent", "default/etcd"}) {
		t.Errorf("skipped %v", got)
	}
	if len(st.Pending) != 0 || len(st.NotEvicted) != 0 || st.FinishedAt == nil {
		t.Errorf("final status %+v", st)
	}
	if g := env.grace(); g == nil || *g != 3 {
		t.Errorf("grace period sent %v", g)
	}
	if _, err := env.client.CoreV1().Pods("default").Get(t.Context(), "elsewhere", metav1.GetOptions{}); err != nil {
		t.Errorf("pod on another node: %v", err)
	}
}

func TestDrainWaitsForDisruptionBudget(t *testing.T) {
	env := newEnv(t, pod("web-a", owner("ReplicaSet")), pod("web-b", owner("ReplicaSet")))
	env.block("default/web-a", true)
	tr := env.tracker
	if _, err := tr.Start(t.Context(), env.client, "c", "n1", "alice", Options{RetryInterval: 5 * time.Millisecond, Timeout: time.Minute}); err != nil {
		t.Fatal(err)
	}
	NewWithT(t).Eventually(func() error {
		st, _ := tr.Status("c", "n1", nil)
		if len(st.Pending) != 1 || !strings.HasPrefix(st.Pending[0].Reason, ReasonPDBPrefix) || !strings.Contains(st.Pending[0].Reason, "needs 2 healthy pods") {
			return errors.New("web-a not reported as blocked")
		}
		if names(st.Evicted)[0] != "default/web-b" || st.State != StateRunning {
			return errors.New("web-b not evicted")
		}
		return nil
	}).WithTimeout(waitTimeout).WithPolling(waitPolling).Should(Succeed())
	if _, err := tr.Start(t.Context(), env.client, "c", "n1", "alice", Options{}); !errors.As(err, new(*InProgressError)) {
		t.Errorf("second drain: %v", err)
	}
	env.block("default/web-a", false)
	st := wait(t, tr, "c", "n1")
	if st.State != StateSucceeded || len(st.Evicted) != 2 {
		t.Errorf("after the budget allowed it: %+v", st)
	}
}

func TestDrainTimesOut(t *testing.T) {
	env := newEnv(t, pod("web", owner("ReplicaSet")))
	env.block("default/web", true)
	st := env.drain(t, Options{Timeout: 50 * time.Millisecond})
	if st.State != StateFailed || !strings.Contains(st.Message, "timed out") {
		t.Fatalf("status %+v", st)
	}
	if len(st.NotEvicted) != 1 || !strings.HasPrefix(st.NotEvicted[0].Reason, ReasonPDBPrefix) || len(st.Pending) != 0 {
		t.Errorf("not evicted %+v, pending %+v", st.NotEvicted, st.Pending)
	}
}

func TestDrainUnknownNode(t *testing.T) {
	env := newEnv(t)
	_, err := env.tracker.Start(t.Context(), env.client, "c", "nowhere", "alice", Options{})
	if !apierrors.IsNotFound(err) {
		t.Fatalf("err %v", err)
	}
	if _, ok := env.tracker.Status("c", "nowhere", nil); ok {
		t.Error("a drain that never started is remembered")
	}
}

// env is a fake cluster with nodes n1 and n2 whose eviction subresource
// deletes the pod unless a test blocks it, as a PodDisruptionBudget would.
type env struct {
	client  *fake.Clientset
	tracker *Tracker
	mu      sync.Mutex
	blocked map[string]bool
	lastGP  *int64
}

func newEnv(t *testing.T, pods ...*corev1.Pod) *env {
	t.Helper()
	objs := []runtime.Object{
		&corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "n1"}},
		&corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "n2"}},
	}
	for _, p := range pods {
		objs = append(objs, p)
	}
	e := &env{client: fake.NewClientset(objs...), blocked: map[string]bool{},
		tracker: NewTracker(Config{Logger: discard()})}
	podsGVR := schema.GroupVersionResource{Version: "v1", Resource: "pods"}
	e.client.PrependReactor("create", "pods", func(a k8stesting.Action) (bool, runtime.Object, error) {
		if a.GetSubresource() != "eviction" {
			return false, nil, nil
		}
		ev := a.(k8stesting.CreateAction).GetObject().(*policyv1.Eviction)
		k := a.GetNamespace() + "/" + ev.Name
		e.mu.Lock()
		defer e.mu.Unlock()
		if ev.DeleteOptions != nil {
			e.lastGP = ev.DeleteOptions.GracePeriodSeconds
		}
		if e.blocked[k] {
			return true, nil, &apierrors.StatusError{ErrStatus: metav1.Status{
				Status: metav1.StatusFailure, Code: 429, Reason: metav1.StatusReasonTooManyRequests,
				Message: "Cannot evict pod as it would violate the pod's disruption budget.",
				Details: &metav1.StatusDetails{Causes: []metav1.StatusCause{{Type: "DisruptionBudget",
					Message: "The disruption budget web needs 2 healthy pods and has 2 currently"}}},
			}}
		}
		return true, nil, e.client.Tracker().Delete(podsGVR, a.GetNamespace(), ev.Name)
	})
	// The API server answers a JSON patch that does not apply (a failed
	// test operation) with 422; the fake's tracker returns the bare error.
	e.client.PrependReactor("patch", "nodes", func(a k8stesting.Action) (bool, runtime.Object, error) {
		_, obj, err := k8stesting.ObjectReaction(e.client.Tracker())(a)
		var status apierrors.APIStatus
		if err != nil && !errors.As(err, &status) {
			err = apierrors.NewGenericServerResponse(422, "patch", schema.GroupResource{Resource: "nodes"}, a.(k8stesting.PatchAction).GetName(), err.Error(), 0, false)
		}
		return true, obj, err
	})
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		_ = e.tracker.Wait(ctx)
	})
	return e
}

func (e *env) block(pod string, on bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.blocked[pod] = on
}

func (e *env) grace() *int64 {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.lastGP
}

// drain runs a drain of n1 to its end.
func (e *env) drain(t *testing.T, opts Options) Status {
	t.Helper()
	opts.RetryInterval = 5 * time.Millisecond
	if _, err := e.tracker.Start(t.Context(), e.client, "c", "n1", "alice", opts); err != nil {
		t.Fatal(err)
	}
	return wait(t, e.tracker, "c", "n1")
}

func (e *env) count(t *testing.T) int {
	t.Helper()
	l, err := e.client.CoreV1().Pods("").List(t.Context(), metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return len(l.Items)
}

func (e *env) unschedulable(t *testing.T) bool {
	t.Helper()
	n, err := e.client.CoreV1().Nodes().Get(t.Context(), "n1", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return n.Spec.Unschedulable
}

// Bounds of the waits for drains on the fake cluster, which take
// milliseconds.
const (
	waitTimeout = 10 * time.Second
	waitPolling = 5 * time.Millisecond
)

// wait waits until the drain of node that tr runs has ended, its final
// record written.
func wait(t *testing.T, tr *Tracker, cluster, node string) Status {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), waitTimeout)
	defer cancel()
	if err := tr.Wait(ctx); err != nil {
		t.Fatalf("the drain did not end: %v", err)
	}
	st, _ := tr.Status(cluster, node, nil)
	return st
}

func names(ps []Pod) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.Namespace + "/" + p.Name
	}
	return out
}

type podOption func(*corev1.Pod)

func pod(name string, opts ...podOption) *corev1.Pod {
	p := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: name, UID: types.UID("uid-" + name)},
		Spec:       corev1.PodSpec{NodeName: "n1"},
		Status:     corev1.PodStatus{Phase: corev1.PodRunning},
	}
	for _, o := range opts {
		o(p)
	}
	return p
}

func owner(kind string) podOption {
	return func(p *corev1.Pod) {
		p.OwnerReferences = []metav1.OwnerReference{{APIVersion: "apps/v1", Kind: kind, Name: p.Name + "-" + map[string]string{"DaemonSet": "ds", "ReplicaSet": "rs"}[kind], Controller: ptr.To(true)}}
	}
}

func mirror(p *corev1.Pod) { p.Annotations = map[string]string{MirrorPodAnnotation: "x"} }

func emptyDir(p *corev1.Pod) {
	p.Spec.Volumes = append(p.Spec.Volumes, corev1.Volume{Name: "scratch", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}})
}

func phase(ph corev1.PodPhase) podOption { return func(p *corev1.Pod) { p.Status.Phase = ph } }

func onNode(n string) podOption { return func(p *corev1.Pod) { p.Spec.NodeName = n } }
