//go:build !unit

package server_test

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	appsv1 "k8s.io/api/apps/v1"
	authenticationv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/wheelhouse-dev/wheelhouse/internal/multicluster"
	"github.com/wheelhouse-dev/wheelhouse/internal/sandbox/sandboxtest"
	"github.com/wheelhouse-dev/wheelhouse/internal/server/servertest"
)

// Who may do what through the pass-through, written out independently of
// the role tables (a change to them that this policy does not share fails
// the walk). ns1 is in project p1; ns2 is in no project.
var (
	projectRoles = []string{"project-viewer", "project-member", "project-owner"}
	clusterRoles = []string{"cluster-viewer", "cluster-member", "cluster-owner", "admin"}
	allRoles     = append(append([]string{"nobody"}, projectRoles...), clusterRoles...)

	readers        = append(slices.Clone(projectRoles), clusterRoles...)
	writers        = []string{"project-member", "project-owner", "cluster-member", "cluster-owner", "admin"}
	owners         = []string{"project-owner", "cluster-owner", "admin"}
	clusterReaders = clusterRoles
	clusterWriters = []string{"cluster-member", "cluster-owner", "admin"}
	clusterOwners  = []string{"cluster-owner", "admin"}
)

// kubeCall is one request through the pass-through and who Wheelhouse lets
// through. Writes are dry runs, so the walk changes nothing.
type kubeCall struct {
	method, path string
	body         string
	websocket    bool
	allowed      []string
}

const (
	ns1 = "/api/v1/namespaces/ns1"
	ns2 = "/api/v1/namespaces/ns2"
	dry = "?dryRun=All"
)

