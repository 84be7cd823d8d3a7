package server_test

import (
	"net/http"
	"slices"
	"testing"

	"github.com/wheelhouse-dev/wheelhouse/internal/server/servertest"
)

func TestUsersAdminOnly(t *testing.T) {
	h := servertest.New(t, servertest.Options{})
	alice := h.CreateUser("alice", "user")
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
		h.Expect(403, r.method, r.path, alice, body)
	}
	me := h.Expect(200, http.MethodGet, "/api/v1/users/me", alice, nil)
	if me["role"] != "user" {
		t.Errorf("me %v", me)
	}
}

func TestCreateUserValidation(t *testing.T) {
	h := servertest.New(t, servertest.Options{})
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
			body := h.Expect(tt.status, http.MethodPost, "/api/v1/users", h.Admin, tt.body)
			if tt.location != "" && !slices.Contains(servertest.ErrorLocations(body), tt.location) {
				t.Errorf("error does not name %s: %v", tt.location, body)
			}
		})
	}
	list := h.Expect(200, http.MethodGet, "/api/v1/users", h.Admin, nil)
	if n := len(list["items"].([]any)); n != 1 {
		t.Errorf("a rejected create left %d users", n)
	}
}

func TestUserLifecycle(t *testing.T) {
	h := servertest.New(t, servertest.Options{})
	alice := h.CreateUser("alice", "user")
	got := h.Expect(200, http.MethodGet, "/api/v1/users/alice", h.Admin, nil)
	if got["passwordHash"] != nil || got["role"] != "user" {
		t.Errorf("get %v", got)
	}
	h.Expect(404, http.MethodGet, "/api/v1/users/nobody", h.Admin, nil)

	upd := h.Expect(200, http.MethodPatch, "/api/v1/users/alice", h.Admin, map[string]any{"displayName": "Alice", "role": "admin"})
	if upd["displayName"] != "Alice" || upd["role"] != "admin" {
		t.Errorf("update %v", upd)
	}
	h.Expect(200, http.MethodGet, "/api/v1/audit", alice, nil) // now an admin

	// Disabling a user signs it out everywhere.
	h.Expect(200, http.MethodPatch, "/api/v1/users/alice", h.Admin, map[string]any{"disabled": true})
	h.Expect(401, http.MethodGet, "/api/v1/users/me", alice, nil)
	h.Expect(401, http.MethodPost, "/api/v1/login", "", map[string]string{"username": "alice", "password": "alice-password"})
	h.Expect(200, http.MethodPatch, "/api/v1/users/alice", h.Admin, map[string]any{"disabled": false, "password": "new-password-1"})
	alice = h.Login("alice", "new-password-1")

	h.Expect(204, http.MethodDelete, "/api/v1/users/alice", h.Admin, nil)
	h.Expect(401, http.MethodGet, "/api/v1/users/me", alice, nil)
	h.Expect(404, http.MethodDelete, "/api/v1/users/alice", h.Admin, nil)
}

func TestLastAdminIsProtected(t *testing.T) {
	h := servertest.New(t, servertest.Options{})
	h.Expect(409, http.MethodPatch, "/api/v1/users/admin", h.Admin, map[string]any{"role": "user"})
	h.Expect(409, http.MethodPatch, "/api/v1/users/admin", h.Admin, map[string]any{"disabled": true})
	h.Expect(409, http.MethodDelete, "/api/v1/users/admin", h.Admin, nil) // also: yourself
	second := h.CreateUser("root2", "admin")
	h.Expect(204, http.MethodDelete, "/api/v1/users/admin", second, nil)
}

func TestChangeOwnPassword(t *testing.T) {
	h := servertest.New(t, servertest.Options{})
	alice := h.CreateUser("alice", "user")
	body := h.Expect(422, http.MethodPut, "/api/v1/users/me/password", alice, map[string]string{"currentPassword": "wrong", "newPassword": "another-pass"})
	if !slices.Contains(servertest.ErrorLocations(body), "body.currentPassword") {
		t.Errorf("%v", body)
	}
	h.Expect(422, http.MethodPut, "/api/v1/users/me/password", alice, map[string]string{"currentPassword": "alice-password", "newPassword": "short"})

	// Other sessions and API tokens: kept when asked, revoked by default.
	other := h.Login("alice", "alice-password")
	api := h.Expect(201, http.MethodPost, "/api/v1/tokens", alice, map[string]string{"name": "ci"})["token"].(string)
	h.Expect(204, http.MethodPut, "/api/v1/users/me/password", alice,
		map[string]any{"currentPassword": "alice-password", "newPassword": "another-pass", "keepOtherSessions": true})
	for _, tok := range []string{alice, other, api} {
		h.Expect(200, http.MethodGet, "/api/v1/users/me", tok, nil)
	}
	h.Expect(204, http.MethodPut, "/api/v1/users/me/password", alice, map[string]string{"currentPassword": "another-pass", "newPassword": "third-pass"})
	h.Expect(200, http.MethodGet, "/api/v1/users/me", alice, nil)
	for _, tok := range []string{other, api} {
		h.Expect(401, http.MethodGet, "/api/v1/users/me", tok, nil)
	}
	h.Login("alice", "third-pass")
	h.Expect(401, http.MethodPost, "/api/v1/login", "", map[string]string{"username": "alice", "password": "another-pass"})
}

func TestListUsersPagination(t *testing.T) {
	h := servertest.New(t, servertest.Options{})
	for _, n := range []string{"u1", "u2", "u3", "u4"} {
		h.Expect(201, http.MethodPost, "/api/v1/users", h.Admin, map[string]string{"username": n, "password": "password1", "role": "user"})
	}
	var seen []string
	next := ""
	for page := 0; page < 10; page++ {
		body := h.Expect(200, http.MethodGet, "/api/v1/users?limit=2&continue="+next, h.Admin, nil)
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
	body := h.Expect(400, http.MethodGet, "/api/v1/users?continue=garbage", h.Admin, nil)
	if !slices.Contains(servertest.ErrorLocations(body), "query.continue") {
		t.Errorf("%v", body)
	}
	h.Expect(422, http.MethodGet, "/api/v1/users?limit=0", h.Admin, nil)
	search := h.Expect(200, http.MethodGet, "/api/v1/users?search=u3", h.Admin, nil)
	if n := len(search["items"].([]any)); n != 1 {
		t.Errorf("search found %d", n)
	}
}
