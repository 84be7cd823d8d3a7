package clusters_test

import (
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	"k8s.io/client-go/tools/clientcmd"

	"github.com/wheelhouse-dev/wheelhouse/internal/server/servertest"
	"github.com/wheelhouse-dev/wheelhouse/internal/store"
)

// TestKubeconfigToken checks that each kubeconfig carries an API token of
// its own, never the caller's session: named after the cluster, listed,
// revocable alone, audited, and not cached.
func TestKubeconfigToken(t *testing.T) {
	h := servertest.New(t, servertest.Options{})
	if err := h.Store.Clusters().Create(t.Context(), &store.Cluster{Name: "remote", Provider: "import",
		State: store.ClusterProvisioned, Server: "https://192.0.2.1:6443"}); err != nil {
		t.Fatal(err)
	}
	kubeconfig := func() (token, location string) {
		t.Helper()
		req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, h.URL+"/api/v1/clusters/remote/kubeconfig", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+h.Admin)
		resp, err := h.Client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		raw, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusCreated || resp.Header.Get("Cache-Control") != "no-store" {
			t.Fatalf("kubeconfig: %d, Cache-Control %q: %s", resp.StatusCode, resp.Header.Get("Cache-Control"), raw)
		}
		cfg, err := clientcmd.Load(raw)
		if err != nil {
			t.Fatal(err)
		}
		if cfg.Clusters["remote"].Server != h.URL+"/k8s/clusters/remote" {
			t.Errorf("server %q", cfg.Clusters["remote"].Server)
		}
		return cfg.AuthInfos["admin@wheelhouse"].Token, resp.Header.Get("Location")
	}
	first, firstLoc := kubeconfig()
	second, _ := kubeconfig()
	if first == h.Admin || second == h.Admin || first == second || !strings.HasPrefix(firstLoc, "/api/v1/tokens/") {
		t.Fatalf("kubeconfig tokens %q and %q (session %q), location %q: want two tokens of their own", first, second, h.Admin, firstLoc)
	}

	list := h.Expect(http.StatusOK, http.MethodGet, "/api/v1/tokens", h.Admin, nil)
	var names []string
	for _, it := range list["items"].([]any) {
		tok := it.(map[string]any)
		if tok["kind"] == "api" && strings.HasPrefix(tok["name"].(string), "kubeconfig for remote, ") {
			names = append(names, tok["name"].(string))
		}
	}
	if len(names) != 2 {
		t.Errorf("token list shows %d kubeconfig tokens, want 2: %v", len(names), list)
	}

	// Revoking one kubeconfig leaves the session and the other working.
	h.Expect(http.StatusNoContent, http.MethodDelete, firstLoc, h.Admin, nil)
	h.Expect(http.StatusUnauthorized, http.MethodGet, "/api/v1/users/me", first, nil)
	h.Expect(http.StatusOK, http.MethodGet, "/api/v1/users/me", second, nil)
	h.Expect(http.StatusOK, http.MethodGet, "/api/v1/users/me", h.Admin, nil)

	audit := h.Expect(http.StatusOK, http.MethodGet, "/api/v1/audit?action=create-cluster-kubeconfig", h.Admin, nil)
	if n := len(audit["items"].([]any)); n != 2 {
		t.Errorf("%d audit entries for kubeconfigs, want 2", n)
	}

	body := h.Expect(http.StatusUnprocessableEntity, http.MethodPost, "/api/v1/clusters/remote/kubeconfig?expiresIn=soon", h.Admin, nil)
	if !slices.Contains(servertest.ErrorLocations(body), "query.expiresIn") {
		t.Errorf("bad expiresIn: %v", body)
	}
	h.Expect(http.StatusNotFound, http.MethodPost, "/api/v1/clusters/nope/kubeconfig", h.Admin, nil)
}