var kubeCalls = []kubeCall{
	// Each verb on a namespaced resource of the project.
	{method: "GET", path: ns1 + "/pods", allowed: readers},
	{method: "GET", path: ns1 + "/pods?watch=true&timeoutSeconds=1", allowed: readers},
	{method: "GET", path: ns1 + "/pods/web", allowed: readers},
	{method: "POST", path: ns1 + "/configmaps" + dry, body: `{"metadata":{"name":"x"}}`, allowed: writers},
	{method: "PUT", path: ns1 + "/configmaps/cm" + dry, body: `{"metadata":{"name":"cm"}}`, allowed: writers},
	{method: "PATCH", path: "/apis/apps/v1/namespaces/ns1/deployments/web" + dry, body: `{}`, allowed: writers},
	{method: "DELETE", path: ns1 + "/configmaps/cm" + dry, allowed: writers},
	{method: "DELETE", path: ns1 + "/configmaps" + dry, allowed: writers},
	// Subresources.
	{method: "GET", path: ns1 + "/pods/web/log", allowed: readers},
	{method: "POST", path: ns1 + "/pods/web/exec?command=true&stdout=true", allowed: writers},
	{method: "GET", path: ns1 + "/pods/web/exec?command=true&stdout=true", websocket: true, allowed: writers},
	{method: "GET", path: ns1 + "/pods/web/attach?stdout=true", websocket: true, allowed: writers},
	{method: "POST", path: ns1 + "/pods/web/attach?stdout=true", allowed: writers},
	{method: "GET", path: ns1 + "/pods/web/portforward?ports=80", websocket: true, allowed: writers},
	{method: "GET", path: ns1 + "/pods/web/proxy/", allowed: writers},
	{method: "GET", path: ns1 + "/services/web:80/proxy/", allowed: writers},
	{method: "POST", path: ns1 + "/pods/web/eviction" + dry, body: `{"metadata":{"name":"web"}}`, allowed: writers},
	{method: "PUT", path: "/apis/apps/v1/namespaces/ns1/deployments/web/scale" + dry, body: `{"metadata":{"name":"web"},"spec":{"replicas":1}}`, allowed: writers},
	{method: "PATCH", path: "/apis/apps/v1/namespaces/ns1/deployments/web/status" + dry, body: `{}`, allowed: owners},
	{method: "POST", path: ns1 + "/serviceaccounts/default/token" + dry, body: `{"spec":{}}`, allowed: clusterOwners},
	// Secrets: everyone who reads sees them (values only for writers).
	{method: "GET", path: ns1 + "/secrets", allowed: readers},
	{method: "GET", path: ns1 + "/secrets/s", allowed: readers},
	{method: "POST", path: ns1 + "/secrets" + dry, body: `{"metadata":{"name":"x"}}`, allowed: writers},
	// RBAC, quotas, limit ranges.
	{method: "GET", path: "/apis/rbac.authorization.k8s.io/v1/namespaces/ns1/rolebindings", allowed: readers},
	{method: "POST", path: "/apis/rbac.authorization.k8s.io/v1/namespaces/ns1/rolebindings" + dry,
		body:    `{"metadata":{"name":"x"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"view"},"subjects":[{"kind":"Group","name":"g","apiGroup":"rbac.authorization.k8s.io"}]}`,
		allowed: owners},
	{method: "DELETE", path: ns1 + "/resourcequotas/wheelhouse-project-quota" + dry, allowed: clusterOwners},
	{method: "DELETE", path: ns1 + "/resourcequotas" + dry, allowed: clusterOwners},
	{method: "POST", path: ns1 + "/resourcequotas" + dry, body: `{"metadata":{"name":"x"},"spec":{"hard":{"pods":"5"}}}`, allowed: owners},
	{method: "POST", path: ns1 + "/limitranges" + dry, body: `{"metadata":{"name":"x"},"spec":{"limits":[{"type":"Container"}]}}`, allowed: owners},
	// A namespace outside every project.
	{method: "GET", path: ns2 + "/pods", allowed: clusterReaders},
	{method: "POST", path: ns2 + "/configmaps" + dry, body: `{"metadata":{"name":"x"}}`, allowed: clusterWriters},
	{method: "GET", path: ns2 + "/pods/web/exec?command=true&stdout=true", websocket: true, allowed: clusterWriters},
	// Cluster-wide: lists across namespaces, cluster-scoped kinds, the
	// namespaces themselves and their subresources.
	{method: "GET", path: "/api/v1/pods", allowed: clusterReaders},
	{method: "GET", path: "/api/v1/secrets", allowed: clusterReaders},
	{method: "GET", path: "/api/v1/nodes", allowed: clusterReaders},
	{method: "GET", path: "/api/v1/nodes/n/proxy/stats", allowed: clusterOwners},
	{method: "GET", path: "/api/v1/namespaces", allowed: clusterReaders},
	{method: "PATCH", path: ns1 + dry, body: `{}`, allowed: clusterOwners},
	{method: "PATCH", path: ns1 + "/status" + dry, body: `{}`, allowed: clusterOwners},
	{method: "PUT", path: ns1 + "/finalize" + dry, body: `{"metadata":{"name":"ns1"}}`, allowed: clusterOwners},
	{method: "DELETE", path: ns2 + dry, allowed: clusterOwners},
	{method: "POST", path: "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings" + dry,
		body:    `{"metadata":{"name":"x"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"view"},"subjects":[{"kind":"Group","name":"g","apiGroup":"rbac.authorization.k8s.io"}]}`,
		allowed: clusterOwners},
	// Discovery needs any role in the cluster, a project's included.
	{method: "GET", path: "/api", allowed: readers},
	{method: "GET", path: "/apis/apps/v1", allowed: readers},
	{method: "GET", path: "/version", allowed: readers},
}

