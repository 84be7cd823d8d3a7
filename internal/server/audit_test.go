package server_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/wheelhouse-dev/wheelhouse/internal/server/servertest"
)

func TestAuditRecordsMutationsWithoutSecrets(t *testing.T) {
	h := servertest.New(t, servertest.Options{})
	const secretPassword = "very-secret-password-42"
	h.Expect(201, http.MethodPost, "/api/v1/users", h.Admin, map[string]string{"username": "dave", "password": secretPassword, "role": "user"})
	h.Expect(401, http.MethodPost, "/api/v1/login", "", map[string]string{"username": "dave", "password": "wrong-" + secretPassword})
	dave := h.Login("dave", secretPassword)
	h.Expect(403, http.MethodPost, "/api/v1/users", dave, map[string]string{"username": "eve", "password": secretPassword, "role": "admin"})
	h.Expect(422, http.MethodPost, "/api/v1/users", h.Admin, map[string]string{"username": "Bad", "password": secretPassword, "role": "user"})
	tok := h.Expect(201, http.MethodPost, "/api/v1/tokens", dave, map[string]string{"name": "ci"})["token"].(string)
	h.Expect(200, http.MethodGet, "/api/v1/users/me", dave, nil) // reads are not audited

	body := h.Expect(200, http.MethodGet, "/api/v1/audit?limit=100", h.Admin, nil)
	type row struct{ user, action, outcome string }
	var got []row
	for _, it := range body["items"].([]any) {
		m := it.(map[string]any)
		got = append(got, row{m["username"].(string), m["action"].(string), m["outcome"].(string)})
		if m["requestId"] == "" || m["sourceAddr"] != "127.0.0.1" || m["time"] == nil {
			t.Errorf("entry lacks request id, address or time: %v", m)
		}
	}
	want := []row{ // newest first
		{"dave", "create-token", "success"},
		{"admin", "create-user", "failure"},
		{"dave", "create-user", "denied"},
		{"dave", "login", "success"},
		{"dave", "login", "denied"},
		{"admin", "create-user", "success"},
		{"admin", "login", "success"},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("audit log\n got %v\nwant %v", got, want)
	}

	// Nothing secret anywhere: not in the API response, the raw table or the logs.
	var raw []string
	rows, err := h.Store.DB().Raw("SELECT request_id, username, action, method, target, outcome, source_addr, reason FROM audit_entries").Rows()
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var cols [8]string
		if err := rows.Scan(&cols[0], &cols[1], &cols[2], &cols[3], &cols[4], &cols[5], &cols[6], &cols[7]); err != nil {
			t.Fatal(err)
		}
		raw = append(raw, strings.Join(cols[:], "|"))
	}
	rows.Close()
	all := strings.Join(raw, "\n") + fmt.Sprint(body) + h.Logs.String()
	for _, secret := range []string{secretPassword, tok, dave, h.Admin, servertest.AdminPassword} {
		if strings.Contains(all, secret) {
			t.Errorf("a secret reached the audit log or server logs: %q", secret[:8])
		}
	}
}

func TestAuditFilters(t *testing.T) {
	h := servertest.New(t, servertest.Options{})
	h.CreateUser("alice", "user")
	h.Expect(401, http.MethodPost, "/api/v1/login", "", map[string]string{"username": "alice", "password": "wrong"})
	tests := []struct {
		query string
		want  int
	}{
		{"user=alice", 2},
		{"action=login", 3},
		{"outcome=denied", 1},
		{"target=/api/v1/users", 1},
		{"user=alice&outcome=success", 1},
		{"since=2000-01-01T00:00:00Z", 4},
		{"until=2000-01-01T00:00:00Z", 0},
	}
	for _, tt := range tests {
		body := h.Expect(200, http.MethodGet, "/api/v1/audit?"+tt.query, h.Admin, nil)
		if n := len(body["items"].([]any)); n != tt.want {
			t.Errorf("%s: %d entries, want %d: %v", tt.query, n, tt.want, body["items"])
		}
	}
	h.Expect(422, http.MethodGet, "/api/v1/audit?outcome=maybe", h.Admin, nil)
	h.Expect(422, http.MethodGet, "/api/v1/audit?since=yesterday", h.Admin, nil)

	first := h.Expect(200, http.MethodGet, "/api/v1/audit?limit=3", h.Admin, nil)
	second := h.Expect(200, http.MethodGet, "/api/v1/audit?limit=3&continue="+first["continue"].(string), h.Admin, nil)
	if len(first["items"].([]any)) != 3 || len(second["items"].([]any)) != 1 || second["continue"] != nil {
		t.Errorf("pages: %v / %v", first, second)
	}
}
