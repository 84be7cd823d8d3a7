package server_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/wheelhouse-dev/wheelhouse/internal/server/servertest"
)

// raw sends body as is with Content-Type application/json and returns the
// status and the response text.
func raw(t *testing.T, h *servertest.Harness, method, path, token, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, h.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := h.Client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	text, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(text)
}

// TestValidationNeverEchoesSecrets sends secret fields that fail
// validation, each holding a marker: the problem names the field but the
// marker appears nowhere in it.
func TestValidationNeverEchoesSecrets(t *testing.T) {
	h := servertest.New(t, servertest.Options{})
	alice := h.CreateUser("alice", "user")
	const marker = "Mk7x"
	secrets := "/api/v1/clusters/c1/namespaces/ns1/secrets"
	tests := []struct {
		name, method, path, token, body string
		status                          int
		loc                             string
	}{
		{"short password of a new user", http.MethodPost, "/api/v1/users", h.Admin,
			`{"username":"bob","password":"` + marker + `","role":"user"}`, 422, "body.password"},
		{"short password of a user update", http.MethodPatch, "/api/v1/users/alice", h.Admin,
			`{"password":"` + marker + `"}`, 422, "body.password"},
		{"short new password", http.MethodPut, "/api/v1/users/me/password", alice,
			`{"currentPassword":"alice-password","newPassword":"` + marker + `"}`, 422, "body.newPassword"},
		{"current password of the wrong type", http.MethodPut, "/api/v1/users/me/password", alice,
			`{"currentPassword":["` + marker + `"],"newPassword":"long-enough-1"}`, 422, "body.currentPassword"},
		{"login body that is not JSON", http.MethodPost, "/api/v1/login", "",
			`{"username":"alice","password":"` + marker + `",`, 400, "body"},
		{"kubeconfig of the wrong type", http.MethodPost, "/api/v1/clusters", h.Admin,
			`{"name":"x","kubeconfig":{"token":"` + marker + `"}}`, 422, "body.kubeconfig"},
		{"token of the wrong type", http.MethodPost, "/api/v1/clusters", h.Admin,
			`{"name":"x","server":"https://192.0.2.1","token":{"t":"` + marker + `"}}`, 422, "body.token"},
		{"Secret value of the wrong type", http.MethodPost, secrets, h.Admin,
			`{"name":"s","stringData":{"k":["` + marker + `"]}}`, 422, "body.stringData.k"},
		{"Secret data that is not base64", http.MethodPost, secrets, h.Admin,
			`{"name":"s","data":{"k":"` + marker + `!!"}}`, 422, "body.data.k"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, text := raw(t, h, tc.method, tc.path, tc.token, tc.body)
			if code != tc.status || !strings.Contains(text, `"location":"`+tc.loc) {
				t.Errorf("%d %s, want %d naming %s", code, text, tc.status, tc.loc)
			}
			if strings.Contains(text, marker) {
				t.Errorf("the response echoes the secret: %s", text)
			}
		})
	}
}

// TestDuplicateKeysRefused sends JSON bodies with a key given twice, at
// the top and nested: each is a 422 naming the key, and nothing is done.
func TestDuplicateKeysRefused(t *testing.T) {
	h := servertest.New(t, servertest.Options{})
	alice := h.CreateUser("alice", "user")
	tests := []struct {
		name, method, path, token, body, loc string
	}{
		{"role given twice", http.MethodPost, "/api/v1/users", h.Admin,
			`{"username":"bob","password":"password1","role":"user","role":"admin"}`, "body.role"},
		{"update", http.MethodPatch, "/api/v1/users/alice", h.Admin, `{"role":"user","disabled":false,"role":"admin"}`, "body.role"},
		{"nested", http.MethodPost, "/api/v1/clusters", h.Admin,
			`{"name":"x","labels":{"env":"dev","tier":"a","env":"prod"},"server":"https://192.0.2.1","token":"t"}`, "body.labels.env"},
		{"in an array", http.MethodPost, "/api/v1/clusters/c1/namespaces/ns1/limitranges", h.Admin,
			`{"name":"l","limits":[{"type":"Container"},{"type":"Container","max":{"cpu":"1","cpu":"2"}}]}`, "body.limits[1].max.cpu"},
		{"self service", http.MethodPut, "/api/v1/users/me/password", alice,
			`{"currentPassword":"alice-password","newPassword":"password-2","newPassword":"password-3"}`, "body.newPassword"},
		{"login", http.MethodPost, "/api/v1/login", "", `{"username":"alice","username":"admin","password":"x"}`, "body.username"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, text := raw(t, h, tc.method, tc.path, tc.token, tc.body)
			if code != http.StatusUnprocessableEntity || !strings.Contains(text, `"location":"`+tc.loc+`"`) {
				t.Errorf("%d %s, want 422 naming %s", code, text, tc.loc)
			}
		})
	}
	users := h.Expect(200, http.MethodGet, "/api/v1/users", h.Admin, nil)
	for _, it := range users["items"].([]any) {
		u := it.(map[string]any)
		if u["username"] == "bob" || (u["username"] == "alice" && u["role"] != "user") {
			t.Errorf("a refused body was acted on: %v", u)
		}
	}
	h.Login("alice", "alice-password")
	// Same keys in different objects, and a body that is not JSON, are
	// not this check's business.
	h.Expect(201, http.MethodPost, "/api/v1/users", h.Admin, map[string]any{"username": "carol", "password": "password1", "role": "user"})
	code, text := raw(t, h, http.MethodPost, "/api/v1/users", h.Admin, `{"username":"dave",`)
	if code != http.StatusBadRequest || !strings.Contains(text, "unexpected") {
		t.Errorf("not JSON: %d %s", code, text)
	}
}
