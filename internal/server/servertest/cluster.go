package servertest

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/onsi/gomega"
	authenticationv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/wheelhouse-dev/wheelhouse/internal/multicluster"
	"github.com/wheelhouse-dev/wheelhouse/internal/projects"
)

// ImportCluster imports the cluster whose kubeconfig file is at path
// through POST /api/v1/clusters (files it refers to are inlined first) and
// waits until it is Ready with its caches filled. It returns the
// connection, for tests that need to act on the cluster directly.
func (h *Harness) ImportCluster(name, path string) *multicluster.Cluster {
	h.t.Helper()
	h.Expect(http.StatusCreated, http.MethodPost, "/api/v1/clusters", h.Admin, map[string]string{"name": name, "kubeconfig": h.Kubeconfig(path)})
	conn, err := h.Clusters.Get(name)
	if err != nil {
		h.t.Fatal(err)
	}
	WaitReady(h.t, conn)
	return conn
}

// ConnectCluster connects the server to the cluster whose kubeconfig file
// is at path as name, without a cluster record (so the cluster endpoints
// do not list it), and waits until it is Ready with its caches filled.
func (h *Harness) ConnectCluster(name, path string) *multicluster.Cluster {
	h.t.Helper()
	raw, _ := FlatKubeconfig(h.t, path)
	rc, err := clientcmd.RESTConfigFromKubeConfig(raw)
	if err != nil {
		h.t.Fatal(err)
	}
	conn, err := h.Clusters.Connect(h.t.Context(), name, rc)
	if err != nil {
		h.t.Fatal(err)
	}
	WaitReady(h.t, conn)
	return conn
}

// Kubeconfig returns the kubeconfig file at path with the files it refers
// to inlined, as an import or a rotation sends it.
func (h *Harness) Kubeconfig(path string) string {
	h.t.Helper()
	raw, _ := FlatKubeconfig(h.t, path)
	return string(raw)
}

// FlatKubeconfig reads the kubeconfig file at path with the files it
// names (certificates, keys) inlined, as Wheelhouse takes it on import;
// it returns it written and parsed.
func FlatKubeconfig(t testing.TB, path string) ([]byte, *clientcmdapi.Config) {
	t.Helper()
	cfg, err := clientcmd.LoadFromFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := clientcmdapi.FlattenConfig(cfg); err != nil {
		t.Fatal(err)
	}
	raw, err := clientcmd.Write(*cfg)
	if err != nil {
		t.Fatal(err)
	}
	return raw, cfg
}

// AddToProject moves namespace of cluster into project (which exists)
// through the API, once the namespace has reached the cluster's cache, and
// waits until the cache holds the namespace's project label: from then on
// authorization by project and the project's namespace list see it.
func (h *Harness) AddToProject(t testing.TB, cluster, project, namespace string) {
	t.Helper()
	conn, err := h.Clusters.Get(cluster)
	if err != nil {
		t.Fatal(err)
	}
	WaitCached(t, conn, "namespaces", "", namespace)
	h.Expect(http.StatusOK, http.MethodPost, "/api/v1/clusters/"+cluster+"/projects/"+project+"/namespaces", h.Admin, map[string]string{"namespace": namespace})
	Eventually(t, func() error {
		o, err := conn.Get("namespaces", "", namespace)
		if err != nil {
			return err
		}
		m, err := meta.Accessor(o)
		if err != nil {
			return err
		}
		if got := m.GetLabels()[projects.ProjectLabel]; got != project {
			return fmt.Errorf("namespace %s: project label %q in the cache, want %q", namespace, got, project)
		}
		return nil
	}).Should(gomega.Succeed())
}

// CreateNamespaces creates the namespaces in the cluster behind conn,
// through its API server.
func CreateNamespaces(t testing.TB, conn *multicluster.Cluster, names ...string) {
	t.Helper()
	for _, name := range names {
		ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}}
		if _, err := conn.Kube.CoreV1().Namespaces().Create(t.Context(), ns, metav1.CreateOptions{}); err != nil {
			t.Fatalf("create namespace %s: %v", name, err)
		}
	}
}

// ServiceAccountToken makes a cluster-admin service account in the cluster
// behind kube and returns a token for it, as a user importing a cluster by
// token would.
func ServiceAccountToken(t testing.TB, kube kubernetes.Interface) string {
	t.Helper()
	ctx := t.Context()
	sa, err := kube.CoreV1().ServiceAccounts("kube-system").Create(ctx, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "wheelhouse"}}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = kube.RbacV1().ClusterRoleBindings().Create(ctx, &rbacv1.ClusterRoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: "wheelhouse"},
		RoleRef:    rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "ClusterRole", Name: "cluster-admin"},
		Subjects:   []rbacv1.Subject{{Kind: "ServiceAccount", Name: sa.Name, Namespace: sa.Namespace}},
	}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	exp := int64(3600)
	tr, err := kube.CoreV1().ServiceAccounts("kube-system").CreateToken(ctx, sa.Name,
		&authenticationv1.TokenRequest{Spec: authenticationv1.TokenRequestSpec{ExpirationSeconds: &exp}}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return tr.Status.Token
}
