//go:build !unit

package clusters_test

import (
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/onsi/gomega"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/wheelhouse-dev/wheelhouse/internal/provider"
	"github.com/wheelhouse-dev/wheelhouse/internal/sandbox/sandboxtest"
	"github.com/wheelhouse-dev/wheelhouse/internal/server/servertest"
)

// flatKubeconfig is servertest.FlatKubeconfig with the kubeconfig as a
// string, as the import request carries it.
func flatKubeconfig(t *testing.T, path string) (string, *clientcmdapi.Config) {
	t.Helper()
	raw, cfg := servertest.FlatKubeconfig(t, path)
	return string(raw), cfg
}

func TestImportCluster(t *testing.T) {
	path := sandboxtest.Start(t, 2)
	kubeconfig, cfg := flatKubeconfig(t, path)
	h := servertest.New(t, servertest.Options{})

	body := h.Expect(http.StatusCreated, http.MethodPost, "/api/v1/clusters", h.Admin,
		map[string]any{"name": "prod", "displayName": "Production", "labels": map[string]string{"env": "prod"}, "kubeconfig": kubeconfig})
	if body["credentials"] != "set" || body["provider"] != "import" || strings.Contains(jsonText(body), "client-key-data") {
		t.Errorf("create response: %v", body)
	}

	var got map[string]any
	servertest.Eventually(t, func() bool {
		got = h.Expect(http.StatusOK, http.MethodGet, "/api/v1/clusters/prod", h.Admin, nil)
		return got["phase"] == "Ready" && got["resources"] != nil
	}).Should(gomega.BeTrue())
	res := got["resources"].(map[string]any)
	if res["nodes"].(float64) != 2 || res["readyNodes"].(float64) != 2 || got["kubernetesVersion"] == "" {
		t.Errorf("cluster view: %v", got)
	}

	// The stored kubeconfig is sealed: its key material is not in the database.
	ctx := cfg.Contexts[cfg.CurrentContext]
	keyData := cfg.AuthInfos[ctx.AuthInfo].ClientKeyData
	var rows [][]byte
	if err := h.Store.DB().Raw("SELECT ciphertext FROM credentials").Scan(&rows).Error; err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if strings.Contains(string(r), string(keyData[30:60])) || strings.Contains(string(r), "apiVersion") {
			t.Error("the kubeconfig is stored in clear")
		}
	}

	list := h.Expect(http.StatusOK, http.MethodGet, "/api/v1/clusters", h.Admin, nil)
	if n := len(list["items"].([]any)); n != 1 {
		t.Errorf("list: %d", n)
	}

	upd := h.Expect(http.StatusOK, http.MethodPatch, "/api/v1/clusters/prod", h.Admin, map[string]any{"labels": map[string]string{"env": "staging"}})
	if upd["labels"].(map[string]any)["env"] != "staging" {
		t.Errorf("patch: %v", upd)
	}
	// A rotation that fails to check keeps the old credentials working.
	h.Expect(http.StatusUnprocessableEntity, http.MethodPatch, "/api/v1/clusters/prod", h.Admin, map[string]any{"kubeconfig": "garbage: ["})
	h.Expect(http.StatusOK, http.MethodPatch, "/api/v1/clusters/prod", h.Admin, map[string]any{"kubeconfig": kubeconfig})

	h.Expect(http.StatusConflict, http.MethodPost, "/api/v1/clusters", h.Admin, map[string]any{"name": "prod", "kubeconfig": kubeconfig})

	user := h.CreateUser("alice", "user")
	h.Expect(http.StatusForbidden, http.MethodGet, "/api/v1/clusters", user, nil)
	h.Expect(http.StatusForbidden, http.MethodPost, "/api/v1/clusters", user, map[string]any{"name": "x", "kubeconfig": kubeconfig})

	// Disconnecting changes nothing in the cluster and forgets it here.
	h.Expect(http.StatusNoContent, http.MethodDelete, "/api/v1/clusters/prod", h.Admin, nil)
	h.Expect(http.StatusNotFound, http.MethodGet, "/api/v1/clusters/prod", h.Admin, nil)
	if _, err := h.Clusters.Get("prod"); err == nil {
		t.Error("still connected after delete")
	}
	var n int64
	h.Store.DB().Raw("SELECT COUNT(*) FROM credentials").Scan(&n)
	if n != 0 {
		t.Errorf("%d credentials left after delete", n)
	}
	if _, err := kubeClient(t, path).CoreV1().Nodes().List(t.Context(), metav1.ListOptions{}); err != nil {
		t.Errorf("the cluster itself was harmed: %v", err)
	}
}

