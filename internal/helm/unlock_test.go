//go:build !unit

package helm

import (
	"errors"
	"io"
	"log/slog"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	"helm.sh/helm/v4/pkg/action"
	rcommon "helm.sh/helm/v4/pkg/release/common"
	release "helm.sh/helm/v4/pkg/release/v1"
	"helm.sh/helm/v4/pkg/storage"
	"helm.sh/helm/v4/pkg/storage/driver"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/wheelhouse-dev/wheelhouse/charts/addons"
	"github.com/wheelhouse-dev/wheelhouse/internal/multicluster"
)

// small are Jenkins values that need no volume.
var small = map[string]any{"persistence": map[string]any{"enabled": false}}

// leavePending writes revision rev of release ns/name in Helm's storage
// with status st, rendered from the built-in Jenkins chart with vals, as a
// process killed in the middle of that operation leaves it. byWheelhouse
// sets the label Wheelhouse writes.
func leavePending(t *testing.T, e *env, ns, name string, rev int, st rcommon.Status, vals map[string]any, byWheelhouse bool) {
	t.Helper()
	g := NewWithT(t)
	ac, err := e.client.actionConfig(ns)
	g.Expect(err).NotTo(HaveOccurred())
	chart, err := addons.Load("jenkins")
	g.Expect(err).NotTo(HaveOccurred())
	in := action.NewInstall(ac)
	in.Namespace, in.ReleaseName, in.DryRunStrategy = ns, name, action.DryRunClient
	r, err := in.RunWithContext(t.Context(), chart, vals)
	g.Expect(err).NotTo(HaveOccurred())
	rendered, err := v1(r)
	g.Expect(err).NotTo(HaveOccurred())

	now := time.Now()
	rel := &release.Release{
		Name: name, Namespace: ns, Version: rev, Chart: chart, Config: vals,
		Manifest: rendered.Manifest, ApplyMethod: "ssa",
		Info: &release.Info{FirstDeployed: now, LastDeployed: now, Status: st, Description: "Preparing"},
	}
	if byWheelhouse {
		rel.Labels = labels(nil)
	}
	store := storage.Init(driver.NewSecrets(e.kube.CoreV1().Secrets(ns)))
	if rev > 1 {
		// The revision the interrupted upgrade or rollback started from.
		prev, err := store.Get(name, rev-1)
		g.Expect(err).NotTo(HaveOccurred())
		p, err := v1(prev)
		g.Expect(err).NotTo(HaveOccurred())
		rel.Info.FirstDeployed = p.Info.FirstDeployed
	}
	g.Expect(store.Create(rel)).To(Succeed())
}

