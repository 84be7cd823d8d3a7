//go:build !unit

package projects_test

import (
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/onsi/gomega"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/wheelhouse-dev/wheelhouse/internal/projects"
	"github.com/wheelhouse-dev/wheelhouse/internal/server/servertest"
)

func TestProjects(t *testing.T) {
	h, conn := servertest.WithSandbox(t, servertest.Options{}, "c1", 1, "a", "b", "c")
	ctx := t.Context()
	base := "/api/v1/clusters/c1/projects"

	for _, tt := range []struct {
		name     string
		body     map[string]any
		location string
	}{
		{"bad name", map[string]any{"name": "Web App"}, "body.name"},
		{"bad quantity", map[string]any{"name": "web", "quota": map[string]string{"limits.cpu": "lots"}}, "body.quota.limits.cpu"},
		{"share of unlimited", map[string]any{"name": "web", "quota": map[string]string{"limits.cpu": "4"}, "namespaceQuota": map[string]string{"limits.memory": "1Gi"}}, "body.namespaceQuota.limits.memory"},
		{"share too big", map[string]any{"name": "web", "quota": map[string]string{"limits.cpu": "4"}, "namespaceQuota": map[string]string{"limits.cpu": "5"}}, "body.namespaceQuota.limits.cpu"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			body := h.Expect(http.StatusUnprocessableEntity, http.MethodPost, base, h.Admin, tt.body)
			if !slices.Contains(servertest.ErrorLocations(body), tt.location) {
				t.Errorf("error does not name %s: %v", tt.location, body)
			}
		})
	}
	h.Expect(http.StatusNotFound, http.MethodPost, "/api/v1/clusters/nope/projects", h.Admin, map[string]any{"name": "web"})

	created := h.Expect(http.StatusCreated, http.MethodPost, base, h.Admin, map[string]any{
		"name": "web", "displayName": "Web", "quota": map[string]string{"limits.cpu": "4"}, "namespaceQuota": map[string]string{"limits.cpu": "2"}})
	if created["name"] != "web" || len(created["namespaces"].([]any)) != 0 {
		t.Errorf("created %v", created)
	}
	h.Expect(http.StatusConflict, http.MethodPost, base, h.Admin, map[string]any{"name": "web"})

	// Two namespaces fit the quota (2 × 2 CPU ≤ 4); a third does not.
	h.Expect(http.StatusOK, http.MethodPost, base+"/web/namespaces", h.Admin, map[string]string{"namespace": "a"})
	h.Expect(http.StatusOK, http.MethodPost, base+"/web/namespaces", h.Admin, map[string]string{"namespace": "b"})
	servertest.Eventually(t, func() bool {
		p := h.Expect(http.StatusOK, http.MethodGet, base+"/web", h.Admin, nil)
		return len(p["namespaces"].([]any)) == 2
	}).Should(gomega.BeTrue())
	body := h.Expect(http.StatusUnprocessableEntity, http.MethodPost, base+"/web/namespaces", h.Admin, map[string]string{"namespace": "c"})
	if !slices.Contains(servertest.ErrorLocations(body), "body.namespace") {
		t.Errorf("quota error: %v", body)
	}
	h.Expect(http.StatusNotFound, http.MethodPost, base+"/web/namespaces", h.Admin, map[string]string{"namespace": "missing"})
	rq, err := conn.Kube.CoreV1().ResourceQuotas("a").Get(ctx, projects.QuotaName, metav1.GetOptions{})
	if err != nil || rq.Spec.Hard.Name("limits.cpu", "").String() != "2" {
		t.Errorf("namespace share: %v %v", rq, err)
	}
	ns, _ := conn.Kube.CoreV1().Namespaces().Get(ctx, "a", metav1.GetOptions{})
	if ns.Labels[projects.ProjectLabel] != "web" {
		t.Errorf("namespace labels %v", ns.Labels)
	}

	// Members.
	dev := h.CreateUser("dev", "user")
	h.Expect(http.StatusOK, http.MethodPut, base+"/web/members/dev", h.Admin, map[string]string{"role": "member"})
	h.Expect(http.StatusUnprocessableEntity, http.MethodPut, base+"/web/members/dev", h.Admin, map[string]string{"role": "god"})
	h.Expect(http.StatusNotFound, http.MethodPut, base+"/web/members/ghost", h.Admin, map[string]string{"role": "viewer"})
	members := h.Expect(http.StatusOK, http.MethodGet, base+"/web/members", h.Admin, nil)["items"].([]any)
	if len(members) != 1 || members[0].(map[string]any)["role"] != "member" {
		t.Errorf("members %v", members)
	}

	// A project member lists the cluster's projects and sees its own only;
	// a user with no role in the cluster may not list them.
	h.Expect(http.StatusCreated, http.MethodPost, base, h.Admin, map[string]any{"name": "other"})
	if got := servertest.ItemNames(h.Expect(http.StatusOK, http.MethodGet, base, h.Admin, nil)); !slices.Equal(slices.Sorted(slices.Values(got)), []string{"other", "web"}) {
		t.Errorf("admin sees %v", got)
	}
	if got := servertest.ItemNames(h.Expect(http.StatusOK, http.MethodGet, base, dev, nil)); !slices.Equal(got, []string{"web"}) {
		t.Errorf("project member sees %v", got)
	}
	h.Expect(http.StatusBadRequest, http.MethodGet, base+"?continue=abc", dev, nil)
	h.Expect(http.StatusForbidden, http.MethodGet, base, h.CreateUser("stranger", "user"), nil)
	h.Expect(http.StatusNoContent, http.MethodDelete, base+"/other", h.Admin, nil)

	h.Expect(http.StatusOK, http.MethodPut, "/api/v1/clusters/c1/members/dev", h.Admin, map[string]string{"role": "viewer"})
	if n := len(h.Expect(http.StatusOK, http.MethodGet, "/api/v1/clusters/c1/members", h.Admin, nil)["items"].([]any)); n != 1 {
		t.Errorf("cluster members: %d", n)
	}
	h.Expect(http.StatusNoContent, http.MethodDelete, "/api/v1/clusters/c1/members/dev", h.Admin, nil)
	h.Expect(http.StatusNotFound, http.MethodDelete, "/api/v1/clusters/c1/members/dev", h.Admin, nil)

	// Remove one namespace: its label and quota go; the namespace stays.
	h.Expect(http.StatusNoContent, http.MethodDelete, base+"/web/namespaces/a", h.Admin, nil)
	if _, err := conn.Kube.CoreV1().ResourceQuotas("a").Get(ctx, projects.QuotaName, metav1.GetOptions{}); err == nil {
		t.Error("the quota share outlived the membership")
	}
	servertest.Eventually(t, func() bool {
		p := h.Expect(http.StatusOK, http.MethodGet, base+"/web", h.Admin, nil)
		return len(p["namespaces"].([]any)) == 1
	}).Should(gomega.BeTrue())

	h.Expect(http.StatusConflict, http.MethodDelete, base+"/web", h.Admin, nil)
	h.Expect(http.StatusNoContent, http.MethodDelete, base+"/web?force=true", h.Admin, nil)
	h.Expect(http.StatusNotFound, http.MethodGet, base+"/web", h.Admin, nil)
	ns, _ = conn.Kube.CoreV1().Namespaces().Get(ctx, "b", metav1.GetOptions{})
	if ns == nil || ns.Labels[projects.ProjectLabel] != "" {
		t.Errorf("namespace b after forced delete: %v", ns)
	}
}

