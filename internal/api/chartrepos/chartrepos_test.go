package chartrepos_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/wheelhouse-dev/wheelhouse/internal/chartrepo/chartrepotest"
	"github.com/wheelhouse-dev/wheelhouse/internal/server/servertest"
)

const (
	user     = "bob"
	password = "chart-password-9c1e"
)

// env is a server with a classic repository (basic auth) holding
// metrics-server 0.1.0 and 0.2.0 and ingress-nginx 1.0.0, and a registry
// credential for it.
type env struct {
	h      *servertest.Harness
	srv    *chartrepotest.Server
	credID float64
}

func newEnv(t *testing.T) *env {
	t.Helper()
	e := &env{h: servertest.New(t, servertest.Options{}), srv: chartrepotest.NewServer()}
	t.Cleanup(e.srv.Close)
	e.srv.Username, e.srv.Password = user, password
	for _, c := range []struct{ name, version string }{{"metrics-server", "0.1.0"}, {"metrics-server", "0.2.0"}, {"ingress-nginx", "1.0.0"}} {
		if err := e.srv.Add(c.name, c.version, false); err != nil {
			t.Fatal(err)
		}
	}
	cred := e.h.Expect(http.StatusCreated, http.MethodPost, "/api/v1/credentials", e.h.Admin, map[string]any{
		"name": "charts", "type": "registry", "fields": map[string]string{"username": user, "password": password},
	})
	e.credID = cred["id"].(float64)
	return e
}

