package server_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wheelhouse-dev/wheelhouse/internal/server/servertest"
)

func TestLogin(t *testing.T) {
	h := servertest.New(t, servertest.Options{})
	tests := []struct {
		name     string
		body     any
		status   int
		location string
	}{
		{name: "ok", body: map[string]string{"username": "admin", "password": servertest.AdminPassword}, status: 200},
		{name: "wrong password", body: map[string]string{"username": "admin", "password": "nope"}, status: 401},
		{name: "unknown user", body: map[string]string{"username": "ghost", "password": "nope"}, status: 401},
		{name: "missing password", body: map[string]string{"username": "admin"}, status: 422, location: "body.password"},
		{name: "missing username", body: map[string]string{"password": "x"}, status: 422, location: "body.username"},
		{name: "malformed json", body: `{"username": "admin",`, status: 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, body, hdr := h.Do(http.MethodPost, "/api/v1/login", "", tt.body)
			if code != tt.status {
				t.Fatalf("status %d, want %d: %v", code, tt.status, body)
			}
			if code >= 400 && !strings.HasPrefix(hdr.Get("Content-Type"), "application/problem+json") {
				t.Errorf("error content type %q, want a problem document", hdr.Get("Content-Type"))
			}
			if tt.location != "" && !slices.Contains(servertest.ErrorLocations(body), tt.location) {
				t.Errorf("error does not name %s: %v", tt.location, body)
			}
			if code == 200 {
				if hdr.Get("Cache-Control") != "no-store" {
					t.Errorf("Cache-Control %q, want no-store", hdr.Get("Cache-Control"))
				}
				if !strings.HasPrefix(body["token"].(string), "whk_") || body["expiresAt"] == nil {
					t.Errorf("login body %v", body)
				}
				if u := body["user"].(map[string]any); u["username"] != "admin" || u["passwordHash"] != nil {
					t.Errorf("user %v", u)
				}
			}
		})
	}
}

func TestLoginRateLimit(t *testing.T) {
	h := servertest.New(t, servertest.Options{})
	for i := 0; i < 5; i++ {
		h.Expect(401, http.MethodPost, "/api/v1/login", "", map[string]string{"username": "admin", "password": "guess"})
	}
	// Even the right password is refused while locked out.
	code, body, hdr := h.Do(http.MethodPost, "/api/v1/login", "", map[string]string{"username": "admin", "password": servertest.AdminPassword})
	if code != http.StatusTooManyRequests || hdr.Get("Retry-After") == "" {
		t.Fatalf("status %d Retry-After %q: %v", code, hdr.Get("Retry-After"), body)
	}
	h.Clock.Add(6 * time.Minute)
	h.Login("admin", servertest.AdminPassword)
}

func TestTokenAuthentication(t *testing.T) {
	h := servertest.New(t, servertest.Options{})
	tests := []struct {
		name   string
		header string
	}{
		{"missing", ""},
		{"not bearer", "Basic YWRtaW46eA=="},
		{"garbage", "Bearer nonsense"},
		{"unknown token", "Bearer whk_" + strings.Repeat("A", 43)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, h.URL+"/api/v1/users/me", nil)
			if tt.header != "" {
				req.Header.Set("Authorization", tt.header)
			}
			resp, err := h.Client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != 401 || !strings.HasPrefix(resp.Header.Get("WWW-Authenticate"), "Bearer") {
				t.Errorf("status %d, WWW-Authenticate %q", resp.StatusCode, resp.Header.Get("WWW-Authenticate"))
			}
		})
	}
}

func TestSessionExpiryAndLogout(t *testing.T) {
	h := servertest.New(t, servertest.Options{})
	tok := h.Login("admin", servertest.AdminPassword)
	h.Expect(200, http.MethodGet, "/api/v1/users/me", tok, nil)
	h.Clock.Add(time.Hour + time.Second)
	h.Expect(401, http.MethodGet, "/api/v1/users/me", tok, nil)

	tok = h.Login("admin", servertest.AdminPassword)
	h.Expect(204, http.MethodPost, "/api/v1/logout", tok, nil)
	h.Expect(401, http.MethodGet, "/api/v1/users/me", tok, nil)
}

func TestAPITokens(t *testing.T) {
	h := servertest.New(t, servertest.Options{})
	alice := h.CreateUser("alice", "user")

	code, created, hdr := h.Do(http.MethodPost, "/api/v1/tokens", alice, map[string]string{"name": "ci"})
	if code != http.StatusCreated || hdr.Get("Cache-Control") != "no-store" {
		t.Fatalf("create token: %d with Cache-Control %q, want 201 with no-store: %v", code, hdr.Get("Cache-Control"), created)
	}
	apiToken := created["token"].(string)
	if created["kind"] != "api" || created["expiresAt"] != nil {
		t.Errorf("created %v", created)
	}
	me := h.Expect(200, http.MethodGet, "/api/v1/users/me", apiToken, nil)
	if me["username"] != "alice" {
		t.Errorf("me %v", me)
	}

	// API tokens outlive sessions.
	h.Clock.Add(48 * time.Hour)
	h.Expect(401, http.MethodGet, "/api/v1/users/me", alice, nil)
	h.Expect(200, http.MethodGet, "/api/v1/users/me", apiToken, nil)

	list := h.Expect(200, http.MethodGet, "/api/v1/tokens", apiToken, nil)
	items := list["items"].([]any)
	if len(items) != 2 {
		t.Fatalf("tokens %v", items)
	}
	for _, it := range items {
		m := it.(map[string]any)
		if m["token"] != nil || m["hash"] != nil || len(m["prefix"].(string)) != 12 {
			t.Errorf("listed token leaks or lacks prefix: %v", m)
		}
	}

	// Expiring token.
	exp := h.Expect(201, http.MethodPost, "/api/v1/tokens", apiToken, map[string]string{"name": "short", "expiresIn": "2h"})
	h.Expect(200, http.MethodGet, "/api/v1/users/me", exp["token"].(string), nil)
	h.Clock.Add(2*time.Hour + time.Second)
	h.Expect(401, http.MethodGet, "/api/v1/users/me", exp["token"].(string), nil)

	loc := servertest.ErrorLocations(h.Expect(422, http.MethodPost, "/api/v1/tokens", apiToken, map[string]string{"name": "x", "expiresIn": "soon"}))
	if !slices.Contains(loc, "body.expiresIn") {
		t.Errorf("error locations %v", loc)
	}
	h.Expect(422, http.MethodPost, "/api/v1/tokens", apiToken, map[string]string{"name": ""})

	// Another user's token cannot be revoked or even seen by a non-admin.
	h.Admin = h.Login("admin", servertest.AdminPassword) // the clock moved past the first session
	bob := h.CreateUser("bob", "user")
	id := created["id"].(float64)
	h.Expect(404, http.MethodDelete, "/api/v1/tokens/"+servertest.FormatID(id), bob, nil)
	h.Expect(403, http.MethodGet, "/api/v1/tokens?user=alice", bob, nil)
	h.Expect(200, http.MethodGet, "/api/v1/tokens?user=alice", h.Admin, nil)

	h.Expect(204, http.MethodDelete, "/api/v1/tokens/"+servertest.FormatID(id), apiToken, nil)
	h.Expect(401, http.MethodGet, "/api/v1/users/me", apiToken, nil)
	h.Expect(404, http.MethodDelete, "/api/v1/tokens/999999", h.Admin, nil)
}
