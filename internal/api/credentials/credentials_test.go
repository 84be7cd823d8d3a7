package credentials_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/wheelhouse-dev/wheelhouse/internal/server/servertest"
)

const secret = "s3cret-never-shown-8f2c1"

// fieldsOf returns a credential body's fields by name.
func fieldsOf(t *testing.T, c map[string]any) map[string]map[string]any {
	t.Helper()
	out := map[string]map[string]any{}
	fields, _ := c["fields"].([]any)
	for _, f := range fields {
		m := f.(map[string]any)
		out[m["name"].(string)] = m
	}
	return out
}

// TestCredentials walks a credential's life through the API: stored with
// its secret sealed and never answered, rotated, refused deletion while a
// registry uses it, and deleted once nothing does.
func TestCredentials(t *testing.T) {
	h := servertest.New(t, servertest.Options{})
	created := h.Expect(http.StatusCreated, http.MethodPost, "/api/v1/credentials", h.Admin, map[string]any{
		"name": "hub", "type": "registry", "description": "team login",
		"fields": map[string]string{"username": "alice", "password": secret},
	})
	id := servertest.FormatID(created["id"].(float64))
	fields := fieldsOf(t, created)
	if f := fields["username"]; f["value"] != "alice" || f["secret"] != false || f["set"] != true {
		t.Errorf("username as answered: %v", f)
	}
	pw := fields["password"]
	if pw["secret"] != true || pw["set"] != true || pw["value"] != nil || pw["changedAt"] == nil {
		t.Errorf("password as answered: %v", pw)
	}
	firstChange := pw["changedAt"]

	got := h.Expect(http.StatusOK, http.MethodGet, "/api/v1/credentials/"+id, h.Admin, nil)
	if got["name"] != "hub" || got["type"] != "registry" || got["createdBy"] != "admin" {
		t.Errorf("get: %v", got)
	}
	list := h.Expect(http.StatusOK, http.MethodGet, "/api/v1/credentials?name=hu", h.Admin, nil)
	if names := servertest.ItemNames(list); !slices.Equal(names, []string{"hub"}) {
		t.Errorf("list filtered by name: %v", names)
	}

	t.Run("Rotate", func(t *testing.T) {
		rotated := h.Expect(http.StatusOK, http.MethodPatch, "/api/v1/credentials/"+id, h.Admin, map[string]any{
			"fields": map[string]string{"password": secret + "-2"},
		})
		f := fieldsOf(t, rotated)
		if f["password"]["changedAt"] == firstChange || f["username"]["value"] != "alice" {
			t.Errorf("after rotation: %v", f)
		}
	})

	t.Run("BadInput", func(t *testing.T) {
		h.ExpectInvalid(t, []servertest.InvalidCase{
			servertest.Invalid("unknown type", http.MethodPost, "/api/v1/credentials",
				map[string]any{"name": "x", "type": "ftp", "fields": map[string]string{}}, "body.type"),
			servertest.Invalid("missing secret", http.MethodPost, "/api/v1/credentials",
				map[string]any{"name": "x", "type": "registry", "fields": map[string]string{"username": "a"}}, "body.fields.password"),
			servertest.Invalid("field of another type", http.MethodPost, "/api/v1/credentials",
				map[string]any{"name": "x", "type": "aws", "fields": map[string]string{"accessKeyId": "a", "secretAccessKey": "b", "token": secret}}, "body.fields.token"),
			servertest.Invalid("name not a DNS label", http.MethodPost, "/api/v1/credentials",
				map[string]any{"name": "Not_A_Label", "type": "git-token", "fields": map[string]string{"token": secret}}, "body.name"),
			servertest.Invalid("clearing a required secret", http.MethodPatch, "/api/v1/credentials/"+id,
				map[string]any{"fields": map[string]string{"password": ""}}, "body.fields.password"),
		})
		h.ExpectProblem(t, http.StatusConflict, http.MethodPost, "/api/v1/credentials", h.Admin, map[string]any{
			"name": "hub", "type": "registry", "fields": map[string]string{"password": "x"},
		}, "")
		h.ExpectProblem(t, http.StatusNotFound, http.MethodGet, "/api/v1/credentials/9999", h.Admin, nil, "")
		if names := servertest.ItemNames(h.Expect(http.StatusOK, http.MethodGet, "/api/v1/credentials", h.Admin, nil)); !slices.Equal(names, []string{"hub"}) {
			t.Errorf("refused requests stored something: %v", names)
		}
	})

	t.Run("InUse", func(t *testing.T) {
		h.Expect(http.StatusCreated, http.MethodPost, "/api/v1/registries?validate=false", h.Admin, map[string]any{
			"name": "mirror", "type": "distribution", "endpoint": "https://registry.invalid", "credentialId": created["id"],
		})
		usages := h.Expect(http.StatusOK, http.MethodGet, "/api/v1/credentials/"+id+"/usages", h.Admin, nil)
		items, _ := usages["items"].([]any)
		if len(items) != 1 || items[0].(map[string]any)["name"] != "mirror" || items[0].(map[string]any)["field"] != "credentialId" {
			t.Fatalf("usages: %v", usages)
		}
		p := h.ExpectProblem(t, http.StatusConflict, http.MethodDelete, "/api/v1/credentials/"+id, h.Admin, nil, "usages")
		if !strings.Contains(p["errors"].([]any)[0].(map[string]any)["message"].(string), "mirror") {
			t.Errorf("the refusal does not name the registry: %v", p)
		}
		h.Expect(http.StatusNoContent, http.MethodDelete, "/api/v1/registries/mirror", h.Admin, nil)
		h.Expect(http.StatusNoContent, http.MethodDelete, "/api/v1/credentials/"+id, h.Admin, nil)
	})

	t.Run("OnlyAdminsGlobally", func(t *testing.T) {
		user := h.CreateUser("dev", "user")
		h.ExpectProblem(t, http.StatusForbidden, http.MethodPost, "/api/v1/credentials", user, map[string]any{
			"name": "mine", "type": "git-token", "fields": map[string]string{"token": secret},
		}, "")
		h.ExpectProblem(t, http.StatusForbidden, http.MethodGet, "/api/v1/credentials", user, nil, "")
	})

	t.Run("SecretNeverLeaves", func(t *testing.T) {
		audit := h.Expect(http.StatusOK, http.MethodGet, "/api/v1/audit?limit=500", h.Admin, nil)
		raw, _ := json.Marshal(audit)
		if !strings.Contains(string(raw), "credentials") {
			t.Fatalf("the audit log holds no credential operation: %s", raw)
		}
		for where, text := range map[string]string{"audit log": string(raw), "server log": h.Logs.String()} {
			if strings.Contains(text, secret) {
				t.Errorf("the secret is in the %s", where)
			}
		}
	})
}
