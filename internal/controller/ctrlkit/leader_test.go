//go:build !unit

package ctrlkit_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	coordinationv1 "k8s.io/api/coordination/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/utils/ptr"

	"github.com/wheelhouse-dev/wheelhouse/internal/controller/ctrlkit"
	"github.com/wheelhouse-dev/wheelhouse/internal/sandbox/sandboxtest"
)

// leaderOnly is a runnable that runs only on the Lease's holder.
type leaderOnly struct{ running atomic.Bool }

func (l *leaderOnly) NeedLeaderElection() bool { return true }

func (l *leaderOnly) Start(ctx context.Context) error {
	l.running.Store(true)
	<-ctx.Done()
	l.running.Store(false)
	return nil
}

// TestLeaderElectionIdentity: while a Lease is held by an identity that
// has not renewed it (a server killed a moment ago), a manager of another
// identity waits, and one of the holder's identity (the same server,
// restarted) leads at once; when the leader stops, it releases the Lease
// and the other takes over.
func TestLeaderElectionIdentity(t *testing.T) {
	g := NewWithT(t)
	cfg, err := clientcmd.BuildConfigFromFlags("", sandboxtest.Start(t, 0))
	g.Expect(err).NotTo(HaveOccurred())
	kube, err := kubernetes.NewForConfig(cfg)
	g.Expect(err).NotTo(HaveOccurred())
	const ns, name = "kube-system", "test-leader"
	now := metav1.NewMicroTime(time.Now())
	_, err = kube.CoordinationV1().Leases(ns).Create(t.Context(), &coordinationv1.Lease{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
		Spec: coordinationv1.LeaseSpec{HolderIdentity: ptr.To("here"), LeaseDurationSeconds: ptr.To[int32](60),
			AcquireTime: &now, RenewTime: &now},
	}, metav1.CreateOptions{})
	g.Expect(err).NotTo(HaveOccurred())

	start := func(identity string) (*leaderOnly, context.CancelFunc) {
		mgr, err := ctrlkit.NewManager(cfg, ctrlkit.Options{Cluster: identity, LeaderElection: true,
			LeaderElectionNamespace: ns, LeaderElectionID: name, LeaderElectionIdentity: identity})
		g.Expect(err).NotTo(HaveOccurred())
		r := &leaderOnly{}
		g.Expect(mgr.Add(r)).To(Succeed())
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- mgr.Start(ctx) }()
		stop := func() {
			cancel()
			if err := <-done; err != nil && !errors.Is(err, context.Canceled) {
				t.Errorf("manager %s: %v", identity, err)
			}
		}
		t.Cleanup(func() {
			if ctx.Err() == nil {
				stop()
			}
		})
		return r, stop
	}
	elsewhere, _ := start("elsewhere")
	g.Consistently(elsewhere.running.Load).WithTimeout(3*time.Second).WithPolling(100*time.Millisecond).Should(BeFalse(),
		"another identity led while the Lease was held")
	here, stopHere := start("here")
	g.Eventually(here.running.Load).WithTimeout(10*time.Second).WithPolling(100*time.Millisecond).Should(BeTrue(),
		"the holder's identity did not lead again at once")
	g.Expect(elsewhere.running.Load()).To(BeFalse())

	stopHere()
	g.Eventually(elsewhere.running.Load).WithTimeout(20*time.Second).WithPolling(100*time.Millisecond).Should(BeTrue(),
		"the other did not take over the released Lease")
	lease, err := kube.CoordinationV1().Leases(ns).Get(t.Context(), name, metav1.GetOptions{})
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(ptr.Deref(lease.Spec.HolderIdentity, "")).To(Equal("elsewhere"))
}
