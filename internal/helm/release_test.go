//go:build !unit

package helm

import (
	"errors"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/wheelhouse-dev/wheelhouse/charts/addons"
)

// TestJenkinsRelease drives the built-in Jenkins chart through a whole
// life in a sandbox cluster: install (waiting with kstatus until kwok runs
// its pod), a planned upgrade whose diff shows the change, the upgrade,
// a rollback that restores the value, the refusals, and an uninstall that
// leaves nothing.
func TestJenkinsRelease(t *testing.T) {
	g := NewWithT(t)
	e := newEnv(t, 1)
	ctx := t.Context()
	const ns, name = "ci", "jenkins"

	// A volume for JENKINS_HOME: the sandbox has no provisioner, so the
	// claim binds to this one (by its storage class) as it would to a
	// provisioned one.
	_, err := e.kube.CoreV1().PersistentVolumes().Create(ctx, &corev1.PersistentVolume{
		ObjectMeta: metav1.ObjectMeta{Name: "jenkins-home"},
		Spec: corev1.PersistentVolumeSpec{
			StorageClassName:       "manual",
			AccessModes:            []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
			Capacity:               corev1.ResourceList{corev1.ResourceStorage: resource.MustParse("10Gi")},
			PersistentVolumeSource: corev1.PersistentVolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: "/tmp/jenkins-home"}},
		},
	}, metav1.CreateOptions{})
	g.Expect(err).NotTo(HaveOccurred())

	chart, err := addons.Load("jenkins")
	g.Expect(err).NotTo(HaveOccurred())
	values := map[string]any{
		"persistence": map[string]any{"storageClass": "manual"},
		"ports":       map[string]any{"http": 8080}, // the default: not kept
	}

	t.Run("values that break the schema are refused before anything is written", func(t *testing.T) {
		g := NewWithT(t)
		_, err := e.client.Install(ctx, InstallOptions{Namespace: ns, Name: name, Chart: chart, CreateNamespace: true,
			Values: map[string]any{"service": map[string]any{"type": "LoadBalancer"}, "ports": map[string]any{"agent": 0}}})
		g.Expect(errors.Is(err, ErrInvalidValues)).To(BeTrue(), "%v", err)
		var iv *InvalidValuesError
		g.Expect(errors.As(err, &iv)).To(BeTrue())
		g.Expect(strings.Join(iv.Problems, "\n")).To(And(ContainSubstring("/service/type"), ContainSubstring("/ports/agent")))
		_, err = e.client.History(ctx, ns, name)
		g.Expect(errors.Is(err, ErrNotFound)).To(BeTrue(), "no revision written: %v", err)
	})

	t.Run("install waits until kwok runs the controller", func(t *testing.T) {
		g := NewWithT(t)
		rel, err := e.client.Install(ctxFor(t, waitTimeout), InstallOptions{
			Namespace: ns, Name: name, Chart: chart, Values: values,
			CreateNamespace: true, Wait: true, Timeout: 2 * time.Minute,
		})
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(rel.Revision).To(Equal(1))
		g.Expect(rel.Status).To(Equal("deployed"))
		g.Expect(rel.ManagedByWheelhouse).To(BeTrue())
		g.Expect(rel.Values).To(Equal(map[string]any{"persistence": map[string]any{"storageClass": "manual"}}),
			"only the user's overrides are kept")

		for _, get := range []func() error{
			func() error {
				_, err := e.kube.AppsV1().StatefulSets(ns).Get(ctx, "jenkins", metav1.GetOptions{})
				return err
			},
			func() error {
				_, err := e.kube.CoreV1().Services(ns).Get(ctx, "jenkins", metav1.GetOptions{})
				return err
			},
			func() error {
				_, err := e.kube.CoreV1().ConfigMaps(ns).Get(ctx, "jenkins", metav1.GetOptions{})
				return err
			},
			func() error {
				_, err := e.kube.CoreV1().Secrets(ns).Get(ctx, "jenkins", metav1.GetOptions{})
				return err
			},
			func() error {
				pvc, err := e.kube.CoreV1().PersistentVolumeClaims(ns).Get(ctx, "jenkins", metav1.GetOptions{})
				if err == nil && pvc.Status.Phase != corev1.ClaimBound {
					return errors.New("claim not bound")
				}
				return err
			},
		} {
			g.Expect(get()).To(Succeed())
		}
		pod, err := e.kube.CoreV1().Pods(ns).Get(ctx, "jenkins-0", metav1.GetOptions{})
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(pod.Status.Phase).To(Equal(corev1.PodRunning))

		// Helm's own storage: the helm CLI finds the release here.
		secrets, err := e.kube.CoreV1().Secrets(ns).List(ctx, metav1.ListOptions{LabelSelector: "owner=helm,name=jenkins"})
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(secrets.Items).To(HaveLen(1))
		g.Expect(secrets.Items[0].Name).To(Equal("sh.helm.release.v1.jenkins.v1"))
		g.Expect(string(secrets.Items[0].Type)).To(Equal("helm.sh/release.v1"))

		st, err := e.client.Status(ctx, ns, name)
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(st.Ready).To(BeTrue(), "%+v", st.Resources)
		g.Expect(st.Resources).To(ContainElement(And(HaveField("Kind", "StatefulSet"), HaveField("Status", "Current"))))

		list, err := e.client.List(ctx, "")
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(list).To(ConsistOf(HaveField("Name", name)))
	})

	t.Run("a taken name is refused", func(t *testing.T) {
		g := NewWithT(t)
		_, err := e.client.Install(ctx, InstallOptions{Namespace: ns, Name: name, Chart: chart, Values: values})
		g.Expect(errors.Is(err, ErrExists)).To(BeTrue(), "%v", err)
	})

	t.Run("a failed install leaves nothing behind unless asked to keep it", func(t *testing.T) {
		g := NewWithT(t)
		// A claim no volume matches: the controller never starts, the wait
		// times out.
		broken := map[string]any{"persistence": map[string]any{"storageClass": "none"}}
		_, err := e.client.Install(ctxFor(t, waitTimeout), InstallOptions{Namespace: "broken", Name: "ci", Chart: chart,
			Values: broken, CreateNamespace: true, Wait: true, Timeout: 3 * time.Second})
		g.Expect(err).To(MatchError(ContainSubstring("was removed")))
		_, err = e.client.History(ctx, "broken", "ci")
		g.Expect(errors.Is(err, ErrNotFound)).To(BeTrue(), "no revision kept: %v", err)
		eventually(t, func() error {
			_, err := e.kube.AppsV1().StatefulSets("broken").Get(ctx, "ci-jenkins", metav1.GetOptions{})
			if !apierrors.IsNotFound(err) {
				return errors.New("StatefulSet still there")
			}
			_, err = e.kube.CoreV1().PersistentVolumeClaims("broken").Get(ctx, "ci-jenkins", metav1.GetOptions{})
			if !apierrors.IsNotFound(err) {
				return errors.New("claim still there")
			}
			return nil
		}).Should(Succeed())

		_, err = e.client.Install(ctxFor(t, waitTimeout), InstallOptions{Namespace: "broken", Name: "ci", Chart: chart,
			Values: broken, Wait: true, Timeout: 3 * time.Second, KeepFailed: true})
		g.Expect(err).To(HaveOccurred())
		g.Expect(err.Error()).NotTo(ContainSubstring("was removed"))
		h, err := e.client.History(ctx, "broken", "ci")
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(h).To(ConsistOf(HaveField("Status", "failed")))
		_, err = e.kube.AppsV1().StatefulSets("broken").Get(ctx, "ci-jenkins", metav1.GetOptions{})
		g.Expect(err).NotTo(HaveOccurred(), "kept for debugging")
		st, err := e.client.Status(ctx, "broken", "ci")
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(st.Ready).To(BeFalse())
		g.Expect(st.Resources).To(ContainElement(And(HaveField("Kind", "PersistentVolumeClaim"), HaveField("Status", "InProgress"))))
		g.Expect(e.client.Uninstall(ctx, UninstallOptions{Namespace: "broken", Name: "ci", KeepHistory: true})).To(Succeed())
		h, err = e.client.History(ctx, "broken", "ci")
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(h).To(ConsistOf(HaveField("Status", "uninstalled")))

		// The name of a release uninstalled with its history is free again.
		rel, err := e.client.Install(ctx, InstallOptions{Namespace: "broken", Name: "ci", Chart: chart, Values: small})
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(rel.Revision).To(Equal(2))
		g.Expect(e.client.Uninstall(ctx, UninstallOptions{Namespace: "broken", Name: "ci"})).To(Succeed())
		_, err = e.client.History(ctx, "broken", "ci")
		g.Expect(errors.Is(err, ErrNotFound)).To(BeTrue(), "%v", err)
	})

	upgraded := map[string]any{
		"persistence": map[string]any{"storageClass": "manual"},
		"service":     map[string]any{"type": "NodePort"},
	}

	t.Run("the upgrade's diff shows the change before anything changes", func(t *testing.T) {
		g := NewWithT(t)
		plan, err := e.client.PlanUpgrade(ctx, UpgradeOptions{Namespace: ns, Name: name, Chart: chart, Values: upgraded})
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(plan.Current.Revision).To(Equal(1))
		g.Expect(plan.Next.Revision).To(Equal(2))
		g.Expect(plan.Diff).To(ContainElement(And(
			HaveField("Kind", "Service"), HaveField("Name", "jenkins"), HaveField("Change", "changed"),
			HaveField("Diff", And(ContainSubstring("-  type: ClusterIP"), ContainSubstring("+  type: NodePort")))),
		))
		for _, d := range plan.Diff {
			g.Expect(d.Kind).NotTo(Equal("Secret"), "the admin password is kept across upgrades (lookup): %s", d.Diff)
		}
		h, err := e.client.History(ctx, ns, name)
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(h).To(HaveLen(1), "a dry run writes no revision")
		g.Expect(serviceType(t, e, ns)).To(Equal(corev1.ServiceTypeClusterIP))
	})

	t.Run("upgrade changes the value", func(t *testing.T) {
		g := NewWithT(t)
		_, err := e.client.Upgrade(ctx, UpgradeOptions{Namespace: ns, Name: name, Chart: chart,
			Values: map[string]any{"service": map[string]any{"type": "Ingress"}}})
		g.Expect(errors.Is(err, ErrInvalidValues)).To(BeTrue(), "%v", err)
		g.Expect(err.Error()).To(ContainSubstring("/service/type"))

		rel, err := e.client.Upgrade(ctxFor(t, waitTimeout), UpgradeOptions{Namespace: ns, Name: name, Chart: chart, Values: upgraded, Wait: true, Timeout: 2 * time.Minute})
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(rel.Revision).To(Equal(2))
		g.Expect(rel.Status).To(Equal("deployed"))
		g.Expect(serviceType(t, e, ns)).To(Equal(corev1.ServiceTypeNodePort))
	})

	t.Run("rollback restores the value", func(t *testing.T) {
		g := NewWithT(t)
		_, err := e.client.Rollback(ctx, RollbackOptions{Namespace: ns, Name: name, Revision: 9})
		g.Expect(errors.Is(err, ErrNotFound)).To(BeTrue(), "%v", err)

		rel, err := e.client.Rollback(ctx, RollbackOptions{Namespace: ns, Name: name, Revision: 1, Wait: true, Timeout: 2 * time.Minute})
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(rel.Revision).To(Equal(3))
		g.Expect(rel.Status).To(Equal("deployed"))
		g.Expect(serviceType(t, e, ns)).To(Equal(corev1.ServiceTypeClusterIP))

		h, err := e.client.History(ctx, ns, name)
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(h).To(HaveLen(3))
		g.Expect([]string{h[0].Status, h[1].Status, h[2].Status}).To(Equal([]string{"deployed", "superseded", "superseded"}))
	})

	t.Run("an upgrade without values keeps the release's overrides", func(t *testing.T) {
		g := NewWithT(t)
		plan, err := e.client.PlanUpgrade(ctx, UpgradeOptions{Namespace: ns, Name: name, Chart: chart})
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(plan.Diff).To(BeEmpty(), "same chart, same overrides")
		rel, err := e.client.Upgrade(ctx, UpgradeOptions{Namespace: ns, Name: name, Chart: chart})
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(rel.Revision).To(Equal(4))
		g.Expect(rel.Values).To(Equal(map[string]any{"persistence": map[string]any{"storageClass": "manual"}}))
	})

	t.Run("uninstall removes everything", func(t *testing.T) {
		g := NewWithT(t)
		g.Expect(e.client.Uninstall(ctxFor(t, waitTimeout), UninstallOptions{Namespace: ns, Name: name, Wait: true, Timeout: 2 * time.Minute})).To(Succeed())
		gone := func(get func() error) func() error {
			return func() error {
				if err := get(); !apierrors.IsNotFound(err) {
					return errors.New("still there")
				}
				return nil
			}
		}
		for _, get := range []func() error{
			func() error {
				_, err := e.kube.AppsV1().StatefulSets(ns).Get(ctx, "jenkins", metav1.GetOptions{})
				return err
			},
			func() error {
				_, err := e.kube.CoreV1().Services(ns).Get(ctx, "jenkins", metav1.GetOptions{})
				return err
			},
			func() error {
				_, err := e.kube.CoreV1().ConfigMaps(ns).Get(ctx, "jenkins", metav1.GetOptions{})
				return err
			},
			func() error {
				_, err := e.kube.CoreV1().Secrets(ns).Get(ctx, "jenkins", metav1.GetOptions{})
				return err
			},
			func() error {
				_, err := e.kube.CoreV1().PersistentVolumeClaims(ns).Get(ctx, "jenkins", metav1.GetOptions{})
				return err
			},
			func() error {
				_, err := e.kube.CoreV1().Pods(ns).Get(ctx, "jenkins-0", metav1.GetOptions{})
				return err
			},
		} {
			eventually(t, gone(get)).Should(Succeed())
		}
		secrets, err := e.kube.CoreV1().Secrets(ns).List(ctx, metav1.ListOptions{LabelSelector: "owner=helm"})
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(secrets.Items).To(BeEmpty(), "no history kept")
		_, err = e.client.Status(ctx, ns, name)
		g.Expect(errors.Is(err, ErrNotFound)).To(BeTrue(), "%v", err)
	})
}