func TestImportRefusals(t *testing.T) {
	path := sandboxtest.Start(t, 1)
	kubeconfig, cfg := flatKubeconfig(t, path)
	h := servertest.New(t, servertest.Options{})
	cluster := cfg.Clusters[cfg.Contexts[cfg.CurrentContext].Cluster]

	wrongCA, _ := os.ReadFile("../../provider/testdata/unrelated-ca.pem")
	tests := []struct {
		name     string
		body     map[string]any
		status   int
		location string
		text     string
	}{
		{"bad name", map[string]any{"name": "Not_A_Label", "kubeconfig": kubeconfig}, 422, "body.name", "DNS label"},
		{"no credentials", map[string]any{"name": "x"}, 422, "body.kubeconfig", "needs a kubeconfig"},
		{"both", map[string]any{"name": "x", "kubeconfig": kubeconfig, "server": cluster.Server}, 422, "body.kubeconfig", "not both"},
		{"exec plugin", map[string]any{"name": "x", "kubeconfig": withExec(t, cfg)}, 422, "body.kubeconfig", "exec plugins run programs"},
		{"untrusted CA", map[string]any{"name": "x", "server": cluster.Server, "caData": string(wrongCA), "token": "t"}, 422, "body.kubeconfig", "not trusted"},
		{"rejected token", map[string]any{"name": "x", "server": cluster.Server, "caData": string(cluster.CertificateAuthorityData), "token": "wrong"}, 422, "body.kubeconfig", "rejected the credentials"},
		{"unreachable", map[string]any{"name": "x", "server": "https://127.0.0.1:1", "caData": string(cluster.CertificateAuthorityData), "token": "t"}, 422, "body.kubeconfig", "cannot reach"},
		{"sandbox with kubeconfig", map[string]any{"name": "x", "provider": "sandbox", "kubeconfig": kubeconfig}, 422, "body.kubeconfig", "makes its own credentials"},
		{"unknown provider", map[string]any{"name": "x", "provider": "gke"}, 422, "body.provider", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, body, _ := h.Do(http.MethodPost, "/api/v1/clusters", h.Admin, tt.body)
			if code != tt.status || !slices.Contains(servertest.ErrorLocations(body), tt.location) || !strings.Contains(jsonText(body), tt.text) {
				t.Errorf("status %d body %v; want %d naming %s with %q", code, body, tt.status, tt.location, tt.text)
			}
		})
	}
	list := h.Expect(http.StatusOK, http.MethodGet, "/api/v1/clusters", h.Admin, nil)
	if n := len(list["items"].([]any)); n != 0 {
		t.Errorf("a refused import stored %d clusters", n)
	}
}

func TestImportByServerAndToken(t *testing.T) {
	path := sandboxtest.Start(t, 1)
	_, cfg := flatKubeconfig(t, path)
	cluster := cfg.Clusters[cfg.Contexts[cfg.CurrentContext].Cluster]
	token := servertest.ServiceAccountToken(t, kubeClient(t, path))
	h := servertest.New(t, servertest.Options{})
	h.Expect(http.StatusCreated, http.MethodPost, "/api/v1/clusters", h.Admin, map[string]any{
		"name": "by-token", "server": cluster.Server, "caData": string(cluster.CertificateAuthorityData), "token": token})
	var got map[string]any
	servertest.Eventually(t, func() bool {
		got = h.Expect(http.StatusOK, http.MethodGet, "/api/v1/clusters/by-token", h.Admin, nil)
		return got["phase"] == "Ready"
	}).Should(gomega.BeTrue())
	// The token never comes back: not in responses, the audit log or the logs.
	audit := h.Expect(http.StatusOK, http.MethodGet, "/api/v1/audit", h.Admin, nil)
	list := h.Expect(http.StatusOK, http.MethodGet, "/api/v1/clusters", h.Admin, nil)
	for where, text := range map[string]string{
		"get": jsonText(got), "list": jsonText(list), "audit": jsonText(audit), "logs": h.Logs.String(),
	} {
		if strings.Contains(text, token) || strings.Contains(text, token[len(token)-20:]) {
			t.Errorf("the imported token appears in the %s", where)
		}
	}
}