// passThrough sends one call as token and returns the status and body; a
// WebSocket call sends a real upgrade.
func passThrough(t *testing.T, h *servertest.Harness, cluster string, c kubeCall, token string) (int, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), c.method, h.URL+"/k8s/clusters/"+cluster+c.path, strings.NewReader(c.body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if c.body != "" {
		req.Header.Set("Content-Type", "application/json")
		if c.method == http.MethodPatch {
			req.Header.Set("Content-Type", "application/merge-patch+json")
		}
	}
	if c.websocket {
		key := make([]byte, 16)
		_, _ = rand.Read(key)
		req.Header.Set("Connection", "Upgrade")
		req.Header.Set("Upgrade", "websocket")
		req.Header.Set("Sec-WebSocket-Version", "13")
		req.Header.Set("Sec-WebSocket-Key", base64.StdEncoding.EncodeToString(key))
		req.Header.Set("Sec-WebSocket-Protocol", "v5.channel.k8s.io")
	}
	resp, err := h.Client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", c.method, c.path, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusSwitchingProtocols {
		return resp.StatusCode, ""
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	return resp.StatusCode, string(body)
}

// refusedByWheelhouse tells Wheelhouse's own refusals from the cluster's.
func refusedByWheelhouse(status int, body string) bool {
	return (status == http.StatusForbidden || status == http.StatusUnauthorized) && strings.Contains(body, "not allowed to")
}

// rolesWithTokens gives every role of the walk a user in cluster c1 (and
// project p1) and returns their tokens.
func rolesWithTokens(t *testing.T, h *servertest.Harness) map[string]string {
	t.Helper()
	tokens := map[string]string{"admin": h.Admin}
	for _, role := range allRoles[:len(allRoles)-1] {
		tokens[role] = h.CreateUser(role, "user")
	}
	for user, path := range map[string]string{
		"cluster-owner": "/api/v1/clusters/c1/members/cluster-owner", "cluster-member": "/api/v1/clusters/c1/members/cluster-member",
		"cluster-viewer": "/api/v1/clusters/c1/members/cluster-viewer", "project-owner": "/api/v1/clusters/c1/projects/p1/members/project-owner",
		"project-member": "/api/v1/clusters/c1/projects/p1/members/project-member", "project-viewer": "/api/v1/clusters/c1/projects/p1/members/project-viewer",
	} {
		role := strings.TrimPrefix(strings.TrimPrefix(user, "cluster-"), "project-")
		h.Expect(http.StatusOK, http.MethodPut, path, h.Admin, map[string]string{"role": role})
	}
	return tokens
}

// setUpProject makes ns1 (in project p1, with a pod, a Deployment, a
// Service, a ConfigMap and a Secret) and ns2 (in no project) in cluster c1.
func setUpProject(t *testing.T, h *servertest.Harness, conn *multicluster.Cluster) {
	t.Helper()
	g := NewWithT(t)
	ctx := t.Context()
	kube := conn.Kube
	for _, ns := range []string{"ns1", "ns2"} {
		_, err := kube.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{})
		g.Expect(err).NotTo(HaveOccurred())
	}
	labels := map[string]string{"app": "web"}
	pod := corev1.PodSpec{Containers: []corev1.Container{{Name: "web", Image: "nginx"}}}
	_, err := kube.AppsV1().Deployments("ns1").Create(ctx, &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: "web"},
		Spec: appsv1.DeploymentSpec{Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: labels}, Spec: pod}}}, metav1.CreateOptions{})
	g.Expect(err).NotTo(HaveOccurred())
	for _, ns := range []string{"ns1", "ns2"} {
		_, err = kube.CoreV1().Pods(ns).Create(ctx, &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "web", Labels: labels}, Spec: pod}, metav1.CreateOptions{})
		g.Expect(err).NotTo(HaveOccurred())
	}
	_, err = kube.CoreV1().Services("ns1").Create(ctx, &corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: "web"},
		Spec: corev1.ServiceSpec{Selector: labels, Ports: []corev1.ServicePort{{Port: 80}}}}, metav1.CreateOptions{})
	g.Expect(err).NotTo(HaveOccurred())
	_, err = kube.CoreV1().ConfigMaps("ns1").Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "cm"}}, metav1.CreateOptions{})
	g.Expect(err).NotTo(HaveOccurred())
	_, err = kube.CoreV1().Secrets("ns1").Create(ctx, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "s"},
		StringData: map[string]string{"password": "planted-secret-value"}}, metav1.CreateOptions{})
	g.Expect(err).NotTo(HaveOccurred())

	h.Expect(http.StatusCreated, http.MethodPost, "/api/v1/clusters/c1/projects", h.Admin,
		map[string]any{"name": "p1", "quota": map[string]string{"pods": "20"}, "namespaceQuota": map[string]string{"pods": "10"}})
	g.Eventually(func() int {
		code, _, _ := h.Do(http.MethodPost, "/api/v1/clusters/c1/projects/p1/namespaces", h.Admin, map[string]string{"namespace": "ns1"})
		return code
	}).WithTimeout(time.Minute).Should(Equal(http.StatusOK))
	// The project's RoleBindings reach the namespace.
	g.Eventually(func() error {
		_, err := kube.RbacV1().RoleBindings("ns1").Get(ctx, "wheelhouse:project-members", metav1.GetOptions{})
		return err
	}).WithTimeout(time.Minute).Should(Succeed())
}

