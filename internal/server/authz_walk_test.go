//go:build !unit

package server_test

import (
	"net/http"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/danielgtaylor/huma/v2"

	"github.com/wheelhouse-dev/wheelhouse/internal/api/operation"
	"github.com/wheelhouse-dev/wheelhouse/internal/auth"
	"github.com/wheelhouse-dev/wheelhouse/internal/sandbox/sandboxtest"
	"github.com/wheelhouse-dev/wheelhouse/internal/server/servertest"
)

// memberWritable are the resources the policy lets a project member change.
var memberWritable = []string{
	"pods", "deployments", "statefulsets", "daemonsets", "replicasets", "jobs", "cronjobs", "workloads",
	"services", "ingresses", "configmaps", "secrets", "persistentvolumeclaims", "events", auth.ResourceKubernetes,
	auth.ResourceRegistries, auth.ResourceReleases, auth.ResourcePipelines,
}

// walked are resources whose operations the walk must meet, so that an
// area that is not registered fails the test rather than escaping it.
// Chart repositories are not member-writable: a project's are its owners'.
var walked = []string{auth.ResourceRegistries, auth.ResourceChartRepositories, auth.ResourcePipelines}

// listedPerProject are the cluster-wide lists a project's members may call
// too, seeing only their projects' part.
var listedPerProject = []string{"list-projects", "list-cluster-releases"}

// expectAllowed is the access policy, written out independently of the
// role rules: who may call an operation with the given permission on the
// given path (the path's parameters decide the scope).
func expectAllowed(role string, perm auth.Permission, op *huma.Operation) bool {
	path := op.Path
	read := perm.Verb == auth.VerbGet || perm.Verb == auth.VerbList
	inCluster := strings.Contains(path, "{cluster}")
	inProject := strings.Contains(path, "{project}") || strings.Contains(path, "{namespace}") || strings.HasPrefix(path, "/k8s/") ||
		slices.Contains(listedPerProject, op.OperationID)
	switch {
	case role == "admin" || perm.Resource == auth.ResourceSelf || perm.Resource == auth.ResourceSearch:
		return true
	case role == "cluster-owner":
		return inCluster
	case role == "cluster-viewer":
		return inCluster && read
	case role == "project-member":
		return inProject && (read || slices.Contains(memberWritable, perm.Resource))
	case role == "project-viewer":
		return inProject && read
	}
	return false
}

// deleteRank orders destructive operations last, the ones that remove the
// bindings or scope under test at the very end.
func deleteRank(op *huma.Operation) int {
	if op.Method != http.MethodDelete {
		return 0
	}
	switch op.OperationID {
	case "remove-project-namespace":
		return 3
	case "delete-project":
		return 4
	case "delete-cluster":
		return 5
	}
	if strings.HasSuffix(op.Path, "/namespaces/{namespace}") {
		return 2
	}
	return 1
}

func fillPath(p string) string {
	r := strings.NewReplacer("{cluster}", "c1", "{project}", "p1", "{namespace}", "ns1", "{username}", "someone",
		"{node}", "no-such-node", "{name}", "no-such-object", "{id}", "999999", "{path}", "api/v1/namespaces/ns1/configmaps")
	p = r.Replace(p)
	for strings.Contains(p, "{") {
		i, j := strings.Index(p, "{"), strings.Index(p, "}")
		p = p[:i] + "x" + p[j+1:]
	}
	return p
}

// TestEveryRouteWithEveryRole calls every operation of the API with every
// kind of caller and checks the authorization outcome: 403 exactly when the
// policy says no.
func TestEveryRouteWithEveryRole(t *testing.T) {
	h := servertest.New(t, servertest.Options{ManagementCluster: "c1"})
	conn := h.ImportCluster("c1", sandboxtest.Start(t, 1))
	servertest.CreateNamespaces(t, conn, "ns1")
	h.Expect(http.StatusCreated, http.MethodPost, "/api/v1/clusters/c1/projects", h.Admin, map[string]any{"name": "p1"})
	h.AddToProject(t, "c1", "p1", "ns1")
	h.CreateUser("someone", "user")

	tokens := map[string]string{"admin": h.Admin}
	for _, role := range []string{"nobody", "project-viewer", "project-member", "cluster-viewer", "cluster-owner"} {
		tokens[role] = h.CreateUser(role, "user")
	}
	bind := map[string]string{
		"/api/v1/clusters/c1/members/cluster-owner":              "owner",
		"/api/v1/clusters/c1/members/cluster-viewer":             "viewer",
		"/api/v1/clusters/c1/projects/p1/members/project-member": "member",
		"/api/v1/clusters/c1/projects/p1/members/project-viewer": "viewer",
	}
	for path, role := range bind {
		h.Expect(http.StatusOK, http.MethodPut, path, h.Admin, map[string]string{"role": role})
	}

	var ops []*huma.Operation
	for _, item := range h.Srv.API().OpenAPI().Paths {
		for _, op := range []*huma.Operation{item.Get, item.Post, item.Put, item.Patch, item.Delete} {
			if op != nil && !operation.IsPublic(op) && op.OperationID != "logout" {
				ops = append(ops, op)
			}
		}
	}
	sort.SliceStable(ops, func(i, j int) bool {
		if ri, rj := deleteRank(ops[i]), deleteRank(ops[j]); ri != rj {
			return ri < rj
		}
		return ops[i].Path+ops[i].Method < ops[j].Path+ops[j].Method
	})
	if len(ops) < 30 {
		t.Fatalf("only %d operations found", len(ops))
	}
	for _, res := range walked {
		if !slices.ContainsFunc(ops, func(op *huma.Operation) bool { p, _ := operation.PermissionOf(op); return p.Resource == res }) {
			t.Errorf("no operation needs a permission on %s", res)
		}
	}

	roles := []string{"nobody", "project-viewer", "project-member", "cluster-viewer", "cluster-owner", "admin"}
	checked := 0
	for _, op := range ops {
		perm, _ := operation.PermissionOf(op)
		path := fillPath(op.Path)
		for _, role := range roles {
			var body any
			if op.Method != http.MethodGet && op.Method != http.MethodDelete {
				body = map[string]any{}
			}
			code, resp, _ := h.Do(op.Method, path, tokens[role], body)
			allowed := expectAllowed(role, perm, op)
			switch {
			case allowed && (code == http.StatusForbidden || code == http.StatusUnauthorized):
				t.Errorf("%s %s (%s) as %s: %d, want allowed: %v", op.Method, path, perm, role, code, resp)
			case !allowed && code != http.StatusForbidden:
				t.Errorf("%s %s (%s) as %s: %d, want 403", op.Method, path, perm, role, code)
			}
			checked++
		}
	}
	t.Logf("checked %d operations × %d roles = %d calls", len(ops), len(roles), checked)

	// Every role may sign itself out.
	for role, tok := range tokens {
		h.Expect(http.StatusNoContent, http.MethodPost, "/api/v1/logout", tok, nil)
		h.Expect(http.StatusUnauthorized, http.MethodGet, "/api/v1/users/me", tok, nil)
		_ = role
	}
}
