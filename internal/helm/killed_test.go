//go:build !unit

package helm

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/wheelhouse-dev/wheelhouse/charts/addons"
)

// envInstallForever makes the test binary, instead of running tests,
// install the Jenkins chart into the cluster of the kubeconfig it names
// with a wait that cannot end, for TestKilledInstall to kill.
const envInstallForever = "WHEELHOUSE_HELM_TEST_INSTALL_FOREVER"

func TestMain(m *testing.M) {
	if kubeconfig := os.Getenv(envInstallForever); kubeconfig != "" {
		if err := installForever(kubeconfig); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func installForever(kubeconfig string) error {
	rc, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		return err
	}
	c, err := NewClient(Config{Cluster: "sandbox", RESTConfig: rc, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		return err
	}
	chart, err := addons.Load("jenkins")
	if err != nil {
		return err
	}
	// A claim no volume matches: the wait lasts until the timeout.
	_, err = c.Install(context.Background(), InstallOptions{
		Namespace: "victim", Name: "ci", Chart: chart, CreateNamespace: true,
		Values: map[string]any{"persistence": map[string]any{"storageClass": "none"}},
		Wait:   true, Timeout: time.Hour,
	})
	return err
}

// TestKilledInstall kills (SIGKILL) a process in the middle of an install,
// which leaves the release pending-install (Helm records nothing after);
// Helm refuses to touch it then; Unlock marks it failed, and the retry, an
// upgrade with the same values, completes it once what the install waited
// for is there.
func TestKilledInstall(t *testing.T) {
	g := NewWithT(t)
	e := newEnv(t, 1)
	ctx := t.Context()

	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), envInstallForever+"="+e.kubeconfig)
	cmd.Stderr = os.Stderr
	g.Expect(cmd.Start()).To(Succeed())
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })

	// It is waiting: its objects are applied and its revision is pending.
	eventually(t, func() (string, error) {
		h, err := e.client.History(ctx, "victim", "ci")
		if err != nil {
			return "", err
		}
		return h[0].Status, nil
	}).Should(Equal("pending-install"))
	g.Expect(cmd.Process.Kill()).To(Succeed())
	g.Expect(cmd.Wait()).NotTo(Succeed(), "killed")

	h, err := e.client.History(ctx, "victim", "ci")
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(h).To(ConsistOf(HaveField("Status", "pending-install")), "stuck, as Rancher's and KubeSphere's users find them")
	chart, err := addons.Load("jenkins")
	g.Expect(err).NotTo(HaveOccurred())
	_, err = e.client.Upgrade(ctx, UpgradeOptions{Namespace: "victim", Name: "ci", Chart: chart})
	g.Expect(err).To(MatchError(ErrPending))

	unlocked, err := e.client.Unlock(ctx)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(unlocked).To(ConsistOf(Unlocked{Namespace: "victim", Name: "ci", Revision: 1, Was: "pending-install"}))

	// What the install waited for comes (a volume for the claim), and the
	// retry, an upgrade with the same values, completes the release.
	_, err = e.kube.CoreV1().PersistentVolumes().Create(ctx, &corev1.PersistentVolume{
		ObjectMeta: metav1.ObjectMeta{Name: "victim-home"},
		Spec: corev1.PersistentVolumeSpec{
			StorageClassName:       "none",
			AccessModes:            []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
			Capacity:               corev1.ResourceList{corev1.ResourceStorage: resource.MustParse("10Gi")},
			PersistentVolumeSource: corev1.PersistentVolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: "/tmp/victim-home"}},
		},
	}, metav1.CreateOptions{})
	g.Expect(err).NotTo(HaveOccurred())
	rel, err := e.client.Upgrade(ctxFor(t, waitTimeout), UpgradeOptions{Namespace: "victim", Name: "ci", Chart: chart, Wait: true, Timeout: 2 * time.Minute})
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(rel.Revision).To(Equal(2))
	g.Expect(rel.Status).To(Equal("deployed"))
	st, err := e.client.Status(ctx, "victim", "ci")
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(st.Ready).To(BeTrue(), "%+v", st.Resources)
}