// TestPassThroughWithEveryRole walks a table of Kubernetes requests (every
// verb, the subresources, Secrets, RBAC, quotas, namespaces; WebSocket and
// plain; namespaced and cluster-wide) with every role, against a sandbox
// cluster whose credentials may impersonate, and checks what Wheelhouse
// lets through against the policy above; then what the cluster itself says
// to the users Wheelhouse impersonates.
func TestPassThroughWithEveryRole(t *testing.T) {
	g := NewWithT(t)
	h := servertest.New(t, servertest.Options{})
	conn := h.ImportCluster("c1", sandboxtest.Start(t, 1))
	g.Eventually(conn.Access).WithTimeout(time.Minute).Should(HaveField("Impersonate", true))
	setUpProject(t, h, conn)
	tokens := rolesWithTokens(t, h)

	for _, c := range kubeCalls {
		for _, role := range allRoles {
			status, body := passThrough(t, h, "c1", c, tokens[role])
			allowed := slices.Contains(c.allowed, role)
			switch {
			case status == http.StatusUnauthorized:
				t.Errorf("%s %s as %s: 401: %s", c.method, c.path, role, body)
			case allowed && refusedByWheelhouse(status, body):
				t.Errorf("%s %s as %s: refused, want let through: %s", c.method, c.path, role, body)
			case !allowed && !refusedByWheelhouse(status, body):
				t.Errorf("%s %s as %s: %d, want Wheelhouse's 403: %.300s", c.method, c.path, role, status, body)
			}
		}
	}

	// The cluster judges the user Wheelhouse impersonates: a project owner
	// may bind view in its namespace, not cluster-admin (Kubernetes'
	// escalation check), and the request carries its user and groups.
	bind := func(role string) kubeCall {
		return kubeCall{method: "POST", path: "/apis/rbac.authorization.k8s.io/v1/namespaces/ns1/rolebindings" + dry,
			body: `{"metadata":{"name":"x"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"` + role +
				`"},"subjects":[{"kind":"ServiceAccount","name":"default","namespace":"ns1"}]}`}
	}
	status, body := passThrough(t, h, "c1", bind("view"), tokens["project-owner"])
	g.Expect(status).To(Equal(http.StatusCreated), body)
	status, body = passThrough(t, h, "c1", bind("cluster-admin"), tokens["project-owner"])
	g.Expect(status).To(Equal(http.StatusForbidden), body)
	g.Expect(body).To(ContainSubstring(`user \"wheelhouse:project-owner\"`))
	g.Expect(body).To(ContainSubstring("attempting to grant RBAC permissions not currently held"))

	status, body = passThrough(t, h, "c1", kubeCall{method: "POST", path: "/apis/authentication.k8s.io/v1/selfsubjectreviews",
		body: `{"apiVersion":"authentication.k8s.io/v1","kind":"SelfSubjectReview"}`}, tokens["cluster-owner"])
	g.Expect(status).To(Equal(http.StatusCreated), body)
	var review struct {
		Status struct {
			UserInfo struct {
				Username string   `json:"username"`
				Groups   []string `json:"groups"`
			} `json:"userInfo"`
		} `json:"status"`
	}
	g.Expect(json.Unmarshal([]byte(body), &review)).To(Succeed())
	g.Expect(review.Status.UserInfo.Username).To(Equal("wheelhouse:cluster-owner"))
	g.Expect(review.Status.UserInfo.Groups).To(ContainElement("wheelhouse:cluster-owners"))

	// Secret values: only for those who may reveal them, audited; viewers
	// get metadata.
	for role, reveals := range map[string]bool{"project-viewer": false, "cluster-viewer": false, "project-member": true, "cluster-owner": true} {
		for _, path := range []string{ns1 + "/secrets", ns1 + "/secrets/s"} {
			status, body := passThrough(t, h, "c1", kubeCall{method: "GET", path: path}, tokens[role])
			g.Expect(status).To(Equal(http.StatusOK), "%s %s: %s", role, path, body)
			g.Expect(strings.Contains(body, base64.StdEncoding.EncodeToString([]byte("planted-secret-value")))).To(Equal(reveals), "%s %s: %s", role, path, body)
			g.Expect(body).To(ContainSubstring(`"name":"s"`), "%s %s", role, path)
		}
	}
	audit := h.Expect(http.StatusOK, http.MethodGet, "/api/v1/audit?action=reveal-secret&limit=1000", h.Admin, nil)
	revealers := map[string]int{}
	for _, it := range audit["items"].([]any) {
		revealers[it.(map[string]any)["username"].(string)]++
	}
	// Every read of Secret values above and in the walk, by exactly the
	// roles that may change Secrets (the walk read them twice per role in
	// ns1, and once across the cluster for the cluster's roles).
	g.Expect(revealers).To(Equal(map[string]int{"project-member": 2 + 2, "project-owner": 2, "cluster-member": 3, "cluster-owner": 3 + 2, "admin": 3}))
	// kubectl's table of Secrets for a viewer: rows, no objects.
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, h.URL+"/k8s/clusters/c1"+ns1+"/secrets", nil)
	req.Header.Set("Authorization", "Bearer "+tokens["project-viewer"])
	req.Header.Set("Accept", "application/json;as=Table;v=v1;g=meta.k8s.io,application/json")
	resp, err := h.Client.Do(req)
	g.Expect(err).NotTo(HaveOccurred())
	table, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	g.Expect(string(table)).To(ContainSubstring(`"kind":"Table"`))
	g.Expect(string(table)).NotTo(ContainSubstring("planted"))

	// Writes and connections are audited, refusals included.
	audit = h.Expect(http.StatusOK, http.MethodGet, "/api/v1/audit?action=kubernetes-proxy&user=project-viewer&limit=1000", h.Admin, nil)
	g.Expect(audit["items"]).NotTo(BeEmpty())
	var sawExec bool
	for _, it := range audit["items"].([]any) {
		e := it.(map[string]any)
		if strings.HasSuffix(e["target"].(string), "/pods/web/exec") && e["outcome"] == "denied" {
			sawExec = true
		}
	}
	g.Expect(sawExec).To(BeTrue(), "a viewer's refused exec is not in the audit log")
}

