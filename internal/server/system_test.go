package server_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/danielgtaylor/huma/v2"

	"github.com/wheelhouse-dev/wheelhouse/internal/api/operation"
	"github.com/wheelhouse-dev/wheelhouse/internal/auth"

	"github.com/wheelhouse-dev/wheelhouse/internal/server"
	"github.com/wheelhouse-dev/wheelhouse/internal/server/servertest"
)

func get(t *testing.T, client *http.Client, url string) (int, string, http.Header) {
	t.Helper()
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, url, nil)
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

func TestHealthAndReadiness(t *testing.T) {
	h := servertest.New(t, servertest.Options{})
	if code, _, _ := get(t, h.Client, h.URL+"/healthz"); code != 200 {
		t.Errorf("healthz %d", code)
	}
	if code, _, _ := get(t, h.Client, h.URL+"/readyz"); code != 200 {
		t.Errorf("readyz %d", code)
	}
	h.Store.Close()
	code, body, _ := get(t, h.Client, h.URL+"/readyz")
	if code != 503 || !strings.Contains(body, "database unreachable") {
		t.Errorf("readyz with the database closed: %d %s", code, body)
	}
	if code, _, _ := get(t, h.Client, h.URL+"/healthz"); code != 200 {
		t.Errorf("healthz must not depend on the database: %d", code)
	}
}

func TestOpenAPIDocumentsEveryEndpoint(t *testing.T) {
	h := servertest.New(t, servertest.Options{})
	code, body, _ := get(t, h.Client, h.URL+"/openapi.json")
	if code != 200 {
		t.Fatalf("openapi.json %d", code)
	}
	var doc struct {
		OpenAPI string                    `json:"openapi"`
		Paths   map[string]map[string]any `json:"paths"`
	}
	if err := json.Unmarshal([]byte(body), &doc); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.1") {
		t.Errorf("openapi version %q", doc.OpenAPI)
	}
	for _, want := range []string{
		"get /healthz", "get /readyz", "get /metrics", "get /docs", "get /api/v1/version",
		"post /api/v1/login", "post /api/v1/logout",
		"get /api/v1/users", "post /api/v1/users", "get /api/v1/users/me", "put /api/v1/users/me/password",
		"get /api/v1/users/{username}", "patch /api/v1/users/{username}", "delete /api/v1/users/{username}",
		"get /api/v1/tokens", "post /api/v1/tokens", "delete /api/v1/tokens/{id}",
		"get /api/v1/audit",
		"get /api/v1/clusters", "post /api/v1/clusters", "get /api/v1/clusters/{cluster}", "patch /api/v1/clusters/{cluster}",
		"delete /api/v1/clusters/{cluster}", "post /api/v1/clusters/{cluster}/kubeconfig",
		"get /k8s/clusters/{cluster}/{path}", "post /k8s/clusters/{cluster}/{path}", "delete /k8s/clusters/{cluster}/{path}",
		"get /api/v1/chart-repositories", "post /api/v1/chart-repositories", "put /api/v1/chart-repositories/{repository}",
		"post /api/v1/chart-repositories/{repository}/refresh", "get /api/v1/chart-repositories/{repository}/charts",
		"get /api/v1/clusters/{cluster}/projects/{project}/chart-repositories/{repository}/charts/{chart}/versions",
	} {
		method, path, _ := strings.Cut(want, " ")
		if doc.Paths[path][method] == nil {
			t.Errorf("OpenAPI lacks %s", want)
		}
	}
}

func TestDocsPageWorksOffline(t *testing.T) {
	h := servertest.New(t, servertest.Options{})
	code, body, hdr := get(t, h.Client, h.URL+"/docs")
	if code != 200 || !strings.HasPrefix(hdr.Get("Content-Type"), "text/html") {
		t.Fatalf("docs %d %s", code, hdr.Get("Content-Type"))
	}
	for _, want := range []string{"/api/v1/login", "create-user", "LoginOutput", "bearer token"} {
		if !strings.Contains(body, want) {
			t.Errorf("docs page lacks %q", want)
		}
	}
	// What would load from elsewhere: scripts, style sheets, and any
	// attribute or CSS url() pointing at another host (descriptions may
	// mention URLs as text, as the registry endpoint's does).
	for _, external := range []string{"<script", "<link", "@import", `src="http`, `src='http`, `href="http`, `href='http`, "url(http", `url("http`} {
		if strings.Contains(body, external) {
			t.Errorf("docs page loads something from outside: contains %q", external)
		}
	}
}

