//go:build !unit

package chartrepos_test

import (
	"net/http"
	"slices"
	"testing"

	"github.com/wheelhouse-dev/wheelhouse/internal/sandbox/sandboxtest"
	"github.com/wheelhouse-dev/wheelhouse/internal/server/servertest"
)

// TestProjectScope: a project's chart repositories are its owners' to
// change; members and viewers browse them; the global ones stay the
// admins'; every change is audited.
func TestProjectScope(t *testing.T) {
	e := newEnv(t)
	h := e.h
	const cluster, project, namespace = "c1", "p1", "apps"
	c := h.ImportCluster(cluster, sandboxtest.Start(t, 1))
	servertest.CreateNamespaces(t, c, namespace)
	base := "/api/v1/clusters/" + cluster + "/projects/" + project
	h.Expect(http.StatusCreated, http.MethodPost, "/api/v1/clusters/"+cluster+"/projects", h.Admin, map[string]any{"name": project})
	h.AddToProject(t, cluster, project, namespace)
	owner, member, viewer := h.CreateUser("lead", "user"), h.CreateUser("dev", "user"), h.CreateUser("watcher", "user")
	for name, role := range map[string]string{"lead": "owner", "dev": "member", "watcher": "viewer"} {
		h.Expect(http.StatusOK, http.MethodPut, base+"/members/"+name, h.Admin, map[string]string{"role": role})
	}
	cred := h.Expect(http.StatusCreated, http.MethodPost, base+"/credentials", owner, map[string]any{
		"name": "charts", "type": "registry", "fields": map[string]string{"username": user, "password": password},
	})
	body := map[string]any{"name": "team", "type": "http", "url": e.srv.URL, "insecure": true, "credentialId": cred["id"]}

	h.ExpectProblem(t, http.StatusForbidden, http.MethodPost, base+"/chart-repositories", member, body, "")
	h.ExpectProblem(t, http.StatusForbidden, http.MethodPost, base+"/chart-repositories", viewer, body, "")
	// The global credential is not of this scope.
	h.ExpectProblem(t, http.StatusUnprocessableEntity, http.MethodPost, base+"/chart-repositories", owner,
		servertest.With(body, "credentialId", e.credID), "body.credentialId")
	created := h.Expect(http.StatusCreated, http.MethodPost, base+"/chart-repositories", owner, body)
	if created["cluster"] != cluster || created["project"] != project {
		t.Errorf("project repository: %v", created)
	}

	for _, tok := range []string{member, viewer} {
		if names := servertest.ItemNames(h.Expect(http.StatusOK, http.MethodGet, base+"/chart-repositories", tok, nil)); !slices.Equal(names, []string{"team"}) {
			t.Errorf("the project's repositories: %v", names)
		}
		if names := servertest.ItemNames(h.Expect(http.StatusOK, http.MethodGet, base+"/chart-repositories/team/charts", tok, nil)); len(names) != 2 {
			t.Errorf("the project repository's charts: %v", names)
		}
		h.Expect(http.StatusOK, http.MethodGet, base+"/chart-repositories/team/charts/metrics-server/versions", tok, nil)
		h.ExpectProblem(t, http.StatusForbidden, http.MethodPost, base+"/chart-repositories/team/refresh", tok, nil, "")
		h.ExpectProblem(t, http.StatusForbidden, http.MethodDelete, base+"/chart-repositories/team", tok, nil, "")
		h.ExpectProblem(t, http.StatusForbidden, http.MethodGet, "/api/v1/chart-repositories", tok, nil, "")
	}
	if names := servertest.ItemNames(h.Expect(http.StatusOK, http.MethodGet, "/api/v1/chart-repositories", h.Admin, nil)); slices.Contains(names, "team") {
		t.Errorf("a project's repository among the global ones: %v", names)
	}
	h.Expect(http.StatusOK, http.MethodPost, base+"/chart-repositories/team/refresh", owner, nil)
	h.Expect(http.StatusNoContent, http.MethodDelete, base+"/chart-repositories/team", owner, nil)

	for _, action := range []string{"project-create-chart-repository", "project-refresh-chart-repository", "project-delete-chart-repository"} {
		audit := h.Expect(http.StatusOK, http.MethodGet, "/api/v1/audit?action="+action, h.Admin, nil)
		if len(audit["items"].([]any)) == 0 {
			t.Errorf("no audit entry for %s", action)
		}
	}
}