func TestChartRepositories(t *testing.T) {
	e := newEnv(t)
	h := e.h
	repo := h.Expect(http.StatusCreated, http.MethodPost, "/api/v1/chart-repositories", h.Admin, map[string]any{
		"name": "charts", "type": "http", "url": e.srv.URL, "insecure": true, "credentialId": e.credID,
	})
	status, _ := repo["status"].(map[string]any)
	if repo["refreshInterval"] != "1h0m0s" || status["refreshedAt"] == nil || status["digest"] == nil {
		t.Errorf("created repository: %v", repo)
	}

	t.Run("Charts", func(t *testing.T) {
		list := h.Expect(http.StatusOK, http.MethodGet, "/api/v1/chart-repositories/charts/charts", h.Admin, nil)
		if names := servertest.ItemNames(list); !slices.Equal(names, []string{"ingress-nginx", "metrics-server"}) {
			t.Fatalf("charts: %v", list)
		}
		ms := list["items"].([]any)[1].(map[string]any)
		if ms["version"] != "0.2.0" || ms["appVersion"] != "0.8.0" || ms["versions"].(float64) != 2 {
			t.Errorf("metrics-server: %v", ms)
		}
		first := h.Expect(http.StatusOK, http.MethodGet, "/api/v1/chart-repositories/charts/charts?limit=1", h.Admin, nil)
		next, _ := first["continue"].(string)
		second := h.Expect(http.StatusOK, http.MethodGet, "/api/v1/chart-repositories/charts/charts?limit=1&continue="+next, h.Admin, nil)
		if a, b := servertest.ItemNames(first), servertest.ItemNames(second); !slices.Equal(append(a, b...), []string{"ingress-nginx", "metrics-server"}) || second["continue"] != nil {
			t.Errorf("pages: %v then %v", first, second)
		}
		if names := servertest.ItemNames(h.Expect(http.StatusOK, http.MethodGet, "/api/v1/chart-repositories/charts/charts?name=METRICS", h.Admin, nil)); !slices.Equal(names, []string{"metrics-server"}) {
			t.Errorf("filtered: %v", names)
		}
		h.ExpectProblem(t, http.StatusBadRequest, http.MethodGet, "/api/v1/chart-repositories/charts/charts?continue=junk", h.Admin, nil, "query.continue")

		versions := h.Expect(http.StatusOK, http.MethodGet, "/api/v1/chart-repositories/charts/charts/metrics-server/versions", h.Admin, nil)
		items := versions["items"].([]any)
		if len(items) != 2 || items[0].(map[string]any)["version"] != "0.2.0" || items[0].(map[string]any)["digest"] == nil || items[0].(map[string]any)["created"] == nil {
			t.Errorf("versions: %v", versions)
		}
		h.ExpectProblem(t, http.StatusNotFound, http.MethodGet, "/api/v1/chart-repositories/charts/charts/no-such-chart/versions", h.Admin, nil, "")
		h.ExpectProblem(t, http.StatusNotFound, http.MethodGet, "/api/v1/chart-repositories/nope/charts", h.Admin, nil, "")
	})

	t.Run("Refresh", func(t *testing.T) {
		before := e.srv.Requests()
		out := h.Expect(http.StatusOK, http.MethodPost, "/api/v1/chart-repositories/charts/refresh", h.Admin, nil)
		if out["changed"] != false || e.srv.Requests()-before != 1 {
			t.Errorf("refresh of an unchanged repository: %v after %d requests", out, e.srv.Requests()-before)
		}
		if err := e.srv.Add("metrics-server", "0.3.0", true); err != nil {
			t.Fatal(err)
		}
		if out := h.Expect(http.StatusOK, http.MethodPost, "/api/v1/chart-repositories/charts/refresh", h.Admin, nil); out["changed"] != true {
			t.Errorf("refresh after a new version: %v", out)
		}
		versions := h.Expect(http.StatusOK, http.MethodGet, "/api/v1/chart-repositories/charts/charts/metrics-server/versions", h.Admin, nil)
		if v := versions["items"].([]any)[0].(map[string]any)["version"]; v != "0.3.0" {
			t.Errorf("newest after the refresh: %v", v)
		}
	})

	t.Run("Refused", func(t *testing.T) {
		git := h.Expect(http.StatusCreated, http.MethodPost, "/api/v1/credentials", h.Admin, map[string]any{
			"name": "git", "type": "git-token", "fields": map[string]string{"token": "t0ken"},
		})
		wrong := h.Expect(http.StatusCreated, http.MethodPost, "/api/v1/credentials", h.Admin, map[string]any{
			"name": "wrong", "type": "registry", "fields": map[string]string{"username": user, "password": "not-the-password"},
		})
		body := func(kv ...any) map[string]any {
			return servertest.With(map[string]any{"name": "refused", "type": "http", "url": e.srv.URL, "insecure": true, "credentialId": e.credID}, kv...)
		}
		for _, tc := range []struct {
			name   string
			body   map[string]any
			loc    string
			reason string
		}{
			{"nothing listening", body("url", "http://127.0.0.1:1/charts"), "body.url", "Unreachable"},
			{"no index at the URL", body("url", e.srv.URL+"/nothing-here"), "body.url", "NotFound"},
			{"wrong password", body("credentialId", wrong["id"]), "body.credentialId", "Unauthorized"},
			{"no credential", body("credentialId", nil), "body.credentialId", "Unauthorized"},
			{"credential of the wrong type", body("credentialId", git["id"]), "body.credentialId", ""},
			{"no such credential", body("credentialId", 9999), "body.credentialId", ""},
			{"bad type", body("type", "git"), "body.type", ""},
			{"oci URL of an http repository", body("url", "oci://127.0.0.1:1/charts"), "body.url", ""},
			{"plain http without insecure", body("insecure", false), "body.url", ""},
			{"a user in the URL", body("url", "https://bob:pw@example.com/charts"), "body.url", ""},
			{"interval too short", body("refreshSeconds", 5), "body.refreshSeconds", ""},
			{"name not a DNS label", body("name", "Bad_Name"), "body.name", ""},
		} {
			t.Run(tc.name, func(t *testing.T) {
				p := h.ExpectProblem(t, http.StatusUnprocessableEntity, http.MethodPost, "/api/v1/chart-repositories", h.Admin, tc.body, tc.loc)
				if tc.reason != "" && !strings.Contains(fmt.Sprint(p["errors"]), tc.reason) {
					t.Errorf("the problem does not say %s: %v", tc.reason, p)
				}
				if s := fmt.Sprint(p); strings.Contains(s, password) || strings.Contains(s, "not-the-password") {
					t.Errorf("the problem holds a password: %v", p)
				}
			})
		}
		h.ExpectProblem(t, http.StatusConflict, http.MethodPost, "/api/v1/chart-repositories", h.Admin, body("name", "charts"), "")
		if names := servertest.ItemNames(h.Expect(http.StatusOK, http.MethodGet, "/api/v1/chart-repositories", h.Admin, nil)); !slices.Equal(names, []string{"charts"}) {
			t.Errorf("refused repositories were stored: %v", names)
		}

		// Stored without reading: its refresh says why it cannot be read.
		h.Expect(http.StatusCreated, http.MethodPost, "/api/v1/chart-repositories?validate=false", h.Admin, map[string]any{
			"name": "gone", "type": "http", "url": "http://127.0.0.1:1/charts", "insecure": true,
		})
		p := h.ExpectProblem(t, http.StatusFailedDependency, http.MethodPost, "/api/v1/chart-repositories/gone/refresh", h.Admin, nil, "repository.url")
		if !strings.Contains(fmt.Sprint(p), "Unreachable") || !strings.Contains(fmt.Sprint(p), "127.0.0.1:1") {
			t.Errorf("refresh of an unreachable repository: %v", p)
		}
		gone := h.Expect(http.StatusOK, http.MethodGet, "/api/v1/chart-repositories/gone", h.Admin, nil)
		if st := gone["status"].(map[string]any); st["lastError"] == nil || st["refreshedAt"] != nil {
			t.Errorf("status after the failed refresh: %v", st)
		}
		if list := h.Expect(http.StatusOK, http.MethodGet, "/api/v1/chart-repositories/gone/charts", h.Admin, nil); len(list["items"].([]any)) != 0 {
			t.Errorf("charts of a repository never read: %v", list)
		}
		h.Expect(http.StatusNoContent, http.MethodDelete, "/api/v1/chart-repositories/gone", h.Admin, nil)
		h.ExpectProblem(t, http.StatusNotFound, http.MethodPost, "/api/v1/chart-repositories/gone/refresh", h.Admin, nil, "")
	})

	t.Run("Update", func(t *testing.T) {
		// The interval alone: the index stays.
		up := h.Expect(http.StatusOK, http.MethodPut, "/api/v1/chart-repositories/charts?validate=false", h.Admin, map[string]any{
			"url": e.srv.URL, "insecure": true, "credentialId": e.credID, "refreshSeconds": 600,
		})
		if up["refreshInterval"] != "10m0s" || up["status"].(map[string]any)["digest"] == nil {
			t.Errorf("after an interval change: %v", up)
		}
		if names := servertest.ItemNames(h.Expect(http.StatusOK, http.MethodGet, "/api/v1/chart-repositories/charts/charts", h.Admin, nil)); len(names) != 2 {
			t.Errorf("charts after an interval change: %v", names)
		}
		h.ExpectProblem(t, http.StatusUnprocessableEntity, http.MethodPut, "/api/v1/chart-repositories/charts", h.Admin, map[string]any{
			"url": e.srv.URL, "insecure": true,
		}, "body.credentialId")
		h.ExpectProblem(t, http.StatusNotFound, http.MethodPut, "/api/v1/chart-repositories/nope", h.Admin, map[string]any{"url": e.srv.URL}, "")
	})

	t.Run("CredentialInUse", func(t *testing.T) {
		id := servertest.FormatID(e.credID)
		p := h.ExpectProblem(t, http.StatusConflict, http.MethodDelete, "/api/v1/credentials/"+id, h.Admin, nil, "usages")
		if !strings.Contains(fmt.Sprint(p), "chartRepository charts") {
			t.Errorf("the 409 does not name the chart repository: %v", p)
		}
		usages := h.Expect(http.StatusOK, http.MethodGet, "/api/v1/credentials/"+id+"/usages", h.Admin, nil)
		if items := usages["items"].([]any); len(items) != 1 || items[0].(map[string]any)["kind"] != "chartRepository" {
			t.Errorf("usages: %v", usages)
		}
	})

	t.Run("SecretNeverLeaves", func(t *testing.T) {
		for _, path := range []string{"/api/v1/chart-repositories", "/api/v1/chart-repositories/charts"} {
			if s := fmt.Sprint(h.Expect(http.StatusOK, http.MethodGet, path, h.Admin, nil)); strings.Contains(s, password) {
				t.Errorf("%s shows the password", path)
			}
		}
		if strings.Contains(h.Logs.String(), password) {
			t.Error("the server logged the password")
		}
	})

	t.Run("Delete", func(t *testing.T) {
		h.Expect(http.StatusNoContent, http.MethodDelete, "/api/v1/chart-repositories/charts", h.Admin, nil)
		h.ExpectProblem(t, http.StatusNotFound, http.MethodGet, "/api/v1/chart-repositories/charts", h.Admin, nil, "")
		h.Expect(http.StatusNoContent, http.MethodDelete, "/api/v1/credentials/"+servertest.FormatID(e.credID), h.Admin, nil)
	})
}
