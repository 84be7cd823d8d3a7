//go:build !unit

package workloadresources_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/onsi/gomega"

	"github.com/wheelhouse-dev/wheelhouse/internal/server/servertest"
)

const web = `{"apiVersion":"apps.wheelhouse.dev/v1alpha1","kind":"Workload","metadata":{"name":"web"},
"spec":{"type":"Deployment","replicas":2,"template":{"spec":{"containers":[{"name":"web","image":"nginx:1.27","ports":[{"name":"http","containerPort":80}]}]}},
"service":{"type":"ClusterIP","ports":[{"name":"http","port":80,"targetPort":"http"}]}}}`

// raw sends a JSON body as is and decodes the JSON answer.
func raw(t *testing.T, h *servertest.Harness, method, path, body string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequestWithContext(t.Context(), method, h.URL+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+h.Admin)
	req.Header.Set("Content-Type", "application/json")
	resp, err := h.Client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var out map[string]any
	_ = json.NewDecoder(bytes.NewReader(b)).Decode(&out)
	return resp.StatusCode, out
}

func TestWorkloadResources(t *testing.T) {
	h, _ := servertest.WithSandbox(t, servertest.Options{}, "c1", 2)
	base := "/api/v1/clusters/c1/namespaces/default/workloads"

	h.Expect(http.StatusConflict, http.MethodGet, base, h.Admin, nil) // not enabled yet
	if got := h.Expect(http.StatusOK, http.MethodGet, "/api/v1/clusters/c1/features/workloads", h.Admin, nil); got["enabled"] != false {
		t.Errorf("feature before enabling: %v", got)
	}
	h.Expect(http.StatusOK, http.MethodPost, "/api/v1/clusters/c1/features/workloads", h.Admin, nil)
	h.Expect(http.StatusOK, http.MethodPost, "/api/v1/clusters/c1/features/workloads", h.Admin, nil) // idempotent
	h.Expect(http.StatusNotFound, http.MethodPost, "/api/v1/clusters/nope/features/workloads", h.Admin, nil)

	code, created := raw(t, h, http.MethodPost, base, web)
	if code != http.StatusCreated {
		t.Fatalf("create: %d %v", code, created)
	}
	code, _ = raw(t, h, http.MethodPost, base, web)
	if code != http.StatusConflict {
		t.Errorf("create twice: %d", code)
	}

	// The controller in the server brings it to Running on kwok's nodes.
	got := servertest.WaitFor(t, h, base+"/web", func(got map[string]any) error {
		if st, _ := got["status"].(map[string]any); st == nil || st["phase"] != "Running" {
			return fmt.Errorf("workload not Running: %v", got["status"])
		}
		return nil
	})
	list := h.Expect(http.StatusOK, http.MethodGet, base+"?labelSelector=", h.Admin, nil)
	if n := len(list["items"].([]any)); n != 1 {
		t.Errorf("list: %d", n)
	}

	// Update with the current resourceVersion; a stale one gives 409.
	meta := got["metadata"].(map[string]any)
	spec := got["spec"].(map[string]any)
	spec["replicas"] = 3
	body, _ := json.Marshal(map[string]any{"metadata": map[string]any{"resourceVersion": meta["resourceVersion"]}, "spec": spec})
	if code, out := raw(t, h, http.MethodPut, base+"/web", string(body)); code != http.StatusOK {
		t.Fatalf("update: %d %v", code, out)
	}
	if code, _ := raw(t, h, http.MethodPut, base+"/web", string(body)); code != http.StatusConflict {
		t.Errorf("stale update: %d, want 409", code)
	}

	// The CRD's CEL rules reject a schedule on a Deployment, naming the field.
	bad := strings.Replace(web, `"type":"Deployment"`, `"type":"Deployment","schedule":"* * * * *"`, 1)
	bad = strings.Replace(bad, `"name":"web"}`, `"name":"bad"}`, 1)
	code, out := raw(t, h, http.MethodPost, base, bad)
	if code != http.StatusUnprocessableEntity || !strings.Contains(stringify(out), "schedule") {
		t.Errorf("invalid workload: %d %v", code, out)
	}
	code, _ = raw(t, h, http.MethodPost, base, `{"metadata":{"name":"x","namespace":"other"},"spec":{}}`)
	if code != http.StatusUnprocessableEntity {
		t.Errorf("namespace mismatch: %d", code)
	}
	// Quantities that would hold Kubernetes' parser are refused before the
	// body is decoded, naming the field, quoted or bare.
	for _, q := range []string{`"2E20000000000"`, `"1e-80000000"`, `"e088888880"`, `1e2147483647`} {
		body := `{"metadata":{"name":"q"},"spec":{"type":"Deployment","template":{"spec":{"containers":[` +
			`{"name":"c","image":"busybox","resources":{"limits":{"cpu":` + q + `}}}]}}}}`
		code, out := raw(t, h, http.MethodPost, base, body)
		if code != http.StatusUnprocessableEntity || !slices.Contains(servertest.ErrorLocations(out), "body.spec.template.spec.containers[0].resources.limits.cpu") {
			t.Errorf("quantity %s: %d %v, want 422 naming the limit", q, code, out)
		}
	}
	code, _ = raw(t, h, http.MethodPost, base, `not json`)
	if code != http.StatusBadRequest {
		t.Errorf("not json: %d", code)
	}

	h.Expect(http.StatusAccepted, http.MethodDelete, base+"/web", h.Admin, nil)
	servertest.Eventually(t, func() int {
		code, _, _ := h.Do(http.MethodGet, base+"/web", h.Admin, nil)
		return code
	}).Should(gomega.Equal(http.StatusNotFound), "the workload was not deleted")
}

func stringify(v any) string { b, _ := json.Marshal(v); return string(b) }