func createNamespace(t *testing.T, e *env, ns string) {
	t.Helper()
	_, err := e.kube.CoreV1().Namespaces().Create(t.Context(), &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
}

// TestUnlock: releases left pending by an interrupted install, upgrade
// (Wheelhouse's, then another client's) are found, marked failed with a
// description saying why, and can then be upgraded or rolled back; the
// Unlocker does it by itself when a cluster connects.
func TestUnlock(t *testing.T) {
	e := newEnv(t, 1)
	ctx := t.Context()
	chart, err := addons.Load("jenkins")
	if err != nil {
		t.Fatal(err)
	}
	const ns = "tools"
	createNamespace(t, e, ns)

	t.Run("pending install: marked failed, then upgraded", func(t *testing.T) {
		g := NewWithT(t)
		leavePending(t, e, ns, "killed", 1, rcommon.StatusPendingInstall, small, true)

		_, err := e.client.Upgrade(ctx, UpgradeOptions{Namespace: ns, Name: "killed", Chart: chart, Values: small})
		g.Expect(errors.Is(err, ErrPending)).To(BeTrue(), "Helm refuses a pending release: %v", err)

		unlocked, err := e.client.Unlock(ctx)
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(unlocked).To(ConsistOf(Unlocked{Namespace: ns, Name: "killed", Revision: 1, Was: "pending-install"}))
		h, err := e.client.History(ctx, ns, "killed")
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(h[0].Status).To(Equal("failed"))
		g.Expect(h[0].Description).To(And(ContainSubstring("install"), ContainSubstring("interrupted"), ContainSubstring("by Wheelhouse")))

		again, err := e.client.Unlock(ctx)
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(again).To(BeEmpty(), "nothing left to unlock")

		rel, err := e.client.Upgrade(ctx, UpgradeOptions{Namespace: ns, Name: "killed", Chart: chart, Values: small})
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(rel.Revision).To(Equal(2))
		g.Expect(rel.Status).To(Equal("deployed"))
		eventually(t, func() error {
			_, err := e.kube.AppsV1().StatefulSets(ns).Get(ctx, "killed-jenkins", metav1.GetOptions{})
			return err
		}).Should(Succeed())
	})

	t.Run("pending upgrade: marked failed, then rolled back", func(t *testing.T) {
		g := NewWithT(t)
		_, err := e.client.Install(ctx, InstallOptions{Namespace: ns, Name: "web", Chart: chart, Values: small})
		g.Expect(err).NotTo(HaveOccurred())
		leavePending(t, e, ns, "web", 2, rcommon.StatusPendingUpgrade,
			map[string]any{"persistence": map[string]any{"enabled": false}, "service": map[string]any{"type": "NodePort"}}, true)

		_, err = e.client.Rollback(ctx, RollbackOptions{Namespace: ns, Name: "web", Revision: 1})
		g.Expect(errors.Is(err, ErrPending)).To(BeTrue(), "%v", err)

		unlocked, err := e.client.Unlock(ctx)
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(unlocked).To(ConsistOf(Unlocked{Namespace: ns, Name: "web", Revision: 2, Was: "pending-upgrade"}))

		rel, err := e.client.Rollback(ctx, RollbackOptions{Namespace: ns, Name: "web", Revision: 1})
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(rel.Revision).To(Equal(3))
		g.Expect(rel.Status).To(Equal("deployed"))
		h, err := e.client.History(ctx, ns, "web")
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect([]string{h[0].Status, h[1].Status, h[2].Status}).To(Equal([]string{"deployed", "failed", "superseded"}))
	})

	t.Run("another client's pending release waits out the grace period", func(t *testing.T) {
		g := NewWithT(t)
		leavePending(t, e, ns, "cli", 1, rcommon.StatusPendingInstall, small, false)

		unlocked, err := e.client.Unlock(ctx)
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(unlocked).To(BeEmpty(), "the helm CLI may still be installing it")

		impatient := e.newClient(t, Config{UnlockGrace: time.Millisecond})
		unlocked, err = impatient.Unlock(ctx)
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(unlocked).To(ConsistOf(Unlocked{Namespace: ns, Name: "cli", Revision: 1, Was: "pending-install"}))
		h, err := e.client.History(ctx, ns, "cli")
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(h[0].Description).To(ContainSubstring("by another client"))
	})

	t.Run("a release with an operation of this process is left alone", func(t *testing.T) {
		g := NewWithT(t)
		leavePending(t, e, ns, "busy", 1, rcommon.StatusPendingInstall, small, true)
		done, err := e.client.begin(ns, "busy", "install")
		g.Expect(err).NotTo(HaveOccurred())
		_, err = e.client.begin(ns, "busy", "upgrade")
		g.Expect(errors.Is(err, ErrBusy)).To(BeTrue(), "%v", err)
		unlocked, err := e.client.Unlock(ctx)
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(unlocked).To(BeEmpty())
		done()
		unlocked, err = e.client.Unlock(ctx)
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(unlocked).To(ConsistOf(HaveField("Name", "busy")))
	})

	t.Run("the Unlocker unlocks when the cluster connects", func(t *testing.T) {
		g := NewWithT(t)
		leavePending(t, e, ns, "restart", 1, rcommon.StatusPendingInstall, small, true)
		quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
		m := multicluster.NewManager(multicluster.Options{Logger: quiet, UsageInterval: -1})
		t.Cleanup(m.Close)
		u := NewUnlocker(UnlockerConfig{Logger: quiet})
		m.Register(u)
		_, err := m.Connect(ctx, "sandbox", e.rc)
		g.Expect(err).NotTo(HaveOccurred())
		eventually(t, func() (string, error) {
			h, err := e.client.History(ctx, ns, "restart")
			if err != nil {
				return "", err
			}
			return h[0].Status, nil
		}).Should(Equal("failed"))
		g.Expect(u.Client("sandbox")).NotTo(BeNil())
		m.Disconnect("sandbox")
		eventually(t, func() *Client { return u.Client("sandbox") }).Should(BeNil())
	})
}
