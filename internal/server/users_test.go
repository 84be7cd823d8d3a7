package server

import (
	"net/http"
	"slices"
	"testing"
)

func TestUsersAdminOnly(t *testing.T) {
	h := newHarness(t)
	alice := h.createUser("alice", "user")
	for _, r := range []struct{ method, path string }{
		{http.MethodGet, "/api/v1/users"},
		{http.MethodPost, "/api/v1/users"},
		{http.MethodGet, "/api/v1/users/admin"},
		{http.MethodPatch, "/api/v1/users/admin"},
		{http.MethodDelete, "/api/v1/users/admin"},
		{http.MethodGet, "/api/v1/audit"},
	} {
		var body any
		if r.method == http.MethodPost || r.method == http.MethodPatch {
			body = map[string]string{"username": "x1", "password": "password1", "role": "admin"}
		}
		h.expect(403, r.method, r.path, alice, body)
	}
	me := h.expect(200, http.MethodGet, "/api/v1/users/me", alice, nil)
	if me["role"] != "user" {
		t.Errorf("me %v", me)
	}
}

func TestCreateUserValidation(t *testing.T) {
	h := newHarness(t)
	tests := []struct {
		name     string
		body     map[string]string
		status   int
		location string
	}{
		{"bad name", map[string]string{"username": "Bad Name", "password": "password1", "role": "user"}, 422, "body.username"},
		{"reserved name", map[string]string{"username": "me", "password": "password1", "role": "user"}, 422, "body.username"},
		{"short password", map[string]string{"username": "carol", "password": "short", "role": "user"}, 422, "body.password"},
		{"bad role", map[string]string{"username": "carol", "password": "password1", "role": "root"}, 422, "body.role"},
		{"missing role", map[string]string{"username": "carol", "password": "password1"}, 422, "body.role"},
		{"bad email", map[string]string{"username": "carol", "password": "password1", "role": "user", "email": "nope"}, 422, "body.email"},
		{"duplicate", map[string]string{"username": "admin", "password": "password1", "role": "user"}, 409, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := h.expect(tt.status, http.MethodPost, "/api/v1/users", h.admin, tt.body)
			if tt.location != "" && !slices.Contains(errorLocations(body), tt.location) {
				t.Errorf("error does not name %s: %v", tt.location, body)
			}
		})
	}
	list := h.expect(200, http.MethodGet, "/api/v1/users", h.admin, nil)
	if n := len(list["items"].([]any)); n != 1 {
		t.Errorf("a rejected create left %d users", n)
	}
}

func TestUserLifecycle(t *testing.T) {
	h := newHarness(t)
	alice := h.createUser("alice", "user")
	got := h.expect(200, http.MethodGet, "/api/v1/users/alice", h.admin, nil)
	if got["passwordHash"] != nil || got["role"] != "user" {
		t.Errorf("get %v", got)
	}
	h.expect(404, http.MethodGet, "/api/v1/users/nobody", h.admin, nil)

	upd := h.expect(200, http.MethodPatch, "/api/v1/users/alice", h.admin, map[string]any{"displayName": "Alice", "role": "admin"})
	if upd["displayName"] != "Alice" || upd["role"] != "admin" {
		t.Errorf("update %v", upd)
	}
	h.expect(200, http.MethodGet, "/api/v1/audit", alice, nil) // now an admin

	// Disabling a user signs it out everywhere.
	h.expect(200, http.MethodPatch, "/api/v1/users/alice", h.admin, map[string]any{"disabled": true})
	h.expect(401, http.MethodGet, "/api/v1/users/me", alice, nil)
	h.expect(401, http.MethodPost, "/api/v1/login", "", map[string]string{"username": "alice", "password": "alice-password"})
	h.expect(200, http.MethodPatch, "/api/v1/users/alice", h.admin, map[string]any{"disabled": false, "password": "new-password-1"})
	alice = h.login("alice", "new-password-1")

	h.expect(204, http.MethodDelete, "/api/v1/users/alice", h.admin, nil)
	h.expect(401, http.MethodGet, "/api/v1/users/me", alice, nil)
	h.expect(404, http.MethodDelete, "/api/v1/users/alice", h.admin, nil)
}

func TestLastAdminIsProtected(t *testing.T) {
	h := newHarness(t)
	h.expect(409, http.MethodPatch, "/api/v1/users/admin", h.admin, map[string]any{"role": "user"})
	h.expect(409, http.MethodPatch, "/api/v1/users/admin", h.admin, map[string]any{"disabled": true})
	h.expect(409, http.MethodDelete, "/api/v1/users/admin", h.admin, nil) // also: yourself
	second := h.createUser("root2", "admin")
	h.expect(204, http.MethodDelete, "/api/v1/users/admin", second, nil)
}

func TestChangeOwnPassword(t *testing.T) {
	h := newHarness(t)
	alice := h.createUser("alice", "user")
	body := h.expect(422, http.MethodPut, "/api/v1/users/me/password", alice, map[string]string{"currentPassword": "wrong", "newPassword": "another-pass"})
	if !slices.Contains(errorLocations(body), "body.currentPassword") {
		t.Errorf("%v", body)
	}
	h.expect(422, http.MethodPut, "/api/v1/users/me/password", alice, map[string]string{"currentPassword": "alice-password", "newPassword": "short"})
	h.expect(204, http.MethodPut, "/api/v1/users/me/password", alice, map[string]string{"currentPassword": "alice-password", "newPassword": "another-pass"})
	h.login("alice", "another-pass")
	h.expect(401, http.MethodPost, "/api/v1/login", "", map[string]string{"username": "alice", "password": "alice-password"})
}

func TestListUsersPagination(t *testing.T) {
	h := newHarness(t)
	for _, n := range []string{"u1", "u2", "u3", "u4"} {
		h.expect(201, http.MethodPost, "/api/v1/users", h.admin, map[string]string{"username": n, "password": "password1", "role": "user"})
	}
	var seen []string
	next := ""
	for page := 0; page < 10; page++ {
		body := h.expect(200, http.MethodGet, "/api/v1/users?limit=2&continue="+next, h.admin, nil)
		for _, it := range body["items"].([]any) {
			seen = append(seen, it.(map[string]any)["username"].(string))
		}
		c, _ := body["continue"].(string)
		if c == "" {
			break
		}
		next = c
	}
	if want := []string{"admin", "u1", "u2", "u3", "u4"}; !slices.Equal(seen, want) {
		t.Errorf("pages gave %v, want %v", seen, want)
	}
	body := h.expect(400, http.MethodGet, "/api/v1/users?continue=garbage", h.admin, nil)
	if !slices.Contains(errorLocations(body), "query.continue") {
		t.Errorf("%v", body)
	}
	h.expect(422, http.MethodGet, "/api/v1/users?limit=0", h.admin, nil)
	search := h.expect(200, http.MethodGet, "/api/v1/users?search=u3", h.admin, nil)
	if n := len(search["items"].([]any)); n != 1 {
		t.Errorf("search found %d", n)
	}
}