// TestProjectBoundaries: a project's owner may take in only namespaces it
// already holds rights over, never a system namespace, and may not change
// its project's quota; the audit row names the namespace taken in.
func TestProjectBoundaries(t *testing.T) {
	g := gomega.NewWithT(t)
	h, conn := servertest.WithSandbox(t, servertest.Options{}, "c1", 1, "free", "theirs", "mine")
	base := "/api/v1/clusters/c1/projects"
	for _, p := range []string{"p1", "p2", "p3"} {
		h.Expect(http.StatusCreated, http.MethodPost, base, h.Admin, map[string]any{"name": p})
	}
	take := func(token, project, ns string) int {
		code, _, _ := h.Do(http.MethodPost, base+"/"+project+"/namespaces", token, map[string]string{"namespace": ns})
		return code
	}
	g.Eventually(func() int { return take(h.Admin, "p2", "theirs") }).WithTimeout(time.Minute).Should(gomega.Equal(http.StatusOK))
	g.Expect(take(h.Admin, "p3", "mine")).To(gomega.Equal(http.StatusOK))
	owner := h.CreateUser("owner", "user")
	for _, p := range []string{"p1", "p3"} {
		h.Expect(http.StatusOK, http.MethodPut, base+"/"+p+"/members/owner", h.Admin, map[string]string{"role": "owner"})
	}

	for _, tt := range []struct {
		ns   string
		want int
	}{
		{"kube-system", http.StatusForbidden}, // a system namespace
		{"kube-public", http.StatusForbidden},
		{"free", http.StatusForbidden},   // in no project: the cluster owner's
		{"theirs", http.StatusForbidden}, // another project's
		{"mine", http.StatusOK},          // from a project it owns too
	} {
		g.Expect(take(owner, "p1", tt.ns)).To(gomega.Equal(tt.want), "project owner takes %s", tt.ns)
	}
	ns, err := conn.Kube.CoreV1().Namespaces().Get(t.Context(), "kube-system", metav1.GetOptions{})
	g.Expect(err).NotTo(gomega.HaveOccurred())
	g.Expect(ns.Labels).NotTo(gomega.HaveKey(projects.ProjectLabel))

	// A cluster owner may move anything.
	clusterOwner := h.CreateUser("cluster-owner", "user")
	h.Expect(http.StatusOK, http.MethodPut, "/api/v1/clusters/c1/members/cluster-owner", h.Admin, map[string]string{"role": "owner"})
	g.Expect(take(clusterOwner, "p1", "free")).To(gomega.Equal(http.StatusOK))
	g.Expect(take(clusterOwner, "p1", "theirs")).To(gomega.Equal(http.StatusOK))

	// The quota is the cluster owners' to set; the names are the project's.
	body := h.Expect(http.StatusForbidden, http.MethodPatch, base+"/p1", owner, map[string]any{"quota": map[string]string{"pods": "1000"}})
	g.Expect(body["detail"]).To(gomega.ContainSubstring("quota"))
	h.Expect(http.StatusForbidden, http.MethodPatch, base+"/p1", owner, map[string]any{"namespaceQuota": map[string]string{"pods": "10"}})
	h.Expect(http.StatusOK, http.MethodPatch, base+"/p1", owner, map[string]any{"displayName": "Mine"})
	h.Expect(http.StatusOK, http.MethodPatch, base+"/p1", clusterOwner, map[string]any{"quota": map[string]string{"pods": "1000"}})

	audit := h.Expect(http.StatusOK, http.MethodGet, "/api/v1/audit?action=add-project-namespace&limit=100", h.Admin, nil)
	var targets []string
	for _, it := range audit["items"].([]any) {
		e := it.(map[string]any)
		if e["username"] == "owner" {
			targets = append(targets, e["target"].(string)+" "+e["outcome"].(string))
		}
	}
	g.Expect(targets).To(gomega.ContainElements(base+"/p1/namespaces/kube-system denied", base+"/p1/namespaces/mine success"))
}
