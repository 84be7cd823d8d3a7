//go:build !unit

package server_test

import (
	"bytes"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"k8s.io/client-go/tools/clientcmd"

	"github.com/wheelhouse-dev/wheelhouse/internal/sandbox"
	"github.com/wheelhouse-dev/wheelhouse/internal/sandbox/sandboxtest"
	"github.com/wheelhouse-dev/wheelhouse/internal/server/servertest"
)

// TestKubectlThroughWheelhouse runs the toolchain's real kubectl with a
// kubeconfig from POST /api/v1/clusters/{cluster}/kubeconfig.
func TestKubectlThroughWheelhouse(t *testing.T) {
	path := sandboxtest.Start(t, 2)
	h := servertest.New(t, servertest.Options{})
	h.ImportCluster("dev", path)

	kubeconfig := postRaw(t, h, "/api/v1/clusters/dev/kubeconfig", h.Admin)
	if !strings.Contains(kubeconfig, h.URL+"/k8s/clusters/dev") {
		t.Fatalf("kubeconfig does not point at the pass-through:\n%s", kubeconfig)
	}
	kcPath := filepath.Join(t.TempDir(), "dev.kubeconfig")
	if err := os.WriteFile(kcPath, []byte(kubeconfig), 0o600); err != nil {
		t.Fatal(err)
	}
	kubectl := filepath.Join(sandbox.DefaultToolsDir(), "bin", "kubectl")
	run := func(args ...string) (string, error) {
		cmd := exec.CommandContext(t.Context(), kubectl, append([]string{"--kubeconfig", kcPath}, args...)...)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		err := cmd.Run()
		return out.String(), err
	}

	out, err := run("get", "nodes", "-o", "name")
	if err != nil || strings.Count(out, "node/") != 2 {
		t.Fatalf("kubectl get nodes: %v\n%s\nkubeconfig:\n%s", err, out, kubeconfig)
	}
	if out, err := run("create", "namespace", "through-wheelhouse"); err != nil {
		t.Fatalf("kubectl create namespace: %v\n%s", err, out)
	}
	if out, err := run("get", "namespace", "through-wheelhouse", "-o", "jsonpath={.status.phase}"); err != nil || out != "Active" {
		t.Fatalf("kubectl get namespace: %v %q", err, out)
	}
	audit := h.Expect(http.StatusOK, http.MethodGet, "/api/v1/audit?action=kubernetes-proxy", h.Admin, nil)
	items := audit["items"].([]any)
	if len(items) != 1 {
		t.Fatalf("audit of proxied writes: %v", items)
	}
	e := items[0].(map[string]any)
	if e["method"] != "POST" || e["target"] != "/k8s/clusters/dev/api/v1/namespaces" || e["username"] != "admin" || e["outcome"] != "success" {
		t.Errorf("audit entry %v", e)
	}

	// A user without rights in the cluster is refused, in kubectl's terms.
	user := h.CreateUser("viewer", "user")
	h.Expect(http.StatusForbidden, http.MethodPost, "/api/v1/clusters/dev/kubeconfig", user, nil)
	cfg, err := clientcmd.Load([]byte(kubeconfig))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(kcPath, []byte(strings.Replace(kubeconfig, cfg.AuthInfos["admin@wheelhouse"].Token, user, 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := run("get", "pods", "-A"); err == nil || !strings.Contains(out, "not allowed to list pods") {
		t.Errorf("a user without rights got through: %v\n%s", err, out)
	}

	for _, tt := range []struct {
		name, path, token string
		header            map[string]string
		status            int
	}{
		{"no token", "/k8s/clusters/dev/api/v1/nodes", "", nil, 401},
		{"bad token", "/k8s/clusters/dev/api/v1/nodes", "whk_nope", nil, 401},
		{"unknown cluster", "/k8s/clusters/nope/api/v1/nodes", h.Admin, nil, 404},
		// The caller's impersonation headers are dropped, not forwarded.
		{"impersonation stripped", "/k8s/clusters/dev/api/v1/nodes", h.Admin, map[string]string{"Impersonate-User": "nobody"}, 200},
	} {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, h.URL+tt.path, nil)
			if tt.token != "" {
				req.Header.Set("Authorization", "Bearer "+tt.token)
			}
			for k, v := range tt.header {
				req.Header.Set(k, v)
			}
			resp, err := h.Client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tt.status {
				t.Errorf("status %d, want %d: %s", resp.StatusCode, tt.status, body)
			}
			if tt.status >= 400 && !strings.Contains(string(body), `"kind":"Status"`) {
				t.Errorf("error is not a Kubernetes Status: %s", body)
			}
		})
	}
}

func postRaw(t *testing.T, h *servertest.Harness, path, token string) string {
	t.Helper()
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, h.URL+path, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := h.Client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("POST %s: %d %s", path, resp.StatusCode, b)
	}
	return string(b)
}
