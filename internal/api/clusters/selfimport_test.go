package clusters_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/wheelhouse-dev/wheelhouse/internal/provider"
	"github.com/wheelhouse-dev/wheelhouse/internal/server/servertest"
	"github.com/wheelhouse-dev/wheelhouse/internal/store"
)

// TestImportRefusesWheelhouseItself imports Wheelhouse into itself (its
// own address, any name it answers at, its pass-through or another
// Wheelhouse's) and kubeconfigs whose entries are null, by import and by
// rotation: each is a 422 naming the field, and nothing is stored or
// connected. None needs a cluster: each is refused before any is reached.
func TestImportRefusesWheelhouseItself(t *testing.T) {
	h := servertest.New(t, servertest.Options{})
	self, err := url.Parse(h.URL)
	if err != nil {
		t.Fatal(err)
	}
	byName := "https://localhost:" + self.Port()
	kc := func(server string) string {
		raw, err := provider.BuildKubeconfig(server, nil, "t")
		if err != nil {
			t.Fatal(err)
		}
		return string(raw)
	}
	// A cluster imported earlier, whose credentials are rotated below.
	if err := h.Store.Clusters().Create(t.Context(), &store.Cluster{Name: "remote", Provider: "import",
		State: store.ClusterProvisioned, Server: "https://192.0.2.1:6443"}); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name string
		body map[string]any
		text string
	}{
		{"its own address", map[string]any{"kubeconfig": kc(h.URL)}, "is this Wheelhouse server"},
		{"its own address, another path", map[string]any{"kubeconfig": kc(h.URL + "/api")}, "is this Wheelhouse server"},
		{"a name it answers at", map[string]any{"kubeconfig": kc(byName)}, "is this Wheelhouse server"},
		{"by server and token", map[string]any{"server": h.URL, "token": "t"}, "is this Wheelhouse server"},
		{"its pass-through", map[string]any{"kubeconfig": kc(h.URL + "/k8s/clusters/remote")}, "is a Wheelhouse pass-through"},
		{"another Wheelhouse's pass-through", map[string]any{"kubeconfig": kc("https://192.0.2.9/k8s/clusters/prod")}, "is a Wheelhouse pass-through"},
		{"internal form, null context", map[string]any{"kubeconfig": "apiVersion: __internal\nkind: Config\ncurrent-context: x\ncontexts: {x: null}\n"}, "null"},
		{"internal form, null cluster", map[string]any{"kubeconfig": "apiVersion: __internal\nkind: Config\ncurrent-context: x\n" +
			"contexts: {x: {cluster: c, user: u}}\nclusters: {c: null}\nusers: {u: {token: t}}\n"}, "null"},
		{"internal form, null user", map[string]any{"kubeconfig": "apiVersion: __internal\nkind: Config\ncurrent-context: x\n" +
			"contexts: {x: {cluster: c, user: u}}\nclusters: {c: {server: 'https://192.0.2.1'}}\nusers: {u: null}\n"}, "null"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			create := map[string]any{"name": "loop"}
			for k, v := range tc.body {
				create[k] = v
			}
			code, body, _ := h.Do(http.MethodPost, "/api/v1/clusters", h.Admin, create)
			if code != http.StatusUnprocessableEntity || !slices.Contains(servertest.ErrorLocations(body), "body.kubeconfig") ||
				!strings.Contains(jsonText(body), tc.text) {
				t.Errorf("import: %d %v, want 422 naming body.kubeconfig with %q", code, body, tc.text)
			}
			if _, ok := tc.body["kubeconfig"]; !ok {
				return
			}
			code, body, _ = h.Do(http.MethodPatch, "/api/v1/clusters/remote", h.Admin, tc.body)
			if code != http.StatusUnprocessableEntity || !slices.Contains(servertest.ErrorLocations(body), "body.kubeconfig") {
				t.Errorf("rotation: %d %v, want 422 naming body.kubeconfig", code, body)
			}
		})
	}
	if _, err := h.Store.Clusters().GetByName(t.Context(), "loop"); err == nil {
		t.Error("a refused import was stored")
	}
	if c, err := h.Store.Clusters().GetByName(t.Context(), "remote"); err != nil || c.Server != "https://192.0.2.1:6443" {
		t.Errorf("a refused rotation changed the cluster: %+v, %v", c, err)
	}
	if len(h.Clusters.List()) != 0 {
		t.Error("a refused import or rotation connected a cluster")
	}
}