func TestSandboxProvider(t *testing.T) {
	sb, _ := sandboxtest.NewManager(t)
	h := servertest.New(t, servertest.Options{Providers: []provider.Provider{&provider.Sandbox{Manager: sb}}})
	h.Expect(http.StatusUnprocessableEntity, http.MethodPost, "/api/v1/clusters", h.Admin, map[string]any{"name": "big", "provider": "sandbox", "nodes": 5001})
	code, body, hdr := h.Do(http.MethodPost, "/api/v1/clusters", h.Admin, map[string]any{"name": "made", "provider": "sandbox", "nodes": 2})
	if code != http.StatusAccepted || body["phase"] != "Provisioning" || hdr.Get("Location") != "/api/v1/clusters/made" {
		t.Fatalf("create: %d %v %v", code, body, hdr)
	}
	t.Cleanup(func() { _ = sb.Down(t.Context(), "made") })
	var got map[string]any
	servertest.Eventually(t, func() bool {
		got = h.Expect(http.StatusOK, http.MethodGet, "/api/v1/clusters/made", h.Admin, nil)
		if got["phase"] == "Failed" {
			t.Fatalf("provisioning failed: %v", got)
		}
		return got["phase"] == "Ready" && got["resources"] != nil && got["resources"].(map[string]any)["readyNodes"].(float64) == 2
	}).Should(gomega.BeTrue())
	if got["credentials"] != "set" {
		t.Errorf("credentials missing: %v", got)
	}
	// Its history, as events: created, provisioned step by step, connected.
	want := []string{"Created", "Provisioning", "Provisioned", "Ready"}
	servertest.Eventually(t, func() bool {
		var reasons []string
		for _, e := range h.Expect(http.StatusOK, http.MethodGet, "/api/v1/clusters/made", h.Admin, nil)["events"].([]any) {
			if r := e.(map[string]any)["reason"].(string); !slices.Contains(reasons, r) {
				reasons = append(reasons, r)
			}
		}
		return slices.Equal(reasons, want)
	}).Should(gomega.BeTrue())
	for _, c := range h.Expect(http.StatusOK, http.MethodGet, "/api/v1/clusters", h.Admin, nil)["items"].([]any) {
		if c.(map[string]any)["events"] != nil {
			t.Errorf("events in the list: %v", c)
		}
	}

	h.Expect(http.StatusAccepted, http.MethodDelete, "/api/v1/clusters/made?deprovision=true", h.Admin, nil)
	servertest.Eventually(t, func() bool {
		code, _, _ := h.Do(http.MethodGet, "/api/v1/clusters/made", h.Admin, nil)
		return code == http.StatusNotFound
	}).Should(gomega.BeTrue())
	if st, err := sb.Status(t.Context(), "made"); err != nil || st.Exists {
		t.Errorf("sandbox still exists after deprovision: %+v %v", st, err)
	}
}

// withExec returns cfg with its user replaced by an exec plugin.
func withExec(t *testing.T, cfg *clientcmdapi.Config) string {
	t.Helper()
	c := cfg.DeepCopy()
	user := c.Contexts[c.CurrentContext].AuthInfo
	c.AuthInfos[user] = &clientcmdapi.AuthInfo{Exec: &clientcmdapi.ExecConfig{APIVersion: "client.authentication.k8s.io/v1", Command: "sh", Args: []string{"-c", "id"}}}
	raw, err := clientcmd.Write(*c)
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}

func kubeClient(t *testing.T, path string) kubernetes.Interface {
	t.Helper()
	rc, err := clientcmd.BuildConfigFromFlags("", path)
	if err != nil {
		t.Fatal(err)
	}
	return kubernetes.NewForConfigOrDie(rc)
}
