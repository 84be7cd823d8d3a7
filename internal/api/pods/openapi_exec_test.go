package pods_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/wheelhouse-dev/wheelhouse/internal/api/operation"
	"github.com/wheelhouse-dev/wheelhouse/internal/api/pods"
	"github.com/wheelhouse-dev/wheelhouse/internal/server/servertest"
)

func TestExecOpenAPI(t *testing.T) {
	h := servertest.New(t, servertest.Options{})
	resp, err := h.Client.Get(h.URL + "/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var doc struct {
		Paths map[string]map[string]struct {
			OperationID string                    `json:"operationId"`
			Description string                    `json:"description"`
			Parameters  []map[string]any          `json:"parameters"`
			Responses   map[string]map[string]any `json:"responses"`
		} `json:"paths"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil {
		t.Fatal(err)
	}
	op, ok := doc.Paths["/api/v1/clusters/{cluster}/namespaces/{namespace}/pods/{name}/exec"]["get"]
	if !ok || op.OperationID != "exec-pod" {
		t.Fatalf("OpenAPI lacks the exec operation: %+v", op)
	}
	for _, want := range []string{pods.ExecProtocol, operation.WebSocketBearerProtocolPrefix, `"type":"resize"`, `"type":"exit"`, "1011", "audited"} {
		if !strings.Contains(op.Description, want) {
			t.Errorf("exec description lacks %q", want)
		}
	}
	var params []string
	for _, p := range op.Parameters {
		params = append(params, p["name"].(string))
	}
	if got := strings.Join(params, ","); got != "cluster,namespace,name,container,command,tty" {
		t.Errorf("parameters %s", got)
	}
	for _, code := range []string{"101", "400", "401", "403", "404", "426"} {
		if op.Responses[code] == nil {
			t.Errorf("exec responses lack %s: %v", code, op.Responses)
		}
	}
	if _, ok := op.Responses["200"]; ok {
		t.Error("exec documents a 200 response")
	}
}
