package server_test

import (
	"net/http"
	"testing"

	"github.com/wheelhouse-dev/wheelhouse/internal/server/servertest"
	"github.com/wheelhouse-dev/wheelhouse/internal/store"
)

// hostileQuantities held Kubernetes' quantity parser (or a comparison or
// print of what it returned) for minutes at growing memory.
var hostileQuantities = []string{"2E20000000000", "1e-80000000", "e088888880", "1e2147483647"}

// TestHostileQuantities sends each hostile quantity to every endpoint that
// reads a quantity before it reaches a cluster: each is a 422 naming the
// field, answered at once (a test timeout, not an assertion, is what a
// hang would end in). Workload bodies, checked in the cluster's context,
// have their own test (internal/api/workloadresources).
func TestHostileQuantities(t *testing.T) {
	h := servertest.New(t, servertest.Options{})
	if err := h.Store.Clusters().Create(t.Context(), &store.Cluster{Name: "c1", Provider: "import",
		State: store.ClusterProvisioned, Server: "https://192.0.2.1:6443"}); err != nil {
		t.Fatal(err)
	}
	ns := "/api/v1/clusters/c1/namespaces/team"
	var cases []servertest.InvalidCase
	for _, q := range hostileQuantities {
		cpu := map[string]string{"cpu": q}
		container := func(r map[string]any) map[string]any {
			return map[string]any{"name": "w", "containers": []map[string]any{{"name": "c", "image": "busybox", "resources": r}}}
		}
		cases = append(cases,
			servertest.Invalid("quota "+q, http.MethodPost, ns+"/resourcequotas", map[string]any{"name": "q", "hard": cpu}, "body.hard.cpu"),
			servertest.Invalid("quota update "+q, http.MethodPut, ns+"/resourcequotas/q", map[string]any{"hard": cpu}, "body.hard.cpu"),
			servertest.Invalid("limit range "+q, http.MethodPost, ns+"/limitranges",
				map[string]any{"name": "l", "limits": []map[string]any{{"type": "Container", "defaultRequest": cpu}}}, "body.limits[0].defaultRequest.cpu"),
			servertest.Invalid("limit range update "+q, http.MethodPut, ns+"/limitranges/l",
				map[string]any{"limits": []map[string]any{{"type": "Pod"}, {"type": "Container", "maxLimitRequestRatio": cpu}}}, "body.limits[1].maxLimitRequestRatio.cpu"),
			servertest.Invalid("project quota "+q, http.MethodPost, "/api/v1/clusters/c1/projects", map[string]any{"name": "p", "quota": cpu}, "body.quota.cpu"),
			servertest.Invalid("project share "+q, http.MethodPost, "/api/v1/clusters/c1/projects",
				map[string]any{"name": "p", "quota": map[string]string{"cpu": "0"}, "namespaceQuota": cpu}, "body.namespaceQuota.cpu"),
			servertest.Invalid("container limits "+q, http.MethodPost, ns+"/deployments", container(map[string]any{"limits": cpu}), "body.containers[0].resources.limits.cpu"),
			servertest.Invalid("container requests "+q, http.MethodPost, ns+"/jobs", container(map[string]any{"requests": map[string]string{"memory": q}}), "body.containers[0].resources.requests.memory"),
			servertest.Invalid("claim size "+q, http.MethodPost, ns+"/persistentvolumeclaims", map[string]any{"name": "c", "size": q}, "body.size"),
			servertest.Invalid("claim expansion "+q, http.MethodPost, ns+"/persistentvolumeclaims/c/expand", map[string]any{"size": q}, "body.size"),
			servertest.Invalid("volume capacity "+q, http.MethodPost, "/api/v1/clusters/c1/persistentvolumes",
				map[string]any{"name": "v", "capacity": q, "accessModes": []string{"ReadWriteOnce"}, "hostPath": map[string]string{"path": "/data"}}, "body.capacity"),
		)
	}
	h.ExpectInvalid(t, cases)
}