func serviceType(t *testing.T, e *env, ns string) corev1.ServiceType {
	t.Helper()
	return corev1.ServiceType(serviceTypeOf(t, e, ns, "jenkins"))
}

func serviceTypeOf(t *testing.T, e *env, ns, name string) string {
	t.Helper()
	svc, err := e.kube.CoreV1().Services(ns).Get(t.Context(), name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return string(svc.Spec.Type)
}

// TestIngressNginxRelease installs the built-in ingress controller and
// waits until kwok runs it; uninstall removes its cluster-wide objects too.
func TestIngressNginxRelease(t *testing.T) {
	g := NewWithT(t)
	e := newEnv(t, 1)
	ctx := t.Context()
	chart, err := addons.Load("ingress-nginx")
	g.Expect(err).NotTo(HaveOccurred())

	_, err = e.client.Install(ctx, InstallOptions{Namespace: "ingress", Name: "edge", Chart: chart, CreateNamespace: true,
		Values: map[string]any{"service": map[string]any{"type": "NodePort", "httpNodePort": 80}}})
	g.Expect(err).To(MatchError(ContainSubstring("/service/httpNodePort")))

	rel, err := e.client.Install(ctxFor(t, waitTimeout), InstallOptions{Namespace: "ingress", Name: "edge", Chart: chart, CreateNamespace: true,
		Values: map[string]any{"service": map[string]any{"type": "NodePort", "httpNodePort": 30080}, "ingressClass": map[string]any{"default": true}},
		Wait:   true, Timeout: 2 * time.Minute})
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(rel.Status).To(Equal("deployed"))
	st, err := e.client.Status(ctx, "ingress", "edge")
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(st.Ready).To(BeTrue(), "%+v", st.Resources)
	class, err := e.kube.NetworkingV1().IngressClasses().Get(ctx, "nginx", metav1.GetOptions{})
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(class.Annotations).To(HaveKeyWithValue("ingressclass.kubernetes.io/is-default-class", "true"))

	g.Expect(e.client.Uninstall(ctx, UninstallOptions{Namespace: "ingress", Name: "edge", Wait: true, Timeout: 2 * time.Minute})).To(Succeed())
	_, err = e.kube.NetworkingV1().IngressClasses().Get(ctx, "nginx", metav1.GetOptions{})
	g.Expect(apierrors.IsNotFound(err)).To(BeTrue(), "%v", err)
	_, err = e.kube.RbacV1().ClusterRoles().Get(ctx, "edge-ingress-nginx-ingress", metav1.GetOptions{})
	g.Expect(apierrors.IsNotFound(err)).To(BeTrue(), "%v", err)
}