func TestMetrics(t *testing.T) {
	h := servertest.New(t, servertest.Options{})
	get(t, h.Client, h.URL+"/api/v1/users/me")
	code, body, _ := get(t, h.Client, h.URL+"/metrics")
	if code != 200 {
		t.Fatalf("metrics %d", code)
	}
	for _, want := range []string{
		`wheelhouse_http_requests_total{code="401",method="GET",route="GET /api/v1/users/me"} 1`,
		"wheelhouse_http_request_duration_seconds_bucket",
		"go_goroutines", "process_resident_memory_bytes",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
}

func TestRequestIDAndBodyLimit(t *testing.T) {
	h := servertest.New(t, servertest.Options{})
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, h.URL+"/healthz", nil)
	req.Header.Set(server.RequestIDHeader, "trace-123")
	resp, err := h.Client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.Header.Get(server.RequestIDHeader) != "trace-123" {
		t.Errorf("request id not echoed: %q", resp.Header.Get(server.RequestIDHeader))
	}
	_, _, hdr := h.Do(http.MethodGet, "/healthz", "", nil)
	if len(hdr.Get(server.RequestIDHeader)) != 24 {
		t.Errorf("generated request id %q", hdr.Get(server.RequestIDHeader))
	}

	big := `{"username":"` + strings.Repeat("a", 70<<10) + `","password":"x"}`
	code, _, _ := h.Do(http.MethodPost, "/api/v1/login", "", big)
	if code != http.StatusRequestEntityTooLarge {
		t.Errorf("oversized body: %d", code)
	}
}

func TestPanicsAndInternalErrorsStayOffTheWire(t *testing.T) {
	h := servertest.New(t, servertest.Options{})
	perm := auth.Permission{Verb: auth.VerbGet, Resource: auth.ResourceSelf}
	huma.Register(h.Srv.API(), operation.New(http.MethodGet, "/test/panic", "test-panic", "", nil, perm),
		func(context.Context, *struct{}) (*struct{}, error) { panic("boom at /var/lib/secret") })
	huma.Register(h.Srv.API(), operation.New(http.MethodGet, "/test/error", "test-error", "", nil, perm),
		func(context.Context, *struct{}) (*struct{}, error) {
			return nil, errors.New("dial tcp 10.0.0.7:5432: password authentication failed")
		})
	for _, path := range []string{"/test/panic", "/test/error"} {
		code, body, hdr := h.Do(http.MethodGet, path, h.Admin, nil)
		if code != 500 {
			t.Errorf("%s: status %d", path, code)
		}
		text := strings.ToLower(stringify(body))
		if strings.Contains(text, "secret") || strings.Contains(text, "10.0.0.7") {
			t.Errorf("%s: internal detail in response: %v", path, body)
		}
		if !strings.Contains(h.Logs.String(), hdr.Get(server.RequestIDHeader)) {
			t.Errorf("%s: the log does not carry the request id", path)
		}
	}
	if !strings.Contains(h.Logs.String(), "password authentication failed") {
		t.Error("the internal error is not in the server log")
	}
}

func stringify(v any) string { b, _ := json.Marshal(v); return string(b) }

func TestEveryOperationDeclaresAPermission(t *testing.T) {
	h := servertest.New(t, servertest.Options{})
	huma.Register(h.Srv.API(), huma.Operation{Method: http.MethodGet, Path: "/test/unguarded", OperationID: "unguarded"},
		func(context.Context, *struct{}) (*struct{}, error) { return nil, nil })
	if err := h.Srv.CheckOperations(); err == nil || !strings.Contains(err.Error(), "/test/unguarded") {
		t.Errorf("an unguarded operation was accepted: %v", err)
	}
}