// TestPassThroughWithoutImpersonation imports a cluster with credentials
// that may not impersonate (a service account that may do everything but
// impersonate, bind and escalate): the cluster says so, and the pass-through refuses to all
// but the cluster's owners what Wheelhouse cannot bound itself.
func TestPassThroughWithoutImpersonation(t *testing.T) {
	g := NewWithT(t)
	h := servertest.New(t, servertest.Options{})
	admin := h.ImportCluster("setup", sandboxtest.Start(t, 1))
	ctx := t.Context()
	_, err := admin.Kube.CoreV1().ServiceAccounts("default").Create(ctx, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "limited"}}, metav1.CreateOptions{})
	g.Expect(err).NotTo(HaveOccurred())
	// Everything but impersonate, bind and escalate.
	rbac := `[{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRole","metadata":{"name":"limited"},` +
		`"rules":[{"apiGroups":["*"],"resources":["*"],"verbs":["get","list","watch","create","update","patch","delete","deletecollection"]}]},` +
		`{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRoleBinding","metadata":{"name":"limited"},` +
		`"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"limited"},"subjects":[{"kind":"ServiceAccount","name":"limited","namespace":"default"}]}]`
	h.Expect(http.StatusOK, http.MethodPost, "/api/v1/clusters/setup/apply", h.Admin, rbac)
	tr, err := admin.Kube.CoreV1().ServiceAccounts("default").CreateToken(ctx, "limited", &authenticationv1.TokenRequest{}, metav1.CreateOptions{})
	g.Expect(err).NotTo(HaveOccurred())
	body := h.Expect(http.StatusCreated, http.MethodPost, "/api/v1/clusters", h.Admin, map[string]any{
		"name": "c1", "server": admin.Config.Host, "caData": string(admin.Config.CAData), "token": tr.Status.Token})
	g.Expect(body["access"]).To(HaveKeyWithValue("impersonation", "unsupported"))
	g.Expect(body["access"].(map[string]any)["message"]).To(ContainSubstring("impersonate users"))
	conn, err := h.Clusters.Get("c1")
	g.Expect(err).NotTo(HaveOccurred())
	g.Eventually(conn.Available).WithTimeout(time.Minute).Should(Succeed())

	_, err = admin.Kube.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "ns1"}}, metav1.CreateOptions{})
	g.Expect(err).NotTo(HaveOccurred())
	h.Expect(http.StatusCreated, http.MethodPost, "/api/v1/clusters/c1/projects", h.Admin, map[string]any{"name": "p1"})
	g.Eventually(func() int {
		code, _, _ := h.Do(http.MethodPost, "/api/v1/clusters/c1/projects/p1/namespaces", h.Admin, map[string]string{"namespace": "ns1"})
		return code
	}).WithTimeout(time.Minute).Should(Equal(http.StatusOK))
	tokens := rolesWithTokens(t, h)

	unbounded := []kubeCall{
		{method: "POST", path: "/apis/rbac.authorization.k8s.io/v1/namespaces/ns1/rolebindings" + dry,
			body: `{"metadata":{"name":"x"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"view"},"subjects":[{"kind":"Group","name":"g","apiGroup":"rbac.authorization.k8s.io"}]}`},
		{method: "POST", path: ns1 + "/resourcequotas" + dry, body: `{"metadata":{"name":"x"},"spec":{"hard":{"pods":"5"}}}`},
		{method: "POST", path: ns1 + "/limitranges" + dry, body: `{"metadata":{"name":"x"},"spec":{"limits":[{"type":"Container"}]}}`},
	}
	for _, c := range unbounded {
		status, body := passThrough(t, h, "c1", c, tokens["project-owner"])
		g.Expect(refusedByWheelhouse(status, body)).To(BeTrue(), "%s %s as project-owner: %d %s", c.method, c.path, status, body)
		g.Expect(body).To(ContainSubstring("only the cluster's owners"))
		status, body = passThrough(t, h, "c1", c, tokens["cluster-owner"])
		g.Expect(refusedByWheelhouse(status, body)).To(BeFalse(), "%s %s as cluster-owner: %d %s", c.method, c.path, status, body)
	}
	// What Wheelhouse bounds itself still works for the project.
	status, page := passThrough(t, h, "c1", kubeCall{method: "GET", path: ns1 + "/pods"}, tokens["project-viewer"])
	g.Expect(status).To(Equal(http.StatusOK), page)
}
